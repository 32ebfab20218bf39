"""Sample data: every declared constraint holds (the engines enforce them), and the same seed gives the same data."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from pathlib import Path

import duckdb
import pytest

from dbmodel_kit import Model, ModelError
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.workload import sample
from dbmodel_kit.workload.sample import default_rows, table_rows

ENGINES = ("duckdb", "sqlite")


def _declared(db) -> str:
    """The DDL the engine itself holds, so the test proves constraints were declared, not only honoured."""
    con = db.connect()
    if db.engine == "sqlite":
        return "\n".join(r[0] for r in con.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    return "\n".join(r[0] for r in con.execute("SELECT sql FROM duckdb_tables()").fetchall())


def _violations(db) -> list[str]:
    """Independent re-check of PK/UNIQUE/FK/NOT NULL/length on the filled data, by SQL queries."""
    con = db.connect()
    problems = []
    for t in db.schema.tables:
        for cols in [t.primary_key, *(u.columns for u in t.uniques)]:
            if not cols:
                continue
            c = ", ".join(f'"{x}"' for x in cols)
            nonnull = " AND ".join(f'"{x}" IS NOT NULL' for x in cols)
            dup = con.execute(
                f'SELECT count(*) FROM (SELECT {c} FROM "{t.name}" WHERE {nonnull} GROUP BY {c} HAVING count(*) > 1) d'
            ).fetchone()[0]
            if dup:
                problems.append(f"{t.name}({c}) has {dup} duplicates")
        for col in t.columns:
            if not col.nullable:
                n = con.execute(f'SELECT count(*) FROM "{t.name}" WHERE "{col.name}" IS NULL').fetchone()[0]
                if n:
                    problems.append(f"{t.name}.{col.name} has {n} NULLs")
            if col.type.length and col.type.kind in ("varchar", "char"):
                n = con.execute(
                    f'SELECT count(*) FROM "{t.name}" WHERE length("{col.name}") > {col.type.length}'
                ).fetchone()[0]
                if n:
                    problems.append(f"{t.name}.{col.name} has {n} values longer than {col.type.length}")
        for fk in t.foreign_keys:
            on = " AND ".join(f'c."{a}" = p."{b}"' for a, b in zip(fk.columns, fk.ref_columns))
            nonnull = " AND ".join(f'c."{a}" IS NOT NULL' for a in fk.columns)
            orphans = con.execute(
                f'SELECT count(*) FROM "{t.name}" c LEFT JOIN "{fk.ref_table}" p ON {on} '
                f'WHERE {nonnull} AND p."{fk.ref_columns[0]}" IS NULL'
            ).fetchone()[0]
            if orphans:
                problems.append(f"{t.name}.{fk.name} has {orphans} orphans")
        for ck in t.checks:
            bad = con.execute(f'SELECT count(*) FROM "{t.name}" WHERE NOT ({ck.expression})').fetchone()[0]
            if bad:
                problems.append(f"{t.name}.{ck.name} fails on {bad} rows")
    return problems


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("model", [ecommerce, large], ids=["ecommerce", "large"])
def test_constraints_hold_at_100k_rows(engine, model, tmp_path):
    """At 100k+ rows every PK, UNIQUE, FK, NOT NULL and CHECK holds, with the constraints declared in the engine."""
    schema = model()
    db = sample(schema, 100_000, engine=engine, path=tmp_path / f"s.{engine}", progress=False)
    counts = db.counts()
    assert sum(counts.values()) >= 100_000
    assert counts == db.rows
    ddl = _declared(db)
    assert "FOREIGN KEY" in ddl
    assert "CHECK" in ddl
    assert "UNIQUE" in ddl
    assert "PRIMARY KEY" in ddl
    assert _violations(db) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_rejects_what_the_sample_never_produces(engine):
    """The declared FK really is enforced: an orphan row is refused by the engine itself."""
    db = sample(ecommerce(), 500, engine=engine)
    con = db.connect()
    errors = (duckdb.ConstraintException, sqlite3.IntegrityError)
    with pytest.raises(errors):
        con.execute(
            "INSERT INTO order_items (id, order_id, product_id, quantity, unit_price, subtotal, created_at) "
            "VALUES ('00000000-0000-0000-0000-00000000abcd', '00000000-0000-0000-0000-000000000001', "
            "'00000000-0000-0000-0000-000000000002', 1, 1, 1, '2024-01-01 00:00:00')"
        )


def _digest(db) -> str:
    h = hashlib.sha256()
    for t in db.schema.tables:
        for row in table_rows(db, t.name):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_same_sqlite_file(tmp_path):
    """Two SQLite samples with the same seed are byte-identical files; another seed differs."""
    a = sample(large(), 1500, engine="sqlite", path=tmp_path / "a.sqlite", seed=7)
    b = sample(large(), 1500, engine="sqlite", path=tmp_path / "b.sqlite", seed=7)
    c = sample(large(), 1500, engine="sqlite", path=tmp_path / "c.sqlite", seed=8)
    data = [Path(x.path).read_bytes() for x in (a, b, c)]
    assert data[0] == data[1]
    assert data[0] != data[2]


def test_same_seed_same_duckdb_contents(tmp_path):
    """Two DuckDB samples with the same seed hold identical tables; another seed gives different rows."""
    a = sample(ecommerce(), 2000, engine="duckdb", path=tmp_path / "a.duckdb", seed=1)
    b = sample(ecommerce(), 2000, engine="duckdb", path=tmp_path / "b.duckdb", seed=1)
    c = sample(ecommerce(), 2000, engine="duckdb", path=tmp_path / "c.duckdb", seed=2)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)


def test_duckdb_and_sqlite_get_the_same_values():
    """SQLite is filled from the same generator: the same seed gives the same emails on both engines."""
    d = sample(ecommerce(), 400, engine="duckdb", seed=3)
    s = sample(ecommerce(), 400, engine="sqlite", seed=3)
    q = "SELECT email FROM users ORDER BY email"
    assert d.connect().execute(q).fetchall() == s.connect().execute(q).fetchall()


def test_hints_shape_the_values():
    """values=, distinct=, null_fraction= and faker= hints are honoured."""
    m = Model()
    m.add_table(
        "t",
        id="integer pk identity",
        status="varchar(10) not null",
        bucket="integer not null",
        note="varchar(40)",
        contact="varchar(100) not null",
    )
    s = m.schema
    from dataclasses import replace

    t = s.table("t")
    cols = []
    for c in t.columns:
        hints = {
            "status": {"values": ["new", "old"], "skew": "zipf:1.5"},
            "bucket": {"distinct": 7},
            "note": {"null_fraction": 0.5},
            "contact": {"faker": "email"},
        }.get(c.name, {})
        cols.append(replace(c, hints=hints))
    s = s.replace_table(replace(t, columns=tuple(cols)))
    con = sample(s, {"t": 4000}, engine="duckdb").connect()
    status = dict(con.execute("SELECT status, count(*) FROM t GROUP BY 1").fetchall())
    assert set(status) == {"new", "old"}
    assert status["new"] > status["old"]
    assert con.execute("SELECT count(DISTINCT bucket) FROM t").fetchone()[0] == 7
    nulls = con.execute("SELECT avg(CASE WHEN note IS NULL THEN 1 ELSE 0 END) FROM t").fetchone()[0]
    assert 0.4 < nulls < 0.6
    assert con.execute("SELECT count(*) FROM t WHERE contact NOT LIKE '%_@_%._%'").fetchone()[0] == 0


def test_fk_fan_out_is_skewed_and_nullable_fks_get_nulls():
    """Foreign keys pick parents with a Zipf skew, and a nullable FK is sometimes NULL."""
    con = sample(ecommerce(), 20_000, engine="duckdb").connect()
    top, median = con.execute(
        "SELECT max(n), median(n) FROM (SELECT user_id, count(*) n FROM orders GROUP BY 1)"
    ).fetchone()
    assert top > 10 * median
    assert con.execute("SELECT count(*) FROM products WHERE updated_by IS NULL").fetchone()[0] > 0
    active = con.execute("SELECT avg(CASE WHEN is_active THEN 1 ELSE 0 END) FROM users").fetchone()[0]
    assert active > 0.7


def test_fk_cycle_and_self_reference_are_filled(tmp_path):
    """The departments <-> employees cycle is closed after the fill and self-references point at real rows."""
    for engine in ENGINES:
        con = sample(large(), 2000, engine=engine).connect()
        assert con.execute("SELECT count(manager_id) FROM departments").fetchone()[0] > 0
        assert con.execute("SELECT count(parent_id) FROM departments").fetchone()[0] > 0
        assert con.execute("SELECT count(duplicate_of) FROM tickets").fetchone()[0] > 0


def test_unsatisfiable_check_is_reported():
    """A check no value can pass names the table and column and creates nothing."""
    m = Model()
    m.add_table("t", id="integer pk", n="integer not null check (n > 5 and n < 3)")
    with pytest.raises(ModelError, match=r"t\.n.*cannot be satisfied"):
        sample(m.schema, 10)


def test_filter_check_that_rejects_everything_is_reported():
    """A multi-column check that generated rows never pass is reported with the check's name."""
    m = Model()
    m.add_table("t", id="integer pk", a="integer not null", b="integer not null")
    m.add_check("t", "a + b < -100", name="ck_never")
    with pytest.raises(ModelError, match="ck_never"):
        sample(m.schema, {"t": 100})


