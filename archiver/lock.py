"""One writer per output folder: an exclusive ``flock`` on ``archiver.lock`` in each folder.

Every command that writes into the output folder (its WARC files) or the state database
holds the lock of each folder it writes into for the whole command, so a second one stops at
once with a clear message instead of sealing the first one's live ``.open`` WARC during its
start-up recovery, or marking the first one's run interrupted. The kernel drops the lock when
its holder dies (even by ``kill -9``): a stale lock file holds nothing, and a run the
database still calls ``running`` while we hold the lock is one whose process died.
"""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from archiver.config import Settings
from archiver.errors import ArchiveError, LockHeld

__all__ = ["LOCK_NAME", "FolderLock", "lock_for"]

LOCK_NAME = "archiver.lock"


class FolderLock:
    """Held from ``__enter__`` to ``__exit__``; raises :class:`LockHeld` at once when busy."""

    def __init__(self, *folders: Path, command: str = "a run") -> None:
        unique = {folder.absolute(): folder for folder in folders}
        self.paths = [unique[key] / LOCK_NAME for key in sorted(unique)]
        self.command = command
        self._handles: list[TextIO] = []

    @property
    def path(self) -> Path:
        return self.paths[0]

    def __enter__(self) -> FolderLock:
        try:
            for path in self.paths:
                self._handles.append(_take(path, self.command))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        for handle in reversed(self._handles):
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        self._handles.clear()


def _take(path: Path, command: str) -> TextIO:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(f"{path.parent}: cannot write into this folder ({exc.strerror or exc})") from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another run"
        handle.close()
        raise LockHeld(f"{path.parent}: a run is already in progress ({holder}); not starting") from None
    handle.seek(0)
    handle.truncate()
    since = datetime.now(UTC).isoformat(timespec="seconds")
    handle.write(f"{command}, pid {os.getpid()} since {since}\n")
    handle.flush()
    return handle


def lock_for(settings: Settings, command: str, *, writes_out: bool) -> FolderLock:
    """The lock a command needs: the output folder when it writes WARCs there, and the
    database's folder when it remembers checks."""
    folders = [settings.out_dir] if writes_out else []
    if settings.use_db:
        folders.append(settings.db_path.parent)
    return FolderLock(*folders, command=command)
