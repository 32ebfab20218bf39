"""Names as each engine scopes them (issue 16): the model keeps index and constraint names per
table, and the DDL for each engine follows that engine's rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit import Check, Column, ForeignKey, Index, Model, ModelError, Schema, Table, Unique
from dbmodel_kit.ddl import apply, create_sql
from dbmodel_kit.ddl.names import physical, shared_names
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import statements as plan_statements
from dbmodel_kit.model import ops

ENGINES = ["sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
           pytest.param("mysql", marks=pytest.mark.mysql)]


def _shop() -> Schema:
    """Two tables that reuse one index name, one FK name and one CHECK name, as MySQL dumps do."""
    store = Table("store", (Column("id", "integer"), Column("city", "varchar(40)")), primary_key=("id",),
                  indexes=(Index(("city",), name="idx_city"),), checks=(Check("id > 0", "positive_id"),))
    staff = Table("staff", (Column("id", "integer"), Column("store_id", "integer"), Column("city", "varchar(40)")),
                  primary_key=("id",),
                  indexes=(Index(("city",), name="idx_city"), Index(("store_id",), name="fk_store")),
                  foreign_keys=(ForeignKey(("store_id",), "store", name="fk_store"),),
                  checks=(Check("id > 0", "positive_id"),))
    rental = Table("rental", (Column("id", "integer"), Column("store_id", "integer")), primary_key=("id",),
                   indexes=(Index(("store_id",), name="ix_rental_store"),),
                   foreign_keys=(ForeignKey(("store_id",), "store", name="fk_store"),))
    return Schema((store, staff, rental))


def test_model_keeps_names_per_table() -> None:
    """The same index, FK or CHECK name on two tables is accepted; twice in one table it is not."""
    s = _shop()
    assert s.table("staff").index("idx_city").columns == ("city",)
    assert s.table("staff").index("fk_store").columns == s.table("staff").foreign_key("fk_store").columns
    with pytest.raises(ModelError, match="two indexes or constraints are named 'idx_city'"):
        Table("t", (Column("a", "integer"),), indexes=(Index(("a",), name="idx_city"),),
              uniques=(Unique(("a",), "idx_city"),))
    with pytest.raises(ModelError, match="two indexes or constraints are named 'c'"):
        Table("t", (Column("a", "integer"),), checks=(Check("a > 0", "c"),),
              foreign_keys=(ForeignKey(("a",), "t", ("a",), name="c"),), primary_key=("a",))
    assert read_yaml(write_yaml(s)) == s


def test_each_engine_scope_decides_what_is_shared() -> None:
    """PostgreSQL shares index names schema-wide (with tables), MySQL FK names, SQLite/DuckDB
    index names; CHECK names are per table everywhere."""
    s = _shop()
    assert set(shared_names(s, "postgresql")) == {("relation", "idx_city")}
    assert set(shared_names(s, "mysql")) == {("foreign_key", "fk_store")}
    assert set(shared_names(s, "sqlite")) == {("relation", "idx_city")}
    assert set(shared_names(s, "duckdb")) == {("relation", "idx_city")}


def test_shared_names_are_renamed_on_every_table_and_said() -> None:
    """Every use of a shared name becomes ``<table>_<name>`` (order does not matter) with a note."""
    s, notes = physical(_shop(), "postgresql")
    assert s.table("store").index("store_idx_city")
    assert s.table("staff").index("staff_idx_city")
    assert s.table("staff").foreign_key("fk_store")
    assert s.table("staff").check("positive_id")
    assert ("store", "index idx_city on store is named store_idx_city: postgresql keeps index names with the "
            "tables per schema, and staff uses the name too") in notes
    reordered = Schema(tuple(reversed(_shop().tables)))
    assert {t.name: t for t in physical(reordered, "postgresql")[0].tables} == {t.name: t for t in s.tables}
    my = physical(_shop(), "mysql")[0]
    assert my.table("staff").foreign_key("staff_fk_store")
    assert my.table("staff").index("idx_city")
    sql = create_sql(_shop(), "postgresql")
    assert "-- postgresql: index idx_city on staff is named staff_idx_city" in sql
    assert "CREATE INDEX staff_idx_city ON staff (city)" in sql


def test_an_index_named_like_a_table_is_renamed_on_postgresql() -> None:
    """PostgreSQL keeps index names with table names: an index called like another table moves aside."""
    a = Table("a", (Column("id", "integer"),), primary_key=("id",))
    b = Table("b", (Column("id", "integer"),), primary_key=("id",), indexes=(Index(("id",), name="a"),))
    s, _notes = physical(Schema((a, b)), "postgresql")
    assert s.table("b").indexes[0].name == "b_a"
    assert s.table("a").name == "a"
    assert physical(Schema((a, b)), "mysql") == (Schema((a, b)), [])


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_shared_names_apply_on_every_engine(engine_url: str) -> None:
    """The DDL of a schema that reuses names per table runs on each engine."""
    apply(_shop(), engine_url)
    engine = sa.create_engine(engine_url)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert names == {"store", "staff", "rental"}


def test_migration_writes_the_names_the_engine_stores() -> None:
    """A step on an index the engine stores as ``<table>_<name>`` names it so, as the DDL does (the
    migration refused it: 'index idx_fk_film_id on film_actor is named film_actor_idx_fk_film_id ...
    rename it in the model first', Sakila's diff from empty, evolutions and exports)."""
    old = _shop()
    touched = ops.DropIndex("staff", "idx_city").apply(old)
    # dropping one of the two lets the other have the model's name again
    assert plan_statements(diff(old, touched), "postgresql") == [
        "ALTER INDEX store_idx_city RENAME TO idx_city", "DROP INDEX staff_idx_city"]
    assert plan_statements(diff(old, touched), "sqlite") == [
        "DROP INDEX store_idx_city", "CREATE INDEX idx_city ON store (city)", "DROP INDEX staff_idx_city"]
    assert plan_statements(diff(old, touched), "mysql") == ["DROP INDEX idx_city ON staff"]
    other = ops.AddColumn("rental", Column("note", "text")).apply(old)
    assert plan_statements(diff(old, other), "postgresql") == ["ALTER TABLE rental ADD COLUMN note TEXT"]
    # each step leaves the names the engine keeps for the model after it
    created = plan_statements(diff(Schema(), old), "postgresql")
    assert [s for s in created if "idx_city" in s] == [
        "CREATE INDEX idx_city ON store (city)", "ALTER INDEX idx_city RENAME TO store_idx_city",
        "CREATE INDEX staff_idx_city ON staff (city)"]


def test_a_step_renames_the_items_whose_engine_name_it_changes() -> None:
    """Adding a table whose index reuses another table's index name renames that index too, and
    renaming a table renames its ``<table>_`` indexes, before the step runs."""
    store = _shop().table("store")
    staff = _shop().table("staff")
    one = Schema((store,))
    both = ops.AddTable(staff).apply(one)
    assert plan_statements(diff(one, both), "postgresql")[0] == "ALTER INDEX idx_city RENAME TO store_idx_city"
    moved = ops.RenameTable("store", "shop").apply(both)
    assert plan_statements(diff(both, moved, hints={"store": "shop"}), "postgresql") == [
        "ALTER INDEX store_idx_city RENAME TO shop_idx_city", "ALTER TABLE store RENAME TO shop"]


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_migrations_and_ddl_make_the_same_names(engine_url: str) -> None:
    """Up, down and up again through steps that change the engine's names: after each, the database
    reflects as the model's DDL makes it (``storable``: the engine's names)."""
    from dbmodel_kit.migrate import Plan
    from dbmodel_kit.migrate.apply import verify

    store = _shop().table("store")
    staff = Table("staff", (Column("id", "integer"), Column("store_id", "integer"), Column("city", "varchar(40)")),
                  primary_key=("id",), indexes=(Index(("city",), name="idx_city"),),
                  foreign_keys=(ForeignKey(("store_id",), "store", name="fk_staff_store"),))
    plan = Plan.from_ops(Schema((store,)), [ops.AddTable(staff), ops.RenameTable("store", "shop"),
                                            ops.DropIndex("staff", "idx_city")])
    v = verify(plan, url=engine_url)
    assert v.ok, str(v)


# -- quoted mixed-case names ----------------------------------------------------------------------

def _chinook() -> Schema:
    artist = Table("Artist", (Column("ArtistId", "integer"), Column("Name", "varchar(120)")),
                   primary_key=("ArtistId",), indexes=(Index(("Name",), name="IFK_ArtistName"),))
    album = Table("Album", (Column("AlbumId", "integer"), Column("Title", "varchar(160)", nullable=False),
                            Column("ArtistId", "integer", nullable=False)), primary_key=("AlbumId",),
                  foreign_keys=(ForeignKey(("ArtistId",), "Artist", name="FK_AlbumArtistId"),))
    return Schema((artist, album))


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
def test_mixed_case_names_are_quoted_exactly(dialect: str) -> None:
    """Mixed-case names are written quoted, as given, on every engine."""
    sql = create_sql(_chinook(), dialect)
    q = "`" if dialect == "mysql" else '"'
    assert f"CREATE TABLE {q}Album{q}" in sql
    assert f"{q}ArtistId{q} INTEGER NOT NULL" in sql
    assert f"CONSTRAINT {q}FK_AlbumArtistId{q} FOREIGN KEY({q}ArtistId{q}) REFERENCES {q}Artist{q} ({q}ArtistId{q})" \
        in sql


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_mixed_case_names_reach_the_catalog_exactly(engine_url: str) -> None:
    """The engine's catalog holds the names with their case (not folded)."""
    apply(_chinook(), engine_url)
    d = get_dialect(engine_url)
    engine = sa.create_engine(engine_url)
    try:
        with engine.connect() as conn:
            if d.name == "duckdb":
                tables = {r[0] for r in conn.exec_driver_sql("SELECT table_name FROM duckdb_tables()")}
                cols = {r[0] for r in conn.exec_driver_sql(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = 'Album'")}
            else:
                insp = sa.inspect(conn)
                tables = set(insp.get_table_names())
                cols = {c["name"] for c in insp.get_columns("Album")}
    finally:
        engine.dispose()
    assert tables == {"Artist", "Album"}
    assert cols == {"AlbumId", "Title", "ArtistId"}


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_a_check_name_two_tables_use_reflects_on_each(engine_url: str) -> None:
    """CHECK names are per table (MariaDB too): two tables' "positive_id" read back once each (MariaDB's
    checks were joined by name alone: 'two indexes or constraints are named positive_id')."""
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.io.reflect import reflect

    a = Table("a", (Column("id", "integer"),), primary_key=("id",), checks=(Check("id > 0", "positive_id"),))
    b = Table("b", (Column("id", "integer"),), primary_key=("id",), checks=(Check("id > 1", "positive_id"),))
    apply(Schema((a, b)), engine_url)
    got = reflect(engine_url)
    assert got == storable(Schema((a, b)), engine_url)


@pytest.mark.parametrize("dialect", ["sqlite", "duckdb", "mysql", "postgresql"])
def test_names_an_engine_folds_into_one_are_refused_before_any_statement(dialect, tmp_path):
    """Tables ``select`` and ``SELECT`` are two in the model and in PostgreSQL (quoted), one in SQLite
    and DuckDB ("already exists"); columns ``id`` and ``Id`` are one in those and in MySQL/MariaDB
    ("Duplicate column name"). The DDL and a migration ending there refuse them naming each pair,
    before any statement runs (the fuzz of hostile names hit it on SQLite and DuckDB)."""
    from dbmodel_kit.migrate import diff, to_sql

    m = Model()
    m.add_table("select", id="integer pk")
    m.add_table("SELECT", id="integer pk", Id="integer")
    folds = {"sqlite": ["tables 'select' and 'SELECT'", "columns of SELECT: 'id' and 'Id'"],
             "duckdb": ["tables 'select' and 'SELECT'", "columns of SELECT: 'id' and 'Id'"],
             "mysql": ["columns of SELECT: 'id' and 'Id'"], "postgresql": []}[dialect]
    if not folds:
        create_sql(m.schema, dialect)
        to_sql(diff(Model().schema, m.schema), dialect)
        return
    for make in (lambda: create_sql(m.schema, dialect), lambda: to_sql(diff(Model().schema, m.schema), dialect)):
        with pytest.raises(ModelError) as e:
            make()
        assert f"{dialect} compares these names without case" in str(e.value)
        assert all(f in str(e.value) for f in folds), str(e.value)
    if dialect == "mysql":
        assert "tables" not in str(e.value)  # (MariaDB on Linux keeps the case of table names)