def test_too_many_rows_for_a_bounded_unique_column():
    """Asking for more rows than a unique char(1) column can hold is an error naming the table."""
    m = Model()
    m.add_table("t", code="char(1) pk")
    with pytest.raises(ModelError, match="t: cannot make 30 rows"):
        sample(m.schema, {"t": 30})
    assert sample(m.schema, engine="sqlite").rows == {"t": 26}


def test_default_rows_follow_fk_depth():
    """Default counts double per foreign-key level below the root tables."""
    rows = default_rows(ecommerce())
    assert rows["users"] == 1000
    assert rows["order_items"] == 4000


def test_repr_html_lists_tables():
    """A SampleDB shows its engine and row counts in Jupyter."""
    db = sample(ecommerce(), 200, engine="sqlite")
    html = db._repr_html_()
    assert "sqlite" in html
    assert "order_items" in html


def test_existing_file_is_not_overwritten(tmp_path):
    """sample() refuses to write over an existing database file."""
    path = tmp_path / "x.duckdb"
    path.write_bytes(b"keep")
    with pytest.raises(ModelError, match="already exists"):
        sample(ecommerce(), 10, path=path)
    assert path.read_bytes() == b"keep"


def test_required_parent_without_rows_is_reported():
    """Children of a NOT NULL foreign key cannot be made when the parent table gets no rows."""
    with pytest.raises(ModelError, match="orders: cannot make 5 rows: fk_orders_user_id_users needs rows in users"):
        sample(ecommerce(), {"users": 0, "products": 0, "orders": 5, "order_items": 0})


