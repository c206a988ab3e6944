"""SPARQL-based constraints (SHACL §5): the shapes' own SELECT queries, run on the store as they are.

Instead of one query per focus node with $this pre-bound (what pySHACL does), the focus nodes are
joined in at the start of the query's main pattern, so each constraint is one query over the union graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ..sparql import main_pattern_brace
from .shapes import Shapes

_PREFIX_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)?$")
# pySHACL pre-binds these too; the fast engine leaves queries that use them to pySHACL.
_UNSUPPORTED_VARS = re.compile(r"[?$](currentShape|shapesGraph)\b")


class UnsupportedSparql(ValueError):
    pass


@dataclass(frozen=True)
class SparqlConstraint:
    node: rdflib.term.Node
    query: str
    messages: tuple[str, ...]


def sparql_constraint(shapes: Shapes, node: rdflib.term.Node, path_text: str | None) -> SparqlConstraint | None:
    """The constraint's query with prefixes and $PATH filled in; None when it is deactivated."""
    g = shapes.graph
    deactivated = g.value(node, SH.deactivated)
    if deactivated is not None and deactivated.toPython() is True:
        return None
    select = g.value(node, SH.select)
    if select is None:
        raise UnsupportedSparql(f"sh:sparql node {node} has no sh:select")
    text = str(select)
    if _UNSUPPORTED_VARS.search(text):
        raise UnsupportedSparql("uses $currentShape or $shapesGraph")
    if "$PATH" in text:
        if path_text is None:
            raise UnsupportedSparql("$PATH in a node shape")
        text = text.replace("$PATH", path_text)
    messages = tuple(str(m) for m in g.objects(node, SH.message))
    return SparqlConstraint(node, prefix_declarations(shapes, node) + text, messages)


def prefix_declarations(shapes: Shapes, node: rdflib.term.Node) -> str:
    g = shapes.graph
    lines = []
    for holder in g.objects(node, SH.prefixes):
        for declaration in g.objects(holder, SH.declare):
            prefix, namespace = g.value(declaration, SH.prefix), g.value(declaration, SH.namespace)
            if prefix is None or namespace is None or not _PREFIX_NAME.match(str(prefix)):
                raise UnsupportedSparql(f"malformed sh:declare {declaration}")
            # The namespace goes through pyoxigraph, which refuses anything that is not an IRI.
            lines.append(f"PREFIX {prefix}: {ox.NamedNode(str(namespace))}")
    return "\n".join(sorted(set(lines))) + "\n"


def with_focus(query: str, focus_pattern: str) -> str:
    """The query with the focus nodes joined in first, as if $this were pre-bound to each of them."""
    at = main_pattern_brace(query) + 1
    return query[:at] + " " + focus_pattern + " " + query[at:]


def message(template: str, row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]) -> str:
    """SHACL §5.3.2: {?name} and {$name} in a message are replaced by the solution's values."""
    def value(match: re.Match) -> str:
        term = row.get(match.group(1))
        if term is None:
            return match.group(0)
        return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else str(term)
    return re.sub(r"\{[?$]([A-Za-z0-9_]+)\}", value, template)
