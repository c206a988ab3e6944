"""The baselines, fed the very triples culturekg built (its N-Quads dump) and the very query texts
it ran (the workload file): plain rdflib (issue 2) and pyoxigraph used directly (issue 4)."""

from __future__ import annotations

import shutil

import pyoxigraph as ox

from .context import Context, warm
from .record import best_of

def oxigraph(ctx: Context) -> None:
    """Baseline B: Store.bulk_load of the same quads, then the same query texts straight on pyoxigraph."""
    if not ctx.nquads.is_file():
        ctx.recorder.write("build", "pyoxigraph-bulk_load", None, note="no N-Quads dump: culturekg build did not run")
        return
    shutil.rmtree(ctx.bulk_store, ignore_errors=True)
    with ctx.recorder.step("build", "pyoxigraph-bulk_load", format="N-Quads (named graphs kept)") as timing:
        store = ox.Store(str(ctx.bulk_store))
        store.bulk_load(path=str(ctx.nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        timing.stop()
        timing.facts["quads"] = len(store)
    del store
    warm(ctx.bulk_store)
    for query in ctx.read_workload():
        ctx.spawn("bulk-query-one", query["name"], f"query:{query['name']}", "pyoxigraph-bulk-store")


def _run_direct(ctx: Context, path, engine: str) -> None:
    store = ox.Store.read_only(str(path))
    text = next(q["text"] for q in ctx.read_workload() if q["name"] == ctx.name)

    def run() -> int:
        answer = store.query(text, use_default_graph_as_union=True)
        if isinstance(answer, ox.QuerySolutions):
            # Every value made, as the culturekg runner makes its rows, and the same fastest way:
            # iterating a solution, not looking each value up by its variable (three times slower).
            return sum(1 for solution in answer if tuple(solution) is not None)
        return int(bool(answer)) if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)

    best_of(ctx.recorder, ctx.repeat, f"query:{ctx.name}", engine, run)


def bulk_query_one(ctx: Context) -> None:
    """The query text on the store bulk_load built: the same data, laid out by the bulk loader."""
    _run_direct(ctx, ctx.bulk_store, "pyoxigraph-bulk-store")


def direct_query_one(ctx: Context) -> None:
    """The query text straight on the very store culturekg built: what the runner adds, and nothing else."""
    _run_direct(ctx, ctx.culturekg_store, "pyoxigraph-same-store")


def rdflib_all(ctx: Context) -> None:
    """Baseline A: an in-memory rdflib Dataset loaded the plain way, its own SPARQL engine and rdflib's
    serializers. One process, so the Dataset is parsed only once. pySHACL is a phase of its own."""
    import rdflib

    if not ctx.nquads.is_file():
        ctx.recorder.write("build", "rdflib-Dataset", None, note="no N-Quads dump: culturekg build did not run")
        return
    if ctx.skip("build", "rdflib-Dataset", ctx.load_limit):
        return
    note = _too_big(ctx, ctx.nquads)
    if note:
        for step, engine in [("build", "rdflib-Dataset"), ("publish:all-dumps", "rdflib-serializers")]:
            ctx.recorder.write(step, engine, None, note=note)
        for query in ctx.read_workload():
            ctx.recorder.write(f"query:{query['name']}", "rdflib", None, note=note)
        for extension, (fmt, _) in RDFLIB_FORMATS.items():
            ctx.recorder.write(f"publish:{extension}", f"rdflib-{fmt}", None, note=note)
        return
    dataset = rdflib.Dataset(default_union=True)
    with ctx.recorder.step("build", "rdflib-Dataset", timeout=ctx.load_limit, format="N-Quads") as timing:
        dataset.parse(str(ctx.nquads), format="nquads")
        timing.stop()
        timing.facts["quads"] = len(dataset)
    if "quads" not in timing.facts:
        return  # the parse was abandoned: nothing to query
    for query in ctx.read_workload():
        if ctx.skip(f"query:{query['name']}", "rdflib", ctx.timeout):
            continue
        best_of(ctx.recorder, ctx.repeat, f"query:{query['name']}", "rdflib",
                lambda text=query["text"]: len(list(dataset.query(text))), timeout=ctx.timeout)
    _rdflib_serializers(ctx, dataset)


def _too_big(ctx: Context, dump) -> str | None:
    """Why rdflib must not hold this dump in memory, or None."""
    quads = _count_lines(dump)
    if quads <= ctx.rdflib_max_quads:
        return None
    # rdflib's memory store took 1.9-2.3 kB a quad (peak RSS) at 1,000 and 10,000 events; on a shared machine a
    # graph of this size would crowd out everyone else, or be killed by the kernel.
    return (f"not run: {quads} quads is above --rdflib-max-quads {ctx.rdflib_max_quads}; "
            f"rdflib would need about {quads * 2.0e3 / 1e9:.0f} GB of memory")


# Dump file extension (as culturekg.publish names its dumps) -> rdflib format, and whether it keeps named graphs.
RDFLIB_FORMATS = {"nq": ("nquads", True), "trig": ("trig", True), "jsonld": ("json-ld", True),
                  "nt": ("nt", False), "ttl": ("turtle", False), "rdf": ("xml", False)}


def _count_lines(path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _rdflib_serializers(ctx: Context, dataset) -> None:
    import rdflib

    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    times: list[float | None] = []
    for extension, (fmt, keeps_graphs) in RDFLIB_FORMATS.items():
        if ctx.skip(f"publish:{extension}", f"rdflib-{fmt}", ctx.timeout):
            times.append(None)
            continue
        with ctx.recorder.step(f"publish:{extension}", f"rdflib-{fmt}", timeout=ctx.timeout) as timing:
            size = len((dataset if keeps_graphs else union).serialize(format=fmt, encoding="utf-8"))
            timing.stop()
            timing.facts["bytes"] = size
        times.append(timing.seconds if "bytes" in timing.facts else None)
    total, facts = serializers_total(times, ctx.timeout)
    ctx.recorder.write("publish:all-dumps", "rdflib-serializers", total, **facts)


def serializers_total(times: list[float | None], limit: float) -> tuple[float | None, dict]:
    """The serializers' total, or, when some ran past the limit (None: abandoned here, or skipped because
    they were abandoned at a smaller size with a limit at least as long), a lower bound that counts each
    of them at the limit: recorded as the step's limit, so that culturekg's ratio is given as at most."""
    if all(t is not None for t in times):
        return sum(times), {}
    unfinished = sum(t is None for t in times)
    at_least = sum(t for t in times if t is not None) + unfinished * limit
    return None, {"limit_seconds": round(at_least, 4),
                  "note": f"at least {at_least:.1f} s: {unfinished} serializer(s) ran past the {limit:g} s limit, "
                          f"counted at the limit"}


def pyshacl_alone(ctx: Context) -> None:
    """Baseline of full validation: pySHACL on an in-memory rdflib Graph of the same triples. A process of
    its own, so that its peak memory is its own and a run can measure it without rdflib's other baselines."""
    import pyshacl
    import rdflib

    from culturekg.project import load_project

    project = load_project(ctx.project)
    if not ctx.ntriples.is_file():
        ctx.recorder.write("validate", "pyshacl", None, note="no N-Triples dump: culturekg dump did not run")
        return
    if ctx.skip("validate", "pyshacl", ctx.load_limit):
        return
    note = _too_big(ctx, ctx.ntriples)
    if note:
        ctx.recorder.write("validate", "pyshacl", None, note=note)
        return
    if not project.shapes_file.is_file():
        ctx.recorder.write("validate", "pyshacl", None, note=f"{project.shapes_file} does not exist yet")
        return
    # design.md: hand pySHACL an in-memory rdflib graph (backed by oxrdflib it was slower and wrong).
    # Same call as culturekg's own pySHACL engine (validate/pyshacl_engine.py), on the same triples.
    data = rdflib.Graph()
    data.parse(str(ctx.ntriples), format="nt")
    shapes = rdflib.Graph().parse(str(project.shapes_file), format="turtle")
    ontology = rdflib.Graph().parse(str(project.ontology_file), format="turtle")
    with ctx.recorder.step("validate", "pyshacl", timeout=ctx.load_limit, triples=len(data)) as timing:
        conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                               advanced=False, inplace=True, allow_warnings=True)
        timing.stop()
        timing.facts["conforms"] = bool(conforms)
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        # Nested sh:detail results are parts of another result, as culturekg counts them.
        timing.facts["results"] = sum(1 for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
                                      if report.value(None, sh.detail, r) is None)
