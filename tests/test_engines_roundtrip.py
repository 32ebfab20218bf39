"""Model -> apply -> reflect on PostgreSQL, MariaDB, SQLite and DuckDB gives back the model as the
engine can hold it (``storable``), with the differences listed per engine in ENGINE_LIMITS."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from strategies import schemas

from dbmodel_kit import examples
from dbmodel_kit.ddl import apply, create_engine, create_sql, statements
from dbmodel_kit.ddl.limits import ENGINE_LIMITS, LIMITS, storable
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io.reflect import ReflectionWarning, read_default, read_type, reflect
from dbmodel_kit.model import Check, Column, DataType, Default, Enum, Index, Model, Schema, Table, Unique

EXAMPLES = {"ecommerce": examples.ecommerce, "large": examples.large}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_round_trip_equals_storable(engine_url, example):
    """apply then reflect gives exactly storable(model, engine) for both example models."""
    schema = EXAMPLES[example]()
    apply(schema, engine_url)
    assert reflect(engine_url) == storable(schema, engine_url)


@pytest.mark.parametrize("engine", sorted(ENGINE_LIMITS))
def test_round_trip_keeps_what_the_engine_can_store(engine):
    """The comparison is not vacuous: the storable model still has the tables, keys, checks and
    indexes of the original, only changed where ENGINE_LIMITS says."""
    schema = examples.large()
    kept = storable(schema, engine)
    assert sorted(kept.table_names) == sorted(schema.table_names)
    assert sum(len(t.foreign_keys) for t in kept) >= sum(len(t.foreign_keys) for t in schema) - 1
    assert sum(len(t.checks) for t in kept) >= sum(len(t.checks) for t in schema)
    assert sum(len(t.indexes) + len(t.uniques) for t in kept) == sum(len(t.indexes) + len(t.uniques) for t in schema)
    assert kept.table("project_members").primary_key == ("project_id", "employee_id")
    assert kept.table("milestone_notes").foreign_keys[0].columns == ("project_id", "seq")


def test_every_engine_limit_is_described_and_used():
    """Each limit an engine lists exists in LIMITS, and each limit is used by some engine."""
    used = set().union(*ENGINE_LIMITS.values())
    assert used == set(LIMITS)
    assert all(LIMITS[i].says for i in used)


def test_postgresql_keeps_nearly_everything():
    """PostgreSQL stores every kind of object the model has; only order and spelling differ."""
    assert ENGINE_LIMITS["postgresql"] == {"design_metadata", "redundant_unique", "expression_text", "index_method",
                                           "decimal_defaults", "catalog_order"}


@pytest.mark.parametrize(("engine", "limit"), [
    ("duckdb", "no_fk_actions"), ("duckdb", "no_fk_cycles"), ("duckdb", "no_partial_index"),
    ("mysql", "no_partial_index"), ("sqlite", "enum_as_check"), ("mysql", "enum_inline"),
    ("sqlite", "no_comments"),
])
def test_limit_changes_the_model(engine, limit):
    """Each engine limit the large model runs into really changes it (the table is not padding)."""
    schema = examples.large()
    d = get_dialect(engine)
    assert LIMITS[limit].apply(schema, d) != schema


def test_duckdb_drops_fk_closing_a_cycle_and_says_so():
    """On DuckDB the FK closing departments <-> employees is left out, with an SQL comment."""
    stmts = statements(examples.large(), "duckdb")
    notes = [s.note for s in stmts if s.kind == "note"]
    assert any("fk_departments_manager_id_employees" in n and "cycle" in n for n in notes)
    kept = storable(examples.large(), "duckdb")
    assert [fk.ref_table for fk in kept.table("departments").foreign_keys] == ["departments"]


def test_cycle_is_closed_by_alter_on_postgresql_and_mysql():
    """Where ALTER TABLE ADD CONSTRAINT exists, the cycle-closing FK comes after all tables."""
    for dialect in ("postgresql", "mysql"):
        stmts = [s for s in statements(examples.large(), dialect) if s.sql]
        last = stmts[-1]
        assert last.kind == "constraint"
        assert "ALTER TABLE" in last.sql
        assert "fk_departments_manager_id_employees" in last.sql


def test_sqlite_enforces_foreign_keys_after_apply(sqlite_url):
    """SQLite engines from ddl.create_engine turn on PRAGMA foreign_keys, so a dangling
    reference is refused."""
    apply(examples.ecommerce(), sqlite_url)
    engine = create_engine(sqlite_url)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO order_items (id, order_id, product_id, quantity, unit_price, subtotal) "
            "VALUES ('a', 'no-such-order', 'no-such-product', 1, 1, 1)")
    engine.dispose()


def test_identity_and_defaults_work_on_insert(engine_url):
    """Identity keys are filled by the engine on insert."""
    m = Model()
    m.add_table("regions", id="integer pk identity", code="char(2) unique not null", name="varchar(80) not null")
    apply(m.schema, engine_url)
    engine = create_engine(engine_url)
    regions = sa.table("regions", sa.column("id"), sa.column("code"), sa.column("name"))
    with engine.begin() as conn:
        conn.execute(regions.insert(), [{"code": "EU", "name": "Europe"}, {"code": "AS", "name": "Asia"}])
        ids = conn.execute(sa.select(regions.c.id).order_by(regions.c.id)).scalars().all()
    assert ids == [1, 2]
    engine.dispose()


def test_generated_column_round_trips(engine_url):
    """A generated (computed) column is created and read back with its expression."""
    t = Table("boxes", columns=(Column("id", DataType("integer")), Column("w", DataType("integer")),
                                Column("h", DataType("integer")),
                                Column("area", DataType("integer"), generated="w * h")), primary_key=("id",))
    schema = Schema(tables=(t,))
    apply(schema, engine_url)
    back = reflect(engine_url)
    assert back == storable(schema, engine_url)
    assert back.table("boxes").column("area").generated == "w * h"


def test_reflect_include_and_unknown_tables(sqlite_url):
    """include limits the tables; foreign keys to tables left out are dropped."""
    apply(examples.ecommerce(), sqlite_url)
    part = reflect(sqlite_url, include=["orders", "users"])
    assert part.table_names == ("orders", "users")
    assert [fk.ref_table for fk in part.table("orders").foreign_keys] == ["users"]
    assert reflect(sqlite_url, include=lambda n: n.startswith("order")).table_names == ("order_items", "orders")


@pytest.mark.parametrize("fixture", ["sqlite_url", "duckdb_url",
                                     pytest.param("postgres_url", marks=pytest.mark.postgres)])
def test_reflect_expression_index_is_reported(fixture, request):
    """An index on an expression, which the model cannot hold, is left out with a warning naming it."""
    url = request.getfixturevalue(fixture)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (a TEXT PRIMARY KEY)")
        conn.exec_driver_sql("CREATE INDEX ix_lower ON t (lower(a))")
    engine.dispose()
    with pytest.warns(ReflectionWarning, match="t: index ix_lower is on an expression"):
        back = reflect(url)
    assert back.table("t").indexes == ()


@pytest.mark.parametrize(("text", "type_", "dialect", "expected"), [
    ("'USD'::bpchar", "char(3)", "postgresql", Default("literal", "USD")),
    ("'-1'::integer", "integer", "postgresql", Default("literal", -1)),
    ("now()", "timestamptz", "postgresql", Default("now")),
    ("nextval('t_id_seq'::regclass)", "integer", "postgresql", Default("identity")),
    ("gen_random_uuid()", "uuid", "duckdb", Default("uuid")),
    ("current_timestamp(6)", "timestamptz", "mysql", Default("now")),
    ("uuid()", "uuid", "mysql", Default("uuid")),
    ("0.00", "decimal(10,2)", "mysql", Default("literal", 0)),
    ("'0'", "boolean", "mysql", Default("literal", False)),
    ("NULL", "text", "mysql", None),
    ("(lower('X'))", "text", "sqlite", Default("expression", "LOWER('X')")),
])
def test_read_default(text, type_, dialect, expected):
    """Engine spellings of defaults come back as the model's logical defaults."""
    got = read_default(text, DataType.parse(type_), dialect)
    assert got == expected
    if expected is not None and expected.kind == "literal":
        assert type(got.value) is type(expected.value) or isinstance(expected.value, int)


