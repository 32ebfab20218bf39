"""The Designer's forms are honest, and its keyboard and ERD gestures edit the model (no browser).

A form empties after a successful add and when another table is selected; a message belongs to
the action that caused it and goes when the selection changes; names are checked by the model's
own name rules; dropdowns whose default means "none" still show its label; partial column names
complete. Keys and ERD gestures arrive as messages from the page, sent here the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

from dbmodel_kit import Model, ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Column
from dbmodel_kit.widgets._common import NONE
from dbmodel_kit.widgets.designer import Designer

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture
def model() -> Model:
    return Model(ecommerce())


@pytest.fixture
def designer(model: Model) -> Iterator[Designer]:
    d = Designer(model, table="products")
    yield d
    d.close()


def send(widget, **content) -> None:
    """What the page's front end does: a custom message to the kernel-side widget."""
    widget._handle_custom_msg(content, [])


def label_of(dropdown) -> str:
    return next(label for label, value in dropdown.options if value == dropdown.value)


def test_column_form_empties_after_add_and_when_the_table_changes(designer: Designer, model: Model) -> None:
    """A boolean's `not null default false` does not carry into the next column, nor into another table."""
    t = designer.tables
    t.col_name.value = "gift_wrap"
    t.type.kind.value = "boolean"
    t.nullable.value = False
    t.default.value = "false"
    t.add_column.click()
    assert model.history()[-1] == "add column products.gift_wrap boolean not null default false"
    assert (t.col_name.value, t.type.kind.value, t.nullable.value, t.default.value) == ("", "text", True, "")
    t.pick_column("price")  # a picked column fills the form ...
    assert (t.col_name.value, t.nullable.value) == ("price", False)
    designer.select("orders")  # ... and another table empties it
    assert (t.col_name.value, t.nullable.value, t.default.value, t.columns.value) == ("", True, "", None)


def test_a_message_belongs_to_its_action_and_goes_with_the_selection(designer: Designer, model: Model) -> None:
    """An error stays next to the action that caused it until the next action or another table."""
    t = designer.tables
    t.add_column.click()  # no name
    assert (t.column_msg.ok, t.column_msg.message) == (False, "type a name for the column")
    t.move_up.click()  # another action of the panel: its own message, the old one goes
    assert t.column_msg.message == ""
    assert not t.columns_msg.ok
    designer.select("users")
    assert [f.message for f in t.feedbacks()] == [""] * len(t.feedbacks())
    r = designer.relationships
    r.add_fk.click()
    assert not r.fk_msg.ok
    designer.select("orders")
    assert r.fk_msg.message == ""


def test_names_are_checked_by_the_models_name_rules(designer: Designer, model: Model) -> None:
    """`bad name!` is legal in the model (quoted everywhere) but its name rule flags it: the form
    refuses it once with the rule's message and a better name, and adds it (with the warning) only
    when the same is done again; anything in between starts over. A plain name: a plain success."""
    t = designer.tables
    t.col_name.value = "bad name!"
    t.add_column.click()
    assert not model.schema.table("products").has_column("bad name!")
    assert t.column_msg.value.startswith('<span class="dbm-error"')
    assert "DM120" in t.column_msg.message
    assert "'bad name!'" in t.column_msg.message
    assert "e.g. bad_name" in t.column_msg.message
    designer.select("orders")  # another table: the refusal is forgotten
    designer.select("products")
    t.col_name.value = "bad name!"
    t.add_column.click()
    assert not model.schema.table("products").has_column("bad name!")
    t.add_column.click()  # the same again: kept, with the warning
    assert model.schema.table("products").has_column("bad name!")
    assert t.column_msg.value.startswith('<span class="dbm-warning"')
    assert "DM120" in t.column_msg.message
    assert "bad name!" in t.column_msg.message
    t.new_table.value = "select"
    t.add_table.click()
    assert "DM109" in t.table_msg.message
    assert not model.schema.has_table("select")
    t.new_table.value = "selected"  # a different action: no confirmation carried over
    t.add_table.click()
    assert model.schema.has_table("selected")
    t.col_name.value = "weight_kg"
    t.add_column.click()
    assert t.column_msg.value.startswith('<span class="dbm-done"')


@pytest.mark.parametrize(("kind", "enum", "default"), [
    ("integer", "", "'abc'"), ("boolean", "", "'maybe'"), ("enum", "order_status", "false")])
def test_a_default_the_type_cannot_hold_is_refused_with_the_models_message(
        designer: Designer, model: Model, kind: str, enum: str, default: str) -> None:
    """The form says what the model says about a default its type cannot hold (the enum's values
    included), and adds nothing."""
    spelled = f"enum({enum})" if enum else kind
    with pytest.raises(ModelError) as refused:
        o.AddColumn("products", Column("probe", spelled, default=default)).apply(model.schema)
    t = designer.tables
    t.col_name.value = "probe"
    t.type.kind.value = kind
    if enum:
        t.type.enum.value = enum
    t.default.value = default
    before = model.schema
    t.add_column.click()
    assert model.schema is before
    assert not t.column_msg.ok
    assert refused.value.message in t.column_msg.message
    assert "probe" in t.column_msg.message  # the message names the column


