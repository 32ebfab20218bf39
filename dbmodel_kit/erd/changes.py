"""What changed between two schemas, for the ERD's diff view.

Two sources:

* an old :class:`Schema`: tables, columns and constraints are matched by name;
* anything with an ``ops`` sequence of :mod:`dbmodel_kit.model.ops` operations (a migration
  ``Plan``, ``Model.ops_since(...)`` wrapped in a namespace): renames are taken from the ops, so
  a renamed table shows ``old -> new`` instead of a removal and an addition. When the object also
  carries the schema the ops start from (``before``/``old``/``source``), the rest is matched by
  name against it, which also draws dropped tables and columns in full; otherwise the ops
  themselves say what was added, removed or changed, and a dropped object is drawn by name only.

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.model import ops
>>> new = ops.RenameColumn("users", "phone", "mobile").apply(ecommerce())
>>> changes = compute_changes(new, ecommerce())
>>> changes.column_status[("users", "mobile")], [c.name for c, _ in changes.removed_columns["users"]]
('added', ['phone'])
>>> class Plan: ops = (ops.RenameColumn("users", "phone", "mobile"),)
>>> c = compute_changes(new, Plan())
>>> c.column_status[("users", "mobile")], c.column_old_name[("users", "mobile")]
('renamed', 'phone')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from ..model.schema import Check, Column, ForeignKey, Index, Schema, Table, rename_sql_column, sql_columns

if TYPE_CHECKING:
    from ..model import ops as o

ADDED, REMOVED, CHANGED, RENAMED = "added", "removed", "changed", "renamed"
_BEFORE_ATTRS = ("before", "old", "source", "base")


@dataclass
class Changes:
    """Statuses keyed by names in the *new* schema; removed things carry their old value (or a name)."""

    table_status: dict[str, str] = field(default_factory=dict)
    table_old_name: dict[str, str] = field(default_factory=dict)
    #: removed tables with their position in the old schema (``Table`` or, from ops alone, a name)
    removed_tables: list[tuple[Table | str, int | None]] = field(default_factory=list)
    column_status: dict[tuple[str, str], str] = field(default_factory=dict)
    column_old_name: dict[tuple[str, str], str] = field(default_factory=dict)
    #: removed columns with their old position (``Column`` or, from ops alone, a name)
    removed_columns: dict[str, list[tuple[Column | str, int | None]]] = field(default_factory=dict)
    fk_status: dict[tuple[str, str], str] = field(default_factory=dict)
    removed_fks: dict[str, list[ForeignKey]] = field(default_factory=dict)
    #: per table, ``(text, status)`` lines about keys, indexes, uniques and checks
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def note(self, table: str, text: str, status: str) -> None:
        self.notes.setdefault(table, []).append((text, status))
        self.touch(table)

    def touch(self, table: str) -> None:
        """Mark ``table`` changed unless it already has a stronger status."""
        self.table_status.setdefault(table, CHANGED)


def compute_changes(new: Schema, compare: Any) -> Changes:
    """Changes from ``compare`` (an old Schema or an object with ``.ops``) to ``new``."""
    if isinstance(compare, Schema):
        return _diff(compare, new, {}, {})
    ops = getattr(compare, "ops", None)
    if ops is None:
        raise ModelError(f"compare= takes an old Schema or a plan with .ops, not {type(compare).__name__}")
    flat = list(_flatten(ops))
    before = next((b for b in (getattr(compare, a, None) for a in _BEFORE_ATTRS) if isinstance(b, Schema)), None)
    if before is not None:
        tables, columns = _renames(flat)
        return _diff(before, new, tables, columns)
    return _from_ops(flat, new)


def _flatten(ops: Iterable[Any]) -> Iterator[o.Operation]:
    from ..model import ops as o
    for op in ops:
        if isinstance(op, o.Batch):
            yield from _flatten(op.ops)
        elif isinstance(op, o.Operation):
            yield op
        else:
            raise ModelError(f"compare: {op!r} is not an operation")


def _renames(ops: list[o.Operation]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """``({new table: old table}, {(new table, new column): old column})`` from the rename ops."""
    from ..model import ops as o
    table_orig: dict[str, str] = {}
    col_orig: dict[tuple[str, str], str] = {}
    for op in ops:
        if isinstance(op, o.RenameTable):
            new = op.tables[1]  # the new key (a table is renamed inside its schema)
            table_orig[new] = table_orig.pop(op.table, op.table)
            for (t, c) in [k for k in col_orig if k[0] == op.table]:
                col_orig[(new, c)] = col_orig.pop((t, c))
        elif isinstance(op, o.RenameColumn):
            col_orig[(op.table, op.new_name)] = col_orig.pop((op.table, op.column), op.column)
    return ({n: old for n, old in table_orig.items() if n != old},
            {k: old for k, old in col_orig.items() if k[1] != old})


def _column_differs(a: Column, b: Column) -> bool:
    return any(getattr(a, f.name) != getattr(b, f.name) for f in fields(Column) if f.name != "name")


def _cols(cols: Iterable[str]) -> str:
    return ", ".join(cols)


def _diff(old: Schema, new: Schema, table_renames: dict[str, str],
          column_renames: dict[tuple[str, str], str]) -> Changes:
    ch = Changes()
    back = {v: k for k, v in table_renames.items()}  # old name -> new name
    matched_old: set[str] = set()
    for t in new.tables:
        old_name = table_renames.get(t.key, t.key)
        # a new table reusing the name of one that was renamed away is new
        if not old.has_table(old_name) or (t.key not in table_renames and t.key in back):
            ch.table_status[t.key] = ADDED
            continue
        matched_old.add(old_name)
        if old_name != t.key:
            ch.table_status[t.key] = RENAMED
            ch.table_old_name[t.key] = old_name
        _diff_table(ch, old.table(old_name), t, _Names(back, column_renames))
    for pos, ot in enumerate(old.tables):
        if ot.key not in matched_old:
            ch.removed_tables.append((ot, pos))
    return ch


@dataclass(frozen=True)
class _Names:
    """Translates names of the old schema into the new one's (renames), to compare like with like."""

    tables: dict[str, str]                      # old table -> new table
    columns: dict[tuple[str, str], str]         # (new table, new column) -> old column

    def column_map(self, new_table: str) -> dict[str, str]:
        return {old: new for (t, new), old in self.columns.items() if t == new_table}

    def fk(self, table: str, fk: ForeignKey) -> ForeignKey:
        ref = self.tables.get(fk.ref_table, fk.ref_table)
        mine, theirs = self.column_map(table), self.column_map(ref)
        return replace(fk, ref_table=ref, columns=tuple(mine.get(c, c) for c in fk.columns),
                       ref_columns=tuple(theirs.get(c, c) for c in fk.ref_columns))

    def item(self, table: str, item: Any) -> Any:
        """An index, unique or check of the old table, spelled with the new column names."""
        mapping = self.column_map(table)
        if not mapping:
            return item
        if isinstance(item, Check):
            expr = item.expression
            for old, new in mapping.items():
                if old in sql_columns(expr):
                    expr = rename_sql_column(expr, old, new)
            return replace(item, expression=expr)
        changes: dict[str, Any] = {"columns": tuple(mapping.get(c, c) for c in item.columns)}
        if isinstance(item, Index):
            changes["include"] = tuple(mapping.get(c, c) for c in item.include)
            where = item.where
            for old, new in mapping.items():
                if where and old in sql_columns(where):
                    where = rename_sql_column(where, old, new)
            changes["where"] = where
        return replace(item, **changes)


