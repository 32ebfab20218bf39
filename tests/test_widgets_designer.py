"""The Designer's panels, driven the way a person drives them: set widget values, click buttons.

Each test asserts the operations that reached the model (its log) and the resulting schema; a
rejected edit shows the ModelError next to the control and leaves the model unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import ops as o
from dbmodel_kit.widgets.designer import Designer
from dbmodel_kit.widgets.erd_view import ErdPanel
from dbmodel_kit.widgets.relationship_editor import junction, singular

# A panel that fails while redrawing would only warn (the model protects itself from broken
# views); here that warning is an error, so a broken redraw fails the test.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture
def model() -> Model:
    return Model(ecommerce())


@pytest.fixture
def designer(model: Model) -> Iterator[Designer]:
    d = Designer(model)
    yield d
    d.close()


@contextmanager
def unchanged(model: Model) -> Iterator[None]:
    """Assert the block leaves the model's schema and log exactly as they were."""
    schema, log = model.schema, list(model.log)
    yield
    assert model.schema is schema
    assert model.log == log


def last_op(model: Model) -> o.Operation:
    return model.log[-1]


# -- table editor: tables ---------------------------------------------------------------------

def test_add_table_applies_add_table_and_selects_it(designer: Designer, model: Model) -> None:
    """Add table makes one AddTable with a key of the chosen type and selects the new table."""
    t = designer.tables
    t.new_table.value = "reviews"
    t.key_type.value = "uuid"
    t.add_table.click()
    op = last_op(model)
    assert isinstance(op, o.AddTable)
    reviews = model.schema.table("reviews")
    assert reviews.primary_key == ("id",)
    assert str(reviews.column("id").type) == "uuid"
    assert designer.selected == "reviews"
    assert designer.erd.view.selected == "reviews"
    assert "reviews" in designer.picker.options[-1]
    assert t.table_msg.ok
    assert t.table_msg.message == "add table reviews"


def test_add_existing_table_is_rejected_in_place(designer: Designer, model: Model) -> None:
    """Adding a table whose name is taken shows the error next to the button and changes nothing."""
    t = designer.tables
    t.new_table.value = "orders"
    with unchanged(model):
        t.add_table.click()
    assert not t.table_msg.ok
    assert "already exists" in t.table_msg.message
    assert "dbm-error" in t.table_msg.value


def test_rename_table_follows_selection_and_foreign_keys(designer: Designer, model: Model) -> None:
    """Renaming the selected table renames it everywhere and keeps it selected."""
    designer.select("users")
    designer.tables.rename_to.value = "customers"
    designer.tables.rename_table.click()
    assert last_op(model) == o.RenameTable("users", "customers")
    assert designer.selected == "customers"
    assert designer.erd.view.selected == "customers"
    assert model.schema.table("orders").foreign_keys[0].ref_table == "customers"
    assert "<code>customers</code>" in designer.tables.heading.value


def test_drop_referenced_table_is_rejected_and_leaf_table_dropped(designer: Designer, model: Model) -> None:
    """A table others reference cannot be dropped; a leaf table can, and the selection clears."""
    designer.select("orders")
    with unchanged(model):
        designer.tables.drop_table.click()
    assert "referenced by order_items" in designer.tables.table_msg.message
    designer.select("order_items")
    designer.tables.drop_table.click()
    assert last_op(model) == o.DropTable("order_items")
    assert "order_items" not in model.schema
    assert designer.selected == ""
    assert designer.tables.drop_table.disabled


def test_save_table_sets_comment_subject_area_and_flags(designer: Designer, model: Model) -> None:
    """Save table applies one AlterTable with only the fields that changed."""
    designer.select("orders")
    designer.tables.comment.value = "What customers bought."
    designer.tables.group.value = "checkout"
    designer.tables.flags["audited"].value = True
    designer.tables.save_table.click()
    assert last_op(model) == o.AlterTable("orders", comment="What customers bought.", group="checkout",
                                          audited=True)
    assert model.schema.table("orders").audited
    with unchanged(model):
        designer.tables.save_table.click()
    assert designer.tables.table_msg.message == "nothing to change"


