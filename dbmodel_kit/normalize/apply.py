"""Apply a decomposition to the model, and move the data on a database.

:func:`plan_normalization` turns a table of a :class:`~dbmodel_kit.model.schema.Schema` and FDs
into a 3NF or BCNF :class:`~.decomposition.Decomposition` and the model operations that realise
it: the table keeps the relation that holds its key, each other relation becomes a new table with
its key as primary key, foreign keys follow the keys, and the moved columns are dropped. The
operations form one :class:`~dbmodel_kit.model.ops.Batch`, reversible through its inverse.

:func:`data_migration` is the data step for a live database, usable by the migrations module:
``INSERT ... SELECT DISTINCT`` projections into the new tables, a view that rebuilds the original
table by joining them back, checks (row counts, and a join round trip both ways with ``EXCEPT``)
to run before the moved columns are dropped, and the reverse (``ALTER TABLE ... ADD COLUMN``,
``UPDATE ... SET c = (SELECT ...)``, drops). Statements are sqlglot trees generated per dialect;
the new tables' DDL comes from :mod:`dbmodel_kit.ddl` (SQLAlchemy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlglot import exp

from ..errors import ModelError
from ..model import ops
from ..model.schema import ForeignKey, Schema, Table, dependency_order
from ..model.types import DataType
from .bcnf import bcnf_decompose
from .closure import Closer
from .decomposition import Decomposition, Relation
from .fd import FD, Universe, parse_fds
from .synthesis import synthesize_3nf

__all__ = ["DataMigration", "NormalizationPlan", "data_migration", "normalize", "plan_normalization",
           "run_migration", "table_from_frame", "table_fds"]

TARGETS = {"3nf": synthesize_3nf, "bcnf": bcnf_decompose}


def table_from_frame(name: str, frame: pd.DataFrame) -> Table:
    """A model table for a DataFrame: integer, decimal-looking and text columns become bigint,
    double and text (values read as strings are tried as numbers first).

    >>> table_from_frame("t", pd.DataFrame({"id": ["1", "2"], "x": ["a", ""]})).columns[0].type.kind
    'bigint'
    """
    from ..model.schema import Column

    cols = []
    for c in frame.columns:
        s = frame[c]
        values = s[s.astype(str) != ""] if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) else s
        kind = "text"
        num = pd.to_numeric(values, errors="coerce")
        if len(values) and num.notna().all():
            kind = "bigint" if (num == num.round()).all() and not values.astype(str).str.contains(r"[.eE]").any() \
                else "double"
        cols.append(Column(str(c), DataType(kind), nullable=True))
    return Table(name, columns=tuple(cols))


def table_fds(table: Table) -> list[FD]:
    """The FDs a table declares: its primary key and each unique constraint determine every column."""
    names = frozenset(table.column_names)
    out = []
    for key in [table.primary_key, *(u.columns for u in table.uniques),
                *(ix.columns for ix in table.indexes if ix.unique and not ix.where)]:
        if key and names - set(key):
            out.append(FD(frozenset(key), names - set(key)))
    return out


# -- the model side -------------------------------------------------------------------------

@dataclass(frozen=True)
class NormalizationPlan:
    """What :func:`plan_normalization` decided: the decomposition, table names, and the operations."""

    table: str
    target: str
    decomposition: Decomposition
    main: Relation                                   # the relation that keeps the table's name
    tables: tuple[tuple[str, Relation], ...]         # (table name, relation), main first
    batch: ops.Batch | None                          # None when the table is already in the target form
    joins: tuple[tuple[str, tuple[str, ...]], ...]   # (new table, key) in an order that rebuilds the table

    @property
    def new_tables(self) -> list[str]:
        return [name for name, _ in self.tables[1:]]

    def transforms(self, schema: Schema) -> ops.Batch:
        """The same decomposition as data-carrying ``DecomposeTable`` steps of
        :mod:`dbmodel_kit.migrate.transforms`, so the migration emitters move the data on every
        engine. Each new table is split off the table that holds its key, taking along the columns
        its own sub-tree of the join needs; a plan where one column would have to move twice
        raises ``ModelError`` (use :attr:`batch` and :func:`data_migration` instead)."""
        from ..migrate.transforms import DecomposeTable

        if self.batch is None:
            raise ModelError(f"already in {self.target.upper()}: nothing to decompose", where=self.table)
        t = schema.table(self.table)
        final = {name: set(r.attributes) for name, r in self.tables}
        parent: dict[str, str] = {}
        for i, (name, r) in enumerate(self.tables[1:], 1):
            parent[name] = next(p for p, _ in self.tables[:i] if set(r.key) <= final[p])
        children: dict[str, list[str]] = {}
        for child, p in parent.items():
            children.setdefault(p, []).append(child)

        def subtree(name: str) -> set[str]:
            return final[name].union(*(subtree(c) for c in children.get(name, [])))

        steps: list[ops.Operation] = []
        if tuple(self.main.key) != t.primary_key:
            steps.append(ops.SetPrimaryKey(self.table, tuple(self.main.key)))
        current = {self.table: set(t.column_names)}
        for name, r in self.tables[1:]:
            p = parent[name]
            move = [a for a in t.column_names if a in subtree(name) - set(r.key) - final[p]]
            if not set(move) <= current[p]:
                raise ModelError(f"{name} needs columns that already left {p}; use the batch instead",
                                 where=self.table)
            steps.append(DecomposeTable(p, tuple(move), name, tuple(r.key)))
            current[p] -= set(move)
            current[name] = set(r.key) | set(move)
        if current != final:
            raise ModelError("the decomposition is not a tree of key splits; use the batch instead", where=self.table)
        return ops.Batch(tuple(steps), label=f"normalize {self.table} (with data)")

    def text(self) -> str:
        lines = [f"{self.table} -> {self.target.upper()}:"]
        for name, r in self.tables:
            lines.append("  " + replace(r, name=name).text())
        if self.batch is not None:
            lines += ["operations:"] + [f"  {op.describe()}" for op in self.batch.ops]
        else:
            lines.append(f"already in {self.target.upper()}: nothing to do")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


_SUFFIX = re.compile(r"(_id|_code|_no|_num|_key|id)$", re.IGNORECASE)


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def suggest_name(table: str, key: Sequence[str], taken: Iterable[str]) -> str:
    """A table name for a relation keyed by ``key``: ``customer_id`` -> ``customers``.

    >>> suggest_name("orders", ["customer_id"], ["orders"])
    'customers'
    >>> suggest_name("orders", ["order_id", "product_id"], ["orders"])
    'orders_order_product'
    >>> suggest_name("readings", [], ["readings"])
    'readings_constants'
    """
    taken = set(taken)
    stems = [_SUFFIX.sub("", k) or k for k in key]
    if not stems:
        base = f"{table}_constants"
    else:
        base = _plural(stems[0]) if len(stems) == 1 else f"{table}_{'_'.join(stems)}"
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    return name


def _join_order(main: Relation, others: Sequence[tuple[str, Relation]]) -> list[tuple[str, Relation]] | None:
    """Others in an order where each one's key is already available (a key-join tree from ``main``),
    or None when there is none.

    A relation with several candidate keys is keyed by one the tables before it hold, so that
    the foreign key and the join that rebuilds the table follow it.
    """
    from .decomposition import key_join_order
    from .keys import keys_of

    keyed = [(r.attributes, [frozenset(r.key), *keys_of(list(r.attributes), list(r.fds))]) for _, r in others]
    order = key_join_order(main.attributes, keyed)
    if order is None:
        return None
    return [(others[i][0], replace(others[i][1], key=tuple(a for a in others[i][1].attributes if a in key)))
            for i, key in order]


def plan_normalization(schema: Schema, table: str, fds: Iterable[FD | str] | str | None = None,
                       target: str = "3nf", names: Mapping[str, str] | None = None) -> NormalizationPlan:
    """Decompose ``table`` into ``target`` ("3nf" or "bcnf") under ``fds`` (plus its declared keys)
    and plan the model operations. ``names`` maps relation names (R1, R2, ...) to table names."""
    target = target.lower()
    if target not in TARGETS:
        raise ModelError(f"target must be 3nf or bcnf, not {target!r}")
    t = schema.table(table)
    columns = list(t.column_names)
    given = parse_fds(fds, columns) if isinstance(fds, str) else parse_fds(list(fds or ()), columns)
    for f in given:
        unknown = sorted(f.attributes - set(columns))
        if unknown:
            raise ModelError(f"{f}: no column {unknown[0]!r}", where=table)
    all_fds = [*given, *table_fds(t)]
    d = TARGETS[target](columns, all_fds)
    assert isinstance(d, Decomposition)
    u = Universe(columns)
    c = Closer(u, all_fds)
    superkeys = [r for r in d.relations if c.closure(u.mask(r.attributes)) == u.full]
    if not superkeys:  # cannot happen for a lossless decomposition; say so rather than guess
        raise ModelError("no relation of the decomposition holds a key of the table", where=table)
    pk = set(t.primary_key)
    # the table keeps a relation holding a key (its primary key when one does) from which every
    # other relation joins along one of its keys; the decompositions are built so that one does
    candidates = sorted(superkeys, key=lambda r: not (pk and pk <= set(r.attributes)))
    for chosen in candidates:
        others = [r for r in d.relations if r is not chosen]
        order = _join_order(chosen, [(str(i), r) for i, r in enumerate(others)])
        if order is not None:
            break
    else:
        raise ModelError("the decomposition cannot be joined back along keys from any relation holding a key "
                         f"of the table: {d.text()}", where=table)
    taken = set(schema.table_names)
    table_name: dict[int, str] = {}
    for i, r in enumerate(others):
        name = (names or {}).get(r.name) or suggest_name(table, r.key, taken)
        if name in taken:
            raise ModelError(f"table {name!r} already exists", where=r.name)
        taken.add(name)
        table_name[i] = name
    joins = [(table_name[int(i)], r) for i, r in order]
    main = chosen
    if pk and pk <= set(main.attributes) and c.closure(u.mask(pk)) & u.mask(main.attributes) == u.mask(main.attributes):
        main = replace(main, key=tuple(a for a in main.attributes if a in pk))
    tables = ((table, main), *joins)
    if len(d.relations) == 1:
        return NormalizationPlan(table, target, d, main, tables, None, ())
    batch = _operations(schema, t, main, joins)
    return NormalizationPlan(table, target, d, main, tables, batch, tuple((n, r.key) for n, r in joins))


def _operations(schema: Schema, t: Table, main: Relation, joins: Sequence[tuple[str, Relation]]) -> ops.Batch:
    out: list[ops.Operation] = []
    for name, r in joins:
        cols = tuple(replace(t.column(a), nullable=t.column(a).nullable and a not in r.key, default=None)
                     if a in r.key else t.column(a) for a in r.attributes)
        fks = tuple(ForeignKey(fk.columns, fk.ref_table, fk.ref_columns, on_delete=fk.on_delete,
                               on_update=fk.on_update, deferrable=fk.deferrable)
                    for fk in t.foreign_keys if set(fk.columns) <= set(r.attributes) and fk.ref_table != t.name)
        out.append(ops.AddTable(Table(name, columns=cols, primary_key=r.key, foreign_keys=fks,
                                      comment=f"split out of {t.name}: {', '.join(r.key)} determines "
                                              f"{', '.join(a for a in r.attributes if a not in r.key)}")))
    if tuple(main.key) != t.primary_key:
        out.append(ops.SetPrimaryKey(t.name, tuple(main.key)))
    for a in t.column_names:
        if a not in main.attributes:
            out.append(ops.DropColumn(t.name, a))
    # foreign keys follow the keys: a relation holding another's key references it
    everyone = [(t.name, main), *joins]
    for i, (child, rc) in enumerate(everyone):
        for j, (parent, rp) in enumerate(everyone):
            if i == j or not rp.key or not set(rp.key) <= set(rc.attributes) or j == 0:
                continue
            if set(rc.key) <= set(rp.attributes) and i > j:
                continue  # same key both ways (1:1): one direction is enough
            out.append(ops.AddForeignKey(child, ForeignKey(tuple(rp.key), parent, tuple(rp.key))))
    return ops.Batch(tuple(out), label=f"normalize {t.name}")


def normalize(schema: Schema, table: str, fds: Iterable[FD | str] | str | None = None,
              target: str = "3nf", names: Mapping[str, str] | None = None) -> ops.Batch:
    """The operations (one :class:`~dbmodel_kit.model.ops.Batch`) that decompose ``table`` into
    ``target``; raises ``ModelError`` when the table is already there.

    >>> from dbmodel_kit.model import Model
    >>> m = Model()
    >>> _ = m.add_table("orders", order_id="integer pk", customer_id="integer", customer_name="text")
    >>> batch = normalize(m.schema, "orders", "customer_id -> customer_name")
    >>> print("\\n".join(op.describe() for op in batch.ops))
    add table customers
    drop column orders.customer_name
    add foreign key orders(customer_id) -> customers(customer_id)
    """
    plan = plan_normalization(schema, table, fds, target, names)
    if plan.batch is None:
        raise ModelError(f"already in {target.upper()}: nothing to decompose", where=table)
    return plan.batch


# -- the data side --------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A query that must return ``expect`` (one number) for the migration to be correct."""

    name: str
    sql: str
    expect: int = 0


