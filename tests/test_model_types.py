"""What real schemas hold in their column types: unsigned integers, YEAR, SET, HUGEINT, network,
spatial and full-text types, arrays, domains, collations and native spellings (issue 16)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit import Check, Column, DataType, Domain, Enum, ForeignKey, Model, ModelError, Schema, Table
from dbmodel_kit.ddl import apply, create_sql, stored_type
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import statements as plan_statements
from dbmodel_kit.model import ops

DIALECTS = ("postgresql", "mysql", "sqlite", "duckdb")


@pytest.mark.parametrize("text", [
    "tinyint", "integer unsigned", "bigint unsigned", "hugeint", "hugeint unsigned", "decimal(10,2) unsigned",
    "year", "set(tags)", "inet", "cidr", "macaddr", "geometry", "geometry(point)", "geometry(polygon,4326)",
    "tsvector", "citext", "cube", "text[]", "varchar(20)[]", "integer[][]", "enum(mood)[]", "domain(year)",
    "bytes(64)", "timestamp(0)", "timestamptz(3)", "time(6)", "native(postgresql: int4range)",
    "text native(mysql: mediumtext)", "varchar(20) collate(mysql: utf8mb4_bin, sqlite: nocase)",
    "integer unsigned native(mysql: 'mediumint(8) unsigned')", "enum(\"my (odd) type\")",
])
def test_new_types_round_trip_as_text(text: str) -> None:
    """Every new kind and detail prints as text that parses back to the same type."""
    t = DataType.parse(text)
    assert str(t) == text
    assert DataType.parse(str(t)) == t


@pytest.mark.parametrize(("spelling", "expected"), [
    ("INT UNSIGNED", "integer unsigned"), ("UTINYINT", "tinyint unsigned"), ("UBIGINT", "bigint unsigned"),
    ("UHUGEINT", "hugeint unsigned"), ("TINYINT", "tinyint"), ("HUGEINT", "hugeint"), ("VARCHAR(160)", "varchar(160)"),
    ("POINT", "geometry(point)"), ("inet6", "inet"), ("DATETIME(6)", "timestamp(6)"),
    ("timestamp(3) with time zone", "timestamptz(3)"), ("character varying(20)[]", "varchar(20)[]"),
])
def test_types_are_never_narrowed_or_widened(spelling: str, expected: str) -> None:
    """An unsigned, 1-byte, 128-bit or sized type keeps what it is instead of folding to a near kind."""
    assert str(DataType.parse(spelling)) == expected
    assert DataType.parse("int unsigned") != DataType("integer")
    assert DataType.parse("tinyint") != DataType("smallint")


@pytest.mark.parametrize(("text", "message"), [
    ("frobnicate", "unknown type"), ("text unsigned", "cannot be unsigned"), ("geometry(circle)", "shape"),
    ("timestamp(9)", "0..6"), ("int[4]", "sizes are not kept"), ("set('a','b')", "declared as an enum"),
    ("native(oracle: number)", "unknown dialect"), ("native", "spelling per dialect"),
    ("text native(mysql: 'int; DROP TABLE users')", "statement end"),
    ("text native(postgresql: 'int -- x')", "comment"),
    ("text native(mysql: 'int, evil int')", "one type"),
    ("text native(mysql: 'int) (')", "one type"),
    ("integer collate(mysql: utf8mb4_bin)", "no collation"),
])
def test_bad_types_are_refused(text: str, message: str) -> None:
    """Malformed or hostile type text is a ModelError saying why (a native spelling is pasted into DDL)."""
    with pytest.raises(ModelError, match=message):
        DataType.parse(text)


def test_native_spellings_are_canonical() -> None:
    """Dialect names fold to the four targets and unquoted spellings to lower case, so a dump and a
    catalog that spell one type differently give equal models."""
    a = DataType("text", native={"MariaDB": "MEDIUMTEXT"})
    b = DataType.parse("text native(mysql: mediumtext)")
    assert a == b
    assert a.native_for("mysql") == "mediumtext"
    assert a.native_for("sqlite") is None
    assert DataType("native", native={"pg": "INT4RANGE"}) == DataType.parse("native(postgresql: int4range)")
    assert b.with_native("mysql", None) == DataType("text")
    assert b.logical == DataType("text")


def test_native_type_is_used_on_its_dialect_and_refused_elsewhere() -> None:
    """A native spelling is written as is on its own engine; a ``native`` kind anywhere else stops the
    DDL with an error naming the column, while a logical kind with a native spelling falls back to
    the logical mapping."""
    t = Table("t", (Column("id", "integer"), Column("span", "native(postgresql: int4range)"),
                    Column("body", "text native(mysql: mediumtext)")), primary_key=("id",))
    s = Schema((t,))
    assert "span int4range" in create_sql(s, "postgresql")
    assert "body TEXT" in create_sql(s, "postgresql")
    for dialect in ("mysql", "sqlite", "duckdb"):
        with pytest.raises(ModelError, match=r"t\.span: .*native to postgresql.*no " + dialect):
            create_sql(s, dialect)
    only_mysql = Schema((Table("t", (Column("id", "integer"), Column("body", "text native(mysql: mediumtext)")),
                               primary_key=("id",)),))
    # ``body`` is a MariaDB keyword (a syntax error bare under sql_mode=ORACLE), so the MySQL DDL quotes it
    assert "`body` mediumtext" in create_sql(only_mysql, "mysql")


@pytest.mark.parametrize(("text", "dialect", "compiled", "note"), [
    ("integer unsigned", "postgresql", "BIGINT", "stored as bigint"),
    ("bigint unsigned", "sqlite", "NUMERIC(20, 0)", "stored as decimal(20,0)"),
    ("integer unsigned", "mysql", "INTEGER UNSIGNED", None),
    ("smallint unsigned", "duckdb", "USMALLINT", None),
    ("year", "postgresql", "SMALLINT", "no YEAR type"),
    ("year", "mysql", "YEAR", None),
    ("hugeint", "duckdb", "HUGEINT", None),
    ("hugeint", "mysql", "DECIMAL(39, 0)", "128-bit"),
    ("inet", "mysql", "INET6", None),
    ("inet", "duckdb", "VARCHAR", "inet extension"),
    ("geometry(point)", "postgresql", "point", "PostGIS is not assumed"),
    ("geometry(point)", "mysql", "POINT", None),
    ("text[]", "duckdb", "VARCHAR[]", None),
    ("text[]", "mysql", "JSON", "JSON array"),
    ("set(tags)", "mysql", "SET('a','b')", None),
    ("set(tags)", "postgresql", "tags[]", "array of enum tags"),
    ("set(tags)", "sqlite", "TEXT", "comma-separated"),
    ("citext", "duckdb", "VARCHAR COLLATE NOCASE", None),
    ("varchar(20) collate(mysql: utf8mb4_bin)", "mysql", "VARCHAR(20) COLLATE utf8mb4_bin", None),
    ("varchar(20) collate(mysql: utf8mb4_bin)", "postgresql", "VARCHAR(20)", "not carried to postgresql"),
    ("timestamp(0)", "mysql", "DATETIME", None),
    ("bytes(64)", "mysql", "VARBINARY(64)", None),
])
def test_each_dialect_stores_each_kind_and_says_where_it_approximates(text, dialect, compiled, note) -> None:
    """The per-dialect mapping is stated: an exact type where the engine has one, else the nearest
    type and a note saying what it is and why."""
    schema = Schema(enums=(Enum("tags", ("a", "b")),))
    satype, notes = stored_type(text, dialect, schema)
    assert satype.compile(dialect=get_dialect(dialect).compile_dialect()) == compiled
    if note is None:
        assert notes == []
    else:
        assert any(note in n for n in notes), notes


def test_cube_is_refused_outside_postgresql_naming_the_column() -> None:
    """A kind an engine cannot hold stops its DDL with the column's name and the reason."""
    s = Schema((Table("t", (Column("id", "integer"), Column("c", "cube")), primary_key=("id",)),))
    assert "CREATE EXTENSION IF NOT EXISTS cube" in create_sql(s, "postgresql")
    with pytest.raises(ModelError, match=r"t\.c: type cube: MySQL has no cube type"):
        create_sql(s, "mysql")