# -- table editor: columns --------------------------------------------------------------------

def test_add_column_with_every_attribute(designer: Designer, model: Model) -> None:
    """The column form builds the type from the picker and adds the column with its unique constraint."""
    designer.select("products")
    t = designer.tables
    t.col_name.value = "weight"
    t.type.kind.value = "decimal"
    t.type.params["precision"].value = "8"
    t.type.params["scale"].value = "3"
    t.nullable.value = False
    t.default.value = "0"
    t.unique.value = True
    t.sensitive.value = True
    t.col_comment.value = "kilograms"
    t.add_column.click()
    op = last_op(model)
    assert isinstance(op, o.Batch)
    assert [type(x) for x in op.ops] == [o.AddColumn, o.AddUnique]
    col = model.schema.table("products").column("weight")
    assert (str(col.type), col.nullable, str(col.default), col.sensitive, col.comment) == (
        "decimal(8,3)", False, "0", True, "kilograms")
    assert model.schema.table("products").is_unique(["weight"])
    assert model.history()[-1] == "add column products.weight decimal(8,3) unique not null default 0 sensitive"
    # the form is empty again, ready for the next column: nothing carries over from this one
    assert t.columns.value is None
    assert (t.col_name.value, t.type.kind.value, t.nullable.value, t.unique.value, t.sensitive.value,
            t.default.value, t.col_comment.value) == ("", "text", True, False, False, "", "")
    assert t.column_msg.message.startswith("add column products.weight")


def test_add_column_to_primary_key(designer: Designer, model: Model) -> None:
    """Ticking primary key extends the table's key in the same step."""
    designer.select("order_items")
    before = model.schema.table("order_items").primary_key
    t = designer.tables
    t.col_name.value = "line_no"
    t.type.kind.value = "smallint"
    t.pk.value = True
    t.add_column.click()
    assert model.schema.table("order_items").primary_key == (*before, "line_no")
    assert not model.schema.table("order_items").column("line_no").nullable


@pytest.mark.parametrize(("kind", "params", "default", "message"), [
    ("varchar", {"length": "ten"}, "", "length must be a whole number"),
    ("decimal", {"precision": "4", "scale": "6"}, "", "scale must be between 0 and the precision"),
    ("integer", {}, "uuid()", "a uuid() default needs the uuid type"),
    ("enum", {}, "", "enum"),
])
def test_bad_column_is_rejected_in_place(designer: Designer, model: Model, kind: str, params: dict[str, str],
                                         default: str, message: str) -> None:
    """A bad type parameter or default shows its ModelError next to the form and adds nothing."""
    designer.select("products")
    t = designer.tables
    t.type.set_enums([])  # no enum to pick, for the enum case
    t.col_name.value = "bad"
    t.type.kind.value = kind
    for name, value in params.items():
        t.type.params[name].value = value
    t.default.value = default
    with unchanged(model):
        t.add_column.click()
    assert not t.column_msg.ok
    assert message in t.column_msg.message


def test_edit_column_renames_and_alters_in_one_step(designer: Designer, model: Model) -> None:
    """Picking a column loads it into the form; Save applies a rename and an alter as one batch."""
    designer.select("products")
    t = designer.tables
    t.columns.value = "name"
    assert (t.col_name.value, t.type.kind.value, t.type.params["length"].value, t.nullable.value) == (
        "name", "varchar", "200", False)
    t.col_name.value = "title"
    t.type.params["length"].value = "300"
    t.nullable.value = True
    t.save_column.click()
    op = last_op(model)
    assert isinstance(op, o.Batch)
    assert op.ops[0] == o.RenameColumn("products", "name", "title")
    assert isinstance(op.ops[1], o.AlterColumn)
    assert op.ops[1].changes() == {
        "type": model.schema.table("products").column("title").type, "nullable": True}
    assert str(model.schema.table("products").column("title").type) == "varchar(300)"
    assert t.columns.value == "title"
    model.undo()
    assert model.schema.table("products").column("name").nullable is False


