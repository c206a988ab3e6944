"""`culturekg daemon start|stop|status`: the build daemon of a store (culturekg.daemon)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime

import typer

from ..daemon import log_file
from ..daemon.client import Failed, Unreachable, ask, forget_if_gone, read_state, wait_ended
from ..errors import CultureKGError

START_SECONDS = 60.0


class DaemonError(CultureKGError):
    exit_code = 3


def _running(store):
    """The state of the daemon answering for `store`, or None."""
    info = read_state(store)
    if info is None:
        return None
    try:
        return {**info, **ask(info, {"op": "status"}, timeout=10)}
    except (Unreachable, Failed):
        forget_if_gone(store, info)
        return None


def _describe(status: dict) -> str:
    since = datetime.fromtimestamp(status["started"]).strftime("%Y-%m-%d %H:%M:%S")
    look = "watching data/ with inotify" if status.get("watching") else "no inotify here: each build looks at every file"
    idle = status.get("idle_seconds")
    return (f"Build daemon pid {status['pid']} for {status['store']} (project {status['project']}), since {since}: "
            f"{status.get('builds', 0)} build{'' if status.get('builds') == 1 else 's'}, {look}; "
            + (f"stops after {idle / 60:.0f} min without a request." if idle else "runs until stopped."))


def register(app: typer.Typer) -> None:
    sub = typer.Typer(
        help="A build daemon for the store: a process that keeps culturekg loaded and watches data/, so that "
             "`culturekg build` after a change costs the build alone.",
        no_args_is_help=True,
    )
    app.add_typer(sub, name="daemon")

    @sub.command("start")
    def start(
        ctx: typer.Context,
        idle_minutes: float = typer.Option(180.0, "--idle-minutes", min=0, help="Stop after this long without a request; 0: never."),
    ) -> None:
        """Start the build daemon for the store in the background (nothing is done if one runs)."""
        state = ctx.obj
        store = state.resolved_store_path.absolute()
        status = _running(store)
        if status is not None:
            typer.echo(_describe(status))
            return
        log = log_file(store)
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "culturekg.daemon.server", "--project", str(state.project.root),
                   "--store", str(store), "--idle-minutes", str(idle_minutes)]
        with open(log, "ab") as output:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                       start_new_session=True, close_fds=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DaemonError(f"the build daemon stopped at once (exit {process.returncode}); see {log}")
            info = read_state(store)
            if info is not None and info.get("pid") == process.pid:
                status = _running(store)
                if status is not None:
                    typer.echo(_describe(status))
                    typer.echo("`culturekg build` now hands its builds to it; `culturekg daemon stop` ends it.")
                    return
            time.sleep(0.05)
        process.kill()
        raise DaemonError(f"the build daemon did not start within {START_SECONDS:.0f} s; see {log}")

    @sub.command("stop")
    def stop(ctx: typer.Context) -> None:
        """Stop the build daemon of the store, if one runs."""
        store = ctx.obj.resolved_store_path.absolute()
        info = read_state(store)
        if info is None or _running(store) is None:
            typer.echo(f"No build daemon runs for {store}.")
            return
        try:
            ask(info, {"op": "stop"}, timeout=60)
        except (Unreachable, Failed) as exc:
            raise DaemonError(str(exc)) from None
        wait_ended(int(info["pid"]), 30)
        typer.echo(f"Stopped the build daemon (pid {info['pid']}) of {store}.")

    @sub.command("status")
    def status_command(ctx: typer.Context) -> None:
        """Say whether a build daemon runs for the store (exit status 1 when none does)."""
        store = ctx.obj.resolved_store_path.absolute()
        status = _running(store)
        if status is None:
            typer.echo(f"No build daemon runs for {store}.")
            raise typer.Exit(1)
        typer.echo(_describe(status))