@dataclass(frozen=True)
class DataMigration:
    """Statements for one dialect: ``up`` (create, copy, view), ``checks`` (run after up),
    ``finish`` (drop the moved columns) and ``down`` (restore the columns, drop what up made)."""

    dialect: str
    up: tuple[str, ...]
    checks: tuple[Check, ...]
    finish: tuple[str, ...]
    down: tuple[str, ...]

    def script(self) -> str:
        parts = ["-- up: new tables, their data, and a view that rebuilds the original table",
                 *[s + ";" for s in self.up],
                 "-- checks: each query must return the number after it",
                 *[f"{c.sql};  -- expect {c.expect} ({c.name})" for c in self.checks],
                 "-- finish: drop the moved columns", *[s + ";" for s in self.finish],
                 "-- down", *[s + ";" for s in self.down]]
        return "\n".join(parts) + "\n"


def _id(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=_id(name), table=_id(table) if table else None)


def _tbl(name: str) -> exp.Table:
    return exp.Table(this=_id(name))


def _not_null(cols: Sequence[str], table: str | None = None) -> exp.Condition | None:
    conds = [exp.Not(this=exp.Is(this=_col(c, table), expression=exp.Null())) for c in cols]
    return exp.and_(*conds) if conds else None


def _count(query: exp.Expression) -> exp.Select:
    return exp.select(exp.Count(this=exp.Star())).from_(exp.Subquery(this=query, alias=exp.TableAlias(this=_id("q"))))


