"""Why data and ontology cannot both hold: clashes named in plain words, and the smallest set of
data triples that HermiT still finds inconsistent.

HermiT (through owlready2) says only "inconsistent". The clashes below are the ones this ontology
makes likely (disjoint classes reached through stated types, domains and ranges; a single-valued
property given two values; a literal outside its range or pattern); `smallest_inconsistent` finds
the rest by asking the reasoner again on parts of the data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .vocab import CKG_NS

T = TypeVar("T")


def smallest_inconsistent(items: Sequence[T], consistent: Callable[[list[T]], bool], max_runs: int) -> tuple[list[T], int]:
    """A minimal inconsistent part of `items`, which as a whole must be inconsistent.

    Each needed item is found by a binary search for the shortest inconsistent prefix (about
    log2(n) calls of `consistent` per item), so a clash of two triples among thousands costs a few
    dozen reasoner runs. When `max_runs` is reached, the part found so far plus what is left to
    search is returned: still inconsistent, only not minimal. Returns the part and the calls made.
    """
    core: list[T] = []
    rest = list(items)
    runs = 0
    while rest:
        if core:
            if runs >= max_runs:
                return core + rest, runs
            runs += 1
            if not consistent(core):
                return core, runs
        # core + rest is inconsistent; find the shortest prefix of rest that keeps it so.
        low, high = 1, len(rest)
        while low < high:
            if runs >= max_runs:
                return core + rest[:high], runs
            middle = (low + high) // 2
            runs += 1
            if consistent(core + rest[:middle]):
                low = middle + 1
            else:
                high = middle
        core.append(rest[low - 1])
        rest = rest[: low - 1]
    return core, runs


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
            add_type(s, o, f"it is stated to be {_a(term_label(ontology, o))}")
            continue
        for cls in domains.get(p, ()):
            add_type(s, cls, f"it has {term_label(ontology, p)}")
        if isinstance(o, URIRef):
            for cls in ranges.get(p, ()):
                add_type(o, cls, f"it is the {term_label(ontology, p)} of {s}")

    reasons: list[str] = []
    for a, b in _disjoint_pairs(ontology):
        for individual, known in types.items():
            if a in known and b in known:
                reasons.append(
                    f"{individual} would be both {_a(term_label(ontology, a))}, because {known[a]}, and "
                    f"{_a(term_label(ontology, b))}, because {known[b]}; the ontology declares these disjoint"
                )
    reasons += _union_domain_clashes(ontology, data, types, superclasses)
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
                reasons.append(f"{s} has several values for {term_label(ontology, p)} ({shown}), which allows only one")
    for p, expected in _named_ranges(ontology).items():
        for s, o in data.subject_objects(p):
            if isinstance(o, Literal) and not _fits(o, expected):
                shown = f"{str(o)!r}@{o.language}" if o.language else f"{str(o)!r} ({o.datatype or XSD.string})"
                reasons.append(f"{s} has {term_label(ontology, p)} {shown}, which is not a value of its range {expected}")
    for p, pattern in _pattern_ranges(ontology).items():
        for s, o in data.subject_objects(p):
            # XML Schema patterns are anchored at both ends, hence fullmatch.
            if isinstance(o, Literal) and not re.fullmatch(pattern, str(o)):
                reasons.append(f"{s} has {term_label(ontology, p)} {str(o)!r}, which does not match {pattern}")
    if not reasons:
        reasons.append("HermiT gives no explanation and no clash of disjoint classes or single-valued "
                       "properties was found; the cause lies in a longer chain of axioms")
    return sorted(set(reasons))


def _union_domain_clashes(ontology: Graph, data: Graph, types: dict, superclasses: dict) -> list[str]:
    """A property whose domain is a union (ckg:country: event, organization, person or group) used on
    something disjoint with every member of the union."""
    pairs = _disjoint_pairs(ontology)
    found = []
    for p, domain in ontology.subject_objects(RDFS.domain):
        union = ontology.value(domain, OWL.unionOf) if isinstance(domain, BNode) else None
        if union is None:
            continue
        members = list(Collection(ontology, union))
        for s in set(data.subjects(p)):
            known = types.get(s, {})
            excluded = [
                next((k for k in known for x in superclasses.get(m, {m}) if tuple(sorted((k, x))) in pairs), None)
                for m in members
            ]
            if known and all(excluded):
                names = " or ".join(_a(term_label(ontology, m)) for m in members)
                found.append(
                    f"{s} has {term_label(ontology, p)}, which only {names} can have, but {known[excluded[0]]}, "
                    f"and none of those can be {_a(term_label(ontology, excluded[0]))}"
                )
    return found


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


def term_label(ontology: Graph, node: URIRef) -> str:
    """'organization (ckg:Organization)': the English label, and the term in its short form."""
    iri = str(node)
    short = f"ckg:{iri[len(CKG_NS):]}" if iri.startswith(CKG_NS) else f"<{iri}>"
    for label in ontology.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language in (None, "en"):
            return f"{label} ({short})"
    return short


def _a(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase
