"""Operations: one small frozen value per change to a :class:`~.schema.Schema`.

Every operation has ``apply(schema) -> Schema`` (checks its preconditions, raises
:class:`~dbmodel_kit.errors.ModelError`, never touches the input) and ``inverse(before) ->
Operation`` (``before`` is the schema the operation was applied to; a drop carries back what it
dropped). The same vocabulary serves editing, undo, diff and migration.

>>> from dbmodel_kit.model.spec import build_table
>>> s0 = Schema()
>>> op = AddTable(build_table("users", {"id": "uuid pk"}))
>>> s1 = op.apply(s0)
>>> op.inverse(s0).apply(s1) == s0
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, overload

from ..errors import ModelError
from . import naming
from .schema import (
    Check,
    Column,
    DataType,
    Default,
    Enum,
    ForeignKey,
    Index,
    Schema,
    Table,
    Unique,
    rename_sql_column,
    sql_columns,
)


class _Keep:
    """Marks a field an :class:`AlterColumn`/:class:`AlterTable` leaves as it is."""

    _instance: ClassVar[_Keep | None] = None

    def __new__(cls) -> _Keep:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __bool__(self) -> bool:
        return False


KEEP: Any = _Keep()

#: Every operation class by name (for JSON plans and the operation log).
REGISTRY: dict[str, type[Operation]] = {}


@dataclass(frozen=True)
class Operation:
    """Base of all operations."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.__name__] = cls

    def apply(self, schema: Schema) -> Schema:
        try:
            return self._apply(schema)
        except ModelError as e:
            raise ModelError(f"cannot {self.describe()}: {e}") from None

    def _apply(self, schema: Schema) -> Schema:  # pragma: no cover - abstract
        raise NotImplementedError

    def inverse(self, before: Schema) -> Operation:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe()

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the tables this operation touches (for focus, locking and review)."""
        name = getattr(self, "table", None)
        if isinstance(name, Table):
            return (name.name,)
        return (name,) if isinstance(name, str) else ()


def _edit_table(schema: Schema, name: str, edit: Callable[[Table], Table]) -> Schema:
    return schema.replace_table(edit(schema.table(name)), name)


def _position(items: Sequence[Any], name: str) -> int:
    return [i.name for i in items].index(name)


def _insert(items: tuple[Any, ...], item: Any, position: int | None) -> tuple[Any, ...]:
    if position is None:
        return (*items, item)
    if not 0 <= position <= len(items):
        raise ModelError(f"position {position} is outside 0..{len(items)}")
    return (*items[:position], item, *items[position:])


# -- tables --------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddTable(Operation):
    table: Table
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        if schema.has_table(self.table.name):
            raise ModelError(f"table {self.table.name!r} already exists")
        return replace(schema, tables=_insert(schema.tables, self.table, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropTable(self.table.name)

    def describe(self) -> str:
        return f"add table {self.table.name}"


@dataclass(frozen=True)
class DropTable(Operation):
    table: str

    def _apply(self, schema: Schema) -> Schema:
        schema.table(self.table)
        inbound = [f"{t.name}.{fk.name}" for t, fk in schema.referencing(self.table) if t.name != self.table]
        if inbound:
            raise ModelError(f"table {self.table!r} is referenced by {', '.join(inbound)}; drop those "
                             "foreign keys first")
        return replace(schema, tables=tuple(t for t in schema.tables if t.name != self.table))

    def inverse(self, before: Schema) -> Operation:
        return AddTable(before.table(self.table), _position(before.tables, self.table))

    def describe(self) -> str:
        return f"drop table {self.table}"


@dataclass(frozen=True)
class RenameTable(Operation):
    table: str
    new_name: str

    def _apply(self, schema: Schema) -> Schema:
        old = schema.table(self.table)
        if schema.has_table(self.new_name):
            raise ModelError(f"table {self.new_name!r} already exists")

        def retarget(t: Table) -> Table:
            fks = tuple(replace(fk, ref_table=self.new_name) if fk.ref_table == self.table else fk
                        for fk in t.foreign_keys)
            return replace(t, foreign_keys=fks) if fks != t.foreign_keys else t

        tables = tuple(retarget(replace(old, name=self.new_name) if t.name == self.table else t)
                       for t in schema.tables)
        return replace(schema, tables=tables)

    def inverse(self, before: Schema) -> Operation:
        return RenameTable(self.new_name, self.table)

    def describe(self) -> str:
        return f"rename table {self.table} -> {self.new_name}"

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, self.new_name)


_TABLE_OPTIONS = ("comment", "group", "timestamps", "soft_delete", "audited")


@dataclass(frozen=True)
class AlterTable(Operation):
    """Change a table's comment, subject area or production-pattern flags."""

    table: str
    comment: Any = KEEP
    group: Any = KEEP
    timestamps: Any = KEEP
    soft_delete: Any = KEEP
    audited: Any = KEEP

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _TABLE_OPTIONS if getattr(self, k) is not KEEP}

    def _apply(self, schema: Schema) -> Schema:
        if not self.changes():
            raise ModelError("nothing to change")
        return _edit_table(schema, self.table, lambda t: replace(t, **self.changes()))

    def inverse(self, before: Schema) -> Operation:
        old = before.table(self.table)
        return AlterTable(self.table, **{k: getattr(old, k) for k in self.changes()})

    def describe(self) -> str:
        what = ", ".join(f"{k}={v!r}" for k, v in self.changes().items())
        return f"set {what} on table {self.table}"


