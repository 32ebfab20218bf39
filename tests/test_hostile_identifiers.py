"""Hostile identifiers (quotes, backticks, spaces, ``;``, reserved words, unicode, long names) and
literals are quoted by SQLAlchemy on all four engines: they round-trip exactly and run nothing else."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import sqlglot
from sqlglot.tokens import TokenType

from dbmodel_kit.ddl import apply, create_engine, create_sql
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.dialects import DIALECTS, get_dialect
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.model import Check, Column, DataType, Default, Enum, ForeignKey, Index, Model, Schema, Table, Unique

INJECT_TABLE = 'x"; DROP TABLE users; --'
INJECT_COLUMN = 'y`); DROP TABLE users; --'
LONG = "t" * 55 + "_long_ok"  # 63 bytes: the longest name PostgreSQL keeps


def hostile() -> Schema:
    """A model whose every name and literal is something a naive emitter would break on."""
    kind = "it's \"kind\""
    inject = Table(INJECT_TABLE, columns=(
        Column("id", DataType("integer"), default=Default("identity")),
        Column(INJECT_COLUMN, DataType("varchar", 40), nullable=False,
               default=Default("literal", "it's; DROP TABLE users; --")),
    ), primary_key=("id",))
    order = Table("order", columns=(
        Column("id", DataType("integer")),
        Column("select", DataType("varchar", 20), nullable=False, default=Default("literal", "C:\\path\\n%s")),
        Column("user", DataType("integer"), nullable=False),
        Column("group by", DataType("decimal", precision=10, scale=2)),
        Column("prénom 名前", DataType("varchar", 30), comment="na\u00efve \u2013 \u201cquoted\u201d it's"),
        Column("kind", DataType("enum", enum=kind), nullable=False, default=Default("literal", "a'b")),
        Column("50% off", DataType("boolean"), nullable=False, default=Default("literal", False)),
        Column(LONG, DataType("text")),
    ), primary_key=("id",),
        foreign_keys=(ForeignKey(("user",), INJECT_TABLE, ("id",), on_delete="CASCADE"),),
        uniques=(Unique(("select",)),),
        checks=(Check('"group by" >= 0'),),
        indexes=(Index(("user", "group by"), where='"group by" > 0'), Index(("prénom 名前",), unique=True)),
        comment="it's a 'comment';\nDROP TABLE users; -- with a new line")
    items = Table("order items", columns=(
        Column("order", DataType("integer"), nullable=False),
        Column("line;no", DataType("smallint"), nullable=False),
    ), primary_key=("order", "line;no"), foreign_keys=(ForeignKey(("order",), "order", ("id",)),),
        checks=(Check('"line;no" > 0'),))
    return Schema(tables=(inject, order, items),
                  enums=(Enum(kind, ("a'b", 'c"d', "e`f", "g\\h", "ü ñ")),))


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_hostile_ddl_compiles_without_raw_names(dialect):
    """The DDL names every hostile identifier only in its quoted form, never bare."""
    sql = create_sql(hostile(), dialect)
    quote = get_dialect(dialect).compile_dialect().identifier_preparer.quote
    assert quote(INJECT_TABLE) in sql
    assert quote(INJECT_TABLE) != INJECT_TABLE
    # "DROP" appears only inside quoted identifiers, string literals and comments: the engine's
    # tokenizer (sqlglot's for the dialect) sees no DROP keyword and one statement per CREATE/COMMENT
    tokens = sqlglot.tokenize(sql, read=get_dialect(dialect).sqlglot)
    assert "DROP" in sql
    assert [t for t in tokens if t.token_type == TokenType.DROP] == []


def test_hostile_round_trip(engine_url):
    """A model of hostile names and literals comes back from each engine exactly as stored."""
    schema = hostile()
    apply(schema, engine_url)
    assert reflect(engine_url) == storable(schema, engine_url)


def test_injection_table_is_created_and_nothing_else_happens(engine_url):
    """A table named like an injection is created under exactly that name; the existing users
    table and its rows are untouched."""
    engine = create_engine(engine_url)
    meta = sa.MetaData()
    users = sa.Table("users", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                     sa.Column("name", sa.String(20)))
    with engine.begin() as conn:
        meta.create_all(conn)
        conn.execute(users.insert(), [{"id": 1, "name": "ada"}, {"id": 2, "name": "grace"}])
    m = Model()
    m.add_table(INJECT_TABLE, id="integer pk", **{INJECT_COLUMN: "varchar(40) default 'x'' ; DROP TABLE users; --'"})
    apply(m.schema, engine)
    found = reflect(engine)
    assert found.table_names == tuple(sorted(["users", INJECT_TABLE]))
    assert found.table(INJECT_TABLE).column_names == ("id", INJECT_COLUMN)
    with engine.connect() as conn:
        assert conn.execute(sa.select(users.c.name).order_by(users.c.id)).scalars().all() == ["ada", "grace"]
        hostile_table = sa.table(INJECT_TABLE, sa.column("id"), sa.column(INJECT_COLUMN))
        conn.execute(hostile_table.insert().values(id=1))
        assert conn.execute(sa.select(hostile_table.c[INJECT_COLUMN])).scalar() == "x' ; DROP TABLE users; --"
    engine.dispose()


@pytest.mark.parametrize(("dialect", "name"), [
    ("mysql", "t" * 65),
    ("mysql", "*" * 51),  # 255 bytes as a file name (@002a each): 'File name too long'
    ("mysql", "名" * 51),
    ("mysql", "emoji_\U0001F600"),
    ("mysql", "trailing space "),
])
def test_identifier_the_engine_would_refuse_is_refused(dialect, name):
    """A name the engine would refuse raises ModelError naming the table before any SQL runs."""
    m = Model()
    m.add_table(name, id="integer pk")
    with pytest.raises(ModelError) as err:
        create_sql(m.schema, dialect)
    assert name in str(err.value)


@pytest.mark.parametrize(("name", "cut"), [("t" * 64, "t" * 63), ("é" * 32, "é" * 31)])
def test_identifier_postgresql_would_cut_is_cut_and_said(name, cut):
    """A name over PostgreSQL's 63 bytes is cut as PostgreSQL cuts it (on a character boundary),
    and the DDL says so; two names that become one are refused naming both."""
    m = Model()
    m.add_table(name, id="integer pk")
    sql = create_sql(m.schema, "postgresql")
    assert f"CREATE TABLE {cut} (" in sql or f'CREATE TABLE "{cut}" (' in sql
    assert f"-- postgresql: table {name} is named {cut} (postgresql cuts names to 63 bytes)" in sql
    m.add_table(cut, id="integer pk")
    with pytest.raises(ModelError, match="are one name on postgresql"):
        create_sql(m.schema, "postgresql")


@pytest.mark.parametrize("fmt", ["sql", "alembic"])
def test_migration_to_a_name_postgresql_would_cut_is_refused_alike(fmt):
    """A migration that creates a table whose name PostgreSQL would cut is refused the same way
    as SQL and as an Alembic revision (which once failed later with a confusing 'no table')."""
    from dbmodel_kit.migrate import diff

    name = "t" * 70
    m = Model()
    m.add_table(name, id="integer pk")
    plan = diff(Schema(), m.schema)
    with pytest.raises(ModelError, match=r"step 1 \(add table t+\): table t+ is named t{63} "
                                         r"\(postgresql cuts names to 63 bytes\); rename it in the model first"):
        plan.to_sql("postgresql") if fmt == "sql" else plan.to_alembic(dialect="postgresql")


def test_long_names_fit_everywhere():
    """A 63-byte table name is accepted by every dialect (the shortest limit, PostgreSQL's)."""
    m = Model()
    m.add_table(LONG, id="integer pk")
    for d in DIALECTS:
        assert create_sql(m.schema, d).count(LONG) >= 1


@pytest.mark.parametrize(("dialect", "name", "rule"), [
    ("postgresql", "ctid", "system column name on postgresql"),
    ("postgresql", "xmin", "system column name on postgresql"),
    ("mysql", "tab\t", "end with a space"),
    ("mysql", "line\n", "end with a space"),
    ("mysql", 'x"\ny', "line break"),
])
def test_column_name_the_engine_refuses_is_refused_by_ddl(dialect, name, rule):
    """Names found by the fuzz (tests/fuzz_hostile.py) that an engine refused at apply time, or
    gave back changed, are refused by ``ddl`` for that engine, naming its rule."""
    m = Model()
    m.add_table("t", id="integer pk", **{name: "text"})
    with pytest.raises(ModelError, match=rule):
        create_sql(m.schema, dialect)
    others = [d for d in ("sqlite", "duckdb", "postgresql", "mysql") if d != dialect]
    for d in others:
        if not (d == "mysql" and name[-1] in "\t\n"):
            create_sql(m.schema, d)


@pytest.mark.parametrize("name", ["offset", "returning", "body", "current_date", "ALL", "current_user", "CTID"])
def test_keyword_names_round_trip(name, engine_url):
    """Words one engine reserves (MariaDB's offset/returning/body, which MySQL does not) are quoted,
    and an index on a column named like a keyword function (which DuckDB writes unquoted in its
    index text) reads back as that column."""
    m = Model()
    m.add_table(name, id="integer pk", **{name: "varchar(20)"})
    m.add_index(name, name)
    apply(m.schema, engine_url)
    assert reflect(engine_url) == storable(m.schema, engine_url)


@pytest.mark.mysql
def test_longest_file_names_mysql_takes_are_taken(mysql_url):
    """Just under the file-name limit: 50 characters written as @xxxx, 64 written as @xx (é)."""
    m = Model()
    for name in ("*" * 50, "名" * 50, "é" * 64):
        m.add_table(name, id="integer pk")
    apply(m.schema, mysql_url)
    assert reflect(mysql_url) == storable(m.schema, mysql_url)


#: Words some engine reads as a keyword (DuckDB's ``at``, MariaDB's ``offset``, SQLite's ``window``...)
#: that the model takes as table and column names
KEYWORDS = ("at", "order", "group", "user", "values", "key", "interval", "range", "window", "offset")


def keyword_plan():
    """A migration over tables and columns named by :data:`KEYWORDS` whose steps each make the kit
    read or write rows by those names: the preflight (NULLs, duplicates, orphans, CHECKs), table
    rebuilds (SQLite, DuckDB), a NOT NULL column filled by its default, renames."""
    from dbmodel_kit.migrate import Plan

    m = Model()
    m.add_table_from("user", {"id": "integer pk", "at": "timestamp", "order": "integer", "group": "varchar(20)",
                              "values": "integer", "key": "varchar(30) unique"})
    m.add_table_from("order", {"id": "integer pk", "user": "integer not null", "interval": "integer",
                               "range": "varchar(10)", "window": "integer", "offset": "integer"})
    cp = m.checkpoint()
    m.add_column("user", "range", "integer not null default 0")
    m.rename_column("user.order", "offset")
    m.alter_column("user.group", type="varchar(40)")
    m.alter_column("order.interval", nullable=False, default=1)
    m.add_index("order", "window", "offset")
    m.add_unique("order", "range")
    m.add_unique("user", "at")
    m.add_check("order", '"window" >= 0')
    m.add_foreign_key("order.user", "user")
    m.rename_table("order", "values")
    plan = m.plan_since(cp)
    assert isinstance(plan, Plan)
    return plan


def test_keyword_names_migrate_up_down_up(engine_url):
    """verify (seed, snapshot, preflight, apply, up -> down -> up) reads and writes the rows of
    tables and columns named by keywords: every query quotes them as the DDL does."""
    from dbmodel_kit.migrate.apply import verify

    plan = keyword_plan()
    used = {n for s in (plan.old, plan.new) for t in s.tables for n in (t.name, *(c.name for c in t.columns))}
    assert used >= set(KEYWORDS)
    result = verify(plan, url=engine_url)
    assert result.ok, str(result)
    assert "seeded user=3, order=3" in str(result)
    assert "every seeded row is back unchanged" in str(result)


def test_keyword_names_preflight_finds_the_rows(engine_url):
    """The preflight's queries over keyword-named columns run and count the rows that break a step."""
    from dbmodel_kit.migrate.apply import Refused, seed
    from dbmodel_kit.migrate.apply import apply as migrate

    plan = keyword_plan()
    apply(plan.old, engine_url)
    assert seed(plan.old, engine_url) == {"user": 3, "order": 3}
    q = get_dialect(engine_url).compile_dialect().identifier_preparer.quote
    engine = create_engine(engine_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {q('user')} SET {q('at')} = (SELECT MIN({q('at')}) FROM {q('user')} AS u)"
                             if not engine_url.startswith("mysql") else
                             f"UPDATE {q('user')} SET {q('at')} = '2020-01-01 00:00:00'"))
        conn.execute(sa.text(f"UPDATE {q('order')} SET {q('interval')} = NULL, {q('range')} = 'x'"))
    engine.dispose()
    with pytest.raises(Refused) as e:
        migrate(plan, engine_url)
    text = str(e.value)
    for found in ("MF104", "3 row(s) of order hold NULL in interval", "MF101", "value(s) of (range) in order",
                  "value(s) of (at) in user"):
        assert found in text


