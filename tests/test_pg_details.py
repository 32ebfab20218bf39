"""What real PostgreSQL dumps hold beside tables and keys, kept through every step (issue 16):
(a) DEFERRABLE [INITIALLY DEFERRED] foreign keys and unique constraints; (b) GENERATED ALWAYS vs BY
DEFAULT AS IDENTITY and the identity's sequence options.

Each feature: YAML round trip, SQL import of a file written here, DDL golden files per dialect,
apply + reflect on each engine equal to ``storable``, reflection of the native SQL on the real
PostgreSQL server equal to the import, and a diff that sees the change and a migration that makes it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from dbmodel_kit.ddl import apply, create_engine, create_sql, drop_sql
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io.reflect import ReflectionWarning, reflect
from dbmodel_kit.io.sql_import import read_sql
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import to_sql
from dbmodel_kit.model import Column, DataType, Default, ForeignKey, Schema, Table, Unique

DIALECTS = ("postgresql", "mysql", "sqlite", "duckdb")


def from_sql(text: str, dialect: str) -> Schema:
    """The import of ``text``, which must keep everything it holds."""
    result = read_sql(text, dialect=dialect)
    assert not result.not_kept, result.warnings
    return result.schema


def _deferrable() -> Schema:
    parent = Table("parent", (Column("id", DataType("integer"), nullable=False),
                              Column("code", DataType.parse("varchar(20)"), nullable=False),
                              Column("slot", DataType("integer"))),
                   primary_key=("id",),
                   uniques=(Unique(("code",), name="parent_code_key", deferrable="deferred"),
                            Unique(("slot",), name="parent_slot_key", deferrable="immediate")))
    child = Table("child", (Column("id", DataType("integer"), nullable=False),
                            Column("parent_id", DataType("integer")),
                            Column("other_id", DataType("integer"))),
                  primary_key=("id",),
                  foreign_keys=(ForeignKey(("parent_id",), "parent", ("id",), name="child_parent_fk",
                                           on_delete="CASCADE", deferrable="deferred"),
                                ForeignKey(("other_id",), "parent", ("id",), name="child_other_fk",
                                           deferrable="immediate")))
    return Schema((parent, child))


# -- a. DEFERRABLE -----------------------------------------------------------------------------

def test_deferrable_reads_every_spelling_and_refuses_others():
    assert ForeignKey(("a",), "t", deferrable=True).deferrable == "immediate"
    assert ForeignKey(("a",), "t", deferrable="INITIALLY DEFERRED").deferrable == "deferred"
    assert ForeignKey(("a",), "t", deferrable=False).deferrable is None
    assert Unique(("a",), deferrable="not deferrable").deferrable is None
    with pytest.raises(ModelError, match="deferrable must be immediate or deferred, not 'later'"):
        Unique(("a",), deferrable="later")


def test_deferrable_yaml_round_trip():
    schema = _deferrable()
    text = write_yaml(schema)
    assert "deferrable: deferred" in text
    assert "deferrable: immediate" in text
    assert read_yaml(text) == schema
    # a deferrable single-column key is not written inline in the column spec, where it would be lost
    child = read_yaml(text).table("child")
    assert [fk.deferrable for fk in child.foreign_keys] == ["deferred", "immediate"]


def test_deferrable_yaml_refuses_a_bad_value_naming_the_line():
    text = ("tables:\n  p:\n    columns:\n      id: integer pk\n  c:\n    columns:\n      id: integer pk\n"
            "      p_id: integer\n    foreign_keys:\n      - {columns: [p_id], references: p, deferrable: soon}\n")
    with pytest.raises(ModelError, match="deferrable must be immediate or deferred") as e:
        read_yaml(text)
    assert "10" in str(e.value)


PG_DUMP = """
CREATE TABLE parent (id integer NOT NULL, code varchar(20) NOT NULL, slot integer, note text
    CHECK (note <> 'NOT DEFERRABLE'));
ALTER TABLE ONLY parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id);
ALTER TABLE ONLY parent ADD CONSTRAINT parent_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ONLY parent ADD CONSTRAINT parent_slot_key UNIQUE (slot) DEFERRABLE;
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) NOT DEFERRABLE,
    other_id integer, third_id integer,
    CONSTRAINT child_third_fk FOREIGN KEY (third_id) REFERENCES parent (id) NOT DEFERRABLE INITIALLY IMMEDIATE);
