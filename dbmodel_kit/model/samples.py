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
import uuid
from typing import Any

from ..errors import ModelError
from .checks import Bounds, analyse_check
from .schema import Check, Schema, Table
from .types import INTEGER_KINDS, TEXT_KINDS

__all__ = ["sample_value"]


@functools.lru_cache(maxsize=1024)
def _listed(checks: tuple[Check, ...]) -> dict[str, tuple[Any, ...]]:
    """Per column, the values the table's checks limit it to (``col IN (...)`` or ``col = v``, alone or
    in an AND; several intersect), read by the sampler's own check analysis."""
    bounds: dict[str, Bounds] = {}
    for check in checks:
        analyse_check(check, bounds)
    return {col: b.values for col, b in bounds.items() if b.values}


def sample_value(schema: Schema, table: Table, column: str, i: int) -> Any:
    """The ``i``-th (0-based) sample value of ``table.column``: small, distinct per ``i``, within
    the column's length, a member of its enum or of the list a CHECK ``column IN (...)`` allows;
    keys (``uuid``) are stable per table, column and ``i``."""
    col = table.column(column)
    k = col.type.kind
    n = i + 1
    allowed = _listed(table.checks).get(column, ())
    typed = str if k in TEXT_KINDS else int if k in INTEGER_KINDS else None
    if allowed and typed is not None and all(type(v) is typed for v in allowed):
        return allowed[i % len(allowed)]
    if k in ("smallint", "integer", "bigint"):
        return n
    if k == "decimal":
        return decimal.Decimal(n)
    if k in ("real", "double"):
        return float(n)
    if k == "boolean":
        return n % 2 == 1
    if k in ("char", "varchar", "text"):
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
    if k == "enum":
        values = schema.enum(col.type.enum or "").values
        return values[i % len(values)]
    raise ModelError(f"no sample value for type {col.type}", where=f"{table.name}.{column}")  # pragma: no cover
