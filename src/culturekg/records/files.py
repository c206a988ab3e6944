"""Find a project's record files, read each one and check it against its format.

Nothing here knows RDF: the result is checked records with their lines, a checksum per file, and
the URLs of the sources each file names.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import Problem, RecordError, relpath
from . import formats
from .readers import read_csv, read_json, read_yaml
from .schema import INVALID, At, Rec, check_record

EVENT_SUFFIXES = (".yaml", ".yml", ".json")
SIDECAR_SUFFIX = ".meta.yaml"
SCHEME_FILES = {"conventions.yaml": "conventions", "topics.yaml": "topics", "sectors.yaml": "sectors"}


@dataclass
class SourceFile:
    """One record file as found on disk; a CSV table counts together with its sidecar."""

    # Kept as given and made a Path when asked: 50,000 Path objects cost a build a quarter second
    # even when no file is read.
    location: Path | str
    rel: str
    kind: str
    sidecar: Path | None = None
    # What changes when the bytes may have (see signature()), taken when the file was found.
    signature: str | None = None
    # The file name without its extension, when the caller has it at hand.
    known_stem: str | None = field(default=None, repr=False)
    # The checksum, when the caller knows it for the file as it is now (the ledger's cache);
    # else computed when first asked for. A plain attribute, not functools.cached_property, which
    # takes a lock on every access (a tenth of a second over 50,000 files).
    known_sha256: str | None = None

    @cached_property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes, followed by its sidecar's when it has one (a change to
        either changes what the graph says)."""
        if self.known_sha256 is None:
            digest = hashlib.sha256(self.path.read_bytes())
            if self.sidecar is not None and self.sidecar.is_file():
                digest.update(self.sidecar.read_bytes())
            self.known_sha256 = digest.hexdigest()
        return self.known_sha256

    @property
    def files(self) -> tuple[str, ...]:
        if self.sidecar is None:
            return (self.rel,)
        return (self.rel, self.rel.removesuffix(".csv") + SIDECAR_SUFFIX)

    @property
    def stem(self) -> str:
        if self.known_stem is None:
            self.known_stem = self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return self.known_stem


@dataclass
class Parsed:
    """A file read and checked: its records (rows, concepts, one event ...) and metadata."""

    file: SourceFile
    records: list[Rec] = field(default_factory=list)
    document: Rec | None = None
    meta: Rec | None = None

    @property
    def source_urls(self) -> list[str]:
        urls: list[str] = []
        holder = self.meta if self.meta is not None else self.document
        for source in (holder or {}).get("sources", []):
            if "url" in source and source["url"] not in urls:
                urls.append(source["url"])
        if self.file.kind == "event":
            url = self.records[0]["source"].get("url")
            if url:
                urls.append(url)
        for row in self.records:
            url = row.get("source_url")
            if url and url not in urls:
                urls.append(url)
        return urls


EVENTS_FOLDER = "data/records/events/"


@dataclass
class EventRecords:
    """The event records of data/records/events as whole lists, in name order: a project may hold
    50,000, and a build that finds one changed should not make an object per file to learn it."""

    directory: str = ""
    names: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)

    @cached_property
    def rels(self) -> list[str]:
        return [EVENTS_FOLDER + name for name in self.names]

    @cached_property
    def keys(self) -> list[str]:
        """Each record's key: its file name without the extension (the format check makes sure)."""
        return [name.rsplit(".", 1)[0] for name in self.names]

    def file(self, index: int, sha256: str | None = None) -> SourceFile:
        name = self.names[index]
        return SourceFile(f"{self.directory}/{name}", EVENTS_FOLDER + name, "event", None, self.signatures[index],
                          self.keys[index], sha256)


# What discover() finds: the files other than event records, the event records, problems.
Discovered = tuple[list[SourceFile], EventRecords, list[Problem]]


