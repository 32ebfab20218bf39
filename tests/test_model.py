"""The schema values, the spec language and the Model handle."""

from __future__ import annotations

import pytest

from dbmodel_kit import Column, DataType, Default, ForeignKey, Index, Model, ModelError, Schema, Table, Unique
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.model import ops
from dbmodel_kit.model.schema import Check, dependency_order
from dbmodel_kit.model.spec import build_table, format_column, parse_column


@pytest.mark.parametrize("text", [
    "uuid", "smallint", "integer", "bigint", "decimal(10,2)", "decimal(5)", "decimal", "real", "double",
    "boolean", "char(3)", "varchar(255)", "varchar", "text", "date", "time", "timestamp", "timestamptz",
    "interval", "json", "bytes", "enum(order_status)",
])
def test_datatype_text_round_trips(text: str) -> None:
    """Every logical type's text form parses back to the same type and prints the same."""
    t = DataType.parse(text)
    assert str(t) == text
    assert DataType.parse(str(t)) == t


@pytest.mark.parametrize(("alias", "canonical"), [
    ("INT", "integer"), ("numeric(12, 4)", "decimal(12,4)"), ("timestamp with time zone", "timestamptz"),
    ("character varying(20)", "varchar(20)"), ("jsonb", "json"), ("bytea", "bytes"), ("bool", "boolean"),
    ("double precision", "double"), ("char", "char(1)"),
])
def test_datatype_aliases_fold_to_logical_types(alias: str, canonical: str) -> None:
    """Spellings from other tools fold to one logical type."""
    assert str(DataType.parse(alias)) == canonical


@pytest.mark.parametrize(("text", "message"), [
    ("varchar(abc)", "not a whole number"), ("decimal(5,7)", "scale"), ("geometri", "unknown type"),
    ("integer(5)", "at most 0"), ("varchar(0)", "at least 1"),
])
def test_datatype_rejects_bad_types(text: str, message: str) -> None:
    """Bad type text raises ModelError with a reason."""
    with pytest.raises(ModelError, match=message):
        DataType.parse(text)


def test_defaults_parse_to_portable_kinds() -> None:
    """SQL default spellings become portable literal/now/uuid/identity/expression defaults."""
    assert Default.parse("CURRENT_TIMESTAMP") == Default("now")
    assert Default.parse("gen_random_uuid()") == Default("uuid")
    assert Default.parse("'it''s'") == Default("literal", "it's")
    assert str(Default("literal", "it's")) == "'it''s'"
    assert Default.parse("12.5") == Default("literal", 12.5)
    assert Default.parse(True) == Default("literal", True)
    assert Default.parse("lower('X')") == Default("expression", "LOWER('X')")
    assert Default.parse("null") is None


def test_table_fills_constraint_names_and_not_null_pk() -> None:
    """Unnamed indexes and constraints get convention names; primary key columns become NOT NULL."""
    t = Table("t", (Column("a", "integer"), Column("b", "text")), primary_key=("a",),
              indexes=(Index(("b",)),), uniques=(Unique(("a", "b")),), checks=(Check("a > 0"),))
    assert t.column("a").nullable is False
    assert t.indexes[0].name == "ix_t_b"
    assert t.uniques[0].name == "uq_t_a_b"
    assert t.checks[0].name == "ck_t_a"


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Table("t", (Column("a", "integer"), Column("a", "text"))), "duplicate column 'a'"),
    (lambda: Table("t", (Column("a", "integer"),), primary_key=("b",)), "column 'b'"),
    (lambda: Table("t", ()), "at least one column"),
    (lambda: Table("", (Column("a", "integer"),)), "non-empty"),
    (lambda: Table("t", (Column("a", "integer"),), checks=(Check("b > 0"),)), "column 'b'"),
    (lambda: Schema((Table("t", (Column("a", "integer"),)), Table("t", (Column("a", "integer"),)))), "duplicate table"),
    (lambda: Schema((Table("t", (Column("a", "integer"),), foreign_keys=(ForeignKey(("a",), "nope"),)),)),
     "'nope', which does not exist"),
    (lambda: Schema((build_table("p", {"id": "uuid pk"}), build_table("c", {"p": "integer references p"}))),
     "type mismatch: c.p is integer but p.id is uuid"),
    (lambda: Schema((build_table("p", {"id": "uuid pk", "x": "text"}),
                     build_table("c", {"x": "text references p(x)"}))),
     "not its primary key or a unique constraint"),
    (lambda: Schema((build_table("t", {"s": "enum(mood)"}),)), "does not declare"),
    (lambda: Table("t", (Column("a", "integer"),), indexes=(Index(("a",), name="x"), Index(("a",), name="x"))),
     "named 'x'"),
])
def test_invalid_states_are_rejected(build, message: str) -> None:
    """Constructors refuse invalid schemas with a message naming the problem."""
    with pytest.raises(ModelError, match=message):
        build()


