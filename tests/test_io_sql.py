"""SQL DDL import with sqlglot: what each dialect's DDL becomes, stability, and errors by line."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from strategies import schemas

from dbmodel_kit import ModelError
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.io import dumps, load, loads
from dbmodel_kit.io.sql_import import read_sql

EXAMPLES = Path(__file__).parent.parent / "examples"
HAS_DDL = importlib.util.find_spec("dbmodel_kit.ddl") is not None
needs_ddl = pytest.mark.skipif(not HAS_DDL, reason="dbmodel_kit.ddl (SQL export) is not available")
#: (name the DDL emitter takes, sqlglot's name for reading)
DIALECTS = [("postgresql", "postgres"), ("mysql", "mysql"), ("sqlite", "sqlite"), ("duckdb", "duckdb")]

PG_DDL = textwrap.dedent("""\
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE TABLE people (
      id SERIAL PRIMARY KEY,
      name TEXT NOT NULL,
      mood mood DEFAULT 'ok'::mood,
      score NUMERIC(5,1) CHECK (score >= 0),
      doubled NUMERIC GENERATED ALWAYS AS (score * 2) STORED,
      created TIMESTAMP WITH TIME ZONE DEFAULT now()
    );
    CREATE TABLE pets (
      id BIGINT GENERATED ALWAYS AS IDENTITY,
      owner INT REFERENCES people ON DELETE CASCADE ON UPDATE SET NULL,
      tag CHAR(36),
      CONSTRAINT pets_pk PRIMARY KEY (id)
    );
    ALTER TABLE pets ADD CONSTRAINT uq_tag UNIQUE (tag);
    ALTER TABLE pets ADD CONSTRAINT positive CHECK (id > 0), ADD COLUMN born DATE;
    CREATE UNIQUE INDEX pets_owner ON pets USING btree (owner) INCLUDE (tag) WHERE tag IS NOT NULL;
    COMMENT ON TABLE pets IS 'Animals we keep';
    COMMENT ON COLUMN pets.tag IS 'Collar number';
""")


def test_postgres_ddl_features():
    """CREATE TYPE enum, SERIAL/IDENTITY, inline and ALTER-added constraints, partial covering index
    and COMMENT ON all land in the model."""
    result = read_sql(PG_DDL, dialect="postgres")
    assert result.warnings == ()
    s = result.schema
    assert str(s.table("pets").column("id").default) == "identity(always)"  # GENERATED ALWAYS, kept as such
    people, pets = s.table("people"), s.table("pets")
    assert s.enum("mood").values == ("sad", "ok")
    # SERIAL is a sequence named <table>_<column>_seq, owned by the column (as PostgreSQL makes it)
    assert str(people.column("id").default) == "nextval('people_id_seq')"
    assert s.sequence("people_id_seq").owned_by == ("people", "id")
    assert people.primary_key == ("id",)
    assert str(people.column("mood").type) == "enum(mood)"
    assert people.column("mood").default.value == "ok"
    assert people.column("created").default.kind == "now"
    assert people.column("doubled").generated == "score * 2"
    assert [c.expression for c in people.checks] == ["score >= 0"]
    assert pets.primary_key == ("id",)
    fk = pets.foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update) == ("people", ("id",), "CASCADE", "SET NULL")
    assert pets.unique("uq_tag").columns == ("tag",)
    assert pets.check("positive").expression == "id > 0"
    assert pets.column_names[-1] == "born"
    ix = pets.index("pets_owner")
    assert (ix.unique, ix.method, ix.include, ix.where) == (True, "btree", ("tag",), "NOT tag IS NULL")
    assert pets.comment == "Animals we keep"
    assert pets.column("tag").comment == "Collar number"
    assert str(pets.column("tag").type) == "char(36)"


def test_mysql_ddl_features():
    """MySQL inline ENUM becomes an enum named <table>_<column>, TINYINT(1) is boolean, AUTO_INCREMENT
    is identity, KEY/UNIQUE KEY lines and COMMENT= are read; engine options are reported."""
    result = read_sql(textwrap.dedent("""\
        CREATE TABLE `order` (
          id INT AUTO_INCREMENT PRIMARY KEY,
          status ENUM('new','paid') NOT NULL DEFAULT 'new' COMMENT 'where it is',
          gift TINYINT(1) DEFAULT 0,
          n INT(11),
          placed DATETIME,
          stamped TIMESTAMP,
          KEY by_status (status),
          UNIQUE KEY uk_n (n)
        ) COMMENT='Orders' ENGINE=InnoDB;
    """), dialect="mysql")
    t = result.schema.table("order")
    assert result.schema.enum("order_status").values == ("new", "paid")
    assert str(t.column("status").type) == "enum(order_status)"
    assert t.column("status").comment == "where it is"
    assert str(t.column("gift").type) == "boolean"
    assert t.column("gift").default.value is False
    assert str(t.column("id").default) == "identity"
    assert str(t.column("n").type) == "integer"
    # MySQL's DATETIME and TIMESTAMP keep whole seconds unless given digits
    assert (str(t.column("placed").type), str(t.column("stamped").type)) == ("timestamp(0)", "timestamptz(0)")
    assert t.index("by_status").columns == ("status",)
    assert t.unique("uk_n").columns == ("n",)
    assert t.comment == "Orders"
    assert result.warnings == ("line 1: note: ENGINE=InnoDB: the default storage engine, which the kit's tables get",)


def test_sqlite_and_duckdb_identity():
    """SQLite AUTOINCREMENT is an identity column; so is DuckDB's plain sequence named <table>_<column>_seq
    drawn by that column alone (how the kit writes identity there); any other sequence is kept."""
    lite = read_sql("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, ok BOOLEAN DEFAULT 1)", dialect="sqlite")
    assert str(lite.schema.table("t").column("id").default) == "identity"
    assert lite.schema.table("t").column("ok").default.value is True
    duck = read_sql("CREATE SEQUENCE t_id_seq; CREATE TABLE t (id INTEGER DEFAULT nextval('t_id_seq') PRIMARY KEY);",
                    dialect="duckdb")
    assert (str(duck.schema.table("t").column("id").default), duck.schema.sequences) == ("identity", ())
    duck = read_sql("CREATE SEQUENCE ids START 100; CREATE TABLE t (id INTEGER DEFAULT nextval('ids') PRIMARY KEY);",
                    dialect="duckdb")
    assert str(duck.schema.table("t").column("id").default) == "nextval('ids')"
    assert duck.schema.sequence("ids").start == 100


def test_unsupported_statements_are_reported_with_lines():
    """Statements the model cannot hold are reported with their lines and the import goes on;
    strict=True raises one error listing each."""
    sql = textwrap.dedent("""\
        BEGIN;
        CREATE TABLE t (id INT PRIMARY KEY, email TEXT);
        CREATE COLLATION german (provider = icu, locale = 'de');
        CREATE STATISTICS t_stats ON id, email FROM t;
        COMMIT;
    """)
    with pytest.raises(ModelError) as info:
        read_sql(sql, source="shop.sql", strict=True)
    assert "shop.sql:3: not kept: CREATE COLLATION" in info.value.message
    assert "shop.sql:4: not kept: CREATE STATISTICS" in info.value.message
    assert info.value.where == "shop.sql"
    result = read_sql(sql)
    assert result.schema.table_names == ("t",)
    assert any(w.startswith("line 3: not kept: CREATE COLLATION") for w in result.warnings)
    assert any(w.startswith("line 1: note: session settings") for w in result.warnings)


def test_syntax_error_names_the_line():
    """A syntax error in the DDL is a ModelError at file:line."""
    with pytest.raises(ModelError) as info:
        read_sql("CREATE TABLE a (id INT);\n\nCREATE TABLE b (id INT REFERENCES);\n", source="bad.sql")
    assert info.value.where == "bad.sql:3"
    assert info.value.message == "SQL syntax error: Expected table name but got ')'"


def test_fk_to_missing_table_names_the_line():
    """A foreign key to a table the script never creates is an error at the line that declares it."""
    with pytest.raises(ModelError) as info:
        read_sql("CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (\n  a_id INT REFERENCES nowhere (id)\n);",
                 source="bad.sql")
    assert info.value.where == "bad.sql:2"
    assert "'nowhere'" in info.value.message


def test_duplicate_column_names_the_line():
    """A column declared twice in CREATE TABLE is an error naming the statement's line and the column."""
    with pytest.raises(ModelError) as info:
        read_sql("CREATE TABLE ok (id INT);\nCREATE TABLE t (a INT, b INT, a TEXT);", source="bad.sql")
    assert info.value.where == "bad.sql:2"
    assert "duplicate column 'a'" in info.value.message


def test_unknown_type_is_kept_as_written_for_its_engine():
    """A type with no logical equivalent is kept as written for the source engine (a note saying so,
    so even strict=True imports it); DDL for that engine writes it back, another engine's DDL refuses
    naming the column."""
    from dbmodel_kit.ddl import create_sql

    result = read_sql("CREATE TABLE t (id int PRIMARY KEY, during int4range)", strict=True)
    assert str(result.schema.table("t").column("during").type) == "native(postgresql: int4range)"
    assert [str(p) for p in result.problems] == [
        "line 1: note: t.during: type int4range has no logical equivalent; kept as written for postgresql (DDL for "
        "another engine names the column)"]
    assert "during int4range" in create_sql(result.schema, "postgresql")
    with pytest.raises(ModelError, match=r"t\.during"):
        create_sql(result.schema, "mysql")


