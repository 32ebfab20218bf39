"""Reflection of databases as real applications leave them: nothing in one column or table ends the
reading; a type is read as the SQL import reads its spelling, and what the model cannot hold is a
warning naming ``schema.table.column`` and the engine's own spelling (databases written here, each
with the engine's own SQL)."""

from __future__ import annotations

import sqlite3
import warnings

import pytest
import sqlalchemy as sa
from test_cli import run

from dbmodel_kit.io.reflect import ReflectionWarning, reflect


def _reflect(url: str, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        schema = reflect(url, **kwargs)
    return schema, [str(w.message) for w in caught if issubclass(w.category, ReflectionWarning)], \
        [w for w in caught if not issubclass(w.category, ReflectionWarning)]


def _execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for s in statements:
            conn.execute(sa.text(s))
    engine.dispose()


def test_sqlite_fts5_virtual_table_is_reported_not_a_traceback(tmp_path, capsys):
    """An FTS5 table is read as the virtual table it is (a verbatim object), its shadow tables (SQLite's
    storage for it) not as tables; the trigger and the view are read too, with no warning."""
    path = tmp_path / "notes.db"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
        CREATE VIRTUAL TABLE note_fts USING fts5(body, content='note', content_rowid='id');
        CREATE TRIGGER note_ai AFTER INSERT ON note BEGIN
          INSERT INTO note_fts(rowid, body) VALUES (new.id, new.body);
        END;
        CREATE VIEW recent AS SELECT id FROM note;
    """)
    con.close()
    url = f"sqlite:///{path}"
    schema, notes, others = _reflect(url)
    assert schema.table_names == ("note",)
    # in the model's order (kind, then name); the DDL creates them in dependency order
    assert sorted((o.kind, o.name, o.depends_on) for o in schema.verbatim) == [
        ("trigger", "note_ai", ("note", "note_fts")), ("virtual table", "note_fts", ())]
    assert schema.view("recent").depends_on == ("note",)
    assert notes == []
    assert not others
    code, out, err = run(capsys, "reflect", url)
    assert code == 0
    assert "note:" in out
    assert "note_fts_data" not in out
    assert err == ""


@pytest.mark.postgres
def test_postgres_types_are_read_as_the_import_reads_them(postgres_url):
    """A domain, an array and a type the model has no kind for (a range) are all read: the domain as
    a domain with its check, the array by its element, the range kept as written for PostgreSQL
    with a warning naming schema.table.column and the engine's type."""
    _execute(postgres_url,
             "CREATE DOMAIN year AS integer CHECK (VALUE >= 1901)",
             "CREATE TABLE booking (id int PRIMARY KEY, during int4range, made year, tags text[], note text)")
    schema, notes, _ = _reflect(postgres_url)
    t = schema.table("booking")
    assert t.column_names == ("id", "during", "made", "tags", "note")
    assert [str(c.type) for c in t.columns] == ["integer", "native(postgresql: int4range)", "domain(year)", "text[]",
                                                "text"]
    assert schema.domain("year").checks[0].expression == "value >= 1901"
    assert notes == ["public.booking.during: type int4range has no logical equivalent; kept as written for postgresql "
                     "(DDL for another engine names the column)"]


@pytest.mark.postgres
def test_postgres_tables_in_another_schema_are_read(postgres_url, capsys):
    """A database whose tables live only in a non-default schema reflects them (not an empty schema)
    keeping the schema (keys app.account, as the SQL import keys them); --schema chooses, and an empty
    choice reads nothing."""
    _execute(postgres_url, "CREATE SCHEMA app", "CREATE TABLE app.account (id int PRIMARY KEY)",
             "CREATE TABLE app.entry (id int PRIMARY KEY, account_id int REFERENCES app.account)")
    schema, notes, _ = _reflect(postgres_url)
    assert schema.table_names == ("app.account", "app.entry")
    assert schema.table("app.entry").foreign_keys[0].ref_table == "app.account"
    assert notes == []
    code, out, _ = run(capsys, "reflect", postgres_url, "--schema", "public")
    assert (code, out.strip()) == (0, "tables: {}")
    code, out, _ = run(capsys, "reflect", postgres_url, "--schema", "app")
    assert code == 0
    assert "app.account:" in out


@pytest.mark.mysql
def test_mysql_spatial_inet_unsigned_and_on_update(mysql_url):
    """MariaDB's POINT, INET6, MEDIUMINT UNSIGNED and TINYTEXT columns are read as the model's types
    (the MySQL spelling kept where the kit would write another type), ON UPDATE CURRENT_TIMESTAMP as
    the column's on_update; nothing is left to warn about."""
    _execute(mysql_url, "CREATE TABLE place (id MEDIUMINT UNSIGNED PRIMARY KEY, spot POINT, ip INET6, memo TINYTEXT, "
                        "changed DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))")
    schema, notes, others = _reflect(mysql_url)
    t = schema.table("place")
    assert [str(c.type) for c in t.columns] == ["integer unsigned native(mysql: mediumint unsigned)",
                                                "geometry(point)", "inet", "text native(mysql: tinytext)",
                                                "timestamp(6)"]
    assert (t.column("changed").default.kind, t.column("changed").on_update) == ("now", "now")
    assert notes == []
    assert not others


def test_duckdb_types(tmp_path):
    """DuckDB's HUGEINT and unsigned integers are the model's hugeint and unsigned kinds; a MAP (no
    logical kind) is kept as written for DuckDB with a warning naming the column."""
    import duckdb

    path = tmp_path / "t.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, big HUGEINT, small UTINYINT, tally MAP(VARCHAR, INTEGER))")
    con.close()
    schema, notes, _ = _reflect(f"duckdb:///{path}")
    assert [str(c.type) for c in schema.table("t").columns] == [
        "integer", "hugeint", "tinyint unsigned", "native(duckdb: 'map(varchar, integer)')"]
    assert notes == ["main.t.tally: type MAP(VARCHAR, INTEGER) has no logical equivalent; kept as written for duckdb "
                     "(DDL for another engine names the column)"]


def test_mariadb_expression_defaults_with_quotes_or_commas_are_read(mysql_url):
    """MariaDB writes an expression default bare (``DEFAULT lcase('X')``), and SQLAlchemy's SHOW
    CREATE TABLE parser reads no default where it has quotes, spaces or commas: the default was
    lost ("order.group default: want Default(kind='expression', value="LOWER('X')"), got None" on
    generated schemas), nor a TEXT column's literal, which MariaDB escapes ``'it\\'s'`` ("want
    Default(kind='literal', value="it's"), got None"); other literal and plain defaults read as before."""
    from dbmodel_kit.model import Default

    _execute(mysql_url, "CREATE TABLE t (id int PRIMARY KEY, a varchar(10) NOT NULL DEFAULT (lower('X')), "
                        "b varchar(10) DEFAULT (concat('a', 'b')), c varchar(10) DEFAULT 'x(y', "
                        "d int DEFAULT (1 + 2), e varchar(10) DEFAULT NULL, f text NOT NULL DEFAULT 'it''s')")
    schema, said, other = _reflect(mysql_url)
    assert (said, other) == ([], [])
    t = schema.table("t")
    assert [t.column(c).default for c in "abcdef"] == [
        Default("expression", "LOWER('X')"), Default("expression", "CONCAT('a', 'b')"), Default("literal", "x(y"),
        Default("expression", "1 + 2"), None, Default("literal", "it's")]
