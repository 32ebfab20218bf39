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

import re
from collections.abc import Callable, Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, overload

from sqlglot import exp

from ..errors import ModelError
from . import naming
from .schema import (
    Check,
    Column,
    DataType,
    Default,
    Deferrable,
    Domain,
    Enum,
    ForeignKey,
    Index,
    Schema,
    Sequence,
    Table,
    Unique,
    Verbatim,
    View,
    deferrable_mode,
    position,
    qualify,
    rename_sql_column,
    split_key,
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
            return (name.key,)
        return (name,) if isinstance(name, str) else ()


def _refuse_dependents(schema: Schema, key: str, what: str) -> None:
    """Engines refuse to drop what a view or object depends on (PostgreSQL without CASCADE): so does the model."""
    users = [f"{'view' if isinstance(x, View) else x.kind} {x.key}" for x in schema.dependents(key)]
    if users:
        raise ModelError(f"{what} {key!r} is used by {', '.join(users)}; drop or replace those first")


def _rename_in_query(view: View, old: str, new: str) -> View:
    """``view`` with table ``old`` (a key) read as ``new`` in its query and dependencies."""
    tree = view.tree.copy() if view.tree is not None else None  # the parsed query is shared: change a copy
    deps = tuple(new if d == old else d for d in view.depends_on)
    if tree is None:  # a query sqlglot cannot read: its text stays, which the engine must accept
        raise ModelError(f"view {view.key} reads {old} in a query the kit cannot rewrite; replace the view with "
                         "one that reads the new name first")
    old_schema, old_name = split_key(old)
    new_schema, new_name = split_key(new)
    from ..ddl.objects import _DEFAULT_SCHEMA

    # a name qualified by the engine's default schema (PostgreSQL's public.city) is the model's
    # unnamed one (pagila's views read public.city: renaming city left them reading it)
    default = _DEFAULT_SCHEMA.get(view.dialect or "")
    found = [t for t in tree.find_all(exp.Table) if t.name == old_name and not t.catalog
             and ((t.db or None) == old_schema or (old_schema is None and default is not None and t.db == default))]
    # columns qualified by the table's own name (city.city_id, as pg_dump writes a view) keep
    # reading it: a reference without an alias gets the old name as its alias, and an alias that is
    # the new name (a rename back) is dropped
    by_name = any(c.table == old_name for c in tree.find_all(exp.Column))
    aliased = [t for t in found if (by_name and not t.alias) or t.alias == new_name]
    if new_schema == old_schema and not aliased:
        query = _respelled(view.query, [t.this for t in found], new_name, _sqlglot(view.dialect))
        if query is not None:
            return replace(view, query=query, depends_on=deps)
    for table in found:
        if table.alias == new_name:
            table.set("alias", None)
        elif by_name and not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(old_name)))
        table.set("this", exp.to_identifier(new_name))
        if new_schema is not None:
            table.set("db", exp.to_identifier(new_schema))
    return replace(view, query=tree.sql(_sqlglot(view.dialect)), depends_on=deps)


def _respelled(query: str, names: list[exp.Identifier], new: str, dialect: str | None) -> str | None:
    """``query`` with each identifier of ``names`` (parsed from it) written ``new`` and the rest of the
    text as it was, so a rename and its reverse give the query back as written (re-rendering it whole
    changed its spacing, and the schema's fingerprint with it); None when the parse kept no place."""
    spots = []
    for ident in names:
        start, end = ident.meta.get("start"), ident.meta.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or query[start:end + 1].strip("`\"[]") != ident.name:
            return None
        # quoted as the author wrote it, unless the old name needed the quotes (``rental v6``)
        spots.append((start, end, ident.quoted and not exp.to_identifier(ident.name).quoted))
    for start, end, quoted in sorted(spots, reverse=True):
        ident = exp.to_identifier(new)
        if quoted:
            ident.set("quoted", True)
        query = query[:start] + ident.sql(dialect) + query[end + 1:]
    return query


def _sqlglot(dialect: str | None) -> str | None:
    from .types import _SQLGLOT_DIALECT

    return _SQLGLOT_DIALECT.get(dialect or "")