# -- domains -----------------------------------------------------------------------------------

def _film(*extra: Column, enums: tuple[Enum, ...] = ()) -> Schema:
    year = Domain("year", "integer", checks=("VALUE >= 1901 AND VALUE <= 2155",))
    nonneg = Domain("amount", "decimal(8,2)", nullable=False, default=0, checks=("value >= 0", "value < 1000000"),
                    comment="money, never negative")
    film = Table("film", (Column("id", "integer"), Column("release_year", "domain(year)"),
                          Column("price", "domain(amount)"), *extra), primary_key=("id",))
    return Schema((film,), enums, domains=(year, nonneg))


def test_domain_checks_are_named_like_postgresql_and_use_value() -> None:
    """Unnamed domain checks get PostgreSQL's names; the subject is spelled ``value`` in any case."""
    s = _film()
    assert [ck.name for ck in s.domain("amount").checks] == ["amount_check", "amount_check1"]
    assert s.domain("year").checks[0].expression == "value >= 1901 AND value <= 2155"
    with pytest.raises(ModelError, match="only value"):
        Domain("bad", "integer", checks=("price > 0",))


def test_domain_must_be_declared_and_not_circular() -> None:
    """A column naming an undeclared domain, or domains based on each other, are refused."""
    with pytest.raises(ModelError, match=r"t\.y: type domain\(nope\) names a domain"):
        Schema((Table("t", (Column("y", "domain(nope)"),)),))
    with pytest.raises(ModelError, match="based on itself"):
        Schema(domains=(Domain("a", "domain(b)"), Domain("b", "domain(a)")))
    with pytest.raises(ModelError, match="declared twice"):
        Schema(enums=(Enum("x", ("a",)),), domains=(Domain("x", "integer"),))


