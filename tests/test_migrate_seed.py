"""migrate verify seeds every table, whatever its key type, and says how many rows each got and
why a table got none (in the engine's words), with nothing from the driver reaching the user."""

from __future__ import annotations

import logging

import pytest
from test_migrate_order import library, sakila_shaped

from dbmodel_kit.ddl import apply
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.migrate.apply import seed, snapshot, verify
from dbmodel_kit.model import Schema
from dbmodel_kit.model.spec import build_table


def key_kinds() -> Schema:
    """One table per kind of key: integer, identity, uuid, char, varchar referencing itself (NOT
    NULL), composite of an FK char and an FK uuid with a CHECK range, self-referencing bigint."""
    t = build_table
    return Schema((
        t("k_int", {"id": "integer pk", "v": "text"}),
        t("k_ident", {"id": "integer pk identity", "v": "text"}),
        t("k_uuid", {"id": "uuid pk default uuid()", "v": "interval"}),
        t("k_char", {"code": "char(2) pk", "v": "text"}),
        t("k_varchar", {"code": "varchar(3) pk", "up": "varchar(3) not null references k_varchar"}),
        t("k_comp", {"a": "char(2) pk references k_char", "b": "uuid pk references k_uuid",
                     "c": "integer not null check (c BETWEEN 10 AND 11)"}),
        t("k_self", {"id": "bigint pk", "parent": "bigint references k_self", "k": "integer references k_ident"}),
    ))


#: Rows an engine cannot hold at all, with the engine's reason (see docs/compatibility.md).
CANNOT: dict[tuple[str, str], str] = {
    # DuckDB checks a foreign key against the rows there before the statement, so the first row of
    # a table whose NOT NULL key points at its own table can never go in
    ("duckdb", "k_varchar"): "does not exist in the referenced table",
}


@pytest.mark.parametrize("make", [key_kinds, library, sakila_shaped])
def test_seed_fills_every_key_kind(make, engine_url: str) -> None:  # type: ignore[no-untyped-def]
    """Every table gets 3 rows (a cycle of NOT NULL keys included: Sakila's staff <-> store), except
    where the engine cannot hold such rows at all, which the reason says."""
    schema = make()
    apply(schema, engine_url)
    seeded = seed(schema, engine_url)
    kind = get_dialect(engine_url).name
    for name in schema.table_names:
        if (kind, name) in CANNOT:
            assert seeded[name] == 0
            assert CANNOT[kind, name] in seeded.reasons[name]
        else:
            assert seeded[name] == 3, seeded.describe()
    assert all(len(rows) == seeded[t] for t, rows in snapshot(schema, engine_url).items())


def test_seed_rows_hold_their_references(sqlite_url: str) -> None:
    """Self-references point at the row before, composite keys at their parents' rows."""
    schema = key_kinds()
    apply(schema, sqlite_url)
    seed(schema, sqlite_url)
    rows = snapshot(schema, sqlite_url)
    assert [r[1] for r in sorted(rows["k_self"])] == [None, 1, 2]
    assert sorted(r[2] for r in rows["k_comp"]) == [10, 10, 11]
    assert sorted(r[0] for r in rows["k_comp"]) == sorted(r[0] for r in rows["k_char"])


def test_verify_says_rows_per_table(postgres_url: str, caplog: pytest.LogCaptureFixture,
                                    capfd: pytest.CaptureFixture[str]) -> None:
    """verify reports the rows seeded per table, with the reason for a table the engine refused
    rows for, and psycopg's 'error ignored terminating' lines never appear."""
    bad = build_table("bad", {"id": "integer pk", "n": "integer check (n > 5 AND n < 6)"})
    child = build_table("child", {"id": "integer pk", "bad_id": "integer not null references bad"})
    schema = Schema((bad, child, build_table("ok", {"code": "char(3) pk"})))
    with caplog.at_level(logging.DEBUG):
        result = verify(schema, schema, url=postgres_url)
    text = str(result)
    assert "ok=3" in text
    assert "bad=0 (the engine refused the sample rows: new row for relation \"bad\" violates check" in text
    assert "child=0 (its parent table bad has no rows)" in text
    out = capfd.readouterr()
    assert "error ignored" not in out.err + out.out + caplog.text


def test_verify_of_empty_old_schema_says_so(sqlite_url: str) -> None:
    """A migration from an empty schema seeds nothing and says so."""
    assert "seeded nothing: the schema has no tables" in str(verify(Schema(), library(), url=sqlite_url))


