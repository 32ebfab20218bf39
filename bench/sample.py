"""Sample-data benchmark: rows per second of ``workload.sample`` vs a plain Faker row-by-row loop.

    .venv/bin/python bench/sample.py [--rows 1000000] [--faker-rows 20000] [--no-write]

Fills the e-commerce model (5 tables, every constraint declared and enforced by the engine:
PK, UNIQUE, FK, NOT NULL, CHECK) with ``--rows`` rows in total into a new DuckDB file and a new
SQLite file, each in a fresh process so its peak memory (max RSS) is its own. The baseline is
the loop people write by hand: Faker values per column, one ``INSERT`` per row, into the same
SQLite DDL, with FK values drawn from the parent keys already made; it runs ``--faker-rows``
rows (Faker is too slow for a million in a benchmark's time) in ``bench/.env``, a separate
virtual environment this script creates on first use (Faker is never a dependency of the
package). Results go to docs/benchmarks.md between ``<!-- bench:sample -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parent.parent
ENV = ROOT / "bench" / ".env"
DOC = ROOT / "docs" / "benchmarks.md"
TARGETS = {"duckdb": 1_000_000, "sqlite": 300_000}  # rows/s
FAKER_FACTOR = 100

FAKER_LOOP = r"""
import json, random, sqlite3, sys, time, uuid
from faker import Faker

spec = json.load(open(sys.argv[1]))
fake = Faker()
Faker.seed(0)
random.seed(0)
con = sqlite3.connect(sys.argv[2], isolation_level=None)
con.execute("PRAGMA foreign_keys = ON")
for stmt in spec["ddl"]:
    con.execute(stmt)
keys = {}
start = time.perf_counter()
con.execute("BEGIN")
made = 0
for table in spec["tables"]:
    cols = table["columns"]
    names = [c["name"] for c in cols]
    sql = "INSERT INTO %s (%s) VALUES (%s)" % (table["name"], ", ".join(names), ", ".join("?" * len(names)))
    own = []
    seen = set()
    for i in range(table["rows"]):
        row = []
        for c in cols:
            k = c["kind"]
            if c.get("fk"):
                parents = own if c["fk"] == table["name"] else keys[c["fk"]]
                v = random.choice(parents) if parents and (not c["nullable"] or random.random() > 0.1) else None
            elif c["nullable"] and random.random() < 0.1:
                v = None
            elif k == "uuid":
                v = str(uuid.uuid4())
            elif k == "email":
                v = fake.unique.email()
            elif k in ("first_name", "last_name", "name", "city", "country", "company", "phone_number", "url",
                       "slug", "word", "sentence"):
                v = getattr(fake, k)()
                if c["unique"]:
                    v = f"{v}-{i}"
            elif k == "values":
                v = random.choice(c["values"])
            elif k == "boolean":
                v = int(random.random() < 0.85)
            elif k == "decimal":
                v = round(random.uniform(c.get("lo", 0), 1000), 2)
            elif k == "integer":
                v = random.randint(c.get("lo", 0), 500)
            elif k == "timestamp":
                v = fake.date_time_between(start_date="-2y").strftime("%Y-%m-%d %H:%M:%S.%f")
            elif k == "json":
                v = json.dumps({"line1": fake.street_address(), "city": fake.city(), "country": fake.country()})
            elif k == "code":
                v = f"{fake.bothify('???')}-{i:08d}"
            elif k == "hash":
                v = fake.sha256()
            else:
                v = fake.word()
            if isinstance(v, str) and c.get("length"):
                v = v[: c["length"]]
            row.append(v)
        key = tuple(row[names.index(x)] for x in table["unique_together"]) if table["unique_together"] else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        con.execute(sql, row)
        own.append(row[names.index(table["key"])])
        made += 1
    keys[table["name"]] = own
con.execute("COMMIT")
elapsed = time.perf_counter() - start
print(json.dumps({"rows": made, "seconds": elapsed}))
"""

FAKER_KINDS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "name": "name",
    "phone": "phone_number",
    "url": "url",
    "city": "city",
    "country": "country",
    "slug": "slug",
    "word": "word",
    "title": "sentence",
    "sentence": "sentence",
    "code": "code",
    "hash": "hash",
    "currency": "word",
    "company": "company",
}


def ensure_env() -> Path:
    """bench/.env with Faker (created once; shared with the other benchmarks' tools)."""
    python = ENV / "bin" / "python"
    if not python.exists():
        print(f"creating {ENV} ...", file=sys.stderr)
        venv.create(ENV, with_pip=True)
    if subprocess.run([str(python), "-c", "import faker"], capture_output=True).returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "faker"], check=True)
    return python


