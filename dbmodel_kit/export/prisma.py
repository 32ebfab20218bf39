"""Prisma ``schema.prisma`` for PostgreSQL: models, enums, ``@db.*`` native types, relations.

Models are PascalCase and fields camelCase, mapped back to the snake_case tables and columns with
``@@map`` / ``@map``, so the database keeps the model's names. Every constraint and index keeps
its name (``map:``). Prisma cannot declare CHECK constraints, partial indexes or INTERVAL columns;
those are written as ``//`` comments saying the SQL migration holds them. The output is aligned
the way ``prisma format`` aligns it (the tests check that formatting changes nothing).

>>> from dbmodel_kit.examples import ecommerce
>>> text = to_prisma(ecommerce())
>>> 'createdByUser User @relation("fk_products_created_by_users"' in " ".join(text.split())
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ..model.schema import Column, Default, Schema, Table
from ..model.types import DataType
from .names import attribute_name, camel, class_names, relationships

__all__ = ["to_prisma"]


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a Prisma string literal uses JSON's escapes


#: logical kind -> (Prisma scalar, native type attribute or None) for the postgresql provider
PRISMA_TYPES: dict[str, Callable[[DataType], tuple[str, str | None]]] = {
    "uuid": lambda t: ("String", "@db.Uuid"),
    "smallint": lambda t: ("Int", "@db.SmallInt"),
    "integer": lambda t: ("Int", None),
    "bigint": lambda t: ("BigInt", None),
    "decimal": lambda t: ("Decimal", f"@db.Decimal({t.precision}, {t.scale or 0})" if t.precision else None),
    "real": lambda t: ("Float", "@db.Real"),
    "double": lambda t: ("Float", None),
    "boolean": lambda t: ("Boolean", None),
    "char": lambda t: ("String", f"@db.Char({t.length or 1})"),
    "varchar": lambda t: ("String", f"@db.VarChar({t.length})" if t.length else "@db.VarChar"),
    "text": lambda t: ("String", None),
    "date": lambda t: ("DateTime", "@db.Date"),
    "time": lambda t: ("DateTime", "@db.Time(6)"),
    "timestamp": lambda t: ("DateTime", "@db.Timestamp(6)"),
    "timestamptz": lambda t: ("DateTime", "@db.Timestamptz(6)"),
    "interval": lambda t: ('Unsupported("interval")', None),
    "json": lambda t: ("Json", None),
    "bytes": lambda t: ("Bytes", None),
}

#: model foreign-key action -> Prisma referential action
ACTIONS = {"CASCADE": "Cascade", "SET NULL": "SetNull", "RESTRICT": "Restrict", "NO ACTION": "NoAction",
           "SET DEFAULT": "SetDefault"}


def _enum_value(value: str) -> tuple[str, str | None]:
    """A Prisma enum member for ``value`` and the ``@map`` it needs when it is not an identifier."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value):
        return value, None
    text = re.sub(r"\W", "_", value)
    return ("V_" + text if not text[:1].isalpha() else text), value


def _default(c: Column, d: Default, schema: Schema) -> str:
    if d.kind == "now":
        return "@default(now())"
    if d.kind == "uuid":
        return f'@default(dbgenerated({_s("gen_random_uuid()")}))'
    if d.kind == "identity":
        return "@default(autoincrement())"
    if d.kind == "expression":
        return f"@default(dbgenerated({_s(str(d.value))}))"
    v = d.value
    if c.type.kind == "enum":
        return f"@default({_enum_value(str(v))[0]})"
    if isinstance(v, bool):
        return f"@default({'true' if v else 'false'})"
    if isinstance(v, int | float):
        return f"@default({v})"
    if c.type.kind in ("json",):
        return f"@default({_s(str(v))})"
    if c.type.kind in PRISMA_TYPES and PRISMA_TYPES[c.type.kind](c.type)[0] == "String":
        return f"@default({_s(str(v))})"
    return f"@default(dbgenerated({_s(repr(v) if not isinstance(v, str) else _quote_sql(v))}))"


def _quote_sql(value: str) -> str:
    from sqlglot import exp

    return exp.Literal.string(value).sql("postgres")


def _block(rows: list[list[str]], extra: list[str]) -> list[str]:
    """Fields aligned in columns the way ``prisma format`` does; block attributes after a blank line."""
    out: list[str] = []
    widths = [max((len(r[i]) for r in rows if len(r) > i + 1 and not r[0].startswith("//")), default=0)
              for i in range(2)]
    for r in rows:
        if r[0].startswith("//"):
            out.append("  " + r[0])
            continue
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]) if len(r) > 2 else r[1]]
        if len(r) > 2:
            cells.append(r[2])
        out.append(("  " + " ".join(cells)).rstrip())
    if extra:
        out.append("")
        out += ["  " + e for e in extra]
    return out


