"""The canonical graph a release is written from, kept on disk rather than in memory.

A snapshot is two files in its folder:

    graph.nq    every quad, graph by graph (default graph first, then named graphs by IRI), each
                graph's statements sorted by their N-Triples line: this is the N-Quads dump itself
    union.nt    the distinct triples of all graphs, sorted: this is the N-Triples dump itself

Every other dump is written by streaming one of them, so a release of millions of quads needs
memory for one graph at a time (plus the statements that hold blank nodes, canonicalized together),
not for the whole graph. Bytes depend only on the graph, as `canonical` explains.
"""

from __future__ import annotations

import heapq
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

from .canonical import (
    GraphLines,
    GraphName,
    canonical_dataset,
    dataset_graph_lines,
    graph_key,
    graph_lines,
    sorted_ntriples,
)
from .digest import LineDigest, digest_file

# A run of the external sort holds about this much N-Triples text (a few times it in Python objects).
RUN_BYTES = 96 << 20



class SortedLines:
    """Lines added in any order come out sorted and without repeats, through sorted runs on disk
    merged at the end: memory stays near RUN_BYTES however many lines there are."""

    def __init__(self, folder: Path, run_bytes: int | None = None) -> None:
        self._folder = folder
        self._run_bytes = run_bytes or RUN_BYTES
        self._pending: list[bytes] = []
        self._size = 0
        self._runs: list[Path] = []

    def add(self, text: bytes) -> None:
        """`text`: whole lines, each ending in a newline."""
        if not text:
            return
        self._pending.append(text)
        self._size += len(text)
        if self._size >= self._run_bytes:
            self._spill()

    def _sorted_pending(self) -> list[bytes]:
        lines = set(b"".join(self._pending).splitlines(keepends=True))
        self._pending, self._size = [], 0
        return sorted(lines)

    def _spill(self) -> None:
        run = self._folder / f"run-{len(self._runs)}"
        with open(run, "wb") as handle:
            handle.writelines(self._sorted_pending())
        self._runs.append(run)

    def write_to(self, output) -> None:
        """Write all lines, sorted, to the binary stream `output`; the runs are removed."""
        if not self._runs:
            output.writelines(self._sorted_pending())
            return
        if self._pending:
            self._spill()
        with ExitStack() as stack:
            runs = [stack.enter_context(open(run, "rb", buffering=1 << 20)) for run in self._runs]
            previous = None
            for line in heapq.merge(*runs):
                if line != previous:
                    output.write(line)
                    previous = line
        for run in self._runs:
            run.unlink()
        self._runs = []


class _Writer:
    """Appends graphs, in order, to graph.nq and feeds their triples to the union's sort. A graph
    whose text is not known yet (it waits for canonicalization) gets its place kept, and is put
    there when the file is closed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.graphs: list[GraphName] = []
        self._nquads = open(folder / "graph.part", "wb", buffering=1 << 20)
        self._union = SortedLines(folder)
        self._places: list[tuple[int, str]] = []  # (offset in graph.part, graph key)
        self._later: dict[str, bytes] = {}

    def add(self, graph: GraphName, ntriples: bytes) -> None:
        """`ntriples`: the graph's statements, sorted N-Triples lines."""
        if ntriples:
            self.graphs.append(graph)
            self._nquads.write(self._quad_lines(graph, ntriples))

    def keep_place(self, graph: GraphName) -> None:
        self.graphs.append(graph)
        self._places.append((self._nquads.tell(), graph_key(graph)))

    def fill_place(self, graph: GraphName, ntriples: bytes) -> None:
        self._later[graph_key(graph)] = self._quad_lines(graph, ntriples)

    def _quad_lines(self, graph: GraphName, ntriples: bytes) -> bytes:
        self._union.add(ntriples)
        if isinstance(graph, ox.DefaultGraph):
            return ntriples
        # "<s> <p> <o> .\n" becomes "<s> <p> <o> <g> .\n", as pyoxigraph writes N-Quads.
        tail = b"%s .\n" % str(graph).encode("utf-8")
        return b"".join(line[:-2] + tail for line in ntriples.splitlines(keepends=True))

    def close(self) -> None:
        self._nquads.close()
        part, whole = self.folder / "graph.part", self.folder / "graph.nq"
        if not self._places:
            part.replace(whole)
        else:
            with open(part, "rb") as source, open(whole, "wb") as target:
                done = 0
                for offset, key in self._places:
                    shutil.copyfileobj(_Range(source, offset - done), target, 1 << 20)
                    done = offset
                    target.write(self._later.pop(key, b""))
                shutil.copyfileobj(source, target, 1 << 20)
            part.unlink()
        with open(self.folder / "union.nt", "wb", buffering=1 << 20) as handle:
            self._union.write_to(handle)


