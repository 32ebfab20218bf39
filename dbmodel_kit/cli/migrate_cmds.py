"""``dbmodel diff | migrate lint | migrate verify | migrate apply | drift``: the migration commands.

OLD and NEW are schema files (or database URLs, reflected) read like every other SPEC.
``--hint old=new`` (repeatable) makes a rename exact (``--hint users.mail=users.email``).
``migrate lint`` exits 1 when a finding is an error; ``migrate verify`` when the round trip
fails; ``drift`` when the database differs from the spec.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import ModelError
from ..urls import redact_url
from .schema_cmds import DIALECT_CHOICES, _write, database_errors, load_spec


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the migration commands to the ``dbmodel`` parser."""

    def pair(p: argparse.ArgumentParser) -> None:
        p.add_argument("old", metavar="OLD", help="schema before (file or database URL)")
        p.add_argument("new", metavar="NEW", help="schema after (file or database URL)")
        p.add_argument("--hint", action="append", default=[], metavar="OLD=NEW",
                       help="a rename to apply exactly, e.g. users.mail=users.email or customers=clients")
        p.add_argument("--from-dialect", default="postgres", choices=DIALECT_CHOICES, metavar="D",
                       help="SQL dialect of .sql files (default: postgres)")
        schema_arg(p)

    def schema_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--schema", action="append", default=[], metavar="NAME",
                       help="of a database URL, read this schema (repeatable; MySQL: a database of the server; "
                       "default: what `dbmodel reflect` reads)")

    def dialect(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dialect", "-d", default="postgresql", choices=DIALECT_CHOICES, metavar="D",
                       help="target: postgresql, mysql, mariadb, sqlite, duckdb (default: postgresql)")
        p.add_argument("--safe", action="store_true",
                       help="lock-safe forms where the dialect has them (CONCURRENTLY, NOT VALID + VALIDATE)")

    p = sub.add_parser("diff", help="the migration from one schema to another (SQL, Alembic or JSON)",
                       description="Compare OLD with NEW and print the migration for a dialect.")
    pair(p)
    dialect(p)
    p.add_argument("--format", "-f", default="sql", choices=("sql", "alembic", "json"))
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=run_diff)

    mig = sub.add_parser("migrate", help="lint, verify or apply a migration",
                         description="Review (lint) or prove (verify) the migration from OLD to NEW.")
    msub = mig.add_subparsers(dest="migrate_command", metavar="ACTION")
    msub.required = True
    p = msub.add_parser("lint", help="safety findings of the migration (exit 1 on an error)")
    pair(p)
    dialect(p)
    p.add_argument("--format", "-f", default="text", choices=("text", "json"))
    p.set_defaults(func=run_lint)
    p = msub.add_parser("verify", help="up -> down -> up on a scratch database with seeded rows")
    pair(p)
    p.add_argument("--url", required=True, help="an EMPTY scratch database (SQLAlchemy URL)")
    p.set_defaults(func=run_verify)
    p = msub.add_parser("apply", help="run the migration on a database (records steps; --resume after a failure)",
                        description="Run the migration from OLD to NEW on the database at --url. Where a failure "
                        "can leave earlier steps applied (MySQL/MariaDB; PostgreSQL with --safe), the statements "
                        "that ran are recorded in the dbmodel_progress table; fix the data, then run the same "
                        "command with --resume to go on from the failed statement.")
    pair(p)
    p.add_argument("--url", required=True, help="SQLAlchemy URL of the database at OLD")
    p.add_argument("--safe", action="store_true",
                   help="lock-safe forms where the dialect has them (CONCURRENTLY, NOT VALID + VALIDATE)")
    p.add_argument("--resume", action="store_true",
                   help="go on with a migration that stopped half way (recorded in dbmodel_progress)")
    p.set_defaults(func=run_apply)

    p = sub.add_parser("drift", help="what differs between a spec and a live database (exit 1 if anything)",
                       description="Reflect the database at URL and print the migration that brings it to SPEC.")
    p.add_argument("spec", metavar="SPEC", help="the schema file the database should match")
    p.add_argument("--url", required=True, help="SQLAlchemy URL of the database")
    p.add_argument("--from-dialect", default="postgres", choices=DIALECT_CHOICES, metavar="D")
    p.add_argument("--format", "-f", default="text", choices=("text", "sql", "json"))
    schema_arg(p)
    p.set_defaults(func=run_drift)


