"""What sqlglot's DuckDB dialect says about single words, copied from sqlglot 30.31.0 so that reading
a schema need not load that dialect (its generator module is the biggest of sqlglot: 6% of ``dbmodel
ddl examples/ecommerce.yaml``, issue 18) when the schema is not written for DuckDB.

:data:`RESERVED` is ``DuckDB.Generator.RESERVED_KEYWORDS`` (lower case); :data:`TYPES` maps each
word that ``exp.DataType.build(word, dialect="duckdb", udt=True)`` reads as a built-in type to that
type's name. A plain word (letters, digits, ``_``, not starting with a digit) outside :data:`TYPES`
reads as a user-defined type: sqlglot's tokenizer makes it a variable, not a type token, unless it is
one of the tokenizer's keywords, and every keyword was tried when this was written. Other text is
asked of sqlglot itself (:func:`builtin_type`).

tests/test_startup.py checks both against the installed sqlglot, so an upgrade that changes them
fails there; regenerate with ``python -m dbmodel_kit.model._sqlglot_duckdb``.
"""

from __future__ import annotations

import re

#: a word sqlglot's tokenizer reads as one keyword or variable
PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: ``sqlglot.dialects.duckdb.DuckDB.Generator.RESERVED_KEYWORDS``, lower case
RESERVED = _split("""
    all analyse analyze and anti any array as asc asof asymmetric at authorization binary both by
    case cast check collate collation column columns concurrently constraint create cross
    current_catalog current_date current_role current_time current_timestamp current_user default
    deferrable desc describe distinct do else end except false fetch for foreign freeze from full
    generated glob grant group having ilike in initially inner intersect into is isnull join lambda
    lateral leading left like limit localtime localtimestamp map natural not notnull null offset on
    only or order outer overlaps pivot pivot_longer pivot_wider placing positional primary qualify
    references returning right select semi session_user show similar some struct summarize symmetric
    table tablesample then to trailing true try_cast tuple union unique unpack unpivot user using
    variadic verbose when where window with
""")

#: word (lower case) -> the built-in type sqlglot's DuckDB dialect reads it as
TYPES: dict[str, str] = {
    "array": "ARRAY", "bigdecimal": "BIGDECIMAL", "bigint": "BIGINT", "bignum": "BIGNUM",
    "bignumeric": "BIGDECIMAL", "binary": "VARBINARY", "bit": "BIT", "bitstring": "BIT",
    "blob": "VARBINARY", "bool": "BOOLEAN", "boolean": "BOOLEAN", "bpchar": "TEXT",
    "byte": "TINYINT", "bytea": "VARBINARY", "char": "TEXT", "character": "CHAR", "clob": "TEXT",
    "date": "DATE", "datemultirange": "DATEMULTIRANGE", "daterange": "DATERANGE",
    "datetime": "TIMESTAMPNTZ", "dec": "DECIMAL", "decfloat": "DECFLOAT", "decimal": "DECIMAL",
    "decimal128": "DECIMAL128", "decimal256": "DECIMAL256", "decimal32": "DECIMAL32",
    "decimal64": "DECIMAL64", "double": "DOUBLE", "enum": "ENUM", "fixed": "DECIMAL",
    "float": "FLOAT", "float4": "FLOAT", "float8": "DOUBLE", "geography": "GEOGRAPHY",
    "geometry": "GEOMETRY", "hugeint": "INT128", "inet": "INET", "int": "INT", "int1": "TINYINT",
    "int128": "INT128", "int16": "SMALLINT", "int2": "SMALLINT", "int256": "INT256", "int32": "INT",
    "int4": "INT", "int4multirange": "INT4MULTIRANGE", "int4range": "INT4RANGE", "int64": "BIGINT",
    "int8": "BIGINT", "int8multirange": "INT8MULTIRANGE", "int8range": "INT8RANGE",
    "integer": "INT", "interval": "INTERVAL", "json": "JSON", "jsonb": "JSONB", "list": "LIST",
    "logical": "BOOLEAN", "long": "BIGINT", "longblob": "LONGBLOB", "longtext": "LONGTEXT",
    "longvarchar": "TEXT", "map": "MAP", "mediumblob": "MEDIUMBLOB", "mediumint": "MEDIUMINT",
    "mediumtext": "MEDIUMTEXT", "nchar": "NCHAR", "null": "NULL", "number": "DECIMAL",
    "numeric": "DECIMAL", "nummultirange": "NUMMULTIRANGE", "numrange": "NUMRANGE",
    "nvarchar": "NVARCHAR", "nvarchar2": "NVARCHAR", "object": "OBJECT", "range": "RANGE",
    "real": "FLOAT", "ref": "REF", "row": "STRUCT", "short": "SMALLINT", "signed": "INT",
    "smallint": "SMALLINT", "str": "TEXT", "string": "TEXT", "struct": "STRUCT", "text": "TEXT",
    "time": "TIME", "time_ns": "TIME_NS", "timestamp": "TIMESTAMPNTZ",
    "timestamp_ltz": "TIMESTAMPLTZ", "timestamp_ms": "TIMESTAMP_MS", "timestamp_ns": "TIMESTAMP_NS",
    "timestamp_ntz": "TIMESTAMPNTZ", "timestamp_s": "TIMESTAMP_S", "timestamp_us": "TIMESTAMP",
    "timestampltz": "TIMESTAMPLTZ", "timestampntz": "TIMESTAMPNTZ", "timestamptz": "TIMESTAMPTZ",
    "timetz": "TIMETZ", "tinyblob": "TINYBLOB", "tinyint": "TINYINT", "tinytext": "TINYTEXT",
    "tsmultirange": "TSMULTIRANGE", "tsrange": "TSRANGE", "tstzmultirange": "TSTZMULTIRANGE",
    "tstzrange": "TSTZRANGE", "ubigint": "UBIGINT", "uhugeint": "UINT128", "uint": "UINT",
    "uint128": "UINT128", "uint256": "UINT256", "uinteger": "UINT", "union": "UNION",
    "unknown": "UNKNOWN", "usmallint": "USMALLINT", "utinyint": "UTINYINT", "uuid": "UUID",
    "varbinary": "VARBINARY", "varchar": "TEXT", "varchar2": "VARCHAR", "variant": "VARIANT",
    "vector": "VECTOR",
}