def _follow(schema: Schema, old: str, new: str) -> dict[str, Any]:
    """The schema-level fields that name table/view ``old``, changed to name ``new``."""
    views = tuple(_rename_in_query(v, old, new) if old in v.depends_on else v for v in schema.views)
    verbatim = tuple(_object_follows(replace(o, depends_on=tuple(new if d == old else d for d in o.depends_on))
                                     if old in o.depends_on else o, old, new) for o in schema.verbatim)
    # a function whose argument types name the table has a new identity (name(type, ...)): what
    # depends on it by key follows
    keys = {a.key: b.key for a, b in zip(schema.verbatim, verbatim, strict=True) if a.key != b.key}
    if keys:
        verbatim = tuple(replace(o, depends_on=tuple(keys.get(d, d) for d in o.depends_on))
                         if any(d in keys for d in o.depends_on) else o for o in verbatim)
        views = tuple(replace(v, depends_on=tuple(keys.get(d, d) for d in v.depends_on))
                      if any(d in keys for d in v.depends_on) else v for v in views)
    return {"views": views, "verbatim": verbatim}


def _retarget(sql: str, lead: str, old: str, new: str) -> str:
    """``sql`` with the table key ``old`` after the pattern ``lead`` (optionally schema-qualified,
    quoted or bare) written as ``new``, once. By hand: sqlglot reads CREATE TRIGGER and a function's
    header as an opaque command, so the name is found by pattern."""
    old_ns, old_name = split_key(old)
    new_name = split_key(new)[1]
    ident = new_name if re.fullmatch(r"[a-z_][a-z0-9_$]*", new_name) else '"' + new_name.replace('"', '""') + '"'
    target = re.escape('"' + old_name.replace('"', '""') + '"')
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", old_name):
        target = f"(?:{target}|{re.escape(old_name)})"
    # a table of the default schema is written bare or as public.<name>, never under another
    # schema (s.customer is another table when customer is renamed)
    ns = '(?:"public"|public)' if old_ns is None else f'(?:"{re.escape(old_ns)}"|{re.escape(old_ns)})'
    prefix = f"({ns}\\.)?" if old_ns is None else f"({ns}\\.)"
    return re.sub(rf"({lead}){prefix}{target}(?![\w$])", lambda m: f"{m.group(1)}{m.group(2) or ''}{ident}",
                  sql, count=1, flags=re.I)


def _object_follows(o: Verbatim, old: str, new: str) -> Verbatim:
    """An object that names table ``old`` where the engine follows a rename by itself, naming ``new``:
    a trigger moves with its table (its key ``<trigger> on <table>`` too), and a PostgreSQL function
    returning the table's row type keeps returning it (its catalog then says ``RETURNS SETOF
    "<new>"``). Text inside a function's body is the user's (the engine keeps it as written)."""
    if o.kind == "trigger" and o.name.endswith(f" on {old}"):
        sql = _retarget(o.sql, r"\bON\s+", old, new)
        return replace(o, name=o.name[: -len(old)] + new, sql=sql) if sql != o.sql else o
    if o.kind in ("function", "procedure") and o.dialect == "postgresql":
        from ..io.pg_objects import retype_args, signature

        head, sep, body = o.sql.partition("$")  # the header ends where the dollar-quoted body starts
        name = o.name
        # an argument of the table's row type (or an array of it) is retyped by PostgreSQL too, and
        # the function's identity (its key: name(type, ...)) with it
        done = retype_args(head, lambda ty: _retarget(ty, "^", old, new))
        if done is not None and done[0] != head:
            head = done[0]
            name = signature(o.name.partition("(")[0], done[1], procedure=o.kind == "procedure")
        if o.kind == "function":
            head = _retarget(head, r"\bRETURNS\s+(?:SETOF\s+)?", old, new)
        sql = head + sep + body
        return replace(o, name=name, sql=sql) if sql != o.sql else o
    return o


def _rename_column_in_query(schema: Schema, view: View, table: str, old: str, new: str) -> View | None:
    """``view`` reading column ``old`` of ``table`` (a key) as ``new``, its output columns named as
    before (``o.qty`` becomes ``o.quantity AS qty``); None when the kit cannot tell which references
    are that column (a query sqlglot cannot read, subqueries, set operations, ``*``)."""
    tree = view.tree.copy() if view.tree is not None else None
    if tree is None or not isinstance(tree, exp.Select) or len(list(tree.find_all(exp.Select))) > 1 \
            or any(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
                   for e in tree.expressions):
        return None
    sources: dict[str, str] = {}  # alias or name -> table key
    for t in tree.find_all(exp.Table):
        sources[t.alias_or_name] = qualify(t.db or None, t.name)
    ours = {name for name, key in sources.items() if key == table}
    others = [key for key in sources.values() if key != table]
    if not ours:
        return None

    def other_has(key: str) -> bool:  # a view read, or a table with such a column, may be meant
        return not schema.has_table(key) or schema.table(key).has_column(old)

    hits = []
    for col in tree.find_all(exp.Column):
        if col.name != old:
            continue
        if col.table:
            if col.table in ours:
                hits.append(col)
        elif any(other_has(k) for k in others):
            return None  # an unqualified name another source may hold
        else:
            hits.append(col)
    for col in hits:
        projected = col.parent is tree and col in tree.expressions
        col.set("this", exp.to_identifier(new))
        if projected:
            col.replace(exp.alias_(col.copy(), old))
    return replace(view, query=tree.sql(_sqlglot(view.dialect)), columns=view.columns)


