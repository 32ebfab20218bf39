"""Render: a :class:`~.plan.Plan` -> SQL per dialect, an Alembic revision script, a JSON plan.

Each plan step becomes Alembic operation objects (``alembic.operations.ops``); SQL comes from
running them through Alembic in offline mode (``as_sql``), the revision script from Alembic's
own renderer. Where an engine cannot ALTER in place the table is rebuilt (create new, copy,
swap): SQLite through Alembic batch mode (``recreate="always"``); DuckDB by hand, because
DuckDB refuses to drop or rename a table that an index or another table's foreign key depends
on, so the table and every table that references it are copied aside, re-created and refilled.

Column types, constraints and names come from :func:`dbmodel_kit.ddl.to_metadata` (the one
type mapping); data-carrying SQL is written once as sqlglot trees and transpiled per dialect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.ddl.impl import DefaultImpl
from alembic.operations import Operations
from alembic.operations import ops as aops
from alembic.runtime.migration import MigrationContext
from sqlalchemy.util import OrderedSet
from sqlglot import exp

from .. import __version__
from ..dialects import Dialect, get_dialect
from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Column, Schema, Table
from .plan import Plan, Step
from .transforms import _tbl


class DuckDBImpl(DefaultImpl):
    """Alembic has no DuckDB implementation; DuckDB speaks PostgreSQL-style ALTER for what it
    supports (see duckdb_engine's README, "Alembic integration")."""

    __dialect__ = "duckdb"
    transactional_ddl = True


# -- what each engine can do in place (a table, not branches) -------------------------------

#: Operations an engine runs as ALTER; any other touching an existing table is a rebuild.
IN_PLACE: dict[str, frozenset[type[o.Operation]]] = {
    "postgresql": frozenset(o.REGISTRY.values()),
    "mysql": frozenset(o.REGISTRY.values()),
    # SQLite: ADD/RENAME/DROP COLUMN and indexes only (https://www.sqlite.org/lang_altertable.html)
    "sqlite": frozenset({o.AddTable, o.DropTable, o.RenameTable, o.AddColumn, o.RenameColumn, o.DropColumn,
                         o.AddIndex, o.DropIndex, o.AddEnum, o.DropEnum, o.AlterTable, o.MoveColumn}),
    # DuckDB: any ALTER other than ADD COLUMN fails while an index or a foreign key depends on
    # the table ("Dependency Error"), and ADD CONSTRAINT is not implemented
    "duckdb": frozenset({o.AddTable, o.DropTable, o.AddIndex, o.DropIndex, o.AddColumn, o.AddEnum, o.DropEnum,
                         o.AlterTable, o.MoveColumn}),
}


def needs_rebuild(op: o.Operation, dialect: str | Dialect, before: Schema) -> bool:
    """Whether ``dialect`` must rebuild a table to run ``op`` (it cannot ALTER it in place)."""
    name = get_dialect(dialect).name
    if type(op) not in IN_PLACE.get(name, frozenset()) and type(op) in set(o.REGISTRY.values()) \
            and getattr(op, "table", None) is not None and not isinstance(op, o.AddTable):
        return True
    if isinstance(op, o.AddColumn):  # SQLite/DuckDB ADD COLUMN takes no NOT NULL without default, no PK
        if op.column.type.kind == "enum" and get_dialect(dialect).enum_style == "check":
            return True  # the enum's CHECK comes with it, and SQLite adds no CHECK in place
        # DuckDB refuses ADD COLUMN ... NOT NULL while an index or FK depends on the table
        return (name == "sqlite" and not op.column.nullable and op.column.default is None) or (
            name == "duckdb" and not op.column.nullable)
    if isinstance(op, o.DropColumn) and name == "sqlite":
        t = before.table(op.table)
        if t.column(op.column).type.kind == "enum":  # its enum CHECK goes with it
            return True
        keyed: tuple[Any, ...] = (*t.foreign_keys, *t.uniques)
        return any(op.column in x.columns for x in keyed) or any(
            op.column in ck.columns for ck in t.checks)
    if isinstance(op, o.DropTable) and name == "duckdb":
        return False
    return False


# -- output plumbing -----------------------------------------------------------------------

class _Collector:
    """An Alembic ``output_buffer`` that keeps each statement apart (Alembic writes one per call)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def write(self, text: str) -> None:
        text = text.strip()
        if text:
            self.statements.append(text.removesuffix(";").rstrip())

    def flush(self) -> None:
        pass


@dataclass
class Unit:
    """Statements run together: in one transaction when ``transactional`` (and the engine allows)."""

    statements: list[str] = field(default_factory=list)
    transactional: bool = True
    steps: list[int] = field(default_factory=list)
    #: ``(after, sql, expected)``: after the first ``after`` statements ``sql`` must return
    #: ``expected``, else the unit is aborted (and rolled back)
    checks: list[tuple[int, str, int]] = field(default_factory=list)


@dataclass
class _Piece:
    kind: str  # "op" | "batch" | "sql" | "check" | "nontx" | "alone" (own transaction)
    payload: Any
    table: str | None = None
    copy_from: sa.Table | None = None


class _Tables:
    """SQLAlchemy tables for a schema on one dialect, built per table on demand (with the
    tables it references, which SQLAlchemy needs to compile the FOREIGN KEY clause)."""

    def __init__(self, schema: Schema, dialect: Dialect) -> None:
        self.schema, self.dialect = schema, dialect
        self._cache: dict[str, sa.Table] = {}

    def __getitem__(self, name: str) -> sa.Table:
        if name not in self._cache:
            from ..ddl import to_metadata

            t = self.schema.table(name)
            parents = {fk.ref_table for fk in t.foreign_keys if fk.ref_table != name}
            sub = [t, *(_bare(self.schema.table(p)) for p in sorted(parents))]
            md = to_metadata(Schema(tuple(sub), self.schema.enums), self.dialect)
            table = md.tables[name]
            for c in table.constraints:
                if isinstance(c, sa.CheckConstraint):
                    # Alembic batch mode keeps a CHECK only when it can find the columns it uses,
                    # and takes ddl's literal_column text for one strange column; as a text
                    # clause it names no column and is always carried over
                    c.sqltext = sa.text(str(c.sqltext))
            # Table.constraints is a set; Alembic walks it as is, so output order would follow
            # object ids. An ordered set in creation order makes every emitted script repeatable.
            table.constraints = OrderedSet(sorted(table.constraints, key=lambda c: c._creation_order))
            table.indexes = OrderedSet(sorted(table.indexes, key=lambda i: i.name or ""))
            self._cache[name] = table
        return self._cache[name]


def _bare(t: Table) -> Table:
    from dataclasses import replace

    return replace(t, foreign_keys=())


@dataclass
class _Ctx:
    step: Step
    dialect: Dialect
    safe: bool
    index: int
    cache: dict[int, _Tables]

    def tables(self, schema: Schema) -> _Tables:
        key = id(schema)
        if key not in self.cache:
            self.cache[key] = _Tables(schema, self.dialect)
        return self.cache[key]

    @property
    def before(self) -> _Tables:
        return self.tables(self.step.before)

    @property
    def after(self) -> _Tables:
        return self.tables(self.step.after)


# -- model operation -> Alembic operations -------------------------------------------------

def _column(ctx: _Ctx, table: str, column: str, *, after: bool = True) -> sa.Column:
    t = (ctx.after if after else ctx.before)[table]
    return t.c[column]


def _copy(col: sa.Column) -> sa.Column:
    return col._copy()  # a detached copy Alembic can attach to its own table


def _create_table(op: o.AddTable, ctx: _Ctx) -> list[Any]:
    t = ctx.after[op.table.name]
    out: list[Any] = [aops.CreateTableOp.from_table(t)]
    out += [aops.CreateIndexOp.from_index(ix) for ix in sorted(t.indexes, key=lambda i: i.name or "")]
    return out


def _drop_table(op: o.DropTable, ctx: _Ctx) -> list[Any]:
    return [aops.DropTableOp.from_table(ctx.before[op.table])]


def _rename_table(op: o.RenameTable, ctx: _Ctx) -> list[Any]:
    return [aops.RenameTableOp(op.table, op.new_name)]


def _add_column(op: o.AddColumn, ctx: _Ctx) -> list[Any]:
    col = _copy(_column(ctx, op.table, op.column.name))
    col.primary_key = False
    out: list[Any] = [aops.AddColumnOp(op.table, col)]
    if op.column.type.kind == "enum" and ctx.dialect.enum_style == "check":
        from ..ddl import enum_check_name

        name = enum_check_name(op.table, op.column.name)
        out.append(aops.CreateCheckConstraintOp.from_constraint(_constraint(ctx, op.table, name)))
    return out


#: Engines whose DROP COLUMN drops every index and constraint using the column, as the model
#: does (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN).
DROP_COLUMN_DROPS_DEPENDENTS = frozenset({"postgresql"})


def _drop_column(op: o.DropColumn, ctx: _Ctx) -> list[Any]:
    # elsewhere drop what uses the column first, explicitly: MySQL refuses to drop a column an FK needs
    t = ctx.step.before.table(op.table)
    col = _column(ctx, op.table, op.column, after=False)
    if ctx.dialect.name in DROP_COLUMN_DROPS_DEPENDENTS:
        return [aops.DropColumnOp(op.table, op.column, _reverse=aops.AddColumnOp(op.table, _copy(col)))]
    out: list[Any] = []
    for fk in t.foreign_keys:
        if op.column in fk.columns:
            out.append(aops.DropConstraintOp(fk.name, op.table, type_="foreignkey"))
    for ck in t.checks:
        if op.column in ck.columns:
            out.append(aops.DropConstraintOp(ck.name, op.table, type_="check"))
    for uq in t.uniques:
        if op.column in uq.columns:
            out.append(aops.DropConstraintOp(uq.name, op.table, type_="unique"))
    for ix in t.indexes:
        if op.column in ix.columns or op.column in ix.include or (ix.where and op.column in _cols(ix.where)):
            out.append(aops.DropIndexOp(ix.name, op.table))
    if t.column(op.column).type.kind == "enum" and ctx.dialect.enum_style == "check":
        from ..ddl import enum_check_name

        out.append(aops.DropConstraintOp(enum_check_name(op.table, op.column), op.table, type_="check"))
    col = _column(ctx, op.table, op.column, after=False)
    out.append(aops.DropColumnOp(op.table, op.column, _reverse=aops.AddColumnOp(op.table, _copy(col))))
    return out


def _cols(sql: str) -> tuple[str, ...]:
    from ..model.schema import sql_columns

    return sql_columns(sql)


def _existing(ctx: _Ctx, table: str, column: str) -> dict[str, Any]:
    col = _column(ctx, table, column, after=False)
    return {"existing_type": col.type, "existing_nullable": col.nullable,
            "existing_server_default": _default_arg(col),
            "existing_comment": col.comment}


def _default_arg(col: sa.Column) -> Any:
    """The server default's SQL (``False``: none), as Alembic's ``existing_server_default`` wants."""
    default: Any = col.server_default
    return default.arg if default is not None else False


def _rename_column(op: o.RenameColumn, ctx: _Ctx) -> list[Any]:
    return [aops.AlterColumnOp(op.table, op.column, modify_name=op.new_name, **_existing(ctx, op.table, op.column))]


def _alter_column(op: o.AlterColumn, ctx: _Ctx) -> list[Any]:
    new = _column(ctx, op.table, op.column)
    kw: dict[str, Any] = {}
    changes = op.changes()
    if "type" in changes:
        kw["modify_type"] = new.type
        using = op.using or exp.cast(exp.column(op.column, quoted=True),
                                     exp.DataType.build(new.type.compile(ctx.dialect.compile_dialect()),
                                                        dialect=ctx.dialect.sqlglot)).sql(ctx.dialect.sqlglot)
        kw["postgresql_using"] = using
    if "nullable" in changes:
        kw["modify_nullable"] = new.nullable
    if "default" in changes:
        arg = _default_arg(new)
        kw["modify_server_default"] = None if arg is False else arg
    if "comment" in changes and ctx.dialect.comments:
        kw["modify_comment"] = new.comment if new.comment is not None else None
    if not kw:
        return []
    if changes.get("nullable") is False and ctx.safe and ctx.dialect.lock_safe_forms and len(kw) == 1:
        return _safe_not_null(op, ctx)
    return [aops.AlterColumnOp(op.table, op.column, **_existing(ctx, op.table, op.column), **kw)]


def _safe_not_null(op: o.AlterColumn, ctx: _Ctx) -> list[Any]:
    """PostgreSQL: CHECK (c IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (uses the check, no
    scan under the exclusive lock), drop the check (strong_migrations' recipe)."""
    name = f"ck_{op.table}_{op.column}_not_null"[:63]
    cond = exp.Is(this=exp.column(op.column, quoted=True), expression=exp.Null()).not_().sql("postgres")
    return [aops.CreateCheckConstraintOp(name, op.table, sa.text(cond), postgresql_not_valid=True),
            _validate(name, op.table, ctx),
            aops.AlterColumnOp(op.table, op.column, modify_nullable=False, **_existing(ctx, op.table, op.column)),
            aops.DropConstraintOp(name, op.table, type_="check")]


def _validate(name: str, table: str, ctx: _Ctx) -> Any:
    """VALIDATE CONSTRAINT in a transaction of its own: it only takes a SHARE UPDATE EXCLUSIVE
    lock, unless the ACCESS EXCLUSIVE lock of the ADD ... NOT VALID is still held (squawk's
    constraint-missing-not-valid explains)."""
    # no SQLAlchemy/Alembic construct for VALIDATE CONSTRAINT; names quoted by the dialect's preparer
    prep = ctx.dialect.compile_dialect().identifier_preparer
    return _Piece("alone", aops.ExecuteSQLOp(f"ALTER TABLE {prep.quote(table)} VALIDATE CONSTRAINT {prep.quote(name)}"))


def _pk_name(ctx: _Ctx, table: str, *, after: bool) -> str:
    t = (ctx.after if after else ctx.before)[table]
    return str(t.primary_key.name or f"{table}_pkey")


def _set_pk(op: o.SetPrimaryKey, ctx: _Ctx) -> list[Any]:
    out: list[Any] = []
    if ctx.step.before.table(op.table).primary_key:
        out.append(aops.DropConstraintOp(_pk_name(ctx, op.table, after=False), op.table, type_="primary"))
    for c in op.columns:  # key columns become NOT NULL (the model did it)
        if ctx.step.before.table(op.table).column(c).nullable:
            out.append(aops.AlterColumnOp(op.table, c, modify_nullable=False, **_existing(ctx, op.table, c)))
    if op.columns:
        out.append(aops.CreatePrimaryKeyOp(_pk_name(ctx, op.table, after=True), op.table, list(op.columns)))
    return out


def _constraint(ctx: _Ctx, table: str, name: str) -> Any:
    """The SQLAlchemy constraint ``name`` of ``table`` after the step (built by ``ddl``)."""
    for c in ctx.after[table].constraints:
        if c.name == name:
            return c
    raise ModelError(f"{ctx.dialect.name} cannot store constraint {name} of {table}", where=table)


def _add_fk(op: o.AddForeignKey, ctx: _Ctx) -> list[Any]:
    created = aops.CreateForeignKeyOp.from_constraint(_constraint(ctx, op.table, op.foreign_key.name))
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        created.kw["postgresql_not_valid"] = True
        return [created, _validate(op.foreign_key.name, op.table, ctx)]
    return [created]


def _existing_tables(ctx: _Ctx) -> set[str]:
    return set(ctx.step.before.table_names)


def _add_check(op: o.AddCheck, ctx: _Ctx) -> list[Any]:
    created = aops.CreateCheckConstraintOp.from_constraint(_constraint(ctx, op.table, op.check.name))
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        created.kw["postgresql_not_valid"] = True
        return [created, _validate(op.check.name, op.table, ctx)]
    return [created]


def _add_unique(op: o.AddUnique, ctx: _Ctx) -> list[Any]:
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        # build the index without blocking writes, then let the constraint adopt it
        t = ctx.after[op.table]
        ix = sa.Index(op.unique.name, *[t.c[c] for c in op.unique.columns], unique=True)
        created = aops.CreateIndexOp.from_index(ix)
        created.kw["postgresql_concurrently"] = True
        prep = ctx.dialect.compile_dialect().identifier_preparer
        adopt = aops.ExecuteSQLOp(f"ALTER TABLE {prep.quote(op.table)} ADD CONSTRAINT {prep.quote(op.unique.name)} "
                                  f"UNIQUE USING INDEX {prep.quote(op.unique.name)}")
        return [_Piece("nontx", created), adopt]
    return [aops.CreateUniqueConstraintOp.from_constraint(_constraint(ctx, op.table, op.unique.name))]


def _add_index(op: o.AddIndex, ctx: _Ctx) -> list[Any]:
    ix = next(i for i in ctx.after[op.table].indexes if i.name == op.index.name)
    created = aops.CreateIndexOp.from_index(ix)
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        created.kw["postgresql_concurrently"] = True
        return [_Piece("nontx", created)]
    return [created]


#: Engines that create an index for each foreign key no index covers, named after the FK
#: (MySQL/InnoDB: https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html).
FK_MAKES_INDEX = frozenset({"mysql"})


def _covered(t: Table, cols: tuple[str, ...], without: str | None = None) -> bool:
    """Whether an index, unique or primary key other than ``without`` starts with ``cols``."""
    n = len(cols)
    keys = [t.primary_key, *(u.columns for u in t.uniques),
            *(ix.columns for ix in t.indexes if ix.name != without and not ix.where)]
    return any(tuple(k[:n]) == tuple(cols) for k in keys)


def _drop_fk(op: o.DropForeignKey, ctx: _Ctx) -> list[Any]:
    out: list[Any] = [aops.DropConstraintOp(op.name, op.table, type_="foreignkey")]
    t = ctx.step.before.table(op.table)
    if ctx.dialect.name in FK_MAKES_INDEX and not _covered(t, t.foreign_key(op.name).columns):
        out.append(aops.DropIndexOp(op.name, op.table))  # the index the engine made for it
    return out


def _drop_index(op: o.DropIndex, ctx: _Ctx) -> list[Any]:
    t = ctx.step.before.table(op.table)
    if ctx.dialect.name in FK_MAKES_INDEX:
        # the engine refuses to drop an index a foreign key needs: drop the FK, drop the index,
        # add the FK back (the engine then makes its own index for it)
        ix = t.index(op.name)
        needy = [fk for fk in t.foreign_keys if tuple(ix.columns[:len(fk.columns)]) == fk.columns
                 and not _covered(t, fk.columns, without=op.name)]
        if needy:
            before = [aops.DropConstraintOp(fk.name, op.table, type_="foreignkey") for fk in needy]
            after = [aops.CreateForeignKeyOp.from_constraint(_constraint(ctx, op.table, fk.name)) for fk in needy]
            return [*before, aops.DropIndexOp(op.name, op.table), *after]
    kw: dict[str, Any] = {}
    if ctx.safe and ctx.dialect.lock_safe_forms:
        kw["postgresql_concurrently"] = True
        return [_Piece("nontx", aops.DropIndexOp(op.name, op.table, **kw))]
    return [aops.DropIndexOp(op.name, op.table)]


def _drop_named(kind: str) -> Callable[[Any, _Ctx], list[Any]]:
    def handler(op: Any, ctx: _Ctx) -> list[Any]:
        return [aops.DropConstraintOp(op.name, op.table, type_=kind)]
    return handler


def _alter_table(op: o.AlterTable, ctx: _Ctx) -> list[Any]:
    if "comment" in op.changes() and ctx.dialect.comments:
        old = ctx.step.before.table(op.table).comment
        if op.comment is None:
            return [aops.DropTableCommentOp(op.table, existing_comment=old)]
        return [aops.CreateTableCommentOp(op.table, op.comment, existing_comment=old)]
    return []


def _nothing(op: o.Operation, ctx: _Ctx) -> list[Any]:
    return []


def _enum_type(ctx: _Ctx, name: str, schema: Schema) -> Any:
    from sqlalchemy.dialects import postgresql

    return postgresql.ENUM(*schema.enum(name).values, name=name)


def _add_enum(op: o.AddEnum, ctx: _Ctx) -> list[Any]:
    if ctx.dialect.enum_style != "type":
        return []
    from sqlalchemy.dialects.postgresql.named_types import CreateEnumType

    ddl = CreateEnumType(_enum_type(ctx, op.enum.name, ctx.step.after))
    return [aops.ExecuteSQLOp(str(ddl.compile(dialect=ctx.dialect.compile_dialect())))]


def _drop_enum(op: o.DropEnum, ctx: _Ctx) -> list[Any]:
    if ctx.dialect.enum_style != "type":
        return []
    from sqlalchemy.dialects.postgresql.named_types import DropEnumType

    ddl = DropEnumType(_enum_type(ctx, op.name, ctx.step.before))
    return [aops.ExecuteSQLOp(str(ddl.compile(dialect=ctx.dialect.compile_dialect())))]


def _alter_enum(op: o.AlterEnum, ctx: _Ctx) -> list[Any]:
    """Swap the enum type (or the inline ENUM/check of each column using it) for the new values."""
    users = [(t.name, c.name) for t in ctx.step.after.tables for c in t.columns
             if c.type.kind == "enum" and c.type.enum == op.name]
    out: list[Any] = []
    if ctx.dialect.enum_style == "type":
        from sqlalchemy.dialects.postgresql.named_types import CreateEnumType, DropEnumType

        comp = ctx.dialect.compile_dialect()
        old = _enum_type(ctx, op.name, ctx.step.before)
        tmp = f"{op.name}__old"[:63]
        prep = comp.identifier_preparer
        # neither SQLAlchemy nor sqlglot builds ALTER TYPE ... RENAME; names quoted by the dialect
        out.append(aops.ExecuteSQLOp(f"ALTER TYPE {prep.quote(op.name)} RENAME TO {prep.quote(tmp)}"))
        created = CreateEnumType(_enum_type(ctx, op.name, ctx.step.after))
        out.append(aops.ExecuteSQLOp(str(created.compile(dialect=comp))))
        for table, col in users:
            using = exp.cast(exp.cast(exp.column(col, quoted=True), "text"), exp.DataType.build(
                op.name, dialect="postgres", udt=True)).sql("postgres")
            # a default of the old type cannot be cast automatically: take it off and put it back
            default = _column(ctx, table, col).server_default
            existing = _existing(ctx, table, col)
            if default is not None:
                out.append(aops.AlterColumnOp(table, col, modify_server_default=None, **existing))
            out.append(aops.AlterColumnOp(table, col, modify_type=_column(ctx, table, col).type,
                                          postgresql_using=using, **{**existing, "existing_server_default": None}))
            if default is not None:
                out.append(aops.AlterColumnOp(table, col, modify_server_default=_default_arg(_column(ctx, table, col)),
                                              **{**existing, "existing_server_default": None}))
        old.name = tmp
        out.append(aops.ExecuteSQLOp(str(DropEnumType(old).compile(dialect=comp))))
        return out
    if ctx.dialect.enum_style == "check":  # text + CHECK (col IN (...)): swap the check
        from ..ddl import enum_check_name

        pieces_: list[Any] = []
        for table, col in users:
            name = enum_check_name(table, col)
            inner = [aops.DropConstraintOp(name, table, type_="check"),
                     aops.AlterColumnOp(table, col, modify_type=_column(ctx, table, col).type,
                                        **_existing(ctx, table, col)),
                     aops.CreateCheckConstraintOp.from_constraint(_constraint(ctx, table, name))]
            rebuild = needs_rebuild(o.AlterColumn(table, col, nullable=True), ctx.dialect, ctx.step.before)
            pieces_.append(_Piece("batch", inner, table=table, copy_from=ctx.before[table]) if rebuild
                           else inner)
        return [x for p in pieces_ for x in (p if isinstance(p, list) else [p])]
    for table, col in users:
        out.append(aops.AlterColumnOp(table, col, modify_type=_column(ctx, table, col).type,
                                      **_existing(ctx, table, col)))
    return out


HANDLERS: dict[type[o.Operation], Callable[[Any, _Ctx], list[Any]]] = {
    o.AddTable: _create_table, o.DropTable: _drop_table, o.RenameTable: _rename_table,
    o.AlterTable: _alter_table, o.AddColumn: _add_column, o.DropColumn: _drop_column,
    o.RenameColumn: _rename_column, o.AlterColumn: _alter_column, o.MoveColumn: _nothing,
    o.SetPrimaryKey: _set_pk, o.AddForeignKey: _add_fk, o.DropForeignKey: _drop_fk,
    o.AddIndex: _add_index, o.DropIndex: _drop_index, o.AddUnique: _add_unique,
    o.DropUnique: _drop_named("unique"), o.AddCheck: _add_check, o.DropCheck: _drop_named("check"),
    o.AddEnum: _add_enum, o.DropEnum: _drop_enum, o.AlterEnum: _alter_enum,
}


#: What an engine cannot do at all (no in-place form and no rebuild), with the reason.
UNSUPPORTED: dict[tuple[str, type[o.Operation]], str] = {
    ("duckdb", o.AlterEnum): "DuckDB has no ALTER TYPE and cannot drop an enum type a column uses; "
                             "add a new enum and move the columns to it",
}


def unsupported(op: o.Operation, dialect: str | Dialect) -> str | None:
    """Why ``dialect`` cannot run ``op`` (None when it can)."""
    return UNSUPPORTED.get((get_dialect(dialect).name, type(op)))


# -- rebuilds --------------------------------------------------------------------------------

def _batch(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """SQLite: Alembic batch mode over the old table; the step's operations run inside it."""
    table = op.tables[0]
    # batch mode replaces an unnamed primary key when a new one is added (no DROP needed)
    inner = [p for p in HANDLERS[type(op)](op, ctx) if not isinstance(p, _Piece)
             and not (isinstance(p, aops.DropConstraintOp) and p.constraint_type == "primary")]
    if isinstance(op, o.RenameTable):
        return [_Piece("op", x) for x in inner]
    return [_Piece("batch", inner, table=table, copy_from=ctx.before[table])]


def _column_map(op: o.Operation, before: Table, after: Table) -> dict[str, str]:
    """new column -> old column for the rows copied across a rebuild."""
    renamed = {op.new_name: op.column} if isinstance(op, o.RenameColumn) and op.table == before.name else {}
    out = {}
    for c in after.columns:
        src = renamed.get(c.name, c.name)
        if before.has_column(src):
            out[c.name] = src
    return out


def _duck_rebuild(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """DuckDB: copy the table and every table referencing it aside, re-create, refill, drop copies."""
    b, a = ctx.step.before, ctx.step.after
    first = op.tables[0]
    names = {first}
    renames = {op.table: op.new_name} if isinstance(op, o.RenameTable) else {}
    grow = True
    while grow:
        grow = False
        for child, _fk in _refs(b, names):
            if child.name not in names:
                names.add(child.name)
                grow = True
    order = [t.name for t in _dep_order(b) if t.name in names]
    comp = ctx.dialect.compile_dialect()
    sql: list[str] = []
    copies = {n: f"_dbmodel_copy_{n}"[:63] for n in order}
    for n in order:
        sql.append(exp.Create(this=_tbl(copies[n]), kind="TABLE",
                              expression=exp.select("*").from_(_tbl(n))).sql("duckdb"))
    for n in reversed(order):
        sql.append(_compile(sa.schema.DropTable(ctx.before[n]), comp))
    after_names = [renames.get(n, n) for n in order]
    for n in after_names:
        if not a.has_table(n):
            continue
        t = ctx.after[n]
        sql.append(_compile(sa.schema.CreateTable(t), comp))
        if ctx.dialect.comments:  # CREATE TABLE carries no comments; ddl sets them separately too
            if t.comment:
                sql.append(_compile(sa.schema.SetTableComment(t), comp))
            sql.extend(_compile(sa.schema.SetColumnComment(c), comp) for c in t.columns if c.comment)
    for old, n in zip(order, after_names):
        if not a.has_table(n):
            continue
        mapping = _column_map(op, b.table(old), a.table(n))
        target = ctx.after[n]
        cols = list(mapping)
        src = sa.table(copies[old], *(sa.column(mapping[c]) for c in cols))
        sel = sa.select(*(sa.cast(src.c[mapping[c]], target.c[c].type).label(c) for c in cols))
        sql.append(_compile(sa.insert(target).from_select(cols, sel), comp))
    for n in reversed(order):
        sql.append(_compile(sa.schema.DropTable(sa.Table(copies[n], sa.MetaData())), comp))
    for n in after_names:
        if a.has_table(n):
            for ix in sorted(ctx.after[n].indexes, key=lambda i: i.name or ""):
                sql.append(_compile(sa.schema.CreateIndex(ix), comp))
    return [_Piece("sql", s) for s in sql]


def _compile(construct: Any, comp: Any) -> str:
    return str(construct.compile(dialect=comp, compile_kwargs={"literal_binds": True})).strip()


def _refs(schema: Schema, names: set[str]) -> list[tuple[Table, Any]]:
    return [(t, fk) for t in schema.tables for fk in t.foreign_keys if fk.ref_table in names and t.name != fk.ref_table]


def _dep_order(schema: Schema) -> list[Table]:
    from ..model.schema import dependency_order

    return dependency_order(schema)[0]


#: How each engine rebuilds a table it cannot ALTER.
REBUILD: dict[str, Callable[[o.Operation, _Ctx], list[_Piece]]] = {"sqlite": _batch, "duckdb": _duck_rebuild}


# -- pieces -> statements ------------------------------------------------------------------

def pieces(step: Step, dialect: Dialect, *, safe: bool, index: int, cache: dict[int, _Tables]) -> list[_Piece]:
    """What one step emits on ``dialect``: Alembic ops, batch blocks, raw data SQL, checks."""
    ctx = _Ctx(step, dialect, safe, index, cache)
    why = unsupported(step.op, dialect)
    if why:
        raise ModelError(f"step {index} ({step.describe()}): {why}")
    expand = getattr(step.op, "expand", None)
    if callable(expand):
        return expand(step, ctx)
    if needs_rebuild(step.op, dialect, step.before) and dialect.name in REBUILD:
        return REBUILD[dialect.name](step.op, ctx)
    handler = HANDLERS.get(type(step.op))
    if handler is None:
        raise ModelError(f"no emitter for operation {type(step.op).__name__}")
    out = [p if isinstance(p, _Piece) else _Piece("op", p) for p in handler(step.op, ctx)]
    return out + _refresh_enum_checks(step, ctx)


def _refresh_enum_checks(step: Step, ctx: _Ctx) -> list[_Piece]:
    """Enum CHECKs are named after table and column (``ck_<table>_<column>_enum``); a rename
    changes the name the model expects, and SQLite cannot rename a constraint: rebuild the
    table from its new definition (Alembic batch, no other change)."""
    if ctx.dialect.enum_style != "check" or not isinstance(step.op, o.RenameTable | o.RenameColumn):
        return []
    table = step.op.new_name if isinstance(step.op, o.RenameTable) else step.op.table
    if not any(c.type.kind == "enum" for c in step.after.table(table).columns):
        return []
    if isinstance(step.op, o.RenameColumn) and step.after.table(table).column(step.op.new_name).type.kind != "enum":
        return []
    return [_Piece("batch", [], table=table, copy_from=ctx.after[table])]


#: Server flavours that share a dialect but not every spelling (MariaDB drops a CHECK with
#: DROP CONSTRAINT, MySQL with DROP CHECK); the flag tells SQLAlchemy/Alembic which one.
FLAVOURS: dict[str, dict[str, Any]] = {"mariadb": {"is_mariadb": True}}


def flavour_of(dialect: Any) -> str | None:
    """``"mariadb"`` for a name or an engine that means MariaDB, else None."""
    if isinstance(dialect, sa.Engine):
        with dialect.connect():
            return "mariadb" if getattr(dialect.dialect, "is_mariadb", False) else None
    return "mariadb" if isinstance(dialect, str) and "mariadb" in dialect.lower() else None


def _context(dialect: Dialect, flavour: str | None = None) -> tuple[Operations, _Collector]:
    buf = _Collector()
    mc = MigrationContext.configure(dialect_name=dialect.name, opts={"as_sql": True, "output_buffer": buf})
    # the driver's paramstyle must not leak into offline SQL (see dialects.Dialect.sa_dialect)
    mc.dialect = dialect.compile_dialect()
    for attr, value in FLAVOURS.get(flavour or "", {}).items():
        setattr(mc.dialect, attr, value)
    mc.impl.dialect = mc.dialect
    return Operations(mc), buf


def units(plan: Plan, dialect: str | Dialect, *, safe: bool = False, flavour: str | None = None) -> list[Unit]:
    """The plan's statements on ``dialect``, grouped into transactional units.

    One unit holds every transactional statement; a statement that cannot run in a transaction
    (``CREATE INDEX CONCURRENTLY``) ends the unit and gets its own. Engines without
    transactional DDL (MySQL) still get units, but each statement commits by itself.
    """
    d = get_dialect(dialect)
    ops_, buf = _context(d, flavour or flavour_of(dialect))
    out: list[Unit] = [Unit()]
    cache: dict[int, _Tables] = {}
    for i, step in enumerate(plan.steps, 1):
        for piece in pieces(step, d, safe=safe, index=i, cache=cache):
            start = len(buf.statements)
            if piece.kind in ("op", "nontx", "alone"):
                ops_.invoke(piece.payload)
            elif piece.kind == "batch":
                with ops_.batch_alter_table(piece.table or "", recreate="always", copy_from=piece.copy_from) as batch:
                    for x in piece.payload:
                        batch.invoke(x)
            elif piece.kind == "sql":
                buf.statements.append(piece.payload)
            elif piece.kind == "check":
                out[-1].checks.append((len(out[-1].statements), *piece.payload))
                continue
            new = buf.statements[start:]
            if piece.kind in ("nontx", "alone"):
                out.append(Unit(new, transactional=piece.kind == "alone", steps=[i]))
                out.append(Unit())
                continue
            out[-1].statements.extend(new)
            if i not in out[-1].steps:
                out[-1].steps.append(i)
    return [u for u in out if u.statements or u.checks]


def statements(plan: Plan, dialect: str | Dialect, *, safe: bool = False) -> list[str]:
    return [s for u in units(plan, dialect, safe=safe) for s in u.statements]


def header(plan: Plan, dialect: str, *, safe: bool, comment: str = "--", findings: Iterable[Any] | None = None) -> str:
    """The comment block every emitted file starts with: versions, source, lint summary."""
    from .lint import lint, summary

    found = list(findings) if findings is not None else lint(plan, dialect, safe=safe)
    lines = [
        f"Generated by dbmodel-kit {__version__} (alembic {_version('alembic')}, sqlalchemy {sa.__version__}, "
        f"sqlglot {_version('sqlglot')})",
        f"Migration: {plan.source[0]} -> {plan.source[1]}, {len(plan.steps)} step(s), dialect {dialect}"
        + (", safe mode" if safe else ""),
        f"Reverse: {plan.reversibility}",
        f"Lint: {summary(found)}",
    ]
    return "\n".join(f"{comment} {line}" for line in lines) + "\n"


def _version(module: str) -> str:
    from importlib.metadata import version

    return version(module)


def to_sql(plan: Plan, dialect: str | Dialect, *, safe: bool = False) -> str:
    """The plan as an SQL script for ``dialect`` (header, then units separated by comments)."""
    d = get_dialect(dialect)
    parts = [header(plan, d.name if not flavour_of(dialect) else "mariadb", safe=safe)]
    if safe and d.lock_safe_forms:
        parts.append("SET lock_timeout = '5s';\nSET statement_timeout = '15min';\n")
    for n, unit in enumerate(units(plan, d, safe=safe, flavour=flavour_of(dialect)), 1):
        steps = ", ".join(map(str, unit.steps))
        kind = "transaction" if unit.transactional and d.transactional_ddl else "no transaction"
        parts.append(f"\n-- unit {n} ({kind}; step {steps})\n")
        if unit.transactional and d.transactional_ddl:
            parts.append("BEGIN;\n")
        checks = {after: (sql, want) for after, sql, want in unit.checks}
        for i, stmt in enumerate(unit.statements):
            if i in checks:
                parts.append(f"-- verify (apply runs it): {checks[i][0]} returns {checks[i][1]}\n")
            parts.append(f"{stmt};\n")
        if unit.transactional and d.transactional_ddl:
            parts.append("COMMIT;\n")
    return "".join(parts)


# -- Alembic revision script ---------------------------------------------------------------

def _alembic_ops(plan: Plan, dialect: Dialect) -> list[Any]:
    cache: dict[int, _Tables] = {}
    out: list[Any] = []
    for i, step in enumerate(plan.steps, 1):
        for piece in pieces(step, dialect, safe=False, index=i, cache=cache):
            if piece.kind in ("op", "nontx"):
                out.append(piece.payload)
            elif piece.kind == "batch":
                out.append(aops.ModifyTableOps(piece.table or "", list(piece.payload)))
            elif piece.kind == "sql":
                out.append(aops.ExecuteSQLOp(piece.payload))
    return out


def _register_renderers() -> None:
    """Alembic's autogenerate renderer has no form for CreatePrimaryKeyOp (it raises
    NotImplementedError, see alembic/autogenerate/render.py); this one writes the call the
    operation's own docs show."""
    from alembic.autogenerate import renderers

    @renderers.dispatch_for(aops.CreatePrimaryKeyOp, replace=True)
    def _create_pk(autogen_context: Any, op: aops.CreatePrimaryKeyOp) -> str:
        args = [repr(op.constraint_name)]
        if autogen_context._has_batch:
            prefix = "batch_op."
        else:
            prefix = "op."
            args.append(repr(op.table_name))
        args.append(repr(list(op.columns)))
        return f"{prefix}create_primary_key({', '.join(args)})"


_register_renderers()


_SCRIPT = '''{header}"""{message}

Revision ID: {revision}
Revises: {down_revision}
Create Date: {date}
"""
from alembic import op
import sqlalchemy as sa
{imports}

revision = {revision!r}
down_revision = {down_revision!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def to_alembic(plan: Plan, *, dialect: str = "postgresql", revision: str = "0001", down_revision: str | None = None,
               message: str | None = None, date: str | None = None) -> str:
    """An Alembic revision script (upgrade and downgrade) rendered by Alembic's own renderer.

    ``dialect`` decides rebuilds (``render_as_batch`` for SQLite) and the spelling of data SQL.
    """
    from alembic.autogenerate import render_python_code

    d = get_dialect(dialect)
    batch = d.name == "sqlite"

    def render(p: Plan) -> str:
        ops_ = _alembic_ops(p, d)
        if not ops_:
            return "    pass"
        # the dialect's own migration context lets Alembic render its types (JSONB(astext_type=sa.Text()))
        mc = MigrationContext.configure(dialect_name=d.name)
        code = render_python_code(aops.UpgradeOps(ops=ops_), render_as_batch=batch, migration_context=mc)
        return "\n".join(line for line in code.splitlines() if not line.strip().startswith("# ###"))

    up = render(plan)
    down = render(plan.reverse())
    # render_python_code keeps the imports it collects to itself (it copies the set we would
    # pass), so the dialect modules the rendered types name are imported here
    used = sorted(set(re.findall(r"\b(postgresql|mysql|sqlite)\.[A-Z]", up + down)))
    imp = "\n".join(f"from sqlalchemy.dialects import {m}" for m in used)
    return _SCRIPT.format(header=header(plan, d.name, safe=False, comment="#"), message=message or
                          "; ".join(plan.describe())[:200] or "empty migration", revision=revision,
                          down_revision=down_revision, date=date or datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                          imports=imp, upgrade=up, downgrade=down)


# -- JSON ----------------------------------------------------------------------------------

def op_to_json(op: o.Operation) -> dict[str, Any]:
    """An operation as plain JSON data: ``{"op": "AddColumn", "table": ..., "column": {...}}``."""
    return {"op": type(op).__name__, **{f.name: _jsonable(getattr(op, f.name)) for f in fields(op)
                                        if getattr(op, f.name) is not o.KEEP}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, o.Operation):
        return op_to_json(value)
    if hasattr(value, "__dataclass_fields__"):
        return {f: _jsonable(getattr(value, f)) for f in value.__dataclass_fields__ if not f.startswith("_")}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Column | Table):
        return str(value)
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def to_json(plan: Plan, *, dialect: str | None = None, safe: bool = False) -> str:
    """The plan as JSON: steps (operation, reversibility), suggestions, lint, SQL when ``dialect``."""
    from .lint import lint, summary

    data = plan.to_dict()
    d = dialect or "postgresql"
    found = lint(plan, d, safe=safe)
    data["header"] = {"dbmodel_kit": __version__, "alembic": _version("alembic"), "sqlalchemy": sa.__version__,
                      "sqlglot": _version("sqlglot"), "lint": summary(found)}
    data["lint"] = [{k: getattr(f, k) for k in f.__dataclass_fields__} for f in found]
    if dialect:
        data["sql"] = [{"transactional": u.transactional, "steps": u.steps, "statements": u.statements}
                       for u in units(plan, dialect, safe=safe)]
    return json.dumps(data, indent=2, default=str)


__all__ = ["HANDLERS", "IN_PLACE", "REBUILD", "Unit", "header", "needs_rebuild", "op_to_json", "statements",
           "to_alembic", "to_json", "to_sql", "units"]
