"""Frozen schema values: a :class:`Schema` of :class:`Table`\\ s of :class:`Column`\\ s.

Values never change; an edit makes a new value (``dataclasses.replace`` or an operation from
:mod:`dbmodel_kit.model.ops`). Constructors check every invariant and raise
:class:`~dbmodel_kit.errors.ModelError` naming the place, so an invalid schema cannot exist.

>>> t = Table("users", columns=(Column("id", DataType("uuid")),), primary_key=("id",))
>>> t.column("id").nullable
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

import sqlglot
from sqlglot import exp

from ..errors import ModelError
from . import naming
from .types import DataType

FK_ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")
DefaultKind = Literal["literal", "expression", "now", "uuid", "identity"]

_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NOW = {"now()", "now", "current_timestamp", "current_timestamp()", "localtimestamp", "getdate()"}
_UUID = {"uuid()", "uuid", "gen_random_uuid()", "uuid_generate_v4()", "uuidv4()"}
_IDENTITY = {"identity", "autoincrement", "auto_increment", "serial"}


def _tuple(value: Iterable[Any] | str | None) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _freeze(value: Any) -> Any:
    """A hashable copy of a hint value (lists become tuples, dicts sorted pairs)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    return value


def _check_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not name:
        raise ModelError(f"a {kind} name must be non-empty text, not {name!r}")
    if "\x00" in name:
        raise ModelError(f"{kind} name {name!r} contains a NUL character, which no engine stores")
    return name


def canonical_sql(expression: str) -> str:
    """The canonical text of an SQL expression (sqlglot's generic dialect), so equal expressions
    compare equal and a rename and its inverse give back the same text.

    >>> canonical_sql("price>=0  and price<=10")
    'price >= 0 AND price <= 10'
    """
    try:
        tree = sqlglot.parse_one(expression)
        for ident in tree.find_all(exp.Identifier):
            ident.set("quoted", _needs_quotes(ident.name))
        return tree.sql()
    except sqlglot.errors.ParseError as e:
        detail = e.errors[0]["description"] if e.errors else str(e)
        raise ModelError(f"cannot parse SQL expression {expression!r}: {detail}") from None
    except sqlglot.errors.SqlglotError as e:
        raise ModelError(f"cannot parse SQL expression {expression!r}: {e}") from None


_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