def builtin_type(name: str) -> str | None:
    """The built-in type sqlglot's DuckDB dialect reads ``name`` as, or None for a user-defined type
    (``exp.DataType.build(name, dialect="duckdb", udt=True)``); only text other than a plain word
    loads the dialect."""
    if PLAIN_WORD.fullmatch(name):
        return TYPES.get(name.lower())
    return _read(name)


def _read(name: str) -> str | None:
    import sqlglot
    from sqlglot import exp

    try:
        t = exp.DataType.build(name, dialect="duckdb", udt=True).this
    except (sqlglot.errors.SqlglotError, ValueError):  # not type text at all
        return None
    if t == exp.DataType.Type.USERDEFINED:
        return None
    return t if isinstance(t, str) else str(t.value)  # (a str for some types)


def current() -> tuple[frozenset[str], dict[str, str]]:
    """:data:`RESERVED` and :data:`TYPES` as the installed sqlglot has them (loads its DuckDB dialect)."""
    from sqlglot.dialects.dialect import Dialect

    duckdb = Dialect.get_or_raise("duckdb")
    reserved = frozenset(w.lower() for w in duckdb.generator_class.RESERVED_KEYWORDS)
    # every word the tokenizer does not read as a variable, and UNKNOWN (DataType.build's own case)
    words = {w for w in duckdb.tokenizer_class.KEYWORDS if PLAIN_WORD.fullmatch(w)} | {"UNKNOWN"}
    types = {w.lower(): t for w in sorted(words) if (t := _read(w)) is not None}
    return reserved, types


if __name__ == "__main__":  # print this module anew from the installed sqlglot
    import sys
    import textwrap
    from pathlib import Path

    here = Path(__file__).read_text(encoding="utf-8")
    reserved, types = current()
    start = here.index('RESERVED = _split("""')
    end = here.index('""")', start) + len('""")')
    body = textwrap.fill(" ".join(sorted(reserved)), 100, initial_indent="    ", subsequent_indent="    ")
    here = here[:start] + f'RESERVED = _split("""\n{body}\n""")' + here[end:]
    start = here.index("TYPES: dict[str, str] = {")
    end = here.index("\n}\n", start) + len("\n}\n")
    lines = [""]
    for k, v in sorted(types.items()):  # whole entries to a line, up to 100 characters
        entry = f'"{k}": "{v}",'
        if len(lines[-1]) + len(entry) + 5 > 100:
            lines.append("")
        lines[-1] += f" {entry}" if lines[-1] else entry
    body = "\n".join(f"    {line}" for line in lines)
    here = here[:start] + f"TYPES: dict[str, str] = {{\n{body}\n}}\n" + here[end:]
    sys.stdout.write(here)
