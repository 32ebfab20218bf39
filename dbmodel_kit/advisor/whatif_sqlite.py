"""What-if evaluation on SQLite: an empty in-memory copy of the schema holds hypothetical indexes,
``sqlite_stat1`` is written from the sample's statistics, and ``EXPLAIN QUERY PLAN`` says which
index the planner takes. Tables stay empty, so creating an index costs nothing; the planner reads
sizes only from ``sqlite_stat1`` (see https://www.sqlite.org/fileformat2.html#stat1tab: "N a b"
= rows, then average rows per distinct value of each column prefix), reloaded with
``ANALYZE sqlite_schema``.
"""

from __future__ import annotations

import functools
import json
import math
import random
import sqlite3
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

import sqlglot
from sqlglot import exp

from ..ddl import statements
from ..errors import ModelError
from ..model.schema import Schema
from ..workload.workload import Query
from .candidates import Candidate


def quoted_table(name: str) -> exp.Table:
    """A quoted table reference (``exp.to_table`` parses the name and ignores ``quoted=``, so a table
    called ``select`` or ``order items`` would not survive it)."""
    return exp.Table(this=exp.to_identifier(name, quoted=True))


def create_index_sql(name: str, c: Candidate) -> str:
    """SQLite's ``CREATE INDEX`` for candidate ``c`` named ``name`` (a what-if index on the empty copy, or a
    chosen one built on the sample's copy)."""
    return exp.Create(kind="INDEX", this=exp.Index(
        this=exp.to_identifier(name, quoted=True), table=quoted_table(c.table),
        params=exp.IndexParameters(columns=[exp.column(col, quoted=True) for col in c.columns],
                                   where=exp.Where(this=sqlglot.parse_one(c.where)) if c.where else None))
    ).sql("sqlite")

SAMPLE_ABOVE = 100_000  #: tables with more rows have their distinct counts estimated from a sample
SAMPLE_ROWS = 30_000  #: about this many rows in that sample
ORDER_ROWS = 5_000  #: rows sampled (with their rowids) to tell how a table's indexes follow its storage order
SKIP_SCAN_ROWS = 18  #: SQLite considers a skip-scan over a first column with at least this many rows per value


