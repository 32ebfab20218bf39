"""Execute: run a plan on a database unit by unit, record it, and verify up -> down -> up.

``apply`` runs each transactional unit in one transaction (PostgreSQL, SQLite and DuckDB roll
a failed unit back completely; MySQL/MariaDB commit each DDL statement, so a failure there
leaves the statements before it applied, as with any MySQL migration tool). The schema version
(a fingerprint of the schema value) is kept in the ``dbmodel_version`` table, like
``alembic_version``; applying a plan whose start does not match the recorded version is refused.
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

from ..dialects import Dialect, get_dialect
from ..errors import ModelError
from ..model.samples import sample_value
from ..model.schema import Schema, dependency_order
from .emit import Unit, flavour_of, units
from .plan import Plan, canonical

VERSION_TABLE = "dbmodel_version"
#: Tables that record migrations, not part of any model (ours and Alembic's).
BOOKKEEPING = frozenset({VERSION_TABLE, "alembic_version"})

#: Statements run around the units on engines that need them (a table, not branches). SQLite
#: must not enforce foreign keys while a referenced table is rebuilt (its DROP would delete or
#: refuse the children's rows; https://www.sqlite.org/lang_altertable.html#otheralter), and the
#: pragma only works outside a transaction; ``PRAGMA foreign_key_check`` proves nothing broke.
AROUND: dict[str, dict[str, tuple[str, ...]]] = {
    "sqlite": {"before": ("PRAGMA foreign_keys=OFF",), "after": ("PRAGMA foreign_keys=ON",),
               "empty_check": ("PRAGMA foreign_key_check",)},
}


def fingerprint(schema: Schema) -> str:
    """A short stable id of a schema value (order-free), used as the recorded version."""
    return hashlib.sha1(repr(canonical(schema)).encode()).hexdigest()[:12]


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


@dataclass
class ApplyResult:
    """What ``apply`` did: units run, statements executed, the version recorded."""

    units: int = 0
    statements: int = 0
    version: str = ""
    log: list[str] = field(default_factory=list)


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


def apply(plan: Plan, url: str | sa.Engine, *, safe: bool = False, record: bool = True) -> ApplyResult:
    """Run ``plan`` on ``url`` unit by unit; a failing unit is rolled back and raises ModelError."""
    engine, own = _engine(url)
    d = get_dialect(engine)
    result = ApplyResult(version=fingerprint(plan.new))
    try:
        if record:
            have = current_version(engine)
            if have is not None and have not in (fingerprint(plan.old), result.version):
                raise ModelError(f"the database is at version {have}, but this plan starts from "
                                 f"{fingerprint(plan.old)}")
            if have == result.version and plan.steps:
                return result
        todo = units(plan, d, safe=safe, flavour=flavour_of(engine))
        _outside(engine, d, "before")
        try:
            for n, unit in enumerate(todo, 1):
                _run_unit(engine, d, unit, n, result)
        finally:
            _outside(engine, d, "after")
        if record:
            with engine.begin() as conn:
                vt = _version_table()
                vt.create(conn, checkfirst=True)
                conn.execute(vt.delete())
                conn.execute(vt.insert().values(version_num=result.version,
                                                applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
        return result
    finally:
        if own:
            engine.dispose()


def _run_unit(engine: sa.Engine, d: Dialect, unit: Unit, n: int, result: ApplyResult) -> None:
    transactional = unit.transactional and d.transactional_ddl
    conn = engine.connect()
    try:
        if not unit.transactional:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        checks = {after: (sql, want) for after, sql, want in unit.checks}
        for i, sql in enumerate(unit.statements, 1):
            if i - 1 in checks:
                _check(conn, n, *checks[i - 1])
            try:
                _raw(conn, sql)
            except sa.exc.DBAPIError as e:
                detail = str(e.orig).splitlines()[0] if e.orig is not None else str(e)
                raise ModelError(f"unit {n}, statement {i} failed ({detail}); "
                                 + ("the unit was rolled back" if transactional else
                                    "statements before it stay applied (no transactional DDL)")
                                 + f": {sql.splitlines()[0][:120]}") from e
            result.statements += 1
            if not transactional and unit.transactional:
                conn.commit()
        if len(unit.statements) in checks:
            _check(conn, n, *checks[len(unit.statements)])
        for sql in AROUND.get(d.name, {}).get("empty_check", ()):
            bad = _raw(conn, sql).fetchall()
            if bad:
                raise ModelError(f"unit {n}: {sql} found {len(bad)} broken reference(s); rolled back")
        if unit.transactional:
            conn.commit()
        result.units += 1
    except BaseException:
        if unit.transactional:
            conn.rollback()
        raise
    finally:
        conn.close()


def _check(conn: sa.Connection, n: int, sql: str, want: int) -> None:
    got = _raw(conn, sql).scalar()
    if got != want:
        raise ModelError(f"unit {n}: verification {sql!r} returned {got}, expected {want}; rolled back")


# -- verification ---------------------------------------------------------------------------

def seed(schema: Schema, url: str | sa.Engine, rows: int = 3) -> dict[str, int]:
    """Insert ``rows`` simple rows per table (parents first; FKs point at parents' rows).

    Values are chosen per logical type; a table whose checks reject them is left empty and
    reported with 0. Returns rows inserted per table.
    """
    from ..ddl import to_metadata

    engine, own = _engine(url)
    d = get_dialect(engine)
    md = to_metadata(schema, d)
    order, deferred = dependency_order(schema)
    skip = {(t.name, fk.name) for t, fk in deferred}
    done: dict[str, int] = {}
    keys: dict[str, list[dict[str, Any]]] = {}
    try:
        for t in order:
            table = md.tables[t.name]
            batch = []
            for i in range(rows):
                row = {c.name: sample_value(schema, t, c.name, i) for c in t.columns
                       if not c.generated and not (c.default is not None and c.default.kind == "identity"
                                                   and t.primary_key != (c.name,))}
                for fk in t.foreign_keys:
                    if (t.name, fk.name) in skip or fk.ref_table == t.name:
                        for c in fk.columns:
                            if t.column(c).nullable:
                                row[c] = None
                        continue
                    parents = keys.get(fk.ref_table) or []
                    if not parents:
                        break
                    parent = parents[i % len(parents)]
                    for c, r in zip(fk.columns, fk.ref_columns):
                        row[c] = parent[r]
                batch.append({k: (str(v) if isinstance(v, uuid.UUID) and not isinstance(table.c[k].type, sa.Uuid)
                                   else v) for k, v in row.items()})
            try:
                with engine.begin() as conn:
                    conn.execute(table.insert(), batch)
                keys[t.name] = batch
                done[t.name] = len(batch)
            except sa.exc.DBAPIError:
                done[t.name] = 0
    finally:
        if own:
            engine.dispose()
    return done


def snapshot(schema: Schema, url: str | sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ``schema`` (columns in model order, rows sorted)."""
    engine, own = _engine(url)
    try:
        out = {}
        with engine.connect() as conn:
            for t in schema.tables:
                cols: list[Any] = [sa.column(c.name) for c in t.columns if c.type.kind not in ("json",)]
                rows = conn.execute(sa.select(*cols).select_from(sa.table(t.name))).fetchall()
                out[t.name] = sorted((tuple(_norm(v) for v in r) for r in rows), key=repr)
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


def _compare(label: str, want: Schema, url: str, d: Dialect, v: Verification) -> None:
    got = canonical(live_schema(url, d))
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
        v.steps.append("seeded " + ", ".join(f"{t}={n}" for t, n in seeded.items()))
        before = snapshot(plan.old, engine)
        apply(plan, engine, safe=safe)
        _compare("up", plan.new, url, d, v)
        _rows_kept(plan, before, snapshot(plan.new, engine), v)
        back = plan.reverse()
        apply(back, engine, safe=safe)
        _compare("down", plan.old, url, d, v)
        after_down = snapshot(plan.old, engine)
        if plan.reversibility == "lossless":
            if after_down != before:
                changed = [t for t in before if before[t] != after_down.get(t)]
                v.problems.append(f"down: rows differ from the seeded rows in {', '.join(changed)}")
            else:
                v.steps.append("down: every seeded row is back unchanged")
        apply(plan, engine, safe=safe)
        _compare("up again", plan.new, url, d, v)
    finally:
        if own:
            engine.dispose()
    return v


def _rows_kept(plan: Plan, before: dict[str, list[Any]], after: dict[str, list[Any]], v: Verification) -> None:
    renamed = {s.op.table: s.op.new_name for s in plan.steps if type(s.op).__name__ == "RenameTable"}  # type: ignore[attr-defined]
    lost = []
    for t, rows in before.items():
        target = renamed.get(t, t)
        if target in after and len(after[target]) != len(rows):
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
            schema_names[s.op.table] = s.op.new_name
            hints[s.op.table] = s.op.new_name
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


__all__ = ["VERSION_TABLE", "ApplyResult", "Verification", "apply", "current_version", "export_tests", "fingerprint",
           "seed", "snapshot", "verify"]