def test_quoted_identifiers_keep_their_text():
    """Quoted names with spaces, quotes and unicode survive; unquoted ones follow the dialect's folding."""
    s = read_sql('CREATE TABLE "Order Items" ("naïve ""x""" INT PRIMARY KEY, Qty INT);', dialect="postgres").schema
    t = s.table("Order Items")
    assert t.column_names == ('naïve "x"', "qty")


@needs_ddl
def test_example_sql_file_matches_export():
    """examples/ecommerce.sql is exactly the PostgreSQL export of the example model."""
    expected = dumps(ecommerce(), "sql", dialect="postgresql")
    assert (EXAMPLES / "ecommerce.sql").read_text(encoding="utf-8") == expected, (
        "examples/ecommerce.sql is stale; regenerate it with "
        "`.venv/bin/dbmodel convert examples/ecommerce.yaml -o examples/ecommerce.sql`")


def test_example_sql_imports_as_golden_yaml(golden):
    """Importing examples/ecommerce.sql gives the model minus what SQL cannot say (groups, flags,
    sensitivity), recorded as YAML in a golden file."""
    schema = load(EXAMPLES / "ecommerce.sql")
    golden("io/ecommerce_from_sql.yaml", dumps(schema, "yaml"))
    assert schema.table_names == ecommerce().table_names
    for imported, original in zip(schema.tables, ecommerce().tables, strict=True):
        assert imported.foreign_keys == original.foreign_keys
        assert imported.indexes == original.indexes
        assert imported.checks == original.checks
        assert [(c.name, c.type, c.nullable, c.default) for c in imported.columns] == [
            (c.name, c.type, c.nullable, c.default) for c in original.columns]


@needs_ddl
@pytest.mark.parametrize(("dialect", "read_as"), DIALECTS)
@pytest.mark.parametrize("build", [ecommerce, large], ids=["ecommerce", "large"])
def test_import_export_import_is_stable(dialect, read_as, build):
    """For each dialect, import(export(import(export(model)))) equals import(export(model))."""
    first = loads(dumps(build(), "sql", dialect=dialect), "sql", dialect=read_as)
    second = loads(dumps(first, "sql", dialect=dialect), "sql", dialect=read_as)
    assert second == first
    assert set(first.table_names) == set(build().table_names)


@needs_ddl
@pytest.mark.parametrize(("dialect", "read_as"), DIALECTS)
def test_random_schemas_sql_round_trip_is_stable(dialect, read_as):
    """Random schemas (odd identifiers included) reach a fixed point after one SQL export/import."""
    from dbmodel_kit.ddl import create_sql

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(schemas(rich=False, max_tables=3))
    def check(schema):
        try:
            sql = create_sql(schema, dialect)
        except ModelError:
            assume(False)  # names the engine cannot store (e.g. MySQL and characters beyond U+FFFF)
        first = read_sql(sql, dialect=read_as).schema
        second = read_sql(create_sql(first, dialect), dialect=read_as).schema
        assert second == first

    check()


def test_mysql_prefix_index_reads_the_column():
    """A MySQL prefix index part `col`(255), which sqlglot parses as a call, is read as the column
    (even for a column named like a function) and the dropped prefix length is reported."""
    result = read_sql("CREATE TABLE t (`select` TEXT, `date` TEXT);\n"
                      "CREATE INDEX ix_t ON t (`select`(255), `date`(5));", dialect="mysql")
    assert result.schema.table("t").index("ix_t").columns == ("select", "date")
    assert result.warnings == ("line 2: not kept: index on t.select: prefix length 255",
                               "line 2: not kept: index on t.date: prefix length 5")


def test_load_issues_what_it_skipped_as_warnings():
    """load(strict=False) reports each skipped statement and each dropped detail as a SchemaImportWarning."""
    from dbmodel_kit.io import SchemaImportWarning

    sql = "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=MyISAM;\nGRANT SELECT ON t TO reporting;\n"
    with pytest.warns(SchemaImportWarning) as record:
        schema = loads(sql, "sql", dialect="mysql", strict=False, source="shop.sql")
    assert schema.table_names == ("t",)
    assert sorted(str(w.message) for w in record) == [
        "shop.sql: line 1: not kept: table t: option ENGINE=MyISAM",
        "shop.sql: line 2: not kept: GRANT (privileges): GRANT SELECT ON t TO reporting",
    ]


def test_postgres_index_the_model_cannot_hold_is_kept_as_sql():
    """An index on an expression, with an operator class or DESC is kept as its SQL for PostgreSQL
    (io/pg_import.pg_index), on its table; other dialects still report the expression."""
    r = read_sql("CREATE TABLE t (id int PRIMARY KEY, email text);\n"
                 "CREATE INDEX t_lower ON t (lower(email));\nCREATE INDEX t_desc ON t (id DESC);\n", strict=True)
    assert [(o.kind, o.key, o.depends_on) for o in r.schema.verbatim] == [("index", "t_lower", ("t",)),
                                                                          ("index", "t_desc", ("t",))]
    assert r.schema.table("t").indexes == ()