def test_domain_column_joins_its_base_type_in_a_foreign_key() -> None:
    """A foreign key from a domain column to a column of the domain's base type is accepted."""
    ids = Domain("ident", "bigint")
    parent = Table("p", (Column("id", "bigint"),), primary_key=("id",))
    child = Table("c", (Column("id", "integer"), Column("p_id", "domain(ident)")), primary_key=("id",),
                  foreign_keys=(ForeignKey(("p_id",), "p"),))
    assert Schema((parent, child), domains=(ids,)).table("c").foreign_keys[0].ref_columns == ("id",)


def test_yaml_keeps_every_new_type_and_domains() -> None:
    """YAML -> Schema -> YAML is lossless for the new kinds, native spellings, collations and domains."""
    s = _film(Column("flags", "set(tags)"), Column("ip", "inet"), Column("pos", "geometry(point,4326)"),
              Column("words", "text[]"), Column("n", "integer unsigned native(mysql: 'mediumint(8) unsigned')"),
              Column("code", "varchar(10) collate(mysql: utf8mb4_bin, postgresql: C)"),
              Column("span", "native(postgresql: int4range)"), enums=(Enum("tags", ("a", "b")),))
    odd = Domain("odd", "text", checks=(Check("value <> ''", "not_empty"),))
    s = Schema(s.tables, s.enums, domains=(*s.domains, odd))
    text = write_yaml(s)
    assert "  amount:\n    spec: decimal(8,2) not null default 0 check (value >= 0) check (value < 1000000)" in text
    assert "      - {name: not_empty, expression: value <> ''}" in text
    assert read_yaml(text) == s
    assert write_yaml(read_yaml(text)) == text


def test_yaml_domain_errors_name_the_line() -> None:
    """A domain spec with table-only parts is refused at its line."""
    text = "domains:\n  year: integer pk\ntables: {}\n"
    with pytest.raises(ModelError, match=r"<string>:2: domain year: a domain has a type"):
        read_yaml(text)


def test_domain_operations_apply_and_invert() -> None:
    """Add, alter and drop a domain; each inverse restores the schema; a used domain cannot go."""
    s0 = _film()
    add = ops.AddDomain(Domain("email", "citext", checks=("value LIKE '%@%'",)))
    s1 = add.apply(s0)
    assert add.inverse(s0).apply(s1) == s0
    alter = ops.AlterDomain("year", nullable=False, checks=())
    s2 = alter.apply(s1)
    assert s2.domain("year").checks == ()
    assert not s2.domain("year").nullable
    assert alter.inverse(s1).apply(s2) == s1
    with pytest.raises(ModelError, match=r"used by film\.release_year"):
        ops.DropDomain("year").apply(s2)
    drop = ops.DropDomain("email")
    assert drop.inverse(s1).apply(drop.apply(s1)) == s1
    m = Model(s0)
    m.apply(add)
    m.undo()
    assert m.schema == s0


def test_domain_ddl_on_postgresql_and_rules_on_columns_elsewhere() -> None:
    """PostgreSQL gets CREATE DOMAIN with every check, NOT NULL, default and comment; the other
    engines get the base type with the domain's rules on each column."""
    s = _film()
    pg = create_sql(s, "postgresql")
    assert "CREATE DOMAIN amount AS NUMERIC(8, 2) DEFAULT 0 CONSTRAINT amount_check CHECK (value >= 0)" in pg
    assert "ALTER DOMAIN amount ADD CONSTRAINT amount_check1 CHECK (value < 1000000)" in pg
    assert "ALTER DOMAIN amount SET NOT NULL" in pg
    assert "COMMENT ON DOMAIN amount IS 'money, never negative'" in pg
    my = create_sql(s, "mysql")
    assert "price NUMERIC(8, 2) NOT NULL DEFAULT 0" in my
    assert "CONSTRAINT ck_film_price_amount_check1 CHECK (`price` < 1000000)" in my


