"""Answers of stored queries as a terminal table, CSV, SPARQL 1.1 Query Results JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..store.base import QueryResult, Term
from ..vocab import CKG_NS, INSTRUMENT_NS, ROLE_NS, SOURCE_KIND_NS

FORMATS = ("table", "csv", "json", "markdown")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def prefixes(base_iri: str) -> dict[str, str]:
    """Short names for the table and Markdown, which people read; CSV and JSON keep full IRIs."""
    return {
        "ckg": CKG_NS,
        "ckgr": ROLE_NS,
        "ckgi": INSTRUMENT_NS,
        "ckgs": SOURCE_KIND_NS,
        "id": base_iri + "id/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "prov": "http://www.w3.org/ns/prov#",
    }


def display(term: Term | None, names: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        # Longest namespace first: `ckg:` must not shadow `ckgr:` (one is a prefix of the other's IRI).
        for prefix, namespace in sorted(names.items(), key=lambda item: -len(item[1])):
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def render(result: QueryResult, fmt: str, base_iri: str) -> str:
    if fmt == "csv":
        return to_csv(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "markdown":
        return to_markdown(result, prefixes(base_iri))
    if fmt == "table":
        return to_table(result, prefixes(base_iri), width=shutil.get_terminal_size((160, 24)).columns)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results (full IRIs, lexical forms), with formula-like cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([neutralise(_plain(term)) for term in row])
    return out.getvalue()


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON Format (W3C Recommendation, section 3)."""
    bindings = []
    for row in result.rows:
        bindings.append({name: _json_term(term) for name, term in zip(result.variables, row) if term is not None})
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    if term.datatype.value == XSD_STRING:
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def to_markdown(result: QueryResult, names: dict[str, str]) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    for row in result.rows:
        lines.append("| " + " | ".join(cell(display(term, names)) for term in row) + " |")
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult, names: dict[str, str], width: int = 160) -> str:
    table = Table(*result.variables, caption=f"{len(result)} row{'s' if len(result) != 1 else ''}")
    for row in result.rows:
        # Cells come from data: as Text, a '[' is printed as written instead of read as rich markup.
        table.add_row(*(Text(display(term, names)) for term in row))
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    with console.capture() as capture:
        console.print(table)
    return capture.get()
