"""SPARQL text handling that must not be done with string formatting.

`bind` puts parameters into a query as a VALUES block of typed terms, serialised by pyoxigraph
(so a literal cannot break out of its quotes), at the start of the main WHERE pattern: the
same effect as a substitution, for every engine. `check_local` refuses what would reach the network.
"""

from __future__ import annotations

import functools

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import CultureKGError

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class QueryRefused(CultureKGError):
    """The query asks for something this tool does not do (network access, updates)."""


@dataclass(frozen=True)
class Token:
    kind: str  # 'word', 'var', 'iri', 'string', 'punct', 'other'
    text: str
    start: int


_STRING_RE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.S)
_IRI_RE = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*)?|:[A-Za-z0-9_\-.]*")
_VAR_RE = re.compile(r"[?$][A-Za-z0-9_]+")


def tokens(query: str) -> Iterator[Token]:
    """Enough of a lexer to tell keywords and braces from the same characters in strings, IRIs and comments."""
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            m = _STRING_RE.match(query, i)
            if not m:
                raise QueryRefused(f"unterminated string at offset {i}")
            yield Token("string", m.group(), i)
            i = m.end()
        elif c == "<" and (m := _IRI_RE.match(query, i)):
            yield Token("iri", m.group(), i)
            i = m.end()
        elif c in "?$" and (m := _VAR_RE.match(query, i)):
            yield Token("var", m.group(), i)
            i = m.end()
        elif m := _WORD_RE.match(query, i):
            yield Token("word", m.group(), i)
            i = m.end()
        elif c in "{}()":
            yield Token("punct", c, i)
            i += 1
        else:
            yield Token("other", c, i)
            i += 1


_NETWORK_KEYWORDS = {"SERVICE": "SERVICE would query a remote endpoint", "LOAD": "LOAD would fetch a document"}
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}


def check_local(query: str) -> None:
    """Refuse SERVICE and LOAD: nothing may reach the network unless the user named the endpoint."""
    found = _network_keyword(query)
    if found is not None:
        keyword, offset = found
        raise QueryRefused(f"{_NETWORK_KEYWORDS[keyword]}; refused (offset {offset})")


@functools.lru_cache(maxsize=1024)
def _network_keyword(query: str) -> tuple[str, int] | None:
    # Remembered per text: validation runs the same few hundred queries, and tokenising each
    # again took a fifth of a second of a one-record rebuild.
    for token in tokens(query):
        if token.kind == "word" and token.text.upper() in _NETWORK_KEYWORDS:
            return token.text.upper(), token.start
    return None


def is_update(query: str) -> bool:
    """True when the text is a SPARQL Update rather than a query."""
    expecting_prefix_name = False
    for token in tokens(query):
        if token.kind == "word":
            word = token.text.upper()
            if expecting_prefix_name:
                # The name declared by PREFIX (e.g. `ex:`) is not a keyword.
                expecting_prefix_name = False
                continue
            if word == "PREFIX":
                expecting_prefix_name = True
                continue
            if word == "BASE":
                continue
            return word in _UPDATE_KEYWORDS or word == "WITH"
    return False


@functools.lru_cache(maxsize=256)
def mentioned_iris(query: str) -> frozenset[str]:
    """Every IRI the text names outside comments and strings, prefixed names expanded by its PREFIX
    declarations (a prefix it does not declare names nothing). Relative IRIs are left out."""
    declared: dict[str, str] = {}
    names: list[str] = []
    found: set[str] = set()
    pending: str | None = None  # the prefix a PREFIX declaration is naming
    after_prefix = False
    for token in tokens(query):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            after_prefix = True
            continue
        if after_prefix and token.kind == "word" and token.text.endswith(":"):
            pending, after_prefix = token.text[:-1], False
            continue
        after_prefix = False
        if token.kind == "iri":
            if pending is not None:
                declared[pending] = token.text[1:-1]
                pending = None
            elif ":" in token.text:
                found.add(token.text[1:-1])
        elif token.kind == "word" and ":" in token.text:
            # The lexer keeps a final '.', which a local name cannot end with: it ends the triple.
            names.append(token.text.rstrip("."))
    for name in names:
        prefix, _, local = name.partition(":")
        if prefix in declared:
            found.add(declared[prefix] + local)
    return frozenset(found)


def main_pattern_brace(query: str) -> int:
    """Offset of the '{' that opens the main WHERE pattern."""
    form_seen = None
    previous: Token | None = None
    for token in tokens(query):
        if token.kind == "word":
            word = token.text.upper()
            if form_seen is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form_seen = word
            elif word == "WHERE" and form_seen:
                previous = token
                continue
        if token.kind == "punct" and token.text == "{" and form_seen:
            # CONSTRUCT's first brace is its template; the pattern follows WHERE.
            if previous is not None or form_seen in ("SELECT", "ASK"):
                return token.start
        if previous is not None and token.kind != "punct":
            previous = None
    raise QueryRefused("cannot find the main WHERE pattern to bind parameters into")


def bind(query: str, bindings: Mapping[str, Term]) -> str:
    """The query with `bindings` (variable name without '?' -> term) joined into its main pattern."""
    if not bindings:
        return query
    names = sorted(bindings)
    return bind_rows(query, names, [[bindings[n] for n in names]])


def bind_rows(query: str, names: Sequence[str], rows: Iterable[Sequence[Term]]) -> str:
    """The query with a VALUES block of `rows` (one term per name in `names`) joined into its main pattern."""
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise QueryRefused(f"parameter name {name!r} is not a SPARQL variable name")
    lines = []
    for row in rows:
        for name, term in zip(names, row, strict=True):
            if not isinstance(term, (ox.NamedNode, ox.Literal)):
                raise QueryRefused(f"parameter {name} must be an IRI or a literal, not {type(term).__name__}")
        lines.append("(" + " ".join(str(term) for term in row) + ")")
    block = "VALUES (" + " ".join("?" + n for n in names) + ") { " + " ".join(lines) + " }"
    at = main_pattern_brace(query) + 1
    return query[:at] + " " + block + " " + query[at:]


# The one hint a stored query's header may give Virtuoso (`# virtuoso: join order as written`): join
# in the order the query is written (its SQL OPTION (ORDER)). At 50,000 events Virtuoso 7.2's own order
# for events-per-convention-year-country lost 2,555 to 2,559 of its 22,953 rows, a different number each
# time; in the written order it gave all of them. Not for every query: facilitators-in-several-countries
# in the written order was refused on the cost estimate.
VIRTUOSO_HINT_KEY = "virtuoso"
VIRTUOSO_KEEP_ORDER = "join order as written"


# One line of a stored query's header: `# key: value`, or a bare `#`; queries/catalogue.py reads the
# header with it, and the remote store finds the hint to Virtuoso with it.
HEADER_LINE_RE = re.compile(r"^#(?: (?P<key>[A-Za-z][A-Za-z_-]*):(?P<value>.*))?$")


def asks_virtuoso_to_keep_order(text: str) -> bool:
    """Whether the header of `text` (its first lines starting with '#') gives that hint."""
    for line in text.splitlines():
        if not line.startswith("#"):
            return False
        match = HEADER_LINE_RE.match(line.rstrip())
        if match and match["key"] == VIRTUOSO_HINT_KEY and (match["value"] or "").strip() == VIRTUOSO_KEEP_ORDER:
            return True
    return False
