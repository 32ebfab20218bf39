"""TypeORM export: tsc type-checks entities + migration + test, and TypeORM runs the migration on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from node_tools import NODE, node_project, requires_node, tsc

from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.export import files
from dbmodel_kit.export.typeorm import to_typeorm_entities, to_typeorm_migration, to_typeorm_test
from dbmodel_kit.migrate.apply import expected, live_schema

needs_node = requires_node("typescript", "typeorm", "reflect-metadata", "pg", what="TypeScript/TypeORM are")


def project(tmp_path: Path, schema) -> Path:
    node_project(tmp_path, experimentalDecorators=True, emitDecoratorMetadata=True)
    (tmp_path / "entities.ts").write_text(to_typeorm_entities(schema))
    (tmp_path / "migration.ts").write_text(to_typeorm_migration(schema))
    (tmp_path / "migration.test.ts").write_text(to_typeorm_test(schema))
    (tmp_path / "seed.ts").write_text(files(schema, "typeorm")["seed.ts"])
    return tmp_path


@pytest.mark.parametrize("name", ["entities.ts", "migration.ts", "migration.test.ts"])
def test_golden_ecommerce(golden, name):
    """The e-commerce TypeORM files match the reviewed golden files."""
    s = ecommerce()
    text = {"entities.ts": to_typeorm_entities, "migration.ts": to_typeorm_migration,
            "migration.test.ts": to_typeorm_test}[name](s)
    golden(f"export/typeorm/{name}", text)


@needs_node
def test_tsc_type_checks_the_large_model(tmp_path):
    """tsc --noEmit accepts the entities, migration, seed and test of the 20-table model (composite keys, cycles)."""
    done = tsc(project(tmp_path, large()), "--noEmit")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_node
def test_tsc_rejects_a_wrong_entity(tmp_path):
    """A type error in the generated project fails tsc (the check above can fail)."""
    path = project(tmp_path, ecommerce())
    entities = path / "entities.ts"
    entities.write_text(entities.read_text().replace("(user) => user.orders", "(user) => user.no_such_field", 1))
    assert tsc(path, "--noEmit").returncode != 0


def compile_and_migrate(tmp_path, postgres_url, schema) -> None:
    """tsc compiles the export of ``schema``, its migration test runs up, down and up on PostgreSQL, and
    the database then holds the model (TypeORM's own migrations table aside)."""
    path = project(tmp_path, schema)
    done = tsc(path)
    assert done.returncode == 0, done.stdout + done.stderr
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    run = subprocess.run([NODE or "node", "--test", str(path / "dist" / "migration.test.js")], capture_output=True,
                         text=True, timeout=120, check=False, env={**os.environ, "DATABASE_URL": url})
    assert run.returncode == 0, run.stdout + run.stderr
    d = get_dialect("postgresql")
    live = live_schema(postgres_url, d)
    live = live.__class__(tables=tuple(t for t in live.tables if t.name != "migrations"), enums=live.enums)
    assert expected(live, d) == expected(schema, d)


@needs_node
def test_migration_runs_up_down_up_on_postgres(tmp_path, postgres_url):
    """TypeORM's DataSource runs the migration up, down and up; the database then equals the model."""
    schema = ecommerce()
    compile_and_migrate(tmp_path, postgres_url, schema)


@needs_node
def test_tables_named_like_words_the_module_binds_compile(tmp_path):
    """Tables named ``default``, ``index`` and ``date`` compile: the inverse-side parameter of a
    relation to ``Default`` is ``default_`` (``(default) => default.children`` was "Expression
    expected", a reserved word), and no class is named like a typeorm import or a global type the
    fields use (a class ``Index`` beside the imported decorator: "Import declaration conflicts with
    local declaration of 'Index'"); 9 of 200 generated schemas failed tsc so."""
    from dbmodel_kit.io import loads

    schema = loads("""
tables:
  default:
    columns:
      id: integer pk
      parent_id: integer references default(id)
  index:
    columns:
      id: integer pk
      default_id: integer not null references default(id)
  date:
    columns:
      id: integer pk
      at: timestamp
      index_id: integer references index(id)
""", "yaml")
    text = to_typeorm_entities(schema)
    assert "(default_) => default_.children" in text
    assert "export class Index " not in text
    assert "export class Date " not in text
    done = tsc(project(tmp_path, schema), "--noEmit")
    assert done.returncode == 0, done.stdout + done.stderr


def _deferrable_keys():
    from dbmodel_kit import Model

    m = Model()
    m.add_table("node", id="integer pk", parent_id="integer", code="integer not null")
    m.add_foreign_key("node.parent_id", "node", deferrable="deferred")
    m.add_unique("node", "code", deferrable="immediate")
    return m.schema


def test_golden_deferrable_keys(golden):
    """A deferrable foreign key and unique constraint carry TypeORM's ``deferrable`` option."""
    golden("export/typeorm/deferrable_entities.ts", to_typeorm_entities(_deferrable_keys()))


@needs_node
def test_deferrable_keys_type_check_and_migrate_on_postgres(tmp_path, postgres_url):
    """tsc takes the entities' ``deferrable`` options (TypeORM's DeferrableType), and the migration
    runs up, down and up to the model's keys, deferrable as the model says."""
    schema = _deferrable_keys()
    compile_and_migrate(tmp_path, postgres_url, schema)
