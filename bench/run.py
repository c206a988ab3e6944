"""Measure culturekg beside its baselines, in the same run, on synthetic projects of several sizes.

    python bench/run.py --events 1000 10000 --json bench/out/results.json

For each size: generate (or reuse) a synthetic project under bench/out/, then run each phase in a
child process of its own (so each peak memory figure is that phase's own): culturekg build, its dump,
stored queries, validation and publishing; then pyoxigraph used directly and plain rdflib/pySHACL
fed the same quads and query texts. Output: {"measures": [...]}, ratio = seconds / baseline_seconds.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from measure.pairing import measures, readable  # noqa: E402

# Order matters: the dump feeds the baselines, the culturekg queries phase writes the query workload.
PHASES = ["build", "dump", "queries", "validate", "publish", "oxigraph", "rdflib", "pyshacl"]


def project_for(out: Path, events: int, seed: int, reference: Path, log) -> tuple[Path, float | None]:
    """The synthetic project of this size, regenerated only if missing or made from other inputs."""
    folder = out / f"syn-{events}-seed{seed}"
    wanted = generate.manifest_for(events, seed, reference)
    manifest = folder / generate.MANIFEST
    if manifest.is_file():
        have = json.loads(manifest.read_text(encoding="utf-8"))
        if all(have.get(k) == v for k, v in wanted.items()):
            log(f"reusing {folder}")
            return folder, None
    log(f"generating {events} events into {folder}")
    started = time.perf_counter()
    generate.generate(events, folder, seed, reference)
    return folder, time.perf_counter() - started


def run_phase(phase: str, folder: Path, work: Path, results: Path, args, log) -> None:
    command = [sys.executable, str(BENCH / "phase.py"), phase, "--project", str(folder), "--work", str(work),
               "--results", str(results), "--timeout", str(args.timeout), "--repeat", str(args.repeat),
               "--load-limit", str(args.load_limit), "--rdflib-max-quads", str(args.rdflib_max_quads)]
    if not args.release:
        command.append("--no-release")
    started = time.perf_counter()
    try:
        done = subprocess.run(command, timeout=args.phase_limit, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        _note(results, phase, f"phase killed after the {args.phase_limit:g} s limit")
        log(f"  {phase}: killed after {args.phase_limit:g} s")
        return
    log(f"  {phase}: {time.perf_counter() - started:.1f} s" + ("" if done.returncode == 0 else f", exit {done.returncode}"))
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
        _note(results, phase, f"phase failed (exit {done.returncode}): {tail[0]}"[:500])
        (work / f"{phase}.stderr").write_text(done.stderr or "", encoding="utf-8")


def _note(results: Path, phase: str, note: str) -> None:
    with results.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"phase": phase, "step": f"phase:{phase}", "engine": "harness", "seconds": None,
                                 "peak_rss_mb": None, "note": note}) + "\n")


def _abandoned(lines: list[dict], events: int) -> list[dict]:
    """Steps that ran past their limit at this size, so larger sizes do not spend the limit again."""
    return [{"step": line["step"], "engine": line["engine"], "events": events, "note": line["note"],
             "limit_seconds": line.get("limit_seconds")}
            for line in lines if line.get("seconds") is None and any(w in line.get("note", "") for w in ("abandoned", "killed"))]


def _read_abandoned(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def _remember_abandoned(path: Path, entries: list[dict]) -> None:
    """Kept across runs (bench/out/abandoned-seedS.json), so a later run of a larger size skips too."""
    known = {(e["step"], e["engine"], e["events"]): e for e in _read_abandoned(path) + entries}
    path.write_text(json.dumps(sorted(known.values(), key=lambda e: (e["events"], e["step"], e["engine"])), indent=1),
                    encoding="utf-8")


def bench_size(events: int, args, log) -> list[dict]:
    folder, generated = project_for(args.out, events, args.seed, args.reference, log)
    work = folder / ".bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results = work / "steps.jsonl"
    results.touch()
    memory = args.out / f"abandoned-seed{args.seed}.json"
    skip = [e for e in _read_abandoned(memory) if e["events"] < events]
    (work / "skip.json").write_text(json.dumps(skip), encoding="utf-8")
    if generated is not None:
        with results.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"phase": "generate", "step": "generate", "engine": "bench/generate.py",
                                     "seconds": round(generated, 3), "peak_rss_mb": None}) + "\n")
    for phase in args.phases:
        run_phase(phase, folder, work, results, args, log)
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]
    triples = next((line.get("triples") for line in lines if line["step"] == "dump" and line.get("triples")), None)
    found = measures(lines, events, triples)
    _remember_abandoned(memory, _abandoned(lines, events))
    if not args.keep:
        for heavy in ("store-culturekg", "store-bulk", "all.nq", "union.nt"):
            target = work / heavy
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", required=True, help="sizes, in events")
    parser.add_argument("--json", type=Path, required=True, help="where to write the measures")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="cache of synthetic projects (default bench/out)")
    parser.add_argument("--reference", type=Path, default=generate.REPO / "data" / "reference")
    parser.add_argument("--timeout", type=float, default=600.0, help="limit for one baseline step (rdflib, pySHACL)")
    parser.add_argument("--load-limit", type=float, default=3600.0,
                        help="limit for rdflib parsing the dump and for pySHACL (default 3600 s)")
    parser.add_argument("--rdflib-max-quads", type=int, default=3_000_000,
                        help="do not build rdflib's in-memory Dataset above this many quads (memory)")
    parser.add_argument("--no-release", dest="release", action="store_false",
                        help="publish: time the dumps only, not a whole release")
    parser.add_argument("--phase-limit", type=float, default=14400.0, help="hard limit for one phase's process")
    parser.add_argument("--repeat", type=int, default=3, help="queries: best of this many runs")
    parser.add_argument("--phases", nargs="+", choices=PHASES, default=PHASES)
    parser.add_argument("--keep", action="store_true", help="keep the stores and dumps of the run")
    parser.add_argument("--collect", action="store_true",
                        help="run nothing: report the measures recorded by the last run of each size")
    args = parser.parse_args(argv)
    args.phases = [p for p in PHASES if p in args.phases]

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    everything: list[dict] = []
    for events in sorted(args.events):
        found = collect(events, args) if args.collect else bench_size(events, args, log)
        everything += found
        for measure in found:
            print(readable(measure), flush=True)
        # Written after every size, so a run stopped during a large size keeps the smaller ones.
        write_json(args, everything)
    return 0


def collect(events: int, args) -> list[dict]:
    """The measures of an earlier run of this size, from the steps it recorded."""
    results = args.out / f"syn-{events}-seed{args.seed}" / ".bench" / "steps.jsonl"
    if not results.is_file():
        raise SystemExit(f"error: {results}: no recorded steps for {events} events")
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]
    triples = next((line.get("triples") for line in lines if line["step"] == "dump" and line.get("triples")), None)
    return measures(lines, events, triples)


def write_json(args, everything: list[dict]) -> None:
    args.json.parent.mkdir(parents=True, exist_ok=True)
    document = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": _cpus()}, "seed": args.seed, "measures": everything}
    args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _cpus() -> int | None:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())
