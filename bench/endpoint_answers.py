"""Every stored query on the local store and on a SPARQL endpoint holding the same graphs: how long
each took on both, and whether the answers agree (ordering aside). The tests compare the two on small
data; this is for the size a user's endpoint actually holds.

    python bench/endpoint_answers.py --project DIR --endpoint URL [--row-limit N] [--timeout S] [--query NAME ...]

The endpoint must hold what `culturekg push` (or `culturekg export` and the server's own loader) wrote
from the project's store. Parameters without a default get the values bench/run.py gives them: the
busiest entity of the kind. Prints one JSON line a query; the exit status is 1 when any answer
differs or the endpoint failed to give one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="a built project (its store is read)")
    parser.add_argument("--endpoint", required=True, help="SPARQL 1.1 query URL holding the same graphs")
    parser.add_argument("--row-limit", type=int, default=None, help="the endpoint's row limit (Virtuoso's ResultSetMaxRows)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for one request")
    parser.add_argument("--query", action="append", default=[], help="only this stored query (repeatable)")
    args = parser.parse_args()
    from culturekg.errors import CultureKGError
    from culturekg.iris import Minter
    from culturekg.project import load_project
    from culturekg.queries import run
    from culturekg.queries.agreement import rows
    from culturekg.store.embedded import EmbeddedStore
    from culturekg.store.remote import RemoteStore
    from measure.culturekg_phases import _catalogue, picked_params

    project = load_project(args.project)
    local = EmbeddedStore(project.default_store_path, read_only=True)
    remote = RemoteStore(args.endpoint, timeout=args.timeout, base_iri=project.base_iri, row_limit=args.row_limit)
    minter = Minter(project.base_iri)
    catalogue = _catalogue(project)
    unknown = sorted(set(args.query) - set(catalogue))
    if unknown:
        parser.error(f"no stored query named {', '.join(unknown)}")
    started = time.perf_counter()
    graphs = len(remote.named_graphs())
    print(json.dumps({"endpoint": args.endpoint, "graphs": graphs, "listing_s": round(time.perf_counter() - started, 3)}), flush=True)
    failed = 0
    for name, query in sorted(catalogue.items()):
        if args.query and name not in args.query:
            continue
        params = picked_params(local, project, query)
        line: dict = {"query": name, "params": params}
        started = time.perf_counter()
        expected = run(local, query, params, minter=minter)
        line["local_s"], line["rows"] = round(time.perf_counter() - started, 3), len(expected.rows)
        started = time.perf_counter()
        try:
            got = run(remote, query, params, minter=minter)
        except CultureKGError as exc:
            line.update(endpoint_s=None, agree=False, error=str(exc)[:300])
        else:
            line.update(endpoint_s=round(time.perf_counter() - started, 3), endpoint_rows=len(got.rows),
                        agree=rows(got) == rows(expected))
        failed += not line["agree"]
        print(json.dumps(line), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
