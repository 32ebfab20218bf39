"""Names the exporters share: class names per table, attribute names per column, and the
relationship pair each foreign key becomes (named apart when several keys join the same tables)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from ..model.schema import ForeignKey, Schema

__all__ = ["Relationship", "attribute_name", "camel", "class_names", "relationships"]

#: names a declarative class cannot use for a mapped attribute
_RESERVED = frozenset({"metadata", "registry", "Base", "sa", "postgresql", "mysql", "sqlite", "Mapped",
                       "mapped_column", "relationship", "DeclarativeBase"})

def _pascal(name: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", name) if p]
    text = "".join(p[:1].upper() + p[1:] for p in parts) or "Table"
    return text if text[0].isalpha() else "T" + text


def _singular(word: str) -> str:
    # a tiny English singulariser for class names; a wrong guess only changes a class name
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def class_names(schema: Schema) -> dict[str, str]:
    """Table name -> a unique CamelCase singular class name.

    >>> from dbmodel_kit.examples import ecommerce
    >>> class_names(ecommerce())["order_items"], class_names(ecommerce())["categories"]
    ('OrderItem', 'Category')
    """
    out: dict[str, str] = {}
    used: set[str] = set(_RESERVED)
    for t in schema.tables:
        base = _pascal(_singular(t.name))
        name, n = base, 2
        while name in used:
            name, n = f"{base}{n}", n + 1
        used.add(name)
        out[t.name] = name
    return out


def attribute_name(column: str) -> str:
    """A Python attribute for a column name (``class`` -> ``class_``, ``order id`` -> ``order_id``)."""
    text = re.sub(r"\W", "_", column)
    if not text or text[0].isdigit():
        text = "c_" + text
    if keyword.iskeyword(text) or text in _RESERVED:
        text += "_"
    return text


@dataclass(frozen=True)
class Relationship:
    """One side of a foreign key as an ORM relationship."""

    table: str
    name: str
    target: str
    many: bool
    fk: ForeignKey
    owner: str  # the table holding the foreign key
    back: str = ""


def _stem(fk: ForeignKey, ref: str) -> str:
    if len(fk.columns) == 1 and fk.columns[0].endswith("_id") and len(fk.columns[0]) > 3:
        return fk.columns[0][:-3]
    if len(fk.columns) == 1:
        return f"{fk.columns[0]}_{_singular(ref)}"
    return _singular(ref)


def relationships(schema: Schema) -> dict[str, list[Relationship]]:
    """For each table, its relationships: the many-to-one side per foreign key and the one-to-many
    side on the referenced table, named apart when several keys join the same two tables.

    >>> from dbmodel_kit.examples import ecommerce
    >>> [r.name for r in relationships(ecommerce())["users"]][:3]
    ['products_created_by', 'products_updated_by', 'orders']
    """
    out: dict[str, list[Relationship]] = {t.name: [] for t in schema.tables}
    taken: dict[str, set[str]] = {t.name: {attribute_name(c.name) for c in t.columns} | _RESERVED
                                  for t in schema.tables}

    def claim(table: str, name: str) -> str:
        name, base, n = attribute_name(name), attribute_name(name), 2
        while name in taken[table]:
            name, n = f"{base}_{n}", n + 1
        taken[table].add(name)
        return name

    for t in schema.tables:
        for fk in t.foreign_keys:
            siblings = sum(1 for k in t.foreign_keys if k.ref_table == fk.ref_table)
            stem = _stem(fk, fk.ref_table)
            child = claim(t.name, stem)
            if fk.ref_table == t.name:
                parent = claim(t.name, "children" if siblings == 1 else f"{stem}_children")
            else:
                parent = claim(fk.ref_table, t.name if siblings == 1 else f"{t.name}_{fk.columns[0]}")
            out[t.name].append(Relationship(t.name, child, fk.ref_table, False, fk, t.name, parent))
            out[fk.ref_table].append(Relationship(fk.ref_table, parent, t.name, True, fk, t.name, child))
    return out




def camel(name: str) -> str:
    """``order_items`` -> ``orderItems`` (a field name for Prisma and TypeScript).

    >>> camel("password_hash"), camel("id"), camel("x2_y")
    ('passwordHash', 'id', 'x2Y')
    """
    text = _pascal(name)
    return text[:1].lower() + text[1:]
