"""What every phase gets from bench/run.py: where the synthetic project and the work files are."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from .record import Recorder


@dataclass
class Context:
    project: Path          # the synthetic project (holds data/)
    work: Path             # stores, dumps and the query workload of this run
    recorder: Recorder
    timeout: float         # limit for each baseline step that could run for hours
    repeat: int            # queries: best of this many runs

    @property
    def culturekg_store(self) -> Path:
        return self.work / "store-culturekg"

    @property
    def bulk_store(self) -> Path:
        return self.work / "store-bulk"

    @property
    def nquads(self) -> Path:
        return self.work / "all.nq"

    @property
    def ntriples(self) -> Path:
        return self.work / "union.nt"

    @property
    def workload(self) -> Path:
        return self.work / "queries.json"

    def read_workload(self) -> list[dict]:
        return json.loads(self.workload.read_text(encoding="utf-8")) if self.workload.is_file() else []


def available(module: str) -> bool:
    """Whether another engineer's module has landed in this checkout."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
