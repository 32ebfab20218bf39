"""Compare: two schemas (or a schema and a live database) -> a :class:`~.plan.Plan`.

With a model's log (:func:`plan_since`) the plan is the logged operations, so renames and
splits are exact. Between two bare schemas the diff is structural: renames are never guessed
silently; likely ones are listed in ``plan.suggestions`` and become exact through ``hints``
(``{"users.mail": "users.email"}``, ``{"customers": "users"}``) or a column's
``renamed_from`` hint.

>>> from dbmodel_kit.model.spec import build_table
>>> from dbmodel_kit.model.schema import Schema
>>> old = Schema((build_table("users", {"id": "integer pk", "mail": "text"}),))
>>> new = Schema((build_table("users", {"id": "integer pk", "email": "text"}),))
>>> plan = diff(old, new)
>>> plan.describe(), [str(s.new) for s in plan.suggestions]
(['add column users.email text', 'drop column users.mail'], ['users.email'])
>>> diff(old, new, hints={"users.mail": "users.email"}).describe()
['rename column users.mail -> email']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..errors import ModelError
from ..model import ops as o
from ..model.schema import ForeignKey, Schema, Table
from .plan import Plan, Step, Suggestion, classify, same

_COLUMN_FIELDS = ("type", "nullable", "default", "generated", "comment", "sensitive")
_TABLE_FIELDS = ("comment", "group", "timestamps", "soft_delete", "audited")


def plan_since(model: Any, checkpoint: int) -> Plan:
    """The plan made of the operations ``model`` logged since ``checkpoint`` (exact intent)."""
    return Plan.from_ops(model.schema_at(checkpoint), model.ops_since(checkpoint),
                         source=(f"checkpoint {checkpoint}", f"checkpoint {model.checkpoint()}"))


def diff(old: Schema | str, new: Schema | str, hints: Mapping[str, str] | None = None) -> Plan:
    """The plan that turns ``old`` into ``new``; either side may be a database URL (drift)."""
    source = (_label(old, "old"), _label(new, "new"))
    if isinstance(old, str) or isinstance(new, str):
        old, new = _live(old, new)
    hints = dict(hints or {})
    steps: list[Step] = []
    running = old

    def emit(op: o.Operation) -> None:
        # each op is applied once, here; the plan keeps these steps (no second replay)
        nonlocal running
        after = op.apply(running)
        steps.append(Step(op, running, after, *classify(op, running)))
        running = after

    # 0. renames (hinted or renamed_from), so everything after compares like with like
    table_map = _table_renames(old, new, hints)
    for before, after in table_map.items():
        if before != after:
            emit(o.RenameTable(before, after))
    old_name_of = {v: k for k, v in table_map.items()}
    for t in new.tables:
        if not running.has_table(t.name) or t.name not in old_name_of:
            continue
        old_name = old_name_of[t.name]
        if old_name == t.name and old.table(old_name) is t:  # the very same table value: nothing renamed
            continue
        for before, after in _column_renames(old.table(old_name), t, hints, old_name).items():
            emit(o.RenameColumn(t.name, before, after))
    mid = running
    kept = [t.name for t in new.tables if mid.has_table(t.name)]
    kept_set = set(kept)
    # tables whose value did not change at all (the common case) need no comparison below
    changed = [name for name in kept if mid.table(name) is not new.table(name)]
    dropped = [t for t in mid.tables if not new.has_table(t.name)]
    added = [t for t in new.tables if not mid.has_table(t.name)]
    gone = {t.name for t in dropped}

    # 1. drop constraints that change or go (foreign keys first: they pin uniques and tables)
    for t in mid.tables:
        target = new.table(t.name) if t.name in kept_set else None
        if target is t:
            continue
        for fk in t.foreign_keys:
            keep = target is not None and _same(target.foreign_keys, fk)
            if not keep and (target is not None or (fk.ref_table in gone and fk.ref_table != t.name)):
                emit(o.DropForeignKey(t.name, fk.name))
    for name in changed:
        t, target = mid.table(name), new.table(name)
        for attr, drop in (("indexes", o.DropIndex), ("uniques", o.DropUnique), ("checks", o.DropCheck)):
            for item in getattr(t, attr):
                if not _same(getattr(target, attr), item):
                    emit(drop(name, item.name))
    # 2. enums that are new or change
    for e in new.enums:
        if not mid.has_enum(e.name):
            emit(o.AddEnum(e))
        elif mid.enum(e.name).values != e.values:
            emit(o.AlterEnum(e.name, e.values))
    # 3. new tables, parents first; FKs to tables not there yet wait for step 7
    deferred: list[tuple[str, ForeignKey]] = []
    for t in _creation_order(added):
        now: list[ForeignKey] = []
        later: list[ForeignKey] = []
        for fk in t.foreign_keys:
            ready = fk.ref_table == t.name or (running.has_table(fk.ref_table)
                                               and running.table(fk.ref_table).is_unique(fk.ref_columns))
            (now if ready else later).append(fk)
        deferred.extend((t.name, fk) for fk in later)
        emit(o.AddTable(replace(t, foreign_keys=tuple(now)), new.tables.index(t)))
    # 4. columns that are new or change, then primary keys
    for name in changed:
        t, target = running.table(name), new.table(name)
        for pos, col in enumerate(target.columns):
            if not t.has_column(col.name):
                emit(o.AddColumn(name, col, min(pos, len(running.table(name).columns))))
                continue
            changes = {f: getattr(col, f) for f in _COLUMN_FIELDS
                       if getattr(col, f) != getattr(t.column(col.name), f)}
            if col.hints != t.column(col.name).hints:
                changes["hints"] = col.hints
            if changes:
                emit(o.AlterColumn(name, col.name, **changes))
        if target.primary_key != running.table(name).primary_key:
            emit(o.SetPrimaryKey(name, target.primary_key))
        table_changes = {f: getattr(target, f) for f in _TABLE_FIELDS if getattr(target, f) != getattr(t, f)}
        if table_changes:
            emit(o.AlterTable(name, **table_changes))
    # 5. columns that go
    for name in changed:
        for col in running.table(name).columns:
            if not new.table(name).has_column(col.name):
                emit(o.DropColumn(name, col.name))
    # 6. tables and enums that go
    for t in reversed(dropped):
        emit(o.DropTable(t.name))
    for e in mid.enums:
        if not new.has_enum(e.name):
            emit(o.DropEnum(e.name))
    # 7. new constraints: uniques before the foreign keys that may need them
    for name in changed:
        t, target = running.table(name), new.table(name)
        for attr, add in (("uniques", o.AddUnique), ("indexes", o.AddIndex), ("checks", o.AddCheck)):
            existing = getattr(t, attr)
            for pos, item in enumerate(getattr(target, attr)):
                if not _same(existing, item):
                    emit(add(name, item, min(pos, len(getattr(running.table(name), attr)))))
    for name in changed:
        for fk in new.table(name).foreign_keys:
            if not _same(running.table(name).foreign_keys, fk):
                deferred.append((name, fk))
    for name, fk in deferred:
        emit(o.AddForeignKey(name, fk))

    plan = Plan(old, steps, suggestions=_suggest(mid, new), source=source)
    if not same(plan.new, new):  # pragma: no cover - a bug in this module, not the input
        raise ModelError("internal error: the structural diff does not reach the new schema")
    return plan


def _label(side: Schema | str, default: str) -> str:
    if isinstance(side, str):
        return side.split("://", 1)[0] + "://…" if "@" in side else side
    return side.name or default


def _live(old: Schema | str, new: Schema | str) -> tuple[Schema, Schema]:
    """Reflect the URL side and make the model side what that engine can hold."""
    from sqlalchemy.engine import make_url

    from ..ddl.limits import storable
    from ..io.reflect import reflect

    url = old if isinstance(old, str) else new
    assert isinstance(url, str)
    dialect = make_url(url).get_backend_name()
    live = reflect(url)
    other = new if isinstance(old, str) else old
    if isinstance(other, str):
        raise ModelError("diff compares a schema with a database URL, not two URLs")
    model = storable(other, dialect)
    return (live, model) if isinstance(old, str) else (model, live)


def _same(items: tuple[Any, ...], item: Any) -> bool:
    return any(i == item for i in items if i.name == item.name)


def _creation_order(tables: list[Table]) -> list[Table]:
    """``tables`` with referenced ones first (model order among equals)."""
    from ..model.schema import dependency_order

    names = {t.name for t in tables}
    sub = [replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk.ref_table in names)) for t in tables]
    try:
        order, _ = dependency_order(Schema(tuple(sub)))
    except ModelError:  # references to columns outside this subset's keys: keep model order
        return tables
    by_name = {t.name: t for t in tables}
    return [by_name[t.name] for t in order]


def _split(ref: str) -> tuple[str, str | None]:
    table, sep, column = ref.rpartition(".")
    return (table, column) if sep else (ref, None)


def _table_renames(old: Schema, new: Schema, hints: Mapping[str, str]) -> dict[str, str]:
    """old table name -> new table name for tables present on both sides."""
    mapping = {t.name: t.name for t in old.tables if new.has_table(t.name)}
    for src, dst in hints.items():
        (st, sc), (dt, dc) = _split(src), _split(dst)
        if sc is not None or dc is not None or st == dt:
            continue
        if not old.has_table(st):
            raise ModelError(f"rename hint {src!r} -> {dst!r}: the old schema has no table {st!r}")
        if not new.has_table(dt) or old.has_table(dt):
            raise ModelError(f"rename hint {src!r} -> {dst!r}: {dt!r} must be a table only the new schema has")
        mapping.pop(st, None)
        mapping[st] = dt
    return mapping


def _column_renames(old_t: Table, new_t: Table, hints: Mapping[str, str], old_name: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for src, dst in hints.items():
        (st, sc), (dt, dc) = _split(src), _split(dst)
        if sc is None or dc is None or st != old_name:
            continue
        if dt != new_t.name:
            raise ModelError(f"rename hint {src!r} -> {dst!r}: table {st!r} becomes {new_t.name!r}, not {dt!r}")
        if not old_t.has_column(sc) or not new_t.has_column(dc):
            raise ModelError(f"rename hint {src!r} -> {dst!r}: {src} must exist before and {dst} after")
        if sc != dc:
            mapping[sc] = dc
    for col in new_t.columns:
        was = col.hint("renamed_from")
        if was and was != col.name and old_t.has_column(was) and not old_t.has_column(col.name):
            mapping.setdefault(was, col.name)
    return mapping


def _suggest(mid: Schema, new: Schema) -> list[Suggestion]:
    """One-to-one rename candidates (same type and nullability; tables with the same columns)."""
    out: list[Suggestion] = []
    for t in new.tables:
        if not mid.has_table(t.name):
            continue
        before = mid.table(t.name)
        gone = [c for c in before.columns if not t.has_column(c.name)]
        came = [c for c in t.columns if not before.has_column(c.name)]
        sig = lambda c: (c.type, c.nullable)
        gone_n, came_n = Counter(map(sig, gone)), Counter(map(sig, came))
        for g in gone:
            if gone_n[sig(g)] == 1 and came_n[sig(g)] == 1:
                c = next(c for c in came if sig(c) == sig(g))
                out.append(Suggestion("column", f"{t.name}.{g.name}", f"{t.name}.{c.name}",
                                      f"one column of type {g.type} went and one came"))
    gone_t = [t for t in mid.tables if not new.has_table(t.name)]
    came_t = [t for t in new.tables if not mid.has_table(t.name)]
    shape = lambda t: tuple(sorted((c.name, str(c.type)) for c in t.columns))
    gone_s, came_s = Counter(map(shape, gone_t)), Counter(map(shape, came_t))
    for old_t in gone_t:
        if gone_s[shape(old_t)] == 1 and came_s[shape(old_t)] == 1:
            twin = next(t for t in came_t if shape(t) == shape(old_t))
            out.append(Suggestion("table", old_t.name, twin.name, "same columns"))
    return out


__all__ = ["diff", "plan_since"]