def _uses_column(schema: Schema, table: str, column: str) -> list[str]:
    """Views that read ``table`` and name ``column`` somewhere in their query."""
    out = []
    for v in schema.views:
        if table in v.depends_on:
            tree = v.tree
            if tree is None or any(c.name == column for c in tree.find_all(exp.Column)):
                out.append(v.key)
    return out


def _on_family(schema: Schema, table: str, op: Operation) -> Schema | None:
    """``op`` (a column change) applied to partitioned table ``table`` and to each of its
    partitions, whose columns are the table's (PostgreSQL changes them together); None when
    ``table`` has no partitions. The partitions are detached while each is changed, then the
    whole is checked once."""
    found = schema.table(table) if schema.has_table(table) else None
    if found is None or found.partition_by is None:
        return None
    key = found.key
    bounds = {t.key: (t.partition_of, t.partition_bound) for t in schema.tables if t.partition_of == key}
    if not bounds:
        return None
    loose = replace(schema, tables=tuple(replace(t, partition_of=None, partition_bound=None) if t.key in bounds
                                         else t for t in schema.tables))
    for k in (key, *bounds):
        loose = replace(op, table=k)._apply(loose)  # type: ignore[call-arg]  # column ops have a table
    return replace(loose, tables=tuple(replace(t, partition_of=bounds[t.key][0], partition_bound=bounds[t.key][1])
                                       if t.key in bounds else t for t in loose.tables))


def _owned(schema: Schema, table: str, column: str | None) -> list[Sequence]:
    """Sequences owned by ``table`` (by its ``column``, when given)."""
    return [q for q in schema.sequences if q.owned_by is not None and q.owned_by[0] == table
            and (column is None or q.owned_by[1] == column)]


def _without_owned(before: Schema, tables: tuple[Table, ...], table: str, column: str | None) -> Schema:
    """``before`` with ``tables`` and without the sequences ``table``/``column`` owns (they go with
    their owner, as PostgreSQL drops them); a sequence another column still draws from is an error."""
    owned = {q.key for q in _owned(before, table, column)}
    if not owned:
        return replace(before, tables=tables)
    for t in tables:
        for c in t.columns:
            if c.default is not None and c.default.kind == "sequence" and c.default.value in owned:
                raise ModelError(f"sequence {c.default.value} goes with its owner {table}"
                                 f"{'.' + column if column else ''}, but {t.key}.{c.name} draws from it; "
                                 "change that default or the sequence's owner first")
    return replace(before, tables=tables, sequences=tuple(q for q in before.sequences if q.key not in owned))


def _with_owned(restore: Operation, before: Schema, table: str, column: str | None) -> Operation:
    """``restore`` preceded by the owned sequences (without owner) and followed by their owner."""
    owned = _owned(before, table, column)
    if not owned:
        return restore
    adds = [AddSequence(replace(q, owned_by=None), _position(before.sequences, q.key)) for q in owned]
    owners = [AlterSequence(q.key, owned_by=q.owned_by) for q in owned]
    return Batch((*adds, restore, *owners), label=restore.describe())


def _edit_table(schema: Schema, name: str, edit: Callable[[Table], Table]) -> Schema:
    return schema.replace_table(edit(schema.table(name)), name)


def _position(items: Seq[Any], name: str) -> int:
    """Where the item keyed (tables, types, sequences) or named (columns, constraints) ``name`` is."""
    return [getattr(i, "key", i.name) for i in items].index(name)


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
        if schema.has_table(self.table.key):
            raise ModelError(f"table {self.table.key!r} already exists")
        return schema.with_table(self.table, self.position)

    def inverse(self, before: Schema) -> Operation:
        return DropTable(self.table.key)

    def describe(self) -> str:
        return f"add table {self.table.key}"