def _hints(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ModelError(f"--hint {item!r}: write it as OLD=NEW, e.g. users.mail=users.email")
        out[old.strip()] = new.strip()
    return out


def _plan(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..migrate import diff

    old = load_spec(args.old, args.from_dialect, schemas=args.schema)
    new = load_spec(args.new, args.from_dialect, schemas=args.schema)
    plan = diff(old, new, hints=_hints(args.hint))
    plan.source = (args.old, args.new)
    return plan


def run_diff(args: argparse.Namespace) -> int:
    from ..migrate.emit import to_alembic, to_json, to_sql

    plan = _plan(args)
    if args.format == "sql":
        text = to_sql(plan, args.dialect, safe=args.safe)
    elif args.format == "alembic":
        text = to_alembic(plan, dialect=args.dialect)
    else:
        text = to_json(plan, dialect=args.dialect, safe=args.safe)
    _write(text, args.output)
    for s in plan.suggestions:
        print(f"dbmodel: possible rename {s.old} -> {s.new} ({s.reason}); pass --hint {s.old}={s.new}",
              file=sys.stderr)
    return 0


def run_lint(args: argparse.Namespace) -> int:
    import json

    from ..migrate.lint import has_errors, lint, summary

    plan = _plan(args)
    found = lint(plan, args.dialect, safe=args.safe)
    if args.format == "json":
        print(json.dumps([f.__dict__ for f in found], indent=2))
    else:
        for f in found:
            equiv = ", ".join(f"{k} {v}" for k, v in (("squawk", f.squawk), ("atlas", f.atlas),
                                                      ("strong_migrations", f.strong_migrations)) if v)
            print(f"{f.severity:7} {f.id}  step {f.step}: {f.message}\n         fix: {f.fix}"
                  + (f"\n         same as: {equiv}" if equiv else ""))
        print(summary(found))
    return 1 if has_errors(found) else 0


def run_verify(args: argparse.Namespace) -> int:
    from ..migrate.apply import verify

    plan = _plan(args)
    with database_errors(args.url):
        result = verify(plan, url=args.url)
    print(result)
    return 0 if result.ok else 1


def run_apply(args: argparse.Namespace) -> int:
    from ..migrate.apply import apply

    plan = _plan(args)
    with database_errors(args.url):
        result = apply(plan, args.url, safe=args.safe, resume=args.resume)
    skipped = f" (resumed after {result.resumed_from} statement(s) an earlier run applied)" \
        if result.resumed_from else ""
    print(f"applied {len(plan.steps)} step(s), {result.statements} statement(s){skipped}; "
          f"the database is at version {result.version}")
    return 0


def run_drift(args: argparse.Namespace) -> int:
    from ..ddl.limits import storable
    from ..migrate import diff
    from ..migrate.emit import to_json, to_sql
    from ..urls import parse_url

    spec = load_spec(args.spec, args.from_dialect)
    # reflected as `dbmodel reflect` reads it (its --schema, its warnings on standard error), and the
    # spec as that engine holds it
    live = load_spec(args.url, schemas=args.schema or None)
    plan = diff(live, storable(spec, parse_url(args.url).get_backend_name()))
    plan.source = (redact_url(args.url), spec.name or "new")
    if args.format == "sql":
        from sqlalchemy.engine import make_url

        print(to_sql(plan, make_url(args.url).get_backend_name()), end="")
    elif args.format == "json":
        print(to_json(plan))
    elif plan.steps:
        print(f"{len(plan.steps)} difference(s) between the database and {args.spec}:")
        for s in plan.steps:
            print(f"  {s.describe()}")
    else:
        print(f"the database matches {args.spec}")
    return 1 if plan.steps else 0
