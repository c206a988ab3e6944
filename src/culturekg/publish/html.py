"""HTML building blocks shared by the static site and the server: every literal text goes through `esc`.

A Linker turns IRIs and site files into hrefs: relative file paths for the static site, absolute
paths for the server. Links to outside resources are made only for http(s) IRIs, so an IRI such as
`javascript:...` is shown as text, never as a link.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from ..vocab import XSD
from .paths import page_stem, relative_href, term_anchor
from .view import GraphView, Term

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#fbfbfa;line-height:1.45}
header{background:#1f4e79;color:#fff;padding:.6em 1.2em}header a{color:#fff;margin-right:1.2em;text-decoration:none;font-weight:600}
main{max-width:72em;margin:0 auto;padding:1em 1.2em}
table{border-collapse:collapse;margin:.5em 0 1.2em;width:100%}th,td{border-bottom:1px solid #dde;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef2f7}code{font-size:.9em;word-break:break-all}.iri{color:#556;font-size:.9em}
.lit-tag{color:#889;font-size:.8em;margin-left:.3em}.chart{margin:1em 0;overflow-x:auto}
textarea{width:100%;font-family:monospace;min-height:14em}.error{color:#a00;font-weight:600}
.small{font-size:.85em;color:#556}
"""


_POLICY = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def safe_external(iri: str) -> bool:
    return iri.startswith(("http://", "https://"))


@dataclass
class Linker:
    """hrefs from one page. `current` is the page's file (static site) or None (server: absolute paths
    under `root`, the path the server serves the base IRI at)."""

    base_iri: str
    current: str | None = None
    root: str = "/"

    def site(self, relative: str) -> str:
        if self.current is None:
            return self.root + relative
        return relative_href(self.current, relative)

    def entity_file(self, iri: str, extension: str) -> str | None:
        stem = page_stem(iri, self.base_iri)
        if stem is None:
            return None
        if self.current is None:
            path = iri[len(self.base_iri):]
            # The server maps the IRI's own path; non-ASCII and reserved characters are percent-encoded.
            href = self.root + quote(path, safe="/-._~!$&'()*+,;=:@%")
            return href if extension == "html" else f"{href}?format={extension}"
        return relative_href(self.current, f"{stem}.{extension}")

    def term_doc(self, iri: str) -> str | None:
        fragment = term_anchor(iri)
        return None if fragment is None else self.site("ontology/index.html") + "#" + quote(fragment, safe="-")


def term_html(term: Term | None, view: GraphView, linker: Linker) -> str:
    """A term as HTML: an entity with a page links to it under its label; a literal shows its language or type."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        tag = ""
        if term.language:
            tag = f'<span class="lit-tag">@{esc(term.language)}</span>'
        elif term.datatype.value not in (XSD.string.value,):
            tag = f'<span class="lit-tag">{esc(view.compact(term.datatype.value))}</span>'
        value = term.value
        if term.datatype.value == XSD.anyURI.value and safe_external(value):
            return f'<a href="{esc(value)}" rel="nofollow">{esc(value)}</a>{tag}'
        return f"{esc(value)}{tag}"
    if isinstance(term, ox.BlankNode):
        return f"<code>_:{esc(term.value)}</code>"
    label = view.label(term)
    if view.has_page(term):
        return f'<a href="{esc(linker.entity_file(term.value, "html"))}" title="{esc(term.value)}">{esc(label)}</a>'
    doc = linker.term_doc(term.value)
    if doc:
        return f'<a href="{esc(doc)}" title="{esc(term.value)}">{esc(label)}</a>'
    if safe_external(term.value):
        return f'<a href="{esc(term.value)}" title="{esc(term.value)}">{esc(label)}</a>'
    return f"<code>{esc(term.value)}</code>"


def page(title: str, body: str, linker: Linker, *, head: str = "", server: bool = False) -> str:
    nav = [("index.html", "Overview"), ("ontology/index.html", "Ontology"), ("queries/index.html", "Stored queries")]
    if server:
        nav.append(("sparql", "Query"))
    links = "".join(f'<a href="{esc(linker.site(path))}">{esc(text)}</a>' for path, text in nav)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        # No page runs scripts (the JSON-LD block is data): forbid them, so injected markup could not either.
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_POLICY}\">"
        f"<title>{esc(title)}</title><link rel=\"stylesheet\" href=\"{esc(linker.site('static/style.css'))}\">{head}</head>"
        f"<body><header>{links}</header><main>{body}</main></body></html>\n"
    )
