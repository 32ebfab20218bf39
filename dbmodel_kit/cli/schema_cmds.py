"""``dbmodel ddl | apply | reflect | convert | lint``: the schema commands.

SPEC is a schema file (``.yaml``/``.yml``, ``.sql`` read in ``--from-dialect``, ``.dbml``) or a
SQLAlchemy database URL (anything with ``://``), which is reflected. Every failure a person can
cause (a bad file, a wrong dialect, an unreachable database) becomes a
:class:`~dbmodel_kit.errors.ModelError` naming the place, which ``dbmodel`` prints as one line
and exits 2 with.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ModelError
from ..model.schema import Schema

#: Dialect spellings accepted on the command line (the io layer maps them to sqlglot/SQLAlchemy).
DIALECT_CHOICES = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "duckdb")
FORMAT_OF_EXTENSION = {".yaml": "yaml", ".yml": "yaml", ".sql": "sql", ".dbml": "dbml"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the schema commands to the ``dbmodel`` parser."""

    def spec_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("spec", metavar="SPEC",
                       help="schema file (.yaml, .sql, .dbml) or a database URL to reflect")
        p.add_argument("--from-dialect", default="postgres", choices=DIALECT_CHOICES, metavar="D",
                       help="SQL dialect of a .sql SPEC (default: postgres)")
        p.add_argument("--skip-unsupported", action="store_true",
                       help="in a .sql SPEC, skip statements the model cannot represent (views, functions, "
                       "...) instead of failing; each is reported on standard error")

    def dialect_arg(p: argparse.ArgumentParser, help: str) -> None:
        p.add_argument("--dialect", "-d", default="postgresql", choices=DIALECT_CHOICES, metavar="D", help=help)

    p = sub.add_parser("ddl", help="print the CREATE statements of a schema for one dialect",
                       description="Print the DDL (CREATE TABLE, indexes, constraints) of SPEC for a dialect.")
    spec_arg(p)
    dialect_arg(p, "target dialect: postgresql, mysql (MariaDB too), sqlite, duckdb (default: postgresql)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=run_ddl)

    p = sub.add_parser("apply", help="create a schema's tables in a database",
                       description="Create the tables of SPEC in the database at URL (inside a transaction "
                       "where the engine has transactional DDL).")
    spec_arg(p)
    p.add_argument("--url", required=True, help="SQLAlchemy URL, e.g. sqlite:///shop.db or "
                   "postgresql+psycopg://user@host/db")
    p.set_defaults(func=run_apply)

    p = sub.add_parser("reflect", help="read a live database's schema",
                       description="Read the schema of the database at URL and write it as YAML, SQL or DBML.")
    p.add_argument("url", metavar="URL", help="SQLAlchemy URL of the database")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE, in the format its extension names (default: YAML on standard output)")
    p.add_argument("--format", "-f", choices=("yaml", "sql", "dbml"), default=None,
                   help="format for standard output (default: yaml)")
    dialect_arg(p, "dialect of SQL output (default: postgresql)")
    p.set_defaults(func=run_reflect)

    p = sub.add_parser("convert", help="convert a schema between YAML, SQL and DBML",
                       description="Read SPEC and write it to FILE in the format its extension names "
                       "(.yaml, .sql, .dbml).")
    spec_arg(p)
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the file to write (.yaml, .sql, .dbml)")
    dialect_arg(p, "dialect of .sql output (default: postgresql)")
    p.set_defaults(func=run_convert)

    p = sub.add_parser("lint", help="check a schema against the design rules",
                       description="Check SPEC against the lint rules (DM101...). Exits 1 when an error-level "
                       "finding exists.")
    spec_arg(p)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--select", action="append", default=[], metavar="RULE",
                   help="run only this rule (id or name); repeatable (default: every rule)")
    p.add_argument("--ignore", action="append", default=[], metavar="RULE",
                   help="skip a rule (id or name) everywhere, or TABLE:RULE for one table; repeatable")
    p.set_defaults(func=run_lint)


# -- helpers ---------------------------------------------------------------------------------

def _is_url(text: str) -> bool:
    return "://" in text


def _safe_url(url: str) -> str:
    """``url`` without its password, for messages."""
    import sqlalchemy as sa

    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given: it has no password field to hide
        return url


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn the ways a database URL fails (cannot parse, no driver, cannot connect, SQL refused) into
    a one-line :class:`ModelError` naming the URL, password hidden."""
    import sqlalchemy as sa

    where = _safe_url(url)
    try:
        yield
    except sa.exc.NoSuchModuleError as e:
        raise ModelError(f"unknown database kind: {e}", where=where) from None
    except sa.exc.ArgumentError as e:
        raise ModelError(f"not a database URL: {e}", where=where) from None
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] in ("dbmodel_kit", ""):
            raise  # our own code is broken: that is a bug, not the user's URL
        raise ModelError(f"the database driver {e.name!r} is not installed (pip install {e.name})",
                         where=where) from None
    except sa.exc.DBAPIError as e:
        cause = e.orig if e.orig is not None else e
        raise ModelError(_one_line(cause), where=where) from None
    except sa.exc.SQLAlchemyError as e:
        raise ModelError(_one_line(e), where=where) from None
    except Exception as e:
        # DuckDB is reached through its own API (see dbmodel_kit.io.reflect), so its errors are
        # duckdb.Error subclasses rather than SQLAlchemy's wrappers.
        if type(e).__module__.split(".")[0] != "duckdb":
            raise
        raise ModelError(_one_line(e), where=where) from None


def _one_line(error: BaseException) -> str:
    """``Type: first line of the message`` (drivers put SQL and hints on later lines)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


