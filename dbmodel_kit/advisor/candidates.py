"""Candidate indexes per query: equality columns first, then one range column or the ORDER BY
columns, join and GROUP BY columns, covering variants and partial variants for recurring
soft-delete/status filters. What an existing index, primary key or unique constraint already
serves (the candidate is a prefix of it) is never suggested; nor is an index whose leading columns
are the primary key or a unique key unless it covers a query (and the advisor keeps such a one only
where it measures its gain); a lone low-cardinality column (a boolean such as ``is_active``) is
rejected with the reason.

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.workload import Query
>>> from dbmodel_kit.advisor.analysis import analyze
>>> s = ecommerce()
>>> cands, _ = generate([analyze(Query("q", "SELECT id FROM users WHERE last_name = 'Smith'"), s)], s)
>>> sorted(c.columns for c in cands)
[('last_name',), ('last_name', 'id')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from ..model.schema import Schema, Table
from .analysis import QueryInfo, TableUse

MAX_COVERING_EXTRA = 4  #: at most this many read columns appended to make an index covering


@dataclass(frozen=True)
class Candidate:
    """A hypothetical index: ``table(columns) [INCLUDE (include)] [WHERE where]``; ``include``
    (non-key covering columns) only where the evidence engine has them (PostgreSQL, via HypoPG)."""

    table: str
    columns: tuple[str, ...]
    where: str | None = None
    include: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
        return (self.table, self.columns, self.where or "", self.include)

    def __str__(self) -> str:
        return (f"{self.table}({', '.join(self.columns)})"
                + (f" INCLUDE ({', '.join(self.include)})" if self.include else "")
                + (f" WHERE {self.where}" if self.where else ""))


@dataclass(frozen=True)
class Rejected:
    """A candidate left out, and why; ``figures``: what was measured, where that decided it (kept apart
    from the reason so that timing-free output, such as golden files, stays the same run to run)."""

    candidate: Candidate
    reason: str
    figures: str = ""

    def text(self, timings: bool = True) -> str:
        return f"{self.reason} ({self.figures})" if timings and self.figures else self.reason


def existing_keys(t: Table) -> list[tuple[str, tuple[str, ...], str | None]]:
    """(name, columns, where) of every index the table has: primary key, unique constraints, indexes."""
    out: list[tuple[str, tuple[str, ...], str | None]] = []
    if t.primary_key:
        out.append(("primary key", tuple(t.primary_key), None))
    out += [(u.name, tuple(u.columns), None) for u in t.uniques]
    out += [(ix.name, tuple(ix.columns), ix.where) for ix in t.indexes]
    return out


def served_by(c: Candidate, t: Table) -> str | None:
    """The existing index whose leading columns are ``c``'s columns (and that is not narrower)."""
    n = len(c.columns)
    for name, cols, where in existing_keys(t):
        if cols[:n] == c.columns and (where is None or where == c.where):
            return name
    return None


def key_prefix(c: Candidate, t: Table) -> str | None:
    """The primary key or unique constraint that ``c``'s leading columns are (in any order): such an index
    finds at most one row per search, as the key's own index does, so it can only pay by covering a query."""
    keys = [("the primary key", tuple(t.primary_key))] if t.primary_key else []
    keys += [(f"unique {u.name}", tuple(u.columns)) for u in t.uniques]
    keys += [(f"unique index {ix.name}", tuple(ix.columns)) for ix in t.indexes if ix.unique and ix.where is None]
    for name, cols in keys:
        if cols and set(c.columns[: len(cols)]) == set(cols):
            return name
    return None


