"""Digests of captured pictures: exact (SHA-256) and perceptual, so that a re-encoded picture
is the same picture and a swapped one is not. Pure: bytes in, digests out."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import imagehash
from PIL import Image, UnidentifiedImageError

__all__ = ["MediaDigest", "digest_image"]


@dataclass(frozen=True, slots=True)
class MediaDigest:
    sha256: str
    phash: str | None  # a perceptual difference hash (dHash); None when not a picture


def digest_image(data: bytes) -> MediaDigest:
    exact = hashlib.sha256(data).hexdigest()
    try:
        with Image.open(io.BytesIO(data)) as picture:
            perceptual = str(imagehash.dhash(picture.convert("RGB")))
    except (UnidentifiedImageError, OSError, ValueError):
        perceptual = None
    return MediaDigest(exact, perceptual)
