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
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import CultureKGError
from .vocab import CKG_NS

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

    def lines(self) -> list[str]:
        out = [f"HermiT reasoned over the ontology and {self.triples_used} of {self.triples_given} data triples "
               "(class memberships and property assertions; labels and dates are left to the shapes)."]
        if not self.consistent:
            out.append("The ontology and data are INCONSISTENT: no world can make all of them true.")
            out.extend(f"  - {line}" for line in self.explanation)
        else:
            out.append("The ontology and data are consistent.")
        if self.unsatisfiable:
            out.append("Classes that can have no member (unsatisfiable):")
            out.extend(f"  - {name}" for name in self.unsatisfiable)
        elif self.consistent:
            out.append("Every class can have members (no unsatisfiable class).")
        return out


DataInput = Graph | Path | Iterable


def reason(ontology_path: Path, data: DataInput | None = None) -> ReasoningReport:
    """Run HermiT on the ontology plus the parts of `data` it can use.

    `data` is an rdflib Graph, the path of an N-Triples file, or an iterable of pyoxigraph
    Triples/Quads or rdflib (s, p, o) tuples.
    """
    import owlready2

    java = shutil.which("java")
    if java is None:
        raise ReasoningUnavailable(
            "Java was not found on PATH; HermiT needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)"
        )
    ontology = _without_imports(Graph().parse(ontology_path, format="turtle"))
    # Data stays in pyoxigraph terms: converting tens of thousands of triples to rdflib costs more
    # than the filtering; rdflib is needed only to explain an inconsistency.
    given = 0
    kept: list[ox.Triple] = []
    vocabulary = Vocabulary.of(ontology)
    for triple in _as_triples(data):
        given += 1
        if vocabulary.usable(triple):
            kept.append(triple)

    with tempfile.TemporaryDirectory(prefix="culturekg-reason-") as folder:
        merged = Path(folder) / "ontology-and-data.nt"
        with merged.open("wb") as out:
            out.write(ontology.serialize(format="nt", encoding="utf-8"))
            ox.serialize(kept, out, format=ox.RdfFormat.N_TRIPLES)

        owlready2.JAVA_EXE = java
        world = owlready2.World()
        try:
            with merged.open("rb") as handle:
                world.get_ontology(merged.as_uri()).load(fileobj=handle, format="ntriples")
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
            except owlready2.OwlReadyInconsistentOntologyError:
                explanation = explain_inconsistency(ontology, _to_rdflib(kept))
                return ReasoningReport(False, (), tuple(explanation), given, len(kept))
            except owlready2.OwlReadyJavaError as exc:
                raise ReasoningFailed(f"HermiT failed: {str(exc).strip()[:2000]}") from exc
            unsatisfiable = sorted(
                _label(ontology, URIRef(c.iri)) for c in world.inconsistent_classes() if hasattr(c, "iri")
            )
        finally:
            world.close()
    return ReasoningReport(True, tuple(unsatisfiable), (), given, len(kept))


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


def explain_inconsistency(ontology: Graph, data: Graph) -> list[str]:
    """Plain-words reasons, found by checking the ontology's disjoint classes, domains and ranges and
    single-valued properties against the data. HermiT itself (through owlready2) gives no explanation."""
    superclasses = _superclass_closure(ontology)
    types: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)

    def add_type(individual: URIRef, cls: URIRef, why: str) -> None:
        for sup in superclasses.get(cls, {cls}):
            types[individual].setdefault(sup, why)

    domains = _single_classes(ontology, RDFS.domain)
    ranges = _single_classes(ontology, RDFS.range)
    for s, p, o in data:
        if p == RDF.type:
            add_type(s, o, f"it is stated to be {_a(_label(ontology, o))}")
            continue
        for cls in domains.get(p, ()):
            add_type(s, cls, f"it has {_label(ontology, p)}")
        if isinstance(o, URIRef):
            for cls in ranges.get(p, ()):
                add_type(o, cls, f"it is the {_label(ontology, p)} of {s}")

    reasons: list[str] = []
    for a, b in _disjoint_pairs(ontology):
        for individual, known in types.items():
            if a in known and b in known:
                reasons.append(
                    f"{individual} would be both {_a(_label(ontology, a))}, because {known[a]}, and "
                    f"{_a(_label(ontology, b))}, because {known[b]}; the ontology declares these disjoint"
                )
    different = _all_different(ontology)
    for p in ontology.subjects(RDF.type, OWL.FunctionalProperty):
        values: dict = defaultdict(set)
        for s, o in data.subject_objects(p):
            values[s].add(o)
        for s, vals in values.items():
            literal_clash = len({v for v in vals if isinstance(v, Literal)}) > 1
            named_clash = any(frozenset(pair) in different for pair in combinations(vals, 2))
            if literal_clash or named_clash:
                shown = ", ".join(sorted(str(v) for v in vals))
                reasons.append(f"{s} has several values for {_label(ontology, p)} ({shown}), which allows only one")
    for p, expected in _named_ranges(ontology).items():
        for s, o in data.subject_objects(p):
            if isinstance(o, Literal) and not _fits(o, expected):
                shown = f"{str(o)!r}@{o.language}" if o.language else f"{str(o)!r} ({o.datatype or XSD.string})"
                reasons.append(f"{s} has {_label(ontology, p)} {shown}, which is not a value of its range {expected}")
    for p, pattern in _pattern_ranges(ontology).items():
        for s, o in data.subject_objects(p):
            # XML Schema patterns are anchored at both ends, hence fullmatch.
            if isinstance(o, Literal) and not re.fullmatch(pattern, str(o)):
                reasons.append(f"{s} has {_label(ontology, p)} {str(o)!r}, which does not match {pattern}")
    if not reasons:
        reasons.append("HermiT gives no explanation and no clash of disjoint classes or single-valued "
                       "properties was found; the cause lies in a longer chain of axioms")
    return sorted(set(reasons))


