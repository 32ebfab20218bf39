"""The advisor's measured check (dbmodel_kit.advisor.measure): an index that makes a query slower on the
sample than no index at all is found by timing, dropped, and rejected with the measured reason, while an
index that pays is kept. Hand-made: 100,000 rows with ``a`` random in 0..999 and ``pad`` 60 bytes; without
STAT4 SQLite guesses a one-sided range keeps a quarter of the rows, so it reads ``a >= 0`` (every row)
through a non-covering index on ``a``: a lookup per row, about 4x the plain scan (measured: 10 vs 43 ms)."""

from __future__ import annotations

import random
import sqlite3

import pytest

import dbmodel_kit.advisor as advisor_mod
from dbmodel_kit.advisor import Candidate, advise
from dbmodel_kit.advisor.measure import Timer, Timing, plan_indexes, slower, verify
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.workload import Workload

ALL_ROWS = "SELECT sum(length(pad)) FROM t WHERE a >= 0"
BY_B = "SELECT pad FROM t WHERE b = 7"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("verify") / "t.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL, pad TEXT NOT NULL)")
    r = random.Random(0)
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                    ((i, r.randrange(1000), i % 5000, "x" * 60) for i in range(1, 100_001)))
    con.commit()
    con.close()
    return path


def _workload() -> Workload:
    return Workload().add("all_rows", ALL_ROWS, 1.0).add("by_b", BY_B, 1.0)


def test_slower_needs_more_than_noise():
    assert slower(Timing(10.0), Timing(43.0), None)
    assert not slower(Timing(10.0), Timing(12.0), None)  # 1.2x: within the noise allowance
    assert not slower(Timing(0.1), Timing(1.5), None)  # sub-2 ms jitter on a fast query
    assert slower(Timing(10.0), Timing(None, error="OperationalError: interrupted"), 1.0)
    assert not slower(Timing(None, error="OperationalError: interrupted"),
                      Timing(None, error="OperationalError: interrupted"), 1.0)


def test_verify_drops_the_index_that_made_a_query_slower_and_keeps_the_one_that_pays(db, tmp_path):
    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("ANALYZE")
    timer = Timer(con)
    w = _workload()
    before = timer.run(w, 3)
    con.execute("CREATE INDEX ix_a ON t(a)")
    con.execute("CREATE INDEX ix_b ON t(b)")
    con.execute("ANALYZE")
    after = timer.run(w, 3)
    assert plan_indexes(after["all_rows"].plan) == {"ix_a"}  # the planner takes the index that hurts
    assert slower(before["all_rows"], after["all_rows"], None)
    final, verdicts = verify(timer, list(w), before, after, ["ix_a", "ix_b"], {"ix_a": "t", "ix_b": "t"}, 3,
                             lambda q: None)
    assert [v.name for v in verdicts] == ["ix_a"]
    assert verdicts[0].trigger == "all_rows"
    assert verdicts[0].without_ms < verdicts[0].with_ms
    left = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    assert left == {"ix_b"}  # dropped for real on the copy; the useful one stays
    assert plan_indexes(final["all_rows"].plan) == set()
    assert final["by_b"] is after["by_b"]  # its plan did not change: not timed again
    con.close()


def test_verify_keeps_indexes_when_no_query_got_slower(db, tmp_path):
    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    con = sqlite3.connect(path, isolation_level=None)
    timer = Timer(con)
    w = _workload()
    before = timer.run(w, 3)
    con.execute("CREATE INDEX ix_b ON t(b)")
    con.execute("ANALYZE")
    after = timer.run(w, 3)
    final, verdicts = verify(timer, list(w), before, after, ["ix_b"], {"ix_b": "t"}, 3, lambda q: None)
    assert verdicts == []
    assert final == after
    con.close()


def test_advise_rejects_a_chosen_index_measured_to_slow_a_query(db, monkeypatch):
    """Whatever the search picks, the check has the last word: with the search made to pick t(a) and t(b),
    advise() builds both, finds all_rows slower than before, drops t(a) and says why; the evidence is that
    of the final configuration."""
    bad, good = Candidate("t", ("a",)), Candidate("t", ("b",))
    monkeypatch.setattr(advisor_mod, "greedy", lambda *args, **kw: ([bad, good], []))
    a = advise(reflect(f"sqlite:///{db}"), _workload(), db, repeat=3, dialect="sqlite")
    assert [s.index.columns for s in a] == [("b",)]
    reasons = {r.candidate: r.reason for r in a.rejected}
    assert reasons[bad].startswith("measured slower: all_rows ran clearly slower with it")
    assert [v["dropped"] for v in a.stats["verified"]] == ["ix_t_a"]
    ev = {q.name: q for q in a.queries}
    assert "ix_t_a" not in ev["all_rows"].plan_after
    assert ev["all_rows"].after_ms < 2 * ev["all_rows"].before_ms
    assert ev["by_b"].after_ms < ev["by_b"].before_ms


def test_a_drop_leaves_the_statistics_a_fresh_build_would_have(db, tmp_path):
    """With its only index dropped, the table must still have its row count in sqlite_stat1 (ANALYZE
    writes it only when the table has no index): without it the planner assumes a default size, and
    the timings after the drop would be of plans a fresh build never makes (TPC-H q09: 161 vs 1,008 ms)."""
    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    con = sqlite3.connect(path, isolation_level=None)
    timer = Timer(con)
    w = Workload().add("all_rows", ALL_ROWS, 1.0)
    before = timer.run(w, 3)
    con.execute("CREATE INDEX ix_a ON t(a)")
    con.execute("ANALYZE")
    assert con.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 't'").fetchall() == [("ix_a",)]
    after = timer.run(w, 3)
    _, verdicts = verify(timer, list(w), before, after, ["ix_a"], {"ix_a": "t"}, 3, lambda q: None)
    assert [v.name for v in verdicts] == ["ix_a"]
    assert con.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 't'").fetchall() == [(None, "100000")]
    con.close()
