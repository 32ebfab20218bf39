"""Workload lint: query patterns that defeat indexes or waste work, one rule per function.

:data:`RULES` lists them in the order findings are reported (read it top to bottom, like
sqlglot's optimizer rules). Each rule takes a :class:`~.workload.Query` (parsed), the whole
:class:`~.workload.Workload` and the schema (may be None) and yields :class:`Finding`\\ s.

>>> from dbmodel_kit.workload.workload import Workload
>>> w = Workload.from_sql("-- name: all_users  weight: 1\\nSELECT * FROM users ORDER BY created_at;")
>>> [f.rule for f in lint(w)]
['WL002', 'WL008']
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from sqlglot import exp

from ..model.schema import Schema
from ..model.types import NUMERIC_KINDS, TEXT_KINDS
from .workload import Query, Workload, table_key

LARGE_OFFSET = 1000  #: OFFSET at or above this reads and throws away that many rows
N_PLUS_ONE_WEIGHT = 10  #: a key lookup this many times the workload's median weight looks like N+1
N_PLUS_ONE_PARAMS = 20  #: ... or one with this many parameter sets


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    query: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.query}: {self.rule} {self.name} ({self.severity}): {self.message}. {self.hint}"


Rule = Callable[[Query, Workload, Schema | None], Iterator[Finding]]


def _where_predicates(tree: exp.Expression) -> Iterator[exp.Expression]:
    for clause in (*tree.find_all(exp.Where), *tree.find_all(exp.Join)):
        cond = clause.this if isinstance(clause, exp.Where) else clause.args.get("on")
        if cond is not None:
            yield cond


def _columns_of(tree: exp.Expression, schema: Schema) -> dict[str, str]:
    """alias -> model table key for the statement's tables the model has."""
    return {t.alias_or_name: key for t in tree.find_all(exp.Table) if (key := table_key(t, schema)) is not None}


def _column_type(col: exp.Column, tree: exp.Expression, schema: Schema | None):
    if schema is None:
        return None
    tables = _columns_of(tree, schema)
    names = [tables[col.table]] if col.table in tables else list(tables.values())
    for n in names:
        if schema.has_table(n) and schema.table(n).has_column(col.name):
            return schema.table(n).column(col.name).type
    return None


def offset_pagination(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL001: OFFSET n reads n rows only to skip them; a large or parameterized offset grows with the page."""
    for off in q.tree.find_all(exp.Offset):
        value = off.expression
        big = isinstance(value, exp.Placeholder) or (
            isinstance(value, exp.Literal) and value.is_int and int(value.this) >= LARGE_OFFSET)
        if big:
            yield Finding("WL001", "offset-pagination", "warning", q.name,
                          f"OFFSET {value.sql()} reads and discards every skipped row",
                          "paginate by key instead (keyset): WHERE (created_at, id) < (:last_created_at, :last_id) "
                          "ORDER BY created_at DESC, id DESC LIMIT n")


def select_star(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL002: SELECT * reads every column, so no covering index can answer it and wide rows travel."""
    for sel in q.tree.find_all(exp.Select):
        if any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
               for e in sel.expressions):
            yield Finding("WL002", "select-star", "info", q.name, "SELECT * fetches every column",
                          "name the columns the caller uses")
            return


