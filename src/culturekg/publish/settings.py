"""What a release says about itself: title, licence, publisher, version, date.

Defaults can be overridden in `culturekg.toml`:

    [publish]
    title = "..."
    description = "..."
    licence = "https://creativecommons.org/licenses/by/4.0/"
    publisher = "https://example.org/our-office"     # an IRI
    publisher_name = "Our office"
    download_base = "https://example.org/releases/latest/"   # where the release folder is served
    sparql_endpoint = "https://example.org/sparql"
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, replace

from ..errors import ConfigError
from ..project import Project

_FIELDS = ("title", "description", "licence", "publisher", "publisher_name", "download_base", "sparql_endpoint")
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]*$")


@dataclass(frozen=True)
class ReleaseInfo:
    base_iri: str
    title: str = "culturekg: cultural-policy conventions, events, people and organizations"
    description: str = (
        "A knowledge graph of the UNESCO culture conventions (1972, 2003, 2005), the States Parties with "
        "dated membership facts, and capacity-building events with their organizers, facilitators and "
        "participants, each fact with the source that reports it."
    )
    licence: str = "https://creativecommons.org/licenses/by/4.0/"
    publisher: str | None = None
    publisher_name: str = "culturekg project"
    download_base: str | None = None
    sparql_endpoint: str | None = None
    version: str | None = None
    release_date: dt.date | None = None

    @property
    def dataset_iri(self) -> str:
        return f"{self.base_iri}dataset"

    @property
    def downloads(self) -> str:
        return self.download_base or f"{self.base_iri}release/"


def load_release_info(project: Project, version: str | None, release_date: str | None) -> ReleaseInfo:
    info = ReleaseInfo(base_iri=project.base_iri)
    config = project.root / "culturekg.toml"
    if config.is_file():
        table = tomllib.loads(config.read_text(encoding="utf-8")).get("publish", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{config}: [publish] must be a table")
        unknown = sorted(set(table) - set(_FIELDS))
        if unknown:
            raise ConfigError(f"{config}: [publish] has unknown field(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}")
        for name, value in table.items():
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{config}: [publish] field '{name}' must be a non-empty string")
        info = replace(info, **table)
    if version is not None and not _VERSION_RE.match(version):
        raise ConfigError(f"--version {version!r}: use letters, digits and . + _ - only")
    date = None
    if release_date is not None:
        try:
            date = dt.date.fromisoformat(release_date)
        except ValueError:
            raise ConfigError(f"--release-date {release_date!r}: expected YYYY-MM-DD") from None
        if len(release_date) != 10:
            raise ConfigError(f"--release-date {release_date!r}: expected YYYY-MM-DD")
    return replace(info, version=version, release_date=date)
