"""The fast engine: the shapes compiled into SPARQL over the store, pySHACL only for what is not compiled.

- Targets become one SELECT DISTINCT ?this pattern (sh:targetClass expanded to its subclasses).
- Cardinality, sh:hasValue and sh:uniqueLang become GROUP BY / NOT EXISTS queries.
- Constraints on single value nodes (values.py) are decided once per DISTINCT value, then the store
  names the focus nodes of the failing values.
- sh:sparql constraints and SPARQL-based constraint components run as written, with the focus nodes
  joined in (sparql_constraints.py, components.py).
- sh:or, sh:and, sh:not, sh:xone and sh:node over shapes with paths: the member shapes are evaluated
  the same way on the value nodes, and a value conforms to a member when it has no result there.
- Anything else (sh:closed, property pairs, qualified shapes, ...) stays in a reduced shapes graph
  that pySHACL validates; the report's `delegated` names those components.

Generated query text is made of fixed keywords, terms of the shapes graph written by pyoxigraph and
integers; nothing is formatted from a user's string.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from ..sparql import QueryRefused
from ..store.base import GraphStore
from .components import Component, components, validator_query
from .paths import SparqlPath, UnsupportedPath, sparql_path
from .reach import Reach, Unbounded, query_reach, reach_key
from .results import ValidationResult
from .shapes import CORE_COMPONENTS, MAIN_PARAMETER, Shape, Shapes
from .sparql_constraints import UnsupportedSparql, message, sparql_constraint, with_focus
from .terms import to_ox, to_rdflib
from .values import LOGICAL_RULES, Check, Types, Unsupported, compile_check, failing

Node = rdflib.term.Node
_TYPE = str(to_ox(RDF.type))
_MAX_DEPTH = 8
_CARDINALITY = ("MinCountConstraintComponent", "MaxCountConstraintComponent")
_COUNT_COMPONENTS = {"HasValueConstraintComponent", "UniqueLangConstraintComponent"}


class Delegate(Exception):
    """A constraint the fast engine leaves to pySHACL."""


@dataclass(frozen=True)
class Context:
    """Where a shape is evaluated: patterns binding ?this to its focus nodes.

    `focus` is limited to the nodes being revalidated (incremental validation); `full` is not, for
    SPARQL-based constraints whose reach reach.py cannot bound, which are run whole.
    """

    focus: str
    full: str
    depth: int = 0  # how many shapes deep
    distance: int = 0  # how many edges from the targeted focus nodes
    # `focus` is known to bind nothing: the constraints that read only it need not ask the store.
    empty: bool = False
    # The nodes `focus` lists, when it is just their VALUES block.
    nodes: tuple[ox.NamedNode, ...] | None = None


@dataclass
class FastRun:
    results: list[ValidationResult] = field(default_factory=list)
    # (shape, component) pairs pySHACL evaluates, and those the fast engine decided.
    delegated: set[tuple[Node, str]] = field(default_factory=set)
    compiled: set[tuple[Node, str]] = field(default_factory=set)
    # Results of the SPARQL-based constraints run on every focus node, and those constraints as
    # (shape, component, sh:sparql node or None), the key of their results.
    sparql_results: list[ValidationResult] = field(default_factory=list)
    whole: set[tuple] = field(default_factory=set)
    # reach_key(query) → its bound (None: unbounded), for the next run not to parse the queries again.
    reaches: dict[str, Reach | None] = field(default_factory=dict)
    # How many edges from a focus node the core constraints read, and whether a path goes backwards:
    # what incremental validation needs to find the nodes a change can affect.
    reach: int = 0
    inverse: bool = False
    # A SPARQL-based constraint inside a logical member: its reach is unknown.
    unbounded: bool = False


class FastEngine:
    def __init__(self, store: GraphStore, shapes: Shapes, only: set | None = None,
                 touched: frozenset[str] = frozenset(), reaches: dict[str, Reach | None] | None = None) -> None:
        """`only`: restrict the focus nodes to these terms (incremental validation); `touched`: the
        predicates (IRIs) of the triples that changed, which decide whether a SPARQL constraint
        following a `*` or `+` path of them must be rerun on every focus node."""
        self.store = store
        self.shapes = shapes
        self.only = only
        self.touched = touched
        self.reaches = dict(reaches or {})
        self._whole: set[tuple] = set()
        self._down: dict[Node, set[Node]] | None = None
        self._subclass_cache: dict[Node, frozenset[Node]] = {}
        self._ontology_types: dict[Node, set[Node]] = defaultdict(set)
        self._components: list[Component] = components(shapes)
        self.reach = 0
        self.inverse = False
        self.unbounded = False

    # --- classes -------------------------------------------------------------------------------
    def subclasses(self, cls: Node) -> frozenset[Node]:
        """`cls` and its subclasses, from the store and the ontology file (pySHACL mixes that into the data)."""
        if self._down is None:
            down: dict[Node, set[Node]] = defaultdict(set)
            for s, o in self.store.select("SELECT ?s ?o WHERE { ?s " + str(to_ox(RDFS.subClassOf)) + " ?o }").rows:
                down[to_rdflib(o)].add(to_rdflib(s))
            for s, o in self.shapes.ontology_pairs(RDFS.subClassOf):
                down[o].add(s)
            for s, o in self.shapes.ontology_pairs(RDF.type):
                self._ontology_types[s].add(o)
            self._down = down
        if cls not in self._subclass_cache:
            seen, todo = {cls}, [cls]
            while todo:
                for sub in self._down.get(todo.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            self._subclass_cache[cls] = frozenset(seen)
        return self._subclass_cache[cls]

    # --- focus patterns ------------------------------------------------------------------------
    def _target_pattern(self, node: Node) -> str:
        parts = []
        for kind, values in self.shapes.targets(node).items():
            if kind == SH.targetClass:
                classes = sorted({c for v in values for c in self.subclasses(v)}, key=str)
                if any(isinstance(c, rdflib.BNode) for c in classes):
                    raise Delegate("a blank-node class cannot be named in a query")
                parts.append("{ ?this " + _TYPE + " ?_class VALUES ?_class { " + _terms(classes) + " } }")
            elif kind == SH.targetNode:
                if any(isinstance(v, rdflib.BNode) for v in values):
                    raise Delegate("blank-node target nodes")
                parts.append("{ VALUES ?this { " + _terms(values) + " } }")
            else:
                for predicate in values:
                    p = _term(predicate)
                    parts.append("{ ?this " + p + " ?_o }" if kind == SH.targetSubjectsOf else "{ ?_s " + p + " ?this }")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def _context(self, full: str, depth: int, distance: int, *, targets: bool = False) -> Context:
        """`targets`: `full` is a shape's target pattern, which Oxigraph can check one bound ?this at a time."""
        if self.only is None or any(isinstance(t, ox.BlankNode) for t in self.only):
            # Blank nodes cannot be listed in VALUES; results are filtered afterwards.
            return Context(full, full, depth, distance)
        values = " ".join(sorted(str(t) for t in self.only)) or "<urn:culturekg:no-focus-node>"
        if targets:
            # Which revalidated nodes the shape targets, asked once rather than in each of its queries.
            # EXISTS: 3 ms a query at 10,000 events, against 30-55 ms joining VALUES after the target
            # subquery, which Oxigraph evaluates for every target first. Most shapes target none of
            # the few nodes near a change, and then their constraints need no query at all.
            targeted = tuple(row[0] for row in self._query(
                "SELECT ?this WHERE { VALUES ?this { " + values + " } FILTER EXISTS { " + full + " } }"))
            return Context("{ VALUES ?this { " + " ".join(map(str, targeted)) + " } }", full, depth, distance,
                           empty=not targeted, nodes=targeted)
        # Not for value nodes: EXISTS over their parents' subquery is evaluated once per node (seconds).
        return Context("{ SELECT ?this WHERE { " + full + " VALUES ?this { " + values + " } } }", full, depth, distance)

    @staticmethod
    def _values_of(focus: str, path: SparqlPath) -> str:
        """A pattern binding ?this to the value nodes of `path` from the focus nodes of `focus`."""
        return ("{ SELECT DISTINCT ?this WHERE { { SELECT (?this AS ?_parent) WHERE { " + focus
                + " } } ?_parent " + path.text + " ?this } }")

    def _child(self, context: Context, path: SparqlPath | None) -> Context:
        """The focus of a property shape nested in a shape with `path`: that path's value nodes."""
        if path is None:
            return context
        return self._context(self._values_of(context.full, path), context.depth + 1, context.distance + path.length)

    # --- running -------------------------------------------------------------------------------
    def run(self) -> FastRun:
        run = FastRun()
        if any((None, predicate, None) in self.shapes.graph for predicate in (SH.rule, SH.target)):
            # SHACL-AF rules change the data and custom targets need SPARQL targets: all to pySHACL.
            for node in self.shapes.targeted_shapes:
                self._delegate_tree(run, node)
            return run
        for node in self.shapes.targeted_shapes:
            try:
                context = self._context(self._target_pattern(node), 0, 0, targets=True)
            except Delegate:
                self._delegate_tree(run, node)
                continue
            self._visit(run, self.shapes.shape(node), context)
        if self.only is not None:
            run.results = [r for r in run.results if r.focus in self.only]
        run.reach, run.inverse, run.unbounded = self.reach, self.inverse, self.unbounded
        run.whole, run.reaches = self._whole, self.reaches
        return run

    def _visit(self, run: FastRun, shape: Shape, context: Context) -> None:
        if shape.deactivated:
            return
        try:
            path = self._path(shape)
        except Delegate:
            self._delegate_tree(run, shape.node)
            return
        if context.depth > _MAX_DEPTH:
            self._delegate_tree(run, shape.node)
            return
        run.results += self._evaluate(shape, context, path, run)
        for child in shape.properties:
            self._visit(run, self.shapes.shape(child), self._child(context, path))

    def _path(self, shape: Shape) -> SparqlPath | None:
        if shape.path is None:
            return None
        try:
            return sparql_path(self.shapes.graph, shape.path)
        except UnsupportedPath as exc:
            raise Delegate(str(exc)) from exc

    def _delegate_tree(self, run: FastRun, node: Node) -> None:
        shape = self.shapes.shape(node)
        for component in shape.components:
            run.delegated.add((node, component))
        for component in self._components:
            if component.used_by(self.shapes, node) is not None:
                run.delegated.add((node, str(component.node)))
        for child in shape.properties:
            self._delegate_tree(run, child)

    def _evaluate(self, shape: Shape, context: Context, path: SparqlPath | None, run: FastRun | None) -> list[ValidationResult]:
        """The results of the shape's own constraints on the focus nodes of `context`.

        With `run`, a constraint the engine cannot decide is recorded as delegated; without it (a member
        of a logical constraint, which must be decided whole) it raises Delegate.
        """
        if path is not None:
            self.reach = max(self.reach, context.distance + path.length)
            self.inverse = self.inverse or path.inverse
        results: list[ValidationResult] = []
        checks: list[Check] = []
        parts = [(name, values) for name, values in shape.components.items()]
        for component in self._components:
            try:
                bound = component.used_by(self.shapes, shape.node)
            except UnsupportedSparql as exc:
                bound = None
                if run is None:
                    raise Delegate(str(exc)) from exc
                run.delegated.add((shape.node, str(component.node)))
            if bound is not None:
                parts.append((str(component.node), [component, bound]))
        for name, values in parts:
            try:
                if name == "SPARQLConstraintComponent":
                    self.unbounded = self.unbounded or run is None
                    results += self._sparql(shape, context, path, values, run)
                elif name in _CARDINALITY and path is not None:
                    if name == "MinCountConstraintComponent" or "MinCountConstraintComponent" not in shape.components:
                        # One GROUP BY answers sh:minCount and sh:maxCount together.
                        results += self._cardinality(shape, context, path)
                elif name in _COUNT_COMPONENTS and path is not None:
                    results += [r for v in values for r in self._count(shape, context, path, name, v)]
                elif name not in CORE_COMPONENTS:
                    self.unbounded = self.unbounded or run is None
                    results += self._custom(shape, context, path, *values, run=run)
                else:
                    try:
                        checks += [compile_check(self.shapes, shape.node, name, v, self.subclasses) for v in values]
                    except Unsupported:
                        if name not in LOGICAL_RULES:
                            raise Delegate(name)
                        results += self._logical(shape, context, path, name, values)
            except (Delegate, UnsupportedSparql, QueryRefused) as exc:
                if run is None:
                    raise Delegate(str(exc)) from exc
                run.delegated.add((shape.node, name))
                continue
            if run is not None:
                run.compiled.add((shape.node, name))
        if checks:
            results += self._value_checks(shape, context, path, checks)
        return results

    def _query(self, text: str):
        return self.store.select(text).rows

    def _value_step(self, path: SparqlPath | None) -> str:
        return f"?this {path.text} ?v" if path is not None else "BIND(?this AS ?v)"

    def _value_checks(self, shape: Shape, context: Context, path: SparqlPath | None, checks: list[Check]):
        if context.empty:
            return []
        step = self._value_step(path)
        distinct = "SELECT DISTINCT ?v WHERE { " + context.focus + " " + step + " }"
        types: Types = {}
        if any(c.needs_types for c in checks):
            query = "SELECT ?v ?t WHERE { { " + distinct + " } OPTIONAL { ?v " + _TYPE + " ?t } }"
            found: dict[Node, set[Node]] = defaultdict(set)
            for v, t in self._query(query):
                own = found[to_rdflib(v)]  # a value without any type is still a value
                if t is not None:
                    own.add(to_rdflib(t))
            for value, own in found.items():
                types[value] = frozenset(own | self._ontology_types.get(value, set()))
            values = list(found)
        else:
            values = [to_rdflib(row[0]) for row in self._query(distinct)]
        bad: dict[Node, list[str]] = defaultdict(list)
        for check, value in failing(checks, values, types):
            bad[value].append(check.component)
        return [self._result(shape, focus, component, value)
                for focus, value, component in self._focus_of(context, path, bad)]

    def _focus_of(self, context: Context, path: SparqlPath | None, bad: dict[Node, list[str]]):
        """(focus node, value, component) for each value that failed, from the store."""
        if not bad:
            return []
        if path is None:
            # A node shape's value node is its focus node: no need to ask the store which one it was.
            return [(to_ox(v), to_ox(v), component) for v, components in bad.items() for component in components]
        step = self._value_step(path)
        named = [v for v in bad if not isinstance(v, rdflib.BNode)]
        rows = []
        if named:
            rows += self._query("SELECT DISTINCT ?this ?v WHERE { " + context.focus + " " + step
                                + " VALUES ?v { " + _terms(named) + " } }")
        if len(named) < len(bad):
            blank = {to_ox(v) for v in bad if isinstance(v, rdflib.BNode)}
            rows += [r for r in self._query("SELECT DISTINCT ?this ?v WHERE { " + context.focus + " " + step
                                             + " FILTER(isBlank(?v)) }") if r[1] in blank]
        return [(focus, value, component) for focus, value in rows for component in bad[to_rdflib(value)]]

    def _cardinality(self, shape: Shape, context: Context, path: SparqlPath) -> list[ValidationResult]:
        """sh:minCount and sh:maxCount (§4.2): the focus nodes with too few or too many value nodes."""
        if context.empty:
            return []
        minimum = max((int(v) for v in shape.components.get("MinCountConstraintComponent", [])), default=None)
        maximum = min((int(v) for v in shape.components.get("MaxCountConstraintComponent", [])), default=None)
        tests = []
        if minimum is not None:
            tests.append("COUNT(DISTINCT ?v) < " + str(minimum))
        if maximum is not None:
            tests.append("COUNT(DISTINCT ?v) > " + str(maximum))
        query = ("SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE { " + context.focus + " OPTIONAL { ?this " + path.text
                 + " ?v } } GROUP BY ?this HAVING (" + " || ".join(tests) + ")")
        results = []
        for focus, n in self._query(query):
            count = int(n.value)
            for component, limits in (("MinCountConstraintComponent", shape.components.get("MinCountConstraintComponent", [])),
                                      ("MaxCountConstraintComponent", shape.components.get("MaxCountConstraintComponent", []))):
                for limit in limits:
                    if (count < int(limit)) if component.startswith("Min") else (count > int(limit)):
                        results.append(self._result(shape, focus, component))
        return results

    def _count(self, shape: Shape, context: Context, path: SparqlPath, component: str, value: Node):
        if context.empty:
            return []
        focus = context.focus
        if component == "HasValueConstraintComponent":
            if isinstance(value, rdflib.BNode):
                raise Delegate("blank-node sh:hasValue")
            query = "SELECT ?this WHERE { " + focus + " FILTER NOT EXISTS { ?this " + path.text + " " + _term(value) + " } }"
        else:  # sh:uniqueLang
            if value.toPython() is not True:
                return []
            query = ("SELECT DISTINCT ?this WHERE { " + focus + " ?this " + path.text + " ?v FILTER(LANG(?v) != \"\") } "
                     "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)")
        return [self._result(shape, row[0], component) for row in self._query(query)]

    def _logical(self, shape: Shape, context: Context, path: SparqlPath | None, component: str, values: list[Node]):
        """sh:or/and/not/xone/node whose members have paths: decided per value node from the members' results."""
        # The members judge the value nodes of this shape's focus nodes; no further restriction applies.
        inner_focus = context.focus if path is None else self._values_of(context.focus, path)
        # The members are still walked when there is no value node: what they contain decides the
        # engine's reach and whether a run is exact, even where they have nothing to judge.
        inner = Context(inner_focus, inner_focus, context.depth + 1,
                        context.distance + (path.length if path is not None else 0), empty=context.empty)
        every = set() if inner.empty else {to_rdflib(row[0]) for row in self._query("SELECT ?this WHERE { " + inner.focus + " }")}
        rule = LOGICAL_RULES[component]
        bad: dict[Node, list[str]] = defaultdict(list)
        for value in values:
            single = component in ("NotConstraintComponent", "NodeConstraintComponent")
            members = [value] if single else self.shapes.rdf_list(value)
            failing_sets = [self._nonconforming(m, inner) for m in members]
            for node in every:
                ok = sum(1 for failed in failing_sets if node not in failed)
                if not rule(ok, len(members)):
                    bad[node].append(component)
        return [self._result(shape, focus, name, value) for focus, value, name in self._focus_of(context, path, bad)]

    def _nonconforming(self, node: Node, context: Context) -> set[Node]:
        """The focus nodes of `context` that do not conform to the shape `node` (any result at all)."""
        shape = self.shapes.shape(node)
        if shape.deactivated:
            return set()
        if context.depth > _MAX_DEPTH:
            raise Delegate("shapes nested too deep")
        path = self._path(shape)
        results = self._evaluate(shape, context, path, None)
        for child in shape.properties:
            child_shape = self.shapes.shape(child)
            if path is not None or child_shape.properties:
                raise Delegate("nested property shapes inside a logical member")
            if not child_shape.deactivated:
                results += self._evaluate(child_shape, context, self._path(child_shape), None)
        return {to_rdflib(r.focus) for r in results}

    def _scope(self, query: str, context: Context, run: FastRun | None, constraint: tuple) -> tuple[str, list | None]:
        """Where a SPARQL-based constraint runs: on the focus nodes of `context` when its reach is bounded
        (which then counts in the engine's reach), else on every focus node, its results going to
        `run.sparql_results` (the list returned; None for the caller's own list)."""
        if run is None:
            return context.full, None  # a logical member: the engine is already marked unbounded
        key = reach_key(query)
        if key not in self.reaches:
            try:
                self.reaches[key] = query_reach(query)
            except Unbounded:
                self.reaches[key] = None
        bound = self.reaches[key]
        if bound is None or (self.only is not None and bound.closure & self.touched):
            self._whole.add(constraint)
            return context.full, run.sparql_results
        self.reach = max(self.reach, context.distance + bound.reach)
        self.inverse = self.inverse or bound.inverse
        return context.focus, None

    def _sparql(self, shape: Shape, context: Context, path: SparqlPath | None, nodes: list[Node], run: FastRun | None):
        results = []
        for node in nodes:
            constraint = sparql_constraint(self.shapes, node, path.text if path is not None else None)
            if constraint is None:
                continue
            key = (to_ox(shape.node), to_ox(SH.SPARQLConstraintComponent), to_ox(node))
            focus, elsewhere = self._scope(constraint.query, context, run, key)
            if context.empty and focus == context.focus:
                continue
            found = elsewhere if elsewhere is not None else results
            for row in self._select_rows(with_focus(constraint.query, focus)):
                if row.get("failure") is not None:
                    raise Delegate("a SPARQL constraint reported a failure")
                value = row.get("value")
                if value is None and path is None:
                    value = row.get("this")
                text = message(constraint.messages[0], row) if constraint.messages else ""
                found.append(self._result(shape, row.get("this"), "SPARQLConstraintComponent", value,
                                            path=row.get("path"), source_constraint=to_ox(node), text=text))
        return results

    def _custom(self, shape: Shape, context: Context, path: SparqlPath | None, component: Component, bound: dict,
                *, run: FastRun | None):
        query, messages = validator_query(self.shapes, component, bound, path.text if path is not None else None)
        focus, elsewhere = self._scope(query, context, run, (to_ox(shape.node), to_ox(component.node), None))
        results: list[ValidationResult] = []
        if context.empty and focus == context.focus:
            return results
        found = elsewhere if elsewhere is not None else results
        if focus == context.focus and context.nodes is not None and bound:
            query = validator_query(self.shapes, component, bound, path.text if path is not None else None,
                                    focus=context.nodes)[0]
        else:
            query = with_focus(query, focus)
        for row in self._select_rows(query):
            # As pySHACL: ?value, else for a node shape the focus node itself.
            value = row.get("value")
            if value is None and path is None:
                value = row.get("this")
            scope = {**{k: to_ox(v) for k, v in bound.items()}, **{k: v for k, v in row.items() if v is not None}}
            text = message(messages[0], scope) if messages else ""
            found.append(self._result(shape, row.get("this"), str(component.node), value, path=row.get("path"),
                                        text=text, component_iri=to_ox(component.node)))
        return results

    def _select_rows(self, query: str) -> list[dict]:
        answer = self.store.select(query)
        rows, seen = [], set()
        for row in answer.as_dicts():
            key = (row.get("this"), row.get("path"), row.get("value"))
            if row.get("this") is not None and key not in seen:
                seen.add(key)
                rows.append(row)
        return rows

    def _result(self, shape: Shape, focus, component: str, value=None, *, path=None, source_constraint=None,
                text=None, component_iri=None):
        if path is None and shape.path is not None:
            path = to_ox(shape.path)
        return ValidationResult(
            focus=focus, component=component_iri or to_ox(SH[component]), source_shape=to_ox(shape.node),
            severity=to_ox(shape.severity), path=path, value=value,
            message=text or _message(shape) or _GENERIC.get(component, component), source_constraint=source_constraint,
        )


