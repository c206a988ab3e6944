"""The reference engine: pySHACL on an in-memory rdflib graph of the store's union graph.

design.md: pySHACL on an oxrdflib-backed graph was 14× slower and reported wrong results, so the
data is copied into rdflib's own memory store first (see terms.rdflib_graph).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from ..errors import CultureKGError
from .results import ValidationResult
from .shapes import Shapes
from .terms import quiet_rdflib, rdflib_graph, to_ox


class EngineError(CultureKGError):
    """The validation engine failed on the shapes (exit status 3 on the command line)."""


def data_graph(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    with quiet_rdflib():
        return rdflib_graph(quads)


def run_pyshacl(data: rdflib.Graph, shapes: Shapes, shacl_graph: rdflib.Graph | None = None) -> list[ValidationResult]:
    """Validate `data` (changed in place: the ontology is mixed into it) and return the results."""
    import pyshacl  # 0.3 s to import: not for runs the fast engine decides alone

    try:
        with quiet_rdflib():
            _, report_graph, _ = pyshacl.validate(
                data,
                shacl_graph=shacl_graph if shacl_graph is not None else shapes.graph,
                ont_graph=shapes.ontology,
                inference="none",
                advanced=False,
                inplace=True,
                allow_warnings=True,
            )
    except Exception as exc:  # pySHACL reports broken shapes with many exception types
        raise EngineError(f"pySHACL failed on {shapes.shapes_file}: {exc}") from exc
    return results_from_graph(report_graph)


def results_from_graph(report: rdflib.Graph) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(None, SH.detail, node) is not None:
            continue  # nested detail of another result, not a result of its own
        def one(predicate):
            value = report.value(node, predicate)
            return None if value is None else to_ox(value)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        results.append(
            ValidationResult(
                focus=one(SH.focusNode),
                component=one(SH.sourceConstraintComponent),
                source_shape=one(SH.sourceShape),
                severity=one(SH.resultSeverity),
                path=one(SH.resultPath),
                value=one(SH.value),
                message=messages[0] if messages else "",
                source_constraint=one(SH.sourceConstraint),
            )
        )
    return results
