"""Reflection reads namespaces on MySQL/MariaDB (databases) and SQLite (attached files) as on
PostgreSQL and DuckDB (issue 16): tables of a schema other than the default one keyed
``schema.name``, foreign keys between schemas read back, ``schema=`` / ``--schema`` to choose;
MySQL column collations kept by import and reflection alike."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbmodel_kit import Enum, Index, ModelError, Schema
from dbmodel_kit.cli import main
from dbmodel_kit.ddl import apply, create_sql
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.io.reflect import MYSQL_SYSTEM_DATABASES, READ_RULES, ReflectionWarning, reflect
from dbmodel_kit.io.sql_import import read_sql
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.plan import canonical
from dbmodel_kit.model.spec import build_table
from dbmodel_kit.urls import sqlite_attachments

MYSQL_SERVER = "mysql+pymysql://root@127.0.0.1:3306/"


# -- MySQL / MariaDB ---------------------------------------------------------------------------

def _dump(shop: str, audit: str) -> str:
    """A two-database script as mysqldump --databases writes one: the first database is the
    script's own, the second's tables name the first's across databases."""
    return f"""
CREATE DATABASE `{shop}`;
USE `{shop}`;
CREATE TABLE `customers` (
  `id` int(11) NOT NULL,
  `email` varchar(120) COLLATE utf8mb4_bin NOT NULL,
  `name` varchar(60) CHARACTER SET latin1 COLLATE latin1_german1_ci DEFAULT NULL,
  `city` nvarchar(40) DEFAULT NULL,
  `code` varchar(8) BINARY DEFAULT NULL,
  `legacy` varchar(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,
  `kind` enum('person','company') NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE DATABASE `{audit}`;
USE `{audit}`;
CREATE SEQUENCE `tick`;
CREATE TABLE `log` (
  `id` int(11) NOT NULL,
  `customer_id` int(11) NOT NULL,
  `n` bigint(20) DEFAULT nextval(`{audit}`.`tick`),
  `kind` enum('in','out') DEFAULT NULL,
  `code` varchar(10) COLLATE utf8mb4_general_ci DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_log_customer` (`customer_id`),
  CONSTRAINT `fk_log_customer` FOREIGN KEY (`customer_id`) REFERENCES `{shop}`.`customers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE `entries` (
  `id` int(11) NOT NULL,
  `log_id` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_entries_log` (`log_id`),
  CONSTRAINT `fk_entries_log` FOREIGN KEY (`log_id`) REFERENCES `log` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TRIGGER `log_code` BEFORE INSERT ON `log` FOR EACH ROW SET NEW.code = lower(NEW.code);
CREATE VIEW `customer_log` AS SELECT l.id, c.email FROM log l JOIN `{shop}`.`customers` c ON c.id = l.customer_id;
USE `{shop}`;
CREATE VIEW `companies` AS SELECT id, email FROM customers WHERE kind = 'company';
"""


