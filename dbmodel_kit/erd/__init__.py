"""Entity-relationship diagrams: Schema -> view -> DOT -> SVG/PNG (Graphviz ``dot``), and Mermaid.

The pipeline, one module per step: :mod:`.changes` (what a comparison changed),
:mod:`.notation` (crow's-foot ends and column badges), :mod:`.view` (which tables, rows and
edges to draw), :mod:`.dot` (DOT source, themed by :mod:`.theme`), :mod:`.render` (Graphviz,
caching, the :class:`ERD` object) and :mod:`.mermaid` (``erDiagram`` text).

>>> from dbmodel_kit.erd import render_svg, to_dot
>>> from dbmodel_kit.examples import ecommerce
>>> shop = ecommerce()
>>> "fk:order_items.order_id->orders.id" in to_dot(shop)
True
>>> render_svg(shop, theme="dark").startswith("<?xml")
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .changes import Changes, compute_changes
    from .dot import dot_from_view, node_id, to_dot
    from .graphviz_run import INSTALL_HINT, GraphvizNotFound, GraphvizWarning, layout
    from .mermaid import to_mermaid
    from .notation import ARROWS, cardinality, column_badges, is_identifying, is_junction
    from .render import ERD, cache_info, cached_dot, clear_cache, render, render_svg, save, svg_html
    from .theme import THEMES, Theme
    from .view import View, build_view

#: Each exported name and the module it comes from, imported when first asked for (PEP 562): a
#: command that only lays out DOT it already has (``dbmodel erd`` on an unchanged input) imports
#: :mod:`.graphviz_run` alone, not the model and the DOT builder.
_HOME = {
    "Changes": "changes", "compute_changes": "changes",
    "dot_from_view": "dot", "node_id": "dot", "to_dot": "dot",
    "INSTALL_HINT": "graphviz_run", "GraphvizNotFound": "graphviz_run", "GraphvizWarning": "graphviz_run",
    "layout": "graphviz_run",
    "to_mermaid": "mermaid",
    "ARROWS": "notation", "cardinality": "notation", "column_badges": "notation", "is_identifying": "notation",
    "is_junction": "notation",
    "ERD": "render", "cache_info": "render", "cached_dot": "render", "clear_cache": "render", "render": "render",
    "render_svg": "render", "save": "render", "svg_html": "render",
    "THEMES": "theme", "Theme": "theme",
    "View": "view", "build_view": "view",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "ARROWS", "ERD", "INSTALL_HINT", "THEMES", "Changes", "GraphvizNotFound", "GraphvizWarning", "Theme",
    "View", "build_view", "cache_info", "cached_dot", "cardinality", "clear_cache", "column_badges",
    "compute_changes", "dot_from_view", "is_identifying", "is_junction", "layout", "node_id", "render",
    "render_svg", "save", "svg_html", "to_dot", "to_mermaid",
]
