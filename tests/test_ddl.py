"""DDL emission: golden scripts per dialect, executed on their engines; apply is all-or-nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbmodel_kit import examples
from dbmodel_kit.ddl import (
    Statement,
    apply,
    create_engine,
    create_sql,
    drop_sql,
    drop_statements,
    run_script,
    sa_type,
    sql_comment,
    statements,
    to_metadata,
)
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.dialects import DIALECTS, get_dialect
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.model import DataType, Domain, Model
from dbmodel_kit.model.types import KINDS

GOLDEN = Path(__file__).parent / "golden" / "ddl"
CASES = {"ecommerce": examples.ecommerce, "large": examples.large}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_create_sql_golden(golden, case, dialect):
    """create_sql of each example on each dialect matches its reviewed golden file."""
    golden(f"ddl/{case}/{dialect}.sql", create_sql(CASES[case](), dialect))


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_drop_sql_golden(golden, dialect):
    """drop_sql of the large example matches its golden file (constraints, tables, types, sequences)."""
    golden(f"ddl/large/drop_{dialect}.sql", drop_sql(examples.large(), dialect))


def _run_statements(raw, script: str) -> None:
    cur = raw.cursor()
    for stmt in _split_mysql(script):
        cur.execute(stmt)


#: How each engine's own driver runs a whole script: sqlite3's executescript, DuckDB's and
#: psycopg's multi-statement execute, and one statement per call for pymysql.
SCRIPT_RUNNERS = {
    "sqlite": lambda raw, script: raw.driver_connection.executescript(script),
    "duckdb": lambda raw, script: raw.driver_connection.execute(script),
    "postgresql": lambda raw, script: raw.driver_connection.execute(script),
    "mysql": _run_statements,
}


def _execute_script(url: str, script: str) -> None:
    """Run a whole SQL file through the engine's own driver, as a person would with its shell."""
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        SCRIPT_RUNNERS[get_dialect(engine).name](raw, script)
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def _split_mysql(script: str) -> list[str]:
    """Statements of a script, split on semicolons outside strings and identifiers by sqlglot's
    tokenizer (pymysql runs one statement per call)."""
    import sqlglot
    from sqlglot.tokens import TokenType

    out, start = [], 0
    for tok in sqlglot.tokenize(script, read="mysql"):
        if tok.token_type == TokenType.SEMICOLON:
            out.append(script[start:tok.start].strip())
            start = tok.end + 1
    tail = script[start:].strip()
    return [s for s in [*out, tail] if s and not all(line.startswith("--") for line in s.splitlines())]


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_file_runs_on_its_engine(engine_url, case):
    """Each golden DDL file, executed as a script on its engine, creates exactly storable(model)."""
    dialect = get_dialect(sa.make_url(engine_url))
    path = GOLDEN / case / f"{dialect.name}.sql"
    _execute_script(engine_url, path.read_text(encoding="utf-8"))
    assert reflect(engine_url) == storable(CASES[case](), dialect)


def test_drop_sql_removes_everything(engine_url):
    """drop_sql after apply leaves an empty database (no tables, no enum types)."""
    schema = examples.large()
    apply(schema, engine_url)
    d = get_dialect(sa.make_url(engine_url))
    run_script([Statement("drop", "", s.rstrip(";")) for s in drop_sql(schema, d).split(";\n") if s.strip()],
               engine_url)
    back = reflect(engine_url)
    assert back.tables == ()
    assert back.enums == ()