def _server() -> sa.Engine:
    engine = sa.create_engine(MYSQL_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as e:  # any failure to connect means "server not here"
        engine.dispose()
        pytest.skip(f"MariaDB/MySQL server not reachable: {type(e).__name__}")
    return engine


@pytest.fixture
def two_databases() -> Iterator[tuple[str, str, str]]:
    """(shop, audit, script): the dump above run with the server's own client on two databases
    named for this test, dropped afterwards (audit first: its keys name shop)."""
    client = shutil.which("mariadb") or shutil.which("mysql")
    if client is None:
        pytest.skip("the mariadb client is not installed")
    engine = _server()
    tag = uuid.uuid4().hex[:10]
    shop, audit = f"r16_shop_{tag}", f"r16_audit_{tag}"
    script = _dump(shop, audit)
    try:
        done = subprocess.run([client, "-h", "127.0.0.1", "-P", "3306", "-u", "root"], input=script.encode(),
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        yield shop, audit, script
    finally:
        with engine.connect() as conn:
            for db in (audit, shop):
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{db}`")
        engine.dispose()


@pytest.mark.mysql
def test_mysql_import_and_reflection_agree_across_databases(two_databases: tuple[str, str, str]) -> None:
    """A script making two databases keys each one's tables ``db.name``, in the import and in
    reflection of both (MySQL's DDL can write a key between them only so): equal, 0 diff steps; the
    key between the databases, the sequence of the second and the column collations come back
    (``BINARY``: the table's character set's binary collation); a column differing from its table
    by its character set only (NVARCHAR; latin1 in latin1's default collation, as SHOW CREATE TABLE
    writes it) is reported, its collation kept by neither."""
    shop, audit, script = two_databases
    imported = read_sql(script, dialect="mysql").schema
    assert imported.table_names == (f"{shop}.customers", f"{audit}.log", f"{audit}.entries")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReflectionWarning)
        got = reflect(MYSQL_SERVER + shop, schema=[shop, audit])
    assert [str(w.message) for w in caught] == [
        f"{shop}.customers.{column}: character set {charset} not kept (the model holds a column's collation, not its "
        "character set)" for column, charset in (("city", "utf8mb3"), ("legacy", "latin1"))]
    want = storable(imported, "mysql")
    assert list(diff(want, got)) == []
    assert canonical(got) == canonical(want)
    log = got.table(f"{audit}.log")
    assert [(f.ref_table, f.on_delete) for f in log.foreign_keys] == [(f"{shop}.customers", "CASCADE")]
    assert got.table(f"{audit}.entries").foreign_keys[0].ref_table == f"{audit}.log"
    assert sorted(v.key for v in got.views) == [f"{audit}.customer_log", f"{shop}.companies"]
    (trigger,) = got.verbatim
    assert trigger.key == f"{audit}.log_code"
    assert trigger.sql.startswith(f"CREATE TRIGGER `{audit}`.`log_code` BEFORE INSERT ON `log`")
    assert str(log.column("n").default.value) == f"{audit}.tick"
    assert got.sequence(f"{audit}.tick").schema == audit
    assert got.table(f"{shop}.customers").column("email").type.collation_for("mysql") == "utf8mb4_bin"
    assert got.table(f"{shop}.customers").column("name").type.collation_for("mysql") == "latin1_german1_ci"
    assert got.table(f"{shop}.customers").column("code").type.collation_for("mysql") == "utf8mb4_bin"
    assert got.table(f"{shop}.customers").column("city").type.collation == ()
    assert imported.table(f"{shop}.customers").column("legacy").type.collation == ()
    assert log.column("code").type.collation == ()  # the table's own: not the column's


@pytest.mark.mysql
def test_mysql_two_databases_through_the_kit_ddl(two_databases: tuple[str, str, str]) -> None:
    """The imported model of the two databases, written by the kit's DDL on the server (a view's
    query names its own database where MySQL would read the connection's), reads back equal."""
    shop, audit, script = two_databases
    imported = read_sql(script, dialect="mysql").schema
    engine = _server()
    try:
        with engine.connect() as conn:
            for db in (audit, shop):
                conn.exec_driver_sql(f"DROP DATABASE `{db}`")
    finally:
        engine.dispose()
    apply(imported, MYSQL_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReflectionWarning)  # customers.city's character set, as above
        got = reflect(MYSQL_SERVER, schema=[shop, audit])
    assert list(diff(storable(imported, "mysql"), got)) == []
    engine = _server()
    try:
        with engine.connect() as conn:  # the trigger was made in its database, on its table
            found = conn.execute(sa.text(
                "SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
                "WHERE TRIGGER_NAME = 'log_code' AND TRIGGER_SCHEMA = :s"), {"s": audit}).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in found] == [(audit, "log")]


@pytest.mark.mysql
def test_mysql_url_database_and_schema_choose(two_databases: tuple[str, str, str]) -> None:
    """A URL naming a database reads it alone (a key out of it is reported, naming the database to
    add); a server URL lists every database but the server's own, and keys each table by its
    database; schema= chooses."""
    shop, audit, _ = two_databases
    with pytest.warns(ReflectionWarning, match="character set utf8mb3 not kept"):
        assert reflect(MYSQL_SERVER + shop).table_names == ("customers",)
    with pytest.warns(ReflectionWarning, match=rf"{audit}\.log: foreign key fk_log_customer references "
                                               rf"{shop}\.customers, in database {shop}, which was not read"):
        only = reflect(MYSQL_SERVER, schema=audit)
    assert only.table_names == (f"{audit}.entries", f"{audit}.log")
    assert only.table(f"{audit}.log").foreign_keys == ()
    # the server is shared: what a server URL reads by default is checked by name, not read whole
    engine = sa.create_engine(MYSQL_SERVER)
    try:
        with engine.connect() as conn:
            listed = set(READ_RULES["mysql"].schemas(conn))
    finally:
        engine.dispose()
    assert {shop, audit} <= listed
    assert not listed & MYSQL_SYSTEM_DATABASES
    with pytest.warns(ReflectionWarning, match="character set utf8mb3 not kept"):
        both = reflect(MYSQL_SERVER, schema=[shop, audit])
    assert set(both.table_names) == {f"{audit}.entries", f"{audit}.log", f"{shop}.customers"}
    assert both.table(f"{audit}.log").foreign_keys[0].ref_table == f"{shop}.customers"


@pytest.mark.mysql
def test_reflect_cli_schema_option_on_mysql(two_databases: tuple[str, str, str], capsys, tmp_path: Path) -> None:
    """``dbmodel reflect URL --schema NAME`` reads that database only, keyed by its name; ``dbmodel
    diff`` and ``drift`` of the two-database dump against the URL with both schemas find nothing,
    with the URL's database alone the other database's tables."""
    import json

    from dbmodel_kit.io import load

    shop, audit, script = two_databases
    dump = tmp_path / "two.sql"
    dump.write_text(script, encoding="utf-8")
    both = ["--schema", shop, "--schema", audit]
    assert main(["diff", str(dump), MYSQL_SERVER + shop, "--from-dialect", "mysql", "--dialect", "mysql",
                 "--format", "json", *both]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == []
    assert main(["drift", str(dump), "--url", MYSQL_SERVER + shop, "--from-dialect", "mysql", *both]) == 0
    assert "the database matches" in capsys.readouterr().out
    code = main(["drift", str(dump), "--url", MYSQL_SERVER + shop, "--from-dialect", "mysql"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert f"add table {audit}.log" in out, (out, err)

    assert main(["reflect", MYSQL_SERVER, "--schema", audit]) == 0
    out, err = capsys.readouterr()
    assert load(out, "yaml").table_names == (f"{audit}.entries", f"{audit}.log")
    assert f"foreign key fk_log_customer references {shop}.customers" in err
    assert main(["reflect", MYSQL_SERVER + shop, "--schema", shop, "--schema", audit]) == 0
    out, err = capsys.readouterr()
    assert load(out, "yaml").table(f"{audit}.log").foreign_keys[0].ref_table == f"{shop}.customers"
    assert "foreign key" not in err
    assert main(["reflect", MYSQL_SERVER + shop, "--schema", shop]) == 0
    assert load(capsys.readouterr().out, "yaml").table_names == ("customers",)  # one database: unnamed


@pytest.mark.mysql
def test_mysql_column_collations_round_trip(mysql_url: str) -> None:
    """A column whose collation differs from its table's is written by the DDL, read back by
    reflection, and a model without one gets none (the table's default is not the column's)."""
    model = Schema((build_table("word", {
        "id": "integer pk", "code": "varchar(20) collate(mysql: utf8mb4_bin) not null",
        "label": "varchar(40) collate(mysql: latin1_german1_ci)", "kind": "enum(word_kind) collate(mysql: utf8mb4_bin)",
        "plain": "text"}),), enums=(Enum("word_kind", ("a", "b")),))
    apply(model, mysql_url)
    got = reflect(mysql_url)
    assert list(diff(storable(model, "mysql"), got)) == []
    word = got.table("word")
    assert [c.type.collation_for("mysql") for c in word.columns] == [
        None, "utf8mb4_bin", "latin1_german1_ci", "utf8mb4_bin", None]


def test_mysql_import_reads_use_as_namespaces() -> None:
    """A script making or using one database keeps its tables unnamed (the connection's database),
    also where it qualifies them; one making or using several keys each table ``db.name``, a bare
    name being in the database of the last ``USE`` (a key's parent: in the child's). A column
    COLLATE equal to the table's COLLATE= is the table's, not kept on the column; BINARY is the
    binary collation of the column's (else the table's) character set; another character set in
    its default collation is the character
    set only (not kept)."""
    result = read_sql("""CREATE DATABASE a; USE a;
CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(5) COLLATE utf8mb4_bin, d VARCHAR(5) COLLATE utf8mb4_general_ci,
  e VARCHAR(5) BINARY, f VARCHAR(5) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
  g VARCHAR(5) CHARACTER SET latin1 COLLATE latin1_bin, h VARCHAR(5) CHARACTER SET latin1 BINARY)
  DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
USE b;
CREATE TABLE u (id INT PRIMARY KEY, t_id INT, FOREIGN KEY (t_id) REFERENCES a.t (id));
CREATE TABLE a.v (id INT PRIMARY KEY, u_id INT, t_id INT, FOREIGN KEY (u_id) REFERENCES b.u (id),
  FOREIGN KEY (t_id) REFERENCES t (id));
""", dialect="mysql")
    s = result.schema
    assert s.table_names == ("a.t", "b.u", "a.v")
    assert s.table("b.u").foreign_keys[0].ref_table == "a.t"
    # a bare parent is in the child's database (MySQL), not the last USE's
    assert [f.ref_table for f in s.table("a.v").foreign_keys] == ["b.u", "a.t"]
    one = read_sql("CREATE SCHEMA a; USE a; CREATE TABLE t (id INT PRIMARY KEY); "
                   "CREATE TABLE a.w (id INT PRIMARY KEY, t_id INT REFERENCES a.t (id));", dialect="mysql").schema
    assert one.table_names == ("t", "w")
    assert [c.type.collation_for("mysql") for c in s.table("a.t").columns] == [
        None, "utf8mb4_bin", None, "utf8mb4_bin", None, "latin1_bin", "latin1_bin"]
    assert any("USE a: its tables are keyed a.name (the script makes or uses 2 databases" in p.message
               for p in result.problems)


# -- SQLite: attached databases ----------------------------------------------------------------

SQLITE_SCRIPT = """
ATTACH DATABASE '{audit}' AS audit;
CREATE TABLE customers (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(120) NOT NULL COLLATE NOCASE);
CREATE TABLE audit.log (id INTEGER NOT NULL PRIMARY KEY, at TIMESTAMP NOT NULL, note TEXT);
CREATE TABLE audit.entries (id INTEGER NOT NULL PRIMARY KEY,
  log_id INTEGER NOT NULL REFERENCES log (id) ON DELETE CASCADE, qty INTEGER CHECK (qty > 0));
CREATE INDEX audit.ix_entries_qty ON entries (qty);
CREATE VIEW audit.recent AS SELECT id FROM log;
CREATE TRIGGER audit.stamp AFTER INSERT ON log BEGIN UPDATE log SET note = 'new' WHERE id = new.id; END;
"""


def _sqlite_model() -> Schema:
    return Schema((
        build_table("customers", {"id": "integer pk", "email": "varchar(120) collate(sqlite: NOCASE) not null"}),
        build_table("audit.log", {"id": "integer pk", "at": "timestamptz not null", "note": "text"}),
        build_table("audit.entries", {"id": "integer pk",
                                      "log_id": "integer not null references audit.log(id) on delete cascade",
                                      "qty": "integer check (qty > 0)"}, indexes=(Index(("qty",)),)),
    ))


@pytest.fixture
def sqlite_pair(tmp_path: Path) -> tuple[str, Path]:
    """An SQLite file and an attached one, made by SQLite itself (the script runs ATTACH)."""
    main_file, audit_file = tmp_path / "shop.db", tmp_path / "audit.db"
    con = sqlite3.connect(main_file)
    try:
        con.executescript(SQLITE_SCRIPT.format(audit=audit_file))
    finally:
        con.close()
    return f"sqlite:///{main_file}?attach={audit_file}", audit_file


def test_sqlite_attached_database_is_a_namespace(sqlite_pair: tuple[str, Path]) -> None:
    """The URL's attach= file is schema ``audit`` (named after the file): its tables, foreign keys
    (SQLite's stay inside one database), index, view and trigger keyed ``audit.name``, equal to the
    model; schema= chooses one; without attach= only main is read."""
    url, _ = sqlite_pair
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReflectionWarning)
        got = reflect(url)
    tables = Schema(got.tables)
    assert canonical(tables) == canonical(storable(_sqlite_model(), "sqlite"))
    assert got.table("audit.entries").foreign_keys[0].ref_table == "audit.log"
    assert [v.key for v in got.views] == ["audit.recent"]
    (trigger,) = got.verbatim
    assert (trigger.key, trigger.depends_on) == ("audit.stamp", ("audit.log",))
    assert trigger.sql.startswith('CREATE TRIGGER "audit".stamp AFTER INSERT ON log')
    assert reflect(url, schema="audit").table_names == ("audit.entries", "audit.log")
    assert reflect(url, schema="main").table_names == ("customers",)
    assert reflect(url.split("?")[0]).table_names == ("customers",)


def test_sqlite_import_of_the_script_equals_reflection(sqlite_pair: tuple[str, Path]) -> None:
    """The script that made the two files imports as reflection reads them: ATTACH ... AS audit
    makes schema audit, ``CREATE INDEX audit.ix ON entries`` and a key's bare parent are in it."""
    url, audit_file = sqlite_pair
    result = read_sql(SQLITE_SCRIPT.format(audit=audit_file), dialect="sqlite")
    assert result.schema.table_names == ("customers", "audit.log", "audit.entries")
    assert any(p.message.startswith("ATTACH ... AS audit: its tables are keyed audit.name") for p in result.problems)
    assert list(diff(storable(result.schema, "sqlite"), reflect(url))) == []


def test_sqlite_reflected_namespaces_apply_and_read_back(sqlite_pair: tuple[str, Path], tmp_path: Path) -> None:
    """What is read from two files applies to two fresh ones (attach=NAME=FILE names the schema)
    and reads back the same: tables, view and trigger in their own database."""
    url, _ = sqlite_pair
    whole = reflect(url)
    again = f"sqlite:///{tmp_path / 'again.db'}?attach=audit={tmp_path / 'elsewhere.db'}"
    apply(whole, again)
    assert list(diff(whole, reflect(again))) == []
    con = sqlite3.connect(tmp_path / "elsewhere.db")
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    finally:
        con.close()
    assert {"log", "entries", "recent", "stamp", "ix_entries_qty"} <= names


def test_sqlite_attach_parameter_errors(tmp_path: Path, capsys) -> None:
    """A bad attach= is an error naming the URL; the CLI refuses an attached file that is not there
    (connecting would make an empty one)."""
    with pytest.raises(ModelError, match=r"attach='1x=a\.db': expected attach=FILE .* or attach=NAME=FILE"):
        sqlite_attachments("sqlite:///a.db?attach=1x=a.db")
    with pytest.raises(ModelError, match="two databases named 'a'"):
        sqlite_attachments("sqlite:///m.db?attach=a.db&attach=a=b.db")
    assert sqlite_attachments("postgresql://h/db?attach=x")[1] == ()
    main_file = tmp_path / "m.db"
    sqlite3.connect(main_file).close()
    code = main(["reflect", f"sqlite:///{main_file}?attach={tmp_path / 'missing.db'}"])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"attach: no such database file '{tmp_path / 'missing.db'}' (for schema missing)" in err


def test_reflect_cli_sqlite_attached_golden(sqlite_pair: tuple[str, Path], capsys, golden) -> None:
    """``dbmodel reflect "sqlite:///shop.db?attach=audit.db"`` writes main's and audit's objects,
    audit's keyed ``audit.name`` (YAML, and SQL for SQLite naming the database to attach)."""
    url, _ = sqlite_pair
    assert main(["reflect", url]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    golden("io/reflect_namespaces/sqlite_attached.yaml", out)
    assert main(["reflect", url, "--format", "sql", "--dialect", "sqlite"]) == 0
    golden("io/reflect_namespaces/sqlite_attached.sql", capsys.readouterr().out)


# -- DuckDB: the import keys schemas as reflection does ---------------------------------------

def test_duckdb_import_of_the_ddl_equals_reflection(duckdb_url: str) -> None:
    """A DuckDB script with schemas (the kit's own DDL of a model in three schemas, a view and a
    macro of one) imports keyed ``schema.name`` (a key's bare parent in the child's schema), equal
    to DuckDB's reflection of the database it makes."""
    import duckdb
    from test_model_namespaces import _shop

    script = create_sql(_shop(), "duckdb") + (
        "\nCREATE VIEW sales.open_orders AS SELECT id FROM sales.orders WHERE status = 'new';"
        "\nCREATE TABLE sales.notes (id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES items (id));"
        "\nCREATE MACRO sales.twice(x) AS x * 2;\n")
    con = duckdb.connect(duckdb_url.split(":///", 1)[1])
    try:
        con.execute(script)
    finally:
        con.close()
    imported = read_sql(script, dialect="duckdb").schema
    assert imported.table("sales.notes").foreign_keys[0].ref_table == "sales.items"
    assert [v.key for v in imported.views] == ["sales.open_orders"]
    assert list(diff(storable(imported, "duckdb"), reflect(duckdb_url))) == []
