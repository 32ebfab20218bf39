"""Views, triggers, routines, events, macros and virtual tables of MySQL/MariaDB, SQLite and DuckDB:
imported from a dump as model objects, written back by the kit's DDL to the same catalog (read with
the engine's own catalog queries, tests/corpus.py), reflected as the import (0 diff steps), and
carried to other engines or left out with a note naming each.

One fixture per defect class, written here (not the corpus): a mysqldump with DEFINERs, view
placeholders and the database's own name in queries; an SQLite application schema dumped by the
sqlite3 shell (FTS5 with external content and its shadow tables, triggers keeping it in step, views);
a DuckDB schema with views and macros.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import textwrap
import warnings
from pathlib import Path

import pytest
from corpus import Databases, Unavailable, apply_native, catalog, differences, mysql_lock

from dbmodel_kit.ddl import apply, create_sql
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.ddl.sqltext import object_meaning, query_meaning
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.io.sql_import import read_sql
from dbmodel_kit.migrate import diff
from dbmodel_kit.model.schema import View

# -- MySQL / MariaDB ------------------------------------------------------------------------------

#: A mysqldump of a database named imy_shop (--routines --triggers --events), as MariaDB's mysqldump
#: writes it: each view first as a placeholder view, dropped before the final one; DEFINERs; the
#: database's own name in a view and a trigger
MYSQLDUMP = textwrap.dedent("""\
    /*M!999999\\- enable the sandbox mode */
    /*!40101 SET NAMES utf8mb4 */;
    CREATE DATABASE /*!32312 IF NOT EXISTS*/ `imy_shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
    USE `imy_shop`;
    CREATE TABLE `item` (
      `id` mediumint unsigned NOT NULL AUTO_INCREMENT,
      `name` varchar(40) NOT NULL,
      `price` decimal(8,2) NOT NULL DEFAULT 0.00,
      `active` tinyint(1) NOT NULL DEFAULT 1,
      PRIMARY KEY (`id`),
      FULLTEXT KEY `item_words` (`name`)
    ) ENGINE=InnoDB;
    CREATE TABLE `place` (`id` int NOT NULL PRIMARY KEY, `pos` point NOT NULL, SPATIAL KEY `place_pos` (`pos`));
    CREATE FULLTEXT INDEX item_name_ft ON item (name);
    CREATE TABLE `sale` (
      `id` bigint unsigned NOT NULL AUTO_INCREMENT,
      `item_id` mediumint unsigned NOT NULL,
      `qty` int NOT NULL,
      `store` varchar(20) NOT NULL,
      `meta` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`meta`)),
      PRIMARY KEY (`id`),
      KEY `sale_item` (`item_id`),
      CONSTRAINT `sale_item` FOREIGN KEY (`item_id`) REFERENCES `item` (`id`)
    );
    CREATE TABLE `item_log` (`item_id` mediumint unsigned NOT NULL, `at` datetime NOT NULL);
    SET @saved_cs_client     = @@character_set_client;
    SET character_set_client = utf8;
    /*!50001 CREATE VIEW `item_sales` AS SELECT
     1 AS `name`,
     1 AS `store`,
     1 AS `sold` */;
    SET character_set_client = @saved_cs_client;
    /*!50001 DROP VIEW IF EXISTS `item_sales`*/;
    /*!50001 CREATE ALGORITHM=UNDEFINED */
    /*!50013 DEFINER=`root`@`localhost` SQL SECURITY INVOKER */
    /*!50001 VIEW `item_sales` AS SELECT i.name, s.store, SUM(s.qty) AS sold
      FROM imy_shop.item i INNER JOIN `imy_shop`.`sale` s ON s.item_id = i.id
      WHERE i.active = TRUE GROUP BY i.name, s.store ORDER BY sold DESC */;
    /*!50001 CREATE ALGORITHM=UNDEFINED */
    /*!50013 DEFINER=`root`@`127.0.0.1` SQL SECURITY DEFINER */
    /*!50001 VIEW `cheap` AS select `item`.`id` AS `id`,`item`.`name` AS `name`,`item`.`price` AS `price` from `item`
      where `item`.`price` < 10 WITH CASCADED CHECK OPTION */;
    CREATE VIEW loose AS SELECT s.store, i.name, SUM(s.qty) AS sold FROM sale s JOIN item i ON i.id = s.item_id
      GROUP BY s.store;
    DELIMITER ;;
    /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `item_au` AFTER UPDATE ON `item`
    FOR EACH ROW BEGIN
      -- keep a trace
      INSERT INTO imy_shop.item_log (item_id, `at`) VALUES (NEW.id, NOW());
    END */;;
    CREATE DEFINER=`root`@`localhost` FUNCTION `in_stock`(p_id INT) RETURNS BOOLEAN
        READS SQL DATA
        COMMENT 'whether the item sold'
    BEGIN
      RETURN EXISTS (SELECT 1 FROM sale WHERE item_id = p_id);
    END ;;
    CREATE PROCEDURE restock(IN p_id INT, OUT n INT)
    LANGUAGE SQL NOT DETERMINISTIC SQL SECURITY DEFINER
    BEGIN
      SELECT COUNT(*) INTO n FROM sale WHERE item_id = p_id;
    END ;;
    CREATE EVENT purge_log ON SCHEDULE EVERY 1 DAY DO DELETE FROM item_log WHERE `at` < NOW() - INTERVAL 30 DAY ;;
    DELIMITER ;
""")


def test_mysqldump_objects_are_kept():
    """Views (the placeholder replaced, SQL SECURITY INVOKER and CHECK OPTION kept, the dump's own
    database name taken off), the trigger, function, procedure and event are model objects; nothing
    of them is reported as not kept. MariaDB's dump forms read as what they are: its sandbox line is
    its client's, LONGTEXT ... CHECK (json_valid(c)) is JSON, KEY fk (a) beside the foreign key fk is
    the index the key makes."""
    result = read_sql(MYSQLDUMP, dialect="mysql", source="shop.sql")
    schema = result.schema
    assert result.not_kept == ()
    assert [(ix.name, ix.method) for ix in schema.table("item").indexes] == [("item_words", "fulltext"),
                                                                            ("item_name_ft", "fulltext")]
    assert schema.table("place").index("place_pos").method == "spatial"
    sale = schema.table("sale")
    assert (str(sale.column("meta").type), sale.checks, sale.indexes) == ("json", (), ())
    assert any("the index MySQL makes for foreign key sale_item" in p.message for p in result.notes)
    assert any(p.message.startswith("ENGINE=InnoDB: the default storage engine") for p in result.notes)
    assert [v.name for v in schema.views] == ["item_sales", "cheap", "loose"]
    sales = schema.view("item_sales")
    assert sales.security_invoker
    assert "imy_shop" not in sales.query
    assert (sales.columns, sales.depends_on) == (("name", "store", "sold"), ("item", "sale"))
    assert schema.view("cheap").check_option == "cascaded"
    assert [(o.kind, o.name, o.depends_on) for o in schema.verbatim] == [
        ("trigger", "item_au", ("item", "item_log")), ("function", "in_stock", ("sale",)),
        ("procedure", "restock", ("sale",)), ("event", "purge_log", ("item_log",))]
    assert all("DEFINER=" not in o.sql for o in schema.verbatim)
    assert "imy_shop" not in schema.object("trigger", "item_au").sql


def test_mysqldump_objects_on_mariadb():
    """On MariaDB: the dump applied with the mariadb client and the kit's DDL applied to a fresh
    database have equal catalogs (views, triggers, routines, events, FULLTEXT and SPATIAL indexes
    included), and reflecting
    either gives the import back (0 diff steps): the engine's rewritten view text and SHOW CREATE's
    routines compare by meaning."""
    schema = read_sql(MYSQLDUMP, dialect="mysql").schema
    dbs = Databases(Path(tempfile.mkdtemp()))
    try:
        with mysql_lock("dbmodel_imy_shop"):
            native = apply_native_text(MYSQLDUMP, dbs)
            kit = dbs.fresh("mysql")
            apply(schema, kit)
            assert differences(catalog(native), catalog(kit)) == []
            for url in (native, kit):
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    reflected = reflect(url)
                assert list(diff(storable(schema, "mysql"), reflected)) == []
    except Unavailable as e:
        pytest.skip(str(e))
    finally:
        dbs.close()
        shutil.rmtree(dbs.dir, ignore_errors=True)


def apply_native_text(script: str, dbs: Databases) -> str:
    path = dbs.dir / "dump.sql"
    dbs.dir.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    return apply_native(path, dbs.fresh("mysql"), dbs)


def test_mysql_objects_to_other_engines():
    """Verbatim MySQL objects are left out elsewhere with a note naming each; a view grouping loosely
    (a column neither grouped nor aggregated) is left out on PostgreSQL and DuckDB, which refuse it,
    and kept on SQLite, which takes it; BIGINT UNSIGNED AUTO_INCREMENT is a bigint identity on
    PostgreSQL, the DDL naming the column and the values that no longer fit; the rest applies."""
    schema = read_sql(MYSQLDUMP, dialect="mysql").schema
    assert "sale.id: bigint unsigned stored as bigint (postgresql has no unsigned types and an identity column " \
        "must be an integer: values above 9,223,372,036,854,775,807 do not fit)" in create_sql(schema, "postgresql")
    for engine in ("duckdb", "sqlite"):
        sql = create_sql(schema, engine)
        for kind, name in (("trigger", "item_au"), ("function", "in_stock"), ("procedure", "restock"),
                           ("event", "purge_log")):
            assert f"-- {engine}: {kind} {name} left out: mysql only" in sql
        with tempfile.TemporaryDirectory() as d:
            apply(schema, f"{engine}:///{d}/x.{engine}")
    assert "view loose left out: its query uses a column neither grouped nor aggregated" in create_sql(schema, "duckdb")
    assert "CREATE VIEW loose" in create_sql(schema, "sqlite")


def test_mediumint_unsigned_auto_increment_is_an_integer():
    """A native integer spelling (MEDIUMINT UNSIGNED) can be AUTO_INCREMENT in the kit's DDL (it was
    refused: SQLAlchemy took the spelled type for no integer)."""
    schema = read_sql("CREATE TABLE t (id MEDIUMINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY);",
                      dialect="mysql").schema
    assert "id mediumint unsigned NOT NULL AUTO_INCREMENT" in create_sql(schema, "mysql")


def test_simple_case_is_the_searched_case_duckdb_stores():
    """DuckDB stores ``CASE x WHEN v THEN`` as ``CASE WHEN (x = v) THEN``: the same view (Sakila's
    nicer_but_slower_film_list on DuckDB: 'reflect after apply on duckdb differs'); other values are not."""
    written = "SELECT CASE typeof(a) WHEN 'BLOB' THEN 1 ELSE 2 END AS k FROM t"
    stored = "SELECT CASE  WHEN ((typeof(a) = 'BLOB')) THEN (1) ELSE 2 END AS k FROM t"
    assert query_meaning(written, "duckdb") == query_meaning(stored, "duckdb")
    assert query_meaning(written, "duckdb") != query_meaning(stored.replace("'BLOB'", "'TEXT'"), "duckdb")


def test_a_table_aliased_by_its_own_name_is_the_table():
    """``JOIN city AS city`` is ``JOIN city`` (PostgreSQL stores it without the alias: Sakila's
    customer_list transpiled from MySQL); another alias is not."""
    assert query_meaning("SELECT city.city FROM address AS a JOIN city AS city ON a.city_id = city.city_id",
                         "postgres") == query_meaning(
        "SELECT city.city FROM address a JOIN city ON a.city_id = city.city_id", "postgres")
    assert query_meaning("SELECT c.city FROM city AS c", "postgres") != query_meaning("SELECT c.city FROM city",
                                                                                       "postgres")


def test_view_text_compares_by_meaning():
    """The query as written and as MariaDB stores it are the same view; a different query is not."""
    written = "SELECT i.name, SUM(s.qty) AS sold FROM item i INNER JOIN sale s ON s.item_id = i.id " \
              "WHERE i.active = TRUE GROUP BY i.name ORDER BY sold DESC"
    stored = "select `i`.`name` AS `name`,sum(`s`.`qty`) AS `sold` from (`item` `i` join `sale` `s` " \
             "on(`s`.`item_id` = `i`.`id`)) where `i`.`active` = 1 group by `i`.`name` order by sum(`s`.`qty`) desc"
    assert query_meaning(written, "mysql") == query_meaning(stored, "mysql")
    assert View("v", written, "mysql") == View("v", stored, "mysql")
    assert View("v", written, "mysql") != View("v", stored.replace("desc", ""), "mysql")
    assert object_meaning("CREATE FUNCTION f() RETURNS BOOLEAN NOT DETERMINISTIC READS SQL DATA RETURN 1", "mysql") \
        == object_meaning("CREATE DEFINER=`a`@`%` FUNCTION `f`() RETURNS tinyint(1)\n    READS SQL DATA\nRETURN 1",
                          "mysql")
    assert object_meaning("CREATE FUNCTION f() RETURNS INT RETURN 1", "mysql") != \
        object_meaning("CREATE FUNCTION f() RETURNS INT RETURN 2", "mysql")


# -- SQLite ------------------------------------------------------------------------------------------

SQLITE_SCHEMA = textwrap.dedent("""\
    CREATE TABLE "Note" (id INTEGER PRIMARY KEY, title TEXT NOT NULL COLLATE NOCASE, body TEXT, updated TEXT);
    CREATE TABLE tag (note_id INTEGER NOT NULL REFERENCES "Note" (id), label TEXT NOT NULL);
    CREATE VIRTUAL TABLE note_fts USING fts5(title, body, content='Note', content_rowid='id');
    CREATE VIRTUAL TABLE scratch USING fts5(words);
    CREATE TRIGGER note_ai AFTER INSERT ON "Note" BEGIN
      INSERT INTO note_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    CREATE TRIGGER note_ad AFTER DELETE ON note BEGIN
      INSERT INTO note_fts(note_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    END;
    CREATE VIEW tagged AS SELECT n.id, n.title, group_concat(t.label, ', ') AS labels
      FROM note n JOIN tag t ON t.note_id = n.id GROUP BY n.id;
    CREATE VIEW recent(id, title) AS SELECT id, title FROM tagged WHERE id > 10;
    CREATE TRIGGER recent_io INSTEAD OF DELETE ON recent BEGIN DELETE FROM "Note" WHERE id = old.id; END;
""")


def _sqlite_dump(tmp: Path) -> tuple[str, str]:
    """The schema made by sqlite3 and dumped as the sqlite3 shell's .dump does (shadow tables and
    the INSERT INTO sqlite_schema form included); the database's URL."""
    path = tmp / "app.db"
    con = sqlite3.connect(path)
    con.executescript(SQLITE_SCHEMA)
    con.execute("INSERT INTO \"Note\" VALUES (1, 'a', 'b', NULL)")
    con.commit()
    dump = "\n".join(con.iterdump())
    con.close()
    if "CREATE VIRTUAL TABLE" not in dump.split("sqlite_schema", 1)[-1] and "sqlite_master" not in dump:
        # Python's iterdump writes virtual tables through sqlite_master as the shell does
        pytest.fail("iterdump no longer writes virtual tables as the shell does")
    return dump, f"sqlite:///{path}"


def test_sqlite_application_schema(tmp_path: Path):
    """An SQLite dump with FTS5 (external content and plain), triggers (one INSTEAD OF on a view) and
    views reads with everything kept, the shadow tables understood as the virtual tables' own (a
    note each, no table); the kit's DDL gives the same sqlite_master and pragmas; reflection of the
    native database and of the kit's equals the import (0 diff steps), with no warning."""
    dump, native = _sqlite_dump(tmp_path)
    result = read_sql(dump, dialect="sqlite")
    schema = result.schema
    assert result.not_kept == ()
    assert schema.table_names == ("Note", "tag")
    assert schema.table("Note").column("title").type.collation_for("sqlite") == "NOCASE"
    assert [(o.kind, o.name) for o in schema.verbatim] == [
        ("virtual table", "note_fts"), ("virtual table", "scratch"), ("trigger", "note_ai"), ("trigger", "note_ad"),
        ("trigger", "recent_io")]
    assert schema.object("trigger", "note_ad").depends_on == ("Note", "note_fts")
    assert schema.view("recent").depends_on == ("tagged",)
    assert sum("shadow table of virtual table" in p.message for p in result.notes) == 2
    kit = f"sqlite:///{tmp_path / 'kit.db'}"
    apply(schema, kit)
    assert differences(catalog(native), catalog(kit)) == []
    for url in (native, kit):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            reflected = reflect(url)
        assert list(diff(storable(schema, "sqlite"), reflected)) == []


# -- DuckDB --------------------------------------------------------------------------------------

DUCKDB_SCRIPT = textwrap.dedent("""\
    CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL);
    CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (customer_id),
                         total DECIMAL(12, 2));
    CREATE MACRO with_tax(amount, rate) AS amount * (1 + rate);
    CREATE VIEW customer_totals AS
        SELECT c.customer_id, c.name, SUM(o.total) AS spent
        FROM customers c LEFT JOIN orders o ON c.customer_id = o.customer_id
        GROUP BY c.customer_id, c.name;
    CREATE VIEW big_spenders AS SELECT * FROM customer_totals WHERE spent > 1000;
""")


def test_duckdb_views_and_macros(tmp_path: Path):
    """DuckDB views and a macro are kept; the kit's DDL gives the same duckdb_views()/duckdb_functions();
    reflection (DuckDB's rewritten view text) equals the import."""
    import duckdb

    result = read_sql(DUCKDB_SCRIPT, dialect="duckdb")
    schema = result.schema
    assert result.not_kept == ()
    assert [v.name for v in schema.views] == ["customer_totals", "big_spenders"]
    assert schema.view("big_spenders").depends_on == ("customer_totals",)
    assert schema.object("function", "with_tax").dialect == "duckdb"
    native = tmp_path / "native.duckdb"
    con = duckdb.connect(str(native))
    con.execute(DUCKDB_SCRIPT)
    con.close()
    kit = f"duckdb:///{tmp_path / 'kit.duckdb'}"
    apply(schema, kit)
    assert differences(catalog(f"duckdb:///{native}"), catalog(kit)) == []
    for url in (f"duckdb:///{native}", kit):
        assert list(diff(storable(schema, "duckdb"), reflect(url))) == []


def test_duckdb_export_database_round_trips(tmp_path: Path):
    """DuckDB's EXPORT DATABASE schema.sql (enum columns written inline although their type is declared,
    a table macro's query in parentheses) imports as the database it came from: catalogs equal,
    reflect = import."""
    import duckdb

    native = tmp_path / "native.duckdb"
    con = duckdb.connect(str(native))
    con.execute("CREATE TYPE mood AS ENUM ('happy', 'sad'); CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                "total DECIMAL(10, 2), feeling mood); "
                "CREATE MACRO top_orders(n) AS TABLE SELECT * FROM orders ORDER BY total DESC LIMIT n; "
                "CREATE VIEW happy AS SELECT id FROM orders WHERE feeling = 'happy'")
    con.execute(f"EXPORT DATABASE '{tmp_path / 'export'}'")
    con.close()
    result = read_sql((tmp_path / "export" / "schema.sql").read_text(), dialect="duckdb")
    schema = result.schema
    assert result.not_kept == ()
    assert [e.name for e in schema.enums] == ["mood"]
    assert schema.table("orders").column("feeling").type.enum == "mood"
    kit = f"duckdb:///{tmp_path / 'kit.duckdb'}"
    apply(schema, kit)
    assert differences(catalog(f"duckdb:///{native}"), catalog(kit)) == []
    assert list(diff(storable(schema, "duckdb"), reflect(f"duckdb:///{native}"))) == []


def test_default_sqlglot_cannot_write_is_a_note():
    """An SQLite default sqlglot cannot write for DuckDB (datetime('now')) is left to the application with
    a note naming the column (was an AttributeError from sqlglot)."""
    schema = read_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT DEFAULT (datetime('now')));",
                      dialect="sqlite").schema
    sql = create_sql(schema, "duckdb")
    assert "-- duckdb: t.at default DATETIME('now') is left to the application" in sql
    assert '"at" VARCHAR,' in sql


#: A mysqldump as MySQL 8 writes it (its own versioned comments, EVENT and TRIGGER in /*!501xx */
#: pieces, the placeholder view, ROW_FORMAT=DYNAMIC)
MYSQL8_DUMP = textwrap.dedent("""\
    /*!50503 SET NAMES utf8mb4 */;
    CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop8` /*!40100 DEFAULT CHARACTER SET utf8mb4 */
      /*!80016 DEFAULT ENCRYPTION='N' */;
    USE `shop8`;
    CREATE TABLE `item` (
      `id` int unsigned NOT NULL AUTO_INCREMENT,
      `name` varchar(40) NOT NULL,
      PRIMARY KEY (`id`),
      FULLTEXT KEY `ft` (`name`)
    ) ENGINE=InnoDB AUTO_INCREMENT=3 ROW_FORMAT=DYNAMIC;
    /*!50001 CREATE VIEW `v` AS SELECT
     1 AS `id`*/;
    DELIMITER ;;
    /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `item_bi` BEFORE INSERT ON `item`
      FOR EACH ROW SET NEW.name = TRIM(NEW.name) */;;
    /*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT `cleanup` ON SCHEDULE EVERY 1 DAY
      STARTS '2024-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO DELETE FROM item WHERE id < 0 */ ;;
    DELIMITER ;
    /*!50001 DROP VIEW IF EXISTS `v`*/;
    /*!50001 CREATE ALGORITHM=UNDEFINED */
    /*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
    /*!50001 VIEW `v` AS select `item`.`id` AS `id` from `item` */;
