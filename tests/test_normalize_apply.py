"""Normalization applied to the model (reversible operations) and to data on real engines."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from dbmodel_kit import ddl
from dbmodel_kit.errors import ModelError
from dbmodel_kit.model import Model
from dbmodel_kit.model.ops import SetPrimaryKey
from dbmodel_kit.normalize import discover_fds
from dbmodel_kit.normalize.apply import (
    data_migration,
    normalize,
    plan_normalization,
    run_migration,
    table_from_frame,
)

FDS = "order_id -> customer_id; customer_id -> customer_name, city; product_id -> product_name, price"
ROWS = [
    # order_id, product_id, customer_id, customer_name, city, product_name, price, qty
    (1, 10, 100, "Ann", "Oslo", "pen", 2.50, 3),
    (1, 11, 100, "Ann", "Oslo", "ink", 7.00, 1),
    (2, 10, 101, "Bob", "Rome", "pen", 2.50, 5),
    (3, 12, 100, "Ann", "Oslo", "pad", 4.25, 2),
    (3, 10, 100, "Ann", "Oslo", "pen", 2.50, 1),
    (4, 12, None, None, None, "pad", 4.25, 7),
]
COLUMNS = ["order_id", "product_id", "customer_id", "customer_name", "city", "product_name", "price", "qty"]


def spreadsheet() -> Model:
    m = Model()
    m.add_table("order_lines", order_id="integer not null", product_id="integer not null", customer_id="integer",
                customer_name="varchar(40)", city="varchar(40)", product_name="varchar(40)",
                price="decimal(10,2)", qty="integer")
    m.apply(SetPrimaryKey("order_lines", ("order_id", "product_id")))
    return m


def test_normalize_creates_keyed_tables_and_foreign_keys():
    """3NF gives customers, orders and products tables with keys, FKs along keys, and drops moved columns."""
    m = spreadsheet()
    batch = normalize(m.schema, "order_lines", FDS)
    after = batch.apply(m.schema)
    assert after.table("order_lines").column_names == ("order_id", "product_id", "qty")
    assert after.table("customers").primary_key == ("customer_id",)
    assert after.table("orders").column_names == ("order_id", "customer_id")
    assert after.table("products").column_names == ("product_id", "product_name", "price")
    fks = {(t.name, fk.columns, fk.ref_table) for t in after for fk in t.foreign_keys}
    assert fks == {("order_lines", ("order_id",), "orders"), ("order_lines", ("product_id",), "products"),
                   ("orders", ("customer_id",), "customers")}


def test_normalize_is_reversible_through_the_inverse():
    """Applying the batch's inverse restores the original schema exactly, also through Model.undo."""
    m = spreadsheet()
    before = m.schema
    batch = normalize(before, "order_lines", FDS, target="bcnf")
    assert batch.inverse(before).apply(batch.apply(before)) == before
    m.apply(batch)
    m.undo()
    assert m.schema == before


def test_normalize_refuses_what_it_cannot_do():
    """Unknown columns, unknown targets and tables already in the target form raise ModelError."""
    m = spreadsheet()
    with pytest.raises(ModelError, match="no column 'zip'"):
        plan_normalization(m.schema, "order_lines", "zip -> city")
    with pytest.raises(ModelError, match="3nf or bcnf"):
        plan_normalization(m.schema, "order_lines", FDS, target="5nf")
    with pytest.raises(ModelError, match="already in 3NF"):
        normalize(m.schema, "order_lines", [])


def test_plan_text_golden(golden):
    """The plan reads as the relations and the operations (golden file)."""
    plan = plan_normalization(spreadsheet().schema, "order_lines", FDS)
    golden("normalize/plan_order_lines.txt", plan.text() + "\n")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
def test_data_migration_sql_golden(golden, dialect):
    """The data migration script for each dialect is stable (golden file per dialect)."""
    m = spreadsheet()
    plan = plan_normalization(m.schema, "order_lines", FDS)
    golden(f"normalize/migration/{dialect}.sql", data_migration(plan, m.schema, dialect).script())


def _load(url: str, schema) -> sa.Engine:
    engine = ddl.create_engine(url)
    ddl.apply(schema, engine)
    with engine.begin() as conn:
        conn.execute(sa.table("order_lines", *[sa.column(c) for c in COLUMNS]).insert(),
                     [dict(zip(COLUMNS, r)) for r in ROWS])
    return engine


def _rows(engine: sa.Engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[sa.column(c) for c in COLUMNS]).select_from(sa.table(table))).all()
    return sorted((tuple(None if v is None else (float(v) if i == 6 else v) for i, v in enumerate(r)) for r in rows),
                  key=repr)


def _round_trip(url: str) -> None:
    m = spreadsheet()
    plan = plan_normalization(m.schema, "order_lines", FDS)
    dialect = sa.make_url(url).get_backend_name()
    migration = data_migration(plan, m.schema, dialect)
    engine = _load(url, m.schema)
    try:
        original = _rows(engine, "order_lines")
        results = run_migration(migration, engine)
        assert all(value == 0 for _, value in results)
        assert _rows(engine, "order_lines_joined") == original
        with engine.connect() as conn:
            assert conn.execute(sa.text('SELECT COUNT(*) FROM customers')).scalar() == 2
            cols = [c["name"] for c in sa.inspect(conn).get_columns("order_lines")] if dialect != "duckdb" else \
                [r[0] for r in conn.execute(sa.text("SELECT column_name FROM information_schema.columns "
                                                    "WHERE table_name = 'order_lines' ORDER BY ordinal_position"))]
        assert cols == ["order_id", "product_id", "qty"]
        run_migration(migration, engine, "down")
        assert _rows(engine, "order_lines") == original
    finally:
        engine.dispose()


