"""The miniature project and the command line, as the CLI tests use them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from culturekg.cli import app

RECORD_FIXTURES = Path(__file__).parent / "fixtures" / "records"
GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
# What `culturekg push` prints last (culturekg.push.PushReport.summary).
_PUSH_SUMMARY = re.compile(
    r"(?P<written>\d+) graph\(s\) written \((?P<triples>\d+) triples\)(?P<edited>.*), "
    r"(?P<dropped>\d+) dropped, (?P<unchanged>\d+) unchanged"
)


def push_summary(output: str) -> dict[str, int | str] | None:
    """The counts in push's summary line (and what it says of a meta-graph edit), or None without one."""
    found = _PUSH_SUMMARY.search(output)
    if found is None:
        return None
    return {key: value if key == "edited" else int(value) for key, value in found.groupdict().items()}


def copy_miniature_project(tmp_path: Path, *bad: str) -> Path:
    """The miniature project under tmp_path, with each named case of fixtures/records/bad laid over it."""
    root = tmp_path / "project"
    shutil.copytree(RECORD_FIXTURES / "project", root)
    for case in bad:
        shutil.copytree(RECORD_FIXTURES / "bad" / case, root, dirs_exist_ok=True)
    return root


def run(*args: str):
    """`culturekg ARGS` in this process; exceptions the CLI does not handle fail the test."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def generated_project(tmp_path: Path, events: int, seed: int) -> Path:
    """A synthetic project of `events` event records, written by bench/generate.py under tmp_path/syn."""
    root = tmp_path / "syn"
    made = subprocess.run([sys.executable, str(GENERATOR), "--events", str(events), "--out", str(root),
                           "--seed", str(seed)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    return root
