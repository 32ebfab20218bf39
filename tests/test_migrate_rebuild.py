"""Table rebuilds (SQLite batch, DuckDB copy/re-create) keep every row of a table that references
itself and of the tables that reference it; DuckDB sequences, enum swaps and cycle keys follow."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit.ddl import apply as create
from dbmodel_kit.ddl import create_engine
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.dialects import get_dialect
from dbmodel_kit.migrate import Plan
from dbmodel_kit.migrate.apply import apply, live_schema, snapshot
from dbmodel_kit.migrate.plan import canonical
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Column, DataType, Enum, ForeignKey, Schema
from dbmodel_kit.model.spec import build_table


def staff_schema() -> Schema:
    """staff references itself (a manager) and is referenced by dept (NOT NULL) and by a role enum."""
    staff = build_table("staff", {"id": "integer pk", "manager_id": "integer references staff",
                                  "name": "varchar(40) not null", "role": "enum(role) not null default 'clerk'"})
    dept = build_table("dept", {"id": "integer pk", "head_id": "integer not null references staff"})
    return Schema((staff, dept), enums=(Enum("role", ("clerk", "boss")),))


#: id 100 manages 1, who manages 2, who manages 3: parents have higher and lower ids than children
STAFF = [(100, None, "boss", "boss"), (1, 100, "a", "clerk"), (2, 1, "b", "clerk"), (3, 2, "c", "clerk")]
DEPT = [(1, 100), (2, 3)]


def _fill(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        staff = sa.table("staff", sa.column("id"), sa.column("manager_id"), sa.column("name"), sa.column("role"))
        for row in STAFF:  # one by one, parents first: every engine accepts that
            conn.execute(staff.insert().values(dict(zip(("id", "manager_id", "name", "role"), row, strict=True))))
        dept = sa.table("dept", sa.column("id"), sa.column("head_id"))
        conn.execute(dept.insert(), [{"id": a, "head_id": b} for a, b in DEPT])
    engine.dispose()


PLANS = {
    "retype": [o.AlterColumn("staff", "name", type="varchar(80)")],
    "not_null": [o.AlterColumn("staff", "manager_id", nullable=True, comment="who manages")],
    "rename_table": [o.RenameTable("staff", "people")],
    "rename_column": [o.RenameColumn("staff", "manager_id", "boss_id")],
    "add_required_column": [o.AddColumn("staff", Column("level", DataType("integer"), nullable=False,
                                                        default="1"))],
    "enum_value": [o.AlterEnum("role", ("clerk", "boss", "intern"))],
    "drop_self_fk": [o.DropForeignKey("staff", "fk_staff_manager_id_staff")],
}


@pytest.mark.parametrize("case", sorted(PLANS))
def test_rebuild_keeps_self_referencing_rows(case: str, engine_url: str) -> None:
    """Up, down and up again keep every row of a self-referencing table (a parent listed after its
    child, whose key DuckDB reported missing: 'key id: 100 does not exist') and of the table
    referencing it; the schema is the model's after each step."""
    schema = staff_schema()
    plan = Plan.from_ops(schema, PLANS[case])
    create(schema, engine_url)
    _fill(engine_url)
    before = snapshot(schema, engine_url)
    d = get_dialect(engine_url)
    for p, want_rows in ((plan, None), (plan.reverse(), before), (plan, None)):
        apply(p, engine_url, record=False)
        assert canonical(live_schema(engine_url, d)) == canonical(storable(p.new, d))
        rows = snapshot(p.new, engine_url)
        assert sorted(map(len, rows.values())) == [len(DEPT), len(STAFF)]
        if want_rows is not None:
            assert rows == want_rows


def test_duckdb_identity_follows_a_renamed_table(tmp_path) -> None:
    """On DuckDB an identity column is a sequence named after its table: renaming the table makes
    the new sequence (continuing after the largest key) and drops the old one, so a new table may
    take the old name."""
    url = f"duckdb:///{tmp_path / 'seq.duckdb'}"
    s0 = Schema((build_table("t", {"id": "integer pk identity", "v": "text"}),))
    plan = Plan.from_ops(Schema(), [o.AddTable(s0.table("t"))])
    apply(plan, url, record=False)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (v) VALUES ('a'), ('b')")
    engine.dispose()
    rename = Plan.from_ops(s0, [o.RenameTable("t", "u"), o.AddTable(s0.table("t"))])
    apply(rename, url, record=False)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO u (v) VALUES ('c')")
        conn.exec_driver_sql("INSERT INTO t (v) VALUES ('x')")
        assert conn.exec_driver_sql("SELECT id, v FROM u ORDER BY id").fetchall() == [(1, "a"), (2, "b"), (3, "c")]
        assert conn.exec_driver_sql("SELECT id FROM t").scalar() == 1
    engine.dispose()
    back = rename.reverse()
    apply(back, url, record=False)
    assert canonical(live_schema(url, get_dialect("duckdb"))) == canonical(storable(s0, "duckdb"))


def test_duckdb_cycle_key_is_neither_added_nor_rebuilt() -> None:
    """Adding the key that closes a cycle DuckDB cannot hold emits nothing (no useless rebuild)."""
    a = build_table("a", {"id": "integer pk", "b_id": "integer not null references b"})
    b = build_table("b", {"id": "integer pk", "a_id": "integer"})
    start = Schema((a, b))
    plan = Plan.from_ops(start, [o.AddForeignKey("b", ForeignKey(("a_id",), "a"))])
    sql = plan.to_sql("duckdb")
    assert "CREATE TABLE" not in sql
    assert "INSERT" not in sql
