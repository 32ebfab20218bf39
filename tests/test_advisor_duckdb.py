"""The advisor on a DuckDB sample: ART indexes only where DuckDB reads them, load orders whose
zonemaps skip row groups, both verified with EXPLAIN ANALYZE on copies of the sample."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dbmodel_kit.advisor.candidates import Candidate
from dbmodel_kit.advisor.duckdb import Clustering, DuckDBAdvice, advise_duckdb, probe
from dbmodel_kit.cli import main
from dbmodel_kit.ddl import statements
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io.yaml_format import write_yaml
from dbmodel_kit.model import Model
from dbmodel_kit.workload import Workload

ROWS = 600_000  #: five row groups of 122,880 rows: enough for zonemaps to skip
WORKLOAD = """\
-- name: by_session  weight: 100
SELECT id, kind, amount FROM events WHERE session_id = 4242;

-- name: week  weight: 20
SELECT count(*), sum(amount) FROM events WHERE created_at >= '2024-06-01' AND created_at < '2024-06-08';

-- name: kind_user  weight: 10
SELECT count(*) FROM events WHERE kind = 'click' AND user_id = 5;

-- name: sessions_in  weight: 5
SELECT count(*) FROM events WHERE session_id IN (1, 2, 3);

-- name: fix_amount  weight: 2
UPDATE events SET amount = amount + 1 WHERE id = 77;
"""


def _model() -> Model:
    m = Model()
    m.add_table("users", id="integer pk", name="text not null")
    m.add_table(
        "events",
        id="bigint pk",
        user_id="integer not null references users(id)",
        session_id="integer not null",
        kind="varchar(20) not null",
        amount="decimal(10,2) not null",
        created_at="timestamp not null",
    )
    return m


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> tuple[Model, Path]:
    """The model's DuckDB DDL and 600,000 events in hash order (neither time nor session sorted)."""
    m = _model()
    path = tmp_path_factory.mktemp("advduck") / "events.duckdb"
    con = duckdb.connect(str(path))
    for s in statements(m.schema, "duckdb"):
        if s.sql:
            con.execute(s.sql)
    con.execute("INSERT INTO users SELECT range, 'u' || range FROM range(1000)")
    con.execute(f"""INSERT INTO events SELECT range, hash(range) % 1000, (hash(range * 7) % 500000)::INTEGER,
        ['view', 'click', 'buy', 'share'][1 + (hash(range * 3) % 4)::INTEGER], (hash(range * 5) % 10000) / 100.0,
        TIMESTAMP '2024-01-01' + to_seconds((hash(range * 11) % 31536000)::BIGINT) FROM range({ROWS})""")
    con.close()
    return m, path


@pytest.fixture(scope="module")
def advice(events) -> DuckDBAdvice:
    m, path = events
    return advise_duckdb(m.schema, WORKLOAD, str(path), repeat=3)


def test_duckdb_uses_art_only_in_these_shapes(tmp_path):
    """What the advisor's rules rest on, checked on the installed DuckDB: an ART index is read for a
    lone selective = or one-sided range, not for IN, BETWEEN, a second filter or many matching rows."""
    path = str(tmp_path / "t.duckdb")
    con = duckdb.connect(path)
    con.execute(
        "CREATE TABLE t AS SELECT range AS id, (range * 7919) % 1000000 AS a, range % 100 AS b FROM range(300000)"
    )
    con.execute("CREATE INDEX ix_a ON t (a)")
    con.execute("CREATE INDEX ix_b ON t (b)")
    con.close()
    shapes = {
        "eq": "a = 5",
        "gt": "a > 999000",
        "lt": "a < 300",
        "in": "a IN (5, 6, 7)",
        "between": "a BETWEEN 5 AND 20",
        "two_filters": "a = 5 AND b = 3",
        "unselective_eq": "b = 5",
        "unselective_gt": "a > 10",
    }
    w = Workload.from_sql("\n".join(f"-- name: {k}\nSELECT * FROM t WHERE {v};" for k, v in shapes.items()))
    scans = probe(path, w)
    used = {k for k, s in scans.items() if s[0].index}
    assert used == {"eq", "gt", "lt"}


