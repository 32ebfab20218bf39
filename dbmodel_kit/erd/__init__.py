"""Entity-relationship diagrams: Schema -> view -> DOT -> SVG/PNG (Graphviz ``dot``), and Mermaid.

The pipeline, one module per step: :mod:`.changes` (what a comparison changed),
:mod:`.notation` (crow's-foot ends and column badges), :mod:`.view` (which tables, rows and
edges to draw), :mod:`.dot` (DOT source, themed by :mod:`.theme`), :mod:`.render` (Graphviz,
caching, the :class:`ERD` object) and :mod:`.mermaid` (``erDiagram`` text).

>>> from dbmodel_kit.examples import ecommerce
>>> shop = ecommerce()
>>> "fk:order_items.order_id->orders.id" in to_dot(shop)
True
>>> render_svg(shop, theme="dark").startswith("<?xml")
True
"""

from .changes import Changes, compute_changes
from .dot import dot_from_view, node_id, to_dot
from .mermaid import to_mermaid
from .notation import ARROWS, cardinality, column_badges, is_identifying, is_junction
from .render import (
    ERD,
    INSTALL_HINT,
    GraphvizNotFound,
    GraphvizWarning,
    cache_info,
    cached_dot,
    clear_cache,
    layout,
    render,
    render_svg,
    save,
    svg_html,
)
from .theme import THEMES, Theme
from .view import View, build_view

__all__ = [
    "ARROWS", "ERD", "INSTALL_HINT", "THEMES", "Changes", "GraphvizNotFound", "GraphvizWarning", "Theme",
    "View", "build_view", "cache_info", "cached_dot", "cardinality", "clear_cache", "column_badges",
    "compute_changes", "dot_from_view", "is_identifying", "is_junction", "layout", "node_id", "render",
    "render_svg", "save", "svg_html", "to_dot", "to_mermaid",
]
