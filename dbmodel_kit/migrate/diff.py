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

from .._gc import fewer_collections
from ..errors import ModelError
from ..model import ops as o
from ..model.schema import ForeignKey, Schema, Table, Verbatim, View
from ..urls import parse_url, redact_url
from .plan import Plan, Step, Suggestion, classify, same, same_object

_COLUMN_FIELDS = ("type", "nullable", "default", "generated", "comment", "sensitive", "on_update")
_TABLE_FIELDS = ("comment", "group", "timestamps", "soft_delete", "audited")


def plan_since(model: Any, checkpoint: int) -> Plan:
    """The plan made of the operations ``model`` logged since ``checkpoint`` (exact intent)."""
    return Plan.from_ops(model.schema_at(checkpoint), model.ops_since(checkpoint),
                         source=(f"checkpoint {checkpoint}", f"checkpoint {model.checkpoint()}"))


def diff(old: Schema | str, new: Schema | str, hints: Mapping[str, str] | None = None) -> Plan:
    """The plan that turns ``old`` into ``new``; either side may be a database URL (drift)."""
    with fewer_collections():
        return _diff(old, new, hints)


def _diff(old: Schema | str, new: Schema | str, hints: Mapping[str, str] | None = None) -> Plan:
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
            emit(o.RenameTable(before, new.table(after).name))
    old_name_of = {v: k for k, v in table_map.items()}
    for t in new.tables:
        if not running.has_table(t.key) or t.key not in old_name_of:
            continue
        old_name = old_name_of[t.key]
        if old_name == t.key and old.table(old_name) is t:  # the very same table value: nothing renamed
            continue
        for before, after in _column_renames(old.table(old_name), t, hints, old_name).items():
            emit(o.RenameColumn(t.key, before, after))
    mid = running
    kept = [t.key for t in new.tables if mid.has_table(t.key)]
    kept_set = set(kept)
    # tables whose value did not change at all (the common case) need no comparison below
    changed = [name for name in kept if mid.table(name) is not new.table(name)]
    dropped = [t for t in mid.tables if not new.has_table(t.key)]
    added = [t for t in new.tables if not mid.has_table(t.key)]
    gone = {t.key for t in dropped}

    # 1. views and objects that change or go, before what they depend on changes
    # (one that changes is dropped here and made again in step 8: its old definition may depend
    # on what goes, and engines re-create a view rather than alter it; so is all that uses it).
    # What is made before the tables (a type and the function it uses) and goes is dropped after
    # them, in step 6, as an enum is
    from ..ddl.objects import before_tables

    first_gone = [x for x in reversed(before_tables(mid)) if not new.has_object(x.kind, x.key, x.dialect)]
    later = {id(x) for x in first_gone}
    for item in _objects_to_drop(mid, new):
        if id(item) in later:
            continue
        emit(o.DropView(item.key) if isinstance(item, View) else o.DropObject(item.kind, item.key, item.dialect))
    for t in new.tables:
        if mid.has_table(t.key):
            was = mid.table(t.key)
            if (was.partition_by, was.partition_of, was.partition_bound) != (t.partition_by, t.partition_of,
                                                                          t.partition_bound):
                raise ModelError(f"table {t.key}: its partitioning changes, which no engine does in place; drop the "
                                 "table and add it again")
    # drop constraints that change or go (foreign keys first: they pin uniques and tables)
    for t in mid.tables:
        target = new.table(t.key) if t.key in kept_set else None
        if target is t:
            continue
        for fk in t.foreign_keys:
            keep = target is not None and _same(target.foreign_keys, fk)
            if not keep and (target is not None or (fk.ref_table in gone and fk.ref_table != t.key)):
                emit(o.DropForeignKey(t.key, fk.name))
    for name in changed:
        t, target = mid.table(name), new.table(name)
        for attr, drop in (("indexes", o.DropIndex), ("uniques", o.DropUnique), ("checks", o.DropCheck)):
            for item in getattr(t, attr):
                if not _same(getattr(target, attr), item):
                    emit(drop(name, item.name))
    # 2. enums that are new or change
    for e in new.enums:
        if not mid.has_enum(e.key):
            emit(o.AddEnum(e))
        elif mid.enum(e.key).values != e.values:
            emit(o.AlterEnum(e.key, e.values))
    for dom in new.domains:
        if not mid.has_domain(dom.key):
            emit(o.AddDomain(dom))
            continue
        old_dom = mid.domain(dom.key)
        if old_dom.base != dom.base:
            raise ModelError(f"domain {dom.key}: its base type changes ({old_dom.base} -> {dom.base}), which no "
                             "engine does in place; add a new domain and move the columns to it")
        changes = {f: getattr(dom, f) for f in ("nullable", "default", "checks", "comment")
                   if getattr(dom, f) != getattr(old_dom, f)}
        if changes:
            emit(o.AlterDomain(dom.key, **changes))
    # sequences before the columns that draw from them; an owner not there yet is set in step 7
    owners: list[o.AlterSequence] = []
    for seq in new.sequences:
        owner = seq.owned_by
        ready = owner is None or (running.has_table(owner[0]) and running.table(owner[0]).has_column(owner[1]))
        if not mid.has_sequence(seq.key):
            emit(o.AddSequence(seq if ready else replace(seq, owned_by=None)))
        else:
            old_seq = mid.sequence(seq.key)
            changes = {f: getattr(seq, f) for f in o.SEQUENCE_FIELDS if getattr(seq, f) != getattr(old_seq, f)}
            if "owned_by" in changes and not ready:
                changes["owned_by"] = None
            if changes and (changes.keys() != {"owned_by"} or changes["owned_by"] != old_seq.owned_by):
                emit(o.AlterSequence(seq.key, **changes))
        if not ready:
            owners.append(o.AlterSequence(seq.key, owned_by=owner))
    # 2b. composite types that change, altered in place (ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE:
    # the rows of the columns having one stay); new extensions, types kept as SQL (PostgreSQL's
    # composite and range types) and what they use, each after what it depends on: a new table's
    # column may have one
    for item in new.verbatim:
        if running.has_object(item.kind, item.key, item.dialect):
            current = running.object(item.kind, item.key, item.dialect)
            if not same_object(current, item) and altered_in_place(current, item):
                emit(o.ReplaceObject(item.kind, item.key, item, item.dialect))
    for item in before_tables(new):
        if not running.has_object(item.kind, item.key, item.dialect):
            before_x = new.verbatim[: next(i for i, x in enumerate(new.verbatim) if x is item)]
            emit(o.AddObject(item, sum(running.has_object(x.kind, x.key, x.dialect) for x in before_x)))
    # 3. new tables, parents first; FKs to tables not there yet wait for step 7
    deferred: list[tuple[str, ForeignKey]] = []
    # each table goes before the first one there now that comes after it in ``new``: the ranks in
    # ``new`` of the tables there, kept as the tables are added (asking each table's key of every
    # table there for each new one was quadratic: 59% of a diff from empty at 2,000 tables)
    rank = {t.key: i for i, t in enumerate(new.tables)}
    ranks = [rank.get(t.key, -1) for t in running.tables]
    for t in _creation_order(added, new):
        now: list[ForeignKey] = []
        later: list[ForeignKey] = []
        for fk in t.foreign_keys:
            ready = fk.ref_table == t.key or (running.has_table(fk.ref_table)
                                               and running.table(fk.ref_table).is_unique(fk.ref_columns))
            (now if ready else later).append(fk)
        deferred.extend((t.key, fk) for fk in later)
        mine = rank[t.key]
        at = next((i for i, r in enumerate(ranks) if r > mine), None)  # None: last
        emit(o.AddTable(replace(t, foreign_keys=tuple(now)), at))
        ranks.insert(len(ranks) if at is None else at, mine)
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
        was = running.table(name)
        if (target.primary_key, target.primary_key_deferrable) != (was.primary_key, was.primary_key_deferrable):
            emit(o.SetPrimaryKey(name, target.primary_key, target.primary_key_deferrable))
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
        emit(o.DropTable(t.key))
    for item in first_gone:  # (dependants first: the reverse of the order they are made in)
        emit(o.DropObject(item.kind, item.key, item.dialect))
    for e in mid.enums:
        if not new.has_enum(e.key):
            emit(o.DropEnum(e.key))
    for dom in reversed(mid.domains):
        if not new.has_domain(dom.key):
            emit(o.DropDomain(dom.key))
    for seq in reversed(mid.sequences):  # (those owned by a dropped table or column went with it)
        if not new.has_sequence(seq.key) and running.has_sequence(seq.key):
            emit(o.DropSequence(seq.key))
    for owner_op in owners:
        emit(owner_op)
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
        # at its place among the table's foreign keys in the new schema (appended, a deferred
        # cycle-closing FK ended up last and the plan's schema differed from the new one in order)
        target = new.table(name).foreign_keys
        have = running.table(name).foreign_keys
        before = target[: next((i for i, x in enumerate(target) if x == fk), len(target))]
        emit(o.AddForeignKey(name, fk, sum(_same(have, x) for x in before)))
    # 8. views and objects that are new or change, after everything they may depend on: each
    # after the new ones it names (a view calling an aggregate the dump defines after it; the
    # reverse plan then drops the view before the aggregate), else in model order
    pending: list[View | Verbatim] = [*(v for v in new.views if not running.has_view(v.key)),
                                      *(x for x in new.verbatim if not running.has_object(x.kind, x.key, x.dialect))]
    while pending:
        item = next((x for x in pending if not any(y is not x and y.key in x.depends_on for y in pending)),
                    pending[0])  # (a cycle, which no engine holds either: model order)
        pending.remove(item)
        if isinstance(item, View):  # at its place among the views the new schema has and running holds
            before = new.views[: next(i for i, v in enumerate(new.views) if v is item)]
            emit(o.AddView(item, sum(running.has_view(v.key) for v in before)))
        else:
            before_x = new.verbatim[: next(i for i, x in enumerate(new.verbatim) if x is item)]
            emit(o.AddObject(item, sum(running.has_object(x.kind, x.key, x.dialect) for x in before_x)))

    plan = Plan(old, steps, suggestions=_suggest(mid, new), source=source)
    if not same(plan.new, new):  # pragma: no cover - a bug in this module, not the input
        raise ModelError("internal error: the structural diff does not reach the new schema")
    return plan


