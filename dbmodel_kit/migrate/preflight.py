"""Preflight: the steps of a plan the rows already in the database would make fail, found by
querying those rows before any statement runs (issue 22 point 3).

Lint (:mod:`.lint`) says which steps *can* fail on data (MF103 NOT NULL without default, MF104
SET NOT NULL, MF101 UNIQUE, DM307 CHECK, DM308 foreign key, DM401 enum value, DM201 narrowing);
``apply`` asks the database whether they *will*, and refuses the whole plan up front with each
reason (:class:`~dbmodel_kit.migrate.apply.Refused`) instead of failing half way, which on an
engine without transactional DDL would leave earlier steps applied.

Steps are checked against the rows as they are before the plan: a table or column renamed
earlier in the plan is read under its name in the database (through a derived table that names
each live column as the step sees it); a table created by the plan is empty; a column added by
the plan holds its default, or NULL. A step whose rows cannot be known that way (a column filled
by a transform) is left to the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..dialects import Dialect, quoted
from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Table
from .emit import fills_rows
from .plan import Plan, Step

#: Engines that refuse a value longer than its varchar(n) (SQLite and DuckDB keep any length).
ENFORCES_LENGTH = frozenset({"postgresql", "mysql"})


@dataclass(frozen=True)
class Blocker:
    """A step the rows would make fail: the step, the lint rule that warns of it, and why."""

    step: int
    description: str
    rule: str
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"step {self.step} ({self.description}): {self.reason} (lint {self.rule}; fix: {self.fix})"


class _Live:
    """Where each table and column of the running schema is in the database before the plan."""

    def __init__(self, plan: Plan, dialect: Dialect) -> None:
        self.dialect = dialect
        #: table key now -> (the table in the database, {column now -> column in the database or None when
        #: the plan added it})
        self.tables: dict[str, tuple[Table, dict[str, str | None]]] = {
            t.key: (t, {c.name: c.name for c in t.columns}) for t in plan.old.tables if t.partition_of is None}

    def advance(self, step: Step) -> None:
        op = step.op
        if isinstance(op, o.RenameTable) and op.table in self.tables:
            self.tables[op.tables[1]] = self.tables.pop(op.table)  # (the new key)
        elif isinstance(op, o.DropTable):
            self.tables.pop(op.table, None)
        elif isinstance(op, o.AddTable):
            self.tables.pop(op.table.key, None)  # a new table: empty, nothing to ask
        elif isinstance(op, o.RenameColumn) and op.table in self.tables:
            cols = self.tables[op.table][1]
            cols[op.new_name] = cols.pop(op.column, None)
        elif isinstance(op, o.AddColumn) and op.table in self.tables:
            self.tables[op.table][1][op.column.name] = None
        elif isinstance(op, o.DropColumn) and op.table in self.tables:
            self.tables[op.table][1].pop(op.column, None)
        elif type(op) not in _KNOWN:
            # a transform or anything else that may move rows: stop asking about the tables it touches
            for name in op.tables:
                self.tables.pop(name, None)

    def has(self, table: str) -> bool:
        return table in self.tables

    def rows(self, table: str, columns: list[str], step: Step) -> Any:
        """A derived table of ``table``'s rows with ``columns`` named as at ``step`` (a column the
        plan added is its constant default, or NULL); None when one cannot be known."""
        live, cols = self.tables[table]
        out = []
        for c in columns:
            if c not in cols:
                return None
            if cols[c] is not None:
                out.append(sa.column(quoted(cols[c])).label(quoted(c)))  # type: ignore[arg-type]
                continue
            col = step.before.table(table).column(c)
            if col.default is not None and col.default.kind != "literal":
                return None  # now(), uuid(), expressions: not a value known here
            value = col.default.value if col.default is not None else None
            try:
                typ = sa_type(col.type, self.dialect, step.before)
            except ModelError:
                return None
            # typed, so that comparing it with a parent's key is not integer = text on PostgreSQL
            out.append(sa.cast(sa.literal(value) if value is not None else sa.null(), typ).label(quoted(c)))
        schema = quoted(live.schema) if live.schema is not None else None
        return sa.select(*out).select_from(sa.table(quoted(live.name), schema=schema)).subquery("s")


_KNOWN = (o.RenameTable, o.DropTable, o.AddTable, o.RenameColumn, o.AddColumn, o.DropColumn, o.AlterColumn,
          o.AddCheck, o.DropCheck, o.AddUnique, o.DropUnique, o.AddIndex, o.DropIndex, o.AddForeignKey,
          o.DropForeignKey, o.AlterEnum, o.AddEnum, o.DropEnum, o.AlterTable, o.MoveColumn)


def blockers(plan: Plan, conn: sa.Connection, dialect: Dialect) -> list[Blocker]:
    """Every step of ``plan`` the rows in the database (reached through ``conn``) would make fail."""
    live = _Live(plan, dialect)
    out: list[Blocker] = []
    for i, step in enumerate(plan.steps, 1):
        for rule, reason, fix in _ask(step, live, conn, dialect):
            out.append(Blocker(i, step.describe(), rule, reason, fix))
        live.advance(step)
    return out


def _count(conn: sa.Connection, query: Any) -> int:
    return int(conn.execute(query).scalar() or 0)


def _any(conn: sa.Connection, sub: Any, where: Any = None) -> int:
    """How many rows of ``sub`` match ``where`` (counted up to 1000)."""
    q = sa.select(sa.literal(1)).select_from(sub)
    if where is not None:
        q = q.where(where)
    return _count(conn, sa.select(sa.func.count()).select_from(q.limit(1000).subquery()))


def _ask(step: Step, live: _Live, conn: sa.Connection, d: Dialect) -> list[tuple[str, str, str]]:
    op = step.op
    table = getattr(op, "table", None)
    if isinstance(op, o.AlterEnum):
        return _enum_values(step, live, conn)
    if not isinstance(table, str) or not live.has(table):
        return []
    t = step.before.table(table)
    if isinstance(op, o.AddColumn):
        c = op.column
        # a default the engine has no server form for, and no backfill, fills no existing row either
        if not c.nullable and not fills_rows(op, d, step.after):
            sub = live.rows(table, list(t.primary_key) or [t.columns[0].name], step)
            n = _any(conn, sub) if sub is not None else 0
            if n:
                why = "has no default" if c.default is None else \
                    f"has a default {d.name} cannot compute in the database ({c.default}: the application fills it)"
                return [("MF103", f"{table} has rows and the NOT NULL column {c.name} {why}",
                         "give it a default, or add it nullable, backfill, then set NOT NULL")]
        return []
    if isinstance(op, o.AlterColumn):
        return _alter(op, step, t, live, conn, d)
    if isinstance(op, o.AddCheck):
        return _check(op, step, t, live, conn, d)
    if isinstance(op, o.AddUnique) or (isinstance(op, o.AddIndex) and op.index.unique and not op.index.where):
        cols = list(op.unique.columns if isinstance(op, o.AddUnique) else op.index.columns)
        cols = [c for c in cols if t.has_column(c)]
        sub = live.rows(table, cols, step)
        if sub is None or not cols:
            return []
        groups = (sa.select(*[sub.c[c] for c in cols]).where(*[sub.c[c].is_not(None) for c in cols])
                  .group_by(*[sub.c[c] for c in cols]).having(sa.func.count() > 1).subquery("g"))
        n = _any(conn, groups)
        if n:
            return [("MF101", f"{n}{'+' if n >= 1000 else ''} value(s) of ({', '.join(cols)}) in {table} "
                     "occur more than once", "remove the duplicates first, or make the key wider")]
        return []
    if isinstance(op, o.AddForeignKey):
        return _foreign_key(op, step, t, live, conn)
    return []


def _alter(op: o.AlterColumn, step: Step, t: Table, live: _Live, conn: sa.Connection,
           d: Dialect) -> list[tuple[str, str, str]]:
    before = t.column(op.column)
    out = []
    sub = live.rows(op.table, [op.column], step)
    if sub is None:
        return []
    if op.nullable is False and before.nullable:
        n = _any(conn, sub, sub.c[op.column].is_(None))
        if n:
            out.append(("MF104", f"{n}{'+' if n >= 1000 else ''} row(s) of {op.table} hold NULL in {op.column}",
                        f"set those rows' {op.column} first (UPDATE ... WHERE {op.column} IS NULL)"))
    new_type = op.type if op.type is not o.KEEP else None
    if (new_type is not None and d.name in ENFORCES_LENGTH and new_type.kind in ("varchar", "char")
            and new_type.length and before.type.kind in ("varchar", "char", "text")
            and (before.type.length is None or before.type.length > new_type.length)):
        n = _any(conn, sub, sa.func.char_length(sub.c[op.column]) > new_type.length)
        if n:
            out.append(("DM201", f"{n}{'+' if n >= 1000 else ''} value(s) of {op.table}.{op.column} are longer "
                        f"than {new_type.length} characters", "shorten those values first, or keep the wider type"))
    return out


def sa_type(datatype: Any, dialect: Dialect, schema: Any) -> Any:
    from ..ddl import sa_type as build

    return build(datatype, dialect, schema)


def _check(op: o.AddCheck, step: Step, t: Table, live: _Live, conn: sa.Connection,
           d: Dialect) -> list[tuple[str, str, str]]:
    from ..ddl import sa_table, to_metadata
    from ..model.schema import sql_columns

    after = step.after.table(op.table)
    check = next((c for c in after.checks if c.name == op.check.name), None)
    if check is None:
        return []
    try:
        cols = [c for c in sql_columns(check.expression) if after.has_column(c)]
        # and what the generated ones are made of: DuckDB's DDL writes a CHECK over a generated
        # column's expression (ddl.limits.generated_constraints)
        cols += [g for c in cols if after.column(c).generated for g in sql_columns(after.column(c).generated or "")
                 if after.has_column(g) and g not in cols]
    except Exception:
        return []
    sub = live.rows(op.table, cols or [after.columns[0].name], step)
    if sub is None:
        return []
    md = to_metadata(step.after, d)
    table = sa_table(md, after)
    con = next((c for c in (table.constraints if table is not None else ())
                if isinstance(c, sa.CheckConstraint) and c.name == check.name), None)
    if con is None:
        return []  # the engine does not hold it (ddl left it out)
    text = str(con.sqltext.compile(dialect=d.compile_dialect(), compile_kwargs={"literal_binds": True}))
    n = _any(conn, sub, sa.text(f"NOT ({text})"))
    if n:
        return [("DM307", f"{n}{'+' if n >= 1000 else ''} row(s) of {op.table} break CHECK ({check.expression})",
                 "fix those rows first, or change the CHECK")]
    return []


def _foreign_key(op: o.AddForeignKey, step: Step, t: Table, live: _Live,
                 conn: sa.Connection) -> list[tuple[str, str, str]]:
    fk = next((k for k in step.after.table(op.table).foreign_keys if k.name == op.foreign_key.name), op.foreign_key)
    ref = fk.ref_table
    ref_columns = fk.ref_columns or (step.before.table(ref).primary_key if step.before.has_table(ref) else ())
    if not live.has(ref) or len(ref_columns) != len(fk.columns):
        return []
    child = live.rows(op.table, list(fk.columns), step)
    parent_live = live.rows(ref, list(ref_columns), step)
    if child is None or parent_live is None:
        return []
    parent = parent_live.alias("p")
    match = sa.and_(*[parent.c[r] == child.c[c] for c, r in zip(fk.columns, ref_columns, strict=True)])
    orphan = sa.and_(*[child.c[c].is_not(None) for c in fk.columns],
                     ~sa.exists(sa.select(sa.literal(1)).select_from(parent).where(match)))
    n = _any(conn, child, orphan)
    if n:
        return [("DM308", f"{n}{'+' if n >= 1000 else ''} row(s) of {op.table} point at no row of {ref} "
                 f"through ({', '.join(fk.columns)})", "delete or fix those rows first (or set them NULL)")]
    return []


def _enum_values(step: Step, live: _Live, conn: sa.Connection) -> list[tuple[str, str, str]]:
    op = step.op
    assert isinstance(op, o.AlterEnum)
    removed = [v for v in step.before.enum(op.name).values if v not in op.values]
    if not removed:
        return []
    out = []
    for t in step.before.tables:
        for c in t.columns:
            if c.type.kind == "enum" and c.type.enum == op.name and live.has(t.name):
                sub = live.rows(t.name, [c.name], step)
                if sub is None:
                    continue
                col = sub.c[c.name]
                n = _any(conn, sub, sa.cast(col, sa.String).in_(removed))
                if n:
                    out.append(("DM401", f"{n}{'+' if n >= 1000 else ''} row(s) of {t.name}.{c.name} hold "
                                f"{', '.join(removed)}, which enum {op.name} no longer has",
                                "update those rows to another value first"))
    return out


__all__ = ["Blocker", "blockers"]
