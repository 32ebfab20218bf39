"""The advisor beyond a SQLite sample: PostgreSQL with HypoPG, and a DuckDB sample.

PostgreSQL: the e-commerce model sampled (DuckDB generator) and copied into a scratch database on
the local server, the example workload advised with ``advise_postgres`` (HypoPG + EXPLAIN costs),
with and without the measured before/after. DuckDB: an events table in hash order, advised with
``advise_duckdb`` (ART indexes DuckDB reads, load order by row groups). Figures: advise time (CPU
and wall), what-if calls / copies, planner cost and measured weighted time before/after, row
groups scanned before/after.

    .venv/bin/python bench/advisor_scale.py [--rows 1000000] [--events 2000000] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import duckdb
import psycopg
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _doc import write_section  # noqa: E402

from dbmodel_kit.advisor.duckdb import advise_duckdb  # noqa: E402
from dbmodel_kit.advisor.whatif_postgres import advise_postgres  # noqa: E402
from dbmodel_kit.ddl import statements  # noqa: E402
from dbmodel_kit.examples import ecommerce  # noqa: E402
from dbmodel_kit.model import Model  # noqa: E402
from dbmodel_kit.model.schema import dependency_order  # noqa: E402
from dbmodel_kit.workload import sample  # noqa: E402

ADMIN = os.environ.get("DBMODEL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
EVENTS_WORKLOAD = """\
-- name: by_session  weight: 100
SELECT id, kind, amount FROM events WHERE session_id = 4242;

-- name: week  weight: 20
SELECT count(*), sum(amount) FROM events WHERE created_at >= '2024-06-01' AND created_at < '2024-06-08';

-- name: kind_user  weight: 10
SELECT count(*) FROM events WHERE kind = 'click' AND user_id = 5;

-- name: fix_amount  weight: 2
UPDATE events SET amount = amount + 1 WHERE id = 77;
"""


def load_postgres(url: str, rows: int) -> dict[str, int]:
    """The e-commerce model and a sample of ``rows`` rows in the database at ``url``. The sampler writes
    DuckDB or SQLite only; psycopg's COPY is the quick way across to PostgreSQL."""
    schema = ecommerce()
    db = sample(schema, rows, engine="duckdb", seed=0, progress=False)
    src = db.connect()
    stmts = statements(schema, "postgresql")
    with psycopg.connect(url, autocommit=True) as con:
        for s in stmts:
            if s.sql and s.kind in ("type", "table"):
                con.execute(s.sql)
        for t in dependency_order(schema)[0]:
            cols = t.column_names
            q = exp.select(*[exp.column(c, quoted=True) for c in cols]).from_(exp.to_table(t.name))
            target = exp.Schema(
                this=exp.to_table(t.name), expressions=[exp.to_identifier(c, quoted=True) for c in cols]
            )
            with con.cursor().copy(f"COPY {target.sql('postgres')} FROM STDIN") as copy:  # no COPY tree in sqlglot
                for r in src.execute(q.sql("duckdb")).fetchall():
                    copy.write_row(r)
        for s in stmts:
            if s.sql and s.kind not in ("type", "table"):
                con.execute(s.sql)
        con.execute("VACUUM ANALYZE")
    return db.rows


