"""Finding the record files again without stat'ing them all: for a process that builds more than once
(the build daemon, culturekg.daemon).

`discover()` stats every file under data/ (0.2-0.3 s for 50,000 event records, as `find` takes). A
long-running process can instead ask Linux (inotify) which names under data/ changed since it last
looked, and stat only those. Anything the watch cannot vouch for (an overflowed event queue, a new or
removed folder, a change outside the events folder, a symbolic link whose target may change unseen, a
platform without inotify) sends it back to a whole discover(), so the answer is always the one
discover() would give.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
import struct
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .files import EVENT_SUFFIXES, EVENTS_FOLDER, Discovered, EventRecords, discover, signature

# <sys/inotify.h>
_MODIFY, _ATTRIB, _CLOSE_WRITE = 0x2, 0x4, 0x8
_MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x40, 0x80, 0x100, 0x200
_DELETE_SELF, _MOVE_SELF, _OVERFLOW, _IGNORED = 0x400, 0x800, 0x4000, 0x8000
_ONLYDIR, _ISDIR = 0x01000000, 0x40000000
_MASK = (_MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE
         | _DELETE_SELF | _MOVE_SELF | _ONLYDIR)
_HEADER = struct.Struct("iIII")


@dataclass
class Changes:
    """What a watch saw since it was last asked: names changed in the events folder, or that it
    cannot tell (`whole`, with the reason)."""

    event_names: set[str] = field(default_factory=set)
    whole: str | None = None


class Watch:
    """An inotify watch on every folder under `data` (hidden ones excepted, as discover() skips them)."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.events_dir = str(data / EVENTS_FOLDER.removeprefix("data/").rstrip("/"))
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self._add = libc.inotify_add_watch
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.folders: dict[int, str] = {}
        self.pending = Changes()
        self.watch_folders()

    @classmethod
    def start(cls, data: Path) -> Watch | None:
        """A watch, or None where the platform has none (or refuses one: too many watches)."""
        if not Path("/proc/sys/fs/inotify").is_dir():
            return None
        try:
            return cls(data)
        except (OSError, AttributeError):
            return None

    def watch_folders(self) -> None:
        """Watch every folder under data/, new ones included (called again after a whole discover)."""
        todo = [str(self.data)]
        while todo:
            folder = todo.pop()
            wd = self._add(self.fd, os.fsencode(folder), _MASK)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"inotify_add_watch {folder} failed")
            self.folders[wd] = folder
            with os.scandir(folder) as entries:
                todo += [e.path for e in entries if not e.name.startswith(".") and e.is_dir()]

    def changes(self) -> Changes:
        """What changed since the last call (every event queued so far is read)."""
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            self._parse(chunk)
        seen, self.pending = self.pending, Changes()
        return seen

    def _parse(self, chunk: bytes) -> None:
        offset = 0
        while offset < len(chunk):
            wd, mask, _cookie, length = _HEADER.unpack_from(chunk, offset)
            name = chunk[offset + _HEADER.size: offset + _HEADER.size + length].rstrip(b"\0").decode(errors="surrogateescape")
            offset += _HEADER.size + length
            self._saw(wd, mask, name)

    def _saw(self, wd: int, mask: int, name: str) -> None:
        if mask & _OVERFLOW:
            self.pending.whole = "the watch's event queue overflowed"
        elif mask & (_DELETE_SELF | _MOVE_SELF | _IGNORED):
            self.folders.pop(wd, None)
            self.pending.whole = "a folder under data/ was removed or moved"
        elif name.startswith("."):
            return  # editors' swap and backup files; discover() does not see them either
        elif mask & _ISDIR:
            self.pending.whole = "a folder under data/ was added, removed or renamed"
        elif self.folders.get(wd) == self.events_dir:
            self.pending.event_names.add(name)
        else:
            self.pending.whole = f"{Path(self.folders.get(wd, '?'), name)} changed"

    def close(self) -> None:
        os.close(self.fd)