@pytest.mark.parametrize("dialect", DIALECTS)
def test_new_types_golden(dialect: str, golden) -> None:
    """The DDL of every new kind on each engine, notes included, is reviewed as a golden file."""
    golden(f"ddl/types/{dialect}.sql", create_sql(_showcase(dialect), dialect))


def _showcase(dialect: str) -> Schema:
    """One table with a column of every kind the engine can hold (cube only on PostgreSQL)."""
    cols = [Column("id", "integer"), Column("tiny", "tinyint"), Column("tiny_u", "tinyint unsigned"),
            Column("small_u", "smallint unsigned"), Column("int_u", "integer unsigned"),
            Column("big_u", "bigint unsigned"), Column("huge", "hugeint"), Column("money", "decimal(10,2) unsigned"),
            Column("yr", "year"), Column("flags", "set(tags)"), Column("ip", "inet"), Column("net", "cidr"),
            Column("mac", "macaddr"), Column("pos", "geometry(point)"), Column("area", "geometry(polygon)"),
            Column("words", "tsvector"), Column("email", "citext"), Column("labels", "text[]"),
            Column("moods", "enum(tags)[]"), Column("release_year", "domain(year)"), Column("hash", "bytes(64)"),
            Column("seen", "timestamp(0)"), Column("seen_tz", "timestamptz(3)"),
            Column("code", "varchar(10) collate(mysql: utf8mb4_bin, postgresql: C, sqlite: nocase, duckdb: nocase)"),
            Column("body", "text native(mysql: mediumtext)")]
    if dialect == "postgresql":
        cols += [Column("box", "cube"), Column("span", "native(postgresql: int4range)")]
    table = Table("showcase", tuple(cols), primary_key=("id",))
    year = Domain("year", "integer", checks=("value >= 1901 AND value <= 2155",))
    return Schema((table,), enums=(Enum("tags", ("a", "b")),), domains=(year,))


@pytest.mark.parametrize("engine_url", ["sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
                                        pytest.param("mysql", marks=pytest.mark.mysql)], indirect=True)
def test_new_types_apply_on_the_real_engines(engine_url: str) -> None:
    """The DDL of every new kind runs on the engine and makes every column."""
    d = get_dialect(engine_url)
    apply(_showcase(d.name), engine_url)
    engine = sa.create_engine(engine_url)
    try:
        with engine.connect() as conn:
            names = set(conn.execute(sa.text("SELECT * FROM showcase WHERE 1 = 0")).keys())
    finally:
        engine.dispose()
    assert {"tiny_u", "huge", "yr", "flags", "ip", "pos", "labels", "release_year", "body"} <= names


@pytest.mark.postgres
def test_domain_migration_runs_on_postgresql(postgres_url: str) -> None:
    """A diff that adds, alters and drops domains emits PostgreSQL DDL that runs."""
    old = _film()
    apply(old, postgres_url)
    new = ops.Batch((ops.AlterDomain("year", nullable=False, checks=("value > 1900",), default=2000),
                     ops.AddDomain(Domain("email", "citext")),
                     ops.AddColumn("film", Column("contact", "domain(email)")))).apply(old)
    stmts = plan_statements(diff(old, new), "postgresql")
    assert "ALTER DOMAIN year DROP CONSTRAINT year_check" in stmts
    assert "ALTER DOMAIN year SET NOT NULL" in stmts
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            for stmt in stmts:
                conn.exec_driver_sql(stmt)
            conn.exec_driver_sql("INSERT INTO film (id, price) VALUES (1, 2)")
            row = conn.exec_driver_sql("SELECT release_year FROM film").one()
    finally:
        engine.dispose()
    assert row[0] == 2000


def test_sample_data_covers_new_integer_kinds_and_names_the_rest() -> None:
    """Sample data fills tinyint/hugeint/unsigned columns; a kind without a generator is a clear
    error naming the column, and a values= hint fills it."""
    from dbmodel_kit.workload import sample

    t = Table("t", (Column("id", "integer"), Column("tiny", "tinyint unsigned"), Column("huge", "hugeint")),
              primary_key=("id",))
    db = sample(Schema((t,)), 20, engine="duckdb", progress=False)
    assert db.counts() == {"t": 20}
    # inet has sample values since 917879a; an array of arrays still has none
    grid = Table("h", (Column("id", "integer"), Column("grid", "integer[][]")), primary_key=("id",))
    with pytest.raises(ModelError, match=r"h\.grid: no sample values for type integer\[\]\[\]"):
        sample(Schema((grid,)), 5, engine="duckdb", progress=False)
    hinted = Table("h", (Column("id", "integer"), Column("grid", "integer[][]", hints={"values": ["[[1, 2], [3]]"]})),
                   primary_key=("id",))
    assert sample(Schema((hinted,)), 5, engine="duckdb", progress=False).counts() == {"h": 5}
