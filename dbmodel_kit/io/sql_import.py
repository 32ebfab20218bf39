"""SQL scripts -> Schema: whole dumps read as the engine's own client reads them, parsed with sqlglot.

Dialects: postgres (``psql`` scripts, ``pg_dump`` output), mysql (the ``mysql`` client,
``mysqldump``, MariaDB), sqlite (the ``sqlite3`` shell, ``.dump``), duckdb.

**The script** is split by :mod:`dbmodel_kit.io.sql_script` as the client would (``DELIMITER``,
``/*! ... */`` versioned comments, psql meta-commands, ``COPY ... FROM stdin`` data, SQLite trigger
bodies); each statement is then classified by its first words (:data:`STATEMENTS`) and read.

**Kept**: ``CREATE TABLE`` with inline and table constraints (PRIMARY KEY, FOREIGN KEY /
REFERENCES with ON DELETE/UPDATE, UNIQUE, CHECK, DEFAULT, NOT NULL/NULL, identity in all its
spellings: GENERATED ... AS IDENTITY, AUTO_INCREMENT, AUTOINCREMENT; PostgreSQL's SERIAL as the
sequence it is, owned by the column; DEFAULT nextval(...) over a ``CREATE SEQUENCE`` and ``ALTER
SEQUENCE ... OWNED BY``; MySQL's ON UPDATE CURRENT_TIMESTAMP; generated columns; inline ``COMMENT``; MySQL
``KEY``/``INDEX`` lines and ``COMMENT=``), ``CREATE [UNIQUE] INDEX`` with ``USING``, ``INCLUDE``
and a partial ``WHERE``, ``ALTER TABLE [ONLY] ... ADD [CONSTRAINT]`` (FK, UNIQUE, CHECK, PRIMARY
KEY), ``ALTER TABLE ... ADD COLUMN`` and ``ALTER COLUMN ... SET DEFAULT``, ``CREATE TYPE ... AS
ENUM``, ``COMMENT ON TABLE/COLUMN``, ``DROP`` of what the script created before. A MySQL inline
``ENUM(...)`` column type becomes an enum named ``<table>_<column>`` (columns with the same list
of values share the first such enum, so a foreign key between them keeps matching types).

**Never stops at the first problem.** Every statement is read; what happened to each is a
:class:`Problem` of one of three levels:

- ``error``: the script is not valid SQL for the dialect (a syntax error, ``(a int,, b int)``,
  a table used before it is created), or a statement the kit must read could not be read. Any
  error makes :func:`read_sql` raise :class:`SqlImportError` listing *every* problem by line.
- ``not kept``: valid schema the model cannot hold (an option, an expression index, a statement
  kind the model lacks). Reported; with ``strict=True`` these fail the import too.
- ``note``: statements that carry no schema: session settings (``SET``, ``set_config``),
  client commands, data (``INSERT``, ``COPY``), ownership (``OWNER TO``), ``USE``. Grouped, one
  note per kind (and table, for data).

A ``CHAR(36)`` column whose default is ``uuid()`` (how MySQL stores UUIDs) is read as
``uuid``, and so are ``CHAR(36)`` columns referencing one; other ``CHAR(36)`` columns stay
``char(36)``. Names of primary keys are not kept (the model names none).

>>> r = read_sql("CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL);")
>>> t = r.schema.table("users")
>>> str(t.column("id").type), str(t.column("id").default), t.uniques[0].columns
('integer', "nextval('users_id_seq')", ('email',))
>>> r.schema.sequence("users_id_seq").owned_by
('users', 'id')
>>> r = read_sql("SET x = 1;\\nCREATE TABLE t (id int PRIMARY KEY,, x text);\\nCREATE TABL u (id int);",
...              source="a.sql")
Traceback (most recent call last):
...
dbmodel_kit.io.sql_import.SqlImportError: a.sql: 2 errors
  a.sql:2: error: SQL syntax error: ',' follows ',' (an empty item in a list)
  a.sql:3: error: SQL syntax error: not a statement postgres knows: CREATE TABL u (id int)
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import NormalizationStrategy
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot.tokens import Token, TokenType

from .._gc import fewer_collections
from ..ddl.sqltext import DEFINER
from ..errors import ModelError
from ..inputs import check_nesting, check_text, recursion_room
from ..model import naming
from ..model.naming import qualify, split_key
from ..model.schema import (
    Check,
    Column,
    Default,
    Domain,
    Enum,
    ForeignKey,
    Index,
    Schema,
    Sequence,
    Table,
    Unique,
    Verbatim,
    View,
)
from ..model.types import COLLATABLE_KINDS, INTEGER_KINDS, DataType, dialect_key
from .engine_names import NAMERS
from .pg_import import PgImport
from .pg_objects import take_tokens
from .sql_objects import (
    OBJECT_KINDS,
    in_schema,
    mentioned,
    object_head,
    shadow_tables,
    split_view,
    without_qualifier,
)
from .sql_script import CLIENTS, Piece, split_script
from .sql_types import PARSE_DIALECTS, TypeRead, identity_sequences, plain_sequence, read_type

_ACTION_PREFIXES = {"ON DELETE ": "on_delete", "ON UPDATE ": "on_update"}

ERROR, NOT_KEPT, NOTE = "error", "not kept", "note"


@dataclass(frozen=True)
class Problem:
    """What happened to one statement or clause the model does not take as written."""

    line: int
    level: str  # ERROR, NOT_KEPT or NOTE
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.level}: {self.message}"

    def at(self, source: str) -> str:
        """``source:LINE: level: message``, the form compilers use (editors jump to it)."""
        return f"{source}:{self.line}: {self.level}: {self.message}"


class SqlImportError(ModelError):
    """The script has errors (or, with ``strict``, statements the model cannot keep); ``problems``
    lists every one, in line order."""

    def __init__(self, problems: list[Problem], source: str) -> None:
        self.problems = tuple(problems)
        self.source = source
        if len(problems) == 1:
            super().__init__(problems[0].message, where=f"{source}:{problems[0].line}")
            return
        errors = sum(p.level == ERROR for p in problems)
        lost = len(problems) - errors
        head = ", ".join(part for part in (
            f"{errors} error{'s' if errors != 1 else ''}" if errors else "",
            f"{lost} statement{'s' if lost != 1 else ''} or clause{'s' if lost != 1 else ''} not kept (strict)"
            if lost else "") if part)
        super().__init__(head + "".join(f"\n  {p.at(source)}" for p in problems), where=source)


@dataclass(frozen=True)
class SqlImport:
    """What an import produced: the schema, and every statement or clause not taken as written."""

    schema: Schema
    problems: tuple[Problem, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """``line N: message`` for what was not kept and for each note, in line order."""
        return tuple(str(p) for p in self.problems)

    @property
    def not_kept(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == NOT_KEPT)

    @property
    def notes(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == NOTE)


@dataclass
class _Draft:
    """A table being assembled from CREATE TABLE, ALTER TABLE, CREATE INDEX and COMMENT ON."""

    name: str
    line: int
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    #: the primary key's ``DEFERRABLE [INITIALLY DEFERRED]`` (the model's ``deferrable``)
    primary_key_deferrable: str | None = None
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    comment: str | None = None
    #: how the dialect matches column names (case-insensitive engines compare folded names)
    fold: Callable[[str], str] = str
    #: the column each CHECK was declared on (None: a table CHECK), in the order of ``checks``
    check_origin: list[str | None] = field(default_factory=list)
    #: MySQL columns declared BINARY whose character set is the table's: (column, line)
    binary: list[tuple[str, int]] = field(default_factory=list)
    #: MySQL columns of a named CHARACTER SET in that set's default collation: (column, set)
    charset_only: list[tuple[str, str]] = field(default_factory=list)
    #: MySQL: the table's DEFAULT CHARSET, once its CREATE TABLE is read
    charset: str | None = None
    creating: bool = True

    def has(self, column: str) -> bool:
        key = self.fold(column)
        return any(self.fold(c.name) == key for c in self.columns)

    def set_column(self, column: Column) -> None:
        key = self.fold(column.name)
        self.columns = [column if self.fold(c.name) == key else c for c in self.columns]

    def column(self, name: str) -> Column:
        key = self.fold(name)
        for c in self.columns:
            if self.fold(c.name) == key:
                return c
        raise ModelError(f"table {self.name!r} has no column {name!r}")

    def canonical(self, name: str) -> str:
        """The column's name as declared, for a reference that may spell it in another case."""
        return self.column(name).name if self.has(name) else name


class _Skip(Exception):
    """A statement or clause the model cannot represent (a ``not kept`` problem)."""


class _Note(Exception):
    """A statement that carries no schema: ``group`` collects like ones into one note."""

    def __init__(self, group: str, message: str) -> None:
        super().__init__(message)
        self.group = group


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    # sqlglot logs a warning for each statement it falls back to exp.Command on; we report
    # those ourselves with their line numbers
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _ascii_lower(name: str) -> str:
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

#: How each engine matches names, as (tables and types, columns): the name is kept as declared and a
#: reference in another case still finds it. SQLite folds ASCII letters only
#: (https://sqlite.org/lang_keywords.html); DuckDB is case-insensitive and case-preserving
#: (https://duckdb.org/docs/sql/dialect/keywords_and_identifiers); MySQL column names are
#: case-insensitive, table names follow the file system (case-sensitive on Linux); PostgreSQL
#: compares exactly, after folding unquoted names to lower case (sqlglot's normalize_identifiers).
NAME_MATCHING: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "postgres": (str, str),
    "mysql": (str, str.lower),
    "sqlite": (_ascii_lower, _ascii_lower),
    "duckdb": (str.lower, str.lower),
}

#: Where a list may end with a comma (``(a int, b int,)``): DuckDB's "friendly SQL" allows it
#: (https://duckdb.org/docs/sql/dialect/friendly_sql); the other engines refuse it.
TRAILING_COMMA = frozenset({"duckdb"})

#: Where every column of CREATE TABLE comes before the table constraints: SQLite's grammar
#: (https://www.sqlite.org/lang_createtable.html) has ``column-def, ... [, table-constraint, ...]``;
#: sqlglot reads them in any order, as PostgreSQL, MySQL and DuckDB do.
COLUMNS_FIRST = frozenset({"sqlite"})

