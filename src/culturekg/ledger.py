"""The load's own bookkeeping, kept beside an on-disk store (`<store>.load`).

What a build must know before it writes (which graphs the store holds, with which checksums) and
what it prints after (triples, graphs, entities per class) is all in the store, but reading it back
costs seconds at 50,000 record files: the meta graph alone holds some 300,000 triples, and counting
entities scans every type triple. The ledger keeps the same facts beside the store, brought up to
date by each build from what it wrote, so that a one-record change costs the store work in
proportion to the change.

The ledger is only believed when the store is exactly as the build that wrote the ledger left it:
the store's stamp (validate.storestamp) is recorded in `<store>.load.stamp` once the store is
closed, with the generation of the ledger it goes with, and compared before the next build opens
the store. Anything else (a Python load, a build cut short, another tool) makes the next build read
the store itself, as it always could, and write a fresh ledger.

It also remembers each record file's signature (size, times, inode) when its checksum was taken,
so an unchanged file is not read and hashed again. That part is about the files, not the store,
and is believed whatever the stamp says; a file whose modification time is too close to the
moment it was hashed is hashed again next time, since a later write within the same clock tick
would leave no trace.

One marshal file, replaced whole by each build: reading 50,000 entries takes a twentieth of a
second, four times less than the same rows from SQLite, and marshal builds plain values only.
"""

from __future__ import annotations

import marshal
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .records.files import changed_within

# Bump when the meaning of any entry changes: an older ledger is then ignored, not misread.
LEDGER_VERSION = 5
# Records the journal may hold before the next save writes the ledger whole again.
_JOURNAL_RECORDS = 200
# Modification times closer than this to the hashing are not trusted (coarse file-system clocks).
_RACY_NS = 2_000_000_000


def ledger_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".load")


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".stamp")


def _journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


@dataclass
class StoredGraphs:
    """The record files' graphs as the store holds them, by the path each graph is named after:
    the checksum its meta entry gives (`shas`), the graphs without a quad (`empty`), and the other
    files a graph comes from (a table's sidecar). Plain dictionaries of strings: 50,000 entries
    are read in a few hundredths of a second."""

    shas: dict[str, str] = field(default_factory=dict)
    empty: set[str] = field(default_factory=set)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Entries put or dropped since read: what a journal record of the ledger holds.
    touched: set[str] = field(default_factory=set)

    def entry(self, rel: str) -> tuple[str, int, tuple[str, ...]] | None:
        if rel not in self.shas:
            return None
        return self.shas[rel], int(rel in self.empty), self.extra.get(rel, ())

    def set_entry(self, rel: str, entry: tuple[str, int, tuple[str, ...]] | None) -> None:
        if entry is None:
            self.drop(rel)
        else:
            self.put(rel, entry[0], (rel, *entry[2]), not entry[1])

    def files(self, rel: str) -> tuple[str, ...]:
        return (rel, *self.extra.get(rel, ()))

    def source_files(self) -> list[str]:
        return sorted([*self.shas, *(f for files in self.extra.values() for f in files)])

    def put(self, rel: str, sha256: str, files: tuple[str, ...], has_quads: bool) -> None:
        self.touched.add(rel)
        self.shas[rel] = sha256
        (self.empty.discard if has_quads else self.empty.add)(rel)
        if files[1:]:
            self.extra[rel] = tuple(files[1:])
        else:
            self.extra.pop(rel, None)

    def drop(self, rel: str) -> None:
        self.touched.add(rel)
        self.shas.pop(rel, None)
        self.empty.discard(rel)
        self.extra.pop(rel, None)



@dataclass
class Totals:
    """The store's counts as `culturekg stats` reports them."""

    quads: int
    named_graphs: int
    entities: dict[str, int] = field(default_factory=dict)  # class IRI -> distinct things