class WatchedDiscovery:
    """discover() for one project, answered from the last whole discover() and a Watch of what has
    changed since: the same answer, with a stat for each changed name only."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.watch = Watch.start(self.root / "data") if (self.root / "data").is_dir() else None
        self.last: Discovered | None = None
        # Why the last answer took a whole discover(), for `culturekg daemon status`.
        self.why_whole = ("first look" if self.watch else "no inotify on this platform"
                          if (self.root / "data").is_dir() else "no data/ folder to watch when the watch began")

    def __call__(self, root: Path) -> Discovered:
        if root.resolve() != self.root:
            return discover(root)
        seen = self.watch.changes() if self.watch is not None else None
        if self.last is None or seen is None or seen.whole is not None:
            if seen is not None and seen.whole is not None:
                self.why_whole = seen.whole
            if self.watch is not None:
                self.watch.watch_folders()  # folders made since the last whole look are watched too
            found = discover(self.root)
            self.last = found if self.watch is not None and not _links(found[1]) else None
            if self.last is not None:
                found[1].rels, found[1].keys  # worked out once here, then carried over (see _records)
            if self.watch is not None and self.last is None:
                self.why_whole = "the events folder holds symbolic links, whose targets can change unseen"
            return _copy(found)
        if seen.event_names:
            updated = _updated(self.last[1], seen.event_names)
            if updated is None:
                self.why_whole = "a name in the events folder is not an event record"
                self.last = None
                return self(root)
            self.last = (self.last[0], updated, self.last[2])
        self.why_whole = ""
        return _copy(self.last)

    def close(self) -> None:
        if self.watch is not None:
            self.watch.close()


def _copy(found: Discovered) -> Discovered:
    # The loader adds to the problems list and sets checksums on the files: its own lists each time.
    files, events, problems = found
    return list(files), _records(events, list(events.names), list(events.signatures)), list(problems)


def _records(events: EventRecords, names: list[str], signatures: list[str],
             edit: Callable[[list[str], Callable[[str], str]], None] | None = None) -> EventRecords:
    """EventRecords of these names, with the paths and keys `events` worked out carried over (edited
    as the names were), not worked out again for 50,000 names."""
    records = EventRecords(events.directory, names, signatures)
    for derived, of_name in (("rels", lambda name: EVENTS_FOLDER + name), ("keys", lambda name: name.rsplit(".", 1)[0])):
        if derived in events.__dict__:
            values = list(events.__dict__[derived])
            if edit is not None:
                edit(values, of_name)
            records.__dict__[derived] = values
    return records


def _links(events: EventRecords) -> bool:
    if not events.directory:
        return False
    with os.scandir(events.directory) as entries:
        return any(e.is_symlink() for e in entries)


def _updated(events: EventRecords, names: set[str]) -> EventRecords | None:
    """`events` with these names stat'ed again: added, changed or gone. None when one of them is not
    plainly an event record file (then only a whole discover() says what it is)."""
    if not events.directory:
        return None
    kept_names, kept_signatures = list(events.names), list(events.signatures)
    edits: list[tuple[str, int, str | None]] = []  # (what, where, name) to do to the paths and keys too
    for name in sorted(names):
        if not name.endswith(EVENT_SUFFIXES):
            return None
        try:
            info = os.lstat(f"{events.directory}/{name}")
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            return None  # a link or a folder by that name
        at = bisect_left(kept_names, name)
        present = at < len(kept_names) and kept_names[at] == name
        if info is None and present:
            del kept_names[at], kept_signatures[at]
            edits.append(("delete", at, None))
        elif info is not None and present:
            kept_signatures[at] = signature(info)
        elif info is not None:
            kept_names.insert(at, name)
            kept_signatures.insert(at, signature(info))
            edits.append(("insert", at, name))

    def edit(values: list[str], of_name: Callable[[str], str]) -> None:
        for what, at, name in edits:
            if what == "delete":
                del values[at]
            else:
                values.insert(at, of_name(name))

    return _records(events, kept_names, kept_signatures, edit)