def reduced_shapes_graph(shapes: Shapes, run: FastRun) -> rdflib.Graph | None:
    """The shapes graph without the constraints the fast engine decided; None when nothing is left for pySHACL."""
    if not run.delegated:
        return None
    g = shapes.graph
    # Shapes that delegated constraints point at (sh:node, sh:or members...) must stay whole.
    keep_whole: set[Node] = set()
    todo = [v for node, name in run.delegated if name in MAIN_PARAMETER for v in g.objects(node, MAIN_PARAMETER[name])]
    while todo:
        node = todo.pop()
        if node in keep_whole:
            continue
        keep_whole.add(node)
        todo += [o for _, o in g.predicate_objects(node) if isinstance(o, (rdflib.BNode, rdflib.URIRef))]
    reduced = rdflib.Graph()
    reduced += g
    custom = {str(c.node): c for c in components(shapes)}
    for node, name in run.compiled - run.delegated:
        if node in keep_whole:
            continue
        parameters = CORE_COMPONENTS[name] if name in CORE_COMPONENTS else tuple(custom[name].parameters)
        for parameter in parameters:
            reduced.remove((node, parameter, None))
    return reduced


def _message(shape: Shape) -> str:
    for m in sorted(shape.messages, key=lambda m: (m.language not in (None, "en"), str(m))):
        return str(m)
    return ""


def _term(node: Node) -> str:
    return str(to_ox(node))


def _terms(nodes) -> str:
    return " ".join(_term(n) for n in nodes)


_GENERIC = {
    "ClassConstraintComponent": "value is not an instance of the required class",
    "DatatypeConstraintComponent": "value is not a well-formed literal of the required datatype",
    "NodeKindConstraintComponent": "value is not of the required node kind",
    "MinCountConstraintComponent": "too few values",
    "MaxCountConstraintComponent": "too many values",
    "HasValueConstraintComponent": "the required value is missing",
    "UniqueLangConstraintComponent": "two values share a language tag",
    "PatternConstraintComponent": "value does not match the required pattern",
    "InConstraintComponent": "value is not one of the allowed values",
    "MinLengthConstraintComponent": "value is too short",
    "MaxLengthConstraintComponent": "value is too long",
    "LanguageInConstraintComponent": "value's language is not allowed",
    "OrConstraintComponent": "value conforms to none of the alternatives",
    "AndConstraintComponent": "value does not conform to all of the shapes",
    "NotConstraintComponent": "value conforms to a shape it must not",
    "XoneConstraintComponent": "value does not conform to exactly one of the shapes",
    "NodeConstraintComponent": "value does not conform to the node shape",
}
