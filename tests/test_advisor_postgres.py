"""The advisor's scale path on a real PostgreSQL with HypoPG, and index emission per target dialect.

A scratch database on the local server holds the e-commerce model with a sample copied in; the
advice must pick indexes PostgreSQL's planner then really uses, and leave no hypothetical index
behind. Skips with the reason when the server or the HypoPG extension is not there.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import POSTGRES_URL
from sqlglot import exp

from dbmodel_kit.advisor import Advice, Suggestion
from dbmodel_kit.advisor.advice import for_dialect
from dbmodel_kit.cli import main
from dbmodel_kit.ddl import statements
from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import Model
from dbmodel_kit.model.schema import Index, dependency_order
from dbmodel_kit.workload import sample

psycopg = pytest.importorskip("psycopg")

ROOT = Path(__file__).parent.parent
SPEC = str(ROOT / "examples" / "ecommerce.yaml")
WORKLOAD = ROOT / "examples" / "ecommerce_workload.sql"
#: reads whose best index on PostgreSQL is partial (a soft-delete / flag filter) with INCLUDE columns
COVERING = """\
-- name: people_by_last_name  weight: 200
SELECT email, first_name FROM users WHERE last_name = 'Smith' AND deleted_at IS NULL;

-- name: active_by_first_name  weight: 50
SELECT id, phone FROM users WHERE is_active AND first_name = 'James';
"""


def _libpq(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def pg_url():
    """A scratch database with the e-commerce model and a 50,000-row sample, dropped afterwards."""
    admin_url = _libpq(POSTGRES_URL)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as e:
        pytest.skip(
            f"PostgreSQL server not reachable at {sa.make_url(admin_url).render_as_string()}: "
            f"{str(e).strip().splitlines()[0][:120]}"
        )
    if admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'").fetchone() is None:
        admin.close()
        pytest.skip("the HypoPG extension is not installed on the server (apt install postgresql-15-hypopg)")
    name = f"dbmodel_advpg_{uuid.uuid4().hex[:10]}"
    admin.execute(f"CREATE DATABASE {name}")  # generated name, no user input
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        _load(url)
        yield url
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def _load(url: str) -> None:
    """Create the model with its PostgreSQL DDL and COPY a DuckDB sample into it."""
    schema = ecommerce()
    db = sample(schema, 50_000, engine="duckdb", seed=0)
    src = db.connect()
    stmts = statements(schema, "postgresql")
    with psycopg.connect(url, autocommit=True) as con:
        for s in stmts:
            if s.sql and s.kind in ("type", "table"):
                con.execute(s.sql)
        tables, deferred = dependency_order(schema)
        assert not deferred
        for t in tables:
            cols = t.column_names
            rows = src.execute(
                exp.select(*[exp.column(c, quoted=True) for c in cols]).from_(exp.to_table(t.name)).sql("duckdb")
            ).fetchall()
            target = exp.Schema(
                this=exp.to_table(t.name), expressions=[exp.to_identifier(c, quoted=True) for c in cols]
            )
            with con.cursor().copy(f"COPY {target.sql('postgres')} FROM STDIN") as copy:  # no COPY tree in sqlglot
                for r in rows:
                    copy.write_row(r)
        for s in stmts:
            if s.sql and s.kind not in ("type", "table"):
                con.execute(s.sql)
        con.execute("VACUUM ANALYZE")  # statistics and the visibility map (index-only scans)


@pytest.fixture(scope="module")
def advice(pg_url):
    from dbmodel_kit.advisor.whatif_postgres import advise_postgres

    return advise_postgres(ecommerce(), WORKLOAD, pg_url, repeat=2)


@pytest.fixture(scope="module")
def covering(pg_url, tmp_path_factory):
    from dbmodel_kit.advisor.whatif_postgres import advise_postgres

    path = tmp_path_factory.mktemp("advpg") / "covering.sql"
    path.write_text(COVERING)
    return advise_postgres(ecommerce(), path, pg_url, measure=False)


def _indexes(url: str) -> set[str]:
    with psycopg.connect(url) as con:
        return {r[0] for r in con.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}


def _explain_indexes(con, sql: str) -> set[str]:
    from dbmodel_kit.advisor.whatif_postgres import plan_index_names

    return plan_index_names(con.execute("EXPLAIN (FORMAT JSON) " + sql).fetchone()[0][0]["Plan"])


@pytest.mark.postgres
def test_advice_is_built_on_planner_costs(advice):
    """Suggestions come with the queries they help; their planner cost falls with the hypothetical indexes."""
    assert len(advice) >= 2
    cost = advice.stats["planner_cost"]
    for s in advice:
        assert s.helped, s.index.name
        for q in s.helped:
            assert cost[q][1] < cost[q][0], q
    assert advice.stats["engine"] == "postgresql+hypopg"
    assert advice.stats["units"] == "ms"
    names = {s.index.columns for s in advice}
    assert ("status", "created_at") in names  # recent_orders: WHERE status = ? ORDER BY created_at DESC LIMIT 20


@pytest.mark.postgres
def test_planner_uses_the_indexes_once_built(advice, pg_url):
    """Creating the suggested indexes for real (the emitted SQL), PostgreSQL's EXPLAIN of every helped
    query reads the index suggested for it; without them it does not."""
    from dbmodel_kit.advisor.whatif_postgres import bound_sql
    from dbmodel_kit.workload import Workload

    w = Workload.from_sql(WORKLOAD.read_text())
    schema = ecommerce()
    with psycopg.connect(pg_url, autocommit=True) as con:
        for s in advice:
            for q in s.helped:
                assert s.index.name not in _explain_indexes(con, bound_sql(w[q]))
        try:
            for s in advice:
                con.execute(s.sql(schema, "postgresql"))
            con.execute("ANALYZE")
            for s in advice:
                for q in s.helped:
                    assert s.index.name in _explain_indexes(con, bound_sql(w[q])), (s.index.name, q)
        finally:
            for s in advice:
                con.execute(f'DROP INDEX IF EXISTS "{s.index.name}"')


@pytest.mark.postgres
def test_measured_evidence(advice):
    """Timed before and after a real build rolled back: the weighted time falls, and the real plans
    after name the suggested indexes."""
    assert advice.weighted_ms("after") < 0.6 * advice.weighted_ms("before")
    by_name = {q.name: q for q in advice.queries}
    for s in advice:
        assert any(s.index.name in by_name[q].plan_after for q in s.helped)
        assert all(s.index.name not in by_name[q].plan_before for q in s.helped)
    assert "Sort" in by_name["recent_orders"].plan_before
    assert "Sort" not in by_name["recent_orders"].plan_after


@pytest.mark.postgres
def test_server_left_as_it_was(advice, pg_url):
    """Neither the measured build (rolled back) nor HypoPG leaves an index on the server."""
    have = _indexes(pg_url)
    assert not any(s.index.name in have for s in advice)
    assert not any(n.startswith("<") for n in have)


@pytest.mark.postgres
def test_hypopg_reset_after_each_plan(pg_url):
    """HypoWhatIf creates hypothetical indexes only for one EXPLAIN and resets them after, even when
    the statement cannot be planned."""
    from dbmodel_kit.advisor.candidates import Candidate
    from dbmodel_kit.advisor.whatif_postgres import HypoWhatIf, plan_index_names
    from dbmodel_kit.workload import Query

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
        whatif = HypoWhatIf(con)
        q = Query("by_phone", "SELECT id FROM users WHERE phone = '555-0100'")
        plan, names = whatif.plan(q, q.sql, ["users"], [Candidate("users", ("phone",), include=("id",))])
        assert set(names.values()) == {Candidate("users", ("phone",), include=("id",))}
        assert plan_index_names(plan) == set(names)
        assert plan["Node Type"] == "Index Only Scan"
        assert con.execute("SELECT count(*) FROM hypopg_list_indexes").fetchone()[0] == 0
        bad = Query("bad", "SELECT nope FROM users")
        with pytest.raises(ModelError, match="query bad: PostgreSQL cannot plan it"):
            whatif.plan(bad, bad.sql, ["users"], [Candidate("users", ("phone",))])
        assert con.execute("SELECT count(*) FROM hypopg_list_indexes").fetchone()[0] == 0


@pytest.mark.postgres
def test_include_and_partial_candidates(covering):
    """A soft-delete or flag filter and a narrow read give partial indexes with INCLUDE columns
    (index-only scans of only the live rows); unmeasured, the evidence is the hypothetical plan."""
    got = {(s.index.columns, s.index.include, s.index.where) for s in covering}
    assert got == {
        (("last_name",), ("email", "first_name"), "deleted_at IS NULL"),
        (("first_name",), ("id", "phone"), "is_active"),
    }
    for q in covering.queries:
        assert q.before_ms is None
        assert q.after_ms is None
        assert "Seq Scan" in q.plan_before
        assert "Index Only Scan using ix_users_" in q.plan_after
    assert covering.stats["units"] == "planner cost"


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
@pytest.mark.postgres
def test_emitted_sql_per_dialect(covering, dialect, golden):
    """Each dialect's CREATE INDEX: PostgreSQL keeps INCLUDE and WHERE; SQLite keeps WHERE and widens
    INCLUDE into the key; MySQL folds the WHERE's columns and the INCLUDE columns into the key; DuckDB
    leaves the resulting composite indexes out with the reason."""
    from dataclasses import replace

    golden(f"advisor/pg_covering_{dialect}.txt", replace(covering, dialect=dialect).to_text(timings=False))


HAND = [
    Suggestion(
        "users",
        Index(("last_name",), name="ix_users_last_name", where="deleted_at IS NULL", include=("email", "first_name")),
        ("q",),
        0,
        0.0,
    ),
    Suggestion(
        "products",
        Index(("category_id",), name="ix_products_category_id_live", where="is_active AND NOT deleted_at IS NULL"),
        ("q",),
        0,
        0.0,
    ),
    Suggestion("orders", Index(("created_at",), name="ix_orders_created_at_big", where="total > 100"), ("q",), 0, 0.0),
    Suggestion("orders", Index(("placed_at",), name="ix_orders_placed_at"), ("q",), 0, 0.0),
]


def _hand(dialect: str) -> Advice:
    return Advice(ecommerce(), list(HAND), [], [], dialect)


def test_for_dialect_widens_or_drops_with_reason():
    """MySQL: INCLUDE and foldable WHERE columns join the key; a range WHERE is left out with the reason."""
    a, b, c, _ = (for_dialect(s.index, "mysql") for s in HAND)
    assert a[0].columns == ("last_name", "deleted_at", "email", "first_name")
    assert not a[0].where
    assert "no partial indexes" in a[1]
    assert "no INCLUDE" in a[1]
    assert b[0].columns == ("category_id", "is_active", "deleted_at")
    assert c[0] is None
    assert "not a conjunction of plain column tests" in c[1]
    unique = Index(("sku",), name="ux", unique=True, where="deleted_at IS NULL")
    assert for_dialect(unique, "mysql")[0] is None
    assert "uniqueness" in for_dialect(unique, "mysql")[1]
    assert for_dialect(HAND[0].index, "sqlite")[0].where == "deleted_at IS NULL"
    assert for_dialect(HAND[0].index, "sqlite")[0].include == ()
    assert all(for_dialect(s.index, "postgresql") == (s.index, None) for s in HAND)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "duckdb"])
def test_hand_made_emission_golden(dialect, golden):
    """Golden JSON of the hand-made suggestions per dialect (sql and notes)."""
    golden(
        f"advisor/emit_{dialect}.json", json.dumps(_hand(dialect).to_dict(timings=False)["indexes"], indent=2) + "\n"
    )


def test_accept_applies_the_dialects_index():
    """accept() on MySQL advice applies the widened index and skips the one MySQL cannot hold."""
    m = Model(ecommerce())
    applied = _hand("mysql").accept(m)
    assert [op.index.name for op in applied] == [
        "ix_users_last_name",
        "ix_products_category_id_live",
        "ix_orders_placed_at",
    ]
    ix = next(i for i in m.schema.table("users").indexes if i.name == "ix_users_last_name")
    assert ix.columns == ("last_name", "deleted_at", "email", "first_name")
    assert _hand("postgresql").accept(Model(ecommerce()))[0].index == HAND[0].index


def _create_all(con_exec, dialect: str) -> list[str]:
    schema = ecommerce()
    for s in statements(schema, dialect):
        if s.sql:
            con_exec(s.sql)
    sqls = [s.sql(schema, dialect) for s in HAND]
    for sql in sqls:
        if sql:
            con_exec(sql)
    return sqls


@pytest.mark.postgres
def test_emitted_indexes_run_on_postgresql(pg_url):
    """The PostgreSQL CREATE INDEX statements (INCLUDE, partial) run on the server."""
    schema_name = f"emit_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema_name}")
        con.execute(f"SET search_path = {schema_name}")
        try:
            sqls = _create_all(con.execute, "postgresql")
            assert all(sqls)
            have = {r[0] for r in con.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s", (schema_name,))}
            assert any("INCLUDE (email, first_name) WHERE (deleted_at IS NULL)" in d for d in have)
        finally:
            con.execute(f"DROP SCHEMA {schema_name} CASCADE")


@pytest.mark.mysql
def test_emitted_indexes_run_on_mysql(mysql_url):
    """MariaDB creates the widened indexes; the one it cannot hold is not emitted."""
    engine = sa.create_engine(mysql_url)
    try:
        with engine.begin() as conn:
            sqls = _create_all(lambda s: conn.execute(sa.text(s)), "mysql")
            assert sqls[2] == ""
            cols = [r[4] for r in conn.execute(sa.text("SHOW INDEX FROM users WHERE Key_name = 'ix_users_last_name'"))]
        assert cols == ["last_name", "deleted_at", "email", "first_name"]
    finally:
        engine.dispose()


def test_emitted_indexes_run_on_sqlite_and_duckdb(tmp_path):
    """SQLite keeps the partial WHERE (INCLUDE widened into the key); DuckDB gets only the single-column index."""
    import duckdb

    con = sqlite3.connect(tmp_path / "x.sqlite")
    sqls = _create_all(con.execute, "sqlite")
    assert all(sqls)
    ddl = con.execute("SELECT sql FROM sqlite_schema WHERE name = 'ix_users_last_name'").fetchone()[0]
    assert "WHERE deleted_at IS NULL" in ddl
    assert "first_name" in ddl
    con.close()
    d = duckdb.connect(str(tmp_path / "x.duckdb"))
    sqls = _create_all(d.execute, "duckdb")
    assert sqls[:3] == ["", "", ""]  # composite after folding: DuckDB would never scan with them
    names = [r[0] for r in d.execute("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'orders'").fetchall()]
    assert "ix_orders_placed_at" in names
    d.close()


@pytest.mark.postgres
def test_cli_advise_on_postgres_url(pg_url, capsys):
    """`dbmodel advise SPEC --workload W.sql --db postgresql://...` gives the JSON shape of the SQLite path."""
    code = main(["advise", SPEC, "--workload", str(WORKLOAD), "--db", pg_url, "--no-measure", "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert {"table", "columns", "unique", "where", "sql"} <= set(out["indexes"][0])
    assert ["status", "created_at"] in [i["columns"] for i in out["indexes"]]
    assert {q["name"] for q in out["queries"]} >= {"recent_orders", "order_lines"}


@pytest.mark.postgres
def test_errors_name_the_place(pg_url):
    """A model table the server lacks, and an unreachable server, are clear errors."""
    from dbmodel_kit.advisor.whatif_postgres import advise_postgres

    m = Model(ecommerce())
    m.add_table("ghosts", id="integer pk", name="text")
    with pytest.raises(ModelError, match="table ghosts of the model is not on the server"):
        advise_postgres(m.schema, "-- name: g  weight: 1\nSELECT name FROM ghosts WHERE id = 1;", pg_url)
    with pytest.raises(ModelError, match="cannot connect to PostgreSQL"):
        advise_postgres(ecommerce(), WORKLOAD, "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


@pytest.mark.postgres
def test_advise_dispatches_postgres_urls(pg_url):
    """advise() given a PostgreSQL URL runs the HypoPG path."""
    from dbmodel_kit.advisor import advise

    a = advise(ecommerce(), COVERING, pg_url, repeat=1)
    assert a.stats["engine"] == "postgresql+hypopg"
    assert {s.index.where for s in a} == {"deleted_at IS NULL", "is_active"}


@pytest.mark.postgres
def test_timeout_cancels_a_slow_statement(pg_url):
    """With timeout=, a statement still running is cancelled: no timing, its error in stats["errors"]."""
    from dbmodel_kit.advisor.whatif_postgres import advise_postgres

    w = (
        "-- name: slow  weight: 1\nSELECT pg_sleep(2), id FROM users WHERE last_name = 'Smith' LIMIT 1;\n\n"
        "-- name: fast  weight: 1\nSELECT id FROM users WHERE last_name = 'Smith';\n"
    )
    a = advise_postgres(ecommerce(), w, pg_url, repeat=1, timeout=0.2)
    by_name = {q.name: q for q in a.queries}
    assert by_name["slow"].before_ms is None
    assert by_name["fast"].before_ms is not None
    assert "statement timeout" in a.stats["errors"]["slow"]


@pytest.mark.postgres
def test_budget_limits_the_choice(pg_url):
    """A budget of one index keeps the one with the largest gain per byte; the others say why."""
    from dbmodel_kit.advisor.whatif_postgres import advise_postgres

    a = advise_postgres(ecommerce(), WORKLOAD, pg_url, budget=1, measure=False)
    assert len(a) == 1
    assert any(r.reason == "over the budget" for r in a.rejected)
    tiny = advise_postgres(ecommerce(), WORKLOAD, pg_url, budget="8KiB", measure=False)
    assert len(tiny) == 0


@pytest.mark.postgres
def test_unbuildable_candidate_is_rejected(pg_url):
    """HypoPG would plan with an index on a plain json column; the server cannot build one, so the
    candidate is rejected with PostgreSQL's own reason and never suggested."""
    from dbmodel_kit.advisor.whatif_postgres import advise_postgres

    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("CREATE TABLE docs (id integer PRIMARY KEY, n integer NOT NULL, body json)")
        con.execute("INSERT INTO docs SELECT g, g % 1000, json_build_object('g', g) FROM generate_series(1, 20000) g")
        con.execute("ANALYZE docs")
    try:
        m = Model()
        m.add_table("docs", id="integer pk", n="integer not null", body="json")
        a = advise_postgres(
            m.schema, "-- name: d  weight: 10\nSELECT body FROM docs WHERE n = 5;\n", pg_url, measure=False
        )
        reasons = {str(r.candidate): r.reason for r in a.rejected}
        assert "no default operator class" in reasons["docs(n, body)"]
        assert all("body" not in s.index.columns for s in a)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as con:
            con.execute("DROP TABLE docs")
