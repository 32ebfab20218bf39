"""The index and constraint editor: composite, unique, partial and method-specific indexes,
unique constraints and checks on the selected table, and dropping any of them."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Check, Index, Table, Unique
from ._common import NONE, Feedback, Panel, button, or_none, row, set_options, set_tags, text_or_none, with_class

#: Index methods offered; engines that lack one get the closest (the emitters decide, per dialect).
METHODS = (("default (btree)", NONE), ("btree", "btree"), ("hash", "hash"), ("gin", "gin"), ("gist", "gist"),
           ("brin", "brin"))

_KINDS = {"index": o.DropIndex, "unique": o.DropUnique, "check": o.DropCheck}


def constraint_rows(t: Table) -> list[tuple[str, str]]:
    """(label, "kind:name") for every index, unique constraint and check of ``t``."""
    rows = []
    for ix in t.indexes:
        extra = "".join([f" using {ix.method}" if ix.method else "",
                         f" include ({', '.join(ix.include)})" if ix.include else "",
                         f" where {ix.where}" if ix.where else ""])
        kind = "unique index" if ix.unique else "index"
        rows.append((f"{kind} {ix.name} ({', '.join(ix.columns)}){extra}", f"index:{ix.name}"))
    rows += [(f"unique {u.name} ({', '.join(u.columns)})", f"unique:{u.name}") for u in t.uniques]
    rows += [(f"check {c.name}: {c.expression}", f"check:{c.name}") for c in t.checks]
    return rows


class IndexEditor(Panel):
    """Add indexes, unique constraints and checks to the selected table; drop any of them."""

    title = "Indexes"

    def build(self) -> list[w.Widget]:
        self.heading = w.HTML()
        self.columns = with_class(w.TagsInput(allowed_tags=[], allow_duplicates=False,
                                              placeholder="columns, in index order"), "dbm-ix-columns")
        self.unique = with_class(w.Checkbox(description="unique", indent=False, layout=w.Layout(width="auto")),
                                 "dbm-ix-unique")
        self.method = with_class(w.Dropdown(options=METHODS, value=NONE, description="method",
                                            layout=w.Layout(width="15em", max_width="100%")), "dbm-ix-method")
        self.where = with_class(w.Text(description="where", placeholder="partial: deleted_at IS NULL",
                                       layout=w.Layout(width="100%")), "dbm-ix-where")
        self.include = with_class(w.TagsInput(allowed_tags=[], allow_duplicates=False,
                                              placeholder="include (covering) columns"), "dbm-ix-include")
        self.name = with_class(w.Text(description="name", placeholder="default: ix_table_columns",
                                      layout=w.Layout(width="21em", max_width="100%")), "dbm-ix-name")
        self.add_index = button("Add index", "dbm-add-index", style="success", icon="plus")
        self.add_unique = button("Add unique constraint", "dbm-add-unique", icon="plus")
        self.index_msg = Feedback()
        self.add_index.on_click(lambda _: self.run(self.index_msg, self._add_index, then=self._clear_index_form))
        self.add_unique.on_click(lambda _: self.run(self.index_msg, self._add_unique, then=self._clear_index_form))

        self.check = with_class(w.Text(description="check", placeholder="price >= 0",
                                       layout=w.Layout(width="100%")), "dbm-ck-expression")
        self.check_name = with_class(w.Text(description="name", placeholder="default: ck_table_columns",
                                            layout=w.Layout(width="21em", max_width="100%")), "dbm-ck-name")
        self.add_check = button("Add check", "dbm-add-check", style="success", icon="plus")
        self.check_msg = Feedback()
        self.add_check.on_click(lambda _: self.run(self.check_msg, self._add_check, then=self._clear_check_form))

        self.existing = with_class(w.Select(options=[], rows=6, layout=w.Layout(width="100%")), "dbm-constraints")
        self.drop = button("Drop", "dbm-drop-constraint", style="danger", icon="trash")
        self.drop_msg = Feedback()
        self.drop.on_click(lambda _: self.run(self.drop_msg, self._drop))
        self.tags_field(self.columns, self.index_msg)
        self.tags_field(self.include, self.index_msg)
        return [
            self.heading,
            w.HTML("<b>New index or unique constraint</b>"),
            self.columns,
            row(self.unique, self.method),
            self.where,
            self.include,
            self.name,
            row(self.add_index, self.add_unique),
            self.index_msg,
            w.HTML("<b>New check</b>"),
            self.check,
            self.check_name,
            self.add_check,
            self.check_msg,
            w.HTML("<b>Indexes and constraints</b>"),
            self.existing,
            self.drop,
            self.drop_msg,
        ]

    def refresh(self) -> None:
        name = self.table
        with self.quiet():
            for b in (self.add_index, self.add_unique, self.add_check, self.drop):
                b.disabled = not name
            if not name:
                self.heading.value = "<i>No table selected.</i>"
                set_tags(self.columns, [])
                set_tags(self.include, [])
                set_options(self.existing, [])
                return
            t = self.model.schema.table(name)
            self.heading.value = f"<b>Indexes and constraints of <code>{name}</code></b>"
            set_tags(self.columns, t.column_names, self.columns.value)
            set_tags(self.include, t.column_names, self.include.value)
            set_options(self.existing, constraint_rows(t), self.existing.value)

    def _clear_index_form(self) -> None:
        self.columns.value = []
        self.include.value = []
        self.where.value = self.name.value = ""
        self.unique.value = False
        self.method.value = NONE

    def _on_select(self, _change: dict[str, Any]) -> None:
        """Another table: the forms and the messages were about the last one."""
        self.clear_messages()
        with self.quiet():
            self._clear_index_form()
            self._clear_check_form()
        self.refresh()

    def _clear_check_form(self) -> None:
        self.check.value = self.check_name.value = ""

    # -- operations ----------------------------------------------------------------------------
    def _cols(self) -> tuple[str, ...]:
        if not self.table:
            raise ModelError("select a table first")
        if not self.columns.value:
            raise ModelError("choose the columns")
        return tuple(self.columns.value)

    def _add_index(self) -> o.Operation:
        ix = Index(self._cols(), name=self.name.value.strip(), unique=self.unique.value,
                   where=text_or_none(self.where.value), method=or_none(self.method.value),
                   include=tuple(self.include.value))
        return o.AddIndex(self.table, ix)

    def _add_unique(self) -> o.Operation:
        if text_or_none(self.where.value) or self.include.value or or_none(self.method.value):
            raise ModelError("a unique constraint takes only columns; for where/method/include use a unique index")
        return o.AddUnique(self.table, Unique(self._cols(), name=self.name.value.strip()))

    def _add_check(self) -> o.Operation:
        if not self.table:
            raise ModelError("select a table first")
        return o.AddCheck(self.table, Check(self.check.value, name=self.check_name.value.strip()))

    def _drop(self) -> o.Operation:
        picked = self.existing.value
        if not self.table or not picked:
            raise ModelError("pick an index or constraint to drop")
        kind, _, name = picked.partition(":")
        return _KINDS[kind](self.table, name)
