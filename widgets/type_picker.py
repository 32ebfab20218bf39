"""A type picker: the logical kinds of :data:`dbmodel_kit.model.types.KINDS` with their parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..model.types import KINDS, DataType
from ._common import row, set_options, with_class

_PARAM_LABELS = {"length": "length", "precision": "precision", "scale": "scale"}
#: the kinds picked from the dropdown with their parameter boxes; any other type (arrays,
#: domains, geometry, native spellings, unsigned, collations) is written as text under "other"
PICKABLE = tuple(k for k, params in KINDS.items() if set(params) <= {*_PARAM_LABELS, "enum"}
                 and k not in ("array", "native"))
OTHER = "other…"


class TypePicker:
    """Pick a :class:`DataType`: a kind, then only the parameters that kind takes.

    >>> p = TypePicker(enums=["order_status"])
    >>> p.kind.value = "decimal"; p.params["precision"].value = "12"; p.params["scale"].value = "2"
    >>> p.value
    DataType('decimal(12,2)')
    >>> p.kind.value = OTHER; p.text.value = "integer unsigned"
    >>> p.value
    DataType('integer unsigned')
    """

    def __init__(self, css: str = "dbm-type", enums: Sequence[str] = ()) -> None:
        self.kind = with_class(w.Dropdown(options=[*PICKABLE, OTHER], value="text", description="type",
                                          layout=w.Layout(width="14em", max_width="100%")), f"{css}-kind")
        self.params: dict[str, w.Text] = {
            p: with_class(w.Text(placeholder=label, layout=w.Layout(width="6.5em")), f"{css}-{p}")
            for p, label in _PARAM_LABELS.items()
        }
        self.enum = with_class(w.Dropdown(options=list(enums), layout=w.Layout(width="11em", max_width="100%")),
                               f"{css}-enum")
        self.text = with_class(w.Text(placeholder="text[] or integer unsigned",
                                      layout=w.Layout(width="15em", max_width="100%")), f"{css}-text")
        self.widget = row(self.kind, *self.params.values(), self.enum, self.text)
        self.kind.observe(self._show_params, names=["value"])
        self._show_params()

    def _show_params(self, _change: Any = None) -> None:
        wanted = KINDS.get(self.kind.value, ())
        self.text.layout.display = None if self.kind.value == OTHER else "none"
        for p, box in self.params.items():
            box.layout.display = None if p in wanted else "none"
        self.enum.layout.display = None if "enum" in wanted else "none"

    def set_enums(self, names: Sequence[str]) -> None:
        set_options(self.enum, list(names), self.enum.value)

    @property
    def value(self) -> DataType:
        """The chosen type; raises ModelError for a bad parameter (``length`` 'ten', scale > precision)."""
        kind = self.kind.value
        if kind == OTHER:
            return DataType.parse(self.text.value)
        values: dict[str, Any] = {}
        for p in KINDS[kind]:
            if p == "enum":
                if not self.enum.value:
                    raise ModelError("an enum column needs an enum: declare one first")
                values["enum"] = self.enum.value
                continue
            text = self.params[p].value.strip()
            if not text:
                continue
            try:
                values[p] = int(text)
            except ValueError:
                raise ModelError(f"{p} must be a whole number, not {text!r}") from None
        return DataType(kind, **values)

    def reset(self) -> None:
        """Back to a plain ``text`` type with no parameters."""
        self.kind.value = "text"
        for box in self.params.values():
            box.value = ""
        self.text.value = ""

    def load(self, dtype: DataType) -> None:
        """Show ``dtype`` in the picker."""
        if dtype.kind not in PICKABLE or dtype.unsigned or dtype.native or dtype.collation:
            self.kind.value = OTHER
            self.text.value = str(dtype)
            return
        self.kind.value = dtype.kind
        for p, box in self.params.items():
            v = getattr(dtype, p)
            box.value = "" if v is None else str(v)
        if dtype.enum is not None:
            set_options(self.enum, list(self.enum.options), dtype.enum)