class _Range:
    """The next `size` bytes of a binary file, as a file to copy from."""

    def __init__(self, handle, size: int) -> None:
        self._handle, self._left = handle, size

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        data = self._handle.read(n)
        self._left -= len(data)
        return data


class Snapshot:
    """The canonical graph in `folder` (see the module); open it with `Snapshot.of(store)` or
    `Snapshot.from_quads(quads)`, and `close()` it (or use `with`) to remove the folder."""

    def __init__(self, folder: Path, graphs: list[GraphName], *, owned: bool) -> None:
        self.folder = folder
        self.graphs = graphs  # the graphs that hold statements, in file order
        self._owned = owned
        self._digests: dict[bool, LineDigest] = {}

    @property
    def nquads_path(self) -> Path:
        return self.folder / "graph.nq"

    @property
    def ntriples_path(self) -> Path:
        return self.folder / "union.nt"

    def statements_path(self, keeps_graphs: bool) -> Path:
        """The canonical N-Quads text a dump must read back as: with graphs, or all triples without."""
        return self.nquads_path if keeps_graphs else self.ntriples_path

    def digest(self, keeps_graphs: bool) -> LineDigest:
        """The digest a dump's read-back must match (computed once per kind)."""
        found = self._digests.get(keeps_graphs)
        if found is None:
            found = self._digests[keeps_graphs] = digest_file(self.statements_path(keeps_graphs))
        return found

    @classmethod
    def of(cls, store, folder: Path | None = None) -> Snapshot:
        """From a GraphStore; Oxigraph's own per-graph dump is used when the store is embedded."""
        native = getattr(store, "oxigraph", None)
        if isinstance(native, ox.Store) and not any(isinstance(g, ox.BlankNode) for g in native.named_graphs()):
            return cls._write(folder, lambda writer: _from_store(native, writer))
        return cls.from_quads(store.quads(), folder)

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], folder: Path | None = None) -> Snapshot:
        """From any quads: all of them are canonicalized together (in memory), then written."""
        lines = graph_lines(quads)
        return cls._write(folder, lambda writer: _from_lines(lines, writer))

    @classmethod
    def _write(cls, folder: Path | None, fill) -> Snapshot:
        owned = folder is None
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="culturekg-snapshot-"))
        folder.mkdir(parents=True, exist_ok=True)
        try:
            writer = _Writer(folder)
            try:
                fill(writer)
            finally:
                writer.close()
        except BaseException:
            if owned:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(folder, writer.graphs, owned=owned)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad in order, parsed afresh each time."""
        return ox.parse(path=str(self.nquads_path), format=ox.RdfFormat.N_QUADS)

    def triples(self) -> Iterator[ox.Triple]:
        """The union's triples in order, parsed afresh each time."""
        return (q.triple for q in ox.parse(path=str(self.ntriples_path), format=ox.RdfFormat.N_TRIPLES))

    def by_graph(self) -> Iterator[tuple[GraphName, list[ox.Triple]]]:
        """(graph, its triples in order), one graph held at a time."""
        current: GraphName | None = None
        triples: list[ox.Triple] = []
        for quad in self.quads():
            if quad.graph_name != current:
                if triples:
                    yield current, triples
                current, triples = quad.graph_name, []
            triples.append(quad.triple)
        if triples:
            yield current, triples

    def close(self) -> None:
        if self._owned:
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            for name in ("graph.nq", "union.nt"):
                (self.folder / name).unlink(missing_ok=True)

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _from_lines(lines: GraphLines, writer: _Writer) -> None:
    for graph, data in lines:
        writer.add(graph, data)


def _from_store(store: ox.Store, writer: _Writer) -> None:
    """Each graph dumped by Oxigraph and sorted on its own, written as it comes; the graphs that hold
    blank nodes are kept aside and canonicalized together at the end (a blank node may occur in
    several graphs), then put in their places."""
    blank: list[tuple[GraphName, bytes]] = []
    for graph in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=graph_key)]:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        if b"_:" in data:  # (a literal containing "_:" only costs a needless canonicalization)
            blank.append((graph, data))
            writer.keep_place(graph)
        else:
            writer.add(graph, sorted_ntriples(data))
    if blank:
        quads = (ox.Quad(q.subject, q.predicate, q.object, graph)
                 for graph, data in blank for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        for graph, data in dataset_graph_lines(canonical_dataset(quads)):
            writer.fill_place(graph, data)
