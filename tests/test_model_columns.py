"""Column details real schemas hold (issue 16): sequences behind defaults, MySQL's ON UPDATE
CURRENT_TIMESTAMP, collations, PostgreSQL E'...' strings and regular-expression CHECKs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit import Check, Column, Default, Model, ModelError, Schema, Table
from dbmodel_kit.ddl import apply, create_sql, drop_sql
from dbmodel_kit.ddl.sqltext import normalize, to_dialect
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import statements as plan_statements
from dbmodel_kit.model import ops
from dbmodel_kit.model.schema import Sequence
from dbmodel_kit.model.spec import format_column, parse_column

ENGINES = ["sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
           pytest.param("mysql", marks=pytest.mark.mysql)]


@pytest.mark.parametrize(("text", "name"), [
    ("nextval('film_film_id_seq'::regclass)", "film_film_id_seq"),
    ("nextval('public.film_film_id_seq'::regclass)", "public.film_film_id_seq"),
    ("NEXTVAL(`shop`.`order_seq`)", "shop.order_seq"),
    ("nextval('\"Odd Seq\"')", "Odd Seq"),
    ("NEXT VALUE FOR order_seq", "order_seq"),
])
def test_sequence_defaults_keep_their_sequence(text: str, name: str) -> None:
    """Every engine's spelling of a sequence default reads as a default naming its sequence."""
    d = Default.parse(text)
    assert d == Default("sequence", name)
    assert Default.parse(str(d)) == d


def _film() -> Schema:
    seq = Sequence("film_film_id_seq", start=1, increment=1, cache=1, type="integer", owned_by=("film", "film_id"))
    film = Table("film", (
        Column("film_id", "integer", nullable=False, default="nextval('film_film_id_seq'::regclass)"),
        Column("title", "varchar(255) collate(postgresql: C, mysql: utf8mb4_bin, sqlite: NOCASE, duckdb: nocase)",
               nullable=False),
        Column("rating", "varchar(5)"),
        Column("email", "varchar(120)"),
        Column("last_update", "timestamp(0)", nullable=False, default="CURRENT_TIMESTAMP", on_update="now"),
    ), primary_key=("film_id",), checks=(
        Check("rating IN ('G', 'PG', 'R')", "film_rating"),
        Check("email ~* E'^[a-z0-9._]+@[a-z0-9.-]+$'", "film_email"),
        Check("title !~ '^ '", "film_title_trimmed"),
    ))
    return Schema((film,), sequences=(seq,))


def test_sequence_must_be_declared_and_owner_must_exist() -> None:
    """A default naming an undeclared sequence, or a sequence owned by a missing column, is refused."""
    with pytest.raises(ModelError, match=r"t\.id: default nextval\('nope'\) names a sequence"):
        Schema((Table("t", (Column("id", "integer", default="nextval('nope')"),)),))
    with pytest.raises(ModelError, match=r"owned by t\.nope, which does not exist"):
        Schema((Table("t", (Column("id", "integer"),)),), sequences=(Sequence("s", owned_by=("t", "nope")),))
    with pytest.raises(ModelError, match="increment cannot be 0"):
        Sequence("s", increment=0)


def test_on_update_now_is_a_column_detail_in_the_spec() -> None:
    """``on update now()`` reads and writes in the spec line, also after a foreign key's actions."""
    spec = parse_column("at", "timestamp not null default now() on update now()")
    assert spec.column.on_update == "now"
    assert format_column(spec.column) == "timestamp not null default now() on update now()"
    with pytest.raises(ModelError, match="needs a date/time type"):
        parse_column("n", "integer on update now()")
    with pytest.raises(ModelError, match=r"on update takes now\(\)"):
        parse_column("at", "timestamp on update 5")


def test_yaml_keeps_sequences_on_update_collations_and_regex_checks() -> None:
    """YAML -> Schema -> YAML is lossless for every column detail of this file."""
    s = _film()
    text = write_yaml(s)
    assert "sequences:\n  film_film_id_seq: {start: 1, increment: 1, cache: 1, type: integer, owned_by: [film, " \
           "film_id]}" in text
    assert "default now() on update now()" in text
    assert read_yaml(text) == s
    with pytest.raises(ModelError, match=r"<string>:2: owned_by is \[table, column\]"):
        read_yaml("sequences:\n  s: {owned_by: [t]}\ntables: {}\n")


def test_regex_checks_and_escape_strings_are_kept_and_transpiled() -> None:
    """PostgreSQL's ~, ~*, !~ and E'...' strings read into portable expressions that each engine
    writes in its own form (MariaDB: the REGEXP operator with a case flag)."""
    ck = _film().table("film").check("film_email")
    assert ck.expression == "REGEXP_I_LIKE(email, '^[a-z0-9._]+@[a-z0-9.-]+$')"
    assert to_dialect(ck.expression, "postgres") == "email ~* '^[a-z0-9._]+@[a-z0-9.-]+$'"
    assert to_dialect(ck.expression, "mysql") == "(email REGEXP '(?i)^[a-z0-9._]+@[a-z0-9.-]+$')"
    assert normalize("((email)::text ~* E'^a\\\\.b$'::text)", "postgres") == "REGEXP_I_LIKE(email, '^a\\.b$')"


