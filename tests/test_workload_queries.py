"""Workloads: the .sql format, checks against the model, the runner's report and plans, and lint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from dbmodel_kit import ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.workload import RULES, Workload, lint, run, sample
from dbmodel_kit.workload.lint import format_findings
from dbmodel_kit.workload.sample import table_rows

EXAMPLE = Path(__file__).parent.parent / "examples" / "ecommerce_workload.sql"


@pytest.fixture(scope="module")
def shop_samples():
    return {e: sample(ecommerce(), 3000, engine=e, seed=5) for e in ("duckdb", "sqlite")}


def test_file_format_reads_names_weights_params_and_kinds():
    """Headers carry name and weight, a params line carries JSON parameter sets, writes are recognised."""
    w = Workload.from_file(EXAMPLE)
    assert w.names[:3] == ("recent_orders", "order_lines", "catalog_page")
    assert w["recent_orders"].weight == 120
    assert w["recent_orders"].params == ({"status": "paid"}, {"status": "shipped"})
    assert w["recent_orders"].line == 4
    assert [q.name for q in w if q.kind == "write"] == ["expire_stale_orders", "restock"]
    again = Workload.from_sql(w.to_sql())
    assert [(q.name, q.sql, q.weight, q.params) for q in again] == [(q.name, q.sql, q.weight, q.params) for q in w]


def test_syntax_error_names_query_and_line():
    """A syntax error is reported with the file, the line and the query's name."""
    text = "-- name: ok  weight: 1\nSELECT 1;\n\n-- name: broken  weight: 2\nSELECT FROM WHERE (;\n"
    w = Workload.from_sql(text, source="w.sql")
    problems = w.problems()
    assert len(problems) == 1
    assert problems[0].query == "broken"
    assert str(problems[0]).startswith("w.sql:5: query broken: syntax error")


def test_unknown_tables_and_columns_are_reported_before_running():
    """Names the model lacks are listed per query, and run() refuses before executing anything."""
    w = (Workload().add("typo_table", "SELECT id FROM orderz")
         .add("typo_column", "SELECT o.totl FROM orders o WHERE o.status = 'paid'")
         .add("fine", "SELECT count(*) AS n FROM orders GROUP BY status HAVING count(*) > 1 ORDER BY n"))
    problems = [str(p) for p in w.problems(ecommerce())]
    assert problems == ["query typo_table: unknown table orderz",
                        "query typo_column: unknown column o.totl (orders has no column totl)"]
    with pytest.raises(ModelError, match="typo_table"):
        run(w, sample(ecommerce(), 50, engine="sqlite"))


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_a_database_file_is_checked_against_its_own_schema(engine, tmp_path):
    """run() on a file path (no SampleDB, no schema given) reflects the file and refuses unknown names
    before anything runs; known names run as before."""
    path = tmp_path / f"shop.{engine}"
    sample(ecommerce(), 60, engine=engine, path=path)
    with pytest.raises(ModelError, match=r"query typo: unknown column totl \(not in orders\)"):
        run(Workload().add("typo", "SELECT totl FROM orders"), path, repeat=1)
    report = run(Workload().add("fine", "SELECT count(*) AS n FROM orders"), path, repeat=1)
    assert report.errors == {}
    assert list(report.frame["rows"]) == [1]


def test_bad_headers_and_missing_params_are_errors():
    """Unknown header fields, SQL before a header and unbound parameters are reported with their place."""
    with pytest.raises(ModelError, match="line 1: unknown header field 'wieght'"):
        Workload.from_sql("-- name: a  wieght: 3\nSELECT 1;")
    with pytest.raises(ModelError, match="line 1: SQL before"):
        Workload.from_sql("SELECT 1;\n-- name: a\nSELECT 2;")
    w = Workload().add("needs", "SELECT id FROM users WHERE email = :email")
    with pytest.raises(ModelError, match=r"needs.*no parameter sets"):
        run(w, sample(ecommerce(), 20, engine="sqlite"))


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_report_is_sorted_slowest_first_with_shares(engine, shop_samples):
    """The report has one row per query, slowest first, and weighted shares that sum to one."""
    w = Workload.from_file(EXAMPLE)
    report = run(w, shop_samples[engine], repeat=2)
    frame = report.frame
    assert list(frame.columns) == ["query", "kind", "weight", "median_ms", "min_ms", "max_ms", "rows", "row_groups",
                                   "share"]
    assert list(frame["median_ms"]) == sorted(frame["median_ms"], reverse=True)
    assert set(frame["query"]) | set(report.errors) == set(w.names)
    assert frame["share"].sum() == pytest.approx(1.0)
    assert (frame["min_ms"] <= frame["median_ms"]).all()
    assert (frame["median_ms"] <= frame["max_ms"]).all()
    assert frame.set_index("query").loc["recent_orders", "rows"] == 20
    html = report._repr_html_()
    assert html.index("sales_by_category") < html.index("search_products") or engine == "duckdb"
    assert "<details>" in html
    parsed = json.loads(report.to_json())
    assert parsed["engine"] == engine