#: A name written without quotes, as every engine reads one: a letter, ``_`` or any non-ASCII
#: character first, then those, digits and ``$`` (PostgreSQL's ``ident_start``/``ident_cont``; SQLite
#: and DuckDB alike). MySQL also takes a leading digit, unless the name then reads as a number.
_BARE_NAME = re.compile(r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*")
_MYSQL_BARE_NAME = re.compile(r"(?!\d+(?:[eE][+-]?\d+)?$)(?!0[xb])[A-Za-z0-9_$\u0080-\U0010ffff]+")


def check_names(stmt: exp.Expression, dialect: str) -> None:
    """Refuse a name sqlglot read leniently where the engine reads no name: unquoted text that is
    not an identifier there (``CONSTRAINT 1e999 ...``, ``$$ x UNIQUE``), and on MySQL a character
    outside the Basic Multilingual Plane, quoted or not ("Invalid utf8mb4 character string")."""
    from ..dialects import get_dialect

    bmp_only = get_dialect(dialect).identifier_bmp_only
    # one walk of the tree (three were 8% of reading a 300-table dump), its finds checked in the order
    # of three: a parameter anywhere first, then names of columns and constraints, then identifiers
    param, named_nodes, idents = None, [], []
    for node in stmt.walk():
        if isinstance(node, exp.Identifier):
            idents.append(node)
        elif isinstance(node, exp.ColumnDef | exp.Constraint):
            named_nodes.append(node)
        elif param is None and isinstance(node, exp.Parameter | exp.Placeholder):
            param = node
    if param is not None:  # `$x int` read as column x: DDL takes no parameters
        raise ModelError(f"SQL syntax error: a parameter ({_short_text(param.sql(dialect=dialect))}) where SQL "
                         "for a schema has none")
    bare = _MYSQL_BARE_NAME if dialect == "mysql" else _BARE_NAME
    reserved = _reserved_words(dialect)
    for named in named_nodes:
        ident = named.this
        if not isinstance(ident, exp.Identifier):  # DuckDB reads `1e999 int` as a column named by a number
            raise ModelError(f"SQL syntax error: {_short_text(named.sql(dialect=dialect))!r} starts with no name")
        if not ident.quoted and ident.name.lower() in reserved:
            raise ModelError(f"SQL syntax error: {ident.name!r} is a reserved word in {dialect}; quote it to use it "
                             "as a name")
    for ident in idents:
        name = ident.this if isinstance(ident.this, str) else ""
        if not ident.quoted and name and not bare.fullmatch(name):
            raise ModelError(f"SQL syntax error: {name[:40]!r} is not a name {dialect} reads without quotes")
        if bmp_only and any(ord(ch) > 0xFFFF for ch in name):
            raise ModelError(f"{name[:40]!r}: {dialect} names hold only characters of the Basic Multilingual Plane "
                             "(no emoji): Invalid utf8mb4 character string")


@functools.cache
def _reserved_words(dialect: str) -> frozenset[str]:
    """Words the engine refuses as a bare name, as sqlglot lists them for MySQL (its manual's reserved
    words) and DuckDB (PostgreSQL's grammar); PostgreSQL and SQLite have no such list in sqlglot, so
    their names are left to the syntax (SQLite takes most keywords as names)."""
    from sqlglot.dialects.dialect import Dialect

    if dialect not in ("mysql", "duckdb"):
        return frozenset()
    return frozenset(w.lower() for w in getattr(Dialect.get_or_raise(dialect).generator_class, "RESERVED_KEYWORDS", ()))


def check_columns_first(stmt: exp.Create, dialect: str) -> None:
    """Refuse a column definition after a table constraint where the engine's grammar does (SQLite)."""
    schema = stmt.this if isinstance(stmt.this, exp.Schema) else None
    constraint = None
    for item in schema.expressions if schema is not None else ():
        if isinstance(item, exp.ColumnDef):
            if constraint is not None:
                raise ModelError(f"SQL syntax error: column {item.name!r} follows a table constraint "
                                 f"({constraint}); {dialect} takes every column first")
        elif constraint is None:
            constraint = _short_text(item.sql())


#: Words that may sit between CREATE and the kind of object (``CREATE OR REPLACE TEMP VIEW``,
#: MySQL's ``CREATE DEFINER=x SQL SECURITY INVOKER VIEW``, ``CREATE UNIQUE INDEX``).
_CREATE_MODIFIERS = frozenset({
    "OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "UNIQUE", "DEFINER", "SQL",
    "SECURITY", "INVOKER", "ALGORITHM", "UNDEFINED", "MERGE", "TEMPTABLE", "TRUSTED", "PROCEDURAL", "CONSTRAINT",
    "RECURSIVE", "FULLTEXT", "SPATIAL", "ONLINE", "OFFLINE", "AGGREGATE_FUNCTION", "DEFAULT", "IF", "NOT", "EXISTS",
    "PERSISTENT", "TRANSIENT", "CLUSTERED", "NONCLUSTERED",
})
#: Object kinds named by two words.
_TWO_WORD_KINDS = frozenset({("MATERIALIZED", "VIEW"), ("VIRTUAL", "TABLE"), ("FOREIGN", "TABLE"),
                             ("EVENT", "TRIGGER"), ("TEXT", "SEARCH"), ("ACCESS", "METHOD"), ("FOREIGN", "DATA"),
                             ("USER", "MAPPING"), ("OPERATOR", "CLASS"), ("OPERATOR", "FAMILY")})

#: Kinds of object a CREATE statement makes in one of the four engines (or their close kin); a CREATE
#: of anything else is not SQL the engine would run.
_CREATE_KINDS = frozenset({
    "TABLE", "VIEW", "MATERIALIZED VIEW", "INDEX", "TYPE", "DOMAIN", "SEQUENCE", "TRIGGER", "FUNCTION", "PROCEDURE",
    "AGGREGATE", "EXTENSION", "POLICY", "RULE", "EVENT", "OPERATOR", "CAST", "COLLATION", "LANGUAGE", "SCHEMA",
    "DATABASE", "ROLE", "USER", "GROUP", "SERVER", "PUBLICATION", "SUBSCRIPTION", "STATISTICS", "TEXT SEARCH",
    "FOREIGN TABLE", "FOREIGN DATA", "VIRTUAL TABLE", "MACRO", "SECRET", "CONVERSION", "ACCESS METHOD",
    "EVENT TRIGGER", "TRANSFORM", "TABLESPACE", "USER MAPPING", "OPERATOR CLASS", "OPERATOR FAMILY", "LOGFILE",
    "RESOURCE", "PACKAGE", "SPATIAL", "SYNONYM",
})

#: First words of the statements the four engines run (PostgreSQL, MySQL/MariaDB, SQLite, DuckDB);
#: a statement starting with another word is not SQL.
_STATEMENT_WORDS = frozenset({
    "ABORT", "ALTER", "ANALYZE", "ATTACH", "BEGIN", "CALL", "CHECKPOINT", "CLOSE", "CLUSTER", "COMMENT", "COMMIT",
    "COPY", "CREATE", "DEALLOCATE", "DECLARE", "DELETE", "DESCRIBE", "DESC", "DETACH", "DISCARD", "DO", "DROP",
    "END", "EXECUTE", "EXPLAIN", "EXPORT", "FETCH", "FLUSH", "FORCE", "FROM", "GRANT", "HANDLER", "IMPORT", "INSERT",
    "INSTALL", "KILL", "LISTEN", "LOAD", "LOCK", "MERGE", "MOVE", "NOTIFY", "OPTIMIZE", "PIVOT", "PRAGMA",
    "PREPARE", "REASSIGN", "REFRESH", "REINDEX", "RELEASE", "RENAME", "REPAIR", "REPLACE", "RESET", "REVOKE",
    "ROLLBACK", "SAVEPOINT", "SECURITY", "SELECT", "SET", "SHOW", "START", "SUMMARIZE", "TABLE", "TRUNCATE",
    "UNLISTEN", "UNLOCK", "UNPIVOT", "UPDATE", "UPSERT", "USE", "VACUUM", "VALUES", "WITH", "XA", "CHECKSUM",
    "CACHE", "BINLOG", "PURGE", "RESTORE", "BACKUP", "HELP", "SIGNAL", "RESIGNAL", "GET", "UNINSTALL", "CHANGE",
    "STOP", "EXEC",
})

#: Statement heads that carry no schema, by first word: the note group they fall in.
_NO_SCHEMA_HEADS: dict[str, str] = {
    **dict.fromkeys(("SET", "RESET", "PRAGMA", "LOCK", "UNLOCK", "BEGIN", "START", "COMMIT", "ROLLBACK", "END",
                     "SAVEPOINT", "RELEASE", "ANALYZE", "VACUUM", "CHECKPOINT", "FLUSH", "DISCARD", "LOAD",
                     "INSTALL", "ATTACH", "DETACH", "DECLARE", "CALL", "DO", "NOTIFY", "LISTEN"), "session"),
    **dict.fromkeys(("INSERT", "REPLACE", "UPDATE", "DELETE", "COPY", "TRUNCATE", "MERGE", "UPSERT"), "data"),
}

#: The head of a statement: words, quoted names and single characters (quoted text is not a word).
_HEAD_TOKEN = re.compile(r"""\s*(?:("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*')"""
                         r"""|([A-Za-z_][A-Za-z0-9_$]*)|(\S))""")


#: CREATE kinds read into verbatim objects, by dialect (PostgreSQL's are read elsewhere)
OBJECT_READS: dict[str, frozenset[str]] = {
    "mysql": frozenset({"TRIGGER", "FUNCTION", "PROCEDURE", "EVENT"}),
    "sqlite": frozenset({"TRIGGER", "VIRTUAL TABLE"}),
    "duckdb": frozenset({"MACRO", "FUNCTION"}),
}
#: Where a column's COLLATE is kept as the type's collation for that engine (reflection reads it back
#: from the table's text); elsewhere it is reported as not kept
COLUMN_COLLATIONS = frozenset({"sqlite", "postgres", "mysql"})
#: The schema holding an engine's built-in collations (pg_dump writes ``COLLATE pg_catalog."C"``)
_COLLATION_SCHEMAS = {"postgres": "pg_catalog"}
#: The table holding an SQLite database's schema (``sqlite_master``; ``sqlite_schema`` since 3.33)
_SQLITE_SCHEMA_TABLES = frozenset({"sqlite_schema", "sqlite_master", "main.sqlite_schema", "main.sqlite_master"})

_KEYS_SWITCH = re.compile(r"\s*ALTER\s+TABLE\s+\S+\s+(?:DISABLE|ENABLE)\s+KEYS\s*$", re.I)
_ON_ONLY = re.compile(r"(\bON)\s+ONLY\b", re.I)
#: Where a SERIAL column is a sequence of its own (PostgreSQL); elsewhere it is the model's identity.
SERIAL_IS_SEQUENCE = frozenset({"postgres"})
#: Functions an ON UPDATE clause may name for "the current time".
_NOW_CALLS = frozenset({"now", "current_timestamp", "localtimestamp", "localtime"})

_OWNED_BY = re.compile(r"\s*ALTER\s+SEQUENCE\s+(?:IF\s+EXISTS\s+)?(?P<seq>.+?)\s+OWNED\s+BY\s+(?P<owner>.+?)\s*$",
                       re.I | re.S)
_OWNER_TO = re.compile(r"""\sOWNER\s+TO\s+(?:"(?:[^"]|"")*"|\S+)\s*$""", re.I)
_DOMAIN = re.compile(r"""\s*CREATE\s+DOMAIN\s+(?P<name>(?:"(?:[^"]|"")*"|[^\s".]+)(?:\.(?:"(?:[^"]|"")*"|[^\s".]+))*)"""
                     r"""\s+(?:AS\s+)?(?P<rest>.*)$""", re.I | re.S)


def _head(code: str, limit: int = 16) -> list[str]:
    """The first ``limit`` tokens of ``code``: words upper-cased, anything quoted as ``?``."""
    out: list[str] = []
    pos = 0
    while len(out) < limit:
        m = _HEAD_TOKEN.match(code, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        quoted, word, other = m.groups()
        out.append("?" if quoted else word.upper() if word else other)
    return out


def _without_not_deferrable(code: str, tokens: list[Any]) -> str:
    """``code`` with each ``NOT DEFERRABLE [INITIALLY IMMEDIATE]`` blanked (what a constraint is
    without it; sqlglot 30 cannot read it after a table constraint), found by token so a string or
    comment holding the words stays as written."""
    words = [(t.text.upper() if t.token_type in (TokenType.VAR, TokenType.NOT) else None) for t in tokens]
    spans = []
    for i, w in enumerate(words):
        if w == "NOT" and words[i + 1:i + 2] == ["DEFERRABLE"]:
            end = i + 1
            if words[i + 2:i + 4] == ["INITIALLY", "IMMEDIATE"]:
                end = i + 3
            spans.append((tokens[i].start, tokens[end].end + 1))
    for start, stop in reversed(spans):
        code = code[:start] + " " * (stop - start) + code[stop:]
    return code


def _identity_options(code: str, tokens: list[Any]) -> tuple[str, list[tuple[int, str]]]:
    """``code`` with the option list of each ``AS IDENTITY (...)`` blanked (sqlglot 30 reads only some
    of the options: not CACHE, SEQUENCE NAME), and the lists as (offset, text) in order."""
    found = []
    for i, tok in enumerate(tokens[:-2]):
        if tok.text.upper() == "AS" and tokens[i + 1].text.upper() == "IDENTITY" \
                and tokens[i + 2].token_type == TokenType.L_PAREN:
            depth, j = 0, i + 2
            while j < len(tokens):
                depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tokens[j].token_type, 0)
                if depth == 0:
                    break
                j += 1
            if j == len(tokens):
                break
            start, stop = tokens[i + 2].start, tokens[j].end + 1
            found.append((start, code[start + 1:stop - 1]))
    for start, text in reversed(found):
        code = code[:start] + " " * (len(text) + 2) + code[start + len(text) + 2:]
    return code, found


def identity_value(always: bool, options: str) -> str | None:
    """The model's identity text for ``GENERATED ALWAYS|BY DEFAULT AS IDENTITY (options)``: the
    numbers kept (``START WITH 10 INCREMENT BY 5``), ``SEQUENCE NAME`` left to the engine."""
    words = re.sub(r"\bSEQUENCE\s+NAME\s+\S+", " ", options, flags=re.I)
    parts = re.findall(r"(?:NO\s+)?(?:START|INCREMENT|MINVALUE|MAXVALUE|CACHE|CYCLE)\b(?:\s+(?:WITH|BY))?"
                       r"(?:\s+[-+]?\d+)?", words, re.I)
    rest = re.sub(r"(?:NO\s+)?(?:START|INCREMENT|MINVALUE|MAXVALUE|CACHE|CYCLE)\b(?:\s+(?:WITH|BY))?"
                  r"(?:\s+[-+]?\d+)?", " ", words, flags=re.I)
    if rest.strip():
        raise ModelError(f"cannot read identity option {rest.strip()!r}")
    return ", ".join((["always"] if always else []) + parts) or None


def _exclusions(code: str, tokens: list[Any]) -> tuple[str, list[tuple[str | None, str]]]:
    """``code`` (a PostgreSQL CREATE TABLE) without its ``[CONSTRAINT name] EXCLUDE ...`` elements,
    found by token at the top level of the column list, and each as (name, ``EXCLUDE ...`` text):
    the model has no exclusion constraints, and sqlglot 30 reads only some of their forms."""
    depth, start, found, cut = 0, None, [], []
    element: list[int] = []

    def close(end: int) -> None:
        if not element:
            return
        words = [tokens[k].text.upper() for k in element[:3]]
        name = None
        if words[:1] == ["CONSTRAINT"] and len(words) == 3 and words[2] == "EXCLUDE":
            name = tokens[element[1]].text
            name = name[1:-1].replace('""', '"') if tokens[element[1]].token_type == TokenType.IDENTIFIER \
                else name.lower()
            body = tokens[element[2]].start
        elif words[:1] == ["EXCLUDE"]:
            body = tokens[element[0]].start
        else:
            return
        found.append((name, code[body:tokens[end].end + 1]))
        cut.append((tokens[element[0]].start, tokens[end].end + 1))

    for i, tok in enumerate(tokens):
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
            if depth == 1:
                start = i
                element = []
                continue
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0 and start is not None:
                close(i - 1)
                break
        elif tok.token_type == TokenType.COMMA and depth == 1:
            close(i - 1)
            element = []
            continue
        if depth >= 1 and start is not None:
            element.append(i)
    for begin, stop in reversed(cut):
        # the element and the comma before it (or, for the first element, after it)
        j = len(code[:begin].rstrip())
        if j and code[j - 1] == ",":
            code = code[:j - 1] + " " * (stop - j + 1) + code[stop:]
        else:
            k = stop
            while k < len(code) and code[k].isspace():
                k += 1
            k = k + 1 if k < len(code) and code[k] == "," else stop
            code = code[:begin] + " " * (k - begin) + code[k:]
    return code, found


def pg_constraint_name(table: str, columns: list[str], label: str) -> str:
    """The name PostgreSQL gives an unnamed constraint (``ChooseConstraintName``): table, columns and
    label joined by ``_``, the longer of table and columns cut until it fits 63 bytes."""
    name1, name2 = table, "_".join(columns)
    room = 63 - len(label) - 1 - (1 if name2 else 0)
    while len(name1.encode()) + len(name2.encode()) > room:
        if len(name1.encode()) > len(name2.encode()):
            name1 = name1[:-1]
        else:
            name2 = name2[:-1]
    return "_".join(x for x in (name1, name2, label) if x)


def _create_kind(head: list[str]) -> str:
    """The kind of object a CREATE makes (``TABLE``, ``MATERIALIZED VIEW``, ...), skipping modifiers
    and MySQL's ``DEFINER = user@host``."""
    i = 1
    while i < len(head):
        word = head[i]
        if word in ("=", "@", "?", "(", ")", ".") or word in _CREATE_MODIFIERS or (
                i > 1 and head[i - 1] in ("=", "@")):
            i += 1
            continue
        if i + 1 < len(head) and (word, head[i + 1]) in _TWO_WORD_KINDS:
            return f"{word} {head[i + 1]}"
        return word
    return ""


def read_sql(text: str, *, dialect: str = "postgres", source: str = "<string>", strict: bool = False) -> SqlImport:
    """Read an SQL script in ``dialect`` (sqlglot's name: postgres, mysql, sqlite, duckdb).

    Reads every statement and reports what it did not keep (:attr:`SqlImport.problems`); raises
    :class:`SqlImportError` listing every error (and, with ``strict``, everything not kept).
    """
    check_text(text, source, kind="sql")  # NUL bytes, size (dbmodel_kit.inputs)
    with fewer_collections():
        return _Reader(dialect, source, strict).read(text)


class _Reader(PgImport):
    def __init__(self, dialect: str, source: str, strict: bool) -> None:
        self.dialect = dialect
        self.parse_dialect = sqlglot.Dialect.get_or_raise(PARSE_DIALECTS.get(dialect, dialect))
        self.source = source
        self.strict = strict
        self.tables: dict[str, _Draft] = {}
        self.enums: dict[str, Enum] = {}
        #: names of the schema's relations (tables, indexes): PostgreSQL names indexes among them
        self.relation_names: set[str] = set()
        #: tables whose CREATE TABLE had an error (references to them are not reported again)
        self.broken: set[str] = set()
        #: CREATE SEQUENCE name (folded) -> the sequence
        self.sequences: dict[str, Sequence] = {}
        #: objects the script creates that are not kept: name -> (kind, line)
        self.unkept: dict[str, tuple[str, int]] = {}
        #: CREATE DOMAIN name (folded) -> the domain
        self.domains: dict[str, Domain] = {}
        self.inline_enums: set[str] = set()
        #: PostgreSQL views, objects kept as their SQL, and partitioning by table (io/pg_import)
        self.views: dict[str, View] = {}
        self.objects: dict[tuple[str, str], Verbatim] = {}
        self.partitioning: dict[str, dict[str, Any]] = {}
        self.view_parts_of: dict[str, Any] = {}
        #: tables and sequences of a named schema are keyed schema.name (PostgreSQL; its default schema
        #: ``public`` is the model's unnamed one)
        self.namespaced = dialect in NAMESPACED
        #: SQLite shadow tables (folded name) -> the virtual table they belong to
        self.shadows: dict[str, str] = {}
        self.problems: list[Problem] = []
        #: note group -> (message, lines): like notes are reported once, with every line
        self.note_groups: dict[str, tuple[str, list[int]]] = {}
        self.places: dict[str, int] = {}
        self.line = 0
        self.code = ""
        self.inline_for = ("", "")
        #: the statement being read, as tokens (where each starts), to find a type's own spelling
        self.tokens: list[Token] = []
        self.token_at: dict[int, int] = {}
        self.parse_code = ""
        self.identity_options: list[tuple[int, str]] = []
        #: the EXCLUDE constraints taken out of the CREATE TABLE being read: (name, text)
        self.exclusions: list[tuple[str | None, str]] = []
        self.copy_target = "?"
        #: FULLTEXT / SPATIAL of the CREATE INDEX being read (MySQL)
        self.index_kind: str | None = None
        #: MySQL: the script's own database (its tables are the model's unnamed schema's), and the
        #: database of the last USE (a table named without a database is in it)
        self.database: str | None = None
        self.current_database: str | None = None
        #: MySQL: the databases the script creates or uses; with more than one, none is the unnamed one
        #: (MySQL's DDL can name no "connection's database" in a key from another database)
        self.databases: list[str] = []
        self.types = TypeRead(dialect, named=self.named_type, inline_enum=self.inline_enum,
                              note=lambda message: self.note("native", message))
        self.fold_table, self.fold_column = NAME_MATCHING.get(dialect, (str, str))
        strategy = self.parse_dialect.NORMALIZATION_STRATEGY
        # fold unquoted names only where the engine does (PostgreSQL); the others keep names as written
        self.normalize = strategy in (NormalizationStrategy.LOWERCASE, NormalizationStrategy.UPPERCASE)

    # -- driver --------------------------------------------------------------------------
    def read(self, text: str) -> SqlImport:
        try:
            pieces = split_script(text, self.dialect if self.dialect in CLIENTS else "postgres")
        except ModelError as e:
            # an unterminated string or comment: nothing after it can be read
            line = int(e.where.split()[-1]) if e.where and e.where.startswith("line ") else 1
            raise SqlImportError([Problem(line, ERROR, f"SQL syntax error: {e.message}")], self.source) from None
        if self.dialect == "mysql":
            self.databases = _script_databases(pieces)
        for piece in pieces:
            self.line = piece.line
            self.code = piece.code
            try:
                self.piece(piece)
            except _Skip as e:
                self.lose(str(e))
                self.remember_unkept(piece.code)
            except _Note as e:
                self.note(e.group, str(e))
            except ModelError as e:
                self.error(e.message if e.where is None else f"{e.where}: {e.message}")
                head = _head(piece.code, 24)
                if head and head[0] == "CREATE" and _create_kind(head) == "TABLE":
                    self.broken.add(self.fold_table(_created_name(piece.code, self.dialect)))
        self.uuid_references()
        self.name_inline_enums()
        schema = identity_sequences(self.assemble(), self.dialect)
        problems = sorted(self.problems + [Problem(lines[0], NOTE, _with_lines(message, lines))
                                           for message, lines in self.note_groups.values()],
                          key=lambda p: (p.line, p.level != ERROR))
        failing = [p for p in problems if p.level == ERROR or (self.strict and p.level == NOT_KEPT)]
        if failing:
            raise SqlImportError(failing, self.source)
        return SqlImport(schema, tuple(problems))

    def error(self, what: str, line: int | None = None) -> None:
        self.problems.append(Problem(line or self.line, ERROR, what))

    def lose(self, what: str) -> None:
        self.problems.append(Problem(self.line, NOT_KEPT, what))

    def note(self, group: str, what: str) -> None:
        _, lines = self.note_groups.setdefault(group, (what, []))
        lines.append(self.line)

    # -- statements ----------------------------------------------------------------------
    def piece(self, piece: Piece) -> None:
        if piece.kind == "command":
            raise _Note("client", "client commands (DELIMITER, \\connect, .mode, ...) run by the client; "
                        "no schema in them")
        if piece.kind == "data":
            # the rows of the COPY just before: one note with it
            raise _Note(f"data:{self.copy_target}", f"data not kept: COPY into {self.copy_target}")
        head = _head(piece.code)
        if not head:
            return
        word = head[0]
        if word not in _STATEMENT_WORDS or (word == "CREATE" and _create_kind(head) not in _CREATE_KINDS):
            raise ModelError(f"SQL syntax error: not a statement {self.dialect} knows: {_short_text(piece.code)}")
        group = _NO_SCHEMA_HEADS.get(word)
        if group == "data":
            target = _name_at(piece.code, _data_target(head))
            if self.dialect == "sqlite" and word == "INSERT" and target.lower() in _SQLITE_SCHEMA_TABLES:
                self.sqlite_schema_rows(piece)
                return
            if word == "COPY":
                self.copy_target = target
            raise _Note(f"data:{target}", f"data not kept: {word} into {target}")
        if word == "ATTACH" and self.dialect == "sqlite" and (m := _SQLITE_ATTACH.match(piece.code)):
            name = _name_at(m.group(1), 0)
            raise _Note(f"attach:{name}", f"ATTACH ... AS {name}: its tables are keyed {name}.name (to apply the "
                        f"model, the URL attaches a file: ?attach={name}=FILE)")
        if word == "ALTER" and _KEYS_SWITCH.match(piece.code):
            # mysqldump's /*!40000 ALTER TABLE t DISABLE KEYS */ around the data: a loading hint
            raise _Note("session", "session settings and transaction control not kept (no schema in them)")
        if group:
            raise _Note("session", "session settings and transaction control not kept (no schema in them)")
        if word == "SELECT":
            # pg_dump's SELECT pg_catalog.set_config(...) / setval(...): settings and sequence positions
            raise _Note("select", "SELECT statements not kept (queries and settings, no schema)")
        if word == "USE" and len(head) > 1:
            used = _name_at(piece.code, 1)
            if self.database is None and self.current_database is None and not (self.tables or self.sequences) \
                    and len(self.databases) < 2:
                self.database = used  # the script's own database: the model's unnamed one
            self.current_database = used
            if used == self.database:
                raise _Note("use", f"USE {used}: the tables are read as the connection's database")
            raise _Note("use-other", f"USE {used}: its tables are keyed {used}.name (the script makes or uses "
                        f"{len(self.databases)} databases: each is a schema)")
        if word == "ALTER" and _OWNER_TO.search(piece.code):
            raise _Note("owner", "ownership (ALTER ... OWNER TO) not kept: the kit creates objects as the "
                        "connecting user")
        if word == "ALTER" and head[1:2] == ["SEQUENCE"] and "OWNED" in head:
            self.sequence_owner(piece.code)
            return
        if self.dialect == "postgres":
            if self.pg_statement(piece.code, head):
                return
            if word == "CREATE" and _create_kind(head) == "TABLE":
                piece = replace(piece, code=self.pg_partition_key(piece.code))
        if word in ("GRANT", "REVOKE"):
            raise _Skip(f"{word} (privileges): {_short_text(piece.code)}")
        if word == "CREATE" and _create_kind(head) in ("DATABASE", "SCHEMA"):
            raise _Note("namespace", f"CREATE {_create_kind(head)}: the namespace itself is not kept")
        if word == "CREATE" and _create_kind(head) == "DOMAIN":
            self.create_domain(piece.code)
            return
        if word == "CREATE" and _create_kind(head) in ("VIEW", "MATERIALIZED VIEW"):
            self.create_view(piece.code)
            return
        if word == "CREATE" and _create_kind(head) in OBJECT_READS.get(self.dialect, ()):
            self.create_object(piece.code)
            return
        if word == "CREATE" and _create_kind(head) == "TABLE" and self.shadows \
                and self.fold_table(_name_at(piece.code, _table_name_index(head))) in self.shadows:
            table = _name_at(piece.code, _table_name_index(head))
            owner = self.shadows[self.fold_table(table)]
            raise _Note(f"shadow:{owner}", f"table {table}: a shadow table of virtual table {owner}, which the "
                        "engine makes with it")
        if word == "DROP" and self.drop_object(piece.code, head):
            return
        if not self.readable(head):
            # a kind the model does not hold yet: reported as written, without parsing it (a function
            # body can be most of a dump)
            raise _Skip(_short_text(piece.code))
        stmt = self.parse(piece, head)
        if stmt is None:
            return
        self.statement(stmt)

    def readable(self, head: list[str]) -> bool:
        """Whether the statement is one :meth:`statement` reads into the model."""
        if head[0] == "CREATE":
            return _create_kind(head) in ("TABLE", "INDEX", "SEQUENCE", "TYPE")
        if head[0] == "ALTER":
            return len(head) > 1 and head[1] == "TABLE"
        return head[0] in ("COMMENT", "DROP")

    # -- views and verbatim objects ------------------------------------------------------------
    def name_fold(self) -> Callable[[str], str]:
        """How an unquoted name in the text is folded before matching (PostgreSQL: lower case)."""
        return str.lower if self.normalize else str

    def known_relations(self) -> dict[str, str]:
        """Tables and views created so far: the name as the engine matches it -> the model's key."""
        out = {self.fold_table(d.name): d.name for d in self.tables.values()}
        out.update({key: v.key for key, v in self.views.items()})
        out.update({key: o.key for (kind, key), o in self.objects.items() if kind == "virtual table"})
        if self.dialect == "mysql" and self.databases:
            # a bare name is in the current database (MySQL: of the last USE); elsewhere, as its key
            here = self.current_namespace()
            for key in list(out.values()):
                ns, bare = split_key(key)
                if ns == here:
                    out[self.fold_table(bare)] = key
                else:
                    out.setdefault(self.fold_table(bare), key)  # only to order creation (mentioned)
        return out

    def current_namespace(self) -> str | None:
        """MySQL: the model's schema of the database a bare name is in (None: the unnamed one)."""
        db = self.current_database
        return None if db is None or db == self.database else db

    def own_text(self, code: str) -> str:
        """``code`` with the script's own database (``USE sakila``) taken off the names it qualifies:
        the model's tables are that database's, whatever database the model is applied to."""
        if self.database and self.dialect == "mysql":
            return without_qualifier(code, self.dialect, self.database, self.fold_table)
        return code

    def create_view(self, code: str) -> None:
        """``CREATE [OR REPLACE] [MATERIALIZED] VIEW name [(columns)] AS query``: a :class:`View`
        holding the query as written, for the script's dialect."""
        parts = split_view(code, self.dialect, self.name_fold())
        name, namespace = parts.name, None
        if self.dialect in ("mysql", "sqlite", "duckdb"):  # the view's database is its schema, as for a table
            namespace, name = split_key(self.key_of(exp.Table(
                this=exp.to_identifier(parts.name), db=exp.to_identifier(parts.schema) if parts.schema else None)))
        key = self.fold_table(qualify(namespace, name))
        if key in self.views and not parts.replace:
            if parts.if_not_exists:
                raise _Note("exists", "CREATE ... IF NOT EXISTS of what the script already created does nothing")
            raise ModelError(f"view {parts.name!r} is created twice")
        if key in self.tables:
            raise ModelError(f"view {parts.name!r}: a table of that name exists")
        query = self.own_text(parts.query)
        known = self.known_relations()
        known.pop(key, None)
        try:
            view = View(name, query, dialect_key(self.dialect), columns=parts.columns,
                        materialized=parts.materialized, depends_on=("?",),
                        security_invoker=parts.security_invoker, check_option=parts.check_option,
                        schema=namespace)
        except ModelError as e:
            raise ModelError(f"view {parts.name}: {e.message}") from None
        tree = view.tree
        if tree is not None:
            from ..model.schema import query_tables

            fold = self.fold_table
            deps = tuple(dict.fromkeys(known.get(fold(split_key(t)[1]), t) for t in query_tables(tree)))
        else:
            deps = mentioned(query, self.dialect, known, self.fold_table, skip=(parts.name,))
        self.views[key] = replace(view, depends_on=deps)
        self.places[parts.name] = self.line

    def create_object(self, code: str) -> None:
        """A trigger, function, procedure, event, macro or virtual table: kept as a :class:`Verbatim`
        object of the script's dialect (its SQL as written, MySQL's ``DEFINER`` aside), depending
        on the table it is on and the tables and views it names."""
        head = object_head(code, self.dialect, self.name_fold())
        namespace = None
        if self.dialect in ("mysql", "sqlite", "duckdb"):  # in its database (a trigger: its table's), as a table is
            db = head.schema or (head.table[0] if head.table is not None else None)
            namespace = split_key(self.key_of(exp.Table(this=exp.to_identifier(head.name),
                                                        db=exp.to_identifier(db) if db else None)))[0]
        key = (head.kind, self.fold_table(qualify(namespace, head.name)))
        if key in self.objects:
            if head.if_not_exists:
                raise _Note("exists", "CREATE ... IF NOT EXISTS of what the script already created does nothing")
            if not re.match(r"\s*CREATE\s+OR\s+REPLACE\b", code, re.I):
                raise ModelError(f"{head.kind} {head.name!r} is created twice")
        known = self.known_relations()
        sql = self.own_text(DEFINER.sub("", code, count=1) if self.dialect == "mysql" else code)
        sql = re.sub(r"^\s*CREATE\s+", "CREATE ", sql)  # (a dump's opened /*!50017 DEFINER=... */ leaves spaces)
        deps = list(mentioned(sql, self.dialect, known, self.fold_table, skip=(head.name,)))
        if namespace is not None and self.dialect in ("mysql", "sqlite"):
            # written in its own database, as reflection writes it: MySQL makes it there from any
            # connection (a trigger's table and a routine's body are then read in it)
            sql = in_schema(without_qualifier(sql, self.dialect, namespace, self.fold_table), self.dialect, namespace)
        if head.table is not None:
            on = known.get(self.fold_table(qualify(namespace, head.table[1])))  # a trigger's table: in its schema
            if on is None:
                raise ModelError(f"trigger {head.name}: table {head.table[1]!r} is not created before it")
            deps = [on, *(d for d in deps if d != on)]
        if head.kind == "virtual table":
            if key[1] in self.tables or key[1] in self.views:
                raise ModelError(f"virtual table {head.name!r}: a table or view of that name exists")
            for shadow in shadow_tables(head.name, head.module):
                self.shadows[self.fold_table(shadow)] = head.name
        self.objects[key] = Verbatim(head.kind, head.name, dialect_key(self.dialect), sql.strip().rstrip(";").strip(),
                                     depends_on=tuple(deps), schema=namespace)
        self.places[f"{head.kind} {head.name}"] = self.line

    def drop_object(self, code: str, head: list[str]) -> bool:
        """``DROP VIEW/TRIGGER/FUNCTION/PROCEDURE/EVENT [IF EXISTS] name``: what the script created
        before is removed (mysqldump drops each view before its final definition). False for other
        DROPs."""
        i = 1
        kind = head[1] if len(head) > 1 else ""
        if kind == "MATERIALIZED":
            kind, i = "VIEW", 2
        if kind != "VIEW" and (kind not in OBJECT_KINDS or kind not in OBJECT_READS.get(self.dialect, ())):
            return False
        i += 1
        if head[i:i + 2] == ["IF", "EXISTS"]:
            i += 2
        names = [n.strip() for n in code.split(None, i)[-1].rstrip(";").split(",")] if kind == "VIEW" else [
            _name_at(code, i)]
        found = False
        for raw in names:
            name = _name_at(raw, 0).rsplit(".", 1)[-1]
            folded = self.fold_table(name if not self.normalize or raw.startswith('"') else name.lower())
            if kind == "VIEW" and folded in self.views:
                del self.views[folded]
                found = True
            elif kind != "VIEW" and (OBJECT_KINDS[kind], folded) in self.objects:
                del self.objects[(OBJECT_KINDS[kind], folded)]
                found = True
        if not found:
            raise _Note("drop", "DROP of objects the script has not created (a clean-up before creating "
                        "them) has nothing to remove")
        return True

    def sqlite_schema_rows(self, piece: Piece) -> None:
        """``INSERT INTO sqlite_schema(type, name, tbl_name, rootpage, sql) VALUES (...)``: how the
        sqlite3 shell's ``.dump`` writes a virtual table (under ``PRAGMA writable_schema``); each
        row's SQL is read as the statement it is."""
        try:
            with _quiet_sqlglot():
                tree = sqlglot.parse_one(piece.code, read="sqlite")
        except ParseError as e:
            raise ModelError(f"SQL syntax error: {e}") from None
        values = tree.find(exp.Values)
        columns = [c.name.lower() for c in tree.this.expressions] if isinstance(tree.this, exp.Schema) else \
            ["type", "name", "tbl_name", "rootpage", "sql"]
        for row in values.expressions if values is not None else []:
            cells = dict(zip(columns, row.expressions, strict=False))
            sql = cells.get("sql")
            if isinstance(sql, exp.Literal) and sql.is_string:
                self.piece(Piece(piece.line, "sql", sql.this, sql.this))

    def create_domain(self, code: str) -> None:
        """``CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT x] [CONSTRAINT n] {NOT NULL | NULL |
        CHECK (...)}...`` (PostgreSQL). sqlglot reads the statement as an opaque command, but what
        follows the name is a column definition's grammar, so it is parsed as one column ``value``
        (the name a domain's checks use) and read by :meth:`column_def`."""
        m = _DOMAIN.match(code)
        if m is None:
            raise ModelError(f"SQL syntax error: cannot read this CREATE DOMAIN: {_short_text(code)}")
        table = exp.to_table(m.group("name"), dialect=self.dialect)
        name = _table_name(normalize_identifiers(table, dialect=self.dialect) if self.normalize else table,
                           self.namespaced)
        if self.fold_table(name) in self.domains or self.fold_table(name) in self.enums:
            raise ModelError(f"type {name!r} is created twice")
        try:
            with _quiet_sqlglot():
                tree = sqlglot.parse_one(f"CREATE TABLE domain_definition (value {m.group('rest')})",
                                         read=self.parse_dialect, error_level=ErrorLevel.RAISE)
        except ParseError as e:
            raise ModelError(f"SQL syntax error: cannot read the definition of domain {name}: "
                             f"{e.errors[0]['description'] if e.errors else e}") from None
        coldef = tree.find(exp.ColumnDef)
        if not isinstance(tree, exp.Create) or coldef is None:
            raise ModelError(f"SQL syntax error: cannot read the definition of domain {name}")
        draft = _Draft(name, self.line, fold=self.fold_column)
        self.column_def(draft, coldef, spelling=_type_spelling(m.group("rest")))
        col = draft.columns[0]
        namespace, bare = split_key(name) if self.namespaced else (None, name)
        self.domains[self.fold_table(name)] = Domain(bare, col.type, schema=namespace, nullable=col.nullable,
                                                     default=col.default,
                                                     checks=tuple(draft.checks), comment=col.comment)

    def parse(self, piece: Piece, head: list[str]) -> exp.Expression | None:
        """The statement parsed by sqlglot; a syntax error, or a statement sqlglot does not know
        where the model needs to read it, is an error naming the line."""
        d = self.parse_dialect
        code = piece.code
        self.index_kind = None
        if head[0] == "CREATE" and _create_kind(head) == "INDEX" and {"FULLTEXT", "SPATIAL"} & set(head[:3]):
            # MySQL's CREATE FULLTEXT|SPATIAL INDEX, which sqlglot 30 reads only as a command: the word is
            # the index's method, read here, and the rest is an ordinary CREATE INDEX
            m = re.match(r"(\s*CREATE\s+)(FULLTEXT|SPATIAL)\b", code, re.I)
            if m:
                self.index_kind = m.group(2).lower()
                code = m.group(1) + " " * len(m.group(2)) + code[m.end():]
        if head[0] == "CREATE" and _create_kind(head) == "INDEX":
            # pg_dump's index on a partitioned table alone (`ON ONLY parent`; each partition's index is
            # attached to it later); sqlglot 30 does not read ONLY there, and for the model it is the same
            code = _ON_ONLY.sub(lambda m: m.group(1) + " " * (m.end() - m.start() - len(m.group(1))), code, count=1)
        if head[0] == "CREATE" and _create_kind(head) == "INDEX" and self.dialect == "sqlite":
            # SQLite names an attached database's index `schema.index ON table`, the table in that
            # database; sqlglot 30 misreads the dotted index name: written `index ON schema.table`
            # (the same length, so places in the text stay)
            def moved(m: re.Match[str]) -> str:
                out = f"{m.group(1)}{m.group(3)}{m.group(4)}{m.group(2)}.{m.group(5)}"
                return out + " " * (len(m.group(0)) - len(out))

            code = _SQLITE_INDEX_IN_SCHEMA.sub(moved, code, count=1)
        # each rewrite below blanks parts of the text; only a changed text is tokenized again. A
        # PostgreSQL statement's tokens are those its head was read from (pg_objects.tokens); sqlglot's
        # parser reads PostgreSQL with the same dialect (PARSE_DIALECTS has no entry for it)
        tokenize = take_tokens if self.dialect == "postgres" else d.tokenize
        try:
            tokens = tokenize(code)
            if "DEFERRABLE" in code.upper() and (plain := _without_not_deferrable(code, tokens)) != code:
                code, tokens = plain, tokenize(plain)
            self.exclusions = []
            if self.dialect == "postgres" and head[0] == "CREATE" and _create_kind(head) == "TABLE" \
                    and "EXCLUDE" in code.upper():
                code, self.exclusions = _exclusions(code, tokens)
                if self.exclusions:
                    tokens = tokenize(code)
            self.identity_options = []
            if "IDENTITY" in code.upper():
                code, self.identity_options = _identity_options(code, tokens)
                if self.identity_options:
                    tokens = tokenize(code)
        except TokenError as e:
            raise ModelError(f"SQL syntax error: {e}") from None
        check_nesting(tokens, first_line=piece.line)  # deep input: an error, not a RecursionError
        self.check_lists(tokens)
        self.tokens, self.parse_code = tokens, code
        self.token_at = {tok.start: i for i, tok in enumerate(tokens)}
        try:
            with _quiet_sqlglot(), recursion_room():
                parsed = [s for s in d.parser(error_level=ErrorLevel.RAISE).parse(tokens, code) if s is not None]
        except RecursionError:  # past what check_nesting measures
            raise ModelError("SQL nested too deeply to read") from None
        except ParseError as e:
            err = e.errors[0] if e.errors else {}
            # sqlglot's messages embed token reprs; show the token's text instead
            detail = re.sub(r"<Token token_type: [^,]*, text: (.*?), line: .*?>", r"'\1'",
                            str(err.get("description", e)))
            line = piece.line + (err.get("line") or 1) - 1
            if self.modelled(head):
                self.error(f"SQL syntax error: {detail}", line)
                return None
            raise _Skip(f"{_statement_kind(head)} (sqlglot cannot read it: {detail}): {_short_text(code)}") from None
        if not parsed:
            return None
        stmt = parsed[0]
        if isinstance(stmt, exp.Command):
            stmt = self.borrowed(stmt) or stmt
        if isinstance(stmt, exp.Command) and self.modelled(head, fallback=True):
            self.error(f"SQL syntax error: not a statement {self.dialect} knows: {_short_text(code)}")
            return None
        check_names(stmt, self.dialect)
        if isinstance(stmt, exp.Create) and self.dialect in COLUMNS_FIRST:
            check_columns_first(stmt, self.dialect)
        return normalize_identifiers(stmt, dialect=self.dialect) if self.normalize else stmt  # type: ignore[return-value]

    def modelled(self, head: list[str], fallback: bool = False) -> bool:
        """Whether the statement makes something the model holds, so failing to read it loses schema."""
        if head[0] == "CREATE":
            return _create_kind(head) in ("TABLE", "INDEX", "SEQUENCE") or (
                _create_kind(head) == "TYPE" and "ENUM" in head)
        if head[0] == "ALTER":
            # a parse error in ALTER TABLE is an error; sqlglot's fallback to an opaque command is not,
            # as it takes valid forms the kit does not model (ATTACH PARTITION, ENABLE ROW LEVEL SECURITY)
            return len(head) > 1 and head[1] == "TABLE" and not fallback
        return head[0] in ("COMMENT", "DROP")

    def check_lists(self, tokens: list[Token]) -> None:
        """Clearly invalid lists sqlglot reads leniently: ``(a int,, b int)``, ``(, a int)`` and, where
        the engine refuses it, ``(a int,)``."""
        for prev, tok in itertools.pairwise(tokens):
            if tok.token_type == TokenType.COMMA and prev.token_type in (TokenType.COMMA, TokenType.L_PAREN):
                what = "',' follows ','" if prev.token_type == TokenType.COMMA else "',' follows '('"
                raise ModelError(f"SQL syntax error: {what} (an empty item in a list)") from None
            if tok.token_type == TokenType.R_PAREN and prev.token_type == TokenType.COMMA \
                    and self.dialect not in TRAILING_COMMA:
                raise ModelError(f"SQL syntax error: ')' follows ',' ({self.dialect} allows no trailing comma)")

    def statement(self, stmt: exp.Expression) -> None:
        if isinstance(stmt, exp.Create):
            kind = (stmt.args.get("kind") or "").upper()
            handler = {"TABLE": self.create_table, "INDEX": self.create_index, "TYPE": self.create_type,
                       "SEQUENCE": self.create_sequence}.get(kind)
            if handler is None:
                raise _Skip(_short_text(self.code))
            handler(stmt)
        elif isinstance(stmt, exp.Alter) and (stmt.args.get("kind") or "").upper() == "TABLE":
            self.alter_table(stmt)
        elif isinstance(stmt, exp.Comment):
            self.comment_on(stmt)
        elif isinstance(stmt, exp.Drop):
            self.drop(stmt)
        elif isinstance(stmt, exp.Command) and (borrowed := self.borrowed(stmt)) is not None:
            self.statement(borrowed)
        else:
            raise _Skip(_short_text(self.code))

    def borrowed(self, stmt: exp.Command) -> exp.Expression | None:
        """A statement sqlglot's dialect falls back to exp.Command on, parsed with the dialect
        whose syntax it shares: DuckDB's ``CREATE TYPE t AS ENUM (...)`` is PostgreSQL's
        (https://duckdb.org/docs/sql/statements/create_type), which sqlglot 30 parses only there."""
        rest = stmt.expression.name if isinstance(stmt.expression, exp.Expression) else str(stmt.expression or "")
        text = f"{stmt.this} {rest.strip()}"
        if not re.match(r"CREATE\s+TYPE\b", text, re.I):
            return None
        try:
            with _quiet_sqlglot():
                parsed = sqlglot.parse_one(text, read="postgres")
        except ParseError:
            return None
        return parsed if isinstance(parsed, exp.Create) else None

    def drop(self, stmt: exp.Drop) -> None:
        """``DROP TABLE/TYPE/...``: what the script created before is removed, as the engine would;
        dropping what does not exist yet (a dump's ``DROP ... IF EXISTS`` preamble) is a note."""
        kind = (stmt.args.get("kind") or "").upper()
        names = list(stmt.args.get("tables") or ([stmt.this] if stmt.this is not None else []))
        for target in names:
            name = target.name
            if kind == "TABLE" and self.fold_table(name) in self.tables:
                del self.tables[self.fold_table(name)]
            elif kind == "TYPE" and self.fold_table(name) in self.enums:
                del self.enums[self.fold_table(name)]
            elif kind == "SEQUENCE" and self.fold_table(name) in self.sequences:
                del self.sequences[self.fold_table(name)]
            elif kind == "INDEX" and any(ix.name == name for d in self.tables.values() for ix in d.indexes):
                for d in self.tables.values():
                    d.indexes = [ix for ix in d.indexes if ix.name != name]
            else:
                raise _Note("drop", "DROP of objects the script has not created (a clean-up before creating "
                            "them) has nothing to remove")

    def assemble(self) -> Schema:
        """The schema of everything read; each error in it (a foreign key to a table never created, a
        type mismatch) is reported at the line that declared it, and reading goes on without it."""
        tables: dict[str, Table] = {}
        self.relation_names.update(d.name for d in self.tables.values())
        for d in self.tables.values():
            try:
                tables[d.name] = self.build(d)
            except ModelError as e:
                self.error(e.message if e.where is None else f"{e.where}: {e.message}", d.line)
        failed = {key for key, d in self.tables.items() if d.name not in tables} | self.broken
        self.pg_partitioned(tables)
        for _ in range(len(tables) + sum(len(t.foreign_keys) for t in tables.values()) + 1):
            try:
                return Schema(tuple(tables.values()), tuple(self.enums.values()), domains=tuple(self.domains.values()),
                              sequences=tuple(self.sequences.values()), views=tuple(self.views.values()),
                              verbatim=tuple(self.objects.values()))
            except ModelError as e:
                where = e.where or ""
                owner = next((t for t in sorted(tables, key=len, reverse=True)
                              if where == t or where.startswith(t + ".")), None)
                fk_name = where[len(owner) + 1:] if owner and where != owner else None
                line = self.places.get(where) or (self.places.get(owner) if owner else None)
                if owner is not None and fk_name and any(fk.name == fk_name for fk in tables[owner].foreign_keys):
                    fk = next(fk for fk in tables[owner].foreign_keys if fk.name == fk_name)
                    if self.fold_table(fk.ref_table) not in failed:  # else the table's own error says it
                        self.error(f"{where}: {e.message}", line)
                    tables[owner] = replace(tables[owner], foreign_keys=tuple(
                        f for f in tables[owner].foreign_keys if f.name != fk_name))
                    continue
                self.error(f"{where}: {e.message}" if where else e.message, line)
                if owner is None:
                    break
                del tables[owner]
                failed.add(owner)
        return Schema((), ())

    def name_inline_enums(self) -> None:
        """Each inline enum named after the first column using it in table-name order, as reflection
        names the enums a MySQL catalog keeps inline (:func:`dbmodel_kit.ddl.limits.inline_enum_name`),
        so a dump and the database it made give the same names whatever order the dump has."""
        from ..ddl.limits import inline_enum_name

        users: dict[str, tuple[str, int, str]] = {}
        for d in self.tables.values():
            for i, c in enumerate(d.columns):
                enum = split_key(c.type.enum)[1] if c.type.kind in ("enum", "set") and c.type.enum else None
                if enum is not None and enum in self.inline_enums:
                    users[enum] = min(users.get(enum, (d.name, i, c.name)), (d.name, i, c.name))
        renames = {old: inline_enum_name(split_key(t)[1], c) for old, (t, _, c) in users.items()}
        if all(old == new for old, new in renames.items()):
            return
        taken = {e.name for e in self.enums.values()} - set(renames)
        for old, new in list(renames.items()):
            if new in taken:
                renames[old] = old  # a declared type already has that name: keep the first
            taken.add(renames[old])
        self.enums = {self.fold_table(renames.get(e.name, e.name)): replace(e, name=renames.get(e.name, e.name))
                      for e in self.enums.values()}
        self.inline_enums = {renames.get(n, n) for n in self.inline_enums}
        for d in self.tables.values():
            d.columns = [replace(c, type=replace(c.type, enum=qualify(None, renames[split_key(c.type.enum)[1]])))
                         if c.type.kind in ("enum", "set") and c.type.enum and split_key(c.type.enum)[1] in renames
                         else c for c in d.columns]

    def uuid_references(self) -> None:
        """Columns that reference a uuid column through a foreign key are uuid too (MySQL and
        SQLite store both as CHAR(36); the parent was recognised by its uuid() default)."""
        changed = True
        while changed:
            changed = False
            for d in self.tables.values():
                for fk in d.foreign_keys:
                    parent = self.tables.get(self.fold_table(fk.ref_table))
                    if parent is None:
                        continue
                    ref_cols = fk.ref_columns or tuple(parent.primary_key)
                    for col, ref in zip(fk.columns, ref_cols):
                        if not (d.has(col) and parent.has(ref)):
                            continue
                        child_col = d.column(col)
                        if parent.column(ref).type.kind == "uuid" and child_col.type.kind in ("char", "varchar") \
                                and child_col.type.length == 36:
                            d.set_column(replace(child_col, type=DataType("uuid")))
                            changed = True

    def build(self, d: _Draft) -> Table:
        """The table of a draft, every reference spelled as its target was declared (a case-insensitive
        engine lets a script write ``REFERENCES artist (artistid)`` for ``"Artist"("ArtistId")``)."""
        names = d.canonical

        def fk(f: ForeignKey) -> ForeignKey:
            parent = self.tables.get(self.fold_table(f.ref_table))
            if parent is None:
                return replace(f, columns=tuple(map(names, f.columns)))
            return replace(f, columns=tuple(map(names, f.columns)), ref_table=parent.name,
                           ref_columns=tuple(map(parent.canonical, f.ref_columns)))

        uniques = [replace(u, columns=tuple(map(names, u.columns))) for u in d.uniques]
        indexes = [replace(ix, columns=tuple(map(names, ix.columns)), include=tuple(map(names, ix.include)))
                   for ix in d.indexes]
        fks = [fk(f) for f in d.foreign_keys]
        checks = list(d.checks)
        namer_of = NAMERS.get(self.dialect)
        if namer_of is not None:
            # unnamed constraints and indexes get the names the engine would give them (engine_names)
            namer = namer_of(split_key(d.name)[1] if self.namespaced else d.name, self.relation_names)
            for key in (*(u.name for u in uniques), *(ix.name for ix in indexes)):
                if key:
                    namer.take(key, relation=True)
            for key in (*(f.name for f in fks), *(ck.name for ck in checks)):
                if key:
                    namer.take(key, relation=False)
            uniques = [u if u.name else replace(u, name=namer.unique(u.columns)) for u in uniques]
            indexes = [ix if ix.name else replace(ix, name=namer.index(ix.columns)) for ix in indexes]
            fks = [f if f.name else replace(f, name=namer.foreign_key(f.columns)) for f in fks]
            origin = d.check_origin + [None] * (len(checks) - len(d.check_origin))
            checks = [ck if ck.name else replace(ck, name=namer.check(ck.columns, column=col))
                      for ck, col in zip(checks, origin, strict=True)]
        if self.dialect == "mysql":
            indexes = self.without_fk_indexes(d, indexes, fks)
        namespace, bare = split_key(d.name) if self.namespaced else (None, d.name)
        return Table(bare, tuple(d.columns), primary_key=tuple(map(names, d.primary_key)),
                     foreign_keys=tuple(fks), indexes=tuple(indexes), uniques=tuple(uniques),
                     checks=tuple(checks), comment=d.comment, schema=namespace,
                     primary_key_deferrable=d.primary_key_deferrable)

    def without_fk_indexes(self, d: _Draft, indexes: list[Index], fks: list[ForeignKey]) -> list[Index]:
        """A plain index named as a foreign key and on its columns is the index MySQL makes for that key
        (a dump writes it out: ``KEY fk_x (a)`` beside ``CONSTRAINT fk_x FOREIGN KEY (a)``); the foreign
        key makes it again, and reflection reads it as the key's (io/reflect, ``fk_makes_index``)."""
        shapes = {(f.name, f.columns) for f in fks}
        shapes |= {(f.columns[0], f.columns) for f in fks if re.fullmatch(rf"{re.escape(d.name)}_ibfk_\d+", f.name)}
        kept = []
        for ix in indexes:
            if not ix.unique and ix.where is None and ix.method is None and (ix.name, ix.columns) in shapes:
                self.problems.append(Problem(d.line, NOTE, f"index {d.name}.{ix.name}: the index MySQL makes for "
                                                           f"foreign key {ix.name}, made with it"))
                continue
            kept.append(ix)
        return kept

    # -- CREATE TABLE --------------------------------------------------------------------
    def create_table(self, stmt: exp.Create) -> None:
        schema = stmt.this
        if not isinstance(schema, exp.Schema):
            raise _Skip(f"CREATE TABLE without a column list (AS SELECT?): {_short(stmt)}")
        name = self.key_of(schema.this)
        if self.fold_table(name) in self.tables:
            if stmt.args.get("exists"):
                raise _Note("exists", "CREATE ... IF NOT EXISTS of what the script already created does nothing")
            raise ModelError(f"table {name!r} is created twice")
        draft = _Draft(name, self.line, fold=self.fold_column)
        self.tables[self.fold_table(name)] = draft
        self.places[name] = self.line
        for item in schema.expressions:
            # one bad column or constraint is reported and the rest of the table is still read, so one
            # mistake does not hide the next (nor make every foreign key to this table an error)
            try:
                if isinstance(item, exp.ColumnDef):
                    self.column_def(draft, item)
                else:
                    self.table_constraint(draft, item)
            except _Skip as e:
                self.lose(str(e))
            except ModelError as e:
                self.error(e.message if e.where is None else f"{e.where}: {e.message}")
        for cname, text in self.exclusions:
            self.pg_exclusion(name, cname, text)  # type: ignore[attr-defined]
        props = (stmt.args.get("properties") or exp.Properties()).expressions
        draft.charset = next((p.this.name for p in props if isinstance(p, exp.CharacterSetProperty)), None)
        draft.creating = False
        self.binary_columns(draft)
        for prop in props:
            if isinstance(prop, exp.SchemaCommentProperty):
                draft.comment = prop.this.name
            elif isinstance(prop, exp.EngineProperty) and prop.name.lower() == "innodb" and self.dialect == "mysql":
                # the default storage engine of MySQL (5.5 on) and MariaDB, which the kit's tables get
                self.note("engine", "ENGINE=InnoDB: the default storage engine, which the kit's tables get")
            elif isinstance(prop, exp.RowFormatProperty) and prop.this.name.lower() == "dynamic" \
                    and self.dialect == "mysql":
                # InnoDB's default row format (MySQL 5.7, MariaDB 10.2 on: innodb_default_row_format)
                self.note("row format", "ROW_FORMAT=DYNAMIC: InnoDB's default row format, which the kit's tables get")
            elif isinstance(prop, exp.AutoIncrementProperty):
                # the next AUTO_INCREMENT value is where the data left the counter, not schema
                self.note("data", "AUTO_INCREMENT= table options (the counter's position) not kept")
            else:
                if isinstance(prop, exp.CollateProperty) and self.dialect == "mysql":
                    self.table_collation(draft, prop.this.name)
                self.lose(f"table {name}: option {prop.sql(self.dialect)}")

    def binary_columns(self, draft: _Draft) -> None:
        """The columns declared BINARY without a CHARACTER SET get the binary collation of the
        table's; with none named, the server's default decides: reported not kept."""
        for column, line in draft.binary:
            c = draft.column(column)
            if draft.charset:
                draft.set_column(replace(c, type=replace(c.type, collation=(
                    (dialect_key(self.dialect), _binary_collation(draft.charset)),))))
            else:
                self.problems.append(Problem(line, NOT_KEPT, f"{draft.name}.{column}: BINARY (the binary collation "
                                             "of the server's default character set, which the table does not name)"))
        draft.binary.clear()
        # CHARACTER SET x COLLATE <x's default> (SHOW CREATE TABLE's form for a column of another
        # character set than its table's) says the character set only, which the model does not hold
        # (reflection reads it so): the collation is not the column's own
        for column, charset in draft.charset_only:
            if draft.charset is None or _charset(draft.charset) != _charset(charset):
                c = draft.column(column)
                draft.set_column(replace(c, type=replace(c.type, collation=tuple(
                    (k, v) for k, v in c.type.collation if k != dialect_key(self.dialect)))))
        draft.charset_only.clear()

    def table_collation(self, draft: _Draft, collation: str) -> None:
        """A MySQL table's ``COLLATE=x``: a column's ``COLLATE x`` is then the table's default, not
        the column's own (the catalog, and so reflection, shows a column's only where it differs)."""
        own = dialect_key(self.dialect)
        for i, c in enumerate(draft.columns):
            if c.type.collation and c.type.collation_for(own) == collation:
                draft.columns[i] = replace(c, type=replace(c.type, collation=tuple(
                    (k, v) for k, v in c.type.collation if k != own)))

    def column_def(self, draft: _Draft, col: exp.ColumnDef, spelling: str | None = None) -> None:
        name = col.this.name
        if draft.has(name):
            raise ModelError(f"duplicate column {name!r} in table {draft.name!r}")
        if spelling is None:
            at = self.token_at.get(col.this.meta.get("start", -1))
            spelling = _spelling_from(self.tokens, at + 1, self.parse_code) if at is not None else None
        dtype, identity = self.data_type(col.args.get("kind"), draft.name, name, spelling)
        nullable, default, generated, comment = True, Default("identity") if identity else None, None, None
        on_update = None
        if identity and self.dialect in SERIAL_IS_SEQUENCE:
            default, nullable = self.serial_sequence(draft, name, dtype), False
        json_column = self.dialect == "mysql" and _mariadb_json(col, name)
        if json_column:
            dtype = DataType("json")
        for cc in col.args.get("constraints") or ():
            kind = cc.args.get("kind") if isinstance(cc, exp.ColumnConstraint) else cc
            if json_column and (isinstance(kind, exp.CheckColumnConstraint | exp.CharacterSetColumnConstraint
                                           | exp.CollateColumnConstraint)):
                continue  # the JSON type's own: MariaDB's JSON is LONGTEXT utf8mb4_bin CHECK (json_valid(c))
            if isinstance(kind, exp.NotNullColumnConstraint):
                nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                draft.primary_key.append(name)
                draft.primary_key_deferrable = self.deferrable(kind.args.get("options") or (), "primary key")
            elif isinstance(kind, exp.UniqueColumnConstraint):
                draft.uniques.append(Unique((name,), name=_constraint_name(cc),
                                            deferrable=self.deferrable(kind.args.get("options") or (), "unique")))
            elif isinstance(kind, exp.DefaultColumnConstraint):
                default = self.default(kind.this, dtype)
            elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                default = Default("identity")
            elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
                if kind.args.get("expression") is not None:
                    generated = self.expr(kind.args["expression"], draft)
                else:
                    at = col.this.meta.get("start", -1)
                    options = next((x for x in self.identity_options if x[0] > at), None)
                    if options is not None:
                        self.identity_options.remove(options)
                    default = Default("identity", identity_value(kind.this is True, options[1] if options else ""))
            elif isinstance(kind, exp.ComputedColumnConstraint):
                generated = self.expr(kind.this, draft)
            elif isinstance(kind, exp.CommentColumnConstraint):
                comment = kind.this.name
            elif isinstance(kind, exp.CollateColumnConstraint) and self.dialect in COLUMN_COLLATIONS \
                    and dtype.kind in COLLATABLE_KINDS and not dtype.collation \
                    and (not isinstance(kind.this, exp.Column) or kind.this.table in (
                        "", _COLLATION_SCHEMAS.get(self.dialect))):
                # the column's collation, for its own engine (names differ between engines); one of
                # the engine's own schema is named bare, as its catalog shows it, and PostgreSQL folds
                # an unquoted name to lower case
                ident = kind.this.this if isinstance(kind.this, exp.Column) else kind.this
                folded = self.dialect == "postgres" and isinstance(ident, exp.Identifier) and not ident.quoted
                dtype = replace(dtype, collation=((dialect_key(self.dialect),
                                                   ident.name.lower() if folded else ident.name),))
            elif isinstance(kind, exp.BinaryColumnConstraint) and self.dialect == "mysql" \
                    and dtype.kind in COLLATABLE_KINDS and not dtype.collation:
                # MySQL's BINARY attribute: the binary collation of the column's character set
                # (https://dev.mysql.com/doc/refman/8.0/en/string-type-syntax.html), named as the
                # catalog names it; with no CHARACTER SET here, the table's (read with its options)
                charset = next((c.args["kind"].this.name for c in col.args.get("constraints") or ()
                                if isinstance(c, exp.ColumnConstraint)
                                and isinstance(c.args.get("kind"), exp.CharacterSetColumnConstraint)), None)
                if charset:
                    dtype = replace(dtype, collation=((dialect_key(self.dialect), _binary_collation(charset)),))
                else:
                    draft.binary.append((name, self.line))
            elif isinstance(kind, exp.CheckColumnConstraint):
                draft.checks.append(Check(self.expr(kind.this, draft), name=_constraint_name(cc)))
                draft.check_origin.append(name)
            elif isinstance(kind, exp.Reference):
                fk = self.reference((name,), kind, _constraint_name(cc), draft.name)
                draft.foreign_keys.append(fk)
                self.place_fk(draft, fk)
            elif (isinstance(kind, exp.OnUpdateColumnConstraint) and isinstance(
                    kind.this, exp.CurrentTimestamp | exp.CurrentDatetime)) or (
                    isinstance(kind, exp.OnUpdateColumnConstraint) and kind.this.name.lower() in _NOW_CALLS):
                on_update = "now"  # MySQL's ON UPDATE CURRENT_TIMESTAMP[(n)]: the digits are the column's
            else:
                self.lose(f"{draft.name}.{name}: {cc.sql(self.dialect)}")
        if default is not None and default.kind == "uuid" and dtype.kind in ("char", "varchar"):
            # engines without a uuid type store UUIDs as CHAR(36) DEFAULT (uuid()): that is a uuid column
            dtype = DataType("uuid")
        if default is not None and default.kind == "identity" and dtype.kind not in INTEGER_KINDS:
            raise ModelError(f"{draft.name}.{name}: identity on a {dtype} column")
        draft.columns.append(Column(name, dtype, nullable=nullable, default=default, generated=generated,
                                    comment=comment, on_update=on_update))
        self.places[f"{draft.name}.{name}"] = self.line
        if self.dialect == "mysql" and dtype.collation:
            charset = next((c.args["kind"].this.name for c in col.args.get("constraints") or ()
                            if isinstance(c, exp.ColumnConstraint)
                            and isinstance(c.args.get("kind"), exp.CharacterSetColumnConstraint)), None)
            if charset and dtype.collation_for(self.dialect) in _default_collations(charset):
                draft.charset_only.append((name, charset))
        if (draft.binary or draft.charset_only) and not draft.creating:
            self.binary_columns(draft)  # ALTER TABLE ... ADD COLUMN: the table's options are read

    def serial_sequence(self, draft: _Draft, column: str, dtype: DataType) -> Default:
        """PostgreSQL's ``serial`` column: a sequence ``<table>_<column>_seq`` of the column's type, owned
        by the column, drawn by a ``nextval`` default, and NOT NULL
        (https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-SERIAL)."""
        namespace, table = split_key(draft.name)
        name = naming.shorten(f"{table}_{column}_seq")
        n = 1
        while self.fold_table(qualify(namespace, name)) in self.sequences:  # PostgreSQL numbers it until free
            name = naming.shorten(f"{table}_{column}_seq{n}")
            n += 1
        seq = plain_sequence(Sequence(name, type=dtype.logical, owned_by=(draft.name, column), schema=namespace))
        self.sequences[self.fold_table(seq.key)] = seq
        return Default("sequence", seq.key)

    def table_constraint(self, draft: _Draft, item: exp.Expression) -> None:
        name = ""
        if isinstance(item, exp.Constraint):
            name = item.this.name if item.this is not None else ""
            parts = item.expressions
        else:
            parts = [item]
        for part in parts:
            if isinstance(part, exp.PrimaryKey):
                if draft.primary_key:
                    raise ModelError(f"table {draft.name!r} declares its primary key twice")
                draft.primary_key.extend(_names(part.expressions))
                draft.primary_key_deferrable = self.deferrable(part.args.get("options") or (), "primary key")
            elif isinstance(part, exp.ForeignKey):
                fk = self.reference(tuple(_names(part.expressions)), part.args.get("reference"), name, draft.name)
                draft.foreign_keys.append(fk)
                self.place_fk(draft, fk)
            elif isinstance(part, exp.UniqueColumnConstraint):
                cols = part.this.expressions if isinstance(part.this, exp.Schema) else []
                # MySQL's `UNIQUE KEY uk (a)` names the constraint inside the column list
                inner = part.this.this if isinstance(part.this, exp.Schema) else None
                draft.uniques.append(Unique(tuple(_names(cols)), name=name or (inner.name if inner else ""),
                                            deferrable=self.deferrable(part.args.get("options") or (), "unique")))
            elif isinstance(part, exp.CheckColumnConstraint):
                draft.checks.append(Check(self.expr(part.this, draft), name=name))
                draft.check_origin.append(None)
            elif isinstance(part, exp.IndexColumnConstraint):
                # MySQL `KEY k (a, b)` / `UNIQUE KEY` / `INDEX` inside CREATE TABLE
                # FULLTEXT / SPATIAL: the index's method (MySQL writes it as a prefix of KEY)
                kind = str(part.args.get("kind") or "").lower() or None
                draft.indexes.append(Index(tuple(self.index_columns(part.expressions, draft)),
                                           name=part.this.name if part.this is not None else "", method=kind))
            else:
                raise _Skip(f"table {draft.name}: constraint {part.sql(self.dialect)}")
            where = f"{draft.name}.{name}" if name else draft.name
            self.places.setdefault(where, self.line)

    def place_fk(self, draft: _Draft, fk: ForeignKey) -> None:
        name = fk.name or naming.fk_name(draft.name, fk.columns, fk.ref_table)
        self.places[f"{draft.name}.{name}"] = self.line

    def reference(self, columns: tuple[str, ...], ref: exp.Reference | None, name: str,
                  child: str | None = None) -> ForeignKey:
        if ref is None:
            raise ModelError("a foreign key without REFERENCES")
        target = ref.this
        ref_cols: list[str] = []
        if isinstance(target, exp.Schema):
            ref_cols = _names(target.expressions)
            target = target.this
        actions: dict[str, str] = {}
        options = []
        for opt in ref.args.get("options") or ():
            text = " ".join(str(opt).upper().split())
            for prefix, attr in _ACTION_PREFIXES.items():
                if text.startswith(prefix):
                    actions[attr] = text[len(prefix):]
                    break
            else:
                options.append(text)
        deferrable = self.deferrable(options, "foreign key")
        if deferrable:
            actions["deferrable"] = deferrable
        # a forward reference is fine (dumps may create tables in any order); the Schema checks
        # that the table exists once everything is read, and the error is mapped to this line
        # MySQL and SQLite look a parent named without a database up in the child's database
        home = None
        if child is not None and self.dialect == "mysql":
            home = split_key(child)[0] or self.database
        elif child is not None and self.dialect in ("sqlite", "duckdb"):
            home = split_key(child)[0]
        return ForeignKey(columns, self.key_of(target, home), tuple(ref_cols), name=name, **actions)

    def deferrable(self, options: Iterable[Any], what: str) -> str | None:
        """A constraint's ``DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE]`` (the model's ``deferrable``);
        any other option is reported as not kept."""
        mode = None
        for opt in options:
            text = " ".join(str(opt).upper().split())
            if text == "DEFERRABLE":
                mode = mode or "immediate"
            elif text in ("INITIALLY DEFERRED", "INITIALLY IMMEDIATE"):
                mode = text.split()[1].lower()
            else:
                self.lose(f"{what} option {text}")
        return mode

    # -- types, defaults, expressions ----------------------------------------------------
    def data_type(self, dt: exp.DataType | None, table: str, column: str,
                  spelling: str | None = None) -> tuple[DataType, bool]:
        """The type of a column (:mod:`.sql_types`, shared with reflection) and whether the type itself
        means identity (SERIAL); ``spelling`` is the type as the script writes it."""
        if not isinstance(dt, exp.DataType):
            raise ModelError(f"{table}.{column}: a column needs a type")
        self.inline_for = (table, column)
        return read_type(dt, spelling or dt.sql(self.parse_dialect), self.types, f"{table}.{column}")

    def named_type(self, name: str) -> DataType | None:
        """The type a user-defined name stands for: a declared enum or domain."""
        key = self.fold_table(name)
        if key in self.enums:
            return DataType("enum", enum=self.enums[key].key)
        if key in self.domains:
            return DataType("domain", domain=self.domains[key].key)
        return None

    def inline_enum(self, kind: str, values: tuple[str, ...]) -> str:
        """The enum an inline MySQL ``ENUM(...)``/``SET(...)`` column draws from: named
        ``<table>_<column>``, one per list of values (so a foreign key between two such columns keeps
        matching types)."""
        table, column = self.inline_for
        table = split_key(table)[1]  # named after the bare table name: MySQL keeps the enum inline, in no schema
        for known in self.enums.values():
            if known.values == values and known.name in self.inline_enums:
                return known.key
        if self.dialect == "duckdb":
            # DuckDB's catalog shows an enum column by its values, and EXPORT DATABASE writes a column of
            # a declared type as ENUM(...) inline: the declared type with those values is the column's
            for known in self.enums.values():
                if known.values == values and kind == "enum":
                    return known.key
        name = f"{table}_{column}"
        existing = self.enums.get(self.fold_table(name))
        n = 1
        while existing is not None and existing.values != values:
            n += 1
            name = f"{table}_{column}_{n}"
            existing = self.enums.get(self.fold_table(name))
        self.enums[self.fold_table(name)] = Enum(name, values)
        self.inline_enums.add(name)
        return self.enums[self.fold_table(name)].key  # a column names its enum by key (a dot is quoted)

    def default(self, value: exp.Expression, dtype: DataType) -> Default | None:
        while isinstance(value, exp.Paren):
            value = value.this
        if isinstance(value, exp.Cast) and isinstance(value.this, exp.Literal | exp.Neg):
            value = value.this  # 'customer'::user_role
        if isinstance(value, exp.CurrentTimestamp | exp.CurrentDatetime):
            return Default("now")
        if isinstance(value, exp.Null):
            return None
        func = value.name.lower() if isinstance(value, exp.Anonymous) else type(value).__name__.lower()
        if func == "nextval":
            # DEFAULT nextval('t_id_seq'): the column draws from that sequence (PostgreSQL, DuckDB)
            arg = next(value.find_all(exp.Literal), None)
            target = exp.to_table(arg.this, dialect=self.parse_dialect) if arg is not None and arg.is_string else None
            if arg is None and isinstance(ref := next(value.find_all(exp.Column), None), exp.Column):
                # MariaDB: nextval(`db`.`s`), the sequence as a name (mysqldump writes its database)
                target = exp.Table(this=ref.args["this"], db=ref.args.get("table"))
            key = self.key_of(target) if target is not None else ""
            if target is not None and self.fold_table(key) in self.sequences:
                return Default("sequence", self.sequences[self.fold_table(key)].key)
            return Default("identity")
        if dtype.kind == "boolean" and isinstance(value, exp.Literal) and not value.is_string \
                and value.this in ("0", "1"):
            return Default("literal", value.this == "1")  # SQLite/MySQL store booleans as 0/1
        if isinstance(value, exp.Literal) and value.is_string:
            return Default("literal", value.this)
        return Default.parse(value.sql())

    def expr(self, value: exp.Expression, draft: _Draft | None = None) -> str:
        """An expression as portable SQL; its column references spelled as the columns were declared."""
        while isinstance(value, exp.Paren):
            value = value.this
        if draft is not None:
            for col in value.find_all(exp.Column):
                if not col.table and draft.has(col.name) and draft.canonical(col.name) != col.name:
                    col.set("this", exp.to_identifier(draft.canonical(col.name), quoted=True))
        if value.find(exp.ByteString, exp.RegexpLike, exp.RegexpILike) is not None:
            # PostgreSQL's E'...' strings and regular-expression operators: the generic dialect cannot
            # write them, so the text goes through the kit's own reading of expressions (ddl.sqltext)
            from ..ddl.sqltext import normalize

            return normalize(value.sql(self.parse_dialect), self.dialect)
        return value.sql()

    def index_columns(self, items: list[exp.Expression], draft: _Draft) -> list[str]:
        out = []
        for item in items:
            col = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(col, exp.Ordered):
                col = col.this
            prefixed = self.prefix_column(col, draft, self.dialect)
            if prefixed is not None:
                length = next(col.find_all(exp.Literal)).name
                self.lose(f"index on {draft.name}.{prefixed}: prefix length {length}")
                out.append(prefixed)
                continue
            if not isinstance(col, exp.Column | exp.Identifier):
                raise _Skip(f"index on an expression ({item.sql(self.dialect)})")
            if isinstance(item, exp.Ordered) and item.args.get("desc"):
                self.lose(f"index column {col.name} DESC read as ascending")
            out.append(col.name)
        return out

    @staticmethod
    def prefix_column(col: exp.Expression, draft: _Draft, read_dialect: str = "mysql") -> str | None:
        """The column of a MySQL prefix index part ``name(255)``, which sqlglot parses as a call."""
        args = [a for a in col.args.values() if a is not None]
        if isinstance(col, exp.Anonymous):
            args = list(col.expressions)
        if not isinstance(col, exp.Func) or len(args) != 1 or not isinstance(args[0], exp.Literal) \
                or args[0].is_string:
            return None
        # the call as the dialect writes it back (`DATE(5)` for a column named date) gives the name
        written = re.match(r"^(.+)\(\s*\d+\s*\)$", col.sql(read_dialect))
        names = [col.name] if isinstance(col, exp.Anonymous) else []
        if written:
            names.append(written.group(1).strip("`\""))
        by_lower = {c.name.lower(): c.name for c in draft.columns}
        for name in names:
            if draft.has(name):
                return draft.canonical(name)
            if name.lower() in by_lower:
                return by_lower[name.lower()]
        return None

    # -- other statements ----------------------------------------------------------------
    def key_of(self, table: exp.Expression, home: str | None = None) -> str:
        """The model's key of a table (or sequence, type) the script names: ``schema.name`` in a
        schema other than the default one. On MySQL a schema is a database: a name without one is
        in the database of the last ``USE``; a script making or using one database only has it as
        the model's unnamed one (as reflection of a URL naming it reads it), one making or using
        several names each (:meth:`piece`). ``home``: the database a bare name is in where it is not
        the last USE's (a foreign key's parent: the child's)."""
        if self.dialect in ("sqlite", "duckdb"):
            # an attached database (SQLite: ATTACH ... AS name) or a schema (DuckDB) is a namespace; main
            # is the unnamed one, and a key's parent is in the child's (both engines' rule)
            name = _table_name(table)
            if isinstance(table, exp.Schema):
                table = table.this
            db = table.db or home
            return qualify(db if db and db.lower() != "main" else None, name)
        if self.dialect != "mysql":
            return _table_name(table, self.namespaced)
        name = _table_name(table)
        if isinstance(table, exp.Schema):
            table = table.this
        db = table.db or home or self.current_database
        return qualify(db if db and db != self.database else None, name)

    def draft(self, table: exp.Expression) -> _Draft:
        name = self.key_of(table)
        if self.fold_table(name) not in self.tables:
            if name in self.unkept:
                kind, line = self.unkept[name]
                raise _Skip(f"{_short_text(self.code)} (on {kind.lower()} {name}, not kept at line {line})")
            raise ModelError(f"table {name!r} is not created before this statement")
        return self.tables[self.fold_table(name)]

    def remember_unkept(self, code: str) -> None:
        """Note the object a CREATE that was not kept would have made, so what refers to it later (an
        index on a materialized view) is reported as not kept too, rather than as an error."""
        head = _head(code, 24)
        if head and head[0] == "CREATE":
            name = _created_name(code, self.dialect)
            if name:
                self.unkept.setdefault(name, (_create_kind(head), self.line))

    def create_index(self, stmt: exp.Create) -> None:
        index = stmt.this
        if not isinstance(index, exp.Index):
            raise _Skip(_short(stmt))
        draft = self.draft(index.args["table"])
        params = index.args.get("params") or exp.IndexParameters()
        using = params.args.get("using")
        where = params.args.get("where")
        include = params.args.get("include") or []
        name = index.this.name if index.this is not None else ""
        ix = Index(tuple(self.index_columns(params.args.get("columns") or [], draft)), name=name,
                   unique=bool(stmt.args.get("unique")),
                   where=self.expr(where.this, draft) if where is not None else None,
                   method=self.index_kind or (using.name.lower() if using is not None else None),
                   include=tuple(_names(include)))
        draft.indexes.append(ix)
        if name:
            self.places[f"{draft.name}.{name}"] = self.line

    def create_type(self, stmt: exp.Create) -> None:
        dt = stmt.args.get("expression")
        if not isinstance(dt, exp.DataType) or dt.this != exp.DataType.Type.ENUM:
            raise _Skip(f"CREATE TYPE that is not an enum: {_short(stmt)}")
        name = self.key_of(stmt.this)
        if self.fold_table(name) in self.enums:
            raise ModelError(f"enum {name!r} is created twice")
        namespace, bare = split_key(name) if self.namespaced else (None, name)
        self.enums[self.fold_table(name)] = Enum(bare, tuple(p.name for p in dt.expressions), schema=namespace)

    def create_sequence(self, stmt: exp.Create) -> None:
        """``CREATE SEQUENCE name [AS type] [START WITH n] [INCREMENT BY n] [MINVALUE n] [MAXVALUE n]
        [CACHE n] [CYCLE]``; ``OWNED BY`` comes later (pg_dump) or with a SERIAL column."""
        name = self.key_of(stmt.this)
        if self.fold_table(name) in self.sequences:
            if stmt.args.get("exists"):
                raise _Note("exists", "CREATE ... IF NOT EXISTS of what the script already created does nothing")
            raise ModelError(f"sequence {name!r} is created twice")
        values: dict[str, Any] = {}
        for prop in (stmt.args.get("properties") or exp.Properties()).expressions:
            if not isinstance(prop, exp.SequenceProperties):
                continue
            for arg, attr in (("start", "start"), ("increment", "increment"), ("minvalue", "min_value"),
                              ("maxvalue", "max_value"), ("cache", "cache")):
                if isinstance(prop.args.get(arg), exp.Expression):
                    values[attr] = int(prop.args[arg].sql())
            values["cycle"] = any(str(o).upper() == "CYCLE" for o in prop.args.get("options") or ())
        kind = stmt.args.get("expression")
        if isinstance(kind, exp.DataType):
            values["type"], _ = self.data_type(kind, "sequence", name)
        namespace, bare = split_key(name)
        self.sequences[self.fold_table(name)] = plain_sequence(Sequence(bare, schema=namespace, **values))
        self.places[name] = self.line

    def sequence_owner(self, code: str) -> None:
        """``ALTER SEQUENCE s OWNED BY t.c`` (pg_dump writes it after the table): the sequence goes with
        the column; ``OWNED BY NONE`` frees it."""
        m = _OWNED_BY.match(code)
        if m is None:
            raise _Skip(_short_text(code))
        seq = exp.to_table(m.group("seq"), dialect=self.parse_dialect)
        seq = normalize_identifiers(seq, dialect=self.dialect) if self.normalize else seq
        key = self.fold_table(self.key_of(seq))
        if key not in self.sequences:
            raise ModelError(f"sequence {seq.name!r} is not created before this statement")
        owner = m.group("owner").strip()
        if owner.upper() == "NONE":
            self.sequences[key] = replace(self.sequences[key], owned_by=None)
            return
        col = sqlglot.parse_one(owner, read=self.parse_dialect, into=exp.Column)
        if self.normalize:
            col = normalize_identifiers(col, dialect=self.dialect)
        draft = self.draft(exp.Table(this=exp.to_identifier(col.table),
                                     db=exp.to_identifier(col.db) if col.db else None))
        self.sequences[key] = replace(self.sequences[key], owned_by=(draft.name, draft.canonical(col.name)))

    def alter_table(self, stmt: exp.Alter) -> None:
        draft = self.draft(stmt.this)
        for action in stmt.args.get("actions") or ():
            if isinstance(action, exp.AddConstraint):
                for item in action.expressions:
                    self.table_constraint(draft, item)
            elif isinstance(action, exp.Constraint | exp.ForeignKey | exp.PrimaryKey):
                self.table_constraint(draft, action)
            elif isinstance(action, exp.ColumnDef):
                self.column_def(draft, action)
            elif isinstance(action, exp.AlterColumn):
                self.alter_column(draft, action)
            elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() in ("COLUMN", "CONSTRAINT"):
                for target in action.args.get("tables") or ():
                    self.drop_part(draft, (action.args.get("kind") or "").upper(), target.name,
                                   bool(action.args.get("exists")))
            else:
                raise _Skip(f"ALTER TABLE {draft.name}: {action.sql(self.dialect)}")

    def alter_column(self, draft: _Draft, action: exp.AlterColumn) -> None:
        """``ALTER COLUMN c SET/DROP DEFAULT``, ``SET/DROP NOT NULL`` and ``TYPE t`` (pg_dump writes the
        ``nextval`` default of a serial column this way, after the table and its sequence)."""
        column = draft.column(action.this.name)
        if action.args.get("dtype") is not None:
            dtype, _ = self.data_type(action.args["dtype"], draft.name, column.name)
            column = replace(column, type=dtype)
        if action.args.get("default") is not None:
            column = replace(column, default=self.default(action.args["default"], column.type), generated=None)
        elif action.args.get("drop") and action.args.get("allow_null") is None:
            column = replace(column, default=None)
        if action.args.get("allow_null") is not None:
            column = replace(column, nullable=bool(action.args["allow_null"]))
        draft.set_column(column)

    def drop_part(self, draft: _Draft, kind: str, name: str, if_exists: bool) -> None:
        """``ALTER TABLE ... DROP COLUMN/CONSTRAINT``: removed as the engine would."""
        if kind == "COLUMN":
            if not draft.has(name):
                if if_exists:
                    return
                raise ModelError(f"table {draft.name!r} has no column {name!r} to drop")
            draft.columns = [c for c in draft.columns if c.name != name]
            return
        before = (len(draft.foreign_keys), len(draft.uniques), len(draft.checks), len(draft.indexes))
        draft.foreign_keys = [f for f in draft.foreign_keys if f.name != name]
        draft.uniques = [u for u in draft.uniques if u.name != name]
        draft.checks = [c for c in draft.checks if c.name != name]
        draft.indexes = [i for i in draft.indexes if i.name != name]
        if before == (len(draft.foreign_keys), len(draft.uniques), len(draft.checks), len(draft.indexes)) \
                and not if_exists:
            raise _Skip(f"ALTER TABLE {draft.name} DROP CONSTRAINT {name}: no such named constraint was read "
                        "(a primary key's name is not kept)")

    def comment_on(self, stmt: exp.Comment) -> None:
        kind = (stmt.args.get("kind") or "").upper()
        text = stmt.expression.name if isinstance(stmt.expression, exp.Literal) else None
        if kind == "TABLE":
            self.draft(stmt.this).comment = text
        elif kind == "COLUMN":
            col = stmt.this
            draft = self.draft(exp.Table(this=col.args.get("table"), db=col.args.get("db")))
            draft.set_column(replace(draft.column(col.name), comment=text))
        else:
            raise _Skip(f"COMMENT ON {kind}: {_short(stmt)}")


def _short(stmt: exp.Expression) -> str:
    text = " ".join(stmt.sql().split())
    return text if len(text) <= 80 else text[:77] + "..."


def _script_databases(pieces: Iterable[Piece]) -> list[str]:
    """The databases a MySQL script makes (``CREATE DATABASE|SCHEMA``) or uses (``USE``), in order."""
    found: dict[str, None] = {}
    for piece in pieces:
        if piece.kind != "sql":
            continue
        head = _head(piece.code, 8)
        if head[:1] == ["USE"] and len(head) > 1:
            found[_name_at(piece.code, 1)] = None
        elif head[:1] == ["CREATE"] and len(head) > 2 and head[1] in ("DATABASE", "SCHEMA"):
            i = 5 if head[2:5] == ["IF", "NOT", "EXISTS"] else 2
            if i < len(head):
                found[_name_at(piece.code, i)] = None
    return list(found)


_SQL_NAME = r'(?:"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][\w$]*)'
#: SQLite's ``ATTACH [DATABASE] expr AS name``: the name
_SQLITE_ATTACH = re.compile(rf"\s*ATTACH\b.*\bAS\s+({_SQL_NAME})\s*;?\s*$", re.I | re.S)
#: SQLite's ``CREATE [UNIQUE] INDEX [IF NOT EXISTS] schema.index ON table``
_SQLITE_INDEX_IN_SCHEMA = re.compile(
    rf"(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)({_SQL_NAME})\s*\.\s*({_SQL_NAME})(\s+ON\s+)"
    rf"({_SQL_NAME})", re.I)

#: MySQL character set names the catalog spells otherwise: ``utf8`` is ``utf8mb3`` (MySQL 8.0.30,
#: MariaDB 10.6 on), so its binary collation is ``utf8mb3_bin``
_CHARSET_ALIASES = {"utf8": "utf8mb3"}


#: Each MySQL/MariaDB character set's default collation (information_schema.CHARACTER_SETS, MariaDB
#: 10.11): engine data, as a reserved-word list is; utf8mb4's differs by server (below)
_DEFAULT_COLLATIONS = {
    "armscii8": "armscii8_general_ci", "ascii": "ascii_general_ci", "big5": "big5_chinese_ci", "binary": "binary",
    "cp1250": "cp1250_general_ci", "cp1251": "cp1251_general_ci", "cp1256": "cp1256_general_ci",
    "cp1257": "cp1257_general_ci", "cp850": "cp850_general_ci", "cp852": "cp852_general_ci",
    "cp866": "cp866_general_ci", "cp932": "cp932_japanese_ci", "dec8": "dec8_swedish_ci",
    "eucjpms": "eucjpms_japanese_ci", "euckr": "euckr_korean_ci", "gb2312": "gb2312_chinese_ci",
    "gbk": "gbk_chinese_ci", "geostd8": "geostd8_general_ci", "greek": "greek_general_ci",
    "hebrew": "hebrew_general_ci", "hp8": "hp8_english_ci", "keybcs2": "keybcs2_general_ci",
    "koi8r": "koi8r_general_ci", "koi8u": "koi8u_general_ci", "latin1": "latin1_swedish_ci",
    "latin2": "latin2_general_ci", "latin5": "latin5_turkish_ci", "latin7": "latin7_general_ci",
    "macce": "macce_general_ci", "macroman": "macroman_general_ci", "sjis": "sjis_japanese_ci",
    "swe7": "swe7_swedish_ci", "tis620": "tis620_thai_ci", "ucs2": "ucs2_general_ci", "ujis": "ujis_japanese_ci",
    "utf16": "utf16_general_ci", "utf16le": "utf16le_general_ci", "utf32": "utf32_general_ci",
    "utf8mb3": "utf8mb3_general_ci", "utf8mb4": "utf8mb4_general_ci",
}
#: utf8mb4's default on MySQL 8 and MariaDB 11.5+
_OTHER_DEFAULTS = {"utf8mb4": ("utf8mb4_0900_ai_ci", "utf8mb4_uca1400_ai_ci")}


def _charset(name: str) -> str:
    return _CHARSET_ALIASES.get(name.lower(), name.lower())


def _default_collations(charset: str) -> set[str]:
    """The collations that are ``charset``'s default on some MySQL or MariaDB server."""
    cs = _charset(charset)
    found = {_DEFAULT_COLLATIONS[cs]} if cs in _DEFAULT_COLLATIONS else set()
    return found | set(_OTHER_DEFAULTS.get(cs, ()))


def _binary_collation(charset: str) -> str:
    """The binary collation of a MySQL character set (``latin1`` -> ``latin1_bin``; ``binary`` is its own)."""
    cs = _charset(charset)
    return "binary" if cs == "binary" else f"{cs}_bin"


def _table_name(table: exp.Expression, namespaced: bool = False) -> str:
    """The table's name, or (``namespaced``) its model key: ``schema.name`` in a schema other than
    the engine's default one (:data:`DEFAULT_SCHEMAS`)."""
    if isinstance(table, exp.Schema):
        table = table.this
    if not isinstance(table, exp.Table):
        raise ModelError(f"expected a table name, got {table.sql()!r}")
    if namespaced:  # a key: a dotted name is quoted, so it splits back (naming.split_key)
        return qualify(table.db if table.db and table.db not in DEFAULT_SCHEMAS else None, table.name)
    return table.name


#: Dialects whose scripts name schemas the model keeps (``CREATE TABLE sales.orders``).
NAMESPACED = frozenset({"postgres", "mysql", "sqlite", "duckdb"})
#: Schemas that are the engine's default: the model leaves them unnamed.
DEFAULT_SCHEMAS = frozenset({"public"})


def _names(items: list[exp.Expression]) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, exp.Ordered):
            item = item.this
        out.append(item.name)
    return out


