"""How far from $this a SPARQL-based constraint reads, from the query's algebra.

Incremental validation reruns a constraint only on the focus nodes near a change. That is exact when
every triple the query can match for focus node f has its subject within `reach` edges of f, which
holds when each triple pattern is joined to $this through other triple patterns of the same (or an
enclosing) group. The bound is computed conservatively; anything this module cannot bound raises
Unbounded and the constraint is rerun on every focus node:

- UNION, GRAPH, SERVICE, subqueries, LIMIT/OFFSET, grouping not by $this;
- a triple pattern not joined to $this by triple patterns (BIND, VALUES and FILTER do not join:
  a variable they bind could be any node);
- a path of unbounded length (`*`, `+`) unless it is the last step and only repeats plain predicates:
  then the predicates are returned as `closure`, and the caller must treat a change to any triple
  with one of them as reaching every focus node.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import rdflib
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue

THIS = rdflib.Variable("this")
# Part of the key a bound is kept under between runs (the validation state): change it with the analysis.
VERSION = 1
_INFINITE = float("inf")
# Operators that only pass their inner pattern's solutions on (or drop some).
_PASS = {"SelectQuery", "Project", "Distinct", "Reduced", "OrderBy", "AggregateJoin"}


class Unbounded(ValueError):
    pass


@dataclass(frozen=True)
class Reach:
    reach: int  # the subject of every triple read is at most this many edges from $this
    inverse: bool  # some pattern is followed from object to subject
    closure: frozenset[str]  # predicates of trailing `*`/`+` paths (IRIs)


@dataclass(frozen=True)
class _Step:
    length: float  # edges from one end of the pattern to the other (inf for * and +)
    reads: int  # forward, the subjects read are at most this far from the subject end (-1: none)
    inverse: bool
    closure: frozenset[str]


def reach_key(query: str) -> str:
    """What a query's bound is kept under: parsing it takes 0.1 s, most of an incremental run."""
    return hashlib.sha256(f"{VERSION}\n{query}".encode("utf-8")).hexdigest()


@lru_cache(maxsize=256)  # each shape's query is analysed once a run, not once per shape using it
def query_reach(query: str) -> Reach:
    # rdflib's SPARQL parser takes 0.3 s to import, and most runs find every bound in the state.
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception as exc:  # rdflib raises pyparsing and its own errors alike
        raise Unbounded(f"cannot parse the query: {exc}") from exc
    found = _group(algebra, {THIS: (0, False)})
    return Reach(max(int(found[0]), 0), found[1], found[2])


def _group(node: CompValue, known: dict) -> tuple[float, bool, frozenset[str]]:
    """Reach of the patterns of `node`; `known`: node -> (edges from $this, whether reaching it went
    against an edge's direction) for what enclosing groups already bind."""
    triples: list[tuple] = []
    nested: list[CompValue] = []
    _collect(node, triples, nested)
    distance = dict(known)
    steps = [(s, _step(p), o) for s, p, o in triples]
    changed = True
    while changed:  # shortest distances; a handful of patterns, so plain relaxation
        changed = False
        for s, step, o in steps:
            # A constant is a node like any other: only a pattern joins it to $this.
            for here, there, backward in ((s, o, step.inverse), (o, s, True)):
                if here not in distance:
                    continue
                candidate = (distance[here][0] + step.length, distance[here][1] or backward)
                if candidate[0] < _INFINITE and candidate < distance.get(there, (_INFINITE, True)):
                    distance[there] = candidate
                    changed = True
    reach, inverse, closure = 0.0, False, frozenset()
    for s, step, o in steps:
        options = []
        if s in distance:
            options.append((distance[s][0] + step.reads, distance[s][1] or step.inverse))
        if o in distance and step.length < _INFINITE:
            options.append((distance[o][0] + step.length, True))
        if not options:
            raise Unbounded(f"the pattern {s} ... {o} is not joined to $this")
        best = min(options)
        reach, inverse, closure = max(reach, best[0]), inverse or best[1], closure | step.closure
    for inner in nested:
        r, i, c = _group(inner, distance)
        reach, inverse, closure = max(reach, r), inverse or i, closure | c
    return reach, inverse, closure


