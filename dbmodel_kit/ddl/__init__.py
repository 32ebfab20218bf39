"""DDL for a :class:`~dbmodel_kit.model.schema.Schema` on PostgreSQL, MySQL/MariaDB, SQLite and DuckDB.

The schema becomes SQLAlchemy ``Table`` objects (:func:`to_metadata`) and every statement is
compiled from SQLAlchemy's DDL constructs (``CreateTable``, ``CreateIndex``, ``AddConstraint``,
``CreateEnumType``, ``CreateSequence``, ``SetTableComment``), so quoting is SQLAlchemy's job.
Tables come in foreign-key order; a foreign key closing a cycle is added afterwards with
``ALTER TABLE ... ADD CONSTRAINT`` where the engine allows it. Where an engine cannot store
something the model says, the closest safe thing is emitted and an SQL comment says so.

>>> from dbmodel_kit.model import Model
>>> m = Model()
>>> _ = m.add_table("users", id="integer pk identity", email="varchar(255) unique not null")
>>> print(create_sql(m.schema, "sqlite"), end="")  # doctest: +NORMALIZE_WHITESPACE
CREATE TABLE users (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
	email VARCHAR(255) NOT NULL,
	CONSTRAINT uq_users_email UNIQUE (email)
);
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
import sqlglot
from sqlalchemy.dialects.postgresql.named_types import CreateDomainType, CreateEnumType, DropDomainType, DropEnumType
from sqlalchemy.ext.compiler import compiles
from sqlglot import exp

from .._gc import fewer_collections
from ..dialects import WIDER_SIGNED, Dialect, Spelled, SpelledInteger, get_dialect, keep_postgres_words
from ..errors import ModelError
from ..model import naming
from ..model.naming import split_key
from ..model.schema import (
    Column,
    Default,
    Domain,
    ForeignKey,
    Index,
    Schema,
    Table,
    Verbatim,
    View,
    dependency_order,
)
from ..model.types import INTEGER_KINDS, DataType
from .objects import view_sql
from .sqltext import to_dialect

__all__ = [
    "AlterDomain", "AlterSequence", "CreateExtension", "SetSequenceOwner", "Statement", "apply", "check_folded_names",
    "create_engine",
    "create_sql", "declared", "domain_statements", "domain_type", "drop_sql", "enum_check_name", "extensions_for",
    "index_left_out", "key_support", "nextval_sql", "quote_key", "sa_column", "sa_sequence", "sa_type", "sequence_name",
    "sa_table", "shared_metadata", "statements", "stored_type", "to_metadata",
]


@dataclass(frozen=True)
class Statement:
    """One DDL statement (``sql`` without the trailing ``;``) or, with ``sql`` empty, a note."""

    kind: str  # extension, type, domain, sequence, table, index, comment, constraint, note, drop
    target: str
    sql: str = ""
    note: str = ""

    def text(self) -> str:
        if not self.sql:
            return sql_comment(self.note)
        return self.sql + ";"


def sql_comment(text: str) -> str:
    """``text`` as one ``--`` comment line; line breaks become spaces, so no text can end the
    comment and start a statement (a table named ``x\\nDROP TABLE y`` stays inside it).

    >>> sql_comment("a\\nDROP TABLE t")
    '-- a DROP TABLE t'
    """
    return "-- " + " ".join(str(text).splitlines()).replace("\x85", " ")


def _lit(sql: str) -> sa.ColumnElement[Any]:
    # SQL text already written for the dialect by sqlglot; rendered verbatim (no bind parameters)
    return sa.literal_column(sql)


def enum_check_name(table: str, column: str) -> str:
    """Name of the CHECK that stands in for an enum type on engines without one (SQLite)."""
    return naming.shorten(f"ck_{split_key(table)[1]}_{column}_enum")


def sequence_name(table: str, column: str) -> str:
    """Name of the sequence behind an identity column on engines without identity (DuckDB)."""
    return naming.shorten(f"{split_key(table)[1]}_{column}_seq")


def enum_check_sql(column: str, values: Iterable[str]) -> str:
    """``column IN ('a', 'b')`` as generic SQL, built as a sqlglot tree (values are literals)."""
    tree = exp.In(this=exp.column(column, quoted=True), expressions=[exp.Literal.string(v) for v in values])
    return tree.sql()


def sa_type(datatype: DataType | str, dialect: Dialect | str, schema: Schema | None = None) -> sa.types.TypeEngine:
    """The SQLAlchemy type that stores logical ``datatype`` on ``dialect``.

    >>> from sqlalchemy.dialects import postgresql
    >>> sa_type("timestamptz", "postgresql").compile(dialect=postgresql.dialect())
    'TIMESTAMP WITH TIME ZONE'
    >>> sa_type("uuid", "mysql")
    CHAR(length=36)
    """
    return stored_type(datatype, dialect, schema)[0]


def stored_type(datatype: DataType | str, dialect: Dialect | str,
                schema: Schema | None = None) -> tuple[sa.types.TypeEngine, list[str]]:
    """The SQLAlchemy type that stores ``datatype`` on ``dialect``, and what the DDL should say
    about it (a type stored as a near one: ``year`` as smallint on PostgreSQL, an unsigned
    integer as the next wider signed one, a collation given only for another engine).

    The type's native spelling for ``dialect``, when it has one, is used as written. A ``native``
    kind without a spelling for ``dialect``, and kinds the engine cannot hold (``cube`` outside
    PostgreSQL), raise :class:`~dbmodel_kit.errors.ModelError`.

    >>> t, notes = stored_type("integer unsigned", "postgresql")
    >>> t, notes
    (BigInteger(), ['integer unsigned stored as bigint (postgresql has no unsigned types; every value fits)'])
    >>> stored_type("text native(mysql: mediumtext)", "mysql")[0]
    Spelled('mediumtext')
    """
    d = get_dialect(dialect)
    t = DataType.parse(datatype)
    notes: list[str] = []
    native = t.native_for(d.name)
    if native is not None:
        base: sa.types.TypeEngine = SpelledInteger(native) if t.kind in INTEGER_KINDS else Spelled(native)
    else:
        base = _logical_type(t, d, schema, notes)
    return _collated(base, t, d, notes), notes


def _logical_type(t: DataType, d: Dialect, schema: Schema | None, notes: list[str]) -> sa.types.TypeEngine:
    if t.kind == "native":
        given = ", ".join(name for name, _ in t.native)
        raise ModelError(f"type {t} is native to {given} and has no {d.name} spelling; give one "
                         f"(native({d.name}: ...)) or change the column to a logical type")
    if t.kind in d.unsupported:
        raise ModelError(f"type {t}: {d.unsupported[t.kind]}")
    for param in ("length", "precision", "scale"):
        value, limit = getattr(t, param), d.type_limits.get(f"{t.kind}.{param}")
        if value is not None and limit is not None and value > limit[0]:
            raise ModelError(f"type {t}: {param} {value} is over {d.name}'s largest, {limit[0]:,} ({limit[1]})")
    if t.kind in ("enum", "set", "domain", "array"):
        return _schema_type(t, d, schema, notes)
    if t.unsigned and t.kind not in d.unsigned_types:
        wider = WIDER_SIGNED.get(t.kind)
        if wider is None:
            notes.append(f"{t} stored signed ({d.name} has no unsigned types)")
            return d.type_factory(t.kind)(replace(t, unsigned=False))
        notes.append(f"{t} stored as {wider} ({d.name} has no unsigned types; every value fits)")
        return d.type_factory(wider.kind)(wider)
    if t.kind in d.approximations:
        notes.append(f"{t}: {d.approximations[t.kind]}")
    return d.type_factory(t.kind)(t)


def _schema_type(t: DataType, d: Dialect, schema: Schema | None, notes: list[str]) -> sa.types.TypeEngine:
    """Types that name a schema-level object (enums, sets, domains) or hold another (arrays)."""
    if t.kind == "array":
        element, inner = stored_type(t.element, d, schema)  # type: ignore[arg-type]  # arrays have one
        notes.extend(inner)
        if d.array_style != "json":
            return _array_of(element, d)
        notes.append(f"{t}: {d.approximations.get('array', 'stored as JSON')}")
        return sa.JSON()
    if t.kind == "domain":
        if schema is None or not schema.has_domain(t.domain or ""):
            raise ModelError(f"type {t} needs the schema that declares domain {t.domain!r}")
        dom = schema.domain(t.domain or "")
        if d.domains:
            from sqlalchemy.dialects.postgresql import DOMAIN

            return DOMAIN(dom.name, stored_type(dom.base, d, schema)[0], create_type=False, schema=dom.schema)
        base, inner = stored_type(dom.base, d, schema)
        notes.extend(inner)
        return base
    if schema is None or not schema.has_enum(t.enum or ""):
        raise ModelError(f"type {t} needs the schema that declares enum {t.enum!r}")
    enum = schema.enum(t.enum or "")
    values = enum.values
    if t.kind == "set":
        return _set_type(t, values, d, notes)
    if d.enum_style == "type":
        from sqlalchemy.dialects.postgresql import ENUM

        return ENUM(*values, name=enum.name, schema=enum.schema, create_type=False)
    if d.enum_style == "inline":
        return sa.Enum(*values, name=enum.name, native_enum=True, create_constraint=False)
    # check style: text wide enough for the longest value, plus a CHECK added by the table
    return sa.VARCHAR(max(len(v) for v in values))


def _set_type(t: DataType, values: tuple[str, ...], d: Dialect, notes: list[str]) -> sa.types.TypeEngine:
    if d.set_style == "native":
        from sqlalchemy.dialects.mysql import SET

        return SET(*values)
    if d.set_style == "enum_array":
        element = stored_type(DataType("enum", enum=t.enum), d, _EnumOnly(t.enum, values))[0]  # type: ignore[arg-type]
        notes.append(f"{t} stored as an array of enum {t.enum} ({d.name} has no SET type)")
        return _array_of(element, d)
    notes.append(f"{t} stored as comma-separated text ({d.name} has no SET or array type)")
    return sa.Text()


def _array_of(element: sa.types.TypeEngine, d: Dialect) -> sa.types.TypeEngine:
    """An array type: SQLAlchemy's ``ARRAY`` where it knows the engine's arrays (PostgreSQL), else
    the element's spelling with ``[]`` (DuckDB lists)."""
    if d.array_style == "sqlalchemy":
        from sqlalchemy.dialects.postgresql import ARRAY

        return ARRAY(element)
    return Spelled(element.compile(dialect=d.compile_dialect()) + "[]")


