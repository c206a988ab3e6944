"""Timing, peak memory and a deadline for one step of a phase, written as one JSON line per step."""

from __future__ import annotations

import json
import resource
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


class StepTimeout(Exception):
    """A baseline ran past its time limit and was abandoned."""


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far. tracemalloc cannot see Rust's allocations
    (pyoxigraph), the kernel's high-water mark can."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _raise_timeout(signum, frame):  # noqa: ARG001 - signal handler signature
    raise StepTimeout()


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt pure-Python work (rdflib, pySHACL) after `seconds`. Native code is only interrupted
    when it returns to Python, so the parent also keeps a hard limit on the whole child."""
    if not seconds:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Recorder:
    results: Path
    phase: str
    extra: dict = field(default_factory=dict)

    def write(self, step: str, engine: str, seconds: float | None, **info: object) -> None:
        line = {"phase": self.phase, "step": step, "engine": engine,
                "seconds": None if seconds is None else round(seconds, 4), "peak_rss_mb": peak_rss_mb()}
        line.update(info)
        with self.results.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")

    @contextmanager
    def step(self, step: str, engine: str, *, timeout: float | None = None, **info: object) -> Iterator["Timing"]:
        """Time the body, which may stop the clock early (to count what it made, untimed) and add
        facts (triples, rows). A timeout is recorded as seconds null with a note, not as a failure."""
        timing = Timing(dict(info))
        try:
            with deadline(timeout):
                yield timing
        except StepTimeout:
            self.write(step, engine, None, note=f"abandoned after the {timeout:g} s limit", limit_seconds=timeout, **info)
            return
        self.write(step, engine, timing.stop(), **timing.facts)


@dataclass
class Timing:
    facts: dict
    started: float = field(default_factory=time.perf_counter)
    seconds: float | None = None

    def stop(self) -> float:
        if self.seconds is None:
            self.seconds = time.perf_counter() - self.started
        return self.seconds


# A baseline run this long is not repeated: at millions of triples rdflib would take hours.
REPEAT_ONLY_BELOW = 5.0


def best_of(recorder: Recorder, repeat: int, step: str, engine: str, run, *, timeout: float | None = None, **info: object) -> None:
    """Run `run()` (it returns a row count) up to `repeat` times and record the fastest run. An engine
    refusing or failing a query is recorded as a finding with its message, not raised."""
    best = rows = None
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            with deadline(timeout):
                rows = run()
        except StepTimeout:
            recorder.write(step, engine, None, note=f"abandoned after the {timeout:g} s limit", limit_seconds=timeout, **info)
            return
        except Exception as exc:  # noqa: BLE001 - the message is the measure
            recorder.write(step, engine, None, note=f"{type(exc).__name__}: {exc}"[:500], **info)
            return
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
        if seconds > REPEAT_ONLY_BELOW:
            break
    recorder.write(step, engine, best, rows=rows, **info)
