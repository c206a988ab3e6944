"""The embedded default: pyoxigraph on disk (a store directory) or in memory.

Queries see the union of all named graphs as their default graph, so stored queries need no FROM.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import ConfigError
from ..sparql import bind, check_local
from .base import Bindings, GraphChange, QueryResult

# Below this many triples a single transaction is cheap and keeps the write all-or-nothing.
_BULK_THRESHOLD = 20_000



class EmbeddedStore:
    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot open the store: {exc}") from exc

    @classmethod
    def around(cls, store: ox.Store) -> "EmbeddedStore":
        """This interface over a store the caller has opened (and closes): the server's read-only snapshot."""
        wrapped = cls.__new__(cls)
        wrapped.path, wrapped.read_only, wrapped._store = None, True, store
        return wrapped

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for callers that need its full API (bench, publish)."""
        return self._store

    def named_graphs(self) -> set[ox.NamedNode]:
        return {g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)}

    def apply(self, change: GraphChange) -> None:
        # Every input was checked before we get here, so the writes below cannot be refused for
        # bad data. Old graphs go first; the loader writes its metadata graph last, so a write cut
        # short is redone by the next load rather than mistaken for a finished one.
        for graph in sorted(change.drop | set(change.replace), key=lambda g: g.value):
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
        quads = (
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for graph in sorted(change.replace, key=lambda g: g.value)
            for t in change.replace[graph]
        )
        if change.triple_count() >= _BULK_THRESHOLD:
            # bulk_extend writes sorted files straight to disk: several times faster than a
            # transaction per graph for large loads, at the price of not being one transaction.
            self._store.bulk_extend(quads)
        else:
            # A transaction, in RocksDB's write-ahead log until the store is closed (close()
            # flushes): flushing each small write to its own files cost 45 ms a time.
            self._store.extend(quads)
        for graph in sorted(change.edit, key=lambda g: g.value):
            remove, add = change.edit[graph]
            for t in remove:
                self._store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in add)

    @property
    def edits_triples(self) -> bool:
        return True

    def bulk_replace(self, graphs: set[ox.NamedNode], nquads: BinaryIO, *, whole: bool = False) -> None:
        for graph in sorted(graphs, key=lambda g: g.value):
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
        # One bulk load for the whole write: each call writes its own sorted files, and many
        # small ones cost RocksDB more to take in than one large set. The quads come from
        # pyoxigraph's own serialiser, so checking their IRIs again (not lenient) would be wasted.
        self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
        if self.path is not None:
            self._store.flush()
            if whole:
                # The bulk loader leaves its sorted files spread over RocksDB's levels, and nothing
                # compacts them in a process that ends with the build: every lookup then reads
                # several files. Compacted at 50,000 events (10 s), the full validation took 107 s
                # instead of 298 s and entity-profile 4.3 s instead of 7.8 s.
                self._store.optimize()

    def clear_if_within(self, graphs: set[ox.NamedNode]) -> bool:
        if next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
            return False
        if not self.named_graphs() <= graphs:
            return False
        # At once: removing 50,000 graphs one by one took 80 s, and left the bulk load that followed
        # compacting their deletions (a whole rewrite at 50,000 events: 5 min and 3.6 GB).
        self._store.clear()
        return True

    def redescribe(self, graph: ox.NamedNode, subjects: set[ox.NamedNode], triples: list[ox.Triple]) -> tuple[int, int]:
        old = [q for s in sorted(subjects, key=lambda n: n.value) for q in self._store.quads_for_pattern(s, None, None, graph)]
        for quad in old:
            self._store.remove(quad)
        new = {ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples}
        self._store.extend(new)
        return len(old), len(new)

    def _query(self, query: str, bindings: Bindings | None):
        # SERVICE and remote FROM would reach the network, which the user did not ask for.
        check_local(query)
        # Oxigraph's own substitutions only take projected variables; a VALUES block of typed terms
        # binds any variable of the main pattern, and works the same on remote endpoints.
        return self._store.query(bind(query, bindings or {}), use_default_graph_as_union=True)

    def select(self, query: str, bindings: Bindings | None = None) -> QueryResult:
        solutions = self._query(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        variables = tuple(v.value for v in solutions.variables)
        # A solution iterates over its values in the order of the variables, None where unbound: 1.1 s
        # for the 84,638 rows of facilitators-in-several-countries at 50,000 events, where looking
        # each value up by its variable's name took 3-4 s.
        rows = tuple(tuple(solution) for solution in solutions)
        return QueryResult(variables, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        answer = self._query(query, bindings)
        if not isinstance(answer, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(answer)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        answer = self._query(query, bindings)
        if not isinstance(answer, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return list(answer)

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def count(self, graph: ox.NamedNode | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def close(self) -> None:
        # A read-only store has nothing to flush (and pyoxigraph refuses to).
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store
