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

import copy
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from itertools import compress
from operator import is_not
from typing import Any

import sqlalchemy as sa
from alembic.ddl.impl import DefaultImpl
from alembic.operations import Operations
from alembic.operations import ops as aops
from alembic.runtime.migration import MigrationContext
from sqlalchemy.dialects.postgresql.named_types import CreateEnumType, DropEnumType
from sqlalchemy.util import OrderedSet
from sqlglot import exp

from .. import __version__
from .._gc import fewer_collections
from ..dialects import Dialect, get_dialect
from ..errors import ModelError
from ..model import ops as o
from ..model.naming import qualify, split_key
from ..model.schema import Column, Schema, Table, Verbatim, View, dependency_order
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
        # SQLite's ADD COLUMN takes only a constant default and no STORED generated column
        # (https://www.sqlite.org/lang_altertable.html#altertabaddcol): rebuild for the others
        if name == "sqlite" and ((op.column.default is not None and op.column.default.kind != "literal")
                                 or (op.column.generated and get_dialect(dialect).generated_stored)):
            return True
        if name in ("sqlite", "duckdb") and _domain_check_names(op.apply(before), op.table, op.column.name,
                                                                 get_dialect(dialect)):
            return True  # so do the CHECKs of its domain, and neither engine adds a CHECK in place
        # DuckDB refuses ADD COLUMN ... NOT NULL while an index or FK depends on the table
        return (name == "sqlite" and not op.column.nullable and op.column.default is None) or (
            name == "duckdb" and not op.column.nullable)
    if isinstance(op, o.DropColumn) and name == "sqlite":
        t = before.table(op.table)
        if t.column(op.column).type.kind == "enum":  # its enum CHECK goes with it
            return True
        if _domain_check_names(before, op.table, op.column, get_dialect(dialect)):
            return True  # and so do its domain's
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
    #: statement index -> SQL counting the rows still to copy: the statement runs again while that
    #: count is above 0 and falls (a self-referencing table refilled level by level)
    repeats: dict[int, str] = field(default_factory=dict)
    #: the plan step (numbered from 1) each statement belongs to, so a failure names what ran
    step_of: list[int] = field(default_factory=list)
    #: statements that undo what a failed non-transactional unit leaves behind (PostgreSQL keeps
    #: the INVALID index of a failed CREATE INDEX CONCURRENTLY)
    cleanup: list[str] = field(default_factory=list)


@dataclass
class _Piece:
    kind: str  # "op" | "create" | "batch" | "sql" | "check" | "nontx" | "alone" (own transaction)
    payload: Any
    table: str | None = None
    copy_from: sa.Table | None = None


class _Tables:
    """SQLAlchemy tables for a schema on one dialect, built per table on demand (with the
    tables it references, which SQLAlchemy needs to compile the FOREIGN KEY clause)."""

    def __init__(self, schema: Schema, dialect: Dialect, ends: _Ends | None = None) -> None:
        self.schema, self.dialect, self.ends = schema, dialect, ends
        self._cache: dict[str, sa.Table] = {}
        self._left_out: set[tuple[str, str]] | None = None

    def left_out(self) -> set[tuple[str, str]]:
        """(table, fk name) of the foreign keys the engine cannot hold: those closing a cycle
        where no ALTER TABLE adds a key later (DuckDB), as ``ddl`` leaves them out of the schema."""
        if self._left_out is None:
            self._left_out = set()
            if not self.dialect.alter_add_constraint and not self.dialect.fk_forward_reference:
                from ..model.schema import cycle_breakers

                # the cycles as the engine holds the keys, as ddl finds them: a key it cannot make
                # for another reason (the key it references is not made there) may close the cycle
                # already, and another key cut as well would be missing on this path only
                self._left_out = {(t.key, fk.name)
                                  for t, fk in cycle_breakers(_held_keys(self.schema, self.dialect))}
        return self._left_out

    def __getitem__(self, name: str) -> sa.Table:
        if name not in self._cache:
            from ..ddl import to_metadata

            t = self.schema.table(name)
            if t.foreign_keys and self._may_leave_out(t) and any((name, fk.name) in self.left_out()
                                                                 for fk in t.foreign_keys):
                kept = tuple(fk for fk in t.foreign_keys if (name, fk.name) not in self.left_out())
                t = replace(t, foreign_keys=kept)
            table = self.ends.table(self.schema, t) if self.ends is not None else None
            if table is not None:
                self._cache[name] = table
                return table
            parents = {fk.ref_table for fk in t.foreign_keys if fk.ref_table != name}
            sub = [t, *(_bare(self.schema.table(p)) for p in sorted(parents))]
            md = to_metadata(replace(self.schema, tables=tuple(sub)), self.dialect)
            table = _ordered(md.info["by_key"][self.schema.table(name).key])
            self._cache[name] = table
        return self._cache[name]

    def _may_leave_out(self, t: Table) -> bool:
        """Whether the engine leaves keys out at all and ``t`` is on a cycle of foreign keys (only a
        key closing a cycle is left out): found by walking from ``t``'s parents, which stays near
        ``t`` instead of searching the whole schema's cycles for every step of a plan."""
        if self.dialect.alter_add_constraint or self.dialect.fk_forward_reference:
            return False
        seen: set[str] = set()
        todo = [fk.ref_table for fk in t.foreign_keys if fk.ref_table != t.key]
        while todo:
            name = todo.pop()
            if name == t.key:
                return True
            if name in seen or not self.schema.has_table(name):
                continue
            seen.add(name)
            todo += [fk.ref_table for fk in self.schema.table(name).foreign_keys]
        return False


def _ordered(table: sa.Table) -> sa.Table:
    """``table`` made ready for Alembic: CHECKs as text, constraints and indexes in a fixed order."""
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
    return table


class _Ends:
    """The SQLAlchemy tables of a plan's two ends (old and new schema) on one dialect, each end built
    whole, once, by ddl's ``to_metadata``, and lent to every step whose table is the same value
    there. Building a table alone (in a metadata of its own, with its parents) costs about as much
    as building the whole schema per table, so a plan of a thousand added tables spent most of its
    time there. A table is lent only when it cannot come out differently alone: same table value,
    same parents, same schema-level types; no key the end defers to after the tables (a cycle) and
    no name the end renames for the engine."""

    def __init__(self, plan: Plan, dialect: Dialect) -> None:
        self.schemas = tuple(s for s in (plan.new, plan.old) if s.tables)
        self.dialect = dialect
        self._built: dict[int, tuple[sa.MetaData | None, set[str]]] = {}

    def _end(self, i: int) -> tuple[sa.MetaData | None, set[str]]:
        if i not in self._built:
            from ..ddl import to_metadata
            from ..ddl.names import physical
            from ..model.schema import dependency_order

            end = self.schemas[i]
            if physical(end, self.dialect)[1]:
                self._built[i] = (None, set())  # the engine renames something: build per table
            else:
                deferred = {t.key for t, _ in dependency_order(end)[1]}
                self._built[i] = (to_metadata(end, self.dialect), deferred)
        return self._built[i]

    def table(self, schema: Schema, t: Table) -> sa.Table | None:
        """The end's table for ``t`` (as it stands in ``schema``), or None."""
        for i, end in enumerate(self.schemas):
            if not end.has_table(t.key) or not _same(end.table(t.key), t):
                continue
            if any(getattr(end, f) is not getattr(schema, f) and getattr(end, f) != getattr(schema, f)
                   for f in ("enums", "domains", "sequences")):
                continue
            parents = {fk.ref_table for fk in t.foreign_keys if fk.ref_table != t.key}
            if not all(end.has_table(p) and _same(end.table(p), schema.table(p)) for p in parents):
                continue
            metadata, deferred = self._end(i)
            if metadata is None or t.key in deferred:
                continue
            table = metadata.info["by_key"][t.key]
            if not getattr(table, "_dbmodel_ordered", False):
                _ordered(table)
                table._dbmodel_ordered = True  # type: ignore[attr-defined]
            return table
        return None


def _same(a: Table, b: Table) -> bool:
    return a is b or a == b


class _TableCache(dict[int, _Tables]):
    """The table sets of one emission, per schema of a step, with the plan's ends they borrow from."""

    def __init__(self, ends: _Ends | None = None) -> None:
        super().__init__()
        self.ends = ends


def _bare(t: Table) -> Table:
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
            self.cache[key] = _Tables(schema, self.dialect, getattr(self.cache, "ends", None))
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
    # a "create" piece: the SQL goes straight to Alembic's DDL layer with the table as built (see
    # _create), instead of through CreateTableOp, which first copies the table (half the time of a
    # big migration); an Alembic script gets the operations (see _alembic_ops)
    return [_Piece("create", ctx.after[op.table.key])]


def _create(ops_: Operations, table: sa.Table) -> None:
    """CREATE TABLE (with its comments), then CREATE INDEX for each index by name: what invoking
    CreateTableOp and CreateIndexOp gives, through ``impl.create_table``/``create_index`` (where those
    operations end). ``impl.create_table`` would create the indexes itself, before the comments; they
    are held back for that call, so the statements come in the operations' order."""
    indexes = table.indexes
    table.indexes = OrderedSet()
    try:
        ops_.impl.create_table(table)
    finally:
        table.indexes = indexes
    for ix in indexes:
        ops_.impl.create_index(ix)


def _drop_table(op: o.DropTable, ctx: _Ctx) -> list[Any]:
    return [aops.DropTableOp(op.table), *_owned_drops(op.table, None, ctx)]


def _rename_table(op: o.RenameTable, ctx: _Ctx) -> list[Any]:
    return [aops.RenameTableOp(op.table, op.new_name)]


def _add_column(op: o.AddColumn, ctx: _Ctx) -> list[Any]:
    col = _copy(_column(ctx, op.table, op.column.name))
    col.primary_key = False
    out: list[Any] = [aops.AddColumnOp(op.table, col)]
    if op.column.type.kind == "enum" and ctx.dialect.enum_style == "check":
        from ..ddl import enum_check_name

        name = enum_check_name(op.table, op.column.name)
        out.append(_from_sa(aops.CreateCheckConstraintOp.from_constraint, _constraint(ctx, op.table, name)))
    for name in _domain_check_names(ctx.step.after, op.table, op.column.name, ctx.dialect):
        out.append(_from_sa(aops.CreateCheckConstraintOp.from_constraint, _constraint(ctx, op.table, name)))
    return out


def backfill_sql(column: Column, dialect: Dialect) -> str | None:
    """The expression a migration fills the rows already in a table with when it adds ``column``
    where the engine holds no server form of its default but can compute its values in an UPDATE
    (a uuid() default on SQLite: :attr:`Dialect.uuid_fill_sql`); None elsewhere."""
    d = get_dialect(dialect)
    if column.default is not None and column.default.kind == "uuid" and d.uuid_sql is None and not column.generated:
        return d.uuid_fill_sql
    return None


def fills_rows(op: o.AddColumn, dialect: Dialect | str, after: Schema) -> bool:
    """Whether the rows already in the table get a value in the column ``op`` adds on ``dialect``
    (``after``: the schema after the step): a default the engine computes, the backfill the
    migration runs (:func:`backfill_sql`), an identity or a generated expression. False for no
    default, or a default the engine leaves to the application (uuid() on an engine with neither
    a uuid function nor a fill, a sequence where there are none, an expression it cannot write)."""
    from ..ddl import sa_column

    d = get_dialect(dialect)
    c = op.column
    if c.generated or backfill_sql(c, d) is not None or (c.default is not None and c.default.kind == "identity"):
        return True
    try:
        col = sa_column(c, after.table(op.table), d, after)
    except ModelError:
        return c.default is not None  # the step fails at emit time with its own message
    return col.server_default is not None or col.identity is not None or col.autoincrement is True


def _domain_check_names(schema: Schema, table: str, column: str, dialect: Dialect) -> list[str]:
    """The CHECKs that stand in for the domain of ``table.column`` on an engine without domains."""
    from ..ddl import _domain_checks

    return [name for name, _sql in _domain_checks(schema.table(table), dialect, schema, column)]


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
    for name in _domain_check_names(ctx.step.before, op.table, op.column, ctx.dialect):
        out.append(aops.DropConstraintOp(name, op.table, type_="check"))  # the CHECKs of its domain
    col = _column(ctx, op.table, op.column, after=False)
    out.append(aops.DropColumnOp(op.table, op.column, _reverse=aops.AddColumnOp(op.table, _copy(col))))
    return out + _owned_drops(op.table, op.column, ctx)