def test_save_column_toggles_unique_and_rejects_no_change(designer: Designer, model: Model) -> None:
    """Unticking unique drops the one-column unique constraint; saving an unchanged column says so."""
    designer.select("orders")
    t = designer.tables
    t.columns.value = "order_number"
    assert t.unique.value
    t.unique.value = False
    t.save_column.click()
    assert isinstance(last_op(model), o.DropUnique)
    assert not model.schema.table("orders").is_unique(["order_number"])
    with unchanged(model):
        t.save_column.click()
    assert t.column_msg.message == "nothing to change"


def test_move_columns_up_and_down(designer: Designer, model: Model) -> None:
    """Up and Down reorder with MoveColumn; moving the first column up is refused."""
    designer.select("users")
    t = designer.tables
    t.columns.value = "email"
    t.move_up.click()
    assert last_op(model) == o.MoveColumn("users", "email", 0)
    assert model.schema.table("users").column_names[:2] == ("email", "id")
    with unchanged(model):
        t.move_up.click()
    assert "already the first column" in t.columns_msg.message
    t.move_down.click()
    assert model.schema.table("users").column_names[:2] == ("id", "email")


def test_drop_column_and_refuse_key_column(designer: Designer, model: Model) -> None:
    """Drop column applies DropColumn; a primary-key column is refused with the model's reason."""
    designer.select("users")
    t = designer.tables
    t.columns.value = "id"
    with unchanged(model):
        t.drop_column.click()
    assert "in the primary key" in t.columns_msg.message
    t.columns.value = "phone"
    t.drop_column.click()
    assert last_op(model) == o.DropColumn("users", "phone")
    assert not model.schema.table("users").has_column("phone")


# -- relationship editor -------------------------------------------------------------------------

@pytest.fixture
def blog() -> Model:
    m = Model()
    m.add_table("users", id="uuid pk")
    m.add_table("posts", id="bigint pk identity", author="uuid not null", slug="varchar(80) not null")
    return m


def test_foreign_key_from_existing_columns_preselects_parent_key(blog: Model) -> None:
    """Choosing the parent table preselects its key; Add makes one AddForeignKey with the actions."""
    d = Designer(blog, table="posts")
    r = d.relationships
    r.child_columns.value = ["author"]
    r.parent.value = "users"
    assert r.parent_columns.value == ["id"]
    r.on_delete.value = "CASCADE"
    r.on_update.value = "RESTRICT"
    r.add_fk.click()
    op = last_op(blog)
    assert isinstance(op, o.AddForeignKey)
    fk = blog.schema.table("posts").foreign_keys[0]
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update) == (
        ("author",), "users", ("id",), "CASCADE", "RESTRICT")
    assert r.foreign_keys.options[0][1] == fk.name
    assert d.erd.view.neighbours == ["users"]
    assert r.child_columns.value == []  # the form is cleared for the next one
    d.close()


def test_foreign_key_with_new_column_and_one_to_one(blog: Model) -> None:
    """A new child column gets the parent key's type; one-to-one adds a unique constraint, all in one step."""
    d = Designer(blog, table="posts")
    r = d.relationships
    r.new_column.value = "editor_id"
    r.required.value = False
    r.parent.value = "users"
    r.cardinality.value = "one"
    r.add_fk.click()
    op = last_op(blog)
    assert isinstance(op, o.Batch)
    assert [type(x) for x in op.ops] == [o.AddColumn, o.AddForeignKey, o.AddUnique]
    assert op.describe() == "add one-to-one posts(editor_id) -> users"
    col = blog.schema.table("posts").column("editor_id")
    assert (str(col.type), col.nullable) == ("uuid", True)
    assert blog.schema.table("posts").is_unique(["editor_id"])
    blog.undo()
    assert not blog.schema.table("posts").has_column("editor_id")
    d.close()


