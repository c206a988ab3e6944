"""Every way an endpoint can fail is an EndpointError saying which, never an answer."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from culturekg.errors import ConfigError
from culturekg.store.base import GraphChange
from culturekg.store.http import ENV_AUTH, ENV_PASSWORD, ENV_USER, Auth, resolve_auth
from culturekg.store.remote import EndpointError, RemoteStore
from servers import free_port, scripted_endpoint  # noqa: F401 (fixture)

GRAPH = ox.NamedNode("https://w3id.org/culturekg/graph/data/x.csv")
TRIPLE = ox.Triple(ox.NamedNode("urn:test:s"), ox.NamedNode("urn:test:p"), ox.Literal("o"))
QUERY = "SELECT ?x WHERE { ?x ?p ?o }"


def store(url: str, **options) -> RemoteStore:
    options.setdefault("timeout", 10)
    return RemoteStore(url, **options)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/500", "500"),
        ("/206", "206 Partial Content"),
        ("/maxrows", "row limit"),
        ("/sqlstate", "incomplete"),
    ],
)
def test_failed_or_partial_answers_are_errors(scripted_endpoint, path, message):
    remote = store(scripted_endpoint.base + path)
    with pytest.raises(EndpointError, match=message):
        remote.select(QUERY)


def test_the_scripted_endpoint_answers_when_nothing_is_wrong(scripted_endpoint):
    # The failure tests above mean something only if the same request succeeds on /ok.
    result = store(scripted_endpoint.base + "/ok").select(QUERY)
    assert result.variables == ("x",)
    assert result.rows == ((ox.Literal("1"),),)


def test_graph_store_writes_report_server_errors(scripted_endpoint):
    remote = store(scripted_endpoint.base + "/ok", gsp_url=scripted_endpoint.base + "/500")
    with pytest.raises(EndpointError, match="HTTP 500"):
        remote.apply(GraphChange(replace={GRAPH: [TRIPLE]}))


def test_update_writes_report_partial_answers(scripted_endpoint):
    remote = store(scripted_endpoint.base + "/ok", update_url=scripted_endpoint.base + "/206")
    with pytest.raises(EndpointError, match="206"):
        remote.apply(GraphChange(replace={GRAPH: [TRIPLE]}))


def test_a_slow_endpoint_times_out(scripted_endpoint):
    remote = store(scripted_endpoint.base + "/slow", timeout=0.5)
    with pytest.raises(EndpointError, match="timeout"):
        remote.select(QUERY)


def test_a_refused_connection_says_so():
    remote = store(f"http://127.0.0.1:{free_port()}/sparql")
    with pytest.raises(EndpointError, match="connection refused"):
        remote.select(QUERY)


def test_a_select_answer_to_an_ask_is_an_error(scripted_endpoint):
    remote = store(scripted_endpoint.base + "/ok")
    with pytest.raises(EndpointError, match="lack a boolean"):
        remote.ask("ASK { ?s ?p ?o }")


def test_credentials_from_the_environment(scripted_endpoint, monkeypatch):
    monkeypatch.setenv(ENV_USER, "user")
    monkeypatch.setenv(ENV_PASSWORD, "secret")
    monkeypatch.delenv(ENV_AUTH, raising=False)
    auth = resolve_auth()
    assert auth == Auth("user", "secret", "basic")
    assert "secret" not in repr(auth)
    assert store(scripted_endpoint.base + "/basic", auth=auth).select(QUERY).rows
    assert scripted_endpoint.seen_authorization[-1].startswith("Basic ")


def test_without_credentials_a_protected_endpoint_refuses(scripted_endpoint, monkeypatch):
    monkeypatch.delenv(ENV_USER, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    assert resolve_auth() is None
    with pytest.raises(EndpointError, match="(?i)unauthorized|401"):
        store(scripted_endpoint.base + "/basic").select(QUERY)
    wrong = Auth("user", "wrong")
    with pytest.raises(EndpointError, match="(?i)unauthorized|401"):
        store(scripted_endpoint.base + "/basic", auth=wrong).select(QUERY)
    assert store(scripted_endpoint.base + "/basic", auth=("user", "secret", "basic")).select(QUERY).rows


def test_options_override_the_environment(monkeypatch):
    monkeypatch.setenv(ENV_USER, "env-user")
    monkeypatch.setenv(ENV_PASSWORD, "env-secret")
    monkeypatch.setenv(ENV_AUTH, "digest")
    assert resolve_auth("option-user", "option-secret", "basic") == Auth("option-user", "option-secret", "basic")
    assert resolve_auth() == Auth("env-user", "env-secret", "digest")


@pytest.mark.parametrize(
    ("user", "password", "scheme", "message"),
    [
        ("user", None, None, "has no password"),
        (None, "secret", None, "without a user"),
        ("user", "secret", "kerberos", "expected one of basic, digest"),
    ],
)
def test_incomplete_credentials_are_refused(monkeypatch, user, password, scheme, message):
    for name in (ENV_USER, ENV_PASSWORD, ENV_AUTH):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match=message):
        resolve_auth(user, password, scheme)


@pytest.mark.parametrize(
    ("url", "timeout", "dataset", "message"),
    [
        ("ftp://example.org/sparql", 5, "auto", "not an http"),
        ("http://127.0.0.1:1/sparql", 0, "auto", "positive number of seconds"),
        ("http://127.0.0.1:1/sparql", 5, "unions", r"dataset 'unions': must be one of auto, named, union"),
    ],
)
def test_unusable_settings_are_refused(url, timeout, dataset, message):
    # Bad options are the user's input (exit status 2), not a failing server (EndpointError, 3).
    with pytest.raises(ConfigError, match=message) as caught:
        RemoteStore(url, timeout=timeout, dataset=dataset)
    assert not isinstance(caught.value, EndpointError)


def test_updates_are_refused_where_a_query_is_expected(scripted_endpoint):
    from culturekg.sparql import QueryRefused

    with pytest.raises(QueryRefused):
        store(scripted_endpoint.base + "/ok").select("DELETE WHERE { ?s ?p ?o }")
    assert scripted_endpoint.seen_authorization == []