def test_art_index_where_duckdb_reads_it(advice):
    """Only session_id gets an ART index: by_session's lone = reads it; the IN list does not."""
    assert [(s.table, s.index.columns, s.helped) for s in advice] == [("events", ("session_id",), ("by_session",))]
    q = {e.name: e for e in advice.queries}
    assert "Sequential Scan" in q["by_session"].plan_before
    assert "Index Scan" in q["by_session"].plan_after
    assert "Index Scan" not in q["sessions_in"].plan_after
    assert q["by_session"].after_ms < q["by_session"].before_ms


def test_rejections_say_why(advice):
    """Two filters on one table, and a two-sided range, are rejected with DuckDB's reason."""
    reasons = {r.candidate: r.reason for r in advice.rejected}
    assert "only filter" in reasons[Candidate("events", ("kind",))]
    assert "only filter" in reasons[Candidate("events", ("user_id",))]
    assert reasons[Candidate("events", ("created_at",))].startswith("no plan reads it")
    assert reasons[Candidate("events", ("id",))] == "already served by primary key on events"


def test_clustering_skips_row_groups(advice):
    """Loading events ORDER BY created_at lets the week's range skip four of five row groups."""
    assert advice.clustering == [Clustering("events", ("created_at",), ("week",), (("week", "5/5", "1/5"),))]
    q = {e.name: e for e in advice.queries}
    assert "Row Groups Scanned: 5 / 5" in q["week"].plan_before
    assert "Row Groups Scanned: 1 / 5" in q["week"].plan_after


def test_clustering_sql_reproduces_the_skip(events, tmp_path):
    """The suggested load statement, run on a fresh table, gives the row groups the advice reports."""
    m, path = events
    c = Clustering("events", ("created_at",), ("week",), ())
    assert c.sql() == 'INSERT INTO events SELECT * FROM events_staging ORDER BY "created_at";'
    dst = str(tmp_path / "sorted.duckdb")
    con = duckdb.connect(dst)
    for s in statements(m.schema, "duckdb"):
        if s.sql:
            con.execute(s.sql)
    con.execute(f"ATTACH '{path}' AS src (READ_ONLY)")
    con.execute("INSERT INTO users SELECT * FROM src.users")
    con.execute("CREATE TEMP TABLE events_staging AS SELECT * FROM src.events")
    con.execute(c.sql())
    con.execute("DETACH src")
    con.close()
    week = Workload.from_sql(WORKLOAD)["week"]
    scans = probe(dst, Workload((week,)))["week"]
    assert [(s.row_groups, s.total_row_groups) for s in scans] == [(1, 5)]


def test_text_golden_and_html(advice, golden):
    """Timing-free text (indexes, rejections, load orders) is golden; the HTML explains the load order."""
    golden("advisor/duckdb_events.txt", advice.to_text(timings=False))
    h = advice._repr_html_()
    assert "Load order" in h
    assert "row groups" in h
    assert "load events ORDER BY created_at" in h


def test_json_shape(advice):
    """The JSON of the SQLite path plus a clustering list."""
    out = json.loads(advice.to_json())
    assert out["indexes"][0]["sql"] == "CREATE INDEX ix_events_session_id ON events (session_id);"
    assert out["clustering"][0]["order_by"] == ["created_at"]
    assert out["clustering"][0]["row_groups"] == [{"query": "week", "before": "5/5", "after": "1/5"}]
    assert {q["name"] for q in out["queries"]} == {"by_session", "week", "kind_user", "sessions_in", "fix_amount"}


