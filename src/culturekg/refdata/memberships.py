"""Membership tables under data/reference/memberships/: which States are party to a convention, with dates.

Two source tables are converted:

    python -m culturekg.refdata.memberships ieadb SRC_CSV OUT_CSV        (1972 Convention, IEA Database)
    python -m culturekg.refdata.memberships nl-treaties SRC_CSV OUT_CSV  (2005 Convention, Netherlands treaty database)

Source tables name States in English; each name must resolve to exactly one ISO 3166-1 country, or the
conversion stops and lists every name it could not place.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

import pycountry

from ..errors import Problem
from .tables import SourceRow, fail_if, read_rows, run_cli, write_csv

HEADER = ["convention", "state", "instrument_kind", "signature_date", "deposit_date", "entry_into_force",
          "known_party_by", "party_until", "source_url"]

IEADB_URL = "https://github.com/globalgov/manyenviron"
NL_TREATIES_URL = "https://verdragenbank.overheid.nl/en/Verdrag/Details/011077"

# Names whose ISO match pycountry cannot find on its own, or finds only among several candidates.
NAME_OVERRIDES = {
    "cape verde": "CV",
    "congo, democratic republic of": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "korea, democratic people's republic": "KP",
    "micronesia": "FM",
    "turkey": "TR",
}

NL_KINDS = {
    "ratification/acceptance/approval": "ratification-acceptance-approval",
    "accession": "accession",
}

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso2_for(name: str) -> str | None:
    """The ISO alpha-2 code of a State named in English, or None when it is not certain."""
    override = NAME_OVERRIDES.get(name.strip().lower())
    if override:
        return override
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        pass
    try:
        candidates = pycountry.countries.search_fuzzy(name)
    except LookupError:
        return None
    # A fuzzy search that offers several countries is a guess; such names need an explicit override.
    return candidates[0].alpha_2 if len(candidates) == 1 else None


def checked_date(row: SourceRow, column: str, problems: list[Problem]) -> str:
    value = row.get(column)
    if value and not DATE_RE.match(value):
        problems.append(row.problem(column, f"{value!r} is not an ISO date (YYYY-MM-DD)"))
    return value


def convert(src: Path, name_column: str, required: list[str],
            cells: Callable[[SourceRow, str, list[Problem]], list[str]]) -> list[list[str]]:
    """Output rows sorted by ISO code; `cells` builds the row of one source row whose State is `code`."""
    rows: dict[str, tuple[int, list[str]]] = {}
    problems: list[Problem] = []
    for row in read_rows(src, [name_column, *required]):
        name = row.get(name_column)
        code = iso2_for(name)
        if code is None:
            problems.append(row.problem(name_column, f"cannot map State name {name!r} to an ISO 3166-1 code; add it to NAME_OVERRIDES"))
            continue
        if code in rows:
            problems.append(row.problem(name_column, f"{name!r} maps to {code}, already given on line {rows[code][0]}"))
            continue
        rows[code] = (row.line, cells(row, code, problems))
    fail_if(problems)
    return [rows[code][1] for code in sorted(rows)]


def ieadb_cells(row: SourceRow, code: str, problems: list[Problem]) -> list[str]:
    # IEADB gives one consent date (csig/crat/ceif3) without its kind; rows with only an entry into force
    # are likely successions, but the source does not say so, so the kind stays empty.
    return ["c1972", code, "", checked_date(row, "csig", problems), checked_date(row, "crat", problems),
            checked_date(row, "ceif3", problems), "", "", IEADB_URL]


def nl_treaties_cells(row: SourceRow, code: str, problems: list[Problem]) -> list[str]:
    kind = NL_KINDS.get(row.get("instrument_kind"))
    if kind is None:
        problems.append(row.problem("instrument_kind", f"{row.get('instrument_kind')!r} is not one of {', '.join(NL_KINDS)}"))
    return ["c2005", code, kind or "", "", checked_date(row, "instrument_deposited", problems),
            checked_date(row, "entry_into_force", problems), "", "", NL_TREATIES_URL]


CONVERTERS = {
    "ieadb": ("country", ["csig", "crat", "ceif3"], ieadb_cells),
    "nl-treaties": ("state", ["instrument_deposited", "instrument_kind", "entry_into_force"], nl_treaties_cells),
}


def generate(kind: str, src: Path, out: Path) -> None:
    name_column, required, cells = CONVERTERS[kind]
    write_csv(out, HEADER, convert(src, name_column, required, cells))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(CONVERTERS))
    parser.add_argument("src_csv", type=Path)
    parser.add_argument("out_csv", type=Path)
    args = parser.parse_args(argv)
    run_cli(generate, args.kind, args.src_csv, args.out_csv)


if __name__ == "__main__":
    main()
