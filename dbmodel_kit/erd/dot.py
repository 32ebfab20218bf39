"""The DOT source of an ERD, built with the ``graphviz`` package from a :class:`~.view.View`.

Each table is an HTML-like label with one row per column; the first cell of a row carries the
port ``<column>_w`` and the last ``<column>_e``, so a relationship leaves the child's FK row on
one side and lands on the parent's key row on the other (with ``rankdir=LR``: parents to the
left). The visible column-to-column edges do not take part in ranking (``constraint=false``);
one invisible, weighted table-to-table edge per related pair does (the trick dbml-renderer
uses), which keeps the layout steady while ports only shape the curves.

Every element the SVG keeps has an ``id``: ``table:users``, ``col:users.email`` (name cells),
``fk:orders.user_id->users.id``, ``m2m:ticket_tags``, ``stub:orders``; edges carry ``class``
words (``fk``, ``identifying``, ``added``...). Tests and widgets find things by those. Tables are
named by key (:attr:`.Table.key`, as ``Schema.table_names``): ``table:sales.orders`` for orders in
schema sales, ``table:"a.b"`` for a table called a.b in no schema, so the two never share an id.

>>> from dbmodel_kit.examples import ecommerce
>>> src = to_dot(ecommerce())
>>> 'id="fk:orders.user_id->users.id"' in src and "arrowtail=crowodot" in src
True
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from .._cache import IdentityCache
from ..errors import ModelError
from ..model.schema import Schema
from .graphviz_run import ENGINES, SIDES  # noqa: F401  (ENGINES: the names dot.py always gave)
from .notation import Badge
from .theme import Theme
from .theme import theme as get_theme
from .view import Edge, Node, Row, View, build_view

_EDGE_LINES = IdentityCache()  # an edge's DOT line, per theme and sides (edges are reused per table value)
_HTML = IdentityCache()  # a node's label, per theme and enum values (nodes are reused per table value)

_STATUS_MARK = {"added": "+ ", "removed": "\u2212 ", "changed": "~ ", "renamed": "~ ", "": ""}


def node_id(table: str) -> str:
    """The DOT node name of a table: the name itself when plain, else a stable hash (DOT edge
    endpoints treat ``:`` as a port separator, and quoting rules for odd names are fragile).

    >>> node_id("users"), node_id("order items")
    ('users', 't_69a135d7d6')
    """
    if table.isidentifier() and table.isascii():
        return table
    if table.startswith("stub:"):
        return "stub_" + hashlib.sha1(table.encode()).hexdigest()[:10]
    return "t_" + hashlib.sha1(table.encode()).hexdigest()[:10]


_SPECIAL = re.compile(r"[&<>\"'\n]")


def _esc(text: str) -> str:
    """Text for an HTML-like label (XML escaping; newlines as character references)."""
    if not _SPECIAL.search(text):  # most names and types: one scan instead of six replaces
        return text
    return html.escape(text, quote=True).replace("\n", "&#10;")


def _font(text: str, color: str | None = None, size: float | None = None, bold: bool = False,
          italic: bool = False, strike: bool = False) -> str:
    if bold:
        text = f"<B>{text}</B>"
    if italic:
        text = f"<I>{text}</I>"
    if strike:
        text = f"<S>{text}</S>"
    attrs = (f' COLOR="{color}"' if color else "") + (f' POINT-SIZE="{size:g}"' if size else "")
    # Graphviz refuses an empty <FONT></FONT> (a view column has no type to show)
    return f"<FONT{attrs}>{text}</FONT>" if attrs and text else text


def _status_colors(th: Theme, status: str) -> tuple[str, str] | None:
    if status == "added":
        return th.added, th.added_bg
    if status == "removed":
        return th.removed, th.removed_bg
    if status in ("changed", "renamed"):
        return th.changed, th.changed_bg
    return None


_BADGE_COLOR = {"pk": "pk", "fk": "fk", "uq": "muted", "nn": "muted", "ix": "muted", "ck": "muted", "gen": "muted"}


def _badges(th: Theme, badges: tuple[Badge, ...], color: str | None) -> str:
    """Badge texts, one FONT run per colour (each run is a text span ``dot`` measures and writes:
    fewer runs, faster layout)."""
    runs: list[tuple[str, list[str]]] = []
    for b in badges:
        c = color or getattr(th, _BADGE_COLOR[b.role])
        if runs and runs[-1][0] == c:
            runs[-1][1].append(b.text)
        else:
            runs.append((c, [b.text]))
    return " ".join(_font(" ".join(texts), c, 8) for c, texts in runs)


def _row_html(th: Theme, table: str, row: Row, enum_values: dict[str, tuple[str, ...]], key_row: bool) -> str:
    colors = _status_colors(th, row.status)
    fg = colors[0] if colors else None
    bg = f' BGCOLOR="{colors[1]}"' if colors else (f' BGCOLOR="{th.key_row_bg}"' if key_row else "")
    strike = row.status == "removed"
    key = " ".join(_font(k, fg or (th.pk if k == "PK" else th.fk), 8, bold=True) for k in row.key.split())
    name = _font(_esc(_STATUS_MARK[row.status] + row.label), fg or th.text, bold="PK" in row.key.split(),
                 strike=strike)
    type_tip = row.type_tooltip
    if type_tip:
        enum = type_tip.split(" ", 1)[1]
        type_tip = f"enum {enum}: " + " | ".join(enum_values.get(enum, ()))
    type_text = _font(_esc(row.type), fg or th.muted, italic=bool(row.type_tooltip), strike=strike)
    type_attrs = f' HREF="#" TOOLTIP="{_esc(type_tip)}"' if type_tip else ""
    p = row.port
    return (f'<TR><TD PORT="{p}_w" ALIGN="LEFT"{bg}>{key}</TD>'
            f'<TD ALIGN="LEFT" HREF="#" ID="{_esc(f"col:{table}.{row.column}")}" TOOLTIP="{_esc(row.tooltip)}"'
            f"{bg}>{name}</TD>"
            f'<TD ALIGN="LEFT"{type_attrs}{bg}>{type_text}</TD>'
            f'<TD PORT="{p}_e" ALIGN="RIGHT"{bg}>{_badges(th, row.badges, fg)}</TD></TR>')


def _table_html(th: Theme, node: Node, enum_values: dict[str, tuple[str, ...]], show_group: bool = False) -> str:
    colors = _status_colors(th, node.status)
    border, header_bg, header_fg = (colors[0], colors[1], colors[0]) if colors else (
        th.table_border, th.header_bg, th.header_text)
    title = _font(_esc(_STATUS_MARK[node.status] + node.label), header_fg, 12, bold=True,
                  strike=node.status == "removed")
    if show_group and node.group:  # no cluster box says the subject area, so the header does
        title += _font(_esc(f"  {node.group}"), header_fg, 9, italic=True)
    parts = [f'<TABLE BORDER="{2 if colors else 1}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
             f'COLOR="{border}" BGCOLOR="{th.table_bg}">',
             f'<TR><TD COLSPAN="4" BGCOLOR="{header_bg}" CELLPADDING="5" HREF="#" '
             f'ID="{_esc("head:" + node.name)}" TOOLTIP="{_esc(node.tooltip)}">{title}</TD></TR>']
    for row in node.rows:
        parts.append(_row_html(th, node.name, row, enum_values, "PK" in row.key.split()))
    if node.hidden:
        more = f"\u2026 {node.hidden} more column{'s' if node.hidden != 1 else ''}"
        parts.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT">{_font(more, th.muted, 9, italic=True)}</TD></TR>')
    for text, status in node.notes:
        colors = _status_colors(th, status)
        note = _font(_esc(_STATUS_MARK[status] + text), colors[0] if colors else th.muted, 9,
                     strike=status == "removed")
        parts.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT">{note}</TD></TR>')
    parts.append("</TABLE>")
    # one row per line: golden files and reviews diff row by row (whitespace between rows is ignored)
    return _Html("<" + "\n".join(parts) + ">")


def _edge_line(th: Theme, e: Edge, sides: tuple[str, str], small: bool) -> str:
    return f"\t{_q(node_id(e.tail))} -> {_q(node_id(e.head))} [{_attrs(_edge_attrs(th, e, sides, small))}]"


def _edge_attrs(th: Theme, e: Edge, sides: tuple[str, str], small: bool = True) -> dict[str, str]:
    """DOT attributes of one edge. ``small``: the drawing has few enough tables that edge labels
    are affordable (any edge ``label`` makes dot lay out every rank twice as fine: 0.4 s became
    3.1 s of CPU for 300 tables), so above that only ``xlabel``, placed after layout, is used."""
    colors = _status_colors(th, e.status)
    tail_side, head_side = sides
    if e.self_loop:  # a loop on one side reads better than a curve around the whole table
        tail_side = head_side = sides[1] or "e"
    if e.kind == "m2m" or e.backward:
        tail_side, head_side = sides[1], sides[0]
    tp = f"{e.tail_port}_{tail_side or 'w'}" if e.tail_port else ""
    hp = f"{e.head_port}_{head_side or 'e'}" if e.head_port else ""
    attrs = {
        "id": e.id,
        "class": " ".join(w for w in (e.kind, "identifying" if e.identifying else "", e.status) if w),
        "dir": "both", "arrowtail": e.arrowtail, "arrowhead": e.arrowhead,
        "style": "solid" if e.identifying or e.kind == "m2m" else "dashed",
        "color": colors[0] if colors else th.edge,
        "tooltip": e.tooltip,
        "constraint": "false",
    }
    if tp:
        attrs["tailport"] = f"{tp}:{tail_side}" if tail_side else tp
    if hp:
        attrs["headport"] = f"{hp}:{head_side}" if head_side else hp
    if colors:
        attrs["penwidth"] = "2"
    if e.self_loop and not e.label and small:
        # dot sizes a self-loop by its label; without one the loop spans the whole gap to the next
        # rank and its ends seem to touch the neighbouring table. A blank label keeps it tight.
        attrs["label"] = " "
    if e.label:
        attrs["label" if small else "xlabel"] = e.label
        attrs["fontcolor"] = th.edge_label
        attrs["fontsize"] = "9"
    if e.kind == "stub":
        attrs["color"] = th.muted
    if e.kind == "reads":  # a view reading a table: dotted, no cardinality
        attrs["style"] = "dotted"
        attrs["color"] = th.muted
        attrs["dir"] = "forward"
    return attrs


#: Graphviz's own defaults for the arrow attributes, declared first on every edge: dot 2.43 lays out an
#: edge between two tables of one rank (``constraint=false``) on a copy of the graph and reads its
#: arrowhead there by the attribute's position in the original's edge attributes, so with arrowhead
#: declared later it read another attribute (``Warning: Arrow type "fk:orders.user_id->users.id"
#: unknown - ignoring``, and that edge was drawn without its ends). Declared first, the positions agree.
_EDGE_DEFAULTS = {"dir": "forward", "arrowtail": "normal", "arrowhead": "normal"}
_NUMBER = re.compile(r"^-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)$")
_NUMBER_START = frozenset("-.0123456789")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


class _Html(str):
    """An HTML-like label this module built (written as ``<...>``, never quoted)."""


def _q(value: str) -> str:
    """A DOT ID: bare when plain, as is for an :class:`_Html` label, else quoted (backslashes
    doubled so escString sequences like ``\\N`` in a name stay literal; newlines become ``\\n``)."""
    if isinstance(value, _Html):
        return value
    if value.isidentifier() and value.isascii() and value.lower() not in _KEYWORDS:
        return value
    if value[:1] in _NUMBER_START and _NUMBER.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(attrs: dict[str, str]) -> str:
    return " ".join(f"{k}={_q(v)}" for k, v in attrs.items())


#: Above this many tables, subject areas are not drawn as cluster boxes unless asked: dot keeps
#: clusters apart, so areas that reference each other stack into a staircase several times
#: taller than the same layout without boxes (300 generated tables: 1840x4276 px against
#: 1831x1179 px at the same scale). The area's name then sits in each table's header.
AUTO_CLUSTER_LIMIT = 40

#: Above AUTO_CLUSTER_LIMIT tables, fewer crossing-minimisation passes and network-simplex
#: iterations: about 25% less ``dot`` CPU at 300 tables (0.40 -> 0.28 s) for a drawing of the
#: same size and visibly the same quality (compared at 300 tables; docs/erd/synthetic-300-light.png).
_BIG_GRAPH_ATTRS = {"mclimit": "0.5", "nslimit": "1"}


#: How Graphviz lays out a view, by whether its tables have places (:attr:`Table.position`):
#: ``auto`` none placed (``dot`` ranks them), ``placed`` every box placed (``neato -n2`` keeps each
#: where it is and only routes the edges), ``mixed`` some placed (the others are placed around
#: them first, see :func:`dbmodel_kit.erd.render.cached_dot`).
LAYOUT_MODES = ("auto", "placed", "mixed")

#: Graph attributes of a drawing with placed tables: ``neato`` draws straight lines unless told to
#: route splines, and reads ``pos`` in inches unless told the unit is points (``inputscale=72``).
_PLACED_GRAPH_ATTRS = {"splines": "true", "inputscale": "72"}


def layout_mode(view: View, positions: Mapping[str, tuple[int, int]] | None = None) -> str:
    """``auto``, ``placed`` or ``mixed`` (see :data:`LAYOUT_MODES`) for ``view``, counting the places
    in ``positions`` (node name -> point) as well as the tables' own.

    >>> from dbmodel_kit.examples import ecommerce
    >>> layout_mode(build_view(ecommerce()))
    'auto'
    """
    extra = positions or {}
    placed = [n.position is not None or n.name in extra for n in view.nodes]
    if not any(placed):
        return "auto"
    return "placed" if all(placed) else "mixed"


def dot_from_view(view: View, *, theme: str | Theme = "light", rankdir: str = "LR",
                  graph_attr: dict[str, str] | None = None, enum_values: dict[str, tuple[str, ...]] | None = None,
                  clusters: bool | None = None, legend: bool = False,
                  positions: Mapping[str, tuple[int, int]] | None = None) -> str:
    """DOT source for a :class:`~.view.View`.

    Tables with a position (and the nodes ``positions`` places: node name -> ``(x, y)`` points) are
    pinned there (``pos="x,y!"``), for ``neato`` (:func:`layout_mode`); such a drawing has no
    subject-area boxes (``neato`` draws no clusters: each table's header names its area instead),
    no legend box (a cluster too) and, once every box is placed, none of the invisible edges that
    only steer ``dot``'s ranking.

    The text is written here rather than through ``graphviz.Digraph``: the package's per-call
    argument checks and regex quoting of every (long, HTML) label took 200 ms for 300 tables,
    more than the whole budget for building DOT (10% of the ``dot`` layout time); the syntax
    written is the same (https://graphviz.org/doc/info/lang.html), and ``graphviz`` still runs
    the layout (:mod:`.render`).
    """
    th = get_theme(theme)
    if rankdir not in SIDES:
        raise ModelError(f"rankdir must be one of {', '.join(SIDES)}, not {rankdir!r}")
    values = enum_values or {}
    extra = positions or {}
    mode = layout_mode(view, extra)
    small = sum(not n.stub for n in view.nodes) <= AUTO_CLUSTER_LIMIT
    if clusters is None or mode != "auto":
        clusters = small and mode == "auto"
    legend = legend and mode == "auto"
    groups = view.groups if clusters else []
    graph = {"rankdir": rankdir, "bgcolor": th.background, "fontname": th.font, "fontcolor": th.text,
             "nodesep": "0.3", "ranksep": "0.9", "pad": "0.2", "newrank": "true", "outputorder": "edgesfirst",
             "tooltip": " ", **({} if small else _BIG_GRAPH_ATTRS),
             **(_PLACED_GRAPH_ATTRS if mode != "auto" else {}), **(graph_attr or {})}
    out = [f"digraph {_q(view.title or 'erd')} {{",
           f"\tgraph [{_attrs(graph)}]",
           f"\tnode [{_attrs({'shape': 'plain', 'fontname': th.font, 'fontsize': '11', 'fontcolor': th.text})}]",
           f"\tedge [{_attrs(_EDGE_DEFAULTS | {'fontname': th.font, 'arrowsize': '0.9', 'penwidth': '1.2'})}]"]

    def node_line(node: Node, indent: str) -> str:
        if node.stub:
            attrs = {"label": node.label, "id": node.name, "shape": "box", "style": "dashed,rounded,filled",
                     "fillcolor": th.stub_bg, "color": th.muted, "fontcolor": th.muted, "fontsize": "10",
                     "margin": "0.12,0.04", "tooltip": node.tooltip}
        else:
            enums = tuple((r.type_tooltip, values.get(r.type_tooltip[5:], ())) for r in node.rows if r.type_tooltip)
            show_group = not clusters
            label = _HTML.get(node, (th, enums, show_group), lambda: _table_html(th, node, values, show_group))
            attrs = {"label": label, "id": f"table:{node.name}"}
        place = node.position if node.position is not None else extra.get(node.name)
        if place is not None:
            attrs["pos"] = f"{place[0]},{place[1]}!"
        return f"{indent}{_q(node_id(node.name))} [{_attrs(attrs)}]"

    for i, group in enumerate(groups):
        cluster = {"label": group, "id": f"group:{group}", "style": "rounded,filled", "fillcolor": th.cluster_bg,
                   "color": th.cluster_border, "fontcolor": th.cluster_text, "fontsize": "13", "labeljust": "l",
                   "margin": "14"}
        out.append(f"\tsubgraph cluster_{i} {{")
        out.append(f"\t\tgraph [{_attrs(cluster)}]")
        out += [node_line(n, "\t\t") for n in view.nodes if n.group == group and not n.stub]
        out.append("\t}")
    out += [node_line(n, "\t") for n in view.nodes if n.stub or n.group not in groups]
    for parent, child, weight in view.ranks if mode != "placed" else ():
        out.append(f"\t{_q(node_id(parent))} -> {_q(node_id(child))} [style=invis weight={2 + weight}]")
    sides = SIDES[rankdir]
    places = {n.name: n.position or extra.get(n.name) for n in view.nodes} if mode == "placed" else {}
    for e in view.edges:
        if places:  # each edge leaves and enters on the sides facing each other
            sides = _facing(e, places)
        out.append(_EDGE_LINES.get(e, (th, sides, small), partial(_edge_line, th, e, sides, small)))
    if legend:
        out += _legend(th, diff=any(n.status for n in view.nodes))
    out.append("}")
    return "\n".join(out) + "\n"


def _facing(e: Edge, places: Mapping[str, tuple[int, int] | None]) -> tuple[str, str]:
    """(tail side, head side) of an edge between placed boxes: the sides that face each other."""
    tail, head = places.get(e.tail), places.get(e.head)
    sides = ("w", "e") if tail is None or head is None or tail[0] >= head[0] else ("e", "w")
    # _edge_attrs swaps the sides of many-to-many and backward edges (drawn against the ranking)
    return (sides[1], sides[0]) if e.kind == "m2m" or e.backward else sides


_LEGEND_ENDS = (("exactly_one", "exactly one"), ("zero_or_one", "zero or one"),
                ("zero_or_many", "zero or many"), ("one_or_many", "one or many"))
#: What the row badges mean (the drawn legend and the Designer's legend both list these).
LEGEND_BADGES = ("PK primary key", "FK foreign key", "UQ unique (U1.2: 2nd column of unique set 1)",
                 "NN not null", "I2 index 2 (I1.2: 2nd column; * partial)", "CK check", "GEN generated",
                 "italic type: enum (values on hover)")


def _legend(th: Theme, diff: bool) -> list[str]:
    """A boxed key to the notation: the four crow's-foot ends, solid/dashed lines, the badges and,
    in a diff, the status colours. Real (tiny) edges draw the ends, so they look exactly like
    the diagram's."""
    from .notation import ARROWS

    box = {"label": "notation", "id": "legend", "style": "rounded,filled", "fillcolor": th.cluster_bg,
           "color": th.cluster_border, "fontcolor": th.cluster_text, "fontsize": "11", "labeljust": "l",
           "margin": "10"}
    out = ["\tsubgraph cluster_legend {", f"\t\tgraph [{_attrs(box)}]"]
    text = {"shape": "plaintext", "fontsize": "10", "fontcolor": th.text, "margin": "0", "height": "0.22"}
    samples = [(f"legend_{end}", ARROWS[end], label, "solid") for end, label in _LEGEND_ENDS]
    samples += [("legend_identifying", "none", "identifying (FK in PK)", "solid"),
                ("legend_non_identifying", "none", "non-identifying", "dashed")]
    for name, arrow, label, style in samples:
        out.append(f"\t\t{name}_a [{_attrs({'shape': 'point', 'style': 'invis', 'width': '0.05'})}]")
        out.append(f"\t\t{name}_b [{_attrs({**text, 'label': label})}]")
        attrs = {"id": name.replace("_", ":", 1), "dir": "back", "arrowtail": arrow, "arrowhead": "none",
                 "style": style, "color": th.edge, "minlen": "1", "tailport": "e"}
        out.append(f"\t\t{name}_b -> {name}_a [{_attrs(attrs)}]")
    rows = "".join(f'<TR><TD ALIGN="LEFT">{_esc(line)}</TD></TR>' for line in LEGEND_BADGES)
    if diff:
        for status, mark in (("added", "+ added"), ("removed", "\u2212 removed (struck through)"),
                             ("changed", "~ changed or renamed (old \u2192 new)")):
            fg, bg = _status_colors(th, status) or (th.text, th.table_bg)
            rows += f'<TR><TD ALIGN="LEFT" BGCOLOR="{bg}"><FONT COLOR="{fg}">{_esc(mark)}</FONT></TD></TR>'
    table = _Html(f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{rows}</TABLE>>')
    out.append(f"\t\tlegend_badges [{_attrs({**text, 'label': table})}]")
    out.append("\t}")
    return out


def to_dot(schema: Schema, *, compare: Any = None, theme: str | Theme = "light", focus: str | Any = None,
           depth: int = 1, include: Any = None, exclude: Any = None, compact: bool = False,
           rankdir: str = "LR", collapse_m2m: bool = True, graph_attr: dict[str, str] | None = None,
           clusters: bool | None = None, legend: bool = False,
           positions: Mapping[str, tuple[int, int]] | None = None, placed: bool = True) -> str:
    """DOT source of the ERD of ``schema`` (see :func:`dbmodel_kit.erd.render` for the options;
    ``positions`` as in :func:`dot_from_view`; ``placed=False`` ignores the tables' positions)."""
    return dot_and_view(schema, compare=compare, theme=theme, focus=focus, depth=depth, include=include,
                        exclude=exclude, compact=compact, rankdir=rankdir, collapse_m2m=collapse_m2m,
                        graph_attr=graph_attr, clusters=clusters, legend=legend, positions=positions,
                        placed=placed)[0]


def dot_and_view(schema: Schema, *, compare: Any = None, theme: str | Theme = "light", focus: str | Any = None,
                 depth: int = 1, include: Any = None, exclude: Any = None, compact: bool = False,
                 rankdir: str = "LR", collapse_m2m: bool = True, graph_attr: dict[str, str] | None = None,
                 clusters: bool | None = None, legend: bool = False,
                 positions: Mapping[str, tuple[int, int]] | None = None, placed: bool = True) -> tuple[str, View]:
    """:func:`to_dot` and the :class:`~.view.View` it drew (the renderer asks it how to lay out)."""
    view = build_view(schema, compare=compare, focus=focus, depth=depth, include=include, exclude=exclude,
                      compact=compact, collapse_m2m=collapse_m2m)
    if not placed:
        view = replace(view, nodes=[replace(n, position=None) if n.position is not None else n for n in view.nodes])
    enums = {e.name: e.values for e in schema.enums}
    if compare is not None and isinstance(compare, Schema):
        enums = {**{e.name: e.values for e in compare.enums}, **enums}
    source = dot_from_view(view, theme=theme, rankdir=rankdir, graph_attr=graph_attr, enum_values=enums,
                           clusters=clusters, legend=legend, positions=positions)
    return source, view
