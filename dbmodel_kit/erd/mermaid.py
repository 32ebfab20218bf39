"""Mermaid ``erDiagram`` text: renders on GitHub and in JupyterLab Markdown cells.

Built from the same :class:`~.view.View` as the Graphviz drawing, so focus, include/exclude,
compact mode and many-to-many collapsing apply alike. Mermaid has no per-entity colours, so the
diff view's statuses become ``%%`` comments.

Mermaid's attribute grammar accepts letters, digits, ``-``, ``_``, ``()`` and ``[]`` in a type
(https://mermaid.js.org/syntax/entityRelationshipDiagram.html#attributes), so ``decimal(10,2)``
is written ``decimal(10-2)``; names outside ``[A-Za-z_][A-Za-z0-9_-]*`` are quoted (entities)
or have other characters replaced by ``_`` (attributes).

>>> from dbmodel_kit.examples import ecommerce
>>> text = to_mermaid(ecommerce())
>>> print(text.splitlines()[3])
erDiagram
>>> 'users ||..o{ orders : "user_id"' in text
True
"""

from __future__ import annotations

import re
from typing import Any

from ..model.schema import Schema
from .view import Edge, Node, build_view

_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
#: Mermaid cardinality markers by Graphviz arrowtype: (left of the line, right of the line).
_MARKS: dict[str, tuple[str, str]] = {
    "teetee": ("||", "||"),
    "teeodot": ("|o", "o|"),
    "crowodot": ("}o", "o{"),
    "crowtee": ("}|", "|{"),
}


def _entity(name: str) -> str:
    if _WORD.match(name):
        return name
    return '"' + name.replace('"', "'").replace("%", "pct") + '"'


def _attr(name: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return clean if clean[:1].isalpha() or clean[:1] == "_" else "_" + clean


def _type(text: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_()\[\]-]", "-", text.replace(" ", "_"))
    return clean if clean[:1].isalpha() else "t_" + clean


def _comment(text: str) -> str:
    return '"' + " ".join(text.replace('"', "'").split())[:80] + '"'


def _entity_lines(node: Node) -> list[str]:
    out = [f"    {_entity(node.name)} {{"]
    for row in node.rows:
        if row.status == "removed":
            continue
        keys = [k for k in row.key.split() if k in ("PK", "FK")]
        if any(b.text == "UQ" for b in row.badges):
            keys.append("UK")
        parts = [_type(row.type or "unknown"), _attr(row.column)]
        if keys:
            parts.append(", ".join(keys))
        if row.label != row.column:
            parts.append(_comment(f"renamed from {row.label.split()[0]}"))
        out.append("        " + " ".join(parts))
    out.append("    }")
    return out


def _relationship(edge: Edge) -> str:
    # parent (the edge's head) on the left, child on the right: "users ||--o{ orders"
    left = _MARKS[edge.arrowhead][0]
    right = _MARKS[edge.arrowtail][1]
    line = "--" if edge.identifying else ".."
    label = ", ".join(edge.columns) or edge.label or "has"
    return f"    {_entity(edge.head)} {left}{line}{right} {_entity(edge.tail)} : {_comment(label)}"


def to_mermaid(schema: Schema, *, compare: Any = None, focus: Any = None, depth: int = 1, include: Any = None,
               exclude: Any = None, compact: bool = False, collapse_m2m: bool = True) -> str:
    """The schema as a Mermaid ``erDiagram`` (see the module docstring)."""
    view = build_view(schema, compare=compare, focus=focus, depth=depth, include=include, exclude=exclude,
                      compact=compact, collapse_m2m=collapse_m2m)
    lines = ["erDiagram"]
    from ..ddl.objects import beside_tables

    # views are drawn; triggers, routines, policies... and partitioning have no Mermaid form
    lines += [f"    %% not drawn: {_comment(n)}" for n in beside_tables(schema)
              if not n.startswith(("view ", "materialized view "))]
    if view.title:  # Mermaid's front matter carries the title (v10+, GitHub too)
        lines[:0] = ["---", f"title: {_comment(view.title)}", "---"]
    for node in view.nodes:
        if node.stub:
            continue
        if node.status:
            lines.append(f"    %% {node.name}: {node.status}")
        if node.label.endswith("view)"):
            lines.append(f"    %% {node.label}")
        if node.status != "removed":  # Mermaid cannot strike through: a removed table is a comment
            lines += _entity_lines(node)
    for e in view.edges:
        if e.kind == "stub" or e.status == "removed":
            continue
        if e.kind == "reads":  # Mermaid's ER diagrams relate entities by keys only: say it
            lines.append(f"    %% {e.tooltip} (a view; not a relationship)")
            continue
        if e.status:
            lines.append(f"    %% {e.id}: {e.status}")
        lines.append(_relationship(e))
    return "\n".join(lines) + "\n"
