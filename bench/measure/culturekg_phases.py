"""The culturekg side: build from records, dump for the baselines, stored queries, validation, dumps.
A step whose module has not landed in this checkout is recorded as not run, with the reason."""

from __future__ import annotations

import json
import resource
import shutil
from urllib.parse import unquote

import pyoxigraph as ox

from .context import Context, available, warm
from .record import best_of


def _missing(ctx: Context, step: str, engine: str, module: str) -> bool:
    if available(module):
        return False
    ctx.recorder.write(step, engine, None, note=f"{module} is not in this checkout")
    return True


def _catalogue(project):
    """The stored queries the project sees (the shipped catalogue and the project's own folder)."""
    from culturekg.queries import find

    return find(project.queries_dirs)


def _open(ctx: Context, read_only: bool = True):
    from culturekg.project import load_project
    from culturekg.store.embedded import EmbeddedStore

    return load_project(ctx.project), EmbeddedStore(ctx.culturekg_store, read_only=read_only)


def build(ctx: Context) -> None:
    """Records -> embedded on-disk Oxigraph store, with everything `culturekg.loader.load` does, reading
    the records with the other cores as `culturekg build` does; then `culturekg build --no-validate` with
    no file changed: once to start its ledger, once timed."""
    if _missing(ctx, "build", "culturekg", "culturekg.loader"):
        return
    from culturekg.loader import load
    from culturekg.pipeline import build as build_store
    from culturekg.project import load_project
    from culturekg.records.parallel import workers_available

    shutil.rmtree(ctx.culturekg_store, ignore_errors=True)
    for beside in ctx.culturekg_store.parent.glob(ctx.culturekg_store.name + ".*"):
        beside.unlink()  # a kept run's ledger and validation state describe a store that is gone
    files = sum(1 for p in (ctx.project / "data").rglob("*") if p.is_file())
    workers = workers_available()
    with ctx.recorder.step("build", "culturekg", files=files, workers=workers) as timing:
        project, store = _open(ctx, read_only=False)
        load(project, store, workers=workers)
        store.close()
        timing.stop()
        # The workers are this process's only children: the largest one's peak, beside this one's.
        timing.facts["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    project = load_project(ctx.project)
    with ctx.recorder.step("rebuild-first-ledger", "culturekg", files=files,
                           note="the first build of a store loaded without the command: the ledger is made from the store"):
        build_store(project, ctx.culturekg_store, validate=False)
    with ctx.recorder.step("rebuild-unchanged", "culturekg", files=files):
        build_store(project, ctx.culturekg_store, validate=False)


def dump(ctx: Context) -> None:
    """The built store as N-Quads (what the baselines load) and its union as N-Triples (for pySHACL)."""
    if not ctx.culturekg_store.is_dir():
        ctx.recorder.write("dump", "pyoxigraph-dump", None, note="no store: culturekg build did not run")
        return
    store = ox.Store.read_only(str(ctx.culturekg_store))
    with ctx.recorder.step("dump", "pyoxigraph-dump") as timing:
        store.dump(str(ctx.nquads), ox.RdfFormat.N_QUADS)
        ox.serialize((q.triple for q in store), str(ctx.ntriples), ox.RdfFormat.N_TRIPLES)
        timing.stop()
        timing.facts["quads"] = len(store)
        timing.facts["graphs"] = sum(1 for _ in store.named_graphs())
        distinct = ox.Store()
        distinct.bulk_load(path=str(ctx.ntriples), format=ox.RdfFormat.N_TRIPLES)
        timing.facts["triples"] = len(distinct)


_MOST_USED = """
SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?x . FILTER(isIRI(?x) && STRSTARTS(STR(?x), STR(?prefix))) }
GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1
"""
# Values for parameters that have no default: plain literals that occur in the synthetic records.
_LITERALS = {"xsd:integer": ["2"], "xsd:boolean": ["true"], "xsd:string": ["workshop"],
             "xsd:date": ["2015-01-01", "2016-12-31"]}


def _pick(store, project, kind: str, position: int) -> str:
    """A value users would plausibly ask about: the most referenced entity of the kind (the busiest
    expert, the most targeted country, ...), so the query does real work."""
    from culturekg.iris import Minter
    from culturekg.queries.params import ENTITY_KINDS

    if kind in _LITERALS:
        values = _LITERALS[kind]
        return values[min(position, len(values) - 1)]
    iri_kind = "person" if kind == "entity" else ENTITY_KINDS.get(kind)
    if iri_kind is None:
        raise ValueError(f"no way to pick a value for a parameter of type {kind!r}")
    prefix = Minter(project.base_iri).iri(iri_kind, "x").value[:-1]
    rows = store.select(_MOST_USED, {"prefix": ox.NamedNode(prefix)}).rows
    if not rows:
        raise ValueError(f"the store holds no {iri_kind} to pass as a {kind} parameter")
    key = unquote(rows[0][0].value[len(prefix):])
    return f"{iri_kind}/{key}" if kind == "entity" else key


def picked_params(store, project, query) -> dict[str, str]:
    """A value for each parameter without a default; the second of a kind is the second busiest."""
    params, taken = {}, {}
    for param in query.params:
        if param.default is None:
            params[param.name] = _pick(store, project, param.type, taken.get(param.type, 0))
            taken[param.type] = taken.get(param.type, 0) + 1
    return params


def queries(ctx: Context) -> None:
    """Every stored query through the culturekg runner, each in a process of its own; the bound texts
    are written first, as the workload the baselines run."""
    if _missing(ctx, "query:*", "culturekg", "culturekg.queries") or not ctx.culturekg_store.is_dir():
        return
    from culturekg.iris import Minter
    from culturekg.queries.runner import bindings_for
    from culturekg.sparql import bind

    project, store = _open(ctx)
    minter = Minter(project.base_iri)
    workload = []
    for name, query in sorted(_catalogue(project).items()):
        params = picked_params(store, project, query)
        workload.append({"name": name, "params": params, "text": bind(query.text, bindings_for(query, params, minter))})
    store.close()
    ctx.workload.write_text(json.dumps(workload, indent=2) + "\n", encoding="utf-8")
    warm(ctx.culturekg_store)
    for query in workload:
        # Side by side, so both see the same load from whatever else the machine is doing.
        ctx.spawn("query-one", query["name"], f"query:{query['name']}", "culturekg")
        ctx.spawn("direct-query-one", query["name"], f"query:{query['name']}", "pyoxigraph-same-store")


def query_one(ctx: Context) -> None:
    from culturekg.iris import Minter
    from culturekg.queries import run

    project, store = _open(ctx)
    entry = next(q for q in ctx.read_workload() if q["name"] == ctx.name)
    query = _catalogue(project)[ctx.name]
    minter = Minter(project.base_iri)
    best_of(ctx.recorder, ctx.repeat, f"query:{ctx.name}", "culturekg",
            lambda: len(run(store, query, entry["params"], minter=minter)), params=entry["params"])


def validate(ctx: Context) -> None:
    if _missing(ctx, "validate", "culturekg-fast", "culturekg.validate") or not ctx.culturekg_store.is_dir():
        return
    from culturekg.validate.api import described, engine_for, load_shapes, run_engine

    from . import validate_incremental

    project, store = _open(ctx)
    if not project.shapes_file.is_file():
        ctx.recorder.write("validate", "culturekg-fast", None, note=f"{project.shapes_file} does not exist yet")
        return
    with ctx.recorder.step("validate", "culturekg-fast", timeout=None) as timing:
        # What culturekg.validate.validate(engine="fast") runs, keeping the engine's run for the
        # state the incremental step starts from.
        shapes = load_shapes(project)
        report, run = run_engine(store, shapes, engine=engine_for(store, project, "fast"), only=None)
        report.results = described(store, project, shapes, report.results)
        timing.stop()
        timing.facts["results"] = _result_count(report)
    validate_incremental.measure(ctx, project, store, shapes, report, run, timing.seconds)


def _result_count(report) -> int | None:
    for name in ("results", "entries", "violations"):
        value = getattr(report, name, None)
        if value is not None:
            return len(value)
    return len(report) if hasattr(report, "__len__") else None


def publish(ctx: Context) -> None:
    """The dumps culturekg.publish writes, format by format after the one shared canonical snapshot
    (on disk, as the release makes it); each dump goes to a stream that only counts its bytes, as
    rdflib's side keeps its bytes in memory. Then a whole release (dumps, gzip, read-back checks,
    VoID; no HTML site) with no baseline."""
    if _missing(ctx, "publish:all-dumps", "culturekg", "culturekg.publish.snapshot") or not ctx.culturekg_store.is_dir():
        return
    from culturekg.publish.dumps import FORMATS, write
    from culturekg.publish.snapshot import Snapshot

    project, store = _open(ctx)
    folder = ctx.work / "publish-snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    with ctx.recorder.step("publish-snapshot", "culturekg") as timing:
        snapshot = Snapshot.of(store, folder)
        timing.stop()
        timing.facts["graphs"] = len(snapshot.graphs)
    total = timing.seconds
    for fmt in FORMATS:
        with ctx.recorder.step(f"publish:{fmt.extension}", "culturekg", format=fmt.name) as timing:
            counter = _ByteCounter()
            write(fmt, snapshot, project.base_iri, counter)
            total += timing.stop()
            timing.facts["bytes"] = counter.size
    ctx.recorder.write("publish:all-dumps", "culturekg", total, note="canonical snapshot + every format")
    snapshot.close()
    shutil.rmtree(folder, ignore_errors=True)
    if ctx.release:
        _release(ctx, project, store)


class _ByteCounter:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def _release(ctx: Context, project, store) -> None:
    if _missing(ctx, "publish-release", "culturekg", "culturekg.publish.release"):
        return
    from culturekg.publish.release import publish as run_publish
    from culturekg.publish.settings import load_release_info

    out = ctx.work / "release"
    shutil.rmtree(out, ignore_errors=True)
    with ctx.recorder.step("publish-release", "culturekg", site=False) as timing:
        report = run_publish(store, project, out, load_release_info(project, "bench", "2026-01-01"))
        timing.stop()
        timing.facts["files"] = len(report.files)
    shutil.rmtree(out, ignore_errors=True)
