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

The clock is the CPU time of the thread that runs the statement (:data:`CLOCK`; SQLite runs in the
calling thread, page-cache reads included as system time), not the wall clock: on a machine shared
with other work a wall-clock run also counts the time the statement waited for a core, which varies
run to run with the load and made the measured check and confirmation judge the load, not the
index (TPC-H SF 0.1 at a load average of 12-17 on two cores: the 22 queries' wall-clock total was
1.5x to 3x their CPU total, by configuration). What is left out is time blocked on the disk, which a
sample in the page cache does not spend.
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
from ..workload.workload import Query, reference_key
from .candidates import Candidate
from .cost import parse

LONG_MS = 50.0  #: a statement whose warm-up takes this long is timed by that run alone
SLOWER_RATIO = 1.2  #: a query measured after is "clearly slower" above this ratio of its time before ...
SLOWER_MS = 2.0  #: ... plus this many ms (timer noise on fast statements)
CLOCK = time.thread_time  #: the timed runs' clock: this thread's CPU seconds (see the module's docstring)


@dataclass
class Timing:
    """One statement's measurement: median ms (None when interrupted or failed), rows, plan, error."""

    ms: float | None
    rows: int = 0
    plan: str = ""
    error: str | None = None
    runs: int = 0
    limit_ms: float | None = None  #: where an interrupted run was stopped, if not at the timeout
    #: the runs' spread: 1.4826 x their median absolute deviation (a standard deviation robust to one slow
    #: run), from three runs or more; None when fewer were made
    spread_ms: float | None = None

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
        self.con.set_progress_handler(lambda: int(CLOCK() - self._start > self._limit), 10_000)

    def _once(self, sql: str, binds: Any, write: bool) -> tuple[float, int]:
        # A write runs in a savepoint rolled back after it. A read runs bare: rolling back a savepoint in a
        # transaction that changed the schema (a trial's DROP INDEX) makes SQLite read the schema again at
        # the next statement, which would time a 0.01 ms lookup at 0.2 ms.
        if write:
            self.con.execute("SAVEPOINT dbmodel_timed")
        try:
            self._start = start = CLOCK()
            cur = self.con.execute(sql, binds) if binds is not None else self.con.execute(sql)
            rows = cur.fetchall()
            elapsed = CLOCK() - start
            count = max(cur.rowcount, 0) if write else len(rows)
        finally:
            self._start = math.inf  # index builds, ANALYZE and DROP on this connection are not limited
            if write:
                self.con.execute("ROLLBACK TO dbmodel_timed")
                self.con.execute("RELEASE dbmodel_timed")
        return elapsed * 1000, count

    def plan(self, q: Query) -> str:
        """The statement's plan on the connection now (EXPLAIN QUERY PLAN, drawn as the runner draws it)."""
        b = _binds(q, 0)
        return _sqlite_plan(
            self.con.execute("EXPLAIN QUERY PLAN " + q.for_engine("sqlite"), *([b] if b is not None else [])).fetchall()
        )

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
        mid = statistics.median(ms)
        spread = 1.4826 * statistics.median(abs(x - mid) for x in ms) if len(ms) >= 3 else None
        return Timing(mid, count, plan, runs=len(ms), spread_ms=spread)

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
STOP_MIN_S = 0.005  #: a confirming trial stops a statement at the bar only when that leaves it this long
#: an index stays when the statements it serves are faster with it by more than this many times the spread of
#: their timings: a median of five runs moves by about half a spread, so a gain of two spreads is not chance
NOISE_K = 2.0


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
        return _weighted(by_name, times, names, timeout)

    def uses(n: str, name: str) -> bool:
        return _serves(current[n], by_name[n], name, tables[name], written)

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
    """The keys of the tables ``q`` names (``sales.orders``: a table in a schema by its key)."""
    return {reference_key(t) for t in q.tree.find_all(exp.Table)}


def noise(t: Timing, relative: float) -> float:
    """How far ``t``'s median may move from run to run: the spread of its runs, or (a statement timed by
    one run) ``relative`` times its median, the machine's relative spread measured on the others."""
    ms = t.ms or 0.0
    return t.spread_ms if t.spread_ms is not None else relative * ms


def relative_noise(times: Iterable[Timing]) -> float:
    """The median relative spread (spread / median) of the timings made of three runs or more: what a
    median of one statement moves by on this machine now (0.05 when none was made)."""
    shares = [t.spread_ms / t.ms for t in times if t.spread_ms is not None and t.ms]
    return statistics.median(shares) if shares else 0.05


