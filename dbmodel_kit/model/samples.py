"""Deterministic sample values per column type: what ``migrate verify`` seeds with and what the
exports' seed files contain, so both agree on the rows a migration is tested with.

>>> from dbmodel_kit.examples import ecommerce
>>> s = ecommerce()
>>> sample_value(s, s.table("orders"), "order_number", 0), sample_value(s, s.table("orders"), "status", 1)
('ord v1', 'paid')

A column a CHECK limits to a list (``method IN ('card', 'cash')``) takes the list's values in turn.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import ModelError
from .checks import Bounds, analyse_check
from .schema import Check, Column, Schema, Table
from .types import INTEGER_KINDS, TEXT_KINDS

__all__ = ["SampleRows", "geometry_wkb", "sample_rows", "sample_value", "stored_geometry"]


@functools.lru_cache(maxsize=1024)
def _bounds(checks: tuple[Check, ...]) -> dict[str, Bounds]:
    """Per column, what the table's checks allow (``col IN (...)``, ``col = v``, ranges; alone or in
    an AND; several intersect), read by the sampler's own check analysis."""
    bounds: dict[str, Bounds] = {}
    for check in checks:
        analyse_check(check, bounds)
    return bounds


def _listed(checks: tuple[Check, ...]) -> dict[str, tuple[Any, ...]]:
    return {col: b.values for col, b in _bounds(checks).items() if b.values}


def _in_range(b: Bounds | None, n: int, integral: bool) -> Any:
    """The ``n``-th (1-based) number a range allows: counting up from its low end (or 1), wrapping
    round inside it when it is narrower than ``n`` values."""
    if b is None or (b.lo is None and b.hi is None):
        return n
    step = 1 if integral else 0.5
    lo = b.lo if b.lo is not None else (b.hi - 10 * step if b.hi is not None else 1)
    if b.lo is not None and b.lo_strict:
        lo = (math.floor(lo) + 1) if integral else lo + step / 2
    elif integral:
        lo = math.ceil(lo)
    hi = b.hi if b.hi is not None else lo + 1_000_000
    if b.hi is not None and b.hi_strict:
        hi = (math.ceil(hi) - 1) if integral else hi - step / 2
    elif integral:
        hi = math.floor(hi)
    if hi < lo:
        return lo  # no value fits: the engine names the check that refuses it
    if lo <= n <= hi:
        return n  # the plain count already fits (the values every other table gets)
    width = int((hi - lo) / step) + 1
    return lo + ((n - 1) % width) * step


def _as_base(schema: Schema, table: Table, col: Column) -> tuple[Schema, Table]:
    """``table`` with column ``col`` of a domain as the domain's base type, the domain's CHECKs on
    ``value`` added as CHECKs on the column (so sample values keep to them)."""
    import sqlglot
    from sqlglot import exp

    dom = schema.domain(col.type.domain or "")
    checks = []
    for ck in dom.checks:
        tree = sqlglot.parse_one(ck.expression)
        for ref in list(tree.find_all(exp.Column)):
            if ref.name.lower() == "value" and not ref.table:
                ref.replace(exp.column(col.name, quoted=True))
        checks.append(Check(tree.sql(), name=f"{col.name}_{ck.name}"))
    cols = tuple(replace(c, type=dom.base) if c.name == col.name else c for c in table.columns)
    return schema, replace(table, columns=cols, checks=(*table.checks, *checks))