# -- columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddColumn(Operation):
    table: str
    column: Column
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        def edit(t: Table) -> Table:
            if t.has_column(self.column.name):
                raise ModelError(f"column {self.table}.{self.column.name} already exists")
            return replace(t, columns=_insert(t.columns, self.column, self.position))
        return _edit_table(schema, self.table, edit)

    def inverse(self, before: Schema) -> Operation:
        return DropColumn(self.table, self.column.name)

    def describe(self) -> str:
        return f"add column {self.table}.{self.column.name} {self.column.type}"


def _mentions(t: Table, column: str) -> tuple[list[Operation], Table]:
    """Constraints of ``t`` that use ``column``, as the Add ops that restore them, and ``t`` without them."""
    restore: list[Operation] = []
    fks, idxs, uqs, cks = [], [], [], []
    for fk in t.foreign_keys:
        (restore.append(AddForeignKey(t.name, fk)) if column in fk.columns else fks.append(fk))
    for ix in t.indexes:
        used = column in ix.columns or column in ix.include or (ix.where and column in sql_columns(ix.where))
        (restore.append(AddIndex(t.name, ix)) if used else idxs.append(ix))
    for uq in t.uniques:
        (restore.append(AddUnique(t.name, uq)) if column in uq.columns else uqs.append(uq))
    for ck in t.checks:
        (restore.append(AddCheck(t.name, ck)) if column in ck.columns else cks.append(ck))
    return restore, replace(t, foreign_keys=tuple(fks), indexes=tuple(idxs), uniques=tuple(uqs),
                            checks=tuple(cks))


@dataclass(frozen=True)
class DropColumn(Operation):
    """Drop a column and the indexes and constraints of its own table that use it (as engines do).

    Refused when the column is in the primary key, referenced by another foreign key, or used
    by a generated column: those need a decision first.
    """

    table: str
    column: str

    def _apply(self, schema: Schema) -> Schema:
        t = schema.table(self.table)
        t.column(self.column)
        if len(t.columns) == 1:
            raise ModelError(f"{self.column!r} is the only column of {self.table!r}; drop the table instead")
        if self.column in t.primary_key:
            raise ModelError(f"{self.table}.{self.column} is in the primary key; change the key first")
        for child, fk in schema.referencing(self.table):
            if self.column in fk.ref_columns:
                raise ModelError(f"{self.table}.{self.column} is referenced by {child.name}.{fk.name}; "
                                 "drop that foreign key first")
        for c in t.columns:
            if c.generated and self.column in sql_columns(c.generated):
                raise ModelError(f"generated column {self.table}.{c.name} uses {self.column}")
        _, stripped = _mentions(t, self.column)
        stripped = replace(stripped, columns=tuple(c for c in t.columns if c.name != self.column))
        return schema.replace_table(stripped)

    def inverse(self, before: Schema) -> Operation:
        t = before.table(self.table)
        restore, _ = _mentions(t, self.column)
        add = AddColumn(self.table, t.column(self.column), _position(t.columns, self.column))
        if not restore:
            return add
        return Batch((add, *_ordered(restore, t)), label=f"restore column {self.table}.{self.column}")

    def describe(self) -> str:
        return f"drop column {self.table}.{self.column}"


