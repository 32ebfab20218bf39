"""Partial migrations (issue 22 point 7): where a failure leaves earlier steps applied (MariaDB has
no transactional DDL; PostgreSQL's CREATE INDEX CONCURRENTLY runs outside a transaction), the kit
records the statements that ran in ``dbmodel_progress``, names the steps in its error, refuses a
plain re-run, and resumes from the failed statement once the data is fixed.

The failures here are ones the preflight would refuse up front (tests/test_migrate_preflight.py);
``check_data=False`` stands for a failure it cannot foresee (rows written between the check and the
step, a lock timeout, an engine limit)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit.cli import main
from dbmodel_kit.ddl import apply as create
from dbmodel_kit.ddl import create_engine
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io import dumps
from dbmodel_kit.migrate.apply import PROGRESS_TABLE, apply, current_version, fingerprint, live_schema, progress
from dbmodel_kit.migrate.diff import diff
from dbmodel_kit.migrate.emit import units
from dbmodel_kit.migrate.plan import Plan
from dbmodel_kit.model import Index
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Schema
from dbmodel_kit.model.spec import build_table


def _start() -> Schema:
    return Schema((build_table("orders", {"id": "integer pk", "qty": "integer not null", "code": "varchar(10)"}),))


def _plan() -> Plan:
    """Three steps (column, index, CHECK in the diff's order); the CHECK fails while a row has qty = 0."""
    m_ops = [o.AddColumn("orders", build_table("x", {"note": "varchar(20)"}).column("note")),
             o.AddCheck("orders", build_table("orders", {"id": "integer pk", "qty": "integer check (qty > 0)"})
                        .checks[0]),
             o.AddIndex("orders", Index(("qty",), name="ix_orders_qty"))]
    return diff(_start(), Plan.from_ops(_start(), m_ops).new)  # as the CLI makes it


def _rows(url: str, rows: list[tuple[int, int, str]]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for r in rows:
            conn.execute(sa.text("INSERT INTO orders (id, qty, code) VALUES (:i, :q, :c)"),
                         {"i": r[0], "q": r[1], "c": r[2]})
    engine.dispose()


def _exec(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


@pytest.mark.mysql
def test_mariadb_failure_is_recorded_named_and_resumed(mysql_url, tmp_path):
    plan = _plan()
    create(plan.old, mysql_url)
    _rows(mysql_url, [(1, 5, "a"), (2, 0, "b")])
    with pytest.raises(ModelError) as err:
        apply(plan, mysql_url, check_data=False)
    text = str(err.value)
    assert "step 3 (add check" in text
    assert "steps 1 (add column orders.note varchar(20)), 2 (add index ix_orders_qty" in text
    assert "stay applied (no transactional DDL)" in text
    assert PROGRESS_TABLE in text
    assert "resume=True" in text
    assert "--resume" in text
    run = progress(mysql_url)
    assert run is not None
    assert run.statements_done == 2
    assert run.steps_done == "1, 2"
    assert run.from_version == fingerprint(plan.old)
    assert "step 3" in (run.failed_step or "")
    assert current_version(mysql_url) is None
    # a plain re-run would fail at statement 1 (the column is there): it is refused, naming the record
    with pytest.raises(ModelError, match=r"stopped after 2 of 3 statements .*resume"):
        apply(plan, mysql_url)
    with pytest.raises(ModelError, match="stopped after 2 of 3"):  # and so is another plan
        apply(Plan.from_ops(_start(), [o.DropColumn("orders", "code")]), mysql_url)
    # resuming before the data is fixed fails again at the same place, and says so
    with pytest.raises(ModelError, match=r"step 3 .*stay applied"):
        apply(plan, mysql_url, resume=True)
    _exec(mysql_url, "UPDATE orders SET qty = 1 WHERE qty = 0")
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(dumps(plan.old, "yaml"))
    new.write_text(dumps(plan.new, "yaml"))
    assert main(["migrate", "apply", str(old), str(new), "--url", mysql_url, "--resume"]) == 0
    assert current_version(mysql_url) == fingerprint(plan.new)
    assert progress(mysql_url) is None
    got = live_schema(mysql_url, None)  # type: ignore[arg-type]
    assert got.table("orders").has_column("note")
    assert got.table("orders").indexes[0].name == "ix_orders_qty"
    with pytest.raises(ModelError, match="nothing to resume"):
        apply(plan, mysql_url, resume=True)


@pytest.mark.postgres
def test_postgresql_safe_cleans_the_invalid_index_and_resumes(postgres_url):
    start = _start()
    plan = Plan.from_ops(start, [
        o.AddColumn("orders", build_table("x", {"note": "varchar(20)"}).column("note")),
        o.AddIndex("orders", Index(("code",), name="ux_orders_code", unique=True)),
        o.AddIndex("orders", Index(("qty",), name="ix_orders_qty"))])
    assert len(units(plan, "postgresql", safe=True)) > 1
    create(plan.old, postgres_url)
    _rows(postgres_url, [(1, 5, "same"), (2, 6, "same")])
    with pytest.raises(ModelError) as err:
        apply(plan, postgres_url, safe=True, check_data=False)
    text = str(err.value)
    assert "step 2 (add unique index" in text or "step 2 (add index" in text
    assert "step 1 (add column orders.note varchar(20)) stays applied" in text
    assert "INVALID index" in text
    assert "dropped" in text
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                    "WHERE c.relname = 'ux_orders_code'")).scalar()
    engine.dispose()
    assert left == 0
    assert progress(postgres_url).steps_done == "1"  # type: ignore[union-attr]
    _exec(postgres_url, "UPDATE orders SET code = 'other' WHERE id = 2")
    result = apply(plan, postgres_url, safe=True, resume=True)
    assert result.resumed_from == 1
    assert current_version(postgres_url) == fingerprint(plan.new)
    assert progress(postgres_url) is None


def test_transactional_engine_records_nothing(sqlite_url):
    """SQLite rolls the whole plan back: nothing to record, and a plain re-run after the fix works."""
    plan = _plan()
    create(plan.old, sqlite_url)
    _rows(sqlite_url, [(1, 5, "a"), (2, 0, "b")])
    with pytest.raises(ModelError, match="rolled back"):
        apply(plan, sqlite_url, check_data=False)
    assert progress(sqlite_url) is None
    _exec(sqlite_url, "UPDATE orders SET qty = 1 WHERE qty = 0")
    apply(plan, sqlite_url)
    assert current_version(sqlite_url) == fingerprint(plan.new)