def discover(root: Path) -> Discovered:
    """Every record file under `root/data`, in a stable order: the event records of the events
    folder apart, as lists (see EventRecords), and the other files; and problems with files that
    fit nowhere."""
    data = root / "data"
    found: list[SourceFile] = []
    events = EventRecords()
    problems: list[Problem] = []
    if not data.is_dir():
        return found, events, [Problem(relpath(data, root), "the project has no data/ folder")]
    sidecars: set[Path] = set()
    for directory, prefix, names, infos in _walk(str(data)):
        base = "data/" + "".join(part + "/" for part in prefix)
        if prefix == ("records", "events"):
            # The folder's files may come in more than one run (around a subfolder's name).
            events.directory = directory
            if all(name.endswith(EVENT_SUFFIXES) for name in names):
                events.names += names
                events.signatures += map(signature, infos)
                continue
            pairs = list(zip(names, infos))
            events.names += [name for name, _ in pairs if name.endswith(EVENT_SUFFIXES)]
            events.signatures += [signature(info) for name, info in pairs if name.endswith(EVENT_SUFFIXES)]
            names = [name for name, _ in pairs if not name.endswith(EVENT_SUFFIXES)]
            infos = [info for name, info in pairs if not name.endswith(EVENT_SUFFIXES)]
        for name, info in zip(names, infos):
            location = f"{directory}/{name}"
            rel = base + name
            if name.endswith(".md"):
                continue
            if name.endswith(SIDECAR_SUFFIX):
                sidecars.add(Path(location))
                continue
            kind = _kind(prefix + (name,))
            if kind is None:
                problems.append(Problem(rel, "not a record file this tool knows; see docs/records.md for the layout"))
                continue
            sidecar = None
            mark = signature(info)
            if name.endswith(".csv"):
                sidecar = Path(location).with_name(name[: -len(".csv")] + SIDECAR_SUFFIX)
                if not sidecar.is_file():
                    problems.append(Problem(rel, f"no sidecar {sidecar.name} saying where the table comes from"))
                mark += "|" + signature(stat_or_none(sidecar))
            found.append(SourceFile(location, rel, kind, sidecar, mark))
    claimed = {f.sidecar for f in found}
    for orphan in sorted(sidecars - claimed):
        problems.append(Problem(relpath(orphan, root), "sidecar without its CSV table"))
    return found, events, problems


def signature(info: os.stat_result | None) -> str:
    """Size, modification and change times and inode: what changes when a file's bytes may have.
    changed_within() reads the times back: change both together (and bump ledger.LEDGER_VERSION)."""
    if info is None:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def changed_within(mark: str, now_ns: int, window_ns: int) -> bool:
    """Whether a file with this signature (or a table's, with its sidecar's) was modified or changed
    less than `window_ns` before `now_ns`."""
    for part in mark.split("|"):
        fields = part.split(":")
        if len(fields) == 4 and now_ns - max(int(fields[1]), int(fields[2])) < window_ns:
            return True
    return False


def stat_or_none(path: Path | str, directory: int | None = None) -> os.stat_result | None:
    try:
        return os.stat(path, dir_fd=directory)
    except OSError:
        return None


def _walk(top: str) -> Iterator[tuple[str, tuple[str, ...], list[str], list[os.stat_result]]]:
    """The files under `top` (following links, as Path.is_file does) in the order of sorted paths,
    as runs of files of one directory: (the directory, its path parts below `top`, the files' names,
    their stat). Names starting with a dot are hidden, with everything under them. One stat a file
    says both what it is and whether it changed, and names are looked up relative to the open
    directory (a quarter less time than whole paths): 50,000 records are walked in a third of the
    time Path.rglob took."""

    def visit(directory: str, prefix: tuple[str, ...]):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            names = sorted(name for name in os.listdir(fd) if not name.startswith("."))
            files: list[str] = []
            infos: list[os.stat_result] = []
            subdirectories: list[tuple[int, str]] = []
            lookup, regular, folder = os.stat, stat.S_ISREG, stat.S_ISDIR
            for name in names:
                try:
                    info = lookup(name, dir_fd=fd)
                except OSError:
                    continue  # a broken link, or gone since the listing: no file to read
                if regular(info.st_mode):
                    files.append(name)
                    infos.append(info)
                elif folder(info.st_mode):
                    subdirectories.append((len(files), name))
        finally:
            os.close(fd)
        # Each subdirectory's files where its name falls among the directory's own.
        start = 0
        for end, name in subdirectories:
            if end > start:
                yield directory, prefix, files[start:end], infos[start:end]
            start = end
            yield from visit(f"{directory}/{name}", prefix + (name,))
        if len(files) > start:
            yield directory, prefix, files[start:], infos[start:]

    return visit(top, ())


