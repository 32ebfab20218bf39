"""Fill a DuckDB or SQLite database with sample data that honours every constraint of a schema.

Rows are made by SQL inside DuckDB: each column is an expression of the row index (see
:mod:`.generators`), foreign keys pick a parent row (Zipf-skewed by default) and take its key
(computed from the parent's row number, or joined from a key table when the parent's rows were
filtered), composite keys that extend a foreign key number the rows within each parent, simple
CHECKs are read into ranges (:mod:`.checks`) and any other CHECK filters the generated rows.
Unique columns whose generator is injective (numbers, time-ordered UUIDs, text that spells the
row number and fits its length) need no dedupe pass; a table that does need filtering first picks
its rows in a narrow pass (row indexes and only the columns the filters read), then every column
is made once, in a view the INSERT reads. The tables are created first with every constraint the
DDL emitter (:mod:`dbmodel_kit.ddl`) declares, so the engine itself enforces PK, UNIQUE, FK, NOT
NULL and CHECK during the fill; secondary indexes are built afterwards (faster, and a unique one
is still checked by the engine when it is built). A SQLite target is filled from the same DuckDB
generator in large ``executemany`` batches, fetched by a second thread (the DuckDB sqlite
extension would need a download, which is not available offline).

>>> from dbmodel_kit.examples import ecommerce
>>> db = sample(ecommerce(), rows={"users": 50, "categories": 5, "products": 40, "orders": 60,
...                                "order_items": 120}, engine="sqlite")
>>> db.counts()["order_items"]
120
"""

from __future__ import annotations

import contextlib
import functools
import html
import math
import os
import queue
import re
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
from sqlglot import exp

from ..errors import ModelError
from ..model.checks import Bounds, analyse_check
from ..model.naming import qualify, split_key
from ..model.schema import Column, ForeignKey, Schema, Table, dependency_order
from ..model.types import INTEGER_KINDS
from ..model.types import TEXT_KINDS as TEXT_TYPES
from . import verify
from .generators import (
    ALPHABETS,
    EPOCH_DATE,
    INJECTIVE_TEXT,
    ROW,
    SPAN_DAYS,
    SPAN_MICROS,
    TEXT_KINDS,
    Gen,
    T,
    TextCtx,
    alphabet,
    coprime,
    letters,
    max_length,
    parse_skew,
    pick,
    text_kind,
)

BASE_ROWS = 1000  #: rows of a root table at scale 1; each FK level below doubles it
DEFAULT_FK_SKEW = 1.0  #: Zipf exponent of foreign-key fan-out unless the FK column says ``skew=``
DEFAULT_NULLS = 0.1  #: share of NULLs in a nullable column without a ``null_fraction`` hint
MOSTLY_NULL = ("deleted_at", "left_at", "closed_at", "cancelled_at", "archived_at")
BATCH = 50_000  #: rows per executemany batch into SQLite
_TYPE_MAX = {
    "tinyint": 127,
    "smallint": 32_767,
    "integer": 2_147_483_647,
    "bigint": 9_223_372_036_854_775_807,
    "hugeint": 9_223_372_036_854_775_807,
}
_TYPE_MIN = {kind: -top - 1 for kind, top in _TYPE_MAX.items()}
# MySQL's YEAR holds 1901-2155 (and 0000, which the samples leave out:
# https://dev.mysql.com/doc/refman/8.0/en/year.html); the other engines store it as a small integer
_TYPE_MAX["year"], _TYPE_MIN["year"] = 2155, 1901
#: kinds sampled as whole numbers: the integers and MySQL's YEAR
_WHOLE_KINDS = frozenset({*INTEGER_KINDS, "year"})
_TYPE_DEFAULT_RANGE = {
    "tinyint": (0, 100),
    "smallint": (0, 100),
    "integer": (0, 10_000),
    "bigint": (0, 1_000_000),
    "hugeint": (0, 1_000_000),
    "year": (1990, 2025),
}
#: kinds the generators below make values for (others need a ``values=`` hint)
_SAMPLED = frozenset(
    {
        "tinyint",
        "smallint",
        "integer",
        "bigint",
        "hugeint",
        "year",
        "decimal",
        "real",
        "double",
        "boolean",
        "uuid",
        "date",
        "timestamp",
        "timestamptz",
        "time",
        "interval",
        "bytes",
        "json",
        "enum",
        "char",
        "varchar",
        "text",
        "citext",
        "array",
        "set",
        "geometry",
        "inet",
        "cidr",
        "macaddr",
        "tsvector",
    }
)

#: geometry sample values: the first of model.samples.geometry_wkb's small shapes, as WKB hex
GEOMETRY_SAMPLES = 16


def _geometry_hexes(shape: str | None) -> list[str]:
    from ..model.samples import geometry_wkb

    return [geometry_wkb(shape, n).hex() for n in range(1, GEOMETRY_SAMPLES + 1)]


def _postgres_geometry_cast() -> str:
    """A DuckDB expression giving a WKB sample value (``:c``) as PostgreSQL takes it in COPY: the
    text of its point/polygon/path type for those shapes (looked up among the sample values),
    bytea's hex form for the others (ddl stores them as bytea)."""
    from ..model.samples import geometry_wkb, stored_geometry
    from ..model.types import DataType

    hexes, texts = [], []
    for shape in ("point", "polygon", "linestring"):
        for n in range(1, GEOMETRY_SAMPLES + 1):
            wkb = geometry_wkb(shape, n)
            hexes.append(f"'{wkb.hex()}'")
            texts.append(f"'{stored_geometry(wkb, DataType('geometry', shape=shape), 'postgresql')}'")
    return (f"coalesce(list_extract([{', '.join(texts)}], list_position([{', '.join(hexes)}], lower(hex(:c)))), "
            "chr(92) || 'x' || hex(:c))")  # (|| keeps a NULL NULL: concat() would make it '\\x')
_NUMBER_RANGES = (
    ("quantity", (1, 10)),
    ("qty", (1, 10)),
    ("hours", (1, 8)),
    ("sort", (0, 100)),
    ("stock", (0, 500)),
    ("budget", (1_000, 500_000)),
    ("salary", (20_000, 200_000)),
)
#: kinds whose generator is injective in the row index when the column must be distinct
_INJECTIVE = frozenset({"uuid", "smallint", "integer", "bigint", "decimal", "date", "timestamp", "timestamptz"})


# -- targets: what differs between the engines, as data ------------------------------------------
@dataclass(frozen=True)
class Target:
    """One sample engine: how to connect, what to set during a fill, how values travel to it."""

    name: str
    suffixes: tuple[str, ...]
    #: the DuckDB generator writes straight into the target (same connection), no Python hop
    in_engine: bool
    fill_pragmas: tuple[str, ...] = ()
    #: undo the fill settings (a file goes back to a journal on disk; MEMORY, not OFF, keeps ROLLBACK working)
    after_pragmas: tuple[str, ...] = ()
    #: per logical kind, the DuckDB expression that turns a generated value into what the
    #: target stores (SQLite keeps SQLAlchemy's text forms for dates, uuids and timestamps)
    casts: Mapping[str, str] = field(default_factory=dict)

    #: the verified fill (the default): settings that turn per-row enforcement off for the fill, and back on
    verify_pragmas: tuple[str, ...] = ()
    verify_after: tuple[str, ...] = ()
    #: the verified fill: how each kind of constraint the table declares is verified (see
    #: :mod:`.verify`; a constraint the engine cannot declare is verified by set-based SQL)
    holds: Mapping[str, str] = field(default_factory=dict)
    #: primary keys and unique constraints can be added to a filled table (checked as they are built)
    keys_after: Callable[[], bool] = field(default=lambda: False)

    #: opens a connection (``None``: a new in-memory database)
    opener: Callable[[str | None], Any] = field(default=lambda path: None)
    #: another handle onto an in-memory database this connection holds
    share: Callable[[Any], Any] = field(default=lambda con: con)
    #: the sqlglot dialect statements are written in
    sqlglot: str = ""
    #: writes the rows of a DuckDB query on the generator into a table of the target (not ``in_engine``)
    load: Callable[[_Filler, str, exp.Table, list[str]], None] | None = None
    #: moves identity sequences past the keys the fill wrote
    finish: Callable[[Any, list[_Plan], set[str]], None] | None = None
    #: statements after the fill (statistics for the planner)
    after_fill: tuple[str, ...] = ()
    #: runs statements that may fail so that the connection can go on (a savepoint where an error
    #: ends the transaction)
    guard: Callable[[Any], Any] = field(default=lambda con: contextlib.nullcontext())
    #: starts the fill's transaction (None: the driver starts one, or the target writes in place)
    begin: str | None = None

    def connect(self, path: str | None) -> Any:
        return self.opener(path)


@functools.lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def sqlite_regexp(pattern: str | None, value: Any) -> bool | None:
    """SQLite's ``value REGEXP pattern`` (which calls ``regexp(pattern, value)``; SQLite ships no
    such function): a match anywhere, with Python's ``re`` as SQLAlchemy's pysqlite dialect does;
    NULL in, NULL out."""
    if pattern is None or value is None:
        return None
    return _pattern(pattern).search(value if isinstance(value, str) else str(value)) is not None


