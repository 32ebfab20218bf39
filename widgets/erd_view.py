"""The live ERD: an anywidget that shows the SVG from :mod:`dbmodel_kit.erd`, with zoom, pan,
click-to-select, drag-to-move, double-click-to-edit and the selected table's neighbours highlighted.

:class:`ErdView` holds traits only (the front end is ``static/erd_view.js``); :class:`ErdPanel`
owns it, renders the model's schema into it after every change, adds the focus, depth and theme
controls, and turns what the page reports into model edits: a table dragged to a new place is
one ``AlterTable(position=...)`` step (the first drag also pins every other table where the
automatic layout drew it, so nothing else moves), "Auto layout" unpins them all. Clicking a
table sets the synced trait ``selected``; the page's JupyterLab theme comes back in the synced
trait ``page_theme`` so ``theme="auto"`` follows light/dark.

>>> from dbmodel_kit import Model
>>> from dbmodel_kit.examples import ecommerce
>>> panel = ErdPanel(Model(ecommerce()))
>>> drawn = {"users": (100, 400), "orders": (400, 380), "products": (700, 200)}
>>> panel.move("orders", (50, -20), drawn)            # what dragging orders 50 right, 20 down does
True
>>> panel.model.schema.table("orders").position, panel.model.schema.table("users").position
((450, 360), (100, 400))
>>> panel.model.history()[-1]
'move table orders (and pin 2 more tables where they are drawn)'
>>> panel.auto_layout(), panel.model.schema.table("orders").position
(True, None)
>>> panel.close()
"""

from __future__ import annotations

import pathlib
import statistics
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from ..erd import GraphvizWarning, render_svg
from ..erd.dot import LEGEND_BADGES
from ..erd.graphviz_run import keep_ready
from ..errors import ModelError
from ..model import Model, Schema
from ..model import ops as o
from ..model.model import Change
from ._common import NONE, Feedback, Selection, Style, button, keep_message_order, or_none, row, set_options, with_class

STATIC = pathlib.Path(__file__).parent / "static"
THEMES = ("auto", "light", "dark")

#: The legend of the row flags, as (flag, meaning) pairs, from the drawing's own legend text.
LEGEND = [tuple(line.split(" ", 1)) for line in LEGEND_BADGES if not line.startswith("italic")] + [
    ("italic type", "an enum (its values on hover)")]