def data_migration(plan: NormalizationPlan, schema: Schema, dialect: str,
                   view: str | None = None) -> DataMigration:
    """The data step of ``plan`` on ``dialect`` (postgresql, mysql, sqlite, duckdb).

    ``schema`` is the schema *before* the normalization (the table still has every column);
    ``view`` names the view that rebuilds the original table (default ``<table>_joined``).
    """
    from .. import ddl
    from ..dialects import get_dialect

    if plan.batch is None:
        raise ModelError("nothing to migrate: the table is already in the target form", where=plan.table)
    d = get_dialect(dialect)
    g = d.sqlglot
    t = schema.table(plan.table)
    view = view or f"{plan.table}_joined"
    after = plan.batch.apply(schema)
    new_tables = [after.table(n) for n in plan.new_tables]
    # DDL of the new tables (keys and the FKs among them) from the ddl module (SQLAlchemy)
    mini = Schema(tables=tuple(replace(nt, foreign_keys=tuple(fk for fk in nt.foreign_keys
                                                              if fk.ref_table in plan.new_tables))
                               for nt in new_tables), enums=schema.enums)
    # enum types the new tables use already exist: their columns come from the original table
    up = [s.sql for s in ddl.statements(mini, d) if s.sql and s.kind != "type"]
    fill_order = [t_.name for t_ in dependency_order(mini)[0]]  # parents first: FKs hold during the copy
    relation = dict(plan.tables)
    checks: list[Check] = []
    for name in fill_order:
        r = relation[name]
        cols = list(r.attributes)
        select = exp.select(*[_col(c) for c in cols]).distinct().from_(_tbl(plan.table))
        cond = _not_null(r.key)
        if cond is not None:
            select = select.where(cond)
        insert = exp.Insert(this=exp.Schema(this=_tbl(name), expressions=[_id(c) for c in cols]), expression=select)
        up.append(insert.sql(dialect=g))
        rows_of_new = exp.select(exp.Count(this=exp.Star())).from_(_tbl(name))
        if r.key:
            keys = exp.select(*[_col(c) for c in r.key]).distinct().from_(_tbl(plan.table))
            if cond is not None:
                keys = keys.where(cond)
            checks.append(Check(f"{name}: one row per {', '.join(r.key)}",
                                exp.select(exp.Sub(this=_count(keys).subquery(),
                                                   expression=rows_of_new.subquery())).sql(dialect=g)))
        else:  # constant columns (the empty set determines them): at most one row
            count = exp.Count(this=exp.Star())
            checks.append(Check(f"{name}: at most one row (its columns are constant)", exp.select(exp.Case(
                ifs=[exp.If(this=exp.LTE(this=count, expression=exp.Literal.number(1)),
                            true=exp.Literal.number(0))], default=count.copy())).from_(_tbl(name)).sql(dialect=g)))
    # the view: the reduced table joined back to the new ones along keys
    src = dict.fromkeys(plan.main.attributes, plan.table)
    query = exp.select().from_(_tbl(plan.table))
    for name, r in plan.tables[1:]:
        on = exp.and_(*[exp.EQ(this=_col(k, src[k]), expression=_col(k, name)) for k in r.key]) if r.key \
            else exp.true()
        query = query.join(_tbl(name), on=on, join_type="left")
        for a in r.attributes:
            src.setdefault(a, name)
    query = query.select(*[exp.alias_(_col(a, src[a]), _id(a)) for a in t.column_names], append=False)
    up.append(exp.Create(this=_tbl(view), kind="VIEW", expression=query).sql(dialect=g))
    every = [_col(a) for a in t.column_names]
    for left, right in ((plan.table, view), (view, plan.table)):
        diff = exp.Except(this=exp.select(*every).from_(_tbl(left)), expression=exp.select(*every).from_(_tbl(right)),
                          distinct=True)
        checks.append(Check(f"rows of {left} missing from {right}", _count(diff).sql(dialect=g)))
    checks.append(Check(f"{view} has as many rows as {plan.table}",
                        exp.select(exp.Sub(this=exp.select(exp.Count(this=exp.Star())).from_(_tbl(plan.table)).subquery(),
                                           expression=exp.select(exp.Count(this=exp.Star())).from_(_tbl(view)).subquery())
                                   ).sql(dialect=g)))
    moved = [a for a in t.column_names if a not in plan.main.attributes]
    finish = [exp.Alter(this=_tbl(plan.table), kind="TABLE",
                        actions=[exp.Drop(tables=[_col(a)], kind="COLUMN")]).sql(dialect=g) for a in moved]
    compiled = d.compile_dialect()
    down = [exp.Drop(tables=[_tbl(view)], kind="VIEW", exists=True).sql(dialect=g)]
    for a in moved:
        type_sql = ddl.sa_type(t.column(a).type, d, schema).compile(dialect=compiled)
        coldef = exp.ColumnDef(this=_id(a), kind=exp.DataType.build(type_sql, dialect=g, udt=True))
        down.append(exp.Alter(this=_tbl(plan.table), kind="TABLE", actions=[coldef]).sql(dialect=g))
    have = set(plan.main.attributes)
    for name, r in plan.tables[1:]:
        for a in r.attributes:
            if a in have:
                continue
            sub_q = exp.select(_col(a, name)).from_(_tbl(name))
            if r.key:
                sub_q = sub_q.where(exp.and_(*[exp.EQ(this=_col(k, name), expression=_col(k, plan.table))
                                               for k in r.key]))
            sub = sub_q.subquery()
            down.append(exp.Update(this=_tbl(plan.table), expressions=[exp.EQ(this=_col(a), expression=sub)]
                                   ).sql(dialect=g))
            have.add(a)
    for name in reversed(fill_order):
        down.append(exp.Drop(tables=[_tbl(name)], kind="TABLE").sql(dialect=g))
    return DataMigration(d.name, tuple(up), tuple(checks), tuple(finish), tuple(down))