def _constraint_name(cc: exp.Expression) -> str:
    name = cc.args.get("this") if isinstance(cc, exp.ColumnConstraint) else None
    return name.name if isinstance(name, exp.Identifier) else ""


def _int(value: Any) -> int:
    try:
        return int(value.name)
    except ValueError:
        raise ModelError(f"type parameter {value.sql()!r} is not a whole number") from None


def _short_text(code: str) -> str:
    text = " ".join(code.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _with_lines(message: str, lines: list[int]) -> str:
    """``message`` with the lines it covers when there are several (``lines 8-17, 264``)."""
    if len(lines) == 1:
        return message
    spans: list[list[int]] = []
    for n in sorted(set(lines)):
        if spans and n <= spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    shown = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:8]) + (", ..." if len(spans) > 8 else "")
    return f"{message} (lines {shown})"


def _statement_kind(head: list[str]) -> str:
    if head[0] in ("CREATE", "ALTER", "DROP") and len(head) > 1:
        kind = _create_kind(head) if head[0] == "CREATE" else head[1]
        return f"{head[0]} {kind}"
    return head[0]


def _data_target(head: list[str]) -> int:
    """Where the table a data statement writes (``INSERT INTO t``, ``COPY t``) starts in ``head``."""
    for i, word in enumerate(head[1:], 1):
        if word not in ("INTO", "FROM", "TABLE", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "OR",
                        "ONLY", "REPLACE", "ABORT", "FAIL", "ROLLBACK"):
            return i
    return len(head)


