"""The project's reference data: generated files match their generators, and every reference resolves."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from culturekg.errors import RecordError
from culturekg.refdata import countries, memberships, regions

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"


def shared_data() -> Path:
    for candidate in (ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    pytest.skip("the shared source tables (../shared/data) are not on this machine, so generated files cannot be regenerated")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- generated files -----------------------------------------------------------------------------

def test_every_iso_country_is_present_with_its_codes():
    by_iso2 = {r["iso2"]: r for r in rows(REFERENCE / "countries.csv")}
    for country in pycountry.countries:
        row = by_iso2.get(country.alpha_2)
        assert row is not None, f"{country.alpha_2} missing"
        assert row["iso3"] == country.alpha_3
        assert row["m49"] == country.numeric
    assert len(by_iso2) == len(pycountry.countries)


def test_central_asian_states_have_wikidata_and_region():
    by_iso2 = {r["iso2"]: r for r in rows(REFERENCE / "countries.csv")}
    assert by_iso2["KZ"]["wikidata"] == "Q232"
    assert {c for c, r in by_iso2.items() if r["subregion"] == "m49-143"} == {"KZ", "KG", "TJ", "TM", "UZ"}


def test_countries_regenerate_byte_identical(tmp_path):
    shared = shared_data()
    out = tmp_path / "countries.csv"
    countries.generate(shared / "hdx_countries_territories_m49_taxonomy.csv", out, shared / "central_asia_wikidata_qids.csv")
    assert out.read_bytes() == (REFERENCE / "countries.csv").read_bytes()


def test_regions_regenerate_byte_identical_keeping_hand_rows(tmp_path):
    shared = shared_data()
    out = tmp_path / "regions.csv"
    regions.generate(shared / "hdx_countries_territories_m49_taxonomy.csv", out, keep_from=REFERENCE / "regions.csv")
    assert out.read_bytes() == (REFERENCE / "regions.csv").read_bytes()


@pytest.mark.parametrize(
    "kind, source, target",
    [
        ("ieadb", "ieadb_world_heritage_convention_1972_memberships.csv", "c1972-ieadb.csv"),
        ("nl-treaties", "convention_2005_parties_A_to_D.csv", "c2005-nl-treaties-a-d.csv"),
    ],
)
def test_memberships_regenerate_byte_identical(tmp_path, kind, source, target):
    out = tmp_path / target
    memberships.generate(kind, shared_data() / source, out)
    assert out.read_bytes() == (REFERENCE / "memberships" / target).read_bytes()


def test_membership_counts_match_the_sources():
    assert len(rows(REFERENCE / "memberships" / "c1972-ieadb.csv")) == 189
    nl = rows(REFERENCE / "memberships" / "c2005-nl-treaties-a-d.csv")
    assert len(nl) == 43
    assert {r["instrument_kind"] for r in nl} == {"accession", "ratification-acceptance-approval"}


@pytest.mark.parametrize(
    "name, code",
    [("Korea, Republic of", "KR"), ("Korea, Democratic People's Republic", "KP"), ("Congo, Republic of the", "CG"),
     ("Democratic Republic of the Congo", "CD"), ("Cote d'Ivoire", "CI"), ("Iran", "IR"), ("Niger", "NE")],
)
def test_state_names_map_to_iso(name, code):
    assert memberships.iso2_for(name) == code


def nl_parties(tmp_path: Path, *lines: str) -> Path:
    src = tmp_path / "parties.csv"
    src.write_text("\n".join(["state,instrument_deposited,instrument_kind,entry_into_force", *lines]) + "\n", encoding="utf-8")
    return src


def test_unmapped_state_name_fails_naming_file_line_and_name(tmp_path):
    src = nl_parties(tmp_path, "Albania,2006-11-17,accession,2007-03-18", "Atlantis,2007-01-01,accession,2007-04-01")
    with pytest.raises(RecordError) as caught:
        memberships.generate("nl-treaties", src, tmp_path / "out.csv")
    message = str(caught.value)
    assert f"{src.as_posix()}:3: field 'state'" in message and "Atlantis" in message
    assert not (tmp_path / "out.csv").exists()


def test_unknown_instrument_kind_and_bad_date_are_refused(tmp_path):
    src = nl_parties(tmp_path, "Albania,17/11/2006,signature,2007-03-18")
    with pytest.raises(RecordError) as caught:
        memberships.generate("nl-treaties", src, tmp_path / "out.csv")
    message = str(caught.value)
    assert "field 'instrument_kind'" in message and "field 'instrument_deposited'" in message


def test_taxonomy_disagreeing_with_iso_is_refused(tmp_path):
    shared = shared_data()
    text = (shared / "hdx_countries_territories_m49_taxonomy.csv").read_text(encoding="utf-8")
    assert ",KZ,KAZ," in text
    bad = tmp_path / "taxonomy.csv"
    bad.write_text(text.replace(",KZ,KAZ,", ",KZ,KAX,"), encoding="utf-8")
    with pytest.raises(RecordError, match="KAX.*KAZ"):
        countries.generate(bad, tmp_path / "out.csv", None)
