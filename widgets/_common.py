"""What every Designer panel shares: the selected table, in-place errors, quiet option refreshes.

A panel is a plain class that owns its ipywidgets (``panel.widget``); it edits only through
``model.apply(op)`` and redraws itself from the model's change events. Errors from the model are
shown next to the control that caused them and leave the model as it was; a panel shows one
message at a time (the last action's), and selecting another table clears it. Names a person types
are checked by the model's own lint rules for names: a legal but awkward name (``bad name!``, a
reserved word) is refused with the rule's message and a better name, and added (with the warning
beside the confirmation) only when the person does the same again.

Layout: rows wrap (``row()``) and fields shrink to their column, so a panel fits the narrow side
of the Designer in JupyterLab's default layout; the rules are in ``static/panels.css``, loaded
once per page by the :class:`Style` widget each panel carries.
"""

from __future__ import annotations

import html
import pathlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from ..errors import ModelError
from ..model import Model
from ..model import ops as o
from ..model.model import Change

STATIC = pathlib.Path(__file__).parent / "static"

#: The value of a dropdown's "no choice" option ("whole schema", "no action", "default"): ipywidgets
#: shows an option whose value is None as a blank box, so the choice is this text instead.
NONE = ""

#: The model's lint rules about names: what a typed name is checked against (see ``Panel.run``).
NAME_RULES = ("DM108", "DM109", "DM120")


def or_none(value: Any) -> Any:
    """A dropdown's value with the :data:`NONE` choice as None."""
    return None if value == NONE else value


class Style(anywidget.AnyWidget):
    """Loads ``static/panels.css`` into the page (once, however many panels show it) and
    ``static/panels.js``, which sends a :class:`FormButton`'s click with its form; draws nothing."""

    _esm = STATIC / "panels.js"
    _css = STATIC / "panels.css"


def row(*children: w.Widget, css: str = "") -> w.HBox:
    """A row of controls that wraps onto the next line when the panel is narrow."""
    box = w.HBox(list(children), layout=w.Layout(flex_flow="row wrap", align_items="center"))
    box.add_class("dbm-row")
    if css:
        box.add_class(css)
    return box


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

    def warn(self, message: str) -> None:
        """Done, with something to look at (a name that must be quoted everywhere, ...)."""
        self.message, self.ok = message, True
        self.value = f'<span class="dbm-warning" style="color:#9a6700">{html.escape(message)}</span>'

    def done(self, message: str) -> None:
        self.message, self.ok = message, True
        self.value = f'<span class="dbm-done" style="color:#2e7d32">{html.escape(message)}</span>'

    def clear(self) -> None:
        self.message, self.ok = "", True
        self.value = ""


#: The widgets a person fills in, and the synced key that holds what they chose (what a
#: :class:`FormButton` carries with its click).
FIELD_TYPES: tuple[tuple[type, str], ...] = (
    (w.widgets.widget_selection._Selection, "index"),  # Dropdown, Select, ToggleButtons, RadioButtons
    (w.widgets.widget_selection._MultipleSelection, "index"),
    (w.Text, "value"),  # Combobox and Password too
    (w.Textarea, "value"),
    (w.Checkbox, "value"),
    (w.ToggleButton, "value"),
    (w.TagsInput, "value"),
    (w.IntText, "value"),
    (w.BoundedIntText, "value"),
    (w.FloatText, "value"),
    (w.BoundedFloatText, "value"),
)


def field_key(widget: w.Widget) -> str | None:
    """The synced key of a field (:data:`FIELD_TYPES`), or None for a widget that is not one."""
    return next((key for kind, key in FIELD_TYPES if isinstance(widget, kind)), None)


def _descendants(root: w.Widget) -> Iterator[w.Widget]:
    yield root
    for child in getattr(root, "children", ()) or ():
        yield from _descendants(child)


def form_fields(root: w.Widget) -> list[w.Widget]:
    """The fields (:data:`FIELD_TYPES`) inside ``root``, in the order they are shown."""
    return [x for x in _descendants(root) if field_key(x) is not None]


def _main_thread(_data: Any, _subshell_id: str | None) -> None:
    return None  # the main shell


def keep_message_order(root: w.Widget) -> None:
    """Have the kernel handle the page's messages for ``root`` and every widget inside it on its
    main thread, in the order the page sent them (as kernels without subshells always did).

    JupyterLab (4.4+, default "one subshell per comm target") sends widget messages to a kernel
    subshell, and ipykernel 7 routes each comm's incoming messages to the thread of the last
    message under which the kernel published on that comm: the widgets a cell makes answer on the
    main thread until they next publish while handling a page message, then on the subshell. A
    button's click (nothing publishes on a button) so ran on the main thread while the field
    updates and ERD clicks before it ran on the subshell: concurrently, in either order (a column
    added to the table selected before, a field's update handled after the click and undoing what
    it did). One thread for all, and the main one: the panels' handlers use what the notebook's
    cells made there (the advisor's SQLite connection works only on its own thread). While a cell
    runs, the page's messages wait for it, as before subshells. No-op on kernels that do not route.
    """
    for x in _descendants(root):
        comm = getattr(x, "comm", None)
        if comm is not None and callable(getattr(comm, "_reply_subshell_for", None)):
            comm._reply_subshell_for = _main_thread


