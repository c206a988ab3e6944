"""A cheap token that changes whenever an on-disk store may have been written.

`culturekg build` knows which graphs its own load rewrote, but the validation state is only a fair
starting point for that list if nothing else wrote the store since the state was taken: another
load without validation, a build cut short, a script using the Python API. Oxigraph (RocksDB) on
disk cannot be written without a file of its directory changing (opening it for writing alone
starts a new log and manifest; opening it read-only changes nothing), so the names, sizes and
modification times of those files, taken when the build closes the store and again before the
next one opens it, say whether anyone wrote in between. A false alarm costs only the slower,
O(graphs) comparison of checksums; a write goes unseen only if it left every file at its old size
with its old modification time put back.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def store_stamp(store_dir: Path) -> str | None:
    """The stamp of a closed store directory; None when there is no such directory (nothing to compare)."""
    if not store_dir.is_dir():
        return None
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(store_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            try:
                info = path.stat()
            except FileNotFoundError:
                continue  # removed while we looked: the stamp differs from the recorded one either way
            digest.update(f"{path.relative_to(store_dir).as_posix()}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()
