"""The catalogue: every stored query parses, its metadata is valid, and bad metadata is refused with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from culturekg.errors import RecordError
from culturekg.iris import Minter
from culturekg.project import DEFAULT_BASE_IRI
from culturekg.queries.catalogue import find, get, load
from culturekg.queries.params import TYPES, to_term
from culturekg.sparql import asks_virtuoso_to_keep_order, bind
from culturekg.vocab import CKG, ROLE

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
# A value of each parameter type, to check that binding a parameter still gives valid SPARQL.
SAMPLE_VALUES = {
    "xsd:integer": "3", "xsd:date": "2020-02-29", "xsd:string": "text", "xsd:boolean": "false",
    "iri": "https://example.org/x", "entity": "person/someone", "country": "KZ", "convention": "c2005",
    "org": "unesco", "person": "someone", "event": "some-event", "region": "m49-143", "topic": "t",
    "sector": "s", "mechanism": "ifcd",
}
HEADER = """# title: A title
# question: A question?
# keywords: one, two
"""
BODY = "SELECT ?x WHERE { ?x ?p ?limit }\n"


def test_sample_values_cover_every_type():
    assert sorted(SAMPLE_VALUES) == sorted(TYPES)


def test_catalogue_has_the_required_questions_and_checks():
    catalogue = find(QUERIES)
    assert len([q for q in catalogue.values() if not q.is_violation]) >= 12
    assert len([q for q in catalogue.values() if q.is_violation]) >= 2
    for name in (
        "events-per-convention-year-country", "facilitators-in-several-countries", "target-party-status",
        "co-organizers", "sectors-per-region", "topics-per-year", "entity-profile", "country-party-status",
    ):
        assert name in catalogue


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_query_parses_with_and_without_bound_parameters(path):
    query = load(path)
    assert query.title and query.question and query.keywords
    store = ox.Store()
    assert list(store.query(query.text)) == []
    minter = Minter(DEFAULT_BASE_IRI)
    bindings = {p.name: to_term(p.type, SAMPLE_VALUES[p.type], minter) for p in query.params}
    # The VALUES block `bind` inserts must leave a query Oxigraph accepts.
    assert list(store.query(bind(query.text, bindings))) == []


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_query_uses_only_declared_vocabulary(path):
    text = path.read_text(encoding="utf-8")
    for name in sorted(set(re.findall(r"\bckg:([A-Za-z0-9_-]+)", text))):
        CKG.term(name)
    for name in sorted(set(re.findall(r"\bckgr:([A-Za-z0-9_-]+)", text))):
        ROLE.term(name)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "queries" / f"{name}.rq"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load(path, path.parent.parent)
    return [str(p) for p in caught.value.problems]


def test_valid_header_is_parsed_into_typed_fields(tmp_path):
    path = write(
        tmp_path, "good",
        "# title: Events\n# question: Which events\n#   happened?\n"
        "# param: limit xsd:integer = 5  -- most rows\n# param: who person -- the person's key\n"
        "#\n# keywords: a, b ,c\n" + BODY.replace("?limit", "?limit . ?x ?q ?who"),
    )
    query = load(path)
    assert query.name == "good"
    assert query.question == "Which events happened?"
    assert query.keywords == ("a", "b", "c")
    assert [(p.name, p.type, p.default, p.description, p.line, p.required) for p in query.params] == [
        ("limit", "xsd:integer", "5", "most rows", 4, False),
        ("who", "person", None, "the person's key", 5, True),
    ]
    assert not query.is_violation


def test_unknown_key_is_refused_with_a_suggestion(tmp_path):
    path = write(tmp_path, "typo", HEADER + "# keyword: three\n" + BODY)
    assert problems(path) == ["queries/typo.rq:4: field 'keyword': unknown metadata key 'keyword' (did you mean 'keywords'?)"]


def test_an_unknown_hint_to_virtuoso_is_refused_and_the_known_one_read(tmp_path):
    path = write(tmp_path, "hinted", HEADER + "# virtuoso: join in any order\n" + BODY)
    assert problems(path) == [
        "queries/hinted.rq:4: field 'virtuoso': unknown hint 'join in any order' for Virtuoso "
        "(the one hint is 'join order as written')"
    ]
    path = write(tmp_path, "hinted", HEADER + "# virtuoso: join order as written\n" + BODY)
    assert asks_virtuoso_to_keep_order(load(path).text)
    assert not asks_virtuoso_to_keep_order(HEADER + BODY)
    # Only in the header: the same words in a comment below it are no hint.
    assert not asks_virtuoso_to_keep_order(HEADER + BODY + "\n# virtuoso: join order as written\n")


def test_parameter_without_type_is_refused(tmp_path):
    path = write(tmp_path, "untyped", HEADER + "# param: limit = 2 -- most rows\n" + BODY)
    assert problems(path) == ["queries/untyped.rq:4: field 'param': parameter 'limit' has no type (one of " + ", ".join(TYPES) + ")"]


def test_unknown_parameter_type_is_refused(tmp_path):
    path = write(tmp_path, "badtype", HEADER + "# param: limit xsd:int = 2 -- most rows\n" + BODY)
    assert problems(path) == [
        "queries/badtype.rq:4: field 'param': parameter 'limit' has unknown type 'xsd:int' (did you mean 'xsd:integer'?)"
    ]


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ("limit xsd:integer = two -- most rows", "does not parse as xsd:integer: 'two' is not an integer"),
        ("limit xsd:date = 2021-02-29 -- day", "does not parse as xsd:date: '2021-02-29' is not a date of the form YYYY-MM-DD"),
        ("limit xsd:boolean = yes -- flag", "does not parse as xsd:boolean: 'yes' is not a boolean: write true or false"),
        ("limit country = KAZ -- code", "does not parse as country: country key 'KAZ' is not valid"),
    ],
)
def test_default_that_does_not_parse_is_refused(tmp_path, declaration, message):
    path = write(tmp_path, "baddefault", HEADER + f"# param: {declaration}\n" + BODY)
    (problem,) = problems(path)
    assert problem.startswith("queries/baddefault.rq:4: field 'param': default of parameter 'limit' ")
    assert message in problem


def test_parameter_the_query_never_uses_is_refused(tmp_path):
    path = write(tmp_path, "unused", HEADER + "# param: limt xsd:integer = 2 -- most rows\n" + BODY)
    assert problems(path) == ["queries/unused.rq:4: field 'param': parameter 'limt' is never used as ?limt in the query"]


def test_parameter_only_mentioned_in_a_comment_counts_as_unused(tmp_path):
    path = write(tmp_path, "comment", HEADER + "# param: limit xsd:integer = 2 -- most rows\n"
                 "SELECT ?x WHERE {\n  # ?limit is not here\n  ?x ?p ?o }\n")
    assert "never used as ?limit" in problems(path)[0]


def test_parameter_without_description_is_refused(tmp_path):
    path = write(tmp_path, "nodesc", HEADER + "# param: limit xsd:integer = 2\n" + BODY)
    assert problems(path) == ["queries/nodesc.rq:4: field 'param': parameter 'limit' has no description after '--'"]


def test_repeated_key_and_repeated_parameter_are_refused(tmp_path):
    path = write(
        tmp_path, "twice",
        HEADER + "# title: Another\n# param: limit xsd:integer = 1 -- a\n# param: limit xsd:integer = 2 -- b\n" + BODY,
    )
    assert problems(path) == [
        "queries/twice.rq:4: field 'title': metadata 'title' is given twice",
        "queries/twice.rq:6: field 'param': parameter 'limit' is declared twice",
    ]


def test_missing_title_and_free_text_line_are_refused(tmp_path):
    path = write(tmp_path, "notitle", "# question: Why?\n# keywords: k\n# just a remark\n" + BODY)
    assert problems(path) == [
        "queries/notitle.rq:3: header line is not '# key: value' (keys: title, question, keywords, param, virtuoso)",
        "queries/notitle.rq:1: field 'title': metadata 'title' is missing",
    ]


def test_network_access_and_updates_are_refused(tmp_path):
    service = write(tmp_path, "remote", HEADER + "SELECT ?x WHERE { SERVICE <http://example.org/sparql> { ?x ?p ?o } }\n")
    assert "SERVICE would query a remote endpoint" in problems(service)[0]
    update = write(tmp_path, "update", HEADER + "DELETE WHERE { ?x ?p ?o }\n")
    assert problems(update) == ["queries/update.rq: a stored query must be a SELECT query"]


def test_bad_file_name_is_refused(tmp_path):
    path = write(tmp_path, "Bad_Name", HEADER + BODY)
    assert problems(path) == ["queries/Bad_Name.rq: query name 'Bad_Name' must be lower-case letters, digits and '-'"]


def test_find_reports_problems_of_all_files_together(tmp_path):
    write(tmp_path, "a", HEADER + "# titel: x\n" + BODY)
    write(tmp_path, "b", "# question: q\n# keywords: k\n" + BODY)
    write(tmp_path, "c", HEADER + BODY)
    with pytest.raises(RecordError) as caught:
        find(tmp_path / "queries")
    assert [p.path for p in caught.value.problems] == ["queries/a.rq", "queries/b.rq"]


def test_get_unknown_query_suggests_the_nearest_name(tmp_path):
    write(tmp_path, "topics-per-year", HEADER + BODY)
    with pytest.raises(RecordError, match=r"no stored query named 'topic-per-year' \(did you mean 'topics-per-year'\?\)"):
        get(tmp_path / "queries", "topic-per-year")
