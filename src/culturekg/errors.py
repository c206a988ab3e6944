"""Errors a user sees. Each names where the problem is, so it can be fixed in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with one input file."""

    path: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class CultureKGError(Exception):
    """Base of every error the tool reports to a user (exit status 2 on the command line)."""


@dataclass
class RecordError(CultureKGError):
    """One or more problems in input files; nothing was written."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ConfigError(CultureKGError):
    """The project, the store or an option is not usable as given."""


def relpath(path: Path, root: Path) -> str:
    """Path as the user knows it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
