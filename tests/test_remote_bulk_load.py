"""A big project's first load goes through the server's own bulk loader, not through `push`.

`culturekg export` writes every quad as N-Quads, the meta graph with each file's checksum included;
once a server has loaded that file with its own loader, `culturekg push` finds nothing to write, and
after a record changes it writes that record's graph and edits the meta graph, nothing else.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from culturekg.queries.agreement import comparable
from culturekg.store import EmbeddedStore
from culturekg.store.remote import RemoteStore
from cli_helpers import copy_miniature_project, push_summary, run
from servers import Endpoint, bulk_loaded

RECORD = Path("data") / "records" / "events" / "felt-2019.yaml"
NEW_TITLE = "Felt carpet exhibition, second edition"


def pushed(root: Path, endpoint: Endpoint) -> dict[str, int | str]:
    result = run("-C", str(root), "push", "--endpoint", endpoint.query_url, "--update-url", endpoint.update_url,
                 "--gsp-url", endpoint.gsp_url)
    assert result.exit_code == 0, result.output
    summary = push_summary(result.stdout)
    assert summary is not None, result.stdout
    return summary


def same_quads(root: Path, endpoint: Endpoint) -> None:
    local = EmbeddedStore(root / ".culturekg" / "store", read_only=True)
    try:
        expected = Counter(tuple(map(comparable, q)) for q in local.quads())
    finally:
        local.close()
    remote = RemoteStore(endpoint.query_url, endpoint.update_url, timeout=60)
    assert Counter(tuple(map(comparable, q)) for q in remote.quads()) == expected


@pytest.mark.parametrize("server", ["oxigraph", "virtuoso"])
def test_a_bulk_loaded_export_is_pushed_only_what_changes_after(server, tmp_path):
    root = copy_miniature_project(tmp_path)
    built = run("-C", str(root), "build", "--no-validate")
    assert built.exit_code == 0, built.output
    dump = tmp_path / "culturekg.nq"
    exported = run("-C", str(root), "export", "--out", str(dump))
    assert exported.exit_code == 0, exported.output

    with bulk_loaded(server, dump, tmp_path / server) as (_, endpoint):
        same_quads(root, endpoint)
        graphs = len(RemoteStore(endpoint.query_url).named_graphs())
        assert graphs > 10
        # Every graph's checksum came with the export: nothing to write.
        assert pushed(root, endpoint) == {"written": 0, "triples": 0, "edited": "", "dropped": 0, "unchanged": graphs}

        record = root / RECORD
        text = record.read_text(encoding="utf-8")
        assert "\ntitle: Felt carpet exhibition\n" in text
        record.write_text(text.replace("\ntitle: Felt carpet exhibition\n", f"\ntitle: {NEW_TITLE}\n"), encoding="utf-8")
        rebuilt = run("-C", str(root), "build", "--no-validate")
        assert rebuilt.exit_code == 0, rebuilt.output
        summary = pushed(root, endpoint)
        # The record's graph, and the meta graph edited in place (its old checksum out, the new one in).
        assert (summary["written"], summary["dropped"], summary["unchanged"]) == (2, 0, graphs - 2)
        assert "the meta graph edited: 1 triple(s) out, 1 in" in summary["edited"]
        same_quads(root, endpoint)