def test_data_migration_round_trip(engine_url):
    """On each engine the data moves into the new tables, the view rebuilds the table, and down restores it."""
    _round_trip(engine_url)


def test_checks_stop_a_migration_when_the_fd_does_not_hold(sqlite_url):
    """When the data break a declared FD, the copy fails before any column is dropped."""
    m = spreadsheet()
    plan = plan_normalization(m.schema, "order_lines", FDS)
    migration = data_migration(plan, m.schema, "sqlite")
    engine = _load(sqlite_url, m.schema)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE order_lines SET city = 'Bergen' WHERE order_id = 3"))
        with pytest.raises((ModelError, sa.exc.IntegrityError)):
            run_migration(migration, engine)
        with engine.connect() as conn:
            assert len(sa.inspect(conn).get_columns("order_lines")) == len(COLUMNS)
    finally:
        engine.dispose()


def test_discovered_fds_drive_normalization_of_a_frame():
    """FDs discovered from a DataFrame normalize the table made from it."""
    frame = pd.DataFrame(ROWS[:5], columns=COLUMNS).astype(str)
    t = table_from_frame("order_lines", frame)
    assert [c.type.kind for c in t.columns][:3] == ["bigint", "bigint", "bigint"]
    assert t.column("price").type.kind == "double"
    fds = [d.fd for d in discover_fds(frame) if len(d.lhs) == 1 and d.lhs <= {"order_id", "customer_id", "product_id"}]
    from dbmodel_kit.model.schema import Schema

    plan = plan_normalization(Schema(tables=(t,)), "order_lines", fds)
    assert {n for n, _ in plan.tables} >= {"order_lines", "products"}


def test_transforms_reach_the_same_tables_as_the_batch():
    """The DecomposeTable steps give the same tables, columns, keys and references as the plain batch."""
    m = spreadsheet()
    plan = plan_normalization(m.schema, "order_lines", FDS)
    via_batch = plan.batch.apply(m.schema)
    steps = plan.transforms(m.schema)
    via_transforms = steps.apply(m.schema)

    def shape(schema):
        return {t.name: (set(t.column_names), t.primary_key,
                         {(fk.columns, fk.ref_table) for fk in t.foreign_keys}) for t in schema}

    assert shape(via_transforms) == shape(via_batch)
    assert [type(op).__name__ for op in steps.ops] == ["DecomposeTable"] * 3
    assert steps.inverse(m.schema).apply(via_transforms) == m.schema


@pytest.mark.parametrize("engine_name", ["sqlite", "duckdb"])
def test_transforms_move_the_data_through_the_migrations_module(engine_name, tmp_path):
    """Applied with dbmodel_kit.migrate, the DecomposeTable steps fill the new tables from the rows."""
    from dbmodel_kit.migrate.apply import apply
    from dbmodel_kit.migrate.plan import Plan

    m = spreadsheet()
    plan = plan_normalization(m.schema, "order_lines", FDS)
    engine = _load(f"{engine_name}:///{tmp_path / 'shop.db'}", m.schema)
    try:
        apply(Plan.from_ops(m.schema, [plan.transforms(m.schema)]), engine)
        with engine.connect() as conn:
            counts = {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                      for t in ("order_lines", "orders", "customers", "products")}
            bob = conn.execute(sa.text("SELECT c.customer_name FROM orders o JOIN customers c "
                                       "ON o.customer_id = c.customer_id WHERE o.order_id = 2")).scalar()
        assert counts == {"order_lines": 6, "orders": 4, "customers": 2, "products": 3}
        assert bob == "Bob"
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_data_migration_reuses_existing_enum_types(postgres_url):
    """A moved enum column keeps its existing PostgreSQL type: the migration creates no type and runs."""
    m = Model()
    m.add_enum("tier", "basic", "gold")
    m.add_table("orders", order_id="integer pk", customer_id="integer", tier="enum(tier)")
    plan = plan_normalization(m.schema, "orders", "customer_id -> tier")
    migration = data_migration(plan, m.schema, "postgresql")
    assert not any("CREATE TYPE" in s for s in migration.up)
    engine = ddl.create_engine(postgres_url)
    try:
        ddl.apply(m.schema, engine)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO orders VALUES (1, 7, 'gold'), (2, 7, 'gold'), (3, 8, 'basic')"))
        assert all(value == 0 for _, value in run_migration(migration, engine))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT tier FROM customers WHERE customer_id = 8")).scalar() == "basic"
        run_migration(migration, engine, "down")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT tier FROM orders WHERE order_id = 1")).scalar() == "gold"
    finally:
        engine.dispose()


def test_constant_columns_move_to_a_one_row_table(sqlite_url):
    """A column the empty set determines becomes a keyless one-row table, joined back with ON TRUE."""
    m = Model()
    m.add_table("readings", id="integer pk", value="integer", unit="varchar(8)")
    plan = plan_normalization(m.schema, "readings", "-> unit")
    after = plan.batch.apply(m.schema)
    constant = next(t for t in after if t.name != "readings")
    assert constant.primary_key == ()
    assert after.table("readings").foreign_keys == ()
    migration = data_migration(plan, m.schema, "sqlite")
    engine = ddl.create_engine(sqlite_url)
    try:
        ddl.apply(m.schema, engine)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO readings VALUES (1, 10, 'kg'), (2, 12, 'kg')"))
        assert all(value == 0 for _, value in run_migration(migration, engine))
        run_migration(migration, engine, "down")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT unit FROM readings WHERE id = 2")).scalar() == "kg"
    finally:
        engine.dispose()