def sample_value(schema: Schema, table: Table, column: str, i: int) -> Any:
    """The ``i``-th (0-based) sample value of ``table.column``: small, distinct per ``i``, within
    the column's length, a member of its enum or of the list a CHECK ``column IN (...)`` allows;
    keys (``uuid``) are stable per table, column and ``i``."""
    col = table.column(column)
    if col.type.kind == "domain":
        return sample_value(*_as_base(schema, table, col), column, i)
    k = col.type.kind
    n = i + 1
    allowed = _listed(table.checks).get(column, ())
    typed = str if k in TEXT_KINDS else int if k in INTEGER_KINDS else None
    if allowed and typed is not None and all(type(v) is typed for v in allowed):
        return allowed[i % len(allowed)]
    bounds = _bounds(table.checks).get(column)
    if k == "year":  # MySQL's YEAR holds 1901-2155
        b = bounds or Bounds()
        return int(_in_range(b.with_lo(1901, False).with_hi(2155, False), 1999 + n, True))
    if k in INTEGER_KINDS:  # tinyint's 127 is far above the handful of rows sampled
        return int(_in_range(bounds, n, True))
    if k == "decimal":
        return decimal.Decimal(str(_in_range(bounds, n, (col.type.scale or 0) == 0)))
    if k in ("real", "double"):
        return float(_in_range(bounds, n, False))
    if k == "boolean":
        return n % 2 == 1
    if k in TEXT_KINDS:
        length = col.type.length or 20
        return (f"{column[:3]} v{n}" if length >= 6 else f"{n}")[:length]
    if k == "uuid":
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{table.name}.{column}.{n}")
    if k == "date":
        return dt.date(2024, 1, n)
    if k == "time":
        return dt.time(12, n)
    if k == "timestamp":
        return dt.datetime(2024, 1, n, 12, 0)
    if k == "timestamptz":
        return dt.datetime(2024, 1, n, 12, 0, tzinfo=dt.UTC)
    if k == "interval":
        return dt.timedelta(days=n)
    if k == "json":
        return {"n": n}
    if k == "bytes":
        return bytes([n])
    if k == "inet":  # addresses of the documentation range (RFC 5737), one per row
        return f"192.0.2.{n % 256}"
    if k == "cidr":
        return f"10.{n // 256 % 256}.{n % 256}.0/24"
    if k == "macaddr":
        return f"02:00:00:00:{n // 256 % 256:02x}:{n % 256:02x}"
    if k == "tsvector":  # one lexeme
        return f"w{n}"
    if k == "geometry":  # WKB (OGC, no SRID) of a small shape; stored_geometry() gives each engine's form
        return geometry_wkb(col.type.shape, n)
    if k in ("enum", "set"):  # a SET value of one member
        values = schema.enum(col.type.enum or "").values
        return values[i % len(values)]
    if k == "array" and col.type.element is not None:  # one element: the element type's i-th value
        return [sample_value(schema, Table(table.name, (replace(col, type=col.type.element),)), column, i)]
    if k == "native" and col.type.native_for("postgresql"):
        text = _pg_sample(schema, col.type.native_for("postgresql") or "", i, column)
        if text is not None:
            return text
    raise ModelError(f"no sample value for type {col.type}", where=f"{table.name}.{column}")  # pragma: no cover


#: PostgreSQL's built-in range types and their element types
_PG_RANGES = {"int4range": "integer", "int8range": "bigint", "numrange": "numeric", "tsrange": "timestamp",
              "tstzrange": "timestamptz", "daterange": "date"}


def _pg_sample(schema: Schema, spelling: str, i: int, column: str) -> str | None:
    """The ``i``-th sample value of a PostgreSQL range, multirange or composite type, as the text
    PostgreSQL reads (``[1,2)``, ``{[1,2)}``, ``(1.00,"abc")``): a built-in range, or a type of the
    schema (a verbatim ``CREATE TYPE ... AS RANGE`` / ``AS (...)``) whose parts are the sample values
    of their own types; None for a type it cannot tell."""
    from ..io.pg_objects import type_definition

    name = spelling.strip().lower()
    multi = name.endswith("multirange")
    base = name.replace("multirange", "range") if multi else name
    subtype: str | None = _PG_RANGES.get(base)
    definition = None
    if subtype is None:
        found = [o for o in schema.verbatim if o.kind == "type" and o.dialect == "postgresql"
                 and spelling.strip().strip('"') in (o.key, o.name)]
        definition = type_definition(found[0].sql) if found else None
        if definition is None:
            return None
        if definition.kind == "range":
            subtype = dict(definition.options).get("subtype")
            if subtype is None:
                return None
    if subtype is not None:
        lo, hi = (_pg_literal(schema, subtype, i + j, column) for j in (0, 1))
        if lo is None or hi is None:
            return None
        bounds = f"[{_pg_quoted(lo)},{_pg_quoted(hi)})"
        return "{" + bounds + "}" if multi else bounds
    parts = [_pg_literal(schema, a.type, i, f"{column}_{a.name}") for a in definition.attributes]  # type: ignore[union-attr]
    if any(p is None for p in parts):
        return None
    return "(" + ",".join(_pg_quoted(p or "") for p in parts) + ")"


