"""Sample data: every declared constraint holds (the engines enforce them), and the same seed gives the same data."""

from __future__ import annotations

import hashlib
import importlib
import itertools
import sqlite3
from pathlib import Path

import duckdb
import pytest
import sqlglot

from dbmodel_kit import Model, ModelError
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.workload import sample
from dbmodel_kit.workload.sample import default_rows, table_rows
from dbmodel_kit.workload.verify import ConstraintViolation, rules

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
    """At 100k+ rows every PK, UNIQUE, FK, NOT NULL and CHECK holds (re-checked here by independent queries);
    the report says each was verified, and the file declares every one the engine can hold after a fill
    (DuckDB cannot add a foreign key to a filled table: those are verified only)."""
    schema = model()
    db = sample(schema, 100_000, engine=engine, path=tmp_path / f"s.{engine}", progress=False)
    counts = db.counts()
    assert sum(counts.values()) >= 100_000
    assert counts == db.rows
    ddl = _declared(db)
    assert "CHECK" in ddl
    assert "UNIQUE" in ddl
    assert "PRIMARY KEY" in ddl
    assert _violations(db) == []
    report = db.constraints
    assert all(h.verified for h in report)
    fks = [h for h in report if h.kind == "foreign key"]
    assert fks
    if engine == "sqlite":
        assert "FOREIGN KEY" in ddl
        assert all(h.declared and h.verified == "PRAGMA foreign_key_check after the fill" for h in fks)
    else:
        assert "FOREIGN KEY" not in ddl
        assert not any(h.declared for h in fks)
        assert all(h.verified == "set-based SQL after the fill" for h in fks)
        assert all(h.declared for h in report if h.kind in ("primary key", "not null"))


@pytest.mark.parametrize("engine", ENGINES)
def test_enforced_fill_declares_every_constraint_before_the_rows(engine):
    """enforce=True keeps the engine-enforced fill: the DuckDB file then declares its foreign keys too
    (all but a cycle-closing one), and the report says the engine checked each row as it was written."""
    db = sample(large(), 3000, engine=engine, enforce=True)
    assert "FOREIGN KEY" in _declared(db)
    fks = [h for h in db.constraints if h.kind == "foreign key"]
    assert sum(h.declared for h in fks) >= len(fks) - 1
    assert all(h.verified == "engine, on every row as it was written" for h in fks if h.declared)
    assert all(h.verified for h in db.constraints)
    assert _violations(db) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_rejects_what_the_sample_never_produces(engine):
    """The declared FK really is enforced after the fill: an orphan row is refused by the engine itself
    (DuckDB declares foreign keys only in the enforced fill)."""
    db = sample(ecommerce(), 500, engine=engine, enforce=engine == "duckdb")
    con = db.connect()
    errors = (duckdb.ConstraintException, sqlite3.IntegrityError)
    with pytest.raises(errors):
        con.execute(
            "INSERT INTO order_items (id, order_id, product_id, quantity, unit_price, subtotal, created_at) "
            "VALUES ('00000000-0000-0000-0000-00000000abcd', '00000000-0000-0000-0000-000000000001', "
            "'00000000-0000-0000-0000-000000000002', 1, 1, 1, '2024-01-01 00:00:00')"
        )


_SAMPLE = importlib.import_module("dbmodel_kit.workload.sample")