def function_on_column(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL003: a function or arithmetic around a column in a predicate hides the column from its index."""
    for cond in _where_predicates(q.tree):
        for cmp in cond.find_all(exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In):
            for side in (cmp.this, cmp.args.get("expression")):
                if side is None or isinstance(side, exp.Column | exp.Literal | exp.Placeholder):
                    continue
                col = side.find(exp.Column)
                if isinstance(side, exp.Func | exp.Binary | exp.Cast) and col is not None:
                    yield Finding("WL003", "function-on-column", "warning", q.name,
                                  f"{side.sql()} wraps column {col.sql()}, so an index on it cannot be used",
                                  "compare the bare column (move the arithmetic to the other side) or index the "
                                  "expression")


def leading_wildcard(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL004: LIKE '%...' cannot use a B-tree index; every row is read."""
    for like in q.tree.find_all(exp.Like, exp.ILike):
        pattern = like.expression
        if isinstance(pattern, exp.Literal) and pattern.is_string and pattern.this.startswith(("%", "_")):
            yield Finding("WL004", "leading-wildcard", "warning", q.name,
                          f"{like.sql()} starts with a wildcard, so no index can narrow it",
                          "anchor the pattern at the start, or use full-text / trigram search")


def implicit_cast(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL005: comparing a text column with a number (or a number column with text) casts every row."""
    for cond in _where_predicates(q.tree):
        for cmp in cond.find_all(exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE):
            col, other = cmp.this, cmp.args.get("expression")
            if not isinstance(col, exp.Column):
                col, other = other, col
            if not isinstance(col, exp.Column) or not isinstance(other, exp.Literal):
                continue
            t = _column_type(col, q.tree, schema)
            if t is None:
                continue
            if (t.kind in TEXT_KINDS and not other.is_string) or (t.kind in NUMERIC_KINDS and other.is_string):
                yield Finding("WL005", "implicit-cast", "warning", q.name,
                              f"{cmp.sql()} compares {t} column {col.name} with a "
                              f"{'number' if not other.is_string else 'string'}",
                              f"write the literal as a {'string' if t.kind in TEXT_KINDS else 'number'}")


def or_across_columns(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL006: OR between tests of different columns usually cannot use one index."""
    for cond in _where_predicates(q.tree):
        for node in cond.find_all(exp.Or):
            if isinstance(node.parent, exp.Or):
                continue
            cols = {c.sql() for c in node.find_all(exp.Column)}
            if len(cols) > 1:
                yield Finding("WL006", "or-across-columns", "info", q.name,
                              f"OR across {', '.join(sorted(cols))}",
                              "split into UNION ALL of indexable queries, or check the plan uses both indexes")


def n_plus_one(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL007: a single-key parameterized lookup run far more often than the rest looks like an N+1 loop."""
    tree = q.tree
    if q.kind != "read" or not isinstance(tree, exp.Select) or tree.args.get("group"):
        return
    where = tree.args.get("where")
    if where is None:
        return
    eqs = [c for c in where.find_all(exp.EQ) if isinstance(c.args.get("expression"), exp.Placeholder)
           or isinstance(c.this, exp.Placeholder)]
    if not eqs:
        return
    weights = [x.weight for x in w.queries]
    median = statistics.median(weights) if weights else 0
    many = (median > 0 and q.weight >= N_PLUS_ONE_WEIGHT * median and len(weights) > 1) or (
        len(q.params) >= N_PLUS_ONE_PARAMS)
    if many:
        yield Finding("WL007", "n-plus-one", "warning", q.name,
                      f"a parameterized lookup run {q.weight:g}/min ({len(q.params)} parameter sets), "
                      f"{q.weight / median if median else 0:.0f}x the median query",
                      "fetch the set in one query (WHERE key IN (...) or a JOIN) instead of one query per row")


def order_without_limit(q: Query, w: Workload, schema: Schema | None) -> Iterator[Finding]:
    """WL008: ORDER BY without LIMIT sorts the whole result for a caller that rarely needs all of it."""
    tree = q.tree
    if isinstance(tree, exp.Select) and tree.args.get("order") and not tree.args.get("limit"):
        yield Finding("WL008", "order-without-limit", "info", q.name, "ORDER BY without LIMIT sorts every row",
                      "add LIMIT (and keyset pagination) if the caller shows a page")


RULES: tuple[Rule, ...] = (
    offset_pagination,
    select_star,
    function_on_column,
    leading_wildcard,
    implicit_cast,
    or_across_columns,
    n_plus_one,
    order_without_limit,
)


def lint(workload: Workload, schema: Schema | None = None) -> list[Finding]:
    """Every finding, query by query in workload order, rules in :data:`RULES` order."""
    return [f for q in workload for rule in RULES for f in rule(q, workload, schema)]


def format_findings(findings: list[Finding], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], indent=2) + "\n"
    return "".join(f"{f}\n" for f in findings) or "no findings\n"
