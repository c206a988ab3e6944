"""A big project's first load goes through the server's own bulk loader, not through `push`.

`culturekg export` writes every quad as N-Quads, the meta graph with each file's checksum included;
once a server has loaded that file with its own loader, `culturekg push` finds nothing to write, and
after a record changes it writes that record's graph and edits the meta graph, nothing else.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from culturekg.cli import app
from culturekg.queries.agreement import comparable
from culturekg.store import EmbeddedStore
from culturekg.store.remote import RemoteStore
from servers import Endpoint, oxigraph_load, running_oxigraph, running_virtuoso

ROOT = Path(__file__).resolve().parent.parent
MINIATURE = ROOT / "tests" / "fixtures" / "records" / "project"
RECORD = Path("data") / "records" / "events" / "felt-2019.yaml"
NEW_TITLE = "Felt carpet exhibition, second edition"
_SUMMARY = re.compile(r"(\d+) graph\(s\) written \((\d+) triples\)(.*), (\d+) dropped, (\d+) unchanged")


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=True)


@contextlib.contextmanager
def oxigraph_loaded(dump: Path, folder: Path) -> Iterator[Endpoint]:
    oxigraph_load(dump, folder)
    with running_oxigraph(folder) as endpoint:
        yield endpoint


@contextlib.contextmanager
def virtuoso_loaded(dump: Path, folder: Path) -> Iterator[Endpoint]:
    with running_virtuoso(folder) as endpoint:
        endpoint.bulk_load(dump)
        yield endpoint


LOADERS = {"oxigraph": oxigraph_loaded, "virtuoso": virtuoso_loaded}


def pushed(root: Path, endpoint: Endpoint) -> tuple[int, int, str, int, int]:
    result = cli("-C", str(root), "push", "--endpoint", endpoint.query_url, "--update-url", endpoint.update_url,
                 "--gsp-url", endpoint.gsp_url)
    assert result.exit_code == 0, result.output
    found = _SUMMARY.search(result.stdout)
    assert found, result.stdout
    written, triples, edited, dropped, unchanged = found.groups()
    return int(written), int(triples), edited, int(dropped), int(unchanged)


def same_quads(root: Path, endpoint: Endpoint) -> None:
    local = EmbeddedStore(root / ".culturekg" / "store", read_only=True)
    try:
        expected = Counter(tuple(map(comparable, q)) for q in local.quads())
    finally:
        local.close()
    remote = RemoteStore(endpoint.query_url, endpoint.update_url, timeout=60)
    assert Counter(tuple(map(comparable, q)) for q in remote.quads()) == expected


@pytest.mark.parametrize("server", sorted(LOADERS))
def test_a_bulk_loaded_export_is_pushed_only_what_changes_after(server, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(MINIATURE / "data", root / "data")
    built = cli("-C", str(root), "build", "--no-validate")
    assert built.exit_code == 0, built.output
    dump = tmp_path / "culturekg.nq"
    exported = cli("-C", str(root), "export", "--out", str(dump))
    assert exported.exit_code == 0, exported.output

    with LOADERS[server](dump, tmp_path / server) as endpoint:
        same_quads(root, endpoint)
        graphs = len(RemoteStore(endpoint.query_url).named_graphs())
        assert graphs > 10
        # Every graph's checksum came with the export: nothing to write.
        assert pushed(root, endpoint) == (0, 0, "", 0, graphs)

        record = root / RECORD
        text = record.read_text(encoding="utf-8")
        assert "\ntitle: Felt carpet exhibition\n" in text
        record.write_text(text.replace("\ntitle: Felt carpet exhibition\n", f"\ntitle: {NEW_TITLE}\n"), encoding="utf-8")
        rebuilt = cli("-C", str(root), "build", "--no-validate")
        assert rebuilt.exit_code == 0, rebuilt.output
        written, triples, edited, dropped, unchanged = pushed(root, endpoint)
        # The record's graph, and the meta graph edited in place (its old checksum out, the new one in).
        assert (written, dropped, unchanged) == (2, 0, graphs - 2)
        assert "the meta graph edited: 1 triple(s) out, 1 in" in edited
        same_quads(root, endpoint)
