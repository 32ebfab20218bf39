"""Names as each engine scopes and limits them.

The model keeps index and constraint names unique per table only, because real schemas do
that: MySQL keeps index names per table, PostgreSQL keeps CHECK and foreign-key names per table.
Each engine has its own rule (:attr:`~dbmodel_kit.dialects.Dialect.name_scopes`), and its own
length limit. :func:`physical` gives a schema as one engine would store it:

- a name the engine scopes schema-wide (PostgreSQL index and unique names, which share one
  namespace with the tables; MySQL foreign-key names) that several tables use is written
  ``<table>_<name>`` on every table that uses it, so the result does not depend on table order;
- a name longer than PostgreSQL's 63 bytes is cut at 63 bytes (on a character boundary) as
  PostgreSQL itself does (https://www.postgresql.org/docs/current/sql-syntax-lexical.html
  #SQL-SYNTAX-IDENTIFIERS); two names that become one are an error naming both;
- a name longer than MySQL's 64 characters is an error: MySQL refuses it.

Every rename is returned as a note, which the DDL prints.

>>> from dbmodel_kit.model.spec import build_table
>>> from dbmodel_kit.model.schema import Index, Schema
>>> a = build_table("a", {"id": "integer pk"}, indexes=(Index(("id",), name="by_id"),))
>>> b = build_table("b", {"id": "integer pk"}, indexes=(Index(("id",), name="by_id"),))
>>> s, notes = physical(Schema((a, b)), "postgresql")
>>> [ix.name for t in s.tables for ix in t.indexes]
['a_by_id', 'b_by_id']
>>> physical(Schema((a, b)), "mysql")[1]
[]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from ..dialects import Dialect, get_dialect
from ..errors import ModelError
from ..model import naming
from ..model.schema import Schema, Table

__all__ = ["KIND_ATTRS", "cut", "physical", "renamed_items", "shared_names", "stored_names"]

#: the table attribute holding each kind of named item
KIND_ATTRS = {"index": "indexes", "unique": "uniques", "foreign_key": "foreign_keys", "check": "checks"}
_KIND_WORDS = {"index": "index", "unique": "unique constraint", "foreign_key": "foreign key", "check": "check"}


#: Column names an engine keeps for its own columns of every table and refuses in CREATE TABLE
#: (https://www.postgresql.org/docs/current/ddl-system-columns.html; compared exactly: "CTID" is free)
SYSTEM_COLUMNS: dict[str, frozenset[str]] = {
    "postgresql": frozenset({"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"}),
}
#: What MySQL/MariaDB refuse at the end of a name ("Incorrect table name"): ASCII white space
_MYSQL_TRAILING = frozenset(" \t\n\r\x0b\x0c")


#: The longest table file name (without its extension) MySQL/MariaDB can make: measured on
#: MariaDB 10.11 (50 characters written as @xxxx pass, 51 fail with errno 36)
MYSQL_FILE_NAME_BYTES = 250


#: Code points MySQL's file-name encoding writes as @ and two characters (the other characters
#: beyond a-z, A-Z, 0-9 and _ take @ and four hex digits): read from MariaDB 10.11 with
#: ``CAST(CONVERT(c USING filename) AS BINARY)`` for every BMP character
_FILENAME_SHORT: tuple[tuple[int, int], ...] = (
    (0x00C0, 0x00D6), (0x00D8, 0x00F6), (0x00F8, 0x012F), (0x0131, 0x01BE), (0x01C4, 0x01C4), (0x01C6, 0x01C7),
    (0x01C9, 0x01CA), (0x01CC, 0x01F1), (0x01F3, 0x01F6), (0x01F8, 0x0241), (0x0250, 0x02AF), (0x0386, 0x0386),
    (0x0388, 0x038A), (0x038C, 0x038C), (0x038E, 0x03A1), (0x03A3, 0x03CE), (0x03D0, 0x03D7), (0x03D9, 0x03F3),
    (0x03F5, 0x03F6), (0x03F8, 0x03F8), (0x03FB, 0x0481), (0x048A, 0x04CE), (0x04D0, 0x04F9), (0x0500, 0x050F),
    (0x0531, 0x0555), (0x0561, 0x0585), (0x1E00, 0x1E9B), (0x1EA0, 0x1EF9), (0x1F00, 0x1F15), (0x1F18, 0x1F1D),
    (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D),
    (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4), (0x1FB6, 0x1FBC), (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3),
    (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF3), (0x1FF6, 0x1FFC), (0x2160, 0x217F), (0x24B6, 0x24E9),
    (0xFF21, 0xFF3A), (0xFF41, 0xFF5A),
)


def mysql_file_name_bytes(name: str) -> int:
    """Bytes of ``name`` in MySQL's file-name encoding (https://dev.mysql.com/doc/refman/8.0/en/
    identifier-mapping.html): a-z, A-Z, 0-9 and _ as they are, the letters of :data:`_FILENAME_SHORT`
    as @ and two characters (é is @0j), anything else as @ and four hex digits. (Written here: no
    library exposes the server's encoding.)"""
    from bisect import bisect_right

    starts = [a for a, _ in _FILENAME_SHORT]
    n = 0
    for ch in name:
        cp = ord(ch)
        if ch.isascii() and (ch.isalnum() or ch == "_"):
            n += 1
            continue
        i = bisect_right(starts, cp) - 1
        n += 3 if i >= 0 and _FILENAME_SHORT[i][0] <= cp <= _FILENAME_SHORT[i][1] else 5
    return n


def cut(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` UTF-8 bytes on a character boundary (PostgreSQL's truncation).

    >>> cut("ä" * 40, 63) == "ä" * 31
    True
    """
    raw = name.encode()
    return name if len(raw) <= limit else raw[:limit].decode(errors="ignore")


def shared_names(schema: Schema, dialect: Dialect | str) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """Names used more than once in a scope ``dialect`` keeps per schema (namespace):
    ``{(scope, name): [(table key, kind, name as used), ...]}`` (tables themselves count in the
    ``relation`` scope, where PostgreSQL also keeps indexes). Each schema is a scope of its own. In
    a scope the engine compares without case (:attr:`~dbmodel_kit.dialects.Dialect.folded_scopes`)
    names differing only in case are one name, keyed by its lower case."""
    d = get_dialect(dialect)
    uses: dict[tuple[str, str | None, str], list[tuple[str, str, str]]] = defaultdict(list)
    spaces = {kind: space for kind, space in d.name_scopes.items() if space not in ("table", "none")}
    if not spaces:
        return {}

    def key(space: str, name: str) -> str:
        return name.lower() if space in d.folded_scopes else name

    for t in schema.tables:
        if "relation" in spaces.values():
            uses["relation", t.schema, key("relation", t.name)].append((t.key, "table", t.name))
        for kind, space in spaces.items():
            for item in getattr(t, KIND_ATTRS[kind]):
                uses[space, t.schema, key(space, item.name)].append((t.key, kind, item.name))
    return {(space, name): where for (space, _, name), where in uses.items()
            if len(where) > 1 and any(kind != "table" for _, kind, _ in where)}


def physical(schema: Schema, dialect: Dialect | str) -> tuple[Schema, list[tuple[str, str]]]:
    """``schema`` with names as ``dialect`` stores them, and ``(table, note)`` for each change."""
    stored, renames = _physical(schema, get_dialect(dialect))
    names = {old.key: new.key for old, new in zip(schema.tables, stored.tables, strict=True)}
    return stored, [(names.get(table, table), note) for table, _, note in renames]


def renamed_items(schema: Schema, dialect: Dialect | str) -> dict[tuple[str, str], str]:
    """``{(table, model name): note}`` for each index or constraint ``dialect`` stores under another
    name; ``(table, "")`` for a table it stores under another name (``table`` is the model's name)."""
    return {(table, name): note for table, name, note in _physical(schema, get_dialect(dialect))[1]}


def stored_names(schema: Schema, stored: Schema) -> dict[tuple[str, str, str], str]:
    """``{(table, kind, model name): stored name}`` for each index or constraint ``stored`` (what
    :func:`physical` made of ``schema``) holds under another name; ``table`` is the model's key.
    Tables and items keep their places in ``physical``'s result, so they are paired by place."""
    out: dict[tuple[str, str, str], str] = {}
    for t, s in zip(schema.tables, stored.tables, strict=True):
        for kind, attr in KIND_ATTRS.items():
            for a, b in zip(getattr(t, attr), getattr(s, attr), strict=True):
                if a.name != b.name:
                    out[t.key, kind, a.name] = b.name
    return out


def _physical(schema: Schema, d: Dialect) -> tuple[Schema, list[tuple[str, str, str]]]:
    """The stored schema and ``(model table, model item name or "", note)`` per rename."""
    notes: list[tuple[str, str, str]] = []
    schema = _limit(schema, d, notes)
    shared = shared_names(schema, d)
    if not shared:
        return schema, notes
    renames: dict[tuple[str, str, str], str] = {}
    spaces = {kind for kind, space in d.name_scopes.items() if space not in ("table", "none")}
    # (compared without case: a new name differing from a taken one only in case would be the same
    # name where the engine folds case)
    taken = {name.lower() for _, name in shared} | {t.name.lower() for t in schema.tables} | {
        item.name.lower() for t in schema.tables for kind in spaces for item in getattr(t, KIND_ATTRS[kind])}
    for (space, _key), where in shared.items():
        for table, kind, name in where:
            if kind == "table":
                continue
            bare = naming.split_key(table)[1]
            new = naming.shorten(f"{bare}_{name}", d.max_identifier_bytes or naming.MAX_IDENTIFIER_BYTES)
            n = 2
            while new.lower() in taken:
                new = naming.shorten(f"{bare}_{name}_{n}", d.max_identifier_bytes or naming.MAX_IDENTIFIER_BYTES)
                n += 1
            taken.add(new.lower())
            renames[table, kind, name] = new
            others = sorted({t for t, _, _ in where if t != table})
            scope = "with the tables per schema" if space == "relation" else "per schema"
            notes.append((_model_table(table, notes), name,
                          f"{_KIND_WORDS[kind]} {name} on {table} is named {new}: {d.name} keeps "
                          f"{_KIND_WORDS[kind]} names {scope}, and {', '.join(others)} "
                          f"{'uses' if len(others) == 1 else 'use'} the name too"))
    tables = tuple(_rename_items(t, renames) for t in schema.tables)
    return replace(schema, tables=tables), notes


def _rename_items(t: Table, renames: dict[tuple[str, str, str], str]) -> Table:
    changes: dict[str, Any] = {}
    for kind, attr in KIND_ATTRS.items():
        items = getattr(t, attr)
        new = tuple(replace(i, name=renames.get((t.key, kind, i.name), i.name)) for i in items)
        if new != items:
            changes[attr] = new
    return replace(t, **changes) if changes else t


def _model_table(table: str, notes: list[tuple[str, str, str]]) -> str:
    """The model's name of a table the engine cut (its rename note comes first)."""
    return next((t for t, item, n in notes if item == "" and n.startswith(f"table {t} is named {table} ")), table)


def _limit(schema: Schema, d: Dialect, notes: list[tuple[str, str, str]]) -> Schema:
    """Names over the engine's length limit: cut where the engine cuts them, refused where it refuses."""
    def refuse(name: str, where: str) -> None:
        if d.max_identifier_chars is not None and len(name) > d.max_identifier_chars:
            raise ModelError(f"{name!r} is {len(name)} characters long; {d.name} allows {d.max_identifier_chars} "
                             "and refuses longer names", where=where)
        if d.identifier_bmp_only and (any(ord(ch) > 0xFFFF for ch in name) or name[-1:] in _MYSQL_TRAILING):
            raise ModelError(f"{name!r}: {d.name} identifiers cannot hold characters beyond U+FFFF "
                             "or end with a space (or a tab, a line break)", where=where)

        if d.name == "mysql" and ("\n" in name or "\r" in name):
            # MySQL takes it, but writes it on two lines in SHOW CREATE TABLE, which reflection (SQLAlchemy's
            # MySQL reader) reads line by line: the column would not come back
            raise ModelError(f"{name!r}: a line break in a name is refused for {d.name}: SHOW CREATE TABLE splits "
                             "the name over two lines and the table would not read back", where=where)

    def refuse_table(name: str, where: str) -> None:
        if d.name == "mysql" and mysql_file_name_bytes(name) > MYSQL_FILE_NAME_BYTES:
            raise ModelError(f"{name!r}: {d.name} keeps a table in files named after it, each character other than "
                             "a-z, 0-9 and _ written as @ and 2 or 4 more (identifier-mapping.html); this name needs "
                             f"{mysql_file_name_bytes(name)} bytes of the {MYSQL_FILE_NAME_BYTES} the file system "
                             "allows ('File name too long')", where=where)

    def refuse_column(name: str, where: str) -> None:
        if name in SYSTEM_COLUMNS.get(d.name, ()):
            raise ModelError(f"{name!r} is a system column name on {d.name}, which refuses a column of that name",
                             where=where)

    for e in schema.enums:
        refuse(e.name, f"enum {e.name}")
    for dom in schema.domains:
        refuse(dom.name, f"domain {dom.name}")
    for t in schema.tables:
        refuse(t.name, t.key)
        refuse_table(t.name, t.key)
        for c in t.columns:
            refuse(c.name, f"{t.key}.{c.name}")
            refuse_column(c.name, f"{t.key}.{c.name}")
        for n in t.constraint_names():
            refuse(n, f"{t.key}.{n}")
    limit = d.max_identifier_bytes
    if limit is None or not any(_too_long(schema, limit)):
        return schema
    if not d.truncates_identifiers:
        where, name = next(_too_long(schema, limit))
        raise ModelError(f"{name!r} is {len(name.encode())} bytes long; {d.name} allows {limit}", where=where)
    for typ in (*schema.enums, *schema.domains):
        if len(typ.name.encode()) > limit:
            raise ModelError(f"{typ.name!r} is {len(typ.name.encode())} bytes long; {d.name} would cut it to "
                             f"{cut(typ.name, limit)!r}: give the type a shorter name", where=typ.name)
    # tables and columns through the rename operations, so references follow
    from ..model import ops

    for t in list(schema.tables):
        for c in t.columns:
            if len(c.name.encode()) > limit:
                short = cut(c.name, limit)
                if schema.table(t.key).has_column(short):
                    raise ModelError(f"{c.name!r} and {short!r} are one name on {d.name}, which cuts names to "
                                     f"{limit} bytes", where=f"{t.key}.{c.name}")
                schema = ops.RenameColumn(t.key, c.name, short).apply(schema)
                notes.append((t.key, "", f"column {t.key}.{c.name} is named {short} ({d.name} cuts names to "
                                          f"{limit} bytes)"))
        if len(t.name.encode()) > limit:
            short = cut(t.name, limit)
            if schema.has_table(naming.qualify(t.schema, short)):
                raise ModelError(f"tables {t.name!r} and {short!r} are one name on {d.name}, which cuts names to "
                                 f"{limit} bytes", where=t.key)
            schema = ops.RenameTable(t.key, short).apply(schema)
            notes.append((t.key, "", f"table {t.key} is named {naming.qualify(t.schema, short)} ({d.name} cuts "
                                     f"names to {limit} bytes)"))
    tables = []
    for t in schema.tables:
        changes: dict[str, Any] = {}
        for kind, attr in KIND_ATTRS.items():
            items = []
            for item in getattr(t, attr):
                if len(item.name.encode()) > limit:
                    short = cut(item.name, limit)
                    notes.append((_model_table(t.key, notes), item.name,
                                  f"{_KIND_WORDS[kind]} {item.name} is named {short} ({d.name} cuts names to {limit} "
                                  "bytes)"))
                    item = replace(item, name=short)
                items.append(item)
            if tuple(items) != getattr(t, attr):
                changes[attr] = tuple(items)
        if changes:
            try:
                t = replace(t, **changes)
            except ModelError as e:
                raise ModelError(f"{e.message} once {d.name} cuts names to {limit} bytes", where=t.key) from None
        tables.append(t)
    return replace(schema, tables=tuple(tables))


def _too_long(schema: Schema, limit: int) -> Any:
    for t in schema.tables:
        for name in (t.name, *(c.name for c in t.columns), *t.constraint_names()):
            if len(name.encode()) > limit:
                yield (t.key, name)
    for e in (*schema.enums, *schema.domains):
        if len(e.name.encode()) > limit:
            yield (e.name, e.name)
