"""Whether a store holds what a query relies on the loader having derived from the ontology.

The loader writes superclass types, property chain links and the unqualified links of participations
into each record's graph (mapping.ontology.Entailments), and stored queries use them as plain triple
patterns: `?e a ckg:Event` finds workshops, `?event ckg:participatingSector ?s` follows a chain,
`?event ckg:facilitator ?p` a facilitator's participation. A store built with an ontology
that lacks such an axiom (a project's own copy, an older one) answers those queries with fewer rows and
nothing else to show it. So before a query runs, the ontology the store was built with (its ontology
graph) is compared, for the terms the query names, with the ontology the query was written against:
the shipped one for the shipped catalogue, the project's own for its own queries.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pyoxigraph as ox

from ..errors import RecordError
from ..iris import Minter
from ..mapping.ontology import ONTOLOGY_PATH, Entailments, PropertyChain, entailments, ontology_entailments
from ..project import Project
from ..sparql import mentioned_iris
from ..store.base import GraphStore
from ..vocab import CKG
from .catalogue import StoredQuery
from .formats import display, prefixes

_STORED_SHA = "SELECT ?sha WHERE { GRAPH ?meta { ?graph ?has ?sha } }"


def missing_derivations(store: GraphStore, query: StoredQuery, project: Project) -> list[str]:
    """One sentence for each term `query` names that the ontology it was written against derives and the
    store's own ontology does not; none when the store records no ontology (nothing to compare)."""
    written_against = project.ontology_written_against(query.path)
    built_from = project.ontology_file  # what a build of this project uses, which the advice names
    minter = Minter(project.base_iri)
    ontology_graph = minter.graph(ONTOLOGY_PATH)
    stored = {row[0].value for row in store.select(_STORED_SHA, {"meta": minter.meta_graph, "graph": ontology_graph,
                                                               "has": CKG.sha256}).rows if row[0] is not None}
    sha256 = _file_sha256(written_against)
    if not stored or stored == {sha256}:
        return []
    try:
        have = entailments(q.triple for q in store.quads(ontology_graph))
        wanted = _entailments_of(written_against, sha256)
    except RecordError:
        # A chain no build accepts: the store was not built from it, or the file is being edited (the
        # next build reports it). The check stands aside rather than stop the query.
        return []
    names = prefixes(minter.base)
    found = []
    for iri in sorted(mentioned_iris(query.text)):
        term = ox.NamedNode(iri)
        chains = _chains_of(wanted, iri) - _chains_of(have, iri)
        if chains:
            steps = " ".join(_step(s, names) for s in sorted(chains)[0].steps)
            found.append(f"it follows {display(term, names)}, which {written_against} derives by the property chain "
                         f"( {steps} ) and the ontology the store was built with does not")
        roles = _roles_of(wanted, iri) - _roles_of(have, iri)
        if roles:
            role = display(ox.NamedNode(sorted(roles)[0]), names)
            found.append(f"it follows {display(term, names)}, which {written_against} derives from each participation "
                         f"with the role {role} (ckg:unqualifiedForm) and the ontology the store was built with does not")
        if iri in wanted.transitive - have.transitive:
            found.append(f"it follows {display(term, names)}, which {written_against} declares owl:TransitiveProperty (the "
                         f"loader writes the links that chains of it imply) and the ontology the store was built with does not")
        lacking = _subclasses(wanted, term) - _subclasses(have, term)
        if lacking:
            shown = ", ".join(display(c, names) for c in sorted(lacking, key=lambda c: c.value)[:4])
            more = f" and {len(lacking) - 4} more" if len(lacking) > 4 else ""
            found.append(f"it asks for {display(term, names)}, which {written_against} makes a type of every {shown}{more} "
                         f"and the ontology the store was built with does not")
    if written_against.resolve() == built_from.resolve():
        advice = "`culturekg build` writes what it derives (the store was built before this ontology)."
    else:
        advice = (f"This project builds with its own {built_from}: add the axiom there, or remove that file to build "
                  f"with {written_against}; then `culturekg build`.")
    return [f"query {query.name}: {what}, so its answer can miss rows. {advice}" for what in found]


def _chains_of(entailed: Entailments, iri: str) -> frozenset[PropertyChain]:
    return frozenset(c for c in entailed.chains if c.derived == iri)


def _roles_of(entailed: Entailments, iri: str) -> frozenset[str]:
    return frozenset(f.role for f in entailed.unqualified if f.derived == iri)


def _subclasses(entailed: Entailments, cls: ox.NamedNode) -> set[ox.NamedNode]:
    return {sub for sub, supers in entailed.classes.items() if cls in supers}


def _step(step, names: dict[str, str]) -> str:
    shown = display(ox.NamedNode(step.prop), names)
    return f"[ owl:inverseOf {shown} ]" if step.inverse else shown


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=8)
def _entailments_of(path: Path, sha256: str) -> Entailments:
    # Keyed by content: a long-running server sees an edited ontology file.
    return ontology_entailments(path)
