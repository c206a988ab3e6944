"""Read YAML, JSON and CSV into line-aware trees, executing nothing.

YAML is composed into nodes by the safe parser and built here from the node tree: only the plain
YAML types are accepted, so a `!!python/object` tag is refused before anything could run it.
JSON is parsed by a small scanner over the standard decoder so that each value keeps its line.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections.abc import Collection, Sequence

import yaml

from ..errors import Problem, RecordError
from .tree import LList, LMap, Value


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    # Without path resolvers (the safe loader has none) a plain scalar's tag depends on its text
    # alone, and records repeat the same keys and values thousands of times: PyYAML's resolver
    # would try its regular expressions on every one. Long texts are mostly unique: not kept.
    _plain_tags: dict[str, str] = {}

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode or not implicit[0] or len(value) > 40:
            return super().resolve(kind, value, implicit)
        tag = self._plain_tags.get(value)
        if tag is None:
            if len(self._plain_tags) >= 50_000:
                self._plain_tags.clear()
            tag = self._plain_tags[value] = super().resolve(kind, value, implicit)
        return tag


_TAG = "tag:yaml.org,2002:"
_STR, _BOOL = _TAG + "str", _TAG + "bool"
_MAP, _SEQ = frozenset({_TAG + "map"}), frozenset({_TAG + "seq"})
_TEXT_TAGS = frozenset({_STR, _TAG + "timestamp"})
_SCALAR_TAGS = frozenset({_STR, _BOOL, _TAG + "timestamp", _TAG + "int", _TAG + "float", _TAG + "null"})


def _fail(path: str, message: str, line: int | None = None, field: str | None = None) -> RecordError:
    return RecordError([Problem(path, message, line, field)])


def read_yaml(text: str, path: str) -> Value:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p)
        raise _fail(path, f"not valid YAML: {message}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise _fail(path, "the file is empty")
    return _YamlBuilder(path).build(node)


class _YamlBuilder:
    _constructor = yaml.constructor.SafeConstructor()

    def __init__(self, path: str) -> None:
        self.path = path
        self.seen: set[int] = set()

    def build(self, node: yaml.Node) -> Value:
        line = node.start_mark.line + 1
        # compose() hands an alias back as the very node it names; records have no use for
        # aliases, and refusing them rules out recursive and exponentially large documents.
        if id(node) in self.seen:
            raise _fail(self.path, "YAML anchors and aliases are not allowed in records", line)
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self._expect(node, _MAP)
            result = LMap(line)
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str):
                    raise _fail(self.path, f"mapping keys must be plain names, not {key_node.tag}", key_line)
                if key in result:
                    raise _fail(self.path, f"key '{key}' given twice in one mapping (first on line {result.lines[key]})", key_line, key)
                result.put(key, self.build(value_node), key_line)
            return result
        if isinstance(node, yaml.SequenceNode):
            self._expect(node, _SEQ)
            items = LList(line)
            for item in node.value:
                items.add(self.build(item), item.start_mark.line + 1)
            return items
        self._expect(node, _SCALAR_TAGS)
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Value:
        if node.tag in _TEXT_TAGS:
            return node.value
        # YAML 1.1 reads yes/no/on/off as booleans, so Norway's code NO or the language tag `no`
        # would turn into False; as in YAML 1.2, only true and false are booleans here.
        if node.tag == _BOOL and node.value.lower() not in ("true", "false"):
            return node.value
        # Called directly rather than through construct_object, which caches every node it sees.
        return self._constructor.yaml_constructors[node.tag](self._constructor, node)

    def _expect(self, node: yaml.Node, tags: frozenset[str]) -> None:
        if node.tag not in tags:
            raise _fail(
                self.path,
                f"YAML tag {node.tag} is not allowed in records (only plain mappings, lists, strings, numbers, booleans and dates); nothing was executed",
                node.start_mark.line + 1,
            )


_WS = re.compile(r"[ \t\n\r]*")


class _JsonReader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.decoder = json.JSONDecoder(parse_constant=self._no_constant)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def _no_constant(self, name: str) -> None:
        raise ValueError(f"{name} is not a JSON number")

    def error(self, offset: int, message: str) -> RecordError:
        return _fail(self.path, f"not valid JSON: {message}", self.line(offset))

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def read(self) -> Value:
        value, end = self.value(self.skip(0))
        end = self.skip(end)
        if end != len(self.text):
            raise self.error(end, "extra data after the top-level value")
        return value

    def value(self, i: int) -> tuple[Value, int]:
        char = self.text[i : i + 1]
        if char == "{":
            return self.mapping(i)
        if char == "[":
            return self.sequence(i)
        try:
            return self.decoder.raw_decode(self.text, i)
        except json.JSONDecodeError as exc:
            raise self.error(exc.pos, exc.msg) from None
        except ValueError as exc:
            raise self.error(i, str(exc)) from None

    def mapping(self, i: int) -> tuple[LMap, int]:
        result = LMap(self.line(i))
        i = self.skip(i + 1)
        if self.text.startswith("}", i):
            return result, i + 1
        while True:
            if not self.text.startswith('"', i):
                raise self.error(i, "expected a property name in double quotes")
            key_line = self.line(i)
            try:
                key, i = json.decoder.scanstring(self.text, i + 1)
            except json.JSONDecodeError as exc:
                raise self.error(exc.pos, exc.msg) from None
            if key in result:
                raise _fail(self.path, f"key '{key}' given twice in one object (first on line {result.lines[key]})", key_line, key)
            i = self.skip(i)
            if not self.text.startswith(":", i):
                raise self.error(i, "expected ':' after a property name")
            value, i = self.value(self.skip(i + 1))
            result.put(key, value, key_line)
            i, closed = self.after_item(i, "}")
            if closed:
                return result, i

    def sequence(self, i: int) -> tuple[LList, int]:
        result = LList(self.line(i))
        i = self.skip(i + 1)
        if self.text.startswith("]", i):
            return result, i + 1
        while True:
            item_line = self.line(i)
            value, i = self.value(i)
            result.add(value, item_line)
            i, closed = self.after_item(i, "]")
            if closed:
                return result, i

    def after_item(self, i: int, close: str) -> tuple[int, bool]:
        """Past the ',' before the next item, or past `close`; True when the container closed."""
        i = self.skip(i)
        if self.text.startswith(",", i):
            return self.skip(i + 1), False
        if self.text.startswith(close, i):
            return i + 1, True
        raise self.error(i, f"expected ',' or '{close}'")


def read_json(text: str, path: str) -> Value:
    if not text.strip():
        raise _fail(path, "the file is empty")
    return _JsonReader(text, path).read()


def read_csv(text: str, path: str, columns: Sequence[str], multi: Collection[str] = ()) -> list[LMap]:
    """Rows as mappings of the non-empty cells; `multi` columns split on '|' into lists.

    The header must name exactly `columns` (in any order): a missing column would silently drop
    facts and an unknown one is most likely a typo.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise _fail(path, "the file is empty; expected a header row", 1)
        header = [h.strip() for h in header]
        problems = []
        seen = set()
        for name in header:
            if name in seen:
                problems.append(Problem(path, f"column '{name}' appears twice in the header", 1, name))
            seen.add(name)
        for name in columns:
            if name not in seen:
                problems.append(Problem(path, "missing column in the header", 1, name))
        for name in header:
            if name not in columns:
                problems.append(Problem(path, f"unknown column; expected: {', '.join(columns)}", 1, name))
        if problems:
            raise RecordError(problems)
        rows: list[LMap] = []
        line = reader.line_num + 1
        for cells in reader:
            if not any(c.strip() for c in cells):
                line = reader.line_num + 1
                continue
            if len(cells) != len(header):
                problems.append(Problem(path, f"row has {len(cells)} cells but the header has {len(header)}", line))
            else:
                row = LMap(line)
                for name, cell in zip(header, cells):
                    cell = cell.strip()
                    if not cell:
                        continue
                    if name in multi:
                        items = LList(line)
                        for part in cell.split("|"):
                            if part.strip():
                                items.add(part.strip(), line)
                        row.put(name, items, line)
                    else:
                        row.put(name, cell, line)
                rows.append(row)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _fail(path, f"not valid CSV: {exc}", reader.line_num) from None
    if problems:
        raise RecordError(problems)
    return rows
