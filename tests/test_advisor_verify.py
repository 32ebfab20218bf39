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
from dbmodel_kit.advisor import Candidate, advise, measure
from dbmodel_kit.advisor.measure import (
    Aside,
    Observed,
    Timer,
    Timing,
    capped,
    confirm,
    plan_indexes,
    plan_key,
    slower,
    verify,
)
from dbmodel_kit.errors import ModelError
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


@pytest.fixture
def con(db, tmp_path):
    """An autocommit connection to a fresh copy of the sample (the tests build and drop indexes on it)."""
    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    c = sqlite3.connect(path, isolation_level=None)
    yield c
    c.close()


def _workload() -> Workload:
    return Workload().add("all_rows", ALL_ROWS, 1.0).add("by_b", BY_B, 1.0)


def _timed_without_and_with_both(con):
    """The workload timed on the copy before and after building t(a) and t(b) (ANALYZEd both times)."""
    con.execute("ANALYZE")
    timer = Timer(con)
    w = _workload()
    before = timer.run(w, 3)
    con.execute("CREATE INDEX ix_a ON t(a)")
    con.execute("CREATE INDEX ix_b ON t(b)")
    con.execute("ANALYZE")
    return timer, w, before, timer.run(w, 3)


def test_slower_needs_more_than_noise():
    assert slower(Timing(10.0), Timing(43.0), None)
    assert not slower(Timing(10.0), Timing(12.0), None)  # 1.2x: within the noise allowance
    assert not slower(Timing(0.1), Timing(1.5), None)  # sub-2 ms jitter on a fast query
    assert slower(Timing(10.0), Timing(None, error="OperationalError: interrupted"), 1.0)
    assert not slower(Timing(None, error="OperationalError: interrupted"),
                      Timing(None, error="OperationalError: interrupted"), 1.0)


def test_verify_drops_the_index_that_made_a_query_slower_and_keeps_the_one_that_pays(con):
    timer, w, before, after = _timed_without_and_with_both(con)
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


def test_verify_keeps_indexes_when_no_query_got_slower(con):
    timer = Timer(con)
    w = _workload()
    before = timer.run(w, 3)
    con.execute("CREATE INDEX ix_b ON t(b)")
    con.execute("ANALYZE")
    after = timer.run(w, 3)
    final, verdicts = verify(timer, list(w), before, after, ["ix_b"], {"ix_b": "t"}, 3, lambda q: None)
    assert verdicts == []
    assert final == after


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
    # the evidence is of the final configuration: all_rows scans the table again, as before any index (its
    # plan, not its time, says so: a time is the machine's load as much as the plan's)
    assert ev["all_rows"].plan_after == ev["all_rows"].plan_before
    assert ev["by_b"].after_ms < ev["by_b"].before_ms


def test_a_drop_leaves_the_statistics_a_fresh_build_would_have(con):
    """With its only index dropped, the table must still have its row count in sqlite_stat1 (ANALYZE
    writes it only when the table has no index): without it the planner assumes a default size, and
    the timings after the drop would be of plans a fresh build never makes (TPC-H q09: 161 vs 1,008 ms)."""
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


def test_plan_key_names_the_indexes_not_their_numbers():
    """The same what-if plan under two configurations (numbered whatif_0/whatif_1 differently) has one key;
    another index in the plan, another key; a line naming no hypothetical index is kept as it is."""
    a, b = Candidate("t", ("a",)), Candidate("t", ("b",), "b > 0")
    one = plan_key(["SCAN u", "  SEARCH t USING INDEX whatif_0 (a=?)"], {"whatif_0": a})
    two = plan_key(["SCAN u", "  SEARCH t USING INDEX whatif_1 (a=?)"], {"whatif_0": b, "whatif_1": a})
    assert one == two == ("SCAN u", "  SEARCH t USING INDEX t(a) (a=?)")
    other = plan_key(["SCAN u", "  SEARCH t USING INDEX whatif_0 (a=?)"], {"whatif_0": b})
    assert other != one
    assert other[1] == "  SEARCH t USING INDEX t(b) WHERE b > 0 (a=?)"