def test_read_type_table():
    """Engine type objects map to logical types, and an unknown one is a ModelError."""
    from sqlalchemy.dialects import mysql, postgresql

    assert read_type(postgresql.TIMESTAMP(timezone=True), "postgresql") == DataType("timestamptz")
    assert read_type(mysql.TIMESTAMP(fsp=6), "mysql") == DataType("timestamptz")
    assert read_type(mysql.DATETIME(fsp=6), "mysql") == DataType("timestamp")
    assert read_type(mysql.TINYINT(display_width=1), "mysql") == DataType("boolean")
    assert read_type(sa.CHAR(36), "sqlite") == DataType("uuid")
    assert read_type(sa.CHAR(36), "postgresql") == DataType("char", 36)
    with pytest.raises(ModelError):
        read_type(sa.types.NullType(), "sqlite")


def test_check_text_normalisation_makes_spellings_equal(postgres_url):
    """PostgreSQL's rewritten check text (casts, ANY(ARRAY[...]), parentheses) reads back equal to
    the model's expression."""
    t = Table("pay", columns=(Column("id", DataType("integer")), Column("method", DataType("varchar", 10)),
                              Column("amount", DataType("decimal", precision=8, scale=2))),
              primary_key=("id",),
              checks=(Check("method IN ('card', 'cash') AND (amount > 0 OR amount IS NULL)"),),
              indexes=(Index(("method",), where="NOT amount IS NULL AND method <> 'cash'"),))
    schema = Schema(tables=(t,))
    apply(schema, postgres_url)
    back = reflect(postgres_url)
    assert back == storable(schema, "postgresql")
    assert back.table("pay").checks[0].expression == "method IN ('card', 'cash') AND (amount > 0 OR amount IS NULL)"


