"""countries.csv: every ISO 3166-1 country or territory, with its UN M49 regions.

Codes and names come from pycountry (ISO 3166-1), the official name from the taxonomy's UN formal
name where pycountry has none; M49 region, sub-region and intermediate region come
from the HDX countries-and-territories taxonomy; Wikidata QIDs from a small QID table where one is known.
Rows of the taxonomy without an ISO alpha-2 code (Kosovo, Channel Islands, Sark, ...) are left out:
countries are keyed by their ISO alpha-2 code throughout the project.

    python -m culturekg.refdata.countries SHARED_CSV OUT_CSV [--wikidata QIDS_CSV]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pycountry

from ..errors import Problem
from .tables import SourceRow, fail_if, read_rows, run_cli, write_csv

HEADER = ["iso2", "iso3", "m49", "name", "official_name", "region", "subregion", "intermediate_region", "wikidata"]

HDX_ISO2 = "ISO 3166-1 Alpha 2-Codes"
HDX_ISO3 = "ISO 3166-1 Alpha 3-Codes"
HDX_M49 = "m49 numerical code"
HDX_FORMAL = "English Formal"
HDX_LEVELS = (
    ("Region Code", "Region Name"),
    ("Sub-region Code", "Sub-region Name"),
    ("Intermediate Region Code", "Intermediate Region Name"),
)
QID_RE = re.compile(r"^https?://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")


def region_key(code: str) -> str:
    """`m49-143`: M49 codes are three digits, the taxonomy writes them without leading zeros."""
    return f"m49-{int(code):03d}"


def m49_code(row: SourceRow, column: str, problems: list[Problem]) -> str:
    value = row.get(column)
    if value and not value.isdigit():
        problems.append(row.problem(column, f"{value!r} is not an M49 numeric code"))
        return ""
    return value


def formal_name(row: SourceRow) -> str:
    """The UN formal name, without the article UN style puts in front ("the Republic of Korea")."""
    name = row.get(HDX_FORMAL)
    return name[4:] if name.startswith("the ") else name


def taxonomy_by_iso2(path: Path) -> dict[str, SourceRow]:
    """The taxonomy rows that carry an ISO alpha-2 code, refusing duplicates and malformed codes."""
    required = [HDX_ISO2, HDX_ISO3, HDX_M49, HDX_FORMAL] + [c for pair in HDX_LEVELS for c in pair]
    rows: dict[str, SourceRow] = {}
    problems: list[Problem] = []
    for row in read_rows(path, required):
        iso2 = row.get(HDX_ISO2)
        if not iso2:
            continue
        if not re.fullmatch(r"[A-Z]{2}", iso2):
            problems.append(row.problem(HDX_ISO2, f"{iso2!r} is not an ISO alpha-2 code"))
        elif iso2 in rows:
            problems.append(row.problem(HDX_ISO2, f"{iso2} already on line {rows[iso2].line}"))
        else:
            rows[iso2] = row
    fail_if(problems)
    return rows


def wikidata_qids(path: Path) -> dict[str, str]:
    qids: dict[str, str] = {}
    problems: list[Problem] = []
    for row in read_rows(path, ["iso_alpha2", "wikidata_uri"]):
        match = QID_RE.match(row.get("wikidata_uri"))
        if not match:
            problems.append(row.problem("wikidata_uri", f"{row.get('wikidata_uri')!r} is not a Wikidata entity IRI"))
            continue
        qids[row.get("iso_alpha2")] = match.group(1)
    fail_if(problems)
    return qids


def build_rows(taxonomy: dict[str, SourceRow], qids: dict[str, str], qids_source: str) -> list[list[str]]:
    problems: list[Problem] = []
    rows: list[list[str]] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        row = taxonomy.get(country.alpha_2)
        if row is None:
            problems.append(Problem("pycountry", f"{country.alpha_2} ({country.name}) has no row in the M49 taxonomy"))
            continue
        if row.get(HDX_ISO3) != country.alpha_3:
            problems.append(row.problem(HDX_ISO3, f"{row.get(HDX_ISO3)!r} but ISO 3166-1 says {country.alpha_3}"))
        m49 = m49_code(row, HDX_M49, problems)
        if m49 and int(m49) != int(country.numeric):
            problems.append(row.problem(HDX_M49, f"{m49} but ISO 3166-1 numeric is {country.numeric}"))
        codes = [m49_code(row, code_column, problems) for code_column, _ in HDX_LEVELS]
        levels = [region_key(code) if code else "" for code in codes]
        name = getattr(country, "common_name", None) or country.name
        official = getattr(country, "official_name", None) or formal_name(row)
        rows.append([country.alpha_2, country.alpha_3, country.numeric, name, official, *levels,
                     qids.get(country.alpha_2, "")])
    unknown = sorted(set(qids) - {r[0] for r in rows})
    if unknown:
        problems.append(Problem(qids_source, f"QIDs for codes that are not ISO 3166-1 countries: {', '.join(unknown)}"))
    fail_if(problems)
    return rows


def generate(taxonomy_csv: Path, out_csv: Path, qids_csv: Path | None) -> None:
    qids = wikidata_qids(qids_csv) if qids_csv else {}
    source = qids_csv.as_posix() if qids_csv else "no QID table"
    write_csv(out_csv, HEADER, build_rows(taxonomy_by_iso2(taxonomy_csv), qids, source))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("taxonomy_csv", type=Path, help="hdx_countries_territories_m49_taxonomy.csv")
    parser.add_argument("out_csv", type=Path)
    parser.add_argument("--wikidata", type=Path, default=None,
                        help="CSV with iso_alpha2 and wikidata_uri (default: central_asia_wikidata_qids.csv next to the taxonomy)")
    args = parser.parse_args(argv)
    qids = args.wikidata or args.taxonomy_csv.with_name("central_asia_wikidata_qids.csv")
    run_cli(generate, args.taxonomy_csv, args.out_csv, qids)


if __name__ == "__main__":
    main()