@pytest.mark.parametrize("engine", ENGINES)
def test_reserved_word_names(engine):
    """Tables and columns named with SQL keywords (order, select, from) are quoted everywhere."""
    m = Model()
    m.add_table("select", id="integer pk", **{"from": "varchar(20) not null"})
    m.add_table("order", id="integer pk", select_id="integer references select", parent="integer references order")
    db = sample(m.schema, {"select": 30, "order": 60}, engine=engine)
    assert db.counts() == {"select": 30, "order": 60}
    assert len(table_rows(db, "order")) == 60


def test_sqlite_copy_stops_cleanly_when_the_engine_rejects_a_batch(monkeypatch):
    """The fetch thread that feeds SQLite ends when an INSERT fails, and the engine's error reaches the caller."""
    import threading

    mod = __import__("dbmodel_kit.workload.sample", fromlist=["_Filler"])
    monkeypatch.setattr(mod, "BATCH", 7)
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    filler = mod._Filler(ecommerce(), mod.TARGETS["sqlite"], con, 0, None)
    before = threading.active_count()
    # rows 0..99 with 50 twice: the duplicate arrives in the eighth batch, while more are queued
    with pytest.raises(sqlite3.IntegrityError):
        filler._copy(
            "SELECT i FROM (SELECT range AS i FROM range(100) UNION ALL SELECT 50) ORDER BY i",
            "INSERT INTO t VALUES (?)",
        )
    assert threading.active_count() == before
    filler._copy("SELECT range + 1000 FROM range(30)", "INSERT INTO t VALUES (?)")  # the connection still works
    assert con.execute("SELECT count(*) FROM t WHERE id >= 1000").fetchone()[0] == 30


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_parent_leaves_a_nullable_fk_null(engine):
    """A nullable FK to a table that gets no rows is NULL in every child row."""
    m = Model()
    m.add_table("p", id="integer pk", name="varchar(20) not null")
    m.add_table("c", id="integer pk", p_id="integer references p")
    db = sample(m.schema, {"p": 0, "c": 50}, engine=engine)
    assert db.connect().execute("SELECT count(*), count(p_id) FROM c").fetchall() == [(50, 0)]


