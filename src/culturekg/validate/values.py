"""Constraints on a single value node, decided in Python with the same rules pySHACL applies.

The fast engine asks the store only for the DISTINCT value nodes of a shape (a few thousand dates
or countries even at millions of triples), decides each here once, and asks the store again for the
focus nodes of the values that fail. Deciding them here, on rdflib terms, keeps pySHACL's exact
rules for ill-typed literals, string forms and comparisons (a SPARQL cast disagrees with rdflib
on, for example, "2017-07-24T00:00:00"^^xsd:date). Each class below names its section of SHACL.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from .shapes import Shapes

Node = rdflib.term.Node
# The rdf:type values of each value node, and the reflexive-transitive subclasses of a class.
Types = dict[Node, frozenset[Node]]
Subclasses = Callable[[Node], frozenset[Node]]


class Unsupported(ValueError):
    """The constraint cannot be decided on the value node alone; pySHACL decides it."""


@dataclass(frozen=True)
class Check:
    component: str

    def conforms(self, v: Node, types: Types) -> bool:
        raise NotImplementedError

    @property
    def needs_types(self) -> bool:
        return False


@dataclass(frozen=True)
class ClassCheck(Check):
    """§4.1.1 sh:class: an instance of the class or of a subclass; literals never are."""

    classes: frozenset[Node]

    def conforms(self, v, types):
        return not isinstance(v, rdflib.Literal) and bool(types.get(v, frozenset()) & self.classes)

    @property
    def needs_types(self):
        return True


@dataclass(frozen=True)
class DatatypeCheck(Check):
    """§4.1.2 sh:datatype, with pySHACL's well-formedness test for the datatypes rdflib parses."""

    datatype: Node

    def conforms(self, v, types):
        if not isinstance(v, rdflib.Literal):
            return False
        rule = self.datatype
        if v.datatype == rule:
            return getattr(v, "ill_typed", None) is not True and _actual_datatype(v, rule)
        if rule == RDFS.Literal:
            return True
        if rule == RDFS.Datatype and v.datatype:
            return True
        if v.datatype is None and v.language is None and rule == XSD.string:
            return _actual_datatype(v, rule)
        if rule == RDF.langString and v.language:
            return _actual_datatype(v, rule)
        return False


# pySHACL's DatatypeConstraintComponent._assert_actual_datatype: the Python value rdflib made must fit.
_PYTHON_TYPES = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: datetime.date, XSD.time: datetime.time,
    XSD.dateTime: datetime.datetime,
}


def _actual_datatype(v: rdflib.Literal, rule: Node) -> bool:
    expected = _PYTHON_TYPES.get(rule)
    return expected is None or isinstance(v.value, expected)


_KINDS = {
    SH.BlankNode: {"b"}, SH.IRI: {"i"}, SH.Literal: {"l"}, SH.BlankNodeOrIRI: {"b", "i"},
    SH.BlankNodeOrLiteral: {"b", "l"}, SH.IRIOrLiteral: {"i", "l"},
}


@dataclass(frozen=True)
class NodeKindCheck(Check):
    """§4.1.3 sh:nodeKind."""

    kind: Node

    def conforms(self, v, types):
        key = "b" if isinstance(v, rdflib.BNode) else "l" if isinstance(v, rdflib.Literal) else "i"
        return key in _KINDS.get(self.kind, set())


# As pySHACL 0.40's rdfutil.compare.compare_literal, which this follows so that results agree (the
# tests compare both engines); not imported, because importing pySHACL takes 0.3 s of every run.
# rdflib orders datetimes and times of unlike kinds; pySHACL compares their Python values instead.
_COMPARE_BY_VALUE = (datetime.datetime, datetime.time)


def _compare(l1: rdflib.Literal, l2: rdflib.Literal) -> int:
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in _COMPARE_BY_VALUE:
        if l1.value == l2.value:
            return 0
        if l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


@dataclass(frozen=True)
class RangeCheck(Check):
    """§4.3 sh:minExclusive, sh:minInclusive, sh:maxExclusive, sh:maxInclusive."""

    bound: rdflib.Literal
    accept: Callable[[int], bool]

    def conforms(self, v, types):
        if not isinstance(v, rdflib.Literal):
            return False
        if isinstance(self.bound.value, str) != isinstance(v.value, str):
            return False
        try:
            return self.accept(_compare(v, self.bound))
        except (TypeError, NotImplementedError):
            return False


