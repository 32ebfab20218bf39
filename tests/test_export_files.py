"""export(): the four-file layout per target, the sql target's up/down/seed on real engines, and the CLI."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa

from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.export import export, files, seed_rows
from dbmodel_kit.model import Model

LAYOUT = {
    "sqlalchemy": ["alembic/versions/0001_dbmodel.py", "models.py", "seed.py", "test_migration.py"],
    "prisma": ["migrations/0001_dbmodel/migration.sql", "migrations/migration_lock.toml", "schema.prisma", "seed.sql"],
    "typeorm": ["entities.ts", "migration.test.ts", "migration.ts", "seed.ts"],
    "dbml": ["schema.dbml"],
    "mermaid": ["erd.mmd"],
}


@pytest.mark.parametrize("target", sorted(LAYOUT))
def test_layout(tmp_path, target):
    """Each ORM target writes its model, migration, seed and migration-test files (dbml/mermaid: one
    diagram file), and returns their paths."""
    written = export(ecommerce(), target, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == LAYOUT[target]
    assert all(p.read_text() for p in written)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
@pytest.mark.parametrize("kind", ["up", "down", "seed"])
def test_golden_sql_files(golden, dialect, kind):
    """The sql target's files for the e-commerce model match the reviewed golden files."""
    golden(f"export/sql/{dialect}/{kind}.sql", files(ecommerce(), "sql")[f"{dialect}/{kind}.sql"])


def test_dbml_target_loads_back():
    """The dbml target's file reads back (io.loads) to the same tables and foreign keys."""
    from dbmodel_kit.io import loads

    back = loads(files(ecommerce(), "dbml")["schema.dbml"], "dbml")
    assert back.table_names == ecommerce().table_names
    assert [len(t.foreign_keys) for t in back.tables] == [len(t.foreign_keys) for t in ecommerce().tables]


def test_golden_sqlalchemy_seed(golden):
    """The SQLAlchemy seed module for the e-commerce model matches the reviewed golden file."""
    golden("export/sqlalchemy/seed.py", files(ecommerce(), "sqlalchemy")["seed.py"])


def test_sql_target_carries_the_patterns():
    """The sql target adds postgresql/patterns.sql, the production patterns for the model's flags."""
    out = files(ecommerce(), "sql")
    assert "CREATE TRIGGER trg_users_updated_at" in out["postgresql/patterns.sql"]
    assert not any(name.endswith("patterns.sql") for name in out if not name.startswith("postgresql/"))


def test_seed_rows_point_at_parent_rows():
    """Every seeded foreign key value is the key of a seeded parent row."""
    s = ecommerce()
    rows = seed_rows(s)
    for t in s.tables:
        assert len(rows[t.name]) == 3
        for fk in t.foreign_keys:
            parents = {tuple(r[c] for c in fk.ref_columns) for r in rows[fk.ref_table]}
            for r in rows[t.name]:
                value = tuple(r[c] for c in fk.columns)
                assert value in parents or all(v is None for v in value)


def test_sql_up_seed_down_on_sqlite(tmp_path):
    """up.sql, then seed.sql, fill every table on SQLite with foreign keys enforced; down.sql removes everything."""
    out = files(ecommerce(), "sql")
    con = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    con.executescript(out["sqlite/up.sql"])
    con.executescript(out["sqlite/seed.sql"])
    for t in ecommerce().table_names:
        assert con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] == 3
    con.executescript(out["sqlite/down.sql"])
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    con.close()


def test_sql_up_seed_down_on_postgres(postgres_url):
    """up.sql, seed.sql and down.sql run on PostgreSQL: 3 rows per table, then no tables and no enum types."""
    out = files(ecommerce(), "sql")
    engine = sa.create_engine(postgres_url)
    raw = engine.raw_connection()
    try:
        raw.autocommit = True  # the scripts hold their own BEGIN/COMMIT
        cur = raw.cursor()
        cur.execute(out["postgresql/up.sql"])
        cur.execute(out["postgresql/seed.sql"])
        for t in ecommerce().table_names:
            cur.execute(sa.text(f"SELECT count(*) FROM {t}").text)
            assert cur.fetchone()[0] == 3
        cur.execute(out["postgresql/down.sql"])
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT count(*) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid")
        assert cur.fetchone()[0] == 0
    finally:
        raw.close()
        engine.dispose()


def test_migration_from_an_old_schema_carries_renames(tmp_path):
    """With old=..., the migration is the change only: a rename stays a rename, not a drop and an add."""
    m = Model()
    m.add_table("users", id="integer pk identity", mail="varchar(100) not null")
    old = m.schema
    m.rename_column("users.mail", "email")
    out = files(m.schema, "sql", old=old, hints={"users.mail": "users.email"})["postgresql/up.sql"]
    assert "ALTER TABLE users RENAME mail TO email" in out
    assert "DROP COLUMN" not in out


def test_unknown_target_is_a_model_error(tmp_path):
    """An unknown target raises ModelError naming the known ones and writes nothing."""
    with pytest.raises(ModelError, match="known: sqlalchemy"):
        export(ecommerce(), "hibernate", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_export(tmp_path):
    """`dbmodel export SPEC --to sql -o DIR` writes the files and prints their paths."""
    from dbmodel_kit.io import save

    spec = save(ecommerce(), tmp_path / "shop.yaml")
    done = subprocess.run([sys.executable, "-m", "dbmodel_kit.cli", "export", str(spec), "--to", "typeorm", "-o",
                           str(tmp_path / "out")], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(str(tmp_path / "out" / p) for p in LAYOUT["typeorm"])
