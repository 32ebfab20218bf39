"""Index advisor benchmark: an OLTP-style weighted mix with writes on the e-commerce model.

Side by side on one SQLite sample: the model's own indexes only ("none added"), the sqlite3
CLI's ``.expert`` (default and ``-sample 100``), an "index every FK and WHERE column" baseline,
and ``dbmodel_kit.advisor.advise`` at budgets of 5, 10, 25 and 50% of the base database size.
Each configuration is built on a fresh copy, ``ANALYZE``d, then the workload runs with
``dbmodel_kit.workload.run`` (median of 5 per query, rolled-back writes); reported: total
weighted time (sum of weight x median ms, writes included), index count, index bytes (``dbstat``),
advise time. Results go to docs/benchmarks.md between ``<!-- bench:advisor -->`` markers.

    .venv/bin/python bench/advisor.py [--rows 200000]

The TPC-H part of the issue (duckdb==1.5.5 + duckdb-extension-tpch in a bench venv) is not
built yet; this script needs only the project's own environment and the ``sqlite3`` CLI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _doc import write_section
from sqlglot import exp

from dbmodel_kit.advisor import advise
from dbmodel_kit.advisor.analysis import analyze
from dbmodel_kit.advisor.candidates import Candidate, served_by
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.workload import Workload, run, sample

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def oltp_workload(db: str) -> Workload:
    """Weighted reads and writes (writes ~20% of weight) with parameters drawn from the sample."""
    con = sqlite3.connect(db)

    def col(sql: str) -> list:
        return [r[0] for r in con.execute(sql).fetchall()]

    users = col("SELECT id FROM users ORDER BY id LIMIT 5")
    names = con.execute("SELECT last_name, first_name FROM users ORDER BY id LIMIT 5").fetchall()
    orders = col("SELECT id FROM orders ORDER BY id LIMIT 5")
    numbers = col("SELECT order_number FROM orders ORDER BY id LIMIT 5")
    products = col("SELECT id FROM products ORDER BY id LIMIT 5")
    cats = col("SELECT category_id FROM products GROUP BY category_id ORDER BY count(*) DESC LIMIT 5")
    con.close()
    w = Workload()
    reads = [
        ("user_orders", 200, "SELECT id, total, created_at FROM orders WHERE user_id = :u ORDER BY created_at DESC "
         "LIMIT 10", [{"u": u} for u in users]),
        ("order_detail", 200, "SELECT oi.quantity, oi.unit_price, p.name FROM order_items oi JOIN products p "
         "ON p.id = oi.product_id WHERE oi.order_id = :o", [{"o": o} for o in orders]),
        ("recent_by_status", 100, "SELECT id, order_number, total FROM orders WHERE status = :s "
         "ORDER BY created_at DESC LIMIT 20", [{"s": s} for s in ("paid", "shipped", "pending")]),
        ("customer_lookup", 60, "SELECT id, email FROM users WHERE last_name = :l AND first_name = :f",
         [{"l": a, "f": b} for a, b in names]),
        ("order_by_number", 80, "SELECT * FROM orders WHERE order_number = :n", [{"n": n} for n in numbers]),
        ("category_page", 80, "SELECT id, name, price FROM products WHERE category_id = :c AND deleted_at IS NULL "
         "ORDER BY price LIMIT 24", [{"c": c} for c in cats]),
        ("unshipped_old", 10, "SELECT id FROM orders WHERE status = 'paid' AND placed_at < :d",
         [{"d": "2024-03-01"}]),
        ("product_sales", 30, "SELECT sum(quantity) FROM order_items WHERE product_id = :p AND created_at >= :d",
         [{"p": p, "d": "2024-06-01"} for p in products]),
        ("low_stock", 5, "SELECT id, name FROM products WHERE stock_quantity < 5 AND is_active", []),
        ("staff_by_signup", 5, "SELECT id, email FROM users WHERE role = 'staff' ORDER BY created_at DESC LIMIT 50",
         []),
    ]
    writes = [
        ("touch_login", 100, "UPDATE users SET last_login_at = :t WHERE id = :u",
         [{"t": "2025-01-01 10:00:00", "u": u} for u in users]),
        ("ship_order", 60, "UPDATE orders SET status = 'shipped', updated_at = :t WHERE id = :o",
         [{"t": "2025-01-01 10:00:00", "o": o} for o in orders]),
        ("restock", 40, "UPDATE products SET stock_quantity = stock_quantity + 5 WHERE id = :p",
         [{"p": p} for p in products]),
        ("reprice_lines", 20, "UPDATE order_items SET unit_price = unit_price * 1.01 WHERE order_id = :o",
         [{"o": o} for o in orders]),
        ("archive_products", 2, "UPDATE products SET deleted_at = :t WHERE stock_quantity = 0 AND is_active",
         [{"t": "2025-01-01 10:00:00"}]),
    ]
    for name, weight, sql, params in reads + writes:
        w = w.add(name, sql, weight, params)
    return w


def _inline(q) -> str:
    """The query with its first parameter set written in as literals (what .expert reads)."""
    p = q.params[0] if q.params else {}

    def sub(node):
        if isinstance(node, exp.Placeholder) and node.name in p:
            v = p[node.name]
            return exp.Literal.number(v) if isinstance(v, int | float) else exp.Literal.string(str(v))
        return node
    return q.tree.copy().transform(sub).sql("sqlite")


def expert(db: str, w: Workload, sample_pct: int | None) -> list[str]:
    """CREATE INDEX statements the sqlite3 CLI's .expert proposes, one run per query (deduplicated)."""
    cmd = ".expert" + (f" -sample {sample_pct}" if sample_pct is not None else "")
    out: dict[str, str] = {}
    for q in w:
        res = subprocess.run(["sqlite3", db], input=f"{cmd}\n{_inline(q)};\n", capture_output=True, text=True,
                             check=False)
        for line in res.stdout.splitlines():
            if line.startswith("CREATE INDEX"):
                body = line.split(" ON ", 1)[1]
                out.setdefault(body, line)
    return list(out.values())


