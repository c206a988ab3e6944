"""bench/build_pairs.py builds and bulk-loads the same quads and prints one line a pair."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from cli_helpers import generated_project

REPO = Path(__file__).resolve().parents[1]


def test_each_pair_loads_the_same_quads_both_ways_and_prints_its_ratio(tmp_path: Path) -> None:
    project, work = generated_project(tmp_path, 15, seed=2), tmp_path / "work"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "build_pairs.py"), "--project", str(project),
                           "--work", str(work), "--pairs", "2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        build, bulk, ratio = map(float, re.fullmatch(r"build (\S+) s  bulk_load (\S+) s  ratio (\S+)", line).groups())
        assert build > 0 and bulk > 0 and abs(ratio - build / bulk) < 0.01 * ratio + 0.006
    built = ox.Store.read_only(str(work / "store-culturekg"))
    loaded = ox.Store.read_only(str(work / "store-bulk"))
    assert len(built) == len(loaded) > 1000
    assert set(built.named_graphs()) == set(loaded.named_graphs())
