"""Record readers and dates: lines kept, nothing executed, YAML's surprises avoided."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from culturekg.errors import RecordError
from culturekg.records.dates import PartialDate
from culturekg.records.readers import read_csv, read_json, read_yaml
from culturekg.vocab import XSD


def test_yaml_keeps_the_line_of_every_key_and_item():
    value = read_yaml("key: a\nlist:\n  - x\n  - {y: 1}\nnested:\n  deep: 2017-07\n", "f.yaml")
    assert value.lines == {"key": 1, "list": 2, "nested": 5}
    assert value["list"].lines == [3, 4]
    assert value["list"][1].line == 4
    assert value["nested"].lines == {"deep": 6}
    # Dates stay the text they were written as, whatever their precision.
    assert value["nested"]["deep"] == "2017-07"


def test_yaml_reads_no_and_yes_as_text_but_true_as_a_boolean():
    value = read_yaml("country: NO\ntitle: {no: Tittel}\nonline: true\nflag: yes\n", "f.yaml")
    assert value == {"country": "NO", "title": {"no": "Tittel"}, "online": True, "flag": "yes"}


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: 1\nb: [2\n", 3, "not valid YAML"),
        ("a: &x [1]\nb: *x\n", 1, "anchors and aliases are not allowed"),
        ("a: !!set {x}\n", 1, "tag:yaml.org,2002:set is not allowed"),
        ("a: !custom 1\n", 1, "!custom is not allowed"),
        ("? [1, 2]\n: x\n", 1, "mapping keys must be plain names"),
        ("", None, "the file is empty"),
    ],
)
def test_yaml_refusals_name_the_line(text, line, words):
    with pytest.raises(RecordError) as caught:
        read_yaml(text, "f.yaml")
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("f.yaml", line)
    assert words in problem.message


def test_json_keeps_lines_and_refuses_what_json_does_not_allow():
    value = read_json('{\n  "a": [\n    1,\n    {"b": null}\n  ],\n  "c": "2017"\n}\n', "f.json")
    assert value.lines == {"a": 2, "c": 6}
    assert value["a"].lines == [3, 4]
    assert value["a"][1].line == 4 and value["a"][1] == {"b": None}
    for text, line in (('{"a": NaN}', 1), ('{\n"a": 1,\n}', 3), ('{"a": 1} {}', 1), ('{\n\n"a": tru}', 3)):
        with pytest.raises(RecordError) as caught:
            read_json(text, "f.json")
        assert caught.value.problems[0].line == line, text


def test_csv_rows_know_their_line_even_after_a_multiline_cell():
    text = 'key,name,alt\na,"two\nlines",x|y\n\nb,plain,\n'
    rows = read_csv(text, "t.csv", ["key", "name", "alt"], multi={"alt"})
    assert [(r.line, r["key"]) for r in rows] == [(2, "a"), (5, "b")]
    assert rows[0]["alt"] == ["x", "y"] and rows[0]["name"] == "two\nlines"
    assert "alt" not in rows[1]  # an empty cell is an absent value


def test_csv_header_and_row_width_are_checked():
    with pytest.raises(RecordError) as caught:
        read_csv("key,key,extra\n", "t.csv", ["key", "name"])
    assert sorted((p.field, p.message.split(";")[0]) for p in caught.value.problems) == [
        ("extra", "unknown column"), ("key", "column 'key' appears twice in the header"), ("name", "missing column in the header")]
    with pytest.raises(RecordError) as caught:
        read_csv("key,name\na\n", "t.csv", ["key", "name"])
    assert caught.value.problems[0].line == 2 and "1 cells but the header has 2" in caught.value.problems[0].message


@pytest.mark.parametrize(
    "text, datatype, first, last",
    [
        ("2017-07-24", XSD.date, "2017-07-24", "2017-07-24"),
        ("2016-02", XSD.gYearMonth, "2016-02-01", "2016-02-29"),
        ("2019", XSD.gYear, "2019-01-01", "2019-12-31"),
    ],
)
def test_partial_dates_keep_their_precision(text, datatype, first, last):
    date = PartialDate.parse(text)
    assert date.literal() == ox.Literal(text, datatype=datatype)
    assert (date.first_day().isoformat(), date.last_day().isoformat()) == (first, last)


@pytest.mark.parametrize("text", ["2017-02-29", "2017-13", "2017-00-10", "17-07-24", "2017/07/24", "2017-7-4"])
def test_impossible_or_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


@pytest.mark.parametrize("suffix, text", [(".json", "[" * 100_000 + "]" * 100_000), (".yaml", "a: " + "[" * 100_000 + "]" * 100_000)])
def test_absurdly_nested_records_are_refused_not_crashed_on(tmp_path, suffix, text):
    from culturekg.records.files import SourceFile, read_file

    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    parsed, problems = read_file(SourceFile(path, f"data/records/events/deep{suffix}", "event"))
    assert parsed is None and len(problems) == 1
    assert problems[0].path == f"data/records/events/deep{suffix}"


_SCALARS = ["1", "-2", "0x1F", "1.5", ".inf", "1e3", "2017-07-24", "2017-07", "~", "null", "", "true", "false",
            "yes", "NO", "on", "<<", "=", "plain text", "12:30", "1_000", "0o17", "'1'", '"true"', "x" * 60]


def test_yaml_tags_scalars_as_pyyaml_does_when_the_same_text_comes_again():
    import yaml

    from culturekg.records.readers import _Loader

    def tags(text: str, loader) -> list[str]:
        node = yaml.compose(text, Loader=loader)
        return [item.tag for item in node.value]

    text = "".join(f"- {s}\n" if s else "- \n" for s in _SCALARS)
    expected = tags(text, yaml.SafeLoader)
    assert len(set(expected)) >= 6  # str, int, float, bool, null, timestamp: the list covers them
    # The second time round, tags come from what the first one remembered.
    assert tags(text, _Loader) == expected
    assert tags(text, _Loader) == expected
