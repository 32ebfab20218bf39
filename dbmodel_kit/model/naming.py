"""Default constraint and index names, one convention for every output.

The convention is SQLAlchemy's widely used one (``ix_``, ``uq_``, ``fk_``, ``ck_``) so names
read the same in our DDL, in Alembic revisions and in ORM models. Names longer than the
63-byte limit of PostgreSQL (MySQL allows 64) are shortened with a stable hash suffix, as
SQLAlchemy does for its own conventions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MAX_IDENTIFIER_BYTES = 63


def shorten(name: str, limit: int = MAX_IDENTIFIER_BYTES) -> str:
    """``name`` if it fits ``limit`` UTF-8 bytes, else a prefix plus an 8-hex-digit hash."""
    if len(name.encode()) <= limit:
        return name
    digest = hashlib.md5(name.encode()).hexdigest()[:8]
    head = name.encode()[: limit - 9].decode(errors="ignore")
    return f"{head}_{digest}"


def _join(columns: Iterable[str]) -> str:
    return "_".join(columns)


def index_name(table: str, columns: Iterable[str], unique: bool = False) -> str:
    return shorten(f"{'ux' if unique else 'ix'}_{table}_{_join(columns)}")


def unique_name(table: str, columns: Iterable[str]) -> str:
    return shorten(f"uq_{table}_{_join(columns)}")


def fk_name(table: str, columns: Iterable[str], ref_table: str) -> str:
    return shorten(f"fk_{table}_{_join(columns)}_{ref_table}")


def check_name(table: str, columns: Iterable[str], n: int = 1) -> str:
    cols = _join(columns) or "expr"
    return shorten(f"ck_{table}_{cols}" + (f"_{n}" if n > 1 else ""))
