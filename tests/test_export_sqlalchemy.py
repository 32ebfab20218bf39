"""SQLAlchemy declarative export: the generated module imports, maps, and creates our own DDL's schema."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from dbmodel_kit import ddl
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.export import to_sqlalchemy
from dbmodel_kit.io import reflect

EXAMPLES = {"ecommerce": ecommerce, "large": large}


def load_module(source: str, path: Path) -> ModuleType:
    path.write_text(source)
    name = f"_generated_{path.stem}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # string annotations resolve in the module's namespace
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_golden_ecommerce(golden, dialect):
    """The e-commerce models for each dialect match the reviewed golden file."""
    golden(f"export/sqlalchemy/models_{dialect}.py", to_sqlalchemy(ecommerce(), dialect))


@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql", "duckdb"])
def test_module_imports_and_mappers_configure(tmp_path, example, dialect):
    """The generated module imports and every relationship (back_populates, named FKs) configures."""
    module = load_module(to_sqlalchemy(EXAMPLES[example](), dialect), tmp_path / f"{example}_{dialect}.py")
    orm.configure_mappers()
    schema = EXAMPLES[example]()
    assert set(module.Base.metadata.tables) == set(schema.table_names)


def test_several_keys_to_one_table_get_named_relationships(tmp_path):
    """Two foreign keys from products to users become two relationships paired by back_populates."""
    module = load_module(to_sqlalchemy(ecommerce(), "sqlite"), tmp_path / "shop.py")
    orm.configure_mappers()
    created = orm.class_mapper(module.Product).relationships["created_by_user"]
    updated = orm.class_mapper(module.Product).relationships["updated_by_user"]
    assert [c.name for c in created.local_columns] == ["created_by"]
    assert [c.name for c in updated.local_columns] == ["updated_by"]
    assert created.back_populates == "products_created_by"
    assert updated.back_populates == "products_updated_by"
    parent = orm.class_mapper(module.Category).relationships["parent"]
    assert parent.direction is orm.MANYTOONE


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_create_all_equals_our_ddl_sqlite(tmp_path, example):
    """create_all of the generated SQLite models reflects to the same schema as our DDL on another file."""
    schema = EXAMPLES[example]()
    ours, theirs = f"sqlite:///{tmp_path / 'ours.db'}", f"sqlite:///{tmp_path / 'theirs.db'}"
    ddl.apply(schema, ours)
    module = load_module(to_sqlalchemy(schema, "sqlite"), tmp_path / "models.py")
    engine = sa.create_engine(theirs)
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(theirs) == reflect(ours)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_create_all_equals_our_ddl_postgres(tmp_path, postgres_url, example):
    """create_all of the generated PostgreSQL models reflects to the same schema as our DDL did."""
    schema = EXAMPLES[example]()
    ddl.apply(schema, postgres_url)
    ours = reflect(postgres_url)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    module = load_module(to_sqlalchemy(schema, "postgresql"), tmp_path / "models.py")
    module.Base.metadata.create_all(engine)
    engine.dispose()
    assert reflect(postgres_url) == ours


def test_orm_round_trip_sqlite(tmp_path):
    """Rows written through the generated classes and relationships read back through them."""
    module = load_module(to_sqlalchemy(ecommerce(), "sqlite"), tmp_path / "shop.py")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    module.Base.metadata.create_all(engine)
    import uuid

    with orm.Session(engine) as s:
        user = module.User(id=uuid.uuid4().hex, email="a@example.com", password_hash="x", first_name="A",
                           last_name="B")
        root = module.Category(id=uuid.uuid4().hex, name="Root", slug="root")
        child = module.Category(id=uuid.uuid4().hex, name="Child", slug="child", parent=root)
        s.add_all([user, root, child])
        s.flush()
        s.add(module.Product(id=uuid.uuid4().hex, name="P", price=1, sku="p-1", category=child,
                             created_by_user=user))
        s.commit()
    with orm.Session(engine) as s:
        user = s.scalars(sa.select(module.User)).one()
        assert [p.category.parent.name for p in user.products_created_by] == ["Root"]
        assert user.products_updated_by == []
    engine.dispose()


def test_alembic_revision_upgrades_and_downgrades_postgres(tmp_path, postgres_url):
    """The exported Alembic revision upgrades to the model's schema and downgrades to an empty database."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from dbmodel_kit.dialects import get_dialect
    from dbmodel_kit.export import files
    from dbmodel_kit.migrate.apply import expected, live_schema

    schema = ecommerce()
    revision = load_module(files(schema, "sqlalchemy")["alembic/versions/0001_dbmodel.py"], tmp_path / "rev.py")
    engine = sa.create_engine(postgres_url)
    d = get_dialect("postgresql")
    for step in ("upgrade", "downgrade", "upgrade"):
        with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            getattr(revision, step)()
        want = schema if step == "upgrade" else type(schema)()
        assert expected(live_schema(postgres_url, d), d) == expected(want, d), step
    engine.dispose()


