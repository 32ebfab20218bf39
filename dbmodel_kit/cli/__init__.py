"""The ``dbmodel`` command: the kit's features for scripts and CI.

Each subcommand lives in its own module with ``register(subparsers)``; :data:`COMMANDS` lists
them in the order ``dbmodel --help`` shows. User errors print ``place: message`` and exit 2
(no traceback); lint-style commands exit 1 when they find an error-level problem.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import ModelError

#: Subcommand modules (``dbmodel_kit.cli.<name>``), read top to bottom.
COMMANDS: tuple[str, ...] = ("schema_cmds", "erd_cmd", "normalize_cmds", "migrate_cmds", "workload_cmds",
                             "review_cmd", "advise_cmd", "export_cmd")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="dbmodel",
        description="Design relational databases: DDL, migrations, ERDs, sample data, index advice, normalization.",
    )
    parser.add_argument("--version", action="version", version=f"dbmodel-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ModelError as e:
        print(f"dbmodel: {e}" if e.where is None else str(e), file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"{e.filename}: no such file", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `dbmodel ddl x.yaml | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
