"""The one small interface every store implements.

Terms crossing this interface are pyoxigraph terms (NamedNode, BlankNode, Literal). Query parameters
are bindings of variable name to term, applied by the engine (substitutions or VALUES), never
formatted into the query text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol, Union, runtime_checkable

import pyoxigraph as ox

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]
Bindings = Mapping[str, Term]


@dataclass(frozen=True)
class QueryResult:
    """A SELECT answer: variable names in order, and rows of terms (None where unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def as_dicts(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class GraphChange:
    """What one load does to the store: graphs to (re)write with their full content, graphs to drop,
    and graphs to edit in place (`edit[graph] = (remove, add)`: triples without blank nodes, which
    only their own graph's request could name)."""

    replace: dict[ox.NamedNode, list[ox.Triple]] = field(default_factory=dict)
    drop: set[ox.NamedNode] = field(default_factory=set)
    edit: dict[ox.NamedNode, tuple[list[ox.Triple], list[ox.Triple]]] = field(default_factory=dict)

    def triple_count(self) -> int:
        return sum(len(t) for t in self.replace.values())


class GraphStore(Protocol):
    """What the loader, validator, query runner and publisher need of a store."""

    def named_graphs(self) -> set[ox.NamedNode]: ...

    def apply(self, change: GraphChange) -> None:
        """Replace and drop whole named graphs, then make the edits; other graphs are left as they are."""

    @property
    def edits_triples(self) -> bool:
        """Whether `apply` can take `GraphChange.edit` (an endpoint needs SPARQL Update for it)."""

    def select(self, query: str, bindings: Bindings | None = None) -> QueryResult: ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> list[ox.Triple]: ...

    def quads(self, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]: ...

    def count(self, graph: ox.NamedNode | None = None) -> int: ...

    def close(self) -> None: ...



@runtime_checkable
class BulkGraphStore(GraphStore, Protocol):
    """A store with a bulk loader: what the loader uses for large writes when the store has one."""

    def bulk_replace(self, graphs: set[ox.NamedNode], nquads: BinaryIO, *, whole: bool = False) -> None:
        """Replace `graphs` with the quads read from `nquads` (N-Quads, every quad in one of `graphs`).
        Not one transaction: a write cut short may leave some of the graphs incomplete.
        `whole`: the store held nothing else (a first build, a store emptied for a rewrite), so it may
        reorganise all its files for reading afterwards."""

    def clear_if_within(self, graphs: set[ox.NamedNode]) -> bool:
        """Remove everything at once if the store holds nothing outside `graphs` (no other named
        graph, nothing in the default graph); whether it did."""


@runtime_checkable
class DescribingGraphStore(GraphStore, Protocol):
    """A store that can rewrite what one graph says about some subjects and keep the rest of it:
    the loader's metadata after a small change, without rewriting the whole meta graph."""

    def redescribe(self, graph: ox.NamedNode, subjects: set[ox.NamedNode], triples: list[ox.Triple]) -> tuple[int, int]:
        """Remove every triple of `graph` about `subjects`, then add `triples` (each about one of
        them). Not one transaction: cut short, some subjects are left undescribed. Returns the
        numbers of triples removed and added."""