def _pg_literal(schema: Schema, spelling: str, i: int, column: str) -> str | None:
    """A sample value of PostgreSQL type ``spelling``, as PostgreSQL's text for it."""
    from ..io.sql_types import read_spelling

    try:
        t = read_spelling(spelling, "postgres")
    except ModelError:
        return None
    if t.kind == "native":
        return _pg_sample(schema, t.native_for("postgresql") or spelling, i, column)
    try:
        value = sample_value(schema, Table("t", (Column(column, t),)), column, i)
    except ModelError:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _pg_quoted(text: str) -> str:
    """A part of a range or composite value in double quotes (backslashes and quotes doubled)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '""') + '"'


#: WKB geometry type codes (OGC Simple Features, 2D)
_WKB_CODES = {"point": 1, "linestring": 2, "polygon": 3, "multipoint": 4, "multilinestring": 5,
              "multipolygon": 6, "geometrycollection": 7}


def _wkb_points(code: int, points: list[tuple[float, float]]) -> bytes:
    import struct

    head = struct.pack("<BI", 1, code)
    if code == 1:
        return head + struct.pack("<dd", *points[0])
    body = b"".join(struct.pack("<dd", x, y) for x, y in points)
    if code == 2:
        return head + struct.pack("<I", len(points)) + body
    return head + struct.pack("<II", 1, len(points)) + body  # a polygon of one ring


def geometry_wkb(shape: str | None, n: int) -> bytes:
    """The ``n``-th sample value of a ``geometry(shape)`` column as WKB (little-endian, no SRID):
    the point (n, n), a segment from it, a unit square at it; a collection of one of those.

    >>> geometry_wkb("point", 1).hex()
    '0101000000000000000000f03f000000000000f03f'
    """
    x = float(n)
    square = [(x, x), (x + 1, x), (x + 1, x + 1), (x, x + 1), (x, x)]
    shape = shape or "geometry"
    if shape in ("point", "geometry"):
        return _wkb_points(1, [(x, x)])
    if shape == "linestring":
        return _wkb_points(2, [(x, x), (x + 1, x + 1)])
    if shape == "polygon":
        return _wkb_points(3, square)
    import struct

    inner = {"multipoint": "point", "multilinestring": "linestring", "multipolygon": "polygon",
             "geometrycollection": "point"}[shape]
    return struct.pack("<BII", 1, _WKB_CODES[shape], 1) + geometry_wkb(inner, n)


def _wkb_coordinates(wkb: bytes) -> tuple[int, list[tuple[float, float]]]:
    """(type code, points) of a WKB point, linestring or one-ring polygon (what geometry_wkb makes)."""
    import struct

    code = struct.unpack_from("<I", wkb, 1)[0]
    if code == 1:
        return code, [struct.unpack_from("<dd", wkb, 5)]
    at = 9 if code == 2 else 13
    count = struct.unpack_from("<I", wkb, at - 4)[0]
    return code, [struct.unpack_from("<dd", wkb, at + 16 * i) for i in range(count)]


def stored_geometry(value: Any, t: Any, dialect: str) -> Any:
    """A WKB sample value as ``dialect`` takes it in a column of type ``t`` (as ``ddl`` stores
    geometry there): MySQL's own format (a 4-byte SRID, then the WKB); PostgreSQL's point,
    polygon and path types their text forms ('(1,1)', '((1,1),(2,1),...)', '[(1,1),(2,2)]');
    the WKB bytes elsewhere (SQLite and DuckDB BLOBs, PostgreSQL bytea)."""
    if not isinstance(value, bytes) or t.kind != "geometry" or t.native_for(dialect) is not None:
        return value
    if dialect == "mysql":
        import struct

        return struct.pack("<I", t.srid or 0) + value
    if dialect == "postgresql" and t.shape in ("point", "polygon", "linestring"):
        _code, points = _wkb_coordinates(value)
        text = ",".join(f"({x:g},{y:g})" for x, y in points)
        return {"point": text, "polygon": f"({text})", "linestring": f"[{text}]"}[t.shape]
    return value


@dataclass
class SampleRows:
    """Rows for every table of a schema (:func:`sample_rows`): ``rows`` to insert per table in
    ``order``, then ``later`` (table, key columns -> values, foreign-key columns -> values) to set
    once every table is filled (nullable keys that close a cycle), and ``early`` the foreign keys
    whose rows point at a table filled after them (NOT NULL keys closing a cycle)."""

    order: list[str]
    rows: dict[str, list[dict[str, Any]]]
    later: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    early: list[tuple[str, str]] = field(default_factory=list)
    #: table -> foreign keys pointing at the table itself (its rows go in one by one, parents first)
    self_refs: dict[str, list[str]] = field(default_factory=dict)


def sample_rows(schema: Schema, rows: int = 3) -> SampleRows:
    """``rows`` rows for every table, whatever its keys (integer, identity, uuid, char/varchar,
    composite, self-referencing, in a cycle): row ``i`` of a table points at row ``i`` of each
    parent, so every foreign key holds once all tables are filled, and row ``i`` of a table that
    references itself points at row ``i - 1`` (the first at none, or itself when the key is NOT NULL).

    >>> from dbmodel_kit.model.spec import build_table
    >>> s = Schema((build_table("a", {"code": "char(2) pk", "up": "char(2) references a"}),))
    >>> sample_rows(s, 2).rows["a"]
    [{'code': '1', 'up': None}, {'code': '2', 'up': '1'}]
    """
    from .schema import dependency_order

    order, deferred = dependency_order(schema)
    waits = {(t.key, fk.name) for t, fk in deferred}
    memo: dict[tuple[str, int], dict[str, Any]] = {}
    busy: set[tuple[str, int]] = set()

    def own(t: Table, i: int) -> dict[str, Any]:
        return {c.name: sample_value(schema, t, c.name, i) for c in t.columns
                if not c.generated and not (c.default is not None and c.default.kind == "identity"
                                            and t.primary_key != (c.name,))}

    def row(name: str, i: int) -> dict[str, Any]:
        """Row ``i`` of ``name`` with every foreign-key column taken from its parent row."""
        if (name, i) in memo:
            return memo[name, i]
        t = schema.table(name)
        values = own(t, i)
        if (name, i) in busy:  # keys that reference each other round a cycle: the cycle stops here
            return values
        busy.add((name, i))
        for fk in t.foreign_keys:
            if fk.ref_table == name:
                continue
            parent = row(fk.ref_table, i)
            for c, r in zip(fk.columns, fk.ref_columns, strict=True):
                if r in parent:
                    values[c] = parent[r]
        for fk in t.foreign_keys:
            if fk.ref_table == name:
                target = values if i == 0 else row(name, i - 1)
                if i == 0 and all(t.column(c).nullable for c in fk.columns):
                    target = {}
                for c, r in zip(fk.columns, fk.ref_columns, strict=True):
                    values[c] = target.get(r)
        busy.discard((name, i))
        memo[name, i] = values
        return values

    out = SampleRows([t.key for t in order], {})
    for t in order:
        batch = [dict(row(t.key, i)) for i in range(rows)]
        for fk in t.foreign_keys:
            if (t.key, fk.name) not in waits:
                continue
            if all(t.column(c).nullable for c in fk.columns) and t.primary_key:
                for r in batch:
                    out.later.append((t.key, {k: r[k] for k in t.primary_key}, {c: r[c] for c in fk.columns}))
                    for c in fk.columns:
                        r[c] = None
            else:
                out.early.append((t.key, fk.name))
        refs = [fk.name for fk in t.foreign_keys if fk.ref_table == t.key]
        if refs:
            out.self_refs[t.key] = refs
        out.rows[t.key] = batch
    return out
