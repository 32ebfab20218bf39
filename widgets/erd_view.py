"""The live ERD: an anywidget that shows the SVG from :mod:`dbmodel_kit.erd`, with zoom, pan,
click-to-select and the selected table's neighbours highlighted.

:class:`ErdView` holds traits only (the front end is ``static/erd_view.js``); :class:`ErdPanel`
owns it, renders the model's schema into it after every change, and adds the focus, depth and
theme controls. Clicking a table sets the synced trait ``selected``; the page's JupyterLab theme
comes back in the synced trait ``page_theme`` so ``theme="auto"`` follows light/dark.
"""

from __future__ import annotations

import pathlib
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from ..erd import render_svg
from ..model import Model, Schema
from ..model import ops as o
from ..model.model import Change
from ._common import Selection, button, set_options, with_class

STATIC = pathlib.Path(__file__).parent / "static"
THEMES = ("auto", "light", "dark")


class ErdView(anywidget.AnyWidget):
    """The ERD in the page: ``svg`` to show, ``selected`` table (set by a click), ``neighbours`` to
    highlight, ``tables`` (the names a click may map to), ``page_theme`` (reported by the page)."""

    _esm = STATIC / "erd_view.js"
    _css = STATIC / "erd_view.css"

    svg = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    neighbours = traitlets.List(traitlets.Unicode()).tag(sync=True)
    tables = traitlets.List(traitlets.Unicode()).tag(sync=True)
    page_theme = traitlets.Unicode("light").tag(sync=True)
    height = traitlets.Unicode("560px").tag(sync=True)


def neighbours(schema: Schema, table: str) -> list[str]:
    """Tables one foreign key away from ``table`` (parents, then children), in model order.

    >>> from dbmodel_kit.examples import ecommerce
    >>> neighbours(ecommerce(), "orders")
    ['users', 'order_items']
    """
    if not schema.has_table(table):
        return []
    parents = {fk.ref_table for fk in schema.table(table).foreign_keys}
    children = {child.name for child, _ in schema.referencing(table)}
    out = [t.name for t in schema.tables if t.name in parents and t.name != table]
    return out + [t.name for t in schema.tables if t.name in children - parents and t.name != table]


class ErdPanel:
    """The ERD view with its controls, kept in step with a :class:`Model` and a :class:`Selection`."""

    def __init__(self, model: Model, selection: Selection | None = None, *, theme: str = "auto",
                 height: str = "560px") -> None:
        self.model = model
        self.selection = selection if selection is not None else Selection()
        self.view = ErdView(height=height)
        self.focus = with_class(w.Dropdown(options=[("whole schema", None)], value=None, description="focus",
                                           layout=w.Layout(width="240px")), "dbm-erd-focus")
        self.depth = with_class(w.BoundedIntText(value=1, min=1, max=5, description="depth",
                                                 layout=w.Layout(width="130px")), "dbm-erd-depth")
        self.theme = with_class(w.ToggleButtons(options=THEMES, value=theme,
                                                style={"button_width": "52px"}), "dbm-erd-theme")
        self.focus_selected = button("Focus selected", "dbm-erd-focus-selected", icon="crosshairs")
        self.focus_selected.on_click(lambda _: self._focus_on_selected())
        self.status = w.HTML()
        controls = w.HBox([self.focus, self.focus_selected, self.depth, self.theme],
                          layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([controls, self.view, self.status], layout=w.Layout(min_width="0"))
        self.widget.add_class("dbm-erd-panel")
        self._link = traitlets.link((self.view, "selected"), (self.selection, "table"))
        for control in (self.focus, self.depth, self.theme):
            control.observe(self._on_control, names=["value"])
        self.view.observe(self._on_control, names=["page_theme"])
        self.view.observe(self._on_selected, names=["selected"])
        self._unsubscribe = model.subscribe(self._on_change)
        self.render()
        self._on_selected()

    @property
    def effective_theme(self) -> str:
        """``light`` or ``dark``: the chosen theme, or the page's when the choice is ``auto``."""
        chosen = self.theme.value
        return (self.view.page_theme or "light") if chosen == "auto" else chosen

    def render(self) -> None:
        """Draw the model's schema into the view (with the current focus, depth and theme)."""
        schema = self.model.schema
        names = list(schema.table_names)
        focus = self.focus.value if self.focus.value in names else None
        set_options(self.focus, [("whole schema", None), *[(n, n) for n in names]], focus)
        self.view.tables = names
        # render_svg caches by (schema, options): an undo, or switching the theme back, reuses
        # the drawing. Junction tables stay tables here (not collapsed into M:N edges) so a
        # click can select them for editing.
        self.view.svg = render_svg(schema, theme=self.effective_theme, focus=focus, depth=int(self.depth.value),
                                   collapse_m2m=False)
        shown = f"around <code>{focus}</code> (depth {self.depth.value})" if focus else "all tables"
        self.status.value = f"<small>{len(names)} tables · showing {shown}</small>"

    def _on_change(self, change: Change) -> None:
        selected = self.selection.table
        for op in _flatten(change.op):
            if isinstance(op, o.RenameTable) and op.table == selected:
                self.selection.table = selected = op.new_name
        if selected and not change.after.has_table(selected):
            self.selection.table = ""
        self.render()
        self._on_selected()

    def _on_control(self, _change: dict[str, Any]) -> None:
        self.render()

    def _on_selected(self, _change: Any = None) -> None:
        self.view.neighbours = neighbours(self.model.schema, self.view.selected)

    def _focus_on_selected(self) -> None:
        if self.selection.table:
            self.focus.value = self.selection.table

    def close(self) -> None:
        self._unsubscribe()
        self._link.unlink()
        self.widget.close()
        self.view.close()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _flatten(op: o.Operation) -> list[o.Operation]:
    if isinstance(op, o.Batch):
        return [leaf for inner in op.ops for leaf in _flatten(inner)]
    return [op]
