"""A small cost model over SQLite plans: rows touched per loop (SCAN reads the table, SEARCH reads
rows per key prefix from the statistics, a non-covering index adds a table lookup per row, cheap
when the index lists rows in storage order and dear when each lookup jumps), nested loops multiply,
a temp B-tree sorts its input (an ORDER BY after a GROUP BY, the groups), and a LIMIT stops an
ordered scan early. The plan is
a tree (children indented two spaces, as :class:`~.whatif_sqlite.WhatIf` writes it): a correlated
subquery costs its block once per row of the loops before it, an uncorrelated one once; a
``MATERIALIZE``/``CO-ROUTINE`` block runs once and the loops that scan its name read its output
rows; an automatic index costs one pass over its table to build, then searches like an index.
Units are "rows touched"; :func:`calibrate` turns them into milliseconds from measured runtimes.

>>> parse("SEARCH o USING COVERING INDEX ix_a (a=? AND b>?)")
Access(op='SEARCH', alias='o', index='ix_a', covering=True, eq=1, range=True, automatic=False, skip=0)
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_LINE = re.compile(r"^(?P<op>SCAN|SEARCH) (?P<alias>\S+)(?: AS \S+)?"
                   r"(?: USING (?P<cov>COVERING )?INDEX (?P<ix>\S+)| USING (?:INTEGER )?PRIMARY KEY"
                   r"| USING (?P<auto>AUTOMATIC (?:PARTIAL )?(?:COVERING )?INDEX))?"
                   r"(?: \((?P<cond>.*)\))?")
_BLOCK = re.compile(r"^(?:MATERIALIZE|CO-ROUTINE) (?P<name>\S+)")
AUTO = "auto:"  #: index name prefix of an automatic index, then its key columns comma-separated
#: a row fetched through a non-covering index costs a second B-tree search: LOOKUP x log2(rows) row
#: units, at least MIN_LOOKUP (measured on TPC-H SF 0.1 lineitem: a lookup ~9x a scanned row, log2 = 19)
LOOKUP = 0.5
MIN_LOOKUP = 2.0
RANGE_SELECTIVITY = 0.25  #: share of an index range a one-sided range predicate reads
FILTER_SELECTIVITY = 0.25  #: share of rows left by each predicate no index serves


@dataclass(frozen=True)
class Access:
    """One loop of a plan."""

    op: str
    alias: str
    index: str | None
    covering: bool
    eq: int
    range: bool
    automatic: bool = False
    skip: int = 0  #: leading columns skip-scanned (``ANY(col)``)


def parse(line: str) -> Access | None:
    m = _LINE.match(line.strip())
    if not m:
        return None
    cond = m.group("cond") or ""
    terms = [t for t in cond.split(" AND ") if t]
    eq = sum(1 for t in terms if t.endswith("=?") and not t.endswith(("<=?", ">=?")))
    skip = sum(1 for t in terms if t.startswith("ANY("))
    rng = any(re.search(r"[<>]", t) for t in terms)
    pk = m.group("ix") is None and "PRIMARY KEY" in line
    if m.group("auto"):
        cols = ",".join(re.split(r"[=<>]", t, maxsplit=1)[0] for t in terms)
        return Access(m.group("op"), m.group("alias"), AUTO + cols, "COVERING" in m.group("auto"), eq, rng, True)
    return Access(m.group("op"), m.group("alias"), m.group("ix") or ("rowid" if pk else None),
                  bool(m.group("cov")) or pk, eq, rng, skip=skip)


def _tree(lines: Sequence[str]) -> list[tuple[str, list]]:
    """(detail, children) nodes from lines indented two spaces per level."""
    root: list[tuple[str, list]] = []
    stack: list[tuple[int, list]] = [(-1, root)]
    for line in lines:
        depth = (len(line) - len(line.lstrip(" "))) // 2
        while stack[-1][0] >= depth:
            stack.pop()
        node: tuple[str, list] = (line.strip(), [])
        stack[-1][1].append(node)
        stack.append((depth, node[1]))
    return root


def plan_cost(lines: Sequence[str], rows: Callable[[str], float], per_key: Callable[[str, str, int], float],
              filters: Callable[[str], int], limit: int | None = None,
              range_share: Callable[[str, str, int], float | None] | None = None,
              scan_share: Callable[[str], tuple[float, int]] | None = None,
              scatter: Callable[[str, str], float] | None = None, groups: float | None = None) -> float:
    """Rows touched by a plan. ``rows(alias)``: table rows; ``per_key(alias, index, k)``: rows per
    value of the index's first ``k`` columns (an automatic index is named ``auto:col,col``);
    ``filters(alias)``: predicates on that table; ``range_share(alias, index, k)``: the share of rows
    the range on the index's column after ``k`` equalities keeps (None: RANGE_SELECTIVITY);
    ``scan_share(alias)``: (share of rows the predicates with known selectivity keep, how many
    predicates that covers) for what a scan outputs; the rest count FILTER_SELECTIVITY each;
    ``scatter(alias, index)``: the share of lookups through the index that jump to another table page
    (:meth:`~.whatif_sqlite.SampleStats.scattered`; None: all of them): a lookup costs MIN_LOOKUP
    when it reads the page the one before read, up to LOOKUP x log2(rows) when it jumps; ``groups``:
    how many groups the query's GROUP BY makes (None: not known, or no GROUP BY): its ORDER BY sorts
    that many rows, not every row (TPC-H q01 through lineitem(l_returnflag, l_linestatus) groups in
    index order and sorts four groups)."""
    derived: dict[str, float] = {}

    def lookup(a: Access, n: float) -> float:
        """Row units to fetch one row through non-covering index ``a`` from a table of ``n`` rows."""
        jump = max(MIN_LOOKUP, LOOKUP * math.log2(n + 1))
        share = 1.0 if scatter is None or a.index is None else scatter(a.alias, a.index)
        return MIN_LOOKUP + (jump - MIN_LOOKUP) * share

    def block(nodes: list[tuple[str, list]], outer: float, top: bool = False) -> tuple[float, float, bool]:
        total, sorted_, grouped = 0.0, False, False
        for text, kids in nodes:
            if (m := _BLOCK.match(text)) is not None:
                cost, out, _ = block(kids, 1.0)
                total += cost
                derived[m.group("name")] = out
                continue
            if "SUBQUERY" in text:
                cost, _, _ = block(kids, 1.0)
                total += cost * (outer if text.startswith("CORRELATED") else 1.0)
                continue
            if "TEMP B-TREE" in text:
                sorted_ = True
                grouped = grouped or "GROUP BY" in text
                continue
            a = parse(text)
            if a is None:  # COMPOUND QUERY, UNION ALL, MULTI-INDEX OR, ...: their parts in turn
                cost, _, _ = block(kids, outer)
                total += cost
                continue
            n = max(derived[a.alias] if a.alias in derived else rows(a.alias), 1.0)
            if a.op == "SCAN" or (a.eq == 0 and not a.range):
                if a.index and not a.covering:  # a full index scan fetches every row from the table too
                    touched = n * lookup(a, n)
                else:
                    touched = n * (0.6 if a.covering and a.index else 1.0)
                known, k = scan_share(a.alias) if scan_share is not None else (1.0, 0)
                out = n * known * FILTER_SELECTIVITY ** max(filters(a.alias) - k, 0)
            else:
                seeks = 1.0
                if a.skip:  # skip-scan: one seek per distinct value of the skipped leading columns
                    seeks = n / max(per_key(a.alias, a.index or "", a.skip), 1.0)
                    hit = seeks * per_key(a.alias, a.index or "", a.skip + a.eq) if a.eq else n
                else:
                    hit = per_key(a.alias, a.index or "", a.eq) if a.eq else n
                if a.range:  # the range is on the index column after the skipped and equal ones
                    share = range_share(a.alias, a.index or "", a.skip + a.eq) if range_share is not None else None
                    hit *= RANGE_SELECTIVITY if share is None else share
                touched = seeks * math.log2(n + 1) + hit * (1.0 if a.covering else lookup(a, n))
                out = max(hit * FILTER_SELECTIVITY ** max(filters(a.alias) - a.eq - int(a.range), 0), 1.0)
            if a.automatic:
                total += n * math.log2(n + 1) * 0.5  # built once per run of the block
            total += outer * touched
            outer *= max(out, 1.0)
        if sorted_:
            n_sorted = outer
            if top and groups is not None and not grouped:  # grouped in index order: ORDER BY sorts the groups
                n_sorted = min(outer, max(groups, 1.0))
            total += n_sorted * math.log2(n_sorted + 1) * 0.5
        return total, outer, sorted_

    total, outer, sorted_ = block(_tree(lines), 1.0, top=True)
    if not sorted_ and limit is not None and outer > limit:
        total *= limit / outer  # an ordered scan or search stops after LIMIT rows
    return total


def calibrate(pairs: Sequence[tuple[float, float]]) -> float:
    """Milliseconds per cost unit: the median of measured_ms / cost over (cost, measured_ms) pairs."""
    ratios = [ms / c for c, ms in pairs if c > 0 and ms > 0]
    return statistics.median(ratios) if ratios else 1e-4