def test_spec_lines_round_trip() -> None:
    """A spec line parses to a column whose canonical line parses to the same column."""
    for line in ["uuid pk default uuid()", "varchar(255) unique not null sensitive",
                 "uuid not null references users(id) on delete cascade on update set null",
                 "decimal(10,2) not null default 0", "integer pk identity", "text default (LOWER('x'))",
                 "bigint generated (a + b)", "varchar(4) not null default 'it''s' comment 'a ''quoted'' note'",
                 'uuid references "order items"("the id")']:
        s = parse_column("c", line)
        again = parse_column("c", format_column(s.column, primary_key=s.primary_key, unique=s.unique,
                                                references=s.references, comment=True))
        assert again == s, line


def test_spec_errors_name_the_column() -> None:
    """A bad spec line says which column and what is wrong."""
    with pytest.raises(ModelError, match=r"email.*unexpected 'bogus'"):
        parse_column("email", "varchar(255) bogus")
    with pytest.raises(ModelError, match="on delete takes one of"):
        parse_column("x", "uuid references users on delete explode")


def test_examples_are_valid_and_ordered() -> None:
    """Both example models build, and the large one has an FK cycle that dependency order defers."""
    shop = ecommerce()
    assert shop.table("products").foreign_key("fk_products_category_id_categories").on_delete == "RESTRICT"
    order, deferred = dependency_order(large())
    names = [t.name for t in order]
    assert names.index("countries") > names.index("regions")
    assert [(t.name, fk.ref_table) for t, fk in deferred] == [("departments", "employees")]


def test_model_builders_undo_redo_and_history() -> None:
    """Builders make operations; undo/redo walk the log; history reads as plain language."""
    m = Model()
    m.add_table("users", id="uuid pk", email="varchar(255) unique not null")
    m.add_column("users", "name", "text not null default ''")
    m.rename_column("users.name", "full_name")
    assert m.history() == ["add table users", "add column users.name text not null default ''",
                           "rename column users.name -> full_name"]
    m.undo()
    assert m.schema.table("users").has_column("name")
    m.redo()
    assert m.schema.table("users").has_column("full_name")
    m.undo()
    m.add_index("users", "email")
    assert not m.can_redo, "a new edit clears the redo stack"


def test_rejected_edit_changes_nothing_and_notifies_no_one() -> None:
    """An invalid edit raises ModelError, leaves the schema and log as they were and fires no event."""
    m = Model()
    m.add_table("users", id="uuid pk")
    events = []
    m.subscribe(events.append)
    before, log = m.schema, m.log
    with pytest.raises(ModelError, match="no table 'nope'"):
        m.add_column("nope", "x", "text")
    with pytest.raises(ModelError, match="already exists"):
        m.add_column("users", "id", "text")
    assert m.schema is before
    assert m.log == log
    assert events == []


def test_subscribers_hear_apply_undo_redo_and_can_unsubscribe() -> None:
    """Subscribers get a Change for each apply/undo/redo until they unsubscribe."""
    m = Model()
    seen = []
    stop = m.subscribe(lambda ch: seen.append((ch.action, ch.op.describe())))
    m.add_table("t", id="integer pk")
    m.undo()
    m.redo()
    stop()
    m.drop_table("t")
    assert seen == [("apply", "add table t"), ("undo", "drop table t"), ("redo", "add table t")]


def test_batch_is_one_step_and_all_or_nothing() -> None:
    """Edits in `with model.batch()` are one log entry and one undo; a failure applies none of them."""
    m = Model()
    m.add_table("t", id="integer pk")
    with m.batch("add audit columns"):
        m.add_column("t", "created_at", "timestamptz not null default now()")
        m.add_column("t", "updated_at", "timestamptz")
    assert m.history()[-1] == "add audit columns"
    m.undo()
    assert m.schema.table("t").column_names == ("id",)
    def twice() -> None:
        with m.batch():
            m.add_column("t", "a", "text")
            m.add_column("t", "a", "text")

    with pytest.raises(ModelError, match="already exists"):
        twice()
    assert m.schema.table("t").column_names == ("id",)


def test_foreign_key_builder_composite_and_drop_guards() -> None:
    """Composite FKs are built from dotted refs; a referenced table cannot be dropped until the FK goes."""
    m = Model()
    m.add_table("p", a="integer", b="integer", primary_key=("a", "b"))
    m.add_table("c", id="integer pk", pa="integer", pb="integer")
    m.add_foreign_key("c.(pa, pb)", "p.(a, b)", on_delete="cascade")
    fk = m.schema.table("c").foreign_keys[0]
    assert (fk.columns, fk.ref_columns, fk.on_delete) == (("pa", "pb"), ("a", "b"), "CASCADE")
    with pytest.raises(ModelError, match=r"referenced by c\.fk_c_pa_pb_p"):
        m.drop_table("p")
    with pytest.raises(ModelError, match="which is not its primary key"):
        m.apply(ops.SetPrimaryKey("p", ("a",)))
    with pytest.raises(ModelError, match="in the primary key"):
        m.drop_column("p", "b")


