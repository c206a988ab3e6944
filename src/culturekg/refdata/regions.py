"""regions.csv: UN M49 regions, sub-regions and intermediate regions, plus hand-kept UNESCO regions.

The M49 rows are generated from the HDX taxonomy (each level's parent is the level above it). Rows of
kind `unesco-region` are not in that taxonomy; they are edited by hand in OUT_CSV and carried over
unchanged when the file is regenerated.

    python -m culturekg.refdata.regions SHARED_CSV OUT_CSV
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import Problem
from .countries import HDX_LEVELS, m49_code, region_key
from .tables import fail_if, read_rows, run_cli, write_csv

HEADER = ["key", "name", "kind", "m49", "parent"]
KINDS = ("m49-region", "m49-subregion", "m49-intermediate")
HAND_KEPT_KIND = "unesco-region"


def m49_rows(taxonomy_csv: Path) -> list[list[str]]:
    required = [c for pair in HDX_LEVELS for c in pair]
    found: dict[str, tuple[list[str], str]] = {}
    problems: list[Problem] = []
    for row in read_rows(taxonomy_csv, required):
        parent = ""
        for kind, (code_column, name_column) in zip(KINDS, HDX_LEVELS):
            code = m49_code(row, code_column, problems)
            if not code:
                continue
            key = region_key(code)
            entry = [key, row.get(name_column), kind, f"{int(code):03d}", parent]
            if not entry[1]:
                problems.append(row.problem(name_column, f"M49 code {code} has no name"))
            previous = found.get(key)
            if previous is None:
                found[key] = (entry, f"line {row.line}")
            elif previous[0] != entry:
                problems.append(row.problem(code_column, f"{key} given as {entry} but as {previous[0]} on {previous[1]}"))
            parent = key
    fail_if(problems)
    return [found[key][0] for key in sorted(found)]


def hand_kept_rows(out_csv: Path) -> list[list[str]]:
    if not out_csv.is_file():
        return []
    rows = []
    for row in read_rows(out_csv, HEADER):
        if row.get("kind") == HAND_KEPT_KIND:
            rows.append([row.cells[c] for c in HEADER])
    return sorted(rows)


def generate(taxonomy_csv: Path, out_csv: Path, keep_from: Path | None = None) -> None:
    """`keep_from` is the file whose UNESCO rows are carried over (default: OUT_CSV itself)."""
    kept = hand_kept_rows(keep_from or out_csv)
    write_csv(out_csv, HEADER, m49_rows(taxonomy_csv) + kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("taxonomy_csv", type=Path, help="hdx_countries_territories_m49_taxonomy.csv")
    parser.add_argument("out_csv", type=Path)
    args = parser.parse_args(argv)
    run_cli(generate, args.taxonomy_csv, args.out_csv)


if __name__ == "__main__":
    main()