def _ordered(restore: list[Operation], t: Table) -> list[Operation]:
    """Restore ops placed back at their original positions (in ascending position order)."""
    out = []
    for op in restore:
        kind, items = {
            AddForeignKey: ("foreign_key", t.foreign_keys), AddIndex: ("index", t.indexes),
            AddUnique: ("unique", t.uniques), AddCheck: ("check", t.checks)}[type(op)]
        item = getattr(op, kind)
        out.append(replace(op, position=_position(items, item.name)))  # type: ignore[call-arg]  # every restored op has a position
    return out


@dataclass(frozen=True)
class RenameColumn(Operation):
    """Rename a column everywhere it is used: keys, indexes, checks and other tables' foreign keys."""

    table: str
    column: str
    new_name: str

    def _apply(self, schema: Schema) -> Schema:
        t = schema.table(self.table)
        t.column(self.column)
        if t.has_column(self.new_name):
            raise ModelError(f"column {self.table}.{self.new_name} already exists")
        old, new = self.column, self.new_name

        def cols(names: Iterable[str]) -> tuple[str, ...]:
            return tuple(new if n == old else n for n in names)

        @overload
        def sql(text: str) -> str: ...
        @overload
        def sql(text: None) -> None: ...
        def sql(text: str | None) -> str | None:
            return rename_sql_column(text, old, new) if text and old in sql_columns(text) else text

        renamed = replace(
            t,
            columns=tuple(replace(c, name=new) if c.name == old else replace(c, generated=sql(c.generated))
                          for c in t.columns),
            primary_key=cols(t.primary_key),
            foreign_keys=tuple(replace(fk, columns=cols(fk.columns)) for fk in t.foreign_keys),
            indexes=tuple(replace(ix, columns=cols(ix.columns), include=cols(ix.include), where=sql(ix.where))
                          for ix in t.indexes),
            uniques=tuple(replace(u, columns=cols(u.columns)) for u in t.uniques),
            checks=tuple(replace(c, expression=sql(c.expression)) for c in t.checks),
        )

        def retarget(other: Table) -> Table:
            fks = tuple(replace(fk, ref_columns=cols(fk.ref_columns)) if fk.ref_table == self.table else fk
                        for fk in other.foreign_keys)
            return replace(other, foreign_keys=fks) if fks != other.foreign_keys else other

        return replace(schema, tables=tuple(retarget(renamed if x.name == self.table else x)
                                            for x in schema.tables))

    def inverse(self, before: Schema) -> Operation:
        return RenameColumn(self.table, self.new_name, self.column)

    def describe(self) -> str:
        return f"rename column {self.table}.{self.column} -> {self.new_name}"


_COLUMN_FIELDS = ("type", "nullable", "default", "generated", "comment", "sensitive", "hints")


