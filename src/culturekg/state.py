"""What every command gets: the project and how to open its store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
        return EmbeddedStore(self.resolved_store_path, read_only=read_only)
