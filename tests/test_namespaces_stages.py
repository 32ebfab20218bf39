"""Namespaces through every stage (issue 16): two schemas that each hold a table of the same name
(``sales.orders`` / ``archive.orders``, ``sales.items`` / ``archive.items``), foreign keys across
schemas and a namespaced table referencing itself (``crm.customers.referred_by``). Every consumer
finds a table by its key, never by its bare name: the DDL runs on PostgreSQL, DuckDB and MariaDB
(schemas are databases there), the seed rows go in, each export passes its ecosystem's own check
(SQLAlchemy create_all and the ORM, Prisma's engine, tsc and TypeORM's DataSource), the production
patterns run, and the text outputs have golden files."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from node_tools import JS, NODE, node_project, requires_node, tsc
from sqlalchemy import orm
from test_export_sqlalchemy import load_module

from dbmodel_kit import Enum, Schema, ddl
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.erd.mermaid import to_mermaid
from dbmodel_kit.export import seed_rows, seed_sql, to_sqlalchemy
from dbmodel_kit.export.names import class_names, relationships
from dbmodel_kit.export.patterns import patterns_sql
from dbmodel_kit.export.patterns_mysql import patterns_mysql
from dbmodel_kit.export.prisma import to_prisma
from dbmodel_kit.export.typeorm import to_typeorm_entities, to_typeorm_migration, to_typeorm_test
from dbmodel_kit.io.dbml import read_dbml, write_dbml
from dbmodel_kit.model.spec import build_table

ENGINES = ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
           pytest.param("mysql", marks=pytest.mark.mysql)]


def two_schemas(crm: str = "crm", sales: str = "sales", archive: str = "archive") -> Schema:
    """crm.customers (referring to itself), sales.orders/items and archive.orders/items: one table
    name in two schemas twice over, keys across schemas and inside one."""
    customers = build_table(f"{crm}.customers", {
        "id": "integer pk", "email": "varchar(120) not null unique",
        "referred_by": f"integer references {crm}.customers(id)"}, audited=True)
    orders = build_table(f"{sales}.orders", {
        "id": "integer pk", "customer_id": f"integer not null references {crm}.customers(id)",
        "status": f"enum({sales}.status) not null", "total": "decimal(10,2) not null",
        "updated_at": "timestamp"}, timestamps=True, audited=True)
    items = build_table(f"{sales}.items", {
        "id": "integer pk", "order_id": f"integer not null references {sales}.orders(id)",
        "qty": "integer not null"})
    old = build_table(f"{archive}.orders", {
        "id": "integer pk", "original_id": f"integer references {sales}.orders(id)",
        "customer_id": f"integer not null references {crm}.customers(id)", "note": "text"}, audited=True)
    old_items = build_table(f"{archive}.items", {
        "id": "integer pk", "order_id": f"integer not null references {archive}.orders(id)", "qty": "integer"})
    return Schema((customers, orders, items, old, old_items), enums=(Enum("status", ("new", "paid"), schema=sales),))


@pytest.fixture
def names(engine_url: str) -> Iterator[dict[str, str]]:
    """The schema names for this engine: MySQL's are databases of the server, so named per test and
    dropped after it; elsewhere the test's own database (or file) holds them."""
    if get_dialect(engine_url).name != "mysql":
        yield {"crm": "crm", "sales": "sales", "archive": "archive"}
        return
    tag = uuid.uuid4().hex[:8]
    out = {n: f"{n}_{tag}" for n in ("crm", "sales", "archive")}
    try:
        yield out
    finally:
        _drop_databases(engine_url, out.values())


