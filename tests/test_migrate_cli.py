"""The migration commands: dbmodel diff, migrate lint, migrate verify, drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migrate_corpus import HAND, base

from dbmodel_kit.cli import main
from dbmodel_kit.io import dumps


def _files(tmp_path: Path, case: str) -> tuple[str, str]:
    plan = HAND[case]()
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(dumps(plan.old, "yaml"))
    new.write_text(dumps(plan.new, "yaml"))
    return str(old), str(new)


def test_diff_sql_with_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str], golden,  # type: ignore[no-untyped-def]
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """dbmodel diff prints the SQL of the migration; a --hint turns a drop+add into a rename."""
    _files(tmp_path, "rename_column")
    monkeypatch.chdir(tmp_path)
    old, new = "old.yaml", "new.yaml"
    assert main(["diff", old, new, "--dialect", "postgresql"]) == 0
    out = capsys.readouterr()
    assert "possible rename customers.name -> customers.full_name" in out.err
    assert main(["diff", old, new, "-d", "sqlite", "--hint", "customers.name=customers.full_name"]) == 0
    text = capsys.readouterr().out
    assert "RENAME COLUMN name TO full_name" in text
    golden("migrate/cli/diff_rename.sqlite.sql", "\n".join(
        line for line in text.splitlines() if not line.startswith("-- Generated")) + "\n")


def test_diff_alembic_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format alembic prints a revision script, --format json a plan with its lint."""
    old, new = _files(tmp_path, "add_index")
    assert main(["diff", old, new, "--format", "alembic"]) == 0
    assert "def downgrade()" in capsys.readouterr().out
    assert main(["diff", old, new, "--format", "json", "--safe"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sql"][0]["statements"][0].startswith("CREATE INDEX CONCURRENTLY")


def test_migrate_lint_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """migrate lint exits 1 on an error-level finding and 0 when there is none."""
    old, new = _files(tmp_path, "drop_column")
    assert main(["migrate", "lint", old, new]) == 1
    out = capsys.readouterr().out
    assert "DS103" in out
    assert "squawk ban-drop-column" in out
    old, new = _files(tmp_path, "add_nullable_column")
    assert main(["migrate", "lint", old, new]) == 0


def test_migrate_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """migrate verify runs up -> down -> up on the scratch URL and reports success."""
    old, new = _files(tmp_path, "rename_column")
    url = f"sqlite:///{tmp_path / 'scratch.sqlite'}"
    assert main(["migrate", "verify", old, new, "--url", url, "--hint", "x=y"]) == 2  # bad hint: no table x
    capsys.readouterr()
    assert main(["migrate", "verify", old, new, "--url", url, "--hint", "customers.name=customers.full_name"]) == 0
    assert "verify on sqlite: ok" in capsys.readouterr().out


def test_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """drift exits 0 when the database matches the spec and 1 listing the differences when not."""
    from dbmodel_kit.ddl import apply as create

    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    create(base(), url)
    spec = tmp_path / "spec.yaml"
    spec.write_text(dumps(base(), "yaml"))
    assert main(["drift", str(spec), "--url", url]) == 0
    assert "matches" in capsys.readouterr().out
    spec.write_text(dumps(HAND["add_index"]().new, "yaml"))
    assert main(["drift", str(spec), "--url", url]) == 1
    assert "add index ix_products_category_price" in capsys.readouterr().out
