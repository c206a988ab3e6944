"""Mapped graphs waiting to be written: in memory up to a limit, then on disk as N-Quads.

Everything is checked before anything is written, so a first load of tens of thousands of
records would otherwise hold millions of triples (some 400 bytes each as Python objects) at once.
On disk they are already what a store's bulk loader reads, so a large load never turns them back
into Python objects.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox


class Spill:
    def __init__(self, in_memory: int) -> None:
        self._in_memory = in_memory
        self._kept: dict[ox.NamedNode, list[ox.Triple]] = {}
        self._file = tempfile.TemporaryFile()
        self._spilled: list[tuple[ox.NamedNode, int, int]] = []
        self.triples = 0

    def add(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        self.triples += len(triples)
        if self.triples <= self._in_memory:
            self._kept[graph] = triples
            return
        self._write(graph, triples)

    def _write(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        self._file.seek(0, 2)
        start = self._file.tell()
        self._file.write(nquads(graph, triples))
        self._spilled.append((graph, start, self._file.tell() - start))

    @property
    def graphs(self) -> set[ox.NamedNode]:
        return set(self._kept) | {graph for graph, *_ in self._spilled}

    def _all(self) -> Iterator[tuple[ox.NamedNode, list[ox.Triple]]]:
        yield from self._kept.items()
        for graph, start, length in self._spilled:
            self._file.seek(start)
            yield graph, [quad.triple for quad in ox.parse(self._file.read(length), format=ox.RdfFormat.N_QUADS)]

    def batches(self, size: int) -> Iterator[dict[ox.NamedNode, list[ox.Triple]]]:
        """Whole graphs, grouped so that each group holds about `size` triples."""
        batch: dict[ox.NamedNode, list[ox.Triple]] = {}
        count = 0
        for graph, triples in self._all():
            batch[graph] = triples
            count += len(triples)
            if count >= size:
                yield batch
                batch, count = {}, 0
        if batch:
            yield batch

    def as_nquads(self) -> BinaryIO:
        """Every graph as one N-Quads file, read from its start; the graphs held in memory move to disk."""
        for graph, triples in self._kept.items():
            self._write(graph, triples)
        self._kept = {}
        self._file.flush()
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        self._file.close()


def nquads(graph: ox.NamedNode, triples: list[ox.Triple]) -> bytes:
    """`triples` as N-Quads lines in `graph`, written by pyoxigraph's own N-Triples serialiser."""
    lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    # N-Triples allows no raw line break inside a term, so each b"\n" ends one triple, and
    # pyoxigraph ends every triple with " .": naming the graph before the dot makes it N-Quads.
    # Serialising Quads instead would build a Python object per triple, the cost this avoids.
    if lines.count(b" .\n") != len(triples):
        raise RuntimeError("pyoxigraph's N-Triples lines no longer end in ' .': cannot add the graph name")
    return lines.replace(b" .\n", b" " + str(graph).encode("utf-8") + b" .\n")