@dataclass(frozen=True)
class DropTable(Operation):
    table: str

    def _apply(self, schema: Schema) -> Schema:
        key = schema.table(self.table).key
        inbound = [f"{t.key}.{fk.name}" for t, fk in schema.referencing(key) if t.key != key]
        if inbound:
            raise ModelError(f"table {self.table!r} is referenced by {', '.join(inbound)}; drop those "
                             "foreign keys first")
        _refuse_dependents(schema, key, "table")
        parts = [t.key for t in schema.tables if t.partition_of == key]
        if parts:
            raise ModelError(f"table {key!r} has partitions {', '.join(parts)}; drop them first")
        if not _owned(schema, key, None):
            return schema._without_table(key)  # nothing else to check
        return _without_owned(schema, tuple(t for t in schema.tables if t.key != key), key, None)

    def inverse(self, before: Schema) -> Operation:
        t = before.table(self.table)
        return _with_owned(AddTable(t, before.table_names.index(t.key)), before, t.key, None)

    def describe(self) -> str:
        return f"drop table {self.table}"


@dataclass(frozen=True)
class RenameTable(Operation):
    table: str
    new_name: str

    def _apply(self, schema: Schema) -> Schema:
        old = schema.table(self.table)
        new_key = qualify(old.schema, self.new_name)
        if schema.has_table(new_key):
            raise ModelError(f"table {new_key!r} already exists")

        def retarget(t: Table) -> Table:
            fks = tuple(replace(fk, ref_table=new_key) if fk.ref_table == old.key else fk
                        for fk in t.foreign_keys)
            return replace(t, foreign_keys=fks) if fks != t.foreign_keys else t

        tables = tuple(retarget(replace(old, name=self.new_name) if t.key == old.key else t)
                       for t in schema.tables)
        tables = tuple(replace(t, partition_of=new_key) if t.partition_of == old.key else t for t in tables)
        sequences = tuple(replace(q, owned_by=(new_key, q.owned_by[1]))
                          if q.owned_by is not None and q.owned_by[0] == old.key else q for q in schema.sequences)
        return replace(schema, tables=tables, sequences=sequences, **_follow(schema, old.key, new_key))

    def inverse(self, before: Schema) -> Operation:
        old = before.table(self.table)
        return RenameTable(qualify(old.schema, self.new_name), old.name)

    def describe(self) -> str:
        return f"rename table {self.table} -> {self.new_name}"

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table, qualify(split_key(self.table)[0], self.new_name))


_TABLE_OPTIONS = ("comment", "group", "timestamps", "soft_delete", "audited", "position")


@dataclass(frozen=True)
class AlterTable(Operation):
    """Change a table's comment, subject area, production-pattern flags or place in the ERD
    (``position``: ``(x, y)`` in points, or None to let the layout place it)."""

    table: str
    comment: Any = KEEP
    group: Any = KEEP
    timestamps: Any = KEEP
    soft_delete: Any = KEEP
    audited: Any = KEEP
    position: Any = KEEP

    def __post_init__(self) -> None:
        if self.position is not KEEP and self.position is not None:
            object.__setattr__(self, "position", position(self.position, where=self.table))

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
        changes = self.changes()
        if list(changes) == ["position"]:
            if self.position is None:
                return f"unpin table {self.table} (the layout places it)"
            x, y = self.position
            return f"move table {self.table} to ({x:g}, {y:g})"
        what = ", ".join(f"{k}={v!r}" for k, v in changes.items())
        return f"set {what} on table {self.table}"


# -- columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddColumn(Operation):
    table: str
    column: Column
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        family = _on_family(schema, self.table, self)
        if family is not None:
            return family

        def edit(t: Table) -> Table:
            if t.has_column(self.column.name):
                raise ModelError(f"column {self.table}.{self.column.name} already exists")
            return replace(t, columns=_insert(t.columns, self.column, self.position))
        return _edit_table(schema, self.table, edit)

    def inverse(self, before: Schema) -> Operation:
        return DropColumn(self.table, self.column.name)

    def describe(self) -> str:
        # the whole spec line (not null, default, ...): a history entry says what the column is
        from .spec import format_column

        return f"add column {self.table}.{self.column.name} {format_column(self.column)}"


