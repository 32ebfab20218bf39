"""``dbmodel advise``: suggest indexes for a workload on a SQLite sample, with measured evidence."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``advise`` to the ``dbmodel`` parser."""
    p = sub.add_parser("advise", help="suggest indexes for a weighted workload, measured on a SQLite sample",
                       description="Analyse WORKLOAD against SPEC, evaluate candidate indexes with SQLite's planner "
                       "on the sample's statistics, choose greedily under the budget net of write cost, then build "
                       "the chosen indexes on a copy of the sample and time every query before and after.")
    p.add_argument("spec", metavar="SPEC", help="schema file (.yaml, .sql, .dbml)")
    p.add_argument("--workload", required=True, metavar="W.sql", help="workload file ('-- name: x  weight: n')")
    p.add_argument("--db", required=True, metavar="SAMPLE|URL",
                   help="a SQLite sample (dbmodel sample --db x.sqlite); a DuckDB sample (x.duckdb: ART indexes "
                   "DuckDB reads and load orders, checked with EXPLAIN ANALYZE); or a PostgreSQL server "
                   "(postgresql://user@host/db: HypoPG hypothetical indexes and EXPLAIN costs)")
    p.add_argument("--budget", default=None, metavar="N|SIZE", help="at most N indexes, or a size such as 20MB")
    p.add_argument("--dialect", default=None,
                   help="target dialect of the CREATE INDEX statements (default: postgresql; duckdb for a DuckDB "
                   "sample)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per query, before and after (default 5)")
    p.add_argument("--from-dialect", default="postgres", metavar="D", help="SQL dialect of a .sql SPEC")
    p.add_argument("--no-measure", dest="measure", action="store_false",
                   help="PostgreSQL: planner costs only, no timed runs and no index built in a rolled-back transaction")
    p.add_argument("--rounds", type=int, default=None, metavar="N",
                   help="SQLite sample: searches at most, each priced with what the earlier ones measured "
                   "(default 3; 1 is quickest)")
    p.add_argument("--serial", dest="parallel", action="store_false",
                   help="SQLite sample: time the workload before the search in this process (by default a child "
                   "process times it on another core while the search starts)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..advisor import advise
    from ..advisor.whatif_postgres import advise_postgres, is_postgres_url
    from ..workload.sample import TARGETS
    from .schema_cmds import load_spec

    schema = load_spec(args.spec, args.from_dialect)
    if is_postgres_url(args.db):
        advice = advise_postgres(schema, args.workload, args.db, budget=args.budget,
                                 dialect=args.dialect or "postgresql", repeat=args.repeat, measure=args.measure)
    elif args.db.lower().endswith(TARGETS["duckdb"].suffixes):
        from ..advisor.duckdb import advise_duckdb

        advice = advise_duckdb(schema, args.workload, args.db, budget=args.budget, repeat=args.repeat,
                               dialect=args.dialect or "duckdb")
    else:
        extra = {} if args.rounds is None else {"rounds": args.rounds}
        advice = advise(schema, args.workload, args.db, budget=args.budget, dialect=args.dialect or "postgresql",
                        repeat=args.repeat, parallel=args.parallel, **extra)
    sys.stdout.write(advice.to_json() if args.format == "json" else advice.to_text())
    return 0
