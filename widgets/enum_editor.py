"""The enum editor: declare, change and drop the named value sets that enum columns use."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Enum
from ._common import Feedback, Panel, button, row, set_options, text_or_none, with_class


def parse_values(text: str) -> tuple[str, ...]:
    """Enum values typed as a comma-separated list, blanks dropped.

    >>> parse_values(" pending, paid ,shipped,, ")
    ('pending', 'paid', 'shipped')
    """
    return tuple(v.strip() for v in text.split(",") if v.strip())


class EnumEditor(Panel):
    """Add an enum, change its values (add, remove, reorder), or drop it when no column uses it."""

    title = "Enums"

    def build(self) -> list[w.Widget]:
        self.enums = with_class(w.Select(options=[], value=None, rows=5, layout=w.Layout(width="100%")),
                                "dbm-enums")
        self.name = with_class(w.Text(description="name", placeholder="order_status",
                                      layout=w.Layout(width="20em", max_width="100%")), "dbm-enum-name")
        self.values = with_class(w.Text(description="values", placeholder="pending, paid, shipped",
                                        layout=w.Layout(width="100%")), "dbm-enum-values")
        self.comment = with_class(w.Text(description="comment", layout=w.Layout(width="100%")), "dbm-enum-comment")
        self.add = button("Add enum", "dbm-add-enum", style="success", icon="plus")
        self.save = button("Save values", "dbm-save-enum", icon="check")
        self.drop = button("Drop enum", "dbm-drop-enum", style="danger", icon="trash")
        self.msg = Feedback()
        self.enums.observe(self._on_pick, names=["value"])
        self.add.on_click(lambda _: self.run(self.msg, self._add))
        self.save.on_click(lambda _: self.run(self.msg, self._save))
        self.drop.on_click(lambda _: self.run(self.msg, self._drop))
        return [w.HTML("<b>Enums</b> <small>(value sets for enum columns; pick one to change it)</small>"),
                self.enums, self.name, self.values, self.comment, row(self.add, self.save, self.drop),
                self.msg]

    def _on_select(self, _change: dict[str, Any]) -> None:
        """Enums belong to the schema, not to the selected table: nothing to redraw."""

    def refresh(self) -> None:
        schema = self.model.schema
        rows = [(f"{e.name}: {', '.join(e.values)}", e.name) for e in schema.enums]
        with self.quiet():
            set_options(self.enums, rows, self.enums.value)
        self.save.disabled = self.drop.disabled = self.enums.value is None

    def _on_pick(self, change: dict[str, Any]) -> None:
        self.save.disabled = self.drop.disabled = change["new"] is None
        if self.redrawing or change["new"] is None:
            return
        e = self.model.schema.enum(change["new"])
        self.name.value, self.values.value, self.comment.value = e.name, ", ".join(e.values), e.comment or ""

    def _add(self) -> o.Operation:
        name = self.name.value.strip()
        if not name:
            raise ModelError("type a name for the enum")
        return o.AddEnum(Enum(name, parse_values(self.values.value), text_or_none(self.comment.value)))

    def _picked(self) -> str:
        if self.enums.value is None:
            raise ModelError("pick an enum in the list")
        return str(self.enums.value)

    def _save(self) -> o.Operation | None:
        name = self._picked()
        values = parse_values(self.values.value)
        Enum(name, values)  # the same checks as a new enum: no empty list, no duplicates
        return o.AlterEnum(name, values) if values != self.model.schema.enum(name).values else None

    def _drop(self) -> o.Operation:
        return o.DropEnum(self._picked())
