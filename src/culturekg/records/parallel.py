"""Read many record files on the machine's other cores while the caller maps the ones already read.

Reading and checking an event record (YAML, then its format) is a third of a 50,000-event build, and
it needs nothing from the records before it: worker processes read chunks of files in order and hand
back what `read_file` gives, while this process maps and stores. Results come back in the order of
the files, so a build's output and its problems do not depend on whether the reading was parallel.
At most a few chunks are in flight, so memory stays bounded by the window, not by the project.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice

from ..errors import Problem
from .files import Parsed, SourceFile, read_file

# Below this many files the workers' start (a Python process and its imports, about 0.2 s) costs
# more than they save: 5,000 files take about 3 s to read on one core.
PARALLEL_FROM = 5_000
# Files per task: large enough that sending a task costs little beside reading 200 files (0.1 s),
# small enough that the first results come back soon after the start.
CHUNK = 200
# Chunks submitted ahead of the one being mapped, per worker.
AHEAD = 3


def _read_chunk(files: Sequence[SourceFile]) -> list[tuple[Parsed | None, list[Problem]]]:
    return [read_file(f) for f in files]


def workers_available() -> int:
    """Cores this process may run on, less the one that maps: 0 on a single core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, cores - 1)


def read_in_order(files: Sequence[SourceFile], *, workers: int,
                  parallel_from: int | None = None) -> Iterator[tuple[Parsed | None, list[Problem]]]:
    """`read_file` of each file, in the order given: by `workers` processes when there are at least
    `parallel_from` files (PARALLEL_FROM), else in this process."""
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    if workers < 1 or len(files) < max(threshold, 1):
        for file in files:
            yield read_file(file)
        return
    # Not fork: the process holds an open store whose threads a forked child would inherit stopped.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    chunks = (files[start:start + CHUNK] for start in range(0, len(files), CHUNK))
    pending: deque[tuple[Future, Sequence[SourceFile]]] = deque(
        (pool.submit(_read_chunk, chunk), chunk) for chunk in islice(chunks, workers * AHEAD))
    try:
        while pending:
            future, chunk = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker was killed (out of memory, a signal): what the workers did not hand back
                # is read here, so the build goes on with the same results, only slower.
                for rest in chain([chunk], (c for _, c in pending), chunks):
                    for file in rest:
                        yield read_file(file)
                return
            following = next(chunks, None)
            if following is not None:
                pending.append((pool.submit(_read_chunk, following), following))
            yield from results
    finally:
        # A caller that stops early (a refused record, an interrupt) does not wait for the rest.
        pool.shutdown(wait=True, cancel_futures=True)
