"""What-if evaluation on SQLite: an empty in-memory copy of the schema holds hypothetical indexes,
``sqlite_stat1`` is written from the sample's statistics, and ``EXPLAIN QUERY PLAN`` says which
index the planner takes. Tables stay empty, so creating an index costs nothing; the planner reads
sizes only from ``sqlite_stat1`` (see https://www.sqlite.org/fileformat2.html#stat1tab: "N a b"
= rows, then average rows per distinct value of each column prefix), reloaded with
``ANALYZE sqlite_schema``.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from typing import Any

import sqlglot
from sqlglot import exp

from ..ddl import statements
from ..errors import ModelError
from ..model.schema import Schema
from ..workload.workload import Query
from .candidates import Candidate


class SampleStats:
    """Row counts, distinct counts per column prefix and average widths, counted on the sample (cached)."""

    def __init__(self, con: Any, schema: Schema) -> None:
        self.con = con
        self.schema = schema
        self._rows: dict[tuple[str, str | None], int] = {}
        self._distinct: dict[tuple[str, tuple[str, ...], str | None], int] = {}
        self._width: dict[tuple[str, str], float] = {}

    def _where(self, where: str | None) -> Any:
        return sqlglot.parse_one(where) if where else None

    def rows(self, table: str, where: str | None = None) -> int:
        key = (table, where)
        if key not in self._rows:
            q = exp.select(exp.Count(this=exp.Star())).from_(exp.to_identifier(table))
            if where:
                q = q.where(self._where(where))
            self._rows[key] = int(self.con.execute(q.sql("sqlite")).fetchone()[0])
        return self._rows[key]

    def distinct(self, table: str, columns: tuple[str, ...], where: str | None = None) -> int:
        key = (table, tuple(columns), where)
        if key not in self._distinct:
            inner = exp.select(*[exp.column(c, quoted=True) for c in columns]).distinct().from_(
                exp.to_identifier(table))
            if where:
                inner = inner.where(self._where(where))
            q = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("d"))
            self._distinct[key] = max(1, int(self.con.execute(q.sql("sqlite")).fetchone()[0]))
        return self._distinct[key]

    def width(self, table: str, column: str) -> float:
        """Average stored bytes of a column (SQLite's ``length``; 8 for numbers)."""
        key = (table, column)
        if key not in self._width:
            col = exp.column(column, quoted=True)
            q = exp.select(exp.func("avg", exp.func("coalesce", exp.func("length", exp.cast(col, "BLOB")),
                                                    exp.Literal.number(1)))).from_(exp.to_identifier(table))
            v = self.con.execute(q.sql("sqlite")).fetchone()[0]
            kind = self.schema.table(table).column(column).type.kind
            self._width[key] = 8.0 if kind in ("integer", "bigint", "smallint", "real", "double", "decimal") \
                else float(v or 1)
        return self._width[key]

    def index_bytes(self, c: Candidate) -> int:
        """Estimated size of an index: entries x (key widths + rowid + cell overhead) / page fill."""
        n = self.rows(c.table, c.where)
        entry = sum(self.width(c.table, col) for col in c.columns) + 8 + 4
        return math.ceil(n * entry / 0.9)

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

    def plan(self, query: Query, tables: Iterable[str], config: Iterable[Candidate]
             ) -> tuple[tuple[str, ...], dict[str, Candidate]]:
        """EXPLAIN QUERY PLAN detail lines of ``query`` with the candidate indexes of ``config`` on
        ``tables``, and which hypothetical index each ``whatif_N`` name stands for."""
        tables = set(tables)
        relevant = frozenset(c for c in config if c.table in tables)
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
                ix = exp.Create(kind="INDEX", this=exp.Index(
                    this=exp.to_identifier(name),
                    table=exp.to_table(c.table),
                    params=exp.IndexParameters(columns=[exp.column(col, quoted=True)
                                                        for col in c.columns],
                                               where=exp.Where(this=sqlglot.parse_one(c.where))
                                               if c.where else None)))
                self.con.execute(ix.sql("sqlite"))
            self.con.execute("DELETE FROM sqlite_stat1")
            stat = self._base + [(c.table, n, self.stats.stat_line(c.table, c.columns, c.where))
                                 for n, c in names.items()]
            self.con.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", stat)
            self.con.execute("ANALYZE sqlite_schema")  # reload the statistics
            binds = query.params[0] if query.params else None
            sql = "EXPLAIN QUERY PLAN " + query.for_engine("sqlite")  # no tree for EXPLAIN in sqlglot
            try:
                cur = self.con.execute(sql, binds) if binds is not None else self.con.execute(sql)
                rows = cur.fetchall()
            except sqlite3.Error as e:
                raise ModelError(f"SQLite cannot plan it: {e}", where=query.where) from None
        finally:
            self.con.execute("ROLLBACK")
        self.con.execute("ANALYZE sqlite_schema")
        result = (tuple(str(r[3]) for r in rows), names)
        self.cache[key] = result
        return result
