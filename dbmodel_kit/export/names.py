"""Names the exporters share: class names per table, attribute names per column, and the
relationship pair each foreign key becomes (named apart when several keys join the same tables)."""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.schema import ForeignKey, Schema, Table

__all__ = ["Relationship", "attribute_name", "camel", "class_names", "column_attributes", "relationships",
           "required_unique", "table_word"]

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


def _shared_names(schema: Schema) -> frozenset[str]:
    """The bare names several tables hold (one name in two schemas: ``sales.orders``, ``archive.orders``)."""
    seen: set[str] = set()
    shared: set[str] = set()
    for t in schema.tables:
        (shared if t.name in seen else seen).add(t.name)
    return frozenset(shared)


def table_word(t: Table, shared: frozenset[str]) -> str:
    """The word naming ``t`` in generated code: its name, or ``<schema>_<name>`` when another schema
    holds a table of the same name (so the two are told apart by what they are, not by a number)."""
    return f"{t.schema}_{t.name}" if t.name in shared and t.schema is not None else t.name


def class_names(schema: Schema, taken: Iterable[str] = ()) -> dict[str, str]:
    """Table key -> a unique CamelCase singular class name, none of ``taken`` (names the module
    using them already binds, such as its imports). A name two schemas hold is prefixed with the schema's
    (``sales.orders`` and ``archive.orders``: ``SalesOrder``, ``ArchiveOrder``).

    >>> from dbmodel_kit.examples import ecommerce
    >>> class_names(ecommerce())["order_items"], class_names(ecommerce())["categories"]
    ('OrderItem', 'Category')
    """
    out: dict[str, str] = {}
    used: set[str] = set(_RESERVED) | set(taken)
    shared = _shared_names(schema)
    for t in schema.tables:
        base = _pascal(_singular(t.name))
        if t.name in shared and t.schema is not None:
            base = _pascal(t.schema) + base
        if keyword.iskeyword(base):  # a table called true, none or false: no Python class True
            base += "_"
        name, n = base, 2
        while name in used:
            name, n = f"{base}{n}", n + 1
        used.add(name)
        out[t.key] = name
    return out


def attribute_name(column: str) -> str:
    """A Python attribute for a column name (``class`` -> ``class_``, ``order id`` -> ``order_id``)."""
    text = re.sub(r"\W", "_", column)
    if not text or text[0].isdigit():
        text = "c_" + text
    if keyword.iskeyword(text) or text in _RESERVED:
        text += "_"
    return text


@functools.lru_cache(maxsize=4096)
def column_attributes(t: Table) -> dict[str, str]:
    """Column name -> an attribute name of its own in ``t``: :func:`attribute_name`, numbered where two
    columns would share it, in Python (``first name`` and ``first_name``) or in camelCase (``firstName``
    and ``first name``: one TypeScript property or Prisma field twice). (Cached: do not change the dict.)

    >>> from dbmodel_kit.model.spec import build_table
    >>> column_attributes(build_table("t", {"firstName": "text", "first name": "text", "first_name": "text"}))
    {'firstName': 'firstName', 'first name': 'first_name_2', 'first_name': 'first_name_3'}
    """
    out: dict[str, str] = {}
    snake: set[str] = set()
    camels: set[str] = set()
    for c in t.columns:
        base = attribute_name(c.name)
        name, n = base, 2
        while name in snake or camel(name) in camels:
            name, n = f"{base}_{n}", n + 1
        snake.add(name)
        camels.add(camel(name))
        out[c.name] = name
    return out


@dataclass(frozen=True)
class Relationship:
    """One side of a foreign key as an ORM relationship (``table``, ``target`` and ``owner`` are table keys)."""

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
    """For each table (by key), its relationships: the many-to-one side per foreign key and the
    one-to-many side on the referenced table, named apart when several keys join the same two tables.

    >>> from dbmodel_kit.examples import ecommerce
    >>> [r.name for r in relationships(ecommerce())["users"]][:3]
    ['products_created_by', 'products_updated_by', 'orders']
    """
    out: dict[str, list[Relationship]] = {t.key: [] for t in schema.tables}
    taken: dict[str, set[str]] = {t.key: set(column_attributes(t).values()) | _RESERVED for t in schema.tables}
    shared = _shared_names(schema)
    # (apart in camelCase too: TypeScript properties and Prisma fields are the camelCase names)
    camels: dict[str, set[str]] = {k: {camel(x) for x in v} for k, v in taken.items()}

    def claim(table: str, name: str) -> str:
        name, base, n = attribute_name(name), attribute_name(name), 2
        while name in taken[table] or camel(name) in camels[table]:
            name, n = f"{base}_{n}", n + 1
        taken[table].add(name)
        camels[table].add(camel(name))
        return name

    for t in schema.tables:
        for fk in t.foreign_keys:
            siblings = sum(1 for k in t.foreign_keys if k.ref_table == fk.ref_table)
            ref = schema.table(fk.ref_table)
            stem = _stem(fk, table_word(ref, shared))
            child = claim(t.key, stem)
            word = table_word(t, shared)
            if ref.key == t.key:
                parent = claim(t.key, "children" if siblings == 1 else f"{stem}_children")
            else:
                parent = claim(ref.key, word if siblings == 1 else f"{word}_{fk.columns[0]}")
            out[t.key].append(Relationship(t.key, child, ref.key, False, fk, t.key, parent))
            out[ref.key].append(Relationship(ref.key, parent, t.key, True, fk, t.key, child))
    return out




def camel(name: str) -> str:
    """``order_items`` -> ``orderItems`` (a field name for Prisma and TypeScript).

    >>> camel("password_hash"), camel("id"), camel("x2_y")
    ('passwordHash', 'id', 'x2Y')
    """
    text = _pascal(name)
    return text[:1].lower() + text[1:]


def required_unique(t: Table) -> tuple[str, ...] | None:
    """The columns of the first unique set of ``t`` whose columns are all NOT NULL (a UNIQUE
    constraint, then a unique index without WHERE over plain columns): what an ORM can identify a
    row by when the table has no primary key. None when there is none.

    >>> from dbmodel_kit.io import loads
    >>> required_unique(loads("tables: {t: {columns: {a: int, b: int unique not null}}}", "yaml").table("t"))
    ('b',)
    """
    names = set(t.column_names)
    sets = [u.columns for u in t.uniques] + [ix.columns for ix in t.indexes if ix.unique and ix.where is None]
    for cols in sets:
        if cols and all(c in names and not t.column(c).nullable for c in cols):
            return tuple(cols)
    return None