class _EnumOnly:
    """Just enough of a Schema to look up one enum (a SET's element type)."""

    def __init__(self, name: str | None, values: tuple[str, ...]) -> None:
        from ..model.schema import Enum

        self._enum = Enum(name or "", values)

    def has_enum(self, name: str) -> bool:
        return name == self._enum.name

    def enum(self, name: str) -> Any:
        return self._enum


def _collated(base: sa.types.TypeEngine, t: DataType, d: Dialect, notes: list[str]) -> sa.types.TypeEngine:
    """``base`` with the collation ``t`` gives for ``d``; a collation given only for other engines
    is said in a note (collation names differ from engine to engine)."""
    if not t.collation:
        return base
    name = t.collation_for(d.name)
    if name is None:
        others = ", ".join(f"{c} ({e})" for e, c in t.collation)
        notes.append(f"{t}: collation {others} not carried to {d.name} (collation names are per engine)")
        return base
    if isinstance(base, sa.String) and not isinstance(base, sa.Enum):
        collated = base.copy()
        collated.collation = name
        return collated
    preparer = d.compile_dialect().identifier_preparer
    return Spelled(f"{base.compile(dialect=d.compile_dialect())} COLLATE {preparer.quote(name)}")


def _bool_literal(value: bool) -> sa.ColumnElement[Any]:
    return sa.true() if value else sa.false()


class CreateExtension(sa.schema.ExecutableDDLElement):
    """``CREATE EXTENSION IF NOT EXISTS name`` (PostgreSQL; SQLAlchemy has no construct for it)."""

    inherit_cache = False

    def __init__(self, name: str) -> None:
        self.name = name


class AlterDomain(sa.schema.ExecutableDDLElement):
    """``ALTER DOMAIN d ...`` (PostgreSQL): SQLAlchemy's ``CreateDomainType`` writes one CHECK, and
    names whichever constraint comes first, so further CHECKs, NOT NULL and later changes come here.
    ``action`` is ``set_not_null``, ``drop_not_null``, ``add_check`` (``name``, ``sql``),
    ``drop_constraint`` (``name``), ``set_default`` (``sql``), ``drop_default`` or ``comment`` (``sql``
    holds the text, None to remove it)."""

    inherit_cache = False

    def __init__(self, domain: Any, action: str, name: str | None = None, sql: str | None = None) -> None:
        self.domain, self.action, self.name, self.sql = domain, action, name, sql


class SetSequenceOwner(sa.schema.ExecutableDDLElement):
    """``ALTER SEQUENCE s OWNED BY t.c`` (PostgreSQL; SQLAlchemy has no construct for it)."""

    inherit_cache = False

    def __init__(self, sequence: str, table: str | None, column: str | None) -> None:
        self.sequence, self.table, self.column = sequence, table, column


@compiles(SetSequenceOwner)
def _set_sequence_owner(element: SetSequenceOwner, compiler: Any, **kw: Any) -> str:
    p = compiler.preparer
    owner = "NONE" if element.table is None else f"{_qualified(p, element.table)}.{p.quote(element.column or '')}"
    return f"ALTER SEQUENCE {_qualified(p, element.sequence)} OWNED BY {owner}"


def quote_key(preparer: Any, key: str) -> str:
    """A model key (``name`` or ``schema.name``) quoted part by part by the dialect's preparer: how
    SQL the kit writes itself (triggers, grants, policies) names a table, type or sequence.

    >>> from dbmodel_kit.dialects import get_dialect
    >>> quote_key(get_dialect("postgresql").compile_dialect().identifier_preparer, 'sales."Order"')
    'sales."Order"'
    """
    namespace, name = split_key(key)
    return preparer.quote(name) if namespace is None else f"{preparer.quote_schema(namespace)}.{preparer.quote(name)}"


_qualified = quote_key


class AlterSequence(sa.schema.ExecutableDDLElement):
    """``ALTER SEQUENCE s ...`` with the given options (SQLAlchemy has no construct for it)."""

    inherit_cache = False

    def __init__(self, sequence: str, **options: Any) -> None:
        self.sequence, self.options = sequence, options


@compiles(AlterSequence)
def _alter_sequence(element: AlterSequence, compiler: Any, **kw: Any) -> str:
    o, p = element.options, compiler.preparer
    parts = []
    if "type" in o:
        parts.append(f"AS {compiler.dialect.type_compiler_instance.process(o['type'])}")
    words = {"increment": "INCREMENT BY {}", "min_value": "MINVALUE {}", "max_value": "MAXVALUE {}",
             "start": "START WITH {}", "cache": "CACHE {}"}
    nones = {"min_value": "NO MINVALUE", "max_value": "NO MAXVALUE", "increment": "INCREMENT BY 1",
             "cache": "CACHE 1", "start": None}
    for key, text in words.items():
        if key in o:
            value = o[key]
            if value is None:
                if nones[key]:
                    parts.append(nones[key])
            else:
                parts.append(text.format(int(value)))
    if "cycle" in o:
        # MariaDB's ALTER SEQUENCE takes NOCYCLE only (its CREATE SEQUENCE takes both spellings)
        parts.append("CYCLE" if o["cycle"] else "NOCYCLE" if compiler.dialect.name in ("mysql", "mariadb")
                     else "NO CYCLE")
    if "owned_by" in o:
        owner = o["owned_by"]
        parts.append("OWNED BY NONE" if owner is None else f"OWNED BY {p.quote(owner[0])}.{p.quote(owner[1])}")
    return f"ALTER SEQUENCE {_qualified(p, element.sequence)} {' '.join(parts)}"


def sa_sequence(sequence: Any, dialect: Dialect | str) -> sa.Sequence:
    """SQLAlchemy's ``Sequence`` for a model :class:`~dbmodel_kit.model.schema.Sequence` on ``dialect``."""
    d = get_dialect(dialect)
    data_type = stored_type(sequence.type, d)[0] if sequence.type is not None and d.sequence_types else None
    return sa.Sequence(sequence.name, schema=sequence.schema, start=sequence.start, increment=sequence.increment,
                       minvalue=sequence.min_value, maxvalue=sequence.max_value, cycle=sequence.cycle or None,
                       cache=sequence.cache if d.sequence_cache else None, data_type=data_type)


@compiles(CreateExtension)
def _create_extension(element: CreateExtension, compiler: Any, **kw: Any) -> str:
    return f"CREATE EXTENSION IF NOT EXISTS {compiler.preparer.quote(element.name)}"


@compiles(AlterDomain)
def _alter_domain(element: AlterDomain, compiler: Any, **kw: Any) -> str:
    name = compiler.preparer.format_type(element.domain)
    action = element.action
    if action == "comment":
        text = "NULL" if element.sql is None else compiler.sql_compiler.render_literal_value(element.sql, sa.String())
        return f"COMMENT ON DOMAIN {name} IS {text}"
    tail = {
        "set_not_null": "SET NOT NULL",
        "drop_not_null": "DROP NOT NULL",
        "drop_default": "DROP DEFAULT",
        "set_default": f"SET DEFAULT {element.sql}",
        "add_check": f"ADD CONSTRAINT {compiler.preparer.quote(element.name or '')} CHECK ({element.sql})",
        "drop_constraint": f"DROP CONSTRAINT {compiler.preparer.quote(element.name or '')}",
    }[action]
    return f"ALTER DOMAIN {name} {tail}"


def domain_type(name: str, schema: Schema, dialect: Dialect | str) -> Any:
    """SQLAlchemy's ``DOMAIN`` for the schema's domain ``name`` (PostgreSQL), its first CHECK and
    default included (what ``CREATE DOMAIN`` writes)."""
    from sqlalchemy.dialects.postgresql import DOMAIN

    d = get_dialect(dialect)
    dom = schema.domain(name)
    try:
        base = stored_type(dom.base, d, schema)[0]
    except ModelError as e:
        raise e.at(f"domain {dom.key}") from None
    first = dom.checks[0] if dom.checks else None
    return DOMAIN(dom.name, base, create_type=False, schema=dom.schema, default=_domain_default(dom, d),
                  constraint_name=first.name if first else None,
                  check=sa.text(to_dialect(first.expression, d.sqlglot)) if first else None)


def _domain_default(dom: Domain, d: Dialect) -> Any:
    if dom.default is None:
        return None
    server = _server_default(dom.default, Column("value", dom.base), d)
    if server is None:
        raise ModelError(f"default {dom.default} has no {d.name} spelling", where=f"domain {dom.key}")
    if isinstance(server, str):  # a text literal: quoted by the dialect
        return sa.text(sa.literal(server).compile(dialect=d.compile_dialect(),
                                                  compile_kwargs={"literal_binds": True}).string)
    return sa.text(str(server.compile(dialect=d.compile_dialect())))


