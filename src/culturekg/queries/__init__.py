"""Stored queries: the catalogue in `queries/*.rq`, the runner that binds typed parameters, output formats."""

from .catalogue import Param, StoredQuery, find, load
from .runner import QueryParamError, run

__all__ = ["Param", "QueryParamError", "StoredQuery", "find", "load", "run"]
