"""SVG pictures drawn at publish time (no scripts, no fonts or files fetched): a timeline of events
per year by convention, a matrix of countries x conventions by party status, and per event a small
diagram of who organized, facilitated and attended. All text is escaped."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..vocab import CKG, ROLE_NS
from .html import Linker, esc
from .view import GraphView

_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
_NONE_COLOUR = "#9aa3ad"
_FONT = 'font-family="sans-serif"'

# Events only (not date ranges, posts or projects, which have start dates too); the ontology is in the store.
_EVENTS_BY_YEAR = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?event ?start ?convention WHERE {
  ?event a/rdfs:subClassOf* ckg:Event ; ckg:startDate ?start .
  OPTIONAL { ?event ckg:concernsConvention ?convention }
}"""

_CONVENTIONS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
SELECT DISTINCT ?convention WHERE { ?convention a ckg:Convention }"""

_MEMBERSHIPS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
SELECT ?state ?convention ?partyFrom ?partyUntil WHERE {
  ?m ckg:state ?state ; ckg:convention ?convention .
  OPTIONAL { ?m ckg:partyFrom ?partyFrom }
  OPTIONAL { ?m ckg:partyUntil ?partyUntil }
}"""

_COMPLETE_LISTS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
SELECT ?convention ?asOf WHERE {
  ?d ckg:covers ?convention ; ckg:complete true .
  OPTIONAL { ?d ckg:completeAsOf ?asOf }
}"""

_PARTICIPANTS = """
PREFIX ckg: <https://w3id.org/culturekg/ontology#>
SELECT DISTINCT ?agent ?role WHERE { ?p ckg:event ?event ; ckg:agent ?agent ; ckg:role ?role }"""


def _year(term) -> int | None:
    if isinstance(term, ox.Literal) and len(term.value) >= 4 and term.value[:4].isdigit():
        return int(term.value[:4])
    return None


def _short(view: GraphView, convention) -> str:
    short = view.first(convention, CKG.shortName)
    return short.value if isinstance(short, ox.Literal) else view.label(convention)


def conventions(view: GraphView) -> list[ox.NamedNode]:
    rows = view.select(_CONVENTIONS)
    return sorted((r["convention"] for r in rows), key=lambda c: (_short(view, c), c.value))


def timeline(view: GraphView) -> str:
    """Stacked bars: events per start year, one colour per convention (grey: no convention recorded)."""
    counts: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in view.select(_EVENTS_BY_YEAR):
        year = _year(row["start"])
        if year is None:
            continue
        key = row["convention"].value if row["convention"] is not None else ""
        counts[year][key].add(row["event"])
    if not counts:
        return '<p class="small">No dated events.</p>'
    present = {key for by_key in counts.values() for key in by_key}
    series = [c.value for c in conventions(view) if c.value in present] + [""]
    colour = {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(series[:-1])}
    colour[""] = _NONE_COLOUR
    years = list(range(min(counts), max(counts) + 1))
    top = max(sum(len(v) for v in counts[y].values()) for y in counts)
    bar, gap, height, left, bottom = 26, 8, 180, 40, 40
    width = left + len(years) * (bar + gap) + 220
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + bottom + 20}" role="img" aria-label="Events per year by convention" {_FONT} font-size="11">']
    parts.append(f'<line x1="{left}" y1="{height + 10}" x2="{left + len(years) * (bar + gap)}" y2="{height + 10}" stroke="#333"/>')
    parts.append(f'<text x="{left - 6}" y="{14}" text-anchor="end">{top}</text><text x="{left - 6}" y="{height + 10}" text-anchor="end">0</text>')
    for i, year in enumerate(years):
        x = left + i * (bar + gap)
        y = height + 10
        for key in series:
            n = len(counts.get(year, {}).get(key, ()))
            if not n:
                continue
            h = n / top * (height - 4)
            y -= h
            title = f"{year}: {n} event(s), {_short(view, ox.NamedNode(key)) if key else 'no convention recorded'}"
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour[key]}"><title>{esc(title)}</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 24}" text-anchor="middle" transform="rotate(-45 {x + bar / 2} {height + 24})">{year}</text>')
    legend_x = left + len(years) * (bar + gap) + 20
    for i, key in enumerate(series):
        name = _short(view, ox.NamedNode(key)) if key else "no convention recorded"
        parts.append(f'<rect x="{legend_x}" y="{20 + i * 18}" width="12" height="12" fill="{colour[key]}"/>')
        parts.append(f'<text x="{legend_x + 18}" y="{30 + i * 18}">{esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Status:
    text: str
    colour: str


PARTY = "#2e8b57"
WITHDRAWN = "#e08a1e"
NOT_PARTY = "#c8504b"
UNKNOWN = "#d9dde2"


def party_matrix(view: GraphView, linker: Linker) -> str:
    """Countries x conventions: party (since the year of ckg:partyFrom), withdrawn, not a party (absent
    from a list that is complete), or unknown (absent from lists that are not complete)."""
    convs = conventions(view)
    facts: dict[tuple[str, str], Status] = {}
    for row in view.select(_MEMBERSHIPS):
        key = (row["state"].value, row["convention"].value)
        until, since = _year(row["partyUntil"]), _year(row["partyFrom"])
        if until is not None:
            facts[key] = Status(f"withdrew {until}", WITHDRAWN)
        elif since is not None:
            facts[key] = Status(f"since {since}", PARTY)
        else:
            facts.setdefault(key, Status("party (date unknown)", PARTY))
    complete = {r["convention"].value: r["asOf"] for r in view.select(_COMPLETE_LISTS)}
    # A convention without any membership fact would be a column of "unknown": leave it out.
    with_facts = {c for _, c in facts} | set(complete)
    convs = [c for c in convs if c.value in with_facts]
    # The IRI breaks ties between equal labels, so the order never depends on set iteration.
    states = sorted({s for s, _ in facts}, key=lambda s: (view.label(ox.NamedNode(s)), s))
    if not states or not convs:
        return '<p class="small">No membership facts.</p>'
    row_h, label_w, head = 18, 200, 46
    col_w = max(110, 7 * max(len(_short(view, c)) for c in convs) + 12)
    width, height = label_w + col_w * len(convs) + 10, head + row_h * len(states) + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="Party status by country and convention" {_FONT} font-size="11">']
    for j, conv in enumerate(convs):
        parts.append(f'<text x="{label_w + j * col_w + col_w / 2}" y="{head - 10}" text-anchor="middle" font-weight="bold">{esc(_short(view, conv))}</text>')
    for i, state in enumerate(states):
        y = head + i * row_h
        node = ox.NamedNode(state)
        href = linker.entity_file(state, "html") if view.has_page(node) else None
        label = f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{esc(view.label(node))}</text>'
        parts.append(f'<a href="{esc(href)}">{label}</a>' if href else label)
        for j, conv in enumerate(convs):
            status = facts.get((state, conv.value))
            if status is None:
                as_of = complete.get(conv.value, False)
                status = Status("unknown", UNKNOWN) if as_of is False else Status(
                    "not a party" + (f" (as of {as_of.value})" if as_of is not None else ""), NOT_PARTY)
            x = label_w + j * col_w
            parts.append(f'<rect x="{x + 2}" y="{y + 1}" width="{col_w - 4}" height="{row_h - 2}" fill="{status.colour}"><title>{esc(view.label(node))}, {esc(_short(view, conv))}: {esc(status.text)}</title></rect>')
            text_colour = "#fff" if status.colour in (PARTY, NOT_PARTY) else "#222"
            parts.append(f'<text x="{x + col_w / 2}" y="{y + 13}" text-anchor="middle" fill="{text_colour}">{esc(status.text if len(status.text) < 18 else status.text[:16] + "…")}</text>')
    legend_y = head + row_h * len(states) + 20
    for k, (text, colour) in enumerate((("party", PARTY), ("withdrawn", WITHDRAWN), ("not a party", NOT_PARTY), ("unknown", UNKNOWN))):
        parts.append(f'<rect x="{10 + k * 110}" y="{legend_y}" width="12" height="12" fill="{colour}"/><text x="{28 + k * 110}" y="{legend_y + 10}">{text}</text>')
    parts.append("</svg>")
    return "".join(parts)


_ROLE_GROUPS = (
    ("organized", ("organizer", "co-organizer", "funder", "supporter", "partner"), "#1f4e79"),
    ("facilitated", ("facilitator", "speaker"), "#2e8b57"),
    ("attended", ("participant",), "#8c564b"),
)


def event_diagram(view: GraphView, event: ox.NamedNode, linker: Linker) -> str:
    """The event in the middle; who organized it on the left, who facilitated on the right, who attended below."""
    groups: dict[str, list[tuple[str, ox.NamedNode]]] = {name: [] for name, _, _ in _ROLE_GROUPS}
    for row in view.select(_PARTICIPANTS, {"event": event}):
        role = row["role"].value.removeprefix(ROLE_NS)
        for name, roles, _ in _ROLE_GROUPS:
            if role in roles:
                groups[name].append((role, row["agent"]))
    if not any(groups.values()):
        return ""
    for members in groups.values():
        members.sort(key=lambda m: (view.label(m[1]), m[0], m[1].value))
    box_w, box_h, gap = 210, 30, 8
    side = max(len(groups["organized"]), len(groups["facilitated"]), 1)
    below = len(groups["attended"])
    width = 3 * box_w + 120
    height = 30 + side * (box_h + gap) + (40 + below * (box_h + gap) if below else 0) + 10
    cx, cy = width / 2, 30 + side * (box_h + gap) / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="Who took part" {_FONT} font-size="11">']
    positions = {
        "organized": [(10, 30 + i * (box_h + gap)) for i in range(len(groups["organized"]))],
        "facilitated": [(width - box_w - 10, 30 + i * (box_h + gap)) for i in range(len(groups["facilitated"]))],
        "attended": [(cx - box_w / 2, 30 + side * (box_h + gap) + 40 + i * (box_h + gap)) for i in range(below)],
    }
    if groups["organized"]:
        parts.append('<text x="10" y="16" font-weight="bold">organized</text>')
    if groups["facilitated"]:
        parts.append(f'<text x="{width - 10}" y="16" text-anchor="end" font-weight="bold">facilitated</text>')
    for name, _, colour in _ROLE_GROUPS:
        for (role, agent), (x, y) in zip(groups[name], positions[name]):
            anchor_x = x + box_w if name == "organized" else (x if name == "facilitated" else x + box_w / 2)
            anchor_y = y + box_h / 2 if name != "attended" else y
            parts.append(f'<line x1="{cx}" y1="{cy}" x2="{anchor_x}" y2="{anchor_y}" stroke="{colour}" stroke-width="1.5"/>')
            text = view.label(agent)
            text = text if len(text) <= 32 else text[:30] + "…"
            box = (f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="4" fill="#fff" stroke="{colour}"/>'
                   f'<text x="{x + 6}" y="{y + 13}">{esc(text)}</text><text x="{x + 6}" y="{y + 25}" fill="#667" font-size="9">{esc(role)}</text>')
            href = linker.entity_file(agent.value, "html") if view.has_page(agent) else None
            parts.append(f'<a href="{esc(href)}">{box}</a>' if href else box)
    label = view.label(event)
    label = label if len(label) <= 34 else label[:32] + "…"
    parts.append(f'<rect x="{cx - box_w / 2}" y="{cy - box_h / 2}" width="{box_w}" height="{box_h}" rx="6" fill="#1f4e79"/>')
    parts.append(f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" fill="#fff">{esc(label)}</text>')
    if below:
        parts.append(f'<text x="{cx}" y="{30 + side * (box_h + gap) + 30}" text-anchor="middle" font-weight="bold">attended</text>')
    parts.append("</svg>")
    return "".join(parts)