def _open_sqlite(path: str | None) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT/ROLLBACK ourselves (the runner's rolled-back runs)
    con = sqlite3.connect(path or ":memory:", isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")  # SQLite enforces FKs only when asked, per connection
    # a CHECK calling REGEXP_LIKE is left out of SQLite's DDL (SQLite has no REGEXP) but still holds
    # on the sample: the verification and the workload's queries evaluate it with this
    con.create_function("regexp", 2, sqlite_regexp, deterministic=True)
    return con


_SQLITE_CASTS = {
    "uuid": "CAST(:c AS VARCHAR)",
    "timestamp": "strftime(:c, '%Y-%m-%d %H:%M:%S.%f')",
    # the UTC wall time from the epoch microseconds: a TIMESTAMPTZ -> TIMESTAMP cast goes through ICU's
    # time zone code, twice as slow per value
    "timestamptz": "strftime(make_timestamp(epoch_us(:c)), '%Y-%m-%d %H:%M:%S.%f')",
    "date": "CAST(:c AS VARCHAR)",
    "time": "CAST(:c AS VARCHAR)",
    "interval": "CAST(:c AS VARCHAR)",
    "json": "CAST(:c AS VARCHAR)",
    "decimal": "CAST(:c AS DOUBLE)",
    "boolean": "CAST(:c AS INTEGER)",
    # SQLite stores an array as its JSON text (ddl: "stored as JSON text")
    "array": "CAST(to_json(:c) AS VARCHAR)",
    # and a SET as comma-separated text, as MySQL writes it (ddl: "stored as comma-separated text")
    "set": "array_to_string(:c, ',')",
}


def _duckdb_adds_keys() -> bool:
    """DuckDB adds a primary key to a filled table from 1.2 and a unique constraint from 2.0."""
    major, minor = (int(x) for x in duckdb.__version__.split(".")[:2])
    return (major, minor) >= (2, 0)


TARGETS: dict[str, Target] = {
    "duckdb": Target(
        "duckdb",
        (".duckdb", ".ddb", ".db"),
        in_engine=True,
        opener=lambda path: duckdb.connect(path or ":memory:"),
        share=lambda con: con.cursor(),
        # NOT NULL and CHECK cannot be turned off (they cost little per row); keys are built after the
        # fill; DuckDB cannot add a foreign key to a table that exists, so those are verified only
        holds={
            "primary key": verify.ADDED,
            "unique": verify.ADDED,
            "not null": verify.ROW,
            "check": verify.ROW,
            "foreign key": verify.SQL,
        },
        keys_after=_duckdb_adds_keys,
        sqlglot="duckdb",
        finish=lambda con, plans, seqs: _finish_duckdb(con, plans, seqs),
    ),
    "sqlite": Target(
        "sqlite",
        (".sqlite", ".sqlite3", ".db3"),
        in_engine=False,
        opener=_open_sqlite,
        fill_pragmas=("PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -200000"),
        after_pragmas=("PRAGMA journal_mode = DELETE", "PRAGMA synchronous = FULL"),
        # every constraint is declared in CREATE TABLE; foreign keys and CHECKs are not enforced while
        # filling (PRIMARY KEY, UNIQUE and NOT NULL always are: SQLite cannot turn them off)
        verify_pragmas=("PRAGMA foreign_keys = OFF", "PRAGMA ignore_check_constraints = ON"),
        verify_after=("PRAGMA foreign_keys = ON", "PRAGMA ignore_check_constraints = OFF"),
        holds={
            "primary key": verify.ROW,
            "unique": verify.ROW,
            "not null": verify.ROW,
            "check": verify.SQL,
            "foreign key": verify.PRAGMA_FK,
        },
        casts=_SQLITE_CASTS,
        sqlglot="sqlite",
        load=lambda f, query, table, cols: _load_rows(f, query, table, cols),
        begin="BEGIN",
    ),
    # a PostgreSQL server: the tables are created without keys, filled by COPY from DuckDB's CSV writer,
    # then the server adds (and so checks) every key and foreign key; all in one transaction, so a fill
    # that fails leaves the database as it was
    "postgresql": Target(
        "postgresql",
        (),
        in_engine=False,
        opener=lambda url: _open_postgres(url),
        fill_pragmas=("SET synchronous_commit = off", "SET maintenance_work_mem = '256MB'"),
        holds={
            "primary key": verify.ADDED,
            "unique": verify.ADDED,
            "not null": verify.ROW,
            "check": verify.ROW,
            "foreign key": verify.VALIDATED,
        },
        keys_after=lambda: True,
        # bytea's input form; the rest travels as DuckDB writes it in CSV (uuid, timestamptz in UTC, json)
        # (an array as PostgreSQL's text form, each element quoted: COPY reads {"a","b"})
        casts={"bytes": "chr(92) || 'x' || hex(:c)",  # (|| keeps NULL: concat() would make it '\\x')
               "geometry": _postgres_geometry_cast(),
               "array": "'{' || array_to_string(list_transform(:c, e -> '\"' || replace(replace("
                        "CAST(e AS VARCHAR), '\\', '\\\\'), '\"', '\\\"') || '\"'), ',') || '}'",
               # a SET is an array of its enum there (ddl: "stored as an array of enum")
               "set": "'{' || array_to_string(list_transform(:c, e -> '\"' || replace(replace("
                      "CAST(e AS VARCHAR), '\\', '\\\\'), '\"', '\\\"') || '\"'), ',') || '}'"},
        sqlglot="postgres",
        load=lambda f, query, table, cols: _load_copy(f, query, table, cols),
        finish=lambda con, plans, seqs: _finish_postgres(con, plans),
        after_fill=("ANALYZE",),
        guard=lambda con: con.transaction(),
    ),
}


def _open_postgres(url: str | None) -> Any:
    """A connection to the server at ``url`` (one transaction until committed)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the postgres extra
        raise ModelError("filling a PostgreSQL server needs psycopg: pip install 'dbmodel-kit[postgres]'") from None
    from ..urls import libpq_uri, redact_url, scrub

    try:
        return psycopg.connect(libpq_uri(str(url)))
    except psycopg.Error as e:
        reason = scrub(str(e).strip().splitlines()[0], str(url))
        raise ModelError(f"cannot connect to PostgreSQL: {reason}", where=redact_url(str(url))) from None


def _integrity_errors() -> tuple[type[BaseException], ...]:
    """What the engines raise for rows that break a constraint."""
    errors: tuple[type[BaseException], ...] = (duckdb.ConstraintException, sqlite3.IntegrityError)
    with contextlib.suppress(ImportError):
        import psycopg

        errors += (psycopg.errors.IntegrityError,)
    return errors


def engine_for_path(path: str) -> str:
    """The engine a file name implies (``.duckdb`` -> duckdb, ``.sqlite`` -> sqlite)."""
    not_a_url(path)
    for t in TARGETS.values():
        if str(path).lower().endswith(t.suffixes):
            return t.name
    raise ModelError(f"cannot tell the engine from {path!r}; name it *.duckdb or *.sqlite, or pass engine=")


def not_a_url(path: Any) -> None:
    """Refuse a database URL where a sample *file* is meant, naming it with its secrets hidden."""
    from ..urls import is_url, redact_url

    if is_url(path):
        raise ModelError(
            "a database URL where a database file is meant: give a .duckdb or .sqlite file", where=redact_url(path)
        )


def existing_file(path: Any) -> str:
    """``path`` as a string, refused (with a clear error) when it is a URL or names no file."""
    not_a_url(path)
    path = str(path)
    if not os.path.exists(path):
        raise ModelError("no such database file", where=path)
    return path


# -- the result -----------------------------------------------------------------------------------
@dataclass
class SampleDB:
    """A filled sample database: a file (``path``), a PostgreSQL server (``server``) or an in-memory
    database kept open here."""

    schema: Schema
    engine: str
    path: str | None
    rows: dict[str, int]
    seed: int
    notes: tuple[str, ...] = ()
    _con: Any = field(default=None, repr=False)
    #: which constraints of the model the database declares, and which the fill verified, how
    constraints: verify.ConstraintReport = field(default_factory=verify.ConstraintReport)
    #: the URL of the PostgreSQL server filled (``path`` is then None)
    server: str | None = None

    def connect(self) -> Any:
        """A DB-API connection (duckdb, sqlite3 or psycopg in autocommit); for an in-memory sample, one onto
        the same data."""
        if self.server is not None:
            con = TARGETS[self.engine].connect(self.server)
            con.autocommit = True
            return con
        if self.path is None:
            return TARGETS[self.engine].share(self._con)
        return TARGETS[self.engine].connect(self.path)

    @property
    def url(self) -> str | None:
        """A SQLAlchemy URL for a file sample or the server's."""
        if self.server is not None:
            return self.server
        return f"{self.engine}:///{self.path}" if self.path else None

    def _own(self) -> bool:
        """Whether :meth:`connect` opened a connection the caller closes."""
        return self.path is not None or self.server is not None

    def counts(self) -> dict[str, int]:
        """Rows per table, counted by the engine."""
        con = self.connect()
        dialect = TARGETS[self.engine].sqlglot
        try:
            return {
                t.key: con.execute(exp.select("count(*)").from_(table_ref(t.key)).sql(dialect)).fetchone()[0]
                for t in self.schema.tables
            }
        finally:
            if self._own():
                con.close()

    def _repr_html_(self) -> str:
        from ..urls import redact_url

        where = html.escape(redact_url(self.server) if self.server else self.path or "in memory")
        body = "".join(
            f"<tr><td>{html.escape(t)}</td><td style='text-align:right'>{n:,}</td></tr>" for t, n in self.rows.items()
        )
        return (
            f"<div><b>{html.escape(self.engine)}</b> sample ({where}), seed {self.seed}, "
            f"{sum(self.rows.values()):,} rows; {html.escape(self.constraints.summary())}"
            f"<table><tr><th>table</th><th>rows</th></tr>{body}</table></div>"
        )


# -- planning -------------------------------------------------------------------------------------
def _unique_sets(t: Table) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = []
    for cols in [t.primary_key, *(u.columns for u in t.uniques), *(ix.columns for ix in t.indexes if ix.unique)]:
        if cols and tuple(cols) not in sets:
            sets.append(tuple(cols))
    return sets


@dataclass
class _Plan:
    table: Table
    rows: int
    inline: list[ForeignKey]
    selfref: list[ForeignKey]
    deferred: list[ForeignKey]
    fk_of: dict[str, ForeignKey]
    bounds: dict[str, Bounds]
    residual: list[Any]
    unique_cols: set[str]
    one_to_one: set[str]  # FK names whose columns alone are unique
    seq: dict[str, tuple[tuple[str, ...], int]]  # column -> (partition columns, first value)
    dedupe: list[tuple[str, ...]]
    spread: set[str] = field(default_factory=set)  # FKs drawn uniformly (not the first of a composite key)
    top: int = 0  # the largest row index the generator may draw (more than rows when rows are filtered)
    #: the FK whose parent rows the (filtered) rows are grouped by, as lines of an order are written together
    cluster: str | None = None
    #: unique columns drawn from the row number ``__rn`` (the insert order) rather than ``__i``, so their
    #: indexes grow in insert order even when rows are grouped by ``cluster``
    by_rn: set[str] = field(default_factory=set)
    #: nullable unique columns with fewer possible values than rows: index -> value up to this many, then NULL
    overflow: dict[str, int] = field(default_factory=dict)
    #: generated columns (the engine computes them) -> their expression, for checks the fill evaluates
    generated: dict[str, exp.Expression] = field(default_factory=dict)
    #: checks on a self-reference (its value is chosen after the rows): where one fails, the nullable
    #: self-reference columns it reads are left NULL
    late_checks: list[Any] = field(default_factory=list)
    #: columns a NOT NULL generated column reads: never drawn NULL
    required: set[str] = field(default_factory=set)
    #: distinct text columns -> what joins the word and the row index when a CHECK rules out "-" (see _refit)
    joiners: dict[str, str] = field(default_factory=dict)


def _depths(schema: Schema) -> dict[str, int]:
    order, deferred = dependency_order(schema)
    skip = {(t.key, fk.name) for t, fk in deferred}
    depth: dict[str, int] = {}
    for t in order:
        parents = [
            depth[fk.ref_table]
            for fk in t.foreign_keys
            if fk.ref_table != t.key and (t.key, fk.name) not in skip and fk.ref_table in depth
        ]
        depth[t.key] = 1 + max(parents) if parents else 0
    return depth


def default_rows(schema: Schema, scale: float = 1.0) -> dict[str, int]:
    """Rows per table for ``scale``: 1000 for a table without parents, doubling per FK level.

    >>> from dbmodel_kit.examples import ecommerce
    >>> default_rows(ecommerce(), scale=0.1)
    {'users': 100, 'categories': 100, 'products': 200, 'orders': 200, 'order_items': 400}
    """
    return {name: max(1, round(scale * BASE_ROWS * 2**d)) for name, d in _depths(schema).items()}


def rows_that_fit(schema: Schema, rows: Mapping[str, int], engine: str = "duckdb") -> dict[str, int]:
    """``rows`` ({table: count}) with each count cut to what the table can hold: a table whose
    unique (non-NULL) column has fewer distinct values than asked, by its type and CHECKs (a
    ``smallint unsigned`` key holds 65,536), holds that many. :func:`sample` refuses a count over
    that when asked for it explicitly; this is how to ask for "as many as fit, up to N".

    >>> from dbmodel_kit import Model
    >>> m = Model()
    >>> _ = m.add_table("brands", id="smallint unsigned pk")
    >>> rows_that_fit(m.schema, {"brands": 100_000})
    {'brands': 65536}
    """
    from ..ddl.limits import inline_domains
    from ..ddl.objects import without_partitions
    from ..dialects import get_dialect

    held, _ = without_partitions(schema, get_dialect(engine))
    asked = {name: n for name, n in rows.items() if held.has_table(name)}
    counts, _explicit = _resolve_rows(held, asked, None)
    fit = {p.table.key: p.rows for p in _plan(inline_domains(held), counts, set())}
    return {name: min(n, fit.get(name, n)) for name, n in asked.items()}


def _resolve_rows(
    schema: Schema, rows: Mapping[str, int] | int | None, scale: float | None
) -> tuple[dict[str, int], set[str]]:
    """(rows per table in model order, names given explicitly)."""
    if not schema.tables:
        raise ModelError("the model has no tables to sample: add a table first")
    explicit: dict[str, int] = {}
    if isinstance(rows, Mapping):
        for name, n in rows.items():
            schema.table(name)
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise ModelError(f"row count for {name!r} must be a whole number >= 0, not {n!r}")
            explicit[schema.table(name).key] = n  # (by key, however the table was spelled)
    base = default_rows(schema, 1.0)
    if isinstance(rows, int) and not isinstance(rows, bool):
        if rows < 1:
            raise ModelError(f"total rows must be at least 1, not {rows}")
        scale = rows / sum(base.values())
    elif rows is not None and not isinstance(rows, Mapping):
        raise ModelError(f"rows= is a number or a {{table: rows}} mapping, not {rows!r}")
    scale = 1.0 if scale is None else float(scale)
    if scale <= 0:
        raise ModelError(f"scale must be positive, not {scale}")
    out = {t.key: explicit.get(t.key, max(1, round(scale * base[t.key]))) for t in schema.tables}
    return out, set(explicit)


def _capacity(t: Table, schema: Schema, bounds: dict[str, Bounds], cols: tuple[str, ...]) -> int | None:
    """How many distinct values a single-column unique set can take, when it is bounded: what its
    type and CHECKs allow (an integer's whole range, not the range plausible values are drawn from;
    text of at most 12 characters spelled from :data:`ALPHABETS`), or what its values list holds."""
    if len(cols) != 1:
        return None
    c = t.column(cols[0])
    if any(fk.columns == cols for fk in t.foreign_keys):
        return None
    b = bounds.get(c.name, Bounds())
    values = c.hint("values")
    if values is not None:
        return len(values)
    if c.hint("distinct") is not None:  # (its hint asks for this many values)
        return int(c.hint("distinct"))
    if b.values is not None:
        return len(b.values)
    if c.type.kind == "enum":
        return len(schema.enum(c.type.enum).values)
    if c.type.kind == "set":  # its subsets (the first 63 values are drawn)
        return 2 ** min(len(schema.enum(c.type.enum).values), 63)
    if c.type.kind == "boolean":
        return 2
    if c.type.kind in ("char", "varchar") and (c.type.length or 1) <= 12:
        return int(ALPHABETS[-1] ** (c.type.length or 1))
    if c.type.kind in _WHOLE_KINDS:
        lo, hi = _int_allowed(c, b)
        return hi - lo + 1
    if c.type.kind == "decimal":
        _frac, lo, hi = _decimal_distinct(c, b)
        return hi - lo + 1
    return None


_HINT_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys((*_WHOLE_KINDS, "decimal", "real", "double"), (int, float)),
    "boolean": (bool,),
}


def _check_hints(t: Table, c: Column) -> None:
    """Refuse a sample-data hint of the wrong shape with an error naming the column (not a TypeError
    deep in the fill)."""
    where = f"{t.key}.{c.name}"
    values = c.hint("values")
    if values is not None:
        if not isinstance(values, list | tuple) or not values:
            raise ModelError(f"values hint must be a non-empty list, not {values!r}", where=where)
        want = _HINT_VALUE_TYPES.get(c.type.kind, (str,))
        for v in values:
            if not isinstance(v, want) or (isinstance(v, bool) and bool not in want):
                kinds = " or ".join(x.__name__ for x in want)
                raise ModelError(f"values hint for a {c.type} column must hold {kinds} values, not {v!r}", where=where)
    distinct = c.hint("distinct")
    if distinct is not None and (not isinstance(distinct, int) or isinstance(distinct, bool) or distinct < 1):
        raise ModelError(f"distinct hint must be a whole number >= 1, not {distinct!r}", where=where)
    share = c.hint("null_fraction")
    if share is not None and (not isinstance(share, int | float) or isinstance(share, bool) or not 0 <= share <= 1):
        raise ModelError(f"null_fraction must be between 0 and 1, not {share!r}", where=where)
    faker = c.hint("faker")
    if faker is not None and not isinstance(faker, str):
        raise ModelError(f"faker hint must be the name of a kind, not {faker!r}", where=where)
    parse_skew(c.hint("skew"), where)
    if faker is not None:
        text_kind(c.name, faker, where)


def _generated(t: Table) -> dict[str, exp.Expression]:
    """Each generated column's expression (to put in place of the column where the fill evaluates a CHECK
    before the engine computes the column)."""
    return {c.name: verify.quoted_tree(c.generated) for c in t.columns if c.generated}


def _inline_generated(e: exp.Expression, gen: dict[str, exp.Expression]) -> exp.Expression:
    """``e`` with each generated column replaced by its expression."""
    if not gen:
        return e
    return e.transform(lambda n: exp.paren(gen[n.name].copy()) if isinstance(n, exp.Column) and n.name in gen else n)


def _plan(schema: Schema, counts: dict[str, int], explicit: set[str]) -> list[_Plan]:
    order, deferred_pairs = dependency_order(schema)
    deferred = {(t.key, fk.name) for t, fk in deferred_pairs}
    plans: list[_Plan] = []
    for t in order:
        for c in t.columns:
            _check_hints(t, c)
        bounds: dict[str, Bounds] = {}
        residual = []
        late_checks = []
        fk_of = {c: fk for fk in t.foreign_keys for c in fk.columns}
        generated = _generated(t)
        self_cols = {c for fk in t.foreign_keys if fk.ref_table == t.key for c in fk.columns}
        required = {
            ref.name
            for name, tree in generated.items()
            if not t.column(name).nullable
            for ref in tree.find_all(exp.Column)
        }
        # the columns a foreign key with a NOT NULL column points at are never NULL: a parent row with a NULL
        # there gives its children a NULL they cannot hold (a NOT NULL FK to a nullable unique column)
        for child, fk in schema.referencing(t.key):
            if any(not child.column(c).nullable for c in fk.columns):
                required.update(fk.ref_columns)
        for ck in t.checks:
            if set(ck.columns) & self_cols:
                late_checks.append(ck)
                continue
            simple = analyse_check(ck, bounds)
            # bounds on kinds the generators do not range over (dates, text) are applied as filters
            ranged = all(
                bounds.get(c, Bounds()).values is not None
                or t.column(c).type.kind in (*_WHOLE_KINDS, "decimal", "real", "double")
                for c in ck.columns
                if c in bounds
            )
            if not simple or not ranged or any(c in fk_of or c in generated for c in ck.columns):
                residual.append(ck)
        for col, b in bounds.items():
            _check_satisfiable(t, col, b)
        inline = [fk for fk in t.foreign_keys if fk.ref_table != t.key and (t.key, fk.name) not in deferred]
        selfref = [fk for fk in t.foreign_keys if fk.ref_table == t.key]
        later = [fk for fk in t.foreign_keys if (t.key, fk.name) in deferred]
        # columns set after the rows are made (self-references, cycle-closing keys) are left out of the
        # unique sets the fill plans with (a set without them is stricter); a set of just such a key makes
        # that key one-to-one (each row points at a different parent row)
        late = {c for fk in [*selfref, *later] for c in fk.columns}
        declared_sets = _unique_sets(t)
        sets = list(dict.fromkeys(tuple(c for c in x if c not in late) for x in declared_sets if set(x) - late))
        unique_cols = {s[0] for s in sets if len(s) == 1 and s[0] not in fk_of}
        # (a unique set inside a foreign key's columns: each row a different parent, as distinct as they are)
        one_to_one = {fk.name for fk in t.foreign_keys if any(set(x) <= set(fk.columns) for x in declared_sets)}
        n = counts[t.key]
        # a column is drawn without a dedupe pass when its generator is injective for every row
        # index it may see: n - 1 when nothing filters the rows, else the retry loop's ceiling
        # (numbered columns also go through the narrow pass, which may draw past n)
        top = max(n - 1, 0)
        seq, dedupe, widened = _unique_plan(t, sets, fk_of, inline, unique_cols, one_to_one, bounds, top, n)
        if residual or dedupe or seq:
            top = 64 * n + 1024
            seq, dedupe, widened = _unique_plan(t, sets, fk_of, inline, unique_cols, one_to_one, bounds, top, n)
        unique_cols |= widened
        spread: set[str] = set()
        cluster = None
        for s in dedupe:
            fks_in = [fk for fk in inline if set(fk.columns) <= set(s)]
            spread.update(fk.name for fk in fks_in[1:])
            cluster = cluster or (fks_in[0].name if fks_in else None)
        for part, _first in seq.values():
            cluster = cluster or next((fk.name for fk in inline if set(fk.columns) <= set(part)), None)
        checked = {c for ck in residual for c in ck.columns}
        by_rn = {c for c in unique_cols if c not in checked and not any(c in s for s in dedupe)}
        overflow: dict[str, int] = {}
        for s in sets:
            cap = _capacity(t, schema, bounds, s)
            if cap is not None and n > cap and t.column(s[0]).nullable and s[0] in unique_cols:
                overflow[s[0]] = cap  # NULLs do not collide: the rows past the capacity get NULL
            elif cap is not None and n > cap:
                if t.key in explicit:
                    raise ModelError(
                        f"cannot make {n} rows: unique ({', '.join(s)}) allows only {cap} distinct values", where=t.key
                    )
                n = cap
        counts[t.key] = n
        plans.append(
            _Plan(
                t,
                n,
                inline,
                selfref,
                later,
                fk_of,
                bounds,
                residual,
                unique_cols,
                one_to_one,
                seq,
                dedupe,
                spread,
                top,
                cluster,
                by_rn,
                overflow,
                generated,
                late_checks,
                required,
            )
        )
    for p in plans:  # a required FK needs a parent row to point at
        for fk in p.inline:
            if p.rows and not counts[fk.ref_table] and not all(p.table.column(c).nullable for c in fk.columns):
                raise ModelError(
                    f"cannot make {p.rows} rows: {fk.name} needs rows in {fk.ref_table}, which gets 0",
                    where=p.table.key,
                )
    for p in plans:  # a one-to-one FK cannot have more children than parents
        for fk in p.inline:
            if fk.name in p.one_to_one and p.rows > counts[fk.ref_table]:
                if p.table.key in explicit:
                    raise ModelError(
                        f"cannot make {p.rows} rows: ({', '.join(fk.columns)}) is unique and references "
                        f"{fk.ref_table}, which has only {counts[fk.ref_table]} rows",
                        where=p.table.key,
                    )
                p.rows = counts[p.table.key] = counts[fk.ref_table]
        for cols in p.dedupe:  # a unique set of required FKs alone has one row per parent combination
            fks = [fk for fk in p.inline if set(fk.columns) <= set(cols)]
            whole = {c for fk in fks for c in fk.columns} == set(cols)
            if not whole or any(p.table.column(c).nullable for c in cols) or p.table.key in explicit:
                continue  # (asked for explicitly: the fill reports the shortfall with the set's name)
            p.rows = counts[p.table.key] = min(p.rows, math.prod(counts[fk.ref_table] for fk in fks))
    return plans


def _unique_plan(
    t: Table,
    sets: list[tuple[str, ...]],
    fk_of: dict[str, ForeignKey],
    inline: list[ForeignKey],
    unique_cols: set[str],
    one_to_one: set[str],
    bounds: dict[str, Bounds],
    top: int,
    rows: int,
) -> tuple[dict[str, tuple[tuple[str, ...], int]], list[tuple[str, ...]], set[str]]:
    """How each unique set is kept distinct: numbered within its FK columns (``seq``), distinct by
    construction (one of its columns is, or it holds a set that is), or by a dedupe pass over the
    generated rows (``dedupe``). A set with no such column gets one where it can: a column it holds
    that a generator can draw distinct (``widened``: numbers, dates, uuids, text that spells the row
    number) is drawn so, which is what a column of unbounded values allows."""
    seq: dict[str, tuple[tuple[str, ...], int]] = {}
    dedupe: list[tuple[str, ...]] = []
    widened: set[str] = set()
    distinct: list[set[str]] = []  # sets already distinct by construction
    distinct_cols = set(unique_cols)

    def injective(name: str) -> bool:
        c = t.column(name)
        b = bounds.get(name, Bounds())
        if c.hint("values") is not None or c.hint("distinct") is not None or b.values:
            return False
        # a number drawn distinct counts up inside what its type and CHECK bounds allow: as many row
        # indexes as the generator may see must fit there ("check" BETWEEN 0 AND 5 holds six)
        if c.type.kind in ("smallint", "integer", "bigint"):
            lo, hi = _int_allowed(c, b)
            return hi - lo >= top
        if c.type.kind == "decimal":
            _, lo, hi = _decimal_allowed(c, b)
            return hi - lo >= top
        return c.type.kind in _INJECTIVE or _text_injective(t, c, top, rows)

    for s in sorted(sets, key=len):  # smaller sets first: a larger one holding a distinct one is distinct
        fk_cols = tuple(c for c in s if c in fk_of and fk_of[c] in inline)
        rest = [c for c in s if c not in fk_cols]
        if len(s) == 1 and s[0] in unique_cols:
            if injective(s[0]):
                distinct.append(set(s))
            else:
                dedupe.append(s)
            continue
        if any(d <= set(s) for d in distinct):
            continue
        if fk_cols and len(rest) == 1 and t.column(rest[0]).type.kind in INTEGER_KINDS and rest[0] not in seq:
            b = bounds.get(rest[0], Bounds())
            first = 1 if b.lo is None else int(b.lo) + (1 if b.lo_strict else 0)
            seq[rest[0]] = (fk_cols, first)
            distinct.append(set(s))
            continue
        # a one-to-one key maps each row index to its own parent row; a filtered table keeps some of more row
        # indexes than parents, so there the key is deduped as well
        if not rest and any(fk.name in one_to_one and set(fk.columns) == set(s) for fk in inline) and top < rows:
            distinct.append(set(s))
            continue
        free = [c for c in rest if c not in fk_of and c not in distinct_cols and c not in seq and injective(c)]
        if free:  # the required column first: a NULL would not keep the rest of the set apart
            pick = min(free, key=lambda c: (t.column(c).nullable, rest.index(c)))
            widened.add(pick)
            distinct_cols.add(pick)
            distinct.append(set(s))
            continue
        dedupe.append(s)
    return seq, [x for x in sets if x in dedupe], widened


#: what may join a word and its row index in a distinct text value: the first is the usual one
_JOINERS = ("-", " ", "_", "")


def _as_words(p: _Plan) -> _Plan | None:
    """``p`` with the text columns its residual checks read drawn as plain words (the ``word`` kind),
    or None when there is none to change. A kind guessed from a column's name can miss a check on
    every row: a postal code of digits never passes ``"postalCode" LIKE '%a%'``, and the fill made 0
    of 40 rows. Columns with a ``faker``/``values``/``distinct`` hint are left as the user asked."""
    read = {c for ck in p.residual for c in ck.columns}
    change = [c.name for c in p.table.columns
              if c.name in read and c.type.kind in TEXT_TYPES and c.name not in p.fk_of and c.name not in p.generated
              and all(c.hint(h) is None for h in ("faker", "values", "distinct"))
              and text_kind(c.name, None, f"{p.table.key}.{c.name}") != "word"]
    if not change:
        return None
    columns = tuple(replace(c, hints=(*c.hints, ("faker", "word"))) if c.name in change else c for c in p.table.columns)
    return replace(p, table=replace(p.table, columns=columns))


def _text_injective(t: Table, c: Column, top: int, rows: int) -> bool:
    """Whether the text generator of a unique column gives distinct values for row indexes 0..top
    as it stands (``rows`` of them kept): an injective kind (:data:`INJECTIVE_TEXT`) whose longest
    value fits the length, or a code spelled in an alphabet wide enough for ``top``."""
    if c.type.kind not in TEXT_TYPES or c.hint("values") is not None or c.hint("distinct") is not None:
        return False
    length = c.type.length
    kind = text_kind(c.name, c.hint("faker"), f"{t.key}.{c.name}")
    if c.type.kind == "char" and kind not in ("currency", "color") and (length or 1) <= 12:
        width = length or 1
        return top < alphabet(width, rows) ** width  # the index spelled in letters
    widest = INJECTIVE_TEXT.get(kind, -1)
    if kind not in INJECTIVE_TEXT or (widest is not None and top > widest):
        return False
    if length is None:
        return True
    size = max_length(TEXT_KINDS[kind](TextCtx(exp.column(ROW), True, Gen(0, t.key), c.name)), top)
    return size is not None and size <= length


def _check_satisfiable(t: Table, col: str, b: Bounds) -> None:
    where = f"{t.key}.{col}"
    if b.lo is not None and b.hi is not None and (b.lo > b.hi or (b.lo == b.hi and (b.lo_strict or b.hi_strict))):
        raise ModelError(
            f"the checks on {col} cannot be satisfied: {col} {'>' if b.lo_strict else '>='} {b.lo} "
            f"and {col} {'<' if b.hi_strict else '<='} {b.hi}",
            where=where,
        )
    if b.values is not None:
        ok = (
            [
                v
                for v in b.values
                if (b.lo is None or v > b.lo or (v == b.lo and not b.lo_strict))
                and (b.hi is None or v < b.hi or (v == b.hi and not b.hi_strict))
            ]
            if all(isinstance(v, int | float) for v in b.values)
            else list(b.values)
        )
        if not ok:
            raise ModelError(f"the checks on {col} cannot be satisfied: no listed value is in range", where=where)


# -- column expressions ---------------------------------------------------------------------------
def _int_range(c: Column, b: Bounds) -> tuple[int, int]:
    lo, hi = _TYPE_DEFAULT_RANGE.get(c.type.kind, (0, 10_000))
    for word, rng in _NUMBER_RANGES:
        if word in c.name.lower():
            lo, hi = rng
    if b.lo is not None:
        lo = math.floor(b.lo) + 1 if b.lo_strict or b.lo != math.floor(b.lo) else int(b.lo)
        hi = max(hi, lo)
    if b.hi is not None:
        hi = min(hi, math.ceil(b.hi) - 1 if b.hi_strict or b.hi != math.ceil(b.hi) else int(b.hi))
        lo = min(lo, hi)
    if c.type.kind == "year":  # (a check's bound may lie outside what the type holds)
        lo, hi = max(lo, _TYPE_MIN["year"]), min(hi, _TYPE_MAX["year"])
        lo = min(lo, hi)
    return lo, hi


def _int_allowed(c: Column, b: Bounds) -> tuple[int, int]:
    """Every value an integer column may hold: its type's range narrowed by its CHECK bounds (the
    capacity of a unique column, where :func:`_int_range` is only where plausible values lie)."""
    lo, hi = _TYPE_MIN[c.type.kind], _TYPE_MAX[c.type.kind]
    if c.type.unsigned:
        lo, hi = 0, 2 * hi + 1
    if isinstance(b.lo, int | float):
        lo = max(lo, math.floor(b.lo) + 1 if b.lo_strict or b.lo != math.floor(b.lo) else int(b.lo))
    if isinstance(b.hi, int | float):
        hi = min(hi, math.ceil(b.hi) - 1 if b.hi_strict or b.hi != math.ceil(b.hi) else int(b.hi))
    return lo, hi


def _start(plausible: int, allowed: tuple[int, int], rows: int) -> int:
    """Where the values of a distinct column counting up from ``plausible`` start, so that ``rows``
    of them stay inside ``allowed`` (moved down, as far as the lower bound, when they would not)."""
    lo, hi = allowed
    return max(lo, min(plausible, hi - (rows - 1)))


def _decimal_allowed(c: Column, b: Bounds) -> tuple[int, int, int]:
    """(scale, lowest, highest) in units of 10**-scale: every value the type's precision and the
    checks allow."""
    scale = c.type.scale if c.type.scale is not None else (0 if c.type.precision else 2)
    top = 10 ** min(c.type.precision or 18, 18) - 1
    unit = 10**scale
    lo_u, hi_u = -top, top
    if isinstance(b.lo, int | float):
        lo_u = max(math.floor(b.lo * unit) + 1 if b.lo_strict else math.ceil(b.lo * unit), -top)
    if isinstance(b.hi, int | float):
        hi_u = min(math.ceil(b.hi * unit) - 1 if b.hi_strict else math.floor(b.hi * unit), top)
    return scale, lo_u, hi_u


def _decimal_distinct(c: Column, b: Bounds) -> tuple[int, int, int]:
    """The values a distinct decimal column is drawn from, as (digits after the point, lowest, highest) in
    units of 10**-digits: as fine as the scale while a value keeps at most 15 significant digits, whole
    numbers past that. A double (what the fill computes with, and what SQLite stores) then tells any two
    apart, and every value is one the type and the checks allow."""
    scale, a_lo, a_hi = _decimal_allowed(c, b)
    frac = max(0, min(scale, 15 - ((c.type.precision or 18) - scale)))
    step = 10 ** (scale - frac)
    return frac, -(-a_lo // step), a_hi // step


def _decimal_units(c: Column, b: Bounds) -> tuple[int, int, int]:
    """(scale, lowest, highest) in units of 10**-scale inside the type's precision and the checks."""
    scale = c.type.scale if c.type.scale is not None else (0 if c.type.precision else 2)
    p = c.type.precision or 18
    top = 10 ** min(p, 18) - 1
    lo, hi = 0.0, 1000.0
    for word, rng in _NUMBER_RANGES:
        if word in c.name.lower():
            lo, hi = rng
    unit = 10**scale
    lo_u, hi_u = round(lo * unit), min(round(hi * unit), top)
    if b.lo is not None:
        lo_u = max(math.floor(b.lo * unit) + 1 if b.lo_strict else math.ceil(b.lo * unit), -top)
        hi_u = max(hi_u, lo_u)
    if b.hi is not None:  # a check's upper bound narrows the usual range; it never widens it
        hi_u = min(hi_u, math.ceil(b.hi * unit) - 1 if b.hi_strict else math.floor(b.hi * unit), top)
        lo_u = min(lo_u, hi_u)
    return scale, lo_u, hi_u


def _value(p: _Plan, c: Column, g: Gen, schema: Schema) -> exp.Expression:
    """The generating expression of an ordinary (non-key-derived) column."""
    t, b = p.table, p.bounds.get(c.name, Bounds())
    where = f"{t.key}.{c.name}"
    kind = c.type.kind
    skew = parse_skew(c.hint("skew"), where)
    unique = c.name in p.unique_cols
    # (no filter reads these: the narrow pass, which has no row numbers yet, never makes them)
    x: exp.Expression = exp.column("__rn", table="__b") if c.name in p.by_rn else exp.column(ROW)
    distinct = c.hint("distinct")
    if distinct is not None and not unique:  # (a unique column takes its first values: the hint caps the rows)
        x = g.index(distinct, skew, c.name, "distinct")
        skew = None
    values = c.hint("values")
    if values is not None or b.values is not None:
        items = list(values) if values is not None else list(b.values or ())
        if values is not None and b.values is not None:
            items = [v for v in items if v in b.values]
            if not items:
                raise ModelError("no value of the values= hint passes the column's checks", where=where)
        idx = x if unique else g.index(len(items), skew, c.name, "v", permute=False, x=x)
        return pick(items, idx)  # (past the list's end: NULL)
    element = c.type.element
    if kind not in _SAMPLED or (kind == "array" and (element is None or element.kind not in _SAMPLED
                                                     or element.kind == "array")):
        raise ModelError(
            f"no sample values for type {c.type} yet; give the column a values= hint "
            "(m.alter_column(..., hints={'values': [...]}))",
            where=where,
        )
    if kind == "tsvector":  # a word: a lexeme as PostgreSQL reads a tsvector, and text elsewhere
        return TEXT_KINDS["word"](TextCtx(x, unique, g, c.name))
    if kind == "array":  # one element a row, drawn as a column of the element's type would be
        return exp.Array(expressions=[_value(p, replace(c, type=element), g, schema)])
    if kind == "set":  # a subset of its values: bit i of a hash (of the row index when unique) keeps value i
        items = list(schema.enum(c.type.enum).values)
        mask = x if unique else g.hash(c.name, "s", x=x)
        members = ", ".join(f"CASE WHEN (:m >> {i}) & 1 = 1 THEN :v{i} END" for i in range(min(len(items), 63)))
        return T(f"list_filter([{members}], e -> e IS NOT NULL)", m=mask,
                 **{f"v{i}": exp.Literal.string(v) for i, v in enumerate(items[:63])})
    if kind == "enum":
        items = list(schema.enum(c.type.enum).values)
        if c.default is not None and c.default.kind == "literal" and c.default.value in items:
            items.remove(c.default.value)
            items.insert(0, c.default.value)  # the default is the most common value
        idx = (
            exp.column(ROW)
            if unique
            else g.index(len(items), skew if c.hint("skew") else 1.0, c.name, "e", permute=False, x=x)
        )
        return pick(items, idx)
    if kind in _WHOLE_KINDS:
        lo, hi = _int_range(c, b)
        if unique:
            allowed = _int_allowed(c, b)
            start = _start(lo, allowed, p.rows)
            return _overflow(p, c, x, T(":lo + :x", lo=start, x=x), allowed[1] - start)
        return T(":lo + :i", lo=lo, i=g.index(hi - lo + 1, skew, c.name, "n", permute=False, x=x))
    if kind == "decimal":
        scale, lo_u, hi_u = _decimal_units(c, b)
        cast = f"DECIMAL({c.type.precision or 18}, {scale})"
        if unique:
            frac, a_lo, a_hi = _decimal_distinct(c, b)
            start = _start(-(-lo_u // 10 ** (scale - frac)), (a_lo, a_hi), p.rows)
            value = T(f"CAST((:lo + :k) / :u AS {cast})", lo=start, k=x, u=float(10**frac))
            return _overflow(p, c, x, value, a_hi - start)
        k = g.index(hi_u - lo_u + 1, skew, c.name, "d", permute=False, x=x)
        return T(f"CAST((:lo + :k) / :u AS {cast})", lo=lo_u, k=k, u=float(10**scale))
    if kind in ("real", "double"):
        lo = 0.0 if b.lo is None else float(b.lo)
        hi = (lo + 1000.0) if b.hi is None else float(b.hi)
        if unique:  # spaced by the row index (whole numbers while the range allows: exact in a REAL too)
            step = 1.0 if b.hi is None or hi - lo > p.top + 2 else (hi - lo) / (p.top + 2)
            value = T("CAST(:lo + (:x + 1) * :s AS DOUBLE)", lo=lo, x=x, s=step)
        else:
            value = T(":lo + (0.0005 + 0.999 * :u) * :w", lo=lo, u=g.uniform(c.name, "f", x=x), w=hi - lo)
        # a REAL stores 24 bits: the fill draws (and a dedupe compares) what the column will hold
        return T("CAST(:v AS FLOAT)", v=value) if kind == "real" else value
    if kind == "boolean":
        if unique:  # (two rows at most, or NULLs past them)
            return pick([False, True], x)
        p_true = 0.15 if c.default is not None and c.default.value is False else 0.85
        return T(":u < :p", u=g.uniform(c.name, "b", x=x), p=p_true)
    if kind == "uuid":
        if unique:
            # time-ordered like UUIDv7: the top 48 bits count up from a per-column start, the rest
            # is hash noise. Distinct by construction, and a key that grows with the row index lets
            # the engine append to its PK index instead of inserting at random places.
            start = g.salt(c.name, "v7") % (1 << 46)
            # (``& 65535`` on the 64-bit hash, not ``% 65536`` on the 128-bit value: a UHUGEINT
            # modulo is a 128-bit division, ~1.2 us per row, which made this the costliest column)
            return T(
                "CAST((((CAST(:x AS UHUGEINT) + :s) << 80) | (CAST(:h AS UHUGEINT) << 16)"
                " | CAST(:h & 65535 AS UHUGEINT)) AS UUID)",
                x=x,
                s=start,
                h=g.hash(c.name, "lo", x=x),
            )
        return T(
            "CAST(((CAST(:h AS UHUGEINT) << 64) | CAST(:l AS UHUGEINT)) AS UUID)",
            h=g.hash(c.name, "hi", x=x),
            l=g.hash(c.name, "lo", x=x),
        )
    if kind == "date":
        k = x if unique else g.index(SPAN_DAYS, skew, c.name, "dt", permute=False, x=x)
        return T(f"DATE '{EPOCH_DATE}' + CAST(:k AS INTEGER)", k=k)
    if kind in ("timestamp", "timestamptz"):
        base = f"TIMESTAMPTZ '{EPOCH_DATE} 00:00:00+00'" if kind == "timestamptz" else f"TIMESTAMP '{EPOCH_DATE}'"
        k = T(":x * 1000000", x=x) if unique else g.below(SPAN_MICROS, c.name, "ts", x=x)
        return T(f"{base} + to_microseconds(CAST(:k AS BIGINT))", k=k)
    if kind == "time":
        return T("TIME '00:00:00' + to_microseconds(CAST(:k AS BIGINT))", k=g.below(86_400_000_000, c.name, "tm", x=x))
    if kind == "interval":
        return T("to_seconds(CAST(:k AS DOUBLE))", k=g.below(8 * 3600, c.name, "iv", x=x))
    if kind == "bytes":
        return T("unhex(md5(CAST(:h AS VARCHAR)))", h=g.hash(c.name, "by", x=x))
    if kind in ("inet", "cidr", "macaddr"):  # text every engine takes (PostgreSQL's types read it in COPY)
        # a documentation address (RFC 5737) or private ones numbered by the row when unique
        k = x if unique else g.index(1 << 24, skew, c.name, "ip", permute=False, x=x)
        template = {"inet": "printf('10.%d.%d.%d', (:k >> 16) & 255, (:k >> 8) & 255, :k & 255)",
                    "cidr": "printf('10.%d.%d.0/24', (:k >> 8) & 255, :k & 255)",
                    "macaddr": "printf('02:00:00:%02x:%02x:%02x', (:k >> 16) & 255, (:k >> 8) & 255, :k & 255)"}
        return T(template[kind], k=k)
    if kind == "geometry":  # WKB of one of a few small shapes (SQLite, DuckDB: a BLOB; PostgreSQL: see its cast)
        hexes = _geometry_hexes(c.type.shape)
        return T("unhex(:h)", h=pick(hexes, x if unique else g.index(len(hexes), skew, c.name, "g", permute=False,
                                                                     x=x)))
    if kind == "json":
        ctx = TextCtx(x, False, g, c.name)
        if text_kind(c.name, None, where) == "street":
            return T(
                "json_object('line1', :a, 'city', :b, 'country', :c)",
                a=TEXT_KINDS["street"](ctx),
                b=TEXT_KINDS["city"](ctx),
                c=TEXT_KINDS["country"](ctx),
            )
        return T("json_object('id', :x, 'tag', :w)", x=x, w=TEXT_KINDS["word"](ctx))
    return _text(p, c, g, x, unique, where)


def _overflow(p: _Plan, c: Column, x: exp.Expression, value: exp.Expression, last: int | None = None) -> exp.Expression:
    """``value`` for the first indexes of a unique column, NULL past them: past the capacity of a nullable
    column with fewer values than rows (:attr:`_Plan.overflow`), and, for a column drawn from the sparse row
    index of a filtered table, past ``last``, the highest index whose value is in range (the narrow pass
    drops the NULLs of a NOT NULL column)."""
    cap = p.overflow.get(c.name)
    if last is not None and c.name not in p.by_rn and p.top > last:
        cap = last + 1 if cap is None else min(cap, last + 1)
    return value if cap is None else T("CASE WHEN :x < :n THEN :v END", x=x, n=cap, v=value)


def _text(p: _Plan, c: Column, g: Gen, x: exp.Expression, unique: bool, where: str) -> exp.Expression:
    length = c.type.length
    kind = text_kind(c.name, c.hint("faker"), where)
    if c.type.kind == "char" and kind not in ("currency", "color") and (length or 1) <= 12:
        # fixed-width codes: letters, distinct for distinct row indexes (in a wider alphabet when
        # capital letters alone give fewer codes than the rows need)
        span = 26 ** (length or 1)
        if unique:
            value = _overflow(p, c, x, letters(x, length or 1, alphabet(length or 1, p.rows)))
        else:
            value = letters(g.below(span, c.name, "ch", x=x), length or 1)
    else:
        value = TEXT_KINDS[kind](TextCtx(x, unique, g, c.name, p.joiners.get(c.name, "-")))
        size = max_length(value, p.top) if length is not None else None
        if length is not None and (size is None or size > length):  # cut only what may not fit
            if unique:
                num = T("CAST(:x AS VARCHAR)", x=x)
                value = T(
                    "CASE WHEN length(:v) <= :n THEN :v ELSE concat(left(:v, :n - length(:s)), :s) END",
                    v=value,
                    n=length,
                    s=num,
                )
                if length < len(str(p.rows)):
                    value = _overflow(p, c, x, letters(x, length, alphabet(length, p.rows)))
            else:
                value = T("left(:v, :n)", v=value, n=length)
    if (
        not unique
        and c.default is not None
        and c.default.kind == "literal"
        and isinstance(c.default.value, str)
        and c.hint("values") is None
    ):
        value = T("CASE WHEN :u < 0.8 THEN :d ELSE :v END", u=g.uniform(c.name, "def"), d=c.default.value, v=value)
    return value


def _nulls(p: _Plan, c: Column, g: Gen, value: exp.Expression) -> exp.Expression:
    b = p.bounds.get(c.name, Bounds())
    if not c.nullable or b.not_null or c.name in p.required:
        return value
    share = c.hint("null_fraction")
    if share is None:
        share = 0.95 if c.name in MOSTLY_NULL else DEFAULT_NULLS
    if not 0 <= float(share) <= 1:
        raise ModelError(f"null_fraction must be between 0 and 1, not {share!r}", where=f"{p.table.key}.{c.name}")
    if share == 0:
        return value
    return T("CASE WHEN :u < :s THEN NULL ELSE :v END", u=g.uniform(c.name, "null"), s=float(share), v=value)


def _fk_index(p: _Plan, fk: ForeignKey, g: Gen, parents: int) -> exp.Expression:
    """The parent row number each generated row points at (NULL for an absent nullable FK)."""
    t = p.table
    where = f"{t.key}.{fk.name}"
    if fk.name in p.one_to_one:
        idx = T("(:x * :m) % :n", x=exp.column(ROW), m=coprime(max(parents, 1)), n=max(parents, 1))
    else:
        hint = next((t.column(c).hint("skew") for c in fk.columns if t.column(c).hint("skew")), None)
        skew = DEFAULT_FK_SKEW if hint is None else parse_skew(hint, where)
        if hint is None and fk.name in p.spread:
            skew = None  # the second FK of a composite key spreads evenly, so pairs rarely repeat
        idx = g.index(parents, skew, fk.name, "fk")
    cols = [t.column(c) for c in fk.columns]
    if all(c.nullable for c in cols):
        share = next((c.hint("null_fraction") for c in cols if c.hint("null_fraction") is not None), DEFAULT_NULLS)
        if share:
            idx = T("CASE WHEN :u < :s THEN NULL ELSE :v END", u=g.uniform(fk.name, "null"), s=float(share), v=idx)
    return idx


# -- the fill -------------------------------------------------------------------------------------
def _nc(method: Callable[..., exp.Select]) -> Callable[..., exp.Select]:
    """A sqlglot builder method that extends the query in place (the default copies the whole tree
    on every call, which made building a wide table's query quadratic)."""
    return functools.partial(method, copy=False)


def _as(e: exp.Expression, name: str | exp.Identifier) -> exp.Expression:
    """``e AS name``, copying ``e`` only when it is already part of another tree (the rule of
    ``generators.T``): sqlglot's ``alias_`` copies every value it aliases by default."""
    return exp.alias_(e, name, copy=e.parent is not None)


def _sub(query: exp.Select, alias: str) -> exp.Subquery:
    """``(query) AS alias`` for a query built for this one use (sqlglot's ``subquery`` copies the
    whole query by default: a layer of a fill, copied again for each layer around it)."""
    return query.subquery(alias, copy=False)


def _sql(query: exp.Expression) -> str:
    """DuckDB SQL of a query built for one statement and dropped after it: generated without the copy
    of the whole tree sqlglot makes by default (a third of a fill's CPU was tree copies)."""
    return query.sql("duckdb", copy=False)


def table_ref(key: str) -> exp.Table:
    """A quoted reference to the table of model key ``key`` (``orders``, or ``sales.orders`` in its
    schema) (``exp.to_table(name, quoted=True)`` does not quote in sqlglot 30, so a table called
    ``select`` or ``order`` would break the statement)."""
    namespace, name = split_key(key)
    return exp.Table(this=exp.to_identifier(name, quoted=True),
                     db=exp.to_identifier(namespace, quoted=True) if namespace is not None else None)


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _stand_in(c: Column) -> exp.Expression | None:
    """A value of ``c``'s type, different in each row (``__rn``), written in a NOT NULL column of a foreign
    key that closes a cycle until :meth:`_Filler.close_cycles` sets it (NULL there broke the NOT NULL as the
    row was written: "NOT NULL constraint failed"); None for a type without one. Only where the engine does
    not check foreign keys per row: the verification after the fill checks the final values."""
    rn = exp.column("__rn")
    k = c.type.kind
    if k == "smallint":
        return T("CAST(:rn % 32767 AS SMALLINT)", rn=rn)
    if k == "year":
        return T("CAST(1901 + :rn % 255 AS SMALLINT)", rn=rn)
    if k in INTEGER_KINDS or k in ("decimal", "real", "double"):
        return T("CAST(:rn AS BIGINT)", rn=rn) if k in INTEGER_KINDS else T("CAST(:rn AS DOUBLE)", rn=rn)
    if k in ("char", "varchar", "text"):
        text = T("CAST(:rn AS VARCHAR)", rn=rn)
        return T("right(:t, :n)", t=text, n=exp.Literal.number(c.type.length)) if c.type.length else text
    if k == "uuid":
        return T("CAST(printf('00000000-0000-4000-8000-%012d', :rn) AS UUID)", rn=rn)
    if k == "date":
        return T("CAST(DATE '2000-01-01' + CAST(:rn AS INTEGER) AS DATE)", rn=rn)
    if k in ("timestamp", "timestamptz"):
        return T("CAST(TIMESTAMP '2000-01-01' + to_seconds(CAST(:rn AS BIGINT)) AS " + (
            "TIMESTAMP)" if k == "timestamp" else "TIMESTAMPTZ)"), rn=rn)
    if k == "time":
        return T("CAST(TIME '00:00:00' + to_seconds(CAST(:rn % 86400 AS BIGINT)) AS TIME)", rn=rn)
    if k == "interval":
        return T("to_seconds(CAST(:rn AS BIGINT))", rn=rn)
    if k == "json":
        return T("to_json(:rn)", rn=rn)
    if k == "bytes":
        return T("CAST(CAST(:rn AS VARCHAR) AS BLOB)", rn=rn)
    if k == "boolean":
        return T(":rn % 2 = 0", rn=rn)
    return None


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(_ident(name), table=exp.to_identifier(table) if table else None)


def _window(e: exp.Expression) -> exp.Window:
    """The window function inside a template (to set its PARTITION BY / ORDER BY as trees)."""
    w = e.find(exp.Window)
    assert w is not None, "the template holds a window function"
    return w


def _written(t: Table) -> list[Column]:
    """The columns a fill writes: all but generated ones (the engine computes those)."""
    return [c for c in t.columns if not c.generated]


def _range(n: int) -> exp.Expression:
    """``range(n)`` as a source of row indexes ``__i``."""
    query = T("SELECT __i FROM range(:n) AS __r(__i)", n=n)
    assert isinstance(query, exp.Select)
    return query.subquery("__s")


class _Filler:
    def __init__(self, schema: Schema, target: Target, con: Any, seed: int, progress: Any) -> None:
        self.schema, self.target, self.con, self.seed, self.progress = schema, target, con, seed, progress
        self.gen = con if target.in_engine else duckdb.connect()
        self.gen.execute("SET TimeZone = 'UTC'")
        self.gen.execute("SET enable_progress_bar = false")  # (the fill has its own)
        self.gen.execute("SET preserve_insertion_order = true")  # the default; the fill's row order relies on it
        self.keys: dict[str, str] = {}  # table -> temp table of (__rn, key columns)
        #: table -> {key column: its generating expression of the parent row number ``__pidx``}, for
        #: tables whose every row index is its row number: children compute the key instead of joining
        self.key_exprs: dict[str, dict[str, exp.Expression]] = {}
        self.cyclic: set[str] = set()  # tables on either end of an FK that closes a cycle (need key tables)
        #: (parent, referenced columns) -> (key table of the parent rows where they are all set, numbered
        #: ``__rn`` from 0; how many), for a NOT NULL FK to columns some parent rows hold NULL in (see _parents)
        self.narrowed: dict[tuple[str, tuple[str, ...]], tuple[str, int]] = {}
        self.made: dict[str, int] = {}
        self._n = 0
        self._in_order = False  # the last wide view yields rows in row-number order without a sort
        #: the engine checks foreign keys as rows arrive (a self-reference is then written level by level)
        self.fk_enforced = True

    def temp(self) -> str:
        # our own scratch tables: generated names, never user text, so they appear in f-strings below
        self._n += 1
        return f"__dbmodel_gen_{self._n}"

    # one table
    def fill(self, p: _Plan) -> None:
        t = p.table
        g = Gen(self.seed, t.key)
        n = p.rows
        need_filter = bool(p.residual or p.dedupe or p.seq)
        gen_name = self.temp()
        rows = None
        if need_filter:  # a narrow pass picks the rows that pass, then the wide pass makes their columns
            rows = self.temp()
            m = math.ceil(n * 1.2) + 64
            refitted = False
            for _attempt in range(7):
                self._select_rows(p, g, m, rows)
                got = self.gen.execute(exp.select("count(*)").from_(rows).sql("duckdb")).fetchone()[0]
                if got >= n:
                    break
                if got == 0 or m >= 64 * n + 1024:  # nothing passes, or the pass rate is hopeless
                    words = None if refitted else self._refit(p, g, m, rows, got)
                    refitted = True
                    if words is None:
                        raise ModelError(self._shortfall(p, got), where=t.key)
                    p, m = words, math.ceil(n * 1.2) + 64  # once: the checked text columns as plain words
                    continue
                m = min(math.ceil(m * n / got * 1.3) + 64, 64 * n + 1024)
            else:
                raise ModelError(self._shortfall(p, got), where=t.key)
        # a view, so the engine computes each column once, while inserting, and the key table reads
        # only the key columns (projection pushdown); self-references rewrite the rows, so a table
        stream = not p.selfref
        self._materialise(p, g, rows, gen_name, view=stream)
        if p.selfref:
            self._self_refs(p, g, gen_name)
        try:
            self._insert(p, gen_name)
        except _integrity_errors() as e:
            raise self._rejected(p, gen_name, e) from None
        needed = self._key_columns(t)
        if rows is None:  # unfiltered: row number == row index, so a key is a function of the parent row
            self.key_exprs[t.key] = self._key_exprs(p, g, needed)
        # a NOT NULL FK from another table to columns this one may leave NULL (a nullable unique column with
        # fewer values than rows): its children draw only the rows where they are set
        narrow = [
            tuple(fk.ref_columns)
            for child, fk in self.schema.referencing(t.key)
            if child.key != t.key
            and any(not child.column(c).nullable for c in fk.columns)
            and any(t.column(r).nullable for r in fk.ref_columns)
        ]
        if (
            rows is not None
            or t.key in self.cyclic
            or narrow
            or set(needed) - set(self.key_exprs.get(t.key, {}))
        ):
            self._keep_keys(p, gen_name, needed)
        for refs in dict.fromkeys(narrow):
            self._narrow(t, refs, needed, n)
        self.gen.execute(f"DROP {'VIEW' if stream else 'TABLE'} {gen_name}")
        if rows is not None:
            self.gen.execute(f"DROP TABLE {rows}")
        self.made[t.key] = n
        if self.progress is not None:
            self.progress.update(n)

    def _refit(self, p: _Plan, g: Gen, m: int, rows: str, got: int) -> _Plan | None:
        """``p`` with the text columns its residual checks read drawn so that more rows pass, or None when
        no change helps: those columns as plain words (:func:`_as_words`), and a distinct word joined to its
        row index by each of :data:`_JOINERS` in turn (``word-7`` fails ``REGEXP_LIKE(c, '^[A-Za-z0-9 ]*$')``,
        ``word 7`` passes), each tried on the narrow pass as the fill would run it; the first that passes the
        most rows is kept (without such a column: the plain words, untried, as before)."""
        base = _as_words(p) or p
        read = {c for ck in p.residual for c in ck.columns}
        joined = [c for c in sorted(read & base.unique_cols) if base.table.column(c).type.kind in TEXT_TYPES
                  and base.table.column(c).hint("values") is None and base.table.column(c).hint("distinct") is None
                  and text_kind(c, base.table.column(c).hint("faker"), f"{p.table.key}.{c}") == "word"]
        if not joined:
            return None if base is p else base
        best, most = base, -1
        for cand in [base, *[replace(base, joiners=dict.fromkeys(joined, j)) for j in _JOINERS[1:]]]:
            self._select_rows(cand, g, m, rows)
            n = self.gen.execute(exp.select("count(*)").from_(rows).sql("duckdb")).fetchone()[0]
            if n > most:
                best, most = cand, n
        return None if best is p else best

    def _narrow(self, t: Table, refs: tuple[str, ...], needed: list[str], n: int) -> None:
        """Keep the key rows of ``t`` whose ``refs`` are all set, numbered from 0, when some are not."""
        keys = self.keys[t.key]
        where = exp.and_(*[exp.Not(this=exp.Is(this=_col(c), expression=exp.Null())) for c in refs])
        count = exp.select("count(*)").from_(keys).where(where)
        got = self.gen.execute(_sql(count)).fetchone()[0]
        if got == n:
            return
        name = self.temp()
        q = exp.select(_as(T("row_number() OVER (ORDER BY __rn) - 1"), "__rn"), *[_col(c) for c in needed])
        q = q.from_(keys).where(where).order_by("__rn")
        self.gen.execute(f"CREATE TEMP TABLE {name} AS {_sql(q)}")
        self.narrowed[(t.key, refs)] = (name, got)

    def _parents(self, p: _Plan, fk: ForeignKey) -> tuple[str | None, int]:
        """The parent rows ``fk`` of ``p`` draws from: a key table of them (None: the parent's own rows, by
        row number) and how many. A NOT NULL FK draws only rows whose referenced columns are all set."""
        if any(not p.table.column(c).nullable for c in fk.columns):
            found = self.narrowed.get((fk.ref_table, tuple(fk.ref_columns)))
            if found is not None:
                if not found[1] and p.rows:
                    raise ModelError(
                        f"cannot make {p.rows} rows: NOT NULL foreign key {fk.name} needs a row of "
                        f"{fk.ref_table} whose ({', '.join(fk.ref_columns)}) is not NULL, and it has none",
                        where=p.table.key,
                    )
                return found
        return None, self.made[fk.ref_table]

    def _rejected(self, p: _Plan, view: str, error: Exception) -> ModelError:
        """The engine refused a row of ``p``'s table as it was written: the constraint and an example row,
        found by the set-based checks over the generated rows (the view the insert read)."""
        t = p.table
        written = {c.name for c in _written(t)}
        local = [
            r
            for r in verify.rules(self.schema, [t.key])
            if set(r.columns) <= written and (r.kind != "foreign key" or self.target.in_engine)
        ]
        cols = exp.select(*[_col(c.name) for c in _written(t)]).from_(view).subquery("__v")
        found = None
        with contextlib.suppress(duckdb.Error):  # (a check DuckDB cannot evaluate: the engine's words below)
            found = verify.first_violation(self.gen, "duckdb", local, {t.key: cols})
        return found or ModelError(f"the engine rejected generated rows: {error}", where=t.key)

    def _base(self, p: _Plan, g: Gen, source: exp.Expression, extra: tuple[str, ...] = ()) -> exp.Select:
        """Row indexes (``__i``, and ``extra`` columns of ``source``) with each inline FK's parent row number."""
        base = exp.select(exp.column(ROW), *[_col(c) for c in extra]).from_(source, copy=False)  # (model names: quoted)
        for k, fk in enumerate(p.inline):
            base = _nc(base.select)(_as(_fk_index(p, fk, g, self._parents(p, fk)[1]), f"__p{k}"))
        return base

    def _layer(
        self, p: _Plan, g: Gen, base: exp.Select, carry: tuple[str, ...], wanted: set[str] | None, fk_cols: set[str]
    ) -> exp.Select:
        """``base`` with the generated columns: the key columns of each FK in ``fk_cols`` joined from the
        parent's key table, and every other column in ``wanted`` (None: all) computed from ``__i``."""
        t = p.table
        cols = [exp.column(ROW, table="__b"), *[_col(c, "__b") for c in carry]]  # (model names: quoted)
        layer = exp.select(*cols).from_(_sub(base, "__b"), copy=False)
        inline_cols = {c: fk for fk in p.inline for c in fk.columns}
        for k, fk in enumerate(p.inline):
            if not any(inline_cols[c] is fk and c in fk_cols for c in fk.columns):
                continue
            narrowed, count = self._parents(p, fk)
            exprs = {} if narrowed else self.key_exprs.get(fk.ref_table, {})
            if not count:  # an empty parent: the FK (nullable, see _plan) stays NULL
                for cname in fk.columns:
                    if inline_cols[cname] is fk:
                        layer = _nc(layer.select)(_as(exp.Null(), _ident(cname)))
                continue
            if all(r in exprs for r in fk.ref_columns):
                # the parent's key computed from its row number: no key table, no join
                index = exp.column(f"__p{k}", table="__b")
                for cname, ref in zip(fk.columns, fk.ref_columns, strict=True):
                    if inline_cols[cname] is fk:
                        key = exprs[ref].transform(
                            lambda n, i=index: i.copy() if isinstance(n, exp.Column) and n.name == "__pidx" else n
                        )
                        key = T("CASE WHEN :i IS NULL THEN NULL ELSE :k END", i=index.copy(), k=key)
                        layer = _nc(layer.select)(_as(key, _ident(cname)))
                continue
            alias = f"__k{k}"
            layer = _nc(layer.join)(
                exp.to_table(narrowed or self.keys[fk.ref_table]).as_(alias),
                join_type="left",
                on=exp.EQ(this=exp.column("__rn", table=alias), expression=exp.column(f"__p{k}", table="__b")),
            )
            for cname, ref in zip(fk.columns, fk.ref_columns, strict=True):
                if inline_cols[cname] is fk:
                    layer = _nc(layer.select)(_as(_col(ref, alias), _ident(cname)))
        later = {c for fk in [*p.selfref, *p.deferred] for c in fk.columns}
        for c in t.columns:
            if (
                c.name in inline_cols
                or c.name in later
                or c.name in p.seq
                or (wanted is not None and c.name not in wanted)
            ):
                continue
            value = _value(p, c, g, self.schema)
            layer = _nc(layer.select)(_as(_nulls(p, c, g, value), _ident(c.name)))
        return layer

    def _by_parent(self, p: _Plan, cols: tuple[str, ...]) -> tuple[list[exp.Expression], set[str]]:
        """Partition terms for ``cols``: an inline FK whose columns are all in ``cols`` is its parent row
        number ``__p<k>`` (one parent row, one key: the same partition, without joining the key);
        the rest are the columns themselves (returned as the FK columns still to join)."""
        terms: list[exp.Expression] = []
        left = list(cols)
        for k, fk in enumerate(p.inline):
            if set(fk.columns) <= set(left):
                terms.append(exp.column(f"__p{k}"))
                left = [c for c in left if c not in fk.columns]
        return terms + [_col(c) for c in left], {c for c in left if c in p.fk_of}

    def _select_rows(self, p: _Plan, g: Gen, m: int, name: str) -> None:
        """The narrow pass for a table whose rows are filtered: which of ``range(m)`` survive the residual
        checks and dedupe sets (the first ``rows`` of them, renumbered ``__rn``), plus the numbered
        (``seq``) columns. Only the columns those need are generated here; the wide pass makes the rest
        from the same ``__i``, so the values are the same."""
        parts = {s: self._by_parent(p, s) for s in p.dedupe}
        seq_parts = {c: self._by_parent(p, part) for c, (part, _first) in p.seq.items()}
        checks = [_inline_generated(verify.quoted_tree(ck.expression), p.generated) for ck in p.residual]
        wanted = {c.name for tree in checks for c in tree.find_all(exp.Column)}
        fk_cols = {c for c in wanted if c in p.fk_of}
        for terms, joined in [*parts.values(), *seq_parts.values()]:
            fk_cols |= joined
            wanted |= {x.name for x in terms if x.name not in p.fk_of and not x.name.startswith("__p")}
        fk_cols |= {c for c in wanted if c in p.fk_of}
        pcols = tuple(f"__p{k}" for k in range(len(p.inline)))
        base = self._base(p, g, _range(m))
        query: exp.Select = self._layer(p, g, base, pcols, wanted, fk_cols)
        if p.seq:
            query = exp.select("*").from_(_sub(query, "__l"), copy=False)
            for c, (_part, first) in p.seq.items():
                rn = T("row_number() OVER (PARTITION BY :p ORDER BY __i)", p=exp.column("__part"))
                _window(rn).set("partition_by", seq_parts[c][0])
                query = _nc(query.select)(_as(T(":rn + :f", rn=rn, f=first - 1), _ident(c)))
        order = [exp.column(f"__p{k}") for k, fk in enumerate(p.inline) if fk.name == p.cluster]
        final = exp.select(exp.column(ROW), *[_col(c) for c in p.seq], *order).from_(_sub(query, "__q"), copy=False)
        conds = [T("COALESCE(:e, TRUE)", e=exp.paren(tree)) for tree in checks]
        for c in p.seq:  # numbering can run past the column's range
            b = p.bounds.get(c, Bounds())
            hi = _int_allowed(p.table.column(c), b)[1]
            conds.append(T(":c <= :h", c=_col(c), h=hi))
        for c in sorted(wanted & p.unique_cols):  # a distinct value past its range is NULL (see _overflow)
            if not p.table.column(c).nullable:
                conds.append(exp.Not(this=exp.Is(this=_col(c), expression=exp.Null())))
        if conds:
            final = _nc(final.where)(exp.and_(*conds))
        firsts = []
        for s in p.dedupe:
            rn = T("row_number() OVER (PARTITION BY :p ORDER BY __i) = 1", p=exp.column("__part"))
            _window(rn).set("partition_by", parts[s][0])
            nullable = [x for x in parts[s][0] if x.name.startswith("__p") or p.table.column(x.name).nullable]
            firsts.append(
                exp.or_(*[exp.Is(this=c.copy(), expression=exp.Null()) for c in nullable], rn) if nullable else rn
            )
        if firsts:
            final = _nc(final.qualify)(exp.and_(*firsts))
        final = final.order_by(exp.column(ROW), copy=False).limit(p.rows, copy=False)
        # the kept rows, numbered in insert order: grouped by the cluster FK's parent row, so the engine
        # checks that FK and extends the composite unique index in key order, not at random places
        number = T("row_number() OVER (ORDER BY __i) - 1")
        _window(number).set(
            "order", exp.Order(expressions=[exp.Ordered(this=c.copy()) for c in [*order, exp.column(ROW)]])
        )
        numbered = (
            exp.select(_as(number, "__rn"), exp.column(ROW), *[_col(c) for c in p.seq])
            .from_(_sub(final, "__f"), copy=False)
            .order_by("__rn", copy=False)
        )  # stored in row-number order, so the wide pass reads it so
        self.gen.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {_sql(numbered)}")

    def _materialise(self, p: _Plan, g: Gen, rows: str | None, name: str, view: bool) -> None:
        """The wide pass: every column of the rows ``rows`` (a table from :meth:`_select_rows`, or None:
        ``range(n)``, each index its own row number) as a view (computed while inserting) or a table."""
        if rows is None:
            base = self._base(p, g, _range(p.rows))
            base = _nc(base.select)(_as(exp.column(ROW), "__rn"))
        else:
            base = self._base(p, g, exp.to_table(rows), ("__rn", *p.seq))
        carry = ("__rn", *p.seq)
        layer = self._layer(p, g, base, carry, None, set(p.fk_of))
        # a view of projections over an ordered source (range(), or the row table stored in row-number
        # order) yields its rows in row-number order: DuckDB keeps insertion order through projections
        # (preserve_insertion_order), so the INSERT needs no sort; a join may reorder, so then it sorts
        self._in_order = view and not layer.args.get("joins")
        kind = "VIEW" if view else "TABLE"
        self.gen.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {_sql(layer)}")

    def _shortfall(self, p: _Plan, got: int) -> str:
        parts = [f"check {ck.name} ({ck.expression})" for ck in p.residual]
        parts += [f"unique ({', '.join(s)})" for s in p.dedupe]
        return (
            f"could make only {got} of {p.rows} rows that satisfy {' and '.join(parts)}; "
            "the constraints may be unsatisfiable, or leave too few combinations: ask for fewer rows"
        )

    def _self_refs(self, p: _Plan, g: Gen, name: str) -> None:
        """Self-references point at earlier rows: 10% roots, 30% level one, the rest deeper."""
        n = p.rows
        l1, l2 = max(1, math.ceil(n * 0.1)), max(1, math.ceil(n * 0.4))
        q = exp.select(
            *[
                _col(c.name, "__g")
                for c in p.table.columns
                if c.name not in {x for fk in [*p.selfref, *p.deferred] for x in fk.columns}
            ],
            exp.column("__rn", table="__g"),
            exp.column(ROW, table="__g"),
        ).from_(exp.to_table(name).as_("__g"), copy=False)
        for k, fk in enumerate(p.selfref):
            nullable = all(p.table.column(c).nullable for c in fk.columns)
            rn = exp.column("__rn", table="__g")
            if fk.name in p.one_to_one:  # a unique self-reference: a chain (each row after the one before), or
                # each row its own parent when the key is required (a different parent per row either way)
                parent = T("CASE WHEN :rn > 0 THEN :rn - 1 END", rn=rn) if nullable else rn
            else:
                parent = T(
                    "CASE WHEN :rn < :l1 THEN :root WHEN :rn < :l2 THEN :a ELSE :b END",
                    rn=rn,
                    l1=l1,
                    l2=l2,
                    root=exp.Null() if nullable else rn,
                    a=g.below(l1, fk.name, "s1", x=rn),
                    b=g.below(l2, fk.name, "s2", x=rn),
                )
            if nullable and fk.name not in p.one_to_one:
                parent = T(
                    "CASE WHEN :u < :s THEN NULL ELSE :v END",
                    u=g.uniform(fk.name, "null", x=rn),
                    s=DEFAULT_NULLS,
                    v=parent,
                )
            alias = f"__s{k}"
            sub = exp.select(exp.column("__rn"), *[_col(c) for c in fk.ref_columns]).from_(name, copy=False)
            q = _nc(q.join)(
                _sub(sub, alias),
                join_type="left",
                on=exp.EQ(this=exp.column("__rn", table=alias), expression=parent),
            )
            for c, ref in zip(fk.columns, fk.ref_columns, strict=True):
                q = _nc(q.select)(_as(_col(ref, alias), _ident(c)))
        if p.late_checks:  # a check the chosen parent fails: the nullable self-reference columns it reads are NULL
            late = {c for fk in p.selfref for c in fk.columns if p.table.column(c).nullable}
            blank: dict[str, list[exp.Expression]] = {}
            for ck in p.late_checks:
                ok = T(
                    "COALESCE(:e, TRUE)", e=exp.paren(_inline_generated(verify.quoted_tree(ck.expression), p.generated))
                )
                for c in sorted(late & set(ck.columns)):
                    blank.setdefault(c, []).append(ok)
            outer = exp.select(
                *[
                    _as(
                        T("CASE WHEN :ok THEN :c END", ok=exp.and_(*blank[s.alias_or_name]), c=_col(s.alias_or_name)),
                        _ident(s.alias_or_name),
                    )
                    if s.alias_or_name in blank
                    else _col(s.alias_or_name)
                    for s in q.expressions
                ]
            ).from_(_sub(q, "__late"), copy=False)
            q = outer
        tmp = self.temp()
        self.gen.execute(f"CREATE TEMP TABLE {tmp} AS {_sql(q)}")
        self.gen.execute(f"DROP TABLE {name}")
        self.gen.execute(f"ALTER TABLE {tmp} RENAME TO {name}")
        self._levels = (l1, l2)

    def _select_for_target(self, p: _Plan, name: str, lo: int | None, hi: int | None) -> exp.Select:
        t = p.table
        later = {c for fk in p.deferred for c in fk.columns}
        q = exp.select()
        for c in _written(t):
            if c.name in later:
                stand_in = None if c.nullable or self.fk_enforced else _stand_in(c)
                if stand_in is not None:
                    cast = self.target.casts.get(c.type.kind)
                    stand_in = T(cast, c=stand_in) if cast else stand_in
                q = _nc(q.select)(_as(stand_in or exp.Null(), _ident(c.name)))
                continue
            cast = self.target.casts.get(c.type.kind)
            q = _nc(q.select)(_as(T(cast, c=_col(c.name)) if cast else _col(c.name), _ident(c.name)))
        q = q.from_(name, copy=False)
        if lo is not None:
            q = _nc(q.where)(T("__rn >= :lo AND __rn < :hi", lo=lo, hi=hi))
        return q if self._in_order else q.order_by(exp.column("__rn"), copy=False)

    def _insert(self, p: _Plan, name: str) -> None:
        t = p.table
        ranges: list[tuple[int | None, int | None]] = [(None, None)]
        if p.selfref and self.fk_enforced:  # each level after the rows it points at: the engine sees parents first
            l1, l2 = self._levels
            ranges = [(0, l1), (l1, l2), (l2, p.rows)]
        written = [c.name for c in _written(t)]
        for lo, hi in ranges:
            q = self._select_for_target(p, name, lo, hi)
            if self.target.in_engine:
                cols = exp.Schema(this=table_ref(t.key), expressions=[_ident(c) for c in written])
                self.con.execute(_sql(exp.Insert(this=cols, expression=q)))
                continue
            assert self.target.load is not None
            self.target.load(self, _sql(q), table_ref(t.key), written)

    def _key_columns(self, t: Table) -> list[str]:
        needed = dict.fromkeys(t.primary_key)
        for _child, fk in self.schema.referencing(t.key):
            needed.update(dict.fromkeys(fk.ref_columns))
        for u in t.uniques:
            needed.update(dict.fromkeys(u.columns))
        return list(needed)

    def _key_exprs(self, p: _Plan, g: Gen, needed: list[str]) -> dict[str, exp.Expression]:
        """The key columns made by plain generators (not joined, numbered or set later), as expressions
        of ``__pidx``: valid because this table's row number is its row index."""
        skip = {c for fk in [*p.inline, *p.selfref, *p.deferred] for c in fk.columns} | set(p.seq)
        index = exp.column("__pidx")
        out = {}
        for name in needed:
            if name in skip:
                continue
            c = p.table.column(name)
            out[name] = _nulls(p, c, g, _value(p, c, g, self.schema)).transform(
                lambda n: index.copy() if isinstance(n, exp.Column) and n.name in (ROW, "__rn") else n
            )
        return out

    def _keep_keys(self, p: _Plan, name: str, needed: list[str]) -> None:
        keys = self.temp()
        q = exp.select(exp.column("__rn"), *[_col(c) for c in needed]).from_(name, copy=False)
        self.gen.execute(f"CREATE TEMP TABLE {keys} AS {_sql(q)}")
        self.keys[p.table.key] = keys

    # after every table: foreign keys that close a cycle
    def close_cycles(self, plans: list[_Plan]) -> list[str]:
        notes = []
        for p in plans:
            t = p.table
            for fk in p.deferred:
                key = list(t.primary_key) or next((list(u.columns) for u in t.uniques), [])
                if not key:
                    if not all(t.column(c).nullable for c in fk.columns):
                        raise ModelError(
                            f"foreign key {fk.name} closes a cycle, is NOT NULL and the table has no "
                            "key to update rows by",
                            where=t.key,
                        )
                    notes.append(f"{t.key}.{fk.name}: left NULL (no key to update rows by)")
                    continue
                self._close(p, fk, key)
        return notes

    def _close(self, p: _Plan, fk: ForeignKey, key: list[str]) -> None:
        t = p.table
        g = Gen(self.seed, t.key)
        narrowed, count = self._parents(p, fk)
        idx = _fk_index(p, fk, g, count).transform(
            lambda n: exp.column("__rn", table="__o") if isinstance(n, exp.Column) and n.name == ROW else n
        )
        def as_stored(c: str, value: exp.Expression) -> exp.Expression:  # (a uuid key is text in SQLite)
            cast = self.target.casts.get(t.column(c).type.kind)
            return T(cast, c=value) if cast else value

        q = exp.select(*[_as(as_stored(c, _col(c, "__o")), _ident(c)) for c in key]).from_(
            exp.to_table(self.keys[t.key]).as_("__o"))
        q = _nc(q.join)(
            exp.to_table(narrowed or self.keys[fk.ref_table]).as_("__p"),
            join_type="left",
            on=exp.EQ(this=exp.column("__rn", table="__p"), expression=idx),
        )
        for c, ref in zip(fk.columns, fk.ref_columns, strict=True):
            cast = self.target.casts.get(t.column(c).type.kind)
            q = _nc(q.select)(_as(T(cast, c=_col(ref, "__p")) if cast else _col(ref, "__p"), _ident(c)))
        upd = self.temp()
        cols = [*key, *fk.columns]
        target_table = table_ref(t.key)
        where = exp.and_(
            *[
                exp.EQ(this=exp.column(_ident(c), table=_ident(t.name)), expression=exp.column(_ident(c), table="__u"))
                for c in key
            ]
        )
        sets = [exp.EQ(this=_col(c), expression=exp.column(_ident(c), table="__u")) for c in fk.columns]
        update = exp.Update(
            this=target_table,
            expressions=sets,
            from_=exp.From(this=exp.to_table(upd).as_("__u")),
            where=exp.Where(this=where),
        )
        if self.target.in_engine:
            self.con.execute(f"CREATE TEMP TABLE {upd} AS {_sql(q)}")
            self.con.execute(update.sql("duckdb"))
            self.con.execute(f"DROP TABLE {upd}")
            return
        dialect = self.target.sqlglot
        # the scratch table takes the columns' own types (an empty copy of them)
        shape = exp.select(*[_col(c) for c in cols]).from_(table_ref(t.key)).limit(0)
        self.con.execute(f"CREATE TEMP TABLE {upd} AS {shape.sql(dialect)}")
        assert self.target.load is not None
        self.target.load(self, q.sql("duckdb"), exp.to_table(upd), cols)
        self.con.execute(update.sql(dialect))
        self.con.execute(f"DROP TABLE {upd}")

    def finish_sequences(self, plans: list[_Plan], sequences: set[str]) -> None:
        """Move identity sequences past the ids we wrote, so later INSERTs get fresh ids."""
        if self.target.finish is not None:
            self.target.finish(self.con, plans, sequences)


def _finish_duckdb(con: Any, plans: list[_Plan], sequences: set[str]) -> None:
    """DuckDB: the sequences behind identity columns (no setval: nextval up to the largest id)."""
    from ..ddl import sequence_name

    for p in plans:
        for c in p.table.columns:
            seq = qualify(p.table.schema, sequence_name(p.table.name, c.name))  # (in the table's schema)
            if seq in sequences:
                top = (
                    con.execute(
                        exp.select(exp.func("max", _col(c.name))).from_(table_ref(p.table.key)).sql("duckdb")
                    ).fetchone()[0]
                    or 0
                )
                if top:
                    con.execute(T("SELECT max(nextval(:s)) FROM range(:n)", s=seq, n=top).sql("duckdb"))


def _finish_postgres(con: Any, plans: list[_Plan]) -> None:
    """PostgreSQL: each identity column's sequence set to the largest id written."""
    for p in plans:
        for c in p.table.columns:
            if c.default is None or c.default.kind != "identity":
                continue
            name = exp.Literal.string(table_ref(p.table.key).sql("postgres"))
            seq = exp.func("pg_get_serial_sequence", name, exp.Literal.string(c.name))
            if con.execute(exp.select(seq).sql("postgres")).fetchone()[0] is None:
                continue  # (not an identity column on this server)
            top = exp.select(exp.func("max", _col(c.name))).from_(table_ref(p.table.key)).subquery()
            # setval(seq, max): the next id is max + 1; an empty table keeps the sequence where it starts
            q = exp.select(exp.func("setval", seq.copy(), top)).where(
                exp.Not(this=exp.Is(this=top.copy(), expression=exp.Null()))
            )
            con.execute(q.sql("postgres"))


def _load_rows(f: _Filler, query: str, table: exp.Table, cols: list[str]) -> None:
    """Run ``query`` in DuckDB and insert its rows into ``table`` of SQLite, batch by batch, in order.

    A thread fetches the next batch from DuckDB while SQLite inserts the last one: both engines
    release the GIL while they work (DuckDB computing the rows, SQLite stepping the INSERT), so on
    two cores the generator and the target overlap instead of taking turns. Only that thread
    touches the DuckDB connection until it ends, and the batches arrive in the query's order, so
    the file is the same as a one-thread fill.
    """
    insert = exp.Insert(
        this=exp.Schema(this=table, expressions=[_ident(c) for c in cols]),
        expression=exp.Values(expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in cols])]),
    ).sql(f.target.sqlglot)
    batches: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            cur = f.gen.execute(query)
            while not stop.is_set() and (batch := cur.fetchmany(BATCH)):
                batches.put(batch)
        except BaseException as e:  # handed to the inserting thread, which raises it
            batches.put(e)
        finally:
            batches.put(done)

    worker = threading.Thread(target=produce, name="dbmodel-sample-fetch", daemon=True)
    worker.start()
    try:
        while (item := batches.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            f.con.executemany(insert, item)
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        worker.join()


def _load_copy(f: _Filler, query: str, table: exp.Table, cols: list[str]) -> None:
    """``COPY table (cols) FROM STDIN`` in CSV: DuckDB writes the rows of ``query`` as CSV into a pipe
    (on its own threads, in the query's order) while this thread streams the pipe to the server, so no
    row becomes a Python object and generating overlaps loading."""
    import tempfile

    target = exp.Schema(this=table, expressions=[_ident(c) for c in cols]).sql("postgres")
    with tempfile.TemporaryDirectory(prefix="dbmodel-sample-") as tmp:
        pipe = os.path.join(tmp, "rows.csv")
        os.mkfifo(pipe)
        failed: list[BaseException] = []

        def produce() -> None:
            path = exp.Literal.string(pipe).sql("duckdb")
            try:
                f.gen.execute(f"COPY ({query}) TO {path} (FORMAT csv, HEADER false)")
            except BaseException as e:  # raised by the loading thread
                failed.append(e)
                with contextlib.suppress(OSError), open(pipe, "wb"):  # a reader still waiting for a writer
                    pass

        worker = threading.Thread(target=produce, name="dbmodel-sample-csv", daemon=True)
        worker.start()
        try:
            with (
                open(pipe, "rb") as src,
                f.con.cursor() as cur,
                cur.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as cp,
            ):
                while block := src.read(1 << 20):
                    cp.write(block)
        finally:
            worker.join()  # (a writer whose reader went away gets EPIPE and stops)
        if failed:
            raise failed[0]


def sample(
    schema: Schema,
    rows: Mapping[str, int] | int | None = None,
    *,
    scale: float | None = None,
    engine: str | None = None,
    path: str | os.PathLike[str] | None = None,
    seed: int = 0,
    progress: bool | None = None,
    enforce: bool = False,
    url: str | None = None,
) -> SampleDB:
    """Create a DuckDB or SQLite database for ``schema`` and fill it with sample data.

    ``rows`` is ``{table: count}`` (others follow ``scale``) or a total to spread over the tables;
    ``scale`` multiplies :func:`default_rows`. ``path`` None keeps the database in memory.
    ``url`` (``postgresql://...``) fills a PostgreSQL server instead: the tables are created there (none
    of them may exist yet), the rows generated in DuckDB are streamed with ``COPY``, then the server adds
    and so checks every key, unique constraint and foreign key, all in one transaction.
    The same ``seed`` gives the same data. Raises :class:`ModelError` naming the table when a
    constraint cannot be satisfied for the rows asked.

    By default the rows are written with the engine's per-row checks off where it allows (SQLite:
    foreign keys and CHECKs; DuckDB: keys, built after the fill), then every PRIMARY KEY, UNIQUE,
    FOREIGN KEY, NOT NULL and CHECK of the model is verified over the whole tables (:mod:`.verify`);
    a constraint that does not hold raises :class:`~.verify.ConstraintViolation` naming the table, the
    constraint and an example row, and no database is left behind. ``enforce=True`` declares every
    constraint before the fill, so the engine checks each row as it is written (slower). Either way
    ``SampleDB.constraints`` says which constraints the database declares and how each was verified.
    """
    from ..ddl import declared, statements

    if url is not None:
        from ..urls import parse_url, redact_url

        if path is not None or (engine or "postgresql").lower() not in ("postgresql", "postgres"):
            raise ModelError("sample() fills a file (path=, engine=) or a PostgreSQL server (url=), not both")
        if parse_url(url).get_backend_name() != "postgresql":
            raise ModelError("url= names a PostgreSQL server (postgresql://user@host/db)", where=redact_url(url))
        engine = "postgresql"
    elif path is not None:
        path = os.fspath(path)
        engine = engine or engine_for_path(path)
        if os.path.exists(path):
            raise ModelError(f"{path} already exists; sample() writes a new database")
    engine = (engine or "duckdb").lower()
    if engine not in TARGETS or (engine == "postgresql" and url is None):
        raise ModelError(f"sample engines are duckdb and sqlite (or url='postgresql://...'), not {engine!r}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ModelError(f"seed must be an integer, not {seed!r}")
    target = TARGETS[engine]
    from ..ddl.limits import inline_domains
    from ..ddl.objects import without_partitions
    from ..dialects import get_dialect

    if isinstance(rows, Mapping):
        for name in rows:
            schema.table(name)  # (a name the model lacks is an error, a partition left out below is not)
    # an engine without partitioning holds no partitions (the DDL notes each): the partitioned
    # table is a plain one and gets the rows
    held, _ = without_partitions(schema, get_dialect(engine))
    if held is not schema and isinstance(rows, Mapping):
        rows = {name: n for name, n in rows.items() if held.has_table(name)}
    # a domain's column is drawn as its base type under the domain's NOT NULL and CHECKs (the
    # tables are created from ``schema``: the domains stay where the engine has them)
    rules_of = inline_domains(held)
    counts, explicit = _resolve_rows(held, rows, scale)
    plans = _plan(rules_of, counts, explicit)
    keys_after = not enforce and target.keys_after()
    stmts = statements(schema, engine, keys_after=keys_after)
    # (extensions, types, domains, sequences and tables first; what checks rows after the fill)
    later = ("key", "index", "constraint", "comment")
    first = [s for s in stmts if s.sql and s.kind not in later]
    keys = [s for s in stmts if s.sql and s.kind == "key"]
    after = [s for s in stmts if s.sql and s.kind in later and s.kind != "key"]
    sequences = {s.target for s in stmts if s.kind == "sequence"}
    report = _holding(rules_of, engine, declared(schema, engine, keys_after), target, enforce)
    con = target.connect(url if url is not None else path)
    bar = None
    try:
        for pragma in (*target.fill_pragmas, *(() if enforce else target.verify_pragmas)):
            con.execute(pragma)  # (before BEGIN: SQLite ignores or refuses some pragmas in a transaction)
        if target.begin:
            con.execute(target.begin)
        for s in first:
            _create(con, target, s, url)
        total = sum(p.rows for p in plans)
        if progress or (progress is None and total >= 200_000):
            from tqdm.auto import tqdm

            bar = tqdm(total=total, desc=f"sample -> {engine}", unit="rows")
        filler = _Filler(rules_of, target, con, seed, bar)
        filler.fk_enforced = enforce or target.holds.get("foreign key") == verify.ROW
        filler.cyclic = {p.table.key for p in plans if p.deferred} | {fk.ref_table for p in plans for fk in p.deferred}
        for p in plans:
            filler.fill(p)
        notes = filler.close_cycles(plans)
        filler.finish_sequences(plans, sequences)
        rules = {(r.table, r.name): r for r in verify.rules(rules_of)}
        for s in keys + after:  # keys, then indexes and foreign keys: the engine checks the rows as it adds each
            _add(con, target, s, rules)
        _verify(con, target, rules_of, report, rules)
        for stmt in target.after_fill:
            con.execute(stmt)
        if not target.in_engine:
            con.commit()
        for pragma in (*(() if enforce else target.verify_after), *target.after_pragmas):
            con.execute(pragma)
    except BaseException:
        _close(con)  # (a server's transaction is rolled back: the database is as it was)
        if path is not None and os.path.exists(path):
            os.remove(path)
        raise
    finally:
        if bar is not None:
            bar.close()
    notes_all = tuple(notes) + tuple(s.note for s in stmts if not s.sql and s.note)
    if path is not None or url is not None:
        _close(con)
        con = None
    made = {p.table.key: filler.made[p.table.key] for p in plans}
    return SampleDB(held, engine, path, made, seed, notes_all, con, report, url)


def _create(con: Any, target: Target, s: Any, url: str | None) -> None:
    """Run one statement that creates a type, sequence or table; what the engine refuses (a table that is
    already there, on a server) is an error naming it."""
    try:
        con.execute(s.sql)
    except ModelError:
        raise
    except Exception as e:
        from ..urls import scrub

        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        reason = scrub(first, url) if url else first
        raise ModelError(f"{target.name} refused to create {s.kind} {s.target}: {reason}") from None


def _holding(
    schema: Schema, engine: str, names: dict[str, set[str]], target: Target, enforce: bool
) -> verify.ConstraintReport:
    """Which constraints the database declares and how each will be verified: by the engine on every row
    when it enforces the constraint during the fill, as it adds a key after it, or by set-based SQL (a
    constraint the engine cannot declare, or whose checking the verified fill turned off)."""
    from ..dialects import get_dialect

    typed_enums = get_dialect(engine).enum_style != "check"  # the column's type holds only its values
    out = []
    for r in verify.rules(schema):
        is_declared = r.name in names.get(r.table, set()) or (r.enum and typed_enums)
        if not is_declared:
            how = verify.SQL
        elif enforce or (r.enum and typed_enums):
            how = verify.ADDED if r.index else verify.ROW
        else:
            how = verify.ADDED if r.index else target.holds.get(r.kind, verify.SQL)
        out.append(verify.Held(r.table, r.name, r.kind, r.columns, bool(is_declared), how))
    return verify.ConstraintReport(tuple(out))


def _add(con: Any, target: Target, s: Any, rules: dict[tuple[str, str], verify.Rule]) -> None:
    """Run one statement that adds a key, index or foreign key to a filled table; rows that break it are
    reported as the constraint's violation with an example row (found by set-based SQL)."""
    try:
        with target.guard(con):
            con.execute(s.sql)
    except _integrity_errors() as e:
        rule = next((r for (_t, n), r in rules.items() if n == s.target), None)  # (names are schema-wide)
        found = verify.first_violation(con, target.sqlglot, [rule]) if rule is not None else None
        raise found or ModelError(f"the engine refused {s.kind} {s.target}: {e}") from None


def _verify(
    con: Any, target: Target, schema: Schema, report: verify.ConstraintReport, rules: dict[tuple[str, str], verify.Rule]
) -> None:
    """Verify what the report says is verified after the fill (set-based SQL, SQLite's foreign key check)."""
    by_how: dict[str, list[verify.Rule]] = {}
    for h in report:
        by_how.setdefault(h.verified, []).append(rules[h.table, h.name])
    if by_how.get(verify.PRAGMA_FK):
        verify.sqlite_foreign_keys(con, schema, by_how[verify.PRAGMA_FK])
    verify.check_rules(con, target.sqlglot, by_how.get(verify.SQL, []))


def _close(con: Any) -> None:
    with contextlib.suppress(Exception):
        con.close()


def table_rows(db: SampleDB, table: str) -> list[tuple[Any, ...]]:
    """Every row of ``table`` in a stable order (all columns), for comparisons."""
    t = db.schema.table(table)
    con = db.connect()
    try:
        q = (
            exp.select(*[_col(c) for c in t.column_names])
            .from_(table_ref(t.key))
            .order_by(*[_col(c) for c in (t.primary_key or t.column_names)])
        )
        return con.execute(q.sql(TARGETS[db.engine].sqlglot)).fetchall()
    finally:
        if db._own():
            con.close()


__all__ = [
    "TARGETS",
    "SampleDB",
    "Target",
    "default_rows",
    "engine_for_path",
    "existing_file",
    "rows_that_fit",
    "sample",
    "table_ref",
    "table_rows",
]