def test_foreign_key_type_mismatch_is_rejected(blog: Model) -> None:
    """Pairing a varchar column with a uuid key shows the type mismatch and changes nothing."""
    d = Designer(blog, table="posts")
    r = d.relationships
    r.child_columns.value = ["slug"]
    r.parent.value = "users"
    with unchanged(blog):
        r.add_fk.click()
    assert "type mismatch" in r.fk_msg.message
    r.child_columns.value = []
    with unchanged(blog):
        r.add_fk.click()
    assert r.fk_msg.message == "choose the child columns (or name a new column)"
    d.close()


def test_drop_foreign_key_from_child_or_parent_side(designer: Designer, model: Model) -> None:
    """The list shows outgoing and incoming foreign keys; Drop removes the picked one."""
    designer.select("orders")
    r = designer.relationships
    labels = [label for label, _ in r.foreign_keys.options]
    assert any(label.startswith("→ (user_id) → users(id)") for label in labels)
    assert any(label.startswith("← order_items(order_id)") for label in labels)
    incoming = next(v for label, v in r.foreign_keys.options if label.startswith("← order_items"))
    r.foreign_keys.value = incoming
    r.drop_fk.click()
    op = last_op(model)
    assert isinstance(op, o.DropForeignKey)
    assert op.table == "order_items"
    assert not any(fk.ref_table == "orders" for fk in model.schema.table("order_items").foreign_keys)


def test_many_to_many_junction_in_one_step(designer: Designer, model: Model) -> None:
    """Create junction table adds the table, its composite key, two cascading FKs and an index as one undo step."""
    r = designer.relationships
    r.m2m_left.value = "products"
    r.m2m_right.value = "categories"
    r.add_m2m.click()
    op = last_op(model)
    assert isinstance(op, o.Batch)
    assert op.describe() == "add junction table product_categories linking products and categories (many-to-many)"
    j = model.schema.table("product_categories")
    assert j.primary_key == ("product_id", "category_id")
    assert [(fk.ref_table, fk.on_delete) for fk in j.foreign_keys] == [("products", "CASCADE"),
                                                                       ("categories", "CASCADE")]
    assert [ix.columns for ix in j.indexes] == [("category_id",)]
    with unchanged(model):
        r.add_m2m.click()
    assert "already exists" in r.m2m_msg.message
    model.undo()
    assert "product_categories" not in model.schema


def test_junction_helpers() -> None:
    """A self-referencing many-to-many gets distinct column names; names singularise simply."""
    step = junction(ecommerce(), "users", "users", "follows")
    table = step.ops[0].table
    assert table.primary_key == ("user_id", "related_user_id")
    assert singular("categories") == "category"


# -- index and constraint editor -------------------------------------------------------------------

def test_composite_partial_unique_index(designer: Designer, model: Model) -> None:
    """The index form keeps column order and passes unique, where, method and include through."""
    designer.select("orders")
    x = designer.indexes
    x.columns.value = ["status", "user_id"]
    x.unique.value = True
    x.where.value = "status <> 'cancelled'"
    x.method.value = "btree"
    x.include.value = ["total"]
    x.add_index.click()
    op = last_op(model)
    assert isinstance(op, o.AddIndex)
    ix = model.schema.table("orders").index(op.index.name)
    assert (ix.columns, ix.unique, ix.where, ix.method) == (("status", "user_id"), True, "status <> 'cancelled'",
                                                            "btree")
    assert ix.include == ("total",)
    assert any(v == f"index:{ix.name}" for _, v in x.existing.options)
    assert (x.columns.value, x.where.value, x.unique.value) == ([], "", False)  # the form is cleared


def test_bad_index_where_is_rejected(designer: Designer, model: Model) -> None:
    """A where clause naming a missing column is refused in place."""
    designer.select("orders")
    x = designer.indexes
    x.columns.value = ["status"]
    x.where.value = "nope IS NULL"
    with unchanged(model):
        x.add_index.click()
    assert "nope" in x.index_msg.message
    x.where.value = ""
    x.columns.value = []
    with unchanged(model):
        x.add_index.click()
    assert x.index_msg.message == "choose the columns"


