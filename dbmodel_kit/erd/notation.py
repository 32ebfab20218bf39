"""Crow's-foot notation and column badges, derived from the schema's constraints.

Cardinality of a foreign key from child table C to parent P:

* at the parent end, how many parents a child row has: exactly one when every FK column is
  NOT NULL, else zero or one;
* at the child end, how many children a parent row has: zero or one when the FK columns are
  unique in C (PK, UNIQUE constraint or unique index), else zero or many.

"One or many" needs a rule no SQL constraint states (every parent has at least one child), so
a schema never yields it; :data:`ARROWS` lists it so every crow's-foot end has its arrowtype.

Graphviz draws a multi-shape arrow with the first shape nearest the node, so ``crowodot`` is a
crow's foot at the table and a ring outside it: zero or many.

>>> from dbmodel_kit.examples import ecommerce
>>> shop = ecommerce()
>>> orders = shop.table("orders")
>>> cardinality(orders, orders.foreign_keys[0])
('zero_or_many', 'exactly_one')
>>> [badge.text for badge in column_badges(shop.table("products"), "category_id")]
['FK', 'NN', 'I2.1']
"""

from __future__ import annotations

from dataclasses import dataclass

from .._cache import IdentityCache
from ..model.schema import ForeignKey, Table

#: Graphviz arrowtype for each end of a relationship (first shape nearest the table).
ARROWS: dict[str, str] = {
    "exactly_one": "teetee",
    "zero_or_one": "teeodot",
    "one_or_many": "crowtee",
    "zero_or_many": "crowodot",
}


def cardinality(child: Table, fk: ForeignKey) -> tuple[str, str]:
    """``(child end, parent end)`` cardinality names of ``fk`` (keys of :data:`ARROWS`)."""
    child_end = "zero_or_one" if child.is_unique(fk.columns) else "zero_or_many"
    cols = {c.name: c for c in child.columns}
    parent_end = "zero_or_one" if any(cols[c].nullable for c in fk.columns) else "exactly_one"
    return child_end, parent_end


def is_identifying(child: Table, fk: ForeignKey) -> bool:
    """Whether the FK columns are part of the child's primary key (drawn solid; else dashed)."""
    return bool(child.primary_key) and set(fk.columns) <= set(child.primary_key)


def is_junction(table: Table) -> bool:
    """A pure many-to-many junction: two foreign keys whose columns make up the whole primary
    key, and no other columns.

    >>> from dbmodel_kit.examples import large
    >>> [t.name for t in large().tables if is_junction(t)]
    ['ticket_tags']
    """
    if len(table.foreign_keys) != 2 or not table.primary_key:
        return False
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    return fk_cols == set(table.primary_key) == set(table.column_names)


@dataclass(frozen=True, slots=True)
class Badge:
    """A short marker on a column row: ``text`` shown, ``role`` picks its colour, ``detail`` for the tooltip."""

    text: str
    role: str  # "pk", "fk", "uq", "nn", "ix", "ck", "gen"
    detail: str


def _numbered(groups: list[tuple[tuple[str, ...], str]], column: str, prefix: str, role: str,
              single: str | None) -> list[Badge]:
    """Badges for ``column`` in numbered column groups: ``I2`` for a one-column group (or
    ``single``), ``I2.1`` for its position in a composite one."""
    out = []
    for number, (cols, detail) in enumerate(groups, 1):
        if column in cols:
            if len(cols) == 1:
                text = single or f"{prefix}{number}"
            else:
                text = f"{prefix}{number}.{cols.index(column) + 1}"
            out.append(Badge(text, role, detail))
    return out


def table_badges(table: Table) -> dict[str, tuple[Badge, ...]]:
    """Badges of every column of ``table`` (cached per table object, so an edit re-derives only
    the tables it touched)."""
    return _BADGES.get(table, None, lambda: _table_badges(table))


_BADGES = IdentityCache()


def _table_badges(table: Table) -> dict[str, tuple[Badge, ...]]:
    uniques: list[tuple[tuple[str, ...], str]] = [(u.columns, f"unique {u.name} ({', '.join(u.columns)})")
                                                  for u in table.uniques]
    uniques += [(ix.columns, f"unique index {ix.name} ({', '.join(ix.columns)})")
                for ix in table.indexes if ix.unique and ix.where is None]
    others = [ix for ix in table.indexes if not (ix.unique and ix.where is None)]
    checks = [(ck, ck.columns) for ck in table.checks]
    pk = table.primary_key
    pk_detail = "primary key" + (f" ({', '.join(pk)})" if len(pk) > 1 else "")
    out: dict[str, tuple[Badge, ...]] = {}
    for col in table.columns:
        column = col.name
        badges: list[Badge] = []
        if column in pk:
            badges.append(Badge("PK", "pk", pk_detail))
        fks = [fk for fk in table.foreign_keys if column in fk.columns]
        if fks:
            badges.append(Badge("FK", "fk", "; ".join(
                f"{fk.name}: ({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)})"
                for fk in fks)))
        badges += _numbered(uniques, column, "U", "uq", "UQ")
        if not col.nullable and column not in pk:
            badges.append(Badge("NN", "nn", "NOT NULL"))
        for number, ix in enumerate(others, 1):
            if column in ix.columns:
                pos = f".{ix.columns.index(column) + 1}" if len(ix.columns) > 1 else ""
                kind = "unique index" if ix.unique else "index"
                extra = (f" USING {ix.method}" if ix.method else "") + (f" WHERE {ix.where}" if ix.where else "")
                badges.append(Badge(f"I{number}{pos}{'*' if ix.where else ''}", "ix",
                                    f"{kind} {ix.name} ({', '.join(ix.columns)}){extra}"))
        mine = [ck for ck, cols in checks if column in cols]
        if mine:
            badges.append(Badge("CK", "ck", "; ".join(f"CHECK ({ck.expression})" for ck in mine)))
        if col.generated:
            badges.append(Badge("GEN", "gen", f"generated as ({col.generated})"))
        out[column] = tuple(badges)
    return out


def column_badges(table: Table, column: str) -> list[Badge]:
    """Badges of one column, in reading order: PK, FK, unique, NN, indexes, CHECK, generated.

    Unique sets (UNIQUE constraints and full unique indexes) are ``UQ`` for one column and
    ``U1.1``/``U1.2`` for a composite; other indexes are ``I1`` / ``I1.1``; a partial index gets
    a trailing ``*`` (its WHERE is in the tooltip).
    """
    table.column(column)
    return list(table_badges(table)[column])
