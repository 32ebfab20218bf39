"""Read CHECK constraints into per-column bounds the generators can draw inside.

A check that is a conjunction of simple comparisons between one column and a literal
(``price >= 0 AND price <= 999999``, ``hours BETWEEN 0 AND 24``, ``method IN ('card', 'cash')``)
becomes :class:`Bounds`; anything else (``ends_on >= starts_on``, ``OR``) stays a *residual*
check that the sampler applies as a filter after generating.

>>> from dbmodel_kit import Model
>>> m = Model()
>>> _ = m.add_table("p", id="integer pk", price="decimal(10,2) check (price > 0 and price <= 10)")
>>> bounds, residual = analyse_checks(m.schema.table("p"))
>>> bounds["price"].lo, bounds["price"].lo_strict, bounds["price"].hi, residual
(0, True, 10, [])
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlglot
from sqlglot import exp

from .schema import Check, Table

# comparison class -> (bound side when the column is on the left, strict)
_CMP: dict[type, tuple[str, bool]] = {
    exp.GT: ("lo", True), exp.GTE: ("lo", False), exp.LT: ("hi", True), exp.LTE: ("hi", False),
}
_FLIP = {"lo": "hi", "hi": "lo"}


@dataclass(frozen=True)
class Bounds:
    """What the checks allow for one column: an interval and/or a list of values."""

    lo: Any = None
    lo_strict: bool = False
    hi: Any = None
    hi_strict: bool = False
    values: tuple[Any, ...] | None = None
    not_null: bool = False

    def with_lo(self, value: Any, strict: bool) -> Bounds:
        if self.lo is None or value > self.lo or (value == self.lo and strict):
            return replace(self, lo=value, lo_strict=strict)
        return self

    def with_hi(self, value: Any, strict: bool) -> Bounds:
        if self.hi is None or value < self.hi or (value == self.hi and strict):
            return replace(self, hi=value, hi_strict=strict)
        return self

    def with_values(self, values: tuple[Any, ...]) -> Bounds:
        if self.values is not None:
            values = tuple(v for v in self.values if v in values)
        return replace(self, values=values)


def _literal(node: exp.Expression) -> tuple[bool, Any]:
    """(True, python value) when ``node`` is a constant number or string (``-5`` included)."""
    if isinstance(node, exp.Paren):
        return _literal(node.this)
    if isinstance(node, exp.Neg):
        ok, v = _literal(node.this)
        return (ok and isinstance(v, int | float)), (-v if ok and isinstance(v, int | float) else None)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return True, node.this
        text = node.this
        return True, (float(text) if any(c in text for c in ".eE") else int(text))
    return False, None


def _column(node: exp.Expression) -> str | None:
    while isinstance(node, exp.Paren):
        node = node.this
    return node.name if isinstance(node, exp.Column) else None


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _absorb(node: exp.Expression, bounds: dict[str, Bounds]) -> bool:
    """Fold one conjunct into ``bounds``; False when it is not a simple column/literal test."""
    for cls, (side, strict) in _CMP.items():
        if isinstance(node, cls):
            col, (ok, value) = _column(node.left), _literal(node.right)
            if col is None:  # literal on the left: 0 <= price
                col, (ok, value) = _column(node.right), _literal(node.left)
                side = _FLIP[side]
            if col is None or not ok:
                return False
            b = bounds.get(col, Bounds())
            bounds[col] = b.with_lo(value, strict) if side == "lo" else b.with_hi(value, strict)
            return True
    if isinstance(node, exp.EQ):
        col, (ok, value) = _column(node.left), _literal(node.right)
        if col is None or not ok:
            return False
        bounds[col] = bounds.get(col, Bounds()).with_values((value,))
        return True
    if isinstance(node, exp.Between):
        col = _column(node.this)
        (ok1, lo), (ok2, hi) = _literal(node.args["low"]), _literal(node.args["high"])
        if col is None or not (ok1 and ok2):
            return False
        bounds[col] = bounds.get(col, Bounds()).with_lo(lo, False).with_hi(hi, False)
        return True
    if isinstance(node, exp.In) and not node.args.get("query"):
        col = _column(node.this)
        items = [_literal(e) for e in node.expressions]
        if col is None or not items or not all(ok for ok, _ in items):
            return False
        bounds[col] = bounds.get(col, Bounds()).with_values(tuple(v for _, v in items))
        return True
    if isinstance(node, exp.Not) and isinstance(node.this, exp.Is) and isinstance(node.this.expression, exp.Null):
        col = _column(node.this.this)
        if col is None:
            return False
        bounds[col] = replace(bounds.get(col, Bounds()), not_null=True)
        return True
    return False


def analyse_check(check: Check, bounds: dict[str, Bounds]) -> bool:
    """Fold ``check`` into ``bounds``; True when it is fully expressed there (no filter needed)."""
    tree = sqlglot.parse_one(check.expression)
    simple = True
    for part in _conjuncts(tree):
        simple = _absorb(part, bounds) and simple
    return simple


def analyse_checks(table: Table) -> tuple[dict[str, Bounds], list[Check]]:
    """Per-column bounds from the table's checks, and the checks that must be applied as filters."""
    bounds: dict[str, Bounds] = {}
    residual: list[Check] = []
    for check in table.checks:
        if not analyse_check(check, bounds):
            residual.append(check)
    return bounds, residual
