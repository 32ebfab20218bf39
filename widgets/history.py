"""Undo/redo buttons, keyboard shortcuts and the operation log in plain language."""

from __future__ import annotations

import html
import pathlib
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from ..errors import ModelError
from ..model.model import Change
from ._common import Feedback, Panel, button, row

STATIC = pathlib.Path(__file__).parent / "static"


class Shortcuts(anywidget.AnyWidget):
    """Keyboard shortcuts for the surrounding Designer, and a "? Help" button listing them with the
    mouse gestures: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo, N new table, C new column,
    Delete drop the selected table, F focus, 0 fit, +/- zoom, L legend, ? help.

    The front end listens on the Designer's element (so the notebook's own shortcuts keep working
    elsewhere) and sends ``{"command": "undo" | "redo" | "new-table" | "new-column" | "delete" |
    "focus"}``: one-off commands, not state, so messages rather than synced traits (the history
    panel handles undo and redo, the Designer the rest). Fit, zoom and the legend stay in the page.
    """

    _esm = STATIC / "shortcuts.js"
    #: CSS class of the element whose key presses count (the Designer's outer box).
    scope = traitlets.Unicode("dbm-designer").tag(sync=True)


class HistoryPanel(Panel):
    """Undo and redo (buttons and shortcuts) and the log of what was done, oldest first."""

    title = "History"

    def build(self) -> list[w.Widget]:
        self.undo = button("Undo", "dbm-undo", icon="undo", tooltip="Undo (Ctrl+Z)")
        self.redo = button("Redo", "dbm-redo", icon="repeat", tooltip="Redo (Ctrl+Shift+Z or Ctrl+Y)")
        self.msg = Feedback()
        self.msg.add_class("dbm-history-msg")
        self.log = w.HTML()
        self.log.add_class("dbm-log")
        self.shortcuts = Shortcuts()
        self.undo.on_click(lambda _: self.step("undo"))
        self.redo.on_click(lambda _: self.step("redo"))
        self.shortcuts.on_msg(self._on_key)
        self.toolbar = row(self.undo, self.redo, self.shortcuts, css="dbm-history-toolbar")
        # the Designer shows `toolbar` and `msg` above its tabs; standalone, the panel shows them itself
        return [w.HTML("<b>What was done</b> <small>(oldest first)</small>"), self.log]

    def _on_key(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if content.get("command") in ("undo", "redo"):
            self.step(content["command"])

    def step(self, action: str) -> None:
        """Undo or redo one step; say what it was, or why not."""
        try:
            op = self.model.log[-1] if action == "undo" and self.model.can_undo else None
            getattr(self.model, action)()
        except ModelError as e:
            self.msg.error(str(e))
            return
        done = op if op is not None else self.model.log[-1]
        self.msg.done(f"{action}: {done.describe()}")

    def _on_change(self, change: Change) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(w.VBox([self.toolbar, self.msg, self.widget]))

    def refresh(self) -> None:
        self.undo.disabled = not self.model.can_undo
        self.redo.disabled = not self.model.can_redo
        entries = self.model.history()
        if not entries:
            self.log.value = "<i>No edits yet.</i>"
            return
        items = "".join(f"<li>{html.escape(e)}</li>" for e in entries)
        self.log.value = f'<ol class="dbm-log-entries" style="margin:0;padding-left:2em">{items}</ol>'
