"""The whole store as one quad file (N-Quads or TriG), streamed: never held in memory.

An embedded store is written by pyoxigraph's own dump; any other store (an endpoint) by
serialising its quads as they are read: the Oxigraph server's in one streamed answer, other
endpoints' one graph (page) at a time. A file is written beside its
final name and renamed at the end, so a failed export leaves no half-written file behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .errors import ConfigError
from .store.base import GraphStore
from .store.embedded import EmbeddedStore

FORMATS: dict[str, ox.RdfFormat] = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def rdf_format(name: str) -> ox.RdfFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise ConfigError(f"export format {name!r}: expected one of {', '.join(FORMATS)}") from None


def write(store: GraphStore, output: BinaryIO, fmt: str = "nquads") -> None:
    rdf = rdf_format(fmt)
    if isinstance(store, EmbeddedStore):
        store.oxigraph.dump(output, format=rdf)
    else:
        ox.serialize(store.quads(), output, format=rdf)
    output.flush()


def write_file(store: GraphStore, path: Path, fmt: str = "nquads") -> None:
    rdf_format(fmt)
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give a file name to export to")
    if not path.parent.is_dir():
        raise ConfigError(f"{path.parent}: folder does not exist")
    partial = path.parent / f".{path.name}.{uuid.uuid4().hex}.partial"
    try:
        with open(partial, "wb") as handle:
            write(store, handle, fmt)
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