def altered_in_place(old: View | Verbatim, new: View | Verbatim) -> bool:
    """Whether ``old`` becomes ``new`` by altering it rather than dropping and making it again: a
    PostgreSQL composite type (``ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE``; see
    :func:`dbmodel_kit.io.pg_objects.composite_changes`)."""
    if not (isinstance(old, Verbatim) and isinstance(new, Verbatim) and old.kind == new.kind == "type"
            and old.dialect == new.dialect == "postgresql"):
        return False
    from ..io.pg_objects import composite_changes

    return composite_changes(old.sql, new.sql) is not None


def _objects_to_drop(mid: Schema, new: Schema) -> list[View | Verbatim]:
    """Views and objects that go or change, and everything that depends on them, dependants first."""
    def kept(item: View | Verbatim) -> bool:
        if isinstance(item, View):
            return new.has_view(item.key) and same_object(new.view(item.key), item)
        if not new.has_object(item.kind, item.key, item.dialect):
            return False
        target = new.object(item.kind, item.key, item.dialect)
        return same_object(target, item) or altered_in_place(item, target)

    items: list[View | Verbatim] = [*mid.views, *mid.verbatim]
    going = {id(x) for x in items if not kept(x)}
    grew = True
    while grew:
        grew = False
        for x in items:
            if id(x) not in going and any(y.key in x.depends_on for y in items if id(y) in going):
                going.add(id(x))
                grew = True
    out: list[View | Verbatim] = []
    left = [x for x in reversed(items) if id(x) in going]
    while left:
        for x in left:
            if not any(x.key in y.depends_on for y in left if y is not x):
                out.append(x)
                left.remove(x)
                break
        else:  # a cycle (the engine would not hold it either): model order, backwards
            out += left
            break
    return out


