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

# Light modules (no model, no DOT builder, no dataclasses), imported now: ``render`` must be bound to the function
# here, after its module is imported, or a later ``import dbmodel_kit.erd.render`` would leave the
# package's ``render`` naming the module.
from .graphviz_run import INSTALL_HINT, GraphvizNotFound, GraphvizWarning, layout
from .render import ERD, cache_info, cached_dot, clear_cache, render, render_svg, save, svg_html

if TYPE_CHECKING:
    from .changes import Changes, compute_changes
    from .dot import dot_from_view, node_id, to_dot
    from .mermaid import to_mermaid
    from .notation import ARROWS, cardinality, column_badges, is_identifying, is_junction
    from .theme import THEMES, Theme
    from .view import View, build_view

#: The other exported names and the module each comes from, imported when first asked for (PEP
#: 562): ``dbmodel erd`` with DOT from its cache lays it out without the model and the DOT builder.
_HOME = {
    "Changes": "changes", "compute_changes": "changes",
    "dot_from_view": "dot", "node_id": "dot", "to_dot": "dot",
    "to_mermaid": "mermaid",
    "ARROWS": "notation", "cardinality": "notation", "column_badges": "notation", "is_identifying": "notation",
    "is_junction": "notation",
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
