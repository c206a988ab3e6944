"""The build beside its baseline in one process, several times: what `bench/run.py` measures in two
processes minutes apart, for when the machine is too noisy to compare those.

    python bench/build_pairs.py --project DIR --work DIR [--pairs N]

Each pair: `culturekg.loader.load` into an empty on-disk store, with worker processes reading the
records as `culturekg build` has them, then `pyoxigraph.Store.bulk_load` of the same quads (N-Quads,
dumped from the first build, untimed) into another empty store. Prints one line a pair.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="a generated project (bench/generate.py)")
    parser.add_argument("--work", type=Path, required=True, help="a folder for the two stores and the dump")
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    from culturekg.loader import load
    from culturekg.project import load_project
    from culturekg.records.parallel import workers_available
    from culturekg.store import EmbeddedStore

    built, bulk, dump = args.work / "store-culturekg", args.work / "store-bulk", args.work / "all.nq"
    args.work.mkdir(parents=True, exist_ok=True)
    for pair in range(args.pairs):
        for store_dir in (built, bulk):
            shutil.rmtree(store_dir, ignore_errors=True)
        started = time.perf_counter()
        store = EmbeddedStore(built)
        load(load_project(args.project), store, workers=workers_available())
        store.close()
        build_seconds = time.perf_counter() - started
        if pair == 0:
            ox.Store.read_only(str(built)).dump(str(dump), ox.RdfFormat.N_QUADS)
        started = time.perf_counter()
        baseline = ox.Store(str(bulk))
        baseline.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        baseline.flush()
        del baseline
        bulk_seconds = time.perf_counter() - started
        print(f"build {build_seconds:.3f} s  bulk_load {bulk_seconds:.3f} s  ratio {build_seconds / bulk_seconds:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
