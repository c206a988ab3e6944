"""The stored-query catalogue: one `queries/NAME.rq` per question, its metadata in a comment header.

    # title: Experts who facilitated in more than one country
    # question: Which people facilitated events held in (or targeting) more than one country?
    # param: minCountries xsd:integer = 2  -- fewest distinct countries
    # keywords: facilitator, expert, cross-country

The header is every line at the top of the file that starts with '#'. Parsing is strict, like the
SIB sparql-examples catalogue: an unknown key, a repeated key, a parameter without a type or
description, a default that does not parse or a parameter the query never uses is an error naming
the file and line, so that a typo cannot silently drop a parameter or a title.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem, RecordError, relpath
from ..iris import Minter
from ..project import DEFAULT_BASE_IRI
from ..sparql import HEADER_LINE_RE, VIRTUOSO_HINT_KEY, VIRTUOSO_KEEP_ORDER, QueryRefused, check_local, tokens
from .params import TYPES, ParamValueError, to_term

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VIOLATION_SUFFIX = "-violation"
# Each of these is given exactly once, the hint to Virtuoso at most once; `param` any number of times.
REQUIRED_KEYS = ("title", "question", "keywords")
KEYS = (*REQUIRED_KEYS, "param", VIRTUOSO_HINT_KEY)

_CONTINUATION_RE = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_PARAM_RE = re.compile(
    r"^(?P<name>\S+)(?:\s+(?P<type>[^\s=]+))?(?:\s*=\s*(?P<default>.*?))?(?:\s+--\s*(?P<description>.*))?$"
)
_VAR_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str
    line: int

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    title: str
    question: str
    keywords: tuple[str, ...]
    params: tuple[Param, ...]
    text: str

    @property
    def is_violation(self) -> bool:
        """A data check: the data is fine only when it returns no rows."""
        return self.name.endswith(VIOLATION_SUFFIX)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def find(queries_dirs: Path | Sequence[Path]) -> dict[str, StoredQuery]:
    """Every stored query in the folders, by name (a later folder's query replaces an earlier one of the
    same name); all problems in all files are reported together."""
    folders = [queries_dirs] if isinstance(queries_dirs, Path) else list(queries_dirs)
    catalogue: dict[str, StoredQuery] = {}
    problems: list[Problem] = []
    for queries_dir in folders:
        if not queries_dir.is_dir():
            problems.append(Problem(str(queries_dir), "queries folder does not exist"))
            continue
        for path in sorted(queries_dir.glob("*.rq")):
            try:
                query = load(path, queries_dir.parent)
            except RecordError as exc:
                problems.extend(exc.problems)
                continue
            catalogue[query.name] = query
    if problems:
        raise RecordError(problems)
    return catalogue


def get(queries_dirs: Path | Sequence[Path], name: str) -> StoredQuery:
    catalogue = find(queries_dirs)
    if name not in catalogue:
        hint = did_you_mean(name, catalogue)
        where = queries_dirs if isinstance(queries_dirs, Path) else ", ".join(str(d) for d in queries_dirs)
        raise RecordError([Problem(str(where), f"no stored query named {name!r}{hint}")])
    return catalogue[name]


def load(path: Path, root: Path | None = None) -> StoredQuery:
    """One stored query, with its header checked; raises RecordError naming the file and line."""
    shown = relpath(path, root) if root else path.as_posix()
    name = path.stem
    problems: list[Problem] = []
    if not NAME_RE.match(name):
        problems.append(Problem(shown, f"query name {name!r} must be lower-case letters, digits and '-'"))
    text = path.read_text(encoding="utf-8")
    fields, params, header_problems = _parse_header(text, shown)
    problems.extend(header_problems)
    for key in REQUIRED_KEYS:
        if key not in fields:
            problems.append(Problem(shown, f"metadata '{key}' is missing", line=1, field=key))
    problems.extend(_check_body(text, params, shown))
    if problems:
        raise RecordError(problems)
    keywords = tuple(k.strip() for k in fields["keywords"].split(",") if k.strip())
    return StoredQuery(name, path, fields["title"], fields["question"], keywords, tuple(params), text)


def _parse_header(text: str, shown: str) -> tuple[dict[str, str], list[Param], list[Problem]]:
    fields: dict[str, str] = {}
    params: list[Param] = []
    problems: list[Problem] = []
    previous: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        line = line.rstrip()
        continuation = _CONTINUATION_RE.match(line)
        if continuation and previous in REQUIRED_KEYS:
            fields[previous] += " " + continuation["value"].strip()
            continue
        match = HEADER_LINE_RE.match(line)
        if match is None:
            problems.append(Problem(shown, "header line is not '# key: value' (keys: " + ", ".join(KEYS) + ")", line=number))
            previous = None
            continue
        key, value = match["key"], (match["value"] or "").strip()
        previous = key
        if key is None:
            continue
        if key not in KEYS:
            problems.append(Problem(shown, f"unknown metadata key {key!r}{did_you_mean(key, KEYS)}", line=number, field=key))
        elif not value:
            problems.append(Problem(shown, "metadata value is empty", line=number, field=key))
        elif key == "param":
            param = _parse_param(value, number, shown, problems)
            if param is not None:
                if any(p.name == param.name for p in params):
                    problems.append(Problem(shown, f"parameter {param.name!r} is declared twice", line=number, field="param"))
                else:
                    params.append(param)
        elif key == VIRTUOSO_HINT_KEY and value != VIRTUOSO_KEEP_ORDER:
            problems.append(Problem(shown, f"unknown hint {value!r} for Virtuoso (the one hint is {VIRTUOSO_KEEP_ORDER!r})",
                                    line=number, field=key))
        elif key in fields:
            problems.append(Problem(shown, f"metadata '{key}' is given twice", line=number, field=key))
        else:
            fields[key] = value
    return fields, params, problems


def _parse_param(value: str, number: int, shown: str, problems: list[Problem]) -> Param | None:
    def fail(message: str) -> None:
        problems.append(Problem(shown, message, line=number, field="param"))

    match = _PARAM_RE.match(value)
    if match is None:
        fail("parameter must read 'NAME TYPE [= DEFAULT] -- DESCRIPTION'")
        return None
    name, kind, default, description = match["name"], match["type"], match["default"], match["description"]
    if not _VAR_NAME_RE.match(name):
        fail(f"parameter name {name!r} is not a SPARQL variable name")
        return None
    if kind is None:
        fail(f"parameter {name!r} has no type (one of {', '.join(TYPES)})")
        return None
    if kind not in TYPES:
        fail(f"parameter {name!r} has unknown type {kind!r}{did_you_mean(kind, TYPES)}")
        return None
    if not description:
        fail(f"parameter {name!r} has no description after '--'")
        return None
    if default is not None:
        default = default.strip()
        try:
            # Only the form of a default is checked here; which base IRI it is minted under does not matter.
            to_term(kind, default, Minter(DEFAULT_BASE_IRI))
        except ParamValueError as exc:
            fail(f"default of parameter {name!r} does not parse as {kind}: {exc}")
            return None
    return Param(name, kind, default, description.strip(), number)


def _check_body(text: str, params: list[Param], shown: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        check_local(text)
        variables = {t.text[1:] for t in tokens(text) if t.kind == "var"}
        words = [t.text.upper() for t in tokens(text) if t.kind == "word"]
    except QueryRefused as exc:
        return [Problem(shown, str(exc))]
    if "SELECT" not in words:
        problems.append(Problem(shown, "a stored query must be a SELECT query"))
    for param in params:
        if param.name not in variables:
            problems.append(
                Problem(shown, f"parameter {param.name!r} is never used as ?{param.name} in the query", line=param.line, field="param")
            )
    return problems


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