def test_observed_keeps_what_stands_above_noise():
    """A measurement is kept where it or the model's prediction is at least min_ms (a fast query's timer
    noise would otherwise override the model); a timeout counts at the limit; the latest one wins."""
    o = Observed(timeout=1.0, min_ms=20.0)
    key = ("SCAN t",)
    assert not o.record("fast", key, Timing(0.5), predicted_ms=3.0)
    assert o.get("fast", key) is None
    assert o.record("mispriced", key, Timing(0.5), predicted_ms=300.0)  # predicted slow, measured fast
    assert o.get("mispriced", key) == 0.5
    assert o.record("slow", key, Timing(None, error="OperationalError: interrupted"), predicted_ms=5.0)
    assert o.get("slow", key) == 1000.0
    assert not o.record("failed", key, Timing(None, error="OperationalError: no such column"), predicted_ms=50.0)
    assert o.record("slow", key, Timing(40.0), predicted_ms=5.0)
    assert o.get("slow", key) == 40.0
    assert o.get("slow", ("SCAN u",)) is None  # another plan of the same query: not measured


def test_verify_hands_back_what_each_trial_measured(con):
    """The trials of the check are measurements of other configurations (the chosen ones but one): verify
    hands them back for the next search; a trial stopped early keeps only the queries it timed through."""
    timer, w, before, after = _timed_without_and_with_both(con)
    trials: list = []
    verify(timer, list(w), before, after, ["ix_a", "ix_b"], {"ix_a": "t", "ix_b": "t"}, 3, lambda q: None, trials)
    assert trials, "the check tried ix_a away"
    kept, times = trials[0]
    assert kept == ("ix_b",)
    assert set(times) <= {"all_rows", "by_b"}
    assert "all_rows" in times
    assert plan_indexes(times["all_rows"].plan) == set()  # timed without ix_a
    assert times["all_rows"].ms < after["all_rows"].ms


BY_A = "SELECT pad FROM t WHERE a = 7"


def test_a_second_search_prices_the_plan_the_check_measured_slow(db, monkeypatch):
    """Measured feedback into the search: with the cost model made to price every index plan at one unit,
    the first search picks t(a) (smallest); all_rows then reads every row through it (measured clearly slower
    than predicted) and the check cannot drop it (by_a, weighted 100, needs it). The second search prices
    all_rows under that plan at what it measured, so t(a) no longer looks free and the search takes t(a, pad),
    which all_rows reads as a covering index; that configuration measures faster and is the advice, and t(a)
    is rejected with the first round's measured figures."""
    real = advisor_mod.plan_cost

    def every_index_free(lines, *args, **kw):
        return 1.0 if any(" INDEX " in line for line in lines) else real(lines, *args, **kw)

    monkeypatch.setattr(advisor_mod, "plan_cost", every_index_free)
    calls: list = []
    greedy = advisor_mod.greedy

    def recording(candidates, objective, *args, **kw):
        calls.append(objective(frozenset({Candidate("t", ("a",))}))[0])
        return greedy(candidates, objective, *args, **kw)

    monkeypatch.setattr(advisor_mod, "greedy", recording)
    w = Workload().add("all_rows", ALL_ROWS, 1.0).add("by_a", BY_A, 100.0)
    a = advise(reflect(f"sqlite:///{db}"), w, db, repeat=3, dialect="sqlite")
    rounds = a.stats["rounds"]
    assert rounds[0]["indexes"] == ["ix_t_a"]
    assert "all_rows" in rounds[0]["surprised"]
    assert len(calls) >= 2
    assert calls[1] > calls[0] * 10
    assert [s.index.columns for s in a] == [("a", "pad")]
    assert rounds[1]["total_ms"] < rounds[0]["total_ms"]
    reasons = {r.candidate: r.reason for r in a.rejected}
    assert reasons[Candidate("t", ("a",))].startswith("measured: search round 1 chose it")
    ev = {q.name: q for q in a.queries}
    assert ev["all_rows"].after_ms < 2 * ev["all_rows"].before_ms


