"""The table editor: tables (add, rename, drop, comment, subject area, production-pattern flags)
and their columns (add, edit, rename, reorder, drop) with a type picker and every column attribute.

Every button builds one operation (a :class:`~dbmodel_kit.model.ops.Batch` when an edit needs
several) and hands it to ``model.apply``; the panel redraws from the change event.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Column, Default, Table, Unique
from ..model.spec import build_table, format_column
from ._common import Feedback, Panel, button, row, set_options, text_or_none, with_class
from .type_picker import TypePicker

KEY_TYPES = ("bigint", "uuid", "integer")
_KEY_SPECS = {"bigint": "bigint pk identity", "integer": "integer pk identity", "uuid": "uuid pk default uuid()"}


def single_unique(table: Table, column: str) -> str | None:
    """The name of the one-column unique constraint on ``column``, if there is one."""
    return next((u.name for u in table.uniques if u.columns == (column,)), None)


class TableEditor(Panel):
    """Add, rename and drop tables; edit the selected table's comment, subject area and columns."""

    title = "Table"

    def build(self) -> list[w.Widget]:
        # -- tables
        self.new_table = with_class(w.Text(placeholder="new table name",
                                           layout=w.Layout(width="14em", max_width="100%")), "dbm-new-table")
        self.key_type = with_class(w.Dropdown(options=KEY_TYPES, value="bigint", description="key",
                                              layout=w.Layout(width="9em")), "dbm-key-type")
        self.key_type.style.description_width = "initial"
        self.add_table = button("Add table", "dbm-add-table", style="success", icon="plus")
        self.rename_to = with_class(w.Text(placeholder="new name", layout=w.Layout(width="14em", max_width="100%")),
                                    "dbm-rename-table-to")
        self.rename_table = button("Rename table", "dbm-rename-table")
        self.drop_table = button("Drop table", "dbm-drop-table", style="danger", icon="trash")
        self.comment = with_class(w.Textarea(placeholder="what the table holds", description="comment",
                                             layout=w.Layout(width="100%", height="48px")), "dbm-table-comment")
        self.group = with_class(w.Combobox(placeholder="subject area", description="area", ensure_option=False,
                                           layout=w.Layout(width="20em", max_width="100%")), "dbm-table-group")
        # the production patterns a table opts into (the emitters add the columns/triggers)
        self.flags = {flag: with_class(w.Checkbox(description=label, indent=False, layout=w.Layout(width="auto")),
                                       f"dbm-table-{flag.replace('_', '-')}")
                      for flag, label in (("timestamps", "timestamps"), ("soft_delete", "soft delete"),
                                          ("audited", "audited"))}
        self.save_table = button("Save table", "dbm-save-table")
        self.table_msg = Feedback()
        self.add_table.on_click(self._on_add_table)
        self.rename_table.on_click(lambda _: self.run(self.table_msg, self._rename_table,
                                                      then=lambda: setattr(self.rename_to, "value", "")))
        self.drop_table.on_click(lambda _: self.run(self.table_msg, self._drop_table))
        self.save_table.on_click(lambda _: self.run(self.table_msg, self._save_table))

        # -- column list
        self.columns = with_class(w.Select(options=[], rows=8, layout=w.Layout(width="100%")), "dbm-columns")
        self.move_up = button("Up", "dbm-column-up", icon="arrow-up")
        self.move_down = button("Down", "dbm-column-down", icon="arrow-down")
        self.drop_column = button("Drop column", "dbm-drop-column", style="danger", icon="trash")
        self.columns_msg = Feedback()
        self.columns.observe(self._on_pick_column, names=["value"])
        self.move_up.on_click(lambda _: self.run(self.columns_msg, lambda: self._move(-1)))
        self.move_down.on_click(lambda _: self.run(self.columns_msg, lambda: self._move(+1)))
        self.drop_column.on_click(lambda _: self.run(self.columns_msg, self._drop_column,
                                                     then=self.clear_column_form))

        # -- column form: adds a new column, or saves changes to the one picked in the list
        self.col_name = with_class(w.Text(description="name", placeholder="column name",
                                          layout=w.Layout(width="20em", max_width="100%")), "dbm-col-name")
        self.type = TypePicker("dbm-col-type")
        self.nullable = with_class(w.Checkbox(value=True, description="nullable", indent=False,
                                              layout=w.Layout(width="auto")), "dbm-col-nullable")
        self.unique = with_class(w.Checkbox(description="unique", indent=False, layout=w.Layout(width="auto")),
                                 "dbm-col-unique")
        self.pk = with_class(w.Checkbox(description="primary key", indent=False, layout=w.Layout(width="auto")),
                             "dbm-col-pk")
        self.sensitive = with_class(w.Checkbox(description="sensitive", indent=False,
                                               layout=w.Layout(width="auto")), "dbm-col-sensitive")
        self.default = with_class(w.Text(description="default", placeholder="0, 'USD', now(), uuid(), identity",
                                         layout=w.Layout(width="24em", max_width="100%")), "dbm-col-default")
        self.col_comment = with_class(w.Text(description="comment", layout=w.Layout(width="100%")),
                                      "dbm-col-comment")
        self.add_column = button("Add column", "dbm-add-column", style="success", icon="plus")
        self.save_column = button("Save column", "dbm-save-column", icon="check")
        self.new_column_btn = button("New column", "dbm-new-column", icon="eraser",
                                     tooltip="Empty the form for a new column (key C)")
        self.column_msg = Feedback()
        self.add_column.on_click(self._on_add_column)
        self.save_column.on_click(self._on_save_column)
        self.new_column_btn.on_click(lambda _: (self.clear_messages(), self.new_column()))

        self.heading = w.HTML()
        return [
            self.heading,
            row(self.new_table, self.key_type, self.add_table),
            row(self.rename_to, self.rename_table, self.drop_table),
            self.comment,
            self.group,
            row(*self.flags.values(), self.save_table),
            self.table_msg,
            w.HTML("<b>Columns</b>"),
            self.columns,
            row(self.move_up, self.move_down, self.drop_column),
            self.columns_msg,
            w.HTML("<b>Column</b> <small>(pick one above to edit it, or fill in a new one)</small>"),
            self.col_name,
            self.type.widget,
            row(self.nullable, self.unique, self.pk, self.sensitive),
            self.default,
            self.col_comment,
            row(self.add_column, self.save_column, self.new_column_btn),
            self.column_msg,
        ]

    # -- redraw ------------------------------------------------------------------------------
    def _on_select(self, _change: dict[str, Any]) -> None:
        """Another table: its column list, an empty column form, no messages about the last one."""
        self.clear_messages()
        with self.quiet():
            self.columns.value = None
            self.rename_to.value = ""
        self.clear_column_form()
        self.refresh()

    def refresh(self) -> None:
        schema = self.model.schema
        name = self.table
        with self.quiet():
            self.type.set_enums([e.name for e in schema.enums])
            groups = sorted({t.group for t in schema.tables if t.group})
            self.group.options = tuple(groups)
            for widget in (self.rename_table, self.drop_table, self.save_table, self.move_up, self.move_down,
                           self.drop_column, self.add_column, self.save_column, self.new_column_btn):
                widget.disabled = not name
            if not name:
                self.heading.value = "<i>No table selected: pick one in the ERD or the list above.</i>"
                set_options(self.columns, [])
                return
            t = schema.table(name)
            self.heading.value = f"<b>Table <code>{name}</code></b> ({len(t.columns)} columns)"
            self.comment.value = t.comment or ""
            self.group.value = t.group or ""
            for flag, box in self.flags.items():
                box.value = getattr(t, flag)
            labels = [(f"{c.name}  {self._label(t, c)}", c.name) for c in t.columns]
            set_options(self.columns, labels, self.columns.value)
        self._load_column()

    @staticmethod
    def _label(t: Table, c: Column) -> str:
        return format_column(c, primary_key=c.name in t.primary_key,
                             unique=single_unique(t, c.name) is not None)

    def _on_pick_column(self, _change: dict[str, Any]) -> None:
        if not self.redrawing:
            self._load_column()

    def clear_column_form(self) -> None:
        """Empty the column form (a new text column, nullable, nothing else set)."""
        with self.quiet():
            self.col_name.value = ""
            self.type.reset()
            self.nullable.value = True
            self.unique.value = self.pk.value = self.sensitive.value = False
            self.default.value = self.col_comment.value = ""

    def new_column(self) -> None:
        """Start a new column: nothing picked in the list, an empty form (key C)."""
        with self.quiet():
            self.columns.value = None
        self.clear_column_form()

    def pick_column(self, column: str) -> None:
        """Pick ``column`` of the selected table in the list: the form shows it for editing."""
        if self.table and self.model.schema.table(self.table).has_column(column):
            self.columns.value = column
            self._load_column()

    def _load_column(self) -> None:
        """Show the picked column's attributes in the form."""
        name = self.table
        picked = self.columns.value
        if not name or not picked:
            return
        t = self.model.schema.table(name)
        c = t.column(picked)
        with self.quiet():
            self.col_name.value = c.name
            self.type.load(c.type)
            self.nullable.value = c.nullable
            self.unique.value = single_unique(t, c.name) is not None
            self.pk.value = c.name in t.primary_key
            self.sensitive.value = c.sensitive
            self.default.value = "" if c.default is None else str(c.default)
            self.col_comment.value = c.comment or ""

    # -- button handlers: apply, then select what was made -----------------------------------
    def _on_add_table(self, _button: Any = None) -> None:
        name = self.new_table.value.strip()
        if self.run(self.table_msg, self._add_table):
            self.new_table.value = ""
            with self.keeping_messages():
                self.selection.table = name

    def _on_add_column(self, _button: Any = None) -> None:
        # done: the form empties for the next column (nothing carries over from this one)
        self.run(self.column_msg, self._add_column, then=self.new_column)

    def _on_save_column(self, _button: Any = None) -> None:
        name = self.col_name.value.strip()
        if self.run(self.column_msg, self._save_column):
            self.columns.value = name

    # -- operations ----------------------------------------------------------------------------
    def _need_table(self) -> str:
        if not self.table:
            raise ModelError("select a table first")
        return self.table

    def _add_table(self) -> o.Operation:
        name = self.new_table.value.strip()
        if not name:
            raise ModelError("type a name for the new table")
        return o.AddTable(build_table(name, {"id": _KEY_SPECS[self.key_type.value]}))

    def _rename_table(self) -> o.Operation:
        table = self._need_table()
        new = self.rename_to.value.strip()
        if not new:
            raise ModelError("type the table's new name")
        return o.RenameTable(table, new)

    def _drop_table(self) -> o.Operation:
        return o.DropTable(self._need_table())

    def _save_table(self) -> o.Operation | None:
        t = self.model.schema.table(self._need_table())
        changes = {}
        comment, group = text_or_none(self.comment.value), text_or_none(self.group.value)
        if comment != t.comment:
            changes["comment"] = comment
        if group != t.group:
            changes["group"] = group
        for flag, box in self.flags.items():
            if box.value != getattr(t, flag):
                changes[flag] = box.value
        return o.AlterTable(t.name, **changes) if changes else None

    def _move(self, step: int) -> o.Operation:
        t = self.model.schema.table(self._need_table())
        column = self.columns.value
        if not column:
            raise ModelError("pick a column to move")
        position = t.column_names.index(column) + step
        if not 0 <= position < len(t.columns):
            raise ModelError(f"{column} is already the {'first' if step < 0 else 'last'} column")
        return o.MoveColumn(t.name, column, position)

    def _drop_column(self) -> o.Operation:
        table = self._need_table()
        if not self.columns.value:
            raise ModelError("pick a column to drop")
        return o.DropColumn(table, self.columns.value)

    def _form_column(self) -> Column:
        name = self.col_name.value.strip()
        if not name:
            raise ModelError("type a name for the column")
        return Column(name, self.type.value, nullable=self.nullable.value and not self.pk.value,
                      default=Default.parse(self.default.value), comment=text_or_none(self.col_comment.value),
                      sensitive=self.sensitive.value)

    def _add_column(self) -> o.Operation:
        table = self._need_table()
        t = self.model.schema.table(table)
        column = self._form_column()
        ops: list[o.Operation] = [o.AddColumn(table, column)]
        if self.pk.value:
            ops.append(o.SetPrimaryKey(table, (*t.primary_key, column.name), t.primary_key_deferrable))
        if self.unique.value:
            ops.append(o.AddUnique(table, Unique((column.name,))))
        if len(ops) == 1:
            return ops[0]
        return o.Batch(tuple(ops), label=f"add column {table}.{column.name} {self._label_after(t, column)}")

    def _label_after(self, t: Table, column: Column) -> str:
        return format_column(column, primary_key=self.pk.value, unique=self.unique.value)

    def _save_column(self) -> o.Operation | None:
        table = self._need_table()
        t = self.model.schema.table(table)
        old_name = self.columns.value
        if not old_name:
            raise ModelError("pick the column to change in the list (or use Add column)")
        old = t.column(old_name)
        new = self._form_column()
        ops: list[o.Operation] = []
        if new.name != old.name:
            ops.append(o.RenameColumn(table, old.name, new.name))
        changes = {k: getattr(new, k) for k in ("type", "default", "comment", "sensitive")
                   if getattr(new, k) != getattr(old, k)}
        in_pk = old.name in t.primary_key
        if not in_pk and not self.pk.value and new.nullable != old.nullable:
            changes["nullable"] = new.nullable
        if changes:
            ops.append(o.AlterColumn(table, new.name, **changes))
        unique_name = single_unique(t, old.name)
        if self.unique.value and unique_name is None:
            ops.append(o.AddUnique(table, Unique((new.name,))))
        elif not self.unique.value and unique_name is not None:
            ops.append(o.DropUnique(table, unique_name))
        if self.pk.value != in_pk:
            key = tuple(new.name if c == old.name else c for c in t.primary_key)
            key = (*key, new.name) if self.pk.value else tuple(c for c in key if c != new.name)
            ops.append(o.SetPrimaryKey(table, key, t.primary_key_deferrable if key else None))
        if not ops:
            return None
        if len(ops) == 1:
            return ops[0]
        return o.Batch(tuple(ops), label=f"edit column {table}.{old.name}"
                       + (f" (now {new.name})" if new.name != old.name else ""))
