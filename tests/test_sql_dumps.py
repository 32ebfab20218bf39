"""Whole dumps read by the SQL import: the shapes pg_dump, mysqldump and the sqlite3 shell write,
on small dumps written here (the public corpus is tests/test_corpus.py). Each class of problem a
real dump brought has its own test."""

from __future__ import annotations

import textwrap

import pytest

from dbmodel_kit import ModelError
from dbmodel_kit.io.sql_import import ERROR, NOT_KEPT, NOTE, SqlImportError, read_sql
from dbmodel_kit.model.types import DataType

PG_DUMP = textwrap.dedent("""\
    --
    -- PostgreSQL database dump
    --
    \\restrict 9kQfGv

    SET statement_timeout = 0;
    SET client_encoding = 'UTF8';
    SELECT pg_catalog.set_config('search_path', '', false);

    DROP TABLE IF EXISTS public.item;

    CREATE TABLE public.shop (
        id integer NOT NULL,
        name text NOT NULL
    );

    ALTER TABLE public.shop OWNER TO app;

    CREATE SEQUENCE public.shop_id_seq
        AS integer
        START WITH 1
        INCREMENT BY 1
        NO MINVALUE
        NO MAXVALUE
        CACHE 1;

    ALTER SEQUENCE public.shop_id_seq OWNED BY public.shop.id;

    CREATE TABLE public.item (
        id bigint NOT NULL,
        shop_id integer NOT NULL,
        label character varying(40) DEFAULT 'new'::character varying
    );

    ALTER TABLE ONLY public.shop ALTER COLUMN id SET DEFAULT nextval('public.shop_id_seq'::regclass);

    COPY public.shop (id, name) FROM stdin;
    1\tCorner; shop
    2\t\\N
    \\.

    SELECT pg_catalog.setval('public.shop_id_seq', 2, true);

    ALTER TABLE ONLY public.shop
        ADD CONSTRAINT shop_pkey PRIMARY KEY (id);

    ALTER TABLE ONLY public.item
        ADD CONSTRAINT item_pkey PRIMARY KEY (id);

    CREATE INDEX item_shop_idx ON public.item USING btree (shop_id);

    ALTER TABLE ONLY public.item
        ADD CONSTRAINT item_shop_fkey FOREIGN KEY (shop_id) REFERENCES public.shop(id) ON DELETE CASCADE;

    REVOKE USAGE ON SCHEMA public FROM PUBLIC;

    \\unrestrict 9kQfGv
""")


def test_pg_dump_is_read_to_the_end():
    """A pg_dump reads without flags: psql meta-commands, SET/set_config, COPY data, OWNER TO and
    setval are notes; the sequence with its OWNED BY, ALTER TABLE ONLY ... ADD CONSTRAINT and ALTER
    COLUMN ... SET DEFAULT nextval(...) land in the model; the privilege statement is kept as a grant."""
    result = read_sql(PG_DUMP, dialect="postgres", source="shop.sql")
    shop, item = result.schema.table("shop"), result.schema.table("item")
    assert shop.primary_key == ("id",)
    assert str(shop.column("id").default) == "nextval('shop_id_seq')"
    assert (result.schema.sequence("shop_id_seq").owned_by, result.schema.sequence("shop_id_seq").type) == (
        ("shop", "id"), DataType("integer"))
    assert (item.foreign_keys[0].ref_table, item.foreign_keys[0].on_delete) == ("shop", "CASCADE")
    assert item.index("item_shop_idx").columns == ("shop_id",)
    assert item.column("label").default.value == "new"
    assert [(p.line, p.level) for p in result.problems] == [
        (4, NOTE), (6, NOTE), (8, NOTE), (10, NOTE), (17, NOTE), (37, NOTE)]
    notes = {p.line: p.message for p in result.problems}
    assert notes[4].endswith("(lines 4, 57)")
    assert notes[6] == "session settings and transaction control not kept (no schema in them) (lines 6-7)"
    assert notes[37] == "data not kept: COPY into public.shop (lines 37-38)"
    assert notes[8].startswith("SELECT statements not kept")
    assert notes[8].endswith("(lines 8, 42)")
    assert result.schema.object("grant", "on schema public").sql == "REVOKE USAGE ON SCHEMA public FROM PUBLIC"


