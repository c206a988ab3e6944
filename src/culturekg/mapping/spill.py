"""Mapped graphs waiting to be written: in memory up to a limit, then on disk as N-Triples.

Everything is checked before anything is written, so a first load of tens of thousands of
records would otherwise hold millions of triples (some 400 bytes each as Python objects) at once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pyoxigraph as ox


class Spill:
    def __init__(self, in_memory: int) -> None:
        self._in_memory = in_memory
        self._kept: dict[ox.NamedNode, list[ox.Triple]] = {}
        self._file = tempfile.TemporaryFile()
        self._spilled: list[tuple[ox.NamedNode, int, int, int]] = []
        self.triples = 0

    def add(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        self.triples += len(triples)
        if self.triples <= self._in_memory:
            self._kept[graph] = triples
            return
        start = self._file.tell()
        ox.serialize(triples, self._file, format=ox.RdfFormat.N_TRIPLES)
        self._spilled.append((graph, start, self._file.tell() - start, len(triples)))

    @property
    def graphs(self) -> set[ox.NamedNode]:
        return set(self._kept) | {graph for graph, *_ in self._spilled}

    def _all(self) -> Iterator[tuple[ox.NamedNode, list[ox.Triple]]]:
        yield from self._kept.items()
        for graph, start, length, _ in self._spilled:
            self._file.seek(start)
            yield graph, [quad.triple for quad in ox.parse(self._file.read(length), format=ox.RdfFormat.N_TRIPLES)]

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

    def close(self) -> None:
        self._file.close()
