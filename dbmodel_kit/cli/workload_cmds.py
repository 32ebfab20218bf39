"""``dbmodel sample | run | workload-lint``: sample data and query workloads on DuckDB/SQLite.

``sample`` fills a new database file from a schema (the engine comes from the file name:
``.duckdb`` or ``.sqlite``), or a PostgreSQL server (``--url``); ``run`` times a workload file on
such a database and prints the report; ``workload-lint`` lists query patterns that defeat indexes (exit 1 on a warning).
"""

from __future__ import annotations

import argparse
import sys

from ..errors import ModelError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the workload commands to the ``dbmodel`` parser."""
    p = sub.add_parser("sample", help="fill a new DuckDB/SQLite file (or a PostgreSQL server) with sample data",
                       description="Create the tables of SPEC in a new DuckDB or SQLite file (engine from the "
                       "extension) or on a PostgreSQL server (--url), fill them with generated rows and verify "
                       "every constraint of SPEC over the whole tables; the constraints the engine can hold are "
                       "declared in the database.")
    p.add_argument("spec", metavar="SPEC", help="schema file (.yaml, .sql, .dbml)")
    p.add_argument("--rows", nargs="+", default=None, metavar="N|TABLE=N",
                   help="a total row count to spread over the tables, and/or TABLE=N for single tables")
    p.add_argument("--scale", type=float, default=None, help="multiply the default row counts (1000 per root "
                   "table, doubling per foreign-key level)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", metavar="FILE", help="new database file: out.duckdb or out.sqlite")
    where.add_argument("--url", metavar="URL",
                       help="a PostgreSQL server to fill (postgresql://user@host/db): the rows are generated in DuckDB "
                       "and streamed with COPY, then the server adds and checks every key; none of the tables may "
                       "exist yet, and a fill that fails leaves the database unchanged")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same data")
    p.add_argument("--from-dialect", default="postgres", metavar="D", help="SQL dialect of a .sql SPEC")
    p.add_argument("--enforce", action="store_true",
                   help="declare every constraint before the fill so the engine checks each row as it is written "
                   "(slower); by default rows are written with per-row checks off where the engine allows and "
                   "every constraint is verified over the whole tables afterwards")
    p.add_argument("--constraints", action="store_true",
                   help="list every constraint: declared in the file, and how it was verified")
    p.set_defaults(func=run_sample)

    p = sub.add_parser("run", help="time a workload of weighted queries on a sample database",
                       description="Run each query of WORKLOAD (a .sql file with '-- name: x  weight: n' headers) "
                       "on the database FILE in rolled-back transactions and report timings, rows and plans.")
    p.add_argument("workload", metavar="WORKLOAD.sql")
    p.add_argument("--db", required=True, metavar="FILE", help="a .duckdb or .sqlite database")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per query (default 5)")
    p.add_argument("--spec", metavar="SPEC", help="schema file to check table and column names against first")
    p.add_argument("--plans", action="store_true", help="also print each query's plan (text format)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_run)

    p = sub.add_parser("workload-lint", help="find query patterns that defeat indexes",
                       description="Lint a workload file: OFFSET pagination, SELECT *, non-sargable predicates, "
                       "OR across columns, N+1 lookups, ORDER BY without LIMIT. Exit 1 when a warning is found.")
    p.add_argument("workload", metavar="WORKLOAD.sql")
    p.add_argument("--spec", metavar="SPEC", help="schema file (enables the type-aware rules and name checks)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_lint)


def _rows(items: list[str] | None) -> tuple[int | None, dict[str, int]]:
    total: int | None = None
    per: dict[str, int] = {}
    for item in items or ():
        name, eq, count = item.partition("=")
        text = count if eq else name
        try:
            n = int(text.replace("_", ""))
        except ValueError:
            raise ModelError(f"--rows takes N or TABLE=N, not {item!r}") from None
        if eq:
            per[name] = n
        elif total is not None:
            raise ModelError("--rows names more than one total")
        else:
            total = n
    return total, per


def _load(spec: str, dialect: str = "postgres"):
    from .schema_cmds import load_spec

    return load_spec(spec, dialect)


def run_sample(args: argparse.Namespace) -> int:
    from ..urls import redact_url
    from ..workload.sample import _resolve_rows, sample

    schema = _load(args.spec, args.from_dialect)
    total, per = _rows(args.rows)
    scale = args.scale
    if total is not None:  # the total covers the tables not named explicitly
        others = {n: c for n, c in _resolve_rows(schema, None, 1.0)[0].items() if n not in per}
        scale = max(total - sum(per.values()), 1) / max(sum(others.values()), 1)
    db = sample(schema, per or None, scale=scale, path=args.db, seed=args.seed, enforce=args.enforce, url=args.url)
    width = max(len(t) for t in db.rows)
    for table, n in db.rows.items():
        print(f"{table:<{width}}  {n:>10,}")
    where = args.db if args.url is None else redact_url(args.url)
    print(f"{'total':<{width}}  {sum(db.rows.values()):>10,}  -> {where} ({db.engine}, seed {args.seed})")
    print(str(db.constraints) if args.constraints else db.constraints.summary())
    return 0


def run_run(args: argparse.Namespace) -> int:
    from ..workload import Workload, run

    workload = Workload.from_file(args.workload)
    schema = _load(args.spec) if args.spec else None
    report = run(workload, args.db, repeat=args.repeat, schema=schema)
    sys.stdout.write(report.to_json() + "\n" if args.format == "json" else report.to_text(plans=args.plans))
    return 1 if report.errors else 0


def run_lint(args: argparse.Namespace) -> int:
    from ..workload import Workload, lint
    from ..workload.lint import format_findings

    workload = Workload.from_file(args.workload)
    schema = _load(args.spec) if args.spec else None
    workload.check(schema)
    findings = lint(workload, schema)
    sys.stdout.write(format_findings(findings, args.format))
    return 1 if any(f.severity in ("warning", "error") for f in findings) else 0
