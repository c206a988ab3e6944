"""What every phase gets from bench/run.py: where the synthetic project and the work files are."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
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
    name: str | None = None  # the one query a *-query phase runs
    load_limit: float = 3600.0  # limit for the long baselines that must still run: rdflib parse, pySHACL
    rdflib_max_quads: int = 3_000_000  # above this, rdflib's in-memory Dataset is not attempted
    release: bool = True   # publish: also time a whole release

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

    @property
    def skip_file(self) -> Path:
        return self.work / "skip.json"

    def skip(self, step: str, engine: str, limit: float) -> bool:
        """True (and recorded) when this step already ran past a limit at least as long at a smaller
        size: retrying it on more data would only spend the limit again."""
        if not self.skip_file.is_file():
            return False
        for entry in json.loads(self.skip_file.read_text(encoding="utf-8")):
            if entry["step"] == step and entry["engine"] == engine and (entry.get("limit_seconds") or 0) >= limit:
                self.recorder.write(step, engine, None, note=f"not retried: at {entry['events']} events it was {entry['note']}")
                return True
        return False

    def read_workload(self) -> list[dict]:
        return json.loads(self.workload.read_text(encoding="utf-8")) if self.workload.is_file() else []

    def spawn(self, phase: str, name: str, step: str, engine: str) -> None:
        """Run one query in a process of its own: Oxigraph cannot be interrupted from Python, but a
        process can be killed, so a query that would run for hours costs only the time limit."""
        if self.skip(step, engine, self.timeout):
            return
        command = [sys.executable, str(Path(__file__).resolve().parent.parent / "phase.py"), phase,
                   "--project", str(self.project), "--work", str(self.work), "--results", str(self.recorder.results),
                   "--timeout", str(self.timeout), "--repeat", str(self.repeat), "--name", name,
                   "--load-limit", str(self.load_limit), "--rdflib-max-quads", str(self.rdflib_max_quads)]
        try:
            done = subprocess.run(command, timeout=self.timeout, capture_output=True, text=True)
        except subprocess.TimeoutExpired:
            self.recorder.write(step, engine, None, note=f"killed after the {self.timeout:g} s limit", limit_seconds=self.timeout)
            return
        if done.returncode != 0:
            tail = (done.stderr or "no message").strip().splitlines()[-1]
            self.recorder.write(step, engine, None, note=f"failed (exit {done.returncode}): {tail}"[:500])


def warm(store: Path) -> None:
    """Read every file of an on-disk store once, so that the first query timed does not pay for
    bringing the store back into the page cache after a phase that wrote gigabytes (at 50,000
    events the first stored query took 8.7 s cold and 3.4 s warm; the direct run after it was warm)."""
    for path in sorted(store.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                while handle.read(1 << 24):
                    pass


def available(module: str) -> bool:
    """Whether another engineer's module has landed in this checkout."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
