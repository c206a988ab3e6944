"""Small, composable checks of record fields: types, patterns, required and unknown fields.

A check takes a value read from a file and returns it cleaned (a date becomes a PartialDate, a CSV
cell "21" becomes 21), or `INVALID` after noting the problem with its file, line and field. Checks
never stop at the first problem: a user fixes a whole file in one go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from ..iris import COUNTRY_RE, KEY_RE
from .dates import PartialDate
from .tree import LList, LMap


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class At:
    """Where a value is: the file, its line and the dotted field path; `text` for CSV cells,
    whose every value arrives as a string."""

    problems: list[Problem]
    path: str
    line: int
    field: str
    text: bool = False

    def fail(self, message: str) -> Any:
        self.problems.append(Problem(self.path, message, self.line, self.field))
        return INVALID

    def child(self, field: str, line: int) -> At:
        return At(self.problems, self.path, line, field, self.text)


def _kind(value: Any) -> str:
    if isinstance(value, LMap):
        return "a mapping"
    if isinstance(value, LList):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "empty"
    return f"the string {value!r}"


class Check:
    def __call__(self, value: Any, at: At) -> Any:
        raise NotImplementedError


class Text(Check):
    def __call__(self, value: Any, at: At) -> Any:
        if not isinstance(value, str):
            return at.fail(f"expected a string, got {_kind(value)}")
        if not value.strip():
            return at.fail("must not be empty")
        return value.strip()


class Pattern(Check):
    def __init__(self, regex: re.Pattern[str], expected: str) -> None:
        self.regex = regex
        self.expected = expected

    def __call__(self, value: Any, at: At) -> Any:
        if isinstance(value, str) and self.regex.match(value):
            return value
        return at.fail(f"expected {self.expected}, got {_kind(value)}")


KEY = Pattern(KEY_RE, "a key of lower-case letters, digits and '-'")
COUNTRY = Pattern(COUNTRY_RE, "an ISO 3166-1 alpha-2 code such as 'KZ'")
URL = Pattern(re.compile(r"^https?://[^\s<>\"{}|\\^`]+$"), "an http(s) URL")
LANGUAGE = Pattern(re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{1,8})*$"), "a BCP 47 language tag such as 'en' or 'ru'")
WIKIDATA = Pattern(re.compile(r"^Q[1-9][0-9]*$"), "a Wikidata item id such as 'Q184'")


class OneOf(Check):
    def __init__(self, *values: str) -> None:
        self.values = values

    def __call__(self, value: Any, at: At) -> Any:
        if isinstance(value, str) and value in self.values:
            return value
        return at.fail(f"expected one of {', '.join(self.values)}; got {_kind(value)}")


class Integer(Check):
    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def __call__(self, value: Any, at: At) -> Any:
        if at.text and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return at.fail(f"expected an integer, got {_kind(value)}")
        if value < self.minimum:
            return at.fail(f"must be at least {self.minimum}, got {value}")
        return value


class Boolean(Check):
    def __call__(self, value: Any, at: At) -> Any:
        if at.text and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            return at.fail(f"expected true or false, got {_kind(value)}")
        return value


class Date(Check):
    def __call__(self, value: Any, at: At) -> Any:
        # An unquoted `2017` reads as an integer in YAML and JSON; it is a year.
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return at.fail(f"expected an ISO date, got {_kind(value)}")
        try:
            return PartialDate.parse(value.strip())
        except ValueError as exc:
            return at.fail(str(exc))


class FullDate(Date):
    """A date known to the day, for facts the model keeps as xsd:date only."""

    def __call__(self, value: Any, at: At) -> Any:
        date = super().__call__(value, at)
        if date is not INVALID and not date.is_full:
            return at.fail(f"expected a full date YYYY-MM-DD, got {date}")
        return date


class ListOf(Check):
    def __init__(self, item: Check, *, unique: bool = True) -> None:
        self.item = item
        self.unique = unique

    def __call__(self, value: Any, at: At) -> Any:
        if not isinstance(value, LList):
            return at.fail(f"expected a list, got {_kind(value)}")
        result = []
        seen: dict[Any, int] = {}
        for index, raw in enumerate(value):
            item_at = at.child(f"{at.field}[{index}]", value.line_at(index))
            item = self.item(raw, item_at)
            if item is INVALID:
                continue
            if self.unique and isinstance(item, (str, int)):
                if item in seen:
                    item_at.fail(f"{item!r} is listed twice (also item {seen[item]})")
                    continue
                seen[item] = index
            result.append(item)
        return result


class LangText(Check):
    """A plain string (English) or a mapping of BCP 47 language tag to string."""

    def __call__(self, value: Any, at: At) -> Any:
        if isinstance(value, str):
            text = Text()(value, at)
            return INVALID if text is INVALID else {"en": text}
        if not isinstance(value, LMap) or not value:
            return at.fail(f"expected a string or a mapping of language to string, got {_kind(value)}")
        result = {}
        for lang, text in value.items():
            sub = at.child(f"{at.field}.{lang}", value.line_of(lang))
            if LANGUAGE(lang, sub) is INVALID:
                continue
            text = Text()(text, sub)
            if text is not INVALID:
                result[lang] = text
        return result


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool = False


class Rec(dict):
    """A checked record: cleaned values by field name, with the lines they were read from."""

    def __init__(self, line: int, lines: Mapping[str, int], path: str) -> None:
        super().__init__()
        self.line = line
        self.lines = dict(lines)
        self.path = path

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


class Record(Check):
    """A mapping with known fields: each required one present, none unknown, every value checked."""

    def __init__(self, fields: Mapping[str, Field], *, what: str = "record") -> None:
        self.fields = dict(fields)
        self.what = what

    def __call__(self, value: Any, at: At) -> Any:
        if not isinstance(value, LMap):
            return at.fail(f"expected a mapping ({self.what}), got {_kind(value)}")
        prefix = f"{at.field}." if at.field else ""
        before = len(at.problems)
        result = Rec(value.line, value.lines, at.path)
        for name, raw in value.items():
            sub = at.child(prefix + name, value.line_of(name))
            spec = self.fields.get(name)
            if spec is None:
                close = _close(name, self.fields)
                hint = f"; did you mean {close}?" if close else f"; known fields: {', '.join(self.fields)}"
                sub.fail(f"unknown field in {self.what}{hint}")
                continue
            if raw is None or raw == "":
                if spec.required:
                    sub.fail("required, but empty")
                continue
            checked = spec.check(raw, sub)
            if checked is not INVALID:
                result[name] = checked
        for name, spec in self.fields.items():
            if spec.required and name not in value:
                at.child(prefix + name, value.line).fail(f"required field missing in {self.what}")
        return result if len(at.problems) == before else INVALID


def _close(name: str, known: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(name, list(known), n=1)
    return matches[0] if matches else None


def check_record(value: Any, spec: Check, path: str, *, text: bool = False) -> tuple[Any, list[Problem]]:
    """The cleaned record (or INVALID) and every problem found in it; `text` for CSV rows."""
    problems: list[Problem] = []
    result = spec(value, At(problems, path, getattr(value, "line", 1), "", text))
    return result, problems
