"""Sub-commands. Each module here has `register(app)`; add a module's name to MODULES to enable it."""

from __future__ import annotations

from importlib import import_module

import typer

MODULES: list[str] = [
    "build",
    "validate",
    "remote",
    "publish",
    "query",
    "reason",
]


def register_all(app: typer.Typer) -> None:
    for name in MODULES:
        import_module(f"{__name__}.{name}").register(app)
