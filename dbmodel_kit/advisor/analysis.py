"""Query analysis: what each statement of a workload asks of each table, read from sqlglot trees.

Per query and table: columns compared with ``=`` (``eq``), ``IN`` (``in_``), ranges (``<``, ``>``,
``BETWEEN``, a ``LIKE 'prefix%'``), join columns, ORDER BY and GROUP BY columns, every column read
(``None`` after ``SELECT *``: the whole row), and the soft-delete/status filters (``deleted_at IS
NULL``, ``is_active``) that can become the ``WHERE`` of a partial index. A column wrapped in a
function (``lower(email) = ...``) is left out: no plain index serves it (``workload.lint`` says so).

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.workload import Query
>>> a = analyze(Query("q", "SELECT id FROM orders WHERE status = 'paid' AND created_at > '2024-01-01' "
...                        "ORDER BY created_at"), ecommerce())
>>> u = a.tables["orders"]
>>> u.eq, u.range, u.order_by
(('status',), ('created_at',), (('created_at', False),))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from ..model.schema import Schema
from ..workload.workload import Query, table_key

_RANGE = exp.GT | exp.GTE | exp.LT | exp.LTE


@dataclass
class TableUse:
    """What one query asks of one table."""

    table: str
    eq: tuple[str, ...] = ()
    in_: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    join: tuple[str, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()  #: (column, descending)
    group_by: tuple[str, ...] = ()
    read: frozenset[str] | None = frozenset()  #: None: every column (``SELECT *``)
    filters: tuple[str, ...] = ()  #: soft-delete/status predicates, canonical SQL (partial-index WHEREs)
    #: range predicates with constant bounds per column, canonical SQL (their selectivity is counted on the sample)
    range_sql: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, attr: str, col: str) -> None:
        cur = getattr(self, attr)
        if col not in cur:
            setattr(self, attr, (*cur, col))


@dataclass
class QueryInfo:
    """The analysis of one query: its kind, per-table uses, and for writes the table and columns written."""

    name: str
    weight: float
    kind: str
    tables: dict[str, TableUse] = field(default_factory=dict)
    written: str | None = None  #: table an INSERT/UPDATE/DELETE changes
    set_columns: tuple[str, ...] | None = None  #: UPDATE's SET columns; None: whole rows (INSERT/DELETE)
    limit: int | None = None


def _conjuncts(cond: Any) -> list[exp.Expression]:
    if cond is None:
        return []
    cond = cond.unnest()
    if isinstance(cond, exp.And):
        return _conjuncts(cond.left) + _conjuncts(cond.right)
    return [cond]


def _is_value(e: exp.Expression) -> bool:
    """A constant or parameter: no column inside."""
    return not isinstance(e, exp.Column) and e.find(exp.Column) is None and e.find(exp.Select) is None


class _Resolver:
    """Column -> table by alias, or by the one table in scope holding a column of that name."""

    def __init__(self, tree: exp.Expression, schema: Schema) -> None:
        self.schema = schema
        self.alias: dict[str, str] = {}
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        for t in tree.find_all(exp.Table):
            key = table_key(t, schema)
            if key is not None and not (t.name in ctes and not t.db):
                self.alias[t.alias_or_name] = key
                self.alias.setdefault(t.name, key)
        self.tables = list(dict.fromkeys(self.alias.values()))

    def table_of(self, col: exp.Column) -> str | None:
        if col.table:
            return self.alias.get(col.table)
        owners = [t for t in self.tables if self.schema.table(t).has_column(col.name)]
        return owners[0] if len(owners) == 1 else None


def _prefix_like(c: exp.Expression, pattern: exp.Expression | None) -> bool:
    """``col LIKE 'abc%'``: a range on an index (a leading wildcard is not)."""
    return (isinstance(c, exp.Like) and isinstance(pattern, exp.Literal) and pattern.is_string
            and bool(pattern.this) and pattern.this[0] not in "%_")


def _filter_sql(e: exp.Expression) -> str:
    """A predicate with its column names unqualified, as a partial index WHERE writes it."""
    e = e.copy()
    for c in e.find_all(exp.Column):
        c.set("table", None)
    return e.sql()


def _is_flag(schema: Schema, table: str, col: str) -> bool:
    return schema.table(table).column(col).type.kind == "boolean"


def analyze(query: Query, schema: Schema) -> QueryInfo:
    """The :class:`QueryInfo` of ``query`` against ``schema`` (tables the model lacks are ignored)."""
    tree = query.tree
    info = QueryInfo(query.name, query.weight, query.kind)
    r = _Resolver(tree, schema)
    uses = {t: TableUse(t) for t in r.tables}
    info.tables = uses

    def use(col: exp.Column) -> TableUse | None:
        t = r.table_of(col)
        return uses.get(t) if t else None

    if isinstance(tree, exp.Update | exp.Delete | exp.Insert):
        target = tree.this if not isinstance(tree.this, exp.Schema) else tree.this.this
        if isinstance(target, exp.Table) and (key := table_key(target, schema)) is not None:
            info.written = key
        if isinstance(tree, exp.Update):
            info.set_columns = tuple(e.this.name for e in tree.expressions if isinstance(e, exp.EQ)
                                     and isinstance(e.this, exp.Column))

    conds: list[exp.Expression] = []
    for where in tree.find_all(exp.Where):
        conds += _conjuncts(where.this)
    for join in tree.find_all(exp.Join):
        conds += _conjuncts(join.args.get("on"))
    for c in conds:
        if isinstance(c, exp.EQ) and isinstance(c.left, exp.Column) and isinstance(c.right, exp.Column):
            for side in (c.left, c.right):
                u = use(side)
                if u:
                    u.add("join", side.name)
            continue
        if isinstance(c, exp.EQ | exp.Is | exp.In | exp.Between | exp.Like | _RANGE):
            col, other = c.this, c.expression if not isinstance(c, exp.In | exp.Between) else None
            if isinstance(c, exp.EQ | exp.GT | exp.GTE | exp.LT | exp.LTE) and isinstance(c.right, exp.Column) \
                    and not isinstance(c.left, exp.Column):
                col, other = c.right, c.left
            if not isinstance(col, exp.Column):
                continue
            u = use(col)
            if u is None:
                continue
            if isinstance(c, exp.Is):
                u.add("filters", _filter_sql(c))
            elif isinstance(c, exp.EQ) and other is not None and _is_value(other):
                if _is_flag(schema, u.table, col.name):
                    u.add("filters", _filter_sql(c))
                u.add("eq", col.name)
            elif isinstance(c, exp.In) and not c.args.get("query"):
                u.add("in_", col.name)
            elif isinstance(c, exp.Between) or (isinstance(c, _RANGE) and other is not None and _is_value(other)) \
                    or _prefix_like(c, other):
                u.add("range", col.name)
                if c.find(exp.Placeholder) is None and c.find(exp.Select) is None and \
                        sum(1 for _ in c.find_all(exp.Column)) == 1:
                    u.range_sql[col.name] = (*u.range_sql.get(col.name, ()), _filter_sql(c))
        elif isinstance(c, exp.Column) or (isinstance(c, exp.Not) and isinstance(c.this, exp.Column)):
            col = c if isinstance(c, exp.Column) else c.this
            u = use(col)
            if u and _is_flag(schema, u.table, col.name):
                u.add("filters", _filter_sql(c))
    select = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
    if isinstance(select, exp.Select):
        order = select.args.get("order")
        if order:
            for o in order.expressions:
                if isinstance(o.this, exp.Column) and (u := use(o.this)):
                    u.order_by = (*u.order_by, (o.this.name, bool(o.args.get("desc"))))
        group = select.args.get("group")
        if group:
            for g in group.expressions:
                if isinstance(g, exp.Column) and (u := use(g)):
                    u.add("group_by", g.name)
        limit = select.args.get("limit")
        if limit is not None and isinstance(limit.expression, exp.Literal):
            offset = select.args.get("offset")
            extra = int(offset.expression.name) if offset is not None and isinstance(offset.expression, exp.Literal) \
                else 0
            info.limit = int(limit.expression.name) + extra
    star = any(isinstance(s, exp.Star) or (isinstance(s, exp.Column) and isinstance(s.this, exp.Star))
               for s in tree.find_all(exp.Star, exp.Column) if not isinstance(s.parent, exp.Count))
    for col in tree.find_all(exp.Column):
        if isinstance(col.this, exp.Star):
            continue
        u = use(col)
        if u is not None and u.read is not None:
            u.read = u.read | {col.name}
    if star or info.kind == "write":
        for u in uses.values():
            u.read = None
    return info


def recurring_filters(infos: list[QueryInfo], min_queries: int = 1) -> dict[str, dict[str, int]]:
    """Per table, each soft-delete/status filter and how many queries use it (at least ``min_queries``)."""
    out: dict[str, dict[str, int]] = {}
    for i in infos:
        for t, u in i.tables.items():
            for f in u.filters:
                out.setdefault(t, {}).setdefault(f, 0)
                out[t][f] += 1
    return {t: {f: n for f, n in fs.items() if n >= min_queries} for t, fs in out.items()}
