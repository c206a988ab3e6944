"""Tracing a result back to its record file: the named graph holding the focus node's rdf:type,
and that graph's `ckg:sourceFile` in the load metadata graph (docs/model.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import unquote

import pyoxigraph as ox

from ..project import Project
from ..store.base import GraphStore
from .results import ValidationResult

_BATCH = 2000

_SOURCES = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?focus ?g ?file ?label ?key WHERE {
  VALUES ?focus { %s }
  { GRAPH ?g { ?focus a ?type } OPTIONAL { ?g ckg:sourceFile ?file } }
  UNION { ?focus rdfs:label ?label }
  UNION { ?focus ckg:key ?key }
}
"""


def describe(store: GraphStore, project: Project, focus_nodes: Iterable) -> dict:
    """focus node → (source files, label, key); only named nodes can be looked up."""
    named = sorted({f for f in focus_nodes if isinstance(f, ox.NamedNode)}, key=lambda f: f.value)
    files: dict = defaultdict(set)
    labels: dict = defaultdict(list)
    keys: dict = {}
    prefix = project.base_iri + "graph/"
    for start in range(0, len(named), _BATCH):
        batch = named[start:start + _BATCH]
        # Many rows, so a VALUES block rather than sparql.bind's one; the terms are written by pyoxigraph.
        head, tail = _SOURCES.split("%s")
        query = head + " ".join(str(f) for f in batch) + tail
        for focus, graph, file, label, key in store.select(query).rows:
            if graph is not None:
                if file is not None:
                    files[focus].add(file.value)
                elif graph.value.startswith(prefix) and graph.value != prefix + "meta":
                    files[focus].add(unquote(graph.value[len(prefix):]))
            if label is not None:
                labels[focus].append(label)
            if key is not None:
                keys.setdefault(focus, key.value)
    return {f: (tuple(sorted(files.get(f, ()))), _pick_label(labels.get(f, [])), keys.get(f)) for f in named}


def _pick_label(labels: list[ox.Literal]) -> str | None:
    if not labels:
        return None
    return sorted(labels, key=lambda l: (l.language not in ("en", None), l.value))[0].value


def with_provenance(store: GraphStore, project: Project, results: list[ValidationResult]) -> list[ValidationResult]:
    known = describe(store, project, (r.focus for r in results))
    return [r.with_provenance(*known[r.focus]) if r.focus in known else r for r in results]
