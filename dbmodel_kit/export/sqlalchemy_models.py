"""SQLAlchemy 2.0 declarative models (``Mapped[...]``, ``mapped_column``) as Python source text.

The module is rendered from :func:`dbmodel_kit.ddl.to_metadata` for one dialect, so every type,
server default, identity, generated column, constraint and index is the one our own DDL emits for
that engine: ``Base.metadata.create_all`` builds the same schema as :func:`dbmodel_kit.ddl.apply`.
Types are printed with their SQLAlchemy ``repr`` (the type table lives in
:mod:`dbmodel_kit.dialects`, not here); ``Mapped[...]`` annotations use each type's
``python_type``. Foreign keys become ``ForeignKeyConstraint`` in ``__table_args__`` plus a pair of
relationships with ``back_populates`` (named after the key column when several keys point at the
same table).

>>> from dbmodel_kit.examples import ecommerce
>>> src = to_sqlalchemy(ecommerce(), "postgresql")
>>> "class Product(Base):" in src and 'category: Mapped[Category] = relationship(' in src
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..ddl import enum_check_name, sa_type, to_metadata
from ..dialects import Dialect, get_dialect
from ..model.schema import Schema, Table, dependency_order
from ..model.types import DataType
from .names import attribute_name, class_names, relationships

__all__ = ["to_sqlalchemy"]

#: where a type's class lives -> the name the generated module imports it under
_TYPE_MODULES = (
    ("sqlalchemy.dialects.postgresql", "postgresql"),
    ("sqlalchemy.dialects.mysql", "mysql"),
    ("sqlalchemy.dialects.sqlite", "sqlite"),
    ("sqlalchemy.", "sa"),
)


@dataclass
class _Writer:
    dialect: Dialect
    imports: set[str] = field(default_factory=set)

    def type(self, t: sa.types.TypeEngine) -> str:
        module = type(t).__module__
        for prefix, alias in _TYPE_MODULES:
            if module.startswith(prefix):
                if alias != "sa":
                    self.imports.add(f"from sqlalchemy.dialects import {alias}")
                head, _, args = repr(t).partition("(")
                # nested types in the arguments (JSONB(astext_type=Text())) are core types: qualify them
                args = re.sub(r"(?<![\w.])([A-Z]\w*)\(", r"sa.\1(", args)
                return f"{alias}.{head}({args}" if args else f"{alias}.{head}"
        raise ValueError(f"cannot name type {t!r} from module {module}")  # pragma: no cover

    def expr(self, value: Any) -> str:
        """A server default / check / index WHERE as source: a string literal or ``sa.text(...)``."""
        if isinstance(value, str):
            return repr(value)
        compiled = str(value.compile(dialect=self.dialect.compile_dialect()))
        return f"sa.text({compiled!r})"

    def pytype(self, t: sa.types.TypeEngine, nullable: bool) -> str:
        try:
            py = t.python_type
        except NotImplementedError:
            py = object
        if py is object or py is dict or py is list:
            self.imports.add("from typing import Any")
            name = "Any"
        elif py.__module__ == "builtins":
            name = py.__name__
        else:
            self.imports.add(f"import {py.__module__}")
            name = f"{py.__module__}.{py.__qualname__}"
        return f"{name} | None" if nullable and name != "Any" else name


def _kwargs(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{k}={v}" for k, v in pairs)


def _column(w: _Writer, col: sa.Column[Any], attr: str, pk: bool, enum_names: dict[str, str]) -> str:
    args: list[str] = []
    if attr != col.name:
        args.append(repr(col.name))
    enum_name = getattr(col.type, "name", None)
    if enum_name in enum_names:
        args.append(enum_names[enum_name])
    else:
        args.append(w.type(col.type))
    if col.identity is not None:
        args.append("sa.Identity()")
    if col.computed is not None:
        args.append(f"sa.Computed({w.expr(col.computed.sqltext)}, persisted={col.computed.persisted!r})")
    kw: list[tuple[str, str]] = []
    if pk:
        kw.append(("primary_key", "True"))
    kw.append(("nullable", repr(bool(col.nullable))))
    if col.autoincrement is True:
        kw.append(("autoincrement", "True"))
    elif pk and col.identity is None:
        kw.append(("autoincrement", "False"))
    if isinstance(col.server_default, sa.DefaultClause):
        kw.append(("server_default", w.expr(col.server_default.arg)))  # type: ignore[attr-defined]
    if col.comment:
        kw.append(("comment", repr(col.comment)))
    return f"mapped_column({', '.join(args)}, {_kwargs(kw)})"


def _table_args(w: _Writer, t: Table, table: sa.Table, deferred: set[str], classes: dict[str, str]) -> list[str]:
    items: list[str] = []
    # table.constraints is a set: walk the model's order so the output is deterministic
    named = {c.name: c for c in table.constraints if c.name}
    order = [enum_check_name(t.name, c.name) for c in t.columns] + [u.name for u in t.uniques]
    order += [ck.name for ck in t.checks] + [fk.name for fk in t.foreign_keys]
    for name in order:
        c = named.get(name)
        if isinstance(c, sa.UniqueConstraint):
            cols = ", ".join(repr(x.name) for x in c.columns)
            items.append(f"sa.UniqueConstraint({cols}, name={c.name!r})")
        elif isinstance(c, sa.CheckConstraint):
            items.append(f"sa.CheckConstraint({w.expr(c.sqltext)}, name={c.name!r})")
        elif isinstance(c, sa.ForeignKeyConstraint):
            local = ", ".join(repr(e.parent.name) for e in c.elements)
            remote = ", ".join(repr(f"{e.column.table.name}.{e.column.name}") for e in c.elements)
            kw = [("name", repr(c.name))]
            if c.ondelete:
                kw.append(("ondelete", repr(c.ondelete)))
            if c.onupdate:
                kw.append(("onupdate", repr(c.onupdate)))
            if c.name in deferred:
                kw.append(("use_alter", "True"))
            items.append(f"sa.ForeignKeyConstraint([{local}], [{remote}], {_kwargs(kw)})")
    model_order = [x.name for x in t.indexes]
    for ix in sorted(table.indexes, key=lambda i: model_order.index(str(i.name))):
        cols = ", ".join(repr(x.name) for x in ix.columns)
        kw = [("unique", "True")] if ix.unique else []
        for key, value in ix.dialect_kwargs.items():
            if value is None:
                continue
            if key.endswith("_where"):
                kw.append((key, w.expr(value)))
            elif value not in ({}, [], ()):
                kw.append((key, repr(value)))
        items.append(f"sa.Index({ix.name!r}, {cols}{', ' if kw else ''}{_kwargs(kw)})")
    kw2 = dict(table.kwargs)
    if table.comment:
        kw2["comment"] = table.comment
    if kw2:
        items.append("{" + ", ".join(f"{k!r}: {v!r}" for k, v in kw2.items()) + "}")
    return items


def to_sqlalchemy(schema: Schema, dialect: Dialect | str = "postgresql") -> str:
    """The SQLAlchemy 2.0 declarative module for ``schema`` as ``dialect`` stores it."""
    d = get_dialect(dialect)
    md = to_metadata(schema, d)
    w = _Writer(d)
    classes = class_names(schema)
    rels = relationships(schema)
    _, deferred_pairs = dependency_order(schema)
    deferred = {fk.name for _, fk in deferred_pairs}
    enum_vars: dict[str, str] = {}
    enum_lines: list[str] = []
    if d.enum_style == "type":
        for e in schema.enums:
            var = attribute_name(e.name).upper() + "_ENUM"
            enum_vars[e.name] = var
            values = ", ".join(repr(v) for v in e.values)
            # the dialect's own enum class (from the type table), spelled with its module alias
            ctor = w.type(sa_type(DataType("enum", enum=e.name), d, schema)).split("(")[0]
            enum_lines.append(f"{var} = {ctor}({values}, name={e.name!r}, metadata=Base.metadata)")
    body: list[str] = []
    for t in schema.tables:
        table = md.tables[t.name]
        cls = classes[t.name]
        body += ["", "", f"class {cls}(Base):"]
        doc = t.comment or f"Table {t.name}."
        body.append("    " + (f'"""{doc}"""' if '"' not in doc and "\\" not in doc and "\n" not in doc else repr(doc)))
        body.append("")
        body.append(f"    __tablename__ = {t.name!r}")
        args = _table_args(w, t, table, deferred, classes)
        if args:
            body.append("    __table_args__ = (")
            body += [f"        {a}," for a in args]
            body.append("    )")
        body.append("")
        for c in t.columns:
            col = table.c[c.name]
            attr = attribute_name(c.name)
            ann = w.pytype(col.type, bool(col.nullable))
            body.append(f"    {attr}: Mapped[{ann}] = {_column(w, col, attr, c.name in t.primary_key, enum_vars)}")
        if rels[t.name]:
            body.append("")
        for r in rels[t.name]:
            target = classes[r.target]
            owner = classes[r.owner]
            fk_cols = ", ".join(f"{owner}.{attribute_name(c)}" for c in r.fk.columns)
            kw = [("foreign_keys", repr(f"[{fk_cols}]")), ("back_populates", repr(r.back))]
            if r.many:
                ann = f"list[{target}]"
            else:
                nullable = any(t.column(c).nullable for c in r.fk.columns)
                ann = f"{target} | None" if nullable else target
                if r.target == r.owner:
                    remote = ", ".join(f"{target}.{attribute_name(c)}" for c in r.fk.ref_columns)
                    kw.append(("remote_side", repr(f"[{remote}]")))
            body.append(f"    {r.name}: Mapped[{ann}] = relationship({target!r}, {_kwargs(kw)})")
    head = [
        f'"""SQLAlchemy 2.0 models for {d.name}, generated by dbmodel-kit from the schema model."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    std = sorted((i for i in w.imports if i.startswith(("import ", "from typing"))), key=lambda i: i.split()[1])
    third = ["import sqlalchemy as sa", *sorted(i for i in w.imports if i.startswith("from sqlalchemy"))]
    third.append("from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship")
    lines = head + std + ([""] if std else []) + third + ["", "", "class Base(DeclarativeBase):",
                                                          '    """Declarative base of the generated models."""']
    if enum_lines:
        lines += ["", "", *enum_lines]
    return "\n".join(lines + body) + "\n"