def domain_statements(name: str, schema: Schema, dialect: Dialect | str) -> list[Any]:
    """The constructs that create the schema's domain ``name`` on an engine with domains."""
    d = get_dialect(dialect)
    dom = schema.domain(name)
    created = domain_type(name, schema, d)
    out: list[Any] = [CreateDomainType(created)]
    out.extend(AlterDomain(created, "add_check", ck.name, to_dialect(ck.expression, d.sqlglot))
               for ck in dom.checks[1:])
    if not dom.nullable:
        out.append(AlterDomain(created, "set_not_null"))
    if dom.comment is not None and d.comments:
        out.append(AlterDomain(created, "comment", sql=dom.comment))
    return out


@dataclass
class _Build:
    schema: Schema
    dialect: Dialect
    metadata: sa.MetaData = field(default_factory=sa.MetaData)
    notes: dict[str, list[str]] = field(default_factory=dict)
    enums: dict[str, Any] = field(default_factory=dict)
    #: CREATE DOMAIN and its ALTER DOMAIN statements, per domain (engines with domains)
    domains: dict[str, list[Any]] = field(default_factory=dict)
    extensions: list[str] = field(default_factory=list)
    sequences: list[sa.Sequence] = field(default_factory=list)
    #: ALTER SEQUENCE ... OWNED BY, once the tables exist
    owners: list[Any] = field(default_factory=list)
    deferred: list[sa.ForeignKeyConstraint] = field(default_factory=list)
    inline_fks: dict[str, list[sa.ForeignKeyConstraint]] = field(default_factory=dict)
    #: keys_after: primary keys and unique constraints are added by ALTER TABLE after the tables exist
    #: (and are filled), and so are foreign keys where the dialect can add them
    keys_after: bool = False
    keys: list[sa.Constraint] = field(default_factory=list)
    shadow: sa.MetaData = field(default_factory=sa.MetaData)
    shadow_of: dict[str, sa.Table] = field(default_factory=dict)
    #: the SQLAlchemy table of each model table, by the model's key
    tables: dict[str, sa.Table] = field(default_factory=dict)
    #: the model key of each SQLAlchemy table (real and stand-in)
    key_of: dict[sa.Table, str] = field(default_factory=dict)
    #: the key the engine stores each table of the caller's schema under (:func:`.names.physical`
    #: may cut a long name), by the caller's key
    stored_key: dict[str, str] = field(default_factory=dict)
    #: CREATE SCHEMA for the namespaces the objects live in
    namespaces: list[str] = field(default_factory=list)
    #: ALTER TABLE ... ATTACH PARTITION, once the tables exist
    attach: list[Any] = field(default_factory=list)
    #: the model keys of the tables in creation order: each after the tables its kept foreign keys
    #: reference (the order the deferred keys were chosen for, without the keys left out here)
    order: list[str] = field(default_factory=list)

    def key_table(self, t: Table) -> sa.Table:
        """A stand-in for ``t`` that holds only its name and columns, to write ``ALTER TABLE ... ADD``
        for a key the real table (created without keys) does not carry."""
        if t.key not in self.shadow_of:
            self.shadow_of[t.key] = sa.Table(t.name, self.shadow, *[sa.Column(c.name, sa.Integer) for c in t.columns],
                                             schema=t.schema)
            self.key_of[self.shadow_of[t.key]] = t.key
        return self.shadow_of[t.key]

    def note(self, table: str, text: str) -> None:
        self.notes.setdefault(table, []).append(f"{self.dialect.name}: {text}")




def _identity_ok(table: Table, column: Column, d: Dialect) -> bool:
    """Whether the engine can make ``column`` an identity column (MySQL and SQLite: only the lone
    primary-key column)."""
    return not IDENTITY_STYLES[d.identity_style].lone_key_only or table.primary_key == (column.name,)


@dataclass
class _ColumnParts:
    """What :func:`sa_column` hands to ``sa.Column``, filled step by step."""

    type: Any
    kw: dict[str, Any]
    extra: list[Any]