def _label(side: Schema | str, default: str) -> str:
    if isinstance(side, str):
        return redact_url(side)
    return side.name or default


def _live(old: Schema | str, new: Schema | str) -> tuple[Schema, Schema]:
    """Reflect the URL side and make the model side what that engine can hold."""
    from ..ddl.limits import storable
    from ..io.reflect import reflect

    url = old if isinstance(old, str) else new
    assert isinstance(url, str)
    dialect = parse_url(url).get_backend_name()
    live = reflect(url)
    other = new if isinstance(old, str) else old
    if isinstance(other, str):
        raise ModelError("diff compares a schema with a database URL, not two URLs")
    model = storable(other, dialect)
    return (live, model) if isinstance(old, str) else (model, live)


def _same(items: tuple[Any, ...], item: Any) -> bool:
    return any(i == item for i in items if i.name == item.name)


def _creation_order(tables: list[Table], new: Schema | None = None) -> list[Table]:
    """``tables`` with referenced ones first (model order among equals); ``new`` gives the types
    and sequences their columns use."""
    from ..model.schema import dependency_order

    names = {t.key for t in tables}
    sub = [replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk.ref_table in names)) for t in tables]
    try:
        shell = (Schema(tuple(sub)) if new is None else
                 replace(new, tables=tuple(sub), sequences=tuple(replace(q, owned_by=None) for q in new.sequences)))
        order, _ = dependency_order(shell)
    except ModelError:  # references to columns outside this subset's keys: keep model order
        return tables
    by_name = {t.key: t for t in tables}
    return [by_name[t.key] for t in order]