def _mentions(t: Table, column: str) -> tuple[list[Operation], Table]:
    """Constraints of ``t`` that use ``column``, as the Add ops that restore them, and ``t`` without them."""
    restore: list[Operation] = []
    fks, idxs, uqs, cks = [], [], [], []
    for fk in t.foreign_keys:
        (restore.append(AddForeignKey(t.key, fk)) if column in fk.columns else fks.append(fk))
    for ix in t.indexes:
        used = column in ix.columns or column in ix.include or (ix.where and column in sql_columns(ix.where))
        (restore.append(AddIndex(t.key, ix)) if used else idxs.append(ix))
    for uq in t.uniques:
        (restore.append(AddUnique(t.key, uq)) if column in uq.columns else uqs.append(uq))
    for ck in t.checks:
        (restore.append(AddCheck(t.key, ck)) if column in ck.columns else cks.append(ck))
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
        family = _on_family(schema, self.table, self)
        if family is not None:
            return family
        t = schema.table(self.table)
        t.column(self.column)
        used = _uses_column(schema, t.key, self.column)
        if used:
            raise ModelError(f"{self.table}.{self.column} is used by view {', '.join(used)}; drop or replace it first")
        if len(t.columns) == 1:
            raise ModelError(f"{self.column!r} is the only column of {self.table!r}; drop the table instead")
        if self.column in t.primary_key:
            raise ModelError(f"{self.table}.{self.column} is in the primary key; change the key first")
        for child, fk in schema.referencing(self.table):
            if self.column in fk.ref_columns:
                raise ModelError(f"{self.table}.{self.column} is referenced by {child.key}.{fk.name}; "
                                 "drop that foreign key first")
        for c in t.columns:
            if c.generated and self.column in sql_columns(c.generated):
                raise ModelError(f"generated column {self.table}.{c.name} uses {self.column}")
        _, stripped = _mentions(t, self.column)
        stripped = replace(stripped, columns=tuple(c for c in t.columns if c.name != self.column))
        if _owned(schema, t.key, self.column):
            return _without_owned(schema, tuple(stripped if x.key == t.key else x for x in schema.tables),
                                  t.key, self.column)
        return schema.replace_table(stripped)

    def inverse(self, before: Schema) -> Operation:
        t = before.table(self.table)
        restore, _ = _mentions(t, self.column)
        add = AddColumn(self.table, t.column(self.column), _position(t.columns, self.column))
        if restore:
            add = Batch((add, *_ordered(restore, t)), label=f"restore column {self.table}.{self.column}")
        return _with_owned(add, before, t.key, self.column)

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
        family = _on_family(schema, self.table, self)
        if family is not None:
            return family
        t = schema.table(self.table)
        t.column(self.column)
        if t.has_column(self.new_name):
            raise ModelError(f"column {self.table}.{self.new_name} already exists")
        used = _uses_column(schema, t.key, self.column)
        views = {}
        for key in used:  # the views reading it read the new name, their columns named as before
            rewritten = _rename_column_in_query(schema, schema.view(key), t.key, self.column, self.new_name)
            if rewritten is None:
                raise ModelError(f"{self.table}.{self.column} is used by view {key}, whose query the kit cannot "
                                 "rewrite; replace the view with one that does not read the column, rename, then "
                                 "replace it with one that reads the new name")
            views[key] = rewritten
        if views:
            schema = schema.with_objects(views=tuple(views.get(v.key, v) for v in schema.views))
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
            fks = tuple(replace(fk, ref_columns=cols(fk.ref_columns)) if fk.ref_table == t.key else fk
                        for fk in other.foreign_keys)
            return replace(other, foreign_keys=fks) if fks != other.foreign_keys else other

        sequences = tuple(replace(q, owned_by=(t.key, new)) if q.owned_by == (t.key, old) else q
                          for q in schema.sequences)
        return replace(schema, tables=tuple(retarget(renamed if x.key == t.key else x)
                                            for x in schema.tables), sequences=sequences)

    def inverse(self, before: Schema) -> Operation:
        return RenameColumn(self.table, self.new_name, self.column)

    def describe(self) -> str:
        return f"rename column {self.table}.{self.column} -> {self.new_name}"


