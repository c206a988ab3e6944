"""Small helpers shared by the reference and event generators."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

MARK = "SYNTHETIC"
# RFC 2606 reserves .invalid: such a URL can never be fetched, and reads as not-a-real-source.
SYN_URL = "https://culturekg-bench.invalid/synthetic/"
FIRST_YEAR = 2005
LAST_YEAR = 2024

# libyaml is ~10x faster and emits the same text as the pure-Python dumper.
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: object) -> bool:
        # Records refuse anchors and aliases; a date shared by an event and its first range must be written twice.
        return True


def dump_yaml(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="" keeps "\n" on every platform, so equal seeds give equal bytes everywhere.
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def synthetic_source(seed: int, what: str) -> dict[str, str]:
    return {
        "title": f"{MARK}: {what} made up by bench/generate.py (seed {seed}); not facts",
        "url": SYN_URL + "generator",
        "licence": "CC0-1.0",
        "note": f"{MARK} benchmark data; no real organization, person, membership or event is described.",
    }


class PowerLaw:
    """Draws items so that a few are drawn very often and most rarely (Zipf weights 1/rank^s),
    like experts and organizers whose work concentrates on a few names."""

    def __init__(self, items: Sequence[str], exponent: float = 1.1) -> None:
        if not items:
            raise ValueError("PowerLaw needs at least one item")
        self.items = list(items)
        self._cum = list(itertools.accumulate(1.0 / (rank ** exponent) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self._cum, k=1)[0]

    def draw_distinct(self, rng: random.Random, k: int, exclude: set[str] = frozenset()) -> list[str]:
        chosen: list[str] = []
        k = min(k, len(self.items) - len(exclude & set(self.items)))
        for _ in range(k * 20):
            if len(chosen) >= k:
                break
            item = self.draw(rng)
            if item not in chosen and item not in exclude:
                chosen.append(item)
        return chosen


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def parse_day(value: object) -> dt.date | None:
    """A full date from a YAML/CSV value (PyYAML already gives date objects for unquoted ISO dates)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