@pytest.mark.mysql
def test_tables_named_alike_but_for_case_keep_their_keys_and_checks_on_mysql(mysql_url):
    """Tables `and`, `AND` and `And` (three tables on Linux) each with a foreign key and a CHECK named
    after the table: InnoDB compares foreign-key names without case (fk_and_... and fk_AND_... were
    one name: errno 121), so the DDL gives each its table's prefix; and each table reads back its
    own CHECK only (information_schema's collation ignores case: table `AND` read the checks of all
    three)."""
    from dbmodel_kit.ddl.names import physical
    from dbmodel_kit.migrate.plan import canonical

    tables = [Table("canary", columns=(Column("id", DataType("integer")),), primary_key=("id",))]
    for i, name in enumerate(("and", "AND", "And")):
        tables.append(Table(name, columns=(Column("id", DataType("integer")), Column("canary_id", DataType("integer"))),
                            primary_key=("id",), checks=(Check(f"id >= {i}"),),
                            foreign_keys=(ForeignKey(("canary_id",), "canary", ("id",)),)))
    schema = Schema(tuple(tables))
    stored, notes = physical(schema, "mysql")
    fks = [fk.name for t in stored.tables for fk in t.foreign_keys]
    assert len({n.lower() for n in fks}) == 3, fks
    assert len(notes) == 3, notes
    apply(schema, mysql_url)
    got = canonical(reflect(mysql_url))
    assert got == canonical(physical(storable(schema, "mysql"), "mysql")[0])
    assert [c.expression for c in got.table("AND").checks] == ["id >= 1"]
