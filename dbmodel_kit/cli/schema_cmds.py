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
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError
from ..inputs import read_text
from ..urls import is_url, redact_url, scrub

if TYPE_CHECKING:
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
        p.add_argument("--strict", action="store_true",
                       help="in a .sql SPEC, fail on any statement or clause the model cannot keep (by default "
                       "each is reported on standard error with its line and the import goes on)")
        # the default since the import reads whole dumps; kept so existing scripts still run
        p.add_argument("--skip-unsupported", action="store_true", help=argparse.SUPPRESS)

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
    p.add_argument("url", metavar="URL", help="SQLAlchemy URL of the database (SQLite: ?attach=FILE or "
                   "?attach=NAME=FILE, repeatable, attaches another file as schema NAME)")
    p.add_argument("--schema", action="append", default=[], metavar="NAME",
                   help="read this database schema (repeatable; default: every schema that is not the "
                   "engine's own and holds a table; MySQL: the URL's database, or with none every "
                   "database but the server's own; SQLite: main and the attached files)")
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

@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn the ways a database URL fails (cannot parse, no driver, cannot connect, SQL refused) into
    a one-line :class:`ModelError` naming the URL, its secrets hidden (also in the driver's words)."""
    try:
        yield
    except ModelError as e:
        raise ModelError(scrub(e.message, url), where=scrub(e.where, url) if e.where else e.where) from None
    except Exception as e:
        error = _database_error(e, url)
        if error is None:
            raise
        raise error from None


def _database_error(e: Exception, url: str) -> ModelError | None:
    """The one-line error for a failure the URL's database caused; None for anything else."""
    import sqlalchemy as sa

    where = redact_url(url)
    if isinstance(e, sa.exc.NoSuchModuleError):
        message = f"unknown database kind: {e}"
    elif isinstance(e, sa.exc.ArgumentError):
        message = f"not a database URL: {_one_line(e).partition(': ')[2]}"
    elif isinstance(e, TypeError) and "keyword argument" in str(e) and _raised_outside_the_kit(e):
        # a URL query parameter the driver's connect() does not take (``?sslpassword=`` to PyMySQL)
        message = f"the database driver does not take a parameter of this URL: {e}"
    elif isinstance(e, ModuleNotFoundError):
        if (e.name or "").split(".")[0] in ("dbmodel_kit", ""):
            return None  # our own code is broken: that is a bug, not the user's URL
        message = f"the database driver {e.name!r} is not installed (pip install {e.name})"
    elif isinstance(e, sa.exc.DBAPIError):
        message = _one_line(e.orig if e.orig is not None else e)
    elif isinstance(e, sa.exc.SQLAlchemyError):
        message = _one_line(e)
    elif type(e).__module__.split(".")[0] == "duckdb":
        # DuckDB is reached through its own API (see dbmodel_kit.io.reflect), so its errors are
        # duckdb.Error subclasses rather than SQLAlchemy's wrappers.
        message = _one_line(e)
    else:
        return None
    return ModelError(scrub(message, url), where=where)


def _raised_outside_the_kit(error: BaseException) -> bool:
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and "dbmodel_kit" not in frames[-1].filename


def _one_line(error: BaseException) -> str:
    """``Type: first line of the message`` (drivers put SQL and hints on later lines)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


#: Engines whose URL names a file; connecting to a missing one silently creates it.
FILE_ENGINES = frozenset({"sqlite", "duckdb"})


def _existing_database(url: str) -> None:
    """Refuse a file-based URL (SQLite, DuckDB) whose file, or a file it attaches, does not exist:
    connecting would create an empty database and report an empty schema instead of the typo."""
    from ..urls import sqlite_attachments

    parsed, attached = sqlite_attachments(url)
    database = parsed.database
    if parsed.get_backend_name() in FILE_ENGINES and database and database != ":memory:" \
            and not database.startswith("file:") and not Path(database).exists():
        raise ModelError(f"no such database file {database!r}", where=redact_url(url))
    for name, path in attached:
        if path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
            raise ModelError(f"attach: no such database file {path!r} (for schema {name})", where=redact_url(url))


def _reflect(url: str, schemas: list[str] | None = None) -> Schema:
    # Imported from the submodule: once ``dbmodel_kit.io.reflect`` (the module) is imported, the
    # package attribute of the same name is that module rather than the function.
    from ..io.reflect import ReflectionWarning, reflect

    _existing_database(url)
    with database_errors(url), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReflectionWarning)
        schema = reflect(url, schema=schemas or None)
    for w in caught:
        # what the model could not hold, one line each in the form the SQL import uses
        if issubclass(w.category, ReflectionWarning):
            print(f"{redact_url(url)}: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return schema


def load_spec(spec: str, from_dialect: str = "postgres", strict: bool = False, cache: bool = False,
              schemas: list[str] | None = None) -> Schema:
    """The schema a SPEC names: a file read by :mod:`dbmodel_kit.io`, or a reflected URL (its
    ``schemas``, or those reflection reads by default).

    SQL import problems (statements not kept, notes, errors) go to standard error as
    ``file:line: level: message`` in line order, so nothing is dropped silently; errors (and with
    ``strict`` anything not kept) fail after every one is listed. ``cache``: a file read before
    with the same bytes comes from :mod:`.spec_cache` (its problems printed again).
    """
    schema, lines = load_spec_lines(spec, from_dialect, strict, cache, schemas)
    for line in lines:
        print(line, file=sys.stderr)
    return schema


def load_spec_lines(spec: str, from_dialect: str = "postgres", strict: bool = False,
                    cache: bool = False, schemas: list[str] | None = None) -> tuple[Schema, list[str]]:
    """:func:`load_spec`, with the lines to print about the import given back, not printed."""
    if is_url(spec):
        return _reflect(spec, schemas), []
    path = Path(spec)
    fmt = FORMAT_OF_EXTENSION.get(path.suffix.lower())
    if fmt is None:
        raise ModelError("cannot tell the format: a SPEC is a .yaml, .sql or .dbml file or a database URL",
                         where=spec)
    if not path.is_file():
        raise ModelError("no such file" if not path.exists() else "not a file", where=spec)
    from .spec_cache import cached

    def read() -> tuple[Schema, list[str]]:
        schema, lines = _read_spec(spec, path, fmt, from_dialect, strict)
        if cache:  # what commands derive from SQL text, kept in the entry: a hit needs no SQL parser
            for table in schema.tables:
                for check in table.checks:
                    check.columns  # noqa: B018  (fills the check's memo)
        return schema, lines

    # the printed lines name ``spec`` as given, so it is part of the key
    how = ("schema", spec, fmt, from_dialect if fmt == "sql" else "", "strict" if strict else "")
    return cached([path], how, read, use=cache)


def _read_spec(spec: str, path: Path, fmt: str, from_dialect: str, strict: bool) -> tuple[Schema, list[str]]:
    """The schema in the file at ``path`` and the lines to print about its import."""
    from ..io import dialect_names, load

    if fmt != "sql":
        return load(path), []
    from ..io.sql_import import SqlImportError, read_sql

    text = read_text(path, "sql", source=spec)
    try:
        result = read_sql(text, dialect=dialect_names(from_dialect)[0], source=spec, strict=strict)
    except SqlImportError as e:
        if len(e.problems) == 1:
            raise
        for problem in e.problems:
            print(problem.at(spec), file=sys.stderr)
        raise ModelError(f"{e.message.splitlines()[0]}; nothing written", where=spec) from None
    lines = [problem.at(spec) for problem in result.problems]
    lost = len(result.not_kept)
    if lost:
        lines.append(f"{spec}: {lost} statement{'s' if lost != 1 else ''} or clause{'s' if lost != 1 else ''} "
                     "not kept (listed above; --strict fails on them)")
    return result.schema, lines


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

    schema = load_spec(args.spec, args.from_dialect, args.strict)
    _write(create_sql(schema, dialect_names(args.dialect)[1]), args.output)
    return 0


def run_apply(args: argparse.Namespace) -> int:
    """``dbmodel apply SPEC --url URL``."""
    from ..ddl import apply

    schema = load_spec(args.spec, args.from_dialect, args.strict)
    with database_errors(args.url):
        apply(schema, args.url)
    n = len(schema.tables)
    print(f"created {n} table{'s' if n != 1 else ''} in {redact_url(args.url)}", file=sys.stderr)
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
    schema = _reflect(args.url, args.schema)
    _write(dumps(schema, fmt, dialect=args.dialect), args.output)
    return 0


def run_convert(args: argparse.Namespace) -> int:
    """``dbmodel convert SPEC -o FILE [--dialect D]``."""
    from ..io import dumps

    fmt = _output_format(args.output)
    schema = load_spec(args.spec, args.from_dialect, args.strict)
    if args.output != "-" and os.path.abspath(args.output) == os.path.abspath(args.spec):
        raise ModelError("the output would overwrite the input; choose another file", where=args.output)
    _write(dumps(schema, fmt, dialect=args.dialect), args.output)
    return 0


def run_lint(args: argparse.Namespace) -> int:
    """``dbmodel lint SPEC [--format text|json] [--select RULE ...] [--ignore RULE ...]``: exit 1 on
    error findings."""
    from ..lint import RULES, lint

    schema = load_spec(args.spec, args.from_dialect, args.strict)
    report = lint(schema, args.select or RULES, ignore=args.ignore)
    _write(report.to_json() if args.format == "json" else str(report), None)
    return 1 if report.has_errors else 0