def _buttons(root: w.Widget) -> list[FormButton]:
    return [x for x in _descendants(root) if isinstance(x, FormButton)]


class FormButton(w.Button):
    """A button whose click carries, from the page, the current value of the fields it lists.

    ``form_fields`` holds ``[widget, key]`` pairs (the key is the synced trait the page changes:
    ``value``, or a selection's ``index``). ``static/panels.js`` sends the click
    as ``{"event": "click", "state": [[model_id, key, value, labels?], ...]}``; here each listed
    field is set from it, then the click handlers run. So a handler reads what the person saw when
    they clicked, even when the field's own update is still held in the page (ipywidgets sends a
    field's next update only once the kernel is done with its last one) or handled on another
    kernel thread after the click (comms over subshells). A selection's index counts only if the
    page showed the options the kernel has (else the kernel's value stays). Without the page script
    (a bare ``{"event": "click"}``), it is an ordinary button.
    """

    form_fields: traitlets.List[list[Any]] = traitlets.List().tag(sync=True, **w.widget_serialization)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("dbm-form-button")
        self.add_class(f"dbm-model-{self.model_id}")

    def _handle_button_msg(self, _widget: Any, content: dict[str, Any], buffers: Any) -> None:
        if content.get("event") == "click":
            self.apply_state(content.get("state") or [])
        super()._handle_button_msg(_widget, content, buffers)

    def apply_state(self, state: Sequence[Any]) -> None:
        """Set the listed fields from a click's ``state`` (entries for unlisted widgets are ignored)."""
        listed = {(f.model_id, key): f for f, key in self.form_fields}
        for entry in state:
            if not isinstance(entry, list | tuple) or len(entry) < 3:
                continue
            field = listed.get((entry[0], entry[1]))
            if field is None:
                continue
            key, value = entry[1], entry[2]
            if key == "index" and (len(entry) < 4 or entry[3] is None
                                   or list(entry[3]) != list(field._options_labels)):
                continue  # the page showed other options: its index would pick something else
            try:
                _set_from_page(field, key, value)
            except (traitlets.TraitError, TypeError, ValueError):
                continue  # a value the kernel's field no longer takes: keep the kernel's


def _set_from_page(field: w.Widget, key: str, value: Any) -> None:
    """Set ``field.key`` to a value the page sent, as ``Widget.set_state`` does, without its echo.

    ``set_state`` first sends the value back to the page (ipywidgets 8's ``echo_update``: how other
    views of the widget learn of a change one of them made). Here the value came inside a click, from
    the page that shows it: echoing it told that page nothing, and a form's two dozen fields made two
    dozen messages the kernel sent, the server forwarded and the page handled before the edit began
    (the field's own update message, when it comes, is echoed as usual). The lock, as in
    ``set_state``, keeps the kernel from sending the value back as an update."""
    if key not in field.keys:
        return
    from_json = field.trait_metadata(key, "from_json", field._trait_from_json)
    with field._lock_property(**{key: value}), field.hold_trait_notifications():
        field.set_trait(key, from_json(value, field))


