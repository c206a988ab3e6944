"""Turn the steps the phases recorded into measures: culturekg beside each baseline of the same step."""

from __future__ import annotations

from collections.abc import Iterable

# step prefix -> (culturekg engine, [(baseline engine, why this baseline)])
PAIRS = {
    "build": ("culturekg", [("rdflib-Dataset", "issue 2: plain rdflib, N-Quads parsed into an in-memory Dataset"),
                            ("pyoxigraph-bulk_load", "issue 4: pyoxigraph Store.bulk_load of the same quads")]),
    "validate": ("culturekg-fast", [("pyshacl", "pySHACL alone on an in-memory rdflib Graph of the same triples, same arguments as culturekg's pySHACL engine")]),
    "validate-incremental": ("culturekg-incremental", [("culturekg-fast-full", "the full validation of the same run, which the incremental one replaces after one event record changed")]),
    "rebuild-one-change": ("culturekg-build", [("culturekg-first-build", "the first build of the same run, every record loaded into an empty store")]),
    "rebuild-one-change-cli": ("culturekg-cli", [("culturekg-first-build", "the first build of the same run, every record loaded into an empty store")]),
    "rebuild-one-change-daemon": ("culturekg-cli-daemon", [("culturekg-first-build", "the first build of the same run, every record loaded into an empty store")]),
    "query:": ("culturekg", [("rdflib", "rdflib's SPARQL engine on the in-memory Dataset, same query text"),
                             ("pyoxigraph-same-store", "the same query text straight on pyoxigraph, on the store culturekg built"),
                             ("pyoxigraph-bulk-store", "the same query text straight on pyoxigraph, on the store bulk_load built")]),
    "publish:": ("culturekg", [("rdflib-", "rdflib's serializer for the same format")]),
}
KEEP = ("rows", "quads", "triples", "bytes", "results", "violations", "conforms", "files", "format", "note",
        "revalidated", "load_seconds", "validate_seconds", "files_changed", "record", "samples", "workers",
        "worker_peak_rss_mb")


def _family(step: str) -> str | None:
    for prefix in PAIRS:
        if step == prefix or (prefix.endswith(":") and step.startswith(prefix)):
            return prefix
    return None


def _info(line: dict, prefix: str) -> dict:
    return {f"{prefix}{k}": line[k] for k in KEEP if k in line}


def measures(lines: Iterable[dict], events: int, triples: int | None) -> list[dict]:
    by_step: dict[str, dict[str, dict]] = {}
    for line in lines:
        by_step.setdefault(line["step"], {})[line["engine"]] = line
    out = []
    for step, engines in by_step.items():
        family = _family(step)
        ours_engine, baselines = PAIRS[family] if family else (None, [])
        ours = engines.get(ours_engine) if ours_engine else None
        paired = {ours_engine}
        for engine_prefix, why in baselines:
            matches = [e for e in sorted(engines) if e == engine_prefix or (engine_prefix.endswith("-") and e.startswith(engine_prefix))]
            for engine in matches:
                out.append(_measure(events, triples, step, ours_engine, ours, engine, engines[engine], why))
            if not matches and ours is not None:
                missing = {"note": "this baseline did not run (see the run's log)"}
                out.append(_measure(events, triples, step, ours_engine, ours, engine_prefix.rstrip("-"), missing, why))
            paired.update(matches)
        if ours is not None and not baselines:
            out.append(_measure(events, triples, step, ours_engine, ours, None, None, None))
        # Steps with no baseline of their own (generation, dumps, reloads) are reported as they are.
        for engine in sorted(set(engines) - paired):
            out.append(_measure(events, triples, step, engine, engines[engine], None, None, None))
    return out


def _measure(events, triples, step, engine, ours, baseline_engine, base, why) -> dict:
    seconds = ours.get("seconds") if ours else None
    baseline_seconds = base.get("seconds") if base else None
    measure = {
        "name": f"{step} @ {events} events" + (f" vs {baseline_engine}" if baseline_engine else ""),
        "step": step, "events": events, "triples": triples,
        "engine": engine, "seconds": seconds, "peak_rss_mb": ours.get("peak_rss_mb") if ours else None,
        "baseline": baseline_engine, "baseline_seconds": baseline_seconds,
        "baseline_peak_rss_mb": base.get("peak_rss_mb") if base else None,
        "ratio": round(seconds / baseline_seconds, 4) if seconds and baseline_seconds else None,
    }
    if why:
        measure["baseline_why"] = why
    if ours is None:
        measure["note"] = f"{engine} did not run this step"
    measure.update(_info(ours or {}, ""))
    measure.update(_info(base or {}, "baseline_"))
    if seconds and baseline_seconds is None and base and base.get("limit_seconds"):
        # The baseline ran past its limit: culturekg's ratio is at most this.
        measure["ratio_at_most"] = round(seconds / base["limit_seconds"], 4)
    if "rows" in measure and "baseline_rows" in measure:
        measure["rows_match"] = measure["rows"] == measure["baseline_rows"]
    return measure


def readable(measure: dict) -> str:
    def side(engine, seconds, rss, note):
        if engine is None:
            return ""
        time = f"{seconds:9.3f} s" if seconds is not None else "        —  "
        memory = f" {rss:7.0f} MB" if rss is not None and seconds is not None else ""
        return f"{engine:>22} {time}{memory}" + (f" ({note})" if seconds is None and note else "")

    ours = side(measure["engine"], measure["seconds"], measure["peak_rss_mb"], measure.get("note"))
    base = side(measure["baseline"], measure["baseline_seconds"], measure["baseline_peak_rss_mb"], measure.get("baseline_note"))
    ratio = f"  ratio {measure['ratio']:.3f}" if measure["ratio"] is not None else ""
    if measure.get("ratio_at_most") is not None:
        ratio = f"  ratio < {measure['ratio_at_most']:.3f}"
    check = "" if measure.get("rows_match", True) else "  ROWS DIFFER"
    return f"{measure['events']:>7} {measure['step'][:42]:<42} {ours}  |{base}{ratio}{check}"
