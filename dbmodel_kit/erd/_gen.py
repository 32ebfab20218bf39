"""Synthetic schemas of any size for ERD tests and benchmarks.

About 8 columns and 1.5 foreign keys per table, subject areas of about 15 tables, a few
self-references, composite uniques, indexes on most foreign keys, checks and an enum: the shape
of a real business schema, deterministic for a given ``(n, seed)``.

>>> s = synthetic(20)
>>> len(s.tables), sum(len(t.foreign_keys) for t in s.tables) >= 20
(20, True)
"""

from __future__ import annotations

import random

from ..model.schema import Check, Column, Default, Enum, ForeignKey, Index, Schema, Table, Unique
from ..model.types import DataType

_AREAS = ("sales", "catalog", "billing", "people", "support", "logistics", "marketing", "finance",
          "identity", "content", "analytics", "inventory", "hr", "legal", "ops", "security",
          "research", "partners", "events", "media")
_NOUNS = ("account", "order", "item", "invoice", "payment", "ticket", "product", "shipment", "supplier",
          "contract", "employee", "team", "project", "task", "asset", "campaign", "lead", "note",
          "document", "review", "price", "stock", "warehouse", "route", "policy", "claim", "event",
          "session", "device", "license")
_PLAIN = (("name", "varchar(120)", False), ("code", "varchar(32)", False), ("amount", "decimal(12,2)", False),
          ("quantity", "integer", False), ("description", "text", True), ("is_active", "boolean", False),
          ("starts_on", "date", True), ("payload", "json", True), ("rating", "smallint", True),
          ("created_at", "timestamptz", False), ("updated_at", "timestamptz", True), ("email", "varchar(255)", True))


def synthetic(n: int, seed: int = 7, fks_per_table: float = 1.5) -> Schema:
    """A schema of ``n`` tables (see the module docstring)."""
    rnd = random.Random(seed)
    status = Enum("status", ("draft", "active", "archived"))
    tables: list[Table] = []
    names: list[str] = []
    for i in range(n):
        name = f"{_NOUNS[i % len(_NOUNS)]}_{i:03d}"
        area = _AREAS[(i // 15) % len(_AREAS)]
        cols = [Column("id", DataType("bigint"), nullable=False, default=Default("identity"))]
        fks: list[ForeignKey] = []
        indexes: list[Index] = []
        if i:
            # Poisson-ish count averaging fks_per_table; parents mostly in the same or the previous area
            want = int(fks_per_table) + (rnd.random() < fks_per_table - int(fks_per_table))
            parents: list[int] = []
            for _ in range(want):
                lo = max(0, i - 25) if rnd.random() < 0.8 else 0
                parent = rnd.randrange(lo, i)
                if parent not in parents:
                    parents.append(parent)
            for parent in parents:
                col = f"{names[parent]}_id"
                cols.append(Column(col, DataType("bigint"), nullable=rnd.random() < 0.35))
                fks.append(ForeignKey((col,), names[parent], ("id",),
                                      on_delete=rnd.choice((None, "CASCADE", "SET NULL"))
                                      if cols[-1].nullable else rnd.choice((None, "CASCADE"))))
                if rnd.random() < 0.8:
                    indexes.append(Index((col,)))
        if i % 23 == 5:
            cols.append(Column("parent_id", DataType("bigint")))
            fks.append(ForeignKey(("parent_id",), name, ("id",), on_delete="SET NULL"))
        plain = rnd.sample(_PLAIN, k=max(2, 8 - len(cols) - (i % 3 == 0)))
        for col, typ, nullable in plain:
            cols.append(Column(col, DataType.parse(typ), nullable=nullable))
        if i % 4 == 1:
            cols.append(Column("status", DataType("enum", enum="status"), nullable=False,
                               default=Default("literal", "draft")))
        uniques = [Unique(("code",))] if any(c.name == "code" for c in cols) else []
        checks = [Check("quantity >= 0")] if any(c.name == "quantity" for c in cols) else []
        if any(c.name == "created_at" for c in cols) and i % 5 == 0:
            indexes.append(Index(("created_at", "id")))
        tables.append(Table(name, columns=tuple(cols), primary_key=("id",), foreign_keys=tuple(fks),
                            indexes=tuple(indexes), uniques=tuple(uniques), checks=tuple(checks), group=area,
                            comment=f"Synthetic table {i} of {n}."))
        names.append(name)
    return Schema(tuple(tables), enums=(status,), name=f"synthetic_{n}")
