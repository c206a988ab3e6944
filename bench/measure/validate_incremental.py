"""The validate phase's incremental step: what `culturekg build` validates after one event record
changed, beside the full validation of the same run (its baseline).

The cached project is never written: the change is made in a copy of it (hard links, the changed
record a new file), and the store is loaded back from the cached project afterwards, so the phases
after this one see the data they would have seen without it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import yaml

from .context import Context


def measure(ctx: Context, project, store, shapes, report, run, full_seconds: float) -> None:
    """`store` (opened by the caller, closed here) has just been validated in full: `report`, `run`."""
    from culturekg.loader import load
    from culturekg.project import load_project
    from culturekg.store.embedded import EmbeddedStore
    from culturekg.validate.incremental import LoadedChanges, full_state, save_state, validate_and_keep
    from culturekg.validate.statefile import set_store_stamp
    from culturekg.validate.storestamp import store_stamp

    state_file = ctx.work / "validation-state.sqlite"
    changed_root = ctx.work / "project-one-changed"
    try:
        # As a build that validated in full leaves it: the state, stamped once the store is closed.
        save_state(full_state(store, project, shapes, "fast", report, run), state_file)
        store.close()
        set_store_stamp(state_file, store_stamp(ctx.culturekg_store))
        record = _changed_copy(ctx.project, changed_root, leave_out=ctx.work)
        changed = load_project(changed_root)
        stamp = store_stamp(ctx.culturekg_store)
        store = EmbeddedStore(ctx.culturekg_store)
        try:
            started = time.perf_counter()
            loaded = load(changed, store)
            load_seconds = time.perf_counter() - started
            changes = LoadedChanges(tuple(loaded.changed), tuple(loaded.removed), stamp)
            with ctx.recorder.step("validate-incremental", "culturekg-incremental", record=record,
                                   files_changed=len(loaded.changed), load_seconds=round(load_seconds, 3)) as timing:
                incremental, _ = validate_and_keep(store, changed, state_file, engine="fast", loaded=changes)
                timing.stop()
                timing.facts.update(results=len(incremental.results), revalidated=incremental.revalidated)
            load(project, store)
        finally:
            store.close()
    finally:
        shutil.rmtree(changed_root, ignore_errors=True)
        state_file.unlink(missing_ok=True)
    ctx.recorder.write("validate-incremental", "culturekg-fast-full", full_seconds,
                       note="the full validation of this run (step validate)", results=len(report.results))


def _changed_copy(project: Path, target: Path, *, leave_out: Path) -> str:
    """A copy of `project` (but not the folder `leave_out`: the run's stores) whose first event record
    has another title; that record's path."""
    shutil.rmtree(target, ignore_errors=True)
    skip = {leave_out.resolve(), target.resolve()}

    def ignored(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if (Path(folder) / n).resolve() in skip]

    shutil.copytree(project, target, copy_function=_link_or_copy, ignore=ignored)
    record = min((target / "data" / "records" / "events").glob("*.yaml"))
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["title"] = f"{data['title']} (changed by the benchmark)"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    # Unlinked first: writing through the hard link would change the cached project's file too.
    record.unlink()
    record.write_text(text, encoding="utf-8")
    return record.relative_to(target).as_posix()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)
