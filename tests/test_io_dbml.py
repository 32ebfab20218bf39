"""DBML: read with pydbml, written by hand; golden output, stable round trips, errors by line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import schemas

from dbmodel_kit import Column, Default, ForeignKey, ModelError, Schema, Table, Unique
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.io import dumps, load, sniff
from dbmodel_kit.io.dbml import read_dbml, write_dbml

EXAMPLES = Path(__file__).parent.parent / "examples"
BUILDERS = {"ecommerce": ecommerce, "large": large}

SAMPLE = textwrap.dedent("""\
    Project shop {
      Note: 'A small shop'
    }
    Enum "order status" {
      pending
      "paid now" [note: 'money arrived']
    }
    Table users [note: 'ignored: the body note wins'] {
      id integer [pk, increment]
      email varchar(255) [unique, not null, note: 'it\\'s private']
      created timestamptz [default: `now()`]
      Note: 'People'
    }
    Table orders {
      id integer [increment]
      user_id integer [ref: > users.id]
      status "order status" [not null, default: 'pending']
      total decimal(10,2) [default: 1.5]
      indexes {
        id [pk]
        (user_id, status) [unique, name: 'ux_user_status', type: hash]
        status
      }
    }
    Table lines {
      order_id integer
      n smallint [default: `-1`]
      indexes {
        (order_id, n) [pk]
      }
    }
    Ref line_order: lines.order_id > orders.id [delete: cascade, update: set null]
    TableGroup sales {
      orders
      lines
    }
""")


def test_dbml_features_are_read():
    """Project, Enum, Table settings, notes, indexes (pk, unique, type), inline and named Refs with
    actions, and TableGroup all land in the model."""
    s = read_dbml(SAMPLE)
    assert (s.name, s.comment) == ("shop", "A small shop")
    assert s.enum("order status").values == ("pending", "paid now")
    users, orders, lines = s.table("users"), s.table("orders"), s.table("lines")
    assert users.primary_key == ("id",)
    assert str(users.column("id").default) == "identity"
    assert users.uniques == (Unique(("email",), name="uq_users_email"),)
    assert users.column("email").comment == "it's private"
    assert users.column("created").default == Default("now")
    assert users.comment == "People"
    assert orders.primary_key == ("id",)
    assert str(orders.column("status").type) == "enum(order status)"
    assert orders.column("total").default == Default("literal", 1.5)
    ux = orders.index("ux_user_status")
    assert (ux.columns, ux.unique, ux.method) == (("user_id", "status"), True, "hash")
    assert orders.foreign_keys[0].ref_table == "users"
    assert lines.primary_key == ("order_id", "n")
    assert lines.column("n").default == Default("literal", -1)
    fk = lines.foreign_key("line_order")
    assert (fk.columns, fk.ref_columns, fk.on_delete, fk.on_update) == (("order_id",), ("id",), "CASCADE", "SET NULL")
    assert (users.group, orders.group, lines.group) == (None, "sales", "sales")


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_dbml_golden(name, golden):
    """The DBML written for each example model matches its golden file."""
    golden(f"io/{name}.dbml", write_dbml(BUILDERS[name]()))


def test_example_dbml_file_matches_writer():
    """examples/ecommerce.dbml is exactly what the writer produces now, so it never drifts."""
    assert (EXAMPLES / "ecommerce.dbml").read_text(encoding="utf-8") == dumps(ecommerce(), "dbml"), (
        "examples/ecommerce.dbml is stale; regenerate it with "
        "`.venv/bin/dbmodel convert examples/ecommerce.yaml -o examples/ecommerce.dbml`")


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_dbml_keeps_what_dbml_can_say(name):
    """Reading the written DBML gives back tables, columns, keys, FKs, enums, groups and comments."""
    original = BUILDERS[name]()
    back = read_dbml(write_dbml(original))
    assert back.enums == original.enums
    assert back.name == original.name
    for t, o in zip(back.tables, original.tables, strict=True):
        assert [(c.name, c.type, c.nullable, c.default, c.comment) for c in t.columns] == [
            (c.name, c.type, c.nullable, c.default, c.comment) for c in o.columns]
        assert (t.primary_key, t.foreign_keys, t.uniques, t.group, t.comment) == (
            o.primary_key, o.foreign_keys, o.uniques, o.group, o.comment)
        assert [(ix.columns, ix.name, ix.unique) for ix in t.indexes] == [
            (ix.columns, ix.name, ix.unique) for ix in o.indexes]


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_dbml_import_export_import_is_stable(name):
    """DBML import -> export -> import gives the same schema and the same text."""
    first = read_dbml(write_dbml(BUILDERS[name]()))
    text = write_dbml(first)
    assert read_dbml(text) == first
    assert write_dbml(read_dbml(text)) == text


def test_sample_round_trip_is_stable():
    """A hand-written DBML file reaches a fixed point after one import."""
    first = read_dbml(SAMPLE)
    assert read_dbml(write_dbml(first)) == first


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.filter_too_much])
@given(schemas(dbml_safe=True, max_tables=3))
def test_random_schemas_dbml_round_trip_is_stable(schema):
    """Random schemas (odd identifiers, multi-line comments) reach a fixed point after one DBML import."""
    first = read_dbml(write_dbml(schema))
    text = write_dbml(first)
    assert read_dbml(text) == first
    assert write_dbml(read_dbml(text)) == text


def test_what_dbml_cannot_hold_is_listed_in_comments():
    """Checks, partial-index conditions and flags that DBML has no syntax for appear as // comments."""
    text = write_dbml(ecommerce())
    assert "// check ck_products_price: price >= 0 AND price <= 999999" in text
    assert "// index ux_products_sku: where deleted_at IS NULL" in text
    assert "// soft delete: true" in text


def test_a_native_spelling_reads_back_as_the_logical_type_with_a_comment():
    """SQLite's NVARCHAR(160) (kept as a native spelling) is written varchar(160) with the spelling in a
    comment, and reads back as dbml_type says: the logical type (chinook_sqlite's Album.Title)."""
    from dbmodel_kit.io.dbml import dbml_type
    from dbmodel_kit.model import Column, DataType, Schema, Table

    title = DataType.parse("varchar(160) native(sqlite: 'nvarchar(160)')")
    schema = Schema(tables=(Table("Album", columns=(Column("AlbumId", DataType("integer")),
                                                    Column("Title", title, nullable=False)),
                                  primary_key=("AlbumId",)),))
    text = write_dbml(schema)
    assert "// Title: type varchar(160) native(sqlite: 'nvarchar(160)')" in text
    back = read_dbml(text).table("Album").column("Title")
    assert (back.type, back.nullable) == (dbml_type(title), False) == (DataType("varchar", 160), False)


def test_names_dbml_cannot_write_are_refused():
    """A name with a double quote cannot be written in DBML, so the writer says so."""
    schema = Schema((Table('x"y', (Column("id", "integer"),)),))
    with pytest.raises(ModelError, match="DBML cannot write"):
        write_dbml(schema)


def test_odd_names_are_quoted():
    """Names with spaces, unicode or DBML keywords are quoted and read back exactly."""
    parent = Table("naïve table", (Column("Note", "integer"), Column("a b", "text")), primary_key=("Note",))
    child = Table("ref", (Column("table", "integer"),), foreign_keys=(ForeignKey(("table",), "naïve table"),))
    schema = Schema((parent, child))
    text = write_dbml(schema)
    assert 'Table "naïve table" {' in text
    assert read_dbml(text) == schema


def test_syntax_error_names_the_line():
    """A DBML syntax error is a ModelError at file:line."""
    with pytest.raises(ModelError) as info:
        read_dbml("Table a {\n  id integer\n}\n\nTable b {\n  id integer [pk,\n}\n", source="bad.dbml")
    assert info.value.where == "bad.dbml:6"
    assert "DBML syntax error" in info.value.message


def test_ref_to_missing_table_names_the_line():
    """A Ref to a table the file does not declare is an error at the Ref's line."""
    with pytest.raises(ModelError) as info:
        read_dbml("Table a {\n  id integer\n}\n\nRef: a.id > users.id\n", source="bad.dbml")
    assert info.value.where == "bad.dbml:5"
    assert "users" in info.value.message


def test_duplicate_column_names_the_line():
    """A column declared twice (pydbml accepts it) is an error at the column's line."""
    with pytest.raises(ModelError) as info:
        read_dbml("Table a {\n  id integer\n  name text\n  id text\n}\n", source="bad.dbml")
    assert info.value.where == "bad.dbml:2"
    assert "duplicate column 'id'" in info.value.message


def test_type_mismatch_is_located_at_the_table():
    """An error only the Schema sees (FK type mismatch) is mapped to the child table's line."""
    with pytest.raises(ModelError) as info:
        read_dbml("Table a {\n  id integer [pk]\n}\nTable b {\n  a_id text [ref: > a.id]\n}\n", source="bad.dbml")
    assert info.value.where == "bad.dbml:4"
    assert "type mismatch" in info.value.message


def test_load_and_sniff_dbml(tmp_path):
    """load() reads .dbml files and sniffs DBML text."""
    path = tmp_path / "shop.dbml"
    path.write_text(SAMPLE, encoding="utf-8")
    assert load(path) == read_dbml(SAMPLE)
    assert sniff(SAMPLE) == "dbml"
    assert load(SAMPLE) == read_dbml(SAMPLE)


def test_ref_directions():
    """`<` puts the foreign key on the right-hand side, `>` and `-` on the left."""
    s = read_dbml("Table a {\n  id integer [pk]\n}\nTable b {\n  a_id integer\n}\nTable c {\n  a_id integer\n}\n"
                  "Ref: a.id < b.a_id\nRef: c.a_id - a.id\n")
    assert [(fk.columns, fk.ref_table) for fk in s.table("b").foreign_keys] == [(("a_id",), "a")]
    assert [(fk.columns, fk.ref_table) for fk in s.table("c").foreign_keys] == [(("a_id",), "a")]
    with pytest.raises(ModelError, match="junction"):
        read_dbml("Table a {\n  id integer [pk]\n}\nTable b {\n  id integer [pk]\n}\nRef: a.id <> b.id\n")


def test_types_with_spaces_or_brackets_are_quoted():
    """A type DBML cannot read bare (MySQL's 'bigint unsigned', an array 'text[]', an enum array)
    is written in double quotes and reads back the same; it was 'DBML syntax error: Expected '}''
    (ordering_mariadb, sakila_mysql, typr_duckdb)."""
    from dbmodel_kit.io.dbml import read_dbml, write_dbml
    from dbmodel_kit.model import Model

    m = Model()
    m.add_enum("mood", "ok", "sad")
    m.add_table("t", id="bigint unsigned pk identity", tags="text[]", moods="enum(mood)[]", n="decimal(20,0)")
    text = write_dbml(m.schema)
    assert '  id "bigint unsigned" [pk, increment]' in text
    assert '  tags "text[]"' in text
    assert "  n decimal(20,0)" in text
    back = read_dbml(text).table("t")
    assert [str(c.type) for c in back.columns] == ["bigint unsigned", "text[]", "enum(mood)[]", "decimal(20,0)"]