def button(description: str, css: str, *, style: str = "", tooltip: str = "", icon: str = "") -> FormButton:
    """A button carrying a stable CSS class (``css``), which the browser test uses as a selector; as
    wide as its label (never cut), wrapping to the next line of its row when there is no room. It is a
    :class:`FormButton`: a panel lists its fields on it, so its click carries them."""
    b = FormButton(description=description, button_style=style, tooltip=tooltip or description, icon=icon,
                   layout=w.Layout(width="auto", flex="0 0 auto"))
    b.add_class(css)
    b.add_class("dbm-button")
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
        self._confirm: str | None = None  # see run()
        self.style = Style()
        self.widget = w.VBox([self.style, *self.build()], layout=w.Layout(min_width="0"))
        self.widget.add_class("dbm-panel")
        self.widget.add_class(f"dbm-panel-{type(self).__name__.lower()}")
        self._unsubscribe: Callable[[], None] | None = model.subscribe(self._on_change)
        self.selection.observe(self._on_select, names=["table"])
        self.wire_form_buttons()
        keep_message_order(self.widget)
        self.refresh()

    def wire_form_buttons(self) -> None:
        """List the panel's fields on each of its form buttons, so a click carries them (see
        :class:`FormButton`); again after a panel adds or replaces children."""
        pairs = [[f, field_key(f)] for f in form_fields(self.widget)]
        for b in _buttons(self.widget):
            b.form_fields = pairs

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
        """Another table: messages about the last one go, forms about it are emptied."""
        self.clear_messages()
        self.refresh()

    def feedbacks(self) -> list[Feedback]:
        """The panel's message lines."""
        return [v for v in vars(self).values() if isinstance(v, Feedback)]

    def clear_messages(self) -> None:
        self._confirm = None
        for feedback in self.feedbacks():
            feedback.clear()

    @contextmanager
    def keeping_messages(self) -> Iterator[None]:
        """Inside: selecting another table does not clear the messages (a new table is selected
        right after it is added, and the message says it was)."""
        saved = [(f, f.value, f.message, f.ok) for f in self.feedbacks()]
        try:
            yield
        finally:
            for f, value, message, ok in saved:
                f.value, f.message, f.ok = value, message, ok

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Inside: widget callbacks that would edit or reselect do nothing (we are redrawing)."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    def tags_field(self, widget: w.TagsInput, feedback: Feedback) -> None:
        """Complete the names typed into ``widget`` (see :func:`complete_tags`); what cannot be read
        is said in ``feedback`` and left out."""
        def on_change(_change: dict[str, Any]) -> None:
            if self.redrawing:
                return
            names, problems = complete_tags(widget.value, getattr(widget, "dbm_names", []))
            with self.quiet():
                if list(widget.value) != names:
                    widget.value = names
            if problems:
                feedback.error("; ".join(problems))

        widget.observe(on_change, names=["value"])

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
        confirmed = self._confirm  # the name refused by the action just before, if this is the same again
        self.clear_messages()  # one message at a time: the last action's
        before = self.model.schema
        try:
            op = make()
            if op is None:
                raise ModelError("nothing to change")
            warnings = name_warnings(before, op.apply(before))
            if warnings and confirmed != op.describe():
                # the model takes any name (quoted, as imported schemas have them), so a name its
                # rules flag is refused once, saying why and what to type instead; the same action
                # again keeps it
                self._confirm = op.describe()
                raise ModelError(f"{'; '.join(warnings)}: do the same again to keep this name")
            self.model.apply(op)
        except ModelError as e:
            feedback.error(str(e))
            return False
        if warnings:
            feedback.warn(f"{op.describe()}; but {'; '.join(warnings)}")
        else:
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


def name_warnings(before: Any, after: Any) -> list[str]:
    """What the model's name rules (:data:`NAME_RULES`: too long, reserved, not snake_case) say about
    names that ``after`` has and ``before`` had not, each as ``"DM120: message (hint)"``."""
    from ..lint import lint

    old = {(f.id, f.where) for f in lint(before, NAME_RULES)}
    return [f"{f.id}: {f.message} ({f.hint})" for f in lint(after, NAME_RULES) if (f.id, f.where) not in old]


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
    """Replace the column names a TagsInput takes, dropping chosen ones that are no longer there.

    The names are not ipywidgets' ``allowed_tags``: its front end silently drops anything else
    typed, a partial name included. They are listed in the placeholder instead, and
    :meth:`Panel.tags_field` completes what is typed (a unique start of a name is enough)."""
    allowed = list(allowed)
    widget.dbm_names = allowed
    base = getattr(widget, "dbm_placeholder", None) or widget.placeholder
    widget.dbm_placeholder = base
    listed = ", ".join(allowed)
    widget.placeholder = f"{base}: {listed if len(listed) <= 60 else listed[:57] + '...'}" if allowed else base
    keep = [v for v in value if v in allowed]
    if list(widget.value) != keep:
        widget.value = keep


def complete_tags(typed: Iterable[str], names: Sequence[str], what: str = "column") -> tuple[list[str], list[str]]:
    """Each typed tag as one of ``names``: itself, or the one name it starts (case aside); and what
    could not be read, in words.

    >>> names, problems = complete_tags(["cat", "PRI", "x", "name", "na"], ["category_id", "price", "name", "name_en"])
    >>> names
    ['category_id', 'price', 'name']
    >>> problems
    ["no column starts with 'x'", "'na' starts name, name_en: type more of the column name"]
    """
    out: list[str] = []
    problems: list[str] = []
    for tag in typed:
        if tag in names:
            found = [tag]
        else:
            found = [n for n in names if n.lower() == tag.lower()] or [
                n for n in names if n.lower().startswith(tag.lower())]
        if len(found) > 1:
            found = [n for n in found if n.lower() == tag.lower()] or found
        if len(found) == 1:
            if found[0] not in out:
                out.append(found[0])
        elif found:
            problems.append(f"{tag!r} starts {', '.join(found)}: type more of the {what} name")
        else:
            problems.append(f"no {what} starts with {tag!r}")
    return out, problems


def text_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None
