"""Moving terms between pyoxigraph and rdflib, keeping blank-node labels.

The conversions themselves live in culturekg.terms; this module adds what only validation needs.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pyoxigraph as ox
import rdflib

from ..terms import rdflib_graph, to_ox, to_rdflib  # noqa: F401 (the validator's names for them)


def ox_triples(graph: rdflib.Graph) -> list[ox.Triple]:
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph]


@contextmanager
def quiet_rdflib():
    """rdflib logs a traceback for every ill-typed literal it meets; validation reports them instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