@cache
def reserved_words() -> frozenset[str]:
    """Words reserved in any target dialect (sqlglot's MySQL and DuckDB lists, the latter taken
    from PostgreSQL's grammar) plus sqlglot's own keywords, lower-cased."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import Tokenizer

    words = {k.lower() for k in Tokenizer.KEYWORDS if " " not in k}
    for name in ("mysql", "duckdb", "postgres", "sqlite"):
        words |= {w.lower() for w in getattr(Dialect.get_or_raise(name).generator_class, "RESERVED_KEYWORDS", ())}
    return frozenset(words)


def _needs_quotes(name: str) -> bool:
    return not _PLAIN_IDENT.match(name) or name in reserved_words()


def sql_identifier(name: str) -> exp.Identifier:
    """An identifier node for ``name``, quoted exactly when it must be (case, odd characters,
    keywords), so generated expressions are valid and canonical."""
    return exp.to_identifier(name, quoted=_needs_quotes(name))


def rename_sql_column(expression: str, old: str, new: str) -> str:
    """``expression`` with every reference to column ``old`` renamed to ``new``."""
    tree = sqlglot.parse_one(expression)
    for col in tree.find_all(exp.Column):
        if col.name == old:
            col.set("this", sql_identifier(new))
    return canonical_sql(tree.sql())


def sql_columns(expression: str) -> tuple[str, ...]:
    """Column names an SQL expression mentions, in first-use order.

    >>> sql_columns("price >= 0 AND price <= max_price")
    ('price', 'max_price')
    """
    try:
        tree = sqlglot.parse_one(expression)
    except sqlglot.errors.SqlglotError as e:
        raise ModelError(f"cannot parse SQL expression {expression!r}: {e}") from None
    seen: dict[str, None] = {}
    for col in tree.find_all(exp.Column):
        seen.setdefault(col.name, None)
    return tuple(seen)


@dataclass(frozen=True, slots=True)
class Default:
    """A column default: a literal, an SQL expression, or a portable ``now``/``uuid``/``identity``.

    >>> str(Default.parse("'USD'")), str(Default.parse(0)), str(Default.parse("CURRENT_TIMESTAMP"))
    ("'USD'", '0', 'now()')
    """

    kind: DefaultKind
    value: str | int | float | bool | None = None

    @classmethod
    def parse(cls, value: object) -> Default | None:
        if value is None or isinstance(value, Default):
            return value
        if isinstance(value, bool | int | float):
            return cls("literal", value)
        if not isinstance(value, str):
            raise ModelError(f"cannot read default {value!r}")
        text = value.strip()
        low = text.lower()
        if low in ("null", ""):
            return None
        if low in _NOW:
            return cls("now")
        if low in _UUID:
            return cls("uuid")
        if low in _IDENTITY:
            return cls("identity")
        if low in ("true", "false"):
            return cls("literal", low == "true")
        if _NUMBER_RE.match(text):
            number = float(text) if any(c in text for c in ".eE") else int(text)
            return cls("literal", number)
        if len(text) >= 2 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
            return cls("literal", text[1:-1].replace("''", "'"))
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        return cls("expression", canonical_sql(text))

    def __str__(self) -> str:
        if self.kind == "now":
            return "now()"
        if self.kind == "uuid":
            return "uuid()"
        if self.kind == "identity":
            return "identity"
        if self.kind == "expression":
            return str(self.value)
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        if isinstance(self.value, str):
            return "'" + self.value.replace("'", "''") + "'"
        return repr(self.value)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@dataclass(frozen=True, slots=True)
class Column:
    """One column: a name, a logical type, nullability, default, and what people need to know.

    ``hints`` carries sample-data generation hints (``distinct``, ``null_fraction``, ``skew``,
    ``values``, ``faker``) as ordered ``(name, value)`` pairs.
    """

    name: str
    type: DataType
    nullable: bool = True
    default: Default | None = None
    generated: str | None = None
    comment: str | None = None
    sensitive: bool = False
    hints: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        _check_name("column", self.name)
        if not isinstance(self.type, DataType):
            object.__setattr__(self, "type", DataType.parse(self.type))
        if not isinstance(self.default, Default | None):
            object.__setattr__(self, "default", Default.parse(self.default))
        if isinstance(self.hints, Mapping):
            object.__setattr__(self, "hints", tuple((k, _freeze(v)) for k, v in self.hints.items()))
        else:
            object.__setattr__(self, "hints", tuple((k, _freeze(v)) for k, v in self.hints))
        if self.generated is not None:
            object.__setattr__(self, "generated", canonical_sql(self.generated))
            if self.default is not None:
                raise ModelError(f"column {self.name!r} is generated, so it cannot also have a default")
        if self.default is not None and self.default.kind == "identity" and self.type.kind not in (
            "smallint", "integer", "bigint"):
            raise ModelError(f"column {self.name!r}: identity needs an integer type, not {self.type}")
        if self.default is not None and self.default.kind == "uuid" and self.type.kind != "uuid":
            raise ModelError(f"column {self.name!r}: a uuid() default needs the uuid type, not {self.type}")

    def hint(self, name: str, default: Any = None) -> Any:
        return dict(self.hints).get(name, default)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """``columns`` of this table reference ``ref_columns`` (default: the parent's key) of ``ref_table``."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...] = ()
    name: str = ""
    on_delete: str | None = None
    on_update: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _tuple(self.columns))
        object.__setattr__(self, "ref_columns", _tuple(self.ref_columns))
        if not self.columns:
            raise ModelError("a foreign key needs at least one column")
        for attr in ("on_delete", "on_update"):
            action = getattr(self, attr)
            if action is not None:
                norm = " ".join(str(action).upper().replace("_", " ").split())
                if norm not in FK_ACTIONS:
                    raise ModelError(f"{attr} must be one of {', '.join(FK_ACTIONS)}, not {action!r}")
                object.__setattr__(self, attr, None if norm == "NO ACTION" else norm)