def _mariadb_json(col: exp.ColumnDef, name: str) -> bool:
    """Whether a column is MariaDB's JSON as SHOW CREATE TABLE (and so mysqldump) writes it:
    ``LONGTEXT [CHARACTER SET utf8mb4 COLLATE utf8mb4_bin] CHECK (json_valid(`c`))``
    (https://mariadb.com/kb/en/json-data-type/)."""
    kind = col.args.get("kind")
    if not isinstance(kind, exp.DataType) or kind.this != exp.DataType.Type.LONGTEXT:
        return False
    for cc in col.args.get("constraints") or ():
        check = cc.args.get("kind") if isinstance(cc, exp.ColumnConstraint) else cc
        if isinstance(check, exp.CheckColumnConstraint):
            call = check.this.unnest() if isinstance(check.this, exp.Paren) else check.this
            args = list(call.expressions) if isinstance(call, exp.Anonymous) else [call.this] if isinstance(
                call, exp.Func) and call.args.get("this") is not None else []
            fname = call.name if isinstance(call, exp.Anonymous) else type(call).__name__
            if fname.lower() in ("json_valid", "isjson", "jsonvalid") and len(args) == 1 \
                    and isinstance(args[0], exp.Column) and args[0].name.lower() == name.lower():
                return True
    return False


