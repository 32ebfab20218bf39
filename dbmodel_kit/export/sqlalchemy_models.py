"""SQLAlchemy 2.0 declarative models (``Mapped[...]``, ``mapped_column``) as Python source text.

The module is rendered from :func:`dbmodel_kit.ddl.to_metadata` for one dialect, so every type,
server default, identity, generated column, constraint and index is the one our own DDL emits for
that engine: ``Base.metadata.create_all`` builds the same schema as :func:`dbmodel_kit.ddl.apply`.
Types are printed with their SQLAlchemy ``repr`` (the type table lives in
:mod:`dbmodel_kit.dialects`, not here); ``Mapped[...]`` annotations use each type's
``python_type``. Foreign keys become ``ForeignKeyConstraint`` in ``__table_args__`` plus a pair of
relationships with ``back_populates`` (named after the key column when several keys point at the
same table). Views and verbatim objects (triggers, routines) are the kit's own statements in
``sa.DDL`` events on the metadata (created after the tables, views dropped before them); so is
``ALTER TABLE ... ATTACH PARTITION`` of each partition where the engine has partitioning (elsewhere
partitions are not made, as the kit's DDL, said in the module's head).

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

from ..ddl import enum_check_name, sa_table, sa_type, to_metadata
from ..dialects import Dialect, Spelled, SpelledInteger, get_dialect
from ..model.naming import qualify
from ..model.schema import Schema, Table, dependency_order
from ..model.types import DataType
from .names import attribute_name, class_names, column_attributes, relationships, required_unique

__all__ = ["to_sqlalchemy"]

#: The module's own classes for a type written exactly as the schema spells it (a native spelling,
#: or an engine type SQLAlchemy has no class for: dbmodel_kit.dialects.Spelled / SpelledInteger),
#: so the module needs nothing but SQLAlchemy.
_SPELLED_CLASSES = {
    "Spelled": '''class Spelled(sa.types.UserDefinedType):  # type: ignore[type-arg]
    """A column type written exactly as the schema spells it for this engine."""

    cache_ok = True

    def __init__(self, spelling: str) -> None:
        self.spelling = spelling

    def get_col_spec(self, **kw: Any) -> str:
        return self.spelling''',
    "SpelledInteger": '''class SpelledInteger(sa.types.Integer):
    """An integer type written exactly as the schema spells it (still an integer: it can be an identity)."""

    cache_ok = True

    def __init__(self, spelling: str) -> None:
        self.spelling = spelling


@compiles(SpelledInteger)
def _spelled_integer(element: SpelledInteger, compiler: Any, **kw: Any) -> str:
    return element.spelling''',
}

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
    spelled: set[str] = field(default_factory=set)

    def type(self, t: sa.types.TypeEngine) -> str:
        if type(t) in (Spelled, SpelledInteger):
            name = type(t).__name__
            self.spelled.add(name)
            self.imports.add("from typing import Any")
            if name == "SpelledInteger":
                self.imports.add("from sqlalchemy.ext.compiler import compiles")
            return f"{name}({t.spelling!r})"  # type: ignore[attr-defined]
        module = type(t).__module__
        for prefix, alias in _TYPE_MODULES:
            if module.startswith(prefix):
                if alias != "sa":
                    self.imports.add(f"from sqlalchemy.dialects import {alias}")
                if isinstance(t, sa.types.ARRAY):
                    # the element named as any type (postgresql.ENUM of a SET's array, not sa.ENUM)
                    dims = f", dimensions={t.dimensions!r}" if t.dimensions else ""
                    return f"{alias}.ARRAY({self.type(t.item_type)}{dims})"
                head, _, args = repr(t).partition("(")
                # nested types in the arguments (JSONB(astext_type=Text())) are core types: qualify them
                args = re.sub(r"(?<![\w.])([A-Z]\w*)\(", r"sa.\1(", args)
                if head == "DOMAIN" and args.endswith(")"):
                    # the kit's DDL makes the domain with its NOT NULL, default and CHECKs (a DDL
                    # event below); SQLAlchemy's repr drops create_type=False and would make a bare one
                    args = args[:-1] + ", create_type=False)"
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
    enum_key = qualify(getattr(col.type, "schema", None), enum_name) if isinstance(enum_name, str) else None
    if enum_key in enum_names:
        args.append(enum_names[enum_key])
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


def _mapper_key(t: Table, table: sa.Table) -> list[str]:
    """``__mapper_args__`` naming the columns the mapper identifies a row by, for a table with no
    primary key (SQLAlchemy maps no class without one: "could not assemble any primary key
    columns"): its first NOT NULL unique set, else every column of a hashable type (the ORM keys
    its identity map on these values). The table itself keeps no primary key (create_all makes
    none)."""
    attrs = column_attributes(t)
    key = required_unique(t)
    if key is not None:
        why = "by its NOT NULL unique columns"
    else:
        key = tuple(c.name for c in t.columns if getattr(table.c[c.name].type, "hashable", True)) or t.column_names
        why = ("by all its columns" if len(key) == len(t.columns) else "by all its columns of a hashable type") + \
            " (no NOT NULL unique set)"
    return ["",
            "    # no primary key in this table (it keeps none), and SQLAlchemy maps no class without one:",
            f"    # the mapper identifies a row {why}",
            f"    __mapper_args__ = {{\"primary_key\": [{', '.join(attrs[c] for c in key)}]}}"]


def _timing(c: sa.Constraint) -> list[tuple[str, str]]:
    """DEFERRABLE and INITIALLY of a constraint, as keyword arguments (PostgreSQL checks it at commit)."""
    kw = [("deferrable", "True")] if c.deferrable else []
    return kw + ([("initially", repr(c.initially))] if c.deferrable and c.initially else [])


def _table_args(w: _Writer, t: Table, table: sa.Table, deferred: set[str], classes: dict[str, str]) -> list[str]:
    items: list[str] = []
    # table.constraints is a set: walk the model's order so the output is deterministic
    named = {c.name: c for c in table.constraints if c.name}
    order = [enum_check_name(t.name, c.name) for c in t.columns] + [u.name for u in t.uniques]
    order += [ck.name for ck in t.checks] + [fk.name for fk in t.foreign_keys]
    # then what the DDL adds beside the model's own (a domain's CHECK on an engine without domains)
    order += sorted(n for n, c in named.items() if n not in order and not isinstance(c, sa.PrimaryKeyConstraint))
    in_column_order = tuple(c.name for c in t.columns if c.name in t.primary_key)
    if (len(t.primary_key) > 1 and tuple(t.primary_key) != in_column_order) or table.primary_key.deferrable:
        # primary_key=True on each column orders the key by the columns (the model's order is said
        # here), and says nothing of when it is checked
        pk_name = table.primary_key.name
        kw = [("name", repr(pk_name))] if pk_name else []
        args = [repr(c) for c in t.primary_key] + [f"{k}={v}" for k, v in kw + _timing(table.primary_key)]
        items.append(f"sa.PrimaryKeyConstraint({', '.join(args)})")
    for name in order:
        c = named.get(name)
        if isinstance(c, sa.UniqueConstraint):
            cols = ", ".join(repr(x.name) for x in c.columns)
            items.append(f"sa.UniqueConstraint({cols}, {_kwargs([('name', repr(c.name)), *_timing(c)])})")
        elif isinstance(c, sa.CheckConstraint):
            items.append(f"sa.CheckConstraint({w.expr(c.sqltext)}, name={c.name!r})")
        elif isinstance(c, sa.ForeignKeyConstraint):
            local = ", ".join(repr(e.parent.name) for e in c.elements)
            # the referred table by its full name: schema.table.column for a table in a named schema
            remote = ", ".join(repr(f"{e.column.table.fullname}.{e.column.name}") for e in c.elements)
            kw = [("name", repr(c.name))]
            if c.ondelete:
                kw.append(("ondelete", repr(c.ondelete)))
            if c.onupdate:
                kw.append(("onupdate", repr(c.onupdate)))
            if c.name in deferred:
                kw.append(("use_alter", "True"))
            kw += _timing(c)
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
    kw2 = {"schema": table.schema} if table.schema is not None else {}
    kw2.update(table.kwargs)
    if table.comment:
        kw2["comment"] = table.comment
    if kw2:
        items.append("{" + ", ".join(f"{k!r}: {v!r}" for k, v in kw2.items()) + "}")
    return items


def to_sqlalchemy(schema: Schema, dialect: Dialect | str = "postgresql") -> str:
    """The SQLAlchemy 2.0 declarative module for ``schema`` as ``dialect`` stores it."""
    from ..ddl.names import physical
    from ..ddl.objects import beside_tables, without_partitions

    d = get_dialect(dialect)
    # a partition is a table of its own where the engine has partitioning (attached by a DDL event
    # below), and is not made elsewhere (the partitioned table is a plain one), as the kit's DDL
    skipped = [n for n in beside_tables(schema) if n.startswith(("partition ", "partitioning "))]
    schema, _ = without_partitions(schema, d)
    # the names the engine stores (ddl.names.physical), which the metadata below has too: an index name
    # several tables share is <table>_<name> where the engine keeps index names per schema (Sakila's
    # idx_fk_address_id: ValueError 'customer_idx_fk_address_id' is not in list)
    schema = physical(schema, d)[0]
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
            var = attribute_name(e.key.replace(".", "_")).upper() + "_ENUM"
            enum_vars[e.key] = var
            values = ", ".join(repr(v) for v in e.values)
            # the dialect's own enum class (from the type table), spelled with its module alias
            enum_type = sa_type(DataType("enum", enum=e.key), d, schema)
            ctor = w.type(enum_type).split("(")[0]
            name = repr(e.name)
            prep = d.compile_dialect().identifier_preparer
            if prep.format_type(enum_type, use_schema=False) != prep.quote(e.name):
                # a keyword the engine takes as a column name but not as a type name (position,
                # row, ...): SQLAlchemy quotes only reserved words, so the name says to quote it
                enum_lines.append(f"# {e.name!r} names no type unquoted on {d.name}")
                name = f"sa.sql.quoted_name({e.name!r}, quote=True)"
            in_schema = f", schema={e.schema!r}" if e.schema is not None else ""
            enum_lines.append(f"{var} = {ctor}({values}, name={name}{in_schema}, metadata=Base.metadata)")
    body: list[str] = []
    for t in schema.tables:
        table = sa_table(md, t)
        cls = classes[t.key]
        body += ["", "", f"class {cls}(Base):"]
        doc = t.comment or f"Table {t.key}."
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
            attr = column_attributes(t)[c.name]
            # a spelled type is annotated as its logical kind (a Spelled type has no Python type)
            typed = sa_type(c.type.logical, d, schema) if isinstance(col.type, Spelled) and c.type.portable \
                else col.type
            ann = w.pytype(typed, bool(col.nullable))
            body.append(f"    {attr}: Mapped[{ann}] = {_column(w, col, attr, c.name in t.primary_key, enum_vars)}")
        if not t.primary_key:
            body += _mapper_key(t, table)
        if rels[t.key]:
            body.append("")
        for r in rels[t.key]:
            target = classes[r.target]
            owner = classes[r.owner]
            fk_cols = ", ".join(f"{owner}.{column_attributes(schema.table(r.owner))[c]}" for c in r.fk.columns)
            kw = [("foreign_keys", repr(f"[{fk_cols}]")), ("back_populates", repr(r.back))]
            if r.many:
                ann = f"list[{target}]"
            else:
                nullable = any(t.column(c).nullable for c in r.fk.columns)
                ann = f"{target} | None" if nullable else target
                if r.target == r.owner:
                    ref_attrs = column_attributes(schema.table(r.target))
                    remote = ", ".join(f"{target}.{ref_attrs[c]}" for c in r.fk.ref_columns)
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
    for name in sorted(w.spelled):
        lines += ["", "", _SPELLED_CLASSES[name]]
    if enum_lines:
        lines += ["", "", *enum_lines]
    # declarative models map tables; views and verbatim objects (triggers, routines) are created by
    # DDL events on the metadata, as the kit's DDL writes them, and so are partitions attached
    events = _object_events(schema, d)
    if skipped and not d.partitions:
        lines[1:1] = ["# not carried by these models (kept in the DDL / migrations):", *[f"#   {n}" for n in skipped]]
    return "\n".join(lines + body + events) + "\n"


def _object_events(schema: Schema, d: Dialect) -> list[str]:
    """``sa.event.listen`` lines creating the schema's views and verbatim objects after the tables
    (``create_all``) and dropping its views before them (``drop_all``), with the statements of
    :func:`dbmodel_kit.ddl.statements` / :func:`~dbmodel_kit.ddl.drop_statements`."""
    from ..ddl import drop_statements, statements
    from ..ddl.objects import extensions, object_order

    items, _ = object_order(schema, d)
    made = statements(schema, d)  # (once: each call compiles every table)
    attach = [st.sql for st in made if st.sql and st.kind == "partition"] \
        if d.partitions and any(t.partition_of for t in schema.tables) else []
    # domains and sequences are made by the kit's DDL before the tables (a column's domain type and
    # its default nextval('seq') must exist at CREATE TABLE): create_all makes no sequence only named
    # in a default, and a domain only as DOMAIN's arguments say (its CHECKs left out)
    first = [st.sql for st in made if st.sql and st.kind in ("domain", "sequence")]
    if not items and not attach and not first:
        return []
    keys = {item.key for item in items} - {x.key for x in extensions(schema, d)}
    kinds = {"view", "comment"} | {item.kind for item in items if not hasattr(item, "query")}
    create = [st.sql for st in made if st.sql and st.target in keys and st.kind in kinds]
    drop = [st.sql for st in drop_statements(schema, d) if st.sql and st.target in keys]
    create = attach + create  # (ALTER TABLE ... ATTACH PARTITION once both tables exist, before the views)
    out = ["", "", "# domains and sequences made before the tables; partitions attached, views and other objects "
           "created after them, and dropped before them (as the kit's DDL)"]
    # sa.DDL formats its text with %: a literal % is written %%
    out += [f"sa.event.listen(Base.metadata, 'before_create', sa.DDL({sql.replace('%', '%%')!r}))" for sql in first]
    out += [f"sa.event.listen(Base.metadata, 'after_create', sa.DDL({sql.replace('%', '%%')!r}))" for sql in create]
    out += [f"sa.event.listen(Base.metadata, 'before_drop', sa.DDL({sql.replace('%', '%%')!r}))" for sql in drop]
    return out
