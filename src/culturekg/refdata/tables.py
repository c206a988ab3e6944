"""Reading source CSV files with line numbers, and writing the project's CSV files byte-stably."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import CultureKGError, Problem, RecordError


@dataclass(frozen=True)
class SourceRow:
    path: Path
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells[column].strip()

    def problem(self, column: str | None, message: str) -> Problem:
        return Problem(path=self.path.as_posix(), line=self.line, field=column, message=message)


def read_rows(path: Path, required: Sequence[str]) -> Iterator[SourceRow]:
    """Rows of a source table; refuses a file that lacks a column the generator relies on."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise RecordError([Problem(path.as_posix(), f"missing column(s): {', '.join(missing)}", line=1)])
        for cells in reader:
            # line_num is the physical line the row ends on: its own line unless a quoted cell spans lines.
            yield SourceRow(path, reader.line_num, {k: (v or "") for k, v in cells.items() if k is not None})


def render_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """CSV text with '\\n' line ends and minimal quoting: the same rows always give the same bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_csv(header, rows), encoding="utf-8", newline="")


def fail_if(problems: list[Problem]) -> None:
    if problems:
        raise RecordError(problems)


def run_cli(generate: Callable[..., None], *args: object) -> None:
    """Run a generator from the command line: a bad input or a missing file is a message, not a traceback."""
    try:
        generate(*args)
    except (CultureKGError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
