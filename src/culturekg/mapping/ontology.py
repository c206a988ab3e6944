"""The ontology as a graph of its own, so queries can follow the class and property hierarchy, and
what the loader materializes in each record's graph from it (superclass types, property chain links,
the unqualified links of participations, the closure of transitive properties)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import Problem, RecordError
from ..vocab import CKG, CKG_NS, OWL, RDF, RDFS

ONTOLOGY_PATH = "ontology/culturekg.ttl"


def ontology_triples(path: Path, digest: str) -> list[ox.Triple]:
    return _stable_blank_nodes(_parse(path), digest[:16])


def _parse(path: Path) -> list[ox.Triple]:
    try:
        with path.open("rb") as handle:
            return list(ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=CKG_NS))
    except SyntaxError as exc:
        raise RecordError([Problem(ONTOLOGY_PATH, f"not valid Turtle: {exc}")]) from None


def _stable_blank_nodes(triples: list[ox.Triple], prefix: str) -> list[ox.Triple]:
    """Blank nodes named by order of appearance in the file, so the same file always gives the
    same quads; the file's digest in the name keeps them apart from any other graph's."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            if term not in names:
                names[term] = ox.BlankNode(f"o{prefix}b{len(names)}")
            return names[term]
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


# What the loader materializes, so that `?x a ckg:Event` finds every workshop and forum without an
# `a/rdfs:subClassOf*` path: such paths are answered wrongly by some endpoints (Virtuoso 7.2 under a
# named dataset, openlink/virtuoso-opensource issue 127), and a plain triple pattern is faster
# everywhere. Only ckg: superclasses are added: the external ones (schema:Event, prov:Agent, ...)
# are alignments the ontology states once, not types every instance should repeat.
Superclasses = dict[ox.NamedNode, frozenset[ox.NamedNode]]


def ontology_superclasses(path: Path) -> Superclasses:
    """Each ckg: class of the ontology file with all its ckg: superclasses, direct or not."""
    return superclasses(_parse(path))


def superclasses(triples: Iterable[ox.Triple]) -> Superclasses:
    """The rdfs:subClassOf closure among ckg: classes (a class is not its own superclass)."""
    direct: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for t in triples:
        if t.predicate == RDFS.subClassOf and _is_ckg(t.subject) and _is_ckg(t.object) and t.subject != t.object:
            direct.setdefault(t.subject, set()).add(t.object)
    closure: Superclasses = {}
    for cls in direct:
        seen: set[ox.NamedNode] = set()
        todo = list(direct[cls])
        while todo:
            parent = todo.pop()
            if parent not in seen and parent != cls:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        closure[cls] = frozenset(seen)
    return closure


def superclass_types(triples: Iterable[ox.Triple | ox.Quad], classes: Superclasses) -> list[ox.Triple]:
    """The `s rdf:type S` triples that `triples` (one graph's) imply for each ckg: superclass S of an
    asserted type and do not state themselves; each once, in a stable order."""
    asserted: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode]] = {}
    for t in triples:
        if t.predicate == RDF.type and isinstance(t.object, ox.NamedNode):
            asserted.setdefault(t.subject, set()).add(t.object)
    extra = []
    for subject, types in asserted.items():
        implied = set().union(*(classes.get(c, ()) for c in types)) - types
        extra += [ox.Triple(subject, RDF.type, c) for c in sorted(implied, key=lambda c: c.value)]
    return extra


# The links of a ckg: property defined by `owl:propertyChainAxiom`, written into each record's graph for
# the same reasons as superclass types: a query then follows one triple pattern where it would join
# several large scans (region-missing-sectors goes from participations to groups to sectors for every
# event). They are worked out from one graph's triples at a time, so a chain whose links lie in
# different graphs is not materialized: the ontology only defines chains that stay inside one record.


@dataclass(frozen=True, order=True)
class ChainStep:
    """One link of a chain: `prop` followed forwards, or backwards when `inverse` (`[owl:inverseOf prop]`)."""

    prop: str
    inverse: bool = False


@dataclass(frozen=True, order=True)
class PropertyChain:
    derived: str
    steps: tuple[ChainStep, ...]


# A participation is n-ary (event, agent, role, capacity, ...); `ckgr:facilitator ckg:unqualifiedForm
# ckg:facilitator` says that each participation with that role also gives the binary link
# `event ckg:facilitator agent`, as PROV-O pairs prov:qualifiedAssociation with prov:wasAssociatedWith.
# OWL cannot derive it (a property chain cannot test the role), so the ontology states the pairing and
# the loader writes the links, for the same reason as the chains: a query asking who facilitated
# follows one triple pattern instead of joining three scans of every participation.


@dataclass(frozen=True, order=True)
class UnqualifiedForm:
    """`event derived agent` for each participation whose ckg:role is `role`."""

    role: str
    derived: str