class SampleStats:
    """Row counts, distinct counts per column prefix and average widths, counted on the sample (cached)."""

    def __init__(self, con: Any, schema: Schema) -> None:
        self.con = con
        self.schema = schema
        self._rows: dict[tuple[str, str | None], int] = {}
        self._distinct: dict[tuple[str, tuple[str, ...], str | None], int] = {}
        self._width: dict[tuple[str, str], float] = {}
        self._samples: dict[str, float] = {}
        self._mem: Any = None
        self._order: dict[str, bool] = {}
        self._scattered: dict[tuple[str, tuple[str, ...], str | None], float] = {}

    def _where(self, where: str | None) -> Any:
        return sqlglot.parse_one(where) if where else None

    def rows(self, table: str, where: str | None = None) -> int:
        key = (table, where)
        if key not in self._rows:
            q = exp.select(exp.Count(this=exp.Star())).from_(quoted_table(table))
            if where:
                q = q.where(self._where(where))
            self._rows[key] = int(self.con.execute(q.sql("sqlite")).fetchone()[0])
        return self._rows[key]

    def _sample(self, table: str) -> tuple[Any, str, float]:
        """Where distinct counts of ``table`` are counted: (connection, table name, sampling rate). A table
        over SAMPLE_ABOVE rows is counted on a random sample of about SAMPLE_ROWS rows (by rowid; storage
        order is often clustered on a key, so every k-th row would not do) copied once into memory."""
        n = self.rows(table)
        if n <= SAMPLE_ABOVE:
            return self.con, table, 1.0
        if self._samples.get(table) == 1.0:
            return self.con, table, 1.0
        if table not in self._samples:
            got = self._copy_rows(table, table, SAMPLE_ROWS, seed=0)
            self._samples[table] = got / n if got else 1.0  # a WITHOUT ROWID or empty table: counted whole
            if not got:
                return self.con, table, 1.0
        return self._mem, table, self._samples[table]

    def distinct(self, table: str, columns: tuple[str, ...], where: str | None = None) -> int:
        """Distinct values of ``columns`` (rows matching ``where``); on a sample of rate q, scaled up with
        Haas et al.'s Duj1 estimator (VLDB 1995): d / (1 - (1 - q) f1 / n), d values seen, f1 of them
        once, n sampled rows (all values unique -> d / q; no value seen once -> d)."""
        key = (table, tuple(columns), where)
        if key not in self._distinct:
            con, name, rate = self._sample(table)
            cols = [exp.column(c, quoted=True) for c in columns]
            inner = exp.select(exp.alias_(exp.Count(this=exp.Star()), "n")).from_(
                exp.to_identifier(name, quoted=True)).group_by(*cols)
            if where:
                inner = inner.where(self._where(where))
            once = exp.func("sum", exp.EQ(this=exp.column("n"), expression=exp.Literal.number(1)))
            q = exp.select(exp.Count(this=exp.Star()), exp.func("coalesce", once, exp.Literal.number(0)),
                           exp.func("coalesce", exp.func("sum", exp.column("n")), exp.Literal.number(0))).from_(
                inner.subquery("d"))
            d, f1, n = con.execute(q.sql("sqlite")).fetchone()
            est = d if rate >= 1.0 or n == 0 else d / max(1 - (1 - rate) * f1 / n, rate)
            self._distinct[key] = max(1, min(round(est), self.rows(table, where)))
        return self._distinct[key]

    def _copy_rows(self, table: str, name: str, k: int, seed: int, rowid: bool = False) -> int | None:
        """Copy about ``k`` random rows of ``table`` (by rowid, with a fixed seed: stable; storage order is
        often clustered on a key, so every n-th row would not do) into the in-memory table ``name``, the
        rowid first as ``_rowid_`` if ``rowid``. The rows copied; None for a WITHOUT ROWID table."""
        if self._mem is None:
            self._mem = sqlite3.connect(":memory:")
        cols = [c.name for c in self.schema.table(table).columns]
        rid = exp.column("rowid")
        bounds = exp.select(exp.func("min", rid), exp.func("max", rid)).from_(quoted_table(table))
        try:
            lo, hi = self.con.execute(bounds.sql("sqlite")).fetchone()
        except sqlite3.OperationalError:  # WITHOUT ROWID
            return None
        if lo is None:
            return 0
        ids = random.Random(seed).sample(range(lo, hi + 1), min(k, hi - lo + 1))
        each = exp.select("value").from_(exp.func("json_each", exp.Placeholder()))
        picked = [*([rid] if rowid else []), *(exp.column(c, quoted=True) for c in cols)]
        q = exp.select(*picked).from_(quoted_table(table)).where(rid.copy().isin(query=each))
        rows = self.con.execute(q.sql("sqlite"), (json.dumps(ids),)).fetchall()
        names = [*(["_rowid_"] if rowid else []), *cols]
        self._mem.execute(exp.Create(kind="TABLE", this=exp.Schema(
            this=quoted_table(name),
            expressions=[exp.ColumnDef(this=exp.to_identifier(c, quoted=True)) for c in names])).sql("sqlite"))
        self._mem.executemany(exp.insert(exp.values([tuple(exp.Placeholder() for _ in names)]),
                                         quoted_table(name)).sql("sqlite"), rows)
        return len(rows)

    def _order_sample(self, table: str) -> bool:
        """Copy about ORDER_ROWS random rows of ``table`` with their rowids into memory (``"order:<table>"``,
        rowid as ``_rowid_``); False for a WITHOUT ROWID or empty table."""
        if table not in self._order:
            self._order[table] = bool(self._copy_rows(table, f"order:{table}", ORDER_ROWS, seed=1, rowid=True))
        return self._order[table]

    def scattered(self, table: str, columns: tuple[str, ...], where: str | None = None) -> float:
        """The share of row lookups through an index on ``columns`` that land on another table page than
        the lookup before, when the index is read in key order: 0.0 reads the table's pages in storage
        order, 1.0 jumps for every row (the cost model's random lookup). Two things make lookups local:
        key order following storage (rowid) order (a primary key's index; rho, the rank correlation of
        the key with the rowid on a sample of rows), and many rows per key value (within one value SQLite
        lists rows by rowid, so a value with more rows than the table has pages reads them page after
        page). As in PostgreSQL's ``cost_index``, (1 - rho^2) interpolates between the two:
        (1 - rho^2) x min(1, pages x distinct keys / rows). On TPC-H SF 0.1 600k lineitem rows fetched
        through lineitem(l_returnflag, l_linestatus) (4 values) took 0.47 s, 180k through
        lineitem(l_shipdate) (2,526 values) over a second. A correlated index driven by an outer loop in
        random key order is priced as local all the same (the model does not track loop order)."""
        key = (table, tuple(columns), where)
        if key not in self._scattered:
            rho = self._rank_correlation(table, columns[0])  # as PostgreSQL: the leading column's
            n = max(self.rows(table, where), 1)
            runs = min(1.0, self.pages(table) * self.distinct(table, columns, where) / n)
            self._scattered[key] = (1.0 - rho * rho) * runs
        return self._scattered[key]

    @functools.cached_property
    def page_size(self) -> int:
        return int(self.con.execute("PRAGMA page_size").fetchone()[0])

    def pages(self, table: str) -> float:
        """Estimated table pages: rows x (column widths + row header) / usable page bytes."""
        row = sum(self.width(table, c.name) for c in self.schema.table(table).columns) + 8
        return max(1.0, self.rows(table) * row / (self.page_size * 0.9))

    @functools.cache  # noqa: B019 - one SampleStats per advise() call
    def _rank_correlation(self, table: str, column: str) -> float:
        """Spearman's rho between ``column`` (ties at their mid-rank) and the rowid, on the order sample;
        0.0 without one."""
        if not self._order_sample(table):
            return 0.0
        col, r = exp.column(column, quoted=True), exp.column("_rowid_", quoted=True)
        q = exp.select(
            exp.Window(this=exp.func("rank"), order=exp.Order(expressions=[exp.Ordered(this=col.copy())])),
            exp.Window(this=exp.Count(this=exp.Star()), partition_by=[col.copy()]),
            exp.Window(this=exp.func("row_number"), order=exp.Order(expressions=[exp.Ordered(this=r)])),
        ).from_(quoted_table(f"order:{table}"))
        rows = self._mem.execute(q.sql("sqlite")).fetchall()
        try:  # Pearson's r of the ranks is Spearman's rho
            return statistics.correlation([rk + (cnt - 1) / 2 for rk, cnt, _ in rows], [rr for _, _, rr in rows])
        except statistics.StatisticsError:  # fewer than two rows, or one value throughout
            return 0.0

    def width(self, table: str, column: str) -> float:
        """Average bytes a column takes in an index record (on the sample, if any): the content size
        of SQLite's serial type (integers 0-8 bytes by magnitude, reals 8, text and blobs their length;
        https://www.sqlite.org/fileformat2.html#record_format) plus its header byte."""
        key = (table, column)
        if key not in self._width:
            col = exp.column(column, quoted=True)
            mag = exp.func("abs", col)
            integer = exp.case().when(exp.Between(this=col, low=exp.Literal.number(0), high=exp.Literal.number(1)),
                                      exp.Literal.number(0))
            for limit, size in ((128, 1), (32768, 2), (8388608, 3), (2147483648, 4), (140737488355328, 6)):
                integer = integer.when(exp.LT(this=mag, expression=exp.Literal.number(limit)), exp.Literal.number(size))
            integer = integer.else_(exp.Literal.number(8))
            body = (exp.case(exp.func("typeof", col)).when(exp.Literal.string("integer"), integer)
                    .when(exp.Literal.string("real"), exp.Literal.number(8))
                    .when(exp.Literal.string("null"), exp.Literal.number(0))
                    .else_(exp.func("length", exp.cast(col, "BLOB"))))
            con, name, _ = self._sample(table)
            q = exp.select(exp.func("avg", exp.Add(this=body, expression=exp.Literal.number(1)))).from_(
                exp.to_identifier(name, quoted=True))
            v = con.execute(q.sql("sqlite")).fetchone()[0]
            self._width[key] = float(v or 1)
        return self._width[key]

    def index_bytes(self, c: Candidate) -> int:
        """Estimated size of an index: entries x (key widths + rowid + record header + cell pointer and
        size) / page fill (CREATE INDEX fills pages almost full)."""
        n = self.rows(c.table, c.where)
        rowid = next((w for lim, w in ((128, 1), (32768, 2), (8388608, 3), (2147483648, 4)) if n < lim), 6) + 1
        entry = sum(self.width(c.table, col) for col in c.columns) + rowid + 4
        return math.ceil(n * entry / 0.92)

    @functools.cache  # noqa: B019 - one SampleStats per advise() call
    def stat_line(self, table: str, columns: tuple[str, ...], where: str | None = None) -> str:
        n = self.rows(table, where)
        avgs = [max(1, math.ceil(n / self.distinct(table, columns[:i + 1], where))) for i in range(len(columns))]
        return " ".join(str(x) for x in [max(n, 1), *avgs])


