"""Checked records to RDF triples, one list per source file, with every reference resolved."""

from __future__ import annotations

from ..errors import Problem
from ..iris import Minter, Registry
from ..records.files import Parsed, SourceFile
from . import reference
from .context import Emitter, Entry, Index
from .events import map_event

MAPPERS = {**reference.MAPPERS, "event": map_event}


def build_index(parsed: list[Parsed], events: list[SourceFile]) -> tuple[Index, list[Problem]]:
    """The keys all files declare; a key declared twice is a problem naming both places.

    An event's key is its file name (the format check makes sure), so event records are indexed
    without being read.
    """
    index = Index()
    problems: list[Problem] = []
    declarations = [(item.file.rel, declared) for item in parsed for declared in reference.declared(item)]
    declarations += [(file.rel, ("event", file.stem, file.stem, 1)) for file in events]
    for rel, (kind, key, label, line) in declarations:
        problem = index.declare(kind, key, label, rel, line)
        if problem is not None:
            problems.append(problem)
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