@dataclass(frozen=True)
class Entailments:
    """What a record's graph says beyond its own triples: the types of each ckg: superclass, the
    links of each ckg: property chain and of each role's unqualified form. Equal when they would make
    the same graphs."""

    classes: Superclasses
    chains: frozenset[PropertyChain] = frozenset()
    unqualified: frozenset[UnqualifiedForm] = frozenset()
    transitive: frozenset[str] = frozenset()

    def of(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        """The triples `triples` (one graph's) imply and do not state, each once, in a stable order."""
        return (superclass_types(triples, self.classes) + chain_links(triples, self.chains)
                + unqualified_links(triples, self.unqualified) + transitive_links(triples, self.transitive))


def ontology_entailments(path: Path) -> Entailments:
    return entailments(_parse(path))


def entailments(triples: Iterable[ox.Triple]) -> Entailments:
    triples = list(triples)
    return Entailments(superclasses(triples), property_chains(triples), unqualified_forms(triples),
                       transitive_properties(triples))


# A region names every region above it, as a country names every M49 level of its row: a query then
# finds what lies in a region one step away. A path (`ckg:inRegion*`) is answered wrongly by Virtuoso
# 7.2 once the region is given and the dataset named (tests/test_remote.py), and reaches a region once
# per route. Worked out within one graph, like the chains; the shapes report a region or country that
# misses an enclosing region another graph gives it.


def transitive_properties(triples: Iterable[ox.Triple]) -> frozenset[str]:
    """The ckg: properties the ontology declares owl:TransitiveProperty."""
    return frozenset(t.subject.value for t in triples
                     if t.predicate == RDF.type and t.object == OWL.TransitiveProperty and _is_ckg(t.subject))


def transitive_links(triples: list[ox.Triple], properties: frozenset[str]) -> list[ox.Triple]:
    """The `x p z` triples that chains of stated `p` links among `triples` (one graph's) imply and that
    `triples` do not state, for each transitive property p; a node is not linked to itself by a cycle."""
    if not properties:
        return []
    wanted = _named(properties)
    links: dict[ox.NamedNode, dict] = {}
    for t in triples:
        if t.predicate in wanted and not isinstance(t.object, ox.Literal):
            links.setdefault(t.predicate, {}).setdefault(t.subject, set()).add(t.object)
    extra = []
    for prop, direct in links.items():
        for start, ends in direct.items():
            seen = set(ends)
            todo = list(ends)
            while todo:
                for further in direct.get(todo.pop(), ()):
                    if further not in seen:
                        seen.add(further)
                        todo.append(further)
            seen.discard(start)
            extra += [ox.Triple(start, prop, end) for end in seen - ends]
    return sorted(extra, key=lambda t: (t.predicate.value, str(t.subject), str(t.object)))


@functools.lru_cache(maxsize=8)
def _named(iris: frozenset[str]) -> frozenset[ox.NamedNode]:
    return frozenset(ox.NamedNode(i) for i in iris)


def unqualified_forms(triples: Iterable[ox.Triple]) -> frozenset[UnqualifiedForm]:
    """The `role ckg:unqualifiedForm property` statements; the property must be a ckg: one (the loader
    writes its links into every event's graph), and a role has at most one."""
    forms: dict[ox.NamedNode, ox.NamedNode] = {}
    for t in triples:
        if t.predicate != CKG.unqualifiedForm:
            continue
        if not isinstance(t.subject, ox.NamedNode) or not _is_ckg(t.object):
            raise RecordError([Problem(ONTOLOGY_PATH, f"ckg:unqualifiedForm {t.object}: both the role and the property "
                                                      f"must be IRIs, the property a ckg: one (given for {t.subject})")])
        if forms.setdefault(t.subject, t.object) != t.object:
            raise RecordError([Problem(ONTOLOGY_PATH, f"role {t.subject.value} has two ckg:unqualifiedForm properties: "
                                                      f"{forms[t.subject].value} and {t.object.value}")])
    return frozenset(UnqualifiedForm(role.value, prop.value) for role, prop in forms.items())


def unqualified_links(triples: list[ox.Triple], forms: frozenset[UnqualifiedForm]) -> list[ox.Triple]:
    """The `event property agent` triples the participations among `triples` (one graph's) give by their
    role, and that `triples` do not state."""
    if not forms:
        return []
    by_role, kinds = _unqualified_plan(forms)
    # One lookup a triple, as in chain_links: this runs for each of 50,000 records in a build.
    role_of: dict = {}
    events: dict = {}
    agents: dict = {}
    stated = set()
    for t in triples:
        kind = kinds.get(t.predicate)
        if kind is None:
            continue
        if kind == "role":
            if t.object in by_role:
                role_of[t.subject] = by_role[t.object]
        elif kind == "event":
            events.setdefault(t.subject, []).append(t.object)
        elif kind == "agent":
            agents.setdefault(t.subject, []).append(t.object)
        else:
            stated.add(t)
    links = {ox.Triple(event, prop, agent)
             for participation, prop in role_of.items()
             for event in events.get(participation, ()) for agent in agents.get(participation, ())
             if not isinstance(event, ox.Literal)}
    return sorted(links - stated, key=lambda t: (t.predicate.value, str(t.subject), str(t.object)))


@functools.lru_cache(maxsize=8)
def _unqualified_plan(forms: frozenset[UnqualifiedForm]) -> tuple[dict[ox.NamedNode, ox.NamedNode], dict[ox.NamedNode, str]]:
    """Each role's derived property; and what each predicate that matters is to unqualified_links."""
    by_role = {ox.NamedNode(f.role): ox.NamedNode(f.derived) for f in forms}
    kinds = {prop: "derived" for prop in by_role.values()}
    kinds.update({CKG.role: "role", CKG.event: "event", CKG.agent: "agent"})
    return by_role, kinds


def property_chains(triples: Iterable[ox.Triple]) -> frozenset[PropertyChain]:
    """The chains of ckg: properties, each step a ckg: property or `[ owl:inverseOf ckg:p ]`. A chain
    of ckg: property with any other step is refused: its links could not be worked out, and a query
    relying on them would silently miss rows."""
    by_subject: dict[ox.NamedNode | ox.BlankNode, dict[ox.NamedNode, list]] = {}
    heads = []
    for t in triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
        if t.predicate == OWL.propertyChainAxiom and _is_ckg(t.subject):
            heads.append((t.subject, t.object))

    def one(node, predicate):
        values = by_subject.get(node, {}).get(predicate, [])
        return values[0] if len(values) == 1 else None

    chains = set()
    for derived, head in heads:
        steps = []
        node = head
        while node != RDF.nil:
            first = one(node, RDF.first)
            if first is None or len(steps) > 100:
                raise _chain_problem(derived, "its owl:propertyChainAxiom is not a well-formed list")
            inverse = one(first, OWL.inverseOf) if isinstance(first, ox.BlankNode) else None
            prop = inverse if inverse is not None else first
            if not _is_ckg(prop):
                raise _chain_problem(derived, f"step {len(steps) + 1} is not a ckg: property or [ owl:inverseOf ckg:property ]")
            steps.append(ChainStep(prop.value, inverse is not None))
            node = one(node, RDF.rest)
            if node is None:
                raise _chain_problem(derived, "its owl:propertyChainAxiom is not a well-formed list")
        if len(steps) < 2:
            raise _chain_problem(derived, "a property chain needs at least two steps")
        chains.add(PropertyChain(derived.value, tuple(steps)))
    return frozenset(chains)


def _chain_problem(derived: ox.NamedNode, what: str) -> RecordError:
    return RecordError([Problem(ONTOLOGY_PATH, f"property chain of {derived.value}: {what}")])


def chain_links(triples: list[ox.Triple], chains: frozenset[PropertyChain]) -> list[ox.Triple]:
    """The `x derived y` triples the chains give among `triples` (one graph's) and that it does not state.
    Repeated until nothing is added, as a chain may follow another chain's property."""
    if not chains:
        return []
    ordered, followed, recursive = _chain_plan(chains)
    pairs: dict[str, set[tuple]] = {}
    for t in triples:
        # Only the properties the chains follow: a record has about a hundred triples, and 50,000 records.
        name = followed.get(t.predicate)
        if name is not None:
            pairs.setdefault(name, set()).add((t.subject, t.object))
    if not pairs:
        return []
    added: list[ox.Triple] = []
    while True:
        new = []
        for chain in ordered:
            reached = _step_pairs(pairs, chain.steps[0])
            for step in chain.steps[1:]:
                if not reached:
                    break
                onward: dict = {}
                for start, end in _step_pairs(pairs, step):
                    onward.setdefault(start, []).append(end)
                reached = {(a, c) for a, b in reached for c in onward.get(b, ())}
            known = pairs.setdefault(chain.derived, set())
            for start, end in reached:
                # Followed backwards, a step can end at a literal, which cannot be a subject.
                if (start, end) not in known and not isinstance(start, ox.Literal):
                    known.add((start, end))
                    new.append(ox.Triple(start, ox.NamedNode(chain.derived), end))
        added += new
        if not new or not recursive:
            break
    return sorted(added, key=lambda t: (t.predicate.value, str(t.subject), str(t.object)))


@functools.lru_cache(maxsize=8)
def _chain_plan(chains: frozenset[PropertyChain]) -> tuple[list[PropertyChain], dict[ox.NamedNode, str], bool]:
    """The chains in a stable order; each property they follow or derive, by its IRI; and whether a
    chain follows another's derived property (only then is a second pass worth making)."""
    followed = {step.prop for chain in chains for step in chain.steps}
    derived = {chain.derived for chain in chains}
    return sorted(chains), {ox.NamedNode(name): name for name in followed | derived}, bool(followed & derived)


def _step_pairs(pairs: dict[str, set[tuple]], step: ChainStep) -> set[tuple]:
    found = pairs.get(step.prop, set())
    return {(end, start) for start, end in found} if step.inverse else found


def _is_ckg(term) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(CKG_NS)