def _keys(u: TableUse, order: Callable[[Iterable[str]], list[str]]) -> list[tuple[str, ...]]:
    eq = tuple(order(dict.fromkeys(u.eq + u.in_)))
    keys: list[tuple[str, ...]] = []
    if eq:
        keys.append(eq)
    keys += [(*eq, r) for r in u.range if r not in eq]
    if u.order_by and len({d for _, d in u.order_by}) == 1:
        keys.append(eq + tuple(c for c, _ in u.order_by if c not in eq))
    for j in u.join:
        keys += [(j,), (*eq, j)] if j not in eq else [(j,)]
        # the inner side of a nested-loop join with a range on the same table: search by the join key,
        # then the range inside each key (TPC-H q14: lineitem(l_partkey, l_shipdate) for part -> lineitem)
        keys += [(*eq, j, r) for r in u.range if r != j and r not in eq]
    if u.group_by:
        keys.append(eq + tuple(c for c in u.group_by if c not in eq))
    return [k for k in dict.fromkeys(keys) if k]


def _covering(key: tuple[str, ...], u: TableUse) -> tuple[str, ...] | None:
    if u.read is None:
        return None
    extra = sorted(u.read - set(key))
    if not extra or len(extra) > MAX_COVERING_EXTRA:
        return None
    return key + tuple(extra)


def generate(infos: Iterable[QueryInfo], schema: Schema, *,
             distinct: Callable[[str, tuple[str, ...]], int] | None = None,
             rows: Callable[[str], int] | None = None) -> tuple[list[Candidate], list[Rejected]]:
    """Candidates for every query (sorted, unique) and the ones rejected with a reason.

    ``distinct(table, columns)`` / ``rows(table)`` (sample statistics) order equality columns by
    selectivity and find low-cardinality columns; without them only booleans count as low-cardinality.
    """
    found: dict[Candidate, None] = {}
    rejected: dict[Candidate, str] = {}

    def order(cols: Iterable[str], table: str) -> list[str]:
        cols = list(cols)
        if distinct is None:
            return cols
        return sorted(cols, key=lambda c: -distinct(table, (c,)))

    def low_cardinality(table: str, col: str) -> int | None:
        if schema.table(table).column(col).type.kind == "boolean":
            return 2
        if distinct is not None and rows is not None:
            d = distinct(table, (col,))
            if d <= 2 and rows(table) > 100:
                return d
        return None

    def offer(c: Candidate, covering: bool = False) -> None:
        t = schema.table(c.table)
        if c in found or c in rejected:
            return
        if (name := served_by(c, t)) is not None:
            rejected[c] = f"already served by {name} on {c.table}"
            return
        if not covering and (key := key_prefix(c, t)) is not None:
            rejected[c] = (f"its leading columns are {key}, which already finds these rows; only a covering "
                           "variant could pay, and only if measured to")
            return
        if len(c.columns) == 1 and c.where is None and (n := low_cardinality(c.table, c.columns[0])) is not None:
            rejected[c] = (f"{c.columns[0]} has only {n} distinct values: an index on it alone still reads about "
                           f"1/{n} of {c.table} through random lookups, slower than scanning; filter it inside a "
                           "composite index or a partial index's WHERE instead")
            return
        found[c] = None

    for info in infos:
        for table, u in info.tables.items():
            keys = _keys(u, lambda cols, t=table: order(cols, t))  # type: ignore[misc]
            filters = list(u.filters)
            wheres = filters + ([" AND ".join(filters)] if len(filters) > 1 else [])
            for key in keys:
                variants = [(key, u.read is not None and u.read <= set(key))]
                if (cov := _covering(key, u)) is not None:
                    variants.append((cov, True))
                for v, covers in variants:
                    offer(Candidate(table, v), covers)
                    for w in wheres:
                        flag_cols = {c.name for c in sqlglot.parse_one(w).find_all(exp.Column)}
                        trimmed = tuple(c for c in v if c not in flag_cols)
                        if trimmed:
                            offer(Candidate(table, trimmed, w), covers)
    return (sorted(found, key=lambda c: c.sort_key),
            [Rejected(c, rejected[c]) for c in sorted(rejected, key=lambda c: c.sort_key)])
