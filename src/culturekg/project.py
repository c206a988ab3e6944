"""Where a project's files are, and its few settings.

A project is a folder with `data/` (records), and optionally `queries/`, `ontology/` and a
`culturekg.toml`. Ontology and stored queries fall back to the copies shipped with the package,
so a user's data folder needs only its records.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

DEFAULT_BASE_IRI = "https://w3id.org/culturekg/"
_PACKAGE_DIR = Path(__file__).resolve().parent
# An editable install runs from the source tree; a wheel carries copies under _resources.
_SOURCE_ROOT = _PACKAGE_DIR.parent.parent


def _shipped(name: str) -> Path:
    in_tree = _SOURCE_ROOT / name
    if in_tree.is_dir():
        return in_tree
    return _PACKAGE_DIR / "_resources" / name


@dataclass(frozen=True)
class Project:
    root: Path
    base_iri: str = DEFAULT_BASE_IRI
    store_path: Path | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def ontology_dir(self) -> Path:
        own = self.root / "ontology"
        return own if (own / "culturekg.ttl").is_file() else _shipped("ontology")

    @property
    def queries_dirs(self) -> tuple[Path, ...]:
        """The shipped catalogue, then the project's own `queries/`: a project adds questions (and may
        replace one by giving it the same name) without losing the shipped data checks."""
        shipped = _shipped("queries")
        own = self.root / "queries"
        if own.is_dir() and own.resolve() != shipped.resolve():
            return (shipped, own)
        return (shipped,)

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "culturekg.ttl"

    def ontology_written_against(self, query_file: Path) -> Path:
        """The ontology a stored query was written against: the shipped one for the shipped catalogue,
        the project's own (or the shipped one when it has none) for the project's queries."""
        shipped = _shipped("queries").resolve()
        if query_file.resolve().parent == shipped and shipped != (self.root / "queries").resolve():
            return shipped_ontology_file()
        return self.ontology_file

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def default_store_path(self) -> Path:
        return self.store_path or (self.root / ".culturekg" / "store")


# Top-level keys of culturekg.toml; `[publish]` is read (and checked) by culturekg.publish.settings.
_SETTINGS = frozenset({"base_iri", "store", "publish"})


def shipped_ontology_file() -> Path:
    return _shipped("ontology") / "culturekg.ttl"


def load_project(root: Path | None = None, base_iri: str | None = None) -> Project:
    """Read `culturekg.toml` if present; the environment overrides it, an explicit argument overrides both."""
    root = (root or Path.cwd()).resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: project folder does not exist")
    settings: dict = {}
    config = root / "culturekg.toml"
    if config.is_file():
        try:
            settings = tomllib.loads(config.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config}: {exc}") from exc
    unknown = sorted(set(settings) - _SETTINGS)
    if unknown:
        import difflib

        hints = [difflib.get_close_matches(key, _SETTINGS, n=1) for key in unknown]
        named = ", ".join(f"{k!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for k, h in zip(unknown, hints))
        # A misspelt key would silently fall back to a default: a different store or base IRI.
        raise ConfigError(f"{config}: unknown setting {named}; known: {', '.join(sorted(_SETTINGS))}")
    base = base_iri or os.environ.get("CULTUREKG_BASE_IRI") or settings.get("base_iri") or DEFAULT_BASE_IRI
    if not (base.startswith("http://") or base.startswith("https://")) or not base.endswith("/"):
        raise ConfigError(f"base IRI {base!r}: must be an http(s) IRI ending in '/'")
    store = settings.get("store")
    return Project(root=root, base_iri=base, store_path=(root / store) if store else None)
