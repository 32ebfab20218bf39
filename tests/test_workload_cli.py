"""The workload commands: dbmodel sample, run and workload-lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbmodel_kit.cli import main

ROOT = Path(__file__).parent.parent
SPEC = str(ROOT / "examples" / "ecommerce.yaml")
WORKLOAD = str(ROOT / "examples" / "ecommerce_workload.sql")


@pytest.mark.parametrize("suffix", ["duckdb", "sqlite"])
def test_sample_then_run(suffix, tmp_path, capsys):
    """`dbmodel sample` writes the file with the asked rows; `dbmodel run` reports every query as JSON."""
    db = tmp_path / f"shop.{suffix}"
    assert main(["sample", SPEC, "--rows", "3000", "users=200", "--db", str(db), "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "users" in out
    assert f"-> {db} ({suffix}, seed 4)" in out
    assert main(["run", WORKLOAD, "--db", str(db), "--repeat", "1", "--format", "json", "--spec", SPEC]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {q["query"] for q in report["queries"]} >= {"recent_orders", "restock"}
    assert report["errors"] == {}


def test_sample_rows_per_table(tmp_path, capsys, golden):
    """TABLE=N sets single tables; the printed counts (golden) are what the file holds."""
    db = tmp_path / "s.sqlite"
    assert main(["sample", SPEC, "--rows", "users=120", "orders=80", "--scale", "0.05", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "users               120" in out
    assert "orders               80" in out
    golden("workload/cli_sample.txt", out.replace(str(tmp_path), "<tmp>"))


@pytest.mark.parametrize("enforce", [False, True])
def test_sample_lists_constraints(enforce, tmp_path, capsys):
    """`--constraints` lists every constraint with where it stands; `--enforce` declares DuckDB's foreign
    keys before the fill (the default fill verifies them by set-based SQL, as DuckDB cannot add them after)."""
    db = tmp_path / "s.duckdb"
    args = ["sample", SPEC, "--rows", "500", "--db", str(db), "--constraints"] + (["--enforce"] if enforce else [])
    assert main(args) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "fk_orders_user_id_users" in x)
    if enforce:
        assert "not declared" not in line
        assert "declared" in line
        assert "verified: engine, on every row as it was written" in line
    else:
        assert "not declared" in line
        assert "verified: set-based SQL after the fill" in line
    assert "71 constraints:" in out


def test_sample_violation_is_one_line(tmp_path, capsys, monkeypatch):
    """A sample that breaks a constraint exits 2 with one line naming table, constraint and an example row."""
    import importlib

    mod = importlib.import_module("dbmodel_kit.workload.sample")
    real = mod._value
    monkeypatch.setattr(mod, "_value", lambda p, c, g, schema: (
        mod.T("'x@example.com'") if (p.table.name, c.name) == ("users", "email") else real(p, c, g, schema)))
    db = tmp_path / "s.sqlite"
    assert main(["sample", SPEC, "--rows", "500", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "users: unique uq_users_email (email) does not hold" in err
    assert "e.g. (" in err
    assert not db.exists()


def test_bad_rows_argument(tmp_path, capsys):
    """A malformed --rows value is a one-line error and exit 2."""
    assert main(["sample", SPEC, "--rows", "many", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "--rows takes N or TABLE=N" in capsys.readouterr().err


def test_run_reports_unknown_columns(tmp_path, capsys):
    """`dbmodel run --spec` refuses a workload naming a column the model lacks, naming file and line."""
    w = tmp_path / "w.sql"
    w.write_text("-- name: bad  weight: 1\nSELECT totl FROM orders;\n")
    db = tmp_path / "s.sqlite"
    main(["sample", SPEC, "--rows", "100", "--db", str(db)])
    capsys.readouterr()
    assert main(["run", str(w), "--db", str(db), "--spec", SPEC]) == 2
    assert f"{w}:1: query bad: unknown column totl" in capsys.readouterr().err


def test_workload_lint_golden(golden, capsys):
    """`dbmodel workload-lint` prints the findings (golden) and exits 1 on warnings."""
    assert main(["workload-lint", WORKLOAD, "--spec", SPEC]) == 1
    golden("workload/cli_lint.txt", capsys.readouterr().out.replace(str(ROOT), "<root>"))