def _collect(node, triples: list, nested: list) -> None:
    """The triple patterns every solution of `node` matches, and its optional / (NOT) EXISTS / MINUS groups."""
    name = node.name
    if name in _PASS or name in ("Filter", "Extend"):
        _exists(node.get("expr"), nested)
        _collect(node.p, triples, nested)
    elif name == "Group":
        keys = node.get("expr") or []
        if THIS not in keys:
            raise Unbounded("groups that are not by $this mix focus nodes")
        _collect(node.p, triples, nested)
    elif name == "ToMultiSet":
        if node.p.name != "values":
            raise Unbounded("a subquery")
    elif name == "values":
        pass
    elif name == "Join":
        _collect(node.p1, triples, nested)
        _collect(node.p2, triples, nested)
    elif name in ("LeftJoin", "Minus"):
        _collect(node.p1, triples, nested)
        nested.append(node.p2)
        _exists(node.get("expr"), nested)
    elif name == "BGP":
        triples.extend(tuple(t) for t in node.triples)
    elif name == "GroupGraphPatternSub":
        from rdflib.plugins.sparql.algebra import translateGroupGraphPattern

        _collect(translateGroupGraphPattern(node), triples, nested)
    else:
        raise Unbounded(f"{name} is not analysed")


def _exists(expression, nested: list) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(expression, CompValue):
        if expression.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            nested.append(expression.graph)
            return
        for value in expression.values():
            _exists(value, nested)
    elif isinstance(expression, (list, tuple)):
        for value in expression:
            _exists(value, nested)


def _step(path) -> _Step:
    if isinstance(path, (rdflib.URIRef, rdflib.Variable)):
        return _Step(1, 0, False, frozenset())
    if isinstance(path, InvPath):
        inner = _step(path.arg)
        if inner.length == _INFINITE:
            raise Unbounded("an inverse path of unbounded length")
        return _Step(inner.length, int(inner.length), True, inner.closure)
    if isinstance(path, SequencePath):
        length, reads, inverse, closure = 0.0, 0, False, frozenset()
        for part in path.args:
            step = _step(part)
            if length == _INFINITE and step.length != _INFINITE:
                raise Unbounded("a step after a path of unbounded length")
            if length < _INFINITE:
                reads = max(reads, int(length) + step.reads)
            length, inverse, closure = length + step.length, inverse or step.inverse, closure | step.closure
        return _Step(length, reads, inverse, closure)
    if isinstance(path, AlternativePath):
        steps = [_step(p) for p in path.args]
        return _Step(max(s.length for s in steps), max(s.reads for s in steps), any(s.inverse for s in steps),
                     frozenset().union(*(s.closure for s in steps)))
    if isinstance(path, MulPath):
        inner = _step(path.path)
        if path.mod == "?":
            return inner
        predicates = _plain_predicates(path.path)
        # Only triples with these predicates are read, and the caller guards them: none counts in the
        # reach (-1: not even the first, whose subject is where the repetition starts).
        return _Step(_INFINITE, -1, inner.inverse, frozenset(predicates))
    if isinstance(path, NegatedPath):
        return _Step(1, 1, True, frozenset())
    raise Unbounded(f"path {path!r} is not analysed")


def _plain_predicates(path) -> set[str]:
    if isinstance(path, rdflib.URIRef):
        return {str(path)}
    if isinstance(path, InvPath):
        return _plain_predicates(path.arg)
    if isinstance(path, AlternativePath):
        return set().union(*(_plain_predicates(p) for p in path.args))
    if isinstance(path, Path):
        raise Unbounded("a repeated path that is not plain predicates")
    raise Unbounded(f"a repeated {path!r}")
