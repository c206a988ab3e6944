"""Writing a release so that a reader never sees a half-written file or a half-swapped release.

Every file is built in `DIR/.staging-<id>/`; only when all of them are written and checked does the
staging folder get a `COMPLETE` marker, after which its files replace the old ones one by one and the
manifest (SHA256SUMS) goes last. A publish killed while building leaves the old release untouched (its
staging folder is thrown away next time); one killed while swapping is finished by the next publish
(roll forward), because everything it needs is already in the complete staging folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

from ..errors import ConfigError

MANIFEST = "SHA256SUMS"
_MARKER = "COMPLETE"
_STAGING_PREFIX = ".staging-"
_SCRATCH = ".scratch"


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so `path` is old or new, never partial."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """relative path -> sha256 from a SHA256SUMS file (empty when there is none)."""
    if not path.is_file():
        return {}
    entries: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ConfigError(f"{path}:{number}: not a 'sha256  path' line")
        entries[name] = digest
    return entries


def manifest_text(entries: dict[str, str]) -> bytes:
    return "".join(f"{entries[name]}  {name}\n" for name in sorted(entries)).encode("utf-8")


class Staging:
    """One release being assembled in `out/.staging-<id>/`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = out / f"{_STAGING_PREFIX}{uuid.uuid4().hex}"
        self._folders: set[str] = set()

    def path(self, relative: str) -> Path:
        """Where a release file is staged; refuses any name that would land outside the staging folder.
        The staging folder is new and only we write in it, so no symlink can be inside: a check of the
        name itself is enough here (the swap checks the real paths in the release folder)."""
        parts = relative.split("/")
        if relative.startswith("/") or any(part in ("", ".", "..") for part in parts) or "\0" in relative:
            raise ConfigError(f"release file name {relative!r} leaves the release folder")
        return self.root.joinpath(*parts)

    def write(self, relative: str, data: bytes) -> Path:
        target = self.path(relative)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        # Nobody else sees the staging folder, so a plain write is enough here.
        with open(target, "wb") as handle:
            handle.write(data)
        return target

    def scratch(self) -> Path:
        """A folder for work files that are not part of the release (dropped with the staging folder)."""
        return self.root / _SCRATCH

    def files(self) -> list[str]:
        found = []
        for path in self.root.rglob("*"):
            relative = path.relative_to(self.root)
            if path.is_file() and path.name != _MARKER and relative.parts[0] != _SCRATCH:
                found.append(relative.as_posix())
        return sorted(found)

    def commit(self, known: dict[str, str] | None = None) -> dict[str, str]:
        """Mark the staging folder complete, then move it into place (manifest last). Returns the manifest.
        `known`: SHA-256 of files counted while they were written (they are not read again)."""
        shutil.rmtree(self.scratch(), ignore_errors=True)
        known = known or {}
        entries = {name: known.get(name) or sha256_file(self.root / name) for name in self.files() if name != MANIFEST}
        (self.root / MANIFEST).write_bytes(manifest_text(entries))
        marker = self.root / _MARKER
        marker.write_bytes(b"")
        _fsync_dir(self.root)
        _swap_in(self.root, self.out)
        return entries

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def recover(out: Path) -> list[str]:
    """Deal with staging folders a killed publish left behind: finish complete ones, drop the rest."""
    actions = []
    if not out.is_dir():
        return actions
    for staging in sorted(out.glob(f"{_STAGING_PREFIX}*")):
        if (staging / _MARKER).is_file():
            _swap_in(staging, out)
            actions.append(f"finished the interrupted release from {staging.name}")
        else:
            shutil.rmtree(staging, ignore_errors=True)
            actions.append(f"dropped the unfinished release {staging.name}")
    return actions


def _swap_in(staging: Path, out: Path) -> None:
    new = read_manifest(staging / MANIFEST)
    old = read_manifest(out / MANIFEST)
    root = out.resolve()
    checked: set[Path] = set()
    for name in sorted(new):
        source = staging / name
        if not source.exists():
            continue  # moved already by a swap that was interrupted
        target = out / name
        if target.parent not in checked:
            target.parent.mkdir(parents=True, exist_ok=True)
            # A symlinked folder in the release could send a file elsewhere: check the real path.
            if not target.parent.resolve().is_relative_to(root):
                raise ConfigError(f"{target.parent}: leaves the release folder {out} (a symlink?); release not swapped in")
            checked.add(target.parent)
        os.replace(source, target)
    emptied: set[Path] = set()
    for name in sorted(set(old) - set(new)):
        stale = (out / name).resolve()
        if stale.is_relative_to(root) and stale.is_file():
            stale.unlink()
            emptied.add(stale.parent)
    _remove_empty_dirs(emptied, root)
    os.replace(staging / MANIFEST, out / MANIFEST)
    _fsync_dir(out)
    shutil.rmtree(staging, ignore_errors=True)


def _remove_empty_dirs(folders: set[Path], root: Path) -> None:
    """Remove the folders that stale files left empty, and their parents up to the release root;
    folders that were never part of a release are left alone."""
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:
                break  # not empty (or gone): it holds files of this release or of the user
            folder = folder.parent


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
