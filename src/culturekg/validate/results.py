"""One validation result, and a report of them grouped by the record file each came from.

Terms are pyoxigraph terms whichever engine produced them, so results of the two engines compare
as plain values and the Turtle report is written by pyoxigraph.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..vocab import RDF, SH

Term = ox.NamedNode | ox.BlankNode | ox.Literal

SEVERITY_ORDER = {SH.Violation.value: 0, SH.Warning.value: 1, SH.Info.value: 2}
NO_SOURCE = "(no record file)"


@dataclass(frozen=True)
class ValidationResult:
    focus: Term
    component: ox.NamedNode
    source_shape: ox.NamedNode | ox.BlankNode
    severity: ox.NamedNode
    path: Term | None = None
    value: Term | None = None
    message: str = ""
    # The sh:sparql node of a SPARQL-based constraint: one shape may carry several.
    source_constraint: Term | None = None
    # Filled by provenance (see provenance.py); not part of the result's identity.
    source_files: tuple[str, ...] = field(default=(), compare=False)
    focus_label: str | None = field(default=None, compare=False)
    focus_key: str | None = field(default=None, compare=False)
    shape_name: str | None = field(default=None, compare=False)
    path_text: str | None = field(default=None, compare=False)

    @property
    def identity(self) -> tuple:
        """What two engines must agree on: focus, path, constraint component, source shape, value."""
        return (
            _text(self.focus), _text(self.path), self.component.value, _text(self.source_shape),
            _text(self.value), _text(self.source_constraint),
        )

    @property
    def is_violation(self) -> bool:
        return self.severity == SH.Violation

    def with_provenance(self, files: tuple[str, ...], label: str | None, key: str | None) -> ValidationResult:
        return replace(self, source_files=files, focus_label=label, focus_key=key)


def _text(term: Term | None) -> str:
    return "" if term is None else str(term)


def _short(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        from ..vocab import PREFIXES

        for prefix, base in PREFIXES.items():
            if term.value.startswith(base) and "/" not in term.value[len(base):]:
                return f"{prefix}:{term.value[len(base):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value if term.datatype.value.endswith("#string") else str(term)
    return str(term)


@dataclass
class ValidationReport:
    results: list[ValidationResult]
    engine: str
    # Constraint components the fast engine handed to pySHACL (empty for pure engines).
    delegated: tuple[str, ...] = ()
    # Incremental validation: how many nodes were revalidated (None: all of them).
    revalidated: int | None = None

    @property
    def conforms(self) -> bool:
        return not any(r.is_violation for r in self.results)

    def by_source_file(self) -> dict[str, list[ValidationResult]]:
        """Results per record file; a result whose focus node is typed in two files is listed under both."""
        groups: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in self.sorted_results():
            for source in result.source_files or (NO_SOURCE,):
                groups[source].append(result)
        return dict(sorted(groups.items()))

    def sorted_results(self) -> list[ValidationResult]:
        return sorted(self.results, key=lambda r: (SEVERITY_ORDER.get(r.severity.value, 3), r.identity))

    def counts(self) -> dict[str, int]:
        """Results per severity, by local name: {'Violation': 3, 'Warning': 1}."""
        counts: dict[str, int] = defaultdict(int)
        for result in self.results:
            counts[result.severity.value.rsplit("#", 1)[-1]] += 1
        return dict(counts)

    def to_json(self) -> dict:
        """Documented in docs/validation.md: files → results with terms in N-Triples syntax plus readable fields."""
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "delegated_to_pyshacl": list(self.delegated),
            "revalidated_nodes": self.revalidated,
            "counts": self.counts(),
            "files": [
                {"file": source, "results": [_result_json(r) for r in results]}
                for source, results in self.by_source_file().items()
            ],
        }

    def to_text(self) -> str:
        lines = []
        for source, results in self.by_source_file().items():
            lines.append(f"{source}:")
            for r in results:
                who = r.focus_key or _short(r.focus)
                if r.focus_label:
                    who += f' "{r.focus_label}"'
                where = f" {r.path_text or _short(r.path)}" if r.path is not None else ""
                value = f" = {_short(r.value)}" if r.value is not None else ""
                severity = r.severity.value.rsplit("#", 1)[-1]
                lines.append(f"  {severity}: {who}{where}{value}: {r.message or r.component.value.rsplit('#', 1)[-1]}")
                lines.append(f"      shape {r.shape_name or _short(r.source_shape)}, {_short(r.component)}")
        counts = self.counts()
        summary = ", ".join(f"{n} {k.lower()}{'s' if n != 1 else ''}" for k, n in sorted(counts.items())) or "no results"
        lines.append(f"{'conforms' if self.conforms else 'does not conform'}: {summary}")
        return "\n".join(lines) + "\n"

    def to_triples(self) -> list[ox.Triple]:
        """The sh:ValidationReport graph (SHACL §3.6)."""
        report = ox.BlankNode()
        triples = [
            ox.Triple(report, RDF.type, SH.ValidationReport),
            ox.Triple(report, SH.conforms, ox.Literal("true" if self.conforms else "false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        ]
        for r in self.sorted_results():
            node = ox.BlankNode()
            triples += [
                ox.Triple(report, SH.result, node),
                ox.Triple(node, RDF.type, SH.ValidationResult),
                ox.Triple(node, SH.focusNode, r.focus),
                ox.Triple(node, SH.resultSeverity, r.severity),
                ox.Triple(node, SH.sourceConstraintComponent, r.component),
                ox.Triple(node, SH.sourceShape, r.source_shape),
            ]
            if r.path is not None:
                triples.append(ox.Triple(node, SH.resultPath, r.path))
            if r.value is not None:
                triples.append(ox.Triple(node, SH.value, r.value))
            if r.source_constraint is not None:
                triples.append(ox.Triple(node, SH.sourceConstraint, r.source_constraint))
            if r.message:
                triples.append(ox.Triple(node, SH.resultMessage, ox.Literal(r.message)))
        return triples

    def to_turtle(self, extra_triples: list[ox.Triple] = ()) -> str:
        """`extra_triples` carries the structure of blank-node paths and shapes the results point at."""
        from ..vocab import PREFIXES

        return ox.serialize(self.to_triples() + list(extra_triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")


def _result_json(r: ValidationResult) -> dict:
    return {
        "focus": _text(r.focus),
        "focus_key": r.focus_key,
        "focus_label": r.focus_label,
        "path": _text(r.path) or None,
        "path_text": r.path_text,
        "value": _text(r.value) or None,
        "severity": r.severity.value.rsplit("#", 1)[-1],
        "message": r.message,
        "source_shape": _text(r.source_shape),
        "shape": r.shape_name,
        "constraint_component": r.component.value,
        "source_constraint": _text(r.source_constraint) or None,
        "source_files": list(r.source_files),
    }


def dumps(report: ValidationReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)