def _drop_databases(url: str, names: Iterable[str]) -> None:
    """Drop MySQL databases whose tables refer to each other (keys off: any order)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        for db in names:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {db}")
    engine.dispose()


def _count(conn: sa.Connection, schema: str, table: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(sa.table(table, schema=schema))).scalar_one()


# -- text outputs -------------------------------------------------------------------------------

TEXTS = {
    "ddl_postgresql.sql": lambda s: ddl.create_sql(s, "postgresql"),
    "ddl_mysql.sql": lambda s: ddl.create_sql(s, "mysql"),
    "ddl_duckdb.sql": lambda s: ddl.create_sql(s, "duckdb"),
    "seed_postgresql.sql": lambda s: seed_sql(s, "postgresql"),
    "seed_mysql.sql": lambda s: seed_sql(s, "mysql"),
    "models_postgresql.py": lambda s: to_sqlalchemy(s, "postgresql"),
    "models_mysql.py": lambda s: to_sqlalchemy(s, "mysql"),
    "schema.prisma": to_prisma,
    "entities.ts": to_typeorm_entities,
    "migration.test.ts": to_typeorm_test,
    "schema.dbml": write_dbml,
    "erd.mmd": to_mermaid,
    "patterns_postgresql.sql": lambda s: ";\n".join(patterns_sql(s)) + ";\n",
    "patterns_mysql.sql": lambda s: patterns_mysql(s).script(),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_golden(golden, name: str) -> None:
    """Every text output of the two-schema model matches its reviewed golden file."""
    golden(f"namespaces/{name}", TEXTS[name](two_schemas()))


def test_tables_of_one_name_are_told_apart_by_key() -> None:
    """Seed rows, class names and relationships are keyed by table key: two ``orders`` tables get
    their own rows, classes (``SalesOrder``, ``ArchiveOrder``) and relationship names, and a key to a
    namespaced parent finds its rows (before: seed_rows stored rows under the bare name and found no
    parent for crm.customers; the exporters raised KeyError 'crm.customers')."""
    s = two_schemas()
    rows = seed_rows(s)
    assert list(rows) == list(s.table_names)
    assert all(len(batch) == 3 for batch in rows.values())
    assert {r["customer_id"] for r in rows["archive.orders"]} <= {r["id"] for r in rows["crm.customers"]}
    assert class_names(s) == {"crm.customers": "Customer", "sales.orders": "SalesOrder", "sales.items": "SalesItem",
                              "archive.orders": "ArchiveOrder", "archive.items": "ArchiveItem"}
    rels = relationships(s)
    assert [(r.name, r.target) for r in rels["crm.customers"]] == [
        ("referred_by_customer", "crm.customers"), ("children", "crm.customers"),
        ("sales_orders", "sales.orders"), ("archive_orders", "archive.orders")]
    assert [(r.name, r.target) for r in rels["archive.items"]] == [("order", "archive.orders")]
    assert read_dbml(write_dbml(s)).table_names == s.table_names


# -- DDL and seed rows on the engines ----------------------------------------------------------

@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_ddl_and_seed_rows_apply(engine_url: str, names: dict[str, str]) -> None:
    """The DDL makes the schemas and tables; the seed rows go into each table in its own schema,
    through the keys across schemas and the self-reference; a row of one ``orders`` is not in the other."""
    s = two_schemas(**names)
    d = get_dialect(engine_url)
    engine = sa.create_engine(engine_url)
    try:
        ddl.apply(s, engine)
        with engine.begin() as conn:
            for stmt in seed_sql(s, d).split(";\n"):
                if "INSERT" in stmt:
                    conn.exec_driver_sql(stmt)
            conn.execute(sa.table("customers", sa.column("id"), sa.column("email"), sa.column("referred_by"),
                                  schema=names["crm"]).insert().values(id=10, email="x@y.z", referred_by=1))
            counts = {t.key: _count(conn, t.schema, t.name) for t in s.tables}
            notes = conn.execute(sa.select(sa.column("note")).select_from(
                sa.table("orders", schema=names["archive"]))).scalars().all()
        assert counts == {t.key: 4 if t.name == "customers" else 3 for t in s.tables}
        assert sorted(notes) == ["not v1", "not v2", "not v3"]
        if d.name != "duckdb":  # (DuckDB has no keys between schemas: the DDL says it leaves them out)
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
                conn.execute(sa.table("orders", sa.column("id"), sa.column("customer_id"), sa.column("note"),
                                      schema=names["archive"]).insert().values(id=9, customer_id=999))
            with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
                conn.execute(sa.table("customers", sa.column("id"), sa.column("email"), sa.column("referred_by"),
                                      schema=names["crm"]).insert().values(id=11, email="q", referred_by=999))
    finally:
        engine.dispose()


# -- SQLAlchemy models ---------------------------------------------------------------------------

@pytest.mark.parametrize("engine_url", ENGINES[1:], indirect=True)
def test_sqlalchemy_models_create_all_and_round_trip(tmp_path: Path, engine_url: str, names: dict[str, str]) -> None:
    """The generated models key their metadata as SQLAlchemy does (``schema.table``), create_all
    makes every table in its schema, the seed rows go in, and the ORM follows the keys across schemas
    and the self-reference."""
    s = two_schemas(**names)
    d = get_dialect(engine_url)
    module = load_module(to_sqlalchemy(s, d), tmp_path / f"models_{d.name}.py")
    module.Base.registry.configure()  # its own mappers: another test's module may be half collected
    assert set(module.Base.metadata.tables) == set(s.table_names)
    cls = {key: getattr(module, name) for key, name in class_names(s).items()}
    Customer, SalesOrder, ArchiveOrder = cls[f"{names['crm']}.customers"], cls[f"{names['sales']}.orders"], \
        cls[f"{names['archive']}.orders"]
    engine = sa.create_engine(engine_url)
    try:
        with engine.begin() as conn:
            for ns in names.values():
                conn.execute(sa.schema.CreateSchema(ns, if_not_exists=True))
        module.Base.metadata.create_all(engine)
        with engine.begin() as conn:
            for stmt in seed_sql(s, d).split(";\n"):
                if "INSERT" in stmt:
                    conn.exec_driver_sql(stmt)
        with orm.Session(engine) as session:
            first = session.get(Customer, 1)
            new = Customer(id=20, email="n@x.y", referred_by_customer=first)
            sale = SalesOrder(id=20, customer=new, status="paid", total=5)
            session.add(ArchiveOrder(id=20, customer=new, original=sale, note="moved"))
            session.commit()
        with orm.Session(engine) as session:
            new = session.get(Customer, 20)
            assert new.referred_by_customer.id == 1
            # (a name two schemas hold is told apart by the schema's: sales_orders, archive_orders)
            assert [o.id for o in getattr(new, f"{names['sales']}_orders")] == [20]
            assert [(o.id, o.original.id, o.note) for o in getattr(new, f"{names['archive']}_orders")] == [
                (20, 20, "moved")]
            assert [i.id for i in getattr(session.get(SalesOrder, 1), f"{names['sales']}_items")] == [1]
            assert session.scalar(sa.select(sa.func.count()).select_from(ArchiveOrder)) == 4
    finally:
        module.Base.metadata.drop_all(engine)
        engine.dispose()


# -- Prisma and TypeORM --------------------------------------------------------------------------

needs_engine = requires_node("@prisma/prisma-schema-wasm", what="Prisma's schema engine is")
needs_typeorm = requires_node("typescript", "typeorm", "reflect-metadata", "pg", what="TypeScript/TypeORM are")


@needs_engine
def test_prisma_engine_validates_the_multi_schema_model(tmp_path: Path) -> None:
    """Prisma's engine validates the multi-schema schema.prisma (schemas listed, @@schema on each model
    and enum, two models mapped to ``orders``) and its formatter leaves the text unchanged."""
    text = to_prisma(two_schemas())
    path = tmp_path / "schema.prisma"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([NODE or "node", str(JS / "prisma_check.js"), str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == text
    # (the check can fail: a model without its @@schema is refused once the datasource lists schemas)
    path.write_text(text.replace('  @@schema("archive")\n', "", 1), encoding="utf-8")
    done = subprocess.run([NODE or "node", str(JS / "prisma_check.js"), str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    assert "@@schema" in done.stderr


needs_pg_node = requires_node("typescript", "pg", "@types/pg", "@types/node", what="TypeScript and pg are")


@needs_pg_node
@pytest.mark.postgres
def test_prisma_migration_test_checks_every_schema(tmp_path: Path, postgres_url: str) -> None:
    """The Prisma export's migration.test.ts passes on the multi-schema model: it looks for each model's
    table, columns and enums in the model's own schema (@@schema), counts the seeded rows there, and
    drops the schemas the migration made; a column missing in a named schema fails it."""
    from test_export_prisma import node_test, project

    path = project(tmp_path, two_schemas())
    done = node_test(path, postgres_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 5" in done.stdout
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:  # the named schemas went with the test
        left = conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname IN ('sales', 'crm', 'archive')"))
        assert left.all() == []
    engine.dispose()
    migration = next((path / "migrations").glob("*/migration.sql"))
    text = migration.read_text(encoding="utf-8")
    assert "updated_at" in text
    migration.write_text(text.replace("updated_at", "changed_at"), encoding="utf-8")
    done = node_test(path, postgres_url, compile=False)
    assert done.returncode != 0
    assert re.search(r"columns of model \w+ \(table (sales|archive|crm)\.\w+\)", done.stdout), done.stdout


@needs_typeorm
@pytest.mark.postgres
def test_typeorm_compiles_and_runs_the_migration(tmp_path: Path, postgres_url: str) -> None:
    """tsc compiles the entities (two classes mapped to ``orders`` in two schemas), and TypeORM's
    DataSource runs the migration up, down and up and maps every entity onto its schema's table."""
    s = two_schemas()
    node_project(tmp_path, experimentalDecorators=True, emitDecoratorMetadata=True)
    (tmp_path / "entities.ts").write_text(to_typeorm_entities(s))
    (tmp_path / "migration.ts").write_text(to_typeorm_migration(s))
    (tmp_path / "migration.test.ts").write_text(to_typeorm_test(s))
    done = tsc(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    run = subprocess.run([NODE or "node", "--test", str(tmp_path / "dist" / "migration.test.js")],
                         capture_output=True, text=True, timeout=120, check=False,
                         env={**os.environ, "DATABASE_URL": url})
    assert run.returncode == 0, run.stdout + run.stderr
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        found = set(conn.exec_driver_sql(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema IN ('crm', 'sales', 'archive')").scalars())
    engine.dispose()
    assert found == set(s.table_names)


# -- production patterns ---------------------------------------------------------------------------

@pytest.mark.postgres
def test_postgresql_patterns_run_on_the_qualified_tables(postgres_url: str) -> None:
    """The patterns go on each table in its own schema: the updated_at trigger fires on sales.orders,
    the audit rows name sales.orders and archive.orders apart, and the roles read every schema."""
    s = two_schemas()
    suffix = uuid.uuid4().hex[:8]
    app, ro = f"app_{suffix}", f"ro_{suffix}"
    ddl.apply(s, postgres_url)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            policies = {"archive.orders": "note IS NOT NULL"}
            for stmt in patterns_sql(s, app_role=app, readonly_role=ro, policies=policies):
                conn.exec_driver_sql(stmt)
            for stmt in seed_sql(s, "postgresql").split(";\n"):
                if "INSERT" in stmt:
                    conn.exec_driver_sql(stmt)
            conn.exec_driver_sql("UPDATE sales.orders SET total = 9 WHERE id = 1")
            stamped = conn.exec_driver_sql("SELECT updated_at IS NOT NULL FROM sales.orders WHERE id = 1").scalar()
            audit = conn.exec_driver_sql("SELECT table_name, operation, count(*) FROM audit_log "
                                         "GROUP BY 1, 2 ORDER BY 1, 2").all()
            seen = {}
            for role in (ro, app):
                conn.exec_driver_sql(f"SET ROLE {role}")
                seen[role] = {key: conn.exec_driver_sql(f"SELECT count(*) FROM {key}").scalar()
                              for key in s.table_names}
                conn.exec_driver_sql("RESET ROLE")
            conn.exec_driver_sql("UPDATE archive.orders SET note = NULL WHERE id = 1")
            conn.exec_driver_sql(f"SET ROLE {app}")
            visible = conn.exec_driver_sql("SELECT count(*) FROM archive.orders").scalar()
            conn.exec_driver_sql("RESET ROLE")
        assert stamped
        assert audit == [("archive.orders", "INSERT", 3), ("crm.customers", "INSERT", 3),
                         ("sales.orders", "INSERT", 3), ("sales.orders", "UPDATE", 1)]
        # the policy is on archive.orders (not on sales.orders): RLS shows the readonly role, which has
        # no policy, no rows there, and the application role the rows the policy lets through
        assert seen == {ro: {key: 0 if key == "archive.orders" else 3 for key in s.table_names},
                        app: dict.fromkeys(s.table_names, 3)}
        assert visible == 2
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("RESET ROLE")
            for role in (app, ro):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
        engine.dispose()


@pytest.mark.mysql
def test_mysql_patterns_run_on_the_qualified_tables(mysql_url: str) -> None:
    """On MariaDB each trigger lives in its table's database and writes that database's audit log;
    the grants name database.table."""
    tag = uuid.uuid4().hex[:8]
    names = {n: f"{n}_{tag}" for n in ("crm", "sales", "archive")}
    s = two_schemas(**names)
    app, ro = f"app_{tag}", f"ro_{tag}"
    engine = sa.create_engine(mysql_url)
    try:
        ddl.apply(s, engine)
        with engine.begin() as conn:
            for stmt in patterns_mysql(s, app_role=app, readonly_role=ro).statements:
                conn.exec_driver_sql(stmt)
            for stmt in seed_sql(s, "mysql").split(";\n"):
                if "INSERT" in stmt:
                    conn.exec_driver_sql(stmt)
            conn.exec_driver_sql(f"UPDATE {names['sales']}.orders SET total = 9 WHERE id = 1")
            stamped = conn.exec_driver_sql(f"SELECT updated_at IS NOT NULL FROM {names['sales']}.orders "
                                           "WHERE id = 1").scalar()
            audit = {ns: conn.exec_driver_sql(f"SELECT table_name, operation, count(*) FROM {ns}.audit_log "
                                              "GROUP BY 1, 2 ORDER BY 1, 2").all() for ns in names.values()}
            grants = conn.exec_driver_sql(f"SHOW GRANTS FOR {ro}").scalars().all()
        assert stamped
        assert audit == {names["crm"]: [(f"{names['crm']}.customers", "INSERT", 3)],
                         names["sales"]: [(f"{names['sales']}.orders", "INSERT", 3),
                                          (f"{names['sales']}.orders", "UPDATE", 1)],
                         names["archive"]: [(f"{names['archive']}.orders", "INSERT", 3)]}
        assert any(f"`{names['archive']}`.`orders`" in g for g in grants), grants
    finally:
        with engine.begin() as conn:
            for role in (app, ro):
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        engine.dispose()
        _drop_databases(mysql_url, names.values())


# -- sample data (workload) ------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["duckdb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_sample_fills_each_table_in_its_schema(request: pytest.FixtureRequest, where: str) -> None:
    """``sample`` plans, fills and verifies per table key: both ``orders`` tables get their own rows
    (asked for by key), every key across schemas and the self-reference points at a row, and the
    counts are read from each table in its own schema (before: KeyError 'crm.customers' in the plan)."""
    from dbmodel_kit.workload.sample import sample, table_rows

    s = two_schemas()
    asked = {"crm.customers": 40, "sales.orders": 60, "archive.orders": 30, "sales.items": 90, "archive.items": 20}
    url = request.getfixturevalue("postgres_url") if where == "postgresql" else None
    db = sample(s, asked, url=url, seed=3)
    assert db.rows == asked
    assert db.counts() == asked
    if url is None:
        customers = {r[0] for r in table_rows(db, "crm.customers")}
        referrers = {r[2] for r in table_rows(db, "crm.customers")} - {None}
        sales = {r[0] for r in table_rows(db, "sales.orders")}
        old = table_rows(db, "archive.orders")
        assert referrers <= customers
        assert {r[2] for r in old} <= customers
        assert {r[1] for r in old} - {None} <= sales
        assert {r[1] for r in table_rows(db, "archive.items")} <= {r[0] for r in old}
    else:  # the server checked every key itself when it added them after the COPY
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            keys = conn.exec_driver_sql("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n "
                                        "ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname IN "
                                        "('crm', 'sales', 'archive')").scalar()
        engine.dispose()
        assert keys == sum(len(t.foreign_keys) for t in s.tables)


def test_load_sample_checks_and_loads_each_table_by_key(tmp_path: Path) -> None:
    """``load_sample`` takes frames by table key, checks a key across schemas against the right
    ``orders`` and loads each frame into its schema's table."""
    import pandas as pd

    from dbmodel_kit.workload.load import SampleViolations, load_sample

    s = two_schemas()
    # (no self-reference in the rows: DuckDB refuses a row naming another row of the same INSERT,
    # whatever the schema: load_sample declares the keys before it loads)
    data = {"crm.customers": pd.DataFrame({"id": [1, 2], "email": ["a@x", "b@x"], "referred_by": [None, None]}),
            "sales.orders": pd.DataFrame({"id": [1], "customer_id": [1], "status": ["new"], "total": [5],
                                          "updated_at": [None]}),
            "archive.orders": pd.DataFrame({"id": [7, 8], "original_id": [1, None], "customer_id": [2, 2],
                                            "note": ["x", "y"]}),
            "archive.items": pd.DataFrame({"id": [1], "order_id": [8], "qty": [1]})}
    db = load_sample(s, data, path=tmp_path / "ns.duckdb")
    assert db.rows == {"crm.customers": 2, "sales.orders": 1, "sales.items": 0, "archive.orders": 2,
                       "archive.items": 1}
    # archive.items.order_id 1 is a sales.orders id, not an archive.orders one: refused, naming the table
    bad = {**data, "archive.items": pd.DataFrame({"id": [1], "order_id": [1], "qty": [1]})}
    with pytest.raises(SampleViolations, match=r"archive\.items"):
        load_sample(s, bad)


# -- workload and advisor --------------------------------------------------------------------------

def test_workload_names_tables_by_key() -> None:
    """A query's ``archive.orders`` is the model's archive.orders (a bare ``orders`` names none: the
    default schema has no such table), its columns are checked against that table, and the
    advisor's analysis keys each table it reads by key."""
    import sqlglot

    from dbmodel_kit.advisor.analysis import analyze
    from dbmodel_kit.workload.workload import Query, reference_key, unknown_names

    s = two_schemas()
    refs = sqlglot.parse_one("SELECT 1 FROM archive.orders JOIN public.x ON true JOIN main.y ON true JOIN z ON true")
    assert [reference_key(t) for t in refs.find_all(sqlglot.exp.Table)] == ["archive.orders", "x", "y", "z"]
    assert unknown_names(sqlglot.parse_one("SELECT id FROM orders"), s) == ["unknown table orders"]
    assert unknown_names(sqlglot.parse_one("SELECT o.note FROM archive.orders o"), s) == []
    assert unknown_names(sqlglot.parse_one("SELECT o.status FROM archive.orders o"), s) == [
        "unknown column o.status (archive.orders has no column status)"]
    info = analyze(Query("q", "SELECT o.id FROM archive.orders o JOIN sales.orders s ON s.id = o.original_id "
                              "WHERE s.status = 'new' AND o.customer_id = 3"), s)
    assert {k: (u.eq, u.join) for k, u in info.tables.items()} == {
        "archive.orders": (("customer_id",), ("original_id",)), "sales.orders": (("status",), ("id",))}


def test_duckdb_advisor_knows_which_keys_have_an_index(tmp_path: Path) -> None:
    """On DuckDB the advisor reads each table in its schema, and a key to another schema (which
    DuckDB's DDL leaves out) has no ART index to serve a filter on it, unlike a key inside one schema."""
    from dbmodel_kit.advisor import advise
    from dbmodel_kit.workload.sample import sample
    from dbmodel_kit.workload.workload import Query, Workload

    s = two_schemas()
    db = sample(s, {"crm.customers": 200, "sales.orders": 2000, "archive.orders": 2000, "sales.items": 10,
                    "archive.items": 2000}, path=tmp_path / "s.duckdb")
    w = Workload((Query("a", "SELECT id, note FROM archive.orders WHERE customer_id = 7", weight=100),
                  Query("b", "SELECT qty FROM archive.items WHERE order_id = 7", weight=100)))
    advice = advise(s, w, db, dialect="duckdb")
    why = {(r.candidate.table, r.candidate.columns): r.reason for r in advice.rejected}
    picked = {(ix.table, ix.index.columns) for ix in advice.indexes}
    assert "ART index" in why[("archive.items", ("order_id",))]
    assert "ART index" not in why.get(("archive.orders", ("customer_id",)), "")
    assert ("archive.orders", ("customer_id",)) in set(why) | picked
    assert [q.name for q in advice.queries] == ["a", "b"]


# -- review and the ERD of a change ------------------------------------------------------------------

def _renamed_in_schema() -> tuple[Schema, Schema]:
    from dbmodel_kit import Column
    from dbmodel_kit.model import ops

    old = two_schemas()
    return old, ops.Batch((ops.RenameTable("archive.orders", "old_orders"),
                           ops.AddColumn("sales.items", Column("note", "text")))).apply(old)


def test_erd_changes_follow_a_rename_inside_a_schema() -> None:
    """A table renamed inside its schema is drawn renamed under its new key, from the old schema or
    from the plan's operations; no table is drawn removed (before: every table of a named schema was
    'removed', and from the operations the new key was the bare new name)."""
    from dbmodel_kit.erd.changes import compute_changes
    from dbmodel_kit.migrate import diff

    old, new = _renamed_in_schema()
    plan = diff(old, new, hints={"archive.orders": "archive.old_orders"})
    for compare in (plan, type("Ops", (), {"ops": [s.op for s in plan.steps]})()):
        ch = compute_changes(new, compare)
        assert ch.removed_tables == []
        assert ch.table_status == {"archive.old_orders": "renamed", "sales.items": "changed"}
        assert ch.table_old_name == {"archive.old_orders": "archive.orders"}
    # from the old schema alone (no rename known): one table gone under its key, one new; the rest kept
    ch = compute_changes(new, old)
    assert [(t.key, at) for t, at in ch.removed_tables] == [("archive.orders", 3)]
    assert ch.table_status == {"archive.old_orders": "added", "sales.items": "changed", "archive.items": "changed"}


def test_review_golden(golden) -> None:
    """The review of a rename inside a schema (Markdown: ERD of the change, steps, lint) matches its golden file."""
    from dbmodel_kit.review import review

    old, new = _renamed_in_schema()
    golden("namespaces/review.md", review(old, new, hints={"archive.orders": "archive.old_orders"}).to_markdown())