def test_no_round_after_one_that_measured_slower_than_an_earlier_one(db, monkeypatch):
    """The setup above, with the second round's check made to measure every query 100x slower: its queries
    all ran over their predictions (which would ask for another round), but the round measured slower than
    the first, so the search stops there and the first round's configuration is the advice."""
    real = advisor_mod.plan_cost
    monkeypatch.setattr(advisor_mod, "plan_cost", lambda lines, *a, **kw: 1.0 if any(
        " INDEX " in line for line in lines) else real(lines, *a, **kw))
    searches: list = []
    greedy, check = advisor_mod.greedy, advisor_mod.verify

    def counted(*args, **kw):
        searches.append(1)
        return greedy(*args, **kw)

    def slow_second(timer, queries, before, first, *args, **kw):
        after, verdicts = check(timer, queries, before, first, *args, **kw)
        if len(searches) == 2:
            after = {n: Timing(t.ms * 100 if t.ms is not None else None, t.rows, t.plan, t.error, t.runs)
                     for n, t in after.items()}
        return after, verdicts

    monkeypatch.setattr(advisor_mod, "greedy", counted)
    monkeypatch.setattr(advisor_mod, "verify", slow_second)
    w = Workload().add("all_rows", ALL_ROWS, 1.0).add("by_a", BY_A, 100.0)
    a = advise(reflect(f"sqlite:///{db}"), w, db, repeat=3, dialect="sqlite", rounds=3)
    rounds = a.stats["rounds"]
    assert len(searches) == len(rounds) == 2
    assert rounds[1]["total_ms"] > rounds[0]["total_ms"]
    assert "all_rows" in rounds[1]["surprised"]
    assert [s.index.name for s in a] == rounds[0]["indexes"]


def test_progress_bar_counts_the_timed_run_and_each_rounds_search_and_check(db, capsys):
    w = Workload().add("by_b", BY_B, 10.0)
    advise(reflect(f"sqlite:///{db}"), w, db, repeat=1, dialect="sqlite", rounds=2, progress=True)
    err = capsys.readouterr().err
    assert "advise: timing the workload" in err
    assert "advise: search 1" in err
    assert "advise: check 1 (1 index(es) built and timed)" in err
    assert "advise: done" in err
    assert "5/5" in err  # the second round was not needed: the bar still ends full
    advise(reflect(f"sqlite:///{db}"), w, db, repeat=1, dialect="sqlite", rounds=1, progress=False)
    assert "advise" not in capsys.readouterr().err


def test_rounds_limits_the_searches(db, monkeypatch):
    """rounds=1 stops after the first search and its check (the same setup as above would search again);
    a round count below one is refused before anything runs."""
    real = advisor_mod.plan_cost
    monkeypatch.setattr(advisor_mod, "plan_cost",
                        lambda lines, *a, **kw: 1.0 if any(" INDEX " in x for x in lines) else real(lines, *a, **kw))
    w = Workload().add("all_rows", ALL_ROWS, 1.0).add("by_a", BY_A, 100.0)
    a = advise(reflect(f"sqlite:///{db}"), w, db, repeat=3, dialect="sqlite", rounds=1)
    assert [r["indexes"] for r in a.stats["rounds"]] == [["ix_t_a"]]
    for bad in (0, -1, 1.5):
        with pytest.raises(ModelError, match="rounds must be a whole number >= 1"):
            advise(reflect(f"sqlite:///{db}"), w, db, rounds=bad)


def test_the_check_may_let_a_query_run_past_the_timeout(db):
    """``at_least`` stretches the limit past the timeout (the check lets a query that finished before run a few
    times its time before, so a regression is measured rather than counted at the timeout); an interrupted
    run counts where it was stopped."""
    con = sqlite3.connect(db, isolation_level=None)
    timer = Timer(con, timeout=0.0001)
    q = _workload()["all_rows"]
    stopped = timer.time(q, 1)
    assert stopped.interrupted
    assert capped(stopped, 0.0001) == pytest.approx(0.1)
    done = timer.time(q, 1, at_least=30.0)
    assert done.ms is not None
    assert done.ms > 0.1
    stretched = timer.time(q, 1, at_least=0.0002)
    assert stretched.interrupted
    assert capped(stretched, 0.0001) == pytest.approx(0.2)
    con.close()


def test_the_workload_timed_aside_matches_the_inline_run(db):
    """Aside: the same Timer in a child process on the file: the same rows, plans and interrupted runs as
    timing it here (only the milliseconds differ), and how long the child took."""
    w = Workload().add("all_rows", ALL_ROWS, 1.0).add("by_b", BY_B, 1.0).add(
        "slow", "SELECT count(*) FROM t x JOIN t y ON x.pad = y.pad", 1.0)
    # the timeout is wall time: 2 s ends the 10^10-row join in both runs, and leaves the two scans (a few
    # ms of CPU) room to finish even on a loaded machine (at 0.05 s a scan descheduled under load was
    # interrupted in one run and not the other)
    con = sqlite3.connect(db, isolation_level=None)
    here = Timer(con, 2.0).run(w, 1)
    con.close()
    with Aside() as aside:
        aside.start(str(db), list(w), 1, 2.0)
        there, seconds = aside.result()
    assert seconds > 0
    assert list(there) == list(here) == ["all_rows", "by_b", "slow"]
    for n in here:
        assert (there[n].rows, there[n].plan, there[n].interrupted) == (here[n].rows, here[n].plan, here[n].interrupted)
    assert there["slow"].interrupted
    assert there["slow"].ms is None
    assert there["by_b"].ms is not None
    assert there["by_b"].rows == 20