def run_exported_tests(folder: Path, **env: str) -> str:
    import os
    import subprocess

    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           str(folder / "test_migration.py")], capture_output=True, text=True, cwd=folder,
                          timeout=180, check=False, env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_exported_migration_test_passes(tmp_path):
    """The exported pytest migration test runs: up, down, up on SQLite passes; the Alembic test of a
    PostgreSQL export skips with a reason when no DBMODEL_ALEMBIC_URL is given."""
    from dbmodel_kit.export import export

    export(ecommerce(), "sqlalchemy", tmp_path)
    out = run_exported_tests(tmp_path)
    assert "1 passed, 1 skipped" in out
    assert "set DBMODEL_ALEMBIC_URL to an empty postgresql database" in out


def test_exported_tests_run_the_alembic_chain(tmp_path, postgres_url):
    """Both exported tests pass: SQLite export on its own temporary files, the PostgreSQL export's
    Alembic test on a real PostgreSQL database."""
    from dbmodel_kit.export import export

    export(ecommerce(), "sqlalchemy", tmp_path / "lite", dialect="sqlite")
    assert "2 passed" in run_exported_tests(tmp_path / "lite")
    export(ecommerce(), "sqlalchemy", tmp_path / "pg")
    assert "2 passed" in run_exported_tests(tmp_path / "pg", DBMODEL_ALEMBIC_URL=postgres_url)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_golden_alembic_environment(golden, dialect):
    """alembic.ini, alembic/env.py and test_migration.py of the export match the reviewed golden files;
    script.py.mako is Alembic's own generic template."""
    from importlib import resources

    from dbmodel_kit.export import files

    out = files(ecommerce(), "sqlalchemy", dialect=dialect)
    golden(f"export/sqlalchemy/{dialect}/alembic.ini", out["alembic.ini"])
    golden(f"export/sqlalchemy/{dialect}/env.py", out["alembic/env.py"])
    golden(f"export/sqlalchemy/{dialect}/test_migration.py", out["test_migration.py"])
    mako = resources.files("alembic").joinpath("templates", "generic", "script.py.mako").read_text("utf-8")
    assert out["alembic/script.py.mako"] == mako


def alembic(folder: Path, url: str, *args: str) -> str:
    import os
    import subprocess

    done = subprocess.run([sys.executable, "-m", "alembic", *args], capture_output=True, text=True, cwd=folder,
                          timeout=120, check=False, env={**os.environ, "DATABASE_URL": url})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_alembic_cli_upgrade_check_downgrade(tmp_path, request, dialect):
    """In the exported folder, `alembic upgrade head` builds the model's schema, `alembic check` finds
    nothing for autogenerate (models and revision agree), and `alembic downgrade base` empties it."""
    from dbmodel_kit.dialects import get_dialect
    from dbmodel_kit.export import export
    from dbmodel_kit.migrate.apply import expected, live_schema

    url = f"sqlite:///{tmp_path / 'db.sqlite'}" if dialect == "sqlite" else request.getfixturevalue("postgres_url")
    schema = ecommerce()
    export(schema, "sqlalchemy", tmp_path / "out", dialect=dialect)
    d = get_dialect(dialect)
    alembic(tmp_path / "out", url, "upgrade", "head")
    assert expected(live_schema(url, d), d) == expected(schema, d)
    assert "No new upgrade operations detected" in alembic(tmp_path / "out", url, "check")
    alembic(tmp_path / "out", url, "downgrade", "base")
    assert live_schema(url, d).table_names == ()


def test_exported_alembic_test_from_an_old_schema(tmp_path):
    """For a change (--from OLD with a rename), the exported Alembic test builds OLD, then the revision
    renames the column going up and back going down; both exported tests pass on SQLite."""
    from dbmodel_kit.export import export
    from dbmodel_kit.model import Model

    m = Model(ecommerce())
    old = m.schema
    m.rename_column("users.phone", "phone_number")
    m.add_column("orders", "note", "text")
    export(m.schema, "sqlalchemy", tmp_path, dialect="sqlite", plan=m.plan_since(0))
    revision = (tmp_path / "alembic" / "versions" / "0001_dbmodel.py").read_text()
    assert "new_column_name='phone_number'" in revision
    assert "drop_column('phone')" not in revision
    assert old.table("users").has_column("phone")
    assert "2 passed" in run_exported_tests(tmp_path)