@dataclass(frozen=True, slots=True)
class Index:
    """An index: composite ``columns``, ``unique``, partial ``where``, ``method`` (btree, hash,
    gin, ...), covering ``include``."""

    columns: tuple[str, ...]
    name: str = ""
    unique: bool = False
    where: str | None = None
    method: str | None = None
    include: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _tuple(self.columns))
        object.__setattr__(self, "include", _tuple(self.include))
        if not self.columns:
            raise ModelError("an index needs at least one column")
        if self.where is not None:
            object.__setattr__(self, "where", canonical_sql(self.where))
        if self.method is not None:
            object.__setattr__(self, "method", self.method.lower())


@dataclass(frozen=True, slots=True)
class Unique:
    """A UNIQUE constraint over ``columns``."""

    columns: tuple[str, ...]
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _tuple(self.columns))
        if not self.columns:
            raise ModelError("a unique constraint needs at least one column")


@dataclass(frozen=True, slots=True)
class Check:
    """A CHECK constraint; ``expression`` is portable SQL (sqlglot's generic dialect)."""

    expression: str
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.expression, str) or not self.expression.strip():
            raise ModelError("a check constraint needs an expression")
        object.__setattr__(self, "expression", canonical_sql(self.expression))

    @property
    def columns(self) -> tuple[str, ...]:
        return sql_columns(self.expression)


@cache
def _builtin_type(name: str) -> str | None:
    """The built-in type ``name`` reads as in any of our dialects (``null`` -> NULL, ``int`` -> INT), or None
    for a name only a user-defined type can have. sqlglot's own type table is the judge because it is what
    reads our DDL back, and it drops the quotes of ``"null"`` in a type position."""
    for dialect in ("postgres", "mysql", "duckdb", "sqlite"):
        try:
            t = exp.DataType.build(name, dialect=dialect, udt=True).this
        except (sqlglot.errors.SqlglotError, ValueError):  # not type text at all: no built-in type
            continue
        if t != exp.DataType.Type.USERDEFINED:
            return str(t.value)
    return None


@dataclass(frozen=True, slots=True)
class Enum:
    """A named set of values that enum columns draw from."""

    name: str
    values: tuple[str, ...]
    comment: str | None = None

    def __post_init__(self) -> None:
        _check_name("enum", self.name)
        builtin = _builtin_type(self.name)
        if builtin:
            raise ModelError(
                f"enum {self.name!r} is named like the built-in SQL type {builtin}: SQL readers (sqlglot, and "
                f"PostgreSQL itself where the name is not quoted) take a column of that type for the built-in "
                f"one; name it for what it holds, e.g. {self.name}_kind"
            )
        object.__setattr__(self, "values", _tuple(self.values))
        if not self.values:
            raise ModelError(f"enum {self.name!r} has no values")
        for v in self.values:
            if not isinstance(v, str) or not v:
                raise ModelError(f"enum {self.name!r}: values are non-empty text, not {v!r}")
        dupes = _duplicates(self.values)
        if dupes:
            raise ModelError(f"enum {self.name!r} lists {dupes[0]!r} twice")