def test_sample_left_alone(events, advice):
    """Advice runs on copies: the sample keeps its indexes and its row order."""
    _, path = events
    con = duckdb.connect(str(path), read_only=True)
    names = {r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    first = con.execute("SELECT id FROM events LIMIT 3").fetchall()
    con.close()
    assert "ix_events_session_id" not in names
    assert first == [(0,), (1,), (2,)]


def test_accept_adds_the_art_index(advice):
    m = _model()
    applied = advice.accept(m)
    assert [op.index.name for op in applied] == ["ix_events_session_id"]
    assert any(ix.columns == ("session_id",) for ix in m.schema.table("events").indexes)


def test_cli_duckdb_sample(events, tmp_path, capsys):
    """`dbmodel advise SPEC --workload W.sql --db sample.duckdb --format json`."""
    m, path = events
    spec = tmp_path / "events.yaml"
    spec.write_text(write_yaml(m.schema))
    wl = tmp_path / "w.sql"
    wl.write_text(WORKLOAD)
    assert (
        main(["advise", str(spec), "--workload", str(wl), "--db", str(path), "--repeat", "1", "--format", "json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [i["columns"] for i in out["indexes"]] == [["session_id"]]
    assert [c["order_by"] for c in out["clustering"]] == [["created_at"]]


def test_errors(tmp_path):
    """A SQLite file or a missing file is a clear error."""
    m = _model()
    with pytest.raises(ModelError, match="no such database file"):
        advise_duckdb(m.schema, WORKLOAD, str(tmp_path / "none.duckdb"))
    (tmp_path / "x.sqlite").write_bytes(b"")
    with pytest.raises(ModelError, match="needs a DuckDB file"):
        advise_duckdb(m.schema, WORKLOAD, str(tmp_path / "x.sqlite"))


def test_advise_dispatches_duckdb_samples():
    """advise() given a DuckDB sample (here in memory) runs the DuckDB advisor on it."""
    from dbmodel_kit.advisor import advise
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.workload import sample

    db = sample(ecommerce(), 3000, engine="duckdb", seed=0)
    phone = db.connect().execute("SELECT max(phone) FROM users").fetchone()[0]  # a value the stats do not exclude
    w = f"-- name: by_phone  weight: 10\nSELECT id FROM users WHERE phone = '{phone}';\n"
    a = advise(ecommerce(), w, db, repeat=1)
    assert isinstance(a, DuckDBAdvice)
    assert a.stats["duckdb"] == duckdb.__version__
    assert Candidate("users", ("phone",)) in {s.index.columns and Candidate(s.table, s.index.columns) for s in a} | {
        r.candidate for r in a.rejected
    }  # measured either way on this small sample; timing decides
    assert a.clustering == []  # one row group: nothing to skip


def test_art_index_for_a_small_build_side_join(events):
    """A join whose build side is one user pushes its key into the events scan, which then reads an
    ART index on the join column (DuckDB's dynamic join filter); a foreign key column has one already."""
    m, path = events
    w = (
        "-- name: user_sessions  weight: 50\n"  # session_id is not a foreign key: no index until advised
        "SELECT e.amount FROM users u JOIN events e ON e.session_id = u.id WHERE u.name = 'u5';\n\n"
        "-- name: user_events  weight: 1\n"
        "SELECT e.amount FROM users u JOIN events e ON e.user_id = u.id WHERE u.name = 'u5';\n"
    )
    a = advise_duckdb(m.schema, w, str(path), repeat=2)
    assert [(s.index.columns, s.helped) for s in a] == [(("session_id",), ("user_sessions",))]
    reasons = {str(r.candidate): r.reason for r in a.rejected}
    assert reasons["events(user_id)"].startswith("already served by the ART index DuckDB keeps for foreign key")
    assert "spares less than 1% of the rows" in reasons["users(name)"]  # 1,000 users: one row group
    q = a.queries[0]
    assert "Index Scan" not in q.plan_before
    assert "Index Scan" in q.plan_after


def test_budget_zero_keeps_no_art_index(events):
    """budget=0: the ART index that would help is rejected as over the budget; with by_session (weight
    100) left scanning, the load order follows session_id instead of created_at."""
    m, path = events
    a = advise_duckdb(m.schema, WORKLOAD, str(path), budget=0, repeat=1)
    assert len(a) == 0
    assert {str(r.candidate): r.reason for r in a.rejected}["events(session_id)"] == "over the budget"
    assert [c.columns for c in a.clustering] == [("session_id",)]


def test_not_null_self_reference_sample_is_copied(tmp_path):
    """A table whose self-reference is NOT NULL (each root its own parent in the sample) is copied
    whole: DuckDB cannot insert a row under a foreign key to itself that is not yet there, so the
    copies declare an index on the key's columns in its place (advise stopped with 'a_0: 40 rows
    reference a parent row that is not in the sample' on generated schemas)."""
    from dbmodel_kit.advisor.duckdb import holdable
    from dbmodel_kit.workload import sample

    m = Model()
    m.add_table("node", id="integer pk", parent_id="integer not null references node(id)", label="text")
    db = sample(m.schema, 40, path=tmp_path / "s.duckdb", seed=1, progress=False)
    assert db.counts() == {"node": 40}
    w = "-- name: kids  weight: 1\nSELECT id FROM node WHERE parent_id = 3;\n"
    advise_duckdb(m.schema, w, db, repeat=1)  # raised ModelError before
    t = holdable(m.schema).table("node")
    assert (t.foreign_keys, [ix.columns for ix in t.indexes]) == ((), [("parent_id",)])
