"""Timed runs of workload statements on the advisor's copy of a SQLite sample, and the measured
check of a chosen configuration (:func:`verify`).

:func:`measure` times each statement like :func:`~dbmodel_kit.workload.run` (a warm-up, then
``repeat`` runs, the median), rolled back, with two differences the advisor needs: every run sits
in a savepoint, so a whole measurement can run inside an outer transaction that drops an index and
is rolled back (what :func:`verify` does to try a configuration without rebuilding anything); and a
statement whose warm-up alone takes ``long_ms`` or more is timed by that run (its own work dwarfs
what the warm-up warms, and running a 500 ms query five more times would dominate the advisor's
time). With ``timeout``, a statement still running after that many seconds is interrupted (a
progress handler; the clock restarts at each statement) and has no timing, only an error.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from ..errors import ModelError
from ..workload.runner import _binds, _sqlite_plan
from ..workload.workload import Query
from .candidates import Candidate
from .cost import parse

LONG_MS = 50.0  #: a statement whose warm-up takes this long is timed by that run alone
SLOWER_RATIO = 1.2  #: a query measured after is "clearly slower" above this ratio of its time before ...
SLOWER_MS = 2.0  #: ... plus this many ms (timer noise on fast statements)


@dataclass
class Timing:
    """One statement's measurement: median ms (None when interrupted or failed), rows, plan, error."""

    ms: float | None
    rows: int = 0
    plan: str = ""
    error: str | None = None
    runs: int = 0
    limit_ms: float | None = None  #: where an interrupted run was stopped, if not at the timeout

    @property
    def interrupted(self) -> bool:
        return self.error is not None and "interrupt" in self.error


@dataclass
class Timer:
    """Times statements on one connection (autocommit), with an optional per-statement timeout."""

    con: Any
    timeout: float | None = None
    long_ms: float = LONG_MS
    _start: float = field(default=math.inf, init=False)  #: inf between timed statements: no limit
    _limit: float = field(default=math.inf, init=False)  #: seconds the current statement may take

    def __post_init__(self) -> None:
        self.con.set_progress_handler(lambda: int(time.perf_counter() - self._start > self._limit), 10_000)

    def _once(self, sql: str, binds: Any, write: bool) -> tuple[float, int]:
        self.con.execute("SAVEPOINT dbmodel_timed")
        try:
            self._start = start = time.perf_counter()
            cur = self.con.execute(sql, binds) if binds is not None else self.con.execute(sql)
            rows = cur.fetchall()
            elapsed = time.perf_counter() - start
            count = max(cur.rowcount, 0) if write else len(rows)
        finally:
            self._start = math.inf  # index builds, ANALYZE and DROP on this connection are not limited
            self.con.execute("ROLLBACK TO dbmodel_timed")
            self.con.execute("RELEASE dbmodel_timed")
        return elapsed * 1000, count

    def plan(self, q: Query) -> str:
        """The statement's plan on the connection now (EXPLAIN QUERY PLAN, drawn as the runner draws it)."""
        b = _binds(q, 0)
        self.con.execute("SAVEPOINT dbmodel_timed")
        try:
            return _sqlite_plan(
                self.con.execute(
                    "EXPLAIN QUERY PLAN " + q.for_engine("sqlite"), *([b] if b is not None else [])
                ).fetchall()
            )
        finally:
            self.con.execute("ROLLBACK TO dbmodel_timed")
            self.con.execute("RELEASE dbmodel_timed")

    def time(self, q: Query, repeat: int, limit: float | None = None, at_least: float | None = None) -> Timing:
        """Warm-up and ``repeat`` runs (the warm-up alone when it takes ``long_ms``); each run stopped after
        ``limit`` seconds if given and shorter than the timeout, but not before ``at_least`` seconds."""
        sql, write = q.for_engine("sqlite"), q.kind == "write"
        self._limit = max(min(x for x in (self.timeout, limit, math.inf) if x is not None), at_least or 0.0)
        try:
            first, count = self._once(sql, _binds(q, 0), write)
            ms = [first] if first >= self.long_ms else []
            while len(ms) < (1 if ms else repeat):
                t, count = self._once(sql, _binds(q, len(ms)), write)
                ms.append(t)
            plan = self.plan(q)
        except Exception as e:  # interrupted by the timeout, or the statement fails on the sample
            error = f"{type(e).__name__}: {str(e).splitlines()[0]}"
            try:
                plan = self.plan(q)  # what it was doing when stopped
            except Exception:
                plan = ""
            stretched = self.timeout is not None and self._limit > self.timeout
            return Timing(None, plan=plan, error=error, limit_ms=self._limit * 1000 if stretched else None)
        return Timing(statistics.median(ms), count, plan, runs=len(ms))

    def run(self, queries: Iterable[Query], repeat: int) -> dict[str, Timing]:
        return {q.name: self.time(q, repeat) for q in queries}


def cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# The child's program: once Python is loaded, wait for the name of a file on stdin, read (path, queries,
# repeat, timeout) pickled in it, time the queries on the database file with a Timer, and write the timings
# and its seconds pickled on stdout. Imported by name (not ``-m``), so the pickled Timing is
# dbmodel_kit.advisor.measure.Timing on both sides.
_CHILD = "from dbmodel_kit.advisor.measure import _child; _child()"


def _child() -> None:
    args = sys.stdin.readline().strip()
    if not args:
        return  # the parent gave up before start()
    with open(args, "rb") as f:
        path, queries, repeat, timeout = pickle.load(f)
    t0 = time.perf_counter()
    con = sqlite3.connect(path, isolation_level=None)
    out = Timer(con, timeout).run(queries, repeat)
    con.close()
    pickle.dump((out, time.perf_counter() - t0), sys.stdout.buffer)


class Aside:
    """:meth:`Timer.run` in a child Python process, so that this process can work on the other core
    meanwhile (the advisor plans its first search while the workload is timed without the new indexes).
    The child is started at once and loads Python; ``start(path, queries, repeat, timeout)`` gives it the
    work, ``result()`` waits for the timings; ``close()`` (or leaving a ``with`` block) ends it.

    The child does what an inline run would do: its own connection, the same Timer, timeout and
    repeats; it only reads the file. It is a separate interpreter, not a thread, because a thread's
    progress handler (the timeout) needs the GIL every 10,000 SQLite instructions, and the searching
    thread holds it: the timings would include the waits. On one core there is nothing to gain and
    the two would share it: with :func:`cores` < 2 the advisor times the workload itself."""

    def __init__(self) -> None:
        self.path: str | None = None
        self._args: str | None = None
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - the child's stderr, closed in close()
        package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (package, os.environ.get("PYTHONPATH")) if p)}  # a source checkout not installed
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._err, env=env)

    def start(self, path: str, queries: Sequence[Query], repeat: int, timeout: float | None) -> None:
        """Have the child time ``queries`` on the database file ``path`` (it may still be loading Python)."""
        self.path = path
        fd, self._args = tempfile.mkstemp(prefix="dbmodel-aside-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:  # a file, not the child's stdin: a large workload would fill the pipe
            pickle.dump((path, list(queries), repeat, timeout), f)
        assert self.proc.stdin is not None
        # a child that has died already (it could not import us) breaks the pipe; result() reports why it died
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.write(self._args.encode() + b"\n")
            self.proc.stdin.close()

    def close(self) -> None:
        """Stop the child if it still runs (the caller gave up waiting) and remove its files."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(BrokenPipeError):  # unsent bytes to a dead child
                    pipe.close()
        self._err.close()
        if self._args is not None and os.path.exists(self._args):
            os.unlink(self._args)

    def __enter__(self) -> Aside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def done(self) -> bool:
        return self.proc.poll() is not None

    def result(self) -> tuple[dict[str, Timing], float]:
        """The timings, and the seconds the child took to time them."""
        if self.path is None:
            raise RuntimeError("Aside.result() before start()")
        out = self.proc.stdout.read()  # type: ignore[union-attr]
        self.proc.wait()
        if self.proc.returncode != 0:
            self._err.seek(0)
            lines = self._err.read().decode(errors="replace").strip().splitlines()
            raise ModelError(f"timing the workload on {self.path} in a child process failed: "
                             f"{lines[-1] if lines else f'exit status {self.proc.returncode}'}")
        timings, seconds = pickle.loads(out)  # our own child's output
        return timings, seconds


def capped(t: Timing, timeout: float | None) -> float | None:
    """The time to compare: the median, or where an interrupted statement was stopped (the timeout, or the
    longer limit it was given; a lower bound)."""
    if t.ms is not None:
        return t.ms
    if t.interrupted and t.limit_ms is not None:
        return t.limit_ms
    return timeout * 1000 if t.interrupted and timeout is not None else None


def slower(before: Timing, after: Timing, timeout: float | None) -> bool:
    """Clearly slower after than before (beyond timer noise); a timeout after a finished run counts."""
    b, a = capped(before, timeout), capped(after, timeout)
    if b is None or a is None:
        return False
    if after.interrupted:
        return not before.interrupted
    return a > b * SLOWER_RATIO + SLOWER_MS


def plan_indexes(plan: str) -> set[str]:
    """Names of the indexes a plan (as drawn by the runner) searches or scans."""
    return {a.index for line in plan.splitlines() if (a := parse(line)) is not None and a.index}


MARGIN = 0.05  #: an index is dropped only if the queries it serves run at least this share faster without it


@dataclass
class Verdict:
    """One index dropped by :func:`verify`: the queries re-timed and their weighted ms with and without it."""

    name: str
    queries: tuple[str, ...]
    with_ms: float
    without_ms: float
    trigger: str  #: the query whose regression prompted the check


def verify(
    timer: Timer,
    queries: Sequence[Query],
    before: dict[str, Timing],
    after: dict[str, Timing],
    chosen: Sequence[str],
    tables: dict[str, str],
    repeat: int,
    written: Callable[[Query], str | None],
    measured: list[tuple[tuple[str, ...], dict[str, Timing]]] | None = None,
) -> tuple[dict[str, Timing], list[Verdict]]:
    """Measured check of the chosen indexes (names of indexes built on ``timer``'s connection, ``tables``
    their tables): for each query clearly slower after than before (:func:`slower`), worst weighted
    regression first, each chosen index its plan uses is tried away (``DROP INDEX`` in a savepoint,
    rolled back) while the queries whose plans use it and the writes to its table are timed again. An
    index goes if their weighted measured total falls by more than MARGIN (and SLOWER_MS) without it;
    of several, the one that cuts it most. A trial stops as soon as it cannot win: each statement may
    take only what is left of the total to beat (so a query that needs the index is not run to its
    timeout). Returns the final timings (``after`` with the re-timed queries replaced) and one
    :class:`Verdict` per index dropped. ``measured``, if given, receives each trial's measurements: (the
    chosen indexes still there during it, the queries it timed to the end)."""
    by_name = {q.name: q for q in queries}
    current = dict(after)
    kept = list(chosen)
    verdicts: list[Verdict] = []
    con, timeout = timer.con, timer.timeout

    def weighted(times: dict[str, Timing], names: Iterable[str]) -> float:
        return sum(by_name[n].weight * (capped(times[n], timeout) or 0.0) for n in names)

    def uses(n: str, name: str) -> bool:
        t = current[n]
        return (
            name in plan_indexes(t.plan)
            or (not t.plan and tables[name] in _tables(by_name[n]))
            or written(by_name[n]) == tables[name]
        )

    checked: set[str] = set()
    tried: dict[str, set[str]] = {}  # drops measured not to pay, and the queries each trial timed
    while True:
        regressed = sorted(
            (q for q in queries if q.name not in checked and slower(before[q.name], current[q.name], timeout)),
            key=lambda q: (
                -q.weight * ((capped(current[q.name], timeout) or 0.0) - (capped(before[q.name], timeout) or 0.0))
            ),
        )
        if not regressed:
            return current, verdicts
        q = regressed[0]
        checked.add(q.name)
        # the others first: a query that needs the index ends a losing trial early
        trials = [
            (name, (*(n for n in current if n != q.name and uses(n, name)), q.name))
            for name in kept
            if uses(q.name, name) and name not in tried
        ]
        trials.sort(key=lambda e: weighted(current, e[1]))  # the cheapest first: a win lowers the bar for the rest
        best: tuple[float, str, tuple[str, ...], dict[str, Timing]] | None = None
        for name, affected in trials:
            with_ms = weighted(current, affected)
            bar = min(with_ms * (1 - MARGIN) - SLOWER_MS, with_ms - best[0] if best else math.inf)
            spent, trial = 0.0, {}
            con.execute("SAVEPOINT dbmodel_verify")
            try:
                _drop_index(con, name, tables[name])
                for n in affected:
                    weight = by_name[n].weight
                    left = (bar - spent) / weight / 1000 if weight > 0 else math.inf
                    if left <= 0:
                        break
                    t = timer.time(by_name[n], repeat, limit=left)
                    if t.ms is None and not (t.interrupted and timeout is not None and left >= timeout):
                        break  # stopped by the bar (or failed): this drop cannot win
                    trial[n] = t
                    spent += weight * (capped(t, timeout) or 0.0)
            finally:
                con.execute("ROLLBACK TO dbmodel_verify")
                con.execute("RELEASE dbmodel_verify")
            tried[name] = set(affected)
            if measured is not None:
                done = {n: t for n, t in trial.items() if t.ms is not None}
                measured.append((tuple(k for k in kept if k != name), done))
            if len(trial) == len(affected) and spent < bar:
                best = (with_ms - spent, name, affected, trial)
        if best is not None:
            _, name, affected, trial = best
            _drop_index(con, name, tables[name])
            verdicts.append(Verdict(name, affected, weighted(current, affected), weighted(trial, affected), q.name))
            current.update(trial)
            kept.remove(name)
            for other, timed in list(tried.items()):  # their queries' plans changed: such a drop may pay now
                if timed & set(affected):
                    del tried[other]
            checked -= set(affected)  # their plans changed: they may be checked again


def _tables(q: Query) -> set[str]:
    return {t.name for t in q.tree.find_all(exp.Table)}


def analyze_sql(table: str) -> str:
    """``ANALYZE table`` after a drop: its statistics as a fresh build would have them (with no index
    left on a table, ANALYZE writes the table's row count; without it the planner assumes a default
    size and picks other plans, e.g. TPC-H q09 161 ms here vs 1,008 ms on a fresh copy)."""
    return "ANALYZE " + exp.to_identifier(table, quoted=True).sql("sqlite")  # no sqlglot tree for ANALYZE


def _drop_index(con: Any, name: str, table: str) -> None:
    """Drop index ``name`` and ANALYZE its table, as a fresh build without it would plan."""
    con.execute(drop_index_sql(name))
    con.execute(analyze_sql(table))


def drop_index_sql(name: str) -> str:
    return exp.Drop(kind="INDEX", tables=[exp.Table(this=exp.to_identifier(name, quoted=True))]).sql("sqlite")


_WHATIF = re.compile(r"\bwhatif_\d+\b")


def plan_key(lines: Sequence[str], names: dict[str, Candidate]) -> tuple[str, ...]:
    """A what-if plan with each hypothetical index's ``whatif_N`` name replaced by what it stands for
    (table, columns, WHERE), so the same plan has the same key whatever else the configuration holds."""

    def sub(m: re.Match) -> str:
        c = names.get(m.group(0))
        if c is None:
            return m.group(0)
        return f"{c.table}({','.join(c.columns)})" + (f" WHERE {c.where}" if c.where else "")

    return tuple(_WHATIF.sub(sub, line) for line in lines)


@dataclass
class Observed:
    """Measured milliseconds of read queries, by the what-if plan they had when timed on the copy.

    The measured check times the chosen configuration; what it measured is fed back into the next
    search: a query whose what-if plan under a configuration has been timed costs what it measured
    there, not what the cost model says (the model prices every lookup alike and misses, e.g., that a
    scan reads a table in the order a join wants it). Only measurements where the measured or the
    predicted time is at least ``min_ms`` are kept: below that, timer noise on a fast query would
    outweigh the model's own error."""

    timeout: float | None = None
    min_ms: float = 20.0
    ms: dict[tuple[str, tuple[str, ...]], float] = field(default_factory=dict)

    def record(self, query: str, key: tuple[str, ...], timing: Timing, predicted_ms: float) -> bool:
        """Keep ``timing`` for ``query`` under what-if plan ``key``; whether it was kept."""
        v = capped(timing, self.timeout)
        if v is None or max(v, predicted_ms) < self.min_ms:
            return False
        self.ms[(query, key)] = v
        return True

    def get(self, query: str, key: tuple[str, ...]) -> float | None:
        return self.ms.get((query, key))
