"""Namespaces (issue 16): tables, types and sequences in named schemas (PostgreSQL/DuckDB schemas,
MySQL databases, SQLite attached databases), keyed ``schema.name``; unqualified = the default."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from dbmodel_kit import Column, Enum, Index, Model, ModelError, Schema
from dbmodel_kit.ddl import apply, create_sql
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.erd import to_dot
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import statements as plan_statements
from dbmodel_kit.model import ops
from dbmodel_kit.model.naming import qualify, split_key
from dbmodel_kit.model.schema import Sequence
from dbmodel_kit.model.spec import build_table, ref_text

ENGINES = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
           pytest.param("mysql", marks=pytest.mark.mysql)]


@pytest.mark.parametrize(("schema", "name"), [
    (None, "orders"), ("sales", "orders"), (None, "a.b"), ("x.y", "t"), ("sales", '"odd"'), (None, 'x"; DROP'),
])
def test_keys_split_back(schema: str | None, name: str) -> None:
    """Every (schema, name) has one key that splits back to it, whatever the names hold."""
    assert split_key(qualify(schema, name)) == (schema, name)


def _shop(ns: str = "sales", home: str | None = None) -> Schema:
    """Tables in three schemas: ``home`` (default: the dialect's default schema), ``ns``, archive."""
    customers = build_table(qualify(home, "customers"), {"id": "integer pk", "email": "varchar(120) not null"})
    orders = build_table(f"{ns}.orders", {
        "id": f"integer pk default nextval('{ns}.orders_id_seq')", "status": f"enum({ns}.status) not null",
        "customer_id": f"integer not null references {ref_text(qualify(home, 'customers'), ('id',))}"},
        indexes=(Index(("status",)),))
    items = build_table(f"{ns}.items", {"id": "integer pk", "order_id": f"integer not null references {ns}.orders(id)",
                                        "qty": "integer not null check (qty > 0)"})
    archive = build_table("archive.orders", {"id": "integer pk", "note": "text"})
    return Schema((customers, orders, items, archive), enums=(Enum("status", ("new", "paid"), schema=ns),),
                  sequences=(Sequence("orders_id_seq", schema=ns, owned_by=(f"{ns}.orders", "id")),))


def test_tables_are_keyed_by_schema_and_name() -> None:
    """Two tables of one name live in two schemas; lookups, references and types use the key."""
    s = _shop()
    assert s.table_names == ("customers", "sales.orders", "sales.items", "archive.orders")
    orders = s.table("sales.orders")
    assert (orders.schema, orders.name, orders.key) == ("sales", "orders", "sales.orders")
    assert s.table("archive.orders").columns[1].name == "note"
    assert s.table("sales.items").foreign_keys[0].ref_table == "sales.orders"
    assert [t.key for t, _ in s.referencing("sales.orders")] == ["sales.items"]
    assert s.table("sales.orders").indexes[0].name == "ix_orders_status"  # conventions use the bare name
    with pytest.raises(ModelError, match="no table 'orders'"):
        s.table("orders")
    with pytest.raises(ModelError, match="names an enum the schema does not declare"):
        Schema((build_table("t", {"s": "enum(status)"}),), enums=(Enum("status", ("a",), schema="sales"),))


def test_yaml_writes_qualified_keys_and_reads_them_back() -> None:
    """YAML keys and references are qualified (``sales.orders``, ``references sales.orders(id)``)."""
    s = _shop()
    text = write_yaml(s)
    assert "  sales.orders:\n" in text
    assert "order_id: integer not null references sales.orders(id)" in text
    assert "enums:\n  sales.status: [new, paid]" in text
    assert "sequences:\n  sales.orders_id_seq: {owned_by: [sales.orders, id]}" in text
    assert read_yaml(text) == s
    odd = Schema((build_table('"a.b"', {"id": "integer pk"}), build_table("c", {"id": "integer pk",
                                                                              "ab": 'integer references "a.b"'})))
    assert odd.table("a.b").schema is None  # a bare name with a dot, not schema a
    assert read_yaml(write_yaml(odd)) == odd


def test_operations_keep_the_schema() -> None:
    """Renaming a table keeps its schema and follows references and sequence owners; undo restores."""
    m = Model(_shop())
    m.rename_table("sales.orders", "purchases")
    s = m.schema
    assert s.table("sales.purchases").schema == "sales"
    assert s.table("sales.items").foreign_keys[0].ref_table == "sales.purchases"
    assert s.sequence("sales.orders_id_seq").owned_by == ("sales.purchases", "id")
    m.add_column("sales.purchases", "total", "decimal(10,2)")
    m.undo()
    m.undo()
    assert m.schema == _shop()
    with pytest.raises(ModelError, match=r"is referenced by sales\.items"):
        m.drop_table("sales.orders")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
def test_namespaces_golden(dialect: str, golden) -> None:
    """DDL creates the schemas (MySQL: databases) and qualifies every name; SQLite says to attach;
    DuckDB leaves keys between schemas out, saying so."""
    golden(f"ddl/namespaces/{dialect}.sql", create_sql(_shop(home="shop" if dialect == "mysql" else None), dialect))


def test_mysql_refuses_a_reference_to_the_unnamed_database() -> None:
    """MySQL would look an unqualified parent up in the child's own database: refused, naming it."""
    with pytest.raises(ModelError, match=r"sales\.orders\.fk_orders_customer_id_customers: .* put the referenced "
                                         "table in a named schema too"):
        create_sql(_shop(), "mysql")


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_namespaces_apply_on_the_engines(engine_url: str) -> None:
    """The DDL runs, the tables land in their schemas, and a row goes through the qualified FK."""
    d = get_dialect(engine_url)
    # a MySQL schema is a database of the server: named uniquely, and the default one is named too
    tag = uuid.uuid4().hex[:8]
    ns, home = (f"ns_{tag}", f"home_{tag}") if d.name == "mysql" else ("sales", None)
    engine = sa.create_engine(engine_url)
    try:
        apply(_shop(ns, home), engine)
        with engine.begin() as conn:
            conn.execute(sa.table("customers", sa.column("id"), sa.column("email"), schema=home).insert().values(
                id=1, email="a@b.c"))
            orders = sa.table("orders", sa.column("customer_id"), sa.column("status"), schema=ns)
            conn.execute(orders.insert().values(customer_id=1, status="new"))
            got = conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar()
        assert got == 1
    finally:
        if d.name == "mysql":
            with engine.begin() as conn:
                for db in (ns, home, "archive"):
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {db}")
        engine.dispose()


@pytest.mark.postgres
def test_namespace_migration_runs_on_postgresql(postgres_url: str) -> None:
    """A diff adding a table in a new schema and a column in another emits CREATE SCHEMA and
    qualified ALTERs that run, up and down."""
    old = _shop()
    apply(old, postgres_url)
    new = ops.Batch((ops.AddTable(build_table("crm.leads", {"id": "integer pk", "customer_id":
                                                            "integer references customers"})),
                     ops.AddColumn("sales.items", Column("price", "decimal(10,2)")),
                     ops.RenameTable("archive.orders", "old_orders"))).apply(old)
    plan = diff(old, new, hints={"archive.orders": "archive.old_orders"})
    up = plan_statements(plan, "postgresql")
    assert "CREATE SCHEMA IF NOT EXISTS crm" in up
    assert "ALTER TABLE sales.items ADD COLUMN price NUMERIC(10, 2)" in up
    assert "ALTER TABLE archive.orders RENAME TO old_orders" in up
    engine = sa.create_engine(postgres_url)
    try:
        for stmts in (up, plan_statements(plan.reverse(), "postgresql"), up):
            with engine.begin() as conn:
                for stmt in stmts:
                    conn.exec_driver_sql(stmt)
        with engine.connect() as conn:
            found = set(conn.exec_driver_sql(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema IN ('crm', 'sales', 'archive')").scalars())
    finally:
        engine.dispose()
    assert found == {"crm.leads", "sales.orders", "sales.items", "archive.old_orders"}


def test_erd_boxes_each_schema_when_there_are_several() -> None:
    """With several schemas the ERD draws one box per schema; two tables of one name stay apart."""
    dot = to_dot(_shop())
    assert 'label="default schema"' in dot
    assert "label=sales" in dot
    assert "label=archive" in dot
    assert '"sales.orders"' in dot
    assert '"archive.orders"' in dot
    single = to_dot(Schema((build_table("a", {"id": "integer pk"}),)))
    assert "cluster" not in single


def test_dbml_carries_schemas_and_says_what_it_leaves_out() -> None:
    """DBML writes ``Table sales.orders`` / ``Enum sales.status`` and qualified refs, reads them back,
    and lists the sequence (written as increment) it cannot hold."""
    from dbmodel_kit.io.dbml import read_dbml, write_dbml

    s = _shop()
    text = write_dbml(s)
    assert "Table sales.orders {" in text
    assert "Enum sales.status {" in text
    assert "Ref: sales.items.order_id > sales.orders.id" in text
    assert "// not carried by DBML: sequence sales.orders_id_seq" in text
    assert "// id: default nextval('sales.orders_id_seq')" in text
    back = read_dbml(text)
    assert back.table_names == s.table_names
    assert back.table("sales.items").foreign_keys == s.table("sales.items").foreign_keys
    assert back.table("sales.orders").column("status").type == s.table("sales.orders").column("status").type


@pytest.mark.parametrize("engine_url", ENGINES[:2], indirect=True)
def test_verify_reads_each_table_in_its_own_schema(engine_url: str) -> None:
    """``migrate verify`` seeds and reads rows per table key: sales.orders and archive.orders (one
    name, two schemas) are filled and counted apart, and a table renamed inside its schema keeps its
    rows."""
    from dbmodel_kit.migrate.apply import snapshot, verify

    old = _shop()
    new = ops.Batch((ops.RenameTable("archive.orders", "old_orders"),
                     ops.AddColumn("sales.items", Column("note", "text")))).apply(old)
    plan = diff(old, new, hints={"archive.orders": "archive.old_orders"})
    v = verify(plan, url=engine_url)
    assert v.ok, str(v)
    assert "every kept table kept its rows" in str(v)
    rows = snapshot(new, engine_url)
    assert set(rows) == {"customers", "sales.orders", "sales.items", "archive.old_orders"}
    assert rows["archive.old_orders"] != rows["sales.orders"]  # (different columns: read apart)


def test_duckdb_reflection_keeps_namespaces(duckdb_url: str) -> None:
    """DuckDB reads each schema's tables, enum, sequence, foreign keys, views and macros keyed
    ``schema.name``, as PostgreSQL does: after apply, reflect gives back what DuckDB holds of the
    model (its key from sales to the default schema left out), with no warning."""
    import warnings

    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.migrate.plan import canonical

    model = _shop()
    apply(model, duckdb_url)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = reflect(duckdb_url)
    assert canonical(got) == canonical(storable(model, "duckdb"))
    assert got.table("sales.items").foreign_keys[0].ref_table == "sales.orders"
    assert got.table("sales.orders").column("status").type.enum == "sales.status"
    assert got.table("archive.orders").column("note").name == "note"

    engine = sa.create_engine(duckdb_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SEQUENCE sales.ticket START 100")
            conn.exec_driver_sql("CREATE TABLE sales.tickets (id INTEGER DEFAULT nextval('sales.ticket'), "
                                 "kind sales.status)")
            conn.exec_driver_sql("CREATE VIEW sales.open_orders AS SELECT id FROM sales.orders WHERE status = 'new'")
            conn.exec_driver_sql("CREATE MACRO sales.twice(x) AS x * 2")
    finally:
        engine.dispose()
    got = reflect(duckdb_url)
    assert got.sequence("sales.ticket").start == 100
    tickets = got.table("sales.tickets")
    assert str(tickets.column("id").default.value) == "sales.ticket"
    assert tickets.column("kind").type.enum == "sales.status"
    assert [v.key for v in got.views] == ["sales.open_orders"]
    macro = next(o for o in got.verbatim if o.kind == "function")
    assert macro.key == "sales.twice"
    assert macro.sql.startswith("CREATE MACRO sales.twice(x)")


def test_duckdb_reflection_reads_one_named_schema(duckdb_url: str) -> None:
    """``schema=`` names the one schema to read: its tables keep it; and a model reflected back
    applies again to a fresh database and reads back the same."""
    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.migrate.plan import canonical

    apply(_shop(), duckdb_url)
    only = reflect(duckdb_url, schema="archive")
    assert only.table_names == ("archive.orders",)
    whole = reflect(duckdb_url)
    again = duckdb_url.replace("test.duckdb", "again.duckdb")
    apply(whole, again)
    assert canonical(reflect(again)) == canonical(whole)
