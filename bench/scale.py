"""Scale benchmark: every step of the kit on renamed copies of the biggest corpus schema, at 250,
500, 1,000 and 2,000 tables, with the fitted growth exponent of each step; Alembic autogenerate
beside "diff from empty" in the same run.

    .venv/bin/python bench/scale.py [--sizes 250,500,1000,2000] [--steps ddl,lint] [--jobs 3] [--no-write]
    .venv/bin/python bench/scale.py --profile diff 1000       # cProfile of one step, top 30

The schema: the biggest file of ``/work/shared/datasets/schemas`` (by tables the import keeps;
``$DBMODEL_SCHEMAS`` overrides the folder), read with the kit's SQL import in its native dialect,
then copied until the size is reached: copy ``k`` prefixes every table, index and constraint name
with ``c<k>_`` and points its foreign keys at its own copies; the last copy keeps the tables of a
prefix of the dependency order, so every foreign key still has its target. Enums, domains and
sequences are kept once; views and
objects kept as SQL that read the tables (pagila's triggers) are left out, since they name tables no
copy has. Nothing of the corpus is written to disk: the copies are made here.

Each (size, step) runs in a fresh process (so memory is that step's, not the run's): the process
builds the schema, then times the step alone; wall clock and the process's CPU time, and its peak
resident memory (libraries included). The kit's modules are byte-compiled first (as an installed
package's are), so a module a step imports lazily is not compiled on its clock. The steps, as the
``dbmodel`` commands run them:

* ``import``: ``read_sql`` of the PostgreSQL DDL of the schema (``dbmodel ddl`` output);
* ``ddl``: ``create_sql(schema, "postgresql")``;
* ``diff``: ``diff(empty, schema)`` and ``to_sql(plan, "postgresql")`` (``dbmodel diff``);
* ``alembic``: Alembic autogenerate for the same change: ``compare_metadata`` of the schema's
  MetaData against an empty SQLite database, then ``render_python_code`` of the operations;
* ``export-<target>``: ``files(schema, target)`` for every export target (from an empty schema);
* ``erd``: the DOT text ``dbmodel erd`` hands to Graphviz (its default drawing; Graphviz's own
  time is in the ERD section);
* ``lint``: ``lint(schema)``;
* ``review``: ``review(empty, schema)`` as Markdown (``dbmodel review OLD NEW -o review.md``).

Targets (issue 18): each step <= 2 s at 1,000 tables (exports <= 5 s), peak memory <= 300 MB,
growth exponent <= 1.15 (least squares on log CPU time against log tables over the sizes).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SCHEMAS = Path(os.environ.get("DBMODEL_SCHEMAS", "/work/shared/datasets/schemas"))
SIZES = (250, 500, 1000, 2000)
DIALECT_OF_SUFFIX = {"pg": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}
EXPORTS = ("sqlalchemy", "prisma", "typeorm", "sql", "dbml", "mermaid")
STEPS = ("import", "ddl", "diff", "alembic", *(f"export-{t}" for t in EXPORTS), "erd", "lint", "review")
LIMIT = {"default": 2.0, "export": 5.0}
MEMORY_LIMIT_MB = 300


def corpus() -> tuple[str, object]:
    """(file name, schema) of the corpus file with the most tables the import keeps (read once per
    run: the parent passes it to each step's process as a pickle, ``$SCALE_CORPUS``)."""
    import pickle
    import warnings

    if os.environ.get("SCALE_CORPUS"):
        with open(os.environ["SCALE_CORPUS"], "rb") as f:
            return pickle.load(f)

    from dbmodel_kit.io.sql_import import read_sql

    best = None
    for path in sorted(SCHEMAS.glob("*.sql")):
        dialect = DIALECT_OF_SUFFIX[path.stem.rsplit("_", 1)[1]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema = read_sql(path.read_text(encoding="utf-8"), dialect=dialect, source=path.name).schema
        if best is None or len(schema.tables) > len(best[1].tables):
            best = (path.name, schema)
    assert best is not None, f"no .sql file in {SCHEMAS}"
    return best


def _prefixed(prefix: str, name: str) -> str:
    return f"{prefix}{name}" if name else name


def copy_of(table, prefix: str):  # type: ignore[no-untyped-def]
    """``table`` renamed into copy ``prefix``: its name, its constraints' and its FKs' targets."""
    return replace(
        table, name=prefix + table.name,
        foreign_keys=tuple(replace(fk, ref_table=prefix + fk.ref_table, name=_prefixed(prefix, fk.name))
                           for fk in table.foreign_keys),
        indexes=tuple(replace(ix, name=_prefixed(prefix, ix.name)) for ix in table.indexes),
        uniques=tuple(replace(u, name=_prefixed(prefix, u.name)) for u in table.uniques),
        checks=tuple(replace(c, name=_prefixed(prefix, c.name)) for c in table.checks),
        partition_of=_prefixed(prefix, table.partition_of or "") or None)


def scaled(base, n: int):  # type: ignore[no-untyped-def]
    """``n`` tables: whole renamed copies of ``base``, the last one cut at a prefix of the dependency
    order (so every foreign key keeps its target)."""
    from dbmodel_kit.model.schema import dependency_order

    order = dependency_order(base)[0]
    tables = []
    k = 0
    while len(tables) < n:
        take = order[: n - len(tables)]
        kept = {t.name for t in take}
        # a cut copy: a foreign key closing a cycle may name a table after the cut
        take = [replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk.ref_table in kept)) for t in take]
        # and a partition may come before its partitioned table: it goes with it
        take = [t for t in take if t.partition_of is None or t.partition_of in kept]
        tables += [copy_of(t, f"c{k:02d}_") for t in take]
        k += 1
    first = "c00_"
    sequences = tuple(replace(s, owned_by=(first + s.owned_by[0], s.owned_by[1]) if s.owned_by else None)
                      for s in getattr(base, "sequences", ()))
    # views and objects kept as SQL (triggers, ...) name the original tables, which no copy has:
    # they are left out (a trigger on ``store`` with no ``store`` cannot be dropped or created)
    names = {t.key for t in base.tables} | {v.key for v in getattr(base, "views", ())}
    verbatim = tuple(o for o in getattr(base, "verbatim", ()) if not names & set(o.depends_on))
    return replace(base, tables=tuple(tables), sequences=sequences, views=(), verbatim=verbatim)