def _broken(monkeypatch, table: str, column: str, value: str) -> None:
    """Make the generator write ``value`` (DuckDB SQL) into ``table.column``: a hand-broken generator."""
    real = _SAMPLE._value

    def broken(p, c, g, schema):
        if p.table.name == table and c.name == column:
            return sqlglot.parse_one(value, read="duckdb")
        return real(p, c, g, schema)

    monkeypatch.setattr(_SAMPLE, "_value", broken)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("table", "column", "value", "constraint"),
    [
        # a duplicated key: SQLite refuses it while writing, DuckDB when the key is added after the fill
        ("users", "email", "'same@example.com'", "unique uq_users_email (email)"),
        # a CHECK: DuckDB refuses it while writing, the SQLite fill verifies CHECKs after (set-based SQL)
        ("order_items", "quantity", "-1", "check ck_order_items_quantity (quantity > 0)"),
        # a partial unique index DuckDB cannot declare: verified by set-based SQL on both
        ("products", "sku", "'SKU-1'", "unique ux_products_sku (unique index on (sku) WHERE deleted_at IS NULL)"),
    ],
)
def test_a_broken_generator_is_caught_naming_table_constraint_and_row(
    monkeypatch, tmp_path, engine, table, column, value, constraint
):
    """A generator that writes rows breaking a constraint is caught by the verification (or by the engine
    as the fill writes or adds a key), and the error names the table, the constraint and an example row;
    no file is left behind."""
    _broken(monkeypatch, table, column, value)
    path = tmp_path / f"broken.{engine}"
    with pytest.raises(ConstraintViolation) as caught:
        sample(ecommerce(), 2000, engine=engine, path=path)
    message = str(caught.value)
    assert message.startswith(f"{table}: {constraint} does not hold")
    assert ", e.g. (" in message
    assert caught.value.example
    assert not path.exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_foreign_key_is_caught_by_the_verification(monkeypatch, engine):
    """Orphans written with the engine's foreign key checks off (SQLite) or with no foreign key to check
    (DuckDB) are found after the fill: PRAGMA foreign_key_check on SQLite, an anti-join on DuckDB."""
    real = _SAMPLE._Filler._select_for_target

    def orphan(self, p, name, lo, hi):
        q = real(self, p, name, lo, hi)
        if p.table.name != "orders":
            return q
        uuid = "CAST('00000000-0000-0000-0000-0000000000ff' AS UUID)"
        cast = self.target.casts.get("uuid")
        bad = sqlglot.parse_one(cast.replace(":c", uuid) if cast else uuid, read="duckdb")
        for e in q.expressions:  # the user_id column, in its place, points at no user
            if e.alias_or_name == "user_id":
                e.set("this", bad)
        return q

    monkeypatch.setattr(_SAMPLE._Filler, "_select_for_target", orphan)
    with pytest.raises(ConstraintViolation, match=r"^orders: foreign key fk_orders_user_id_users \(user_id\) -> "
                                                  r"users \(id\) does not hold.*e\.g\. \(.*user_id="):
        sample(ecommerce(), 2000, engine=engine)


def test_the_report_is_a_table():
    """The constraint report reads as text, a DataFrame and HTML, one row per constraint of the model."""
    db = sample(ecommerce(), 300, engine="sqlite")
    frame = db.constraints.to_frame()
    assert list(frame.columns) == ["table", "constraint", "kind", "columns", "declared", "verified"]
    assert len(frame) == len(db.constraints) == len(rules(db.schema))
    assert "71 constraints: 71 declared and verified" in str(db.constraints)
    assert "declared and verified" in db._repr_html_()


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
    """Asking for more rows than a unique column's type and CHECKs allow is an error naming the table;
    without an explicit count the table gets what the column allows."""
    m = Model()
    m.add_table("t", n="smallint pk check (n between 1 and 20)")
    with pytest.raises(ModelError, match=r"t: cannot make 30 rows: unique \(n\) allows only 20 distinct values"):
        sample(m.schema, {"t": 30})
    assert sample(m.schema, engine="sqlite").rows == {"t": 20}
    m = Model()
    m.add_table("t", code="char(1) pk")
    with pytest.raises(ModelError, match="t: cannot make 30000 rows: unique \\(code\\) allows only 21054"):
        sample(m.schema, {"t": 30_000})


@pytest.mark.parametrize("engine", ENGINES)
def test_unique_capacity_is_what_the_type_allows(engine):
    """Issue 17: the capacity of a unique column is its type's range and its CHECKs, not the range
    plausible values are drawn from. An integer key takes 50,000 rows (it stopped at 10,001), a smallint
    key 40,000 (past 32,767: from its negative half), a char(2) key 5,000 (past 26 x 26 letters); a
    nullable unique column with fewer values than rows gets NULL in the rest (NULLs do not collide)."""
    m = Model()
    m.add_table("a", id="serial pk", small="smallint not null unique", code="char(2) not null unique",
                flag="boolean unique", pct="integer unique check (pct >= 0 and pct <= 100)")
    m.add_table("b", id="integer pk", a_id="integer not null references a")
    db = sample(m.schema, {"a": 40_000, "b": 50_000}, engine=engine)
    assert db.counts() == {"a": 40_000, "b": 50_000}
    assert _violations(db) == []
    con = db.connect()
    lo, hi = con.execute("SELECT min(small), max(small) FROM a").fetchone()
    assert lo >= -32_768
    assert hi <= 32_767
    distinct, filled = con.execute("SELECT count(DISTINCT flag), count(flag) FROM a").fetchone()
    assert distinct == filled <= 2
    q = "SELECT count(DISTINCT pct), count(pct), min(pct), max(pct) FROM a"
    distinct, filled, lo, hi = con.execute(q).fetchone()
    assert 80 <= distinct == filled <= 101  # (some of the first 101 drawn NULL)
    assert lo >= 0
    assert hi <= 100
    assert con.execute("SELECT max(length(code)) FROM a").fetchone()[0] == 2


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