def bench_postgres(rows: int) -> list[str]:
    admin = psycopg.connect(ADMIN, autocommit=True)
    name = f"dbmodel_bench_advpg_{uuid.uuid4().hex[:8]}"
    admin.execute(f"CREATE DATABASE {name}")  # generated name
    url = ADMIN.rsplit("/", 1)[0] + "/" + name
    out = []
    try:
        counts = load_postgres(url, rows)
        out.append(
            f"PostgreSQL 15 + HypoPG, e-commerce sample of {sum(counts.values()):,} rows "
            f"({', '.join(f'{t} {n:,}' for t, n in counts.items())}), examples/ecommerce_workload.sql:"
        )
        out.append("")
        out.append(
            "| run | advise CPU s | advise wall s | what-if EXPLAINs | indexes "
            "| planner cost/min before -> after | measured ms/min before -> after |"
        )
        out.append("|---|---|---|---|---|---|---|")
        for measure in (False, True):
            cpu, wall = time.process_time(), time.perf_counter()
            a = advise_postgres(
                ecommerce(), ROOT / "examples" / "ecommerce_workload.sql", url, repeat=5, measure=measure
            )
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            weights = {q.name: q.weight for q in a.queries}
            pc = a.stats["planner_cost"]
            before = sum(weights[n] * b for n, (b, _) in pc.items())
            after = sum(weights[n] * x for n, (_, x) in pc.items())
            ms = f"{a.weighted_ms('before'):,.0f} -> {a.weighted_ms('after'):,.0f}" if measure else "not measured"
            out.append(
                f"| {'measure=True' if measure else 'measure=False'} | {cpu:.2f} | {wall:.2f} | "
                f"{a.stats['whatif_calls']} | {len(a)} | {before:,.0f} -> {after:,.0f} | {ms} |"
            )
        out.append("")
        out.append("Chosen (measure=True): " + "; ".join(f"`{s.sql(a.schema, 'postgresql')}`" for s in a))
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
    return out


def bench_duckdb(n: int) -> list[str]:
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
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "events.duckdb")
        con = duckdb.connect(path)
        for s in statements(m.schema, "duckdb"):
            if s.sql:
                con.execute(s.sql)
        con.execute("INSERT INTO users SELECT range, 'u' || range FROM range(1000)")
        con.execute(f"""INSERT INTO events SELECT range, hash(range) % 1000, (hash(range * 7) % 500000)::INTEGER,
            ['view', 'click', 'buy', 'share'][1 + (hash(range * 3) % 4)::INTEGER], (hash(range * 5) % 10000) / 100.0,
            TIMESTAMP '2024-01-01' + to_seconds((hash(range * 11) % 31536000)::BIGINT) FROM range({n})""")
        con.close()
        cpu, wall = time.process_time(), time.perf_counter()
        a = advise_duckdb(m.schema, EVENTS_WORKLOAD, path, repeat=5)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    out = [
        f"DuckDB {duckdb.__version__}, events table of {n:,} rows in hash order, 4-query workload "
        "(bench/advisor_scale.py EVENTS_WORKLOAD):",
        "",
        f"advise: {cpu:.2f} s CPU, {wall:.2f} s wall, {a.stats['copies']} copies of the sample; "
        f"{len(a)} ART index(es): "
        + ", ".join(f"`{s.sql(a.schema, 'duckdb')}`" for s in a)
        + "; load order(s): "
        + ", ".join(f"`{c.describe()}`" for c in a.clustering),
        "",
        "| query | weight | before ms | after ms | row groups before -> after |",
        "|---|---|---|---|---|",
    ]
    rg = {q: (b, x) for c in a.clustering for q, b, x in c.row_groups}
    for q in a.queries:
        r = f"{rg[q.name][0]} -> {rg[q.name][1]}" if q.name in rg else ""
        out.append(f"| {q.name} | {q.weight:g} | {q.before_ms:.3f} | {q.after_ms:.3f} | {r} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    load = os.getloadavg()
    body = [
        "## Advisor: PostgreSQL (HypoPG) and DuckDB paths",
        "",
        f"`.venv/bin/python bench/advisor_scale.py --rows {args.rows} --events {args.events}`; "
        f"load average at start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on 2 shared cores "
        "(timings noisy; planner costs and row groups are not).",
        "",
    ]
    body += [*bench_postgres(args.rows), "", *bench_duckdb(args.events)]
    text = "\n".join(body) + "\n"
    print(text)
    if not args.no_write:
        write_section("advisor-scale", text)


if __name__ == "__main__":
    main()
