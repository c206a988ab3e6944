"""Finding the build daemon of a store and asking it things; what `culturekg build` runs first.

Only the standard library is imported here: a build that finds no daemon pays nothing for looking.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from . import state_file

CONNECT_SECONDS = 2.0


class Unreachable(Exception):
    """No daemon answered (none runs, or it is gone): the caller can do the work itself."""


class Failed(Exception):
    """The daemon took the request but gave no answer: the work may be half done."""


def read_state(store: Path) -> dict | None:
    """The state file of the daemon for `store`, or None when there is none (or it is unreadable)."""
    try:
        info = json.loads(state_file(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and {"pid", "port", "token"} <= info.keys() else None


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def forget_if_gone(store: Path, info: dict) -> bool:
    """Whether the daemon named in `store`'s state file has ended; its state file is removed if so."""
    gone = not alive(int(info["pid"]))
    if gone:
        state_file(store).unlink(missing_ok=True)
    return gone


def wait_ended(pid: int, seconds: float) -> bool:
    """Wait up to `seconds` for process `pid` to end; whether it did."""
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def ask(info: dict, message: dict, timeout: float | None = None) -> dict:
    """Send `message` to the daemon described by `info` and return its answer. Raises Unreachable
    when it cannot be reached, Failed when it stops answering once reached."""
    try:
        conn = socket.create_connection(("127.0.0.1", int(info["port"])), timeout=CONNECT_SECONDS)
    except OSError as exc:
        raise Unreachable(str(exc)) from None
    with conn:
        try:
            conn.settimeout(timeout)
            conn.sendall(json.dumps({**message, "token": info["token"]}).encode() + b"\n")
            conn.shutdown(socket.SHUT_WR)
            data = b"".join(iter(lambda: conn.recv(1 << 16), b""))
            answer = json.loads(data)
        except (OSError, ValueError) as exc:
            raise Failed(f"no answer from the build daemon (pid {info['pid']}): {exc}") from None
    if not isinstance(answer, dict):
        raise Failed(f"the build daemon (pid {info['pid']}) answered {answer!r}")
    return answer


def relay(state, options) -> int | None:
    """Have the daemon of the state's store run this build and print its output; its exit status, or
    None when no daemon runs for the store (or it declines), so the caller builds itself."""
    store = state.resolved_store_path.absolute()
    info = read_state(store)
    if info is None:
        return None
    if info.get("version") != __version__:
        _note(f"the build daemon (pid {info['pid']}) runs culturekg {info.get('version')}, not {__version__}; "
              "building in this process (`culturekg daemon stop` ends it)")
        return None
    request = {
        "op": "build", "project": str(state.project.root), "store": str(store), "base_iri": state.project.base_iri,
        "options": asdict(options), "width": shutil.get_terminal_size().columns,
    }
    try:
        answer = ask(info, request)
    except Unreachable as exc:
        gone = forget_if_gone(store, info)
        _note(f"the build daemon (pid {info['pid']}) {'is gone' if gone else 'does not answer'} ({exc}); building in this process")
        return None
    except Failed as exc:
        print(f"error: {exc}; run `culturekg build --no-daemon` to build in this process", file=sys.stderr)
        return 3
    if "refused" in answer:
        _note(f"the build daemon (pid {info['pid']}) declined: {answer['refused']}; building in this process")
        return None
    sys.stdout.write(answer.get("stdout", ""))
    sys.stderr.write(answer.get("stderr", ""))
    return int(answer.get("exit", 3))


def _note(text: str) -> None:
    print(f"culturekg: {text}", file=sys.stderr)
