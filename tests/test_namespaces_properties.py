"""Properties of namespaced schemas (issue 16): for random schemas whose tables live in up to two
named schemas besides the default one, often one bare name in several schemas, every consumer keys a
table by its key: seed rows, class names, relationships, the SQLAlchemy models' metadata, lint
findings, YAML."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import schemas
from test_export_sqlalchemy import load_module

from dbmodel_kit.export import seed_rows, to_sqlalchemy
from dbmodel_kit.export.names import class_names, relationships
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.lint import lint
from dbmodel_kit.model.schema import Schema

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(schemas(namespaces=True, max_tables=5))
def test_every_consumer_keys_tables_by_key(s: Schema) -> None:
    """Seed rows, class names, relationships and lint findings name each table by its key, once; a
    seeded foreign key points at a row of the table it references (not at a table of the same name in
    another schema); YAML reads back what it wrote."""
    keys = set(s.table_names)
    rows = seed_rows(s)
    assert set(rows) == keys
    for t in s.tables:
        for fk in t.foreign_keys:
            parent = s.table(fk.ref_table)
            if parent.key == t.key:
                continue
            if any(c not in r for r in rows[parent.key] for c in fk.ref_columns):
                # a key to columns the engine fills (generated, identity): left NULL
                assert all(r[c] is None for r in rows[t.key] for c in fk.columns)
                continue
            have = [tuple(r[c] for c in fk.ref_columns) for r in rows[parent.key]]  # (values may be dicts)
            for r in rows[t.key]:
                value = tuple(r[c] for c in fk.columns)
                assert None in value or value in have, (t.key, fk.name, value)
    names = class_names(s)
    assert set(names) == keys
    assert len(set(names.values())) == len(names)
    rels = relationships(s)
    assert set(rels) == keys
    assert all(r.target in keys and r.owner in keys for rs in rels.values() for r in rs)
    assert {f.table for f in lint(s).findings} - {None} <= keys
    assert read_yaml(write_yaml(s)) == s


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(s=schemas(namespaces=True, max_tables=4, rich=False, odd=False))
def test_sqlalchemy_models_hold_each_table_in_its_schema(tmp_path: Path, s: Schema) -> None:
    """The generated models import, configure, and hold each model table once as (schema, name).
    (Plain names: a foreign key's target is the string schema.table.column, which cannot hold a name
    with a dot before SQLAlchemy 2.1's token form, and the kit supports 2.0.)"""
    module = load_module(to_sqlalchemy(s, "postgresql"), tmp_path / "models.py")
    module.Base.registry.configure()  # its own mappers: another test's module may be half collected
    held = sorted((str(t.schema or ""), str(t.name)) for t in module.Base.metadata.tables.values())
    assert held == sorted((t.schema or "", t.name) for t in s.tables)