def test_dropdowns_show_the_label_of_their_none_choice(designer: Designer, model: Model) -> None:
    """Focus, on delete/update and index method default to a choice with a label, and that choice
    still means None in the model."""
    assert label_of(designer.erd.focus) == "whole schema"
    r = designer.relationships
    assert (label_of(r.on_delete), label_of(r.on_update)) == ("no action", "no action")
    assert label_of(designer.indexes.method) == "default (btree)"
    assert label_of(designer.picker) == "products"
    r.new_column.value = "buyer_id"
    r.parent.value = "users"
    r.add_fk.click()
    fk = model.schema.table("products").foreign_keys[-1]
    assert (fk.on_delete, fk.on_update) == (None, None)
    designer.indexes.columns.value = ["sku"]
    designer.indexes.add_index.click()
    assert model.schema.table("products").indexes[-1].method is None
    designer.erd.toggle_focus()
    assert designer.erd.focus.value == "products"
    designer.erd.toggle_focus()
    assert designer.erd.focus.value == NONE


def test_partial_column_names_complete(designer: Designer, model: Model) -> None:
    """Typing the start of a column name takes that column; an ambiguous or unknown start says so."""
    ix = designer.indexes
    ix.columns.value = ["PRI", "cat"]
    assert list(ix.columns.value) == ["price", "category_id"]
    ix.columns.value = [*ix.columns.value, "created", "zzz"]
    assert list(ix.columns.value) == ["price", "category_id"]
    assert "'created' starts created_by, created_at" in ix.index_msg.message
    assert "no column starts with 'zzz'" in ix.index_msg.message
    ix.add_index.click()
    assert model.schema.table("products").indexes[-1].columns == ("price", "category_id")
    assert list(ix.columns.value) == []  # the form empties after the add


def test_keyboard_commands_edit_through_the_designer(designer: Designer, model: Model) -> None:
    """N and C open the table form, Delete drops the selected table (one undoable step), F focuses."""
    keys = designer.history.shortcuts
    designer.tables.pick_column("price")
    designer.tabs.selected_index = 2
    send(keys, command="new-column")
    assert designer.tabs.selected_index == 0
    assert (designer.tables.columns.value, designer.tables.col_name.value) == (None, "")
    send(keys, command="focus")
    assert designer.erd.focus.value == "products"
    designer.select("order_items")
    send(keys, command="delete")
    assert not model.schema.has_table("order_items")
    assert "Ctrl+Z" in designer.tables.table_msg.message
    send(keys, command="undo")
    assert model.schema.has_table("order_items")


def test_dragging_a_table_pins_the_layout_and_moves_it(designer: Designer, model: Model) -> None:
    """The first drag pins every drawn table where it is and moves the dragged one (one step);
    later drags move only that table, in the model's frame even when the drawing is shifted."""
    drawn = {"users": (100.0, 500.0), "categories": (100.0, 170.0), "products": (400.0, 170.0),
             "orders": (400.0, 500.0), "order_items": (680.0, 480.0)}
    send(designer.erd.view, command="move", table="orders", delta=[30, -40], drawn=drawn)
    schema = model.schema
    assert schema.table("orders").position == (430, 460)
    assert schema.table("users").position == (100, 500)
    assert model.history()[-1] == "move table orders (and pin 4 more tables where they are drawn)"
    assert designer.erd.view.placed
    # Graphviz drew the placed layout shifted by (+7, -3): the next move is still relative
    shifted = {name: (t.position[0] + 7.0, t.position[1] - 3.0) for name in drawn
               if (t := schema.table(name)).position is not None}
    send(designer.erd.view, command="move", table="users", delta=[-10, 0], drawn=shifted)
    assert model.schema.table("users").position == (90, 500)
    assert model.schema.table("orders").position == (430, 460)
    assert isinstance(model.log[-1], o.AlterTable)
    send(designer.erd.view, command="auto-layout")
    assert all(t.position is None for t in model.schema.tables)
    model.undo()
    assert model.schema.table("users").position == (90, 500)
    send(designer.erd.view, command="move", table="nope", delta=[1, 1], drawn=drawn)
    assert "no such table" in designer.erd.msg.message


def test_double_click_on_a_column_opens_it(designer: Designer, model: Model) -> None:
    """A double-click on orders.status in the ERD selects orders and shows status in the form."""
    designer.tabs.selected_index = 3
    send(designer.erd.view, command="edit", table="orders", column="status")
    assert designer.selected == "orders"
    assert designer.tabs.selected_index == 0
    assert (designer.tables.columns.value, designer.tables.col_name.value) == ("status", "status")