def _cols(sql: str) -> tuple[str, ...]:
    from ..model.schema import sql_columns

    return sql_columns(sql)


def _existing(ctx: _Ctx, table: str, column: str) -> dict[str, Any]:
    col = _column(ctx, table, column, after=False)
    out = {"existing_type": col.type, "existing_nullable": col.nullable,
           "existing_server_default": _default_arg(col),
           "existing_comment": col.comment}
    if col.autoincrement is True and ctx.dialect.name == "mysql":
        # MySQL's CHANGE restates the column: without it, a renamed AUTO_INCREMENT key lost its
        # AUTO_INCREMENT (Sakila's evolve mysql: 'alter column rental.rental_id_4: drop default')
        out["existing_autoincrement"] = True
    return out


def _default_arg(col: sa.Column) -> Any:
    """The server default's SQL (``False``: none), as Alembic's ``existing_server_default`` wants; an
    identity or generated column's ``Identity``/``Computed`` as it is (Alembic takes those; they have no
    ``arg``: renaming Sakila's rental_id on PostgreSQL raised AttributeError)."""
    default: Any = col.server_default
    if isinstance(default, sa.Identity | sa.Computed):
        return default
    return default.arg if default is not None else False


def _identity_reset(new: sa.Identity, old: Any) -> sa.Identity:
    """``new`` with each sequence option the old identity set and the new one leaves at the engine's
    default given explicitly (Alembic changes only the options the new ``Identity`` names, so
    ``start 10, increment 5`` -> ``start 20`` would keep the increment of 5)."""
    was = old.identity_options if old is not None and old.kind == "identity" else {}
    resets: dict[str, Any] = {}
    for option in was:
        if getattr(new, option, None) is None:
            resets.update({"increment": {"increment": 1}, "cache": {"cache": 1}, "cycle": {"cycle": False},
                           "minvalue": {"nominvalue": True}, "maxvalue": {"nomaxvalue": True},
                           "start": {"start": 1 if (new.increment or 1) > 0 else -1}}[option])
    if not resets:
        return new
    keep = {k: getattr(new, k) for k in ("start", "increment", "minvalue", "maxvalue", "cache", "cycle")
            if getattr(new, k, None) is not None}
    return sa.Identity(always=new.always, **{**keep, **resets})


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
        if isinstance(arg, sa.Identity):
            arg = _identity_reset(arg, ctx.step.before.table(op.table).column(op.column).default)
        kw["modify_server_default"] = None if arg is False else arg
        if ctx.dialect.name == "mysql":  # identity there is AUTO_INCREMENT, restated by MODIFY
            kw["autoincrement"] = new.autoincrement is True
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
    return _Piece("alone", aops.ExecuteSQLOp(f"ALTER TABLE {_qualified(prep, table)} VALIDATE CONSTRAINT "
                                             f"{prep.quote(name)}"))


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
    if not op.columns:
        return out
    # DEFERRABLE as ddl built the key (where the engine has it): Alembic's op passes it to the constraint
    pk = ctx.after[op.table].primary_key
    defer: dict[str, Any] = {k: v for k, v in (("deferrable", pk.deferrable), ("initially", pk.initially)) if v}
    out.append(aops.CreatePrimaryKeyOp(_pk_name(ctx, op.table, after=True), op.table, list(op.columns), **defer))
    return out


def _constraint(ctx: _Ctx, table: str, name: str) -> Any:
    """The SQLAlchemy constraint ``name`` of ``table`` after the step (built by ``ddl``)."""
    for c in ctx.after[table].constraints:
        if c.name == name:
            return c
    raise ModelError(f"{ctx.dialect.name} cannot store constraint {name} of {table}", where=table)


def _add_fk(op: o.AddForeignKey, ctx: _Ctx) -> list[Any]:
    created = _from_sa(aops.CreateForeignKeyOp.from_constraint, _constraint(ctx, op.table, op.foreign_key.name))
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        created.kw["postgresql_not_valid"] = True
        return [created, _validate(op.foreign_key.name, op.table, ctx)]
    return [created]


def _existing_tables(ctx: _Ctx) -> set[str]:
    return set(ctx.step.before.table_names)


def _add_check(op: o.AddCheck, ctx: _Ctx) -> list[Any]:
    created = _from_sa(aops.CreateCheckConstraintOp.from_constraint, _constraint(ctx, op.table, op.check.name))
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        created.kw["postgresql_not_valid"] = True
        return [created, _validate(op.check.name, op.table, ctx)]
    return [created]


def _add_unique(op: o.AddUnique, ctx: _Ctx) -> list[Any]:
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        from ..ddl import deferrable_sql

        # build the index without blocking writes, then let the constraint adopt it
        t = ctx.after[op.table]
        ix = sa.Index(op.unique.name, *[t.c[c] for c in op.unique.columns], unique=True)
        created = _from_sa(aops.CreateIndexOp.from_index, ix)
        created.kw["postgresql_concurrently"] = True
        prep = ctx.dialect.compile_dialect().identifier_preparer
        adopt = aops.ExecuteSQLOp(f"ALTER TABLE {_qualified(prep, op.table)} ADD CONSTRAINT "
                                  f"{prep.quote(op.unique.name)} "
                                  f"UNIQUE USING INDEX {prep.quote(op.unique.name)}"
                                  + (f" {deferrable_sql(op.unique.deferrable)}" if op.unique.deferrable else ""))
        return [_Piece("nontx", created), adopt]
    return [_from_sa(aops.CreateUniqueConstraintOp.from_constraint, _constraint(ctx, op.table, op.unique.name))]


def _add_index(op: o.AddIndex, ctx: _Ctx) -> list[Any]:
    ix = next(i for i in ctx.after[op.table].indexes if i.name == op.index.name)
    created = _from_sa(aops.CreateIndexOp.from_index, ix)
    if ctx.safe and ctx.dialect.lock_safe_forms and op.table in _existing_tables(ctx):
        created.kw["postgresql_concurrently"] = True
        return [_Piece("nontx", created)]
    return [created]


#: Engines that create an index for each foreign key no index covers, named after the FK
#: (MySQL/InnoDB: https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html).
FK_MAKES_INDEX = frozenset({"mysql"})


def _covered(t: Table, cols: tuple[str, ...], d: Dialect) -> bool:
    """Whether an index, unique or primary key of ``t`` starts with ``cols`` on ``d`` (a partial
    index counts where the engine has none: it makes the index over every row)."""
    n = len(cols)
    keys = [t.primary_key, *(u.columns for u in t.uniques),
            *(ix.columns for ix in t.indexes if not (ix.where and d.partial_index))]
    return any(tuple(k[:n]) == tuple(cols) for k in keys)


def _drop_fk(op: o.DropForeignKey, ctx: _Ctx) -> list[Any]:
    out: list[Any] = [aops.DropConstraintOp(op.name, op.table, type_="foreignkey")]
    t = ctx.step.before.table(op.table)
    if ctx.dialect.name in FK_MAKES_INDEX and not _covered(t, t.foreign_key(op.name).columns, ctx.dialect):
        out.append(aops.DropIndexOp(op.name, op.table))  # the index the engine made for it
    return out


def _drop_index(op: o.DropIndex, ctx: _Ctx) -> list[Any]:
    # (an index a foreign key needs on MySQL: see _fk_index_around)
    kw: dict[str, Any] = {}
    if ctx.safe and ctx.dialect.lock_safe_forms:
        kw["postgresql_concurrently"] = True
        return [_Piece("nontx", aops.DropIndexOp(op.name, op.table, **kw))]
    return [aops.DropIndexOp(op.name, op.table)]


def _drop_unique(op: o.DropUnique, ctx: _Ctx) -> list[Any]:
    # (a unique a foreign key needs on MySQL: see _fk_index_around)
    return [aops.DropConstraintOp(op.name, op.table, type_="unique")]


def _fk_index_around(step: Step, ctx: _Ctx) -> tuple[list[_Piece], list[_Piece]]:
    """InnoDB keeps an index for each foreign key and refuses to drop the last one serving it
    ("needed in a foreign key constraint"; a primary key or index changed under it: errno 150
    "Foreign key constraint is incorrectly formed"). The foreign keys a step leaves without an
    index of the model's (an index, unique or primary key starting with their columns, see
    :func:`_covered`) that had one before are dropped before the step and added back after it
    (the engine then makes its own index for them): dropping an index or a unique, changing or
    dropping the primary key, dropping a column with the index it is in."""
    if ctx.dialect.name not in FK_MAKES_INDEX:
        return [], []
    first: list[_Piece] = []
    last: list[_Piece] = []
    for name in step.op.tables:
        if not (step.before.has_table(name) and step.after.has_table(name)):
            continue
        old, new = step.before.table(name), step.after.table(name)
        for fk in old.foreign_keys:
            kept = next((k for k in new.foreign_keys if k.name == fk.name), None)
            if kept is None or not _covered(old, fk.columns, ctx.dialect) or _covered(new, kept.columns, ctx.dialect):
                continue
            first.append(_Piece("op", aops.DropConstraintOp(fk.name, name, type_="foreignkey")))
            last.append(_Piece("op", _from_sa(aops.CreateForeignKeyOp.from_constraint,
                                              _constraint(ctx, name, kept.name))))
    return first, last


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

    enum = schema.enum(name)
    return postgresql.ENUM(*enum.values, name=enum.name, schema=enum.schema)


def _add_enum(op: o.AddEnum, ctx: _Ctx) -> list[Any]:
    if ctx.dialect.enum_style != "type":
        return []
    ddl = CreateEnumType(_enum_type(ctx, op.enum.key, ctx.step.after))
    return [aops.ExecuteSQLOp(str(ddl.compile(dialect=ctx.dialect.compile_dialect())))]


def _drop_enum(op: o.DropEnum, ctx: _Ctx) -> list[Any]:
    if ctx.dialect.enum_style != "type":
        return []
    ddl = DropEnumType(_enum_type(ctx, op.name, ctx.step.before))
    return [aops.ExecuteSQLOp(str(ddl.compile(dialect=ctx.dialect.compile_dialect())))]


def _alter_enum(op: o.AlterEnum, ctx: _Ctx) -> list[Any]:
    """Swap the enum type (or the inline ENUM/check of each column using it) for the new values."""
    users = [(t.key, c.name) for t in ctx.step.after.tables for c in t.columns
             if c.type.kind == "enum" and c.type.enum == op.name]
    out: list[Any] = []
    if ctx.dialect.enum_style == "type":
        comp = ctx.dialect.compile_dialect()
        old = _enum_type(ctx, op.name, ctx.step.before)
        tmp = f"{old.name}__old"[:63]
        prep = comp.identifier_preparer
        # neither SQLAlchemy nor sqlglot builds ALTER TYPE ... RENAME; names quoted by the dialect
        out.append(aops.ExecuteSQLOp(f"ALTER TYPE {_qualified(prep, op.name)} RENAME TO {prep.quote(tmp)}"))
        created = CreateEnumType(_enum_type(ctx, op.name, ctx.step.after))
        out.append(aops.ExecuteSQLOp(str(created.compile(dialect=comp))))
        for table, col in users:
            using = exp.cast(exp.cast(exp.column(col, quoted=True), "text"), exp.DataType.build(
                _qualified(prep, op.name), dialect="postgres", udt=True)).sql("postgres")
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
            name = enum_check_name(split_key(table)[1], col)
            inner = [aops.DropConstraintOp(name, table, type_="check"),
                     aops.AlterColumnOp(table, col, modify_type=_column(ctx, table, col).type,
                                        **_existing(ctx, table, col)),
                     _from_sa(aops.CreateCheckConstraintOp.from_constraint, _constraint(ctx, table, name))]
            rebuild = needs_rebuild(o.AlterColumn(table, col, nullable=True), ctx.dialect, ctx.step.before)
            pieces_.append(_Piece("batch", inner, table=table, copy_from=ctx.before[table]) if rebuild
                           else inner)
        return [x for p in pieces_ for x in (p if isinstance(p, list) else [p])]
    for table, col in users:
        out.append(aops.AlterColumnOp(table, col, modify_type=_column(ctx, table, col).type,
                                      **_existing(ctx, table, col)))
    return out


def _sql_ops(constructs: Iterable[Any], ctx: _Ctx) -> list[Any]:
    comp = ctx.dialect.compile_dialect()
    return [aops.ExecuteSQLOp(str(c.compile(dialect=comp))) for c in constructs]