@dataclass(frozen=True)
class AlterColumn(Operation):
    """Change a column's type, nullability, default, generated expression, comment, flags or hints.

    Fields left as ``KEEP`` are unchanged; ``default=None`` removes a default.
    ``using`` is an optional SQL cast expression for the data step of a type change.
    """

    table: str
    column: str
    type: Any = KEEP
    nullable: Any = KEEP
    default: Any = KEEP
    generated: Any = KEEP
    comment: Any = KEEP
    sensitive: Any = KEEP
    hints: Any = KEEP
    using: str | None = None

    def __post_init__(self) -> None:
        if self.type is not KEEP and not isinstance(self.type, DataType):
            object.__setattr__(self, "type", DataType.parse(self.type))
        if self.default is not KEEP and not isinstance(self.default, Default | None):
            object.__setattr__(self, "default", Default.parse(self.default))

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _COLUMN_FIELDS if getattr(self, k) is not KEEP}

    def _apply(self, schema: Schema) -> Schema:
        changes = self.changes()
        if not changes:
            raise ModelError("nothing to change")

        def edit(t: Table) -> Table:
            col = t.column(self.column)
            if changes.get("nullable") is True and self.column in t.primary_key:
                raise ModelError(f"{self.table}.{self.column} is in the primary key, so it cannot be NULL")
            return replace(t, columns=tuple(replace(c, **changes) if c.name == self.column else c
                                            for c in t.columns)) if col else t
        return _edit_table(schema, self.table, edit)

    def inverse(self, before: Schema) -> Operation:
        col = before.table(self.table).column(self.column)
        return AlterColumn(self.table, self.column, **{k: getattr(col, k) for k in self.changes()})

    def describe(self) -> str:
        parts = []
        for k, v in self.changes().items():
            if k == "nullable":
                parts.append("allow NULL" if v else "set NOT NULL")
            elif k == "default":
                parts.append(f"default {v}" if v is not None else "drop default")
            else:
                parts.append(f"{k} {v}")
        return f"alter column {self.table}.{self.column}: {', '.join(parts)}"


@dataclass(frozen=True)
class MoveColumn(Operation):
    """Move a column to ``position`` (0-based) in its table's column order."""

    table: str
    column: str
    position: int

    def _apply(self, schema: Schema) -> Schema:
        def edit(t: Table) -> Table:
            col = t.column(self.column)
            rest = tuple(c for c in t.columns if c.name != self.column)
            if not 0 <= self.position <= len(rest):
                raise ModelError(f"position {self.position} is outside 0..{len(rest)}")
            return replace(t, columns=_insert(rest, col, self.position))
        return _edit_table(schema, self.table, edit)

    def inverse(self, before: Schema) -> Operation:
        return MoveColumn(self.table, self.column, _position(before.table(self.table).columns, self.column))

    def describe(self) -> str:
        return f"move column {self.table}.{self.column} to position {self.position + 1}"


# -- keys and constraints ------------------------------------------------------------------

@dataclass(frozen=True)
class SetPrimaryKey(Operation):
    """Set (or, with no columns, drop) a table's primary key. Key columns become NOT NULL."""

    table: str
    columns: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", (self.columns,) if isinstance(self.columns, str) else tuple(self.columns))

    def _apply(self, schema: Schema) -> Schema:
        t = schema.table(self.table)
        if tuple(self.columns) == t.primary_key:
            raise ModelError("that is already the primary key")
        return _edit_table(schema, self.table, lambda t: replace(t, primary_key=tuple(self.columns)))

    def inverse(self, before: Schema) -> Operation:
        t = before.table(self.table)
        back: Operation = SetPrimaryKey(self.table, t.primary_key)
        relax = [AlterColumn(self.table, c, nullable=True) for c in self.columns
                 if t.has_column(c) and t.column(c).nullable and c not in t.primary_key]
        return Batch((back, *relax), label=f"restore primary key of {self.table}") if relax else back

    def describe(self) -> str:
        if not self.columns:
            return f"drop primary key of {self.table}"
        return f"set primary key of {self.table} to ({', '.join(self.columns)})"


def _named_add(kind: str, attr: str, namer: Callable[[str, Any], str]) -> Any:
    """Build an Add<Constraint> op class: fills a default name, inserts at ``position``."""

    def post_init(self: Any) -> None:
        item = getattr(self, kind)
        if not item.name:
            object.__setattr__(self, kind, replace(item, name=namer(self.table, item)))

    def _apply(self: Any, schema: Schema) -> Schema:
        item = getattr(self, kind)

        def edit(t: Table) -> Table:
            existing = getattr(t, attr)
            return replace(t, **{attr: _insert(existing, item, self.position)})  # type: ignore[arg-type]
        return _edit_table(schema, self.table, edit)

    return post_init, _apply