def build(n: int):  # type: ignore[no-untyped-def]
    name, base = corpus()
    return name, scaled(base, n)


# -- the steps (each takes the schema and its DDL text, returns something to check) ------------

def step(name: str, schema, n: int):  # type: ignore[no-untyped-def]
    """A callable running step ``name`` on ``schema`` (set-up done here, outside the clock)."""
    from dbmodel_kit.model.schema import Schema

    empty = Schema()
    if name == "import":
        from dbmodel_kit.ddl import create_sql
        from dbmodel_kit.io.sql_import import read_sql

        text = create_sql(schema, "postgresql")
        return lambda: len(read_sql(text, dialect="postgres", source="scale.sql").schema.tables)
    if name == "ddl":
        from dbmodel_kit.ddl import create_sql

        return lambda: len(create_sql(schema, "postgresql"))
    if name == "diff":
        from dbmodel_kit.migrate import diff
        from dbmodel_kit.migrate.emit import to_sql

        return lambda: len(to_sql(diff(empty, schema), "postgresql"))
    if name == "alembic":
        import tempfile

        import sqlalchemy as sa
        from alembic.autogenerate import compare_metadata, render_python_code
        from alembic.runtime.migration import MigrationContext

        from dbmodel_kit.ddl import to_metadata

        metadata = to_metadata(schema, "sqlite")
        engine = sa.create_engine(f"sqlite:///{tempfile.mkdtemp()}/empty.db")

        def alembic() -> int:
            with engine.connect() as conn:
                ops = compare_metadata(MigrationContext.configure(conn), metadata)
            from alembic.operations.ops import UpgradeOps

            return len(render_python_code(UpgradeOps(ops=_as_ops(ops, metadata))))
        return alembic
    if name.startswith("export-"):
        from dbmodel_kit.export import files

        target = name.split("-", 1)[1]
        return lambda: sum(len(text) for text in files(schema, target).values())
    if name == "erd":
        from dbmodel_kit.erd import to_dot

        return lambda: len(to_dot(schema))
    if name == "lint":
        from dbmodel_kit.lint import lint

        return lambda: len(lint(schema).findings)
    if name == "review":
        from dbmodel_kit.review import review

        return lambda: len(review(empty, schema).to_markdown())
    raise SystemExit(f"unknown step {name!r}; known: {', '.join(STEPS)}")


def _as_ops(diffs, metadata):  # type: ignore[no-untyped-def]
    """compare_metadata's diff tuples as Alembic operations (what ``revision --autogenerate`` renders)."""
    from alembic.operations import ops

    out = []
    for d in diffs:
        if d[0] == "add_table":
            out.append(ops.CreateTableOp.from_table(d[1]))
        elif d[0] == "add_index":
            out.append(ops.CreateIndexOp.from_index(d[1]))
    return out