_COLUMN_FIELDS = ("type", "nullable", "default", "generated", "comment", "sensitive", "hints", "on_update")


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
    on_update: Any = KEEP

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
        family = _on_family(schema, self.table, self) if {"type", "nullable"} & changes.keys() else None
        if family is not None:
            return family

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
            elif k == "on_update":
                parts.append(f"on update {v}()" if v else "drop on update")
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
    """Set (or, with no columns, drop) a table's primary key. Key columns become NOT NULL.
    ``deferrable`` (``immediate`` or ``deferred``): the key is checked at commit (PostgreSQL)."""

    table: str
    columns: tuple[str, ...]
    deferrable: Deferrable | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", (self.columns,) if isinstance(self.columns, str) else tuple(self.columns))
        object.__setattr__(self, "deferrable", deferrable_mode(self.deferrable, f"primary key of {self.table}"))
        if self.deferrable and not self.columns:
            raise ModelError(f"primary key of {self.table}: deferrable needs key columns")

    def _apply(self, schema: Schema) -> Schema:
        t = schema.table(self.table)
        if (tuple(self.columns), self.deferrable) == (t.primary_key, t.primary_key_deferrable):
            raise ModelError("that is already the primary key")
        return _edit_table(schema, self.table, lambda t: replace(t, primary_key=tuple(self.columns),
                                                                 primary_key_deferrable=self.deferrable))

    def inverse(self, before: Schema) -> Operation:
        t = before.table(self.table)
        back: Operation = SetPrimaryKey(self.table, t.primary_key, t.primary_key_deferrable)
        relax = [AlterColumn(self.table, c, nullable=True) for c in self.columns
                 if t.has_column(c) and t.column(c).nullable and c not in t.primary_key]
        return Batch((back, *relax), label=f"restore primary key of {self.table}") if relax else back

    def describe(self) -> str:
        if not self.columns:
            return f"drop primary key of {self.table}"
        defer = {"immediate": " DEFERRABLE", "deferred": " DEFERRABLE INITIALLY DEFERRED"}.get(
            self.deferrable or "", "")
        return f"set primary key of {self.table} to ({', '.join(self.columns)}){defer}"


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
        if schema.has_enum(self.enum.key) or schema.has_domain(self.enum.key):
            raise ModelError(f"a type named {self.enum.key!r} already exists")
        return schema.with_objects(enums=_insert(schema.enums, self.enum, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropEnum(self.enum.key)

    def describe(self) -> str:
        return f"add enum {self.enum.key} ({', '.join(self.enum.values)})"


@dataclass(frozen=True)
class DropEnum(Operation):
    name: str

    def _apply(self, schema: Schema) -> Schema:
        schema.enum(self.name)
        users = [f"{t.key}.{c.name}" for t in schema.tables for c in t.columns if _uses(c.type, "enum", self.name)]
        users += [f"domain {d.key}" for d in schema.domains if _uses(d.base, "enum", self.name)]
        if users:
            raise ModelError(f"enum {self.name!r} is used by {', '.join(users)}")
        return schema.with_objects(enums=tuple(e for e in schema.enums if e.key != self.name))

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
        return schema.with_objects(enums=tuple(new if e.key == self.name else e for e in schema.enums))

    def inverse(self, before: Schema) -> Operation:
        return AlterEnum(self.name, before.enum(self.name).values)

    def describe(self) -> str:
        return f"set values of enum {self.name} to ({', '.join(self.values)})"


# -- domains -------------------------------------------------------------------------------

def _uses(t: DataType, kind: str, name: str) -> bool:
    """Whether ``t`` (or its array element) is of enum/set/domain ``name``."""
    while t.kind == "array" and t.element is not None:
        t = t.element
    if kind == "enum":
        return t.kind in ("enum", "set") and t.enum == name
    return t.kind == kind and t.domain == name


def _domain_users(schema: Schema, name: str) -> list[str]:
    users = [f"{t.key}.{c.name}" for t in schema.tables for c in t.columns if _uses(c.type, "domain", name)]
    return users + [f"domain {d.key}" for d in schema.domains if _uses(d.base, "domain", name)]


@dataclass(frozen=True)
class AddDomain(Operation):
    domain: Domain
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        if schema.has_domain(self.domain.key) or schema.has_enum(self.domain.key):
            raise ModelError(f"a type named {self.domain.key!r} already exists")
        return schema.with_objects(domains=_insert(schema.domains, self.domain, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropDomain(self.domain.key)

    def describe(self) -> str:
        return f"add domain {self.domain.key} ({self.domain.base})"


@dataclass(frozen=True)
class DropDomain(Operation):
    name: str

    def _apply(self, schema: Schema) -> Schema:
        schema.domain(self.name)
        users = _domain_users(schema, self.name)
        if users:
            raise ModelError(f"domain {self.name!r} is used by {', '.join(users)}")
        return schema.with_objects(domains=tuple(d for d in schema.domains if d.key != self.name))

    def inverse(self, before: Schema) -> Operation:
        return AddDomain(before.domain(self.name), _position(before.domains, self.name))

    def describe(self) -> str:
        return f"drop domain {self.name}"


_DOMAIN_FIELDS = ("nullable", "default", "checks", "comment")


@dataclass(frozen=True)
class AlterDomain(Operation):
    """Change a domain's NOT NULL, default, checks or comment (its base type stays: engines cannot
    change it in place; drop and add the domain instead)."""

    name: str
    nullable: Any = KEEP
    default: Any = KEEP
    checks: Any = KEEP
    comment: Any = KEEP

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _DOMAIN_FIELDS if getattr(self, k) is not KEEP}

    def _apply(self, schema: Schema) -> Schema:
        if not self.changes():
            raise ModelError("nothing to change")
        new = replace(schema.domain(self.name), **self.changes())
        return schema.with_objects(domains=tuple(new if d.key == self.name else d for d in schema.domains))

    def inverse(self, before: Schema) -> Operation:
        old = before.domain(self.name)
        return AlterDomain(self.name, **{k: getattr(old, k) for k in self.changes()})

    def describe(self) -> str:
        parts = []
        for k, v in self.changes().items():
            if k == "nullable":
                parts.append("allow NULL" if v else "set NOT NULL")
            elif k == "default":
                parts.append(f"default {v}" if v is not None else "drop default")
            elif k == "checks":
                parts.append("checks (" + "; ".join(c.expression if isinstance(c, Check) else str(c)
                                                    for c in v) + ")")
            else:
                parts.append(f"{k} {v!r}")
        return f"alter domain {self.name}: {', '.join(parts)}"


# -- sequences -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AddSequence(Operation):
    sequence: Sequence
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        if schema.has_sequence(self.sequence.key):
            raise ModelError(f"sequence {self.sequence.key!r} already exists")
        return schema.with_objects(sequences=_insert(schema.sequences, self.sequence, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropSequence(self.sequence.key)

    def describe(self) -> str:
        return f"add sequence {self.sequence.key}"


@dataclass(frozen=True)
class DropSequence(Operation):
    name: str

    def _apply(self, schema: Schema) -> Schema:
        schema.sequence(self.name)
        users = [f"{t.key}.{c.name}" for t in schema.tables for c in t.columns
                 if c.default is not None and c.default.kind == "sequence" and c.default.value == self.name]
        if users:
            raise ModelError(f"sequence {self.name!r} is the default of {', '.join(users)}")
        return schema.with_objects(sequences=tuple(q for q in schema.sequences if q.key != self.name))

    def inverse(self, before: Schema) -> Operation:
        return AddSequence(before.sequence(self.name), _position(before.sequences, self.name))

    def describe(self) -> str:
        return f"drop sequence {self.name}"


SEQUENCE_FIELDS = ("start", "increment", "min_value", "max_value", "cycle", "cache", "type", "owned_by", "comment")


@dataclass(frozen=True)
class AlterSequence(Operation):
    """Change a sequence's numbers, type, owner or comment (fields left as ``KEEP`` stay)."""

    name: str
    start: Any = KEEP
    increment: Any = KEEP
    min_value: Any = KEEP
    max_value: Any = KEEP
    cycle: Any = KEEP
    cache: Any = KEEP
    type: Any = KEEP
    owned_by: Any = KEEP
    comment: Any = KEEP

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in SEQUENCE_FIELDS if getattr(self, k) is not KEEP}

    def _apply(self, schema: Schema) -> Schema:
        if not self.changes():
            raise ModelError("nothing to change")
        new = replace(schema.sequence(self.name), **self.changes())
        return schema.with_objects(sequences=tuple(new if q.key == self.name else q for q in schema.sequences))

    def inverse(self, before: Schema) -> Operation:
        old = before.sequence(self.name)
        return AlterSequence(self.name, **{k: getattr(old, k) for k in self.changes()})

    def describe(self) -> str:
        parts = []
        for k, v in self.changes().items():
            if k == "owned_by":
                parts.append(f"owned by {v[0]}.{v[1]}" if v else "owned by nobody")
            else:
                parts.append(f"{k} {v}")
        return f"alter sequence {self.name}: {', '.join(parts)}"


# -- views ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddView(Operation):
    view: View
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        if schema.has_view(self.view.key) or schema.has_table(self.view.key):
            raise ModelError(f"a table or view named {self.view.key!r} already exists")
        return schema.with_objects(views=_insert(schema.views, self.view, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropView(self.view.key)

    def describe(self) -> str:
        return f"add {'materialized ' if self.view.materialized else ''}view {self.view.key}"

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.view.key,)


@dataclass(frozen=True)
class DropView(Operation):
    name: str

    def _apply(self, schema: Schema) -> Schema:
        schema.view(self.name)
        _refuse_dependents(schema, self.name, "view")
        return schema.with_objects(views=tuple(v for v in schema.views if v.key != self.name))

    def inverse(self, before: Schema) -> Operation:
        return AddView(before.view(self.name), _position(before.views, self.name))

    def describe(self) -> str:
        return f"drop view {self.name}"

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class ReplaceView(Operation):
    """Give view ``name`` a new definition (query, columns, flags; a new name or schema too)."""

    name: str
    view: View

    def _apply(self, schema: Schema) -> Schema:
        schema.view(self.name)
        if self.view.key != self.name:
            if schema.has_view(self.view.key) or schema.has_table(self.view.key):
                raise ModelError(f"a table or view named {self.view.key!r} already exists")
            _refuse_dependents(schema, self.name, "view")
        return schema.with_objects(views=tuple(self.view if v.key == self.name else v for v in schema.views))

    def inverse(self, before: Schema) -> Operation:
        return ReplaceView(self.view.key, before.view(self.name))

    def describe(self) -> str:
        return f"replace view {self.name}"

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.name,)


# -- verbatim objects ----------------------------------------------------------------------

@dataclass(frozen=True)
class AddObject(Operation):
    """Add a :class:`~.schema.Verbatim` object (trigger, function, extension, ...)."""

    object: Verbatim
    position: int | None = None

    def _apply(self, schema: Schema) -> Schema:
        if schema.has_object(self.object.kind, self.object.key, self.object.dialect):
            raise ModelError(f"{self.object.kind} {self.object.key!r} for {self.object.dialect} already exists")
        return schema.with_objects(verbatim=_insert(schema.verbatim, self.object, self.position))

    def inverse(self, before: Schema) -> Operation:
        return DropObject(self.object.kind, self.object.key, self.object.dialect)

    def describe(self) -> str:
        return f"add {self.object.kind} {self.object.key} ({self.object.dialect})"


@dataclass(frozen=True)
class DropObject(Operation):
    """Drop verbatim object ``kind`` ``name`` (of ``dialect``: needed when several dialects have one)."""

    kind: str
    name: str
    dialect: str | None = None

    def _apply(self, schema: Schema) -> Schema:
        gone = schema.object(self.kind, self.name, self.dialect)
        if not any(o is not gone and o.kind == self.kind and o.key == self.name for o in schema.verbatim):
            _refuse_dependents(schema, self.name, self.kind)
        return schema.with_objects(verbatim=tuple(o for o in schema.verbatim if o is not gone))

    def inverse(self, before: Schema) -> Operation:
        gone = before.object(self.kind, self.name, self.dialect)
        return AddObject(gone, next(i for i, o in enumerate(before.verbatim) if o is gone))

    def describe(self) -> str:
        return f"drop {self.kind} {self.name}"


@dataclass(frozen=True)
class ReplaceObject(Operation):
    """Give verbatim object ``kind`` ``name`` a new definition."""

    kind: str
    name: str
    object: Verbatim
    dialect: str | None = None

    def _apply(self, schema: Schema) -> Schema:
        old = schema.object(self.kind, self.name, self.dialect)
        new = self.object
        if (new.kind, new.key, new.dialect) != (old.kind, old.key, old.dialect) and schema.has_object(
                new.kind, new.key, new.dialect):
            raise ModelError(f"{new.kind} {new.key!r} for {new.dialect} already exists")
        return schema.with_objects(verbatim=tuple(new if o is old else o for o in schema.verbatim))

    def inverse(self, before: Schema) -> Operation:
        return ReplaceObject(self.object.kind, self.object.key, before.object(self.kind, self.name, self.dialect),
                             self.object.dialect)

    def describe(self) -> str:
        return f"replace {self.kind} {self.name}"


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
    "KEEP", "REGISTRY", "SEQUENCE_FIELDS", "AddCheck", "AddColumn", "AddDomain", "AddEnum", "AddForeignKey",
    "AddIndex", "AddObject", "AddSequence", "AddTable", "AddUnique", "AddView", "AlterColumn", "AlterDomain",
    "AlterEnum", "AlterSequence", "AlterTable", "Batch", "DropCheck", "DropColumn", "DropDomain", "DropEnum",
    "DropForeignKey", "DropIndex", "DropObject", "DropSequence", "DropTable", "DropUnique", "DropView",
    "MoveColumn", "Operation", "RenameColumn", "RenameTable", "ReplaceObject", "ReplaceView", "SetPrimaryKey",
    "op_fields",
]