@pytest.mark.parametrize("engine", ENGINES)
def test_order_lines_are_written_grouped_by_order_with_growing_ids(engine):
    """Lines of one order are inserted together (as an application writes them), and ids grow in insert order."""
    con = sample(ecommerce(), 6000, engine=engine, seed=4).connect()
    rows = con.execute("SELECT order_id, CAST(id AS VARCHAR) FROM order_items ORDER BY rowid").fetchall()
    runs = 1 + sum(1 for a, b in itertools.pairwise(rows) if a[0] != b[0])
    assert runs == len({r[0] for r in rows})
    ids = [r[1] for r in rows]
    assert ids == sorted(ids)
    # ... while the orders themselves still spread over the users (not grouped by user)
    users = [r[0] for r in con.execute("SELECT user_id FROM orders ORDER BY rowid").fetchall()]
    assert 1 + sum(1 for a, b in itertools.pairwise(users) if a != b) > len(set(users)) * 1.5


@pytest.mark.parametrize("engine", ENGINES)
def test_unique_text_longer_than_its_column_is_still_distinct(engine):
    """A unique column whose generated text may not fit is cut to its length and deduplicated, and the engine
    (which enforces the UNIQUE constraint) accepts every row; one whose text always fits is distinct as made."""
    m = Model()
    m.add_table("t", id="uuid pk", email="varchar(14) not null unique", slug="varchar(200) not null unique")
    db = sample(m.schema, {"t": 20_000}, engine=engine)
    con = db.connect()
    assert con.execute("SELECT count(DISTINCT email), count(DISTINCT slug), max(length(email)) FROM t").fetchone() == (
        20_000,
        20_000,
        14,
    )
    assert con.execute("SELECT count(*) FROM t WHERE email NOT LIKE '%@%'").fetchone()[0] < 20_000


def test_text_length_bound():
    """The static length bound behind skipping left() and the dedupe pass."""
    from sqlglot import exp

    from dbmodel_kit.workload.generators import TEXT_KINDS, Gen, TextCtx, max_length

    email = TEXT_KINDS["email"](TextCtx(exp.column("__i"), True, Gen(0, "t"), "email"))
    longest = (
        max(len(w) for w in ("Elizabeth", "Patricia", "Jennifer")) + 1 + len("Rodriguez") + 6 + 1 + len("example.com")
    )
    assert max_length(email, 999_999) == longest
    assert max_length(email, 9_999_999) == longest + 1
    assert max_length(exp.func("md5", exp.column("x")), 10) == 32
    assert max_length(exp.column("x"), 10) is None


def test_tiny_total_caps_a_pair_table_at_its_parent_combinations():
    """A total so small that parents get one row each caps (order_id, product_id) at the pairs that exist,
    instead of failing; asked for explicitly, the same count is an error naming the unique set."""
    db = sample(ecommerce(), 7, engine="sqlite")
    assert db.counts() == db.rows
    assert db.rows["order_items"] <= db.rows["orders"] * db.rows["products"]
    with pytest.raises(ModelError, match=r"order_items: could make only 1 of 3 rows .*unique \(order_id, product_id\)"):
        sample(ecommerce(), {"users": 1, "categories": 1, "products": 1, "orders": 1, "order_items": 3})


@pytest.mark.parametrize("rows", [100, None, {}])
def test_an_empty_model_is_a_clear_error(rows) -> None:  # type: ignore[no-untyped-def]
    """A model without tables has nothing to sample: the error says so (it divided by zero before)."""
    with pytest.raises(ModelError, match="the model has no tables to sample"):
        sample(Model().schema, rows)
