"""Checked records to RDF triples, one list per source file, with every reference resolved."""

from __future__ import annotations

from ..errors import Problem
from ..iris import Minter, Registry
from ..records.files import EventRecords, Parsed
from . import reference
from .context import Emitter, Entry, FileKeys, Index
from .events import map_event

MAPPERS = {**reference.MAPPERS, "event": map_event}

# The version of what records map to. Raised whenever the same files would give other triples, so a
# store written before is written again whole at its next build (the meta graph records the version
# that wrote it): unchanged files are otherwise never read again. tests/test_mapping_version.py keeps
# a fingerprint of the fixture records' triples per version and fails when they change under the same one.
MAPPING_VERSION = 1


# (file, (kind, key, label, line)): one key a file declares.
Declaration = tuple[str, tuple[str, str, str, int]]


def reference_declarations(parsed: list[Parsed]) -> list[Declaration]:
    return [(item.file.rel, declared) for item in parsed for declared in reference.declared(item)]


def build_index(parsed: list[Parsed], events: EventRecords,
                declarations: list[Declaration] | None = None) -> tuple[Index, list[Problem]]:
    """The keys all files declare; a key declared twice is a problem naming both places.

    An event's key is its file name (the format check makes sure), so event records are indexed
    without being read. `declarations`: those of the reference files when they were not read again
    (see reference_declarations), instead of `parsed`.
    """
    index = Index()
    problems: list[Problem] = []
    if declarations is None:
        declarations = reference_declarations(parsed)
    for rel, (kind, key, label, line) in declarations:
        problem = index.declare(kind, key, label, rel, line)
        if problem is not None:
            problems.append(problem)
    # The same as declaring each in turn, in one pass when no key repeats: a project may hold
    # 50,000 event records.
    keys = events.keys
    known = index.entries["event"]
    if known or len(set(keys)) < len(keys):
        for key, rel in zip(keys, events.rels):
            problem = index.declare("event", key, key, rel, 1)
            if problem is not None:
                problems.append(problem)
    else:
        index.entries["event"] = FileKeys(zip(keys, events.rels))
    return index, problems


class Mapper:
    """Maps files one by one against one index; IRIs and shared names are checked across all of them."""

    def __init__(self, base_iri: str, index: Index) -> None:
        self.minter = Minter(base_iri)
        self.registry = Registry()
        self.index = index
        self.shared: dict[tuple[str, str], Entry] = {}
        self.problems: list[Problem] = []

    def map(self, parsed: Parsed) -> Emitter:
        emitter = Emitter(self.minter, self.registry, self.index, self.shared, self.problems, parsed.file.rel)
        MAPPERS[parsed.file.kind](parsed, emitter)
        return emitter
