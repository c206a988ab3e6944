"""The build daemon: a process that keeps culturekg loaded for one store and watches the project's
data/ folder, so that `culturekg build` after a change costs the build alone.

A one-record build at 50,000 events takes about 0.4 s of work, but a fresh `culturekg build` process
first pays 0.3-0.5 s to start Python and import rdflib, the loader and the validator, and 0.2-0.3 s
to stat every record file to see which changed. The daemon has both done: it imported everything once
and asks inotify which names changed (records.watch). `culturekg build` hands the build to it when one
runs for the store (client.relay) and prints what it answers; without one, the command builds in its
own process as before.

The daemon listens on a loopback TCP port and answers only requests carrying the token in its state
file, which only the user can read. It stops after a time without requests. Nothing here is imported
by a build that runs in its own process, except the few lines of client.py that look for a daemon.
"""

from __future__ import annotations

from pathlib import Path


def state_file(store: Path) -> Path:
    """Where a daemon for `store` says how to reach it: beside the store, as its ledger is."""
    return store.with_name(store.name + ".daemon")


def log_file(store: Path) -> Path:
    return store.with_name(store.name + ".daemon.log")
