"""The two sqlglot dialects the SQL import reads MySQL and DuckDB scripts with (see
:data:`dbmodel_kit.io.sql_types.PARSE_DIALECTS`, which imports this module on first use: loading
sqlglot's MySQL and DuckDB dialects takes about 30 ms, which reading a PostgreSQL or SQLite script
need not pay)."""

from __future__ import annotations

from typing import ClassVar

from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.mysql import MySQL
from sqlglot.tokens import TokenType


class MySQLScript(MySQL):
    """MySQL as its server reads it: a type sqlglot does not know (``POINT``, ``INET6``,
    ``POLYGON``) is a user-defined type the kit reads by name, not a syntax error (sqlglot's MySQL
    dialect turns user-defined types off)."""

    SUPPORTS_USER_DEFINED_TYPES = True


class DuckDBScript(DuckDB):
    """DuckDB with ``VARCHAR(n)`` and ``CHAR(n)`` read as written: sqlglot's DuckDB dialect reads both
    as TEXT and drops the length, which the model keeps (DuckDB itself does not enforce it, but the
    design says it, and the other engines do)."""

    class Tokenizer(DuckDB.Tokenizer):
        KEYWORDS: ClassVar[dict[str, TokenType]] = {**DuckDB.Tokenizer.KEYWORDS, "VARCHAR": TokenType.VARCHAR,
                                                     "CHAR": TokenType.CHAR, "BPCHAR": TokenType.BPCHAR}


#: The sqlglot dialect each input dialect that needs its own is parsed with.
SCRIPT_DIALECTS = {"mysql": MySQLScript, "duckdb": DuckDBScript}