def test_sequence_operations_apply_and_invert() -> None:
    """Add, alter and drop a sequence; renames carry its owner; dropping its table or column takes
    it along (as PostgreSQL does) and the inverse brings both back."""
    s0 = _film()
    m = Model(s0)
    m.apply(ops.AlterSequence("film_film_id_seq", increment=5, cycle=True))
    assert m.schema.sequence("film_film_id_seq").increment == 5
    m.apply(ops.RenameTable("film", "movie"))
    m.apply(ops.RenameColumn("movie", "film_id", "id"))
    assert m.schema.sequence("film_film_id_seq").owned_by == ("movie", "id")
    with pytest.raises(ModelError, match=r"is the default of movie\.id"):
        m.apply(ops.DropSequence("film_film_id_seq"))
    before = m.schema
    m.apply(ops.DropTable("movie"))
    assert not m.schema.sequences
    m.undo()
    assert m.schema == before
    other = ops.Batch((ops.AddSequence(Sequence("code_seq")),
                       ops.AddColumn("movie", Column("code", "integer", default="nextval('code_seq')")),
                       ops.AlterSequence("code_seq", owned_by=("movie", "code")),
                       ops.AddColumn("movie", Column("n", "integer", default="nextval('code_seq')")))).apply(before)
    with pytest.raises(ModelError, match=r"movie\.n draws from it"):
        ops.DropColumn("movie", "code").apply(other)
    dropped = ops.DropColumn("movie", "n").apply(other)
    gone = ops.DropColumn("movie", "code")
    assert not gone.apply(dropped).has_sequence("code_seq")
    assert gone.inverse(dropped).apply(gone.apply(dropped)) == dropped
    for _ in range(3):
        m.undo()
    assert m.schema == s0


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
def test_column_details_golden(dialect: str, golden) -> None:
    """The DDL (and the DROP) of the column details on each engine, notes included."""
    golden(f"ddl/columns/{dialect}.sql", create_sql(_film(), dialect) + "\n" + drop_sql(_film(), dialect))


@pytest.mark.parametrize("engine_url", ENGINES, indirect=True)
def test_column_details_run_on_the_engines(engine_url: str) -> None:
    """The DDL runs; rows get their key from the sequence (identity on SQLite); the regex CHECK
    refuses a bad e-mail; on MySQL an UPDATE moves last_update."""
    d = get_dialect(engine_url)
    apply(_film(), engine_url)
    engine = sa.create_engine(engine_url)
    film = sa.table("film", sa.column("film_id"), sa.column("title"), sa.column("email"), sa.column("last_update"))
    try:
        with engine.begin() as conn:
            conn.execute(film.insert().values(title="Alien", email="a@b.org"))
            conn.execute(film.insert().values(title="Brazil", email="c@d.org"))
            ids = conn.execute(sa.select(film.c.film_id).order_by(film.c.film_id)).scalars().all()
        assert ids == [1, 2]
        if d.name != "sqlite":  # SQLite has no regular expressions without a user function
            with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
                conn.execute(film.insert().values(title="Bad", email="NOT AN E-MAIL"))
        if d.on_update_now:
            with engine.begin() as conn:
                conn.execute(film.update().values(last_update=sa.text("'2001-01-01 00:00:00'")))
                conn.execute(film.update().where(film.c.film_id == 1).values(title="Aliens"))
                stamps = conn.execute(sa.select(film.c.last_update).order_by(film.c.film_id)).scalars().all()
            assert stamps[0].year > 2001
            assert stamps[1].year == 2001
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_sequence_migration_runs_on_postgresql(postgres_url: str) -> None:
    """A diff that adds a sequence-backed column and alters the sequence runs on PostgreSQL."""
    old = Schema((Table("t", (Column("id", "integer"),), primary_key=("id",)),))
    apply(old, postgres_url)
    new = Schema((Table("t", (Column("id", "integer"), Column("n", "bigint", default="nextval('t_n_seq')")),
                        primary_key=("id",)),), sequences=(Sequence("t_n_seq", start=10, owned_by=("t", "n")),))
    plan = diff(old, new)
    assert [s.op.describe() for s in plan.steps] == ["add sequence t_n_seq",
                                                    "add column t.n bigint default nextval('t_n_seq')",
                                                    "alter sequence t_n_seq: owned by t.n"]
    stmts = plan_statements(plan, "postgresql")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            for stmt in stmts:
                conn.exec_driver_sql(stmt)
            conn.exec_driver_sql("INSERT INTO t (id) VALUES (1)")
            assert conn.exec_driver_sql("SELECT n FROM t").scalar() == 10
            owner = conn.exec_driver_sql("SELECT pg_get_serial_sequence('t', 'n')").scalar()
        assert owner == "public.t_n_seq"
        back = plan_statements(plan.reverse(), "postgresql")
        with engine.begin() as conn:
            for stmt in back:
                conn.exec_driver_sql(stmt)
            assert conn.exec_driver_sql("SELECT count(*) FROM pg_class WHERE relname = 't_n_seq'").scalar() == 0
    finally:
        engine.dispose()
