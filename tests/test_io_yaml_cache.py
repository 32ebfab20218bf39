"""The YAML writer dumps each table's block on its own, cached per Table object (a model with a
path saves after every edit): its text must be, byte for byte, that of dumping the whole document
at once, on every kind of schema we have, and stay so across edits."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from corpus import READ_DIALECT, corpus_files, engine_of

from dbmodel_kit import Model, Schema, examples
from dbmodel_kit.erd._gen import synthetic
from dbmodel_kit.io import load
from dbmodel_kit.io import yaml_format as yf
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Column
from dbmodel_kit.model.types import DataType

ROOT = Path(__file__).resolve().parents[1]


def whole_document(schema: Schema) -> str:
    """The text the writer gave before it cached tables: one dump of the whole document."""
    doc: dict[str, Any] = {}
    if schema.name is not None:
        doc["name"] = schema.name
    if schema.comment is not None:
        doc["comment"] = schema.comment
    if schema.enums:
        doc["enums"] = {e.key: yf._enum_block(e) for e in schema.enums}
    if schema.domains:
        doc["domains"] = {d.key: yf._domain_block(d) for d in schema.domains}
    if schema.sequences:
        doc["sequences"] = {q.key: yf._sequence_entry(q) for q in schema.sequences}
    doc["tables"] = {t.key: yf._table_block(t) for t in schema.tables}
    if schema.views:
        doc["views"] = {v.key: yf._view_block(v) for v in schema.views}
    if schema.verbatim:
        doc["objects"] = [yf._object_block(v) for v in schema.verbatim]
    return yf._dump(doc)


def _schemas() -> list[tuple[str, Schema]]:
    out = [("empty", Schema()), ("ecommerce", examples.ecommerce()), ("large", examples.large()),
           *((f"synthetic({n})", synthetic(n)) for n in (1, 40))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what the readers say about data they do not keep
        out += [(p.name, load(p, dialect=READ_DIALECT[engine_of(p)], strict=False)) for p in corpus_files()]
        out += [(p.name, load(p)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    return out


@pytest.mark.parametrize(("name", "schema"), _schemas(), ids=[n for n, _ in _schemas()])
def test_table_by_table_text_is_the_whole_document_text(name: str, schema: Schema) -> None:
    """Examples, generated schemas, the real-schema corpus (enums, views, literal SQL blocks,
    quoted names): the cached writer's text is the one-dump text."""
    assert yf.write_yaml(schema) == whole_document(schema), name


def test_after_edits_only_the_touched_table_is_written_again() -> None:
    """Edits on one table: the text stays the one-dump text, the untouched tables' texts are the
    cached ones, and reading the text back gives the schema."""
    model = Model(examples.ecommerce())
    yf.write_yaml(model.schema)
    untouched = {t.name: yf._TABLE_TEXT.get(t, "yaml", lambda: None) for t in model.schema.tables}
    model.apply(o.AddColumn("orders", Column("note", DataType("text"), comment="line one\n\nline three")))
    model.apply(o.AlterTable("orders", comment="café: 'quoted' # not a comment"))
    text = yf.write_yaml(model.schema)
    assert text == whole_document(model.schema)
    assert yf.read_yaml(text) == model.schema
    for t in model.schema.tables:
        cached = yf._TABLE_TEXT.get(t, "yaml", lambda: None)
        if t.name == "orders":
            assert cached is not untouched["orders"]
            assert "café" in cached
        else:
            assert cached is untouched[t.name]
