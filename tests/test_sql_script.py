"""Scripts split as each engine's own client splits them (dbmodel_kit.io.sql_script), on scripts
written here in the shapes the dump tools write."""

from __future__ import annotations

import textwrap

import pytest

from dbmodel_kit import ModelError
from dbmodel_kit.io.sql_script import split_script


def sql(pieces):
    return [(p.line, p.code.strip()) for p in pieces if p.kind == "sql"]


def test_mysql_delimiter_blocks_keep_routine_bodies_whole():
    """`DELIMITER ;;` / `$$` / `//` change the terminator until `DELIMITER ;`, so a trigger or
    procedure body with semicolons is one statement."""
    script = textwrap.dedent("""\
        CREATE TABLE t (id INT);
        DELIMITER ;;
        CREATE TRIGGER ins AFTER INSERT ON t FOR EACH ROW BEGIN
            INSERT INTO log VALUES (new.id);
            UPDATE c SET n = n + 1;
          END;;
        DELIMITER $$
        CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END $$
        delimiter ;
        SELECT 3;
    """)
    pieces = split_script(script, "mysql")
    assert [(p.line, p.kind) for p in pieces] == [(1, "sql"), (2, "command"), (3, "sql"), (7, "command"),
                                                   (8, "sql"), (9, "command"), (10, "sql")]
    assert pieces[2].code.startswith("CREATE TRIGGER ins")
    assert pieces[2].code.endswith("END")
    assert pieces[2].end_line == 6
    assert pieces[4].code == "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END"


def test_mysql_versioned_comments_are_code_and_other_comments_are_not():
    """`/*!40101 ... */` and MariaDB's `/*M!100100 ... */` are run by the server, so their text is
    code; `#`, `-- ` and `/* */` comments are blanked (lines kept); `--x` is not a comment in MySQL."""
    script = textwrap.dedent("""\
        /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
        # a hash comment; with a semicolon
        /*M!100616 SET NOTE_VERBOSITY=0 */;
        DELIMITER ;;
        /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t1 BEFORE INSERT ON t
        FOR EACH ROW SET NEW.x = 1; */;;
        DELIMITER ;
        SELECT 1 --x
        ; -- a comment; with a semicolon
        SELECT 'it''s; here', "a\\"; b", `we;ird` /* ; */;
    """)
    assert [(line, " ".join(code.split())) for line, code in sql(split_script(script, "mysql"))] == [
        (1, "SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT"),
        (3, "SET NOTE_VERBOSITY=0"),
        (5, "CREATE DEFINER=`root`@`localhost` TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW SET NEW.x = 1;"),
        (8, "SELECT 1 --x"),
        (10, """SELECT 'it''s; here', "a\\"; b", `we;ird`"""),
    ]


def test_psql_meta_commands_and_copy_data():
    """psql backslash commands (`\\connect`, pg_dump 17's `\\restrict`) are client commands; the
    lines after `COPY ... FROM stdin;` up to `\\.` are data, even when they look like SQL."""
    script = textwrap.dedent("""\
        \\restrict abc123
        SET client_encoding = 'UTF8';
        \\connect shop
        COPY public.t (id, name) FROM stdin;
        1\tDROP TABLE x;
        2\t\\N
        \\.
        CREATE TABLE u (id int);
        \\unrestrict abc123
    """)
    pieces = split_script(script, "postgres")
    assert [(p.line, p.kind) for p in pieces] == [(1, "command"), (2, "sql"), (3, "command"), (4, "sql"),
                                                   (5, "data"), (8, "sql"), (9, "command")]
    assert pieces[4].text == "1\tDROP TABLE x;\n2\t\\N\n\\.\n"


def test_psql_quoting_rules():
    """Dollar-quoted bodies, nested comments, E'' strings with backslash escapes, standard strings
    where a backslash is a plain character, and semicolons inside parentheses or BEGIN ATOMIC
    do not end a PostgreSQL statement."""
    script = textwrap.dedent("""\
        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;
        /* outer /* inner; */ still comment; */ SELECT E'it\\'s;', 'back\\', $$;$$;
        CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));
        CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;
        SELECT a$b$c FROM t;
    """)
    assert [line for line, _ in sql(split_script(script, "postgres"))] == [1, 2, 3, 4, 5]


def test_sqlite_trigger_bodies_and_dot_commands():
    """The sqlite3 shell reads a CREATE TRIGGER to its END (SQLite's own sqlite3_complete decides),
    takes dot-commands at the start of a statement, and [bracketed] names may hold semicolons."""
    script = textwrap.dedent("""\
        .mode list
        CREATE TABLE [a;b] (x);
        CREATE TRIGGER tr AFTER INSERT ON [a;b] BEGIN
          UPDATE c SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;
          DELETE FROM d;
        END;
        SELECT .5;
    """)
    pieces = split_script(script, "sqlite")
    assert [(p.line, p.kind) for p in pieces] == [(1, "command"), (2, "sql"), (3, "sql"), (7, "sql")]
    assert pieces[2].code.endswith("END")


@pytest.mark.parametrize(("client", "script", "line"), [
    ("postgres", "SELECT 1;\n\nSELECT 'open;\n", 3),
    ("mysql", "SELECT 1;\n/* never closed\n", 2),
    ("postgres", "SELECT $x$ body;\n", 1),
    ("sqlite", "SELECT 1;\nCREATE TABLE [t (a);\n", 2),
])
def test_unterminated_quote_or_comment_names_its_line(client, script, line):
    """An unterminated string, quoted name, dollar quote or comment is an error at the line it opens."""
    with pytest.raises(ModelError) as info:
        split_script(script, client)
    assert info.value.where == f"line {line}"


def test_last_statement_without_terminator_is_kept():
    """Every client runs a last statement that has no terminator at the end of the input."""
    assert sql(split_script("SELECT 1;\nSELECT 2\n", "duckdb")) == [(1, "SELECT 1"), (2, "SELECT 2")]
