"""One phase of the benchmark in a process of its own (started by bench/run.py, not by hand):

    python bench/phase.py PHASE --project DIR --work DIR --results FILE [--timeout S] [--repeat N]

Each step it measures is appended to FILE as one JSON line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import baseline_phases, culturekg_phases  # noqa: E402
from measure.context import Context  # noqa: E402
from measure.record import Recorder  # noqa: E402

PHASES = {
    "build": culturekg_phases.build,
    "dump": culturekg_phases.dump,
    "validate": culturekg_phases.validate,
    "queries": culturekg_phases.queries,
    "query-one": culturekg_phases.query_one,
    "publish": culturekg_phases.publish,
    "oxigraph": baseline_phases.oxigraph,
    "bulk-query-one": baseline_phases.bulk_query_one,
    "direct-query-one": baseline_phases.direct_query_one,
    "rdflib": baseline_phases.rdflib_all,
    "pyshacl": baseline_phases.pyshacl_alone,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=sorted(PHASES))
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load-limit", type=float, default=3600.0)
    parser.add_argument("--rdflib-max-quads", type=int, default=3_000_000)
    parser.add_argument("--no-release", dest="release", action="store_false")
    parser.add_argument("--name", help="the stored query a *-query-one phase runs")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    context = Context(args.project.resolve(), args.work.resolve(), Recorder(args.results, args.phase), args.timeout, args.repeat,
                      args.name, args.load_limit, args.rdflib_max_quads,
                      args.release)
    PHASES[args.phase](context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
