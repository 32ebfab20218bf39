"""The ``dbmodel`` command: the kit's features for scripts and CI.

Each subcommand lives in its own module with ``register(subparsers)``; :data:`COMMANDS` lists
them in the order ``dbmodel --help`` shows. User errors print ``place: message`` and exit 2
(no traceback); lint-style commands exit 1 when they find an error-level problem. Whatever the
command prints about a database URL given on the command line hides its secrets (password, secret
query parameters), even in the words of a driver or of an unexpected error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .._gc import THRESHOLDS, fewer_collections
from ..errors import ModelError
from ..urls import scrub

#: Every subcommand: its module (``dbmodel_kit.cli.<module>``, whose ``register(subparsers)`` adds
#: it) and its one-line help, in the order ``dbmodel --help`` shows. ``dbmodel`` imports only the
#: module of the command it runs, so ``--version``, ``--help`` and the light commands start without
#: the heavy libraries (pandas, DuckDB, Alembic) that other commands need; ``--help`` lists this
#: table. tests/test_startup.py checks it against what the modules register.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "ddl": ("schema_cmds", "print the CREATE statements of a schema for one dialect"),
    "apply": ("schema_cmds", "create a schema's tables in a database"),
    "reflect": ("schema_cmds", "read a live database's schema"),
    "convert": ("schema_cmds", "convert a schema between YAML, SQL and DBML"),
    "lint": ("schema_cmds", "check a schema against the design rules"),
    "erd": ("erd_cmd", "draw the ERD of a schema (SVG, PNG, PDF, DOT, Mermaid)"),
    "fds": ("normalize_cmds", "discover the functional dependencies of a CSV file, or check some"),
    "keys": ("normalize_cmds", "candidate keys of a CSV file (minimal unique column sets)"),
    "normalize": ("normalize_cmds", "decompose a table into 3NF or BCNF"),
    "diff": ("migrate_cmds", "the migration from one schema to another (SQL, Alembic or JSON)"),
    "migrate": ("migrate_cmds", "lint, verify or apply a migration"),
    "drift": ("migrate_cmds", "what differs between a spec and a live database (exit 1 if anything)"),
    "sample": ("workload_cmds", "fill a new DuckDB/SQLite file (or a PostgreSQL server) with sample data"),
    "run": ("workload_cmds", "time a workload of weighted queries on a sample database"),
    "workload-lint": ("workload_cmds", "find query patterns that defeat indexes"),
    "review": ("review_cmd", "a review page (HTML) or PR comment (Markdown) for a schema change"),
    "advise": ("advise_cmd", "suggest indexes for a weighted workload, measured on a SQLite sample"),
    "export": ("export_cmd", "write ORM models, migration, seed and migration test for one ecosystem"),
}

#: Subcommand modules, read top to bottom.
COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in SUBCOMMANDS.values()))


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors (which quote the values given) hide URL secrets."""

    urls: tuple[str, ...] = ()

    def error(self, message: str):  # type: ignore[no-untyped-def]
        super().error(scrub(message, *self.urls))


def _urls(argv: Sequence[str]) -> tuple[str, ...]:
    """The URL-looking arguments (``URL`` or ``--url=URL``), whose secrets every output hides."""
    found = []
    for arg in argv:
        found += [part for part in (arg, arg.partition("=")[2]) if "://" in part]
    return tuple(found)


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names: its first argument that is not an option (``dbmodel`` itself
    takes no option with a value), or None."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``dbmodel`` parser. With ``argv``, only the module of the subcommand it names is imported
    and registered; every other subcommand is a placeholder carrying its help line (enough for
    ``--help`` and for argparse's "invalid choice" message). Without ``argv``, every command is
    registered in full."""
    from .. import __version__

    parser = _Parser(
        prog="dbmodel",
        description="Design relational databases: DDL, migrations, ERDs, sample data, index advice, normalization.",
    )
    parser.add_argument("--version", action="version", version=f"dbmodel-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    if argv is None:
        wanted = set(COMMANDS)
    else:
        command = _command_of(argv)
        # a command missing from SUBCOMMANDS (a new one) still runs: every module is registered
        wanted = {SUBCOMMANDS[command][0]} if command in SUBCOMMANDS else set(COMMANDS) if command else set()
    registered: set[str] = set()
    for name, (module, help) in SUBCOMMANDS.items():
        if module in wanted:
            if module not in registered:
                importlib.import_module(f"{__name__}.{module}").register(sub)
                registered.add(module)
        else:
            sub.add_parser(name, help=help)
    return parser


#: The cyclic garbage collector's thresholds while a command runs (:mod:`dbmodel_kit._gc`). A
#: command's start is mostly imports (SQLAlchemy, sqlglot), which make a few hundred thousand
#: long-lived objects; at the default a young collection every 700 allocations traced them again and
#: again: 7% of the instructions of ``dbmodel ddl examples/ecommerce.yaml`` (issue 18,
#: docs/benchmarks.md "Start-up"). Garbage cycles are still collected, every 100,000 allocations.
GC_THRESHOLDS = THRESHOLDS


def main(argv: Sequence[str] | None = None) -> int:
    with fewer_collections():  # a caller in the same process gets its own thresholds back
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    urls = _urls(argv)
    _Parser.urls = urls
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ModelError as e:
        print(scrub(f"dbmodel: {e}" if e.where is None else str(e), *urls), file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(scrub(f"{e.filename}: no such file", *urls), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `dbmodel ddl x.yaml | head`
        return 0
    except Exception:
        if not urls:
            raise
        # a bug: its traceback is shown (exit 1, as Python does), with the URLs' secrets hidden
        import traceback

        print(scrub(traceback.format_exc(), *urls), file=sys.stderr, end="")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
