"""`culturekg publish`: dumps, dataset description, static site, checksums, assembled atomically."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from ..store.base import GraphStore
from . import describe, jsonld
from .atomic import Staging, recover
from .describe import ReleaseFile
from .dumps import FORMATS, write
from .settings import ReleaseInfo
from .sink import DumpSink
from .snapshot import Snapshot
from .verify import check_dump

DUMP_STEM = "dumps/culturekg"


@dataclass
class PublishReport:
    out: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    checks: list[str] = field(default_factory=list)  # which parser read back which dump
    notes: list[str] = field(default_factory=list)


SiteBuilder = Callable[[Staging, list[ox.Quad], Project, ReleaseInfo], None]


def publish(
    store: GraphStore,
    project: Project,
    out: Path,
    info: ReleaseInfo,
    *,
    parser: str | None = None,
    site: SiteBuilder | None = None,
) -> PublishReport:
    """Write a complete release to `out`, replacing the previous one only once everything is checked."""
    out.mkdir(parents=True, exist_ok=True)
    report = PublishReport(out=out, notes=recover(out))
    staging = Staging(out)
    try:
        with Snapshot.of(store, staging.scratch()) as snapshot:
            files = _dumps(staging, snapshot, info, parser, report)
            files += _vocabulary_files(staging, project, info, report)
            if site is not None:
                site(staging, list(snapshot.quads()), project, info)
            stats = describe.statistics(snapshot.ntriples_path)
        staging.write("void.ttl", describe.turtle(info, stats, files))
        report.files = staging.commit(known={f.name: f.sha256 for f in files})
    except BaseException:
        staging.discard()
        raise
    return report


def _record(staging: Staging, name: str, data: bytes, title: str, media_type: str, *, gzipped=False, is_dump=False) -> ReleaseFile:
    staging.write(name, data)
    return ReleaseFile(name, title, media_type, len(data), hashlib.sha256(data).hexdigest(), gzipped, is_dump)


def _dumps(staging: Staging, snapshot: Snapshot, info: ReleaseInfo, parser: str | None, report: PublishReport) -> list[ReleaseFile]:
    files = []
    for fmt in FORMATS:
        name = f"{DUMP_STEM}.{fmt.extension}"
        sink = DumpSink(staging.path(name))
        try:
            write(fmt, snapshot, info.base_iri, sink.stream)
        except BaseException:
            sink.abandon()
            raise
        plain, packed = sink.close()
        used = check_dump(staging.path(name), fmt, snapshot, parser)
        report.checks.append(f"{name}: read back with {used}, same graph")
        what = "the whole graph with its named graphs" if fmt.keeps_graphs else "all statements of the graph, without graph names"
        files.append(ReleaseFile(name, f"{fmt.name} dump: {what}", fmt.media_type, plain.size, plain.sha256, is_dump=True))
        files.append(ReleaseFile(name + ".gz", f"{fmt.name} dump, gzipped: {what}", fmt.media_type, packed.size, packed.sha256,
                                 gzipped=True, is_dump=True))
    return files


def _vocabulary_files(staging: Staging, project: Project, info: ReleaseInfo, report: PublishReport) -> list[ReleaseFile]:
    files = [_record(staging, "context.jsonld", jsonld.context_document(info.base_iri),
                     "JSON-LD context of the JSON-LD files", "application/ld+json")]
    for source, title in ((project.ontology_file, "the culturekg ontology (OWL)"),
                          (project.shapes_file, "SHACL shapes the records are validated against")):
        if source.is_file():
            files.append(_record(staging, f"ontology/{source.name}", source.read_bytes(), title, "text/turtle"))
        else:
            report.notes.append(f"{source}: not found, so not published")
    return files
