"""reach.py: how far from $this a SPARQL-based constraint reads, or Unbounded when it cannot tell."""

from __future__ import annotations

import pytest

from culturekg.validate.reach import Unbounded, query_reach

SC = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


@pytest.mark.parametrize(("query", "reach", "inverse"), [
    ("SELECT $this WHERE { $this <urn:p> ?v }", 0, False),
    ("SELECT $this ?v WHERE { $this <urn:p> ?v . ?v <urn:q> ?w }", 1, False),
    ("SELECT $this WHERE { $this <urn:p>/<urn:q> ?v }", 1, False),
    ("SELECT $this WHERE { ?x <urn:p> $this . ?x <urn:q> ?w }", 1, True),
    ("SELECT $this WHERE { $this ^<urn:p> ?x }", 1, True),
    ("SELECT $this WHERE { $this <urn:p> ?x FILTER NOT EXISTS { ?x <urn:q> ?y . ?y <urn:r> ?z } }", 2, False),
    ("SELECT $this WHERE { $this <urn:p> ?x OPTIONAL { ?x <urn:q> ?y } }", 1, False),
    ("SELECT $this (COUNT(?r) AS ?n) WHERE { OPTIONAL { $this <urn:r> ?r } } GROUP BY $this HAVING (COUNT(?r) > 1)", 0, False),
    ("SELECT $this WHERE { VALUES (?p) { (<urn:p>) } $this ?p ?v . ?v <urn:q> ?w }", 1, False),
])
def test_bounded(query, reach, inverse):
    found = query_reach(query)
    assert (found.reach, found.inverse, found.closure) == (reach, inverse, frozenset())


def test_a_trailing_repeated_predicate_is_named_for_the_caller_to_guard():
    found = query_reach(f"SELECT $this WHERE {{ $this <urn:p> ?v FILTER NOT EXISTS {{ ?v <urn:t>/<{SC}>* <urn:C> }} }}")
    # ?v's own rdf:type triple is one edge away; the sh:subClassOf triples are the caller's to guard.
    assert (found.reach, found.closure) == (1, frozenset({SC}))


@pytest.mark.parametrize("query", [
    "SELECT $this WHERE { $this <urn:p> ?x . ?y <urn:q> ?z }",  # not joined to $this
    "SELECT $this WHERE { { $this <urn:p> ?x } UNION { ?x <urn:q> ?z } }",
    "SELECT $this WHERE { $this <urn:p>* ?x . ?x <urn:q> ?z }",  # read past an unbounded path
    "SELECT $this WHERE { $this (<urn:p>/<urn:q>)* ?x }",  # a repeated sequence
    "SELECT $this WHERE { $this <urn:p> ?x BIND(?x AS ?y) ?y <urn:q> ?z }",  # BIND does not join
    "SELECT ?v WHERE { $this <urn:p> ?v } GROUP BY ?v",  # groups mixing focus nodes
    "SELECT $this WHERE { $this <urn:p> ?x } LIMIT 3",
    "SELECT $this WHERE { $this <urn:p> ?x { SELECT ?x WHERE { ?x <urn:q> ?y } } }",
    "SELECT $this WHERE { GRAPH ?g { $this <urn:p> ?x } }",
    "SELECT $this WHERE { $this <urn:p> ?x FILTER NOT EXISTS { ?y <urn:q> ?z } }",
    "SELECT $this WHERE { <urn:a> <urn:p> <urn:b> }",
    "not sparql at all {",
])
def test_unbounded(query):
    with pytest.raises(Unbounded):
        query_reach(query)