def test_a_child_that_fails_names_the_file(tmp_path):
    missing = tmp_path / "no-such-dir" / "x.sqlite"
    with Aside() as aside:
        aside.start(str(missing), list(_workload()), 1, None)
        with pytest.raises(ModelError, match=r"no-such-dir/x\.sqlite in a child process failed: .*unable to open"):
            aside.result()


def test_a_child_given_no_work_ends_quietly():
    with Aside() as aside:
        proc = aside.proc
    assert proc.returncode is not None
    with Aside() as aside:
        aside.proc.stdin.close()  # what the child sees when the parent gave up before start()
        assert aside.proc.wait(timeout=60) == 0
        with pytest.raises(RuntimeError, match="before start"):
            aside.result()


def test_advise_times_the_workload_here_when_the_child_fails(db, monkeypatch):
    """A child that cannot run (here: one that exits at once) does not fail the advice: the workload is timed
    in this process, and stats say why."""
    monkeypatch.setattr(measure, "_CHILD", "import sys; sys.exit(3)")
    monkeypatch.setattr(advisor_mod, "cores", lambda: 2)
    w = Workload().add("by_b", BY_B, 10.0)
    a = advise(reflect(f"sqlite:///{db}"), w, db, repeat=1, dialect="sqlite", rounds=1)
    assert a.stats["before_aside"] is False
    assert "exit status 3" in a.stats["aside_error"]
    assert [s.index.columns for s in a] == [("b", "pad")]
    assert a.queries[0].before_ms is not None


def test_advise_times_aside_with_two_cores_and_here_with_one(db, monkeypatch):
    """The advice is the same either way; ``stats["before_aside"]`` says which ran. One core: inline."""
    w = Workload().add("all_rows", ALL_ROWS, 1.0).add("by_b", BY_B, 10.0)
    schema = reflect(f"sqlite:///{db}")
    both = [advise(schema, w, db, repeat=1, dialect="sqlite", rounds=1, parallel=p) for p in (True, False)]
    assert [a.stats["before_aside"] for a in both] == [measure.cores() >= 2, False]
    assert [[s.index.columns for s in a] for a in both] == [[("b", "pad")], [("b", "pad")]]
    assert all(q.before_ms is not None for a in both for q in a.queries)
    monkeypatch.setattr(advisor_mod, "cores", lambda: 1)
    assert advise(schema, w, db, repeat=1, dialect="sqlite", rounds=1).stats["before_aside"] is False