def test_enum_sharing_on_mysql_and_duckdb(engine_url):
    """Two columns on one enum, and an unused enum: each engine gives back what storable says."""
    m = Model()
    m.add_enum("mood", "happy", "sad")
    m.add_enum("unused", "x")
    m.add_table("people", id="integer pk", mood="enum(mood) not null default 'happy'", past="enum(mood)")
    schema = m.schema
    apply(schema, engine_url)
    back = reflect(engine_url)
    assert back == storable(schema, engine_url)
    d = get_dialect(sa.make_url(engine_url))
    if d.enum_style == "type":
        assert back.enums == (Enum("mood", ("happy", "sad")), Enum("unused", ("x",)))
    elif d.enum_style == "inline":
        assert back.enums == (Enum("people_mood", ("happy", "sad")),)
        assert back.table("people").column("past").type == DataType("enum", enum="people_mood")


def test_storable_is_idempotent():
    """Applying the limits twice changes nothing more: storable(storable(m)) == storable(m)."""
    schema = examples.large()
    for engine in ENGINE_LIMITS:
        once = storable(schema, engine)
        assert storable(once, engine) == once


def test_storable_keeps_design_metadata_out():
    """Design-only notes (sensitive, group, flags) are not expected back from any engine."""
    schema = examples.ecommerce()
    assert schema.table("users").column("email").sensitive
    for engine in ENGINE_LIMITS:
        kept = storable(schema, engine)
        assert not kept.table("users").column("email").sensitive
        assert kept.table("users").group is None
        assert replace(kept, name=None) == kept


@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
def test_random_schemas_round_trip_or_are_refused_cleanly(engine, tmp_path_factory):
    """For random valid schemas (odd names, every type, keys, partial indexes, checks, generated
    columns), apply then reflect equals storable, or the engine refuses with a ModelError and the
    database is left empty."""
    folder = tmp_path_factory.mktemp(f"random_{engine}")
    counter = iter(range(10**6))

    @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(schemas(max_tables=3))
    def check(schema):
        url = f"{engine}:///{folder / f'db{next(counter)}'}"
        try:
            apply(schema, url)
        except ModelError as e:
            refused = str(e)
        else:
            refused = ""
        if refused:
            assert "failed:" in refused
            assert reflect(url).tables == ()
        else:
            assert reflect(url) == storable(schema, engine)

    check()


def edge_model() -> Schema:
    """Types and keys engines store differently: TEXT keys, INTERVAL keys, bare DECIMAL, FLOAT
    defaults, an emoji comment and a unique constraint repeating the primary key."""
    t = Table("edge", columns=(
        Column("id", DataType("integer")),
        Column("body", DataType("text")),
        Column("span", DataType("interval")),
        Column("amount", DataType("decimal")),
        Column("whole", DataType("decimal", precision=7)),
        Column("ratio", DataType("real"), default=Default("literal", 123456.789)),
        Column("label", DataType("varchar")),
    ), primary_key=("id",), comment="party \U0001F389 time",
        uniques=(Unique(("id",)), Unique(("body",))),
        indexes=(Index(("body",)), Index(("span",)), Index(("label",), name="ix_edge_label")))
    return Schema(tables=(t,))


def test_edge_types_round_trip(engine_url):
    """TEXT/INTERVAL keys, bare DECIMAL, FLOAT defaults and non-BMP comments come back as
    storable says on every engine (the engine's refusals become left-out keys with notes)."""
    schema = edge_model()
    apply(schema, engine_url)
    back = reflect(engine_url)
    assert back == storable(schema, engine_url)
    d = get_dialect(sa.make_url(engine_url))
    kept = {i.name for i in back.table("edge").indexes}
    assert ("ix_edge_span" in kept) == ("interval" not in d.unindexable_kinds)
    assert "ix_edge_body" in kept  # a plain index on TEXT is kept (MySQL: on a prefix)
    assert back.table("edge").uniques == (() if d.prefix_key_kinds else (Unique(("body",), name="uq_edge_body"),))


def test_edge_notes_say_what_was_left_out():
    """The DDL says which keys an engine could not create and why."""
    mysql = create_sql(edge_model(), "mysql")
    assert "unique constraint uq_edge_body left out" in mysql
    assert "index ix_edge_body covers the first 255 characters of body" in mysql
    assert "`body`(255)" in mysql or "body(255)" in mysql
    duck = create_sql(edge_model(), "duckdb")
    assert "index ix_edge_span left out: duckdb cannot index these column types" in duck
    for dialect in ("postgresql", "mysql", "sqlite", "duckdb"):
        assert "unique constraint uq_edge_id repeats the primary key" in create_sql(edge_model(), dialect)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_example_files_are_the_models_round_tripped(example):
    """examples/<name>.yaml is the very model the round-trip tests apply, so they cover the file."""
    from pathlib import Path

    from dbmodel_kit.io import load

    path = Path(__file__).parent.parent / "examples" / f"{example}.yaml"
    assert load(path) == EXAMPLES[example]()