def _superclass_closure(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct[sub].add(sup)
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in set(direct) | {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}:
        seen, pending = {cls}, [cls]
        while pending:
            for sup in direct.get(pending.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    pending.append(sup)
        closure[cls] = seen
    return closure


def _single_classes(ontology: Graph, predicate: URIRef) -> dict[URIRef, list[URIRef]]:
    """Domains or ranges that are named classes (unions say nothing about a single class)."""
    found: dict[URIRef, list[URIRef]] = defaultdict(list)
    for p, cls in ontology.subject_objects(predicate):
        if isinstance(cls, URIRef) and (cls, RDF.type, OWL.Class) in ontology:
            found[p].append(cls)
    return found


def _disjoint_pairs(ontology: Graph) -> set[tuple[URIRef, URIRef]]:
    pairs = set()
    for a, b in ontology.subject_objects(OWL.disjointWith):
        pairs.add(tuple(sorted((a, b))))
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(ontology, ontology.value(node, OWL.members)))
        pairs.update(tuple(sorted(pair)) for pair in combinations(members, 2))
    return pairs


_FAMILIES = {
    "text": {XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN},
    "number": {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger,
               XSD.negativeInteger, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.unsignedInt, XSD.unsignedLong,
               XSD.unsignedShort, XSD.unsignedByte, XSD.decimal},
    "uri": {XSD.anyURI},
    "boolean": {XSD.boolean},
}


def _family(datatype: URIRef) -> str | None:
    return next((name for name, members in _FAMILIES.items() if datatype in members), None)


def _fits(literal: Literal, expected: URIRef) -> bool:
    """Whether the literal can be in the range's value space; only clear clashes count (the value
    spaces of OWL 2: a language-tagged string is not an xsd:string, an xsd:string is not an xsd:anyURI)."""
    if expected in (RDF.PlainLiteral, RDFS.Literal):
        return True
    if literal.language:
        return expected == RDF.langString
    wanted = _family(expected)
    return wanted is None or _family(literal.datatype or XSD.string) in (wanted, None)


def _named_ranges(ontology: Graph) -> dict[URIRef, URIRef]:
    return {
        p: r for p, r in ontology.subject_objects(RDFS.range)
        if isinstance(r, URIRef) and (p, RDF.type, OWL.DatatypeProperty) in ontology
    }


def _pattern_ranges(ontology: Graph) -> dict[URIRef, str]:
    """Data properties whose range is a string restricted by xsd:pattern, with the pattern."""
    found = {}
    for p, rng in ontology.subject_objects(RDFS.range):
        restrictions = ontology.value(rng, OWL.withRestrictions) if isinstance(rng, BNode) else None
        if restrictions is None:
            continue
        for facet in Collection(ontology, restrictions):
            pattern = ontology.value(facet, XSD.pattern)
            if pattern is not None:
                found[p] = str(pattern)
    return found


def _all_different(ontology: Graph) -> set[frozenset]:
    pairs = set()
    for node in ontology.subjects(RDF.type, OWL.AllDifferent):
        members = list(Collection(ontology, ontology.value(node, OWL.distinctMembers)))
        pairs.update(frozenset(pair) for pair in combinations(members, 2))
    return pairs


def _label(ontology: Graph, node: URIRef) -> str:
    """'organization (ckg:Organization)': the English label, and the term in its short form."""
    iri = str(node)
    short = f"ckg:{iri[len(CKG_NS):]}" if iri.startswith(CKG_NS) else f"<{iri}>"
    for label in ontology.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language in (None, "en"):
            return f"{label} ({short})"
    return short


def _a(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


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


def _to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
    return graph


def _from_ox(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # RDF 1.1 makes "x" and "x"^^xsd:string one literal; rdflib does not, so keep rdflib's plain form.
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot reason over RDF term {term!r}")