MYSQLDUMP = textwrap.dedent("""\
    -- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
    /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
    /*!40101 SET NAMES utf8mb4 */;
    /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;

    CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
    USE `shop`;

    DROP TABLE IF EXISTS `item`;
    /*!40101 SET @saved_cs_client     = @@character_set_client */;
    CREATE TABLE `item` (
      `id` int NOT NULL AUTO_INCREMENT,
      `name` varchar(40) NOT NULL DEFAULT 'it''s; \\'quoted\\'',
      `kind` enum('a','b') DEFAULT NULL,
      PRIMARY KEY (`id`),
      KEY `item_name` (`name`)
    ) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;
    /*!40101 SET character_set_client = @saved_cs_client */;

    LOCK TABLES `item` WRITE;
    /*!40000 ALTER TABLE `item` DISABLE KEYS */;
    INSERT INTO `item` VALUES (1,'x;y','a'),(2,'z','b');
    /*!40000 ALTER TABLE `item` ENABLE KEYS */;
    UNLOCK TABLES;

    /*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
    DELIMITER ;;
    /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `item_bi` BEFORE INSERT ON `item`
    FOR EACH ROW BEGIN
      SET NEW.name = TRIM(NEW.name);
    END */;;
    DELIMITER ;
    /*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
""")


def test_mysqldump_is_read_to_the_end():
    """A mysqldump reads without flags: versioned comments are opened, CREATE DATABASE/USE, LOCK
    TABLES and data are notes, the DELIMITER-wrapped trigger is one statement, kept as the trigger it
    is (its DEFINER aside), and a string with an escaped quote and a semicolon stays whole."""
    result = read_sql(MYSQLDUMP, dialect="mysql", source="shop.sql")
    item = result.schema.table("item")
    assert item.column_names == ("id", "name", "kind")
    assert item.column("name").default.value == "it's; 'quoted'"
    assert item.index("item_name").columns == ("name",)
    assert result.schema.enum("item_kind").values == ("a", "b")
    # InnoDB is the default engine (a note); the table's character set is not in the model
    assert [(p.line, p.message) for p in result.not_kept] == [(11, "table item: option DEFAULT CHARACTER SET=utf8mb4")]
    trigger = result.schema.object("trigger", "item_bi")
    assert (trigger.dialect, trigger.depends_on) == ("mysql", ("item",))
    assert "DEFINER" not in trigger.sql
    assert trigger.sql.endswith("SET NEW.name = TRIM(NEW.name);\nEND")
    notes = {p.line: p.message for p in result.notes}
    assert sorted(notes) == [2, 6, 7, 9, 11, 22, 27]
    assert notes[2].endswith("(lines 2-4, 10, 18, 20-21, 23-24, 26, 33)")
    assert notes[22] == "data not kept: INSERT into item"


SQLITE_DUMP = textwrap.dedent("""\
    PRAGMA foreign_keys=OFF;
    BEGIN TRANSACTION;
    CREATE TABLE "Note" ("Id" INTEGER PRIMARY KEY, "Body" TEXT NOT NULL, "Stamp" TEXT);
    INSERT INTO "Note" VALUES(1,'a; b',NULL);
    CREATE VIRTUAL TABLE note_fts USING fts5(Body, content='Note', content_rowid='Id');
    CREATE TRIGGER note_ai AFTER INSERT ON "Note" BEGIN
      INSERT INTO note_fts(rowid, Body) VALUES (new."Id", new."Body");
    END;
    CREATE VIEW recent AS SELECT "Id", "Body" FROM "Note" WHERE "Stamp" > date('now', '-7 days');
    COMMIT;
""")


def test_sqlite_dump_is_read_to_the_end():
    """An sqlite3 .dump with an FTS5 virtual table, a trigger and a view reads without flags and keeps
    them all (the view's dependency spelled as the table is declared); the quoted mixed-case names
    are kept exactly."""
    result = read_sql(SQLITE_DUMP, dialect="sqlite")
    assert result.schema.table("Note").column_names == ("Id", "Body", "Stamp")
    assert result.not_kept == ()
    assert result.schema.view("recent").depends_on == ("Note",)
    assert result.schema.object("trigger", "note_ai").depends_on == ("Note", "note_fts")
    assert result.schema.object("virtual table", "note_fts").sql.startswith("CREATE VIRTUAL TABLE note_fts USING fts5")
    assert [(p.line, p.message) for p in result.notes] == [
        (1, "session settings and transaction control not kept (no schema in them) (lines 1-2, 10)"),
        (4, "data not kept: INSERT into Note")]


