"""Both ways of a project's first load into a server of its own, timed in one run: `culturekg push`
(the baseline: one graph a request), against `culturekg export`, the server's own bulk loader and the
`culturekg push` after it, which must find nothing to write.

    python bench/first_load.py --project DIR --server oxigraph|virtuoso [--buffers N] [--json FILE]

The project must be built. Each way gets a fresh server on loopback, started and stopped here with the
tests' helpers (tests/servers.py); Virtuoso's cache is `--buffers` pages of 8 kB (the tests' 10,000 by
default). Prints one line a step and the ratio of the bulk path, export included, to the push.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from cli_helpers import push_summary  # noqa: E402
from servers import Endpoint, bulk_loaded, running_server  # noqa: E402

CULTUREKG = Path(sys.executable).with_name("culturekg")


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ...: exit {done.returncode}: {done.stderr.strip()[-800:]}")
    return seconds, done.stdout


def push(project: Path, endpoint: Endpoint) -> tuple[float, dict]:
    seconds, out = timed([str(CULTUREKG), "-C", str(project), "push", "--endpoint", endpoint.query_url,
                          "--update-url", endpoint.update_url, "--gsp-url", endpoint.gsp_url, "--timeout", "600"])
    summary = push_summary(out)
    if summary is None:
        raise SystemExit(f"push printed no summary: {out.strip()[-400:]}")
    summary.pop("edited")
    return seconds, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="a built project")
    parser.add_argument("--server", choices=["oxigraph", "virtuoso"], required=True)
    parser.add_argument("--buffers", type=int, default=10_000, help="Virtuoso's NumberOfBuffers (8 kB pages)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the servers and the export (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    figures: dict = {"server": args.server, "project": str(project)}
    if args.server == "virtuoso":
        figures["buffers"] = args.buffers
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="first-load-")))
        with running_server(args.server, work / "pushed", args.buffers) as endpoint:
            figures["push_s"], figures["push"] = push(project, endpoint)
        print(f"push            {figures['push_s']:9.1f} s  {figures['push']['written']} graphs, "
              f"{figures['push']['triples']} triples", flush=True)
        dump = work / "culturekg.nq"
        figures["export_s"], _ = timed([str(CULTUREKG), "-C", str(project), "export", "--out", str(dump)])
        print(f"export          {figures['export_s']:9.1f} s  {dump.stat().st_size} bytes", flush=True)
        with bulk_loaded(args.server, dump, work / "loaded", args.buffers) as (figures["load_s"], endpoint):
            print(f"server's loader {figures['load_s']:9.1f} s", flush=True)
            figures["push_after_s"], figures["push_after"] = push(project, endpoint)
    after = figures["push_after"]
    print(f"push after it   {figures['push_after_s']:9.1f} s  {after['written']} written, {after['unchanged']} unchanged")
    if after["written"] or after["dropped"] or after["unchanged"] != figures["push"]["written"]:
        raise SystemExit("the push after the bulk load was not empty: the export and the store differ")
    figures["bulk_s"] = figures["export_s"] + figures["load_s"] + figures["push_after_s"]
    figures["ratio"] = figures["bulk_s"] / figures["push_s"]
    print(f"bulk path       {figures['bulk_s']:9.1f} s  ratio {figures['ratio']:.3f} (against the push)")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