def _split(ref: str, schema: Schema | None = None) -> tuple[str, str | None]:
    """``(table, column)`` of a hint: ``table`` or ``table.column`` (a table key may hold a dot:
    ``sales.orders`` is a table when ``schema`` has it)."""
    if schema is not None and schema.has_table(ref):
        return schema.table(ref).key, None
    table, sep, column = ref.rpartition(".")
    return (table, column) if sep else (ref, None)


def _table_renames(old: Schema, new: Schema, hints: Mapping[str, str]) -> dict[str, str]:
    """old table name -> new table name for tables present on both sides."""
    mapping = {t.key: t.key for t in old.tables if new.has_table(t.key)}
    for src, dst in hints.items():
        (st, sc), (dt, dc) = _split(src, old), _split(dst, new)
        if sc is not None or dc is not None or st == dt:
            continue
        if old.has_table(st) and new.has_table(dt) and old.table(st).schema != new.table(dt).schema:
            raise ModelError(f"rename hint {src!r} -> {dst!r}: a rename stays in its schema; moving a table to "
                             "another schema is a drop and an add")
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
        if dt != new_t.key:
            raise ModelError(f"rename hint {src!r} -> {dst!r}: table {st!r} becomes {new_t.key!r}, not {dt!r}")
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
        if not mid.has_table(t.key):
            continue
        before = mid.table(t.key)
        gone = [c for c in before.columns if not t.has_column(c.name)]
        came = [c for c in t.columns if not before.has_column(c.name)]
        sig = lambda c: (c.type, c.nullable)
        gone_n, came_n = Counter(map(sig, gone)), Counter(map(sig, came))
        for g in gone:
            if gone_n[sig(g)] == 1 and came_n[sig(g)] == 1:
                c = next(c for c in came if sig(c) == sig(g))
                out.append(Suggestion("column", f"{t.key}.{g.name}", f"{t.key}.{c.name}",
                                      f"one column of type {g.type} went and one came"))
    gone_t = [t for t in mid.tables if not new.has_table(t.key)]
    came_t = [t for t in new.tables if not mid.has_table(t.key)]
    shape = lambda t: tuple(sorted((c.name, str(c.type)) for c in t.columns))
    gone_s, came_s = Counter(map(shape, gone_t)), Counter(map(shape, came_t))
    for old_t in gone_t:
        if gone_s[shape(old_t)] == 1 and came_s[shape(old_t)] == 1:
            twin = next(t for t in came_t if shape(t) == shape(old_t))
            out.append(Suggestion("table", old_t.key, twin.key, "same columns"))
    return out


__all__ = ["diff", "plan_since"]