@dataclass(frozen=True)
class AddForeignKey(Operation):
    table: str
    foreign_key: ForeignKey
    position: int | None = None

    # one shared implementation per kind; mypy cannot see that the returned post_init is a method
    __post_init__, _apply = _named_add("foreign_key", "foreign_keys",  # type: ignore[misc]
                                       lambda t, fk: naming.fk_name(t, fk.columns, fk.ref_table))

    def inverse(self, before: Schema) -> Operation:
        return DropForeignKey(self.table, self.foreign_key.name)

    def describe(self) -> str:
        fk = self.foreign_key
        ref = f"{fk.ref_table}({', '.join(fk.ref_columns)})" if fk.ref_columns else fk.ref_table
        return f"add foreign key {self.table}({', '.join(fk.columns)}) -> {ref}"


@dataclass(frozen=True)
class AddIndex(Operation):
    table: str
    index: Index
    position: int | None = None

    __post_init__, _apply = _named_add("index", "indexes",  # type: ignore[misc]
                                       lambda t, ix: naming.index_name(t, ix.columns, ix.unique))

    def inverse(self, before: Schema) -> Operation:
        return DropIndex(self.table, self.index.name)

    def describe(self) -> str:
        ix = self.index
        kind = "unique index" if ix.unique else "index"
        where = f" where {ix.where}" if ix.where else ""
        return f"add {kind} {ix.name} on {self.table}({', '.join(ix.columns)}){where}"


@dataclass(frozen=True)
class AddUnique(Operation):
    table: str
    unique: Unique
    position: int | None = None

    __post_init__, _apply = _named_add("unique", "uniques",  # type: ignore[misc]
                                       lambda t, u: naming.unique_name(t, u.columns))

    def inverse(self, before: Schema) -> Operation:
        return DropUnique(self.table, self.unique.name)

    def describe(self) -> str:
        return f"add unique constraint on {self.table}({', '.join(self.unique.columns)})"


@dataclass(frozen=True)
class AddCheck(Operation):
    """Add a CHECK; an unnamed one is numbered like ``Table`` does (``ck_t_col``, ``ck_t_col_2``, ...)."""

    table: str
    check: Check
    position: int | None = None

    def resolved(self, schema: Schema) -> Check:
        """The check as it will be stored in ``schema``'s table, its name filled in."""
        if self.check.name:
            return self.check
        taken = set(schema.table(self.table).constraint_names())
        n = 1
        while (name := naming.check_name(self.table, self.check.columns, n)) in taken:
            n += 1
        return replace(self.check, name=name)

    def _apply(self, schema: Schema) -> Schema:
        check = self.resolved(schema)
        return _edit_table(schema, self.table, lambda t: replace(t, checks=_insert(t.checks, check, self.position)))

    def inverse(self, before: Schema) -> Operation:
        return DropCheck(self.table, self.resolved(before).name)

    def describe(self) -> str:
        return f"add check ({self.check.expression}) on {self.table}"


def _named_drop(attr: str, getter: str, add: type[Operation], kind: str) -> Any:
    def _apply(self: Any, schema: Schema) -> Schema:
        def edit(t: Table) -> Table:
            getattr(t, getter)(self.name)
            return replace(t, **{attr: tuple(i for i in getattr(t, attr) if i.name != self.name)})  # type: ignore[arg-type]
        return _edit_table(schema, self.table, edit)

    def inverse(self: Any, before: Schema) -> Operation:
        t = before.table(self.table)
        items = getattr(t, attr)
        return add(self.table, getattr(t, getter)(self.name), _position(items, self.name))  # type: ignore[call-arg]

    return _apply, inverse


@dataclass(frozen=True)
class DropForeignKey(Operation):
    table: str
    name: str
    _apply, inverse = _named_drop("foreign_keys", "foreign_key", AddForeignKey, "foreign key")

    def describe(self) -> str:
        return f"drop foreign key {self.table}.{self.name}"


@dataclass(frozen=True)
class DropIndex(Operation):
    table: str
    name: str
    _apply, inverse = _named_drop("indexes", "index", AddIndex, "index")

    def describe(self) -> str:
        return f"drop index {self.name} on {self.table}"


