"""Every dump is read back by a parser other than the one that wrote it, and compared with the store.

pyoxigraph wrote N-Triples, N-Quads, Turtle, TriG and RDF/XML, so those are read by Raptor (`rapper`,
Debian raptor2-utils) when it is installed, else by rdflib. JSON-LD came from our own writer, so
pyoxigraph's JSON-LD parser reads it. Both sides are canonicalized (RDFC-1.0) before comparing, so
blank-node labels do not matter.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox

from ..errors import CultureKGError
from .canonical import canonical_dataset, fold_language_case
from .dumps import DumpFormat, Snapshot

_RAPPER_SYNTAX = {
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.N_TRIPLES: "ntriples",
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.RDF_XML: "rdfxml",
}
_RDFLIB_FORMAT = {
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.RDF_XML: "xml",
}


class DumpMismatch(CultureKGError):
    """A dump does not read back as the graph it was written from; the release is not made."""


class RapperRefused(DumpMismatch):
    """Raptor could not parse a dump (its parsers lag some current syntax)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(f"{message}: {reason}")
        self.reason = reason


def read_back(path: Path, fmt: DumpFormat, parser: str | None = None) -> tuple[str, list[ox.Quad]]:
    """(name of the parser used, the quads it read). For the formats pyoxigraph wrote, `parser` forces
    'rapper' or 'rdflib'; JSON-LD is always read by pyoxigraph."""
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        chosen = "pyoxigraph"
    else:
        chosen = parser or ("rapper" if shutil.which("rapper") else "rdflib")
    if chosen == "pyoxigraph":
        return chosen, list(ox.parse(path=str(path), format=fmt.rdf_format))
    if chosen == "rapper":
        return chosen, _read_with_rapper(path, fmt)
    if chosen == "rdflib":
        return chosen, _read_with_rdflib(path, fmt)
    raise ValueError(f"unknown parser {chosen!r}")


def _read_with_rapper(path: Path, fmt: DumpFormat) -> list[ox.Quad]:
    done = subprocess.run(
        ["rapper", "--quiet", "--input", _RAPPER_SYNTAX[fmt.rdf_format], "--output", "nquads", str(path)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RapperRefused(f"{path.name}: rapper cannot read the {fmt.name} dump", message[0] if message else "no message")
    # N-Quads is the neutral exchange form here: Raptor did the real parsing.
    return list(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS))


def _read_with_rdflib(path: Path, fmt: DumpFormat) -> list[ox.Quad]:
    import rdflib

    from ..terms import to_ox as _ox

    # rdflib rewrites lexical forms ("01"^^xsd:integer -> "1") unless told not to; compare what is written.
    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        if fmt.keeps_graphs:
            dataset = rdflib.Dataset()
            dataset.parse(str(path), format=_RDFLIB_FORMAT[fmt.rdf_format])
            quads = []
            for s, p, o, g in dataset.quads((None, None, None, None)):
                graph = ox.DefaultGraph() if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else _ox(g)
                quads.append(ox.Quad(_ox(s), _ox(p), _ox(o), graph))
            return quads
        graph = rdflib.Graph()
        graph.parse(str(path), format=_RDFLIB_FORMAT[fmt.rdf_format])
        return [ox.Quad(_ox(s), _ox(p), _ox(o), ox.DefaultGraph()) for s, p, o in graph]
    finally:
        rdflib.NORMALIZE_LITERALS = previous


def _lines(nquads: bytes) -> set[bytes]:
    lines = set(nquads.splitlines())
    lines.discard(b"")
    return lines


def check_dump(path: Path, fmt: DumpFormat, snapshot: Snapshot, parser: str | None = None) -> str:
    """Raise DumpMismatch unless `path` reads back as the snapshot's graph. Returns the parser's name.

    Fast path: what the parser read, written again as N-Quads by pyoxigraph, has exactly the lines of
    the snapshot. Only when it does not (blank-node labels, language-tag case) are both sides
    canonicalized and compared as datasets."""
    try:
        used, read = read_back(path, fmt, parser)
    except RapperRefused as refused:
        # Raptor 2.0 predates parts of TriG 1.1 (blank-node graph names): let rdflib be the other parser.
        used, read = read_back(path, fmt, "rdflib")
        used = f"rdflib (rapper could not: {refused.reason})"
    want = snapshot.statements(fmt.keeps_graphs)
    if _lines(ox.serialize(read, format=ox.RdfFormat.N_QUADS)) == _lines(want):
        return used
    expected = fold_language_case(canonical_dataset(ox.parse(want, format=ox.RdfFormat.N_QUADS)))
    got = fold_language_case(canonical_dataset(read))
    if expected == got:
        return used
    want_set, got_set = {str(q) for q in expected}, {str(q) for q in got}
    missing, extra = sorted(want_set - got_set), sorted(got_set - want_set)
    raise DumpMismatch(
        f"{path.name}: reading the {fmt.name} dump back with {used} does not give the store's graph "
        f"({len(missing)} statements missing, e.g. {missing[:3]}; {len(extra)} unexpected, e.g. {extra[:3]})"
    )