def faker_spec(rows: int) -> dict:
    """The e-commerce tables as plain column descriptions the Faker loop reads."""
    from dbmodel_kit.ddl import statements
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.model.checks import analyse_checks
    from dbmodel_kit.model.schema import dependency_order
    from dbmodel_kit.workload.generators import text_kind
    from dbmodel_kit.workload.sample import _resolve_rows

    schema = ecommerce()
    counts = _resolve_rows(schema, rows, None)[0]
    tables = []
    for t in dependency_order(schema)[0]:
        bounds, _ = analyse_checks(t)
        fk_of = {c: fk.ref_table for fk in t.foreign_keys for c in fk.columns}
        unique = {u.columns[0] for u in t.uniques if len(u.columns) == 1}
        cols = []
        for c in t.columns:
            kind = c.type.kind
            d = {
                "name": c.name,
                "nullable": c.nullable,
                "length": c.type.length,
                "unique": c.name in unique,
                "fk": fk_of.get(c.name),
            }
            if kind == "enum":
                d.update(kind="values", values=list(schema.enum(c.type.enum).values))
            elif kind in ("varchar", "char", "text"):
                d["kind"] = FAKER_KINDS.get(text_kind(c.name, None, c.name), "word")
                if kind == "char":
                    d.update(kind="values", values=["USD", "EUR", "GBP"])
            elif kind in ("timestamptz", "timestamp"):
                d["kind"] = "timestamp"
            elif kind == "decimal":
                d["kind"] = "decimal"
            elif kind in ("integer", "bigint", "smallint"):
                b = bounds.get(c.name)
                d.update(kind="integer", lo=int(b.lo) + int(b.lo_strict) if b and b.lo is not None else 0)
            else:
                d["kind"] = kind
            cols.append(d)
        multi = [u.columns for u in t.uniques if len(u.columns) > 1]
        tables.append(
            {
                "name": t.name,
                "rows": counts[t.name],
                "columns": cols,
                "key": t.primary_key[0],
                "unique_together": list(multi[0]) if multi else [],
            }
        )
    ddl = [s.sql for s in statements(schema, "sqlite") if s.sql]
    return {"tables": tables, "ddl": ddl}


#: the fill's steps, timed by wrapping the filler's methods in the measuring process (CPU seconds of
#: every thread: DuckDB's workers and the SQLite fetch thread included)
PHASES = {
    "_select_rows": "narrow pass: pick the rows filters and dedupes keep",
    "_materialise": "define the generator views (SQL built in Python)",
    "_insert": "generate the rows and insert them (engine checks PK, UNIQUE, FK, CHECK, NOT NULL)",
    "_self_refs": "self-references",
    "_keep_keys": "parent key tables for the children",
    "close_cycles": "close FK cycles",
}


def _timed_phases() -> dict[str, float]:
    import importlib

    mod = importlib.import_module("dbmodel_kit.workload.sample")
    spent = dict.fromkeys(PHASES, 0.0)

    def wrap(name: str):
        method = getattr(mod._Filler, name)

        def timed(self, *a, **k):
            c0 = time.process_time()
            try:
                return method(self, *a, **k)
            finally:
                spent[name] += time.process_time() - c0

        setattr(mod._Filler, name, timed)

    for name in PHASES:
        wrap(name)
    return spent


