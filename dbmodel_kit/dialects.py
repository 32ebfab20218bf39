"""The four target engines as data: capability flags and the logical type -> SQLAlchemy type table.

Every dialect difference the DDL emitter, the reflector and the round-trip limits need is a field
of :class:`Dialect`, so code reads ``dialect.partial_index`` instead of ``if name == "mysql"``.
The flags were checked on PostgreSQL 15, MariaDB 10.11, SQLite 3.40 and DuckDB 2.0.1
(see the engine table at the end of ``ARCHITECTURE.md``).

>>> get_dialect("postgres").name, get_dialect("MariaDB").name
('postgresql', 'mysql')
>>> get_dialect("duckdb").fk_actions
False
"""

from __future__ import annotations

import copy
import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect as SADialect
from sqlalchemy.ext.compiler import compiles

from .errors import ModelError
from .model.types import INTEGER_KINDS, NUMERIC_KINDS, DataType

TypeFactory = Callable[[DataType], sa.types.TypeEngine]


class _Package:
    """A SQLAlchemy dialect package, imported on first use of one of its names. Each imports all
    its drivers' modules, which only that engine's DDL needs: PostgreSQL's DDL does not pay for
    MySQL's and SQLite's (issue 18, "Start-up")."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<{self._name}, imported on first use>"


mysql = _Package("sqlalchemy.dialects.mysql")
postgresql = _Package("sqlalchemy.dialects.postgresql")
sqlite = _Package("sqlalchemy.dialects.sqlite")


class Spelled(sa.types.UserDefinedType):  # type: ignore[type-arg]
    """A type written exactly as given: a model's native spelling, or an engine type SQLAlchemy has
    no class for (DuckDB's ``HUGEINT``, MariaDB's ``INET6``). Native spellings are checked to be
    one type when the model is built (:func:`dbmodel_kit.model.types.native_map`)."""

    cache_ok = True

    def __init__(self, spelling: str) -> None:
        self.spelling = spelling

    def get_col_spec(self, **kw: Any) -> str:
        return self.spelling

    def __repr__(self) -> str:
        return f"Spelled({self.spelling!r})"


class SpelledInteger(sa.types.Integer):
    """An integer type written exactly as given (a model's native spelling of an integer kind, such
    as MySQL's ``MEDIUMINT UNSIGNED``): an integer to SQLAlchemy, so it can be AUTO_INCREMENT /
    identity, which a :class:`Spelled` type cannot."""

    cache_ok = True

    def __init__(self, spelling: str) -> None:
        self.spelling = spelling

    def __repr__(self) -> str:
        return f"SpelledInteger({self.spelling!r})"


@compiles(SpelledInteger)
def _spelled_integer(element: SpelledInteger, compiler: Any, **kw: Any) -> str:
    return element.spelling


def _numeric(t: DataType) -> sa.types.TypeEngine:
    return sa.Numeric(t.precision, t.scale)


def _spelled(text: str) -> TypeFactory:
    return lambda t: Spelled(text)


#: The mapping every engine shares; each :class:`Dialect` overrides the kinds it stores differently.
#: Kinds an engine has no type for get the closest type here and a note in
#: :attr:`Dialect.approximations` (said in the DDL), or are refused in :attr:`Dialect.unsupported`.
COMMON_TYPES: dict[str, TypeFactory] = {
    "uuid": lambda t: sa.Uuid(),
    "tinyint": lambda t: sa.SmallInteger(),
    "smallint": lambda t: sa.SmallInteger(),
    "integer": lambda t: sa.Integer(),
    "bigint": lambda t: sa.BigInteger(),
    # 2^127 has 39 digits
    "hugeint": lambda t: sa.Numeric(39, 0),
    "decimal": _numeric,
    "real": lambda t: sa.REAL(),
    "double": lambda t: sa.Double(),
    "boolean": lambda t: sa.Boolean(),
    "char": lambda t: sa.CHAR(t.length),
    "varchar": lambda t: sa.VARCHAR(t.length),
    "text": lambda t: sa.Text(),
    "citext": lambda t: sa.Text(),
    "date": lambda t: sa.Date(),
    "time": lambda t: sa.Time(),
    "timestamp": lambda t: sa.DateTime(timezone=False),
    "timestamptz": lambda t: sa.DateTime(timezone=True),
    "interval": lambda t: sa.Interval(),
    "year": lambda t: sa.SmallInteger(),
    "json": lambda t: sa.JSON(),
    "bytes": lambda t: sa.LargeBinary(),
    # longest text forms: an IPv6 address with an IPv4 tail and a zone (45), with a /128 (49)
    "inet": lambda t: sa.VARCHAR(45),
    "cidr": lambda t: sa.VARCHAR(49),
    "macaddr": lambda t: sa.VARCHAR(17),
    "geometry": lambda t: sa.LargeBinary(),
    "tsvector": lambda t: sa.Text(),
}

#: A wider signed type for each unsigned one, on engines without unsigned types (every value fits).
WIDER_SIGNED: dict[str, DataType] = {
    "tinyint": DataType("smallint"), "smallint": DataType("integer"), "integer": DataType("bigint"),
    "bigint": DataType("decimal", precision=20, scale=0), "hugeint": DataType("decimal", precision=39, scale=0),
}


@dataclass(frozen=True)
class Dialect:
    """What one engine can store and how each logical type is spelled there."""

    name: str
    #: other names people use for it (``postgres``, ``pg``, ``mariadb``, ...)
    aliases: tuple[str, ...]
    #: sqlglot's name for the dialect (expressions in checks, defaults, partial indexes)
    sqlglot: str
    #: builds the SQLAlchemy dialect used to compile DDL (``paramstyle="named"`` so a ``%`` in an
    #: identifier is printed once, exactly as the engine receives it)
    sa_dialect: Callable[[], SADialect]
    #: DDL runs inside a transaction, so a failed ``apply`` leaves nothing behind
    transactional_ddl: bool
    #: ON DELETE / ON UPDATE actions on foreign keys
    fk_actions: bool
    #: ALTER TABLE ADD CONSTRAINT for foreign keys and checks (needed to close FK cycles)
    alter_add_constraint: bool
    #: a foreign key may name a table created later (SQLite checks references only at DML time)
    fk_forward_reference: bool
    #: CREATE INDEX ... WHERE
    partial_index: bool
    #: the dialect keyword prefix SQLAlchemy reads ``<prefix>_where`` / ``_using`` / ``_include`` from
    kwarg_prefix: str
    #: how enum columns are stored: ``type`` (CREATE TYPE), ``inline`` (ENUM('a', ...)), ``check``
    enum_style: str
    native_uuid: bool
    comments: bool
    #: CREATE INDEX ... INCLUDE (covering columns)
    include_columns: bool
    #: index access methods the engine knows (empty: only its default)
    index_methods: frozenset[str]
    #: how identity columns are made: ``identity`` (GENERATED BY DEFAULT AS IDENTITY),
    #: ``auto_increment``, ``rowid`` (INTEGER PRIMARY KEY AUTOINCREMENT), ``sequence`` (CREATE
    #: SEQUENCE + nextval default)
    identity_style: str
    #: constraint names (FK, UNIQUE, CHECK) are kept by the catalog
    named_constraints: bool
    #: char/varchar lengths are kept (DuckDB's VARCHAR ignores them)
    text_lengths: bool
    #: identifiers longer than this many UTF-8 bytes are cut or refused (None: no limit)
    max_identifier_bytes: int | None
    #: identifiers longer than this many characters are refused (MySQL counts characters)
    max_identifier_chars: int | None = None
    #: names over ``max_identifier_bytes`` are cut by the engine (PostgreSQL) instead of refused
    truncates_identifiers: bool = False
    #: where each kind of name must be unique: ``table`` (per table), ``relation`` (per schema,
    #: together with the tables and the other ``relation`` kinds), any other label (per schema,
    #: among the kinds with that label), ``none`` (the engine keeps no name)
    name_scopes: dict[str, str] = field(default_factory=lambda: {
        "index": "table", "unique": "table", "foreign_key": "table", "check": "table"})
    #: the scopes of :attr:`name_scopes` where the engine compares names without case: two names
    #: differing only in case are one name there (InnoDB's foreign-key names)
    folded_scopes: frozenset[str] = frozenset()
    #: table and column names compared without case (``table``: per schema; ``column``: per table):
    #: SQLite and DuckDB both, MySQL/MariaDB columns ("Duplicate column name"); PostgreSQL keeps a
    #: quoted name's case
    folded_names: frozenset[str] = frozenset()
    #: only Basic Multilingual Plane characters in identifiers, none ending with a space (MySQL)
    identifier_bmp_only: bool = False
    #: CREATE SCHEMA makes a namespace (MySQL: a database); SQLite attaches database files instead
    create_namespaces: bool = True
    #: declarative partitioning (PARTITION BY, ATTACH PARTITION); elsewhere a partitioned table is a
    #: plain table and its partitions are left out
    partitions: bool = False
    #: CREATE MATERIALIZED VIEW; elsewhere a materialized view is a plain view
    materialized_views: bool = False
    #: an unqualified reference from a table in a named schema means that schema, not the default
    #: (MySQL: the table's own database)
    references_own_namespace: bool = False
    #: foreign keys between tables of different schemas (DuckDB: "Creating foreign keys across
    #: different schemas or catalogs is not supported")
    cross_namespace_fks: bool = True
    #: sqlglot expression node names the engine cannot evaluate, and what to call them in a note
    missing_expressions: dict[str, str] = field(default_factory=dict)
    #: CREATE SEQUENCE (and a ``nextval`` default); elsewhere a sequence default becomes identity
    #: where the column is the lone integer key, else it is left to the application
    sequences: bool = True
    #: how ``nextval`` names its sequence: ``string`` (``nextval('s')``), ``identifier`` (``nextval(s)``)
    nextval_arg: str = "string"
    #: ALTER SEQUENCE ... OWNED BY (the sequence goes when its column goes)
    sequence_owner: bool = False
    #: CREATE SEQUENCE ... AS type
    sequence_types: bool = False
    #: CREATE SEQUENCE ... CACHE n (DuckDB's parser refuses it)
    sequence_cache: bool = True
    #: ALTER SEQUENCE changes a sequence's numbers (DuckDB: "ALTER SEQUENCE option not yet supported")
    alter_sequence: bool = True
    #: a column attribute ``ON UPDATE CURRENT_TIMESTAMP`` (MySQL)
    on_update_now: bool = False
    #: foreign keys checked at commit (``DEFERRABLE [INITIALLY DEFERRED]``: PostgreSQL, SQLite)
    deferrable_fks: bool = False
    #: unique constraints checked at commit (``UNIQUE ... DEFERRABLE``: PostgreSQL)
    deferrable_uniques: bool = False
    #: a foreign key's columns must be stored as the referenced columns' types (string lengths
    #: aside): MySQL/MariaDB ("similar data types", errno 150) and DuckDB ("incompatible types")
    fk_types_equal: bool = False
    #: with ``fk_types_equal``: a DECIMAL key column may reference a DECIMAL of another precision
    #: and scale (MariaDB takes DECIMAL(12,2) -> DECIMAL(10,2); DuckDB refuses it)
    fk_decimals_any_precision: bool = False
    #: ``now()`` is written with the column's fractional-second precision (MySQL refuses
    #: DATETIME(6) DEFAULT CURRENT_TIMESTAMP(0)... and keeps what it is given)
    now_follows_precision: bool = False
    #: SQL for the portable defaults ``now()`` and ``uuid()`` (None: the engine has no such function)
    now_sql: str = "CURRENT_TIMESTAMP"
    uuid_sql: str | None = None
    #: an expression giving each row a new random UUID (version 4, as text) where the engine has
    #: no uuid() default (``uuid_sql`` None) but can compute one in an UPDATE: a migration adding a
    #: column with a uuid() default fills the rows already there with it, as the other engines'
    #: defaults do (SQLite: randomblob, https://www.sqlite.org/lang_corefunc.html#randomblob)
    uuid_fill_sql: str | None = None
    #: statements run on every new connection (SQLite enforces FKs only when asked)
    connect_statements: tuple[str, ...] = ()
    #: the driver does not BEGIN before DDL by itself, so ``apply`` emits BEGIN (pysqlite)
    explicit_begin: bool = False
    #: ON DELETE/UPDATE SET NULL is refused on a NOT NULL column when the table is created (MySQL's
    #: "Foreign key constraint is incorrectly formed"); elsewhere it fails only when a row is deleted
    set_null_needs_nullable: bool = False
    #: ON UPDATE CASCADE is refused when a referenced column may be NULL and the column referencing
    #: it may not (a cascaded NULL could not be stored): MariaDB since 10.6.19 / 10.11.9 in strict
    #: mode (MDEV-34392), "Foreign key constraint is incorrectly formed"; MySQL 8 takes it
    update_cascade_needs_nullable: bool = False
    #: lock-safe migration forms exist: CREATE INDEX CONCURRENTLY, constraints added NOT VALID then
    #: VALIDATEd, SET NOT NULL proven by a validated CHECK (PostgreSQL; used by ``--safe``)
    lock_safe_forms: bool = False
    #: generated columns can be STORED (DuckDB has only VIRTUAL ones)
    generated_stored: bool = True
    #: CHECK, keys and foreign keys can name a generated column (DuckDB: "Constraints on generated
    #: columns are not supported yet"; ddl.limits.generated_constraints writes around it)
    generated_constraints: bool = True
    #: a generated column can be NOT NULL (MariaDB: a syntax error; DuckDB, as above): else a CHECK
    generated_not_null: bool = True
    #: what DECIMAL without a precision becomes (None: an unbounded or untyped numeric)
    decimal_default: tuple[int, int] | None = None
    #: the scale DECIMAL(p) gets (None: kept as written)
    decimal_scale_default: int | None = 0
    #: logical kinds stored as large objects, which an index covers only by a prefix (MySQL TEXT/BLOB)
    prefix_key_kinds: frozenset[str] = frozenset()
    #: characters (bytes for BLOB) of such a column that an index covers
    key_prefix_length: int = 255
    #: logical kinds that cannot be in an index, unique constraint or key at all
    unindexable_kinds: frozenset[str] = frozenset()
    #: logical kinds whose SQLAlchemy type differs from :data:`COMMON_TYPES`
    types: dict[str, TypeFactory] = field(default_factory=dict)
    #: kinds stored as a near type, and what the DDL says about it
    approximations: dict[str, str] = field(default_factory=dict)
    #: kinds the engine cannot store at all, and why (DDL refuses naming the column)
    unsupported: dict[str, str] = field(default_factory=dict)
    #: another engine's index method -> this engine's own for the same index (MySQL's SPATIAL
    #: index is PostgreSQL's GiST: R-tree over shapes)
    index_method_names: dict[str, str] = field(default_factory=dict)
    #: kinds with unsigned forms (MySQL ``INT UNSIGNED``, ``DECIMAL UNSIGNED``; DuckDB ``UINTEGER``);
    #: elsewhere an unsigned integer is stored in the next wider signed type (:data:`WIDER_SIGNED`)
    unsigned_types: frozenset[str] = frozenset()
    #: how arrays are stored: ``sqlalchemy`` (SQLAlchemy's ``ARRAY``), ``suffix`` (the element's
    #: type followed by ``[]``, DuckDB lists), ``json`` (a JSON document)
    array_style: str = "json"
    #: a binary literal (SQLAlchemy renders none for BLOB/bytea), formatted with ``hex`` (the
    #: bytes as hex digits) and ``escaped`` (each byte as ``\xNN``)
    bytes_literal: str = "X'{hex}'"
    #: CREATE DOMAIN; elsewhere a domain column gets the base type with the domain's rules
    domains: bool = False
    #: the extension each kind needs (``CREATE EXTENSION IF NOT EXISTS`` before the tables)
    type_extensions: dict[str, str] = field(default_factory=dict)
    #: how a SET (several values of an enum) is stored: ``native`` (MySQL SET), ``enum_array``
    #: (an array of the enum type), ``text`` (comma-separated, as MySQL writes it)
    set_style: str = "text"

    #: the largest type parameters the engine takes, as ``kind.parameter`` -> (largest, the engine's rule
    #: as it states it): DDL refuses a column over one naming the rule, instead of the engine refusing
    #: the CREATE TABLE (or, MariaDB outside strict mode, silently making a VARCHAR a TEXT)
    type_limits: dict[str, tuple[int, str]] = field(default_factory=dict)

    #: the longest index key, in bytes (None: longer than any key the kit makes). InnoDB: "Specified
    #: key was too long; max key length is 3072 bytes"
    max_key_bytes: int | None = None
    #: bytes a character of text takes in an index key (utf8mb4: 4)
    key_char_bytes: int = 4
    #: a foreign key needs a whole-value index on its own columns (InnoDB makes one when none is
    #: declared; "index prefixes on foreign key columns are not supported")
    fk_needs_index: bool = False
    #: text columns without a length (TEXT, VARCHAR) in a primary key or a foreign key are stored as
    #: VARCHAR(n) (InnoDB keys TEXT only by a prefix: "BLOB/TEXT column '...' used in key
    #: specification without a key length", and a foreign key must join columns of like types)
    key_text_length: int | None = None

    def key_kind(self, t: DataType) -> str:
        """How a column of type ``t`` can be part of an index: ``full``, ``prefix`` or ``none``."""
        kind = "varchar_unbounded" if t.kind == "varchar" and t.length is None else t.kind
        if kind in self.unindexable_kinds:
            return "none"
        return "prefix" if kind in self.prefix_key_kinds else "full"

    def key_bytes(self, t: DataType) -> int:
        """Bytes a value of type ``t`` takes in an index key at most (text counted at
        :attr:`key_char_bytes` a character; a prefix-only kind at :attr:`key_prefix_length`)."""
        if t.kind in ("char", "varchar") and t.length is not None:
            return t.length * self.key_char_bytes
        if self.key_kind(t) == "prefix":
            return self.key_prefix_length * self.key_char_bytes
        if t.kind == "uuid" and not self.native_uuid:
            return 36 * self.key_char_bytes
        return 16  # numbers, dates and times, booleans, enums: a few bytes each

    def type_factory(self, kind: str) -> TypeFactory:
        factory = self.types.get(kind) or COMMON_TYPES.get(kind)
        if factory is None:
            raise ModelError(f"{self.name} has no mapping for type kind {kind!r}")
        return factory

    def compile_dialect(self) -> SADialect:
        """The SQLAlchemy dialect that compiles this engine's DDL: one instance, shared (as an engine
        shares its dialect), since building one costs milliseconds (duckdb_engine's ~5 ms) and the
        DDL of a big schema compiles thousands of constructs."""
        compiler = _COMPILERS.get(self.name)
        if compiler is None:
            compiler = _COMPILERS[self.name] = self.sa_dialect()
        return compiler

    def __repr__(self) -> str:
        return f"Dialect({self.name!r})"


#: dialect name -> its shared compile dialect (see :meth:`Dialect.compile_dialect`)
_COMPILERS: dict[str, SADialect] = {}


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (a keyword list kept as it reads)."""
    return frozenset(text.split())


#: SQLite's keywords (https://www.sqlite.org/lang_keywords.html) that SQLAlchemy's SQLite dialect
#: does not quote: SQLite refuses some bare (``returning``, ``nothing``: "syntax error") and reads
#: others as keywords in some places (``window``, ``filter``, ``over``), so all are quoted
_SQLITE_KEYWORDS = _words("""abort action always current do exclude filter first following generated groups
last materialized no nothing nulls others over partition preceding range recursive regexp release returning
rows savepoint ties unbounded window with without""")


#: PostgreSQL's keywords that are "non-reserved (cannot be function or type)" (its keyword table,
#: Appendix C; ``pg_get_keywords()`` catcode ``C``, PostgreSQL 13 to 17): a column may be named so
#: bare, a type may not (``DROP TYPE position`` is a syntax error), and SQLAlchemy quotes only
#: the reserved words
_PG_COLUMN_NAME_KEYWORDS = _words("""between bigint bit boolean char character coalesce dec decimal exists
extract float greatest grouping inout int integer interval json json_array json_arrayagg json_exists json_object
json_objectagg json_query json_scalar json_serialize json_table json_value least merge_action national nchar none
normalize nullif numeric out overlay position precision real row setof smallint substring time timestamp treat
trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
xmlserialize xmltable""")


def _quote_type_keywords(d: SADialect, words: frozenset[str]) -> SADialect:
    """``d`` quoting a type name (enum, domain) that is one of ``words``: keywords the engine takes
    as a column name but not as a type name, which its preparer (quoting reserved words only)
    would leave bare in ``CREATE TYPE``, a column's type and ``DROP TYPE``."""
    prep = d.identifier_preparer
    plain = prep.format_type

    def format_type(type_: Any, use_schema: bool = True) -> str:
        name = getattr(type_, "name", None)
        if isinstance(name, str) and name.lower() in words and getattr(name, "quote", None) is None:
            type_ = copy.copy(type_)
            type_.name = sa.sql.quoted_name(name, quote=True)
        return plain(type_, use_schema=use_schema)

    prep.format_type = format_type  # type: ignore[method-assign]
    return d


def _postgresql_dialect() -> SADialect:
    return _quote_type_keywords(postgresql.psycopg.dialect(paramstyle="named"), _PG_COLUMN_NAME_KEYWORDS)


def _sqlite_dialect() -> SADialect:
    d = sqlite.pysqlite.dialect(paramstyle="named")
    d.identifier_preparer.reserved_words = d.identifier_preparer.reserved_words | _SQLITE_KEYWORDS
    return d


def _mysql_dialect() -> SADialect:
    d = mysql.pymysql.dialect(paramstyle="named")
    # one DDL serves MySQL and MariaDB: quote the words either reserves (MariaDB refuses a bare
    # ``offset``, ``returning``, ``period`` ... that MySQL takes)
    from sqlalchemy.dialects.mysql.reserved_words import RESERVED_WORDS_MARIADB

    d.identifier_preparer.reserved_words = d.identifier_preparer.reserved_words | RESERVED_WORDS_MARIADB
    return d


def keep_postgres_words() -> None:
    """Give duckdb_engine's identifier preparer a reserved-word set of its own, before any DuckDB
    dialect is made. Its ``__init__`` adds DuckDB's reserved keywords to ``self.reserved_words`` in
    place, and that set is the one it inherits from PostgreSQL's preparer: SQLAlchemy's
    ``postgresql.base.RESERVED_WORDS`` itself (duckdb_engine 0.17). Unguarded, the first DuckDB
    dialect of a process made every later PostgreSQL DDL quote ``show``, ``describe``, ``lambda``...
    (and SQLAlchemy's own list read differently). Imports duckdb_engine; does nothing a second time."""
    import duckdb_engine
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS

    preparer = getattr(duckdb_engine, "DuckDBIdentifierPreparer", None)
    if preparer is not None and preparer.reserved_words is RESERVED_WORDS:
        preparer.reserved_words = set(RESERVED_WORDS)


def _duckdb_dialect() -> SADialect:
    import duckdb_engine  # imported lazily: only needed when DuckDB DDL is compiled

    keep_postgres_words()
    d = duckdb_engine.Dialect(paramstyle="named")
    # duckdb_engine quotes PostgreSQL's reserved words; DuckDB's parser also refuses its own reserved and
    # type/function keywords (``at``, ``by``, ``join``, ...) as bare column names, so those are quoted too
    d.identifier_preparer.reserved_words = d.identifier_preparer.reserved_words | _duckdb_keywords()
    # and its column-name keywords (``position``, ``row``, ...) name no type bare
    return _quote_type_keywords(d, _duckdb_keywords("column_name"))


@functools.cache
def _duckdb_keywords(*categories: str) -> frozenset[str]:
    """DuckDB's keywords of ``categories`` (default: reserved and type_function)."""
    import duckdb

    wanted = categories or ("reserved", "type_function")
    rows = duckdb.sql("SELECT keyword_name, keyword_category FROM duckdb_keywords()").fetchall()
    return frozenset(name for name, category in rows if category in wanted)


def _mysql_char36(t: DataType) -> sa.types.TypeEngine:
    return sa.CHAR(36)


#: PostgreSQL's built-in geometric types for the shapes that have one
_PG_SHAPES = {"point": "point", "polygon": "polygon", "linestring": "path"}


def _mysql_geometry(t: DataType) -> sa.types.TypeEngine:
    return Spelled((t.shape or "geometry").upper())


def _mysql_fsp(t: DataType) -> int:
    # the kit's timestamps keep microseconds unless a precision is given
    return 6 if t.precision is None else t.precision


POSTGRESQL = Dialect(
    name="postgresql", aliases=("postgres", "pg", "psql", "postgresql+psycopg", "postgresql+psycopg2"),
    # https://www.postgresql.org/docs/current/datatype-character.html, .../datatype-numeric.html
    type_limits={
        "char.length": (10485760, "PostgreSQL: length for type char cannot exceed 10485760"),
        "varchar.length": (10485760, "PostgreSQL: length for type varchar cannot exceed 10485760"),
        "decimal.precision": (1000, "PostgreSQL: NUMERIC precision must be between 1 and 1000"),
    },
    sqlglot="postgres", sa_dialect=_postgresql_dialect,
    transactional_ddl=True, fk_actions=True, alter_add_constraint=True, fk_forward_reference=False,
    partial_index=True, kwarg_prefix="postgresql", enum_style="type", native_uuid=True, comments=True,
    include_columns=True, index_methods=frozenset({"btree", "hash", "gin", "gist", "brin", "spgist"}),
    index_method_names={"spatial": "gist"},
    bytes_literal="'\\x{hex}'",  # bytea's hex form
    identity_style="identity", named_constraints=True, text_lengths=True, max_identifier_bytes=63,
    truncates_identifiers=True, sequence_owner=True, sequence_types=True, partitions=True, materialized_views=True,
    deferrable_fks=True, deferrable_uniques=True,
    # indexes (and the index of each UNIQUE) share pg_class with tables; CHECK and FK names are per
    # table (https://www.postgresql.org/docs/current/catalog-pg-constraint.html)
    name_scopes={"index": "relation", "unique": "relation", "foreign_key": "table", "check": "table"},
    uuid_sql="gen_random_uuid()", lock_safe_forms=True, array_style="sqlalchemy", set_style="enum_array",
    domains=True, type_extensions={"citext": "citext", "cube": "cube"},
    types={
        "uuid": lambda t: postgresql.UUID(),
        "double": lambda t: postgresql.DOUBLE_PRECISION(),
        "time": lambda t: postgresql.TIME(precision=t.precision),
        "timestamp": lambda t: postgresql.TIMESTAMP(timezone=False, precision=t.precision),
        "timestamptz": lambda t: postgresql.TIMESTAMP(timezone=True, precision=t.precision),
        "interval": lambda t: postgresql.INTERVAL(),
        "json": lambda t: postgresql.JSONB(),
        "bytes": lambda t: postgresql.BYTEA(),
        "citext": lambda t: postgresql.CITEXT(),
        "inet": lambda t: postgresql.INET(),
        "cidr": lambda t: postgresql.CIDR(),
        "macaddr": lambda t: postgresql.MACADDR(),
        "tsvector": lambda t: postgresql.TSVECTOR(),
        "cube": _spelled("cube"),
        # PostgreSQL's own geometric types where one is the same shape (PostGIS is not assumed)
        "geometry": lambda t: Spelled(_PG_SHAPES[t.shape]) if t.shape in _PG_SHAPES else postgresql.BYTEA(),
    },
    approximations={
        "tinyint": "stored as smallint (PostgreSQL has no 1-byte integer)",
        "hugeint": "stored as numeric(39,0) (PostgreSQL has no 128-bit integer)",
        "year": "stored as smallint (PostgreSQL has no YEAR type)",
        "geometry": "stored as PostgreSQL's point/polygon/path type (no SRID), other shapes as WKB bytea "
                    "(PostGIS is not assumed)",
    },
)

MYSQL = Dialect(
    fk_types_equal=True, fk_decimals_any_precision=True, generated_not_null=False,
    name="mysql", aliases=("mariadb", "mysql+pymysql", "mariadb+pymysql"),
    sqlglot="mysql", sa_dialect=lambda: _mysql_dialect(),
    # the engine's own messages (MariaDB 11, utf8mb4: 4 bytes a character in a 65,535-byte row);
    # https://mariadb.com/kb/en/varchar/, https://mariadb.com/kb/en/decimal/
    type_limits={
        "char.length": (255, "MySQL/MariaDB: Column length too big for column (max = 255); use TEXT"),
        "varchar.length": (16383, "MySQL/MariaDB: Column length too big for column (max = 16383 utf8mb4 "
                                  "characters); use TEXT"),
        "bytes.length": (65532, "MySQL/MariaDB: Column length too big for column (max = 65532); use BLOB"),
        "decimal.precision": (65, "MySQL/MariaDB: Too big precision specified. Maximum is 65"),
        "decimal.scale": (38, "MariaDB: Too big scale specified. Maximum is 38 (MySQL: 30)"),
    },
    # MariaDB commits after each DDL statement: https://mariadb.com/kb/en/sql-statements-that-cause-an-implicit-commit/
    transactional_ddl=False, fk_actions=True, alter_add_constraint=True, fk_forward_reference=False,
    partial_index=False, kwarg_prefix="mysql", enum_style="inline", native_uuid=False, comments=True,
    # InnoDB builds every index as a B-tree and ignores USING HASH (HASH is for MEMORY tables); FULLTEXT
    # and SPATIAL indexes are their own kinds (CREATE FULLTEXT|SPATIAL INDEX)
    include_columns=False, index_methods=frozenset({"fulltext", "spatial"}), identity_style="auto_increment",
    named_constraints=True, text_lengths=True, max_identifier_bytes=None, max_identifier_chars=64,
    identifier_bmp_only=True, set_null_needs_nullable=True, update_cascade_needs_nullable=True,
    # InnoDB keeps foreign-key names per database ("errno 121" on a second one); index and CHECK
    # names are per table (checked on MariaDB 10.11)
    name_scopes={"index": "table", "unique": "table", "foreign_key": "foreign_key", "check": "table"},
    # ... compared without case: fk_and_x and fk_AND_x are one name (errno 121 on the second, MariaDB 10.11)
    folded_scopes=frozenset({"foreign_key"}), folded_names=frozenset({"column"}),
    now_sql="CURRENT_TIMESTAMP(6)", uuid_sql="(uuid())", on_update_now=True, now_follows_precision=True,
    # MariaDB 10.3+: CREATE SEQUENCE, DEFAULT nextval(s) (https://mariadb.com/kb/en/create-sequence/)
    nextval_arg="identifier",
    decimal_default=(10, 0),
    # TEXT/BLOB keys need a prefix length ("BLOB/TEXT column used in key specification without a key
    # length"); MariaDB's JSON is LONGTEXT
    prefix_key_kinds=frozenset({"text", "json", "bytes", "varchar_unbounded", "citext", "tsvector"}),
    max_key_bytes=3072, fk_needs_index=True, key_text_length=255,
    unsigned_types=NUMERIC_KINDS, set_style="native", references_own_namespace=True,
    types={
        "uuid": _mysql_char36,
        "tinyint": lambda t: mysql.TINYINT(unsigned=t.unsigned),
        "smallint": lambda t: mysql.SMALLINT(unsigned=t.unsigned),
        "integer": lambda t: mysql.INTEGER(unsigned=t.unsigned),
        "bigint": lambda t: mysql.BIGINT(unsigned=t.unsigned),
        "hugeint": lambda t: mysql.DECIMAL(39, 0, unsigned=t.unsigned),
        "decimal": lambda t: mysql.NUMERIC(t.precision, t.scale, unsigned=t.unsigned),
        "real": lambda t: mysql.FLOAT(unsigned=t.unsigned),
        "double": lambda t: mysql.DOUBLE(unsigned=t.unsigned),
        # a VARCHAR needs a length on MySQL; without one the closest unbounded type is LONGTEXT
        "varchar": lambda t: sa.VARCHAR(t.length) if t.length else mysql.LONGTEXT(),
        "text": lambda t: mysql.LONGTEXT(),
        # MySQL's default collations compare text case-insensitively already
        "citext": lambda t: mysql.LONGTEXT(),
        # DATETIME has no time zone, TIMESTAMP is stored as UTC: the closest to timestamptz
        "timestamp": lambda t: mysql.DATETIME(fsp=_mysql_fsp(t)),
        "timestamptz": lambda t: mysql.TIMESTAMP(fsp=_mysql_fsp(t)),
        "time": lambda t: mysql.TIME(fsp=_mysql_fsp(t)),
        "year": lambda t: mysql.YEAR(),
        # no interval type: ISO 8601 duration text
        "interval": lambda t: mysql.VARCHAR(64),
        "bytes": lambda t: mysql.VARBINARY(t.length) if t.length else mysql.LONGBLOB(),
        # MariaDB 10.5+ stores IPv4 and IPv6 addresses in INET6 (https://mariadb.com/kb/en/inet6/)
        "inet": _spelled("INET6"),
        "geometry": _mysql_geometry,
        "tsvector": lambda t: mysql.LONGTEXT(),
    },
    approximations={
        "hugeint": "stored as DECIMAL(39,0) (MySQL has no 128-bit integer)",
        "cidr": "stored as text (MySQL has no network type)",
        "macaddr": "stored as text (MySQL has no MAC address type)",
        "tsvector": "stored as text: a full-text search needs a FULLTEXT index on the source columns",
        "array": "stored as a JSON array (MySQL has no array types)",
    },
    unsupported={"cube": "MySQL has no cube type (a PostgreSQL extension)"},
)

SQLITE = Dialect(
    folded_names=frozenset({"table", "column"}),
    name="sqlite", aliases=("sqlite3",),
    sqlglot="sqlite", sa_dialect=lambda: _sqlite_dialect(),
    transactional_ddl=True, fk_actions=True, alter_add_constraint=False, fk_forward_reference=True,
    partial_index=True, kwarg_prefix="sqlite", enum_style="check", native_uuid=False, comments=False,
    include_columns=False, index_methods=frozenset(), identity_style="rowid", named_constraints=True,
    # index names share the schema with tables; constraint names are not checked at all
    name_scopes={"index": "relation", "unique": "none", "foreign_key": "none", "check": "none"},
    text_lengths=True, max_identifier_bytes=None, uuid_sql=None, decimal_scale_default=None,
    uuid_fill_sql=("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) "
                   "|| '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' "
                   "|| hex(randomblob(6)))"),
    connect_statements=("PRAGMA foreign_keys=ON",), explicit_begin=True, sequences=False, create_namespaces=False,
    # https://sqlite.org/foreignkeys.html#fk_deferred; a UNIQUE constraint is always checked at once
    deferrable_fks=True,
    # no regular expressions unless the application defines REGEXP (https://sqlite.org/lang_expr.html#regexp)
    missing_expressions={"RegexpLike": "regular expressions", "RegexpILike": "regular expressions"},
    types={
        "uuid": _mysql_char36,
        # SQLite keeps the declared type name (every integer name has INTEGER affinity)
        "tinyint": lambda t: SpelledInteger("TINYINT"),
        "double": lambda t: sa.DOUBLE(),
        "boolean": lambda t: sa.BOOLEAN(),
        # SQLite keeps the declared type name: DATETIME and TIMESTAMP read back as different kinds
        "timestamp": lambda t: sqlite.DATETIME(),
        "timestamptz": lambda t: sa.TIMESTAMP(),
        "interval": lambda t: sa.VARCHAR(64),
        "bytes": lambda t: sa.BLOB(),
        "geometry": lambda t: sa.BLOB(),
        # the built-in NOCASE collation (https://sqlite.org/datatype3.html#collation) compares ASCII
        # letters case-insensitively
        "citext": _spelled("TEXT COLLATE NOCASE"),
    },
    approximations={
        "hugeint": "stored as NUMERIC(39, 0) (SQLite keeps 64-bit integers; larger values become REAL)",
        "year": "stored as an integer (SQLite has no YEAR type)",
        "inet": "stored as text (SQLite has no network types)",
        "cidr": "stored as text (SQLite has no network types)",
        "macaddr": "stored as text (SQLite has no MAC address type)",
        "geometry": "stored as WKB bytes (SQLite has no spatial types)",
        "tsvector": "stored as text: a full-text search needs an FTS5 table",
        "array": "stored as JSON text (SQLite has no array types)",
        "citext": "stored as TEXT COLLATE NOCASE (ASCII letters only compare case-insensitively)",
    },
    unsupported={"cube": "SQLite has no cube type (a PostgreSQL extension)"},
)

DUCKDB = Dialect(
    fk_types_equal=True, folded_names=frozenset({"table", "column"}),
    name="duckdb", aliases=("duck", "duckdb+duckdb_engine"),
    sqlglot="duckdb", sa_dialect=_duckdb_dialect,
    bytes_literal="'{escaped}'::BLOB",
    # https://duckdb.org/docs/sql/data_types/numeric#fixed-point-decimals
    type_limits={"decimal.precision": (38, "DuckDB: DECIMAL type width must be between 1 and 38")},
    transactional_ddl=True, fk_actions=False, alter_add_constraint=False, fk_forward_reference=False,
    partial_index=False, kwarg_prefix="duckdb", enum_style="type", native_uuid=True, comments=True,
    include_columns=False, index_methods=frozenset(), identity_style="sequence", named_constraints=False,
    name_scopes={"index": "relation", "unique": "none", "foreign_key": "none", "check": "none"},
    text_lengths=False, max_identifier_bytes=None, uuid_sql="gen_random_uuid()", generated_stored=False,
    generated_constraints=False, generated_not_null=False,
    # "Invalid type for index key": INTERVAL, and lists (arrays, and SETs stored as arrays of their enum)
    decimal_default=(18, 3), unindexable_kinds=frozenset({"interval", "array", "set"}),
    unsigned_types=INTEGER_KINDS, array_style="suffix", set_style="enum_array", sequence_cache=False,
    cross_namespace_fks=False,
    alter_sequence=False,
    types={
        "uuid": lambda t: sa.Uuid(),
        # DuckDB's unsigned and 1-/16-byte integers (https://duckdb.org/docs/sql/data_types/numeric)
        # spelled integers are integers to SQLAlchemy (literals, Python type int, identity)
        "tinyint": lambda t: SpelledInteger("UTINYINT" if t.unsigned else "TINYINT"),
        "smallint": lambda t: SpelledInteger("USMALLINT") if t.unsigned else sa.SmallInteger(),
        "integer": lambda t: SpelledInteger("UINTEGER") if t.unsigned else sa.Integer(),
        "bigint": lambda t: SpelledInteger("UBIGINT") if t.unsigned else sa.BigInteger(),
        "hugeint": lambda t: SpelledInteger("UHUGEINT" if t.unsigned else "HUGEINT"),
        "double": lambda t: sa.Double(),
        # DuckDB's VARCHAR has no length (VARCHAR(n) is accepted and ignored), CHAR is VARCHAR
        "char": lambda t: sa.VARCHAR(),
        "varchar": lambda t: sa.VARCHAR(),
        "text": lambda t: sa.VARCHAR(),
        # the built-in NOCASE collation (https://duckdb.org/docs/sql/expressions/collations)
        "citext": _spelled("VARCHAR COLLATE NOCASE"),
        "bytes": lambda t: sa.BLOB(),
        "inet": lambda t: sa.VARCHAR(),
        "cidr": lambda t: sa.VARCHAR(),
        "macaddr": lambda t: sa.VARCHAR(),
        "geometry": lambda t: sa.BLOB(),
        "tsvector": lambda t: sa.VARCHAR(),
    },
    approximations={
        "year": "stored as smallint (DuckDB has no YEAR type)",
        "inet": "stored as text (DuckDB's INET type needs the inet extension, which is not assumed)",
        "cidr": "stored as text (DuckDB's INET type needs the inet extension, which is not assumed)",
        "macaddr": "stored as text (DuckDB has no MAC address type)",
        "geometry": "stored as WKB bytes (DuckDB's GEOMETRY needs the spatial extension, which is not assumed)",
        "tsvector": "stored as text: a full-text search needs DuckDB's fts extension",
    },
    unsupported={"cube": "DuckDB has no cube type (a PostgreSQL extension)"},
)

DIALECTS: dict[str, Dialect] = {d.name: d for d in (POSTGRESQL, MYSQL, SQLITE, DUCKDB)}
_ALIASES: dict[str, str] = {alias: d.name for d in DIALECTS.values() for alias in (d.name, *d.aliases)}


def get_dialect(name: str | Dialect | Any) -> Dialect:
    """The :class:`Dialect` for a name, an alias, a SQLAlchemy URL or engine.

    >>> get_dialect("pg") is get_dialect("postgresql+psycopg://localhost/x")
    True
    """
    if isinstance(name, Dialect):
        return name
    if isinstance(name, sa.engine.Engine | sa.engine.Connection):
        name = name.dialect.name
    elif isinstance(name, sa.engine.URL):
        name = name.get_backend_name()
    if not isinstance(name, str):
        raise ModelError(f"a dialect is a name like 'postgresql', not {name!r}")
    key = name.strip().lower()
    if "://" in key:
        from .urls import parse_url

        key = parse_url(name.strip()).get_backend_name()
    found = _ALIASES.get(key) or _ALIASES.get(key.split("+")[0])
    if found is None:
        raise ModelError(f"unknown dialect {name!r}; known: {', '.join(DIALECTS)} "
                         f"(or {', '.join(a for d in DIALECTS.values() for a in d.aliases if '+' not in a)})")
    return DIALECTS[found]


def quoted(name: str) -> sa.sql.quoted_name:
    """``name`` as SQLAlchemy always quotes it, in the quotes of whichever dialect compiles it.

    The kit's DDL compiles with :meth:`Dialect.compile_dialect`, whose preparer quotes more words
    than a live engine's does (DuckDB's ``at``, SQLite's ``window``, MariaDB's ``offset``...). A
    query the kit runs on a live connection (seed rows, snapshot, preflight) compiles with the
    engine's own preparer, so it names every table and column quoted: quoted, a name is exactly the
    name the model stored on every engine (the DDL quotes each name an engine would fold, such as
    PostgreSQL's ``Users``), and no engine reads it as a keyword."""
    return sa.sql.quoted_name(name, quote=True)


def quoted_table(table: sa.Table | sa.TableClause) -> sa.TableClause:
    """``table`` (its name, schema, columns and their types) with every name :func:`quoted`: the
    target of an INSERT, UPDATE, DELETE or query the kit runs on a live connection."""
    schema = getattr(table, "schema", None)
    return sa.table(quoted(table.name), *(sa.column(quoted(c.name), c.type) for c in table.columns),
                    schema=quoted(schema) if schema is not None else None)
