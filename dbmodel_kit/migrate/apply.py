"""Execute: run a plan on a database unit by unit, record it, and verify up -> down -> up.

``apply`` runs each transactional unit in one transaction (PostgreSQL, SQLite and DuckDB roll
a failed unit back completely; MySQL/MariaDB commit each DDL statement, so a failure there
leaves the statements before it applied, as with any MySQL migration tool). The schema version
(a fingerprint of the schema value) is kept in the ``dbmodel_version`` table, like
``alembic_version``; applying a plan whose start does not match the recorded version is refused.

Where a failure can leave part of a plan applied (MySQL/MariaDB, and PostgreSQL ``safe=True``,
whose ``CREATE INDEX CONCURRENTLY`` runs outside a transaction) the statements that committed are
recorded in ``dbmodel_progress`` as they commit; the error names the steps that ran and the one
that failed, and ``apply(plan, url, resume=True)`` (``dbmodel migrate apply ... --resume``) goes
on from the failed statement once the data is fixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..dialects import Dialect, get_dialect, quoted_table
from ..errors import ModelError
from ..model.naming import qualify, split_key
from ..model.schema import Schema
from .emit import Unit, flavour_of, units
from .plan import Plan, canonical

VERSION_TABLE = "dbmodel_version"
#: Where a migration that stopped half way on an engine without transactional DDL records how far
#: it got (beside the version, like ``alembic_version``): one row while such a migration is open.
PROGRESS_TABLE = "dbmodel_progress"
#: Tables that record migrations, not part of any model (ours and Alembic's).
BOOKKEEPING = frozenset({VERSION_TABLE, PROGRESS_TABLE, "alembic_version"})

#: Statements run around the units on engines that need them (a table, not branches). SQLite
#: must not enforce foreign keys while a referenced table is rebuilt (its DROP would delete or
#: refuse the children's rows; https://www.sqlite.org/lang_altertable.html#otheralter), and the
#: pragma only works outside a transaction; ``PRAGMA foreign_key_check`` proves nothing broke.
AROUND: dict[str, dict[str, tuple[str, ...]]] = {
    "sqlite": {"before": ("PRAGMA foreign_keys=OFF",), "after": ("PRAGMA foreign_keys=ON",),
               "empty_check": ("PRAGMA foreign_key_check",)},
}


def fingerprint(schema: Schema) -> str:
    """A short stable id of a schema value (order-free), used as the recorded version. (Built from
    the fields' reprs: a Schema's own repr is a one-line summary; views and objects by what their
    SQL means, as they compare: a table renamed and back rewrites a view's query in other words.)"""
    c = canonical(schema)
    fields = (c.tables, c.enums, c.domains, c.sequences, tuple(v._meaning() for v in c.views),
              tuple(x._meaning() for x in c.verbatim))
    return hashlib.sha1(repr(fields).encode()).hexdigest()[:12]


def _version_table() -> sa.Table:
    return sa.Table(VERSION_TABLE, sa.MetaData(), sa.Column("version_num", sa.String(32), nullable=False),
                    sa.Column("applied_at", sa.String(32), nullable=False))


def current_version(url: str | sa.Engine) -> str | None:
    """The version recorded in the database, or None when it has none."""
    engine, own = _engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(VERSION_TABLE):
                return None
            row = conn.execute(sa.select(_version_table().c.version_num)).first()
            return row[0] if row else None
    finally:
        if own:
            engine.dispose()


def _engine(url: str | sa.Engine) -> tuple[sa.Engine, bool]:
    if isinstance(url, sa.Engine):
        return url, False
    from ..ddl import create_engine

    return create_engine(url), True


class Refused(ModelError):
    """A plan refused before any statement ran: the rows in the database would make a step fail
    (see :mod:`.preflight`), or the engine cannot run a step at all. The database is unchanged."""


@dataclass
class ApplyResult:
    """What ``apply`` did: units run, statements executed, the version recorded."""

    units: int = 0
    statements: int = 0
    version: str = ""
    log: list[str] = field(default_factory=list)
    #: statements skipped because an earlier run had applied them (``resume=True``)
    resumed_from: int = 0


def _raw(conn: sa.Connection, sql: str) -> Any:
    return conn.exec_driver_sql(sql, execution_options={"no_parameters": True})


def _outside(engine: sa.Engine, d: Dialect, key: str) -> None:
    stmts = AROUND.get(d.name, {}).get(key, ())
    if not stmts:
        return
    # run on the pooled DBAPI connection before any BEGIN (pragmas are no-ops inside one)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for s in stmts:
            raw.execute(s)  # type: ignore[union-attr]


# -- progress of a migration that can stop half way ------------------------------------------

def _progress_table() -> sa.Table:
    return sa.Table(PROGRESS_TABLE, sa.MetaData(),
                    sa.Column("from_version", sa.String(32), nullable=False),
                    sa.Column("to_version", sa.String(32), nullable=False),
                    sa.Column("statements_done", sa.Integer, nullable=False),
                    sa.Column("statements_total", sa.Integer, nullable=False),
                    sa.Column("plan_hash", sa.String(40), nullable=False),
                    sa.Column("steps_done", sa.Text, nullable=False),
                    sa.Column("failed_step", sa.Text),
                    sa.Column("error", sa.Text),
                    sa.Column("updated_at", sa.String(32), nullable=False))


@dataclass
class Progress:
    """The ``dbmodel_progress`` row: a migration from ``from_version`` to ``to_version`` whose first
    ``statements_done`` statements (of the plan's statements on that engine, in order) committed."""

    from_version: str
    to_version: str
    statements_done: int
    statements_total: int
    plan_hash: str
    steps_done: str
    failed_step: str | None
    error: str | None

    def describe(self) -> str:
        return (f"a migration from version {self.from_version} to {self.to_version} stopped after "
                f"{self.statements_done} of {self.statements_total} statements"
                + (f" (steps applied: {self.steps_done})" if self.steps_done else "")
                + (f"; it failed at {self.failed_step}" if self.failed_step else "")
                + (f": {self.error}" if self.error else ""))


def progress(url: str | sa.Engine) -> Progress | None:
    """The partial migration recorded in the database (see :data:`PROGRESS_TABLE`), or None."""
    engine, own = _engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(PROGRESS_TABLE):
                return None
            row = conn.execute(sa.select(_progress_table())).first()
            if row is None:
                return None
            m = row._mapping
            return Progress(*(m[k] for k in ("from_version", "to_version", "statements_done", "statements_total",
                                             "plan_hash", "steps_done", "failed_step", "error")))
    finally:
        if own:
            engine.dispose()


def _plan_hash(todo: list[Unit], done: int) -> str:
    """Which statements a run applied: the first ``done`` (a resume must have made the same ones,
    in the same order, before it goes on)."""
    statements = [s for u in todo for s in u.statements][:done]
    return hashlib.sha1("\x00".join(statements).encode()).hexdigest()


def _steps_text(plan: Plan, numbers: list[int]) -> str:
    return ", ".join(f"{i} ({plan.steps[i - 1].describe()})" for i in numbers)


class _Tracker:
    """Records in :data:`PROGRESS_TABLE` each statement that committed, where a later failure
    would otherwise leave it applied without a trace."""

    def __init__(self, engine: sa.Engine, plan: Plan, todo: list[Unit], start: int, on: bool) -> None:
        self.engine, self.plan, self.on = engine, plan, on
        self.total = sum(len(u.statements) for u in todo)
        self.todo = todo
        self.done = start
        self.step_of = [i for u in todo for i in (u.step_of or [0] * len(u.statements))]

    def steps_done(self) -> list[int]:
        """Steps whose every statement committed."""
        done, rest = set(self.step_of[:self.done]), set(self.step_of[self.done:])
        return sorted(i for i in done - rest if i)

    def committed(self, n: int = 1) -> None:
        self.done += n
        if self.on:
            self._write(None, None)

    def failed(self, step: int, error: str) -> None:
        if self.on and self.done:
            label = f"step {step} ({self.plan.steps[step - 1].describe()})" if step else None
            self._write(label, error[:500])

    def finished(self) -> None:
        if self.on:
            with self.engine.begin() as conn:
                if sa.inspect(conn).has_table(PROGRESS_TABLE):
                    conn.execute(_progress_table().delete())

    def _write(self, failed: str | None, error: str | None) -> None:
        pt = _progress_table()
        with self.engine.begin() as conn:
            pt.create(conn, checkfirst=True)
            conn.execute(pt.delete())
            conn.execute(pt.insert().values(
                from_version=fingerprint(self.plan.old), to_version=fingerprint(self.plan.new),
                statements_done=self.done, statements_total=self.total,
                plan_hash=_plan_hash(self.todo, self.done),
                steps_done=", ".join(str(i) for i in self.steps_done()), failed_step=failed, error=error,
                updated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))


def _partial(todo: list[Unit], d: Dialect) -> bool:
    """Whether a failure can leave part of these units applied: more than one unit, or statements
    that commit one by one (no transactional DDL)."""
    return len(todo) > 1 or any(not (u.transactional and d.transactional_ddl) for u in todo)


def apply(plan: Plan, url: str | sa.Engine, *, safe: bool = False, record: bool = True,
          resume: bool = False, check_data: bool = True) -> ApplyResult:
    """Run ``plan`` on ``url`` unit by unit; a failing unit is rolled back and raises ModelError.

    On an engine without transactional DDL (and PostgreSQL with ``safe=True``) the statements
    that committed before a failure stay applied: they are recorded in :data:`PROGRESS_TABLE`,
    the error names the steps that ran and the one that failed, and a later
    ``apply(plan, url, resume=True)`` runs the rest, starting with the statement that failed
    (fix the data first). Without ``resume`` a database holding such a record is refused.

    Before any statement runs, ``check_data`` asks the rows whether a step would fail on them (a
    NOT NULL column without default on a table with rows, NULLs under a new NOT NULL, rows a new
    CHECK, UNIQUE or foreign key breaks, an enum value in use, values longer than a narrowed
    varchar; see :mod:`.preflight`) and raises :class:`Refused` naming each such step, its lint
    rule and the fix; a step the engine cannot run at all is refused the same way."""
    engine, own = _engine(url)
    d = get_dialect(engine)
    result = ApplyResult(version=fingerprint(plan.new))
    try:
        try:
            todo = units(plan, d, safe=safe, flavour=flavour_of(engine))
        except Refused:
            raise
        except ModelError as e:
            raise Refused(f"refused before any statement ran: {e}") from e
        start = 0
        if record:
            have = current_version(engine)
            open_run = progress(engine)
            start = _resume_point(plan, todo, have, open_run, resume)
            if not start and have is not None and have not in (fingerprint(plan.old), result.version):
                raise ModelError(f"the database is at version {have}, but this plan starts from "
                                 f"{fingerprint(plan.old)}")
            if not start and have == result.version and plan.steps:
                return result
        elif resume:
            raise ModelError("resume=True needs record=True: the progress of a run is what it resumes from")
        result.resumed_from = start
        if check_data and not start and plan.steps:
            _preflight(plan, engine, d)
        tracker = _Tracker(engine, plan, todo, start, on=record and _partial(todo, d))
        _outside(engine, d, "before")
        try:
            skip = start
            for n, unit in enumerate(todo, 1):
                if skip >= len(unit.statements):
                    skip -= len(unit.statements)
                    continue
                _run_unit(engine, d, unit, n, result, tracker, skip, plan)
                skip = 0
        finally:
            _outside(engine, d, "after")
        if record:
            with engine.begin() as conn:
                vt = _version_table()
                vt.create(conn, checkfirst=True)
                conn.execute(vt.delete())
                conn.execute(vt.insert().values(version_num=result.version,
                                                applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
            tracker.finished()
        return result
    finally:
        if own:
            engine.dispose()


def _preflight(plan: Plan, engine: sa.Engine, d: Dialect) -> None:
    from .preflight import blockers

    with engine.connect() as conn:
        found = blockers(plan, conn, d)
    if found:
        raise Refused(f"refused before any statement ran, the database is unchanged: {len(found)} step(s) would "
                      "fail on the rows it holds: " + "; ".join(str(b) for b in found))


def _resume_point(plan: Plan, todo: list[Unit], have: str | None, run: Progress | None, resume: bool) -> int:
    """How many of ``todo``'s statements an earlier run applied (0 for a fresh run); refuses a
    database a partial run was left on unless this is the same plan resumed."""
    how = ("fix what made it fail, then resume it with apply(plan, url, resume=True) or "
           "dbmodel migrate apply OLD NEW --url URL --resume")
    if run is None:
        if resume:
            raise ModelError(f"nothing to resume: the database records no partial migration ({PROGRESS_TABLE} "
                             "is empty or missing)")
        return 0
    same = (run.from_version, run.to_version) == (fingerprint(plan.old), fingerprint(plan.new))
    if not same:
        raise ModelError(f"the database holds a partial migration ({run.describe()}); this plan goes from "
                         f"{fingerprint(plan.old)} to {fingerprint(plan.new)}: finish that migration first "
                         f"(resume it with the plan it came from)")
    if not resume:
        raise ModelError(f"{run.describe()}; {how}")
    if run.plan_hash != _plan_hash(todo, run.statements_done):
        raise ModelError(f"{run.describe()}; this run would have emitted other statements before that point "
                         "(another kit version or --safe setting), so it cannot resume safely")
    return run.statements_done


def _run_unit(engine: sa.Engine, d: Dialect, unit: Unit, n: int, result: ApplyResult,
              tracker: _Tracker | None = None, skip: int = 0, plan: Plan | None = None) -> None:
    transactional = unit.transactional and d.transactional_ddl
    conn = engine.connect()
    step_of = unit.step_of or [0] * len(unit.statements)
    try:
        if not unit.transactional:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        checks = {after: (sql, want) for after, sql, want in unit.checks}
        for i, sql in enumerate(unit.statements, 1):
            if i <= skip:
                continue
            if i - 1 in checks:
                _check(conn, n, *checks[i - 1])
            try:
                _raw(conn, sql)
            except sa.exc.DBAPIError as e:
                detail = str(e.orig).splitlines()[0] if e.orig is not None else str(e)
                raise ModelError(_failure(n, i, sql, detail, transactional, unit, d, engine, tracker, plan,
                                          step_of[i - 1])) from e
            result.statements += 1
            if i - 1 in unit.repeats:
                _repeat(conn, n, i, sql, unit.repeats[i - 1], result)
            if not transactional and unit.transactional:
                conn.commit()
            if not transactional and tracker is not None:
                tracker.committed()
        if len(unit.statements) in checks:
            _check(conn, n, *checks[len(unit.statements)])
        for sql in AROUND.get(d.name, {}).get("empty_check", ()):
            bad = _raw(conn, sql).fetchall()
            if bad:
                raise ModelError(f"unit {n}: {sql} found {len(bad)} broken reference(s); rolled back")
        if unit.transactional:
            conn.commit()
        if transactional and tracker is not None:
            tracker.committed(len(unit.statements) - skip)
        result.units += 1
    except BaseException:
        if unit.transactional:
            conn.rollback()
        raise
    finally:
        conn.close()


def _failure(n: int, i: int, sql: str, detail: str, transactional: bool, unit: Unit, d: Dialect,
             engine: sa.Engine, tracker: _Tracker | None, plan: Plan | None, step: int) -> str:
    """The message of a failed statement: what failed, what stays applied and how to go on."""
    head = f"unit {n}, statement {i} failed ({detail})"
    where = f"{head}: {sql.splitlines()[0][:120]}"
    if step and plan is not None:
        where = f"step {step} ({plan.steps[step - 1].describe()}), {where}"
    cleaned = _clean_up(unit, engine)
    if tracker is None or not tracker.on:
        return where + ("; the unit was rolled back" if transactional else
                        "; statements before it stay applied (no transactional DDL)") + cleaned
    tracker.failed(step, f"{detail}")
    steps = tracker.steps_done()
    if not tracker.done:
        return where + "; nothing was applied" + (" (the unit was rolled back)" if transactional else "") + cleaned
    why = "no transactional DDL" if not d.transactional_ddl else "earlier units committed on their own"
    ran = (f"{'step' if len(steps) == 1 else 'steps'} {_steps_text(plan, steps)} "
           f"{'stays' if len(steps) == 1 else 'stay'} applied" if steps and plan is not None
           else f"{tracker.done} statement(s) stay applied")
    partial = ""
    if step and step not in steps and step in tracker.step_of[:tracker.done]:
        partial = f", and part of step {step}"
    return (where + f"; {ran}{partial} ({why}); recorded in {PROGRESS_TABLE} ({tracker.done} of "
            f"{tracker.total} statements). Fix what made it fail, then resume: apply(plan, url, resume=True) "
            "or dbmodel migrate apply OLD NEW --url URL --resume" + cleaned)


def _clean_up(unit: Unit, engine: sa.Engine) -> str:
    """Run the unit's clean-up statements (an INVALID index dropped) and say what they did."""
    if not unit.cleanup:
        return ""
    done = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for sql in unit.cleanup:
            try:
                _raw(conn, sql)
                done.append(sql)
            except sa.exc.DBAPIError as e:
                return f"; the clean-up {sql!r} failed too ({_first_line(e)}): drop it by hand"
    return "; the INVALID index the failed concurrent build left was dropped (" + "; ".join(done) + ")"


def _repeat(conn: sa.Connection, n: int, i: int, sql: str, remaining: str, result: ApplyResult) -> None:
    """Run statement ``i`` again while ``remaining`` counts rows left and the count falls."""
    left = _raw(conn, remaining).scalar()
    while left:
        _raw(conn, sql)
        result.statements += 1
        now = _raw(conn, remaining).scalar()
        if now == left:
            raise ModelError(f"unit {n}, statement {i}: {now} row(s) point at rows of their own table that are "
                             "not there, so they cannot be copied; the unit was rolled back")
        left = now


def _check(conn: sa.Connection, n: int, sql: str, want: int) -> None:
    got = _raw(conn, sql).scalar()
    if got != want:
        raise ModelError(f"unit {n}: verification {sql!r} returned {got}, expected {want}; rolled back")


# -- verification ---------------------------------------------------------------------------

#: How each engine lets rows in whose foreign key points at a row inserted later (a NOT NULL key
#: closing a cycle): statements run on the seeding connection outside a transaction, before and
#: after. PostgreSQL's needs a superuser; where it is refused the tables of such keys stay empty
#: and the reason is said. DuckDB holds no such key (ddl leaves it out), so it needs nothing.
FK_RELAX: dict[str, tuple[str, str]] = {
    "mysql": ("SET FOREIGN_KEY_CHECKS=0", "SET FOREIGN_KEY_CHECKS=1"),
    "sqlite": ("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys=ON"),
    "postgresql": ("SET session_replication_role = replica", "SET session_replication_role = DEFAULT"),
}


class Seeded(dict[str, int]):
    """Rows seeded per table (a dict), with ``reasons``: why a table got fewer rows than asked."""

    def __init__(self, counts: dict[str, int], reasons: dict[str, str]) -> None:
        super().__init__(counts)
        self.reasons = reasons

    def describe(self) -> str:
        """``seeded books=3, reviews=0 (the engine refused them: ...)``."""
        if not self:
            return "seeded nothing: the schema has no tables"
        parts = [f"{t}={n}" + (f" ({self.reasons[t]})" if t in self.reasons else "") for t, n in self.items()]
        return "seeded " + ", ".join(parts)


def seed(schema: Schema, url: str | sa.Engine, rows: int = 3) -> Seeded:
    """Insert ``rows`` rows into every table, whatever its keys (see
    :func:`~dbmodel_kit.model.samples.sample_rows`): parents first, row ``i`` of a table pointing
    at row ``i`` of each parent; a table referencing itself row by row (parents first, so DuckDB's
    per-statement key check passes); a nullable key closing a cycle set once every table is
    filled; a NOT NULL one inserted with the engine's key checks relaxed (:data:`FK_RELAX`).

    Returns the rows seeded per table; a table the engine refuses rows for (a CHECK the sample
    values break, a parent left empty) gets 0, and ``reasons`` says why in the engine's words.
    """
    from ..ddl import to_metadata
    from ..ddl.objects import without_partitions
    from ..model.samples import sample_rows

    engine, own = _engine(url)
    d = get_dialect(engine)
    schema, _ = without_partitions(schema, d)  # (the tables the engine holds)
    md = to_metadata(schema, d)
    plan = sample_rows(schema, rows)
    counts: dict[str, int] = {}
    reasons: dict[str, str] = {}
    relax = FK_RELAX.get(d.name) if plan.early else None
    try:
        with engine.connect() as conn:
            if relax is not None:
                try:
                    _session(conn, relax[0])
                except sa.exc.DBAPIError as e:
                    relax = None
                    for t, fk in plan.early:
                        reasons.setdefault(t, f"its NOT NULL key {fk} closes a cycle and the engine refused to "
                                              f"relax key checks: {_first_line(e)}")
            for name in plan.order:
                t = schema.table(name)
                if t.partition_of is not None:  # rows written to a partition must fall in its bounds
                    reasons.setdefault(name, f"a partition of {t.partition_of}: rows go in through it")
                    counts[name] = 0
                    continue
                table = _live_table(md, schema.table(name))
                empty = [fk for fk in t.foreign_keys if fk.ref_table != name and counts.get(fk.ref_table) == 0]
                needed = [fk for fk in empty if not all(t.column(c).nullable for c in fk.columns)]
                if needed:
                    reasons.setdefault(name, f"its parent table {needed[0].ref_table} has no rows")
                if name in reasons:
                    counts[name] = 0
                    continue
                batch = [_bind(table, _geometry(t, r, d.name)) for r in plan.rows[name]]
                for fk in empty:  # a nullable key to a table that got no rows points at none
                    for r in batch:
                        for c in fk.columns:
                            r[c] = None
                try:
                    with conn.begin():
                        if name in plan.self_refs:  # one by one: a row's parent is in before it
                            for r in batch:
                                conn.execute(sa.insert(table).values(r))
                        elif batch:
                            conn.execute(sa.insert(table).values(batch))  # one statement, no pipeline
                    counts[name] = len(batch)
                except sa.exc.DBAPIError as e:
                    counts[name] = 0
                    reasons[name] = f"the engine refused the sample rows: {_first_line(e)}"
            if plan.early:
                _orphans_out(conn, schema, md, counts, reasons, list(plan.order))
            for name, key, values in plan.later:
                if counts.get(name) and all(counts.get(fk.ref_table) for fk in schema.table(name).foreign_keys
                                            if set(fk.columns) & set(values)):
                    table = _live_table(md, schema.table(name))
                    try:
                        with conn.begin():
                            where = [table.c[k] == v for k, v in _bind(table, key).items()]
                            conn.execute(sa.update(table).where(*where).values(_bind(table, values)))
                    except sa.exc.DBAPIError as e:
                        reasons.setdefault(name, f"a key closing a cycle was left NULL: {_first_line(e)}")
            if relax is not None:
                _session(conn, relax[1])
    finally:
        if own:
            engine.dispose()
    return Seeded(counts, reasons)


def _orphans_out(conn: sa.Connection, schema: Schema, md: sa.MetaData, counts: dict[str, int],
                 reasons: dict[str, str], order: list[str]) -> None:
    """Rows inserted before their parents (a NOT NULL key closing a cycle, key checks relaxed)
    whose parent table then got no rows point at nothing: they go, and so in turn do the rows
    pointing at them by a NOT NULL key (a nullable key to an emptied table is set NULL first;
    deleted children first, as DuckDB checks each statement), so the seed leaves no broken
    reference (SQLite's ``PRAGMA foreign_key_check`` after a migration found them: 'unit 1: ...
    found 3 broken reference(s)')."""
    doomed: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for t in schema.tables:
            if counts.get(t.key) and t.key not in doomed:
                for fk in t.foreign_keys:
                    if (fk.ref_table != t.key and (not counts.get(fk.ref_table) or fk.ref_table in doomed)
                            and not all(t.column(c).nullable for c in fk.columns)):
                        doomed[t.key], changed = fk.ref_table, True
                        break
    if not doomed:
        return
    # each statement committed alone: DuckDB checks a DELETE against the references committed
    # before it ("still referenced by a foreign key in a different table"); where it still refuses
    # (its UPDATE of a row another table references is a delete and insert), the rows stay as they
    # were, and the reason says so
    def run(name: str, stmt: Any) -> bool:
        try:
            with conn.begin():
                conn.execute(stmt)
            return True
        except sa.exc.DBAPIError as e:
            reasons.setdefault(name, f"rows pointing at a table left empty could not be removed: {_first_line(e)}")
            return False

    for t in schema.tables:
        if counts.get(t.key) and t.key not in doomed:
            for fk in t.foreign_keys:
                if fk.ref_table != t.key and (not counts.get(fk.ref_table) or fk.ref_table in doomed):
                    run(t.key, sa.update(_live_table(md, t)).values(dict.fromkeys(fk.columns)))
    for name in sorted(doomed, key=lambda n: -order.index(n) if n in order else 0):
        if run(name, sa.delete(_live_table(md, schema.table(name)))):
            counts[name] = 0
            reasons.setdefault(name, f"its parent table {doomed[name]} has no rows")



def _live_table(md: sa.MetaData, t: Any) -> sa.TableClause:
    """The table of model table ``t`` in ``md`` (SQLAlchemy keys it ``schema.name``, or its bare name
    in the default schema, where the model writes ``"a.b"`` for a dotted name), every name quoted
    for a live connection."""
    from ..ddl import sa_table

    return quoted_table(sa_table(md, t))

def _geometry(t: Any, row: dict[str, Any], dialect: str) -> dict[str, Any]:
    """``row`` with its geometry values (WKB) in the engine's own form (``samples.stored_geometry``)."""
    from ..model.samples import stored_geometry

    return {k: stored_geometry(v, t.column(k).type, dialect) if isinstance(v, bytes) and t.has_column(k) else v
            for k, v in row.items()}


def _bind(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` as the column types take it where the engine stores a type as text (a uuid as its
    text, an interval as an ISO 8601 duration, as ``dbmodel_kit.dialects`` maps them), and None as
    SQL NULL in a JSON column (a self-reference's root row pointed at the JSON value null)."""
    def value(k: str, v: Any) -> Any:
        if isinstance(v, uuid.UUID) and not isinstance(table.c[k].type, sa.Uuid):
            return str(v)
        if isinstance(v, dt.timedelta) and isinstance(table.c[k].type, sa.String):
            return f"P{v.days}DT{v.seconds}S" if v.seconds else f"P{v.days}D"
        if v is None and isinstance(table.c[k].type, sa.JSON):
            return sa.null()  # SQL NULL: SQLAlchemy's JSON type writes None as the JSON text 'null'
        return v

    return {k: value(k, v) for k, v in row.items()}


def _session(conn: sa.Connection, sql: str) -> None:
    """Run a session setting outside any transaction (SQLite ignores pragmas inside one)."""
    if conn.in_transaction():
        conn.commit()
    raw = conn.connection.driver_connection
    cur = raw.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(sql)
    finally:
        cur.close()
    if getattr(raw, "autocommit", True) is False:
        raw.commit()  # type: ignore[union-attr]


def _first_line(e: sa.exc.DBAPIError) -> str:
    return (str(e.orig) if e.orig is not None else str(e)).splitlines()[0]


def snapshot(schema: Schema, url: str | sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ``schema`` the engine holds (columns in model order, rows sorted),
    by table key: each table read in its own namespace, as the DDL made it (:func:`seed` writes the
    same way)."""
    from ..ddl import to_metadata
    from ..ddl.objects import without_partitions

    engine, own = _engine(url)
    d = get_dialect(engine)
    schema, _ = without_partitions(schema, d)
    md = to_metadata(schema, d)
    try:
        out = {}
        with engine.connect() as conn:
            for t in schema.tables:
                table = _live_table(md, t)
                cols = [table.c[c.name] for c in t.columns if c.type.kind not in ("json",)]
                rows = conn.execute(sa.select(*cols)).fetchall()
                out[t.key] = sorted((tuple(_norm(v) for v in r) for r in rows), key=repr)
        return out
    finally:
        if own:
            engine.dispose()


def _norm(v: Any) -> Any:
    if isinstance(v, str) and len(v) == 36 and v.count("-") == 4:
        return v.lower()
    if isinstance(v, uuid.UUID):
        return str(v)
    return v


def live_schema(url: str | sa.Engine, dialect: Dialect) -> Schema:
    """The reflected schema (without the migration bookkeeping tables)."""
    from ..io.reflect import reflect

    return reflect(url, include=lambda name: name not in BOOKKEEPING)


def expected(schema: Schema, dialect: Dialect) -> Schema:
    """What ``dialect`` can hold of ``schema`` (ddl.storable), order-free."""
    from ..ddl.limits import storable

    return canonical(storable(schema, dialect))


@dataclass
class Verification:
    """The outcome of up -> down -> up: what was compared after each step, and any difference."""

    dialect: str
    steps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"verify on {self.dialect}: {'ok' if self.ok else 'FAILED'}"
        return "\n".join([head, *(f"  {s}" for s in self.steps), *(f"  problem: {p}" for p in self.problems)])


def _compare(label: str, want: Schema, engine: sa.Engine, d: Dialect, v: Verification) -> None:
    got = canonical(live_schema(engine, d))
    exp_ = expected(want, d)
    if got != exp_:
        v.problems.append(f"{label}: the database does not match the model: {_schema_delta(exp_, got)}")
    else:
        v.steps.append(f"{label}: schema matches the model ({len(exp_.tables)} tables)")


def _schema_delta(want: Schema, got: Schema) -> str:
    from .diff import diff

    try:
        return "; ".join(diff(want, got).describe()) or "only in details the diff does not show"
    except ModelError as e:  # pragma: no cover - diagnostic only
        return str(e)


def verify(old: Schema | Plan, new: Schema | None = None, url: str = "sqlite://", *, rows: int = 3,
           safe: bool = False) -> Verification:
    """Create ``old`` on ``url`` (an empty scratch database), seed rows, then up -> down -> up.

    After each step the reflected schema must equal the model as the engine stores it, and
    the rows must survive: after up, every table kept keeps its row count; after up -> down
    of a plan whose steps are all lossless, every row is back exactly as seeded. (The down of a
    lossy plan can fail for real on seeded rows, e.g. re-adding a dropped NOT NULL column
    without a default; that is reported as the ModelError of the failing unit.)
    """
    from ..ddl import apply as create
    from .diff import diff

    plan = old if isinstance(old, Plan) else diff(old, new)  # type: ignore[arg-type]
    engine, own = _engine(url)
    d = get_dialect(engine)
    v = Verification(d.name)
    try:
        create(plan.old, engine)
        seeded = seed(plan.old, engine, rows)
        v.steps.append(seeded.describe())
        before = snapshot(plan.old, engine)
        apply(plan, engine, safe=safe)
        _compare("up", plan.new, engine, d, v)
        _rows_kept(plan, before, snapshot(plan.new, engine), v)
        back = plan.reverse()
        apply(back, engine, safe=safe)
        _compare("down", plan.old, engine, d, v)
        after_down = snapshot(plan.old, engine)
        if plan.reversibility == "lossless":
            if after_down != before:
                changed = [t for t in before if before[t] != after_down.get(t)]
                v.problems.append(f"down: rows differ from the seeded rows in {', '.join(changed)}")
            else:
                v.steps.append("down: every seeded row is back unchanged")
        apply(plan, engine, safe=safe)
        _compare("up again", plan.new, engine, d, v)
    finally:
        if own:
            engine.dispose()
    return v


def _rows_kept(plan: Plan, before: dict[str, list[Any]], after: dict[str, list[Any]], v: Verification) -> None:
    from ..model import ops as o

    # each table the plan started with, under its name at the end: renames followed one after the
    # other (a -> b, then b -> c), a table dropped is gone (a new one made under its name is another)
    where: dict[str, str | None] = {t: t for t in before}
    for step in plan.steps:
        op = step.op
        if isinstance(op, o.RenameTable | o.DropTable):
            for t, now in where.items():
                if now == op.table:
                    where[t] = (qualify(split_key(op.table)[0], op.new_name)
                                if isinstance(op, o.RenameTable) else None)
    lost = []
    for t, rows in before.items():
        target = where[t]
        if target is not None and target in after and len(after[target]) != len(rows):
            lost.append(f"{t}: {len(rows)} -> {len(after[target])}")
    if lost:
        v.problems.append("up: row counts changed: " + "; ".join(lost))
    else:
        v.steps.append("up: every kept table kept its rows")


# -- generated tests ------------------------------------------------------------------------

_TEST_TEMPLATE = '''"""Migration tests generated by dbmodel-kit: up -> down -> up on a scratch database.

Run with ``DBMODEL_MIGRATION_URL=postgresql+psycopg://... pytest {name}`` (an empty database;
default: a temporary SQLite file).
"""

import json
import os

from dbmodel_kit.io import loads
from dbmodel_kit.migrate.apply import verify
from dbmodel_kit.migrate.diff import diff

OLD = {old!r}
NEW = {new!r}
HINTS = json.loads({hints!r})


def test_migration_up_down_up(tmp_path):
    """The migration goes up, down and up again with the schema and the rows as the model says."""
    url = os.environ.get("DBMODEL_MIGRATION_URL") or f"sqlite:///{{tmp_path / 'scratch.sqlite'}}"
    plan = diff(loads(OLD, "yaml"), loads(NEW, "yaml"), hints=HINTS)
    result = verify(plan, url=url)
    assert result.ok, str(result)
'''


def export_tests(plan: Plan, path: str | Path | None = None, *, hints: dict[str, str] | None = None) -> str:
    """A pytest file that verifies ``plan`` up -> down -> up on any SQLAlchemy URL.

    The schemas are embedded as YAML; renames in the plan become hints so the diff in the
    test rebuilds exactly this plan. Written to ``path`` when given; the text is returned.
    """
    from ..io import dumps
    from ..model import ops as o

    hints = dict(hints or {})
    schema_names: dict[str, str] = {}
    for s in plan.steps:
        if isinstance(s.op, o.RenameTable):
            schema_names[s.op.table] = s.op.tables[1]  # (the new key: a table is renamed inside its schema)
            hints[s.op.table] = s.op.tables[1]
    for s in plan.steps:
        if isinstance(s.op, o.RenameColumn):
            old_table = next((k for k, val in schema_names.items() if val == s.op.table), s.op.table)
            hints[f"{old_table}.{s.op.column}"] = f"{s.op.table}.{s.op.new_name}"
    name = Path(path).name if path else "test_migration.py"
    text = _TEST_TEMPLATE.format(name=name, old=dumps(plan.old, "yaml"), new=dumps(plan.new, "yaml"),
                                 hints=json.dumps(hints))
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return textwrap.dedent(text)


__all__ = ["PROGRESS_TABLE", "VERSION_TABLE", "ApplyResult", "Progress", "Refused", "Verification", "apply",
           "current_version", "export_tests", "fingerprint",
           "progress", "seed", "snapshot", "verify"]

