"""bench/run.py's pairing of culturekg steps with their baselines into measures."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from measure.pairing import measures, readable  # noqa: E402


def _line(step, engine, seconds, **extra):
    return {"phase": "p", "step": step, "engine": engine, "seconds": seconds, "peak_rss_mb": 10.0, **extra}


def test_each_baseline_of_a_step_is_a_measure_with_its_ratio() -> None:
    found = measures([
        _line("query:q", "culturekg", 0.5, rows=3),
        _line("query:q", "rdflib", 5.0, rows=3),
        _line("query:q", "pyoxigraph-same-store", 0.25, rows=4),
    ], events=100, triples=1000)
    by_baseline = {m["baseline"]: m for m in found}
    assert by_baseline["rdflib"]["ratio"] == 0.1 and by_baseline["rdflib"]["rows_match"] is True
    assert by_baseline["pyoxigraph-same-store"]["ratio"] == 2.0 and by_baseline["pyoxigraph-same-store"]["rows_match"] is False
    # The bulk-store baseline did not run: still reported, with no ratio and a note saying so.
    assert by_baseline["pyoxigraph-bulk-store"]["ratio"] is None
    assert "did not run" in by_baseline["pyoxigraph-bulk-store"]["baseline_note"]
    assert all(m["events"] == 100 and m["triples"] == 1000 for m in found)


def test_an_abandoned_baseline_gives_an_upper_bound_not_a_ratio() -> None:
    found = measures([
        _line("validate", "culturekg-fast", 30.0),
        _line("validate", "pyshacl", None, note="abandoned after the 600 s limit", limit_seconds=600.0),
    ], events=10, triples=None)
    (measure,) = found
    assert measure["ratio"] is None and measure["ratio_at_most"] == 0.05
    assert "ratio < 0.050" in readable(measure)


def test_publish_formats_pair_with_rdflib_serializers_and_other_steps_stand_alone() -> None:
    found = measures([
        _line("publish:ttl", "culturekg", 1.0),
        _line("publish:ttl", "rdflib-turtle", 4.0),
        _line("dump", "pyoxigraph-dump", 2.0),
    ], events=1, triples=None)
    ttl = next(m for m in found if m["step"] == "publish:ttl")
    assert ttl["baseline"] == "rdflib-turtle" and ttl["ratio"] == 0.25
    dump = next(m for m in found if m["step"] == "dump")
    assert dump["baseline"] is None and dump["seconds"] == 2.0


def test_serializers_past_their_limit_give_a_lower_bound_of_the_total_and_an_upper_bound_of_the_ratio() -> None:
    from measure.baseline_phases import serializers_total

    assert serializers_total([1.5, 2.5], 60.0) == (4.0, {})
    total, facts = serializers_total([11.5, None, None, 9.0, None, 26.0], 60.0)
    assert total is None and facts["limit_seconds"] == 226.5
    assert facts["note"].startswith("at least 226.5 s: 3 serializer(s) ran past the 60 s limit")
    found = measures([
        _line("publish:all-dumps", "culturekg", 40.0),
        _line("publish:all-dumps", "rdflib-serializers", None, **facts),
    ], events=10, triples=100)
    (measure,) = [m for m in found if m["baseline"] == "rdflib-serializers"]
    assert measure["ratio"] is None and measure["ratio_at_most"] == round(40.0 / 226.5, 4)
    assert "ratio < 0.177" in readable(measure)
