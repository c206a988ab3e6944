"""The validate phase's incremental steps: `culturekg build` after one event record changed, beside
the first build of the same run, and the incremental validation inside it, beside the full
validation of the same run.

The cached project is never written: the changes are made in a copy of it (hard links, each changed
record a new file), and the store is loaded back from the cached project afterwards, so the phases
after this one see the data they would have seen without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from .context import Context

FIRST_BUILD = "the build step of this run: every record loaded into an empty store (no validation)"


def measure(ctx: Context, project, store, shapes, report, run, full_seconds: float) -> None:
    """`store` (opened by the caller, closed here) has just been validated in full: `report`, `run`."""
    from culturekg.daemon import state_file as daemon_state
    from culturekg.ledger import ledger_path
    from culturekg.loader import load
    from culturekg.pipeline import build
    from culturekg.project import load_project
    from culturekg.store.embedded import EmbeddedStore
    from culturekg.validate.incremental import full_state, save_state, state_path
    from culturekg.validate.statefile import set_store_stamp
    from culturekg.validate.storestamp import store_stamp

    state_file = state_path(ctx.culturekg_store)
    changed_root = ctx.work / "project-one-changed"
    try:
        # As a build that validated in full leaves it: the state, stamped once the store is closed.
        save_state(full_state(store, project, shapes, "fast", report, run), state_file)
        store.close()
        set_store_stamp(state_file, store_stamp(ctx.culturekg_store))
        _linked_copy(ctx.project, changed_root, leave_out=ctx.work)
        copy = load_project(changed_root)
        # Linking changed every file's inode change time: the copy's first build hashes each file
        # once, as a user's first build after checking out the records would.
        build(copy, ctx.culturekg_store)
        record = _change(changed_root, "changed by the benchmark")
        built = build(copy, ctx.culturekg_store)
        facts = dict(record=record, files_changed=len(built.report.changed), revalidated=built.validation.revalidated)
        ctx.recorder.write("rebuild-one-change", "culturekg-build", built.seconds["total"],
                           load_seconds=round(built.seconds["load"], 4), validate_seconds=round(built.seconds["validate"], 4),
                           note="culturekg.pipeline.build, what `culturekg build` runs, in this process", **facts)
        ctx.recorder.write("validate-incremental", "culturekg-incremental", built.seconds["validate"],
                           results=len(built.validation.results), **facts)
        record = _change(changed_root, "changed again by the benchmark")
        _compile_package()
        started = time.perf_counter()
        done = subprocess.run(_command(changed_root, ctx.culturekg_store), capture_output=True, text=True)
        seconds = time.perf_counter() - started
        summary = json.loads(done.stdout) if done.returncode == 0 else {}
        ctx.recorder.write("rebuild-one-change-cli", "culturekg-cli", seconds if done.returncode == 0 else None,
                           record=record, files_changed=summary.get("files_changed"),
                           note="`culturekg build --json` as its own process, interpreter start included, culturekg's bytecode compiled"
                           + ("" if done.returncode == 0 else f"; failed: {done.stderr[-300:]}"))
        _daemon_builds(ctx, changed_root)
        first = _first_build_seconds(ctx)
        for step in ("rebuild-one-change", "rebuild-one-change-cli", "rebuild-one-change-daemon"):
            ctx.recorder.write(step, "culturekg-first-build", first, note=FIRST_BUILD)
        store = EmbeddedStore(ctx.culturekg_store)
        try:
            load(project, store)
        finally:
            store.close()
    finally:
        shutil.rmtree(changed_root, ignore_errors=True)
        for leftover in (state_file, ledger_path(ctx.culturekg_store), daemon_state(ctx.culturekg_store)):
            for path in leftover.parent.glob(leftover.name + "*"):
                path.unlink()
    ctx.recorder.write("validate-incremental", "culturekg-fast-full", full_seconds,
                       note="the full validation of this run (step validate)", results=len(report.results))


DAEMON_BUILDS = 3


def _daemon_builds(ctx: Context, root: Path) -> None:
    """`culturekg build --json` after one changed record, handed to a build daemon started for the
    store (`culturekg daemon start`): the command's whole time, each of DAEMON_BUILDS changes in turn."""
    start = _command(root, ctx.culturekg_store, "daemon", "start", "--idle-minutes", "30")
    started = subprocess.run(start, capture_output=True, text=True)
    samples: list[float] = []
    failed = "" if started.returncode == 0 else f"the daemon did not start: {started.stderr[-300:]}"
    try:
        for n in range(DAEMON_BUILDS if not failed else 0):
            record = _change(root, f"changed for the daemon {n + 1}")
            at = time.perf_counter()
            done = subprocess.run(_command(root, ctx.culturekg_store, "build", "--json"), capture_output=True, text=True)
            seconds = time.perf_counter() - at
            if done.returncode != 0 or json.loads(done.stdout).get("files_changed") != 1:
                failed = f"build {n + 1} failed: {done.stderr[-300:]}"
                break
            samples.append(seconds)
    finally:
        subprocess.run(_command(root, ctx.culturekg_store, "daemon", "stop"), capture_output=True, text=True)
    ctx.recorder.write("rebuild-one-change-daemon", "culturekg-cli-daemon",
                       sorted(samples)[len(samples) // 2] if samples and not failed else None,
                       samples=[round(s, 4) for s in samples], record=record if samples else None,
                       note=f"`culturekg build --json` as its own process, handing the build to a build daemon; "
                            f"the median of {DAEMON_BUILDS} builds, one changed record each, the first right after "
                            "`culturekg daemon start`" + (f"; {failed}" if failed else ""))


def _compile_package() -> None:
    """Write culturekg's bytecode, as an installed package has it: pip compiles it at install, and an
    editable install writes it at the first import, unless PYTHONDONTWRITEBYTECODE is set (as on the
    machines this benchmark runs on), when every command compiled culturekg's modules again (0.13 s)."""
    import culturekg

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(culturekg.__file__).parent)], check=True,
                   capture_output=True)


def _command(project: Path, store: Path, *args: str) -> list[str]:
    script = Path(sys.executable).parent / "culturekg"
    launcher = [str(script)] if script.is_file() else [sys.executable, "-c", "from culturekg.cli import main; main()"]
    return [*launcher, "--project", str(project), "--store", str(store), *(args or ("build", "--json"))]


def _first_build_seconds(ctx: Context) -> float | None:
    for line in ctx.recorder.results.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("step") == "build" and entry.get("engine") == "culturekg":
            return entry.get("seconds")
    return None


def _linked_copy(project: Path, target: Path, *, leave_out: Path) -> None:
    """A copy of `project` (but not the folder `leave_out`: the run's stores), its files hard links."""
    shutil.rmtree(target, ignore_errors=True)
    skip = {leave_out.resolve(), target.resolve()}

    def ignored(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if (Path(folder) / n).resolve() in skip]

    shutil.copytree(project, target, copy_function=_link_or_copy, ignore=ignored)


def _change(root: Path, words: str) -> str:
    """Give the first event record of the project at `root` another title; that record's path."""
    record = min((root / "data" / "records" / "events").glob("*.yaml"))
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    # A title is a string, or one string per language.
    titles = data["title"] if isinstance(data["title"], dict) else {None: data["title"]}
    language = next(iter(titles))
    titles[language] = f"{titles[language].split(' (changed')[0]} ({words})"
    data["title"] = titles if None not in titles else titles[None]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    # Unlinked first: writing through a hard link would change the cached project's file too.
    record.unlink()
    record.write_text(text, encoding="utf-8")
    return record.relative_to(root).as_posix()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)