def run_migration(migration: DataMigration, url: str | sa.Engine, direction: str = "up") -> list[tuple[str, Any]]:
    """Run ``up`` (then the checks, then ``finish``) or ``down`` on a database; raises ModelError
    when a check fails (before anything is dropped). Returns ``(check name, value)`` pairs."""
    from .. import ddl

    engine = url if isinstance(url, sa.Engine) else ddl.create_engine(url)
    results: list[tuple[str, Any]] = []
    try:
        if direction == "down":
            for sql in migration.down:
                with engine.begin() as conn:
                    conn.exec_driver_sql(sql, execution_options={"no_parameters": True})
            return results
        with engine.begin() as conn:
            for sql in migration.up:
                conn.exec_driver_sql(sql, execution_options={"no_parameters": True})
            for c in migration.checks:
                value = conn.exec_driver_sql(c.sql, execution_options={"no_parameters": True}).scalar()
                results.append((c.name, value))
                if value != c.expect:
                    raise ModelError(f"check failed: {c.name}: got {value}, expected {c.expect}")
        for sql in migration.finish:  # one by one: DDL is not transactional everywhere
            with engine.begin() as conn:
                conn.exec_driver_sql(sql, execution_options={"no_parameters": True})
    finally:
        if not isinstance(url, sa.Engine):
            engine.dispose()
    return results