class ErdView(anywidget.AnyWidget):
    """The ERD in the page: ``svg`` to show, ``selected`` table (set by a click), ``neighbours`` to
    highlight, ``tables`` (the names a click may map to), ``page_theme`` (reported by the page),
    ``legend`` (row flags and what they mean), ``placed`` (whether tables have positions, so
    "Auto layout" has something to undo).

    The page sends ``{"command": "move", "table", "delta": [dx, dy], "drawn": {table: [x, y]}}``
    (points, y up) after a drag, ``{"command": "auto-layout"}`` and ``{"command": "edit",
    "table", "column"}`` after a double-click on a column: one-off requests, so messages.
    """

    _esm = STATIC / "erd_view.js"
    _css = STATIC / "erd_view.css"

    svg = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    neighbours = traitlets.List(traitlets.Unicode()).tag(sync=True)
    tables = traitlets.List(traitlets.Unicode()).tag(sync=True)
    page_theme = traitlets.Unicode("light").tag(sync=True)
    height = traitlets.Unicode("560px").tag(sync=True)
    legend = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    placed = traitlets.Bool(False).tag(sync=True)


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
    """The ERD view with its controls, kept in step with a :class:`Model` and a :class:`Selection`.

    ``on_edit(table, column)``, when set, is called after a double-click on a column row (the
    Designer opens the column in its table editor).
    """

    def __init__(self, model: Model, selection: Selection | None = None, *, theme: str = "auto",
                 height: str = "560px") -> None:
        self.model = model
        self.selection = selection if selection is not None else Selection()
        self.on_edit: Callable[[str, str], None] | None = None
        self.view = ErdView(height=height, legend=[list(pair) for pair in LEGEND])
        self.focus = with_class(w.Dropdown(options=[("whole schema", NONE)], value=NONE, description="focus",
                                           layout=w.Layout(width="15em", max_width="100%")), "dbm-erd-focus")
        self.depth = with_class(w.BoundedIntText(value=1, min=1, max=5, description="depth",
                                                 layout=w.Layout(width="8em")), "dbm-erd-depth")
        self.depth.style.description_width = "initial"
        self.focus.style.description_width = "initial"
        self.theme = with_class(w.ToggleButtons(options=THEMES, value=theme,
                                                style={"button_width": "auto"}), "dbm-erd-theme")
        self.focus_selected = button("Focus selected", "dbm-erd-focus-selected", icon="crosshairs",
                                     tooltip="Draw only the selected table and its neighbours (key F)")
        self.focus_selected.on_click(lambda _: self._focus_on_selected())
        self.status = w.HTML()
        self.status.add_class("dbm-erd-status")
        self.msg = Feedback()
        self.msg.add_class("dbm-erd-msg")
        controls = row(self.focus, self.focus_selected, self.depth, self.theme, css="dbm-erd-controls")
        self.widget = w.VBox([Style(), controls, self.view, row(self.status, self.msg)],
                             layout=w.Layout(min_width="0"))
        self.widget.add_class("dbm-erd-panel")
        self.widget.add_class("dbm-panel")
        self._link = traitlets.link((self.view, "selected"), (self.selection, "table"))
        for control in (self.focus, self.depth, self.theme):
            control.observe(self._on_control, names=["value"])
        self.view.observe(self._on_control, names=["page_theme"])
        self.view.observe(self._on_selected, names=["selected"])
        self.view.on_msg(self._on_msg)
        keep_message_order(self.widget)
        self._unsubscribe = model.subscribe(self._on_change)
        keep_ready()  # it redraws after every edit: the next Graphviz process is started ahead of it
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
        focus = or_none(self.focus.value) if self.focus.value in names else None
        set_options(self.focus, [("whole schema", NONE), *[(n, n) for n in names]], focus or NONE)
        self.view.tables = names
        placed = any(t.position is not None for t in schema.tables)
        # render_svg caches by (schema, options): an undo, or switching the theme back, reuses
        # the drawing. Junction tables stay tables here (not collapsed into M:N edges) so a
        # click can select them for editing.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GraphvizWarning)
            self.view.svg = render_svg(schema, theme=self.effective_theme, focus=focus, depth=int(self.depth.value),
                                       collapse_m2m=False)
        self.view.placed = placed
        shown = f"around <code>{focus}</code> (depth {self.depth.value})" if focus else "all tables"
        how = " · placed by hand" if placed else ""
        # Graphviz warns when placed tables touch: it then draws every edge straight
        trouble = "".join(f" · <span style='color:#9a6700'>{w_.message}</span>" for w_ in caught
                          if issubclass(w_.category, GraphvizWarning))
        self.status.value = f"<small>{len(names)} tables · showing {shown}{how}{trouble}</small>"

    def _on_change(self, change: Change) -> None:
        selected = self.selection.table
        for op in _flatten(change.op):
            if isinstance(op, o.RenameTable) and op.table == selected:
                self.selection.table = selected = op.tables[1]  # (the new key)
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

    def toggle_focus(self) -> None:
        """Draw only the selected table's neighbourhood, or the whole schema again (key F)."""
        if self.focus.value != NONE and self.focus.value == self.selection.table:
            self.focus.value = NONE
        else:
            self._focus_on_selected()

    # -- what the page asks for ----------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        command = content.get("command")
        try:
            if command == "move":
                drawn = {str(k): (float(v[0]), float(v[1])) for k, v in dict(content.get("drawn", {})).items()}
                dx, dy = content.get("delta", (0, 0))
                self.move(str(content.get("table", "")), (float(dx), float(dy)), drawn)
            elif command == "auto-layout":
                self.auto_layout()
            elif command == "edit" and self.on_edit is not None:
                self.on_edit(str(content.get("table", "")), str(content.get("column", "")))
        except (ModelError, TypeError, ValueError) as e:
            self.msg.error(str(e))

    def move(self, table: str, delta: tuple[float, float], drawn: Mapping[str, tuple[float, float]]) -> bool:
        """Move ``table`` by ``delta`` points (x right, y up) from where it is drawn; ``drawn`` gives
        each drawn table's centre (points, y up) in the drawing's frame. Tables with no position yet
        are pinned where they are drawn, so the first move turns the automatic layout into a placed
        one without anything else moving. One step in the history (undo puts everything back)."""
        schema = self.model.schema
        self.msg.clear()
        drawn = {name: xy for name, xy in drawn.items() if schema.has_table(name)}
        if table not in drawn:
            self.msg.error(f"cannot move {table!r}: no such table in the drawing")
            return False
        # Graphviz shifts a placed drawing to start at the origin: the drawing's frame differs from
        # the model's by one offset, read off the tables that have positions
        shifts = [(t.position[0] - drawn[t.name][0], t.position[1] - drawn[t.name][1])
                  for t in schema.tables if t.position is not None and t.name in drawn]
        sx = statistics.median(s[0] for s in shifts) if shifts else 0.0
        sy = statistics.median(s[1] for s in shifts) if shifts else 0.0
        x, y = drawn[table]
        ops: list[o.Operation] = [o.AlterTable(table, position=(x + sx + delta[0], y + sy + delta[1]))]
        ops += [o.AlterTable(name, position=(px + sx, py + sy)) for name, (px, py) in drawn.items()
                if name != table and schema.table(name).position is None]
        op = ops[0] if len(ops) == 1 else o.Batch(
            tuple(ops), label=f"move table {table} (and pin {len(ops) - 1} more tables where they are drawn)")
        try:
            self.model.apply(op)
        except ModelError as e:
            self.msg.error(str(e))
            return False
        return True

    def auto_layout(self) -> bool:
        """Forget every table's position: the next drawing is laid out automatically. One step."""
        self.msg.clear()
        placed = [t.name for t in self.model.schema.tables if t.position is not None]
        if not placed:
            self.msg.done("the layout is already automatic")
            return False
        ops = tuple(o.AlterTable(name, position=None) for name in placed)
        self.model.apply(o.Batch(ops, label=f"auto layout (unpin {len(ops)} table{'s' if len(ops) != 1 else ''})"))
        self.msg.done(f"auto layout: {len(ops)} table(s) unpinned (Ctrl+Z puts them back)")
        return True

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