def _duplicates(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item in seen:
            out.append(item)
        seen.add(item)
    return out


@dataclass(frozen=True)
class Table:
    """A table and everything declared on it.

    Names of indexes and constraints left empty are filled from :mod:`~.naming`; columns in
    the primary key are made NOT NULL.
    """

    name: str
    columns: tuple[Column, ...] = ()
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    group: str | None = None
    timestamps: bool = False
    soft_delete: bool = False
    audited: bool = False

    def __post_init__(self) -> None:
        name = _check_name("table", self.name)
        set_ = object.__setattr__
        for attr in ("columns", "primary_key", "foreign_keys", "indexes", "uniques", "checks"):
            set_(self, attr, _tuple(getattr(self, attr)))
        if not self.columns:
            raise ModelError("a table needs at least one column", where=name)
        dupes = _duplicates(c.name for c in self.columns)
        if dupes:
            raise ModelError(f"duplicate column {dupes[0]!r}", where=name)
        names = {c.name for c in self.columns}

        def need(cols: Iterable[str], what: str) -> None:
            for col in cols:
                if col not in names:
                    raise ModelError(f"{what} names column {col!r}, which the table does not have", where=name)

        need(self.primary_key, "the primary key")
        if _duplicates(self.primary_key):
            raise ModelError("the primary key lists a column twice", where=name)
        if self.primary_key:
            pk = set(self.primary_key)
            set_(self, "columns", tuple(
                replace(c, nullable=False) if c.name in pk and c.nullable else c for c in self.columns))

        fks = []
        for fk in self.foreign_keys:
            need(fk.columns, f"a foreign key to {fk.ref_table!r}")
            if fk.ref_columns and len(fk.ref_columns) != len(fk.columns):
                raise ModelError(
                    f"foreign key ({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)}) "
                    "pairs a different number of columns", where=name)
            fks.append(fk if fk.name else replace(fk, name=naming.fk_name(name, fk.columns, fk.ref_table)))
        set_(self, "foreign_keys", tuple(fks))

        idxs = []
        for ix in self.indexes:
            need(ix.columns, "an index")
            need(ix.include, "an index's INCLUDE")
            if ix.where:
                need(sql_columns(ix.where), "an index's WHERE")
            idxs.append(ix if ix.name else replace(ix, name=naming.index_name(name, ix.columns, ix.unique)))
        set_(self, "indexes", tuple(idxs))

        uqs = []
        for uq in self.uniques:
            need(uq.columns, "a unique constraint")
            uqs.append(uq if uq.name else replace(uq, name=naming.unique_name(name, uq.columns)))
        set_(self, "uniques", tuple(uqs))

        cks = []
        taken = {ck.name for ck in self.checks if ck.name}
        for ck in self.checks:
            need(ck.columns, f"check ({ck.expression})")
            if not ck.name:
                n = 1
                while (candidate := naming.check_name(name, ck.columns, n)) in taken:
                    n += 1
                taken.add(candidate)
                ck = replace(ck, name=candidate)
            cks.append(ck)
        set_(self, "checks", tuple(cks))

        dupes = _duplicates(self.constraint_names())
        if dupes:
            raise ModelError(f"two indexes or constraints are named {dupes[0]!r}", where=name)
        for c in self.columns:
            if c.generated:
                need(sql_columns(c.generated), f"generated column {c.name!r}")

    # -- lookups ---------------------------------------------------------------------------
    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise ModelError(f"no column {name!r}; columns are {', '.join(self.column_names)}", where=self.name)

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def constraint_names(self) -> list[str]:
        return ([fk.name for fk in self.foreign_keys] + [ix.name for ix in self.indexes]
                + [u.name for u in self.uniques] + [c.name for c in self.checks])

    def foreign_key(self, name: str) -> ForeignKey:
        return self._named(self.foreign_keys, name, "foreign key")

    def index(self, name: str) -> Index:
        return self._named(self.indexes, name, "index")

    def unique(self, name: str) -> Unique:
        return self._named(self.uniques, name, "unique constraint")

    def check(self, name: str) -> Check:
        return self._named(self.checks, name, "check constraint")

    def _named(self, items: tuple[Any, ...], name: str, what: str) -> Any:
        for item in items:
            if item.name == name:
                return item
        known = ", ".join(i.name for i in items) or "none"
        raise ModelError(f"no {what} named {name!r} (known: {known})", where=self.name)

    def is_unique(self, columns: Iterable[str]) -> bool:
        """Whether ``columns`` (as a set) are the primary key, a unique constraint or a unique index."""
        cols = frozenset(columns)
        if cols and cols == frozenset(self.primary_key):
            return True
        if any(cols == frozenset(u.columns) for u in self.uniques):
            return True
        return any(ix.unique and ix.where is None and cols == frozenset(ix.columns) for ix in self.indexes)


@dataclass(frozen=True)
class Schema:
    """A whole database design: tables (in the order they were added) and enums.

    Checks everything that spans tables: foreign keys point at existing tables and at columns
    that are a key there, with compatible types; enum columns name a declared enum; index and
    constraint names are unique in the schema (MySQL and PostgreSQL need that for some kinds).
    """

    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()
    name: str | None = None
    comment: str | None = None
    _by_name: dict[str, Table] = field(default=None, init=False, repr=False, compare=False, hash=False)  # type: ignore[arg-type]
    _owners: dict[str, str] = field(default=None, init=False, repr=False, compare=False, hash=False)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", _tuple(self.tables))
        object.__setattr__(self, "enums", _tuple(self.enums))
        dupes = _duplicates(t.name for t in self.tables)
        if dupes:
            raise ModelError(f"duplicate table {dupes[0]!r}")
        dupes = _duplicates(e.name for e in self.enums)
        if dupes:
            raise ModelError(f"duplicate enum {dupes[0]!r}")
        by_name = {t.name: t for t in self.tables}
        object.__setattr__(self, "_by_name", by_name)
        enums = {e.name for e in self.enums}
        owners: dict[str, str] = {}
        for t in self.tables:
            self._check_table(t, enums, owners, by_name)
        object.__setattr__(self, "_owners", owners)
        if any(by_name[t.name] is not t for t in self.tables):
            object.__setattr__(self, "tables", tuple(by_name[t.name] for t in self.tables))

    def _check_table(self, t: Table, enums: set[str], owners: dict[str, str], by_name: dict[str, Table]) -> None:
        """Check what spans tables for ``t``: enum types, schema-wide names (recorded in
        ``owners``), and its foreign keys (filling in default referenced columns in ``by_name``)."""
        for c in t.columns:
            if c.type.kind == "enum" and c.type.enum not in enums:
                raise ModelError(f"type enum({c.type.enum}) names an enum the schema does not declare",
                                 where=f"{t.name}.{c.name}")
        for cname in t.constraint_names():
            if cname in owners:
                raise ModelError(f"the name {cname!r} is already used in table {owners[cname]!r}; "
                                 "index and constraint names must be unique in the schema", where=t.name)
            owners[cname] = t.name
        fks = tuple(self._check_fk(t, fk, by_name) for fk in t.foreign_keys)
        if fks != t.foreign_keys:
            by_name[t.name] = replace(t, foreign_keys=fks)

    @staticmethod
    def _check_fk(t: Table, fk: ForeignKey, by_name: Mapping[str, Table]) -> ForeignKey:
        where = f"{t.name}.{fk.name}"
        parent = by_name.get(fk.ref_table)
        if parent is None:
            raise ModelError(f"foreign key references table {fk.ref_table!r}, which does not exist", where=where)
        ref_cols = fk.ref_columns or parent.primary_key
        if not ref_cols:
            raise ModelError(f"foreign key to {fk.ref_table!r} names no columns and that table has no "
                             "primary key", where=where)
        if len(ref_cols) != len(fk.columns):
            raise ModelError(f"foreign key has {len(fk.columns)} column(s) but {fk.ref_table}'s key has "
                             f"{len(ref_cols)}", where=where)
        for col, ref in zip(fk.columns, ref_cols, strict=True):
            if not parent.has_column(ref):
                raise ModelError(f"foreign key references column {fk.ref_table}.{ref}, which does not exist",
                                 where=where)
            a, b = t.column(col).type, parent.column(ref).type
            if not a.compatible_with(b):
                raise ModelError(f"type mismatch: {t.name}.{col} is {a} but {fk.ref_table}.{ref} is {b}",
                                 where=where)
        if not parent.is_unique(ref_cols):
            raise ModelError(f"foreign key references {fk.ref_table}({', '.join(ref_cols)}), which is not "
                             "its primary key or a unique constraint", where=where)
        return fk if fk.ref_columns else replace(fk, ref_columns=tuple(ref_cols))

    # -- lookups ---------------------------------------------------------------------------
    def table(self, name: str) -> Table:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none"
            raise ModelError(f"no table {name!r} (tables: {known})") from None

    def has_table(self, name: str) -> bool:
        return name in self._by_name

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def enum(self, name: str) -> Enum:
        for e in self.enums:
            if e.name == name:
                return e
        raise ModelError(f"no enum {name!r}")

    def has_enum(self, name: str) -> bool:
        return any(e.name == name for e in self.enums)

    def referencing(self, table: str) -> list[tuple[Table, ForeignKey]]:
        """Every (child table, foreign key) that points at ``table``."""
        return [(t, fk) for t in self.tables for fk in t.foreign_keys if fk.ref_table == table]

    def replace_table(self, table: Table, name: str | None = None) -> Schema:
        """A new schema with the table called ``name`` (default ``table.name``) replaced, in place.

        Checked incrementally: the other tables were valid and are unchanged, so only the new
        table and the foreign keys that point at it are checked again (the full check of every
        table after every edit was two thirds of a 1,000-table diff). A rename takes the full check.
        """
        old = name or table.name
        self.table(old)
        tables = tuple(table if t.name == old else t for t in self.tables)
        if table.name != old:
            return replace(self, tables=tables)
        new = object.__new__(Schema)
        for f in ("enums", "name", "comment"):
            object.__setattr__(new, f, getattr(self, f))
        by_name = dict(self._by_name)
        by_name[old] = table
        owners = {k: v for k, v in self._owners.items() if v != old}
        enums = {e.name for e in self.enums}
        new._check_table(table, enums, owners, by_name)
        fixed = by_name[old]
        for child in tables:
            if child.name != old and any(fk.ref_table == old for fk in child.foreign_keys):
                for fk in child.foreign_keys:
                    if fk.ref_table == old:
                        self._check_fk(child, fk, by_name)
        object.__setattr__(new, "tables", tuple(fixed if t.name == old else t for t in tables))
        object.__setattr__(new, "_by_name", by_name)
        object.__setattr__(new, "_owners", owners)
        return new

    # Jupyter display: the ERD (core display code lives in dbmodel_kit.erd; no Jupyter import here).
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """SVG + inline HTML + Mermaid Markdown; without Graphviz, the install hint and Mermaid."""
        from ..erd import ERD

        return ERD(self)._repr_mimebundle_(include, exclude)

    def _repr_svg_(self) -> str | None:
        from ..erd import GraphvizNotFound, render_svg

        try:
            return render_svg(self)
        except GraphvizNotFound:
            return None


def dependency_order(schema: Schema) -> tuple[list[Table], list[tuple[Table, ForeignKey]]]:
    """Tables ordered so each comes after the tables it references, and the FKs that must wait.

    Returns ``(tables, deferred)``: ``deferred`` lists the foreign keys that close a cycle and
    so must be added after every table exists (``ALTER TABLE ... ADD CONSTRAINT``).
    Self-references are never deferred. Kahn's algorithm, keeping model order among ready
    tables so output is deterministic.
    """
    order: list[Table] = []
    placed: set[str] = set()
    deferred: list[tuple[Table, ForeignKey]] = []
    remaining = list(schema.tables)
    skip: set[tuple[str, str]] = set()
    while remaining:
        for t in remaining:
            deps = {fk.ref_table for fk in t.foreign_keys
                    if fk.ref_table != t.name and (t.name, fk.name) not in skip}
            if deps <= placed:
                order.append(t)
                placed.add(t.name)
                remaining.remove(t)
                break
        else:
            # a cycle: defer the first unplaced FK of the first remaining table that has one
            t = remaining[0]
            for fk in t.foreign_keys:
                if fk.ref_table != t.name and fk.ref_table not in placed and (t.name, fk.name) not in skip:
                    skip.add((t.name, fk.name))
                    deferred.append((t, fk))
                    break
    return order, deferred
