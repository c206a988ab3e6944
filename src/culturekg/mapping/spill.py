"""Mapped graphs waiting to be written, kept on disk as N-Triples rather than in memory.

Everything is checked before anything is written, so a first load of tens of thousands of
records would otherwise hold millions of triples (some 400 bytes each as Python objects) at once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pyoxigraph as ox


class Spill:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._graphs: list[tuple[ox.NamedNode, int, int, int]] = []
        self.triples = 0

    def add(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        start = self._file.tell()
        ox.serialize(triples, self._file, format=ox.RdfFormat.N_TRIPLES)
        self._graphs.append((graph, start, self._file.tell() - start, len(triples)))
        self.triples += len(triples)

    @property
    def graphs(self) -> set[ox.NamedNode]:
        return {graph for graph, *_ in self._graphs}

    def batches(self, size: int) -> Iterator[dict[ox.NamedNode, list[ox.Triple]]]:
        """Whole graphs, grouped so that each group holds about `size` triples."""
        batch: dict[ox.NamedNode, list[ox.Triple]] = {}
        count = 0
        for graph, start, length, n in self._graphs:
            self._file.seek(start)
            batch[graph] = [quad.triple for quad in ox.parse(self._file.read(length), format=ox.RdfFormat.N_TRIPLES)]
            count += n
            if count >= size:
                yield batch
                batch, count = {}, 0
        if batch:
            yield batch

    def close(self) -> None:
        self._file.close()