def _snapshot(url: str) -> tuple:
    back = reflect(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT note FROM keep_me")).scalars().all()
    engine.dispose()
    return back, rows


@pytest.mark.parametrize("failing", ["bad statement", "name clash"])
def test_failed_apply_leaves_database_unchanged(engine_url, failing):
    """When a statement fails, apply raises ModelError naming it and the database is as before:
    one transaction on PostgreSQL, SQLite and DuckDB; created tables dropped again on MariaDB."""
    engine = create_engine(engine_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE keep_me (id INTEGER PRIMARY KEY, note VARCHAR(20))")
        conn.exec_driver_sql("INSERT INTO keep_me VALUES (1, 'still here')")
        if failing == "name clash":
            conn.exec_driver_sql("CREATE TABLE order_items (id INTEGER PRIMARY KEY)")
    engine.dispose()
    before = _snapshot(engine_url)
    schema = examples.ecommerce()
    if failing == "bad statement":
        stmts = [*statements(schema, get_dialect(engine)), Statement("table", "broken", "CREATE TABLE broken (")]
        with pytest.raises(ModelError, match=r"statement \d+ \(table broken\) failed"):
            run_script(stmts, engine_url)
    else:
        with pytest.raises(ModelError, match=r"\(table order_items\) failed"):
            apply(schema, engine_url)
    assert _snapshot(engine_url) == before
    assert before[1] == ["still here"]


def test_apply_accepts_an_engine():
    """apply takes an existing Engine and leaves it open for the caller."""
    engine = create_engine("sqlite://")
    apply(examples.ecommerce(), engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0
    engine.dispose()


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_logical_type_has_a_type_on_every_dialect(dialect):
    """sa_type maps every logical kind to a type the dialect compiles, or refuses it naming why."""
    m = Model()
    m.add_enum("e", "a", "b")
    schema = replace(m.schema, domains=(Domain("d", "integer"),))
    examples = {kind: kind for kind in KINDS} | {
        "decimal": "decimal(8,2)", "char": "char(10)", "varchar": "varchar(10)", "bytes": "bytes(10)",
        "time": "time(3)", "enum": "enum(e)", "set": "set(e)", "array": "integer[]", "domain": "domain(d)",
        "geometry": "geometry(point,4326)", "native": f"native({dialect}: integer)",
    }
    d = get_dialect(dialect)
    compiler = d.compile_dialect()
    for kind in KINDS:
        t = DataType.parse(examples[kind])
        if kind in d.unsupported:
            with pytest.raises(ModelError, match=re.escape(d.unsupported[kind])):
                sa_type(t, dialect, schema)
            continue
        assert sa_type(t, dialect, schema).compile(dialect=compiler), kind


def test_enum_type_needs_its_schema():
    """An enum type without the schema that declares it is a ModelError."""
    with pytest.raises(ModelError, match="needs the schema"):
        sa_type("enum(mood)", "postgresql")


@pytest.mark.parametrize(("alias", "name"), [
    ("postgres", "postgresql"), ("pg", "postgresql"), ("PostgreSQL", "postgresql"), ("mariadb", "mysql"),
    ("mysql+pymysql://root@h/db", "mysql"), ("sqlite3", "sqlite"), ("duckdb:///x.db", "duckdb"),
])
def test_dialect_aliases(alias, name):
    """get_dialect accepts the names and URLs people use."""
    assert get_dialect(alias).name == name


def test_unknown_dialect_is_a_model_error():
    """An unknown dialect name raises ModelError listing the known ones."""
    with pytest.raises(ModelError, match="postgresql"):
        get_dialect("oracle")


def test_notes_say_what_each_engine_cannot_store():
    """Where an engine cannot store something, the script says so in an SQL comment."""
    duck = create_sql(examples.large(), "duckdb")
    assert "-- duckdb: foreign key fk_tickets_customer_id_customers" not in duck  # it has no action
    assert "-- duckdb: foreign key fk_ticket_tags_tag_id_tags: ON DELETE CASCADE dropped" in duck
    assert "no partial indexes; WHERE closed_at IS NULL dropped" in duck
    mysql = create_sql(examples.ecommerce(), "mysql")
    assert "-- mysql: index ux_products_sku: mysql has no partial indexes" in mysql
    lite = create_sql(examples.ecommerce(), "sqlite")
    assert "-- sqlite: users.id default uuid() is left to the application" in lite
    assert "-- sqlite: table users comment not stored: People who sign in" in lite
    pg = create_sql(examples.large(), "postgresql")
    assert "-- " not in pg


def test_sql_comment_cannot_end_early():
    """A note with line breaks stays one comment line."""
    assert sql_comment("x\nDROP TABLE t;\r\n--\u2028y") == "-- x DROP TABLE t; -- y"


def test_create_sql_is_deterministic():
    """The same model gives byte-identical DDL every time."""
    assert create_sql(examples.large(), "postgresql") == create_sql(examples.large(), "postgresql")


def test_to_metadata_has_every_table_with_keys():
    """to_metadata builds SQLAlchemy tables with primary keys, foreign keys and indexes."""
    meta = to_metadata(examples.large(), "postgresql")
    assert len(meta.tables) == 20
    pm = meta.tables["project_members"]
    assert [c.name for c in pm.primary_key.columns] == ["project_id", "employee_id"]
    notes = meta.tables["milestone_notes"]
    fk = next(iter(notes.foreign_key_constraints))
    assert [c.name for c in fk.columns] == ["project_id", "seq"]
    assert fk.ondelete == "CASCADE"
    ix = next(i for i in meta.tables["tickets"].indexes if i.name == "ix_tickets_open")
    assert str(ix.dialect_options["postgresql"]["where"]) == "closed_at IS NULL"


def test_percent_in_names_is_printed_once():
    """A % in an identifier or literal appears once in the script (no driver escaping leaks in)."""
    m = Model()
    m.add_table("50% off", id="integer pk", label="varchar(10) default '100%'")
    for dialect in DIALECTS:
        sql = create_sql(m.schema, dialect)
        assert "%%" not in sql
        assert "50% off" in sql
        assert "'100%'" in sql


def test_set_null_on_not_null_column_is_refused_for_mysql():
    """MySQL refuses SET NULL on a NOT NULL column; the kit says so before any SQL runs."""
    m = Model()
    m.add_table("parents", id="integer pk")
    m.add_table("children", id="integer pk", parent_id="integer not null references parents on delete set null")
    with pytest.raises(ModelError, match=r"children\.fk_children_parent_id_parents.*NOT NULL"):
        create_sql(m.schema, "mysql")
    assert "ON DELETE SET NULL" in create_sql(m.schema, "postgresql")


def _unsigned_keys_schema():
    from dbmodel_kit.io.sql_import import read_sql

    return read_sql("CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, big BIGINT UNSIGNED, "
                    "PRIMARY KEY (id));\n"
                    "CREATE TABLE c (id INT UNSIGNED NOT NULL AUTO_INCREMENT, t_id BIGINT UNSIGNED NOT NULL, "
                    "PRIMARY KEY (id), CONSTRAINT fk_c_t FOREIGN KEY (t_id) REFERENCES t (id));",
                    dialect="mysql").schema


def test_bigint_unsigned_identity_is_bigint_with_a_note_on_postgresql():
    """MySQL's BIGINT UNSIGNED AUTO_INCREMENT key (numeric(20,0) where there are no unsigned
    types, which cannot be an identity) is bigint identity on PostgreSQL, as is each column
    referencing it; the DDL says the upper half of the range is gone. A plain BIGINT UNSIGNED
    column keeps every value (numeric(20,0)). It was refused whole before."""
    sql = create_sql(_unsigned_keys_schema(), "postgresql")
    assert re.search(r"\bid BIGINT GENERATED BY DEFAULT AS IDENTITY", sql)
    assert "t_id BIGINT NOT NULL" in sql
    assert "big NUMERIC(20, 0)" in sql
    assert "t.id: bigint unsigned stored as bigint" in sql
    assert "values above 9,223,372,036,854,775,807" in sql
    assert "c.t_id: bigint unsigned stored as bigint" in sql
    assert "it references t.id" in sql
    assert storable(_unsigned_keys_schema(), "postgresql").table("c").column("t_id").type == DataType("bigint")


def test_identity_of_a_decimal_type_is_still_refused():
    """The refusal stays for identities no integer can hold (a decimal identity column)."""
    m = Model()
    m.add_table("t", id="hugeint unsigned pk identity")
    with pytest.raises(ModelError, match="cannot make these identity columns"):
        create_sql(m.schema, "postgresql")


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_unsigned_keys_round_trip(request, engine):
    """apply then reflect gives storable(): unsigned integers as the next wider signed type, the
    identity key and its references as bigint (SQLite: the identity as INTEGER PRIMARY KEY)."""
    url = request.getfixturevalue("postgres_url" if engine == "postgresql" else "sqlite_url")
    schema = _unsigned_keys_schema()
    apply(schema, url)
    assert reflect(url) == storable(schema, engine)


# a cycle a <-> b whose key b -> a MySQL leaves out (a's key (id, doc) holds a JSON column, so InnoDB
# keys it only by a prefix): the cycle is gone there, and a -> b stays inline
CYCLE_THROUGH_A_LEFT_OUT_KEY = """
tables:
  a:
    columns:
      id: integer pk
      doc: json
      b_id: integer not null references b(id)
    uniques:
      - {columns: [id, doc]}
  b:
    columns:
      id: integer pk
      a_id: integer not null
      a_doc: json not null
    foreign_keys:
      - {columns: [a_id, a_doc], references: a, ref_columns: [id, doc]}
"""


def test_tables_come_in_the_order_their_inline_keys_were_chosen_for(mysql_url):
    """Where an engine leaves out the key that closed a cycle, the tables are created in the order
    computed without it: a table comes after every table its inline foreign keys reference (the
    CREATE TABLE order was that of the whole model, so MariaDB created `a` before `b` with an inline
    key to `b`: errno 150 "Foreign key constraint is incorrectly formed", 45 of 200 generated
    schemas), and drop_sql drops them in the reverse order."""
    from dbmodel_kit.io import loads

    schema = loads(CYCLE_THROUGH_A_LEFT_OUT_KEY, "yaml")
    made = [s for s in statements(schema, "mysql") if s.kind == "table"]
    assert [s.target for s in made] == ["b", "a"]
    assert "REFERENCES b" in made[1].sql
    assert [s.target for s in drop_statements(schema, "mysql") if s.kind == "drop"] == ["a", "b"]
    apply(schema, mysql_url)
    assert reflect(mysql_url) == storable(schema, "mysql")
    run_script(drop_statements(schema, "mysql"), mysql_url)
    assert reflect(mysql_url).tables == ()


_DUCKDB_THEN_POSTGRES = """
from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS
from dbmodel_kit.ddl import create_engine, create_sql
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.model import Model

before = set(RESERVED_WORDS)
m = Model()
m.add_table("t", id="integer pk", show="text", describe="text")
create_sql(m.schema, "duckdb")
reflect(create_engine("duckdb:///:memory:"))
reflect("duckdb:///:memory:")
assert set(RESERVED_WORDS) == before, sorted(set(RESERVED_WORDS) - before)[:5]
print(create_sql(m.schema, "postgresql"))
"""


def test_duckdb_leaves_postgresql_reserved_words_alone():
    """Making DuckDB's dialect (DDL, an engine, a reflection) does not add DuckDB's reserved words to
    SQLAlchemy's PostgreSQL set (duckdb_engine's preparer updated the set it inherits in place), so
    PostgreSQL DDL after it does not quote show or describe, as it does not in a fresh process."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _DUCKDB_THEN_POSTGRES], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "\tshow TEXT" in out.stdout, out.stdout
    assert "\tdescribe TEXT" in out.stdout, out.stdout
    m = Model()
    m.add_table("t", id="integer pk", show="text")
    assert '"show" VARCHAR' in create_sql(m.schema, "duckdb")  # DuckDB's own DDL still quotes its words


@pytest.mark.parametrize("engine", ["duckdb", "postgresql"])
def test_type_named_like_a_column_name_keyword_is_quoted(request, engine):
    """An enum or domain named like a keyword the engine takes as a column name but not as a type
    name (``position``, ``row``) is quoted wherever the type is named: SQLAlchemy quotes reserved
    words only, so DuckDB and PostgreSQL read ``DROP TYPE position`` and a column ``p position`` as
    a syntax error ('syntax error at or near ";"', export sql on 2 of 200 generated schemas)."""
    m = Model()
    m.add_enum("position", "a", "b")
    m.add_table("t", id="integer pk", p="enum(position) not null", q="varchar(5)")
    schema = m.schema
    if engine == "postgresql":
        schema = replace(schema, domains=(Domain("row", "integer"),))
        schema = schema.replace_table(replace(schema.table("t"), columns=(
            *schema.table("t").columns[:2], replace(schema.table("t").columns[2], type=DataType.parse("domain(row)")))))
    sql = create_sql(schema, engine)
    assert 'CREATE TYPE "position"' in sql
    assert 'p "position" NOT NULL' in sql
    assert 'DROP TYPE "position"' in drop_sql(schema, engine)
    if engine == "postgresql":
        assert 'CREATE DOMAIN "row" AS INTEGER' in sql
        assert 'q "row"' in sql
    url = request.getfixturevalue("postgres_url") if engine == "postgresql" else \
        f"duckdb:///{request.getfixturevalue('tmp_path') / 'kw.duckdb'}"
    apply(schema, url)
    assert reflect(url) == storable(schema, engine)
    run_script(drop_statements(schema, engine), url)
    assert reflect(url).tables == ()


@pytest.mark.parametrize(("dialect", "kind", "spelling"), [
    ("sqlite", "tinyint", "TINYINT"), ("duckdb", "tinyint", "TINYINT"), ("duckdb", "hugeint", "HUGEINT"),
    ("duckdb", "integer unsigned", "UINTEGER"), ("duckdb", "hugeint unsigned", "UHUGEINT")])
def test_spelled_integers_are_integers_to_sqlalchemy(dialect, kind, spelling):
    """An integer kind SQLAlchemy has no class for (SQLite's TINYINT, DuckDB's HUGEINT and unsigned
    kinds) is an Integer to it: a literal of it renders, so the seed INSERTs of export sql are written
    (was: "No literal value renderer is available for literal value "1" with datatype TINYINT",
    typr_duckdb export sql / export sqlalchemy)."""
    from dbmodel_kit.ddl import sa_type
    from dbmodel_kit.export.seed import seed_sql

    t = sa_type(kind, dialect)
    assert isinstance(t, sa.Integer)
    assert t.python_type is int
    assert t.compile(dialect=get_dialect(dialect).compile_dialect()) == spelling
    m = Model()
    m.add_table("t", id="integer pk", n=kind)
    assert "INSERT INTO t (id, n) VALUES (1, 1);" in seed_sql(m.schema, dialect, rows=1)
