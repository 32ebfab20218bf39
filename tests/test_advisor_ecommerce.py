"""Index advisor on the e-commerce model and its example workload: evidence, golden JSON, accept, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from advisor_clock import work_clock

from dbmodel_kit.advisor import advise
from dbmodel_kit.cli import main
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import Model
from dbmodel_kit.model.ops import AddIndex
from dbmodel_kit.workload import sample

ROOT = Path(__file__).parent.parent
SPEC = str(ROOT / "examples" / "ecommerce.yaml")
WORKLOAD = ROOT / "examples" / "ecommerce_workload.sql"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("advisor") / "shop.sqlite"
    sample(ecommerce(), 10_000, engine="sqlite", path=path, seed=0)
    return path


@pytest.fixture(scope="module")
def advice(shop):
    # timed by the work clock: the measured steps decide the same way on every run (the golden files)
    with work_clock():
        return advise(ecommerce(), WORKLOAD, str(shop), repeat=3, parallel=False)


def test_golden_json(advice, golden):
    """The chosen indexes, rejections with reasons and plans before/after (timing-free) match the golden file."""
    golden("advisor/ecommerce.json", advice.to_json(timings=False))


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_golden_text_per_dialect(advice, dialect, golden):
    """The text summary (timing-free) writes each index as the target dialect's CREATE INDEX."""
    from dataclasses import replace

    golden(f"advisor/ecommerce_{dialect}.txt", replace(advice, dialect=dialect).to_text(timings=False))


def test_measured_speedup_on_sample(advice):
    """Building the chosen indexes on a copy of the sample cuts the measured weighted time at least in half."""
    assert len(advice) >= 1
    assert advice.weighted_ms("after") < 0.5 * advice.weighted_ms("before")
    by_name = {q.name: q for q in advice.queries}
    assert "USE TEMP B-TREE FOR ORDER BY" in by_name["order_lines"].plan_before
    assert "USE TEMP B-TREE" not in by_name["order_lines"].plan_after


def test_every_suggestion_is_justified(advice):
    """Each suggested index names the queries it helps, and each of those plans uses it after the build."""
    by_name = {q.name: q for q in advice.queries}
    for s in advice:
        assert s.helped
        assert any(s.index.name in by_name[q].plan_after for q in s.helped), s.index.name


def test_sample_file_is_untouched(advice, shop):
    """Advising builds indexes on a copy: the sample keeps only the model's own indexes."""
    import sqlite3

    con = sqlite3.connect(shop)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    con.close()
    assert not any(s.index.name in names for s in advice)


def test_accept_applies_add_index_ops_one_by_one(advice):
    """accept() turns each suggestion into its own AddIndex on the model; one can be taken alone and undone."""
    m = Model(ecommerce())
    first, *rest = advice.indexes
    applied = advice.accept(m, only=[first.index.name])
    assert applied == [AddIndex(first.table, first.index)]
    assert first.index in m.schema.table(first.table).indexes
    m.undo()
    assert first.index not in m.schema.table(first.table).indexes
    applied = advice.accept(m, skip=[first.index.name])
    assert [op.index for op in applied] == [s.index for s in rest]
    assert all(s.index in m.schema.table(s.table).indexes for s in rest)


def test_html_and_text(advice):
    """The advice shows itself as HTML (indexes, per-query timings, rejections) and as text."""
    page = advice._repr_html_()
    for part in ("CREATE INDEX", "plan before", "rejected"):
        assert part in page
    assert "weighted time per minute" in advice.to_text()


def test_duckdb_sample_goes_to_the_duckdb_advisor():
    """A DuckDB sample is advised by the DuckDB advisor (ART indexes it reads, load orders); an index on
    a column the workload UPDATEs in a table other rows reference is rejected with DuckDB's reason."""
    from dbmodel_kit.advisor.duckdb import DuckDBAdvice

    db = sample(ecommerce(), 300, engine="duckdb")
    a = advise(ecommerce(), WORKLOAD, db, repeat=1)
    assert isinstance(a, DuckDBAdvice)
    reasons = {str(r.candidate): r.reason for r in a.rejected}
    assert "delete + insert" in reasons["products(stock_quantity)"]


def test_cli_json(shop, capsys):
    """`dbmodel advise --format json` prints the documented shape with one CREATE INDEX per suggestion."""
    assert main(["advise", SPEC, "--workload", str(WORKLOAD), "--db", str(shop), "--budget", "2",
                 "--repeat", "1", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["indexes"]) <= 2
    for ix in out["indexes"]:
        assert set(ix) >= {"table", "columns", "unique", "where", "sql"}
        assert ix["sql"].startswith("CREATE INDEX")
    assert {q["name"] for q in out["queries"]} == {"recent_orders", "order_lines", "catalog_page", "search_products",
                                                   "user_by_email", "sales_by_category", "expire_stale_orders",
                                                   "restock"}
    assert all(isinstance(q["before_ms"], float) and isinstance(q["after_ms"], float) for q in out["queries"])


def test_cli_serial_times_the_workload_in_process(shop, capsys, monkeypatch):
    """`--serial` passes parallel=False (the workload timed before the search in this process)."""
    import dbmodel_kit.advisor as advisor_mod

    seen = []
    real = advisor_mod.advise
    monkeypatch.setattr(advisor_mod, "advise", lambda *a, **kw: seen.append(kw["parallel"]) or real(*a, **kw))
    for flag in ([], ["--serial"]):
        assert main(["advise", SPEC, "--workload", str(WORKLOAD), "--db", str(shop), "--budget", "1",
                     "--repeat", "1", "--rounds", "1", *flag]) == 0
    assert seen == [True, False]
    assert "index(es) suggested" in capsys.readouterr().out


def test_cli_bad_budget(shop, capsys):
    """A budget that is neither a count nor a size exits 2 with the reason."""
    assert main(["advise", SPEC, "--workload", str(WORKLOAD), "--db", str(shop), "--budget", "lots"]) == 2
    assert "budget takes" in capsys.readouterr().err


def test_every_advised_index_was_measured_to_pay(advice):
    """Evidence and advice never disagree: each advised index stayed through the measured confirmation (the
    statements it serves faster with it by more than twice their measured spread, net of the writes it
    slows), and one whose leading columns are a key is there only as such a measured covering index."""
    from dbmodel_kit.advisor.candidates import Candidate, key_prefix

    confirmed = {c["index"]: c for c in advice.stats["confirmed"]}
    for s in advice:
        c = confirmed[s.index.name]
        assert c["kept"]
        assert c["without_ms"] - c["with_ms"] > 2 * c["noise_ms"] or not c["complete"]
        assert s.measured_ms_per_min is not None
        if key_prefix(Candidate(s.table, s.index.columns), advice.schema.table(s.table)) is not None:
            assert s.measured_ms_per_min > 0
    dropped = [c for c in advice.stats["confirmed"] if not c["kept"]]
    names = {r.candidate for r in advice.rejected if r.reason.startswith("measured no gain")}
    assert len(names) == len(dropped)
