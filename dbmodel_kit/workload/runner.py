"""Run a :class:`~.workload.Workload` on a sample database: timings, rows and plans as a report.

Every execution runs inside a transaction that is rolled back, so INSERT/UPDATE/DELETE queries
cost what they cost but never change the sample. Plans come from the engine: DuckDB's
``EXPLAIN ANALYZE`` (operators with actual row counts and timings) and SQLite's
``EXPLAIN QUERY PLAN`` (the access path: which index, scan or search).

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.workload import sample
>>> db = sample(ecommerce(), 300, engine="sqlite")
>>> w = Workload.from_sql("-- name: users_by_role  weight: 5\\nSELECT count(*) FROM users WHERE role = 'staff';")
>>> report = run(w, db, repeat=2)
>>> list(report.frame.columns)
['query', 'kind', 'weight', 'median_ms', 'min_ms', 'max_ms', 'rows', 'row_groups', 'share']
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ModelError
from ..urls import is_url
from .sample import TARGETS, SampleDB, engine_for_path, existing_file
from .workload import Query, Workload, as_workload


def _duckdb_plan(rows: Sequence[Sequence[Any]]) -> str:
    return "\n".join(str(r[-1]) for r in rows).strip()


_ROW_GROUPS = re.compile(r"Row Groups Scanned:\s*([\d,]+)\s*/\s*([\d,]+)")


def _duckdb_row_groups(plan: str) -> str:
    """``scanned/total`` row groups over every table scan of a DuckDB EXPLAIN ANALYZE plan.

    >>> _duckdb_row_groups("Row Groups Scanned: 1 / 25 ... Row Groups Scanned: 3 / 4")
    '4/29'
    """
    found = [(int(a.replace(",", "")), int(b.replace(",", ""))) for a, b in _ROW_GROUPS.findall(plan)]
    return f"{sum(a for a, _ in found)}/{sum(b for _, b in found)}" if found else ""


def _sqlite_plan(rows: Sequence[Sequence[Any]]) -> str:
    """EXPLAIN QUERY PLAN rows (id, parent, notused, detail) drawn as an indented tree."""
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + str(detail))
    return "\n".join(lines)


@dataclass(frozen=True)
class EngineOps:
    """How the runner isolates, times and explains statements on one engine."""

    dialect: str
    begin: str
    rollback: str
    #: prefix that asks the engine for the plan of the statement after it (sqlglot has no tree
    #: for EXPLAIN, so the fixed keyword is prepended to the generated statement)
    explain: str
    format_plan: Callable[[Sequence[Sequence[Any]]], str]
    #: rows a write touched, from its result and cursor (DuckDB returns a count row)
    write_count: Callable[[list[Any], Any], int]
    #: what the plan says about storage read: DuckDB's "Row Groups Scanned"; SQLite does not say
    row_groups: Callable[[str], str] = lambda plan: ""


ENGINES: dict[str, EngineOps] = {
    "duckdb": EngineOps("duckdb", "BEGIN TRANSACTION", "ROLLBACK", "EXPLAIN ANALYZE ", _duckdb_plan,
                        lambda rows, cur: int(rows[0][0]) if rows else 0, _duckdb_row_groups),
    "sqlite": EngineOps("sqlite", "BEGIN", "ROLLBACK", "EXPLAIN QUERY PLAN ", _sqlite_plan,
                        lambda rows, cur: max(cur.rowcount, 0)),
}


@dataclass
class Report:
    """Timings per query (``frame``, slowest first) and each query's plan."""

    frame: pd.DataFrame
    plans: dict[str, str]
    engine: str
    repeat: int
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def write_share(self) -> float:
        """Share of weighted time spent in writes."""
        return float(self.frame.loc[self.frame["kind"] == "write", "share"].sum())

    def to_text(self, plans: bool = False) -> str:
        shown = self.frame.copy()
        text = (shown.to_string(index=False, float_format=lambda v: f"{v:.3f}") if len(shown)
                else "(no query ran to the end: see the errors below)")
        out = [f"{self.engine}: {len(shown)} queries, {self.repeat} runs each; writes {self.write_share:.1%} "
               "of weighted time", text]
        for name, msg in self.errors.items():
            out.append(f"error in {name}: {msg}")
        if plans:
            for name in shown["query"]:
                out += [f"\n-- plan: {name}", self.plans.get(name, "")]
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        return json.dumps({"engine": self.engine, "repeat": self.repeat,
                           "queries": json.loads(self.frame.to_json(orient="records")),
                           "plans": self.plans, "errors": self.errors}, indent=2)

    def _repr_html_(self) -> str:
        table = self.frame.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0)
        plans = "".join(f"<details><summary>plan: {html.escape(n)}</summary><pre>{html.escape(p)}</pre></details>"
                        for n, p in self.plans.items())
        errs = "".join(f"<p style='color:#b00'>{html.escape(n)}: {html.escape(m)}</p>" for n, m in self.errors.items())
        return f"<div><b>{html.escape(self.engine)}</b>, {self.repeat} runs per query{table}{errs}{plans}</div>"