def _add_domain(op: o.AddDomain, ctx: _Ctx) -> list[Any]:
    # engines without domains: the columns carry the base type and the rules (ddl._domain_of)
    if not ctx.dialect.domains:
        return []
    from ..ddl import domain_statements

    return _sql_ops(domain_statements(op.domain.name, ctx.step.after, ctx.dialect), ctx)


def _drop_domain(op: o.DropDomain, ctx: _Ctx) -> list[Any]:
    if not ctx.dialect.domains:
        return []
    from sqlalchemy.dialects.postgresql.named_types import DropDomainType

    from ..ddl import domain_type

    return _sql_ops([DropDomainType(domain_type(op.name, ctx.step.before, ctx.dialect))], ctx)


def _alter_domain(op: o.AlterDomain, ctx: _Ctx) -> list[Any]:
    from ..ddl import AlterDomain, domain_type
    from ..ddl.sqltext import to_dialect

    before, after = ctx.step.before.domain(op.name), ctx.step.after.domain(op.name)
    dom = domain_type(op.name, ctx.step.after, ctx.dialect)
    out: list[Any] = []
    if before.nullable != after.nullable:
        out.append(AlterDomain(dom, "drop_not_null" if after.nullable else "set_not_null"))
    if before.default != after.default:
        default = dom.default
        out.append(AlterDomain(dom, "set_default", sql=str(default)) if default is not None
                   else AlterDomain(dom, "drop_default"))
    old_checks = {ck.name: ck for ck in before.checks}
    new_checks = {ck.name: ck for ck in after.checks}
    out.extend(AlterDomain(dom, "drop_constraint", name) for name, ck in old_checks.items()
               if new_checks.get(name) != ck)
    out.extend(AlterDomain(dom, "add_check", name, to_dialect(ck.expression, ctx.dialect.sqlglot))
               for name, ck in new_checks.items() if old_checks.get(name) != ck)
    if before.comment != after.comment and ctx.dialect.comments:
        out.append(AlterDomain(dom, "comment", sql=after.comment))
    return _sql_ops(out, ctx)


def _add_sequence(op: o.AddSequence, ctx: _Ctx) -> list[Any]:
    if not ctx.dialect.sequences:
        return []  # the columns that draw from it are identity columns or the application's
    from ..ddl import SetSequenceOwner, sa_sequence

    out: list[Any] = [sa.schema.CreateSequence(sa_sequence(op.sequence, ctx.dialect))]
    if op.sequence.owned_by is not None and ctx.dialect.sequence_owner:
        out.append(SetSequenceOwner(op.sequence.key, *op.sequence.owned_by))
    return _sql_ops(out, ctx)


def _drop_sequence(op: o.DropSequence, ctx: _Ctx) -> list[Any]:
    if not ctx.dialect.sequences:
        return []
    from ..ddl import sa_sequence

    return _sql_ops([sa.schema.DropSequence(sa_sequence(ctx.step.before.sequence(op.name), ctx.dialect))], ctx)


def _sequence_changes(op: o.AlterSequence, d: Dialect) -> dict[str, Any]:
    """What of ``op`` the engine holds (the comment, and owners, types and caches where it has none,
    are not its to change)."""
    changes = dict(op.changes())
    changes.pop("comment", None)
    if not d.sequence_owner:
        changes.pop("owned_by", None)  # no owners here: dropped with the table by the emitter
    if not d.sequence_types:
        changes.pop("type", None)
    if not d.sequence_cache:
        changes.pop("cache", None)
    return changes


def _alter_sequence_refused(op: o.AlterSequence, d: Dialect) -> str | None:
    """Why an engine without ALTER SEQUENCE (DuckDB) cannot run ``op``, if it changes anything there."""
    changes = _sequence_changes(op, d)
    if not d.sequences or d.alter_sequence or not changes:
        return None
    return (f"{d.name} cannot change a sequence's {', '.join(changes)} (no ALTER SEQUENCE); drop the default "
            f"that draws from {op.name}, drop and add the sequence, then set the default again")


def _alter_sequence(op: o.AlterSequence, ctx: _Ctx) -> list[Any]:
    from ..ddl import AlterSequence, stored_type

    d = ctx.dialect
    changes = _sequence_changes(op, d)
    if not d.sequences or not changes:
        return []
    why = _alter_sequence_refused(op, d)
    if why:
        raise ModelError(why)
    if "type" in changes:
        changes["type"] = stored_type(changes["type"], d)[0] if changes["type"] is not None else sa.BigInteger()
    return _sql_ops([AlterSequence(op.name, **changes)], ctx)


def _owned_drops(table: str, column: str | None, ctx: _Ctx) -> list[Any]:
    """DROP SEQUENCE for the sequences that go with a dropped table or column, on engines where a
    sequence has no owner (PostgreSQL drops owned ones itself)."""
    d = ctx.dialect
    if d.sequence_owner or not d.sequences:
        return []
    from ..ddl import sa_sequence

    owned = [q for q in ctx.step.before.sequences if q.owned_by is not None and q.owned_by[0] == table
             and (column is None or q.owned_by[1] == column)]
    return _sql_ops([sa.schema.DropSequence(sa_sequence(q, d)) for q in owned], ctx)


HANDLERS: dict[type[o.Operation], Callable[[Any, _Ctx], list[Any]]] = {
    o.AddTable: _create_table, o.DropTable: _drop_table, o.RenameTable: _rename_table,
    o.AlterTable: _alter_table, o.AddColumn: _add_column, o.DropColumn: _drop_column,
    o.RenameColumn: _rename_column, o.AlterColumn: _alter_column, o.MoveColumn: _nothing,
    o.SetPrimaryKey: _set_pk, o.AddForeignKey: _add_fk, o.DropForeignKey: _drop_fk,
    o.AddIndex: _add_index, o.DropIndex: _drop_index, o.AddUnique: _add_unique,
    o.DropUnique: _drop_unique, o.AddCheck: _add_check, o.DropCheck: _drop_named("check"),
    o.AddEnum: _add_enum, o.DropEnum: _drop_enum, o.AlterEnum: _alter_enum,
    o.AddDomain: _add_domain, o.DropDomain: _drop_domain, o.AlterDomain: _alter_domain,
    o.AddSequence: _add_sequence, o.DropSequence: _drop_sequence, o.AlterSequence: _alter_sequence,
}


#: What an engine cannot do at all (no in-place form and no rebuild), with the reason.
UNSUPPORTED: dict[tuple[str, type[o.Operation]], str] = {
    **{(name, o.AlterDomain): f"{name} has no domains: each column of the domain carries its rules; change "
                              "those columns (AlterColumn, AddCheck/DropCheck) instead"
       for name in ("mysql", "sqlite", "duckdb")},
}


def unsupported(op: o.Operation, dialect: str | Dialect) -> str | None:
    """Why ``dialect`` cannot run ``op`` (None when it can)."""
    d = get_dialect(dialect)
    if isinstance(op, o.AlterSequence):  # refused only for what it changes (a comment alone is fine)
        return _alter_sequence_refused(op, d)
    return UNSUPPORTED.get((d.name, type(op)))


# -- rebuilds --------------------------------------------------------------------------------