ALTER TABLE ONLY child ADD CONSTRAINT child_other_fk FOREIGN KEY (other_id) REFERENCES parent(id)
    DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE ONLY child ADD CONSTRAINT child_parent2_fk FOREIGN KEY (parent_id) REFERENCES parent(id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
"""


def test_deferrable_sql_import_keeps_each_form():
    """pg_dump writes DEFERRABLE on ALTER TABLE ... ADD CONSTRAINT; NOT DEFERRABLE (the default,
    which sqlglot cannot read after a table constraint) is read as no clause; a CHECK holding the
    words in a string keeps them."""
    schema = from_sql(PG_DUMP, dialect="postgres")
    parent, child = schema.table("parent"), schema.table("child")
    assert {u.name: u.deferrable for u in parent.uniques} == {"parent_code_key": "deferred",
                                                              "parent_slot_key": "immediate"}
    assert {f.name: f.deferrable for f in child.foreign_keys} == {
        "child_parent_id_fkey": None, "child_third_fk": None, "child_other_fk": "immediate",
        "child_parent2_fk": "deferred"}
    assert child.foreign_key("child_parent2_fk").on_delete == "CASCADE"
    assert "NOT DEFERRABLE" in parent.checks[0].expression


def test_deferrable_sqlite_import():
    schema = from_sql("CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
                      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) "
                      "DEFERRABLE INITIALLY DEFERRED);", dialect="sqlite")
    assert schema.table("c").foreign_keys[0].deferrable == "deferred"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_deferrable_ddl_golden(dialect, golden):
    """PostgreSQL creates every clause, SQLite those on foreign keys; elsewhere a note names each
    constraint whose DEFERRABLE is dropped."""
    sql = create_sql(_deferrable(), dialect)
    golden(f"ddl/deferrable/{dialect}.sql", sql)
    d = get_dialect(dialect)
    assert ("DEFERRABLE INITIALLY DEFERRED" in sql.split("-- ")[0] or "DEFERRABLE INITIALLY DEFERRED dropped" in sql)
    assert ("foreign key child_parent_fk: DEFERRABLE INITIALLY DEFERRED dropped" in sql) != d.deferrable_fks
    assert ("unique constraint parent_code_key: DEFERRABLE INITIALLY DEFERRED dropped" in sql) != d.deferrable_uniques


def test_deferrable_round_trips_on_each_engine(engine_url):
    """apply then reflect gives storable: PostgreSQL keeps every deferrable (pg_constraint), SQLite
    those of foreign keys (read from the table's SQL), MariaDB and DuckDB none."""
    schema = _deferrable()
    apply(schema, engine_url)
    back = reflect(engine_url)
    assert back == storable(schema, engine_url)
    d = get_dialect(engine_url)
    fks = {f.name or f.columns[0]: f.deferrable for f in back.table("child").foreign_keys}
    assert sorted(v for v in fks.values() if v) == (["deferred", "immediate"] if d.deferrable_fks else [])
    held = [u.deferrable for u in back.table("parent").uniques if u.deferrable]
    assert sorted(held) == (["deferred", "immediate"] if d.deferrable_uniques else [])


def test_deferrable_works_on_postgresql(postgres_url):
    """The created constraint is really checked at commit: a child row inserted before its parent
    in one transaction is accepted."""
    apply(_deferrable(), postgres_url)
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO child (id, parent_id) VALUES (1, 7)"))
        conn.execute(sa.text("INSERT INTO parent (id, code) VALUES (7, 'a')"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO child (id, other_id) VALUES (2, 8)"))  # immediate: checked now
    engine.dispose()


def test_deferrable_native_sql_reflects_as_imported(postgres_url):
    """The dump applied by PostgreSQL itself reflects as the kit imports it."""
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(PG_DUMP)
    engine.dispose()
    assert reflect(postgres_url) == storable(from_sql(PG_DUMP, dialect="postgres"), "postgresql")


def test_deferrable_change_is_a_migration():
    """diff sees deferrable change on a foreign key and a unique constraint; PostgreSQL's migration
    re-creates them with the clause, MariaDB's says it is dropped there."""
    old = _deferrable()
    child, parent = old.table("child"), old.table("parent")
    new = old.replace_table(replace(child, foreign_keys=(replace(child.foreign_keys[0], deferrable=None),
                                                         child.foreign_keys[1])))
    new = new.replace_table(replace(parent, uniques=(replace(parent.uniques[0], deferrable="immediate"),
                                                     parent.uniques[1])))
    plan = diff(old, new)
    kinds = [type(step.op).__name__ for step in plan.steps]
    assert kinds.count("DropForeignKey") == 1
    assert kinds.count("AddForeignKey") == 1
    assert kinds.count("DropUnique") == 1
    assert kinds.count("AddUnique") == 1
    pg = to_sql(plan, "postgresql")
    assert "ADD CONSTRAINT parent_code_key UNIQUE (code) DEFERRABLE" in pg
    assert "INITIALLY DEFERRED" not in pg.split("ADD CONSTRAINT parent_code_key")[1].split(";")[0]
    assert "FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE CASCADE;" in pg
    back = diff(new, old)
    assert "DEFERRABLE INITIALLY DEFERRED" in to_sql(back, "postgresql")
    assert "DEFERRABLE INITIALLY DEFERRED" not in to_sql(back, "mysql")


def test_deferrable_unique_added_safely_keeps_its_clause():
    """--safe builds a unique constraint's index CONCURRENTLY and adopts it: the constraint adopting
    it is still DEFERRABLE."""
    old = _deferrable()
    parent = old.table("parent")
    pair = Unique(("code", "slot"), name="parent_pair_key", deferrable="deferred")
    new = old.replace_table(replace(parent, uniques=(*parent.uniques, pair)))
    sql = to_sql(diff(old, new), "postgresql", safe=True)
    assert "ADD CONSTRAINT parent_pair_key UNIQUE USING INDEX parent_pair_key DEFERRABLE INITIALLY DEFERRED" in sql


def test_deferrable_is_said_in_dbml():
    """DBML has no DEFERRABLE: the file says which constraints had it."""
    from dbmodel_kit.io.dbml import write_dbml

    text = write_dbml(_deferrable())
    assert "// foreign key child_parent_fk: DEFERRABLE INITIALLY DEFERRED" in text
    assert "// unique parent_slot_key: DEFERRABLE" in text


# -- b. GENERATED ALWAYS / BY DEFAULT AS IDENTITY ------------------------------------------------------

def _identities() -> Schema:
    a = Table("a", (Column("id", DataType("integer"), default=Default("identity", "always")),
                    Column("n", DataType("integer"))), primary_key=("id",))
    b = Table("b", (Column("id", DataType("bigint"), default=Default("identity", "start 10, increment 5, cache 3")),),
              primary_key=("id",))
    c = Table("c", (Column("id", DataType("smallint"), default=Default("identity", "always, start 100, cycle")),),
              primary_key=("id",))
    d = Table("d", (Column("id", DataType("integer"), default=Default("identity")),), primary_key=("id",))
    return Schema((a, b, c, d))


def test_identity_options_read_and_leave_defaults_out():
    assert Default.parse("identity(always, start 10)").always
    assert not Default("identity", "start 10").always
    assert Default("identity", "START WITH 10, INCREMENT BY 5, NO MINVALUE").identity_options == {
        "start": 10, "increment": 5}
    # the engine's own numbers for the column's type are no options at all
    full = Default("identity", "always, start 1, increment 1, minvalue 1, maxvalue 32767, cache 1")
    assert Column("id", DataType("smallint"), default=full).default == Default("identity", "always")
    assert Column("id", DataType("integer"), default=full).default.identity_options == {"maxvalue": 32767}
    with pytest.raises(ModelError, match="cannot read identity option 'sometimes'"):
        Default("identity", "sometimes")
    with pytest.raises(ModelError, match="increment cannot be 0"):
        Default("identity", "increment 0")


def test_identity_yaml_round_trip():
    text = write_yaml(_identities())
    assert "id: integer pk identity(always)" in text
    assert "identity(start 10, increment 5, cache 3)" in text
    assert read_yaml(text) == _identities()
    assert read_yaml(text.replace("identity(always)", "identity always")) == _identities()


IDENTITY_DUMP = """
CREATE TABLE a (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n integer);
CREATE TABLE b (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5 CACHE 3) PRIMARY KEY);
CREATE TABLE c (id smallint NOT NULL);
ALTER TABLE c ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.c_id_seq
    START WITH 100
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
    CYCLE
);
ALTER TABLE ONLY c ADD CONSTRAINT c_pkey PRIMARY KEY (id);
CREATE TABLE d (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);
"""


def test_identity_sql_import_keeps_always_and_options():
    """CREATE TABLE's GENERATED ... AS IDENTITY (options) and pg_dump's ALTER TABLE ... ADD GENERATED."""
    result = read_sql(IDENTITY_DUMP, dialect="postgres")
    assert not result.not_kept, result.warnings
    assert result.schema == _identities()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_identity_ddl_golden(dialect, golden):
    sql = create_sql(_identities(), dialect)
    golden(f"ddl/identity/{dialect}.sql", sql)
    if dialect == "postgresql":
        assert "id SMALLINT GENERATED ALWAYS AS IDENTITY (START WITH 100 CYCLE)" in sql
        assert "id BIGINT GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 5 START WITH 10 CACHE 3)" in sql
    else:
        assert "c.id: identity(always, start 100, cycle) is a plain identity here" in sql


def test_identity_round_trips_on_each_engine(engine_url):
    schema = _identities()
    apply(schema, engine_url)
    assert reflect(engine_url) == storable(schema, engine_url)


def test_identity_native_sql_reflects_as_imported(postgres_url):
    """ALWAYS (pg_attribute.attidentity 'a') and the sequence's numbers come back from the catalog."""
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(IDENTITY_DUMP)
    with pytest.raises(sa.exc.DatabaseError, match="GENERATED ALWAYS"), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO a (id, n) VALUES (5, 1)"))
    engine.dispose()
    assert reflect(postgres_url) == _identities()


def test_identity_change_is_a_migration():
    old = _identities()
    a = old.table("a")
    new = old.replace_table(replace(a, columns=(replace(a.columns[0], default=Default("identity")), a.columns[1])))
    plan = diff(old, new)
    assert [type(s.op).__name__ for s in plan.steps] == ["AlterColumn"]
    assert "identity" in plan.steps[0].describe()
    sql = to_sql(plan, "postgresql")
    assert "ALTER TABLE a ALTER COLUMN id SET GENERATED BY DEFAULT;" in sql
    assert "ALTER TABLE a ALTER COLUMN id SET GENERATED ALWAYS;" in to_sql(diff(new, old), "postgresql")


# -- c. column COLLATE on PostgreSQL ------------------------------------------------------------

def _collated() -> Schema:
    return Schema((Table("word", (
        Column("id", DataType("integer"), nullable=False),
        Column("code", DataType.parse("varchar(10) collate(postgresql: C)"), nullable=False),
        Column("body", DataType.parse("text collate(postgresql: POSIX, sqlite: NOCASE)")),
        Column("plain", DataType("text"))), primary_key=("id",)),))


COLLATE_DUMP = """
CREATE TABLE word (id integer PRIMARY KEY, code varchar(10) COLLATE "C" NOT NULL,
    body text COLLATE pg_catalog."POSIX", plain text);
"""


def test_collation_yaml_round_trip():
    text = write_yaml(_collated())
    assert "collate(postgresql: C)" in text
    assert read_yaml(text) == _collated()


def test_collation_sql_import_keeps_postgresql_collate():
    """COLLATE "C" and pg_dump's COLLATE pg_catalog."POSIX" are the column's PostgreSQL collation; one
    of a user schema is reported (the kit would write it as one name)."""
    schema = from_sql(COLLATE_DUMP, dialect="postgres")
    word = schema.table("word")
    assert word.column("code").type.collation == (("postgresql", "C"),)
    assert word.column("body").type.collation == (("postgresql", "POSIX"),)
    assert word.column("plain").type.collation == ()
    lost = read_sql("CREATE TABLE t (a text COLLATE app.mine);", dialect="postgres").not_kept
    assert [p.message for p in lost] == ["t.a: COLLATE app.mine"]
    # an unquoted name is folded to lower case, as PostgreSQL folds it ('collation "posix" ... does not exist')
    folded = from_sql("CREATE TABLE t (a text COLLATE POSIX);", dialect="postgres").table("t").column("a")
    assert folded.type.collation == (("postgresql", "posix"),)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_collation_ddl_golden(dialect, golden):
    """Each engine gets its own collation; another engine's is a note (collation names are per engine)."""
    sql = create_sql(_collated(), dialect)
    golden(f"ddl/collation/{dialect}.sql", sql)
    assert ('COLLATE "C"' in sql) == (dialect == "postgresql")
    assert ("collation C (postgresql) not carried" in sql) == (dialect != "postgresql")


def test_collation_round_trips_on_each_engine(engine_url):
    schema = _collated()
    apply(schema, engine_url)
    assert reflect(engine_url) == storable(schema, engine_url)


def test_collation_native_sql_reflects_as_imported(postgres_url):
    """pg_attribute.attcollation, where it differs from the type's, comes back as the collation."""
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(COLLATE_DUMP)
    engine.dispose()
    back = reflect(postgres_url)
    assert back == storable(from_sql(COLLATE_DUMP, dialect="postgres"), "postgresql")
    assert back.table("word").column("code").type.collation == (("postgresql", "C"),)


def test_collation_change_is_a_migration():
    old = _collated()
    word = old.table("word")
    code = word.column("code")
    new = old.replace_table(replace(word, columns=tuple(
        replace(c, type=replace(c.type, collation=(("postgresql", "POSIX"),))) if c is code else c
        for c in word.columns)))
    plan = diff(old, new)
    assert [type(s.op).__name__ for s in plan.steps] == ["AlterColumn"]
    sql = to_sql(plan, "postgresql")
    assert 'ALTER TABLE word ALTER COLUMN code TYPE VARCHAR(10) COLLATE "POSIX"' in sql


# -- d. EXCLUDE inside CREATE TABLE; composite and range types ---------------------------------------

EXCLUDE_DUMP = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE booking (id integer PRIMARY KEY, room integer NOT NULL, during tsrange NOT NULL,
    CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0),
    EXCLUDE USING gist (lower(during) WITH =, room WITH =) DEFERRABLE);
CREATE TABLE seat (EXCLUDE USING btree (code WITH =), code text, "Row" integer, EXCLUDE ("Row" WITH =),
    note text CHECK (note <> 'EXCLUDE (x WITH =)'));
"""


def test_exclude_in_create_table_is_kept_verbatim():
    """Each EXCLUDE of a CREATE TABLE is kept as the statement pg_dump writes for it (the index method
    said), named as PostgreSQL names it when the script does not (the function's name for an
    expression, a quoted column's own case); the table keeps the rest."""
    schema = from_sql(EXCLUDE_DUMP, dialect="postgres")
    made = {o.name: o.sql for o in schema.verbatim if o.kind == "statement"}
    assert made == {
        "constraint no_overlap on booking": "ALTER TABLE ONLY booking ADD CONSTRAINT no_overlap EXCLUDE USING gist "
                                            "(room WITH =, during WITH &&) WHERE (room > 0)",
        "constraint booking_lower_room_excl on booking": "ALTER TABLE ONLY booking ADD CONSTRAINT "
        "booking_lower_room_excl EXCLUDE USING gist (lower(during) WITH =, room WITH =) DEFERRABLE",
        "constraint seat_code_excl on seat": "ALTER TABLE ONLY seat ADD CONSTRAINT seat_code_excl EXCLUDE USING "
                                             "btree (code WITH =)",
        "constraint seat_Row_excl on seat": 'ALTER TABLE ONLY seat ADD CONSTRAINT "seat_Row_excl" EXCLUDE USING '
                                            'btree ("Row" WITH =)'}
    assert schema.table("seat").column_names == ("code", "Row", "note")
    assert schema.table("seat").checks[0].expression == "note <> 'EXCLUDE (x WITH =)'"
    assert read_yaml(write_yaml(schema)) == schema


@pytest.mark.parametrize("dialect", DIALECTS)
def test_exclude_ddl_golden(dialect, golden):
    """PostgreSQL gets each exclusion constraint after its table; elsewhere a note says it is left
    out as PostgreSQL's own (not portable)."""
    schema = from_sql(EXCLUDE_DUMP, dialect="postgres")
    schema = replace(schema, tables=tuple(replace(t, columns=tuple(
        replace(c, type=DataType.parse("native(postgresql: tsrange, mysql: text, sqlite: text, duckdb: text)"))
        if c.type.kind == "native" else c for c in t.columns)) for t in schema.tables))
    sql = create_sql(schema, dialect)
    golden(f"ddl/exclude/{dialect}.sql", sql)
    if dialect == "postgresql":
        assert sql.index("ADD CONSTRAINT no_overlap EXCLUDE") > sql.index("CREATE TABLE booking")
    else:
        assert (f"-- {dialect}: statement constraint no_overlap on booking left out: postgresql only "
                "(kept verbatim, not portable)") in sql


def test_exclude_native_sql_reflects_as_imported(postgres_url):
    """pg_get_constraintdef's exclusion constraints are the imported statements (names included)."""
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(EXCLUDE_DUMP)
    engine.dispose()
    imported = storable(from_sql(EXCLUDE_DUMP, dialect="postgres"), "postgresql")
    with pytest.warns(ReflectionWarning, match="type tsrange has no logical equivalent"):
        back = reflect(postgres_url)
    assert diff(imported, back).describe() == []
    assert len([o for o in back.verbatim if o.kind == "statement"]) == 4


def test_exclude_round_trips_through_the_kits_ddl(postgres_url):
    schema = from_sql(EXCLUDE_DUMP, dialect="postgres")
    apply(schema, postgres_url)
    with pytest.warns(ReflectionWarning, match="type tsrange has no logical equivalent"):
        back = reflect(postgres_url)
    assert diff(storable(schema, "postgresql"), back).describe() == []


def test_exclude_added_is_a_migration():
    old = from_sql(EXCLUDE_DUMP.replace(
        ",\n    EXCLUDE USING gist (lower(during) WITH =, room WITH =) DEFERRABLE", ""), dialect="postgres")
    new = from_sql(EXCLUDE_DUMP, dialect="postgres")
    plan = diff(old, new)
    assert [type(s.op).__name__ for s in plan.steps] == ["AddObject"]
    assert "ADD CONSTRAINT booking_lower_room_excl EXCLUDE USING gist" in to_sql(plan, "postgresql")


TYPES_DUMP = """
CREATE TYPE public.complex AS (
    r double precision,
    i double precision
);
CREATE TYPE public.floatrange AS RANGE (
    subtype = double precision,
    subtype_diff = float8mi
);
CREATE TABLE point (id integer PRIMARY KEY, at complex, span floatrange);
"""


def test_composite_and_range_types_are_kept_verbatim():
    """CREATE TYPE ... AS (...) and AS RANGE (...) are PostgreSQL types kept as their SQL; the
    columns of those types keep the type's name (a native PostgreSQL type, said in a note)."""
    result = read_sql(TYPES_DUMP, dialect="postgres")
    assert result.not_kept == ()
    schema = result.schema
    assert [(o.kind, o.key) for o in schema.verbatim] == [("type", "complex"), ("type", "floatrange")]
    assert str(schema.table("point").column("at").type) == "native(postgresql: complex)"
    assert read_yaml(write_yaml(schema)) == schema


@pytest.mark.parametrize("dialect", DIALECTS)
def test_types_ddl_golden(dialect, golden):
    """PostgreSQL creates the types before the tables and drops them after; elsewhere a note says
    each is left out (not portable), and a column of one needs a spelling there."""
    schema = read_sql(TYPES_DUMP, dialect="postgres").schema
    schema = replace(schema, tables=tuple(replace(t, columns=tuple(
        replace(c, type=DataType.parse(f"native(postgresql: {c.type.native_for('postgresql')}, mysql: json, "
                                       "sqlite: text, duckdb: json)")) if c.type.kind == "native" else c
        for c in t.columns)) for t in schema.tables))
    sql = create_sql(schema, dialect) + "\n" + drop_sql(schema, dialect)
    golden(f"ddl/types_verbatim/{dialect}.sql", sql)
    if dialect == "postgresql":
        assert sql.index("CREATE TYPE public.floatrange") < sql.index("CREATE TABLE point")
        assert sql.index("DROP TABLE point") < sql.index("DROP TYPE floatrange") < sql.index("DROP TYPE complex")
    else:
        assert f"-- {dialect}: type complex left out: postgresql only (kept verbatim, not portable)" in sql


@pytest.mark.parametrize("how", ["native", "kit"])
def test_types_reflect_as_imported(postgres_url, how):
    """pg_type's composite and range types (their constructors are the type's own, not functions)
    come back as the import, from the dump applied by PostgreSQL and from the kit's DDL."""
    schema = read_sql(TYPES_DUMP, dialect="postgres").schema
    if how == "native":
        engine = create_engine(postgres_url)
        with engine.begin() as conn:
            conn.exec_driver_sql(TYPES_DUMP)
        engine.dispose()
    else:
        apply(schema, postgres_url)
    with pytest.warns(ReflectionWarning) as caught:
        back = reflect(postgres_url)
    # (pytest.warns records every warning, one of another kind raised meanwhile too)
    assert sorted(str(w.message).split(": type ")[1].split()[0] for w in caught
                  if issubclass(w.category, ReflectionWarning)) == ["complex", "floatrange"]
    assert diff(storable(schema, "postgresql"), back).describe() == []
    assert [o.kind for o in back.verbatim] == ["type", "type"]


def test_types_added_before_the_table_using_them(postgres_url):
    """A migration that adds a type and a table with a column of it creates the type first."""
    schema = read_sql(TYPES_DUMP, dialect="postgres").schema
    plan = diff(Schema(), schema)
    kinds = [type(s.op).__name__ for s in plan.steps]
    assert kinds.index("AddObject") < kinds.index("AddTable")
    from dbmodel_kit.migrate.apply import apply as apply_plan

    apply_plan(plan, postgres_url, record=False)
    with pytest.warns(ReflectionWarning):
        assert diff(storable(schema, "postgresql"), reflect(postgres_url)).describe() == []


def test_types_dropped_after_the_tables_using_them(postgres_url):
    """A migration that removes types and the table whose columns have them drops the table first
    (PostgreSQL refuses to drop a type a column has), and its reverse makes them again."""
    from dbmodel_kit.migrate.apply import apply as apply_plan

    old = read_sql(TYPES_DUMP, dialect="postgres").schema
    plan = diff(old, Schema())
    sql = to_sql(plan, "postgresql")
    assert sql.index("DROP TABLE point") < sql.index("DROP TYPE floatrange") < sql.index("DROP TYPE complex")
    apply(old, postgres_url)
    apply_plan(plan, postgres_url, record=False)
    assert reflect(postgres_url) == Schema()
    apply_plan(plan.reverse(), postgres_url, record=False)
    with pytest.warns(ReflectionWarning):
        assert diff(storable(old, "postgresql"), reflect(postgres_url)).describe() == []


#: a range type using a function (subtype_diff), and a composite type using that range type
TYPES_FUNCTION_DUMP = """
CREATE FUNCTION public.time_diff(a time without time zone, b time without time zone) RETURNS double precision
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT EXTRACT(EPOCH FROM (a - b))::double precision $$;
CREATE TYPE public.timespan AS RANGE (
    subtype = time without time zone,
    subtype_diff = public.time_diff
);
CREATE TYPE public.slot AS (
    span public.timespan,
    label text
);
CREATE TABLE shift (id integer PRIMARY KEY, at slot);
"""


def _types_function() -> Schema:
    return from_sql(TYPES_FUNCTION_DUMP, dialect="postgres")


def test_type_dependencies_read_from_their_definitions():
    """A range type depends on its subtype_diff (and canonical) function and on a type of the model
    it is a range of; a composite type on the model's types its attributes have."""
    schema = _types_function()
    assert schema.object("type", "timespan", "postgresql").depends_on == ("time_diff(time without time zone, time "
                                                                          "without time zone)",)
    assert schema.object("type", "slot", "postgresql").depends_on == ("timespan",)
    assert read_yaml(write_yaml(schema)).object("type", "slot", "postgresql").depends_on == ("timespan",)


@pytest.mark.parametrize("order", ["file", "reversed"])
def test_types_created_after_what_they_use(postgres_url, order):
    """The kit's DDL makes a type after the function and the types it uses, whatever the model's
    order (functions are otherwise made after the tables), and drops it before them."""
    schema = _types_function()
    if order == "reversed":
        schema = replace(schema, verbatim=tuple(reversed(schema.verbatim)))
    sql = create_sql(schema, "postgresql")
    assert sql.index("CREATE FUNCTION public.time_diff") < sql.index("CREATE TYPE public.timespan") \
        < sql.index("CREATE TYPE public.slot") < sql.index("CREATE TABLE shift")
    apply(schema, postgres_url)
    with pytest.warns(ReflectionWarning):
        back = reflect(postgres_url)
    assert sorted(o.key for o in back.verbatim if o.kind == "type") == ["slot", "timespan"]
    dropped = drop_sql(schema, "postgresql")
    assert dropped.index("DROP TABLE shift") < dropped.index("DROP TYPE slot") < dropped.index("DROP TYPE timespan")
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(dropped)
    engine.dispose()
    assert [o.kind for o in reflect(postgres_url).verbatim] == ["function"]


def test_types_and_their_function_migrate_in_dependency_order(postgres_url):
    """A migration adding the function, the types and the table makes them in that order; the one
    removing them all drops the table, then the types, then the function."""
    from dbmodel_kit.migrate.apply import apply as apply_plan

    schema = _types_function()
    plan = diff(Schema(), schema)
    sql = to_sql(plan, "postgresql")
    assert sql.index("CREATE FUNCTION public.time_diff") < sql.index("CREATE TYPE public.timespan") \
        < sql.index("CREATE TYPE public.slot") < sql.index("CREATE TABLE shift")
    apply_plan(plan, postgres_url, record=False)
    gone = diff(schema, Schema())
    sql = to_sql(gone, "postgresql")
    assert sql.index("DROP TABLE shift") < sql.index("DROP TYPE slot") < sql.index("DROP TYPE timespan") \
        < sql.index("DROP FUNCTION time_diff")
    apply_plan(gone, postgres_url, record=False)
    assert reflect(postgres_url) == Schema()


def test_type_changed_while_a_column_has_it_is_refused_by_name():
    """A range type whose definition changes is dropped and made again (a composite type is altered:
    tests/test_pg_keys_types.py); while a column has it, or a composite type a column has, the
    migration is refused naming both (PostgreSQL would refuse the DROP TYPE mid-migration)."""
    old = _types_function()
    new = from_sql(TYPES_FUNCTION_DUMP.replace(",\n    subtype_diff = public.time_diff", ""), dialect="postgres")
    plan = diff(old, new)
    with pytest.raises(ModelError, match=r"type slot is dropped while column shift\.at still has it"):
        to_sql(plan, "postgresql")
    assert "DROP TYPE" not in to_sql(plan, "sqlite")


def test_exclude_dropped_is_a_migration(postgres_url):
    """An exclusion constraint that goes is dropped from its table (ALTER TABLE ... DROP CONSTRAINT),
    and the migration applies."""
    new = from_sql(EXCLUDE_DUMP.replace(
        ",\n    EXCLUDE USING gist (lower(during) WITH =, room WITH =) DEFERRABLE", ""), dialect="postgres")
    old = from_sql(EXCLUDE_DUMP, dialect="postgres")
    plan = diff(old, new)
    assert "ALTER TABLE booking DROP CONSTRAINT booking_lower_room_excl;" in to_sql(plan, "postgresql")
    from dbmodel_kit.migrate.apply import apply as apply_plan

    apply(old, postgres_url)
    apply_plan(plan, postgres_url, record=False)
    with pytest.warns(ReflectionWarning):
        assert diff(storable(new, "postgresql"), reflect(postgres_url)).describe() == []


def test_identity_options_back_to_defaults_migrate(postgres_url):
    """A migration that leaves identity options at the engine's default sets them back (Alembic alone
    would keep the old increment and cache), and the database then reflects as the new model."""
    from dbmodel_kit.migrate.apply import apply as apply_plan

    old = _identities()
    b = old.table("b")
    new = old.replace_table(replace(b, columns=(replace(b.columns[0], default=Default("identity", "start 20")),)))
    plan = diff(old, new)
    assert "ALTER TABLE b ALTER COLUMN id SET CACHE 1 SET INCREMENT BY 1 SET START WITH 20;" in to_sql(plan,
                                                                                                       "postgresql")
    apply(old, postgres_url)
    apply_plan(plan, postgres_url, record=False)
    assert reflect(postgres_url) == storable(new, "postgresql")
