"""The Designer: the live ERD beside the editing panels, over one :class:`~dbmodel_kit.Model`.

>>> from dbmodel_kit import Model
>>> from dbmodel_kit.examples import ecommerce
>>> d = Designer(Model(ecommerce()))
>>> d.erd.view.selected = "orders"          # what a click on the orders table does
>>> d.tables.heading.value
'<b>Table <code>orders</code></b> (12 columns)'
>>> d.close()
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..erd import svg_html
from ..model import Model
from ._common import NONE, Panel, Selection, keep_message_order, row, set_options, with_class
from .enum_editor import EnumEditor
from .erd_view import ErdPanel
from .export_panel import ExportPanel
from .history import HistoryPanel
from .index_editor import IndexEditor
from .lint_panel import LintPanel
from .relationship_editor import RelationshipEditor
from .table_editor import TableEditor


class Designer:
    """Edit a model in widgets and watch its ERD change.

    ``Designer(model)`` (or ``model.designer()``) shows the ERD (click a table to select it, drag
    it to move it, double-click a column to edit it) beside tabs for the table, its relationships,
    its indexes and checks, the schema's enums, the history (undo and redo), the lint findings and
    the export (ORM models, migration, seed and test files, downloaded or written to a folder);
    below the ERD instead of beside it when the notebook is narrow. Keys inside the Designer: see
    its "? Help" (N new table, C new column, Delete, F focus, 0 fit, Ctrl+Z undo...). Every edit goes
    through ``model.apply``; everything redraws from the model's change events, so edits made in
    code (``model.add_column(...)``) show up too. ``close()`` stops listening.

    A button's click carries its form as the page shows it (a field typed or pasted into just
    before counts, however busy the kernel), and the kernel handles the page's messages on its
    main thread in the order the page sent them (while a cell runs, they wait for it): see
    :class:`~._common.FormButton` and :func:`~._common.keep_message_order`.
    """

    def __init__(self, model: Model, *, table: str | None = None, theme: str = "auto",
                 height: str = "620px") -> None:
        self.model = model
        self.selection = Selection()
        # The ERD panel subscribes first: it moves the selection along a rename before the
        # other panels redraw.
        self.erd = ErdPanel(model, self.selection, theme=theme, height=height)
        self.tables = TableEditor(model, self.selection)
        self.relationships = RelationshipEditor(model, self.selection)
        self.indexes = IndexEditor(model, self.selection)
        self.enums = EnumEditor(model, self.selection)
        self.history = HistoryPanel(model, self.selection)
        self.lint = LintPanel(model, self.selection)
        self.export = ExportPanel(model, self.selection, active=False)  # rendered when its tab is shown
        self.panels: tuple[Panel, ...] = (self.tables, self.relationships, self.indexes, self.enums, self.history,
                                          self.lint, self.export)

        self.picker = with_class(w.Dropdown(options=[("(none)", NONE)], value=NONE, description="table",
                                            layout=w.Layout(width="16em", max_width="100%")), "dbm-table-picker")
        self.picker.style.description_width = "initial"
        self.picker.observe(self._on_pick, names=["value"])
        self.selection.observe(self._sync_picker, names=["table"])
        self._unsubscribe = model.subscribe(lambda _change: self._sync_picker())

        self.tabs = w.Tab(children=[p.widget for p in self.panels], layout=w.Layout(min_width="0"))
        self.tabs.add_class("dbm-designer-tabs")
        for i, p in enumerate(self.panels):
            self.tabs.set_title(i, p.title)
        self._update_lint_title()
        self.tabs.observe(self._on_tab, names=["selected_index"])
        # side by side when the output is wide enough, the panels below the ERD when not
        # (static/panels.css: .dbm-designer wraps, each part has a minimum width)
        side = w.VBox([row(self.picker, self.history.toolbar, css="dbm-designer-toolbar"), self.history.msg, self.tabs],
                      layout=w.Layout(min_width="0"))
        side.add_class("dbm-side")
        self.widget = w.HBox([self.erd.widget, side], layout=w.Layout(width="100%", flex_flow="row wrap",
                                                                      align_items="flex-start"))
        self.widget.add_class("dbm-designer")
        self.erd.on_edit = self.edit_column
        self.history.shortcuts.on_msg(self._on_key)
        keep_message_order(self.widget)  # the picker and the toolbar too (the panels did their own)
        self.selection.table = table if table and model.schema.has_table(table) else (
            model.schema.table_names[0] if model.schema.tables else "")
        self._sync_picker()

    def _on_pick(self, change: dict[str, Any]) -> None:
        if change["new"] != NONE and change["new"] != self.selection.table:
            self.selection.table = change["new"]

    def _sync_picker(self, _change: Any = None) -> None:
        names = list(self.model.schema.table_names)
        current = self.selection.table if self.selection.table in names else NONE
        set_options(self.picker, [("(none)", NONE), *[(n, n) for n in names]], current)
        self._update_lint_title()

    # -- keyboard and the ERD's double-click ---------------------------------------------------
    def _on_key(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        command = content.get("command")
        if command == "new-table":
            self.tabs.selected_index = self.panels.index(self.tables)
        elif command == "new-column":
            self.tabs.selected_index = self.panels.index(self.tables)
            self.tables.new_column()
        elif command == "delete":
            self.tabs.selected_index = self.panels.index(self.tables)
            if self.tables.run(self.tables.table_msg, self.tables._drop_table):
                self.tables.table_msg.done(f"{self.tables.table_msg.message} (Ctrl+Z brings it back)")
        elif command == "focus":
            self.erd.toggle_focus()

    def edit_column(self, table: str, column: str) -> None:
        """Open ``table.column`` in the table editor (what a double-click on its ERD row does)."""
        if not self.model.schema.has_table(table) or not self.model.schema.table(table).has_column(column):
            return
        self.selection.table = table
        self.tabs.selected_index = self.panels.index(self.tables)
        self.tables.pick_column(column)

    def _update_lint_title(self) -> None:
        report = self.lint.report
        count = len(report) if report is not None else 0
        self.tabs.set_title(self.panels.index(self.lint), f"Lint ({count})" if count else "Lint")

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] == self.panels.index(self.export):
            self.export.show()
        else:
            self.export.active = False

    def select(self, table: str) -> None:
        """Select ``table`` in the ERD and every panel."""
        self.selection.table = table

    @property
    def selected(self) -> str:
        return self.selection.table

    def close(self) -> None:
        """Stop following the model and close every widget."""
        self._unsubscribe()
        self.selection.unobserve(self._sync_picker, names=["table"])
        for p in self.panels:
            p.close()
        self.erd.close()
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget, plus a static snapshot (the ERD as it stands and the edit log) that
        GitHub, nbviewer and a saved notebook show where no kernel runs the widget."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        history = self.model.history()
        log = "".join(f"<li>{html.escape(line)}</li>" for line in history[-10:])
        bundle["text/html"] = (
            f"<div><p><b>Designer</b> (static snapshot: {len(self.model.schema.tables)} tables, "
            f"{len(history)} edits; run the notebook for the live editor)</p>"
            f"{svg_html(self.erd.view.svg, 'ERD of the model') if self.erd.view.svg else ''}"
            f"{'<ol>' + log + '</ol>' if log else ''}</div>")
        return bundle

    def __repr__(self) -> str:
        return f"<Designer over {self.model!r}, selected={self.selection.table!r}>"