def _batch(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """SQLite: Alembic batch mode over the old table; the step's operations run inside it."""
    table = op.tables[0]
    # batch mode replaces an unnamed primary key when a new one is added (no DROP needed)
    inner = [p for p in HANDLERS[type(op)](op, ctx) if not isinstance(p, _Piece)
             and not (isinstance(p, aops.DropConstraintOp) and p.constraint_type == "primary")]
    if isinstance(op, o.RenameTable):
        return [_Piece("op", x) for x in inner]
    if isinstance(op, o.SetPrimaryKey) and not op.columns:
        # no new key to replace the old one with, and no DROP of an unnamed key in batch mode:
        # the table is made again as it is after the step (the same columns, no key)
        return [_Piece("batch", [], table=table, copy_from=ctx.after[table])]
    fill = backfill_sql(op.column, ctx.dialect) if isinstance(op, o.AddColumn) else None
    if fill is not None:
        return _backfilled(op, inner, fill, ctx)  # type: ignore[arg-type]
    return [_Piece("batch", inner, table=table, copy_from=ctx.before[table])]


def _batch_ops(piece: _Piece) -> list[Any]:
    """The operations of a batch piece, after one pair per generated column of the table copied
    (drop it, add it again where it was): Alembic's batch copy writes every column of the old table
    into the new one (INSERT ... SELECT), and SQLite refuses a value for a generated column ("cannot
    INSERT into generated column"); a column added in the batch is not copied, and the engine
    computes it. (Alembic has no option to leave a column out of the copy: hence the pair.)"""
    ops = list(piece.payload)
    src = piece.copy_from
    if src is None or not any(c.computed is not None for c in src.columns):
        return ops
    names = [c.name for c in src.columns]
    dropped = {x.column_name for x in ops if isinstance(x, aops.DropColumnOp)}
    pre: list[Any] = []
    for i, c in enumerate(src.columns):
        if c.computed is None or c.name in dropped:
            continue
        where = {"insert_after": names[i - 1]} if i else {"insert_before": names[1]} if len(names) > 1 else {}
        pre += [aops.DropColumnOp(piece.table or "", c.name, schema=src.schema),
                aops.AddColumnOp(piece.table or "", c._copy(), schema=src.schema, **where)]
    return pre + ops


def _backfilled(op: o.AddColumn, inner: list[Any], fill: str, ctx: _Ctx) -> list[_Piece]:
    """SQLite: a column whose default the engine cannot hold (uuid()) is added nullable, the rows
    already there are filled with ``fill`` (each its own value), then the table is rebuilt NOT
    NULL when the model says so; all in the step's transaction. Without this the rebuild would
    copy NULL into a NOT NULL column and fail on the first row."""
    table, name = op.table, op.column.name
    for x in inner:
        if isinstance(x, aops.AddColumnOp) and x.column.name == name:
            x.column.nullable = True  # (a copy of the model's column, see _add_column)
    target = ctx.after[table]
    update = sa.update(target).values({target.c[name]: sa.literal_column(fill)}).where(target.c[name].is_(None))
    out = [_Piece("batch", inner, table=table, copy_from=ctx.before[table]),
           _Piece("sql", _compile(update, ctx.dialect.compile_dialect()))]
    if not op.column.nullable:
        out.append(_Piece("batch", [], table=table, copy_from=target))
    return out


def _column_map(op: o.Operation, before: Table, after: Table) -> dict[str, str]:
    """new column -> old column for the rows copied across a rebuild."""
    renamed = {op.new_name: op.column} if isinstance(op, o.RenameColumn) and op.table == before.key else {}
    out = {}
    for c in after.columns:
        src = renamed.get(c.name, c.name)
        if before.has_column(src) and not c.generated:  # (the engine computes a generated one)
            out[c.name] = src
    return out


def _duck_rebuild(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """DuckDB: copy the table and every table referencing it aside, re-create, refill, drop copies."""
    # by key: a table renamed inside its schema keeps it (op.tables: the old key and the new)
    renames = {op.table: op.tables[1]} if isinstance(op, o.RenameTable) else {}
    return _duck_tables_rebuild(ctx, {op.tables[0]}, renames, lambda old, new: _column_map(op, old, new))


def _duck_alter_enum(op: o.AlterEnum, ctx: _Ctx) -> list[_Piece]:
    """DuckDB has no ALTER TYPE and cannot drop a type a column uses: rebuild every table with a
    column of the enum (values copied aside as text), swapping the type while they are gone."""
    users = {t.key for t in ctx.step.before.tables for c in t.columns
             if c.type.kind == "enum" and c.type.enum == op.name}
    comp = ctx.dialect.compile_dialect()
    swap = [_compile(DropEnumType(_enum_type(ctx, op.name, ctx.step.before)), comp),
            _compile(CreateEnumType(_enum_type(ctx, op.name, ctx.step.after)), comp)]
    if not users:
        return [_Piece("sql", x) for x in swap]
    return _duck_tables_rebuild(ctx, users, {}, lambda old, new: {c: c for c in new.column_names
                                                                   if old.has_column(c)}, swap=swap)


def _duck_tables_rebuild(ctx: _Ctx, first: set[str], renames: dict[str, str],
                         column_map: Callable[[Table, Table], dict[str, str]],
                         swap: Iterable[str] = ()) -> list[_Piece]:
    """Rebuild ``first`` and every table that references them, directly or not (DuckDB refuses to
    drop a table another one's foreign key points at): copy each aside (enum values as text, so a
    type can change meanwhile), drop them children first, run ``swap``, create them from the new
    schema parents first (the foreign keys the engine cannot hold left out, as ``ddl`` does),
    refill parents first, drop the copies, then create the indexes.

    A table that references itself is refilled level by level: DuckDB checks a foreign key
    against the rows there before the statement, so one INSERT cannot hold a row and the row it
    points at. The statement is repeated (a ``repeat`` piece) until no row is left to copy."""
    from ..ddl.objects import without_partitions

    # (the tables the engine holds: a partition referencing a rebuilt table is not there)
    b, a = (without_partitions(x, ctx.dialect)[0] for x in (ctx.step.before, ctx.step.after))
    names = set(first)
    grow = True
    while grow:
        grow = False
        for child, _fk in _refs(b, names):
            if child.key not in names:
                names.add(child.key)
                grow = True
    order = [t.key for t in _dep_order(b, ctx.dialect) if t.key in names]
    targets = {renames.get(n, n) for n in order if a.has_table(renames.get(n, n))}
    after_order = [t.key for t in _dep_order(a, ctx.dialect) if t.key in targets]
    source = {renames.get(n, n): n for n in order}
    comp = ctx.dialect.compile_dialect()
    copies = _copy_names(order, set(b.table_names) | set(a.table_names))
    out: list[_Piece] = []
    sql = lambda text: out.append(_Piece("sql", text))
    for n in order:
        t = b.table(n)
        cols = [exp.cast(exp.column(c.name, quoted=True), "VARCHAR").as_(exp.to_identifier(c.name, quoted=True))
                if c.type.kind == "enum" else exp.column(c.name, quoted=True) for c in t.columns]
        sql(exp.Create(this=_tbl(qualify(None, copies[n])), kind="TABLE",
                       expression=exp.select(*cols).from_(_tbl(n))).sql("duckdb"))
    for n in reversed(order):
        sql(_compile(sa.schema.DropTable(ctx.before[n]), comp))
    for text in swap:
        sql(text)
    for n in after_order:
        t = ctx.after[n]
        sql(_compile(sa.schema.CreateTable(t), comp))
        if ctx.dialect.comments:  # CREATE TABLE carries no comments; ddl sets them separately too
            if t.comment:
                sql(_compile(sa.schema.SetTableComment(t), comp))
            for c in t.columns:
                if c.comment:
                    sql(_compile(sa.schema.SetColumnComment(c), comp))
    for n in after_order:
        old = source[n]
        mapping = column_map(b.table(old), a.table(n))
        target = ctx.after[n]
        cols = list(mapping)
        if not cols:
            continue
        src = sa.table(copies[old], *(sa.column(mapping[c]) for c in cols))
        sel = sa.select(*(sa.cast(src.c[mapping[c]], target.c[c].type).label(c) for c in cols))
        own = [fk for fk in a.table(n).foreign_keys if fk.ref_table == n and (n, fk.name) not in ctx.after.left_out()
               and all(c in mapping for c in fk.columns)]
        key = a.table(n).primary_key or (own[0].ref_columns if own else ())
        if own and key and all(c in mapping for c in key):
            # only rows not copied yet whose parent row is there (or who point at none)
            there = sa.select(sa.literal(1)).select_from(target).where(
                *(target.c[k] == src.c[mapping[k]] for k in key)).exists()
            ready = [sa.or_(*(src.c[mapping[c]].is_(None) for c in fk.columns),
                            sa.select(sa.literal(1)).select_from(target).where(
                                *(target.c[r] == src.c[mapping[c]] for c, r in zip(fk.columns, fk.ref_columns)))
                            .exists()) for fk in own]
            step = sel.where(~there, *ready)
            left = sa.select(sa.func.count()).select_from(src).where(~there)
            out.append(_Piece("repeat", (_compile(sa.insert(target).from_select(cols, step), comp),
                                         _compile(left, comp))))
            continue
        sql(_compile(sa.insert(target).from_select(cols, sel), comp))
    for n in reversed(order):
        sql(_compile(sa.schema.DropTable(sa.Table(copies[n], sa.MetaData())), comp))
    for n in after_order:
        for ix in sorted(ctx.after[n].indexes, key=lambda i: i.name or ""):
            sql(_compile(sa.schema.CreateIndex(ix), comp))
    return out


def _copy_names(names: Iterable[str], taken: set[str]) -> dict[str, str]:
    """A name for the copy of each table that no table of the schemas has (``_dbmodel_copy_<n>``)."""
    from ..model.naming import shorten

    out: dict[str, str] = {}
    for n in names:
        bare = split_key(n)[1]  # the copy lives in the default schema, named after the table
        candidate, k = shorten(f"_dbmodel_copy_{bare}"), 1
        while qualify(None, candidate) in taken or candidate in out.values():
            k += 1
            candidate = shorten(f"_dbmodel_copy{k}_{bare}")
        out[n] = candidate
    return out


def _compile(construct: Any, comp: Any) -> str:
    return str(construct.compile(dialect=comp, compile_kwargs={"literal_binds": True})).strip()


def _refs(schema: Schema, names: set[str]) -> list[tuple[Table, Any]]:
    return [(t, fk) for t in schema.tables for fk in t.foreign_keys if fk.ref_table in names and t.key != fk.ref_table]


def _dep_order(schema: Schema, dialect: Dialect) -> list[Table]:
    """The tables in the order ``dialect`` can create them: by the keys it holds (as ddl orders
    them), so a key the engine cannot make breaks no cycle for a key it keeps inline."""
    return [schema.table(t.key) for t in dependency_order(_held_keys(schema, dialect))[0]]


def _held_keys(schema: Schema, dialect: Dialect) -> Schema:
    """``schema`` without the foreign keys ``dialect`` cannot make at all (ddl's left-out keys)."""
    from ..ddl import foreign_key_left_out

    return replace(schema, tables=tuple(replace(t, foreign_keys=tuple(
        fk for fk in t.foreign_keys if foreign_key_left_out(schema, t, fk, dialect) is None))
        for t in schema.tables))


#: How each engine rebuilds a table it cannot ALTER.
REBUILD: dict[str, Callable[[o.Operation, _Ctx], list[_Piece]]] = {"sqlite": _batch, "duckdb": _duck_rebuild}

#: Operations an engine does its own way, not through the common handler (DuckDB cannot ALTER
#: TYPE or drop a type a column uses: the tables using the enum are rebuilt around the swap).
ENGINE_HANDLERS: dict[tuple[str, type[o.Operation]], Callable[[Any, _Ctx], list[_Piece]]] = {
    ("duckdb", o.AlterEnum): _duck_alter_enum,
}


# -- pieces -> statements ------------------------------------------------------------------

def pieces(step: Step, dialect: Dialect, *, safe: bool, index: int, cache: dict[int, _Tables]) -> list[_Piece]:
    """What one step emits on ``dialect``: Alembic ops, batch blocks, raw data SQL, checks; the
    views (and, where the table is rebuilt, the triggers) that read a table the step changes are
    dropped before it and made again after it, as engines refuse to change a column a view reads."""
    ctx = _Ctx(step, dialect, safe, index, cache)
    fk_first, fk_last = _fk_index_around(step, ctx)
    around = _dependents_around(step, ctx)
    if around is None:
        return [*fk_first, *_pieces(step, dialect, ctx, index), *fk_last]
    before, after = around
    return [*fk_first, *before, *_pieces(step, dialect, ctx, index), *after, *fk_last]


def _partition_elsewhere(step: Step, dialect: Dialect) -> bool:
    """Whether the step is about a partition an engine without partitioning does not hold."""
    if dialect.partitions:
        return False
    for schema in (step.before, step.after):
        for name in step.op.tables:
            if schema.has_table(name) and schema.table(name).partition_of is not None:
                return True
    return False


def _attach(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """ATTACH PARTITION after a partition is created (PostgreSQL writes it apart, as pg_dump does)."""
    if not isinstance(op, o.AddTable) or op.table.partition_of is None or not ctx.dialect.partitions:
        return []
    from ..ddl.objects import AttachPartition

    made = AttachPartition(ctx.after[op.table.partition_of], ctx.after[op.table.key], op.table.partition_bound or "")
    return [_Piece("op", aops.ExecuteSQLOp(str(made.compile(dialect=ctx.dialect.compile_dialect()))))]


def _pieces(step: Step, dialect: Dialect, ctx: _Ctx, index: int) -> list[_Piece]:
    if _partition_elsewhere(step, dialect):
        return []  # the engine keeps the rows in the partitioned table; the partition is not there
    why = unsupported(step.op, dialect)
    if why:
        raise ModelError(f"step {index} ({step.describe()}): {why}")
    expand = getattr(step.op, "expand", None)
    if callable(expand):
        return expand(step, ctx)
    if _left_out_key(step.op, ctx) or _left_out_item(step.op, ctx.step, ctx.dialect) is not None:
        return []  # a key closing a cycle, a CHECK or index the engine cannot hold: not there before or after
    first, last = _sequences(step, ctx)
    own = ENGINE_HANDLERS.get((dialect.name, type(step.op)))
    if own is not None:
        return [*first, *own(step.op, ctx), *last]
    if needs_rebuild(step.op, dialect, step.before) and dialect.name in REBUILD:
        return [*first, *REBUILD[dialect.name](step.op, ctx), *last]
    handler = HANDLERS.get(type(step.op))
    if handler is None:
        raise ModelError(f"no emitter for operation {type(step.op).__name__}")
    out = [p if isinstance(p, _Piece) else _Piece("op", _in_namespace(p)) for p in handler(step.op, ctx)]
    return [*_namespace_for(step.op, ctx), *_extensions_for(step.op, ctx), *first, *out,
            *_refresh_enum_checks(step, ctx), *_attach(step.op, ctx), *last]


#: Operations that change a table's columns or re-create it: the views reading it go around them.
_RESHAPES = (o.AlterColumn, o.DropColumn, o.RenameColumn, o.RenameTable, o.SetPrimaryKey, o.MoveColumn)


def dependents_around(step: Step, dialect: Dialect) -> tuple[list[View | Verbatim], list[View | Verbatim]]:
    """The views (and objects) dropped before ``step`` and made again after it on ``dialect``, each
    list in the order of its statements: those reading a table the step reshapes (where the table
    is rebuilt, every object on it), and those depending on a view or object the step gives a new
    definition (dropped and re-created: PostgreSQL refuses to drop a function a trigger calls, or a
    view another view reads). Both empty when nothing goes around the step."""
    op = step.op
    rebuild = needs_rebuild(op, dialect, step.before) if getattr(op, "table", None) is not None else False
    replaced: View | Verbatim | None = None
    if isinstance(op, o.ReplaceView):
        replaced = step.before.view(op.name)
    elif isinstance(op, o.ReplaceObject):
        replaced = step.before.object(op.kind, op.name, op.dialect)
        from .diff import altered_in_place

        if altered_in_place(replaced, op.object):  # ALTER TYPE: what uses the type stays
            replaced = None
    if not isinstance(op, _RESHAPES) and not rebuild and replaced is None:
        return [], []
    if not step.before.views and not ((rebuild or replaced is not None) and step.before.verbatim):
        return [], []
    from ..ddl.objects import object_order

    touched = {step.before.table(t).key for t in op.tables if step.before.has_table(t)} if replaced is None \
        else {replaced.key}
    made, _ = object_order(step.before, dialect)
    hit: set[str] = set()
    for item in made:  # in dependency order: a view on a view that goes goes too, and so does an
        # object on one (an index on a materialized view: dropped with it, made again after it)
        if item is not replaced and (isinstance(item, View) or rebuild or replaced is not None
                                     or hit & set(item.depends_on)) \
                and (touched | hit) & set(item.depends_on):
            hit.add(item.key)
    if not hit:
        return [], []
    gone = [item for item in reversed(made) if item.key in hit]
    again, _ = object_order(step.after, dialect)
    return gone, [item for item in again if item.key in hit]


def _dependents_around(step: Step, ctx: _Ctx) -> tuple[list[_Piece], list[_Piece]] | None:
    """DROP VIEW (and objects) before a step, CREATE after (see :func:`dependents_around`)."""
    gone, back = dependents_around(step, ctx.dialect)
    if not gone and not back:
        return None
    drops = [p for item in gone for p in _drop_item(item, step.before, ctx)]
    creates = [p for item in back for p in _create_item(item, ctx)]
    return drops, creates


def _made_on(item: Any, schema: Schema, d: Dialect) -> bool:
    """Whether the DDL of ``schema`` creates ``item`` on ``d`` (:func:`~dbmodel_kit.ddl.objects.object_order`
    leaves out another dialect's object, a view that does not transpile, and whatever depends on one:
    a view calling PostgreSQL's user-defined aggregate is not made on SQLite)."""
    from ..ddl.objects import before_tables, object_order

    if isinstance(item, Verbatim) and any(x is item or x == item for x in before_tables(schema)):
        return item.dialect == d.name
    made, _ = object_order(schema, d)
    return any(x is item or (type(x) is type(item) and x == item) for x in made)


def _create_item(item: Any, ctx: _Ctx) -> list[_Piece]:
    from ..ddl.objects import CreateView, view_sql

    comp = ctx.dialect.compile_dialect()
    if not _made_on(item, ctx.step.after, ctx.dialect):
        return []
    if isinstance(item, View):
        query, _why = view_sql(item, ctx.dialect)
        if query is None:
            return []
        made = CreateView.of(item, query, ctx.dialect)
        return [_Piece("op", aops.ExecuteSQLOp(str(made.compile(dialect=comp)))), *_comment_piece(item, ctx)]
    if item.dialect != ctx.dialect.name:
        return []
    return [_Piece("op", aops.ExecuteSQLOp(item.sql)), *_comment_piece(item, ctx)]


def _comment_piece(item: Any, ctx: _Ctx) -> list[_Piece]:
    from ..ddl.objects import comment_sql

    remark = comment_sql(item, ctx.dialect)
    return [] if remark is None else [_Piece("op", aops.ExecuteSQLOp(remark))]


#: How each kind of verbatim object is dropped: (SQL words, whether ``ON <table>`` follows the name).
_DROPS: dict[str, tuple[str, bool]] = {
    "trigger": ("DROP TRIGGER", False), "function": ("DROP FUNCTION", False), "procedure": ("DROP PROCEDURE", False),
    "aggregate": ("DROP AGGREGATE", False), "extension": ("DROP EXTENSION", False), "policy": ("DROP POLICY", True),
    "rule": ("DROP RULE", True), "virtual table": ("DROP TABLE", False), "event": ("DROP EVENT", False),
    "index": ("DROP INDEX", False), "type": ("DROP TYPE", False),
}


def _drop_item(item: Any, schema: Schema, ctx: _Ctx) -> list[_Piece]:
    from ..ddl.objects import DropView, view_sql

    comp = ctx.dialect.compile_dialect()
    if not _made_on(item, schema, ctx.dialect):
        return []
    if isinstance(item, View):
        if view_sql(item, ctx.dialect)[0] is None:
            return []
        dropped = DropView(item.key, item.materialized and ctx.dialect.materialized_views)
        return [_Piece("op", aops.ExecuteSQLOp(str(dropped.compile(dialect=comp))))]
    if item.dialect != ctx.dialect.name:
        return []
    if item.kind == "grant":
        undo = _undo_grants(item.sql, ctx.dialect)
        if undo is not None:
            return [_Piece("op", aops.ExecuteSQLOp(undo))]
    tables = [d for d in item.depends_on if schema.has_table(d)]
    m = re.fullmatch(r"constraint (.+) on (.+)", item.name) if item.kind == "statement" else None
    if m is not None and tables and m.group(2) == split_key(tables[0])[1]:
        # a constraint kept as its statement (PostgreSQL's EXCLUDE): dropped from its table
        prep = comp.identifier_preparer
        return [_Piece("op", aops.ExecuteSQLOp(f"ALTER TABLE {_qualified(prep, tables[0])} DROP CONSTRAINT "
                                               f"{prep.quote(m.group(1))}"))]
    if item.kind == "type" and (user := _type_user(schema, item, ctx.dialect)) is not None:
        raise ModelError(f"type {item.key} is dropped while column {user} still has it, which {ctx.dialect.name} "
                         "refuses (a range type that changes is dropped and made again: ALTER TYPE changes only a "
                         "composite type's attributes); change the column to another type first, or add the new "
                         "definition as a new type")
    words, on_table = _DROPS.get(item.kind, ("", False))
    # PostgreSQL names a trigger per table: DROP TRIGGER t ON table
    on_table = on_table or (item.kind == "trigger" and ctx.dialect.name == "postgresql")
    if not words or (on_table and not tables):
        raise ModelError(f"the kit keeps {item.kind} {item.key} as its SQL and cannot write how to drop it on "
                         f"{ctx.dialect.name}; drop it by hand (or re-create the model without it)")
    prep = comp.identifier_preparer
    # the name is the object's own spelling from its dump (a function's carries its argument types)
    # (not its key: qualify() quotes a name holding a dot, and a signature may name a type schema.t)
    if item.kind in ("function", "procedure", "aggregate"):
        target = item.name if item.schema is None else f"{prep.quote_schema(item.schema)}.{item.name}"
    else:
        target = _qualified(prep, item.key)
    bare_table = split_key(tables[0])[1] if tables else ""
    if on_table and item.name.endswith(f" on {bare_table}"):
        # a PostgreSQL trigger or policy is named "<name> on <table>" (its name is per table), in its table's schema
        target = prep.quote(item.name[:-len(f" on {bare_table}")])
    tail = f" ON {_qualified(prep, tables[0])}" if on_table else ""
    return [_Piece("op", aops.ExecuteSQLOp(f"{words} {target}{tail}"))]


def _type_user(schema: Schema, item: Verbatim, d: Dialect) -> str | None:
    """``table.column`` of the first column of ``schema`` whose type on ``d`` is the type ``item``
    (its spelling there, an array of it too, names it), or has a composite type one of whose
    attributes has it (PostgreSQL looks through them too), or None."""
    for outer in schema.verbatim:
        if outer.kind == "type" and outer is not item and item.key in outer.depends_on:
            user = _type_user(schema, outer, d)
            if user is not None:
                return user
    wanted = item.name.lower()
    for t in schema.tables:
        for c in t.columns:
            if c.type.kind != "native":
                continue
            spelled = (c.type.native_for(d.name) or "").strip()
            base = re.sub(r"(\s*\[\s*\d*\s*\])+$", "", spelled).rsplit(".", 1)[-1].strip()
            if base.strip('"').lower() == wanted:
                return f"{t.key}.{c.name}"
    return None


def _undo_grants(sql: str, d: Dialect) -> str | None:
    """The statements that undo ``sql``'s GRANTs and REVOKEs, last first (a GRANT undone by the
    REVOKE of the same privileges, a REVOKE by the GRANT), or None where sqlglot does not read
    every statement as one (a role grant, MySQL's user@host)."""
    import sqlglot
    from sqlglot import exp as sx

    try:
        statements = [x for x in sqlglot.parse(sql, read=d.sqlglot) if x is not None]
    except sqlglot.errors.SqlglotError:
        return None
    undo = []
    for x in reversed(statements):
        args = {k: v for k, v in x.args.items() if k not in ("grant_option", "cascade")}
        if isinstance(x, sx.Grant):  # (revoking the privileges takes their grant option with them)
            undo.append(sx.Revoke(**args))
        elif isinstance(x, sx.Revoke):  # REVOKE GRANT OPTION FOR ...: the option comes back with the grant
            undo.append(sx.Grant(**args, grant_option=x.args.get("grant_option")))
        else:
            return None
    return ";\n".join(u.sql(d.sqlglot) for u in undo)


def _add_view(op: o.AddView, ctx: _Ctx) -> list[Any]:
    return [p.payload for p in _create_item(op.view, ctx)]


def _drop_view(op: o.DropView, ctx: _Ctx) -> list[Any]:
    return [p.payload for p in _drop_item(ctx.step.before.view(op.name), ctx.step.before, ctx)]


def _replace_view(op: o.ReplaceView, ctx: _Ctx) -> list[Any]:
    old = ctx.step.before.view(op.name)
    return [p.payload for p in (*_drop_item(old, ctx.step.before, ctx), *_create_item(op.view, ctx))]


def _add_object(op: o.AddObject, ctx: _Ctx) -> list[Any]:
    return [p.payload for p in _create_item(op.object, ctx)]


def _drop_object(op: o.DropObject, ctx: _Ctx) -> list[Any]:
    return [p.payload for p in _drop_item(ctx.step.before.object(op.kind, op.name, op.dialect), ctx.step.before,
                                          ctx)]


def _replace_object(op: o.ReplaceObject, ctx: _Ctx) -> list[Any]:
    old = ctx.step.before.object(op.kind, op.name, op.dialect)
    from .diff import altered_in_place

    if altered_in_place(old, op.object):
        return _alter_type(old, op.object, ctx)
    return [p.payload for p in (*_drop_item(old, ctx.step.before, ctx), *_create_item(op.object, ctx))]


def _alter_type(old: Verbatim, new: Verbatim, ctx: _Ctx) -> list[Any]:
    """A PostgreSQL composite type changed in place, one ``ALTER TYPE`` per attribute: the rows of
    the columns having the type keep their values (a new attribute is NULL in them, a dropped one
    goes). Refused, naming the column, where PostgreSQL cannot keep them: an attribute's type
    changes while a column has the type (PostgreSQL refuses), or a kept attribute would have to be
    dropped and added again to take its new place (its values would be lost)."""
    from ..io.pg_objects import composite_changes

    if not _made_on(old, ctx.step.before, ctx.dialect):
        return []
    changes = composite_changes(old.sql, new.sql) or []
    user = _type_user(ctx.step.before, old, ctx.dialect)
    if user is not None:
        for c in changes:
            if c.action == "alter" and c.attribute is not None:
                spelled = c.attribute.type + (f" COLLATE {c.attribute.collation}" if c.attribute.collation else "")
                raise ModelError(f"type {old.key}: attribute {c.name} changes to {spelled}, which "
                                 f"PostgreSQL refuses while column {user} has the type (ALTER TYPE ... ALTER "
                                 "ATTRIBUTE: cannot alter type because a column uses it); add an attribute of "
                                 "the new type under another name and copy the values, or change the column first")
            if c.moves:
                raise ModelError(f"type {old.key}: attribute {c.name} would be dropped and added again to take its "
                                 f"new place (PostgreSQL adds attributes at the end only), losing its values in "
                                 f"column {user}; keep the attributes there in their order and add new ones last")
    prep = ctx.dialect.compile_dialect().identifier_preparer
    head = f"ALTER TYPE {_qualified(prep, old.key)}"
    why = "Alembic has no operation for ALTER TYPE: the composite type's attributes change by its SQL"
    out: list[Any] = []
    for c in changes:
        if c.action == "drop":
            out.append(NoAlembicOpSQL(f"{head} DROP ATTRIBUTE {prep.quote(c.name)}", why))
            continue
        a = c.attribute
        assert a is not None
        spelled = a.type + (f" COLLATE {a.collation}" if a.collation else "")
        verb = "ADD ATTRIBUTE {}" if c.action == "add" else "ALTER ATTRIBUTE {} SET DATA TYPE"
        out.append(NoAlembicOpSQL(f"{head} {verb.format(prep.quote(c.name))} {spelled}", why))
    return out


HANDLERS.update({
    o.AddView: _add_view, o.DropView: _drop_view, o.ReplaceView: _replace_view,
    o.AddObject: _add_object, o.DropObject: _drop_object, o.ReplaceObject: _replace_object,
})


def _namespace_for(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """``CREATE SCHEMA IF NOT EXISTS`` before an object is added in a named schema (idempotent, so
    no look at what the database holds)."""
    obj = {o.AddTable: "table", o.AddEnum: "enum", o.AddDomain: "domain", o.AddSequence: "sequence",
           o.AddView: "view"}.get(type(op))
    namespace = getattr(getattr(op, obj, None), "schema", None) if obj else None
    if namespace is None or not ctx.dialect.create_namespaces:
        return []
    comp = ctx.dialect.compile_dialect()
    return [_Piece("op", aops.ExecuteSQLOp(str(sa.schema.CreateSchema(namespace, if_not_exists=True)
                                               .compile(dialect=comp))))]


#: Alembic operation attributes that hold a table, and the attribute that holds its schema.
_TABLE_ATTRS = (("table_name", "schema"), ("old_table_name", "schema"), ("source_table", "source_schema"),
                ("referent_table", "referent_schema"))


def _from_sa(make: Callable[[Any], Any], construct: Any) -> Any:
    """The Alembic operation ``make`` builds from a SQLAlchemy constraint or index, marked so
    :func:`_in_namespace` leaves its names alone: they are the engine's already (a table called
    ``a.b`` is ``a.b`` there, while its model key is ``"a.b"``)."""
    op = make(construct)
    op.dbmodel_engine_names = True  # an attribute of ours (Alembic's own ``info`` may be None)
    return op


def _in_namespace(op: Any) -> Any:
    """An Alembic operation whose table was given by its model key (``sales.orders``, ``"a.b"``)
    with the table's name and schema apart, as Alembic wants them (ops built from SQLAlchemy
    tables, see :func:`_from_sa`, are right already)."""
    if getattr(op, "dbmodel_engine_names", False):
        return op
    for attr, schema_attr in _TABLE_ATTRS:
        value = getattr(op, attr, None)
        if isinstance(value, str) and getattr(op, schema_attr, None) is None:
            namespace, name = split_key(value)
            setattr(op, attr, name)
            if namespace is not None:
                setattr(op, schema_attr, namespace)
    if isinstance(op, aops.RenameTableOp):
        op.new_table_name = split_key(op.new_table_name)[1]
    return op


def _qualified(preparer: Any, key: str) -> str:
    """A model key quoted part by part (for the few statements no construct builds)."""
    namespace, name = split_key(key)
    return preparer.quote(name) if namespace is None else f"{preparer.quote_schema(namespace)}.{preparer.quote(name)}"


def _left_out_item(op: o.Operation, step: Step, dialect: Dialect) -> str | None:
    """Why the DDL leaves out on ``dialect`` the CHECK or index ``op`` adds or drops (a CHECK calling
    a function the engine has not: SQLite's regular expressions; an index over types it cannot
    index: DuckDB's INTERVAL), else None: the step writes nothing there. SQLite's rebuild dropped
    such a CHECK from a table that never had it ("No such constraint"), DuckDB's DROP INDEX named an
    index it never made ("Index with name ... does not exist!"), and adding one was refused."""
    from ..ddl import index_left_out
    from ..ddl.limits import missing_function

    if isinstance(op, o.AddCheck):
        return missing_function(op.check.expression, dialect)
    if isinstance(op, o.DropCheck):
        return missing_function(step.before.table(op.table).check(op.name).expression, dialect)
    if isinstance(op, o.AddIndex):
        return index_left_out(step.after.table(op.table), op.index, dialect)
    if isinstance(op, o.DropIndex):
        t = step.before.table(op.table)
        return index_left_out(t, t.index(op.name), dialect)
    return None


def _left_out_key(op: o.Operation, ctx: _Ctx) -> bool:
    """Whether ``op`` adds or drops a foreign key the engine does not hold (see ``_Tables.left_out``)."""
    from ..ddl import foreign_key_left_out

    if isinstance(op, o.AddForeignKey):
        t = ctx.step.after.table(op.table)
        return (t.key, op.foreign_key.name) in ctx.after.left_out() or foreign_key_left_out(
            ctx.step.after, t, t.foreign_key(op.foreign_key.name), ctx.dialect) is not None
    if isinstance(op, o.DropForeignKey):
        t = ctx.step.before.table(op.table)
        return (t.key, op.name) in ctx.before.left_out() or foreign_key_left_out(
            ctx.step.before, t, t.foreign_key(op.name), ctx.dialect) is not None
    return False


def _sequence_names(schema: Schema, dialect: Dialect,
                    tables: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
    """sequence name -> (table, column) for the identity columns of an engine whose identity is a
    sequence and a nextval default (DuckDB); of the named ``tables`` only, when given."""
    if dialect.identity_style != "sequence":
        return {}
    from ..ddl import _identity_ok, sequence_name

    chosen = schema.tables if tables is None else [schema.table(n) for n in tables if schema.has_table(n)]
    return {sequence_name(t.name, c.name): (t.name, c.name) for t in chosen for c in t.columns
            if c.default is not None and c.default.kind == "identity" and _identity_ok(t, c, dialect)}


def _changed_tables(before: Schema, after: Schema) -> set[str]:
    """Names of the tables a step adds, drops or changes: those whose value is not the very same
    object on both sides. Compared position by position with C-level ``map``, so a step costs next to
    nothing per unchanged table (a plan of n steps over n tables stays near linear)."""
    if before.tables is after.tables:
        return set()
    a, b = before.tables, after.tables
    differ = compress(range(min(len(a), len(b))), map(is_not, a, b))
    names = {t.name for i in differ for t in (a[i], b[i])}
    names.update(t.name for t in a[len(b):])
    names.update(t.name for t in b[len(a):])
    return names


def _sequences(step: Step, ctx: _Ctx) -> tuple[list[_Piece], list[_Piece]]:
    """The sequences behind identity columns that a step makes or ends: created before the step's
    statements (a new one continues after the largest value already in its column, for a table
    renamed or a column made identity), dropped after them."""
    if ctx.dialect.identity_style != "sequence":
        return [], []
    # only the tables the step touches can gain or lose a sequence
    touched = _changed_tables(step.before, step.after)
    before = _sequence_names(step.before, ctx.dialect, touched)
    after = _sequence_names(step.after, ctx.dialect, touched)
    if before.keys() == after.keys():
        return [], []
    comp = ctx.dialect.compile_dialect()
    first = [_Piece("sql", _compile(sa.schema.CreateSequence(sa.Sequence(n)), comp)) for n in after if n not in before]
    last: list[_Piece] = []
    created = {step.op.table.key} if isinstance(step.op, o.AddTable) else set()
    for n, (table, column) in after.items():
        if n not in before and table not in created:
            quoted = comp.identifier_preparer.quote(n)
            top = exp.Max(this=exp.column(column, quoted=True))
            # a BIGINT argument: setval takes no unsigned value (DuckDB's UBIGINT key of a MySQL
            # BIGINT UNSIGNED column found no setval to call)
            call = exp.Anonymous(this="setval", expressions=[exp.Literal.string(quoted),
                                                             exp.cast(top.copy(), exp.DataType.build("bigint"))])
            setval = exp.select(call).from_(_tbl(table)).having(exp.Is(this=top.copy(), expression=exp.Null()).not_())
            last.append(_Piece("sql", setval.sql(ctx.dialect.sqlglot)))
    last += [_Piece("sql", _compile(sa.schema.DropSequence(sa.Sequence(n)), comp)) for n in before if n not in after]
    return first, last


def _extensions_for(op: o.Operation, ctx: _Ctx) -> list[_Piece]:
    """``CREATE EXTENSION IF NOT EXISTS`` for the extensions the types an operation brings need
    (PostgreSQL's citext, cube); idempotent, so no scan of what the database already has."""
    if not ctx.dialect.type_extensions:
        return []
    types = {o.AddTable: lambda: [c.type for c in op.table.columns],  # type: ignore[attr-defined]
             o.AddColumn: lambda: [op.column.type],  # type: ignore[attr-defined]
             o.AlterColumn: lambda: [] if op.type is o.KEEP else [op.type],  # type: ignore[attr-defined]
             o.AddDomain: lambda: [op.domain.base]}.get(type(op), lambda: [])()  # type: ignore[attr-defined]
    from ..ddl import CreateExtension, extensions_for

    comp = ctx.dialect.compile_dialect()
    return [_Piece("op", aops.ExecuteSQLOp(str(CreateExtension(ext).compile(dialect=comp))))
            for ext in extensions_for(types, ctx.dialect)]


def _refresh_enum_checks(step: Step, ctx: _Ctx) -> list[_Piece]:
    """Enum CHECKs are named after table and column (``ck_<table>_<column>_enum``); a rename
    changes the name the model expects, and SQLite cannot rename a constraint: rebuild the
    table from its new definition (Alembic batch, no other change)."""
    if ctx.dialect.enum_style != "check" or not isinstance(step.op, o.RenameTable | o.RenameColumn):
        return []
    table = step.op.tables[1] if isinstance(step.op, o.RenameTable) else step.op.table  # the new key
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

    Made once per plan, dialect and flavour (:meth:`Plan.kept`: ``verify`` applies a plan twice,
    a script and an apply of one plan share them); each call gets its own copies of the units.
    """
    d = get_dialect(dialect)
    fl = flavour or flavour_of(dialect)

    def make() -> tuple[Dialect, tuple[Unit, ...]]:
        return d, tuple(_units(plan, d, safe=safe, flavour=fl))

    held = plan.kept(("units", d.name, fl, safe), make)
    if held[0] is not d:  # another Dialect object of that name (its settings may differ): not kept
        held = make()
    return [replace(u, **{f.name: copy.copy(getattr(u, f.name)) for f in fields(u)}) for u in held[1]]


def _units(plan: Plan, d: Dialect, *, safe: bool, flavour: str | None) -> list[Unit]:
    _check_names(plan, d)
    from ..ddl import check_fk_types, check_folded_names

    try:  # an end state the engine refuses, named before any statement runs
        check_fk_types(plan.new, d)
        check_folded_names(plan.new, d)
    except ModelError as e:
        raise ModelError(f"the schema this migration ends with cannot be made on {d.name}: {e}") from None
    ops_, buf = _context(d, flavour)
    out: list[Unit] = [Unit()]
    stored, work = _stored_steps(plan, d)
    cache = _TableCache(_Ends(stored, d))
    for i, step in work:
        made = [step] if isinstance(step, _Piece) else pieces(step, d, safe=safe, index=i, cache=cache)
        for piece in made:
            start = len(buf.statements)
            if piece.kind in ("op", "nontx", "alone"):
                ops_.invoke(piece.payload)
            elif piece.kind == "create":
                _create(ops_, piece.payload)
            elif piece.kind == "batch":
                with ops_.batch_alter_table(piece.table or "", recreate="always", copy_from=piece.copy_from) as batch:
                    for x in _batch_ops(piece):
                        batch.invoke(x)
            elif piece.kind == "sql":
                buf.statements.append(piece.payload)
            elif piece.kind == "repeat":
                out[-1].repeats[len(out[-1].statements)] = piece.payload[1]
                buf.statements.append(piece.payload[0])
            elif piece.kind == "check":
                out[-1].checks.append((len(out[-1].statements), *piece.payload))
                continue
            new = buf.statements[start:]
            if piece.kind in ("nontx", "alone"):
                out.append(Unit(new, transactional=piece.kind == "alone", steps=[i], step_of=[i] * len(new),
                                cleanup=_invalid_index_cleanup(piece.payload, d)))
                out.append(Unit())
                continue
            out[-1].statements.extend(new)
            out[-1].step_of.extend([i] * len(new))
            if i not in out[-1].steps:
                out[-1].steps.append(i)
    return [u for u in out if u.statements or u.checks]


def _invalid_index_cleanup(op: Any, d: Dialect) -> list[str]:
    """``DROP INDEX CONCURRENTLY IF EXISTS`` for a concurrent index build: a failed build leaves
    an INVALID index behind (https://www.postgresql.org/docs/current/sql-createindex.html
    #SQL-CREATEINDEX-CONCURRENTLY), which a retry would collide with."""
    if not (isinstance(op, aops.CreateIndexOp) and op.kw.get("postgresql_concurrently")):
        return []
    prep = d.compile_dialect().identifier_preparer
    name = prep.quote(op.index_name or "")
    if op.schema:
        name = f"{prep.quote_schema(op.schema)}.{name}"
    return [f"DROP INDEX CONCURRENTLY IF EXISTS {name}"]


def _check_names(plan: Plan, d: Dialect) -> None:
    """Refuse steps on a table ``d`` stores under another name than the model's, or with a column
    it stores under another name (PostgreSQL cuts names past 63 bytes), or that re-create such a
    table: the database holds the engine's names (see :func:`dbmodel_kit.ddl.names.physical`),
    which a step written with the model's names would miss. (Indexes and constraints the engine
    stores under other names are written with those names: :func:`_stored_steps`.)"""
    from ..ddl.names import renamed_items

    renamed: dict[tuple[str, str], str] = {}
    for schema in (plan.old, plan.new):
        for key, note in renamed_items(schema, d).items():
            if key[1] == "":
                renamed.setdefault(key, note)
    if not renamed:
        return
    tables = {t for t, _ in renamed}
    for i, step in enumerate(plan.steps, 1):
        op = step.op
        names = [getattr(op, "name", None)] + [getattr(getattr(op, attr, None), "name", None)
                                              for attr in ("index", "foreign_key", "unique", "check")]
        table = getattr(op, "table", None)
        table = table.name if isinstance(table, Table) else table
        hit = next((renamed[table, n] for n in names if isinstance(n, str) and (table, n) in renamed), None)
        if hit is None and table in tables and (
                isinstance(op, o.AddTable | o.DropTable | o.RenameTable | o.RenameColumn | o.DropColumn)
                or needs_rebuild(op, d, step.before)):
            hit = next(note for (t, _), note in renamed.items() if t == table)
        if hit is not None:
            raise ModelError(f"step {i} ({step.describe()}): {hit}; rename it in the model first so the model and "
                             "the database agree")


#: Engines that rename an index (and a unique constraint, with its index) in place; elsewhere an
#: index or constraint whose stored name changes is dropped and made again under the new name
_RENAMES_INDEXES = frozenset({"postgresql"})
_DROP_ITEM: dict[str, Callable[[str, str], o.Operation]] = {
    "index": o.DropIndex, "unique": o.DropUnique, "foreign_key": o.DropForeignKey, "check": o.DropCheck}
_ADD_ITEM: dict[str, Callable[[str, Any], o.Operation]] = {
    "index": lambda t, x: o.AddIndex(t, x), "unique": lambda t, x: o.AddUnique(t, x),
    "foreign_key": lambda t, x: o.AddForeignKey(t, x), "check": lambda t, x: o.AddCheck(t, x)}
_ITEM_FIELD = {o.AddIndex: ("index", "index"), o.AddUnique: ("unique", "unique"),
               o.AddForeignKey: ("foreign_key", "foreign_key"), o.AddCheck: ("check", "check")}
_DROPPED_KIND = {o.DropIndex: "index", o.DropUnique: "unique", o.DropForeignKey: "foreign_key", o.DropCheck: "check"}


def _stored_steps(plan: Plan, d: Dialect) -> tuple[Plan, list[tuple[int, Step | _Piece]]]:
    """The plan's steps written with the names ``d`` stores (:func:`dbmodel_kit.ddl.names.physical`:
    an index name several tables share is ``<table>_<name>`` on an engine that keeps index names
    per schema), as the DDL writes them, so a migration and the DDL of the same model make the
    same database. A step can change the stored name of an index or constraint it does not touch
    (adding a table whose index reuses another table's index name renames both; renaming a table
    renames its prefixed items): those are renamed first (PostgreSQL: ALTER INDEX / RENAME
    CONSTRAINT), or dropped and made again where the engine renames no index. Returns the plan
    between the stored ends and ``(plan step number, step or raw piece)`` in order."""
    from ..ddl.names import KIND_ATTRS, physical, stored_names

    plan, numbers = _generated_stored(plan, d)
    narrows = _narrowing_moves(plan, d)
    if not narrows and not _may_rename(plan, d):
        return plan, list(zip(numbers, plan.steps, strict=True))
    memo: dict[int, tuple[Schema, dict[tuple[str, str, str], str]]] = {}

    def stored(schema: Schema) -> tuple[Schema, dict[tuple[str, str, str], str]]:
        if id(schema) not in memo:
            s = physical(schema, d)[0]
            names = stored_names(schema, s)
            memo[id(schema)] = (_key_typed(s, d) if narrows else s, names)
        return memo[id(schema)]

    out: list[tuple[int, Step | _Piece]] = []
    flat: list[Step] = []
    for i, step in zip(numbers, plan.steps, strict=True):
        (pb, names_b), (pa, names_a) = stored(step.before), stored(step.after)
        current = pb
        for table, kind, old, new, item in _moved_names(step, names_b, names_a, KIND_ATTRS):
            if d.name in _RENAMES_INDEXES and kind in ("index", "unique"):
                out.append((i, _Piece("sql", _rename_sql(current.table(table), kind, old, new, d))))
                current = _renamed_item(current, table, KIND_ATTRS[kind], old, new)
                continue
            for op in (_DROP_ITEM[kind](table, old), _ADD_ITEM[kind](table, replace(item, name=new))):
                after = op.apply(current)
                flat.append(Step(op, current, after, "lossless", "the engine's name for an unchanged item"))
                out.append((i, flat[-1]))
                current = after
        op = _stored_op(step.op, names_b, names_a, pa)
        gain, lose = _narrowed_by_step(step, current, pa, d) if narrows else ([], [])
        for table, column, typ in gain:  # a key this step adds: its columns narrowed first, as their parent's
            retype = o.AlterColumn(table, column, type=typ)
            flat.append(Step(retype, current, retype.apply(current), "lossless", _NARROW_REASON))
            out.append((i, flat[-1]))
            current = flat[-1].after
        end = pa
        for table, column, _typ in lose:  # ... and widened again after a step that drops the key
            end = o.AlterColumn(table, column, type=current.table(table).column(column).type).apply(end)
        flat.append(Step(op, current, end, step.reversibility, step.reason))
        out.append((i, flat[-1]))
        for table, column, typ in lose:
            retype = o.AlterColumn(table, column, type=typ)
            flat.append(Step(retype, end, retype.apply(end), "lossless", _NARROW_REASON))
            out.append((i, flat[-1]))
            end = flat[-1].after
    return Plan(stored(plan.old)[0], flat, source=plan.source), out


def _generated_stored(plan: Plan, d: Dialect) -> tuple[Plan, list[int]]:
    """The plan between the ends as ``d`` holds their generated columns' constraints
    (:func:`dbmodel_kit.ddl.limits.generated_constraints`: MariaDB's NOT NULL on one as a CHECK,
    DuckDB's CHECKs over its expression and no keys over one), as the DDL creates them, and each
    step's number in ``plan``. A step whose stored effect is not its own (setting a generated
    column NOT NULL is adding a CHECK on MariaDB) is the steps between the stored forms around it;
    the others stay, between stored forms. Unchanged where ``d`` limits none of these or no schema
    of the plan has a generated column."""
    numbers = list(range(1, len(plan.steps) + 1))

    def generated(s: Schema, keys: Iterable[str] | None = None) -> bool:
        tables = s.tables if keys is None else [s.table(k) for k in keys if s.has_table(k)]
        return any(c.generated for t in tables for c in t.columns)

    # (a generated column is in the old schema or in the tables of the step that made it: one look at
    # each step's own tables, so a diff of thousands of tables stays linear)
    if (d.generated_not_null and d.generated_constraints) or not (
            generated(plan.old) or any(generated(st.after, st.op.tables) for st in plan.steps)):
        return plan, numbers
    from ..ddl.limits import generated_constraints
    from .diff import diff

    memo: dict[int, Schema] = {}

    def stored(schema: Schema) -> Schema:
        if id(schema) not in memo:
            memo[id(schema)] = generated_constraints(schema, d)[0]
        return memo[id(schema)]

    steps: list[Step] = []
    numbers = []
    for i, step in enumerate(plan.steps, 1):
        sb, sa = stored(step.before), stored(step.after)
        try:
            same = step.op.apply(sb) == sa
        except ModelError:
            same = False
        if same:
            steps.append(Step(step.op, sb, sa, step.reversibility, step.reason))
            numbers.append(i)
            continue
        for sub in diff(sb, sa).steps:
            steps.append(Step(sub.op, sub.before, sub.after, sub.reversibility,
                              f"{step.describe()}, as {d.name} holds a generated column's constraints"))
            numbers.append(i)
    return Plan(stored(plan.old), steps, source=plan.source), numbers


_NARROW_REASON = ("the engine stores this column under another type while it is in a key "
                  "(ddl.limits.text_keys, identity_integers), and as its own type otherwise")


def _key_typed(s: Schema, d: Dialect) -> Schema:
    """``s`` with the types ``d`` stores for columns because they are in a key, as the DDL applies them
    (:func:`dbmodel_kit.ddl._build`): text keys as varchar(n) (MySQL), an unsigned bigint identity key
    and the columns referencing it as a signed bigint (PostgreSQL, SQLite)."""
    from ..ddl.limits import identity_integers, text_keys

    return identity_integers(text_keys(s, d)[0], d)[0]


def _key_typed_columns(s: Schema, d: Dialect) -> frozenset[tuple[str, str]]:
    n = _key_typed(s, d)
    return frozenset((t.key, c.name) for t, u in zip(s.tables, n.tables, strict=True)
                     for c, v in zip(t.columns, u.columns, strict=True) if c.type != v.type)


def _narrowing_moves(plan: Plan, d: Dialect) -> bool:
    """Whether a step changes which columns ``d`` stores under another type because they are in a key
    (a text column in a MySQL key is varchar(n); an unsigned bigint referencing an unsigned bigint
    identity key is a signed bigint where the engine has no unsigned bigint, only while its foreign
    key is there): then :func:`_stored_steps` retypes them around that step, so the database keeps
    matching the DDL of each end (PostgreSQL refuses a key from numeric(20,0) onto bigint; a dropped
    key's column read back under the key's type where the DDL says another)."""
    if d.key_text_length is None and "bigint" in d.unsigned_types:
        return False
    # only a step that changes a key of a table already there can move a column in or out of one
    # (checked per such step: a whole-schema pass per step is quadratic in a diff from empty)
    return any(isinstance(step.op, _KEY_OPS) and _key_typed_columns(step.before, d) != _key_typed_columns(step.after, d)
               for step in plan.steps)


_KEY_OPS = (o.AddForeignKey, o.DropForeignKey, o.SetPrimaryKey, o.Batch)


def _narrowed_by_step(step: Step, before: Schema, after: Schema, d: Dialect) -> tuple[
        list[tuple[str, str, Any]], list[tuple[str, str, Any]]]:
    """Columns the step leaves of the same model type whose stored type it changes because they
    enter a key (gain: retyped before the step) or leave one (lose: retyped after it), as
    (table key, column, stored type after)."""
    if not isinstance(step.op, _KEY_OPS):
        return [], []
    kb, ka = _key_typed_columns(step.before, d), _key_typed_columns(step.after, d)
    gain, lose = [], []
    for t in after.tables:
        if not before.has_table(t.key) or not step.before.has_table(t.key) or not step.after.has_table(t.key):
            continue
        mb, ma, sb = step.before.table(t.key), step.after.table(t.key), before.table(t.key)
        for c in t.columns:
            if not (sb.has_column(c.name) and mb.has_column(c.name) and ma.has_column(c.name)):
                continue
            if mb.column(c.name).type != ma.column(c.name).type or sb.column(c.name).type == c.type:
                continue
            if (t.key, c.name) in ka and (t.key, c.name) not in kb:
                gain.append((t.key, c.name, c.type))
            elif (t.key, c.name) in kb and (t.key, c.name) not in ka:
                lose.append((t.key, c.name, c.type))
    return gain, lose


def _may_rename(plan: Plan, d: Dialect) -> bool:
    """Whether any schema along ``plan`` can hold a name ``d`` stores otherwise: one several tables
    (or a table and an index) use in a scope the engine keeps per schema, or one past its length
    limit. Read from the start schema and what the steps add, without building each step's schema."""
    from ..ddl.names import KIND_ATTRS

    spaces = {kind: space for kind, space in d.name_scopes.items() if space not in ("table", "none")}
    limit = d.max_identifier_bytes
    owners: dict[tuple[str, str | None, str], tuple[str, str]] = {}

    def clash(space: str, schema: str | None, name: str, owner: tuple[str, str]) -> bool:
        folded = name.lower() if space in d.folded_scopes else name
        return (limit is not None and len(name.encode()) > limit) or owners.setdefault((space, schema, folded),
                                                                                       owner) != owner

    def items(table: str, kind: str, found: Iterable[Any]) -> bool:
        schema = split_key(table)[0]
        return kind in spaces and any(clash(spaces[kind], schema, x.name, (table, kind)) for x in found)

    def whole(t: Table) -> bool:
        if "relation" in spaces.values() and clash("relation", t.schema, t.name, (t.key, "table")):
            return True
        if limit is not None and any(len(n.encode()) > limit for n in (t.name, *t.column_names)):
            return True
        return any(items(t.key, kind, getattr(t, attr)) for kind, attr in KIND_ATTRS.items())

    if any(whole(t) for t in (*plan.old.tables, *plan.new.tables)):
        return True
    for step in plan.steps:
        op = step.op
        if isinstance(op, o.AddTable) and whole(op.table):
            return True
        if type(op) in _ITEM_FIELD:
            kind, attr = _ITEM_FIELD[type(op)]  # type: ignore[index]
            if items(op.table, kind, [getattr(op, attr)]):  # type: ignore[attr-defined]
                return True
        if isinstance(op, o.RenameTable):
            schema = split_key(op.table)[0]
            if "relation" in spaces.values() and clash("relation", schema, op.new_name, (op.table, "table")):
                return True
            if limit is not None and len(op.new_name.encode()) > limit:
                return True
    return False


def _moved_names(step: Step, names_b: dict[tuple[str, str, str], str], names_a: dict[tuple[str, str, str], str],
                 attrs: dict[str, str]) -> list[tuple[str, str, str, str, Any]]:
    """``(table, kind, stored name before, stored name after, item as stored after)`` for each
    index or constraint the step leaves in place whose stored name it changes, ordered so that no
    new name is one another item still holds."""
    moves: list[tuple[str, str, str, str, Any]] = []
    op = step.op
    for t in step.before.tables:
        key = t.key
        if isinstance(op, o.RenameTable) and op.table == key:
            key = qualify(t.schema, op.new_name)
        if not step.after.has_table(key):
            continue
        ta = step.after.table(key)
        for kind, attr in attrs.items():
            for item in getattr(t, attr):
                now = next((x for x in getattr(ta, attr) if x.name == item.name), None)
                if now is None:
                    continue
                old = names_b.get((t.key, kind, item.name), item.name)
                new = names_a.get((key, kind, item.name), item.name)
                if old != new:
                    moves.append((t.key, kind, old, new, now))
    ordered: list[tuple[str, str, str, str, Any]] = []
    while moves:
        held = {m[2] for m in moves}
        free = next((m for m in moves if m[3] not in held), None)
        if free is None:
            raise ModelError(f"step {step.describe()}: the engine's names of {', '.join(m[2] for m in moves)} "
                             "change among themselves; rename them in the model first")
        ordered.append(free)
        moves.remove(free)
    return ordered


def _renamed_item(schema: Schema, table: str, attr: str, old: str, new: str) -> Schema:
    t = schema.table(table)
    items = tuple(replace(x, name=new) if x.name == old else x for x in getattr(t, attr))
    return replace(schema, tables=tuple(replace(x, **{attr: items}) if x.key == table else x for x in schema.tables))


def _rename_sql(t: Table, kind: str, old: str, new: str, d: Dialect) -> str:
    prep = d.compile_dialect().identifier_preparer
    if kind == "index":
        name = prep.quote(old) if t.schema is None else f"{prep.quote_schema(t.schema)}.{prep.quote(old)}"
        return f"ALTER INDEX {name} RENAME TO {prep.quote(new)}"
    table = prep.quote(t.name) if t.schema is None else f"{prep.quote_schema(t.schema)}.{prep.quote(t.name)}"
    return f"ALTER TABLE {table} RENAME CONSTRAINT {prep.quote(old)} TO {prep.quote(new)}"


def _stored_op(op: o.Operation, names_b: dict[tuple[str, str, str], str], names_a: dict[tuple[str, str, str], str],
               after: Schema) -> o.Operation:
    """``op`` naming what it adds or drops as the engine stores it."""
    if isinstance(op, o.AddTable) and after.has_table(op.table.key):
        return replace(op, table=after.table(op.table.key))
    if type(op) in _ITEM_FIELD:
        kind, attr = _ITEM_FIELD[type(op)]  # type: ignore[index]
        item = getattr(op, attr)
        name = names_a.get((op.table, kind, item.name))  # type: ignore[attr-defined]
        return op if name is None else replace(op, **{attr: replace(item, name=name)})
    if type(op) in _DROPPED_KIND:
        name = names_b.get((op.table, _DROPPED_KIND[type(op)], op.name))  # type: ignore[attr-defined,index]
        return op if name is None else replace(op, name=name)
    return op


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
        *(f"Note: {note}" for note in left_out(plan, dialect)),
    ]
    return "\n".join(f"{comment} {line}" for line in lines) + "\n"


def left_out(plan: Plan, dialect: str | Dialect) -> list[str]:
    """What the plan adds, gives a new definition or drops that is not created on ``dialect`` (another
    dialect's object, a view that does not transpile, what depends on one: its steps write nothing
    for it there) or is created as something less (a materialized view as a plain one), as the DDL
    notes it."""
    from ..ddl.objects import object_order

    d = get_dialect(dialect)
    out: list[str] = []
    for step in plan.steps:
        op = step.op
        if (why := _left_out_item(op, step, d)) is not None:
            if isinstance(op, o.AddCheck | o.DropCheck):
                name = op.check.name if isinstance(op, o.AddCheck) else op.name
                out.append(f"{d.name}: check {name} of {op.table} left out: {d.name} has no {why}")
            else:
                name = op.index.name if isinstance(op, o.AddIndex) else op.name
                out.append(f"{d.name}: index {name} of {op.table} left out: {why}")
            continue
        if isinstance(op, o.AddView | o.ReplaceView):
            item, schema = op.view, step.after
        elif isinstance(op, o.AddObject | o.ReplaceObject):
            item, schema = op.object, step.after
        elif isinstance(op, o.DropView):
            item, schema = step.before.view(op.name), step.before
        elif isinstance(op, o.DropObject):
            item, schema = step.before.object(op.kind, op.name, op.dialect), step.before
        else:
            continue
        made, notes = object_order(schema, d)
        if any(x is item for x in made):
            if isinstance(item, View) and item.materialized and not d.materialized_views \
                    and not isinstance(op, o.DropView):
                note = (f"{d.name}: materialized view {item.key} is a plain view ({d.name} has no materialized "
                        "views)")
                out += [note] if note not in out else []
            continue
        label = f"{d.name}: {'view' if isinstance(item, View) else item.kind} {item.key} left out: "
        # (objects of one kind and name on several dialects: the note of this one's)
        whys = ("",) if isinstance(item, View) else (f"{item.dialect} only", "it depends on")
        out += [n for n in notes if any(n.startswith(label + w) for w in whys) and n not in out]
    return out


def _version(module: str) -> str:
    from importlib.metadata import version

    return version(module)


def to_sql(plan: Plan, dialect: str | Dialect, *, safe: bool = False) -> str:
    """The plan as an SQL script for ``dialect`` (header, then units separated by comments).

    Written once per plan and dialect name (:meth:`Plan.kept`): an export's up.sql, the review's
    SQL and a second export of the same plan share it (a :class:`Dialect` object is written each
    time: its settings are not part of a name)."""
    def make() -> str:
        with fewer_collections():
            return _to_sql(plan, dialect, safe=safe)
    if not isinstance(dialect, str):
        return make()
    return str(plan.kept(("sql", get_dialect(dialect).name, flavour_of(dialect), safe), make))


def _to_sql(plan: Plan, dialect: str | Dialect, *, safe: bool = False) -> str:
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
            if i in unit.repeats:
                parts.append("-- repeat (apply runs it): run the next statement again while "
                             f"{' '.join(unit.repeats[i].split())} returns more than 0\n")
            parts.append(f"{stmt};\n")
        if unit.transactional and d.transactional_ddl:
            parts.append("COMMIT;\n")
    return "".join(parts)


# -- Alembic revision script ---------------------------------------------------------------

def _alembic_ops(plan: Plan, dialect: Dialect) -> list[Any]:
    stored, work = _stored_steps(plan, dialect)
    cache = _TableCache(_Ends(stored, dialect))
    out: list[Any] = []
    for i, step in work:
        made = [step] if isinstance(step, _Piece) else pieces(step, dialect, safe=False, index=i, cache=cache)
        for piece in made:
            if piece.kind in ("op", "nontx"):
                out.append(piece.payload)
            elif piece.kind == "create":
                out.append(aops.CreateTableOp.from_table(piece.payload))
                out += [_from_sa(aops.CreateIndexOp.from_index, ix) for ix in piece.payload.indexes]
            elif piece.kind == "batch":
                out.append(aops.ModifyTableOps(piece.table or "", _batch_ops(piece)))
            elif piece.kind == "sql":
                out.append(aops.ExecuteSQLOp(piece.payload))
            elif piece.kind == "repeat":
                out.append(RepeatSQLOp(*piece.payload))
    return out


def _render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Alembic's renderer of a table's PrimaryKeyConstraint writes its name only (a unique
    constraint's and a foreign key's take DEFERRABLE and INITIALLY along): a deferrable key is
    written with them here; everything else is Alembic's."""
    if kind == "primary_key" and isinstance(item, sa.PrimaryKeyConstraint) and item.deferrable and item.columns:
        args = [repr(c.name) for c in item.columns]
        if item.name:
            args.append(f"name={item.name!r}")
        args.append(f"deferrable={item.deferrable!r}")
        if item.initially:
            args.append(f"initially={item.initially!r}")
        return f"sa.PrimaryKeyConstraint({', '.join(args)})"
    return False


def _renderable_defaults(ops_: list[Any]) -> None:
    """Alembic's renderer asks ``if existing_server_default:``, which a SQL expression refuses
    ("Boolean value of this clause is not defined": a column with a default whose type changes);
    wrapped in its DefaultClause it renders as the same ``sa.text(...)``."""
    for op in ops_:
        if isinstance(op, aops.ModifyTableOps):
            _renderable_defaults(op.ops)
        elif isinstance(op, aops.AlterColumnOp) and isinstance(op.existing_server_default, sa.sql.ClauseElement):
            op.existing_server_default = sa.DefaultClause(op.existing_server_default)


class NoAlembicOpSQL(aops.ExecuteSQLOp):
    """SQL for a change Alembic has no operation for (``ALTER TYPE ... ADD ATTRIBUTE``, a
    ``DEFERRABLE`` primary key); ``why`` is written above the ``op.execute`` in a revision."""

    def __init__(self, sql: str, why: str) -> None:
        super().__init__(sql)
        self.why = why


class RepeatSQLOp(aops.MigrateOperation):
    """Run ``sql`` while ``remaining`` counts rows left to copy (fewer each time)."""

    def __init__(self, sql: str, remaining: str) -> None:
        self.sql, self.remaining = sql, remaining


def _register_renderers() -> None:
    """Alembic's autogenerate renderer has no form for CreatePrimaryKeyOp (it raises
    NotImplementedError, see alembic/autogenerate/render.py); this one writes the call the
    operation's own docs show."""
    from alembic.autogenerate import renderers

    @renderers.dispatch_for(aops.CreatePrimaryKeyOp, replace=True)
    def _create_pk(autogen_context: Any, op: aops.CreatePrimaryKeyOp) -> str:
        if op.kw.get("deferrable"):
            # op.create_primary_key() takes no DEFERRABLE [INITIALLY ...]: the statement Alembic's
            # own constraint compiles to
            sql = _compile(sa.schema.AddConstraint(op.to_constraint()), autogen_context.dialect)
            return (f"# Alembic's create_primary_key takes no DEFERRABLE: the key is added by its SQL\n"
                    f"{autogen_context.opts['alembic_module_prefix']}execute({sql!r})")
        args = [repr(op.constraint_name)]
        if autogen_context._has_batch:
            prefix = "batch_op."
        else:
            prefix = "op."
            args.append(repr(op.table_name))
        args.append(repr(list(op.columns)))
        return f"{prefix}create_primary_key({', '.join(args)})"

    @renderers.dispatch_for(NoAlembicOpSQL, replace=True)
    def _no_op(autogen_context: Any, op: NoAlembicOpSQL) -> str:
        return f"# {op.why}\n{autogen_context.opts['alembic_module_prefix']}execute({op.sqltext!r})"

    @renderers.dispatch_for(RepeatSQLOp, replace=True)
    def _repeat(autogen_context: Any, op: RepeatSQLOp) -> str:
        # rows of a self-referencing table go in level by level (see _duck_tables_rebuild)
        return (f"left = None\nwhile (now := op.get_bind().exec_driver_sql({op.remaining!r}).scalar()) "
                f"and now != left:\n    left = now\n    op.execute({op.sql!r})")


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
    with fewer_collections():
        return _to_alembic(plan, dialect=dialect, revision=revision, down_revision=down_revision, message=message,
                           date=date)


def _to_alembic(plan: Plan, *, dialect: str = "postgresql", revision: str = "0001", down_revision: str | None = None,
                message: str | None = None, date: str | None = None) -> str:
    from alembic.autogenerate import render_python_code

    d = get_dialect(dialect)
    batch = d.name == "sqlite"
    # the same refusal as the SQL: a revision naming a table the engine stores under another
    # name (PostgreSQL cuts names past 63 bytes) would act on a table that is not there
    _check_names(plan, d)

    def render(p: Plan) -> str:
        ops_ = _alembic_ops(p, d)
        if not ops_:
            return "    pass"
        _renderable_defaults(ops_)
        # the dialect's own migration context lets Alembic render its types (JSONB(astext_type=sa.Text()))
        mc = MigrationContext.configure(dialect_name=d.name)
        code = render_python_code(aops.UpgradeOps(ops=ops_), render_as_batch=batch, migration_context=mc,
                                  render_item=_render_item)
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


__all__ = ["HANDLERS", "IN_PLACE", "REBUILD", "Unit", "dependents_around", "header", "left_out", "needs_rebuild",
           "op_to_json", "statements", "to_alembic", "to_json", "to_sql", "units"]
