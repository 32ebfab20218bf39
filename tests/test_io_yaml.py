"""The YAML format: lossless, byte-stable round trips, and errors that name the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import schemas

from dbmodel_kit import Column, ForeignKey, Index, Model, ModelError, Schema, Table, Unique
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.io import dumps, load, loads, save, sniff
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml

EXAMPLES = Path(__file__).parent.parent / "examples"
BUILDERS = {"ecommerce": ecommerce, "large": large}


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_yaml_golden(name, golden):
    """The YAML written for each example model matches its golden file."""
    golden(f"io/{name}.yaml", write_yaml(BUILDERS[name]()))


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_example_files_match_writer(name):
    """examples/<name>.yaml is exactly what the writer produces now, so it never drifts."""
    assert (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8") == dumps(BUILDERS[name](), "yaml"), (
        f"examples/{name}.yaml is stale; regenerate it with .venv/bin/python -c \"from dbmodel_kit.examples "
        f"import {name}; from dbmodel_kit.io import save; save({name}(), 'examples/{name}.yaml')\"")


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_yaml_file_round_trip_is_byte_identical(name):
    """YAML -> Schema -> YAML gives back the file byte for byte."""
    path = EXAMPLES / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert dumps(load(path), "yaml") == text


@pytest.mark.parametrize("name", ["ecommerce", "large"])
def test_yaml_load_is_lossless(name):
    """Loading the example file gives a schema equal to the one built in Python."""
    assert load(EXAMPLES / f"{name}.yaml") == BUILDERS[name]()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.filter_too_much])
@given(schemas())
def test_random_schemas_survive_yaml(schema):
    """Any valid schema, odd identifiers included, reads back equal and re-writes identically."""
    text = write_yaml(schema)
    again = read_yaml(text)
    assert again == schema
    assert write_yaml(again) == text


def test_hostile_identifiers_survive():
    """Names with quotes, ';', spaces, unicode and YAML-special words keep their exact text."""
    bad = 'x"; DROP TABLE users; --'
    parent = Table(bad, (Column("id", "integer"), Column("yes", "text")), primary_key=("id",))
    child = Table("naïve table", (Column("null", "integer"), Column("#1: it's", "text", comment="- a\nb")),
                  foreign_keys=(ForeignKey(("null",), bad),), uniques=(Unique(("#1: it's",)),))
    schema = Schema((parent, child), name="true")
    text = write_yaml(schema)
    assert read_yaml(text) == schema
    assert 'references "x""; DROP TABLE users; --"(id)' in text


def test_non_default_names_are_written_and_defaults_left_out():
    """A constraint's name appears only when it differs from the naming convention's default."""
    t = Table("t", (Column("a", "integer"), Column("b", "integer")), primary_key=("a",),
              indexes=(Index(("b",)), Index(("a", "b"), name="by_ab", unique=True, method="hash", include=())),
              uniques=(Unique(("a", "b"), name="uq_custom"),))
    text = write_yaml(Schema((t,)))
    assert "- {columns: [b]}" in text
    assert "- {name: by_ab, columns: [a, b], unique: true, method: hash}" in text
    assert "- {name: uq_custom, columns: [a, b]}" in text
    assert read_yaml(text) == Schema((t,))


def test_constraint_order_is_kept_when_inline_would_reorder():
    """A default-named single-column unique listed after a composite one stays in its place."""
    t = Table("t", (Column("a", "integer"), Column("b", "integer")),
              uniques=(Unique(("a", "b")), Unique(("a",))))
    text = write_yaml(Schema((t,)))
    assert "unique" not in text.split("columns:")[1].split("uniques:")[0]
    assert read_yaml(text) == Schema((t,))


def test_column_comment_and_hints_use_a_mapping():
    """A column with a comment or hints is written as {spec, comment, hints} and read back."""
    col = Column("email", "varchar(255)", nullable=False, comment="Where receipts go.",
                 hints={"distinct": 1000, "faker": "email", "values": ["a", "b"]})
    schema = Schema((Table("users", (col,)),))
    text = write_yaml(schema)
    assert ("      email:\n        spec: varchar(255) not null\n        comment: Where receipts go.\n"
            "        hints: {distinct: 1000, faker: email, values: [a, b]}\n") in text
    assert read_yaml(text) == schema


def test_hand_written_yaml_is_read():
    """People can write inline comments and checks in spec lines, and enums with comments."""
    schema = loads(textwrap.dedent("""\
        enums:
          status: {values: [new, done], comment: Where a task is.}
        tables:
          tasks:
            columns:
              id: integer pk identity
              status: enum(status) not null default 'new' comment 'state'
              weight: integer check (weight > 0)
    """), "yaml")
    t = schema.table("tasks")
    assert t.column("status").comment == "state"
    assert [c.expression for c in t.checks] == ["weight > 0"]
    assert schema.enum("status").comment == "Where a task is."


def _error(text: str, source: str = "shop.yaml") -> ModelError:
    with pytest.raises(ModelError) as info:
        read_yaml(textwrap.dedent(text), source=source)
    return info.value


def test_broken_yaml_names_the_line():
    """Malformed YAML is a ModelError at file:line."""
    e = _error("""\
        tables:
          users:
            columns:
              id: [uuid
    """)
    assert e.where is not None
    assert e.where.startswith("shop.yaml:")
    assert "not valid YAML" in e.message


def test_duplicate_column_names_the_line():
    """A column declared twice (which YAML would silently collapse) is an error at the second one."""
    e = _error("""\
        tables:
          users:
            columns:
              id: uuid pk
              email: text
              email: varchar(10)
    """)
    assert e.where == "shop.yaml:6"
    assert "duplicate key 'email'" in e.message


def test_fk_to_missing_table_names_the_line():
    """A reference to a table the file does not declare is an error at that column."""
    e = _error("""\
        tables:
          orders:
            columns:
              id: uuid pk
              user_id: uuid references users
    """)
    assert e.where == "shop.yaml:5"
    assert "'users'" in e.message


def test_listed_fk_to_missing_table_names_the_line():
    """A foreign_keys entry naming a missing table is an error at that entry."""
    e = _error("""\
        tables:
          orders:
            columns:
              id: uuid pk
            foreign_keys:
              - {columns: [id], references: nowhere}
    """)
    assert e.where == "shop.yaml:6"


def test_unknown_key_names_the_line():
    """An unknown key is refused (not ignored), with the known keys listed."""
    e = _error("""\
        tables:
          users:
            colums:
              id: uuid pk
    """)
    assert e.where == "shop.yaml:3"
    assert "unknown key 'colums'" in e.message
    assert "columns" in e.message


def test_bad_spec_names_the_line():
    """A spec line that does not parse is an error at that line, naming table.column."""
    e = _error("""\
        tables:
          users:
            columns:
              id: uuid pk
              age: integr not null
    """)
    assert e.where == "shop.yaml:5"
    assert "users.age" in e.message


def test_type_mismatch_is_located_by_the_model():
    """An error only the Schema can see (FK type mismatch) is mapped back to the column's line."""
    e = _error("""\
        tables:
          users:
            columns:
              id: uuid pk
          orders:
            columns:
              id: integer pk
              user_id: integer references users
    """)
    assert e.where == "shop.yaml:8"
    assert "type mismatch" in e.message


def test_index_on_missing_column_names_the_entry():
    """An index over a column the table lacks is an error at the index entry."""
    e = _error("""\
        tables:
          users:
            columns:
              id: uuid pk
            indexes:
              - {columns: [email]}
    """)
    assert e.where == "shop.yaml:6"
    assert "'email'" in e.message


def test_errors_name_the_file(tmp_path):
    """load(path) puts the file's path in the error's place."""
    path = tmp_path / "bad.yaml"
    path.write_text("tables:\n  t:\n    columns: {}\n    columns: {}\n", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        load(path)
    assert info.value.where == f"{path}:4"


def test_empty_and_non_schema_documents_are_refused():
    """An empty document or one without tables is a ModelError, not an empty schema."""
    with pytest.raises(ModelError, match="empty"):
        read_yaml("")
    with pytest.raises(ModelError, match="tables"):
        read_yaml("name: x\n")


def test_model_autosaves_yaml_and_reloads(tmp_path):
    """Model(path=...) writes the YAML after each edit and a new Model reads it back."""
    path = tmp_path / "shop.yaml"
    m = Model(path=path)
    m.add_table("users", id="uuid pk", email="varchar(255) unique not null")
    assert Model(path=path).schema == m.schema
    assert path.read_text(encoding="utf-8") == write_yaml(m.schema)


def test_save_and_load_by_extension(tmp_path):
    """save() picks the format from the extension and load() reads it back."""
    for ext in ("yaml", "yml"):
        target = save(ecommerce(), tmp_path / f"shop.{ext}")
        assert load(str(target)) == ecommerce()


def test_sniff_and_missing_file():
    """Text is sniffed by its first line; a path-like string that does not exist is an error."""
    assert sniff("# my model\ntables: {}\n") == "yaml"
    assert load("tables:\n  t:\n    columns:\n      a: integer\n").table_names == ("t",)
    with pytest.raises(ModelError, match="no such file"):
        load("missing.yaml")


def test_writer_reuses_blocks_but_never_stale_ones():
    """After an edit only the edited table's block changes, and the text equals a fresh write."""
    from dbmodel_kit.io.yaml_format import _BLOCKS

    shop = ecommerce()
    before = write_yaml(shop)
    edited = shop.replace_table(Table("users", (*shop.table("users").columns, Column("nickname", "text")),
                                      primary_key=("id",)))
    after = write_yaml(edited)
    _BLOCKS.clear()
    assert after == write_yaml(edited)
    assert after != before
    assert read_yaml(after) == edited