def one(name: str, n: int) -> dict:
    """Run step ``name`` at ``n`` tables in this process: seconds, CPU seconds, peak MB."""
    corpus_file, schema = build(n)
    run = step(name, schema, n)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    size = run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"step": name, "tables": len(schema.tables), "wall": wall, "cpu": cpu, "mb": peak, "size": size,
            "fks": sum(len(t.foreign_keys) for t in schema.tables), "corpus": corpus_file}


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) on log(tables)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--steps", default=",".join(STEPS))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--one", nargs=2, metavar=("STEP", "TABLES"), help=argparse.SUPPRESS)
    ap.add_argument("--profile", nargs=2, metavar=("STEP", "TABLES"))
    ap.add_argument("--jobs", type=int, default=1,
                    help="step processes at a time (each is timed on its own CPU clock; wall clocks then share)")
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return 0
    if args.profile:
        import cProfile
        import pstats

        _, schema = build(int(args.profile[1]))
        run = step(args.profile[0], schema, int(args.profile[1]))
        profile = cProfile.Profile()
        profile.runcall(run)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    steps = args.steps.split(",")
    rows: dict[tuple[str, int], dict] = {}
    load0 = os.getloadavg()[0]
    import pickle
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    # the kit's modules run from their bytecode cache, as an installed package's do (with
    # PYTHONDONTWRITEBYTECODE set, each step compiled the modules it imports lazily on its clock)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    import compileall

    compileall.compile_dir(str(ROOT / "dbmodel_kit"), quiet=1)
    if not env.get("SCALE_CORPUS"):
        env["SCALE_CORPUS"] = str(Path(tempfile.mkdtemp()) / "corpus.pickle")
        with open(env["SCALE_CORPUS"], "wb") as f:
            pickle.dump(corpus(), f)

    def run(job: tuple[str, int]) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, __file__, "--one", job[0], str(job[1])], capture_output=True,
                              text=True, env=env)

    jobs = [(name, n) for name in steps for n in sizes]
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(run, jobs))
    for (name, n), done in zip(jobs, results, strict=True):
        if done.returncode:
            print(f"{name} at {n}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            rows[name, n] = {"failed": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"}
            continue
        rows[name, n] = json.loads(done.stdout.strip().splitlines()[-1])
        r = rows[name, n]
        print(f"{name:18s} {r['tables']:5d} tables  {r['wall']:7.2f} s wall  {r['cpu']:7.2f} s cpu  "
              f"{r['mb']:6.0f} MB", flush=True)
    load1 = os.getloadavg()[0]
    if not args.no_write:
        write(rows, steps, sizes, (load0, load1), args.jobs)
    return 0


def write(rows: dict, steps: list[str], sizes: list[int], load: tuple[float, float], jobs: int = 1) -> None:
    from _doc import write_section

    some = next(r for r in rows.values() if "failed" not in r)
    head = "| step | " + " | ".join(f"{n} tables: s (CPU s) / MB" for n in sizes) + " | exponent (CPU) | target |"
    lines = [head, "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | --- |"]
    failures: dict[str, str] = {}
    for name in steps:
        cells, points, verdict = [], [], []
        limit = LIMIT["export" if name.startswith("export") else "default"]
        for n in sizes:
            r = rows.get((name, n), {"failed": "not run"})
            if "failed" in r:
                cells.append("failed")
                failures.setdefault(name, r["failed"])
                continue
            cells.append(f"{r['wall']:.2f} ({r['cpu']:.2f}) / {r['mb']:.0f}")
            points.append((r["tables"], r["cpu"]))
            if n == 1000:
                verdict.append("met" if r["cpu"] <= limit and r["mb"] <= MEMORY_LIMIT_MB else "**not met**")
        slope = exponent(points) if len(points) >= 2 else None
        exp = "-" if slope is None else f"{slope:.2f}" + ("" if name == "alembic" or slope <= 1.15 else " **(> 1.15)**")
        at_1000 = verdict[0] if verdict else "failed"
        target = "-" if name == "alembic" else f"<= {limit:g} s, {MEMORY_LIMIT_MB} MB at 1,000: {at_1000}"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {exp} | {target} |")
    body = "\n".join([
        "## Scale: every step at 250-2,000 tables",
        "",
        f"Renamed copies of `{some['corpus']}` (the corpus schema with the most tables), cut to each size with "
        "every foreign key kept; each cell is one fresh process timing that step alone: wall seconds, the "
        "process's CPU seconds in brackets, and its peak resident memory in MB (libraries included). The "
        "exponent is the least-squares slope of log CPU time on log tables (1 = linear). `alembic` is Alembic's "
        "autogenerate (compare with an empty SQLite database + render) for the change `diff` computes.",
        "",
        "Targets: each step <= 2 s at 1,000 tables (exports <= 5 s), <= 300 MB, exponent <= 1.15; judged on CPU "
        "time, since the machine is shared.",
        "",
        *lines,
        "",
        *(f"`{name}` failed: {why}" + "  " for name, why in failures.items()),
        "",
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f} before and {load[1]:.1f} after the run.",
        f"Command: `.venv/bin/python bench/scale.py --sizes {','.join(map(str, sizes))}"
        + (f" --jobs {jobs}" if jobs > 1 else "") + "` (step processes run "
        + (f"{jobs} at a time; each is timed on its own CPU clock)" if jobs > 1 else "one at a time)"),
    ])
    write_section("scale", body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
