"""What every request to a SPARQL endpoint shares: credentials, a timeout, and one rule for failure.

An answer that is not complete is an error, never an answer: HTTP 206, or Virtuoso's
`X-SQL-State` header (set when an "anytime" query was cut short) or a `*MaxRows*` header (set when
`ResultSetMaxRows` truncated the result while the status stays 200).
"""

from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message

from ..errors import CultureKGError, ConfigError

ENV_USER = "CULTUREKG_ENDPOINT_USER"
ENV_PASSWORD = "CULTUREKG_ENDPOINT_PASSWORD"
ENV_AUTH = "CULTUREKG_ENDPOINT_AUTH"
SCHEMES = ("basic", "digest")


class EndpointError(CultureKGError):
    """The endpoint refused, failed, timed out or answered only in part; nothing it said is used."""

    exit_code = 3


class RowLimitCut(EndpointError):
    """The endpoint cut an answer at its row limit; `limit` is that limit when the endpoint said it."""

    def __init__(self, message: str, limit: int | None) -> None:
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class Auth:
    user: str
    password: str = field(repr=False)
    scheme: str = "basic"
    # Digest needs the server's realm; "SPARQL" is Virtuoso's for /sparql-auth and /sparql-graph-crud-auth.
    realm: str = "SPARQL"

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ConfigError(f"auth scheme {self.scheme!r}: expected one of {', '.join(SCHEMES)}")


def resolve_auth(
    user: str | None = None,
    password: str | None = None,
    scheme: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Auth | None:
    """Credentials from options, else from CULTUREKG_ENDPOINT_USER / _PASSWORD / _AUTH; None when neither names a user."""
    user = user or environ.get(ENV_USER)
    password = password if password is not None else environ.get(ENV_PASSWORD)
    scheme = scheme or environ.get(ENV_AUTH) or "basic"
    if not user:
        if password:
            raise ConfigError(f"a password was given without a user (option --user or {ENV_USER})")
        return None
    if password is None:
        raise ConfigError(f"user {user!r} has no password (option --password or {ENV_PASSWORD})")
    return Auth(user, password, scheme)


def check_complete(url: str, status: int, headers: Message) -> None:
    if status == 206:
        raise EndpointError(f"{url}: HTTP 206 Partial Content: the endpoint truncated the answer")
    if not 200 <= status < 300:
        raise EndpointError(f"{url}: HTTP {status}: not a success")
    state = headers.get("X-SQL-State")
    if state:
        message = headers.get("X-SQL-Message", "")
        raise EndpointError(f"{url}: the answer is incomplete (X-SQL-State {state}: {message})")
    for name, value in headers.items():
        if "maxrows" in name.lower():
            limit = int(value) if value.strip().isdigit() else None
            raise RowLimitCut(
                f"{url}: the answer was cut at the endpoint's row limit ({name}: {value}); its operator can "
                "raise the limit (Virtuoso: ResultSetMaxRows in the [SPARQL] section of its ini file)",
                limit,
            )


def failure(url: str, exc: BaseException) -> EndpointError:
    """One readable error for every way a request can fail (refused, timeout, HTTP status, broken answer)."""
    if isinstance(exc, urllib.error.HTTPError):
        body = _body(exc)
        return EndpointError(f"{url}: HTTP {exc.code} {exc.reason}{': ' + body if body else ''}")
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return EndpointError(f"{url}: no answer within the timeout")
    if isinstance(exc, ConnectionRefusedError):
        return EndpointError(f"{url}: connection refused (is the endpoint running?)")
    return EndpointError(f"{url}: request failed: {exc}")


NETWORK_ERRORS = (urllib.error.URLError, OSError, http.client.HTTPException)


def allow_headers(count: int) -> None:
    """Let answers carry `count` headers: Virtuoso echoes every graph of the dataset back as an
    X-SPARQL-default-graph or -named-graph header, and http.client refuses more than 100 headers
    (a module-wide limit; it is only ever raised here)."""
    http.client._MAXHEADERS = max(http.client._MAXHEADERS, count)


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read().decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException):
        return ""
    return " ".join(text.split())[:300]


def opener(url: str, auth: Auth | None) -> urllib.request.OpenerDirector:
    """A private opener (no global install), answering the server's challenge with the credentials."""
    handlers: list[urllib.request.BaseHandler] = []
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, auth.user, auth.password)
        if auth.scheme == "digest":
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
        else:
            handlers.append(urllib.request.HTTPBasicAuthHandler(passwords))
    return urllib.request.build_opener(*handlers)


def send(
    director: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    timeout: float,
    *,
    accept_missing: bool = False,
) -> bytes:
    """The complete body of a successful answer; EndpointError otherwise (404 is empty when `accept_missing`)."""
    url = request.full_url
    try:
        with director.open(request, timeout=timeout) as response:
            check_complete(url, response.status, response.headers)
            return response.read()
    except urllib.error.HTTPError as exc:
        if accept_missing and exc.code == 404:
            return b""
        raise failure(url, exc) from exc
    except NETWORK_ERRORS as exc:
        raise failure(url, exc) from exc
