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


def qualify(schema: str | None, name: str) -> str:
    """The key of an object: its name, or ``schema.name`` when it lives in a named schema. A part
    holding a dot (or starting with a double quote) is double-quoted, so every key splits back.

    >>> qualify("sales", "orders"), qualify(None, "orders"), qualify(None, "a.b"), qualify("x.y", "t")
    ('sales.orders', 'orders', '"a.b"', '"x.y".t')
    """
    def part(p: str) -> str:
        return '"' + p.replace('"', '""') + '"' if "." in p or p.startswith('"') else p

    return part(name) if schema is None else f"{part(schema)}.{part(name)}"


def split_key(key: str) -> tuple[str | None, str]:
    """``(schema, name)`` of a key written by :func:`qualify`; anything else (three dotted parts,
    stray quotes) is one bare name.

    >>> split_key("sales.orders"), split_key('"a.b"'), split_key('"x.y".t'), split_key("a.b.c")
    (('sales', 'orders'), (None, 'a.b'), ('x.y', 't'), (None, 'a.b.c'))
    """
    parts: list[str] = []
    i, n = 0, len(key)
    while i < n:
        if key[i] == '"':
            j, buf = i + 1, []
            while j < n:
                if key[j] == '"':
                    if j + 1 < n and key[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(key[j])
                j += 1
            if j >= n:
                return None, key
            parts.append("".join(buf))
            i = j + 1
        else:
            j = key.find(".", i)
            j = n if j == -1 else j
            parts.append(key[i:j])
            i = j
        if i < n:
            if key[i] != "." or i + 1 == n:
                return None, key
            i += 1
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    return (None, parts[0]) if len(parts) == 1 and parts[0] else (None, key)


def _bare(table: str) -> str:
    """The table's own name in a key (conventions name by it, not by its schema)."""
    return split_key(table)[1]


def _join(columns: Iterable[str]) -> str:
    return "_".join(columns)


def index_name(table: str, columns: Iterable[str], unique: bool = False) -> str:
    return shorten(f"{'ux' if unique else 'ix'}_{_bare(table)}_{_join(columns)}")


def unique_name(table: str, columns: Iterable[str]) -> str:
    return shorten(f"uq_{_bare(table)}_{_join(columns)}")


def fk_name(table: str, columns: Iterable[str], ref_table: str) -> str:
    return shorten(f"fk_{_bare(table)}_{_join(columns)}_{_bare(ref_table)}")


def check_name(table: str, columns: Iterable[str], n: int = 1) -> str:
    cols = _join(columns) or "expr"
    return shorten(f"ck_{_bare(table)}_{cols}" + (f"_{n}" if n > 1 else ""))


def primary_key_name(table: str) -> str:
    """The name reports give a primary key (the model does not name them; MySQL calls every one PRIMARY)."""
    return shorten(f"pk_{_bare(table)}")


def not_null_name(column: str) -> str:
    """The name reports give a column's NOT NULL (engines do not name them)."""
    return f"{column} not null"