def test_unique_constraint_and_check_then_drop_them(designer: Designer, model: Model) -> None:
    """Add unique and Add check apply their ops; Drop removes whichever kind is picked."""
    designer.select("products")
    x = designer.indexes
    x.columns.value = ["sku", "currency"]
    x.add_unique.click()
    uq = last_op(model)
    assert isinstance(uq, o.AddUnique)
    assert uq.unique.columns == ("sku", "currency")
    x.check.value = "stock_quantity < 100000"
    x.check_name.value = "ck_products_stock_cap"
    x.add_check.click()
    assert last_op(model) == o.AddCheck("products", model.schema.table("products").check("ck_products_stock_cap"))
    x.check.value = "price >"
    with unchanged(model):
        x.add_check.click()
    assert "cannot parse CHECK expression" in x.check_msg.message
    x.existing.value = f"unique:{uq.unique.name}"
    x.drop.click()
    assert last_op(model) == o.DropUnique("products", uq.unique.name)
    x.existing.value = "check:ck_products_stock_cap"
    x.drop.click()
    assert last_op(model) == o.DropCheck("products", "ck_products_stock_cap")


def test_unique_constraint_refuses_index_only_options(designer: Designer, model: Model) -> None:
    """A unique constraint with a where clause is refused: that needs a unique index."""
    designer.select("products")
    x = designer.indexes
    x.columns.value = ["sku"]
    x.where.value = "deleted_at IS NULL"
    with unchanged(model):
        x.add_unique.click()
    assert "use a unique index" in x.index_msg.message


# -- enums --------------------------------------------------------------------------------------

def test_enum_add_change_drop_and_use_in_type_picker(designer: Designer, model: Model) -> None:
    """Enums are added, re-valued and dropped through the panel; the type picker offers them at once."""
    e = designer.enums
    e.name.value = "review_state"
    e.values.value = "draft, published"
    e.add.click()
    assert last_op(model) == o.AddEnum(model.schema.enum("review_state"))
    assert "review_state" in designer.tables.type.enum.options
    e.enums.value = "review_state"
    e.values.value = "draft, published, hidden"
    e.save.click()
    assert last_op(model) == o.AlterEnum("review_state", ("draft", "published", "hidden"))
    e.values.value = "draft, draft"
    with unchanged(model):
        e.save.click()
    assert "lists 'draft' twice" in e.msg.message
    e.enums.value = "order_status"  # used by orders.status: refused
    with unchanged(model):
        e.drop.click()
    assert "used by orders.status" in e.msg.message
    e.enums.value = "review_state"
    e.drop.click()
    assert last_op(model) == o.DropEnum("review_state")


# -- history ------------------------------------------------------------------------------------

def test_undo_redo_buttons_and_plain_language_log(designer: Designer, model: Model) -> None:
    """Undo/redo buttons step through the log, which reads in plain language; their state follows."""
    h = designer.history
    assert h.undo.disabled
    assert h.redo.disabled
    assert "No edits yet" in h.log.value
    model.rename_column("products.name", "title")
    assert "<li>rename column products.name -&gt; title</li>" in h.log.value
    assert not h.undo.disabled
    h.undo.click()
    assert model.schema.table("products").has_column("name")
    assert h.msg.message == "undo: rename column products.name -> title"
    assert not h.redo.disabled
    h.redo.click()
    assert model.schema.table("products").has_column("title")
    assert h.msg.message == "redo: rename column products.name -> title"
    h.redo.click()
    assert h.msg.message == "nothing to redo"


def test_keyboard_shortcut_messages_undo_and_redo(designer: Designer, model: Model) -> None:
    """The shortcut widget's undo/redo messages step the model like the buttons."""
    model.add_column("users", "nickname", "varchar(40)")
    shortcuts = designer.history.shortcuts
    shortcuts._handle_custom_msg({"command": "undo"}, [])
    assert not model.schema.table("users").has_column("nickname")
    shortcuts._handle_custom_msg({"command": "redo"}, [])
    assert model.schema.table("users").has_column("nickname")
    shortcuts._handle_custom_msg({"command": "format disk"}, [])
    assert model.schema.table("users").has_column("nickname")


