"""Index advice from a workload on a SQLite sample, with evidence.

The pipeline, top to bottom: :mod:`.analysis` (what each query asks of each table) ->
:mod:`.candidates` -> :mod:`.whatif_sqlite` (plans under hypothetical indexes) -> :mod:`.cost`
(calibrated on measured runtimes) -> :mod:`.select` (greedy under a budget, net of write cost) ->
:mod:`.measure` (the chosen indexes built on a copy of the sample and measured; an index behind a
query measured clearly slower than before is tried away and dropped when the queries it serves run
faster without it) -> :mod:`.advice`. The workload's timed run before the search, which calibrates
the cost model and is the "before" of the evidence, is made by a child process on another core
(:class:`.measure.Aside`) while this one prices the search's first step.

Other evidence engines, same :class:`Advice`: :mod:`.whatif_postgres` (the user's PostgreSQL by
URL, HypoPG hypothetical indexes, EXPLAIN costs) and :mod:`.duckdb` (a DuckDB sample: ART indexes
DuckDB reads and load orders, checked with EXPLAIN ANALYZE); :func:`advise` picks by ``db``.

The advice rests on measured timings, so an example needs a gain well above a machine's timer noise:
with 300 users (``sample(ecommerce(), 3000)``) the scan took 0.024 ms and the index 0.010 ms, so 15
microseconds of disturbance in the one timed run (``repeat=1``) measure no gain (a CI run on a busy
machine got ``[]``). With 3,000 users the scan takes 0.26 ms, and the median of three runs stands a
disturbed one:

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.workload import Workload, sample
>>> db = sample(ecommerce(), 30_000, engine="sqlite")
>>> w = Workload.from_sql("-- name: by_phone  weight: 10\\nSELECT id FROM users WHERE phone = '555';")
>>> [s.index.columns for s in advise(ecommerce(), w, db, repeat=3)]
[('phone', 'id')]
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from tqdm.auto import tqdm

from ..errors import ModelError
from ..model import naming
from ..model.schema import Index, Schema
from ..workload.sample import TARGETS, SampleDB, existing_file
from ..workload.workload import Query, Workload, as_workload
from .advice import Advice, QueryEvidence, Suggestion
from .analysis import QueryInfo, _Resolver, analyze
from .candidates import Candidate, Rejected, generate, key_prefix
from .cost import AUTO, calibrate, parse, plan_cost
from .measure import (
    Aside,
    Observed,
    Timer,
    Timing,
    Verdict,
    analyze_sql,
    capped,
    confirm,
    cores,
    drop_index_sql,
    noise,
    plan_key,
    relative_noise,
    slower,
    verify,
)
from .select import MIN_GAIN, Budget, greedy
from .whatif_sqlite import SampleStats, WhatIf, create_index_sql

__all__ = ["Advice", "Budget", "Candidate", "Rejected", "Suggestion", "advise"]

MAX_WIDTH = 6  #: widening stops at this many key columns
DERIVED_ROWS = 1000.0  #: rows assumed for a view, CTE or subquery the plan scans but did not materialize first
CALIBRATE_MIN_MS = 20.0  #: a read query measured at least this slow gets its own ms-per-unit scale
ROUNDS = 3  #: searches at most; each after the first priced with what the earlier rounds measured
ROUND_GAIN = 0.1  #: another round runs only while the queries measured slower than predicted ran over their
#: prediction by at least this share of the round's measured total (about what a new search could win back)
STRETCH = 4.0  #: the measured check lets a query that finished before run this many times its time before
MAINTENANCE = 3.0  #: rows-touched units per index entry a write changes (B-tree descent + page write)


def _connect(db: SampleDB | str | Path) -> tuple[Any, bool]:
    """A connection to the sample, and whether it is ours to close (an in-memory sample shares its own)."""
    if isinstance(db, SampleDB):
        if db.engine != "sqlite":
            raise ModelError(f"the advisor's evidence engine is SQLite; this sample is {db.engine}")
        return db.connect(), db.path is not None
    path = existing_file(db)
    if not path.endswith(TARGETS["sqlite"].suffixes):
        raise ModelError(f"{path}: the advisor's evidence engine is SQLite (.sqlite, .sqlite3, .db3)")
    return sqlite3.connect(path, isolation_level=None), True


def advise(schema: Schema, workload: Workload | str | Path, db: SampleDB | str | Path, *,
           budget: Budget | int | str | None = None, dialect: str = "postgresql", repeat: int = 5,
           timeout: float | None = None, rounds: int = ROUNDS, parallel: bool = True,
           progress: bool | None = None) -> Advice:
    """Suggest indexes for ``workload`` on the SQLite sample ``db``, each with the queries it helps
    and measured timings after building them on a copy of the sample.

    ``rounds``: how many searches at most (default 3). After each, the chosen indexes are built and
    measured, and the next search prices the plans it timed at what they measured; it runs only while
    the queries measured clearly slower than predicted ran over their prediction by ROUND_GAIN (10%)
    of the measured total, and not after a round that measured no faster than an earlier one.
    ``rounds=1`` is one search and one measured check, the quickest.

    ``parallel``: with two cores or more, the workload is timed before the search by a child process
    on the sample's copy while this one prices the search's first step (on TPC-H SF 0.1, 7 s of the
    25 s); False times it first, here. The child has a core to itself: its timings did not differ from
    timings made here beyond the machine's run-to-run noise.

    ``progress``: a progress bar (tqdm, on stderr or in the notebook) through the timed run and each
    round's search and measured check; None shows it when stderr is a terminal.

    Timed runs are measured in the CPU time of the thread that runs them (:data:`.measure.CLOCK`), so the
    evidence does not count the time a query waited for a core on a busy machine.

    ``timeout``: CPU seconds after which a timed run of a query on the sample is stopped; such a query
    has no timing in the evidence (``stats["timeouts"]`` names them) and calibrates as a lower bound.

    The choice ends with a measured check (:func:`.measure.verify`): the chosen indexes are built on a
    copy, the queries whose plan changed are timed, and for each query clearly slower than before the
    chosen indexes its plan uses are tried away; one is dropped (and listed in ``rejected`` with the
    figures, ``stats["verified"]``) when the queries it serves are measured faster without it. The
    evidence is of the final configuration. ``stats["advise_s"]`` covers all of it (wall clock);
    ``stats["advise_cpu_s"]`` is the CPU seconds it took, this process's and the timing child's.

    ``db`` may also be a PostgreSQL URL (``postgresql://user@host/db``): the same advisor on the real
    server with HypoPG hypothetical indexes (:func:`.whatif_postgres.advise_postgres`); or a DuckDB
    sample (``.duckdb`` file or DuckDB :class:`SampleDB`): ART indexes DuckDB reads and load orders,
    for DuckDB itself (:func:`.duckdb.advise_duckdb`; ``dialect`` and ``timeout`` do not apply).
    """
    from .whatif_postgres import advise_postgres, is_postgres_url

    if not (isinstance(rounds, int) and rounds >= 1):
        raise ModelError(f"rounds must be a whole number >= 1, not {rounds!r}")
    if is_postgres_url(db):
        return advise_postgres(schema, workload, str(db), budget=budget, dialect=dialect, repeat=repeat,
                               timeout=timeout)
    # a sample holds the tables as its engine does: on SQLite and DuckDB no partitions (the
    # partitioned table is a plain one holding the rows), so those are what the advisor reads
    from ..ddl.objects import without_partitions
    from ..dialects import get_dialect

    on_duckdb = (db.engine == "duckdb") if isinstance(db, SampleDB) else str(db).lower().endswith(
        TARGETS["duckdb"].suffixes)
    schema, _ = without_partitions(schema, get_dialect("duckdb" if on_duckdb else "sqlite"))
    if on_duckdb:
        from .duckdb import advise_duckdb

        return advise_duckdb(schema, workload, db, budget=budget, repeat=repeat)
    started = time.perf_counter()
    # the child that times the workload is started first: it loads Python while the sample is read and copied
    aside: Aside | None = None
    if parallel and cores() >= 2:
        with contextlib.suppress(OSError):  # no interpreter to start (an embedded Python): timed here instead
            aside = Aside()
    show = progress if progress is not None else sys.stderr.isatty()
    cpu0 = _cpu_s()
    with aside if aside is not None else contextlib.nullcontext(), \
            tqdm(total=1 + 2 * rounds, desc="advise: timing the workload", unit="step", disable=not show,
                 bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]") as bar:
        advice = _advise_sqlite(schema, workload, db, budget, dialect, repeat, timeout, rounds, started, aside, bar)
    advice.stats["advise_cpu_s"] = _cpu_s() - cpu0  # (the child is waited for: its CPU is counted by now)
    return advice


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended."""
    try:
        import resource
    except ImportError:  # (Windows: no rusage; this process's own CPU only)
        return time.process_time()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _advise_sqlite(schema: Schema, workload: Workload | str | Path, db: SampleDB | str | Path,
                   budget: Budget | int | str | None, dialect: str, repeat: int, timeout: float | None, rounds: int,
                   started: float, aside: Aside | None, bar: Any) -> Advice:
    """:func:`advise` on a SQLite sample; ``aside``, if given, times the workload before the search; ``bar``
    (a tqdm bar, maybe disabled) counts the timed run and each round's search and check."""
    w = as_workload(workload).check(schema)
    limit = Budget.parse(budget)
    src, owned = _connect(db)
    stats = SampleStats(src, schema)
    infos = {q.name: analyze(q, schema) for q in w}
    whatif = WhatIf(schema, stats)
    existing = whatif.index_columns()
    resolvers = {q.name: _Resolver(q.tree, schema) for q in w}

    with tempfile.TemporaryDirectory(prefix="dbmodel-advise-") as tmp:
        copy = os.path.join(tmp, "sample.sqlite")
        dst = sqlite3.connect(copy)
        src.backup(dst)
        dst.execute("ANALYZE")  # the measured runs see the statistics the what-if planner saw
        dst.commit()
        dst.close()
        # The workload timed on the copy without new indexes: with two cores, by a child process while this
        # one plans what the first search starts with (each candidate alone, for every query), which does
        # not depend on the timings.
        t_run = time.perf_counter()
        if aside is not None:
            aside.start(copy, list(w), repeat, timeout)
        con = sqlite3.connect(copy, isolation_level=None)
        timer = Timer(con, timeout)
        before_s = wait_s = 0.0
        aside_error: str | None = None
        if aside is None:
            before = timer.run(w, repeat)
            before_s = time.perf_counter() - t_run
            bar.update()

        units_cache: dict[tuple[str, frozenset[Candidate]], float] = {}
        observed = Observed(timeout, CALIBRATE_MIN_MS)

        def cost(name: str, config: frozenset[Candidate]) -> tuple[float, tuple[str, ...], dict]:
            q, info = w[name], infos[name]
            lines, names = whatif.plan(q, info.tables, config)
            key = (name, frozenset(names.values()))
            if key in units_cache:
                return _observed(name, key, units_cache[key], lines, names), lines, names
            alias = resolvers[name].alias

            def table(a: str) -> str:
                return alias.get(a, a)

            def rows(a: str) -> float:
                t = table(a)
                return stats.rows(t) if schema.has_table(t) else DERIVED_ROWS

            def index(ix: str) -> tuple[tuple[str, ...], str | None] | None:
                """(columns, WHERE) of a hypothetical or existing index the plan names; None for another."""
                if ix in names:
                    return names[ix].columns, names[ix].where
                if ix in existing:
                    return existing[ix][1:]
                return None

            def per_key(a: str, ix: str, k: int) -> float:
                t = table(a)
                if ix == "rowid":
                    return 1.0
                if not schema.has_table(t):
                    return 1.0
                if ix.startswith(AUTO):
                    cols = tuple(ix[len(AUTO):].split(","))
                    return stats.rows(t) / stats.distinct(t, cols[:k])
                if (found := index(ix)) is None:
                    return max(stats.rows(t) / 10, 1.0)
                cols, where = found
                return stats.rows(t, where) / stats.distinct(t, cols[:k], where)

            def filters(a: str) -> int:
                u = info.tables.get(table(a))
                return 0 if u is None else len(set(u.eq + u.in_ + u.range + u.filters))

            def range_share(a: str, ix: str, k: int) -> float | None:
                t = table(a)
                if (found := index(ix)) is None:
                    return None
                cols, where = found
                u = info.tables.get(t)
                preds = u.range_sql.get(cols[k]) if u is not None and k < len(cols) else None
                if not preds or where:
                    return None
                return stats.rows(t, " AND ".join(preds)) / max(stats.rows(t), 1)

            def scan_share(a: str) -> tuple[float, int]:
                t = table(a)
                u = info.tables.get(t)
                if u is None or not u.range_sql:
                    return 1.0, 0
                kept = stats.rows(t, " AND ".join(p for ps in u.range_sql.values() for p in ps))
                return kept / max(stats.rows(t), 1), len(u.range_sql)

            def scatter(a: str, ix: str) -> float:
                t = table(a)
                if (found := index(ix)) is None or not schema.has_table(t):
                    return 1.0  # an automatic index (built from the rows in the order it wants), or unknown
                return stats.scattered(t, *found)

            units = plan_cost(lines, rows, per_key, filters, info.limit, range_share, scan_share, scatter,
                              groups(name))
            units_cache[key] = units
            return _observed(name, key, units, lines, names), lines, names

        keys: dict[tuple[str, frozenset[Candidate]], tuple[str, ...]] = {}
        group_counts: dict[str, float | None] = {}

        def groups(name: str) -> float | None:
            """Groups of the query's top-level GROUP BY: the product of each table's distinct values of its
            grouping columns (None without GROUP BY, or when a grouping term is not a column of a table)."""
            if name not in group_counts:
                group = w[name].tree.args.get("group") if isinstance(w[name].tree, exp.Select) else None
                n: float | None = None
                if group is not None and group.expressions and all(
                        isinstance(e, exp.Column) for e in group.expressions):
                    by_table: dict[str, list[str]] = {}
                    for e in group.expressions:
                        t = resolvers[name].table_of(e)
                        if t is None:
                            break
                        by_table.setdefault(t, []).append(e.name)
                    else:
                        n = math.prod(stats.distinct(t, tuple(dict.fromkeys(cs))) for t, cs in by_table.items())
                group_counts[name] = n
            return group_counts[name]

        def _observed(name: str, key: tuple[str, frozenset[Candidate]], units: float, lines: tuple[str, ...],
                      names: dict[str, Candidate]) -> float:
            """The model's units, or what the query measured under this what-if plan (in units of its scale)."""
            if not observed.ms:
                return units
            if key not in keys:
                keys[key] = plan_key(lines, names)
            ms = observed.get(name, keys[key])
            return units if ms is None else ms / per_query.get(name, scale)

        base = {q.name: cost(q.name, frozenset()) for q in w}
        cands, rejected = generate(infos.values(), schema, distinct=stats.distinct, rows=stats.rows)

        def extend(c: Candidate) -> list[Candidate]:
            """``c`` with one more column: one a query searches, joins, sorts or groups ``c``'s table by, or
            the last column a query reads that ``c`` lacks (it then covers that query). Any column a query
            reads would be Extend's own choice; on TPC-H lineitem that is 16 wider indexes per step, each
            needing statistics and plans, for covering variants that only a one-column gap makes pay."""
            if len(c.columns) >= MAX_WIDTH:
                return []
            skip = set(c.columns) | _where_cols(c.where)
            cols: dict[str, None] = {}
            covering: set[str] = set()  # the columns that complete a query's read
            for info in infos.values():
                u = info.tables.get(c.table)
                if u is not None and u.read is not None:
                    cols.update(dict.fromkeys([*u.eq, *u.in_, *u.range, *u.join, *(o for o, _ in u.order_by),
                                               *u.group_by]))
                    if len(gap := u.read - skip) == 1:
                        cols.update(dict.fromkeys(gap))
                        covering |= gap
            out = [Candidate(c.table, (*c.columns, col), c.where) for col in cols if col not in skip]
            # (a widening that makes the leading columns a key finds one row per search: only covering pays)
            table = schema.table(c.table)
            return [d for d in out if d.columns[-1] in covering or key_prefix(d, table) is None]

        if aside is not None:
            def single(c: Candidate) -> float:
                """Weighted units ``c`` alone saves per byte (priced and cached for the greedy's first step)."""
                saved = sum(infos[q.name].weight * (base[q.name][0] - cost(q.name, frozenset({c}))[0]) for q in w)
                return saved / max(stats.index_bytes(c), 1)

            gains = {c: single(c) for c in cands}
            # while the child still times: the widenings the greedy prices once it takes a candidate, for the
            # most promising candidates first (unscaled units: the calibration needs the timings)
            promising = sorted((c for c, g in gains.items() if g > 0), key=gains.__getitem__, reverse=True)
            for d in (d for c in promising for d in extend(c)):
                if aside.done():
                    break
                single(d)
            t_wait = time.perf_counter()
            try:
                before, before_s = aside.result()
            except ModelError as e:  # the child could not run (its environment): time the workload here
                aside_error = str(e)
                before = timer.run(w, repeat)
                before_s = time.perf_counter() - t_wait
            wait_s = time.perf_counter() - t_wait
            bar.update()
        measured = {n: t.ms for n, t in before.items() if t.ms is not None}  # finished queries' median ms
        scale = calibrate([(base[n][0], ms) for n, ms in measured.items() if infos[n].kind == "read"])
        # Per query, where the measurement stands well above timer noise (or hit the timeout, a lower
        # bound), its own ms per unit: the units miss per-row work such as q01's eight aggregates, so one
        # workload-wide scale would weigh a costly query's regression by another's overestimate.
        per_query: dict[str, float] = {}
        for n, ms in measured.items():
            if infos[n].kind == "read" and ms >= CALIBRATE_MIN_MS and base[n][0] > 0:
                per_query[n] = ms / base[n][0]
        for n, t in before.items():
            if timeout is not None and t.interrupted and infos[n].kind == "read" and base[n][0] > 0:
                per_query[n] = timeout * 1000 / base[n][0]
        writes = {n: max(before[n].rows, 1) for n, i in infos.items() if i.written}

        def maintenance(info: QueryInfo, config: frozenset[Candidate]) -> float:
            t = info.written
            touched = [c for c in config if c.table == t and (
                info.set_columns is None or set(info.set_columns) & (set(c.columns) | _where_cols(c.where)))]
            n = stats.rows(t) if t else 1
            return len(touched) * writes[info.name] * MAINTENANCE * math.log2(n + 2)

        def objective(config: frozenset[Candidate]) -> tuple[float, float]:
            read = sum(infos[q.name].weight * cost(q.name, config)[0] * per_query.get(q.name, scale) for q in w)
            write = sum(i.weight * maintenance(i, config) for i in infos.values() if i.written) * scale
            return read, write

        def uses(config: frozenset[Candidate]) -> set[Candidate]:
            used: set[Candidate] = set()
            for q in w:
                _, lines, names = cost(q.name, config)
                for line in lines:
                    a = parse(line)
                    if a and a.index in names:
                        used.add(names[a.index])
            return used

        def threshold(before: frozenset[Candidate], after: frozenset[Candidate]) -> float:
            """MIN_GAIN of the weighted cost of the costliest query the step improves (each query on its own
            calibrated scale): a query no index in budget fixes does not set the bar for the others."""
            improved = [infos[q.name].weight * b * per_query.get(q.name, scale) for q in w
                        if cost(q.name, after)[0] < (b := cost(q.name, before)[0])]
            return MIN_GAIN * max(improved) if improved else math.inf

        # Search, build and measure, in rounds: each round's measurements price the plans they timed in the
        # next search (``observed``), so a configuration measured slow is priced at what it measured and the
        # greedy looks elsewhere. Another round runs while a query measured clearly slower than the search
        # predicted; the advice is the round whose configuration measured fastest on the sample.
        index_names: dict[Candidate, str] = {}
        taken = {ix.name for t in schema.tables for ix in t.indexes}

        def name_of(c: Candidate) -> str:
            if c not in index_names:
                name = naming.index_name(c.table, c.columns)
                n = 2
                while name in taken:
                    name, n = f"{naming.index_name(c.table, c.columns)}_{n}", n + 1
                taken.add(name)
                index_names[c] = name
            return index_names[c]

        def predicted_ms(config: frozenset[Candidate]) -> dict[str, float]:
            return {q.name: cost(q.name, config)[0] * per_query.get(q.name, scale) for q in w
                    if infos[q.name].kind == "read"}

        def retime(q: Query) -> Timing:
            """``q`` timed on the copy as it is now. A query that finished before may run up to STRETCH times
            its time before (past the timeout): a regression is then measured, not counted at the timeout,
            so a round whose indexes slow a query far past the timeout does not look better than it is."""
            b = before[q.name].ms
            return timer.time(q, repeat, at_least=None if b is None else STRETCH * b / 1000)

        built: dict[str, Candidate] = {}  # indexes on the copy now, by name
        # real plans already timed on the copy (before, or in an earlier round), reused rather than re-run
        timed: dict[tuple[str, str], Timing] = {(n, t.plan): t for n, t in before.items()
                                                if infos[n].kind == "read" and t.plan and t.ms is not None}
        searched: list[_Round] = []
        seen: set[frozenset[Candidate]] = set()
        search_s = verify_s = 0.0
        t_search = started + wait_s + (before_s if aside is None else 0.0)  # the first search's time includes
        # the statistics and the candidates, not the timing before (inline) or the wait for it (aside)
        for i in range(rounds):
            bar.set_description_str(f"advise: search {i + 1}")
            chosen, dropped = greedy(cands, objective, stats.index_bytes, limit, uses, extend, threshold)
            bar.update()
            bar.set_description_str(f"advise: check {i + 1} ({len(chosen)} index(es) built and timed)")
            search_s += time.perf_counter() - t_search
            if frozenset(chosen) in seen:
                break  # the measurements did not change the choice
            seen.add(frozenset(chosen))
            t_verify = time.perf_counter()
            config = frozenset(chosen)
            changed = set()
            for name, c in list(built.items()):
                if c not in config:
                    con.execute(drop_index_sql(name))
                    del built[name]
                    changed.add(c.table)
            for c in chosen:
                if name_of(c) not in built:
                    con.execute(create_index_sql(name_of(c), c))
                    built[name_of(c)] = c
                    changed.add(c.table)
            for table in sorted(changed):
                con.execute(analyze_sql(table))
            first: dict[str, Timing] = {}
            trials: list[tuple[tuple[str, ...], dict[str, Timing]]] = []
            reused = set()
            for q in w:
                p = timer.plan(q) if q.kind == "read" else ""
                if (q.name, p) in timed:
                    first[q.name] = timed[(q.name, p)]
                    reused.add(q.name)
                else:
                    first[q.name] = retime(q)
            # The measured check: where a query is clearly slower with the chosen indexes than without, the
            # indexes its plan uses are tried away on the copy and dropped where the measured weighted time of
            # the queries they serve falls (the what-if plans and the cost model missed it).
            after, verdicts = verify(timer, list(w), before, first, [name_of(c) for c in chosen],
                                     {name_of(c): c.table for c in chosen}, repeat,
                                     lambda q: infos[q.name].written, trials)
            gone = {v.name for v in verdicts}
            for name in gone:
                del built[name]
            if verdicts:  # a drop can change the plan of a query the check did not time again: time it now
                after = dict(after)
                for q in w:
                    if q.kind == "read" and (p := timer.plan(q)) != after[q.name].plan:
                        after[q.name] = timed.get((q.name, p)) or retime(q)
            final = frozenset(c for c in chosen if name_of(c) not in gone)
            guess = predicted_ms(final)
            surprised = sorted(n for n, ms in guess.items() if slower(Timing(ms), after[n], timeout)
                               and max(capped(after[n], timeout) or 0.0, ms) >= CALIBRATE_MIN_MS)
            by_name = {name_of(c): c for c in chosen}
            measured_configs = [(config, first), (final, after)] + [
                (frozenset(by_name[k] for k in kept), ts) for kept, ts in trials]
            for cfg, times in measured_configs:  # what each configuration measured, for the next search
                guess_cfg = predicted_ms(cfg)
                for n, t in times.items():
                    if n in guess_cfg:
                        lines, names = cost(n, cfg)[1:]
                        observed.record(n, plan_key(lines, names), t, guess_cfg[n])
            for n in guess:
                for t in (first[n], after[n]):
                    if t.plan and t.ms is not None:
                        timed[(n, t.plan)] = t
            total = sum(q.weight * (capped(after[q.name], timeout) or 0.0) for q in w)
            searched.append(_Round(chosen, dropped, verdicts, after, total, surprised, reused))
            verify_s += time.perf_counter() - t_verify
            bar.update()
            # another search can gain about what the surprising queries measured over their prediction:
            # below ROUND_GAIN of the round's measured total it is not worth a round
            excess = sum(w[n].weight * ((capped(after[n], timeout) or 0.0) - guess[n]) for n in surprised)
            if not surprised or excess < ROUND_GAIN * total:
                break
            if len(searched) > 1 and total >= min(r.total for r in searched[:-1]):
                break  # the feedback made this round worse than an earlier one: more rounds chase the noise
            t_search = time.perf_counter()
        best = min(searched, key=lambda r: r.total)
        chosen, after, verdicts = best.chosen, best.after, best.verdicts
        gone_why = {v.name: v for v in verdicts}
        final = frozenset(c for c in chosen if name_of(c) not in gone_why)
        # The measured confirmation: the copy back to the advised round's indexes (it holds the last
        # round's), then each is kept only if the statements it serves are measured faster with it, net of
        # the writes it slows, by more than the measured noise (evidence and advice do not disagree).
        bar.set_description_str(f"advise: confirming {len(final)} index(es)")
        t_confirm = time.perf_counter()
        changed = set()
        for name, c in list(built.items()):
            if c not in final:
                con.execute(drop_index_sql(name))
                del built[name]
                changed.add(c.table)
        for c in final:
            if name_of(c) not in built:
                con.execute(create_index_sql(name_of(c), c))
                built[name_of(c)] = c
                changed.add(c.table)
        for table in sorted(changed):
            con.execute(analyze_sql(table))
        relative = relative_noise([*before.values(), *after.values()])
        after, confirmed = confirm(timer, list(w), before, after, [name_of(c) for c in final],
                                   {name_of(c): c.table for c in final}, repeat,
                                   lambda q: infos[q.name].written, relative)
        confirm_s = time.perf_counter() - t_confirm
        checked = {x.name: x for x in confirmed}
        final = frozenset(c for c in final if checked[name_of(c)].kept)
        rejected = [*rejected, *best.dropped]
        suggestions: list[Suggestion] = []
        for c in chosen:
            if c not in final:
                continue
            helped = []
            for q in w:
                units, lines, names = cost(q.name, final)
                ids = {k for k, v in names.items() if v == c}
                if any((a := parse(line)) and a.index in ids for line in lines) and units < base[q.name][0]:
                    helped.append(q.name)
            without = sum(objective(final - {c}))
            m = checked[name_of(c)]
            suggestions.append(Suggestion(c.table, Index(c.columns, name=name_of(c), where=c.where), tuple(helped),
                                          stats.index_bytes(c), round(without - sum(objective(final)), 4),
                                          round(m.gain_ms, 4), round(m.noise_ms, 4), not m.complete))
        con.close()
        advise_s = time.perf_counter() - started
        bar.set_description_str("advise: done")
        bar.update(bar.total - bar.n)  # the rounds not needed
        for c in chosen:
            if (v := gone_why.get(name_of(c))) is not None:
                rejected.append(Rejected(
                    c, f"measured slower: {v.trigger} ran clearly slower with it; {', '.join(v.queries)} ran "
                    "faster without it",
                    f"{v.without_ms:.1f} weighted ms on the sample without it, {v.with_ms:.1f} with it"))
            elif (m := checked.get(name_of(c))) is not None and not m.kept:
                rejected.append(Rejected(
                    c, f"measured no gain: {', '.join(m.queries)} ran no faster with it than without it, beyond "
                    "the measured noise (net of the writes it slows)" if m.queries else
                    "measured no gain: no statement's plan uses it on the sample",
                    f"{m.with_ms:.3f} weighted ms/min with it, {m.without_ms:.3f} without; noise {m.noise_ms:.3f}"
                    if m.queries else ""))
        # an index another round chose is rejected with what that round measured (rather than the reason the
        # advised round's greedy had)
        other = {c: i for i, r in reversed(list(enumerate(searched))) for c in r.chosen if c not in best.chosen}
        rejected = [r for r in rejected if r.candidate not in other]
        for c, i in other.items():
            rejected.append(Rejected(
                c, f"measured: search round {i + 1} chose it; that configuration measured slower on the sample than "
                "the advised one",
                f"{searched[i].total:.1f} weighted ms against {best.total:.1f}; slower than predicted: "
                f"{', '.join(searched[i].surprised) or 'no query'}"))
        rejected.sort(key=lambda r: r.candidate.sort_key)
    evidence = [QueryEvidence(q.name, q.kind, q.weight, before[q.name].ms, after[q.name].ms, before[q.name].plan,
                              after[q.name].plan, _noise_ms(before[q.name], after[q.name], relative)) for q in w]
    if owned:
        src.close()
    return Advice(schema, suggestions, rejected, evidence, dialect,
                  {"advise_s": advise_s, "before_s": before_s, "search_s": search_s, "verify_s": verify_s,
                   "confirm_s": confirm_s, "relative_noise": round(relative, 4),
                   "confirmed": [{"index": x.name, "kept": x.kept, "queries": list(x.queries),
                                  "with_ms": round(x.with_ms, 4), "without_ms": round(x.without_ms, 4),
                                  "noise_ms": round(x.noise_ms, 4), "complete": x.complete} for x in confirmed],
                   "before_aside": aside is not None and aside_error is None, "aside_error": aside_error,
                   "whatif_calls": whatif.calls,
                   "ms_per_unit": scale, "calibrated_queries": len(per_query), "candidates": len(cands),
                   "predicted_ms": {q.name: round(cost(q.name, final)[0] * per_query.get(q.name, scale), 3)
                                    for q in w if infos[q.name].kind == "read"},
                   "verified": [{"dropped": v.name, "trigger": v.trigger, "queries": list(v.queries),
                                 "with_ms": round(v.with_ms, 3), "without_ms": round(v.without_ms, 3)}
                                for v in verdicts],
                   "same_plan": sorted(best.reused),
                   "rounds": [{"indexes": [name_of(c) for c in r.chosen], "total_ms": round(r.total, 3),
                               "surprised": r.surprised} for r in searched],
                   "single_run": sorted(n for n, t in before.items() if t.runs == 1 and repeat > 1),
                   "timeouts": sorted({n for n, t in [*before.items(), *after.items()] if t.interrupted})})


@dataclass
class _Round:
    """One search and its measured check: the indexes chosen, what the greedy rejected, the check's drops,
    the final timings, their weighted total, the queries measured clearly slower than predicted, and the
    queries whose plan had been timed already."""

    chosen: list[Candidate]
    dropped: list[Rejected]
    verdicts: list[Verdict]
    after: dict[str, Timing]
    total: float
    surprised: list[str]
    reused: set[str]


def _noise_ms(before: Timing, after: Timing, relative: float) -> float | None:
    """The measured noise of one statement's before/after comparison: the larger spread of the two."""
    if before.ms is None or after.ms is None:
        return None
    return max(noise(before, relative), noise(after, relative))


def _where_cols(where: str | None) -> set[str]:
    return {c.name for c in sqlglot.parse_one(where).find_all(exp.Column)} if where else set()
