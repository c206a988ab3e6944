"""Every dump is read back by a parser other than the one that wrote it, and compared with the snapshot.

pyoxigraph wrote N-Triples, N-Quads, Turtle, TriG and RDF/XML, so those are read by Raptor (`rapper`,
Debian raptor2-utils) when it is installed, else by rdflib. JSON-LD came from our own writer, so
pyoxigraph's streaming JSON-LD parser reads it. What the parser reads is streamed, written again as N-Quads by
pyoxigraph and compared with the snapshot's text through an order-independent digest (`digest`), so
neither graph is held in memory; only when they differ are both sides sorted on disk to name the
statements that differ.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..errors import CultureKGError
from .digest import LineDigest, digest_file
from .dumps import DumpFormat
from .snapshot import Snapshot, SortedLines

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


def read_back(path: Path, fmt: DumpFormat, output, parser: str | None = None) -> str:
    """Write what a parser reads from `path` to the binary stream `output` as N-Quads; returns the
    parser's name. For the formats pyoxigraph wrote, `parser` forces 'rapper' or 'rdflib'; JSON-LD is
    always read by pyoxigraph."""
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        chosen = "pyoxigraph"
    else:
        chosen = parser or ("rapper" if shutil.which("rapper") else "rdflib")
    if chosen == "pyoxigraph":
        # The streaming JSON-LD parser keeps one node at a time (the general one holds the whole
        # document); the dump is written in the streaming document form, so either reads it.
        ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.STREAMING_JSON_LD), output, format=ox.RdfFormat.N_QUADS)
    elif chosen == "rapper":
        _read_with_rapper(path, fmt, output)
    elif chosen == "rdflib":
        ox.serialize(_read_with_rdflib(path, fmt), output, format=ox.RdfFormat.N_QUADS)
    else:
        raise ValueError(f"unknown parser {chosen!r}")
    return chosen


def _read_with_rapper(path: Path, fmt: DumpFormat, output) -> None:
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            ["rapper", "--quiet", "--input", _RAPPER_SYNTAX[fmt.rdf_format], "--output", "nquads", str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        unreadable = None
        try:
            # N-Quads is the neutral exchange form here: Raptor did the real parsing.
            ox.serialize(ox.parse(process.stdout, format=ox.RdfFormat.N_QUADS), output, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as error:
            unreadable = error
            process.kill()
        finally:
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip().splitlines()
            raise RapperRefused(f"{path.name}: rapper cannot read the {fmt.name} dump", message[0] if message else "no message")
        if unreadable is not None:
            raise unreadable


def _read_with_rdflib(path: Path, fmt: DumpFormat) -> list[ox.Quad]:
    """rdflib holds the whole graph: it is the fallback when Raptor is missing or refuses a dump."""
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


def check_dump(path: Path, fmt: DumpFormat, snapshot: Snapshot, parser: str | None = None) -> str:
    """Raise DumpMismatch unless `path` reads back as the snapshot's graph. Returns the parser's name."""
    got = LineDigest()
    try:
        used = read_back(path, fmt, got, parser)
    except RapperRefused as refused:
        # Raptor 2.0 predates parts of TriG 1.1 (blank-node graph names): let rdflib be the other parser.
        got = LineDigest()
        read_back(path, fmt, got, "rdflib")
        used = f"rdflib (rapper could not: {refused.reason})"
    got.close()
    if got.same_as(snapshot.digest(fmt.keeps_graphs)):
        return used
    raise _mismatch(path, fmt, snapshot, "rdflib" if used.startswith("rdflib") else used, used)


def _mismatch(path: Path, fmt: DumpFormat, snapshot: Snapshot, parser: str, used: str) -> DumpMismatch:
    """Name what differs: both sides again, their lines sorted on disk and walked side by side."""
    with tempfile.TemporaryDirectory(dir=snapshot.folder) as work:
        folder = Path(work)
        want_lines, got_lines = SortedLines(folder / "want"), SortedLines(folder / "got")
        (folder / "want").mkdir()
        (folder / "got").mkdir()
        want = digest_file(snapshot.statements_path(fmt.keeps_graphs), keep=want_lines)
        got = LineDigest(keep=got_lines)
        read_back(path, fmt, got, parser)
        got.close()
        for name, lines in (("want", want_lines), ("got", got_lines)):
            with open(folder / f"{name}.nq", "wb") as handle:
                lines.write_to(handle)
        missing, extra = _differences(folder / "want.nq", folder / "got.nq")
    if want.blank or got.blank:
        want_set, got_set = {str(q) for q in want.blank_dataset()}, {str(q) for q in got.blank_dataset()}
        missing += sorted(want_set - got_set)
        extra += sorted(got_set - want_set)
    return DumpMismatch(
        f"{path.name}: reading the {fmt.name} dump back with {used} does not give the store's graph "
        f"({len(missing)} statements missing, e.g. {missing[:3]}; {len(extra)} unexpected, e.g. {extra[:3]})"
    )


def _differences(want: Path, got: Path) -> tuple[list[str], list[str]]:
    """Lines only in `want`, lines only in `got`; both files sorted."""
    missing: list[str] = []
    extra: list[str] = []
    with open(want, "rb") as left, open(got, "rb") as right:
        a, b = left.readline(), right.readline()
        while a or b:
            if a and (not b or a < b):
                missing.append(a.decode("utf-8", "replace").rstrip("\n"))
                a = left.readline()
            elif b and (not a or b < a):
                extra.append(b.decode("utf-8", "replace").rstrip("\n"))
                b = right.readline()
            else:
                a, b = left.readline(), right.readline()
    return missing, extra