def _model(t: Table, schema: Schema, classes: dict[str, str], enum_names: dict[str, str],
           rels: dict[str, list]) -> list[str]:
    rows: list[list[str]] = []
    extra: list[str] = []
    single_unique = {u.columns[0]: u.name for u in t.uniques if len(u.columns) == 1}
    fields: dict[str, str] = {}
    for c in t.columns:
        field = camel(attribute_name(c.name))
        fields[c.name] = field
    for c in t.columns:
        attrs: list[str] = []
        if c.type.kind == "enum":
            scalar, native = enum_names[c.type.enum or ""], None
        else:
            scalar, native = PRISMA_TYPES[c.type.kind](c.type)
        if t.primary_key == (c.name,):
            attrs.append("@id")
        if c.default is not None:
            attrs.append(_default(c, c.default, schema))
        if c.name in single_unique:
            attrs.append(f"@unique(map: {_s(single_unique[c.name])})")
        if fields[c.name] != c.name:
            attrs.append(f"@map({_s(c.name)})")
        if native:
            attrs.append(native)
        if c.comment:
            rows.append([f"/// {' '.join(c.comment.splitlines())}"])
        optional = "?" if c.nullable and not scalar.startswith("Unsupported") else ""
        if c.generated:
            rows.append([f"// {c.name} is generated: {' '.join(c.generated.splitlines())} (see the SQL migration)"])
        rows.append([fields[c.name], scalar + optional, " ".join(attrs)])
    for r in rels[t.name]:
        target = classes[r.target]
        fk = r.fk
        rel_name = _s(fk.name)  # every relation is named after its key: both sides always agree
        name = camel(r.name)
        if r.many:
            owner = schema.table(r.owner)
            one = owner.is_unique(fk.columns)
            args = f"@relation({rel_name})" if rel_name else ""
            rows.append([name, target + ("?" if one else "[]"), args])
            continue
        parts = [rel_name] if rel_name else []
        parts.append(f"fields: [{', '.join(fields[c] for c in fk.columns)}]")
        ref_fields = [camel(attribute_name(c)) for c in fk.ref_columns]
        parts.append(f"references: [{', '.join(ref_fields)}]")
        if fk.on_delete:
            parts.append(f"onDelete: {ACTIONS[fk.on_delete]}")
        if fk.on_update:
            parts.append(f"onUpdate: {ACTIONS[fk.on_update]}")
        parts.append(f"map: {_s(fk.name)}")
        optional = "?" if any(t.column(c).nullable for c in fk.columns) else ""
        rows.append([name, target + optional, f"@relation({', '.join(p for p in parts if p)})"])
    if len(t.primary_key) > 1:
        extra.append(f"@@id([{', '.join(fields[c] for c in t.primary_key)}])")
    for u in t.uniques:
        if len(u.columns) > 1:
            extra.append(f"@@unique([{', '.join(fields[c] for c in u.columns)}], map: {_s(u.name)})")
    for ix in t.indexes:
        cols = ", ".join(fields[c] for c in ix.columns)
        if ix.where:
            extra.append(f"// index {ix.name} is partial (WHERE {' '.join(ix.where.splitlines())}); "
                         "Prisma cannot declare it, the SQL migration creates it")
            continue
        kw = f", map: {_s(ix.name)}"
        if ix.method and ix.method != "btree":
            kw += f", type: {ix.method.capitalize()}"
        extra.append(f"@@{'unique' if ix.unique else 'index'}([{cols}]{kw})")
    for ck in t.checks:
        extra.append(f"// check {ck.name}: {' '.join(ck.expression.splitlines())} (in the SQL migration)")
    extra.append(f"@@map({_s(t.name)})")
    head = [f"/// {' '.join(t.comment.splitlines())}"] if t.comment else []
    return [*head, f"model {classes[t.name]} {{", *_block(rows, extra), "}"]


def to_prisma(schema: Schema, *, provider: str = "postgresql") -> str:
    """The ``schema.prisma`` text for ``schema`` (PostgreSQL native types)."""
    classes = class_names(schema)
    rels = relationships(schema)
    used = set(classes.values())
    enum_names: dict[str, str] = {}
    for e in schema.enums:
        base = classes_name = re.sub(r"\W", "", "".join(p[:1].upper() + p[1:] for p in e.name.split("_"))) or "Enum"
        n = 2
        while classes_name in used:
            classes_name, n = f"{base}{n}", n + 1
        used.add(classes_name)
        enum_names[e.name] = classes_name
    out = ["// Prisma schema generated by dbmodel-kit from the schema model.", "",
           "generator client {", '  provider = "prisma-client-js"', "}", "",
           "datasource db {", f"  provider = {_s(provider)}", "}"]
    for e in schema.enums:
        rows = []
        for v in e.values:
            member, mapped = _enum_value(v)
            rows.append([member, f"@map({_s(mapped)})"] if mapped else [member])
        width = max(len(r[0]) for r in rows)
        body = [("  " + r[0].ljust(width) + " " + r[1]) if len(r) > 1 else "  " + r[0] for r in rows]
        out += ["", f"enum {enum_names[e.name]} {{", *body, "", f"  @@map({_s(e.name)})", "}"]
    for t in schema.tables:
        out += ["", *_model(t, schema, classes, enum_names, rels)]
    return "\n".join(out) + "\n"
