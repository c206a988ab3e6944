"""What the endpoint refuses before a query runs: updates, SERVICE/LOAD, and datasets that are not local."""

from __future__ import annotations

from collections.abc import Iterable

from ..sparql import QueryRefused, check_local, is_update, tokens

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class UpdateRefused(QueryRefused):
    """The endpoint is read-only."""


_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


def _operation(query: str) -> str | None:
    """The first query-form or update keyword, prefixed names and IRIs of the prologue skipped."""
    for token in tokens(query):
        if token.kind == "word" and (word := token.text.upper()) in FORMS + _UPDATES:
            return word
    return None


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these keywords after the prologue."""
    word = _operation(query)
    if word in FORMS:
        return word
    raise QueryRefused("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def dataset_iris(query: str) -> list[str]:
    """The graphs named by FROM and FROM NAMED, with prefixed names expanded."""
    prefixes: dict[str, str] = {}
    found: list[str] = []
    items = list(tokens(query))
    for i, token in enumerate(items):
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word == "PREFIX" and i + 2 < len(items) and items[i + 2].kind == "iri":
            prefixes[items[i + 1].text.rstrip(":")] = items[i + 2].text[1:-1]
        elif word == "FROM":
            j = i + 1
            if j < len(items) and items[j].kind == "word" and items[j].text.upper() == "NAMED":
                j += 1
            if j >= len(items):
                raise QueryRefused("FROM without a graph IRI")
            target = items[j]
            if target.kind == "iri":
                found.append(target.text[1:-1])
            elif target.kind == "word" and ":" in target.text:
                prefix, _, local = target.text.partition(":")
                if prefix not in prefixes:
                    raise QueryRefused(f"FROM {target.text}: prefix {prefix!r} is not declared")
                found.append(prefixes[prefix] + local)
            else:
                raise QueryRefused(f"FROM must name a graph IRI (offset {target.start})")
    return found


def check_query(query: str, local_graphs: Iterable[str]) -> str:
    """Refuse what this read-only, offline endpoint will not run; return the query form."""
    # sparql.is_update stops at a prefixed name in the prologue; look for the first operation instead.
    if is_update(query) or _operation(query) in _UPDATES:
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is refused")
    check_local(query)
    check_graphs(dataset_iris(query), local_graphs)
    return query_form(query)


def check_graphs(graphs: Iterable[str], local_graphs: Iterable[str]) -> None:
    local = set(local_graphs)
    for graph in graphs:
        if graph not in local:
            raise QueryRefused(f"graph <{graph}> is not in this store; FROM, FROM NAMED and dataset parameters "
                               "may only name its own graphs (nothing is fetched)")
