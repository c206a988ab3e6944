"""Noticing a rebuild, so that the server answers from the store as the last finished build left it.

pyoxigraph's `Store.read_only` is a snapshot of the store as it was when opened. Reopening costs
30 to 45 ms even for the shipped graph (8300 quads), too much for every request, so the server
reopens only when the store directory's files changed (their names, sizes and modification times:
a write changes the write-ahead log, a flush or compaction the table files). Listing them costs
0.24 ms for the shipped store's 43 files. While a writer (`culturekg build`) still holds the
store's lock, the old snapshot stays in use, so a half-written build is never served.
"""

from __future__ import annotations

import os
from pathlib import Path

# RocksDB's info log (LOG, LOG.old.*) changes without the data changing; LOCK never changes.
_IGNORED = ("LOG", "LOCK")


def content_signature(store_path: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes whenever the store's content does; OSError if the directory cannot be listed."""
    entries = []
    with os.scandir(store_path) as listing:
        for entry in listing:
            if entry.name.startswith(_IGNORED):
                continue
            try:
                status = entry.stat()
            except FileNotFoundError:  # removed by a compaction while we looked: the next listing differs anyway
                continue
            entries.append((entry.name, status.st_size, status.st_mtime_ns))
    return tuple(sorted(entries))


def writer_active(store_path: Path, locks: Path = Path("/proc/locks")) -> bool:
    """Whether a process holds the store's write lock (RocksDB's LOCK file).

    Read from /proc/locks rather than by testing the lock: closing any descriptor of the LOCK file
    would drop a lock that this same process holds. Where /proc/locks does not exist, False."""
    try:
        status = os.stat(store_path / "LOCK")
        table = locks.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    # /proc/locks names a file as MAJOR:MINOR:INODE, the device numbers in hex.
    wanted = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
    return any(wanted in line.split() for line in table.splitlines())


class Freshness:
    """Tells the server when to reopen: the content changed since the last opening and no writer is active."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.opened = content_signature(store_path)

    def changed(self) -> tuple[tuple[str, int, int], ...] | None:
        """The new signature when the store should be reopened, else None."""
        try:
            now = content_signature(self.store_path)
        except OSError:
            return None  # the directory is being replaced; keep answering from the open snapshot
        if now == self.opened or writer_active(self.store_path):
            return None
        return now

    def reopened(self, signature: tuple[tuple[str, int, int], ...]) -> None:
        self.opened = signature