def _binds(q: Query, i: int) -> Any:
    names = q.placeholders()
    if not q.params:
        if names or "?" in q.sql:
            raise ModelError(f"uses parameters ({', '.join(names) or '?'}) but has no parameter sets", where=q.where)
        return None
    p = q.params[i % len(q.params)]
    if isinstance(p, dict):
        missing = [n for n in names if n not in p]
        if missing:
            raise ModelError(f"parameter set {i % len(q.params) + 1} lacks {', '.join(missing)}", where=q.where)
        return {n: p[n] for n in dict.fromkeys(names)}
    return list(p) if isinstance(p, list | tuple) else [p]


def _execute(con: Any, ops: EngineOps, sql: str, binds: Any, write: bool) -> tuple[float, int]:
    con.execute(ops.begin)
    try:
        start = time.perf_counter()
        cur = con.execute(sql, binds) if binds is not None else con.execute(sql)
        rows = cur.fetchall()
        elapsed = time.perf_counter() - start
        count = ops.write_count(rows, cur) if write else len(rows)
    finally:
        con.execute(ops.rollback)
    return elapsed * 1000, int(count)


def _open(db: SampleDB | str | Path) -> tuple[Any, str, bool]:
    if isinstance(db, SampleDB):
        return db.connect(), db.engine, db.path is not None
    path = existing_file(db)
    engine = engine_for_path(path)
    return TARGETS[engine].connect(path), engine, True


def _file_schema(db: str | Path) -> Any:
    """The schema of a database file, to check a workload's names against; None (no check, the
    engine reports unknown names per query) when the file is missing or cannot be reflected."""
    from ..io.reflect import reflect

    path = str(db)
    if is_url(path) or not Path(path).exists():
        return None  # _open says so, naming the file
    try:
        return reflect(f"{engine_for_path(path)}:///{path}")
    except Exception:  # a file reflect() cannot read still runs; the engine then names unknown names
        return None


def run(workload: Workload | str | Path, db: SampleDB | str | Path, repeat: int = 5, *, explain: bool = True,
        schema: Any = None) -> Report:
    """Time each query ``repeat`` times (after one warm-up run) in rolled-back transactions.

    ``schema`` (default: the sample's; for a database file, the schema reflected from it) checks
    table and column names before anything runs.
    """
    w = as_workload(workload)
    if repeat < 1:
        raise ModelError(f"repeat must be at least 1, not {repeat}")
    if schema is None:
        schema = db.schema if isinstance(db, SampleDB) else _file_schema(db)
    w.check(schema)
    con, engine, owned = _open(db)
    ops = ENGINES[engine]
    rows_out, plans, errors = [], {}, {}
    try:
        for q in w:
            sql = q.for_engine(ops.dialect)
            write = q.kind == "write"
            try:
                _execute(con, ops, sql, _binds(q, 0), write)  # warm-up: caches, catalog
                runs = [_execute(con, ops, sql, _binds(q, i), write) for i in range(repeat)]
                if explain:
                    con.execute(ops.begin)
                    try:
                        b = _binds(q, 0)
                        cur = con.execute(ops.explain + sql, b) if b is not None else con.execute(ops.explain + sql)
                        plans[q.name] = ops.format_plan(cur.fetchall())
                    finally:
                        con.execute(ops.rollback)
            except ModelError:
                raise
            except Exception as e:
                errors[q.name] = f"{type(e).__name__}: {str(e).splitlines()[0]}"
                with contextlib.suppress(Exception):
                    con.execute(ops.rollback)
                continue
            ms = [r[0] for r in runs]
            rows_out.append({"query": q.name, "kind": q.kind, "weight": q.weight, "median_ms": statistics.median(ms),
                             "min_ms": min(ms), "max_ms": max(ms), "rows": runs[-1][1],
                             "row_groups": ops.row_groups(plans.get(q.name, ""))})
    finally:
        if owned:
            con.close()
    frame = pd.DataFrame(rows_out, columns=["query", "kind", "weight", "median_ms", "min_ms", "max_ms", "rows",
                                            "row_groups"])
    cost = frame["weight"] * frame["median_ms"]
    frame["share"] = cost / cost.sum() if len(frame) and cost.sum() > 0 else 0.0
    frame = frame.sort_values(["median_ms", "query"], ascending=[False, True], ignore_index=True)
    return Report(frame, plans, engine, repeat, errors)