def _diff_table(ch: Changes, ot: Table, t: Table, names: _Names) -> None:
    name = t.key
    seen: set[str] = set()
    for c in t.columns:
        oc_name = names.columns.get((name, c.name), c.name)
        if not ot.has_column(oc_name):
            ch.column_status[(name, c.name)] = ADDED
            ch.touch(name)
            continue
        seen.add(oc_name)
        oc = ot.column(oc_name)
        if oc_name != c.name:
            ch.column_status[(name, c.name)] = RENAMED
            ch.column_old_name[(name, c.name)] = oc_name
            ch.touch(name)
        elif _column_differs(oc, c):
            ch.column_status[(name, c.name)] = CHANGED
            ch.touch(name)
    for pos, oc in enumerate(ot.columns):
        if oc.name not in seen:
            ch.removed_columns.setdefault(name, []).append((oc, pos))
            ch.touch(name)
    old_fks = {fk.name: fk for fk in ot.foreign_keys}
    for fk in t.foreign_keys:
        ofk = old_fks.pop(fk.name, None)
        if ofk is None:
            ch.fk_status[(name, fk.name)] = ADDED
            ch.touch(name)
        elif names.fk(name, ofk) != fk:
            ch.fk_status[(name, fk.name)] = CHANGED
            ch.touch(name)
    if old_fks:
        ch.removed_fks.setdefault(name, []).extend(old_fks.values())
        ch.touch(name)
    mapping = names.column_map(name)
    if tuple(mapping.get(c, c) for c in ot.primary_key) != t.primary_key:
        ch.note(name, f"primary key ({_cols(ot.primary_key)}) -> ({_cols(t.primary_key)})", CHANGED)
    for kind, attr in (("index", "indexes"), ("unique", "uniques"), ("check", "checks")):
        olds = {i.name: i for i in getattr(ot, attr)}
        for item in getattr(t, attr):
            prev = olds.pop(item.name, None)
            if prev is None:
                ch.note(name, _describe(kind, item), ADDED)
            elif names.item(name, prev) != item:
                ch.note(name, _describe(kind, item), CHANGED)
        for item in olds.values():
            ch.note(name, _describe(kind, item), REMOVED)
    if (ot.comment, ot.group, ot.timestamps, ot.soft_delete, ot.audited) != (
            t.comment, t.group, t.timestamps, t.soft_delete, t.audited):
        ch.touch(name)