""")


def test_mysql8_dump_objects():
    """MySQL 8's dump forms read without loss: the trigger and event (DEFINER left out, the statement
    starting CREATE TRIGGER / CREATE EVENT), the final view in place of the placeholder, the FULLTEXT
    index; ENGINE=InnoDB and ROW_FORMAT=DYNAMIC are InnoDB's defaults (notes)."""
    result = read_sql(MYSQL8_DUMP, dialect="mysql", source="shop8.sql")
    schema = result.schema
    assert result.not_kept == ()
    assert schema.view("v").query == "select `item`.`id` AS `id` from `item`"
    assert schema.object("trigger", "item_bi").sql.startswith("CREATE TRIGGER `item_bi` BEFORE INSERT")
    assert schema.object("event", "cleanup").sql.startswith("CREATE EVENT `cleanup` ON SCHEDULE EVERY 1 DAY")
    assert schema.table("item").index("ft").method == "fulltext"
    assert any(p.message.startswith("ROW_FORMAT=DYNAMIC") for p in result.notes)


def test_mysql_spatial_index_and_view_on_postgresql(postgres_url):
    """A MySQL SPATIAL index is a GiST index on PostgreSQL (a btree over point was refused: "data
    type point has no default operator class"), and a view calling ST_ functions is left out there
    with a note (PostGIS's functions, not assumed: "function st_astext(point) does not exist")."""
    schema = read_sql("CREATE TABLE w (id INT NOT NULL PRIMARY KEY, location POINT NOT NULL, "
                      "SPATIAL INDEX ix_w_location (location));\n"
                      "CREATE VIEW v AS SELECT id, ST_AsText(location) AS wkt FROM w;", dialect="mysql").schema
    sql = create_sql(schema, "postgresql")
    assert "USING gist (location)" in sql
    assert "view v left out: its query uses spatial (ST_...) functions (PostGIS's, which is not assumed)" in sql
    apply(schema, postgres_url)
    assert reflect(postgres_url).table("w").index("ix_w_location").method == "gist"