def _identity_generated(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    # GENERATED BY DEFAULT AS IDENTITY (explicit keys still allowed) unless the model says ALWAYS
    own = c.default if c.default is not None and c.default.kind == "identity" else Default("identity")
    p.extra.append(sa.Identity(always=own.always, **own.identity_options))  # type: ignore[arg-type]
    p.kw.pop("autoincrement")


def identity_left_out(c: Column, d: Dialect) -> str | None:
    """What of an identity column's ALWAYS and sequence options ``d`` does not make (only
    GENERATED ... AS IDENTITY has them), or None."""
    if d.identity_style == "identity" or c.default is None or c.default.kind != "identity" or c.default.value is None:
        return None
    return f"identity({c.default.value})"


def _identity_auto_increment(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    p.kw["autoincrement"] = True


def _identity_rowid(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    # only INTEGER PRIMARY KEY AUTOINCREMENT assigns keys (https://sqlite.org/autoinc.html)
    p.type = sa.Integer()
    p.kw["autoincrement"] = True


def _identity_sequence(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    # DuckDB has no identity columns: a sequence and DEFAULT nextval('<quoted name>')
    seq = sa.Sequence(sequence_name(t.name, c.name), schema=t.schema)
    if b is not None:
        b.sequences.append(seq)
    preparer = d.compile_dialect().identifier_preparer
    call = exp.Anonymous(this="nextval", expressions=[exp.Literal.string(preparer.format_sequence(seq))])
    p.kw["server_default"] = _lit(call.sql(d.sqlglot))


@dataclass(frozen=True)
class IdentityStyle:
    """How an engine makes identity columns (:attr:`Dialect.identity_style` names one)."""

    make: Any
    lone_key_only: bool
    #: Table keyword arguments a table with an identity column needs
    table_kwargs: dict[str, Any] = field(default_factory=dict)


IDENTITY_STYLES: dict[str, IdentityStyle] = {
    "identity": IdentityStyle(_identity_generated, lone_key_only=False),
    "auto_increment": IdentityStyle(_identity_auto_increment, lone_key_only=True),
    "rowid": IdentityStyle(_identity_rowid, lone_key_only=True, table_kwargs={"sqlite_autoincrement": True}),
    "sequence": IdentityStyle(_identity_sequence, lone_key_only=False),
}


def sa_column(column: Column, table: Table, dialect: Dialect | str, schema: Schema,
              _build: _Build | None = None) -> sa.Column[Any]:
    """The SQLAlchemy ``Column`` for a model column on ``dialect`` (type, nullability, default,
    identity, generated expression, comment).

    >>> from dbmodel_kit.examples import large
    >>> s = large()
    >>> sa_column(s.table("regions").column("id"), s.table("regions"), "mysql", s).autoincrement
    True
    """
    d = get_dialect(dialect)
    note = _build.note if _build is not None else (lambda t, s: None)
    where = f"{table.key}.{column.name}"
    try:
        satype, type_notes = stored_type(column.type, d, schema)
    except ModelError as e:
        raise e.at(where) if e.where is None else e from None
    for text in type_notes:
        note(table.key, f"{where}: {text}")
    nullable, default = column.nullable, column.default
    domain = _domain_of(column, d, schema)
    if domain is not None:
        # no CREATE DOMAIN here: the column takes the domain's NOT NULL and default (its CHECKs
        # are added by the table, see _domain_checks)
        nullable = nullable and domain.nullable
        default = default if default is not None else domain.default
    if column.on_update:
        if d.on_update_now:
            # MySQL takes column attributes in any order: ON UPDATE rides on the type, so ALTER ...
            # MODIFY (which restates the type) keeps it too
            now = _now_sql(column, d)
            satype = Spelled(f"{satype.compile(dialect=d.compile_dialect())} ON UPDATE {now}")
        else:
            note(table.key, f"{where}: ON UPDATE now() not kept ({d.name} has no such column attribute; a trigger "
                             "or the application sets it)")
    if default is not None and default.kind == "sequence" and not d.sequences:
        if column.type.kind in ("smallint", "integer", "bigint") and _identity_ok(table, column, d):
            note(table.key, f"{where}: default {default} becomes an identity column ({d.name} has no sequences)")
            default = Default("identity")
        else:
            note(table.key, f"{where}: default {default} is left to the application ({d.name} has no sequences)")
            default = None
    parts = _ColumnParts(satype, {"nullable": nullable, "autoincrement": False, "key": column.name}, [])
    if default is not None and default.kind == "identity":
        if _identity_ok(table, column, d):
            IDENTITY_STYLES[d.identity_style].make(parts, table, column, d, _build)
            if (left := identity_left_out(column, d)) is not None:
                note(table.key, f"{where}: {left} is a plain identity here ({d.name} has no GENERATED ALWAYS "
                                "AS IDENTITY or identity options)")
        else:
            note(table.key, f"{where} cannot be an identity column here (it must be the lone primary key); "
                             "values come from the application")
    elif default is not None:
        server = _server_default(default, column, d)
        if server is None:
            note(table.key, f"{where} default {default} is left to the application "
                             f"({d.name} has no such function)")
        else:
            parts.kw["server_default"] = server
    if column.generated:
        parts.extra.append(sa.Computed(_lit(to_dialect(column.generated, d.sqlglot)), persisted=d.generated_stored))
    if column.comment and d.comments:
        parts.kw["comment"] = column.comment
    return sa.Column(column.name, parts.type, *parts.extra, **parts.kw)


def _missing_functions(expression: str, d: Dialect) -> str | None:
    from .limits import missing_function  # (one reading, shared with storable)

    return missing_function(expression, d)


def _domain_of(column: Column, d: Dialect, schema: Schema | None) -> Domain | None:
    """The domain whose rules ``column`` carries itself on ``d`` (engines without domains)."""
    if d.domains or column.type.kind != "domain" or schema is None or column.type.native_for(d.name):
        return None
    domain = schema.domain(column.type.domain or "")
    while domain.base.kind == "domain":  # rules of domains of domains: the outermost one's only
        inner = schema.domain(domain.base.domain or "")
        domain = replace(domain, base=inner.base, nullable=domain.nullable and inner.nullable,
                         default=domain.default or inner.default, checks=(*inner.checks, *domain.checks))
    return domain


def _domain_checks(t: Table, d: Dialect, schema: Schema, column: str | None = None) -> Iterator[tuple[str, str]]:
    """(name, SQL) of the CHECKs that stand in for domains on engines without them: each domain
    check with ``value`` replaced by the column (of ``column`` only, when given)."""
    import sqlglot

    for c in t.columns:
        if column is not None and c.name != column:
            continue
        domain = _domain_of(c, d, schema)
        if domain is None:
            continue
        for ck in domain.checks:
            tree = sqlglot.parse_one(ck.expression)
            for ref in tree.find_all(exp.Column):
                if ref.name == "value" and not ref.table:
                    ref.replace(exp.column(c.name, quoted=True))
            yield naming.shorten(f"ck_{t.name}_{c.name}_{ck.name}"), to_dialect(tree.sql(), d.sqlglot)


def _now_sql(column: Column, d: Dialect) -> str:
    p = column.type.precision
    if d.now_follows_precision and column.type.kind in ("timestamp", "timestamptz", "time") and p is not None:
        return f"CURRENT_TIMESTAMP({p})" if p else "CURRENT_TIMESTAMP"
    return d.now_sql


def nextval_sql(sequence: str, dialect: Dialect | str) -> str:
    """``nextval`` of ``sequence`` as ``dialect`` writes it in a default, built as a sqlglot tree.

    >>> nextval_sql("film_id_seq", "postgresql"), nextval_sql("film id", "mysql")
    ("NEXTVAL('film_id_seq')", 'NEXTVAL(`film id`)')
    """
    d = get_dialect(dialect)
    namespace, name = split_key(sequence)
    if d.nextval_arg == "identifier":
        arg: exp.Expression = exp.column(name, table=namespace, quoted=_quoted(name, d))
        if namespace is not None:
            arg.args["table"].set("quoted", _quoted(namespace, d))
    else:
        arg = exp.Literal.string(d.compile_dialect().identifier_preparer.format_sequence(
            sa.Sequence(name, schema=namespace)))
    return exp.Anonymous(this="nextval", expressions=[arg]).sql(d.sqlglot)


def _quoted(name: str, d: Dialect) -> bool:
    return d.compile_dialect().identifier_preparer.quote(name) != name


def _server_default(default: Default, column: Column, d: Dialect) -> Any:
    if default.kind == "now":
        return _lit(_now_sql(column, d))
    if default.kind == "sequence":
        return _lit(nextval_sql(str(default.value), d)) if d.sequences else None
    if default.kind == "uuid":
        return None if d.uuid_sql is None else _lit(d.uuid_sql)
    if default.kind == "expression":
        try:
            return _lit("(" + to_dialect(str(default.value), d.sqlglot) + ")")
        except (sqlglot.errors.SqlglotError, AttributeError, TypeError):
            # sqlglot cannot write it there (its DuckDB writer fails on SQLite's datetime('now') with
            # an AttributeError): left to the application, with the caller's note
            return None
    value = default.value
    if isinstance(value, bool):
        return _bool_literal(value)
    if isinstance(value, int | float):
        return _lit(repr(value))
    if column.type.kind == "timestamptz" and d.name == "postgresql":
        return _utc_instant(str(value))
    return str(value)


def _utc_instant(text: str) -> str:
    """A timestamptz literal without an offset, as an instant in UTC (``+00``): PostgreSQL reads one
    without an offset in the session's time zone, so the stored default depended on the server's
    TimeZone setting; reflection reads it back in UTC without the offset (model.schema.utc_literal)."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return text if when.tzinfo is not None else f"{text}+00"


#: While :func:`shared_metadata` is active: (schema, dialect name, keys_after) -> what was built for it.
_SHARED: ContextVar[dict[tuple[Schema, str, bool], _Build] | None] = ContextVar("dbmodel_shared_metadata",
                                                                                default=None)


def _shared_build(schema: Schema, d: Dialect, keys_after: bool = False) -> _Build:
    """:func:`_build`, once per schema value, dialect and ``keys_after`` inside :func:`shared_metadata`."""
    shared = _SHARED.get()
    if shared is None:
        return _build(schema, d, keys_after)
    key = (schema, d.name, keys_after)
    b = shared.get(key)
    if b is None:
        b = shared[key] = _build(schema, d, keys_after)
    return b


def to_metadata(schema: Schema, dialect: Dialect | str) -> sa.MetaData:
    """SQLAlchemy ``MetaData`` holding every table of ``schema`` as ``dialect`` can store it;
    ``metadata.info["by_key"]`` maps each model table's key to its SQLAlchemy table. Inside
    :func:`shared_metadata`, built once per schema value and dialect."""
    b = _shared_build(schema, get_dialect(dialect))
    b.metadata.info["by_key"] = {**b.tables, **{key: b.tables[stored] for key, stored in b.stored_key.items()
                                                if stored in b.tables}}
    return b.metadata


def sa_table(metadata: sa.MetaData, table: Table | str) -> sa.Table:
    """The SQLAlchemy table :func:`to_metadata` made of a model table (or its key): looked up by the
    model's key, never by bare name. ``MetaData.tables`` keys a table of a named schema as
    ``schema.name`` and two schemas can hold one name, so a bare-name lookup misses a namespaced
    table or finds another schema's; every consumer of the metadata goes through here.

    >>> from dbmodel_kit.model.spec import build_table
    >>> s = Schema((build_table("sales.orders", {"id": "integer pk"}),
    ...             build_table("archive.orders", {"id": "integer pk"})))
    >>> sa_table(to_metadata(s, "postgresql"), "archive.orders").fullname
    'archive.orders'
    """
    key = table if isinstance(table, str) else table.key
    by_key = metadata.info.get("by_key")
    if by_key is None:
        raise ModelError("this metadata was not made by dbmodel_kit.ddl.to_metadata (no tables by model key)",
                         where=key)
    found = by_key.get(key)
    if found is None:
        raise ModelError(f"no table {key!r} in the metadata (tables: {', '.join(by_key) or 'none'})", where=key)
    return found


@contextmanager
def shared_metadata() -> Iterator[None]:
    """Within this block :func:`to_metadata`, :func:`statements`, :func:`declared` and
    :func:`drop_statements` build each schema once per dialect, and every caller reads the same
    SQLAlchemy tables (an export renders up.sql, down.sql and seed.sql from one schema per dialect,
    and the SQLAlchemy models also hold its create and drop statements: each a build of every table
    before). Callers only read what they get (the migration emitter orders constraints and
    indexes, which changes no statement); the builds are dropped at the end of the block, so
    nothing outlives it.
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def check_folded_names(schema: Schema, dialect: Dialect | str) -> None:
    """Refuse, naming every pair, tables (in one schema) or columns (in one table) whose names
    differ only in case where ``dialect`` compares them without case
    (:attr:`~dbmodel_kit.dialects.Dialect.folded_names`): the model holds ``select`` and ``SELECT``
    as two, the engine as one ("table already exists", "duplicate column name")."""
    d = get_dialect(dialect)
    if not d.folded_names:
        return
    clashes: list[str] = []

    def alike(names: Iterable[str], where: str) -> None:
        seen: dict[str, str] = {}
        for n in names:
            first = seen.setdefault(n.lower(), n)
            if first != n:
                clashes.append(f"{where}{first!r} and {n!r}")

    if "table" in d.folded_names:
        for ns in {t.schema for t in schema.tables}:
            alike((t.name for t in schema.tables if t.schema == ns), f"tables in {ns}: " if ns else "tables ")
    if "column" in d.folded_names:
        for t in schema.tables:
            alike((c.name for c in t.columns), f"columns of {t.key}: ")
    if clashes:
        raise ModelError(f"{d.name} compares these names without case, so each pair would be one name there: "
                         f"{'; '.join(clashes)}; rename one of each pair")


def _check_identity_types(schema: Schema, d: Dialect) -> None:
    """Refuse, naming every one, identity columns whose type the engine stores as no integer (a
    ``decimal`` identity; ``BIGINT UNSIGNED`` is ``numeric(20,0)`` on PostgreSQL, but as an identity
    it is stored as bigint first, with a note: :func:`~dbmodel_kit.ddl.limits.identity_integers`)."""
    bad = []
    for t in schema.tables:
        for c in t.columns:
            if c.default is None or c.default.kind != "identity" or d.identity_style != "identity" \
                    or not _identity_ok(t, c, d):
                continue
            stored, _ = stored_type(c.type, d, schema)
            if not isinstance(stored, sa.Integer):
                bad.append(f"{t.key}.{c.name} ({c.type}, stored as {stored.compile(dialect=d.compile_dialect())})")
    if bad:
        raise ModelError(f"{d.name} cannot make these identity columns, as it stores their type as no integer: "
                         f"{', '.join(bad)}; give each a type {d.name} holds as an integer (e.g. bigint) or drop "
                         "identity")


def _fk_type_text(column: sa.Column, d: Dialect) -> tuple[str, str]:
    """(what must match, spelling) of a key column's stored type for :func:`_check_fk_types`: string
    types match whatever their length (MySQL: "the length of string types need not be the same";
    DuckDB: VARCHAR(n) is VARCHAR), other types by their whole spelling (size and sign)."""
    text = " ".join(column.type.compile(dialect=d.compile_dialect()).upper().split())
    if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum):
        return "string", text
    if d.fk_decimals_any_precision and isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
        return "decimal", text  # MariaDB takes DECIMAL(12,2) -> DECIMAL(10,2) (tests/test_fk_types.py)
    return text, text


def check_fk_types(schema: Schema, dialect: Dialect | str) -> None:
    """Refuse ``schema`` on ``dialect`` where a foreign key's columns are stored under other types than
    the key columns they reference and the engine refuses that (see :func:`_check_fk_types`). Called
    by :func:`statements` (so ``ddl`` and ``apply``) and for a migration's end state; a migration's
    steps in between are the engine's to judge."""
    d = get_dialect(dialect)
    if not d.fk_types_equal:
        return
    b = _shared_build(schema, d)
    for t in b.schema.tables:
        for fk in t.foreign_keys:
            if t.key in b.tables and fk.ref_table in b.tables:
                _check_fk_types(t, fk, b.tables[t.key], b.tables[fk.ref_table], d)


def _check_fk_types(t: Table, fk: ForeignKey, table: sa.Table, parent: sa.Table, d: Dialect) -> None:
    """Refuse a foreign key whose columns the engine stores under other types than the key columns
    it references, where the engine refuses that (MariaDB/MySQL: "the size and sign of integer and
    DECIMAL types must be the same", errno 150 at apply; DuckDB: "incompatible types"), naming
    both columns and types at ``ddl`` time instead of failing half-way through an apply.
    PostgreSQL and SQLite take integer -> bigint and the like (lint's DM114 still flags it)."""
    if not d.fk_types_equal:
        return
    for col, ref in zip(fk.columns, fk.ref_columns, strict=True):
        mine, theirs = _fk_type_text(table.c[col], d), _fk_type_text(parent.c[ref], d)
        if mine[0] != theirs[0]:
            raise ModelError(
                f"foreign key {fk.name}: {t.key}.{col} is stored as {mine[1]} and {fk.ref_table}.{ref} as "
                f"{theirs[1]}; {d.name} needs a foreign key and the key it references to have the same type "
                f"(same size and sign for numbers): give {t.key}.{col} the type of {fk.ref_table}.{ref}",
                where=f"{t.key}.{col}")


def _build(schema: Schema, d: Dialect, keys_after: bool = False) -> _Build:
    from .limits import generated_constraints, identity_integers, text_keys
    from .names import physical
    from .objects import without_partitions

    given = schema
    schema, renamed = physical(schema, d)
    stored_key = {old.key: new.key for old, new in zip(given.tables, schema.tables, strict=True)}
    schema, retyped = text_keys(schema, d)
    schema, narrowed = identity_integers(schema, d)
    schema, rewritten = generated_constraints(schema, d)
    schema, flattened = without_partitions(schema, d)
    _check_identity_types(schema, d)
    check_folded_names(schema, d)
    b = _Build(schema, d, keys_after=keys_after, stored_key=stored_key)
    for table, text in [*renamed, *retyped, *narrowed, *rewritten]:
        b.note(table, text)
    for table, text in flattened:
        b.notes.setdefault(table, []).append(text)
    if d.enum_style == "type":
        for e in schema.enums:
            b.enums[e.key] = sa_type(DataType("enum", enum=e.key), d, schema)
    elif schema.enums:
        b.notes.setdefault("", []).append(
            f"{d.name}: enum types are not stored by name; enum columns are "
            + ("inline ENUM(...) types" if d.enum_style == "inline" else "text with a CHECK"))
    _namespaces(b)
    _domains(b)
    b.extensions = _extensions(schema, d)
    for q in schema.sequences:
        if d.sequences:
            b.sequences.append(sa_sequence(q, d))
            if q.owned_by is not None and d.sequence_owner:
                b.owners.append(SetSequenceOwner(q.key, *q.owned_by))
        else:
            b.notes.setdefault("", []).append(f"{d.name}: sequence {q.key} not created ({d.name} has no sequences)")
    left_out = {(t.key, fk.name): why for t in schema.tables for fk in t.foreign_keys
                if (why := foreign_key_left_out(schema, t, fk, d)) is not None}
    # the order (and the FKs that close cycles) as the engine will hold the keys
    kept = schema if not left_out else replace(schema, tables=tuple(replace(t, foreign_keys=tuple(
        fk for fk in t.foreign_keys if (t.key, fk.name) not in left_out)) for t in schema.tables))
    order, deferred = dependency_order(kept)
    order = [schema.table(t.key) for t in order]
    b.order = [t.key for t in order]
    deferred_names = {(t.key, fk.name) for t, fk in deferred}
    tables: dict[str, sa.Table] = {}
    for t in order:
        kwargs: dict[str, Any] = {}
        cols = [sa_column(c, t, d, schema, b) for c in t.columns]
        for c in cols:
            # a column indexed by a prefix is quoted: MariaDB reads `position(255)` as a call of POSITION()
            if any(c.name in prefixed_columns(t, ix.columns, d) for ix in t.indexes
                   if key_support(t, ix.columns, d) == "prefix"):
                c.name = sa.sql.quoted_name(c.name, quote=True)
        if any(c.autoincrement is True for c in cols):
            kwargs.update(IDENTITY_STYLES[d.identity_style].table_kwargs)
        if t.partition_by is not None:
            kwargs[f"{d.kwarg_prefix}_partition_by"] = t.partition_by
        if t.comment:
            if d.comments:
                kwargs["comment"] = t.comment
            else:
                b.note(t.key, f"table {t.key} comment not stored: {t.comment}")
        for c in t.columns:
            if c.comment and not d.comments:
                b.note(t.key, f"column {t.key}.{c.name} comment not stored: {c.comment}")
        table = sa.Table(t.name, b.metadata, *cols, schema=t.schema, **kwargs)
        b.key_of[table] = t.key
        if t.primary_key and key_support(t, t.primary_key, d) != "full":
            b.note(t.key, f"primary key ({', '.join(t.primary_key)}) left out: {d.name} cannot "
                   + (cannot_key(t, t.primary_key, d) if key_support(t, t.primary_key, d) == "none" else
                      "key these columns whole, only by a prefix, which would reject rows the model allows"))
        elif t.primary_key:
            # (a deferrable key is a unique constraint checked at commit: the same engines take it)
            defer = _deferrability(b, t, t.primary_key_deferrable, "primary key", d.deferrable_uniques)
            if keys_after:
                shadow = b.key_table(t)
                b.keys.append(sa.PrimaryKeyConstraint(*[shadow.c[c] for c in t.primary_key], **defer))
            else:
                table.append_constraint(sa.PrimaryKeyConstraint(*[table.c[c] for c in t.primary_key], **defer))
        for c in t.columns:
            if c.type.kind == "enum" and d.enum_style == "check" and not c.type.native_for(d.name):
                values = schema.enum(c.type.enum or "").values
                table.append_constraint(sa.CheckConstraint(
                    _lit(to_dialect(enum_check_sql(c.name, values), d.sqlglot)), name=enum_check_name(t.name, c.name)))
        for name, sql in _domain_checks(t, d, schema):
            table.append_constraint(sa.CheckConstraint(_lit(sql), name=name))
        for u in t.uniques:
            if u.columns == t.primary_key:
                b.note(t.key, f"unique constraint {u.name} repeats the primary key and is left out "
                               "(PostgreSQL would fold it into the key)")
                continue
            support = key_support(t, u.columns, d)
            if support != "full":
                b.note(t.key, f"unique constraint {u.name} left out: {d.name} cannot "
                       + (cannot_key(t, u.columns, d) if support == "none" else
                          f"make it unique on whole values of ({', '.join(u.columns)}), only on a prefix, "
                          "which would reject rows the model allows"))
                continue
            defer = _deferrability(b, t, u.deferrable, f"unique constraint {u.name}", d.deferrable_uniques)
            if keys_after:
                shadow = b.key_table(t)
                b.keys.append(sa.UniqueConstraint(*[shadow.c[c] for c in u.columns], name=u.name, **defer))
            else:
                table.append_constraint(sa.UniqueConstraint(*[table.c[c] for c in u.columns], name=u.name, **defer))
        for ck in t.checks:
            missing = _missing_functions(ck.expression, d)
            if missing:
                b.note(t.key, f"check {ck.name} left out: {d.name} has no {missing} ({ck.expression})")
                continue
            table.append_constraint(sa.CheckConstraint(_lit(to_dialect(ck.expression, d.sqlglot)), name=ck.name))
        tables[t.key] = table
    for t in order:
        table = tables[t.key]
        for fk in t.foreign_keys:
            why = left_out.get((t.key, fk.name))
            if why is not None:
                b.note(t.key, f"foreign key {fk.name} ({', '.join(fk.columns)}) -> {fk.ref_table} left out: {why}")
                continue
            constraint = _foreign_key(b, t, fk, table, tables[fk.ref_table])
            is_deferred = (t.key, fk.name) in deferred_names
            if keys_after:  # after the keys it references
                if d.alter_add_constraint:
                    table.append_constraint(constraint)
                    b.deferred.append(constraint)
                else:
                    b.note(t.key, f"foreign key {fk.name} ({', '.join(fk.columns)}) -> {fk.ref_table} left out: "
                                   f"{d.name} cannot add a foreign key to a table that exists")
                continue
            if is_deferred and not d.fk_forward_reference:
                if not d.alter_add_constraint:
                    b.note(t.key, f"foreign key {fk.name} ({', '.join(fk.columns)}) -> {fk.ref_table} closes a "
                                   f"cycle and {d.name} cannot add it after the tables exist; it is left out")
                    continue
                table.append_constraint(constraint)
                b.deferred.append(constraint)
            else:
                table.append_constraint(constraint)
                b.inline_fks.setdefault(t.key, []).append(constraint)
    for t in order:
        table = tables[t.key]
        for ix in t.indexes:
            _index(b, t, ix, table)
    b.tables = tables
    from .objects import AttachPartition

    b.attach = [AttachPartition(tables[t.partition_of], tables[t.key], t.partition_bound or "DEFAULT")
                for t in schema.tables if t.partition_of is not None]
    return b


def _namespaces(b: _Build) -> None:
    """CREATE SCHEMA for every namespace an object lives in (MySQL: a database), in first-use
    order; SQLite keeps other schemas in attached database files, which DDL cannot make."""
    schema, d = b.schema, b.dialect
    found: dict[str, None] = {}
    for group in (schema.enums, schema.domains, schema.sequences, schema.tables):
        for obj in group:
            if obj.schema is not None:
                found.setdefault(obj.schema, None)
    if not found:
        return
    if d.create_namespaces:
        b.namespaces = list(found)
        return
    for ns in found:
        b.notes.setdefault("", []).append(
            f"{d.name}: schema {ns} is an attached database: run ATTACH DATABASE 'file' AS {ns} before these "
            f"statements (dbmodel apply: the URL's ?attach={ns}=FILE)")


def _domains(b: _Build) -> None:
    """CREATE DOMAIN (+ ALTER DOMAIN) for each domain, bases first, on engines with domains;
    elsewhere one note (the columns carry the rules)."""
    schema, d = b.schema, b.dialect
    if not schema.domains:
        return
    if not d.domains:
        b.notes.setdefault("", []).append(
            f"{d.name}: no domains; each domain column has the domain's base type, NOT NULL, default and CHECKs")
        return
    placed: set[str] = set()
    pending = list(schema.domains)
    while pending:
        dom = next(x for x in pending if x.base.kind != "domain" or x.base.domain in placed)
        pending.remove(dom)
        placed.add(dom.key)
        b.domains[dom.key] = domain_statements(dom.key, schema, d)


def _extensions(schema: Schema, d: Dialect) -> list[str]:
    """Extensions the engine needs for the types the schema uses (PostgreSQL's citext, cube)."""
    if not d.type_extensions:
        return []
    return extensions_for([c.type for t in schema.tables for c in t.columns] + [dom.base for dom in schema.domains], d)


def extensions_for(types: Iterable[DataType], dialect: Dialect | str) -> list[str]:
    """The extensions ``dialect`` needs to store ``types`` (in first-use order)."""
    d = get_dialect(dialect)
    wanted: dict[str, None] = {}
    for t in types:
        while t.kind == "array" and t.element is not None:
            t = t.element
        ext = d.type_extensions.get(t.kind)
        if ext and not t.native_for(d.name):
            wanted.setdefault(ext, None)
    return list(wanted)


def _foreign_key(b: _Build, t: Table, fk: ForeignKey, table: sa.Table, parent: sa.Table) -> sa.ForeignKeyConstraint:
    kw: dict[str, Any] = {}
    actions = {"ondelete": fk.on_delete, "onupdate": fk.on_update}
    if b.dialect.set_null_needs_nullable and "SET NULL" in actions.values():
        required = [c for c in fk.columns if not t.column(c).nullable]
        if required:
            raise ModelError(f"foreign key {fk.name} sets {', '.join(required)} to NULL, but the column is NOT NULL; "
                             f"{b.dialect.name} refuses such a key (make the column nullable or pick another action)",
                             where=f"{t.key}.{fk.name}")
    if b.dialect.deferrable_uniques and b.schema.has_table(fk.ref_table):
        _refuse_deferrable_target(b.schema.table(fk.ref_table), t, fk, b.dialect)
    if actions["onupdate"] == "CASCADE" and (pairs := update_cascade_refused(b.schema, t, fk, b.dialect)):
        actions["onupdate"] = None
        b.note(t.key, f"foreign key {fk.name}: ON UPDATE CASCADE dropped: {b.dialect.name} (MariaDB) refuses it "
                      f"where a referenced column may be NULL and the column referencing it may not ({pairs}); "
                      "an update of a referenced key is refused while rows reference it")
    if b.dialect.fk_actions:
        kw = {k: v for k, v in actions.items() if v}
    elif any(actions.values()):
        said = ", ".join(f"ON {k[2:].upper()} {v}" for k, v in actions.items() if v)
        b.note(t.key, f"foreign key {fk.name}: {said} dropped ({b.dialect.name} has no FK actions)")
    if t.schema is not None and parent.schema is None and b.dialect.references_own_namespace:
        # MySQL looks an unqualified parent up in t's own database, and the connection's database
        # has no name while the DDL is written
        raise ModelError(f"foreign key {fk.name} references {fk.ref_table} of the default schema from schema "
                         f"{t.schema}; {b.dialect.name} would look for it in {t.schema} and the connection's own "
                         "database has no name here: put the referenced table in a named schema too",
                         where=f"{t.key}.{fk.name}")
    kw.update(_deferrability(b, t, fk.deferrable, f"foreign key {fk.name}", b.dialect.deferrable_fks))
    return sa.ForeignKeyConstraint([table.c[c] for c in fk.columns], [parent.c[c] for c in fk.ref_columns],
                                   name=fk.name, **kw)


def _refuse_deferrable_target(ref: Table, t: Table, fk: ForeignKey, d: Dialect) -> None:
    """PostgreSQL refuses a foreign key whose referenced columns are unique only by a DEFERRABLE key
    ("cannot use a deferrable primary key for referenced table"): said here, naming the key."""
    cols = frozenset(fk.ref_columns or ref.primary_key)
    keys = [(ref.primary_key, ref.primary_key_deferrable, "primary key"),
            *((u.columns, u.deferrable, f"unique constraint {u.name}") for u in ref.uniques),
            *((ix.columns, None, "") for ix in ref.indexes if ix.unique and ix.where is None)]
    matching = [(mode, what) for columns, mode, what in keys if frozenset(columns) == cols]
    if matching and all(mode for mode, _ in matching):
        raise ModelError(f"foreign key {fk.name} references {ref.key}({', '.join(fk.ref_columns or ref.primary_key)}),"
                         f" whose {matching[0][1]} is {deferrable_sql(matching[0][0])}; {d.name} refuses a foreign key "
                         "to a key checked at commit: make that key not deferrable, or add a unique index on those "
                         "columns that is not", where=f"{t.key}.{fk.name}")


def deferrable_sql(mode: str | None) -> str:
    """How ``DEFERRABLE`` is written for a constraint's ``deferrable`` (empty for None)."""
    return {"immediate": "DEFERRABLE", "deferred": "DEFERRABLE INITIALLY DEFERRED"}.get(mode or "", "")


def _deferrability(b: _Build, t: Table, mode: str | None, what: str, supported: bool) -> dict[str, Any]:
    """SQLAlchemy's ``deferrable``/``initially`` for a constraint (``what``: ``foreign key fk``,
    ``unique constraint uq``, ``primary key``) checked at commit; where the engine checks every
    constraint at each statement, a note says the clause is dropped."""
    if not mode:
        return {}
    if not supported:
        kinds = next(k for w, k in (("foreign key", "foreign keys"), ("primary key", "primary keys"),
                                    ("unique", "unique constraints")) if what.startswith(w))
        b.note(t.key, f"{what}: {deferrable_sql(mode)} dropped ({b.dialect.name} checks {kinds} at each statement)")
        return {}
    return {"deferrable": True, "initially": "DEFERRED" if mode == "deferred" else None}


def key_support(table: Table, columns: Iterable[str], dialect: Dialect | str) -> str:
    """Whether ``columns`` of ``table`` can be indexed on ``dialect``: ``full``, ``prefix`` (MySQL
    TEXT/BLOB, or text columns longer together than the key limit: only the first
    :attr:`~dbmodel_kit.dialects.Dialect.key_prefix_length` characters, see :func:`prefixed_columns`)
    or ``none`` (DuckDB cannot index INTERVAL; MySQL keys longer than 3,072 bytes even so).

    >>> from dbmodel_kit.model import Model
    >>> m = Model()
    >>> _ = m.add_table("t", id="integer pk", body="text", url="varchar(1000)", code="varchar(20)")
    >>> t = m.schema.table("t")
    >>> [key_support(t, cols, "mysql") for cols in (["body"], ["id"], ["url"], ["code", "id"])]
    ['prefix', 'full', 'prefix', 'full']
    """
    d = get_dialect(dialect)
    types = [table.column(c).type for c in columns]
    kinds = {d.key_kind(t) for t in types}
    if "none" in kinds:
        return "none"
    if d.max_key_bytes is None:
        return "prefix" if "prefix" in kinds else "full"
    if "prefix" not in kinds and sum(d.key_bytes(t) for t in types) <= d.max_key_bytes:
        return "full"
    cap = d.key_prefix_length * d.key_char_bytes
    return "prefix" if sum(min(d.key_bytes(t), cap) for t in types) <= d.max_key_bytes else "none"


def kept_keys(table: Table, dialect: Dialect | str) -> set[frozenset[str]]:
    """The column sets of ``table`` that stay keys on ``dialect`` (the primary key, unique
    constraints and whole unique indexes it can create), which a foreign key may reference."""
    d = get_dialect(dialect)
    sets = [table.primary_key] if table.primary_key else []
    sets += [u.columns for u in table.uniques]
    sets += [ix.columns for ix in table.indexes if ix.unique and not ix.where]
    return {frozenset(cols) for cols in sets if key_support(table, cols, d) == "full"}


def foreign_key_left_out(schema: Schema, table: Table, fk: ForeignKey, dialect: Dialect | str) -> str | None:
    """Why ``dialect`` cannot create foreign key ``fk`` of ``table``, or None: the key it references
    is not created there, or (InnoDB) its own columns cannot have the whole-value index it needs."""
    d = get_dialect(dialect)
    parent = schema.table(fk.ref_table)
    if parent.schema != table.schema and not d.cross_namespace_fks:
        return (f"{d.name} has no foreign keys between schemas ({table.schema or 'default'} -> "
                f"{parent.schema or 'default'})")
    if frozenset(fk.ref_columns) not in kept_keys(parent, d):
        return (f"{d.name} cannot create the key it references, {fk.ref_table}({', '.join(fk.ref_columns)}): "
                + cannot_key(parent, fk.ref_columns, d)
                if key_support(parent, fk.ref_columns, d) == "none" else
                f"{d.name} keys {fk.ref_table}({', '.join(fk.ref_columns)}) only by a prefix, so it is no key there")
    if d.fk_needs_index and key_support(table, fk.columns, d) != "full":
        return f"{d.name} needs a whole-value index on ({', '.join(fk.columns)}) and cannot make one"
    return None


def update_cascade_refused(schema: Schema, table: Table, fk: ForeignKey, dialect: Dialect | str) -> str:
    """The column pairs of ``fk`` (``child -> parent``) for which ``dialect`` refuses ON UPDATE
    CASCADE: the referencing column NOT NULL, the one it references nullable (MariaDB, MDEV-34392:
    "Foreign key constraint is incorrectly formed"), as text; empty where it takes the action."""
    d = get_dialect(dialect)
    if not d.update_cascade_needs_nullable or fk.on_update != "CASCADE":
        return ""
    parent = schema.table(fk.ref_table)

    def nullable(t: Table, name: str) -> bool:
        c = t.column(name)
        dom = _domain_of(c, d, schema)
        return c.nullable and (dom is None or dom.nullable)

    return ", ".join(f"{a} -> {fk.ref_table}.{b}" for a, b in zip(fk.columns, fk.ref_columns, strict=True)
                     if not nullable(table, a) and nullable(parent, b))


def cannot_key(table: Table, columns: Iterable[str], dialect: Dialect | str) -> str:
    """Why ``dialect`` cannot index ``columns`` of ``table`` (when :func:`key_support` says ``none``),
    as the end of a sentence starting "<dialect> cannot"."""
    d = get_dialect(dialect)
    if any(d.key_kind(table.column(c).type) == "none" for c in columns):
        return "index these column types"
    return (f"key ({', '.join(columns)}): longer than its {d.max_key_bytes:,}-byte key limit, even with "
            f"the text cut to {d.key_prefix_length} characters")


def index_left_out(table: Table, index: Index, dialect: Dialect | str) -> str | None:
    """Why ``dialect``'s DDL leaves ``index`` of ``table`` out (it cannot index the columns' types,
    or could make it unique on a prefix only), or None when it creates it. A migration step adding or
    dropping such an index writes nothing there."""
    d = get_dialect(dialect)
    if index.method in ("fulltext", "spatial") and index.method in d.index_methods:
        return None  # MySQL's FULLTEXT / SPATIAL: whole columns, never unique
    support = key_support(table, index.columns, d)
    unique = index.unique and (not index.where or d.partial_index)  # (a partial one is made non-unique)
    if support == "none":
        return f"{d.name} cannot {cannot_key(table, index.columns, d)}"
    if support == "prefix" and unique:
        return (f"{d.name} cannot make it unique on whole values, only on a prefix, which would reject rows the "
                "model allows")
    return None


def prefixed_columns(table: Table, columns: Iterable[str], dialect: Dialect | str) -> list[str]:
    """The columns an index over ``columns`` covers by a prefix on ``dialect``: the prefix-only
    kinds, and the longer text columns when the whole values would pass the key limit."""
    d = get_dialect(dialect)
    cols = list(columns)
    out = [c for c in cols if d.key_kind(table.column(c).type) == "prefix"]
    types = [table.column(c).type for c in cols if c not in out]
    if d.max_key_bytes is not None and sum(d.key_bytes(t) for t in types) + len(out) * d.key_prefix_length \
            * d.key_char_bytes > d.max_key_bytes:
        out += [c for c in cols if c not in out
                and d.key_bytes(table.column(c).type) > d.key_prefix_length * d.key_char_bytes]
    return [c for c in cols if c in out]


def _index(b: _Build, t: Table, ix: Any, table: sa.Table) -> sa.Index | None:
    d = b.dialect
    if ix.method in b.dialect.index_method_names:
        ix = replace(ix, method=b.dialect.index_method_names[ix.method])
    kw: dict[str, Any] = {}
    unique = ix.unique
    if ix.where:
        if d.partial_index:
            kw[f"{d.kwarg_prefix}_where"] = _lit(to_dialect(ix.where, d.sqlglot))
        else:
            b.note(t.key, f"index {ix.name}: {d.name} has no partial indexes; WHERE {ix.where} dropped"
                   + (" and the index made non-unique (a full unique index would reject rows the model allows)"
                      if unique else ""))
            unique = False
    if ix.include:
        if d.include_columns:
            kw[f"{d.kwarg_prefix}_include"] = list(ix.include)
        else:
            b.note(t.key, f"index {ix.name}: INCLUDE ({', '.join(ix.include)}) dropped ({d.name} has no "
                           "covering columns)")
    if ix.method in ("fulltext", "spatial") and ix.method in d.index_methods:
        # MySQL's CREATE FULLTEXT|SPATIAL INDEX: whole columns (no key prefix), never unique
        return sa.Index(ix.name, *[table.c[c] for c in ix.columns], **{f"{d.kwarg_prefix}_prefix": ix.method.upper()})
    why = index_left_out(t, ix, d)
    if why is not None:
        b.note(t.key, f"index {ix.name} left out: {why}")
        return None
    if key_support(t, ix.columns, d) == "prefix":
        prefixed = prefixed_columns(t, ix.columns, d)
        kw[f"{d.kwarg_prefix}_length"] = dict.fromkeys(prefixed, d.key_prefix_length)
        b.note(t.key, f"index {ix.name} covers the first {d.key_prefix_length} characters of "
                       f"{', '.join(prefixed)} ({d.name} indexes large text/binary columns by a prefix)")
    if ix.method and ix.method != "btree":
        if ix.method in d.index_methods:
            kw[f"{d.kwarg_prefix}_using"] = ix.method
        else:
            b.note(t.key, f"index {ix.name}: method {ix.method} not available on {d.name}; default used")
    return sa.Index(ix.name, *[table.c[c] for c in ix.columns], unique=unique, **kw)


def _compile(construct: Any, d: Dialect) -> str:
    # kept exactly as SQLAlchemy prints it (tabs, ", " line ends): any rewrite could touch a literal
    return str(construct.compile(dialect=d.compile_dialect())).strip()


def statements(schema: Schema, dialect: Dialect | str, keys_after: bool = False) -> list[Statement]:
    """Every statement (and note) that creates ``schema`` on ``dialect``, in execution order.

    ``keys_after``: the tables are created without primary keys, unique constraints and foreign keys;
    ``ALTER TABLE ... ADD`` statements (kind ``key`` for primary and unique keys, then ``constraint`` for
    foreign keys, where the dialect can add them) follow every table, for a bulk load that adds the keys
    once the rows are in (the engine then checks every row as it builds each key).
    """
    d = get_dialect(dialect)
    check_fk_types(schema, d)
    b = _shared_build(schema, d, keys_after)
    schema = b.schema  # names as the engine keeps them
    out: list[Statement] = [Statement("note", "", note=n) for n in b.notes.get("", [])]
    for ns in b.namespaces:
        out.append(Statement("schema", ns, _compile(sa.schema.CreateSchema(ns, if_not_exists=True), d)))
    from .objects import CreateView, comment_sql, extensions, object_order, types, view_notes

    for ext in b.extensions:
        out.append(Statement("extension", ext, _compile(CreateExtension(ext), d)))
    for obj in extensions(schema, d):
        out.append(Statement("extension", obj.key, obj.sql))
        if (remark := comment_sql(obj, d)) is not None:
            out.append(Statement("comment", obj.key, remark))
    for name, enum in b.enums.items():
        out.append(Statement("type", name, _compile(CreateEnumType(enum), d)))
    for name, stmts in b.domains.items():
        out.extend(Statement("domain", name, _compile(stmt, d)) for stmt in stmts)
    for obj in types(schema, d):
        out.append(Statement(obj.kind, obj.key, obj.sql))
        if (remark := comment_sql(obj, d)) is not None:
            out.append(Statement("comment", obj.key, remark))
    for seq in b.sequences:
        key = naming.qualify(seq.schema, seq.name)  # (in its schema: two schemas may hold one name)
        out.append(Statement("sequence", key, _compile(sa.schema.CreateSequence(seq), d)))
    # the order the inline and deferred keys were chosen for (a key this engine leaves out orders nothing)
    for t in map(schema.table, b.order):
        table = b.tables[t.key]
        out.extend(Statement("note", t.key, note=n) for n in b.notes.get(t.key, []))
        out.append(Statement("table", t.key, _compile(
            sa.schema.CreateTable(table, include_foreign_key_constraints=b.inline_fks.get(t.key, [])), d)))
        model_order = [x.name for x in t.indexes]
        for ix in sorted(table.indexes, key=lambda i: model_order.index(str(i.name))):
            out.append(Statement("index", str(ix.name), _compile(sa.schema.CreateIndex(ix), d)))
        if d.comments and not d.compile_dialect().inline_comments:
            if table.comment:
                out.append(Statement("comment", t.key, _compile(sa.schema.SetTableComment(table), d)))
            for col in table.columns:
                if col.comment:
                    out.append(Statement("comment", f"{t.key}.{col.name}",
                                         _compile(sa.schema.SetColumnComment(col), d)))
    for key in b.keys:
        out.append(Statement("key", str(key.name or naming.primary_key_name(b.key_of[key.table])),
                             _compile(sa.schema.AddConstraint(key), d)))
    for fkc in b.deferred:
        out.append(Statement("constraint", str(fkc.name), _compile(sa.schema.AddConstraint(fkc), d)))
    for owned in b.owners:
        out.append(Statement("sequence", owned.sequence, _compile(owned, d)))
    for attach in b.attach:
        out.append(Statement("partition", b.key_of[attach.child], _compile(attach, d)))
    items, left = object_order(schema, d)
    out.extend(Statement("note", "", note=n) for n in left)
    for item in items:
        if isinstance(item, View):
            query, _ = view_sql(item, d)
            materialized = item.materialized and d.materialized_views
            if item.materialized and not materialized:
                out.append(Statement("note", item.key, note=f"{d.name}: materialized view {item.key} is a plain view "
                                                            f"({d.name} has no materialized views)"))
            out.extend(Statement("note", item.key, note=n) for n in view_notes(item, d))
            out.append(Statement("view", item.key, _compile(CreateView.of(item, query or "", d), d)))
        else:
            out.append(Statement(item.kind, item.key, item.sql))
        if (remark := comment_sql(item, d)) is not None:
            out.append(Statement("comment", item.key, remark))
    return out


def declared(schema: Schema, dialect: Dialect | str, keys_after: bool = False) -> dict[str, set[str]]:
    """Per table, what the statements of :func:`statements` declare on ``dialect``: the names of its
    unique, check and foreign key constraints and unique indexes, of its primary key and of its columns'
    NOT NULL (:func:`~dbmodel_kit.model.naming.primary_key_name`, :func:`~dbmodel_kit.model.naming.not_null_name`);
    what the dialect leaves out (see the statements' notes) is absent."""
    d = get_dialect(dialect)
    b = _shared_build(schema, d, keys_after)
    out: dict[str, set[str]] = {}
    for t in b.schema.tables:
        table = b.tables[t.key]
        names = out.setdefault(t.key, set())
        names |= {naming.not_null_name(c.name) for c in table.columns if not c.nullable}
        if table.primary_key.columns:
            names.add(naming.primary_key_name(t.key))
        for c in table.constraints:
            if isinstance(c, sa.ForeignKeyConstraint):
                if c in b.deferred or c in b.inline_fks.get(t.key, []):
                    names.add(str(c.name))
            elif isinstance(c, sa.UniqueConstraint | sa.CheckConstraint) and c.name:
                names.add(str(c.name))
        names |= {str(ix.name) for ix in table.indexes if ix.unique}
    for key in b.keys:
        owner = b.key_of[key.table]
        out[owner].add(str(key.name) if key.name else naming.primary_key_name(owner))
    return out


def create_sql(schema: Schema, dialect: Dialect | str) -> str:
    """The DDL script that creates ``schema`` on ``dialect`` (statements end with ``;``)."""
    with fewer_collections():
        return _script(statements(schema, dialect))


def _script(stmts: Iterable[Statement]) -> str:
    parts: list[str] = []
    for s in stmts:
        if s.sql:
            parts.append(s.text() + "\n")
        elif parts and not parts[-1].endswith(";\n"):
            parts[-1] += s.text() + "\n"
        else:
            parts.append(s.text() + "\n")
    return "\n".join(parts).rstrip("\n") + "\n" if parts else ""


def drop_statements(schema: Schema, dialect: Dialect | str) -> list[Statement]:
    """Statements that remove everything :func:`statements` creates, in a safe order."""
    from .objects import DropView, object_order

    d = get_dialect(dialect)
    b = _shared_build(schema, d)
    schema = b.schema
    items, _ = object_order(schema, d)
    out = [Statement("drop", item.key, _compile(DropView(item.key, item.materialized and d.materialized_views), d))
           for item in reversed(items) if isinstance(item, View)]
    from .objects import types

    first = types(schema, d)
    kept = [item for item in first if item.kind != "type"] + [item for item in items if isinstance(item, Verbatim)]
    if kept:
        out.append(Statement("note", "", note=f"{d.name}: {', '.join(f'{o.kind} {o.key}' for o in kept)} not "
                                              "dropped here: they go with the tables they belong to, or stay"))
    out += [Statement("drop", str(fkc.name), _compile(sa.schema.DropConstraint(fkc), d)) for fkc in b.deferred]
    for key in reversed(b.order):
        out.append(Statement("drop", key, _compile(sa.schema.DropTable(b.tables[key]), d)))
    owned = {owner.sequence for owner in b.owners}  # dropped with their tables
    for seq in b.sequences:
        if seq.name not in owned:
            out.append(Statement("drop", seq.name, _compile(sa.schema.DropSequence(seq), d)))
    prep = d.compile_dialect().identifier_preparer
    for obj in reversed([x for x in first if x.kind == "type"]):
        name = prep.quote(obj.name) if obj.schema is None else f"{prep.quote_schema(obj.schema)}.{prep.quote(obj.name)}"
        out.append(Statement("drop", obj.key, f"DROP TYPE {name}"))
    for name, stmts in reversed(b.domains.items()):
        out.append(Statement("drop", name, _compile(DropDomainType(stmts[0].element), d)))
    for name, enum in b.enums.items():
        out.append(Statement("drop", name, _compile(DropEnumType(enum), d)))
    return out


def drop_sql(schema: Schema, dialect: Dialect | str) -> str:
    """The DDL script that drops everything ``create_sql`` creates (constraints, tables, types)."""
    return _script(drop_statements(schema, dialect))


def create_engine(url: str | sa.URL, **kwargs: Any) -> sa.Engine:
    """An SQLAlchemy engine with the connection setup the dialect needs: SQLite attaches the files
    its URL names (``?attach=audit.db``, :func:`dbmodel_kit.urls.sqlite_attachments`), gets
    ``PRAGMA foreign_keys=ON`` on each connection and a real ``BEGIN`` (pysqlite would otherwise
    commit before each DDL statement; see SQLAlchemy's "Serializable isolation / Savepoints /
    Transactional DDL" notes for pysqlite)."""
    from ..urls import attach_on_connect, sqlite_attachments

    # a URL that does not parse is a ModelError naming it, secrets hidden; an SQLite URL's
    # attach=FILE parameters are databases attached on each connection (its named schemas)
    parsed, attachments = sqlite_attachments(url)
    d = get_dialect(parsed)
    if d.name == "duckdb":
        keep_postgres_words()
    engine = sa.create_engine(parsed, **kwargs)
    attach_on_connect(engine, attachments)

    if d.connect_statements or d.explicit_begin:
        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            if d.explicit_begin:
                dbapi_conn.isolation_level = None  # let us issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            for stmt in d.connect_statements:
                cur.execute(stmt)
            cur.close()

    if d.explicit_begin:
        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN")

    return engine


def _run(conn: sa.Connection, sql: str) -> None:
    # no_parameters: the driver gets the text as is, so a % in an identifier is not a placeholder
    conn.exec_driver_sql(sql, execution_options={"no_parameters": True})


def run_script(stmts: Iterable[Statement], url: str | sa.URL | sa.Engine) -> None:
    """Execute ``stmts`` on ``url``: in one transaction where the engine has transactional DDL;
    elsewhere statement by statement, undoing what was created when one fails (best effort)."""
    engine = url if isinstance(url, sa.Engine) else create_engine(url)
    d = get_dialect(engine)
    stmts = [s for s in stmts if s.sql]
    try:
        if d.transactional_ddl:
            with engine.begin() as conn:
                for i, s in enumerate(stmts):
                    _execute(conn, s, i)
            return
        with engine.connect() as conn:
            done: list[Statement] = []
            try:
                for i, s in enumerate(stmts):
                    _execute(conn, s, i)
                    done.append(s)
                    conn.commit()
            except ModelError:
                conn.rollback()
                for undo in _compensate(done, d):
                    try:
                        _run(conn, undo)
                        conn.commit()
                    except sa.exc.DBAPIError:
                        conn.rollback()
                raise
    finally:
        if engine is not url:
            engine.dispose()


def _execute(conn: sa.Connection, s: Statement, i: int) -> None:
    try:
        _run(conn, s.sql)
    except sa.exc.DBAPIError as e:
        detail = str(e.orig).splitlines()[0] if e.orig is not None else str(e)
        raise ModelError(f"statement {i + 1} ({s.kind} {s.target}) failed: {detail}",
                         where=s.target or None) from e


def _compensate(done: list[Statement], d: Dialect) -> Iterator[str]:
    """Drop what a failed non-transactional ``apply`` created, newest first."""
    compiler = d.compile_dialect()
    meta = sa.MetaData()
    for s in reversed(done):
        if s.kind == "table":
            yield str(sa.schema.DropTable(sa.Table(s.target, meta)).compile(dialect=compiler))


def apply(schema: Schema, url: str | sa.URL | sa.Engine) -> None:
    """Create ``schema`` in the database at ``url``, in one transaction where the engine has
    transactional DDL (PostgreSQL, SQLite, DuckDB): if a statement fails, nothing is left behind
    and :class:`~dbmodel_kit.errors.ModelError` says which statement failed. On MySQL/MariaDB
    (each DDL statement commits) the tables already created are dropped again.

    >>> from dbmodel_kit.examples import ecommerce
    >>> apply(ecommerce(), "duckdb:///:memory:")
    """
    engine = url if isinstance(url, sa.Engine) else create_engine(url)
    try:
        run_script(statements(schema, get_dialect(engine)), engine)
    finally:
        if engine is not url:
            engine.dispose()
