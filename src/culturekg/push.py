"""Bring a store (usually an endpoint) up to date with the local build, one named graph at a time.

What changed is read from the load metadata both stores carry (graph -> SHA-256 of its source
file, in the meta graph): a graph is written when its checksum differs, when the target lacks it,
when it has no checksum, or when another mapping version wrote the target; graphs the target has
under the project's prefix but the build does not are dropped. The meta graph goes last, so a push
cut short leaves the target's checksums as they were after the last complete push, and the next
push rewrites everything changed since then, including what was not finished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import ConfigError
from .iris import Minter
from .mapping.provenance import StoredMeta
from .store.base import GraphChange, GraphStore

# progress(graph, done, total), called after each graph is written or dropped.
Progress = Callable[[ox.NamedNode, int, int], None]


@dataclass
class PushPlan:
    write: list[ox.NamedNode] = field(default_factory=list)
    drop: list[ox.NamedNode] = field(default_factory=list)
    unchanged: list[ox.NamedNode] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.write and not self.drop


@dataclass
class PushReport:
    plan: PushPlan
    triples_written: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.plan.write)} graph(s) written ({self.triples_written} triples), "
            f"{len(self.plan.drop)} dropped, {len(self.plan.unchanged)} unchanged"
        )


def plan(source: GraphStore, target: GraphStore, base_iri: str, *, everything: bool = False) -> PushPlan:
    minter = Minter(base_iri)
    meta = minter.meta_graph
    prefix = minter.graph("").value
    local = {g for g in source.named_graphs() if g.value.startswith(prefix)}
    if not local:
        raise ConfigError(f"the local store has no graphs under {prefix}: run `culturekg build` first")
    remote = {g for g in target.named_graphs() if g.value.startswith(prefix)}
    local_meta = StoredMeta.read(source, meta)
    remote_meta = StoredMeta({}) if everything or meta not in remote else StoredMeta.read(target, meta)
    result = PushPlan(drop=sorted(remote - local, key=lambda g: g.value))
    # The same file mapped by another version of the mapping may have given other triples.
    remapped = local_meta.mapping_version(meta) != remote_meta.mapping_version(meta)
    for graph in sorted(local - {meta}, key=lambda g: g.value):
        checksum = local_meta.sha256(graph)
        same = not remapped and graph in remote and checksum is not None and checksum == remote_meta.sha256(graph)
        (result.unchanged if same else result.write).append(graph)
    if meta in local and (result.write or result.drop or meta not in remote or everything):
        result.write.append(meta)
    elif meta in local:
        result.unchanged.append(meta)
    return result


def push(
    source: GraphStore,
    target: GraphStore,
    base_iri: str,
    *,
    everything: bool = False,
    progress: Progress | None = None,
) -> PushReport:
    """Write what `plan` found; only one graph's triples are held in memory at a time."""
    steps = plan(source, target, base_iri, everything=everything)
    report = PushReport(steps)
    total = len(steps.write) + len(steps.drop)
    done = 0
    for graph in steps.drop:
        target.apply(GraphChange(drop={graph}))
        done += 1
        if progress is not None:
            progress(graph, done, total)
    for graph in steps.write:
        triples = [quad.triple for quad in source.quads(graph)]
        target.apply(GraphChange(replace={graph: triples}))
        report.triples_written += len(triples)
        done += 1
        if progress is not None:
            progress(graph, done, total)
    return report