def test_duckdb_plans_are_analyzed():
    """DuckDB plans come from EXPLAIN ANALYZE: operators with actual row counts and row groups scanned."""
    db = sample(ecommerce(), 500, engine="duckdb")
    report = run(Workload().add("by_status", "SELECT count(*) FROM orders WHERE status = 'paid'"), db, repeat=1)
    plan = report.plans["by_status"]
    assert "Total Time" in plan
    assert "rows" in plan
    scanned, total = report.frame.loc[0, "row_groups"].split("/")
    assert 0 <= int(scanned) <= int(total)
    assert int(total) >= 1


def test_sqlite_plans_golden(golden, shop_samples):
    """SQLite's EXPLAIN QUERY PLAN for the example workload (deterministic) matches the golden file."""
    report = run(Workload.from_file(EXAMPLE), shop_samples["sqlite"], repeat=1)
    text = "".join(f"-- {name}\n{report.plans[name]}\n" for name in Workload.from_file(EXAMPLE).names)
    golden("workload/ecommerce_sqlite_plans.txt", text)


def _fingerprint(db) -> str:
    h = hashlib.sha256()
    for t in db.schema.tables:
        h.update(repr(table_rows(db, t.name)).encode())
    return h.hexdigest()


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_writes_never_change_the_sample(engine, tmp_path):
    """INSERT/UPDATE/DELETE queries run in rolled-back transactions: the data is the same afterwards."""
    for path in (None, tmp_path / f"w.{engine}"):
        db = sample(ecommerce(), 400, engine=engine, path=path)
        before = _fingerprint(db)
        w = (Workload().add("restock", "UPDATE products SET stock_quantity = stock_quantity + 10", weight=5)
             .add("purge_items", "DELETE FROM order_items WHERE quantity > 1")
             .add("new_category", "INSERT INTO categories (id, name, slug, sort_order, created_at, updated_at) "
                                  "VALUES ('00000000-0000-4000-8000-000000000001', 'n', 's', 0, "
                                  "'2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        report = run(w, db, repeat=3)
        assert report.errors == {}
        rows = report.frame.set_index("query")["rows"]
        assert rows["restock"] == db.rows["products"]
        assert rows["new_category"] == 1
        assert set(report.frame["kind"]) == {"write"}
        assert _fingerprint(db) == before


def test_engine_errors_are_reported_per_query():
    """A query the engine rejects is listed under errors and the other queries still run."""
    db = sample(ecommerce(), 100, engine="duckdb")
    w = Workload().add("bad", "SELECT CAST(email AS INTEGER) FROM users").add("good", "SELECT count(*) FROM users")
    report = run(w, db, repeat=1)
    assert list(report.frame["query"]) == ["good"]
    assert "ConversionException" in report.errors["bad"]
    alone = run(Workload().add("bad", "SELECT CAST(email AS INTEGER) FROM users"), db, repeat=1).to_text()
    assert "no query ran to the end" in alone
    assert "error in bad: ConversionException" in alone
    assert "Empty DataFrame" not in alone


def test_lint_golden(golden):
    """Lint findings of the example workload, as text and JSON, match the golden files."""
    findings = lint(Workload.from_file(EXAMPLE), ecommerce())
    golden("workload/ecommerce_lint.txt", format_findings(findings))
    golden("workload/ecommerce_lint.json", format_findings(findings, "json"))


def test_lint_rules_each_fire():
    """Every rule has an id and fires on its pattern, and clean queries get no findings."""
    w = (Workload()
         .add("page", "SELECT id FROM orders ORDER BY id LIMIT 20 OFFSET :off", params={"off": 0})
         .add("star", "SELECT * FROM users LIMIT 1")
         .add("func", "SELECT id FROM orders WHERE total * 2 > 10 LIMIT 5")
         .add("like", "SELECT id FROM products WHERE sku LIKE '%42' LIMIT 5")
         .add("cast", "SELECT id FROM orders WHERE order_number = 42 LIMIT 5")
         .add("or_cols", "SELECT id FROM users WHERE email = 'a' OR phone = 'b' LIMIT 5")
         .add("lookup", "SELECT name FROM products WHERE id = :id", weight=600, params=[{"id": "x"}])
         .add("sorted", "SELECT id FROM users ORDER BY created_at")
         .add("clean", "SELECT id, email FROM users WHERE email = 'a' LIMIT 1"))
    found = {(f.query, f.rule) for f in lint(w, ecommerce())}
    assert found == {("page", "WL001"), ("star", "WL002"), ("func", "WL003"), ("like", "WL004"),
                     ("cast", "WL005"), ("or_cols", "WL006"), ("lookup", "WL007"), ("sorted", "WL008")}
    assert tuple(r.__name__ for r in RULES)[:2] == ("offset_pagination", "select_star")
