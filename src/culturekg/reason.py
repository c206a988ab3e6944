"""OWL reasoning: HermiT (through owlready2, on the machine's Java) over the ontology and the data.

HermiT over a large ABox is slow, and most triples of the graph say nothing it can reason with
(labels, notes, dates: xsd:date, gYear and gYearMonth lie outside the OWL 2 datatype map, so HermiT
is told to ignore them). Only these data triples go to HermiT:

- rdf:type assertions whose class the ontology declares;
- object-property assertions between IRIs, for object properties the ontology declares;
- data-property assertions for data properties the ontology declares, when the literal's datatype is
  one HermiT supports (the OWL 2 datatype map).

Date rules are the shapes' job (ontology/shapes.ttl). Every reasoning call uses its own
owlready2.World, so calls never see each other's individuals, and owl:imports are removed before
owlready2 sees anything, so nothing is fetched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, XSD

from .errors import CultureKGError
from .inconsistency import explain_inconsistency, smallest_inconsistent, term_label
from .terms import rdflib_graph

# Datatypes HermiT reasons with (OWL 2 datatype map, the ones this project's data can carry).
_SUPPORTED_DATATYPES: frozenset[URIRef] = frozenset(
    {
        XSD.string, XSD.boolean, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int,
        XSD.long, XSD.decimal, XSD.double, XSD.float, XSD.anyURI, XSD.language, XSD.token,
        XSD.normalizedString, XSD.dateTime, XSD.dateTimeStamp, RDF.PlainLiteral, RDF.langString,
    }
)


_SUPPORTED_DATATYPE_IRIS = frozenset(str(d) for d in _SUPPORTED_DATATYPES)
_RDF_TYPE = str(RDF.type)
_RDF_LANG_STRING = str(RDF.langString)


class ReasoningUnavailable(CultureKGError):
    """The reasoner cannot run here (no Java on PATH)."""


class ReasoningFailed(CultureKGError):
    """HermiT started but stopped with an error of its own."""


@dataclass(frozen=True)
class ReasoningReport:
    consistent: bool
    unsatisfiable: tuple[str, ...]
    explanation: tuple[str, ...]
    triples_given: int
    triples_used: int
    # With locate=True: a small set of data triples (N-Triples) that HermiT still finds inconsistent.
    located: tuple[str, ...] = ()
    locate_runs: int = 0

    def lines(self) -> list[str]:
        out = [f"HermiT reasoned over the ontology and {self.triples_used} of {self.triples_given} data triples "
               "(class memberships and property assertions; labels and dates are left to the shapes)."]
        if not self.consistent:
            out.append("The ontology and data are INCONSISTENT: no world can make all of them true.")
            out.extend(f"  - {line}" for line in self.explanation)
            if self.located:
                out.append(f"These {len(self.located)} data triples are inconsistent with the ontology by themselves "
                           f"(found in {self.locate_runs} further HermiT runs):")
                out.extend(f"    {line}" for line in self.located)
        else:
            out.append("The ontology and data are consistent.")
        if self.unsatisfiable:
            out.append("Classes that can have no member (unsatisfiable):")
            out.extend(f"  - {name}" for name in self.unsatisfiable)
        elif self.consistent:
            out.append("Every class can have members (no unsatisfiable class).")
        return out


DataInput = Graph | Path | Iterable


def reason(ontology_path: Path, data: DataInput | None = None, *, locate: bool = False, max_runs: int = 40) -> ReasoningReport:
    """Run HermiT on the ontology plus the parts of `data` it can use.

    `data` is an rdflib Graph, the path of an N-Triples file, or an iterable of pyoxigraph
    Triples/Quads or rdflib (s, p, o) tuples. With `locate`, an inconsistency is narrowed down to a
    small set of data triples by running HermiT again on parts of the data (at most `max_runs` times).
    """
    java = shutil.which("java")
    if java is None:
        raise ReasoningUnavailable(
            "Java was not found on PATH; HermiT needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)"
        )
    ontology = _without_imports(Graph().parse(ontology_path, format="turtle"))
    ontology_nt = ontology.serialize(format="nt", encoding="utf-8")
    # Data stays in pyoxigraph terms: converting tens of thousands of triples to rdflib costs more
    # than the filtering; rdflib is needed only to explain an inconsistency.
    given = 0
    kept: list[ox.Triple] = []
    vocabulary = Vocabulary.of(ontology)
    for triple in _as_triples(data):
        given += 1
        if vocabulary.usable(triple):
            kept.append(triple)

    consistent, unsatisfiable = _hermit(java, ontology_nt, kept)
    if consistent:
        labels = tuple(sorted(term_label(ontology, URIRef(iri)) for iri in unsatisfiable))
        return ReasoningReport(True, labels, (), given, len(kept))
    explanation = tuple(explain_inconsistency(ontology, rdflib_graph(kept)))
    located: tuple[str, ...] = ()
    runs = 0
    if locate:
        part, runs = smallest_inconsistent(kept, lambda triples: _hermit(java, ontology_nt, triples)[0], max_runs)
        located = tuple(sorted(str(t) + " ." for t in part))
    return ReasoningReport(False, (), explanation, given, len(kept), located, runs)


def _hermit(java: str, ontology_nt: bytes, triples: list[ox.Triple]) -> tuple[bool, list[str]]:
    """One HermiT run in a world of its own: (consistent, IRIs of unsatisfiable classes)."""
    import owlready2

    with tempfile.TemporaryDirectory(prefix="culturekg-reason-") as folder:
        merged = Path(folder) / "ontology-and-data.nt"
        with merged.open("wb") as out:
            out.write(ontology_nt)
            ox.serialize(triples, out, format=ox.RdfFormat.N_TRIPLES)
        owlready2.JAVA_EXE = java
        world = owlready2.World()
        try:
            with merged.open("rb") as handle:
                world.get_ontology(merged.as_uri()).load(fileobj=handle, format="ntriples")
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
            except owlready2.OwlReadyInconsistentOntologyError:
                return False, []
            except owlready2.OwlReadyJavaError as exc:
                raise ReasoningFailed(f"HermiT failed: {str(exc).strip()[:2000]}") from exc
            return True, [c.iri for c in world.inconsistent_classes() if hasattr(c, "iri")]
        finally:
            world.close()


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology declares, as IRI strings, to sort data triples quickly."""

    classes: frozenset[str]
    object_properties: frozenset[str]
    data_properties: frozenset[str]

    @classmethod
    def of(cls, ontology: Graph) -> Vocabulary:
        def declared(kind: URIRef) -> frozenset[str]:
            return frozenset(str(s) for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef))

        return cls(declared(OWL.Class), declared(OWL.ObjectProperty), declared(OWL.DatatypeProperty))

    def usable(self, triple: ox.Triple) -> bool:
        """Whether HermiT can use the triple (see the module docstring)."""
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            return False
        if predicate == _RDF_TYPE:
            return isinstance(obj, ox.NamedNode) and obj.value in self.classes
        if predicate in self.object_properties:
            return isinstance(obj, ox.NamedNode)
        if predicate in self.data_properties and isinstance(obj, ox.Literal):
            datatype = _RDF_LANG_STRING if obj.language else obj.datatype.value
            return datatype in _SUPPORTED_DATATYPE_IRIS
        return False


def relevant_triples(ontology: Graph, data: DataInput) -> list[ox.Triple]:
    """The data triples HermiT can use with this ontology (see the module docstring)."""
    vocabulary = Vocabulary.of(ontology)
    return [t for t in _as_triples(data) if vocabulary.usable(t)]


def _without_imports(graph: Graph) -> Graph:
    graph.remove((None, OWL.imports, None))
    return graph


def _as_triples(data: DataInput | None) -> Iterator[ox.Triple]:
    if data is None:
        return
    # pyoxigraph's parser yields quads (in the default graph) even for N-Triples.
    if isinstance(data, Graph):
        for quad in ox.parse(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple
        return
    if isinstance(data, (str, os.PathLike)):
        with open(data, "rb") as handle:
            for quad in ox.parse(handle, format=ox.RdfFormat.N_TRIPLES):
                yield quad.triple
        return
    loose = Graph()
    for item in data:
        if isinstance(item, ox.Quad):
            yield item.triple
        elif isinstance(item, ox.Triple):
            yield item
        else:
            loose.add(tuple(item))
    if len(loose):
        yield from _as_triples(loose)