def test_rename_column_updates_every_use() -> None:
    """Renaming a column renames it in keys, indexes, checks and other tables' foreign keys."""
    s = ecommerce()
    s2 = ops.RenameColumn("products", "price", "unit_cost").apply(s)
    p = s2.table("products")
    assert "unit_cost >= 0" in p.checks[0].expression
    assert p.index("ix_products_category_id_price").columns == ("category_id", "unit_cost")
    s3 = ops.RenameColumn("users", "id", "user_id").apply(s)
    assert s3.table("orders").foreign_key("fk_orders_user_id_users").ref_columns == ("user_id",)


def test_drop_column_takes_its_constraints_and_inverse_restores_them() -> None:
    """Dropping a column drops its own indexes/checks/FKs; the inverse puts all back in place."""
    s = ecommerce()
    op = ops.DropColumn("products", "category_id")
    s2 = op.apply(s)
    p = s2.table("products")
    assert not any("category_id" in ix.columns for ix in p.indexes)
    assert not any(fk.ref_table == "categories" for fk in p.foreign_keys)
    assert op.inverse(s).apply(s2) == s


def test_autosave_writes_atomically_and_reopening_resumes(tmp_path) -> None:
    """Model(path=...) writes the YAML after every change and a new Model on that path resumes."""
    pytest.importorskip("dbmodel_kit.io.yaml_format", reason="YAML I/O not available")
    path = tmp_path / "shop.yaml"
    m = Model(path=path)
    m.add_table("users", id="uuid pk", email="varchar(255) unique not null")
    m.add_column("users", "name", "text")
    assert path.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["shop.yaml"], "no temporary files left behind"
    again = Model(path=path)
    assert again.schema == m.schema


def test_autosave_writes_the_file_after_the_views_have_redrawn(tmp_path) -> None:
    """An edit reaches the subscribers (the ERD) before the file is written, and the file then
    holds the edit; a save that fails raises from the edit after the views were told."""
    pytest.importorskip("dbmodel_kit.io.yaml_format", reason="YAML I/O not available")
    path = tmp_path / "shop.yaml"
    m = Model(path=path)
    m.add_table("users", id="uuid pk")
    seen: list[bool] = []
    m.subscribe(lambda change: seen.append(path.is_file() and "nickname" in path.read_text(encoding="utf-8")))
    m.add_column("users", "nickname", "text")
    assert seen == [False]
    assert "nickname" in path.read_text(encoding="utf-8")
    path.unlink()
    path.mkdir()  # the file cannot be written any more
    with pytest.raises(IsADirectoryError):
        m.add_column("users", "age", "integer")
    assert len(seen) == 2
    assert m.schema.table("users").has_column("age")


def test_io_reflect_is_the_function_even_after_the_submodule_is_imported() -> None:
    """`from dbmodel_kit.io import reflect` is callable whichever module was imported first."""
    import dbmodel_kit.io.reflect  # noqa: F401
    from dbmodel_kit.io import reflect

    assert callable(reflect)
    assert reflect.__name__ == "reflect"


def test_second_unnamed_check_on_a_column_gets_the_next_number() -> None:
    """Two unnamed checks on one column are numbered, and undo removes the right one."""
    m = Model()
    m.add_table("p", id="integer pk", price="decimal(10,2) check (price >= 0)")
    m.add_check("p", "price <= 1000")
    assert [c.name for c in m.schema.table("p").checks] == ["ck_p_price", "ck_p_price_2"]
    m.undo()
    assert [c.expression for c in m.schema.table("p").checks] == ["price >= 0"]


def test_schema_and_model_display_as_erd_with_mermaid_fallback() -> None:
    """A Schema (and a Model) shows its ERD in Jupyter: SVG plus Mermaid text for GitHub."""
    bundle = Model(ecommerce())._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith(("<?xml", "<svg"))
    assert "erDiagram" in bundle["text/markdown"]


@pytest.mark.parametrize("name", ["null", "int", "Date", "text", "serial"])
def test_an_enum_named_like_a_builtin_type_is_refused(name: str) -> None:
    """``CREATE TYPE "null" AS ENUM`` is legal PostgreSQL, but every SQL reader (sqlglot included)
    takes a column typed ``"null"`` for the built-in type, so the model refuses the name and says why."""
    with pytest.raises(ModelError, match=rf"enum '{name}' is named like the built-in SQL type"):
        Model().add_enum(name, "a", "b")
    assert Model().add_enum("mood", "a", "b").enum("mood").values == ("a", "b")


@pytest.mark.parametrize("name", ["type", "Type", "guid", "varint"])
def test_an_enum_named_like_a_duckdb_type_is_refused(name: str) -> None:
    """DuckDB keeps its own types (type, guid, varint...) in the catalog user types go to, so it refuses
    ``CREATE TYPE "type" AS ENUM`` ('already exists!'): the model refuses the name and says so (sample+run
    and apply on DuckDB stopped there on generated schemas). 'oid' is PostgreSQL's OID (it raised
    AttributeError: sqlglot gives that type as text)."""
    with pytest.raises(ModelError, match=rf"enum '{name}' is named like DuckDB's own type .*already exists"):
        Model().add_enum(name, "a", "b")
    with pytest.raises(ModelError, match=r"enum 'oid' is named like the built-in SQL type OID"):
        Model().add_enum("oid", "a", "b")