@dataclass
class Ledger:
    path: Path
    # What the store held after the last build, or None when the ledger cannot be believed.
    graphs: StoredGraphs | None = None
    totals: Totals | None = None
    # The checksum cache: rel -> the file's signature when its checksum (the stored graph's) was taken.
    signatures: dict[str, str] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    # Whether this build's save went through: only then may the closed store's stamp be recorded.
    saved: bool = False
    generation: str = ""
    # The base IRI the store's graphs are named under: a build under another one must read the
    # store (and refuse it), not take the ledger's word.
    base_iri: str = ""
    _blobs: dict[str, tuple[str, object]] = field(default_factory=dict)
    _hashed: set[str] = field(default_factory=set)  # signatures taken by this build
    _journaled: int = _JOURNAL_RECORDS  # records in the journal; as many as allowed: write whole

    @classmethod
    def open(cls, path: Path, stamp: str | None) -> Ledger:
        """The ledger at `path`; its record of the store only if `stamp` (the store's stamp now)
        is the one recorded when the build that wrote this ledger closed the store."""
        ledger = cls(path)
        try:
            data = marshal.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("version") != LEDGER_VERSION:
                return ledger
            graphs = StoredGraphs(data["shas"], set(data["empty"]), data["extra"])
            signatures, blobs = data["signatures"], data["blobs"]
            generation, totals, base_iri = data["generation"], data["totals"], data["base_iri"]
            # The builds since the ledger was last written whole, each a record of what it changed.
            records, clean = _journal(path, generation)
            for record in records:
                for rel, entry in record["graphs"].items():
                    graphs.set_entry(rel, entry)
                for rel, signature in record["signatures"].items():
                    if signature is None:
                        signatures.pop(rel, None)
                    else:
                        signatures[rel] = signature
                blobs.update(record["blobs"])
                generation, totals, base_iri = record["generation"], record["totals"], record["base_iri"]
            graphs.touched.clear()
            ledger._journaled = len(records) if clean else _JOURNAL_RECORDS
            # The cache's own copy: remember() changes it before the store holds what it says.
            ledger.signatures, ledger.checksums = signatures, dict(graphs.shas)
            ledger._blobs = blobs
            ledger.base_iri = base_iri
            ledger.generation = generation
            recorded = _stamp_path(path).read_text(encoding="utf-8").split()
            if stamp is not None and recorded == [generation, stamp]:
                ledger.graphs = graphs
                ledger.totals = Totals(*totals)
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            # Missing or damaged: the store itself says the same, more slowly. (A half-read
            # ledger is dropped whole, not used in part.)
            return cls(path)
        return ledger

    def unwritten(self) -> None:
        """The store was opened and closed without a write (a load refused its records): a ledger
        that described it still does, under the stamp it has once closed."""
        self.saved = self.trusted

    @property
    def trusted(self) -> bool:
        return self.graphs is not None and self.totals is not None

    def sha256(self, rel: str, signature: str | None) -> str | None:
        """The remembered checksum of the file `rel` if its signature (records.files.signature) is
        the one it had when hashed."""
        return self.checksums_of([rel], [signature])[0]

    def checksums_of(self, rels: Sequence[str], signatures: Sequence[str | None]) -> list[str | None]:
        """sha256() of each file, in one pass: a build asks it of 50,000 files."""
        known, checksums = self.signatures, self.checksums
        return [checksums.get(rel) if signature is not None and known.get(rel) == signature else None
                for rel, signature in zip(rels, signatures, strict=True)]

    def remember(self, rel: str, signature: str | None, sha256: str) -> None:
        """The file `rel` had `signature` when its checksum was `sha256` (the checksum its graph is
        stored with once the load is written)."""
        if self.signatures.get(rel) != signature or self.checksums.get(rel) != sha256:
            self.signatures[rel] = signature or ""
            self.checksums[rel] = sha256
            self._hashed.add(rel)

    def blob(self, name: str, digest: str):
        """The value saved under `name` for inputs whose digest was `digest`, or None."""
        saved = self._blobs.get(name)
        return saved[1] if saved is not None and saved[0] == digest else None

    def save(self, graphs: StoredGraphs, totals: Totals, blobs: Mapping[str, tuple[str, object]] = {}) -> None:
        """Write what the store holds now (`graphs`, `totals`) and the checksum cache, replacing
        the ledger whole; values of `blobs` must be plain (marshal) values."""
        now = time.time_ns()
        # remember() was told every current file's checksum, which the store now holds for its
        # graph: only files whose graphs went are left to forget.
        signatures = self.signatures
        for rel in signatures.keys() - graphs.shas.keys():
            del signatures[rel]
        for rel in self._hashed & signatures.keys():
            if changed_within(signatures[rel], now, _RACY_NS):
                signatures[rel] = ""
        self._blobs.update(blobs)
        previous, self.generation = self.generation, uuid.uuid4().hex
        if self.trusted and graphs is self.graphs and self._journaled < _JOURNAL_RECORDS and not blobs:
            # A record of what this build changed, appended: rewriting the whole ledger (11 MB at
            # 50,000 files) took a tenth of a one-record rebuild. Not a build that read the
            # reference tables again (new blobs): every later build would read their half
            # megabyte from the journal, superseded or not.
            record = {
                "after": previous, "generation": self.generation, "base_iri": self.base_iri,
                "totals": (totals.quads, totals.named_graphs, totals.entities),
                "graphs": {rel: graphs.entry(rel) for rel in graphs.touched},
                "signatures": {rel: signatures.get(rel) for rel in self._hashed | graphs.touched},
                "blobs": dict(blobs),
            }
            with _journal_path(self.path).open("ab") as journal:
                journal.write(marshal.dumps(record))
            self._journaled += 1
        else:
            data = {
                "version": LEDGER_VERSION, "generation": self.generation, "base_iri": self.base_iri,
                "signatures": signatures, "shas": graphs.shas, "empty": sorted(graphs.empty), "extra": graphs.extra,
                "totals": (totals.quads, totals.named_graphs, totals.entities), "blobs": self._blobs,
            }
            partial = self.path.with_name(self.path.name + ".partial")
            partial.write_bytes(marshal.dumps(data))
            os.replace(partial, self.path)
            _journal_path(self.path).unlink(missing_ok=True)
            self._journaled = 0
        graphs.touched.clear()
        self._hashed.clear()
        self.saved = True


def _journal(path: Path, generation: str) -> tuple[list[dict], bool]:
    """The journal's records that follow the ledger written whole as `generation`, one after the
    other; and whether the journal holds nothing else (a record cut short by a crash, or records of
    another generation, make the next save write the ledger whole)."""
    records: list[dict] = []
    try:
        journal = _journal_path(path).open("rb")
    except FileNotFoundError:
        return records, True
    with journal:
        while True:
            try:
                record = marshal.load(journal)
            except EOFError:
                return records, True
            except (ValueError, TypeError):
                return records, False
            if not isinstance(record, dict) or record.get("after") != generation:
                return records, False
            records.append(record)
            generation = record["generation"]


def set_ledger_stamp(ledger: Ledger, stamp: str | None) -> None:
    """Record the stamp of the store once it is closed: from then on the ledger describes it."""
    if not ledger.saved or stamp is None:
        return
    partial = _stamp_path(ledger.path).with_name(ledger.path.name + ".stamp.partial")
    partial.write_text(f"{ledger.generation} {stamp}\n", encoding="utf-8")
    os.replace(partial, _stamp_path(ledger.path))