def test_drop_removes_what_the_script_created():
    """DROP of a table the script created removes it, as the engine would; DROP ... IF EXISTS of
    what does not exist yet is a note."""
    result = read_sql("DROP TABLE IF EXISTS a;\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"
                      "DROP TABLE a;\nCREATE INDEX b_id ON b (id);\nDROP INDEX b_id;\n", dialect="postgres")
    assert result.schema.table_names == ("b",)
    assert result.schema.table("b").indexes == ()
    assert [(p.line, p.level) for p in result.problems] == [(1, NOTE)]


def test_create_if_not_exists_twice_is_a_note():
    """CREATE TABLE IF NOT EXISTS of a table created before does nothing (a note); without IF NOT
    EXISTS it is an error."""
    result = read_sql("CREATE TABLE a (id int);\nCREATE TABLE IF NOT EXISTS a (x text);\n")
    assert result.schema.table("a").column_names == ("id",)
    with pytest.raises(ModelError, match="created twice"):
        read_sql("CREATE TABLE a (id int);\nCREATE TABLE a (x text);\n")


@pytest.mark.parametrize(("dialect", "sql", "message"), [
    ("postgres", "CREATE TABLE t (id int PRIMARY KEY,, x text);", "',' follows ','"),
    ("mysql", "CREATE TABLE t (, id int);", "',' follows '('"),
    ("postgres", "CREATE TABLE t (id int, x text,);", "')' follows ','"),
    ("sqlite", "CREATE INDEX i ON t (a,,b);", "',' follows ','"),
    ("postgres", "CREATE TABLE t (id int) garbage here;", "not a statement postgres knows"),
    ("mysql", "CREAT TABLE t (id int);", "not a statement mysql knows"),
    ("postgres", "CREATE TABEL t (id int);", "not a statement postgres knows"),
])
def test_clearly_invalid_sql_is_an_error_naming_the_line(dialect, sql, message):
    """SQL that sqlglot reads leniently but no engine runs is an error at its line."""
    with pytest.raises(SqlImportError) as info:
        read_sql("CREATE TABLE ok (id int);\n" + sql + "\n", dialect=dialect, source="bad.sql")
    assert info.value.where == "bad.sql:2"
    assert message in info.value.message


def test_trailing_comma_is_valid_duckdb():
    """DuckDB accepts a trailing comma in a column list (its "friendly SQL"), so the import does too."""
    assert read_sql("CREATE TABLE t (id int, x text,);", dialect="duckdb").schema.table("t").column_names == ("id", "x")


def test_every_error_is_listed_and_reading_goes_on():
    """Errors do not stop the reading: each is listed by line, with what is not kept, and one bad
    column does not turn the table's foreign keys into further errors."""
    sql = textwrap.dedent("""\
        CREATE TABLE a (id int PRIMARY KEY, x int,, y int);
        CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id)) WITH (fillfactor = 70);
        CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES nowhere (id));
        CREATE COLLATION german (provider = icu, locale = 'de');
        ALTER TABLE missing ADD CONSTRAINT k UNIQUE (id);
    """)
    with pytest.raises(SqlImportError) as info:
        read_sql(sql, source="s.sql")
    assert [(p.line, p.level) for p in info.value.problems] == [(1, ERROR), (3, ERROR), (5, ERROR)]
    assert "nowhere" in info.value.problems[1].message
    with pytest.raises(SqlImportError) as info:
        read_sql(sql, source="s.sql", strict=True)
    assert [(p.line, p.level) for p in info.value.problems] == [
        (1, ERROR), (2, NOT_KEPT), (3, ERROR), (4, NOT_KEPT), (5, ERROR)]


def test_statement_sqlglot_cannot_read_is_reported_not_dropped():
    """A valid statement of a kind the model does not hold, which sqlglot cannot parse, is listed
    as not kept with its line (never silently dropped, never a failure without --strict)."""
    result = read_sql("CREATE TABLE t (id int);\n"
                      "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);\n")
    assert [(p.line, p.level) for p in result.problems] == [(2, NOT_KEPT)]
    assert "CREATE OPERATOR ===" in result.problems[0].message


def test_duckdb_varchar_and_char_lengths_are_kept():
    """DuckDB's VARCHAR(n) and CHAR(n) keep their length (sqlglot's DuckDB dialect reads both as TEXT):
    the design says it and the other engines enforce it, so it is neither widened nor dropped."""
    t = read_sql("CREATE TABLE t (a VARCHAR(10), b CHAR(3), c VARCHAR, d TEXT);", dialect="duckdb").schema.table("t")
    assert [str(c.type) for c in t.columns] == ["varchar(10)", "char(3)", "varchar", "text"]
