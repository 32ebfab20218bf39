"""SQLAlchemy declarative export: the generated module imports, maps, and creates our own DDL's schema."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from dbmodel_kit import ddl
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.export import to_sqlalchemy
from dbmodel_kit.io import reflect

EXAMPLES = {"ecommerce": ecommerce, "large": large}


def load_module(source: str, path: Path) -> ModuleType:
    path.write_text(source)
    name = f"_generated_{path.stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # string annotations resolve in the module's namespace
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_golden_ecommerce(golden, dialect):
    """The e-commerce models for each dialect match the reviewed golden file."""
    golden(f"export/sqlalchemy/models_{dialect}.py", to_sqlalchemy(ecommerce(), dialect))


@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql", "duckdb"])
def test_module_imports_and_mappers_configure(tmp_path, example, dialect):
    """The generated module imports and every relationship (back_populates, named FKs) configures."""
    module = load_module(to_sqlalchemy(EXAMPLES[example](), dialect), tmp_path / f"{example}_{dialect}.py")
    module.Base.registry.configure()  # its own mappers: another test's module may be half collected
    schema = EXAMPLES[example]()
    assert set(module.Base.metadata.tables) == set(schema.table_names)


def test_several_keys_to_one_table_get_named_relationships(tmp_path):
    """Two foreign keys from products to users become two relationships paired by back_populates."""
    module = load_module(to_sqlalchemy(ecommerce(), "sqlite"), tmp_path / "shop.py")
    module.Base.registry.configure()  # its own mappers: another test's module may be half collected
    created = orm.class_mapper(module.Product).relationships["created_by_user"]
    updated = orm.class_mapper(module.Product).relationships["updated_by_user"]
    assert [c.name for c in created.local_columns] == ["created_by"]
    assert [c.name for c in updated.local_columns] == ["updated_by"]
    assert created.back_populates == "products_created_by"
    assert updated.back_populates == "products_updated_by"
    parent = orm.class_mapper(module.Category).relationships["parent"]
    assert parent.direction is orm.MANYTOONE


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_create_all_equals_our_ddl_sqlite(tmp_path, example):
    """create_all of the generated SQLite models reflects to the same schema as our DDL on another file."""
    schema = EXAMPLES[example]()
    ours, theirs = f"sqlite:///{tmp_path / 'ours.db'}", f"sqlite:///{tmp_path / 'theirs.db'}"
    ddl.apply(schema, ours)
    module = load_module(to_sqlalchemy(schema, "sqlite"), tmp_path / "models.py")
    engine = sa.create_engine(theirs)
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(theirs) == reflect(ours)


def test_native_spellings_are_written_by_the_modules_own_classes(tmp_path):
    """A type kept as its native spelling (SQLite's NVARCHAR(160), MySQL's MEDIUMINT UNSIGNED) is
    written by a class the module defines, so it needs only SQLAlchemy, and create_all stores the
    spelling (the export refused it: "cannot name type Spelled('nvarchar(160)') from module
    dbmodel_kit.dialects", chinook_sqlite)."""
    from dbmodel_kit.io import loads

    schema = loads("""
tables:
  album:
    columns:
      id: "integer unsigned native(mysql: 'mediumint unsigned') pk"
      title: "varchar(160) native(sqlite: 'nvarchar(160)') not null"
""", "yaml")
    src = to_sqlalchemy(schema, "sqlite")
    assert "dbmodel_kit" not in src.split('"""', 2)[2]
    assert "title: Mapped[str] = mapped_column(Spelled('nvarchar(160)')" in src
    module = load_module(src, tmp_path / "models.py")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = sa.create_engine(url)
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(url).table("album").column("title").type == schema.table("album").column("title").type
    mysql_src = to_sqlalchemy(schema, "mysql")
    assert "SpelledInteger('mediumint unsigned')" in mysql_src
    table = load_module(mysql_src, tmp_path / "models_mysql.py").Base.metadata.tables["album"]
    from sqlalchemy.dialects import mysql

    assert "id mediumint unsigned NOT NULL" in str(sa.schema.CreateTable(table).compile(
        dialect=mysql.dialect()))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_views_are_created_and_dropped_by_the_metadata(tmp_path, request, engine):
    """A view is created after the tables by create_all (a DDL event with the kit's own CREATE VIEW)
    and dropped before them by drop_all, so create_all gives the catalog our DDL gives (typr_duckdb's
    two views were missing: "create_all of models.py on sqlite differs"); a % in the query is kept."""
    from dbmodel_kit.io import loads

    schema = loads("""
tables:
  customers:
    columns:
      id: integer pk
      name: varchar(40) not null
views:
  a_customers:
    query: SELECT id, name FROM customers WHERE name LIKE 'A%'
""", "yaml")
    url = request.getfixturevalue("postgres_url") if engine == "postgresql" else f"sqlite:///{tmp_path / 'v.db'}"
    module = load_module(to_sqlalchemy(schema, engine), tmp_path / f"views_{engine}.py")
    e = sa.create_engine(url)
    module.Base.metadata.create_all(e)
    with e.begin() as conn:
        conn.execute(sa.text("INSERT INTO customers (id, name) VALUES (1, 'Ann'), (2, 'Bob')"))
        assert conn.execute(sa.text("SELECT name FROM a_customers")).scalars().all() == ["Ann"]
    theirs = reflect(url)
    assert [v.name for v in theirs.views] == ["a_customers"]
    module.Base.metadata.drop_all(e)
    e.dispose()
    gone = reflect(url)
    assert gone.tables == ()
    assert gone.views == ()
    ddl.apply(schema, url)
    assert reflect(url) == theirs


def _ours_then_empty(schema, postgres_url: str) -> tuple[object, sa.Engine]:
    """The schema our DDL makes on PostgreSQL, as reflected; then the database emptied for the models'
    create_all (with an engine on it)."""
    ddl.apply(schema, postgres_url)
    ours = reflect(postgres_url)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    return ours, engine


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_create_all_equals_our_ddl_postgres(tmp_path, postgres_url, example):
    """create_all of the generated PostgreSQL models reflects to the same schema as our DDL did."""
    schema = EXAMPLES[example]()
    ours, engine = _ours_then_empty(schema, postgres_url)
    module = load_module(to_sqlalchemy(schema, "postgresql"), tmp_path / "models.py")
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(postgres_url) == ours


def test_orm_round_trip_sqlite(tmp_path):
    """Rows written through the generated classes and relationships read back through them."""
    module = load_module(to_sqlalchemy(ecommerce(), "sqlite"), tmp_path / "shop.py")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    module.Base.metadata.create_all(engine)
    import uuid

    with orm.Session(engine) as s:
        user = module.User(id=uuid.uuid4().hex, email="a@example.com", password_hash="x", first_name="A",
                           last_name="B")
        root = module.Category(id=uuid.uuid4().hex, name="Root", slug="root")
        child = module.Category(id=uuid.uuid4().hex, name="Child", slug="child", parent=root)
        s.add_all([user, root, child])
        s.flush()
        s.add(module.Product(id=uuid.uuid4().hex, name="P", price=1, sku="p-1", category=child,
                             created_by_user=user))
        s.commit()
    with orm.Session(engine) as s:
        user = s.scalars(sa.select(module.User)).one()
        assert [p.category.parent.name for p in user.products_created_by] == ["Root"]
        assert user.products_updated_by == []
    engine.dispose()


def test_alembic_revision_upgrades_and_downgrades_postgres(tmp_path, postgres_url):
    """The exported Alembic revision upgrades to the model's schema and downgrades to an empty database."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from dbmodel_kit.dialects import get_dialect
    from dbmodel_kit.export import files
    from dbmodel_kit.migrate.apply import expected, live_schema

    schema = ecommerce()
    revision = load_module(files(schema, "sqlalchemy")["alembic/versions/0001_dbmodel.py"], tmp_path / "rev.py")
    engine = sa.create_engine(postgres_url)
    d = get_dialect("postgresql")
    for step in ("upgrade", "downgrade", "upgrade"):
        with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            getattr(revision, step)()
        want = schema if step == "upgrade" else type(schema)()
        assert expected(live_schema(postgres_url, d), d) == expected(want, d), step
    engine.dispose()


def run_exported_tests(folder: Path, **env: str) -> str:
    import os
    import subprocess

    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           str(folder / "test_migration.py")], capture_output=True, text=True, cwd=folder,
                          timeout=180, check=False, env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_exported_migration_test_passes(tmp_path):
    """The exported pytest migration test runs: up, down, up on SQLite passes; the Alembic test of a
    PostgreSQL export skips with a reason when no DBMODEL_ALEMBIC_URL is given."""
    from dbmodel_kit.export import export

    export(ecommerce(), "sqlalchemy", tmp_path)
    out = run_exported_tests(tmp_path)
    assert "1 passed, 1 skipped" in out
    assert "set DBMODEL_ALEMBIC_URL to an empty postgresql database" in out


def test_exported_tests_run_the_alembic_chain(tmp_path, postgres_url):
    """Both exported tests pass: SQLite export on its own temporary files, the PostgreSQL export's
    Alembic test on a real PostgreSQL database."""
    from dbmodel_kit.export import export

    export(ecommerce(), "sqlalchemy", tmp_path / "lite", dialect="sqlite")
    assert "2 passed" in run_exported_tests(tmp_path / "lite")
    export(ecommerce(), "sqlalchemy", tmp_path / "pg")
    assert "2 passed" in run_exported_tests(tmp_path / "pg", DBMODEL_ALEMBIC_URL=postgres_url)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_golden_alembic_environment(golden, dialect):
    """alembic.ini, alembic/env.py and test_migration.py of the export match the reviewed golden files;
    script.py.mako is Alembic's own generic template."""
    from importlib import resources

    from dbmodel_kit.export import files

    out = files(ecommerce(), "sqlalchemy", dialect=dialect)
    golden(f"export/sqlalchemy/{dialect}/alembic.ini", out["alembic.ini"])
    golden(f"export/sqlalchemy/{dialect}/env.py", out["alembic/env.py"])
    golden(f"export/sqlalchemy/{dialect}/test_migration.py", out["test_migration.py"])
    mako = resources.files("alembic").joinpath("templates", "generic", "script.py.mako").read_text("utf-8")
    assert out["alembic/script.py.mako"] == mako


def alembic(folder: Path, url: str, *args: str) -> str:
    import os
    import subprocess

    done = subprocess.run([sys.executable, "-m", "alembic", *args], capture_output=True, text=True, cwd=folder,
                          timeout=120, check=False, env={**os.environ, "DATABASE_URL": url})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_alembic_cli_upgrade_check_downgrade(tmp_path, request, dialect):
    """In the exported folder, `alembic upgrade head` builds the model's schema, `alembic check` finds
    nothing for autogenerate (models and revision agree), and `alembic downgrade base` empties it."""
    from dbmodel_kit.dialects import get_dialect
    from dbmodel_kit.export import export
    from dbmodel_kit.migrate.apply import expected, live_schema

    url = f"sqlite:///{tmp_path / 'db.sqlite'}" if dialect == "sqlite" else request.getfixturevalue("postgres_url")
    schema = ecommerce()
    export(schema, "sqlalchemy", tmp_path / "out", dialect=dialect)
    d = get_dialect(dialect)
    alembic(tmp_path / "out", url, "upgrade", "head")
    assert expected(live_schema(url, d), d) == expected(schema, d)
    assert "No new upgrade operations detected" in alembic(tmp_path / "out", url, "check")
    alembic(tmp_path / "out", url, "downgrade", "base")
    assert live_schema(url, d).table_names == ()


def test_exported_alembic_test_from_an_old_schema(tmp_path):
    """For a change (--from OLD with a rename), the exported Alembic test builds OLD, then the revision
    renames the column going up and back going down; both exported tests pass on SQLite."""
    from dbmodel_kit.export import export
    from dbmodel_kit.model import Model

    m = Model(ecommerce())
    old = m.schema
    m.rename_column("users.phone", "phone_number")
    m.add_column("orders", "note", "text")
    export(m.schema, "sqlalchemy", tmp_path, dialect="sqlite", plan=m.plan_since(0))
    revision = (tmp_path / "alembic" / "versions" / "0001_dbmodel.py").read_text()
    assert "new_column_name='phone_number'" in revision
    assert "drop_column('phone')" not in revision
    assert old.table("users").has_column("phone")
    assert "2 passed" in run_exported_tests(tmp_path)


NO_PRIMARY_KEY = """
tables:
  codes:
    columns:
      note: text
      code: varchar(8) not null unique
      loose: integer unique
  log lines:
    columns:
      at: timestamp
      payload: json
      code: varchar(8) references codes(code)
"""


def test_table_without_primary_key_maps_on_a_not_null_unique_or_all_columns(tmp_path):
    """A table with no primary key maps (SQLAlchemy refused it: "could not assemble any primary key
    columns for mapped table 't3'", 28 of 200 generated schemas): the mapper's key is its NOT NULL
    unique set, else all its columns of a hashable type (a JSON value cannot key the identity map),
    said in a comment; create_all still makes no primary key, and rows round-trip through the ORM."""
    from dbmodel_kit.io import loads

    schema = loads(NO_PRIMARY_KEY, "yaml")
    source = to_sqlalchemy(schema, "sqlite")
    assert '__mapper_args__ = {"primary_key": [code]}' in source
    assert '__mapper_args__ = {"primary_key": [at, code]}' in source
    assert "SQLAlchemy maps no class without one" in source
    module = load_module(source, tmp_path / "nokey.py")
    module.Base.registry.configure()  # its own mappers: another test's module may be half collected
    assert [c.name for c in orm.class_mapper(module.Code).primary_key] == ["code"]
    url = f"sqlite:///{tmp_path / 'nokey.db'}"
    engine = sa.create_engine(url)
    module.Base.metadata.create_all(engine)
    import datetime

    with orm.Session(engine) as s:
        code = module.Code(code="a", note="x")
        s.add_all([code, module.LogLine(at=datetime.datetime(2020, 1, 1), payload={"k": 1}, code_code=code)])
        s.commit()
    with orm.Session(engine) as s:
        line = s.scalars(sa.select(module.LogLine)).one()
        assert (line.payload, line.code_code.note) == ({"k": 1}, "x")
    engine.dispose()
    assert reflect(url) == schema


def test_enum_named_like_a_column_name_keyword_creates_on_postgres(tmp_path, postgres_url):
    """An enum named ``position`` (PostgreSQL takes it as a column name, not as a type name) is
    declared with ``quoted_name(..., quote=True)``: SQLAlchemy quotes reserved words only, and
    create_all wrote ``p position`` ("syntax error at or near "position"")."""
    from dbmodel_kit.model import Model

    m = Model()
    m.add_enum("position", "a", "b")
    m.add_table("t", id="integer pk", p="enum(position)")
    source = to_sqlalchemy(m.schema, "postgresql")
    assert "name=sa.sql.quoted_name('position', quote=True)" in source
    module = load_module(source, tmp_path / "kw.py")
    engine = sa.create_engine(postgres_url)
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(postgres_url) == m.schema


_PAGILA_LIKE = """
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE SEQUENCE film_film_id_seq;
CREATE TABLE film (film_id integer DEFAULT nextval('film_film_id_seq') PRIMARY KEY, release_year year);
CREATE TABLE payment (payment_id integer NOT NULL, paid date NOT NULL, PRIMARY KEY (paid, payment_id))
    PARTITION BY RANGE (paid);
CREATE TABLE payment_p1 (payment_id integer NOT NULL, paid date NOT NULL, PRIMARY KEY (paid, payment_id));
ALTER TABLE ONLY payment ATTACH PARTITION payment_p1 FOR VALUES FROM ('2000-01-01') TO ('2100-01-01');
"""


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_create_all_makes_domains_sequences_partitions_and_key_order(tmp_path, request, engine):
    """create_all of the models gives what the kit's DDL gives (pagila_pg): a partition is a class
    attached by a DDL event on PostgreSQL and not made on SQLite (KeyError 'payment_p2022_01'); a
    primary key in another order than its columns keeps its order; a domain's CHECK is there (on
    SQLite the column's own); domains and sequences are made before the tables ('relation
    "actor_actor_id_seq" does not exist')."""
    import warnings

    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.io import loads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = loads(_PAGILA_LIKE, "sql", dialect="postgresql")
    assert schema.table("payment").primary_key == ("paid", "payment_id")
    url = request.getfixturevalue("postgres_url") if engine == "postgresql" else f"sqlite:///{tmp_path / 'p.db'}"
    module = load_module(to_sqlalchemy(schema, engine), tmp_path / f"pagila_{engine}.py")
    module.Base.registry.configure()  # its own mappers: another test's module may be half collected
    e = sa.create_engine(url)
    module.Base.metadata.create_all(e)
    e.dispose()
    assert reflect(url) == storable(schema, engine)


def test_an_index_name_two_tables_share_is_written_as_the_engine_stores_it(tmp_path):
    """Sakila's idx_fk_store_id on customer and staff: SQLite keeps index names per schema, so the DDL
    writes customer_idx_fk_store_id and staff_idx_fk_store_id; the models do too (they stopped with
    ValueError: 'customer_idx_fk_address_id' is not in list), and create_all gives our DDL's catalog."""
    from dbmodel_kit import Column, Index, Schema, Table

    def table(name: str) -> Table:
        return Table(name, (Column("id", "integer"), Column("store_id", "integer")), primary_key=("id",),
                     indexes=(Index(("store_id",), name="idx_fk_store_id"),))

    schema = Schema((table("customer"), table("staff")))
    source = to_sqlalchemy(schema, "sqlite")
    assert "sa.Index('customer_idx_fk_store_id', 'store_id')" in source
    ours, theirs = f"sqlite:///{tmp_path / 'ours.db'}", f"sqlite:///{tmp_path / 'theirs.db'}"
    ddl.apply(schema, ours)
    engine = sa.create_engine(theirs)
    load_module(source, tmp_path / "models.py").Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(theirs) == reflect(ours)
    assert to_sqlalchemy(schema, "mysql").count("sa.Index('idx_fk_store_id', 'store_id')") == 2


def test_array_of_an_enum_names_the_dialects_enum(tmp_path, postgres_url):
    """A MySQL SET is an array of its enum on PostgreSQL: the module writes
    postgresql.ARRAY(postgresql.ENUM(...)) (it wrote sa.ENUM, which SQLAlchemy's core lacks:
    "module 'sqlalchemy' has no attribute 'ENUM'"), and create_all gives what our DDL gives."""
    from dbmodel_kit.io.sql_import import read_sql

    schema = read_sql("CREATE TABLE film (id INT NOT NULL PRIMARY KEY, "
                      "features SET('Trailers','Commentaries') DEFAULT NULL);", dialect="mysql").schema
    source = to_sqlalchemy(schema, "postgresql")
    assert "postgresql.ARRAY(postgresql.ENUM(" in source
    ddl.apply(schema, postgres_url)
    ours = reflect(postgres_url)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    module = load_module(source, tmp_path / "models.py")
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(postgres_url) == ours


def _deferrable_keys():
    from dbmodel_kit import Model

    m = Model()
    m.add_table("node", id="integer pk", parent_id="integer")
    m.add_foreign_key("node.parent_id", "node", deferrable="deferred")
    m.add_table("seat", n="integer pk", code="integer not null")
    m.set_primary_key("seat", "n", deferrable="deferred")
    m.add_unique("seat", "code", deferrable="immediate")
    return m.schema


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_golden_deferrable_keys(golden, dialect):
    """DEFERRABLE / INITIALLY of a primary key, a unique constraint and a foreign key are written as
    the dialect's DDL makes them (PostgreSQL: all three; SQLite: the foreign key's only)."""
    golden(f"export/sqlalchemy/deferrable_{dialect}.py", to_sqlalchemy(_deferrable_keys(), dialect))


def test_create_all_keeps_deferrable_keys_postgres(tmp_path, postgres_url):
    """create_all of the models makes the keys checked when the model says (they were all made
    immediate): the database reflects as our DDL made it, and a transaction may break the deferred
    key until it commits."""
    schema = _deferrable_keys()
    ours, engine = _ours_then_empty(schema, postgres_url)
    module = load_module(to_sqlalchemy(schema, "postgresql"), tmp_path / "deferrable.py")
    module.Base.metadata.create_all(engine)
    with engine.begin() as conn:  # a child before its parent, within one transaction
        conn.execute(sa.text("INSERT INTO node (id, parent_id) VALUES (2, 1)"))
        conn.execute(sa.text("INSERT INTO node (id, parent_id) VALUES (1, NULL)"))
    with engine.begin() as conn:  # two seats swap numbers: the key holds again at commit
        conn.execute(sa.text("INSERT INTO seat (n, code) VALUES (1, 10), (2, 20)"))
        conn.execute(sa.text("UPDATE seat SET n = 3 - n"))
    engine.dispose()
    assert reflect(postgres_url) == ours