#: Engines whose URL names a file; connecting to a missing one silently creates it.
FILE_ENGINES = frozenset({"sqlite", "duckdb"})


def _existing_database(url: str) -> None:
    """Refuse a file-based URL (SQLite, DuckDB) whose file does not exist: connecting would create
    an empty database and report an empty schema instead of the typo."""
    import sqlalchemy as sa

    with database_errors(url):
        parsed = sa.make_url(url)
    database = parsed.database
    if parsed.get_backend_name() in FILE_ENGINES and database and database != ":memory:" \
            and not database.startswith("file:") and not Path(database).exists():
        raise ModelError(f"no such database file {database!r}", where=_safe_url(url))


def _reflect(url: str) -> Schema:
    # Imported from the submodule: once ``dbmodel_kit.io.reflect`` (the module) is imported, the
    # package attribute of the same name is that module rather than the function.
    from ..io.reflect import reflect

    _existing_database(url)
    with database_errors(url):
        return reflect(url)


def load_spec(spec: str, from_dialect: str = "postgres", skip_unsupported: bool = False) -> Schema:
    """The schema a SPEC names: a file read by :mod:`dbmodel_kit.io`, or a reflected URL.

    SQL import notes (statements skipped, options not kept) go to standard error as
    ``file:line: note: ...``, so nothing is dropped silently.
    """
    from ..io import dialect_names, load

    if _is_url(spec):
        return _reflect(spec)
    path = Path(spec)
    fmt = FORMAT_OF_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        raise ModelError("cannot tell the format: a SPEC is a .yaml, .sql or .dbml file or a database URL",
                         where=spec)
    if not path.is_file():
        raise ModelError("no such file" if not path.exists() else "not a file", where=spec)
    if fmt != "sql":
        return load(path)
    from ..io.sql_import import read_sql

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ModelError(f"cannot read: {e}", where=spec) from None
    try:
        result = read_sql(text, dialect=dialect_names(from_dialect)[0], source=spec, strict=not skip_unsupported)
    except ModelError as e:
        # the library names its own switch; on the command line that switch is a flag
        raise ModelError(e.message.replace("pass strict=False", "use --skip-unsupported"), where=e.where) from None
    notes: list[tuple[int, str]] = []
    for note in result.warnings:
        m = re.match(r"line (\d+): (.*)", note, re.S)
        if m:
            notes.append((int(m.group(1)), f"{spec}:{m.group(1)}: note: {m.group(2)}"))
        else:
            notes.append((0, f"{spec}: note: {note}"))
    for _, line in sorted(notes):
        print(line, file=sys.stderr)
    return result.schema


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as e:
        raise ModelError(f"cannot write: {e.strerror or e}", where=output) from None
    print(f"wrote {output}", file=sys.stderr)


def _output_format(output: str) -> str:
    fmt = FORMAT_OF_EXTENSION.get(Path(output).suffix.lower())
    if fmt is None:
        raise ModelError("cannot tell the format from the extension: use .yaml, .sql or .dbml", where=output)
    return fmt


# -- the commands ----------------------------------------------------------------------------

def run_ddl(args: argparse.Namespace) -> int:
    """``dbmodel ddl SPEC --dialect D [-o FILE]``."""
    from ..ddl import create_sql
    from ..io import dialect_names

    schema = load_spec(args.spec, args.from_dialect, args.skip_unsupported)
    _write(create_sql(schema, dialect_names(args.dialect)[1]), args.output)
    return 0


def run_apply(args: argparse.Namespace) -> int:
    """``dbmodel apply SPEC --url URL``."""
    from ..ddl import apply

    schema = load_spec(args.spec, args.from_dialect, args.skip_unsupported)
    with database_errors(args.url):
        apply(schema, args.url)
    n = len(schema.tables)
    print(f"created {n} table{'s' if n != 1 else ''} in {_safe_url(args.url)}", file=sys.stderr)
    return 0


def run_reflect(args: argparse.Namespace) -> int:
    """``dbmodel reflect URL [-o FILE] [--format F] [--dialect D]``."""
    from ..io import dumps

    if args.output and args.output != "-":
        fmt = _output_format(args.output)
        if args.format and args.format != fmt:
            raise ModelError(f"--format {args.format} contradicts the extension of {args.output}")
    else:
        fmt = args.format or "yaml"
    schema = _reflect(args.url)
    _write(dumps(schema, fmt, dialect=args.dialect), args.output)
    return 0


def run_convert(args: argparse.Namespace) -> int:
    """``dbmodel convert SPEC -o FILE [--dialect D]``."""
    from ..io import dumps

    fmt = _output_format(args.output)
    schema = load_spec(args.spec, args.from_dialect, args.skip_unsupported)
    if args.output != "-" and os.path.abspath(args.output) == os.path.abspath(args.spec):
        raise ModelError("the output would overwrite the input; choose another file", where=args.output)
    _write(dumps(schema, fmt, dialect=args.dialect), args.output)
    return 0


def run_lint(args: argparse.Namespace) -> int:
    """``dbmodel lint SPEC [--format text|json] [--select RULE ...] [--ignore RULE ...]``: exit 1 on
    error findings."""
    from ..lint import RULES, lint

    schema = load_spec(args.spec, args.from_dialect, args.skip_unsupported)
    report = lint(schema, args.select or RULES, ignore=args.ignore)
    _write(report.to_json() if args.format == "json" else str(report), None)
    return 1 if report.has_errors else 0
