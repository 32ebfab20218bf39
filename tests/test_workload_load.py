"""Loading real samples: validation with example rows, nothing loaded on failure, and inference of tables."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.workload import sample
from dbmodel_kit.workload.load import SampleViolations, infer, load_sample


def _shop() -> Model:
    m = Model()
    m.add_enum("status", "new", "done")
    m.add_table("users", id="integer pk", email="varchar(20) unique not null")
    m.add_table("orders", id="integer pk", user_id="integer not null references users",
                status="enum(status) not null", total="decimal(8,2) not null check (total >= 0)")
    return m


USERS = pd.DataFrame({"id": [1, 2, 3], "email": ["a@x.io", "b@x.io", "c@x.io"]})
ORDERS = pd.DataFrame({"id": [10, 11, 12], "user_id": [1, 1, 3], "status": ["new", "done", "new"],
                       "total": [5.0, 7.5, 0.0]})


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_valid_frames_load(engine, tmp_path):
    """Frames that satisfy the model load into a new file with every constraint declared."""
    db = load_sample(_shop().schema, {"users": USERS, "orders": ORDERS}, path=tmp_path / f"l.{engine}")
    assert db.engine == engine
    assert db.counts() == {"users": 3, "orders": 3}


def _staff() -> Model:
    m = Model()
    m.add_table("emp", id="integer pk", boss="integer references emp", mentor="integer references emp")
    return m


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_rows_referencing_each_other_load_in_any_order(engine, tmp_path):
    """A self-referencing table (Chinook's and Northwind's employees.reports_to) whose frame lists a row
    before its manager loads: DuckDB checks each foreign key as a row goes in, so the rows go in
    parents first, a level at a time (it failed with 'Violates foreign key constraint')."""
    frame = pd.DataFrame({"id": [4, 2, 1, 3], "boss": [3, 1, None, 2], "mentor": [1, None, None, 1]})
    db = load_sample(_staff().schema, {"emp": frame}, path=tmp_path / f"s.{engine}")
    assert db.counts() == {"emp": 4}
    rows = db.connect().execute("SELECT id, boss, mentor FROM emp ORDER BY id").fetchall()
    assert [tuple(None if v is None or v != v else int(v) for v in r) for r in rows] == [
        (1, None, None), (2, 1, None), (3, 2, 1), (4, 3, 1)]


def test_rows_in_a_reference_cycle_are_named_and_nothing_is_kept(tmp_path):
    """Rows that reference each other in a cycle cannot go into DuckDB in any order: a ModelError
    names the table and the rows, and the database file is not left behind."""
    from dbmodel_kit.errors import ModelError

    frame = pd.DataFrame({"id": [1, 2, 3], "boss": [2, 1, None], "mentor": [None, None, None]})
    path = tmp_path / "cycle.duckdb"
    with pytest.raises(ModelError, match=r"emp: rows that reference each other in a cycle .* e\.g\. \[\(1, 2"):
        load_sample(_staff().schema, {"emp": frame}, path=path)
    assert not path.exists()


def test_csv_and_parquet_sources(tmp_path):
    """A table can come from a CSV or a Parquet file."""
    USERS.to_csv(tmp_path / "users.csv", index=False)
    duckdb.from_df(ORDERS).write_parquet(str(tmp_path / "orders.parquet"))
    db = load_sample(_shop().schema, {"users": tmp_path / "users.csv", "orders": str(tmp_path / "orders.parquet")})
    assert db.counts() == {"users": 3, "orders": 3}


def test_violations_are_listed_with_examples_and_nothing_loads(tmp_path):
    """Every broken constraint is reported with example rows, and no database file is created."""
    users = pd.DataFrame({"id": [1, 1, 2], "email": ["a@x.io", "b@x.io", "much-too-long-address@example.com"]})
    orders = pd.DataFrame({"id": [10, 11, 12], "user_id": [1, 9, None], "status": ["new", "lost", "done"],
                           "total": [5.0, -1.0, "abc"]})
    path = tmp_path / "bad.sqlite"
    with pytest.raises(SampleViolations) as info:
        load_sample(_shop().schema, {"users": users, "orders": orders}, path=path)
    found = {(v.table, v.constraint): v for v in info.value.violations}
    assert set(found) == {("users", "email length"), ("users", "primary key"), ("orders", "user_id NOT NULL"),
                          ("orders", "status enum"), ("orders", "total type"), ("orders", "fk_orders_user_id_users"),
                          ("orders", "ck_orders_total")}
    assert found[("users", "primary key")].count == 2
    assert found[("orders", "fk_orders_user_id_users")].examples[0]["user_id"] == 9
    assert "e.g." in str(info.value)
    assert not path.exists()


def test_force_loads_the_rows_that_pass():
    """With force=True the breaking rows (and children of left-out parents) are left out and noted."""
    users = pd.DataFrame({"id": [1, 2], "email": ["a@x.io", None]})
    orders = pd.DataFrame({"id": [10, 11, 12], "user_id": [1, 2, 1], "status": ["new", "new", "done"],
                           "total": [1.0, 2.0, -3.0]})
    db = load_sample(_shop().schema, {"users": users, "orders": orders}, engine="sqlite", force=True)
    assert db.counts() == {"users": 1, "orders": 1}
    assert any("ck_orders_total" in n for n in db.notes)


def test_sample_round_trips_through_frames():
    """A generated sample read back as DataFrames validates and loads into the other engine."""
    src = sample(ecommerce(), 600, engine="duckdb")
    con = src.connect()
    frames = {t.name: con.execute(f'SELECT * FROM "{t.name}"').df() for t in ecommerce().tables}
    db = load_sample(ecommerce(), frames, engine="sqlite")
    assert db.counts() == src.counts()


def test_infer_proposes_types_keys_and_foreign_keys():
    """infer() finds types, NOT NULL, candidate keys and FKs by value inclusion."""
    users = pd.DataFrame({"id": [1, 2, 3], "email": ["a@x.io", "bob@x.io", None],
                          "joined": ["2024-01-02", "2024-02-03", "2024-03-04"],
                          "uid": ["9b2f0f5e-8e3a-4f59-9d6a-0f1e2d3c4b5a", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                                  "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"]})
    lines = pd.DataFrame({"order_no": [1, 1, 2], "line": [1, 2, 1], "user_id": [1, 3, 3], "price": [1.5, 2.0, 3.25]})
    inf = infer({"users": users, "lines": lines})
    u = inf.schema.table("users")
    assert [str(c.type) for c in u.columns] == ["integer", "varchar(16)", "date", "uuid"]
    assert u.column("email").nullable
    assert not u.column("id").nullable
    assert u.primary_key == ("id",)
    assert inf.candidate_keys["lines"][0] == ("order_no", "line")
    assert ("price",) not in inf.candidate_keys["lines"]
    assert inf.schema.table("lines").primary_key == ("order_no", "line")
    assert inf.foreign_keys == [("lines", ("user_id",), "users", ("id",))]
    assert "candidate keys" in inf._repr_html_()
