"""Real image bytes for simulated media: small PNGs, one colour scheme per media key.

Deterministic (the same key gives the same bytes), so a swapped picture is a different image
and a re-fetched one is byte-identical, as on a real CDN.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

__all__ = ["png_for"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_for(key: str, width: int = 240, height: int = 135, color: str | None = None) -> bytes:
    """A PNG of ``width``×``height``: a colour field with darker stripes whose number and
    direction depend on the key, so that two keys are two different pictures (not just two
    colours, which a perceptual hash rightly ignores)."""
    digest = hashlib.sha256(key.encode()).digest()
    rgb = bytes.fromhex(color.lstrip("#"))[:3] if color else digest[:3]
    dark = bytes(c // 3 for c in rgb)
    stripes = 1 + digest[3] % 4
    direction = digest[4] % 3  # 0: diagonal, 1: vertical, 2: horizontal
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            position = (x * height // width + y, x * height // width, y)[direction]
            band = (position * stripes // max(1, height)) % 2
            row += dark if band else rgb
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
