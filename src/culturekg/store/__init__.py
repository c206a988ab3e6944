"""Where the graph lives: embedded Oxigraph (on disk or in memory), or a SPARQL 1.1 endpoint."""

from .base import GraphChange, GraphStore, QueryResult
from .embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "GraphChange", "GraphStore", "QueryResult"]