@dataclass
class Confirmed:
    """The measured confirmation of one chosen index (:func:`confirm`): the weighted ms of the statements
    it serves with it and without it, the measured noise of the timings with it, and whether it stays.
    ``complete`` False: the trial stopped once the statements without it passed ``with_ms + noise_ms``,
    so ``without_ms`` is a lower bound (the index pays at least ``gain_ms``)."""

    name: str
    queries: tuple[str, ...]
    with_ms: float
    without_ms: float
    noise_ms: float
    complete: bool
    kept: bool

    @property
    def gain_ms(self) -> float:
        return self.without_ms - self.with_ms


def confirm(
    timer: Timer,
    queries: Sequence[Query],
    before: dict[str, Timing],
    after: dict[str, Timing],
    chosen: Sequence[str],
    tables: dict[str, str],
    repeat: int,
    written: Callable[[Query], str | None],
    relative: float,
) -> tuple[dict[str, Timing], list[Confirmed]]:
    """Keep a chosen index only where it is measured to pay: each is tried away (``DROP INDEX`` in a
    savepoint, rolled back) while the statements it serves are timed again (the queries whose plans use
    it and the writes to its table: the gain is net of the write cost it adds). It stays when their
    weighted total without it exceeds the total with it by more than NOISE_K times the measured noise of
    those timings (:func:`noise`); else it is dropped for good, and its statements keep the timings made
    without it.
    A trial stops as soon as the index is shown to pay (each statement may take only what is left to
    pass the bar), so confirming an index a query needs costs little. The indexes serving the costliest
    gains (``before`` minus ``after``) are tried last: those are the likeliest to stay."""
    by_name = {q.name: q for q in queries}
    current = dict(after)
    con, timeout = timer.con, timer.timeout
    out: list[Confirmed] = []

    def serves(n: str, name: str) -> bool:
        return _serves(current[n], by_name[n], name, tables[name], written)

    def won(n: str) -> float:  # what the chosen configuration saved on ``n`` (weighted, measured)
        b, a = capped(before[n], timeout), capped(current[n], timeout)
        return by_name[n].weight * ((b or 0.0) - (a or 0.0))

    pending = list(chosen)
    while pending:
        pending.sort(key=lambda name: sum(won(n) for n in current if serves(n, name)))
        name = pending.pop(0)
        affected = tuple(sorted((n for n in current if serves(n, name)), key=won, reverse=True))
        spent, trial, complete = 0.0, {}, True
        con.execute("SAVEPOINT dbmodel_confirm")
        try:
            # The writes are timed with the index again in the trial's conditions: a write is rolled back
            # after each run, and in a transaction that changes the schema that costs a schema read at the
            # next statement, which the runs without the index pay too.
            con.execute(_PAIRED)
            paired = {n: timer.time(by_name[n], repeat) for n in affected if by_name[n].kind == "write"}
            with_times = {**current, **{n: t for n, t in paired.items() if t.ms is not None}}
            with_ms = _weighted(by_name, with_times, affected, timeout)
            spread = sum(by_name[n].weight * noise(with_times[n], relative) for n in affected)
            bar = with_ms + NOISE_K * spread
            _drop_index(con, name, tables[name])
            for n in affected:  # the statements it helped most first: a needed index passes the bar soonest
                weight = by_name[n].weight
                left = (bar - spent) / weight / 1000 if weight > 0 else math.inf
                if left <= 0:
                    complete = False
                    break
                # stopped once past what is left, where that is long enough to tell from the time a call
                # takes anyway (a limit of microseconds would stop a fast statement by its own overhead)
                t = timer.time(by_name[n], repeat, limit=left if left >= STOP_MIN_S else None)
                if t.ms is None:  # stopped at what was left (or the timeout): it pays; the bar is what we know
                    spent, complete = bar, False
                    break
                trial[n] = t
                spent += weight * t.ms
        finally:
            con.execute("ROLLBACK TO dbmodel_confirm")
            con.execute("RELEASE dbmodel_confirm")
        kept = spent > bar or not complete
        out.append(Confirmed(name, affected, with_ms, spent, spread, complete, kept))
        if not kept:
            _drop_index(con, name, tables[name])
            current.update(trial)
    return current, out


#: a schema change that does nothing else: the confirming trial makes it before timing the writes with the index
_PAIRED = "CREATE TABLE dbmodel_paired (x INTEGER)"


def _weighted(by_name: dict[str, Query], times: dict[str, Timing], names: Iterable[str],
              timeout: float | None) -> float:
    """Weighted measured ms of the statements ``names`` (an interrupted one counts where it was stopped)."""
    return sum(by_name[n].weight * (capped(times[n], timeout) or 0.0) for n in names)


def _serves(t: Timing, q: Query, index: str, table: str, written: Callable[[Query], str | None]) -> bool:
    """Whether index ``index`` on ``table`` serves statement ``q`` timed as ``t``: its plan uses it, it
    has no plan and reads the table, or it writes the table (and so maintains the index)."""
    return index in plan_indexes(t.plan) or (not t.plan and table in _tables(q)) or written(q) == table


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