@pytest.mark.parametrize("engine", ENGINES)
def test_keyword_names_numbered_within_a_parent(engine):
    """Keyword-named tables and columns (DuckDB's ``at``, ``values``, ``window``...) through the pass that
    numbers a key column within its parent (``order``'s key is (user, at)), which re-reads them by name."""
    m = Model()
    m.add_table_from("user", {"id": "integer pk", "at": "timestamp", "group": "varchar(20)",
                              "key": "varchar(30) unique"})
    m.add_table_from("order", {"user": "integer not null references user", "at": "integer not null",
                               "interval": "integer", "range": "varchar(10)", "window": "integer",
                               "offset": "integer"}, primary_key=("user", "at"))
    m.add_table_from("values", {"order": "integer pk", "window": "integer not null references user"})
    db = sample(m.schema, {"user": 20, "order": 60, "values": 30}, engine=engine)
    assert db.counts() == {"user": 20, "order": 60, "values": 30}
    assert len({r[:2] for r in table_rows(db, "order")}) == 60


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
    table = mod.table_ref("t")
    with pytest.raises(sqlite3.IntegrityError):
        mod._load_rows(filler, "SELECT i FROM (SELECT range AS i FROM range(100) UNION ALL SELECT 50) ORDER BY i",
                       table, ["id"])
    assert threading.active_count() == before
    mod._load_rows(filler, "SELECT range + 1000 FROM range(30)", table, ["id"])  # the connection still works
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


@pytest.mark.postgres
def test_postgres_fill_declares_and_validates_every_constraint(postgres_url):
    """`sample(url=...)` fills a PostgreSQL server: COPY into tables without keys, then the server adds every key
    and foreign key (checking all rows); identity sequences continue past the ids written; the rows are the
    ones the DuckDB sample gets for the same seed; an independent re-check finds nothing."""
    import psycopg

    m = Model()
    m.add_table("authors", id="integer pk identity", name="varchar(100) not null", code="char(2) unique",
                blob="bytes", stars="smallint check (stars BETWEEN 1 AND 5)")
    m.add_table("books", id="integer pk", author_id="integer not null references authors",
                parent_id="integer references books", tags="json", at="timestamptz")
    db = sample(m.schema, {"authors": 3000, "books": 5000}, url=postgres_url)
    assert db.counts() == {"authors": 3000, "books": 5000}
    assert all(h.declared and h.verified for h in db.constraints)
    assert {h.verified for h in db.constraints if h.kind == "foreign key"} == {
        "engine, when the constraint was added and validated after the fill"}
    assert _violations(db) == []
    con = db.connect()
    assert con.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated").fetchone()[0] == 2
    new_id = con.execute("INSERT INTO authors (name) VALUES ('new') RETURNING id").fetchone()[0]
    assert new_id > con.execute("SELECT max(id) FROM authors WHERE name <> 'new'").fetchone()[0]
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        con.execute("INSERT INTO books (id, author_id) VALUES (999999, -5)")
    local = sample(m.schema, {"authors": 3000, "books": 5000}, engine="duckdb")
    pg_rows = con.execute("SELECT id, name, code, stars FROM authors ORDER BY id").fetchall()
    dk_rows = local.connect().execute("SELECT id, name, code, stars FROM authors ORDER BY id").fetchall()
    assert pg_rows[:3000] == dk_rows


