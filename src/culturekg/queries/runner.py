"""Run a stored query: the user's `key=value` strings become typed terms, bound by the store (VALUES)."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ..errors import CultureKGError
from ..iris import Minter
from ..project import DEFAULT_BASE_IRI
from ..store.base import GraphStore, QueryResult
from .catalogue import StoredQuery, did_you_mean
from .params import ENTITY_KINDS, ParamValueError, to_term

# Asks whether anything is said about the entity, so that a misspelt key is an error, not an empty answer.
_KNOWN_ENTITY = "ASK { { ?entity ?p ?o } UNION { ?s ?p ?entity } }"


class QueryParamError(CultureKGError):
    """A parameter given to a stored query is unknown, missing or not of its type."""


def bindings_for(query: StoredQuery, given: Mapping[str, str], minter: Minter) -> dict[str, ox.NamedNode | ox.Literal]:
    """Typed terms for every parameter: the given value, else the default; refuses unknown and missing ones."""
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        names = ", ".join(p.name for p in query.params) or "none"
        hint = did_you_mean(unknown[0], [p.name for p in query.params])
        raise QueryParamError(f"query {query.name}: unknown parameter {unknown[0]!r}{hint} (parameters: {names})")
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        text = given.get(param.name, param.default)
        if text is None:
            raise QueryParamError(f"query {query.name}: parameter {param.name!r} ({param.type}) is required: {param.description}")
        try:
            bindings[param.name] = to_term(param.type, text, minter)
        except ParamValueError as exc:
            raise QueryParamError(f"query {query.name}: parameter {param.name!r} ({param.type}): {exc}") from None
    return bindings


def run(
    store: GraphStore,
    query: StoredQuery,
    params: Mapping[str, str],
    *,
    minter: Minter | None = None,
) -> QueryResult:
    """The query's answer on `store`; `params` are the user's strings, converted by each parameter's type."""
    minter = minter or Minter(DEFAULT_BASE_IRI)
    bindings = bindings_for(query, params, minter)
    for param in query.params:
        if param.type in ENTITY_KINDS or param.type == "entity":
            term = bindings[param.name]
            if not store.ask(_KNOWN_ENTITY, {"entity": term}):
                raise QueryParamError(
                    f"query {query.name}: parameter {param.name!r}: nothing in the store is about {term.value}"
                )
    return store.select(query.text, bindings)


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`["k=v", ...]` from the command line as a dict; a malformed or repeated item is an error."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise QueryParamError(f"--param {item!r}: expected NAME=VALUE")
        if key in result:
            raise QueryParamError(f"--param {key!r} is given twice")
        result[key] = value
    return result
