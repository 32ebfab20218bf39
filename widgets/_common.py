"""What every Designer panel shares: the selected table, in-place errors, quiet option refreshes.

A panel is a plain class that owns its ipywidgets (``panel.widget``); it edits only through
``model.apply(op)`` and redraws itself from the model's change events. Errors from the model are
shown next to the control that caused them and leave the model as it was.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as w
import traitlets

from ..errors import ModelError
from ..model import Model
from ..model import ops as o
from ..model.model import Change


class Selection(traitlets.HasTraits):
    """The table the person is working on (``""`` for none); the ERD click and every panel share it."""

    table = traitlets.Unicode("")


class Feedback(w.HTML):
    """A line next to a control: a ModelError message in red, or a short confirmation."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("dbm-feedback")
        self.message = ""
        self.ok = True

    def error(self, message: str) -> None:
        self.message, self.ok = message, False
        self.value = f'<span class="dbm-error" style="color:#c62828">{html.escape(message)}</span>'

    def done(self, message: str) -> None:
        self.message, self.ok = message, True
        self.value = f'<span class="dbm-done" style="color:#2e7d32">{html.escape(message)}</span>'

    def clear(self) -> None:
        self.message, self.ok = "", True
        self.value = ""


def button(description: str, css: str, *, style: str = "", tooltip: str = "", icon: str = "") -> w.Button:
    """A button carrying a stable CSS class (``css``), which the browser test uses as a selector."""
    b = w.Button(description=description, button_style=style, tooltip=tooltip or description, icon=icon,
                 layout=w.Layout(width="auto", flex="0 0 auto"))
    b.add_class(css)
    return b


def with_class(widget: w.DOMWidget, css: str) -> w.DOMWidget:
    widget.add_class(css)
    return widget


class Panel:
    """Base of the editing panels: owns ``widget``, follows the model and the selection."""

    title = ""

    def __init__(self, model: Model, selection: Selection | None = None) -> None:
        self.model = model
        self.selection = selection if selection is not None else Selection()
        self._quiet_depth = 0
        self.widget = w.VBox(self.build())
        self.widget.add_class(f"dbm-panel-{type(self).__name__.lower()}")
        self._unsubscribe: Callable[[], None] | None = model.subscribe(self._on_change)
        self.selection.observe(self._on_select, names=["table"])
        self.refresh()

    # -- subclasses fill these in ----------------------------------------------------------
    def build(self) -> list[w.Widget]:  # pragma: no cover - abstract
        raise NotImplementedError

    def refresh(self) -> None:  # pragma: no cover - abstract
        """Redraw everything from ``self.model.schema`` and the selection."""
        raise NotImplementedError

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def table(self) -> str:
        """The selected table's name, if the schema has it (else ``""``)."""
        name = self.selection.table
        return name if name and self.model.schema.has_table(name) else ""

    def _on_change(self, change: Change) -> None:
        self.refresh()

    def _on_select(self, _change: dict[str, Any]) -> None:
        self.refresh()

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Inside: widget callbacks that would edit or reselect do nothing (we are redrawing)."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    @property
    def redrawing(self) -> bool:
        return self._quiet_depth > 0

    def run(self, feedback: Feedback, make: Callable[[], o.Operation | None],
            then: Callable[[], None] | None = None) -> bool:
        """Build an operation with ``make`` and apply it; a ModelError goes to ``feedback``.

        ``make`` may raise ModelError itself (a bad type or default) or return None when there
        is nothing to do; ``then`` runs after a success (to clear a form). Returns whether the
        model changed.
        """
        try:
            op = make()
            if op is None:
                raise ModelError("nothing to change")
            self.model.apply(op)
        except ModelError as e:
            feedback.error(str(e))
            return False
        feedback.done(op.describe())
        if then is not None:
            then()
        return True

    def close(self) -> None:
        """Stop following the model and the selection, and close the widgets."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.selection.unobserve(self._on_select, names=["table"])
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Display as the panel's widget (subclasses add a static snapshot beside it)."""
        return self.widget._repr_mimebundle_(**kwargs)


def set_options(widget: w.Widget, options: Sequence[Any], value: Any = None) -> None:
    """Replace a selection widget's options, keeping ``value`` when it is still offered."""
    values = [opt[1] if isinstance(opt, tuple) else opt for opt in options]
    if tuple(widget.options) != tuple(options):
        widget.options = options
    if isinstance(widget, w.SelectMultiple):
        widget.value = tuple(v for v in (value or ()) if v in values)
    elif value in values:
        widget.value = value
    elif isinstance(widget, w.Select | w.RadioButtons) or not values:
        widget.value = None if not values or isinstance(widget, w.Select) else values[0]
    else:
        widget.value = values[0]


def set_tags(widget: w.TagsInput, allowed: Iterable[str], value: Iterable[str] = ()) -> None:
    """Replace a TagsInput's allowed tags, dropping chosen ones that are no longer allowed."""
    allowed = list(allowed)
    keep = [v for v in value if v in allowed]
    if list(widget.value) != keep:
        widget.value = []
    widget.allowed_tags = allowed
    widget.value = keep


def text_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None