def _kind(parts: tuple[str, ...]) -> str | None:
    if len(parts) == 3 and parts[0] == "records" and parts[1] == "events":
        return "event" if parts[2].endswith(EVENT_SUFFIXES) else None
    if len(parts) == 2 and parts[0] == "reference":
        name = parts[1]
        if name in formats.TABLES:
            return name.removesuffix(".csv")
        return SCHEME_FILES.get(name)
    if len(parts) == 3 and parts[:2] == ("reference", "memberships") and parts[2].endswith(".csv"):
        return "memberships"
    return None


def _text(path: Path, rel: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError([Problem(rel, f"not UTF-8 text (byte {exc.start})")]) from None


def _read_sidecar(file: SourceFile) -> tuple[Rec | None, list[Problem]]:
    if file.sidecar is None or not file.sidecar.is_file():
        return None, []
    rel = file.rel.removesuffix(".csv") + SIDECAR_SUFFIX
    meta, problems = check_record(read_yaml(_text(file.sidecar, rel), rel), formats.META, rel)
    if meta is INVALID:
        return None, problems
    formats.check_meta(meta, At(problems, rel, meta.line, ""), membership=file.kind == "memberships")
    return meta, problems


def _read_table(file: SourceFile, parsed: Parsed) -> list[Problem]:
    table = formats.MEMBERSHIPS if file.kind == "memberships" else formats.TABLES[file.path.name]
    meta, problems = _read_sidecar(file)
    parsed.meta = meta
    rows = read_csv(_text(file.path, file.rel), file.rel, table.columns, table.multi)
    for row in rows:
        checked, row_problems = check_record(row, table.record, file.rel, text=True)
        problems.extend(row_problems)
        if checked is not INVALID:
            parsed.records.append(checked)
    return problems


def _read_document(file: SourceFile, parsed: Parsed) -> list[Problem]:
    text = _text(file.path, file.rel)
    value = read_json(text, file.rel) if file.path.suffix == ".json" else read_yaml(text, file.rel)
    spec = formats.EVENT if file.kind == "event" else (formats.CONVENTIONS if file.kind == "conventions" else formats.SCHEME)
    document, problems = check_record(value, spec, file.rel)
    if document is INVALID:
        return problems
    at = At(problems, file.rel, document.line, "")
    if file.kind == "event":
        formats.check_event(document, at)
        if document["key"] != file.stem:
            at.child("key", document.line_of("key")).fail(f"key '{document['key']}' must equal the file name '{file.stem}'")
        parsed.records.append(document)
    else:
        formats.check_sources(document["sources"], at)
    parsed.document = document
    return problems


def read_file(file: SourceFile) -> tuple[Parsed | None, list[Problem]]:
    """Read and check one file; problems are returned, not raised, so a batch reports them all."""
    try:
        parsed = Parsed(file)
        reader = _read_table if file.path.suffix == ".csv" else _read_document
        problems = reader(file, parsed)
    except RecordError as exc:
        return None, list(exc.problems)
    except OSError as exc:
        return None, [Problem(file.rel, f"cannot read: {exc.strerror}")]
    except RecursionError:
        return None, [Problem(file.rel, "nested too deeply to be a record")]
    return (None if problems else parsed), problems


def read_all(files: list[SourceFile], progress: Callable[[str, int, int], None] | None = None) -> tuple[list[Parsed], list[Problem]]:
    parsed: list[Parsed] = []
    problems: list[Problem] = []
    for index, file in enumerate(files):
        result, file_problems = read_file(file)
        problems.extend(file_problems)
        if result is not None:
            parsed.append(result)
        if progress is not None:
            progress("read", index + 1, len(files))
    return parsed, problems
