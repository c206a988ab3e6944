"""The build daemon itself: `python -m culturekg.daemon.server --project DIR --store DIR` (what
`culturekg daemon start` runs in the background). See the package's docstring."""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from . import state_file

REQUEST_SECONDS = 30.0


@dataclass
class Daemon:
    root: Path
    store: Path
    idle_seconds: float | None
    builds: int = 0
    started: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        from ..records.watch import WatchedDiscovery

        self.root = self.root.resolve()
        self.store = self.store.absolute()
        self.find = WatchedDiscovery(self.root)
        self.token = secrets.token_urlsafe(24)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]

    def serve(self) -> None:
        """Answer requests one at a time until told to stop or left idle for `idle_seconds`."""
        self._warm()
        self._publish()
        self.server.settimeout(self.idle_seconds)
        try:
            while True:
                try:
                    conn, _ = self.server.accept()
                except TimeoutError:
                    _log(f"no request for {self.idle_seconds:.0f} s: stopping")
                    return
                with conn:
                    if not self._answer(conn):
                        return
        finally:
            self.server.close()
            self.find.close()
            self._unpublish()

    def _warm(self) -> None:
        # What every build imports and reads (the shapes), and the first whole look at data/: paid
        # now, not by the first build.
        from ..commands import build  # noqa: F401
        from ..errors import CultureKGError
        from ..pipeline import build as _  # noqa: F401
        from ..project import load_project
        from ..validate import load_shapes

        self.find(self.root)
        try:
            load_shapes(load_project(self.root))
        except CultureKGError as exc:  # the first build reports it
            _log(f"shapes not read: {exc}")

    def _publish(self) -> None:
        path = state_file(self.store)
        path.parent.mkdir(parents=True, exist_ok=True)
        info = {"pid": os.getpid(), "port": self.port, "token": self.token, "version": __version__,
                "project": str(self.root), "store": str(self.store), "started": self.started}
        temporary = path.with_name(path.name + f".{os.getpid()}")
        # Readable by its owner only: the token is what lets a request in.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(info, f)
        os.replace(temporary, path)
        _log(f"serving {self.store} for {self.root} on 127.0.0.1:{self.port}; "
             f"{'watching data/ with inotify' if self.find.watch else 'no inotify: every build looks at every file'}")

    def _unpublish(self) -> None:
        path = state_file(self.store)
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass

    def _answer(self, conn: socket.socket) -> bool:
        """Answer one request; False when it asked the daemon to stop."""
        conn.settimeout(REQUEST_SECONDS)
        try:
            request = json.loads(b"".join(iter(lambda: conn.recv(1 << 16), b"")))
        except (OSError, ValueError) as exc:
            _log(f"unreadable request: {exc}")
            return True
        if not isinstance(request, dict) or not secrets.compare_digest(str(request.get("token", "")), self.token):
            _send(conn, {"refused": "wrong or missing token"})
            return True
        op = request.get("op")
        if op == "stop":
            _send(conn, {"stopped": os.getpid()})
            _log("stopping, as asked")
            return False
        if op == "status":
            _send(conn, self.status())
        elif op == "build":
            _send(conn, self.build(request))
        else:
            _send(conn, {"refused": f"unknown request {op!r}"})
        return True

    def status(self) -> dict:
        return {"pid": os.getpid(), "project": str(self.root), "store": str(self.store), "builds": self.builds,
                "watching": self.find.watch is not None, "last_look": self.find.why_whole or "watched",
                "started": self.started, "idle_seconds": self.idle_seconds, "version": __version__}

    def build(self, request: dict) -> dict:
        from rich.console import Console

        from ..commands.build import BuildOptions, run_build
        from ..errors import CultureKGError
        from ..project import load_project
        from ..state import AppState

        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        try:
            project = load_project(Path(request["project"]), request["base_iri"])
            store = Path(request["store"])
            if project.root != self.root or store != self.store:
                return {"refused": f"this daemon builds {self.store} from {self.root}"}
            width = int(request.get("width") or 80)
            status = run_build(AppState(project=project, store_path=store), BuildOptions(**request["options"]),
                               Console(file=err, width=width), Console(file=out, width=width), find=self.find)
        except CultureKGError as exc:
            err.write(f"error: {exc}\n")
            status = getattr(exc, "exit_code", 2)
        except Exception as exc:  # the daemon outlives a failed build; the client reports it
            _log(traceback.format_exc())
            err.write(f"error: the build daemon failed: {exc!r}\n")
            status = 3
        self.builds += 1
        _log(f"build {self.builds}: exit {status} in {time.perf_counter() - started:.3f} s"
             + (f"; looked at every file: {self.find.why_whole}" if self.find.why_whole else ""))
        return {"exit": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


def _send(conn: socket.socket, answer: dict) -> None:
    try:
        conn.sendall(json.dumps(answer).encode())
    except OSError as exc:
        _log(f"the client went away: {exc}")


def _log(text: str) -> None:
    print(time.strftime("%Y-%m-%dT%H:%M:%S"), text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m culturekg.daemon.server")
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--idle-minutes", type=float, default=180.0, help="stop after this long without a request; 0: never")
    args = parser.parse_args(argv)
    idle = args.idle_minutes * 60 if args.idle_minutes > 0 else None
    # `kill PID` ends it as `culturekg daemon stop` does: its state file removed on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Daemon(args.project, args.store, idle).serve()


if __name__ == "__main__":
    main()