def _string(v: Node) -> str:
    # pySHACL's string form: the lexical value of strings, the N3 form of other literals, the IRI of IRIs.
    if isinstance(v, rdflib.Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


@dataclass(frozen=True)
class LengthCheck(Check):
    """§4.4.1–2 sh:minLength, sh:maxLength; blank nodes never pass."""

    limit: int
    is_min: bool

    def conforms(self, v, types):
        if isinstance(v, rdflib.BNode):
            return False
        n = len(_string(v))
        return n >= self.limit if self.is_min else n <= self.limit


@dataclass(frozen=True)
class PatternCheck(Check):
    """§4.4.3 sh:pattern with sh:flags (i and m, as pySHACL reads them); blank nodes never pass."""

    regex: re.Pattern

    def conforms(self, v, types):
        return not isinstance(v, rdflib.BNode) and self.regex.search(_string(v)) is not None


@dataclass(frozen=True)
class LanguageInCheck(Check):
    """§4.4.4 sh:languageIn: the tag, or its first subtag, is in the list (case-insensitive)."""

    languages: frozenset[str]

    def conforms(self, v, types):
        if not isinstance(v, rdflib.Literal) or not v.language:
            return False
        lang = str(v.language).lower()
        return "*" in self.languages or lang in self.languages or lang.split("-")[0] in self.languages


@dataclass(frozen=True)
class InCheck(Check):
    """§4.8.3 sh:in: term equality with a member of the list."""

    members: frozenset[Node]

    def conforms(self, v, types):
        return v in self.members


@dataclass(frozen=True)
class HasValueCheck(Check):
    """§4.8.1 sh:hasValue in a shape without a path: the value node is that term."""

    term: Node

    def conforms(self, v, types):
        return v == self.term


@dataclass(frozen=True)
class ShapeCheck:
    """A shape applied to a value node: conforms when all its value-node checks pass."""

    checks: tuple[Check, ...]

    def conforms(self, v, types) -> bool:
        return all(c.conforms(v, types) for c in self.checks)

    @property
    def needs_types(self) -> bool:
        return any(c.needs_types for c in self.checks)


@dataclass(frozen=True)
class LogicalCheck(Check):
    """§4.6 sh:not, sh:and, sh:or, sh:xone over shapes made of value-node constraints only."""

    members: tuple[ShapeCheck, ...]
    rule: Callable[[int, int], bool]  # (how many members conform, how many members) → conforms

    def conforms(self, v, types):
        return self.rule(sum(1 for m in self.members if m.conforms(v, types)), len(self.members))

    @property
    def needs_types(self):
        return any(m.needs_types for m in self.members)


LOGICAL_RULES = {
    "NotConstraintComponent": lambda ok, n: ok == 0,
    "AndConstraintComponent": lambda ok, n: ok == n,
    "OrConstraintComponent": lambda ok, n: ok > 0,
    "XoneConstraintComponent": lambda ok, n: ok == 1,
    "NodeConstraintComponent": lambda ok, n: ok == n,
}
_RANGES = {
    "MinExclusiveConstraintComponent": lambda c: c > 0,
    "MinInclusiveConstraintComponent": lambda c: c >= 0,
    "MaxExclusiveConstraintComponent": lambda c: c < 0,
    "MaxInclusiveConstraintComponent": lambda c: c <= 0,
}
VALUE_COMPONENTS = frozenset({
    "ClassConstraintComponent", "DatatypeConstraintComponent", "NodeKindConstraintComponent",
    "MinLengthConstraintComponent", "MaxLengthConstraintComponent", "PatternConstraintComponent",
    "LanguageInConstraintComponent", "InConstraintComponent", *_RANGES, *LOGICAL_RULES,
})


def compile_check(shapes: Shapes, node: Node, component: str, value: Node, subclasses: Subclasses) -> Check:
    """The check for one parameter value of a shape; raises Unsupported when it is not a value-node check."""
    g = shapes.graph
    if component == "ClassConstraintComponent":
        return ClassCheck(component, subclasses(value))
    if component == "DatatypeConstraintComponent":
        return DatatypeCheck(component, value)
    if component == "NodeKindConstraintComponent":
        return NodeKindCheck(component, value)
    if component in _RANGES:
        if not isinstance(value, rdflib.Literal):
            raise Unsupported(f"{component} needs a literal")
        return RangeCheck(component, value, _RANGES[component])
    if component in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent"):
        return LengthCheck(component, int(value), component.startswith("Min"))
    if component == "PatternConstraintComponent":
        flags = str(g.value(node, SH.flags) or "").lower()
        re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        return PatternCheck(component, re.compile(str(value), re_flags))
    if component == "LanguageInConstraintComponent":
        return LanguageInCheck(component, frozenset(str(x).lower() for x in shapes.rdf_list(value)))
    if component == "InConstraintComponent":
        return InCheck(component, frozenset(shapes.rdf_list(value)))
    if component in LOGICAL_RULES:
        members = [value] if component in ("NotConstraintComponent", "NodeConstraintComponent") else shapes.rdf_list(value)
        return LogicalCheck(component, tuple(value_shape(shapes, m, subclasses) for m in members), LOGICAL_RULES[component])
    raise Unsupported(component)


def value_shape(shapes: Shapes, node: Node, subclasses: Subclasses) -> ShapeCheck:
    """A member shape of a logical constraint, when it constrains only the value node itself."""
    shape = shapes.shape(node)
    if shape.path is not None or shape.properties:
        raise Unsupported("a member shape with a path or property shapes looks beyond the value node")
    if shape.deactivated:
        return ShapeCheck(())
    checks: list[Check] = []
    for component, values in shape.components.items():
        if component == "HasValueConstraintComponent":
            checks += [HasValueCheck(component, v) for v in values]
        elif component in VALUE_COMPONENTS:
            checks += [compile_check(shapes, node, component, v, subclasses) for v in values]
        else:
            raise Unsupported(component)
    return ShapeCheck(tuple(checks))


def failing(checks: Sequence[Check], values: Sequence[Node], types: Types) -> list[tuple[Check, Node]]:
    return [(c, v) for v in values for c in checks if not c.conforms(v, types)]