# -- lint ----------------------------------------------------------------------------------------

def test_lint_findings_listed_and_click_selects_table(designer: Designer, model: Model) -> None:
    """Picking a finding selects its table; the list is re-checked after every edit."""
    model.add_table("logs", line="text")  # no primary key: a lint finding on `logs`
    lp = designer.lint
    row = next(v for label, v in lp.findings.options if "logs" in label)
    finding = lp.report.findings[row]
    assert finding.table == "logs"
    lp.findings.value = row
    assert designer.selected == "logs"
    assert designer.erd.view.selected == "logs"
    assert finding.id in lp.detail.value
    assert designer.tabs.get_title(5) == f"Lint ({len(lp.report)})"
    model.set_primary_key("logs", "line")
    assert all(f.table != "logs" or f.id != finding.id for f in lp.report)


# -- ERD and the whole ---------------------------------------------------------------------------

def test_erd_click_selects_and_edits_redraw(designer: Designer, model: Model) -> None:
    """Setting the view's `selected` (what a click does) selects in every panel; an edit redraws the SVG."""
    view = designer.erd.view
    assert "<svg" in view.svg
    view.selected = "order_items"
    assert designer.tables.heading.value.startswith("<b>Table <code>order_items</code>")
    assert designer.relationships.heading.value == "<b>Relationships of <code>order_items</code></b>"
    assert designer.picker.value == "order_items"
    assert view.neighbours == ["products", "orders"]
    before = view.svg
    model.add_column("order_items", "gift_note", "text")
    assert view.svg != before
    assert "gift_note" in view.svg
    designer.picker.value = "users"
    assert view.selected == "users"


def test_erd_focus_depth_and_theme(model: Model) -> None:
    """Focus and depth narrow the drawing; theme auto follows the page's light/dark report."""
    panel = ErdPanel(model)
    whole = panel.view.svg
    panel.focus.value = "order_items"
    focused = panel.view.svg
    assert focused != whole
    assert "order_items" in focused
    panel.depth.value = 2
    assert panel.view.svg != focused
    assert panel.effective_theme == "light"
    light = panel.view.svg
    panel.view.page_theme = "dark"  # what the front end reports under a dark JupyterLab theme
    assert panel.effective_theme == "dark"
    assert panel.view.svg != light
    panel.theme.value = "light"
    assert panel.view.svg == light
    panel.close()


def test_close_stops_following_the_model(model: Model) -> None:
    """After close() the widgets no longer redraw on edits."""
    d = Designer(model)
    svg, log = d.erd.view.svg, d.history.log.value
    d.close()
    model.add_column("users", "nickname", "varchar(40)")
    assert d.erd.view.svg == svg
    assert d.history.log.value == log


def test_model_designer_opens_designer(model: Model) -> None:
    """model.designer() opens a Designer on that model, with a table preselected on request."""
    d = model.designer(table="orders")
    assert isinstance(d, Designer)
    assert d.model is model
    assert d.selected == "orders"
    d.close()


def test_design_from_an_empty_model() -> None:
    """Starting with no tables, the first table and its columns can be made through the widgets."""
    m = Model()
    d = Designer(m)
    assert d.selected == ""
    assert d.tables.add_column.disabled
    d.tables.new_table.value = "users"
    d.tables.add_table.click()
    d.tables.col_name.value = "email"
    d.tables.type.kind.value = "varchar"
    d.tables.type.params["length"].value = "255"
    d.tables.nullable.value = False
    d.tables.add_column.click()
    assert m.history() == ["add table users", "add column users.email varchar(255) not null"]
    assert "users" in d.erd.view.svg
    d.close()


def test_focus_selected_button(designer: Designer) -> None:
    """Focus selected narrows the ERD to the selected table's neighbourhood."""
    designer.select("orders")
    whole = designer.erd.view.svg
    designer.erd.focus_selected.click()
    assert designer.erd.focus.value == designer.selected
    assert designer.erd.view.svg != whole
    assert "around <code>orders</code>" in designer.erd.status.value