@pytest.mark.parametrize("engine", ["sqlite", "duckdb", "postgresql", "mysql"])
def test_mysql_set_round_trips_as_each_engine_stores_it(request, engine):
    """A MySQL SET column is an array of its enum on PostgreSQL and DuckDB and comma-separated text
    on SQLite (storable's set_stored), and reads back so: SQLite's storable named an enum it had
    dropped, PostgreSQL read 'film_special_features[]' as a native type, DuckDB read ENUM(...)[] as
    the enum itself."""
    fixture = {"postgresql": "postgres_url", "mysql": "mysql_url"}.get(engine)
    url = request.getfixturevalue(fixture) if fixture else f"{engine}:///{request.getfixturevalue('tmp_path')}/s.db"
    schema = read_sql("CREATE TABLE film (id INT NOT NULL PRIMARY KEY, special_features "
                      "SET('Trailers','Commentaries','Deleted Scenes') DEFAULT NULL);", dialect="mysql").schema
    apply(schema, url)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = reflect(url)
    assert got == storable(schema, engine)
    kind = {"sqlite": "text", "mysql": "set"}.get(engine, "array")
    assert got.table("film").column("special_features").type.kind == kind


def test_storable_holds_only_the_engines_own_objects():
    """An engine holds the views and objects ddl creates there: another dialect's trigger is not
    created (so not expected back), and a portable view is its query in the engine's dialect."""
    from migrate_corpus import HAND

    schema = HAND["add_objects"]().new
    for kind in ("sqlite", "duckdb", "postgresql", "mysql"):
        held = storable(schema, kind)
        assert {x.dialect for x in held.verbatim} == {kind}
    view = storable(HAND["add_view"]().new, "duckdb").views[0]
    assert view.dialect == "duckdb"
    assert view == View("order_lines", 'SELECT o.id, o.qty, p."name" FROM (orders AS o '
                                                     "INNER JOIN products AS p ON ((p.id = o.product_id)))", "duckdb")


def test_postgresql_public_qualifier_is_no_difference():
    """PostgreSQL gives a trigger back as ON public.orders; written as ON orders it is the same."""
    back = "CREATE TRIGGER t BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION qty_floor()"
    assert object_meaning(back, "postgres") == object_meaning(back.replace("public.", ""), "postgres")
    assert object_meaning("SELECT a.public.x", "postgres") != object_meaning("SELECT a.x", "postgres")


def test_a_postgres_view_means_the_same_without_public():
    """pg_dump writes a view's tables and functions as public.x, the catalog gives them back bare:
    the same query (pagila_pg apply+reflect postgresql: film_list's public.group_concat(...) FROM
    public.category against group_concat(...) FROM category)."""
    from dbmodel_kit.ddl.sqltext import query_meaning

    written = "SELECT public.group_concat(a.name) AS names FROM public.actor a JOIN public.film f ON a.id = f.id"
    stored = "SELECT group_concat(a.name) AS names FROM actor a JOIN film f ON a.id = f.id"
    assert query_meaning(written, "postgres") == query_meaning(stored, "postgres")
    assert query_meaning("SELECT x FROM sales.actor", "postgres") != query_meaning("SELECT x FROM actor", "postgres")
