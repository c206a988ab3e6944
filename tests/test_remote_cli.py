"""`culturekg export`, `culturekg push` and `query run --endpoint` from the command line."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from culturekg.cli import app
from culturekg.loader import load
from culturekg.project import load_project
from culturekg.store import EmbeddedStore
from culturekg.store.http import ENV_AUTH, ENV_PASSWORD, ENV_USER
from culturekg.store.remote import RemoteStore
from servers import VIRTUOSO_MAX_ROWS, free_port, oxigraph_server, running_oxigraph, scripted_endpoint, virtuoso_server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
MINIATURE = ROOT / "tests" / "fixtures" / "records" / "project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The loader's miniature project, built into its default on-disk store."""
    shutil.copytree(MINIATURE / "data", tmp_path / "data")
    store = EmbeddedStore(tmp_path / ".culturekg" / "store")
    load(load_project(tmp_path), store)
    store.close()
    return tmp_path


def quads_of(project: Path) -> set[ox.Quad]:
    store = EmbeddedStore(project / ".culturekg" / "store", read_only=True)
    try:
        return set(store.quads())
    finally:
        store.close()


def cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=True)


@pytest.mark.parametrize(("fmt", "rdf"), [("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)])
def test_export_to_a_file_holds_every_quad(project, fmt, rdf):
    out = project / f"dump.{fmt}"
    result = cli("-C", str(project), "export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    exported = set(ox.parse(path=str(out), format=rdf))
    assert exported == quads_of(project)
    assert len(exported) > 1000
    assert [p.name for p in project.iterdir() if p.name.endswith(".partial")] == []


def test_export_to_standard_output(project):
    result = cli("-C", str(project), "export")
    assert result.exit_code == 0, result.output
    assert set(ox.parse(io.BytesIO(result.stdout_bytes), format=ox.RdfFormat.N_QUADS)) == quads_of(project)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "rdfxml"], "export format 'rdfxml': expected one of nquads, trig"),
        (["--out", "/nonexistent-folder/x.nq"], "/nonexistent-folder: folder does not exist"),
    ],
)
def test_export_refuses_bad_options(project, args, message):
    result = cli("-C", str(project), "export", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_push_then_query_on_the_endpoint(project, oxigraph_server):
    endpoint = ["--endpoint", oxigraph_server.query_url]
    result = cli("-C", str(project), "push", *endpoint, "--update-url", oxigraph_server.update_url,
                 "--gsp-url", oxigraph_server.gsp_url)
    assert result.exit_code == 0, result.output
    assert "written" in result.output and "0 unchanged" in result.output
    again = cli("-C", str(project), "push", *endpoint, "--update-url", oxigraph_server.update_url)
    assert again.exit_code == 0, again.output
    assert again.output.startswith("0 graph(s) written")

    local = cli("-C", str(project), "query", "run", "events-per-target-country", "--format", "csv")
    remote = cli("-C", str(project), "query", "run", "events-per-target-country", "--format", "csv", *endpoint)
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
    assert len(local.output.splitlines()) > 1


def test_a_big_push_points_to_the_bulk_loader_once(project, tmp_path, monkeypatch):
    from culturekg.commands import remote as remote_commands

    graphs = len({quad.graph_name for quad in quads_of(project)})
    endpoint_args = lambda endpoint: ["--endpoint", endpoint.query_url, "--gsp-url", endpoint.gsp_url]  # noqa: E731
    with running_oxigraph(tmp_path / "server") as endpoint:
        monkeypatch.setattr(remote_commands, "BULK_HINT_GRAPHS", graphs + 1)
        small = cli("-C", str(project), "push", *endpoint_args(endpoint))
        assert small.exit_code == 0, small.output
        assert "bulk loader" not in small.stderr
        monkeypatch.setattr(remote_commands, "BULK_HINT_GRAPHS", graphs)
        again = cli("-C", str(project), "push", "--all", *endpoint_args(endpoint))
        assert again.exit_code == 0, again.output
        assert again.stderr.count(f"note: {graphs} graphs to write, one request each") == 1
        assert "bulk loader" in again.stderr and "bulk loader" not in again.stdout


def test_push_with_digest_credentials_from_the_environment(project, virtuoso_server, monkeypatch):
    user, password = virtuoso_server.admin
    args = ["-C", str(project), "push", "--endpoint", virtuoso_server.auth_query_url,
            "--gsp-url", virtuoso_server.auth_gsp_url, "--row-limit", str(VIRTUOSO_MAX_ROWS)]
    for name in (ENV_USER, ENV_PASSWORD, ENV_AUTH):
        monkeypatch.delenv(name, raising=False)
    refused = cli(*args)
    # A server that refuses is an engine failure (3), reported as one line.
    assert refused.exit_code == 3
    assert "nauthorized" in refused.stderr or "401" in refused.stderr

    env = {ENV_USER: user, ENV_PASSWORD: password, ENV_AUTH: "digest"}
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.output
    graphs = RemoteStore(virtuoso_server.query_url, row_limit=VIRTUOSO_MAX_ROWS).named_graphs()
    assert {q.graph_name for q in quads_of(project)} <= graphs


def test_an_endpoint_that_is_down_exits_with_status_3(project):
    command = [sys.executable, "-m", "culturekg.cli", "-C", str(project), "push",
               "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "--timeout", "5"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=dict(os.environ), stdin=subprocess.DEVNULL)
    assert done.returncode == 3
    assert "connection refused" in done.stderr


def test_validate_reads_its_data_from_the_endpoint(project, oxigraph_server):
    pushed = cli("-C", str(project), "push", "--endpoint", oxigraph_server.query_url,
                 "--update-url", oxigraph_server.update_url, "--gsp-url", oxigraph_server.gsp_url, "--all")
    assert pushed.exit_code == 0, pushed.output
    local = cli("-C", str(project), "validate", "--format", "json")
    remote = cli("-C", str(project), "validate", "--format", "json", "--endpoint", oxigraph_server.query_url)
    assert remote.exit_code == local.exit_code
    assert remote.output == local.output
    assert '"conforms"' in local.output


def test_export_from_an_endpoint_equals_the_local_export(project, oxigraph_server):
    pushed = cli("-C", str(project), "push", "--endpoint", oxigraph_server.query_url,
                 "--update-url", oxigraph_server.update_url, "--all")
    assert pushed.exit_code == 0, pushed.output
    result = cli("-C", str(project), "export", "--endpoint", oxigraph_server.query_url)
    assert result.exit_code == 0, result.output
    exported = list(ox.parse(io.BytesIO(result.stdout_bytes), format=ox.RdfFormat.N_QUADS))
    local = quads_of(project)
    # The endpoint names blank nodes its own way: compare them by position only.
    shape = lambda quads: sorted(tuple("_" if isinstance(t, ox.BlankNode) else str(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in quads)  # noqa: E731
    assert shape(exported) == shape(local)


@pytest.mark.parametrize("command", [["query", "run", "co-organizers", "--param", "org=unesco-almaty"], ["query", "check"],
                                     ["validate"], ["export"]])
def test_every_endpoint_command_takes_the_endpoint_options(project, scripted_endpoint, command):
    slow = ["--endpoint", scripted_endpoint.base + "/slow"]
    # Given up on long before the default timeout (60 s) would have.
    started = time.monotonic()
    timed_out = cli("-C", str(project), *command, *slow, "--timeout", "0.3")
    assert timed_out.exit_code == 3 and "timeout" in timed_out.stderr, timed_out.output
    from_env = cli("-C", str(project), *command, *slow, env={"CULTUREKG_ENDPOINT_TIMEOUT": "0.3"})
    assert from_env.exit_code == 3 and "timeout" in from_env.stderr, from_env.output
    assert time.monotonic() - started < 30
    bad = cli("-C", str(project), *command, *slow, "--dataset", "everything")
    assert bad.exit_code == 2 and "dataset 'everything': must be one of auto, named, union, endpoint" in bad.stderr
    for option in (["--row-limit", "0"], ["--auth", "kerberos", "--user", "u", "--password", "p"]):
        refused = cli("-C", str(project), *command, *slow, *option)
        assert refused.exit_code == 2, (option, refused.output)


def test_the_endpoints_own_default_graph_when_asked(project, tmp_path):
    """--dataset endpoint names no graph: right on a server whose default graph is the union of the
    project's graphs, and what that server holds besides is then seen too (the operator's choice)."""
    query = ["query", "run", "events-per-target-country", "--format", "csv"]
    local = cli("-C", str(project), *query)
    assert local.exit_code == 0 and len(local.output.splitlines()) > 1
    for options, same in ((["--union-default-graph"], True), ([], False)):
        with running_oxigraph(tmp_path / f"server{len(options)}", *options) as server:
            pushed = cli("-C", str(project), "push", "--endpoint", server.query_url, "--update-url", server.update_url)
            assert pushed.exit_code == 0, pushed.output
            remote = cli("-C", str(project), *query, "--endpoint", server.query_url, "--dataset", "endpoint")
            assert remote.exit_code == 0, remote.output
            # Without the union, the server's default graph is its own, empty one.
            assert (sorted(remote.output.splitlines()) == sorted(local.output.splitlines())) is same
            assert same or remote.output.splitlines()[1:] == []