@dataclass(frozen=True)
class DropUnique(Operation):
    table: str
    name: str
    _apply, inverse = _named_drop("uniques", "unique", AddUnique, "unique constraint")

    def describe(self) -> str:
        return f"drop unique constraint {self.table}.{self.name}"


@dataclass(frozen=True)
class DropCheck(Operation):
    table: str
    name: str
    _apply, inverse = _named_drop("checks", "check", AddCheck, "check")

    def describe(self) -> str:
        return f"drop check {self.table}.{self.name}"


# -- enums ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddEnum(Operation):
    enum: Enum
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        if schema.has_enum(self.enum.name):
            raise ModelError(f"enum {self.enum.name!r} already exists")
        return replace(schema, enums=_insert(schema.enums, self.enum, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropEnum(self.enum.name)

    def describe(self) -> str:
        return f"add enum {self.enum.name} ({', '.join(self.enum.values)})"


@dataclass(frozen=True)
class DropEnum(Operation):
    name: str

    def _apply(self, schema: Schema) -> Schema:
        schema.enum(self.name)
        users = [f"{t.name}.{c.name}" for t in schema.tables for c in t.columns
                 if c.type.kind == "enum" and c.type.enum == self.name]
        if users:
            raise ModelError(f"enum {self.name!r} is used by {', '.join(users)}")
        return replace(schema, enums=tuple(e for e in schema.enums if e.name != self.name))

    def inverse(self, before: Schema) -> Operation:
        return AddEnum(before.enum(self.name), _position(before.enums, self.name))

    def describe(self) -> str:
        return f"drop enum {self.name}"


@dataclass(frozen=True)
class AlterEnum(Operation):
    """Replace an enum's list of values (adding, removing or reordering)."""

    name: str
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))

    def _apply(self, schema: Schema) -> Schema:
        old = schema.enum(self.name)
        new = replace(old, values=self.values)
        return replace(schema, enums=tuple(new if e.name == self.name else e for e in schema.enums))

    def inverse(self, before: Schema) -> Operation:
        return AlterEnum(self.name, before.enum(self.name).values)

    def describe(self) -> str:
        return f"set values of enum {self.name} to ({', '.join(self.values)})"


# -- composites ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Batch(Operation):
    """Several operations applied as one step (one undo, one log entry)."""

    ops: tuple[Operation, ...]
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ops", tuple(self.ops))
        if not self.ops:
            raise ModelError("an empty batch changes nothing")

    def _apply(self, schema: Schema) -> Schema:
        for op in self.ops:
            schema = op.apply(schema)
        return schema

    def inverse(self, before: Schema) -> Operation:
        inverses = []
        schema = before
        for op in self.ops:
            inverses.append(op.inverse(schema))
            schema = op.apply(schema)
        label = f"undo {self.label}" if self.label else ""
        return Batch(tuple(reversed(inverses)), label=label)

    def describe(self) -> str:
        return self.label or "; ".join(op.describe() for op in self.ops)

    @property
    def tables(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for op in self.ops:
            for t in op.tables:
                seen.setdefault(t, None)
        return tuple(seen)


def op_fields(op: Operation) -> dict[str, Any]:
    """The fields of an operation that differ from their defaults (for display and JSON)."""
    out = {}
    for f in fields(op):
        value = getattr(op, f.name)
        if value is KEEP or (f.default is not field().default and value == f.default and f.name != "table"):
            continue
        out[f.name] = value
    return out


__all__ = [
    "KEEP", "REGISTRY", "AddCheck", "AddColumn", "AddEnum", "AddForeignKey", "AddIndex", "AddTable",
    "AddUnique", "AlterColumn", "AlterEnum", "AlterTable", "Batch", "DropCheck", "DropColumn",
    "DropEnum", "DropForeignKey", "DropIndex", "DropTable", "DropUnique", "MoveColumn", "Operation",
    "RenameColumn", "RenameTable", "SetPrimaryKey", "op_fields",
]