@pytest.mark.postgres
def test_postgres_fill_that_fails_leaves_the_database_unchanged(postgres_url, monkeypatch):
    """A broken generator on a server: the error names table, constraint and an example row, and the whole fill
    is rolled back (no table left); tables already there are refused by name, also unchanged."""
    import psycopg

    _broken(monkeypatch, "users", "email", "'same@example.com'")
    with pytest.raises(ConstraintViolation, match=r"^users: unique uq_users_email \(email\) does not hold.*e\.g\. \("):
        sample(ecommerce(), 500, url=postgres_url)
    con = psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True)
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    assert con.execute(tables).fetchone() == (0,)
    monkeypatch.undo()
    con.execute("CREATE TABLE orders (keep integer)")
    with pytest.raises(ModelError, match=r"postgresql refused to create table orders: .*already exists"):
        sample(ecommerce(), 500, url=postgres_url)
    assert con.execute(tables).fetchone() == (1,)


@pytest.mark.postgres
def test_postgres_copy_stops_cleanly_when_the_server_rejects_rows(postgres_url):
    """The CSV writer feeding COPY ends when the server refuses the rows (its pipe closes), and the server's
    error reaches the caller; the connection goes on after a rollback."""
    import threading

    import psycopg

    con = psycopg.connect(postgres_url.replace("+psycopg", ""))
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    con.commit()
    filler = _SAMPLE._Filler(ecommerce(), _SAMPLE.TARGETS["postgresql"], con, 0, None)
    before = threading.active_count()
    table = _SAMPLE.table_ref("t")
    with pytest.raises(psycopg.errors.UniqueViolation):  # a duplicate key far into 2M rows of CSV
        _SAMPLE._load_copy(filler, "SELECT i FROM (SELECT range AS i FROM range(2000000) UNION ALL SELECT 50)",
                           table, ["id"])
    assert threading.active_count() == before
    con.rollback()
    _SAMPLE._load_copy(filler, "SELECT range + 1000 FROM range(30)", table, ["id"])
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 30
    con.close()


def _schema(build):
    m = Model()
    build(m)
    return m.schema


