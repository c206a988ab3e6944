"""SHACL validation of the store, with every result traced to the record file it came from.

`validate(store, project, engine=...)` runs the shapes of `ontology/shapes.ttl` (with the ontology
of `ontology/culturekg.ttl`) over a GraphStore; `validate_store(store, project, state_path(store_dir))`
revalidates only what changed since the state saved beside the store (incremental.py). Engines: "fast" (compiled to SPARQL, see fast.py) and "pyshacl" (the reference).
"""

from .api import ENGINES, count_violations, load_shapes, validate
from .incremental import state_path, validate_incremental, validate_store
from .results import ValidationReport, ValidationResult
from .shapes import Shapes

__all__ = [
    "ENGINES", "Shapes", "ValidationReport", "ValidationResult", "count_violations", "load_shapes", "state_path",
    "validate", "validate_incremental", "validate_store",
]
