"""The `*-violation` checks find nothing in the project's own data/, and every question runs on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturekg.iris import Minter
from culturekg.project import load_project
from culturekg.queries.catalogue import find
from culturekg.queries.runner import run
from culturekg.store import EmbeddedStore

loader = pytest.importorskip("culturekg.loader", reason="culturekg.loader (the LOADER engineer's) is not there yet")

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = find(ROOT / "queries")
# Parameters naming things that exist in data/, for the queries that need some.
REAL_PARAMS = {
    "co-organizers": {"org": "unesco-almaty"},
    "country-party-status": {"country": "KZ"},
    "entity-profile": {"entity": "org/unesco-almaty"},
    "events-in-period": {"from": "2010-01-01", "to": "2030-12-31"},
    "events-matching-text": {"text": "convention"},
    # No one in the shipped records facilitated in two countries (yet); one country shows the query works.
    "facilitators-in-several-countries": {"minCountries": "1"},
    "region-missing-sectors": {"region": "m49-029"},
    "target-party-status": {"event": "trinidad-and-tobago-2023-qpr-workshop"},
}


@pytest.fixture(scope="module")
def real_store():
    project = load_project(ROOT)
    if not any((project.data_dir / "records" / "events").glob("*.yaml")):
        pytest.skip("data/records/events has no records yet")
    store = EmbeddedStore()
    loader.load(project, store)
    yield store
    store.close()


@pytest.mark.parametrize("name", sorted(n for n, q in CATALOGUE.items() if q.is_violation))
def test_violation_check_finds_nothing_in_the_real_data(name, real_store):
    result = run(real_store, CATALOGUE[name], {}, minter=Minter(load_project(ROOT).base_iri))
    assert result.rows == (), f"{name} found: {result.as_dicts()}"


def test_every_question_answers_on_the_real_data(real_store):
    """Not the exact answer (that is the fixtures' job): that each query runs and finds something there."""
    empty = []
    for name, query in CATALOGUE.items():
        if query.is_violation:
            continue
        required = {p.name for p in query.params if p.required}
        assert required <= set(REAL_PARAMS.get(name, {})), f"{name}: add its parameters to REAL_PARAMS"
        if not run(real_store, query, REAL_PARAMS.get(name, {})).rows:
            empty.append(name)
    assert empty == []
