"""Views, verbatim objects (triggers, functions, extensions, ...) and partitioned tables (issue 16)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit import Column, Model, ModelError, Schema
from dbmodel_kit.ddl import apply, create_sql, drop_sql
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import statements as plan_statements
from dbmodel_kit.model import ops
from dbmodel_kit.model.schema import Verbatim, View
from dbmodel_kit.model.spec import build_table

ENGINES = ["sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
           pytest.param("mysql", marks=pytest.mark.mysql)]

TRIGGERS = {
    "postgresql": (
        Verbatim("function", "touch()", "postgresql",
                 "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                 "BEGIN\n    NEW.note = 'touched';\n    RETURN NEW;\nEND $$"),
        Verbatim("trigger", "orders_touch", "postgresql",
                 "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()",
                 depends_on=("orders", "touch()")),
        Verbatim("extension", "pg_trgm", "postgresql", "CREATE EXTENSION IF NOT EXISTS pg_trgm"),
    ),
    "mysql": (Verbatim("trigger", "orders_touch", "mysql",
                       "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.note = 'touched'",
                       depends_on=("orders",)),),
    "sqlite": (Verbatim("trigger", "orders_touch", "sqlite",
                        "CREATE TRIGGER orders_touch AFTER UPDATE OF total ON orders FOR EACH ROW BEGIN\n"
                        "    UPDATE orders SET note = 'touched' WHERE id = NEW.id;\nEND",
                        depends_on=("orders",)),),
    "duckdb": (),
}


def _shop(objects: tuple[Verbatim, ...] = ()) -> Schema:
    orders = build_table("orders", {"id": "integer pk", "customer": "varchar(40) not null", "total": "decimal(10,2)",
                                    "note": "varchar(20)"})
    payment = build_table("payment", {"id": "integer not null", "paid_at": "date not null", "amount": "decimal(8,2)"},
                          partition_by="range (paid_at)")
    p2022 = build_table("payment_2022", {"id": "integer not null", "paid_at": "date not null",
                                         "amount": "decimal(8,2)"}, partition_of="payment",
                        partition_bound="FOR VALUES FROM ('2022-01-01') TO ('2023-01-01')")
    big = View("big_orders", "SELECT id, customer, total FROM orders WHERE total > 100")
    per_customer = View("per_customer", "SELECT customer, COUNT(*) AS n, SUM(total) AS spent FROM big_orders "
                                         "GROUP BY customer", materialized=True)
    pg_only = View("order_labels", "SELECT id, customer || ':' || id::text AS label FROM orders", dialect="postgresql")
    return Schema((orders, payment, p2022), views=(big, per_customer, pg_only), verbatim=objects)


def test_views_know_their_columns_and_what_they_read() -> None:
    """Columns and dependencies come from the query; a query another dialect's parser cannot read
    is kept as written for that dialect; generic SQL must parse and be one SELECT."""
    s = _shop()
    assert s.view("per_customer").columns == ("customer", "n", "spent")
    assert s.view("per_customer").depends_on == ("big_orders",)
    assert s.view("order_labels").depends_on == ("orders",)
    odd = View("odd", "SELECT * FROM orders MATCH_RECOGNIZE (oops", dialect="postgresql", depends_on=("orders",))
    assert odd.tree is None
    assert odd.depends_on == ("orders",)
    with pytest.raises(ModelError, match="one SELECT statement"):
        View("v", "DELETE FROM orders")
    with pytest.raises(ModelError, match="one SELECT statement"):
        View("v", "SELECT 1; DROP TABLE orders", dialect="postgresql")
    with pytest.raises(ModelError, match="declared twice"):
        Schema((build_table("v", {"id": "integer pk"}),), views=(View("v", "SELECT 1 AS x"),))


def test_operations_keep_views_and_objects_consistent() -> None:
    """Dropping what a view or trigger needs is refused; a table rename rewrites the queries that
    read it; a column a view uses cannot go; every step undoes."""
    m = Model(_shop(TRIGGERS["postgresql"]))
    with pytest.raises(ModelError, match="used by view big_orders, view order_labels, trigger orders_touch"):
        m.drop_table("orders")
    with pytest.raises(ModelError, match="used by view per_customer"):
        m.apply(ops.DropView("big_orders"))
    with pytest.raises(ModelError, match=r"orders\.total is used by view big_orders"):
        m.drop_column("orders", "total")
    before = m.schema
    m.rename_table("orders", "purchases")
    assert m.schema.view("big_orders").query == "SELECT id, customer, total FROM purchases WHERE total > 100"
    assert m.schema.view("order_labels").depends_on == ("purchases",)
    assert m.schema.object("trigger", "orders_touch").depends_on == ("purchases", "touch()")
    m.apply(ops.ReplaceView("big_orders", View("big_orders", "SELECT id, customer, total FROM purchases")))
    m.apply(ops.DropObject("trigger", "orders_touch"))
    m.apply(ops.AddObject(Verbatim("comment", "purchases", "postgresql", "COMMENT ON TABLE purchases IS 'x'")))
    for _ in range(4):
        m.undo()
    assert m.schema == before
    with pytest.raises(ModelError, match="unknown kind of object"):
        Verbatim("magic", "x", "postgresql", "SELECT 1")


def test_a_table_rename_keeps_the_view_text_as_written() -> None:
    """A rename changes only the table's name in a view's query: the rename and its reverse give the
    text back as written, so the schema's fingerprint (the version apply records) comes back too
    (Sakila's evolve mysql: 'the database is at version ec6234c62d83, but this plan starts from
    d8036a96eac4': sqlglot re-rendered the view on the way there and back)."""
    from dbmodel_kit.migrate.apply import fingerprint

    query = ("SELECT\nr.id AS id\n, SUM(r.total) AS total\nFROM orders AS r JOIN orders o2 ON o2.id = r.id\n"
             "GROUP BY r.id")
    s = Schema((build_table("orders", {"id": "integer pk", "total": "integer"}),),
               views=(View("v", query, dialect="mysql"),))
    there = ops.RenameTable("orders", "orders v6").apply(s)
    assert there.view("v").query == query.replace("orders", "`orders v6`")
    back = ops.RenameTable("orders v6", "orders").apply(there)
    assert back.view("v").query == query
    assert fingerprint(back) == fingerprint(s)


def test_partitions_follow_their_table() -> None:
    """A partition has its table's columns: column changes on the table reach every partition, and
    a partition that differs is refused."""
    m = Model(_shop())
    m.add_column("payment", "method", "varchar(10)")
    m.rename_column("payment.amount", "value")
    assert m.schema.table("payment_2022").column_names == ("id", "paid_at", "value", "method")
    with pytest.raises(ModelError, match="a partition has its table's columns"):
        m.add_column("payment_2022", "extra", "integer")
    with pytest.raises(ModelError, match="has partitions payment_2022"):
        m.drop_table("payment")
    m.undo()
    m.undo()
    assert m.schema == _shop()


def test_yaml_keeps_views_objects_and_partitions() -> None:
    """YAML -> Schema -> YAML is lossless; queries and SQL are literal blocks, one line per line."""
    s = _shop(TRIGGERS["postgresql"])
    text = write_yaml(s)
    assert "    partition_by: RANGE (paid_at)\n" in text
    assert "  per_customer:\n    materialized: true\n    query: |-\n      SELECT customer" in text
    assert "      BEGIN\n          NEW.note = 'touched';\n" in text
    assert read_yaml(text) == s
    assert write_yaml(read_yaml(text)) == text


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
def test_objects_golden(dialect: str, golden) -> None:
    """Views in dependency order (transpiled, or left out saying why), objects on their own
    dialect only, partitions attached on PostgreSQL and folded elsewhere; the drop script too."""
    s = _shop(tuple(o for objs in TRIGGERS.values() for o in objs))
    golden(f"ddl/objects/{dialect}.sql", create_sql(s, dialect) + "\n" + drop_sql(s, dialect))


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_objects_run_on_the_engines(engine_url: str) -> None:
    """The DDL runs; the views answer; the dialect's trigger fires; rows go to the partition."""
    d = get_dialect(engine_url)
    s = _shop(TRIGGERS[d.name])
    apply(s, engine_url)
    engine = sa.create_engine(engine_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO orders (id, customer, total) VALUES (1, 'ada', 150), (2, 'ada', 50)")
            conn.exec_driver_sql("INSERT INTO payment (id, paid_at, amount) VALUES (1, '2022-05-01', 10)")
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE orders SET total = 160 WHERE id = 1")
            if d.materialized_views:  # a materialized view holds the rows of when it was last refreshed
                conn.exec_driver_sql("REFRESH MATERIALIZED VIEW per_customer")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT customer, n FROM per_customer").all() == [("ada", 1)]
            note = conn.exec_driver_sql("SELECT note FROM orders WHERE id = 1").scalar()
            if d.partitions:
                assert conn.exec_driver_sql("SELECT count(*) FROM payment_2022").scalar() == 1
    finally:
        engine.dispose()
    assert note == ("touched" if TRIGGERS[d.name] else None)


@pytest.mark.postgres
def test_migration_drops_and_remakes_views_around_a_column_change(postgres_url: str) -> None:
    """Widening a column two views read: the views are dropped before the ALTER and made again
    after it (PostgreSQL refuses to change a column a view uses); a new view and trigger follow."""
    old = _shop()
    apply(old, postgres_url)
    new = ops.Batch((ops.AlterColumn("orders", "total", type="decimal(12,2)"),
                     ops.AddView(View("small_orders", "SELECT id FROM orders WHERE total < 10")),
                     *(ops.AddObject(o) for o in TRIGGERS["postgresql"][:2]))).apply(old)
    plan = diff(old, new)
    up = plan_statements(plan, "postgresql")
    alter = next(i for i, q in enumerate(up) if q.startswith("ALTER TABLE orders ALTER COLUMN total"))
    assert up[alter - 2:alter] == ["DROP MATERIALIZED VIEW per_customer", "DROP VIEW big_orders"]
    assert up[alter + 1].startswith("CREATE VIEW big_orders")
    engine = sa.create_engine(postgres_url)
    try:
        for stmts in (up, plan_statements(plan.reverse(), "postgresql"), up):
            with engine.begin() as conn:
                for stmt in stmts:
                    conn.exec_driver_sql(stmt)
        with engine.connect() as conn:
            views = set(conn.exec_driver_sql("SELECT viewname FROM pg_views WHERE schemaname = 'public'").scalars())
            scale = conn.exec_driver_sql("SELECT numeric_precision FROM information_schema.columns "
                                         "WHERE table_name = 'orders' AND column_name = 'total'").scalar()
    finally:
        engine.dispose()
    assert views == {"big_orders", "order_labels", "small_orders"}
    assert scale == 12


def test_diff_adds_drops_and_replaces_views_and_objects() -> None:
    """A view or object that changes is dropped early and made again last; new ones come last."""
    old = _shop(TRIGGERS["postgresql"])
    bigger = View("big_orders", "SELECT id, total FROM orders WHERE total > 500")
    new = ops.Batch((ops.ReplaceView("big_orders", bigger),
                     ops.DropObject("trigger", "orders_touch"),
                     ops.AddView(View("all_orders", "SELECT * FROM orders")))).apply(old)
    steps = [s.describe() for s in diff(old, new).steps]
    assert steps[:3] == ["drop trigger orders_touch", "drop view per_customer", "drop view big_orders"]
    assert steps[-3:] == ["add view big_orders", "add materialized view per_customer", "add view all_orders"]
    assert {v.key: v for v in diff(old, new).new.views} == {v.key: v for v in new.views}
    m = Model(new)
    m.apply(ops.AddColumn("orders", Column("x", "integer")))
    assert m.schema.view("all_orders").depends_on == ("orders",)


def test_erd_and_mermaid_draw_views() -> None:
    """The ERD draws each view as a box of its columns with a dotted line to what it reads;
    Mermaid carries the view's columns and says, in a comment, what it reads."""
    from dbmodel_kit.erd import render_svg, to_dot, to_mermaid

    dot = to_dot(_shop())
    assert 'label=<' in dot
    assert "per_customer (materialized view)" in dot
    assert 'per_customer -> big_orders [id="reads:per_customer->big_orders" class=reads' in dot
    assert "<svg" in render_svg(_shop())
    mermaid = to_mermaid(_shop())
    assert "%% per_customer reads big_orders (a view; not a relationship)" in mermaid
    assert "    per_customer {\n        unknown customer" in mermaid


def test_lint_lists_what_one_engine_keeps() -> None:
    """DM121 names each verbatim object, untranspilable view, native-only type and partitioned table."""
    from dbmodel_kit.lint import lint

    s = ops.Batch((ops.AddView(View("odd", "SELECT * FROM orders MATCH_RECOGNIZE (x", dialect="postgresql",
                                    depends_on=("orders",))),
                   ops.AddColumn("orders", Column("span", "native(postgresql: int4range)")))).apply(
        _shop(TRIGGERS["postgresql"]))
    found = [str(f) for f in lint(s).findings if "DM121" in str(f)]
    assert any("trigger orders_touch is kept as postgresql SQL: not created on mysql, sqlite, duckdb" in f
               for f in found)
    assert any("view odd (postgresql) is not created on mysql, sqlite, duckdb" in f for f in found)
    assert any("orders.span has a native type" in f for f in found)
    assert any("payment is partitioned (RANGE (paid_at), 1 partition)" in f for f in found)


def test_renaming_a_column_a_view_reads_rewrites_the_view() -> None:
    """A column a view reads is renamed in its query too, the view's own columns named as before
    (``total`` becomes ``amount AS total``); undone exactly. It was refused, with a recipe (replace
    the view first, in one batch) whose reverse the model refused and PostgreSQL too."""
    m = Model(_shop())
    before = m.schema
    m.rename_column("orders.total", "amount")
    big = m.schema.view("big_orders")
    assert big.query == "SELECT id, customer, amount AS total FROM orders WHERE amount > 100"
    assert big.columns == ("id", "customer", "total")
    m.undo()
    assert m.schema == before
    two = Schema((build_table("a", {"id": "integer pk", "x": "integer"}), build_table("b", {"id": "integer pk",
                                                                                             "x": "integer"})),
                 views=(View("ab", "SELECT a.id, x FROM a JOIN b ON a.id = b.id"),))
    with pytest.raises(ModelError, match="used by view ab, whose query the kit cannot rewrite"):
        ops.RenameColumn("a", "x", "y").apply(two)  # x unqualified: a's or b's


def test_renaming_a_table_a_view_reads_by_its_default_schema():
    """A PostgreSQL view reading public.city (as pg_dump writes it) reads the renamed table after
    RenameTable: public is the model's unnamed schema there (pagila_pg evolve postgresql: 'relation
    "public.city" does not exist' after rename table city -> city v2)."""
    from dbmodel_kit.model import ops as o
    from dbmodel_kit.model.schema import Column, Schema, Table, View
    from dbmodel_kit.model.types import DataType

    s = Schema(tables=(Table("city", columns=(Column("id", DataType("integer")),), primary_key=("id",)),),
               views=(View("cities", "SELECT c.id FROM public.city c", "postgresql", depends_on=("city",)),))
    after = o.RenameTable("city", "city v2").apply(s)
    assert after.view("cities").query == 'SELECT c.id FROM public."city v2" c'
    assert after.view("cities").depends_on == ("city v2",)
    assert o.RenameTable("city v2", "city").apply(after).view("cities").query == "SELECT c.id FROM public.city c"


def test_renaming_a_table_a_view_names_its_columns_by():
    """Columns qualified by the table's own name (city.city_id, as pg_dump writes a view) keep
    reading it after RenameTable: the reference gets the old name as its alias, dropped again by the
    rename back (pagila_pg evolve duckdb: "Cannot extract field 'city_id' from expression city")."""
    from dbmodel_kit.model import ops as o
    from dbmodel_kit.model.schema import Column, Schema, Table, View
    from dbmodel_kit.model.types import DataType

    s = Schema(tables=(Table("city", columns=(Column("city_id", DataType("integer")),), primary_key=("city_id",)),),
               views=(View("cities", "SELECT city.city_id FROM public.city", "postgresql", depends_on=("city",)),))
    after = o.RenameTable("city", "city v2").apply(s)
    assert after.view("cities").query == 'SELECT city.city_id FROM public."city v2" AS city'
    assert o.RenameTable("city v2", "city").apply(after).view("cities") == s.view("cities")
