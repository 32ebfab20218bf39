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
    ("postgresql", "t" * 64),
    ("postgresql", "é" * 32),  # 64 bytes
    ("mysql", "t" * 65),
    ("mysql", "emoji_\U0001F600"),
    ("mysql", "trailing space "),
])
def test_identifier_the_engine_would_mangle_is_refused(dialect, name):
    """A name the engine would cut or refuse raises ModelError naming the table before any SQL runs."""
    m = Model()
    m.add_table(name, id="integer pk")
    with pytest.raises(ModelError) as err:
        create_sql(m.schema, dialect)
    assert name in str(err.value)


def test_long_names_fit_everywhere():
    """A 63-byte table name is accepted by every dialect (the shortest limit, PostgreSQL's)."""
    m = Model()
    m.add_table(LONG, id="integer pk")
    for d in DIALECTS:
        assert create_sql(m.schema, d).count(LONG) >= 1
