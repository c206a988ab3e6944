"""What every command gets: the project and how to open its store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .project import Project
from .store import EmbeddedStore


@dataclass
class AppState:
    project: Project
    store_path: Path | None = None

    @property
    def resolved_store_path(self) -> Path:
        return self.store_path or self.project.default_store_path

    def open_store(self, *, read_only: bool = False) -> EmbeddedStore:
        path = self.resolved_store_path
        if read_only and not path.is_dir():
            raise ConfigError(f"{path}: no store here yet; run `culturekg build` first (or name one with --store)")
        return EmbeddedStore(path, read_only=read_only)
