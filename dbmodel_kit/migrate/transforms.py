"""Data-carrying composite operations: split and merge columns, decompose and recompose tables,
and a type change done as cast + backfill + verify.

Each is an :class:`~dbmodel_kit.model.ops.Operation` (so it registers itself in ``REGISTRY``,
goes in a model's log and undoes like any other) with ``expand(step, ctx)`` for the emitter:
the schema parts go through the ordinary per-dialect handlers (rebuilds included) and the data
SQL is written once as sqlglot trees and transpiled per dialect.

>>> from dbmodel_kit.model.schema import Schema
>>> from dbmodel_kit.model.spec import build_table
>>> s = Schema((build_table("products", {"id": "integer pk", "name": "varchar(100)"}),))
>>> op = SplitColumn("products", "name", ("brand", "model"))
>>> s2 = op.apply(s); s2.table("products").column_names
('id', 'brand', 'model')
>>> op.inverse(s).apply(s2) == s
True
>>> print(split_sql("products", "name", ("brand", "model"), " ", "sqlite"))  # doctest: +NORMALIZE_WHITESPACE
UPDATE "products" SET "brand" = CASE WHEN INSTR("name", ' ') = 0 THEN "name" ELSE SUBSTRING("name", 1,
INSTR("name", ' ') - 1) END, "model" = CASE WHEN INSTR("name", ' ') = 0 THEN NULL ELSE SUBSTRING("name",
INSTR("name", ' ') + LENGTH(' ')) END
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlglot import exp

from ..errors import ModelError
from ..model import naming
from ..model import ops as o
from ..model.schema import Check, Column, ForeignKey, Schema, Table
from ..model.types import TEXT_KINDS, DataType
from .plan import Reversibility, Step, widens


def _col(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def _tbl(key: str) -> exp.Table:
    """The table a model key names (``orders``, ``sales.orders``, ``"a.b"``), every part quoted."""
    # not exp.to_table(key, quoted=True): sqlglot 30 ignores `quoted` there (a table called
    # `order` came out bare) and splits at every dot, quoted or not; the key splits as the model
    # wrote it (naming.split_key)
    namespace, name = naming.split_key(key)
    return exp.Table(this=exp.to_identifier(name, quoted=True),
                     db=exp.to_identifier(namespace, quoted=True) if namespace is not None else None)


def _tcol(column: str, key: str) -> exp.Column:
    """``column`` of the table model key ``key`` names, qualified by that table."""
    t = _tbl(key)
    return exp.Column(this=exp.to_identifier(column, quoted=True), table=t.this, db=t.args.get("db"))


def split_sql(table: str, column: str, into: tuple[str, str], separator: str, dialect: str) -> str:
    """``UPDATE table SET a = <before the first separator>, b = <after it>`` for ``dialect``."""
    col, sep = _col(column), exp.Literal.string(separator)
    pos = exp.StrPosition(this=col.copy(), substr=sep.copy())
    zero = exp.Literal.number(0)
    first = exp.Case().when(exp.EQ(this=pos.copy(), expression=zero.copy()), col.copy()).else_(
        exp.Substring(this=col.copy(), start=exp.Literal.number(1),
                      length=exp.Sub(this=pos.copy(), expression=exp.Literal.number(1))))
    second = exp.Case().when(exp.EQ(this=pos.copy(), expression=zero.copy()), exp.Null()).else_(
        exp.Substring(this=col.copy(), start=exp.Add(this=pos.copy(), expression=exp.Length(this=sep.copy()))))
    update = exp.Update(this=_tbl(table), expressions=[
        exp.EQ(this=_col(into[0]), expression=first), exp.EQ(this=_col(into[1]), expression=second)])
    return update.sql(_sg(dialect))


def merge_sql(table: str, columns: tuple[str, str], into: str, separator: str, dialect: str) -> str:
    """``UPDATE table SET into = a || separator || b`` (just ``a`` when ``b`` is NULL)."""
    a, b = _col(columns[0]), _col(columns[1])
    joined = exp.DPipe(this=exp.DPipe(this=exp.Coalesce(this=a.copy(), expressions=[exp.Literal.string("")]),
                                      expression=exp.Literal.string(separator)), expression=b.copy())
    value = exp.Case().when(exp.Is(this=b.copy(), expression=exp.Null()), a.copy()).else_(joined)
    return exp.Update(this=_tbl(table), expressions=[exp.EQ(this=_col(into), expression=value)]).sql(_sg(dialect))


def distinct_insert_sql(source: str, target: str, columns: tuple[str, ...], key: tuple[str, ...], dialect: str) -> str:
    """``INSERT INTO target (cols) SELECT DISTINCT cols FROM source WHERE key IS NOT NULL``."""
    cols = [_col(c) for c in columns]
    where = exp.and_(*(exp.Not(this=exp.Is(this=_col(k), expression=exp.Null())) for k in key))
    select = exp.select(*cols).distinct().from_(_tbl(source)).where(where)
    insert = exp.Insert(this=exp.Schema(this=_tbl(target), expressions=[_col(c) for c in columns]),
                        expression=select)
    return insert.sql(_sg(dialect))


def join_back_sql(table: str, source: str, columns: tuple[str, ...], key: tuple[str, ...], dialect: str) -> str:
    """``UPDATE table SET c = (SELECT source.c FROM source WHERE source.k = table.k)`` per column."""
    def sub(c: str) -> exp.Expression:
        cond = exp.and_(*(exp.EQ(this=_tcol(k, source), expression=_tcol(k, table)) for k in key))
        return exp.Subquery(this=exp.select(_tcol(c, source)).from_(_tbl(source)).where(cond))

    return exp.Update(this=_tbl(table), expressions=[exp.EQ(this=_col(c), expression=sub(c)) for c in columns]
                      ).sql(_sg(dialect))


def cast_sql(table: str, column: str, target: str, type_sql: str, using: str | None, dialect: str) -> str:
    """``UPDATE table SET target = CAST(column AS type)`` (or the ``using`` expression)."""
    import sqlglot

    value = sqlglot.parse_one(using) if using else exp.Cast(
        this=_col(column), to=exp.DataType.build(type_sql, dialect=_sg(dialect)))
    return exp.Update(this=_tbl(table), expressions=[exp.EQ(this=_col(target), expression=value)]).sql(_sg(dialect))


def lost_sql(table: str, column: str, target: str, dialect: str) -> str:
    """``SELECT COUNT(*) FROM table WHERE column IS NOT NULL AND target IS NULL`` (values the cast lost)."""
    cond = exp.and_(exp.Not(this=exp.Is(this=_col(column), expression=exp.Null())),
                    exp.Is(this=_col(target), expression=exp.Null()))
    return exp.select(exp.Count(this=exp.Star())).from_(_tbl(table)).where(cond).sql(_sg(dialect))


def _sg(dialect: str) -> str:
    from ..dialects import get_dialect

    return get_dialect(dialect).sqlglot


# -- emission helpers ---------------------------------------------------------------------

def _emit_ops(ctx: Any, schema: Schema, ops: list[o.Operation]) -> tuple[list[Any], Schema]:
    """Pieces for schema-only ops applied from ``schema`` (rebuilds and handlers as usual)."""
    from .emit import pieces
    from .plan import classify

    out: list[Any] = []
    for op in ops:
        after = op.apply(schema)
        level, reason = classify(op, schema)
        out.extend(pieces(Step(op, schema, after, level, reason), ctx.dialect, safe=ctx.safe, index=ctx.index,
                          cache=ctx.cache))
        schema = after
    return out, schema


def _sql(text: str) -> Any:
    from .emit import _Piece

    return _Piece("sql", text)


def _check(sql: str, want: int) -> Any:
    from .emit import _Piece

    return _Piece("check", (sql, want))


def _nullable(c: Column) -> Column:
    return replace(c, nullable=True)


def _tighten(table: str, cols: list[Column]) -> list[o.Operation]:
    return [o.AlterColumn(table, c.name, nullable=False) for c in cols if not c.nullable]


# -- split and merge ------------------------------------------------------------------------

@dataclass(frozen=True)
class SplitColumn(o.Operation):
    """Split text column ``column`` into two at the first ``separator`` (``name -> brand, model``).

    ``into`` names the two new columns (text of the old column's type, nullable) or gives
    :class:`Column` values. The reverse is :class:`MergeColumns`, which joins them again.
    """

    table: str
    column: str
    into: tuple[Any, Any]
    separator: str = " "

    def __post_init__(self) -> None:
        if len(self.into) != 2:
            raise ModelError("SplitColumn makes exactly two columns")
        object.__setattr__(self, "into", tuple(self.into))
        if not self.separator:
            raise ModelError("SplitColumn needs a non-empty separator")

    def parts(self, before: Schema) -> tuple[Column, Column]:
        src = before.table(self.table).column(self.column)
        cols = tuple(c if isinstance(c, Column) else Column(c, src.type, nullable=True) for c in self.into)
        return cols  # type: ignore[return-value]

    def _ops(self, before: Schema) -> list[o.Operation]:
        t = before.table(self.table)
        pos = t.column_names.index(self.column)
        a, b = self.parts(before)
        return [o.AddColumn(self.table, _nullable(a), pos + 1), o.AddColumn(self.table, _nullable(b), pos + 2),
                *_tighten(self.table, [a, b]), o.DropColumn(self.table, self.column)]

    def _apply(self, schema: Schema) -> Schema:
        src = schema.table(self.table).column(self.column)
        if src.type.kind not in TEXT_KINDS:
            raise ModelError(f"{self.table}.{self.column} is {src.type}; only text columns split")
        for op in self._ops(schema):
            schema = op.apply(schema)
        return schema

    def inverse(self, before: Schema) -> o.Operation:
        t = before.table(self.table)
        a, b = self.parts(before)
        return MergeColumns(self.table, (a.name, b.name), t.column(self.column), self.separator,
                            t.column_names.index(self.column))

    def reversibility(self, before: Schema) -> tuple[Reversibility, str]:
        return "lossless", "merging the two parts with the separator gives every value back"

    def describe(self) -> str:
        names = [c.name if isinstance(c, Column) else c for c in self.into]
        return f"split column {self.table}.{self.column} into {', '.join(names)} at {self.separator!r}"

    def expand(self, step: Step, ctx: Any) -> list[Any]:
        ops = self._ops(step.before)
        a, b = self.parts(step.before)
        head, schema = _emit_ops(ctx, step.before, ops[:2])
        data = _sql(split_sql(self.table, self.column, (a.name, b.name), self.separator, ctx.dialect.name))
        tail, _ = _emit_ops(ctx, schema, ops[2:])
        return [*head, data, *tail]


@dataclass(frozen=True)
class MergeColumns(o.Operation):
    """Merge two columns into ``into`` joined by ``separator`` (a NULL second part adds nothing)."""

    table: str
    columns: tuple[str, str]
    into: Column
    separator: str = " "
    position: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        if len(self.columns) != 2:
            raise ModelError("MergeColumns joins exactly two columns")
        if isinstance(self.into, str):
            raise ModelError("MergeColumns needs the merged Column (name and type), not just a name")

    def _ops(self, before: Schema) -> list[o.Operation]:
        pos = self.position if self.position is not None else before.table(self.table).column_names.index(
            self.columns[0])
        return [o.AddColumn(self.table, _nullable(self.into), pos), *_tighten(self.table, [self.into]),
                *(o.DropColumn(self.table, c) for c in self.columns)]

    def _apply(self, schema: Schema) -> Schema:
        t = schema.table(self.table)
        for c in self.columns:
            if t.column(c).type.kind not in TEXT_KINDS:
                raise ModelError(f"{self.table}.{c} is {t.column(c).type}; only text columns merge")
            keyed: tuple[Any, ...] = (*t.foreign_keys, *t.uniques, *t.indexes)
            used = [x.name for x in keyed if c in x.columns]
            used += [ck.name for ck in t.checks if c in ck.columns]
            if used or c in t.primary_key:
                raise ModelError(f"{self.table}.{c} is used by {', '.join(used) or 'the primary key'}; "
                                 "drop that first so the merge can be undone exactly")
        for op in self._ops(schema):
            schema = op.apply(schema)
        return schema

    def inverse(self, before: Schema) -> o.Operation:
        t = before.table(self.table)
        return SplitColumn(self.table, self.into.name, (t.column(self.columns[0]), t.column(self.columns[1])),
                           self.separator)

    def reversibility(self, before: Schema) -> tuple[Reversibility, str]:
        return "lossy", (f"a {self.columns[0]} that contains {self.separator!r} (or is NULL) splits back "
                         "differently")

    def describe(self) -> str:
        return f"merge columns {self.table}.({', '.join(self.columns)}) into {self.into.name}"

    def expand(self, step: Step, ctx: Any) -> list[Any]:
        ops = self._ops(step.before)
        head, schema = _emit_ops(ctx, step.before, ops[:1])
        data = _sql(merge_sql(self.table, self.columns, self.into.name, self.separator, ctx.dialect.name))
        tail, _ = _emit_ops(ctx, schema, ops[1:])
        return [*head, data, *tail]


# -- decomposition ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecomposeTable(o.Operation):
    """Move ``columns`` of ``table`` into ``new_table`` keyed by ``key`` (which must determine them).

    ``new_table`` gets ``key`` (as primary key) and the moved columns, filled with
    ``INSERT ... SELECT DISTINCT``; ``table`` keeps ``key`` with a foreign key to it. If the key
    does not determine the columns the insert breaks the primary key and the unit rolls back.
    The reverse (:class:`RecomposeTable`) joins the values back.
    """

    table: str
    columns: tuple[str, ...]
    new_table: str
    key: tuple[str, ...]

    def __post_init__(self) -> None:
        for attr in ("columns", "key"):
            value = getattr(self, attr)
            object.__setattr__(self, attr, (value,) if isinstance(value, str) else tuple(value))
        if not self.columns or not self.key:
            raise ModelError("DecomposeTable needs columns to move and a key")

    @property
    def creates(self) -> tuple[str, ...]:
        return (self.new_table,)

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, self.new_table)

    def _new(self, before: Schema) -> Table:
        t = before.table(self.table)
        keys = [replace(t.column(k), nullable=False, default=None, generated=None) for k in self.key]
        moved = [t.column(c) for c in self.columns]
        # checks on the moved columns move with them (renamed for the new table)
        checks = tuple(Check(ck.expression) for ck in self._checks(t))
        return Table(self.new_table, columns=(*keys, *moved), primary_key=self.key, checks=checks,
                     comment=f"moved out of {self.table} (each {', '.join(self.key)} determines "
                             f"{', '.join(self.columns)})")

    def _checks(self, t: Table) -> list[Check]:
        return [ck for ck in t.checks if set(ck.columns) & set(self.columns)]

    def fk(self) -> ForeignKey:
        return ForeignKey(self.key, self.new_table, self.key, name=naming.fk_name(self.table, self.key, self.new_table))

    def _ops(self, before: Schema) -> list[o.Operation]:
        t = before.table(self.table)
        for c in self.key:
            if c in self.columns:
                raise ModelError(f"{c} is both a key and a moved column")
            t.column(c)
        for ck in self._checks(t):
            if not set(ck.columns) <= set(self.columns) | set(self.key):
                raise ModelError(f"check {ck.name} mixes moved and staying columns; drop it first")
        keyed: tuple[Any, ...] = (*t.foreign_keys, *t.uniques, *t.indexes)
        for x in keyed:
            if set(x.columns) & set(self.columns):
                raise ModelError(f"{x.name} uses a moved column; drop it first", where=self.table)
        return [o.AddTable(self._new(before)), *(o.DropColumn(self.table, c) for c in self.columns),
                o.AddForeignKey(self.table, self.fk())]

    def _apply(self, schema: Schema) -> Schema:
        for op in self._ops(schema):
            schema = op.apply(schema)
        return schema

    def inverse(self, before: Schema) -> o.Operation:
        t = before.table(self.table)
        return RecomposeTable(self.table, self.new_table, tuple(t.column(c) for c in self.columns), self.key,
                              tuple(t.column_names.index(c) for c in self.columns), tuple(self._checks(t)))

    def reversibility(self, before: Schema) -> tuple[Reversibility, str]:
        nullable = [k for k in self.key if before.table(self.table).column(k).nullable]
        if nullable:
            return "lossy", f"rows whose {', '.join(nullable)} is NULL lose the moved values"
        return "lossless", "joining back on the key restores every moved value"

    def describe(self) -> str:
        return (f"move {self.table}.({', '.join(self.columns)}) into new table {self.new_table} "
                f"keyed by ({', '.join(self.key)})")

    def expand(self, step: Step, ctx: Any) -> list[Any]:
        ops = self._ops(step.before)
        head, schema = _emit_ops(ctx, step.before, ops[:1])
        data = _sql(distinct_insert_sql(self.table, self.new_table, (*self.key, *self.columns), self.key,
                                        ctx.dialect.name))
        tail, _ = _emit_ops(ctx, schema, ops[1:])
        return [*head, data, *tail]


@dataclass(frozen=True)
class RecomposeTable(o.Operation):
    """Join ``columns`` of ``from_table`` back into ``table`` on ``key`` and drop ``from_table``."""

    table: str
    from_table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    positions: tuple[int, ...] = ()
    #: checks to put back on ``table`` (they moved to ``from_table`` with the columns)
    checks: tuple[Check, ...] = ()

    def __post_init__(self) -> None:
        for attr in ("columns", "key", "positions", "checks"):
            object.__setattr__(self, attr, tuple(getattr(self, attr)))

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, self.from_table)

    def _ops(self, before: Schema) -> list[o.Operation]:
        t = before.table(self.table)
        fk = next((fk for fk in t.foreign_keys if fk.ref_table == self.from_table and fk.columns == self.key), None)
        if fk is None:
            raise ModelError(f"{self.table} has no foreign key ({', '.join(self.key)}) -> {self.from_table}")
        positions = self.positions or (None,) * len(self.columns)
        adds = [o.AddColumn(self.table, _nullable(c), p) for c, p in zip(self.columns, positions)]
        return [*adds, o.DropForeignKey(self.table, fk.name), *_tighten(self.table, list(self.columns)),
                *(o.AddCheck(self.table, ck) for ck in self.checks), o.DropTable(self.from_table)]

    def _apply(self, schema: Schema) -> Schema:
        for op in self._ops(schema):
            schema = op.apply(schema)
        return schema

    def inverse(self, before: Schema) -> o.Operation:
        return DecomposeTable(self.table, tuple(c.name for c in self.columns), self.from_table, self.key)

    def reversibility(self, before: Schema) -> tuple[Reversibility, str]:
        return "lossy", f"rows of {self.from_table} that no {self.table} row references are dropped with it"

    def describe(self) -> str:
        return f"join {self.from_table}.({', '.join(c.name for c in self.columns)}) back into {self.table}"

    def expand(self, step: Step, ctx: Any) -> list[Any]:
        ops = self._ops(step.before)
        n = len(self.columns)
        head, schema = _emit_ops(ctx, step.before, ops[:n])
        data = _sql(join_back_sql(self.table, self.from_table, tuple(c.name for c in self.columns), self.key,
                                  ctx.dialect.name))
        tail, _ = _emit_ops(ctx, schema, ops[n:])
        return [*head, data, *tail]


# -- type change as cast + backfill + verify --------------------------------------------------

@dataclass(frozen=True)
class CastColumn(o.Operation):
    """Change a column's type through a new column: add it, backfill ``CAST(old AS type)`` (or
    ``using``), check that no non-NULL value became NULL, drop the old column, rename the new one.

    Portable where ALTER COLUMN TYPE is not (SQLite, DuckDB with indexes) and it verifies the
    data: engines that cast leniently (SQLite, MySQL) would otherwise turn bad values into NULL
    or 0 silently. The column must not be in a key, index or constraint (use AlterColumn).
    """

    table: str
    column: str
    type: Any
    using: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", DataType.parse(self.type))

    @property
    def temp(self) -> str:
        return naming.shorten(f"{self.column}__new")

    def _ops(self, before: Schema) -> list[o.Operation]:
        t = before.table(self.table)
        col = t.column(self.column)
        keyed: tuple[Any, ...] = (*t.foreign_keys, *t.indexes, *t.uniques)
        used = [x.name for x in keyed if self.column in x.columns] + [
            ck.name for ck in t.checks if self.column in ck.columns]
        if self.column in t.primary_key or used or (before.referencing(self.table) and any(
                self.column in fk.ref_columns for _, fk in before.referencing(self.table))):
            raise ModelError(f"{self.table}.{self.column} is used by {', '.join(used) or 'a key'}; "
                             "use AlterColumn for it")
        new = replace(col, name=self.temp, type=self.type, nullable=True, default=None)
        pos = t.column_names.index(self.column)
        ops: list[o.Operation] = [o.AddColumn(self.table, new, pos + 1), o.DropColumn(self.table, self.column),
                                  o.RenameColumn(self.table, self.temp, self.column)]
        if not col.nullable:
            ops.append(o.AlterColumn(self.table, self.column, nullable=False))
        if col.default is not None:
            ops.append(o.AlterColumn(self.table, self.column, default=col.default))
        return ops

    def _apply(self, schema: Schema) -> Schema:
        for op in self._ops(schema):
            schema = op.apply(schema)
        return schema

    def inverse(self, before: Schema) -> o.Operation:
        return CastColumn(self.table, self.column, before.table(self.table).column(self.column).type)

    def reversibility(self, before: Schema) -> tuple[Reversibility, str]:
        old = before.table(self.table).column(self.column).type
        if widens(old, self.type):
            return "lossless", f"{old} -> {self.type} widens: every value converts back"
        return "lossy", f"{old} -> {self.type} may not hold every value (the verify step refuses NULLs)"

    def describe(self) -> str:
        return f"change type of {self.table}.{self.column} to {self.type} (cast, backfill, verify)"

    def expand(self, step: Step, ctx: Any) -> list[Any]:
        from ..ddl import sa_type

        ops = self._ops(step.before)
        head, schema = _emit_ops(ctx, step.before, ops[:1])
        type_sql = sa_type(self.type, ctx.dialect, step.before).compile(dialect=ctx.dialect.compile_dialect())
        d = ctx.dialect.name
        data = [_sql(cast_sql(self.table, self.column, self.temp, type_sql, self.using, d)),
                _check(lost_sql(self.table, self.column, self.temp, d), 0)]
        tail, _ = _emit_ops(ctx, schema, ops[1:])
        return [*head, *data, *tail]


__all__ = ["CastColumn", "DecomposeTable", "MergeColumns", "RecomposeTable", "SplitColumn", "cast_sql",
           "distinct_insert_sql", "join_back_sql", "lost_sql", "merge_sql", "split_sql"]