def test_seed_fills_geometry_columns_on_every_engine(engine_url: str) -> None:
    """Geometry columns (MySQL POINT, POLYGON, LINESTRING, GEOMETRY, MULTIPOINT) are seeded on every
    engine in its own form: MySQL's SRID + WKB, PostgreSQL's point/polygon/path text, WKB bytes on
    SQLite and DuckDB (was 'no sample value for type geometry(point)': ordering_mariadb's evolve)."""
    from dbmodel_kit.io.sql_import import read_sql

    schema = read_sql("CREATE TABLE w (id INT NOT NULL PRIMARY KEY, location POINT NOT NULL, area POLYGON, "
                      "line LINESTRING, g GEOMETRY, mp MULTIPOINT);", dialect="mysql").schema
    apply(schema, engine_url)
    seeded = seed(schema, engine_url)
    assert dict(seeded) == {"w": 3}, seeded.reasons


def test_geometry_sample_values_in_each_engine_form() -> None:
    from dbmodel_kit.model.samples import geometry_wkb, stored_geometry
    from dbmodel_kit.model.types import DataType

    wkb = geometry_wkb("polygon", 1)
    polygon = DataType("geometry", shape="polygon")
    assert stored_geometry(wkb, polygon, "postgresql") == "((1,1),(2,1),(2,2),(1,2),(1,1))"
    assert stored_geometry(geometry_wkb("linestring", 2), DataType("geometry", shape="linestring"),
                           "postgresql") == "[(2,2),(3,3)]"
    assert stored_geometry(wkb, DataType("geometry", shape="polygon"), "mysql") == b"\0\0\0\0" + wkb
    assert stored_geometry(wkb, DataType("geometry", shape="polygon"), "sqlite") == wkb


@pytest.mark.parametrize("refused", ["a", "b"])
@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
def test_seed_leaves_no_row_pointing_at_a_table_left_empty(refused: str, engine: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A NOT NULL key closing a cycle is filled before its parent (key checks relaxed); when the
    parent then gets no rows (a CHECK its sample values break), the rows pointing at it go too, and
    a nullable key to it is set NULL: the seed leaves no broken reference (a generated schema's
    evolve sqlite stopped with 'PRAGMA foreign_key_check found 3 broken reference(s)', from the seed)."""
    import sqlalchemy as sa

    never = " check (1 = 0)"
    schema = Schema((build_table("a", {"id": "integer pk", "b_id": "integer not null references b",
                                       "n": "integer" + (never if refused == "a" else "")}),
                     build_table("b", {"id": "integer pk", "a_id": "integer not null references a",
                                       "n": "integer" + (never if refused == "b" else "")}),
                     build_table("c", {"id": "integer pk", "a_id": "integer references a"})))
    url = f"{engine}:///{tmp_path / 'x.db'}"
    apply(schema, url)
    seeded = seed(schema, url, 3)
    engine_ = sa.create_engine(url)
    with engine_.connect() as conn:
        a, b = (conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("a", "b"))
        dangling = conn.execute(sa.text("SELECT count(*) FROM c WHERE a_id IS NOT NULL")).scalar()
    engine_.dispose()
    assert (a, b, dangling) == (0, 0, 0)
    assert seeded.describe()


_PG_TYPES = """
CREATE TYPE price AS (amount numeric(10,2), currency char(3), note text);
CREATE TYPE span AS RANGE (subtype = integer);
CREATE TYPE tagged AS (p price, at date);
CREATE TABLE booking (id integer PRIMARY KEY, cost price NOT NULL, during tsrange, seats int4range,
                      slots span, nested tagged, days datemultirange);
"""


@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:.*has no logical equivalent")  # (reflection's note on the schema's own types)
def test_seed_and_verify_fill_composite_and_range_columns(postgres_url: str) -> None:
    """Columns of PostgreSQL composite, range and multirange types (built-in and the schema's own,
    nested composites too) get sample values, so verify() runs up -> down -> up on such a table (it
    stopped at "no sample value for type native(postgresql: price)")."""
    import sqlalchemy as sa

    from dbmodel_kit.io.sql_import import read_sql
    from dbmodel_kit.model import ops as o
    from dbmodel_kit.model.schema import Column
    from dbmodel_kit.model.types import DataType

    old = read_sql(_PG_TYPES, dialect="postgres").schema
    apply(old, postgres_url)
    seeded = seed(old, postgres_url)
    assert dict(seeded) == {"booking": 3}, seeded.reasons
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT (cost).amount, upper(seats) - lower(seats), nested IS NOT NULL, "
                                   "lower(slots) FROM booking ORDER BY id LIMIT 1")).one()
    engine.dispose()
    assert (float(row[0]), row[1], row[2], row[3]) == (1.0, 1, True, 1)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    new = o.AddColumn("booking", Column("note", DataType("text"))).apply(old)
    result = verify(old, new, url=postgres_url)
    assert result.ok, str(result)