def _describe(kind: str, item: Any) -> str:
    if kind == "check":
        return f"check {item.name}: {item.expression}"
    if kind == "unique":
        return f"unique {item.name} ({_cols(item.columns)})"
    where = f" where {item.where}" if item.where else ""
    return f"{'unique ' if item.unique else ''}index {item.name} ({_cols(item.columns)}){where}"


def _from_ops(ops: list[o.Operation], new: Schema) -> Changes:
    """Changes read from the operations alone (no old schema to compare with)."""
    from ..model import ops as o
    ch = Changes()
    removed_tables: list[str] = []

    def rekey_table(old: str, new_name: str) -> None:
        for d in (ch.column_status, ch.column_old_name, ch.fk_status):
            for key in [k for k in d if k[0] == old]:
                d[(new_name, key[1])] = d.pop(key)
        if old in ch.removed_columns:
            ch.removed_columns[new_name] = ch.removed_columns.pop(old)
        if old in ch.removed_fks:
            ch.removed_fks[new_name] = ch.removed_fks.pop(old)
        if old in ch.notes:
            ch.notes[new_name] = ch.notes.pop(old)

    def col_removed(table: str, column: str) -> None:
        if ch.column_status.pop((table, column), None) == ADDED:
            return
        old = ch.column_old_name.pop((table, column), column)
        ch.removed_columns.setdefault(table, []).append((old, None))

    for op in ops:
        if isinstance(op, o.AddTable):
            ch.table_status[op.table.key] = ADDED
        elif isinstance(op, o.DropTable):
            if ch.table_status.pop(op.table, None) != ADDED:
                removed_tables.append(ch.table_old_name.pop(op.table, op.table))
            # what earlier ops did to the table no longer shows: the table is drawn as removed
            ch.notes.pop(op.table, None)
            ch.removed_columns.pop(op.table, None)
            ch.removed_fks.pop(op.table, None)
        elif isinstance(op, o.RenameTable):
            status = ch.table_status.pop(op.table, None)
            to = op.tables[1]  # the new key (a table is renamed inside its schema)
            rekey_table(op.table, to)
            if status == ADDED:
                ch.table_status[to] = ADDED
            else:
                ch.table_status[to] = RENAMED
                ch.table_old_name[to] = ch.table_old_name.pop(op.table, op.table)
        elif isinstance(op, o.AddColumn):
            ch.column_status[(op.table, op.column.name)] = ADDED
            ch.touch(op.table)
        elif isinstance(op, o.DropColumn):
            col_removed(op.table, op.column)
            ch.touch(op.table)
        elif isinstance(op, o.RenameColumn):
            status = ch.column_status.pop((op.table, op.column), None)
            old = ch.column_old_name.pop((op.table, op.column), op.column)
            if status == ADDED:
                ch.column_status[(op.table, op.new_name)] = ADDED
            else:
                ch.column_status[(op.table, op.new_name)] = RENAMED
                ch.column_old_name[(op.table, op.new_name)] = old
            ch.touch(op.table)
        elif isinstance(op, o.AlterColumn | o.MoveColumn):
            ch.column_status.setdefault((op.table, op.column), CHANGED)
            ch.touch(op.table)
        elif isinstance(op, o.SetPrimaryKey):
            ch.note(op.table, f"primary key -> ({_cols(op.columns)})", CHANGED)
        elif isinstance(op, o.AddForeignKey):
            ch.fk_status[(op.table, op.foreign_key.name)] = ADDED
            ch.touch(op.table)
        elif isinstance(op, o.DropForeignKey):
            if ch.fk_status.pop((op.table, op.name), None) != ADDED:
                ch.note(op.table, f"foreign key {op.name}", REMOVED)
        elif isinstance(op, o.AddIndex | o.AddUnique | o.AddCheck):
            kind = {o.AddIndex: "index", o.AddUnique: "unique", o.AddCheck: "check"}[type(op)]
            ch.note(op.table, _describe(kind, getattr(op, kind)), ADDED)
        elif isinstance(op, o.DropIndex | o.DropUnique | o.DropCheck):
            kind = {o.DropIndex: "index", o.DropUnique: "unique", o.DropCheck: "check"}[type(op)]
            ch.note(op.table, f"{kind} {op.name}", REMOVED)
        elif isinstance(op, o.AlterEnum | o.DropEnum | o.AddEnum):
            enum = op.enum.name if isinstance(op, o.AddEnum) else op.name
            for t in new.tables:
                for c in t.columns:
                    if c.type.kind == "enum" and c.type.enum == enum:
                        ch.column_status.setdefault((t.key, c.name), CHANGED)
                        ch.touch(t.key)
        else:  # AlterTable, and operations this view does not know in detail: the tables they touch
            for name in op.tables:
                if new.has_table(name):
                    ch.touch(name)
    ch.removed_tables = [(name, None) for name in removed_tables]
    # statuses of objects a later op removed again must not point at missing things
    ch.table_status = {k: v for k, v in ch.table_status.items() if new.has_table(k)}
    ch.column_status = {k: v for k, v in ch.column_status.items()
                        if new.has_table(k[0]) and new.table(k[0]).has_column(k[1])}
    return ch
