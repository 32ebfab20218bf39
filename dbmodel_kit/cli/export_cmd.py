"""``dbmodel export SPEC --to T -o DIR [--from OLD_SPEC]``: write the files one ecosystem commits.

Targets: ``sqlalchemy`` (models, Alembic revision, seed, pytest migration test), ``prisma``
(schema.prisma, SQL migration folder, seed.sql + seed.ts, node:test migration test), ``typeorm``
(entities, migration, seed, node:test migration test), ``sql`` (up/down/seed SQL per dialect, PostgreSQL
and MySQL production patterns), ``dbml`` and ``mermaid``. The written paths go to standard output.
"""

from __future__ import annotations

import argparse

from ..export import TARGETS, export
from .migrate_cmds import _hints
from .schema_cmds import DIALECT_CHOICES, load_spec


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``dbmodel export`` to the parser."""
    p = sub.add_parser("export", help="write ORM models, migration, seed and migration test for one ecosystem",
                       description="Write the entity/model file, the migration, a seed and a migration test "
                       "for TARGET from the schema SPEC (migrating from --from OLD_SPEC, or from an empty "
                       "database).")
    p.add_argument("spec", metavar="SPEC", help="schema file (.yaml, .sql, .dbml) or a database URL to reflect")
    p.add_argument("--to", required=True, choices=tuple(TARGETS), help="the ecosystem to export for")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory to write the files into")
    p.add_argument("--from", dest="old", metavar="OLD_SPEC", help="the schema the migration starts from")
    p.add_argument("--hint", action="append", default=[], metavar="OLD=NEW",
                   help="an exact rename for the migration (users.mail=users.email); repeatable")
    p.add_argument("-d", "--dialect", default=None, choices=DIALECT_CHOICES, metavar="D",
                   help="render for this engine (sqlalchemy: models and revision; sql: only its folder)")
    p.add_argument("--from-dialect", default="postgres", choices=DIALECT_CHOICES, metavar="D",
                   help="SQL dialect of .sql SPECs (default: postgres)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render every file first, then write them; print one written path per line."""
    new = load_spec(args.spec, args.from_dialect)
    old = load_spec(args.old, args.from_dialect) if args.old else None
    hints = _hints(args.hint)
    for path in export(new, args.to, args.output, old=old, hints=hints, dialect=args.dialect):
        print(path)
    return 0