def floor(engine: str, src: str) -> dict:
    """The engine's own cost for the same rows: a new database with the same DDL, every table filled by
    ``INSERT ... SELECT`` from the finished sample (attached), then the secondary indexes. No generator,
    no Python per row: what inserting and checking these exact rows costs the engine itself."""
    import sqlite3

    import duckdb

    from dbmodel_kit.ddl import statements
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.model.schema import dependency_order
    from dbmodel_kit.workload.sample import TARGETS

    schema = ecommerce()
    stmts = statements(schema, engine)
    first = [x.sql for x in stmts if x.sql and x.kind in ("type", "sequence", "table")]
    after = [x.sql for x in stmts if x.sql and x.kind not in ("type", "sequence", "table")]
    dst = src + ".floor"
    if engine == "duckdb":
        con = duckdb.connect(dst)
    else:
        con = sqlite3.connect(dst, isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
    for sql in first:
        con.execute(sql)
    for pragma in TARGETS[engine].fill_pragmas:
        con.execute(pragma)
    con.execute(f"ATTACH '{src}' AS src" + (" (READ_ONLY)" if engine == "duckdb" else ""))
    c0, t0 = time.process_time(), time.perf_counter()
    if engine == "sqlite":
        con.execute("BEGIN")
    for t in dependency_order(schema)[0]:
        cols = ", ".join(f'"{c}"' for c in t.column_names)
        own = [fk for fk in t.foreign_keys if fk.ref_table == t.name]
        if not own:
            con.execute(f'INSERT INTO "{t.name}" ({cols}) SELECT {cols} FROM src."{t.name}"')
            continue
        # a self-reference: rows whose parent is already in, round by round (the sample's own levels)
        key = t.primary_key[0]
        while True:
            ready = " AND ".join(
                f's."{fk.columns[0]}" IS NULL OR s."{fk.columns[0]}" IN (SELECT "{fk.ref_columns[0]}" '
                f'FROM main."{t.name}")'
                for fk in own
            )
            before = con.execute(f'SELECT count(*) FROM main."{t.name}"').fetchone()[0]
            picked = ", ".join(f"s.{c}" for c in cols.split(", "))
            con.execute(
                f'INSERT INTO main."{t.name}" ({cols}) SELECT {picked} FROM src."{t.name}" s '
                f'WHERE s."{key}" NOT IN (SELECT "{key}" FROM main."{t.name}") AND ({ready})'
            )
            if con.execute(f'SELECT count(*) FROM main."{t.name}"').fetchone()[0] == before:
                break
    for sql in after:
        con.execute(sql)
    if engine == "sqlite":
        con.execute("COMMIT")
    con.close()
    return {"cpu": time.process_time() - c0, "seconds": time.perf_counter() - t0}


def one(engine: str, rows: int, path: str) -> dict:
    """Fill one engine in this process and report rows/s, CPU, peak RSS and where the time went (run via --one)."""
    import dbmodel_kit.ddl  # noqa: F401  (imported once per process by sample(): SQLAlchemy, ~0.25 s; not fill work)
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.workload import sample

    schema = ecommerce()
    phases = _timed_phases()
    load = os.getloadavg()[0]
    c0, m0, start = time.process_time(), time.thread_time(), time.perf_counter()
    db = sample(schema, rows, engine=engine, path=path, progress=False)
    elapsed, cpu, main_cpu = time.perf_counter() - start, time.process_time() - c0, time.thread_time() - m0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = sum(db.counts().values())
    out = {
        "engine": engine,
        "rows": total,
        "seconds": elapsed,
        "cpu": cpu,
        "main_cpu": main_cpu,
        "rows_per_s": total / elapsed,
        "peak_mb": peak,
        "file_mb": os.path.getsize(path) / 2**20,
        "load": max(load, os.getloadavg()[0]),
        "phases": {k: v for k, v in phases.items() if v >= 0.005},
    }
    out["phases"]["rest"] = cpu - sum(phases.values())
    out["floor"] = floor(engine, path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--faker-rows", type=int, default=20_000)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rows, args.path)))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in ("duckdb", "sqlite"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    engine,
                    "--rows",
                    str(args.rows),
                    "--path",
                    str(Path(tmp) / f"b.{engine}"),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
            print(results[-1], file=sys.stderr)
        python = ensure_env()
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(faker_spec(args.faker_rows)))
        script = Path(tmp) / "faker_loop.py"
        script.write_text(FAKER_LOOP)
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", str(python), str(script), str(spec_path), str(Path(tmp) / "faker.sqlite")],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
        faker = json.loads(proc.stdout.strip().splitlines()[-1])
        faker["rows_per_s"] = faker["rows"] / faker["seconds"]
        faker["peak_mb"] = int(proc.stderr.strip().splitlines()[-1]) / 1024
        faker["wall"] = wall
        print(faker, file=sys.stderr)
    text = report(results, faker, args)
    print(text)
    if not args.no_write:
        write_doc(text)


def report(results: list[dict], faker: dict, args: argparse.Namespace) -> str:
    lines = [
        f"Command: `.venv/bin/python bench/sample.py --rows {args.rows} --faker-rows {args.faker_rows}` "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        "each fill in a fresh process, module imports done before the clock starts). Load average (1 min) when "
        "the fills ran: "
        + ", ".join(f"{r['engine']} {r['load']:.1f}" for r in results)
        + f" on {os.cpu_count()} cores; with other jobs on the machine the wall-clock rates are lower bounds, "
        "so CPU seconds (all threads) are given too.",
        "",
        "E-commerce model, every constraint declared and enforced by the engine during the fill "
        "(PK, UNIQUE, FK, NOT NULL, CHECK); secondary indexes built after the fill.",
        "",
        "| generator | target | rows | seconds | CPU s (calling thread) | rows/s | target rows/s | vs Faker "
        "| peak RSS MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ratio = r["rows_per_s"] / faker["rows_per_s"]
        ok = "met" if r["rows_per_s"] >= TARGETS[r["engine"]] else "**not met**"
        lines.append(
            f"| dbmodel-kit `sample()` | {r['engine']} | {r['rows']:,} | {r['seconds']:.1f} | "
            f"{r['cpu']:.1f} ({r['main_cpu']:.1f}) | {r['rows_per_s']:,.0f} | "
            f"{TARGETS[r['engine']]:,} ({ok}) | {ratio:.0f}x | {r['peak_mb']:.0f} |"
        )
    lines.append(
        f"| Faker row-by-row loop | sqlite | {faker['rows']:,} | {faker['seconds']:.1f} | - | "
        f"{faker['rows_per_s']:,.0f} | - | 1x | {faker['peak_mb']:.0f} |"
    )
    lines.append("")
    fast = {r["engine"]: r["rows_per_s"] >= FAKER_FACTOR * faker["rows_per_s"] for r in results}
    verdict = ", ".join(f"{e} {'met' if ok else '**not met**'}" for e, ok in fast.items())
    lines.append(
        f"Target: at least {FAKER_FACTOR}x the Faker loop ({verdict}). The Faker loop runs {faker['rows']:,} "
        "rows (its rate does not improve with more rows: every row is Python calls)."
    )
    lines += [
        "",
        "Where the time goes (CPU seconds of all threads, same runs):",
        "",
        "| step | " + " | ".join(r["engine"] for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    steps = dict(PHASES, rest="schema DDL, secondary indexes, sequences, commit and close")
    for key, label in steps.items():
        if any(key in r["phases"] for r in results):
            lines.append(f"| {label} | " + " | ".join(f"{r['phases'].get(key, 0):.2f}" for r in results) + " |")
    lines.append(
        "| **engine floor**: a new database with the same DDL filled by `INSERT ... SELECT` from the "
        "finished sample, then the same secondary indexes (no generator, no Python per row) | "
        + " | ".join(f"{r['floor']['cpu']:.2f} CPU s, {r['floor']['seconds']:.2f} s" for r in results)
        + " |"
    )
    lines.append("")
    for r in results:
        fl = r["floor"]
        wall = r["rows"] / fl["seconds"]
        reach = "above" if wall >= TARGETS[r["engine"]] else "below"
        lines.append(
            f"- {r['engine']}: the engine alone needs {fl['seconds']:.2f} s ({fl['cpu']:.2f} CPU s) to insert and "
            f"check these {r['rows']:,} rows and build the indexes: {wall:,.0f} rows/s, {reach} the "
            f"{TARGETS[r['engine']]:,} rows/s target before any generating (the copy also reads the rows back from "
            f"the attached sample); the generator's share of the fill is {r['cpu'] - fl['cpu']:.2f} of "
            f"{r['cpu']:.2f} CPU s. The calling thread used {r['main_cpu']:.2f} CPU s, the other threads "
            f"{r['cpu'] - r['main_cpu']:.2f}: a fill cannot take less wall time than its busiest thread."
        )
    lines.append("")
    lines.append(
        "The engine's part is the PK, UNIQUE and FK index work: a B-tree (SQLite) or ART (DuckDB) lookup or insert "
        "per key per row, cheaper when keys arrive in key order, so ids are time-ordered and order lines are "
        "written grouped by order. The generator's part in DuckDB is computing the values (text from word lists, "
        "hashes). In the SQLite fill the calling thread binds every value into `executemany` and runs SQLite "
        "(inserting, checking, then indexing); a fetch thread runs DuckDB and turns its rows into Python tuples."
    )
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    write_section("sample", f"## Sample data (`bench/sample.py`)\n\n{text}")


if __name__ == "__main__":
    main()