class WhatIf:
    """Plans of workload queries under hypothetical index sets, cached per (query, relevant indexes)."""

    def __init__(self, schema: Schema, stats: SampleStats) -> None:
        self.schema = schema
        self.stats = stats
        self.con = sqlite3.connect(":memory:", isolation_level=None)
        for s in statements(schema, "sqlite"):
            if s.sql:
                self.con.execute(s.sql)
        self.con.execute("ANALYZE")  # creates sqlite_stat1
        self._base = self._stat_rows()
        self.cache: dict[tuple[str, frozenset[Candidate]], tuple[tuple[str, ...], dict[str, Candidate]]] = {}
        self.calls = 0
        self._sql: dict[str, str] = {}
        self._ix_sql: dict[tuple[str, Candidate], str] = {}

    def index_columns(self) -> dict[str, tuple[str, tuple[str, ...], str | None]]:
        """(table, columns, where) of every index on the copy, by name (PRAGMA has no sqlglot tree, so the
        quoted identifier is pasted after the fixed keyword)."""
        out = {}
        for (tname,) in self.con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%'").fetchall():
            for row in self.con.execute(f"PRAGMA index_list({exp.to_identifier(tname, quoted=True).sql('sqlite')})"):
                ix, partial = row[1], row[4]
                cols = tuple(r[2] for r in self.con.execute(
                    f"PRAGMA index_info({exp.to_identifier(ix, quoted=True).sql('sqlite')})"))
                where = None
                if partial:
                    sql = self.con.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (ix,)).fetchone()[0]
                    tree = sqlglot.parse_one(sql, read="sqlite")
                    w = tree.find(exp.Where)
                    where = w.this.sql() if w is not None else None
                out[ix] = (tname, cols, where)
        return out

    def _stat_rows(self) -> list[tuple[str, str | None, str]]:
        rows: list[tuple[str, str | None, str]] = [(t.name, None, str(max(self.stats.rows(t.name), 1)))
                                                   for t in self.schema.tables]
        for ix, (t, cols, where) in self.index_columns().items():
            rows.append((t, ix, self.stats.stat_line(t, cols, where)))
        return rows

    def skip_scannable(self, c: Candidate) -> bool:
        """Whether SQLite may skip-scan the index (https://www.sqlite.org/optoverview.html#skipscan): its
        statistics say the first column has at least SKIP_SCAN_ROWS rows per value (``where.c``: LogEst 42)
        and it has a column after that one. Such an index serves a query that names only later columns
        (TPC-H q01/q06 through lineitem(l_partkey, l_shipdate): one range search per l_partkey value)."""
        if len(c.columns) < 2:
            return False
        n = self.stats.rows(c.table, c.where)
        return n / max(self.stats.distinct(c.table, c.columns[:1], c.where), 1) >= SKIP_SCAN_ROWS

    def _relevant(self, c: Candidate, use: Any) -> bool:
        read = getattr(use, "read", None)
        if read is None or c.columns[0] in read:
            return True
        return any(col in read for col in c.columns[1:]) and self.skip_scannable(c)

    def _index_sql(self, name: str, c: Candidate) -> str:
        key = (name, c)
        if key not in self._ix_sql:  # built for every what-if call: cached
            self._ix_sql[key] = create_index_sql(name, c)
        return self._ix_sql[key]

    def plan(self, query: Query, tables: Iterable[str] | Mapping[str, Any], config: Iterable[Candidate]
             ) -> tuple[tuple[str, ...], dict[str, Candidate]]:
        """EXPLAIN QUERY PLAN detail lines of ``query`` (indented two spaces per tree level) with the
        candidate indexes of ``config`` on ``tables``, and which hypothetical index each ``whatif_N``
        name stands for."""
        if isinstance(tables, Mapping):  # TableUse per table: an index whose columns the query never names
            # cannot serve it, so it is left out of the key; one whose first column it does not name only
            # through a skip-scan (see :meth:`skip_scannable`)
            relevant = frozenset(c for c in config if c.table in tables and self._relevant(c, tables[c.table]))
        else:
            names_ = set(tables)
            relevant = frozenset(c for c in config if c.table in names_)
        key = (query.name, relevant)
        if key in self.cache:
            return self.cache[key]
        self.calls += 1
        names: dict[str, Candidate] = {}
        self.con.execute("BEGIN")
        try:
            for i, c in enumerate(sorted(relevant, key=lambda c: c.sort_key)):
                name = f"whatif_{i}"
                names[name] = c
                self.con.execute(self._index_sql(name, c))
            self.con.execute("DELETE FROM sqlite_stat1")
            stat = self._base + [(c.table, n, self.stats.stat_line(c.table, c.columns, c.where))
                                 for n, c in names.items()]
            self.con.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", stat)
            self.con.execute("ANALYZE sqlite_schema")  # reload the statistics
            binds = query.params[0] if query.params else None
            if query.name not in self._sql:
                self._sql[query.name] = query.for_engine("sqlite")
            sql = "EXPLAIN QUERY PLAN " + self._sql[query.name]  # no tree for EXPLAIN in sqlglot
            try:
                cur = self.con.execute(sql, binds) if binds is not None else self.con.execute(sql)
                rows = cur.fetchall()
            except sqlite3.Error as e:
                raise ModelError(f"SQLite cannot plan it: {e}", where=query.where) from None
        finally:
            self.con.execute("ROLLBACK")  # the next plan() writes and reloads its own statistics
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in rows:  # the plan tree, two spaces per level (cost.plan_cost)
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + str(detail))
        result = (tuple(lines), names)
        self.cache[key] = result
        return result
