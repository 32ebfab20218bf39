"""An engine's spelling of a column type -> the model's :class:`~dbmodel_kit.model.types.DataType`.

One reading, shared by the SQL import (the type as a script writes it) and reflection (the type as
the engine's catalog spells it: ``format_type``, ``COLUMN_TYPE``, SQLite's declared type,
``duckdb_columns().data_type``), so a dump and the database it made read as the same model.

The spelling is parsed by sqlglot in the source dialect (:data:`PARSE_DIALECTS` fixes two of its
readings) and mapped to a logical kind by :data:`TYPE_KINDS` (with :data:`DIALECT_TYPE_KINDS` where a
dialect's word means something else). When the kit's own DDL for that logical type would not store
the same type on the source engine (MySQL ``MEDIUMINT``, ``TINYTEXT``; SQLite's ``NVARCHAR(160)``,
which SQLite keeps as written), the spelling is kept as the type's native spelling for that dialect:
the same engine gets exactly what it had, the others the logical type. A type with no logical kind
at all (``int4range``, ``MAP(VARCHAR, INTEGER)``) is a ``native`` type: kept for its engine, refused
by name elsewhere.

>>> read_spelling("int(10) unsigned", "mysql")
DataType('integer unsigned')
>>> read_spelling("mediumtext", "mysql")
DataType('text native(mysql: mediumtext)')
>>> read_spelling("int4range", "postgres")
DataType('native(postgresql: int4range)')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlglot
from sqlglot import exp

from ..errors import ModelError
from ..model.naming import qualify, split_key
from ..model.schema import Column, Default, Schema, Sequence
from ..model.types import INTEGER_KINDS, SHAPES, DataType, native_map

__all__ = ["DIALECT_TYPE_KINDS", "PARSE_DIALECTS", "TYPE_KINDS", "TypeRead", "read_spelling", "read_type"]

T = exp.DataType.Type


class _ParseDialects(Mapping[str, Any]):
    """``{"mysql": MySQLScript, "duckdb": DuckDBScript}`` (:mod:`.script_dialects`), whose module (and
    with it sqlglot's MySQL and DuckDB dialects) is imported on first use of an entry."""

    _NAMES = ("mysql", "duckdb")

    def __getitem__(self, name: str) -> Any:
        if name not in self._NAMES:
            raise KeyError(name)
        from .script_dialects import SCRIPT_DIALECTS

        return SCRIPT_DIALECTS[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._NAMES)

    def __len__(self) -> int:
        return len(self._NAMES)


#: The sqlglot dialect each input dialect is parsed with: MySQL's and DuckDB's with a fix of their
#: own (:mod:`.script_dialects`), the others sqlglot's as they are.
PARSE_DIALECTS: Mapping[str, Any] = _ParseDialects()

#: The model's name of each sqlglot dialect name.
MODEL_DIALECT = {"postgres": "postgresql", "mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}

#: sqlglot's parsed type -> logical kind, for every dialect.
TYPE_KINDS: dict[Any, str] = {
    T.UUID: "uuid",
    T.TINYINT: "tinyint", T.SMALLINT: "smallint", T.MEDIUMINT: "integer", T.INT: "integer", T.BIGINT: "bigint",
    T.INT128: "hugeint",
    T.SMALLSERIAL: "smallint", T.SERIAL: "integer", T.BIGSERIAL: "bigint",
    T.DECIMAL: "decimal", T.BIGDECIMAL: "decimal", T.MONEY: "decimal",
    T.FLOAT: "real", T.DOUBLE: "double",
    T.BOOLEAN: "boolean", T.BIT: "boolean",
    T.CHAR: "char", T.NCHAR: "char", T.BPCHAR: "char",
    T.VARCHAR: "varchar", T.NVARCHAR: "varchar",
    T.TEXT: "text", T.MEDIUMTEXT: "text", T.LONGTEXT: "text", T.TINYTEXT: "text",
    T.DATE: "date", T.TIME: "time", T.TIMETZ: "time",
    T.TIMESTAMP: "timestamp", T.DATETIME: "timestamp", T.DATETIME64: "timestamp", T.TIMESTAMPNTZ: "timestamp",
    T.TIMESTAMPTZ: "timestamptz", T.TIMESTAMPLTZ: "timestamptz",
    T.INTERVAL: "interval", T.YEAR: "year",
    T.JSON: "json", T.JSONB: "json",
    T.BINARY: "bytes", T.VARBINARY: "bytes", T.BLOB: "bytes", T.MEDIUMBLOB: "bytes", T.LONGBLOB: "bytes",
    T.TINYBLOB: "bytes",
    T.INET: "inet", T.IPADDRESS: "inet", T.GEOMETRY: "geometry",
}

#: sqlglot's unsigned types -> (logical kind, unsigned).
UNSIGNED_KINDS: dict[Any, str] = {
    T.UTINYINT: "tinyint", T.USMALLINT: "smallint", T.UMEDIUMINT: "integer", T.UINT: "integer", T.UBIGINT: "bigint",
    T.UINT128: "hugeint", T.UDECIMAL: "decimal", T.UDOUBLE: "double",
}

#: Where a dialect's spelling means something else (see each engine's type docs).
DIALECT_TYPE_KINDS: dict[str, dict[Any, str]] = {
    # MySQL TIMESTAMP converts to and from UTC (a point in time); DATETIME is wall-clock time
    # (https://dev.mysql.com/doc/refman/8.0/en/datetime.html)
    "mysql": {T.TIMESTAMP: "timestamptz", T.FLOAT: "real"},
    # the kit writes timestamptz as TIMESTAMP and timestamp as DATETIME on SQLite (dbmodel_kit.dialects);
    # SQLite REAL is an 8-byte IEEE float (https://www.sqlite.org/datatype3.html)
    "sqlite": {T.TIMESTAMP: "timestamptz"},
    "postgres": {},
    "duckdb": {},
}

#: Where sqlglot reads two of a dialect's words as one type the kit writes differently: the word
#: decides (sqlglot's SQLite reads REAL, FLOAT and DOUBLE all as DOUBLE; the kit writes the model's
#: real as REAL there, dbmodel_kit.dialects).
DIALECT_WORD_KINDS: dict[str, dict[str, str]] = {"sqlite": {"REAL": "real"}}

#: Fractional-second digits a temporal type has when its spelling gives none (MySQL: 0,
#: https://dev.mysql.com/doc/refman/8.0/en/fractional-seconds.html; elsewhere the engine's default
#: is the kit's default, so none is recorded).
DEFAULT_FRACTION: dict[str, int] = {"mysql": 0}

#: PostgreSQL's geometric types -> the shape each stores (the inverse of ``dialects._PG_SHAPES``).
PG_SHAPES = {"point": "point", "polygon": "polygon", "path": "linestring"}

#: Types that mean "integer with a generated value".
SERIAL_TYPES = frozenset({T.SMALLSERIAL, T.SERIAL, T.BIGSERIAL})
#: Types whose first parameter is a display width, not a length (MySQL ``INT(11)``).
WIDTH_ONLY = frozenset({T.TINYINT, T.SMALLINT, T.MEDIUMINT, T.INT, T.BIGINT, T.UTINYINT, T.USMALLINT,
                        T.UMEDIUMINT, T.UINT, T.UBIGINT, T.BIT})
#: Per dialect: types whose parameters the engine ignores (a display width, DuckDB's VARCHAR length)
#: and spellings that store the same type there, for telling whether the kit's DDL stores the same.
IGNORED_PARAMS: dict[str, frozenset[Any]] = {
    "mysql": frozenset(WIDTH_ONLY | {T.YEAR}) - {T.TINYINT},
    "duckdb": frozenset({T.VARCHAR, T.CHAR, T.BPCHAR, T.TEXT, T.NVARCHAR, T.NCHAR}),
}
SAME_TYPE: dict[str, dict[str, str]] = {
    # BOOL is TINYINT(1) (https://dev.mysql.com/doc/refman/8.0/en/numeric-type-syntax.html); a
    # TINYINT's other widths are display widths
    "mysql": {"boolean": "tinyint(1)"},
    # DuckDB stores every character type as VARCHAR (https://duckdb.org/docs/sql/data_types/text)
    "duckdb": {"char": "varchar", "text": "varchar", "nvarchar": "varchar", "nchar": "varchar"},
}

#: Engines that keep a column's declared type as written, so only the same spelling stores the same
#: type (SQLite: https://sqlite.org/datatype3.html#affinity_name_examples; ``INTEGER PRIMARY KEY`` is
#: a rowid, ``INT PRIMARY KEY`` is not).
SPELLING_KEPT = frozenset({"sqlite"})


@dataclass
class TypeRead:
    """What reading a type needs from its reader: named types (enums, domains) and where to report.

    ``named(name)`` gives the type a user-defined name stands for, or None; ``inline_enum(kind,
    labels)`` names the enum an inline MySQL ``ENUM(...)``/``SET(...)`` column draws from; ``note``
    reports what is kept only for the source engine.
    """

    dialect: str
    named: Callable[[str], DataType | None] = lambda name: None
    inline_enum: Callable[[str, tuple[str, ...]], str] | None = None
    note: Callable[[str], None] = lambda message: None


def read_spelling(spelling: str, dialect: str, ctx: TypeRead | None = None, where: str = "") -> DataType:
    """The model type of an engine's spelling of a column type (see the module docstring)."""
    ctx = ctx or TypeRead(dialect)
    dt = _build(spelling, dialect)
    if dt is None:
        return _native(spelling, dialect, ctx, where)
    return read_type(dt, spelling, ctx, where)[0]


@functools.lru_cache(maxsize=4096)
def _build(spelling: str, dialect: str) -> exp.DataType | None:
    """sqlglot's reading of a type spelling (a catalog repeats a few spellings many times); read only."""
    try:
        return exp.DataType.build(spelling, dialect=PARSE_DIALECTS.get(dialect, dialect), udt=True)
    except (sqlglot.errors.SqlglotError, ValueError):
        return None


def read_type(dt: exp.DataType, spelling: str, ctx: TypeRead, where: str = "") -> tuple[DataType, bool]:
    """The model type of a parsed column type, and whether the type itself means identity (SERIAL)."""
    t = _logical(dt, spelling, ctx, where)
    if t.kind == "native" or t.kind in ("enum", "set", "domain") \
            or (t.kind == "array" and t.element is not None and t.element.kind in ("enum", "domain")):
        return t, False  # named types: the schema's declaration says how they are stored
    if dt.this in SERIAL_TYPES:  # an integer with a generated value: the kit writes identity its own way
        return t, True
    return _with_spelling(t, spelling, ctx.dialect), False


def _logical(dt: exp.DataType, spelling: str, ctx: TypeRead, where: str) -> DataType:
    d = ctx.dialect
    t = dt.this
    params: list[Any] = [p.this if isinstance(p, exp.DataTypeParam) else p for p in dt.expressions]
    if d == "postgres" and spelling.strip().lower() in PG_SHAPES:
        # PostgreSQL's own geometric types, which the kit's DDL writes for geometry(point|polygon|
        # linestring) (dialects._PG_SHAPES): read back as those shapes, without an SRID
        return DataType("geometry", shape=PG_SHAPES[spelling.strip().lower()])
    if t in (T.ENUM, T.SET) and ctx.inline_enum is not None:
        named_kind = "enum" if t == T.ENUM else "set"
        return DataType(named_kind, enum=ctx.inline_enum(named_kind, tuple(p.name for p in params)))
    if t == T.ARRAY and dt.expressions:
        element = dt.expressions[0]
        if isinstance(element, exp.DataType):
            inner = _logical(element, element.sql(PARSE_DIALECTS.get(d, d)), ctx, where)
            if inner.kind != "native":
                return DataType("array", element=inner.logical)
        return _native(spelling, d, ctx, where)
    if t == T.USERDEFINED:
        kind_arg = dt.args.get("kind")
        name = kind_arg.name if isinstance(kind_arg, exp.Expression) else str(kind_arg or dt.sql(d))
        if d == "postgres" and isinstance(kind_arg, exp.Dot) and isinstance(kind_arg.this, exp.Identifier) \
                and kind_arg.this.name != "public":
            # a type of another schema than the default one is named by its key (schema.name)
            from ..model.naming import qualify

            name = qualify(kind_arg.this.name, name)
        found = ctx.named(name)
        if found is not None:
            return found
        if name.endswith("[]") and (element := ctx.named(name[:-2])) is not None:
            # an array of a named type (an enum: how PostgreSQL holds a SET) reads as one word
            return DataType("array", element=element)
        return _known_name(name, params, spelling, ctx, where)
    if t == T.TINYINT and [_int(p) for p in params] == [1] and d == "mysql":
        # MySQL has no boolean type: BOOL is TINYINT(1) (https://dev.mysql.com/doc/refman/8.0/en/numeric-type-syntax.html)
        return DataType("boolean")
    unsigned = t in UNSIGNED_KINDS
    word = spelling.strip().split("(")[0].strip().upper()
    kind: str | None = DIALECT_WORD_KINDS.get(d, {}).get(word) or UNSIGNED_KINDS.get(t) \
        or DIALECT_TYPE_KINDS.get(d, {}).get(t) or TYPE_KINDS.get(t)
    if kind is None:
        return _native(spelling, d, ctx, where)
    values: dict[str, Any] = {"unsigned": True} if unsigned else {}
    if kind == "decimal" and params:
        values["precision"] = _int(params[0])
        if len(params) > 1:
            values["scale"] = _int(params[1])
    elif params and (kind in ("char", "varchar") or (kind == "bytes" and t in (T.BINARY, T.VARBINARY))):
        values["length"] = _int(params[0])
    elif kind in ("time", "timestamp", "timestamptz"):
        fraction = _int(params[0]) if params else DEFAULT_FRACTION.get(d)
        if fraction is not None:
            values["precision"] = fraction
    elif kind == "geometry" and params:
        values["srid"] = _int(params[-1])
    try:
        return DataType(kind, **values)
    except ModelError:
        return _native(spelling, d, ctx, where)


def _known_name(name: str, params: list[Any], spelling: str, ctx: TypeRead, where: str) -> DataType:
    """A type sqlglot reads as user-defined that the model still knows by name (``INET6``, ``POINT``,
    ``citext``, ``cube``, ``macaddr``): the model's own type text is the judge."""
    low = name.lower()
    if low in SHAPES:
        return DataType("geometry", shape=low, srid=_int(params[-1]) if params else None)
    try:
        t = DataType.parse(low)
    except ModelError:
        return _native(spelling, ctx.dialect, ctx, where)
    return t if t.kind != "native" else _native(spelling, ctx.dialect, ctx, where)


def _native(spelling: str, dialect: str, ctx: TypeRead, where: str) -> DataType:
    model = MODEL_DIALECT.get(dialect, dialect)
    if model == "postgresql":
        # a type of the default schema (pg_dump writes public.complex for a composite type's column)
        # is the model's unnamed one, as the catalog names it (format_type: complex)
        spelling = re.sub(r'^\s*(?:public|"public")\s*\.\s*', "", spelling)
    ctx.note(f"{where + ': ' if where else ''}type {spelling} has no logical equivalent; kept as written for {model} "
             "(DDL for another engine names the column)")
    try:
        return DataType("native", native=native_map({model: spelling}))
    except ModelError:  # not one type in the dialect's own tokens: a clear error where it is used
        raise ModelError(f"{where + ': ' if where else ''}cannot read the type {spelling!r}") from None


def _with_spelling(t: DataType, spelling: str, dialect: str) -> DataType:
    """``t`` with ``spelling`` as its native spelling for ``dialect`` when the kit's DDL for ``t``
    would store another type there."""
    model = MODEL_DIALECT.get(dialect, dialect)
    if _stores_same(t, spelling.strip(), model):
        return t
    # the spelling as the engine means it (MySQL's display widths dropped), so a dump and the
    # catalog of the database it made give the same native spelling; SQLite keeps it as written
    kept = spelling.strip() if model in SPELLING_KEPT else _canonical(spelling.strip(), dialect)
    return t.with_native(model, kept)


@functools.lru_cache(maxsize=4096)
def _stores_same(t: DataType, spelling: str, dialect: str) -> bool:
    from ..ddl import stored_type
    from ..dialects import get_dialect

    d = get_dialect(dialect)
    try:
        written = stored_type(t, d)[0].compile(dialect=d.compile_dialect())
    except Exception:  # a type the kit cannot write there: keep the spelling (and let DDL speak)
        return False
    return _canonical(written, d.sqlglot) == _canonical(spelling, d.sqlglot)


@functools.lru_cache(maxsize=4096)
def _canonical(spelling: str, dialect: str) -> str:
    """What a spelling means on the engine: its parsed type without display widths (``INT(11)`` is
    ``INT``), or on engines that keep the declared text, that text (case and spacing aside)."""
    if MODEL_DIALECT.get(dialect, dialect) in SPELLING_KEPT:
        return "".join(spelling.upper().split())
    try:
        dt = exp.DataType.build(spelling, dialect=PARSE_DIALECTS.get(dialect, dialect), udt=True)
    except (sqlglot.errors.SqlglotError, ValueError):
        return " ".join(spelling.lower().split())
    ignored = IGNORED_PARAMS.get(dialect, frozenset())
    if dt.this in ignored or (dt.this == T.TINYINT and dialect == "mysql"
                              and [p.sql() for p in dt.expressions] not in ([], ["1"])):
        dt = dt.copy()
        dt.set("expressions", [])
    text = dt.sql(PARSE_DIALECTS.get(dialect, dialect)).lower()
    return SAME_TYPE.get(dialect, {}).get(text, text)


def _int(value: Any) -> int:
    try:
        return int(value.name)
    except (ValueError, AttributeError):
        raise ModelError(f"type parameter {value.sql() if hasattr(value, 'sql') else value!r} is not a whole "
                         "number") from None


#: The largest value of each integer type a sequence counts in (its default maximum).
_MAX_OF = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


def plain_sequence(seq: Sequence) -> Sequence:
    """``seq`` with every number that is the engine's default for it unset (the model's way of saying
    "the default"), so a dump that spells the defaults out and a catalog that shows them read alike:
    increment 1, cache 1, a bigint counter, bounds of the type, a start at the low (high, counting
    down) bound (https://www.postgresql.org/docs/current/sql-createsequence.html)."""
    inc = seq.increment if seq.increment is not None else 1
    kind = seq.type.kind if seq.type is not None else "bigint"
    top = _MAX_OF.get(kind, _MAX_OF["bigint"])
    lo_default, hi_default = (1, top) if inc > 0 else (-top, -1)
    lo = seq.min_value if seq.min_value is not None else lo_default
    hi = seq.max_value if seq.max_value is not None else hi_default
    start = seq.start if seq.start is not None else (lo if inc > 0 else hi)
    first = lo if inc > 0 else hi
    return replace(seq, increment=None if inc == 1 else inc, cache=None if seq.cache in (None, 1) else seq.cache,
                   type=None if kind == "bigint" else seq.type, min_value=None if lo == lo_default else lo,
                   max_value=None if hi == hi_default else hi, start=None if start == first else start)


def identity_sequences(schema: Schema, dialect: str) -> Schema:
    """On an engine whose identity columns are a sequence (DuckDB: the kit writes one named
    ``<table>_<column>_seq`` with a ``nextval`` default), such a sequence, drawn by that column's
    default alone and with every number but its start at its default, is read back as the column's
    identity: a script written that way and the kit's own DDL are the same design. Any other
    sequence is kept as one (a column drawing from ``ids START 100`` is a design of its own).

    The start is not the design but where the next number comes from: the kit moves it past the
    largest key with ``setval`` when it re-creates the sequence (a table renamed, rebuilt), DuckDB's
    catalog then shows that value as the start, and a dump of a table with rows writes it as
    ``START``.

    >>> from dbmodel_kit.model.schema import Column, Default, Table
    >>> s = Schema((Table("t", (Column("id", "bigint", default=Default("sequence", "t_id_seq")),)),),
    ...            sequences=(Sequence("t_id_seq", start=3),))
    >>> folded = identity_sequences(s, "duckdb")
    >>> folded.table("t").column("id").default, folded.sequences
    (Default(kind='identity', value=None), ())
    """
    from ..ddl import sequence_name
    from ..dialects import get_dialect

    if get_dialect(MODEL_DIALECT.get(dialect, dialect)).identity_style != "sequence" or not schema.sequences:
        return schema
    users: dict[str, list[tuple[str, Column]]] = {}
    for t in schema.tables:
        for c in t.columns:
            if c.default is not None and c.default.kind == "sequence":
                users.setdefault(str(c.default.value), []).append((t.key, c))
    plain = {q.key for q in schema.sequences
             if replace(q, start=None) == Sequence(q.name, owned_by=q.owned_by, schema=q.schema)}
    # sequence_name takes the table's key: a table called "a.b" draws from a.b_id_seq, not b_id_seq;
    # the sequence lives in the table's schema (keys schema.name)
    folded = {name for name, uses in users.items() if name in plain and len(uses) == 1
              and uses[0][1].type.kind in INTEGER_KINDS
              and name == qualify(split_key(uses[0][0])[0], sequence_name(uses[0][0], uses[0][1].name))}
    if not folded:
        return schema
    tables = tuple(replace(t, columns=tuple(
        replace(c, default=Default("identity")) if c.default is not None and c.default.kind == "sequence"
        and str(c.default.value) in folded else c for c in t.columns))
        for t in schema.tables)
    return replace(schema, tables=tables, sequences=tuple(q for q in schema.sequences if q.key not in folded))