def _table_name_index(head: list[str]) -> int:
    """Where the table's name is among the head tokens of a CREATE TABLE."""
    i = head.index("TABLE") + 1 if "TABLE" in head else 2
    return i + 3 if head[i:i + 3] == ["IF", "NOT", "EXISTS"] else i


def _name_at(code: str, index: int) -> str:
    """The (possibly qualified) name starting at the ``index``-th head token of ``code``, quotes
    removed: ``"public"."Order"`` -> ``public.Order``."""
    pos, i = 0, 0
    parts: list[str] = []
    while True:
        m = _HEAD_TOKEN.match(code, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if i >= index:
            quoted, word, _ = m.groups()
            if quoted:
                q = quoted[0]
                parts.append(quoted[1:-1].replace(q * 2, q) if q != "[" else quoted[1:-1])
            elif word:
                parts.append(word)
            else:
                break
            nxt = _HEAD_TOKEN.match(code, pos)
            if nxt is None or nxt.group(3) != ".":
                break
            pos = nxt.end()
        i += 1
    return ".".join(parts) or "?"


def _created_name(code: str, dialect: str) -> str:
    """The (unqualified) name of the object a ``CREATE`` statement makes, folded as the dialect folds
    unquoted names, or "" when it cannot be told."""
    pos = 0
    tokens: list[tuple[str | None, ...]] = []
    while len(tokens) < 40:
        m = _HEAD_TOKEN.match(code, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        tokens.append(m.groups())
    words = [w.upper() if w else "?" if q else (o or "") for q, w, o in tokens]
    kind = _create_kind(words)
    if not kind:
        return ""
    i = words.index(kind.split()[-1], 1) + 1
    while i < len(words) and words[i] in ("IF", "NOT", "EXISTS", "CONCURRENTLY", "ONLY"):
        i += 1
    parts: list[str] = []
    while i < len(tokens):
        quoted, word, _ = tokens[i]
        if quoted:
            q = quoted[0]
            parts.append(quoted[1:-1].replace(q * 2, q) if q != "[" else quoted[1:-1])
        elif word:
            parts.append(word.lower() if dialect in ("postgres", "duckdb") else word)
        else:
            break
        if i + 1 < len(tokens) and tokens[i + 1][2] == ".":
            i += 2
            continue
        break
    return parts[-1] if parts else ""


#: Words that end a column's type and start its constraints or options (every dialect's).
_TYPE_END = frozenset({
    "NOT", "NULL", "PRIMARY", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "CONSTRAINT",
    "AUTO_INCREMENT", "AUTOINCREMENT", "COMMENT", "ON", "AS", "KEY", "INVISIBLE", "VISIBLE", "STORED", "VIRTUAL",
    "COLUMN_FORMAT", "STORAGE", "IDENTITY", "CHARSET", "SRID", "ENCODE", "COMPRESSION", "SERIAL",
})


def _spelling_from(tokens: list[Token], i: int, code: str) -> str | None:
    """The text of the column type starting at token ``i``: its words and parenthesised arguments, up
    to the first constraint word or the comma or parenthesis that ends the column (as SQLite defines
    a declared type, https://sqlite.org/lang_createtable.html)."""
    j, depth = i, 0
    while j < len(tokens):
        tok = tokens[j]
        if depth == 0:
            word = tok.text.upper().split()[0] if tok.text.strip() else ""
            if tok.token_type in (TokenType.COMMA, TokenType.R_PAREN, TokenType.SEMICOLON) or (
                    word in _TYPE_END and tok.token_type not in (TokenType.STRING, TokenType.IDENTIFIER)) or (
                    word == "CHARACTER" and j + 1 < len(tokens) and tokens[j + 1].text.upper() == "SET"):
                break
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        j += 1
    if j == i:
        return None
    return code[tokens[i].start:tokens[j - 1].end + 1]


def _type_spelling(text: str) -> str:
    """The leading column type of ``text`` (a domain's definition), read with a generic tokenizer."""
    tokens = sqlglot.Dialect.get_or_raise("postgres").tokenize(text)
    return _spelling_from(tokens, 0, text) or text
