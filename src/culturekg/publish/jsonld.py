"""Compact JSON-LD written directly from canonical quads, with a published `@context`.

The context is only prefixes, so compaction is a prefix match and needs no JSON-LD processor (and
nothing is ever fetched): a reader gets `"ckg:startDate"` instead of the full IRI. The context is
embedded in every document and also published as `context.jsonld`. Output is sorted, so equal graphs
give equal bytes. Every document is parsed back by pyoxigraph's JSON-LD parser before release.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

import pyoxigraph as ox

from ..vocab import PREFIXES, RDF, XSD
from .canonical import GraphName
from .limits import UnrepresentableTerm, check_json

_RDF_TYPE = RDF.type
_GEN_DELIMS = ("/", "#", ":", "?", "@", "[", "]")


def context(base_iri: str) -> dict[str, str]:
    """Prefix definitions; each namespace ends in a gen-delim so JSON-LD 1.1 treats it as a prefix."""
    prefixes = dict(PREFIXES)
    prefixes["ckgid"] = f"{base_iri}id/"
    assert all(ns.endswith(_GEN_DELIMS) for ns in prefixes.values())
    return dict(sorted(prefixes.items()))


class Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so ckgid: wins over a shorter namespace that also matches.
        self._by_length = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._names = set(prefixes)
        # The same IRIs (properties, classes, linked entities) come back again and again.
        self._cache: dict[str, str] = {}

    def iri(self, value: str) -> str:
        compacted = self._cache.get(value)
        if compacted is None:
            compacted = self._cache[value] = self._compact(value)
        return compacted

    def _compact(self, value: str) -> str:
        for name, namespace in self._by_length:
            if value.startswith(namespace) and len(value) > len(namespace):
                suffix = value[len(namespace):]
                if not suffix.startswith("//"):
                    return f"{name}:{suffix}"
        scheme = value.split(":", 1)[0]
        if scheme in self._names or scheme == "_":
            raise UnrepresentableTerm(
                f"IRI <{value}> has the scheme {scheme!r}, which the JSON-LD context uses as a prefix; "
                "a reader would expand it to a different IRI"
            )
        return value

    def node_id(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return self.iri(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
        if not isinstance(term, ox.Literal):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if term.datatype.value == XSD.string.value:
            return term.value
        return {"@type": self.iri(term.datatype.value), "@value": term.value}


def _nodes(triples: Iterable[ox.Triple], compact: Compactor) -> list[dict]:
    """Node objects in the order their subjects first appear; values in the order given. The input is
    sorted (canonical.sorted_quads), so the output is deterministic without sorting again."""
    nodes: dict[str, dict] = {}
    for triple in triples:
        subject = compact.node_id(triple.subject)
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {"@id": subject}
        if triple.predicate == _RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact.iri(triple.object.value))
        else:
            node.setdefault(compact.iri(triple.predicate.value), []).append(compact.value(triple.object))
    return [_streaming_order(node) for node in nodes.values()]


def _streaming_order(node: dict) -> dict:
    """Keys in the order JSON-LD's streaming document form asks (@type, then @id, then the properties,
    here sorted), so that a streaming parser can read a dump of any size; one value is not a list."""
    ordered = {}
    if "@type" in node:
        ordered["@type"] = node.pop("@type")
    ordered["@id"] = node.pop("@id")
    for key in sorted(node):
        ordered[key] = node[key]
    return {key: values[0] if isinstance(values, list) and len(values) == 1 else values for key, values in ordered.items()}


@lru_cache(maxsize=8)
def _compactor(base_iri: str) -> Compactor:
    # One per base IRI, so its cache serves every entity document of a release.
    return Compactor(context(base_iri))


def document(quads: Iterable[ox.Quad], base_iri: str) -> dict:
    """A JSON-LD document holding the quads; named graphs are kept as `@graph` of their graph node."""
    quads = list(quads)
    check_json(quads)
    ctx = context(base_iri)
    compact = _compactor(base_iri)
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else compact.node_id(quad.graph_name)
        by_graph.setdefault(key, []).append(quad.triple)
    top = {node["@id"]: node for node in _nodes(by_graph.pop("", []), compact)}
    for key, triples in by_graph.items():
        holder = top.setdefault(key, {"@id": key})
        holder["@graph"] = _nodes(triples, compact)
    return {"@context": ctx, "@graph": list(top.values())}


def _line(value: object) -> str:
    # Not sort_keys: nodes come in streaming order (_streaming_order), every other object is made sorted.
    return json.dumps(value, ensure_ascii=False)


def dumps(doc: dict) -> bytes:
    """One node per line: readable, diffable, and written by the C JSON encoder (indent= is pure Python)."""
    lines = ["{", f' "@context": {_line(doc["@context"])},', ' "@graph": [']
    nodes = doc["@graph"]
    for i, node in enumerate(nodes):
        comma = "," if i < len(nodes) - 1 else ""
        inner = node.get("@graph")
        if inner is None:
            lines.append(f"  {_line(node)}{comma}")
            continue
        head = {k: v for k, v in node.items() if k != "@graph"}
        lines.append("  " + _line(head)[:-1] + (", " if len(head) > 0 else "") + '"@graph": [')
        lines.extend(f"   {_line(n)}{',' if j < len(inner) - 1 else ''}" for j, n in enumerate(inner))
        lines.append(f"  ]}}{comma}")
    lines.append(" ]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_dump(by_graph: Callable[[], Iterable[tuple[GraphName, list[ox.Triple]]]], graphs: list[GraphName],
               base_iri: str, output) -> None:
    """The whole graph as one document, written one named graph at a time, laid out as `dumps` lays
    out a document. A node of the default graph named like a graph is written with that graph's
    `@graph`, where the graph comes. A value JSON cannot carry stops the writing (the caller
    throws the partial file away)."""
    compact = _compactor(base_iri)
    names = {compact.node_id(g) for g in graphs if not isinstance(g, ox.DefaultGraph)}
    output.write(f'{{\n "@context": {_line(context(base_iri))},\n "@graph": ['.encode())
    first = True
    waiting: dict[str, dict] = {}

    def item(text: str) -> None:
        nonlocal first
        output.write(("\n  " if first else ",\n  ").encode("utf-8") + text.encode("utf-8"))
        first = False

    for graph, triples in by_graph():
        check_json(triples)
        if isinstance(graph, ox.DefaultGraph):
            for node in _nodes(triples, compact):
                if node["@id"] in names:
                    waiting[node["@id"]] = node
                else:
                    item(_line(node))
            continue
        key = compact.node_id(graph)
        head = waiting.pop(key, {"@id": key})
        inner = ",\n".join(f"   {_line(node)}" for node in _nodes(triples, compact))
        item(f'{_line(head)[:-1]}, "@graph": [\n{inner}\n  ]}}')
    output.write(b"\n ]\n}\n")


def context_document(base_iri: str) -> bytes:
    return (json.dumps({"@context": context(base_iri)}, indent=1, sort_keys=True) + "\n").encode("utf-8")


def for_script(doc: dict) -> str:
    """JSON for an HTML <script> element: '<' escaped, so '</script>' in a literal cannot end the element."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