# Schemas the sampler got wrong, found by sampling generated schemas (tests/strategies.py) at 2,000-5,000 rows
# per table; each is filled and then re-checked by the set-based verification (tests/test_workload_sample.py).
REGRESSIONS = {
    # a CHECK on a one-to-one foreign key filters rows: the key's parent mapping repeated parents
    "one_to_one_fk_with_a_check": lambda m: (
        m.add_table("g", es="bigint pk"),
        m.add_table("t", d="date", f="bigint references g"),
        m.add_index("t", "f", unique=True),
        m.add_check("t", "f >= 20"),
    ),
    # a composite unique of an enum and words: too few combinations until one column is drawn distinct
    "composite_unique_of_few_values": lambda m: (
        m.add_enum("mood", "a", "b", "c"),
        m.add_table("t", id="bigint pk", kind="enum(mood) not null", word="text not null"),
        m.add_unique("t", "kind", "word"),
    ),
    # a unique self-reference: each row a different parent (a chain), and a set holding the PK is distinct
    "unique_self_reference": lambda m: (
        m.add_table("t", id="uuid pk", parent_id="uuid unique references t", n="smallint"),
        m.add_unique("t", "n", "id", "parent_id"),
    ),
    # a unique REAL: distinct doubles that round to the same float32 collided once stored
    "unique_real": lambda m: m.add_table("t", id="integer pk", ms="real not null unique"),
    # a decimal(36,14) key: distinct values a double could not tell apart
    "wide_decimal_key": lambda m: (
        m.add_table("p", aoz="decimal(36,14) not null", ey2="boolean not null", primary_key=("aoz", "ey2")),
        m.add_check("p", "aoz >= -87"),
    ),
    # a NOT NULL generated column: the columns it reads must not be NULL; a CHECK on it is evaluated
    "generated_column": lambda m: (
        m.add_table("t", id="integer pk", a="integer", b="integer not null generated always as (a * 2)"),
        m.add_check("t", "b >= 0"),
    ),
    # a CHECK on a self-reference, whose value is chosen after the rows
    "check_on_a_self_reference": lambda m: (
        m.add_table("t", a="smallint pk", parent_a="smallint references t"),
        m.add_check("t", "parent_a >= 3"),
    ),
    # DuckDB's own keywords as column names (the DDL did not quote them)
    "duckdb_keyword_columns": lambda m: m.add_table("t", id="integer pk", at="timestamptz", by="integer"),
    # a numbered column in two unique sets (it was "widened", which a numbered column ignores)
    "numbered_column_in_two_sets": lambda m: (
        m.add_table("g", id="integer pk"),
        m.add_table("t", id="integer pk", g_id="integer not null references g", pos="bigint not null",
                    h="integer references g"),
        m.add_unique("t", "g_id", "pos"),
        m.add_unique("t", "pos", "h", "g_id"),
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(REGRESSIONS))
def test_schemas_the_sampler_got_wrong(case, engine):
    """Each is filled with the rows asked, every constraint verified (the fill raises otherwise) and
    re-checked here by independent queries."""
    schema = _schema(REGRESSIONS[case])
    rows = {t.name: 3000 for t in schema.tables}
    db = sample(schema, rows, engine=engine)
    assert db.counts() == rows
    assert _violations(db) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_year_columns_get_years_mysql_holds(engine):
    """MySQL's YEAR (Sakila's film.release_year) is sampled inside the 1901-2155 it holds: plain
    columns around today, a unique one up to its 255 values (NULL past them), a CHECK narrows it
    (it stopped at "no sample values for type year yet")."""
    m = Model()
    m.add_table("film", id="serial pk", release_year="year", made="year not null check (made >= 1950)",
                season="year unique")
    db = sample(m.schema, {"film": 1000}, engine=engine)
    assert _violations(db) == []
    con = db.connect()
    lo, hi, made_lo = con.execute("SELECT min(release_year), max(release_year), min(made) FROM film").fetchone()
    assert 1901 <= lo <= hi <= 2155
    assert made_lo >= 1950
    distinct, filled, lo, hi = con.execute(
        "SELECT count(DISTINCT season), count(season), min(season), max(season) FROM film").fetchone()
    assert distinct == filled <= 255
    assert 1901 <= lo <= hi <= 2155


_PG_KINDS = """
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE TABLE film (id integer PRIMARY KEY, release_year year NOT NULL, features text[], fulltext tsvector NOT NULL);
CREATE TABLE payment (id integer NOT NULL, paid timestamptz NOT NULL, PRIMARY KEY (id, paid)) PARTITION BY RANGE (paid);
CREATE TABLE payment_p1 (id integer NOT NULL, paid timestamptz NOT NULL);
ALTER TABLE ONLY payment ATTACH PARTITION payment_p1 FOR VALUES FROM ('2020-01-01') TO ('2030-01-01');
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_domains_arrays_tsvector_and_partitions_are_sampled(engine):
    """A domain's column is drawn as its base type inside the domain's CHECK (pagila's year:
    'no sample values for type domain(year)'), an array column gets one element a row (a list on
    DuckDB, JSON text on SQLite), a tsvector a word, and on an engine without partitioning the
    partitions are left out as the DDL leaves them (pagila: 'no such table: payment_p2022_07')."""
    import warnings

    from dbmodel_kit.io import loads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = loads(_PG_KINDS, "sql", dialect="postgresql")
    db = sample(schema, {"film": 300, "payment": 30, "payment_p1": 5}, engine=engine)
    assert db.counts() == {"film": 300, "payment": 30}
    assert not db.schema.has_table("payment_p1")
    lo, hi, nulls, feature, word = db.connect().execute(
        "SELECT min(release_year), max(release_year), count(*) - count(release_year), max(features), min(fulltext) "
        "FROM film").fetchone()
    assert 1901 <= lo <= hi <= 2155
    assert nulls == 0
    assert feature == ([feature[0]] if engine == "duckdb" else f'["{feature[2:-2]}"]')
    assert word.isalpha()


@pytest.mark.postgres
def test_arrays_reach_postgres_in_its_text_form(postgres_url):
    """An array column filled on PostgreSQL (COPY reads {"a"}): the element comes back as written."""
    import warnings

    from dbmodel_kit.io import loads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = loads(_PG_KINDS.split("CREATE TABLE payment ")[0], "sql", dialect="postgresql")
    db = sample(schema, {"film": 50}, url=postgres_url)
    con = db.connect()
    rows = con.execute("SELECT features, fulltext::text, release_year FROM film WHERE features IS NOT NULL").fetchall()
    assert rows
    assert all(len(f) == 1 and f[0].isalpha() and 1901 <= y <= 2155 for f, _, y in rows)


_MYSQL_SET = ("CREATE TABLE film (id INT NOT NULL PRIMARY KEY, "
              "features SET('Trailers','Commentaries','Deleted Scenes') DEFAULT NULL, "
              "flags SET('a','b','c') NOT NULL, UNIQUE KEY uk_flags (flags));")


@pytest.mark.parametrize("engine", ENGINES)
def test_set_columns_get_subsets_of_their_values(engine):
    """A SET column (MySQL) is sampled as subsets of its values: a list of them on DuckDB (an array
    of its enum there), comma-separated text on SQLite; a unique one takes distinct subsets, as many
    as there are (2**3 here). It was 'no sample values for type set(...)'."""
    from dbmodel_kit.io.sql_import import read_sql

    schema = read_sql(_MYSQL_SET, dialect="mysql").schema
    db = sample(schema, {"film": 8}, engine=engine)
    rows = db.connect().execute("SELECT features, flags FROM film").fetchall()
    allowed = {"Trailers", "Commentaries", "Deleted Scenes"}
    def members(value):
        return frozenset(value if engine == "duckdb" else [x for x in value.split(",") if x])

    as_sets = [(None if f is None else members(f), members(g)) for f, g in rows]
    assert all(f is None or f <= allowed for f, _ in as_sets)
    assert {g for _, g in as_sets} == {frozenset(s) for n in range(4) for s in itertools.combinations("abc", n)}


@pytest.mark.postgres
def test_set_columns_reach_postgres_as_enum_arrays(postgres_url):
    """On PostgreSQL a SET is an array of its enum: COPY reads the subsets in its text form."""
    from dbmodel_kit.io.sql_import import read_sql

    schema = read_sql(_MYSQL_SET, dialect="mysql").schema
    db = sample(schema, {"film": 8}, url=postgres_url)
    flags = [set(r[0]) for r in db.connect().execute("SELECT flags::text[] FROM film").fetchall()]
    assert len(flags) == 8
    assert all(f <= {"a", "b", "c"} for f in flags)


def test_rows_that_fit_cuts_a_count_to_what_a_key_type_holds():
    """A smallint unsigned key holds 65,536 rows: asked for 100k explicitly, sample refuses naming
    the key; rows_that_fit gives the count that fits (what the sample 100k stage asks for brands,
    ordering_mariadb, and categories, northwind_pg), and sample makes exactly that many."""
    from dbmodel_kit.workload.sample import rows_that_fit

    m = Model()
    m.add_table("brands", id="smallint unsigned pk", name="varchar(40)")
    m.add_table("tiny", id="integer pk check (id between 1 and 10)")
    m.add_table("free", id="integer pk")
    with pytest.raises(ModelError, match=r"unique \(id\) allows only 65536 distinct values"):
        sample(m.schema, {"brands": 100_000})
    fit = rows_that_fit(m.schema, {"brands": 100_000, "tiny": 50, "free": 70_000})
    assert fit == {"brands": 65_536, "tiny": 10, "free": 70_000}
    assert sample(m.schema, {"brands": 1000, "tiny": fit["tiny"], "free": 5}).counts()["tiny"] == 10


def test_regexp_check_holds_on_a_sqlite_sample(tmp_path):
    """A CHECK calling REGEXP_LIKE, which SQLite's DDL leaves out (SQLite has no REGEXP function), is
    drawn inside and verified on the SQLite sample, and a query using it runs there (sampling stopped
    with 'no such function: REGEXP' on generated schemas)."""
    m = Model()
    m.add_table("t", id="integer pk", tag="varchar(1000) not null check (REGEXP_LIKE(tag, '^[A-Za-z0-9 ]*$'))")
    db = sample(m.schema, 200, path=tmp_path / "s.sqlite", seed=3, progress=False)
    con = db.connect()
    bad = con.execute("SELECT count(*) FROM t WHERE NOT (tag REGEXP '^[A-Za-z0-9 ]*$')").fetchone()[0]
    assert (bad, db.counts()) == (0, {"t": 200})
    assert con.execute("SELECT NULL REGEXP 'a', 'xa' REGEXP '^a', 'ab' REGEXP 'b'").fetchone() == (None, 0, 1)


@pytest.mark.parametrize("engine", ["sqlite", "duckdb"])
def test_narrow_checked_column_in_a_composite_unique_stays_in_range(engine):
    """A unique (check, index_key) whose first column a CHECK holds to six values: the set is kept
    apart by the other column, not by counting the narrow one up past its bound (34 of 40 rows
    broke "check" BETWEEN 0 AND 5 on generated schemas)."""
    from dbmodel_kit.model.schema import Check, Column, Schema, Table, Unique

    t = Table("Region Code", (Column("id", "integer", nullable=False), Column("check", "integer", nullable=False),
                              Column("index_key", "integer", nullable=False)),
              primary_key=("id",), uniques=(Unique(("check", "index_key")),),
              checks=(Check('"check" BETWEEN 0 AND 5'),))
    db = sample(Schema((t,)), 40, engine=engine, seed=1, progress=False)
    lo, hi, n = db.connect().execute('SELECT min("check"), max("check"), count(*) FROM "Region Code"').fetchone()
    assert (lo >= 0, hi <= 5, n) == (True, True, 40)


_MYSQL_SPATIAL = ("CREATE TABLE place (id INT NOT NULL PRIMARY KEY, location POINT NOT NULL, area POLYGON, "
                  "route LINESTRING, anything GEOMETRY, ip INET6, ip4 INET4 NOT NULL, UNIQUE KEY uk_ip4 (ip4));")


@pytest.mark.parametrize("engine", ENGINES)
def test_geometry_and_addresses_are_sampled(engine):
    """Geometry columns get WKB of small shapes (a BLOB on SQLite and DuckDB: 'stored as WKB bytes'),
    address columns text addresses (a unique one distinct per row); they were 'no sample values
    for type geometry(point)' and '... inet' (ordering_mariadb sample+run, advise, sample 100k)."""
    from dbmodel_kit.io.sql_import import read_sql
    from dbmodel_kit.model.samples import geometry_wkb

    schema = read_sql(_MYSQL_SPATIAL, dialect="mysql").schema
    db = sample(schema, {"place": 300}, engine=engine)
    rows = db.connect().execute("SELECT location, area, ip4 FROM place").fetchall()
    points = {geometry_wkb("point", n) for n in range(1, 17)}
    assert all(bytes(loc) in points for loc, _, _ in rows)
    assert all(area is None or bytes(area)[:5] == b"\x01\x03\x00\x00\x00" for _, area, _ in rows)
    assert len({ip for _, _, ip in rows}) == 300


@pytest.mark.postgres
def test_geometry_and_addresses_reach_postgres_in_its_types(postgres_url):
    """On PostgreSQL a point is its point type, a polygon its polygon, an address inet: COPY reads
    each sample value in that type's text form."""
    from dbmodel_kit.io.sql_import import read_sql

    schema = read_sql(_MYSQL_SPATIAL, dialect="mysql").schema
    db = sample(schema, {"place": 40}, url=postgres_url)
    con = db.connect()
    x, y, ip = con.execute("SELECT location[0], location[1], host(ip4) FROM place ORDER BY id LIMIT 1").fetchone()
    assert x == y
    assert 1 <= x <= 16
    assert ip.startswith("10.")


@pytest.mark.parametrize("engine", ENGINES)
def test_text_checks_a_named_kind_never_meets_fall_back_to_words(engine):
    """Checks a column's name-guessed values never pass (postal codes of digits, no 'a' in them) are
    met by drawing that column as plain words instead ('could make only 0 of 40 rows' on generated
    schemas); a column the user gave a faker kind keeps it (and the shortfall is still reported)."""
    checks = ('LOWER("postalCode") = "postalCode" OR UPPER("postalCode") = "postalCode"',
              '"postalCode" LIKE \'%a%\' OR "postalCode" LIKE \'A%\'', 'NOT "postalCode" LIKE \'% %\'')
    m = Model()
    m.add_table("range", id="integer pk", postalCode="varchar(20) not null")
    for ck in checks:
        m.add_check("range", ck)
    db = sample(m.schema, 40, engine=engine, seed=1, progress=False)
    values = [r[0] for r in db.connect().execute('SELECT "postalCode" FROM "range"').fetchall()]
    assert len(values) == 40
    assert all("a" in v and " " not in v and v in (v.lower(), v.upper()) for v in values)
    from dataclasses import replace

    t = m.schema.table("range")
    hinted = m.schema.replace_table(replace(t, columns=tuple(
        replace(c, hints={"faker": "postcode"}) if c.name == "postalCode" else c for c in t.columns)))
    with pytest.raises(ModelError, match="could make only 0 of 40 rows"):
        sample(hinted, 40, engine=engine, seed=1, progress=False)