def click_with(button, *entries) -> None:
    """What static/panels.js sends for a form button: the click with the fields' page values."""
    button._handle_custom_msg({"event": "click", "state": [list(e) for e in entries]}, [])


def test_a_form_button_click_carries_the_form(designer: Designer, model: Model) -> None:
    """The fields a click carries are set before its handler runs (the page may not have sent their
    own updates yet, or the kernel may handle them later); an index counts only with the options
    the kernel has; what the kernel's field does not take, or does not list, is left alone."""
    t = designer.tables
    listed = {(f.model_id, key) for f, key in t.add_column.form_fields}
    assert (t.col_name.model_id, "value") in listed
    assert (t.type.kind.model_id, "index") in listed  # the type picker's fields are the form's too
    assert (t.nullable.model_id, "value") in listed
    kinds = list(t.type.kind._options_labels)
    click_with(t.add_column, (t.col_name.model_id, "value", "shipped_on"),
               (t.type.kind.model_id, "index", kinds.index("date"), kinds),
               (t.nullable.model_id, "value", False),
               (designer.relationships.widget.model_id, "value", "not a field of this button"))
    assert str(model.schema.table("products").column("shipped_on").type) == "date"
    assert not model.schema.table("products").column("shipped_on").nullable
    assert t.col_name.value == ""  # the form empties after the add, as ever

    # an index from other options than the kernel's: the kernel's choice stays
    t.col_name.value = "kept_text"
    click_with(t.add_column, (t.type.kind.model_id, "index", 0, ["not", "these", "options"]))
    assert str(model.schema.table("products").column("kept_text").type) == "text"
    # a value the field does not take: the kernel's value stays, the click still runs
    t.col_name.value = "also_kept"
    click_with(t.add_column, (t.nullable.model_id, "value", "not a bool"))
    assert model.schema.table("products").has_column("also_kept")
    # a bare click (no page script): an ordinary button
    t.col_name.value = "bare"
    send(t.add_column, event="click")
    assert model.schema.table("products").has_column("bare")


def test_a_click_does_not_echo_its_fields(designer: Designer, model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fields a click carries are set without sending them back: no ``echo_update`` (the page that
    sent them has them; a form's two dozen fields made two dozen messages before the edit began) and
    no ``update`` carrying the page's own value back."""
    import ipywidgets as w

    sent: list[tuple[str, dict]] = []
    original = w.Widget._send

    def record(self, msg, buffers=None):  # type: ignore[no-untyped-def]
        sent.append((self.model_id, msg))
        return original(self, msg, buffers)

    monkeypatch.setattr(w.Widget, "_send", record)
    t = designer.tables
    kinds = list(t.type.kind._options_labels)
    click_with(t.add_column, (t.col_name.model_id, "value", "shipped_on"),
               (t.type.kind.model_id, "index", kinds.index("date"), kinds),
               (t.nullable.model_id, "value", False))
    assert str(model.schema.table("products").column("shipped_on").type) == "date"
    assert not model.schema.table("products").column("shipped_on").nullable
    assert sent  # the panels redrew (the control: messages are recorded)
    assert [m for _, m in sent if m.get("method") == "echo_update"] == []
    fields = {t.col_name.model_id: ("value", "shipped_on"), t.nullable.model_id: ("value", False),
              t.type.kind.model_id: ("index", kinds.index("date"))}
    back = [(mid, m) for mid, m in sent if mid in fields and m.get("method") == "update"
            and m["state"].get(fields[mid][0], object()) == fields[mid][1]]
    assert back == []


class _RoutingComm:
    """A comm of a kernel that routes a comm's page messages to a thread (ipykernel 7.4)."""

    def __init__(self, comm) -> None:  # type: ignore[no-untyped-def]
        self._inner = comm

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)

    def _reply_subshell_for(self, data, default):  # type: ignore[no-untyped-def]
        return "a subshell"


def test_the_page_messages_go_to_the_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every widget of the Designer routes the page's messages to the kernel's main thread (None),
    whatever the kernel would pick (see keep_message_order; the advisor's rows: test_advisor_widget)."""
    import ipywidgets as w

    made = w.Widget.open

    def open_routing(self) -> None:  # type: ignore[no-untyped-def]
        made(self)
        self.comm = _RoutingComm(self.comm)

    monkeypatch.setattr(w.Widget, "open", open_routing)
    d = Designer(Model(ecommerce()))
    try:
        widgets = [d.tables.add_column, d.tables.col_name, d.erd.view, d.history.shortcuts, d.picker]
        assert [x.comm._reply_subshell_for({}, "page's") for x in widgets] == [None] * len(widgets)
    finally:
        d.close()