def fk_where_baseline(w: Workload) -> list[str]:
    """One single-column index per FK column and per WHERE column not already leading an index."""
    s = ecommerce()
    cands: dict[Candidate, None] = {}
    for t in s.tables:
        for fk in t.foreign_keys:
            cands[Candidate(t.name, tuple(fk.columns))] = None
    for q in w:
        for table, u in analyze(q, s).tables.items():
            for c in dict.fromkeys(u.eq + u.in_ + u.range):
                cands[Candidate(table, (c,))] = None
    out = []
    for i, c in enumerate(cands):
        if served_by(c, s.table(c.table)) is None:
            ix = exp.Create(kind="INDEX", this=exp.Index(this=exp.to_identifier(f"base_{i}"),
                            table=exp.to_table(c.table),
                            params=exp.IndexParameters(columns=[exp.column(x) for x in c.columns])))
            out.append(ix.sql("sqlite"))
    return out


def build(base: str, ddl: list[str], tmp: Path, label: str) -> dict:
    """A copy of the sample with ``ddl`` applied and ANALYZEd; the indexes it added and their dbstat bytes."""
    path = tmp / f"{len(list(tmp.iterdir()))}.sqlite"
    shutil.copy(base, path)
    con = sqlite3.connect(path)
    before = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    for stmt in ddl:
        con.execute(stmt)
    con.execute("ANALYZE")
    con.commit()
    added = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")} - before
    size = sum(con.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?", (n,)).fetchone()[0]
               for n in added)
    con.close()
    return {"label": label, "path": str(path), "count": len(added), "bytes": size, "runs": []}


def measure(configs: list[dict], w: Workload, rounds: int) -> None:
    """Time every configuration in interleaved rounds (machine noise hits all alike); per query the
    median over rounds of each round's median of 5."""
    for _ in range(rounds):
        for c in configs:
            f = run(w, c["path"], repeat=5).frame
            c["runs"].append(dict(zip(f["query"], f["median_ms"], strict=True)))
    for c in configs:
        c["per"] = {q.name: statistics.median(r[q.name] for r in c["runs"]) for q in w}
        c["total"] = sum(q.weight * c["per"][q.name] for q in w)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds per configuration")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base = str(tmp / "base.sqlite")
        sample(ecommerce(), args.rows, engine="sqlite", path=base, seed=0, progress=False)
        con = sqlite3.connect(base)
        con.execute("ANALYZE")
        con.commit()
        base_bytes = con.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]
        con.close()
        w = oltp_workload(base)
        work = tmp / "configs"
        work.mkdir()
        configs = [build(base, [], work, "none added")]
        for pct in (None, 100):
            t0 = time.perf_counter()
            ddl = expert(base, w, pct)
            c = build(base, ddl, work, ".expert" + (f" -sample {pct}" if pct else ""))
            c["advise_s"] = time.perf_counter() - t0
            configs.append(c)
        configs.append(build(base, fk_where_baseline(w), work, "every FK + WHERE column"))
        for share in (0.05, 0.10, 0.25, 0.50):
            a = advise(ecommerce(), w, base, budget=f"{int(base_bytes * share)}B", dialect="sqlite", repeat=1)
            c = build(base, [s.sql(ecommerce(), "sqlite") for s in a], work, f"ours, budget {int(share * 100)}%")
            c["advise_s"] = a.stats["advise_s"]
            configs.append(c)
        measure(configs, w, args.rounds)
    text = report(configs, args, base_bytes, w)
    print(text)
    write_doc(text)


def report(results: list[dict], args: argparse.Namespace, base_bytes: int, w: Workload) -> str:
    rows = args.rows
    write_w = sum(q.weight for q in w if q.kind == "write") / sum(q.weight for q in w)
    lines = [f"Command: `.venv/bin/python bench/advisor.py --rows {rows} --rounds {args.rounds}` (SQLite "
             f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; "
             f"e-commerce sample of {rows:,} rows, base size {base_bytes / 1e6:.1f} MB; OLTP mix of {len(w)} "
             f"queries, writes {write_w:.0%} of weight; per query the median over {args.rounds} interleaved rounds "
             "of the median of 5 runs).", "",
             "| configuration | indexes added | index bytes | weighted ms/min (writes incl.) | vs .expert | "
             "advise s |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    ref = next(r["total"] for r in results if r["label"] == ".expert")
    for r in results:
        adv = f"{r['advise_s']:.2f}" if "advise_s" in r else ""
        lines.append(f"| {r['label']} | {r['count']} | {r['bytes'] / 1024:,.0f} KiB | {r['total']:,.1f} | "
                     f"{r['total'] / ref:.2f}x | {adv} |")
    lines += ["", "Per query (median ms):", "", "| query | weight | " + " | ".join(r["label"] for r in results)
              + " |", "| --- | ---: |" + " ---: |" * len(results)]
    for q in w:
        lines.append(f"| {q.name} ({q.kind}) | {q.weight:g} | "
                     + " | ".join(f"{r['per'].get(q.name, float('nan')):.3f}" for r in results) + " |")
    lines += ["", "`advise s` for ours is the advisor up to its choice (one timed run of the workload "
              "before, the what-if search); the evidence run after building the indexes is not included. "
              "The TPC-H comparison of the issue is not built yet."]
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    write_section("advisor", f"## Index advisor (`bench/advisor.py`)\n\n{text}")


if __name__ == "__main__":
    main()