class _Scripted(Timer):
    """A Timer whose timings follow the indexes on the connection, not the machine: each statement's ms is
    looked up by the set of scripted indexes present (its plan names the indexes present that it reads)."""

    def __init__(self, con, script, reads):
        super().__init__(con)
        self.script, self.reads = script, reads

    def time(self, q, repeat, limit=None, at_least=None):
        present = {r[0] for r in self.con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
        ms = self.script[q.name](present)
        used = sorted(present & self.reads.get(q.name, set()))
        plan = "\n".join(f"SEARCH t USING INDEX {n} (b=?)" for n in used) or "SCAN t"
        if limit is not None and ms > limit * 1000:
            return Timing(None, plan=plan, error="OperationalError: interrupted")
        return Timing(ms, 1, plan, runs=repeat, spread_ms=0.05 * ms)


def test_confirm_keeps_only_an_index_measured_to_pay_net_of_its_write_cost(con):
    """The measured confirmation on scripted timings: ix_fast makes by_b 10x faster and stays; ix_idle is in
    by_b's plan but the timings are the same without it (a gain within the noise): dropped; ix_costly makes a
    read 0.2 ms faster per run and the table's write (weighted 5) 0.1 ms slower per run: net of the write cost
    it loses, dropped. Each drop is real (the index is gone from the copy) and its statements keep the timings
    made without it."""
    for ix in ("ix_fast ON t(b)", "ix_idle ON t(b, a)", "ix_costly ON t(a)"):
        con.execute(f"CREATE INDEX {ix}")
    script = {
        "by_b": lambda present: 1.0 if "ix_fast" in present else 10.0,
        "by_a": lambda present: 3.0 if "ix_costly" in present else 3.2,
        "write": lambda present: 1.1 if "ix_costly" in present else 1.0,
    }
    reads = {"by_b": {"ix_fast", "ix_idle"}, "by_a": {"ix_costly"}}
    w = (Workload().add("by_b", BY_B, 1.0).add("by_a", "SELECT pad FROM t WHERE a = 3", 1.0)
         .add("write", "UPDATE t SET a = a WHERE id = 1", 5.0))
    timer = _Scripted(con, script, reads)
    after = timer.run(w, 3)
    before = {n: Timing(20.0, 1, "SCAN t", runs=3, spread_ms=1.0) for n in after}
    final, checked = confirm(timer, list(w), before, after, ["ix_fast", "ix_idle", "ix_costly"],
                             {"ix_fast": "t", "ix_idle": "t", "ix_costly": "t"}, 3,
                             lambda q: "t" if q.kind == "write" else None, 0.05)
    kept = {c.name: c.kept for c in checked}
    assert kept == {"ix_fast": True, "ix_idle": False, "ix_costly": False}
    left = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    assert left == {"ix_fast"}
    idle = next(c for c in checked if c.name == "ix_idle")
    assert abs(idle.gain_ms) <= 2 * idle.noise_ms
    costly = next(c for c in checked if c.name == "ix_costly")
    assert costly.gain_ms < 0  # by_a 0.2 ms faster with it, the write 5 x 0.1 ms slower
    assert final["by_a"].ms == 3.2
    assert final["write"].ms == 1.0


def test_an_index_no_statement_measures_faster_is_never_advised(db, monkeypatch):
    """Evidence and advice never disagree: with the search made to pick t(b) and t(pad) (which no plan of the
    workload reads), advise() measures t(pad) and leaves it out, with the reason; t(b) is advised with its
    measured gain beside the model's estimate."""
    good, idle = Candidate("t", ("b",)), Candidate("t", ("pad",))
    monkeypatch.setattr(advisor_mod, "greedy", lambda *args, **kw: ([good, idle], []))
    a = advise(reflect(f"sqlite:///{db}"), _workload(), db, repeat=3, dialect="sqlite")
    assert [s.index.columns for s in a] == [("b",)]
    reasons = {r.candidate: r.reason for r in a.rejected}
    assert reasons[idle].startswith("measured no gain")
    (s,) = a.indexes
    assert s.measured_ms_per_min is not None
    assert s.measured_ms_per_min > 2 * s.noise_ms_per_min
    assert s.benefit_text().startswith("measured ")
    assert "estimated" in s.benefit_text()
    assert {c["index"]: c["kept"] for c in a.stats["confirmed"]} == {"ix_t_b": True, "ix_t_pad": False}


def test_the_timer_counts_the_statements_cpu_not_its_waits():
    """The advisor times a statement by its thread's CPU time: waiting (here a function that sleeps 10 ms on every
    200th row, as a statement waits for a core on a busy machine) is not counted, while the statement's own work is;
    the timeout counts CPU seconds too, so the waits do not stop it (the progress handler that enforces it runs
    every 10,000 SQLite instructions: 20,000 rows pass it many times)."""
    import time

    con = sqlite3.connect(":memory:", isolation_level=None)
    con.create_function("wait", 1, lambda x: (x % 200 == 0 and time.sleep(0.01)) or x)
    con.execute("CREATE TABLE t (x INTEGER)")
    con.executemany("INSERT INTO t VALUES (?)", ((i,) for i in range(20000)))
    waits = Workload().add("waits", "SELECT sum(wait(x)) FROM t", 1.0)
    t0 = time.perf_counter()
    timing = Timer(con, timeout=0.4).run(waits, 1)["waits"]
    wall_ms = (time.perf_counter() - t0) * 1000
    assert timing.error is None
    assert timing.ms is not None
    assert wall_ms >= 2 * 100 * 10  # warm-up and one run, each 100 sleeps of 10 ms
    assert timing.ms < 100 * 10 / 4  # CPU: far below the 1,000 ms the run waited
    work = Workload().add("work", "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000) "
                          "SELECT sum(i) FROM c", 1.0)
    cpu0 = time.thread_time()
    worked = Timer(con).run(work, 1)["work"]
    spent_ms = (time.thread_time() - cpu0) * 1000  # the warm-up and the timed run
    assert worked.ms is not None
    assert worked.ms >= spent_ms / 4
    con.close()
