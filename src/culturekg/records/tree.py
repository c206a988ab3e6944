"""Values read from a record file that remember the line they came from.

Readers of every format (YAML, JSON, CSV) return the same shapes, so the format checks and the
mapping do not care which one a record was written in, and every error can name a line.
"""

from __future__ import annotations

from typing import Any, Union


class LMap(dict):
    """A mapping with the line of the mapping itself and of each of its keys."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}

    def put(self, key: str, value: Any, line: int) -> None:
        self[key] = value
        self.lines[key] = line

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LList(list):
    """A sequence with its own line and the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []

    def add(self, value: Any, line: int) -> None:
        self.append(value)
        self.lines.append(line)

    def line_at(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


# Scalars are plain Python values: str, int, float, bool or None. YAML timestamps stay the text
# they were written as, so `2017-07` and `2017-07-24` reach the date check alike.
Value = Union[LMap, LList, str, int, float, bool, None]
