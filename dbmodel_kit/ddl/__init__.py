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
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.named_types import CreateEnumType, DropEnumType
from sqlglot import exp

from ..dialects import Dialect, get_dialect
from ..errors import ModelError
from ..model import naming
from ..model.schema import Column, Default, ForeignKey, Schema, Table, dependency_order
from ..model.types import DataType
from .sqltext import to_dialect

__all__ = [
    "Statement", "apply", "create_engine", "create_sql", "drop_sql", "enum_check_name", "key_support", "sa_column",
    "sa_type", "sequence_name", "statements", "to_metadata",
]


@dataclass(frozen=True)
class Statement:
    """One DDL statement (``sql`` without the trailing ``;``) or, with ``sql`` empty, a note."""

    kind: str  # type, sequence, table, index, comment, constraint, note, drop
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
    return naming.shorten(f"ck_{table}_{column}_enum")


def sequence_name(table: str, column: str) -> str:
    """Name of the sequence behind an identity column on engines without identity (DuckDB)."""
    return naming.shorten(f"{table}_{column}_seq")


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
    d = get_dialect(dialect)
    t = DataType.parse(datatype)
    if t.kind != "enum":
        return d.type_factory(t.kind)(t)
    if schema is None or not schema.has_enum(t.enum or ""):
        raise ModelError(f"type {t} needs the schema that declares enum {t.enum!r}")
    values = schema.enum(t.enum or "").values
    if d.enum_style == "type":
        from sqlalchemy.dialects.postgresql import ENUM

        return ENUM(*values, name=t.enum, create_type=False)
    if d.enum_style == "inline":
        return sa.Enum(*values, name=t.enum, native_enum=True, create_constraint=False)
    # check style: text wide enough for the longest value, plus a CHECK added by the table
    return sa.VARCHAR(max(len(v) for v in values))


def _bool_literal(value: bool) -> sa.ColumnElement[Any]:
    return sa.true() if value else sa.false()


@dataclass
class _Build:
    schema: Schema
    dialect: Dialect
    metadata: sa.MetaData = field(default_factory=sa.MetaData)
    notes: dict[str, list[str]] = field(default_factory=dict)
    enums: dict[str, Any] = field(default_factory=dict)
    sequences: list[sa.Sequence] = field(default_factory=list)
    deferred: list[sa.ForeignKeyConstraint] = field(default_factory=list)
    inline_fks: dict[str, list[sa.ForeignKeyConstraint]] = field(default_factory=dict)

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
    p.extra.append(sa.Identity())  # GENERATED BY DEFAULT AS IDENTITY: explicit keys still allowed
    p.kw.pop("autoincrement")


def _identity_auto_increment(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    p.kw["autoincrement"] = True


def _identity_rowid(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    # only INTEGER PRIMARY KEY AUTOINCREMENT assigns keys (https://sqlite.org/autoinc.html)
    p.type = sa.Integer()
    p.kw["autoincrement"] = True


def _identity_sequence(p: _ColumnParts, t: Table, c: Column, d: Dialect, b: _Build | None) -> None:
    # DuckDB has no identity columns: a sequence and DEFAULT nextval('<quoted name>')
    seq = sa.Sequence(sequence_name(t.name, c.name))
    if b is not None:
        b.sequences.append(seq)
    preparer = d.compile_dialect().identifier_preparer
    call = exp.Anonymous(this="nextval", expressions=[exp.Literal.string(preparer.quote(seq.name))])
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
    where = f"{table.name}.{column.name}"
    parts = _ColumnParts(sa_type(column.type, d, schema),
                         {"nullable": column.nullable, "autoincrement": False, "key": column.name}, [])
    default = column.default
    if default is not None and default.kind == "identity":
        if _identity_ok(table, column, d):
            IDENTITY_STYLES[d.identity_style].make(parts, table, column, d, _build)
        else:
            note(table.name, f"{where} cannot be an identity column here (it must be the lone primary key); "
                             "values come from the application")
    elif default is not None:
        server = _server_default(default, column, d)
        if server is None:
            note(table.name, f"{where} default {default} is left to the application "
                             f"({d.name} has no such function)")
        else:
            parts.kw["server_default"] = server
    if column.generated:
        parts.extra.append(sa.Computed(_lit(to_dialect(column.generated, d.sqlglot)), persisted=d.generated_stored))
    if column.comment and d.comments:
        parts.kw["comment"] = column.comment
    return sa.Column(column.name, parts.type, *parts.extra, **parts.kw)


def _server_default(default: Default, column: Column, d: Dialect) -> Any:
    if default.kind == "now":
        return _lit(d.now_sql)
    if default.kind == "uuid":
        return None if d.uuid_sql is None else _lit(d.uuid_sql)
    if default.kind == "expression":
        return _lit("(" + to_dialect(str(default.value), d.sqlglot) + ")")
    value = default.value
    if isinstance(value, bool):
        return _bool_literal(value)
    if isinstance(value, int | float):
        return _lit(repr(value))
    return str(value)


def _check_identifiers(schema: Schema, d: Dialect) -> None:
    def check(name: str, where: str) -> None:
        if d.max_identifier_bytes is not None and len(name.encode()) > d.max_identifier_bytes:
            raise ModelError(f"{name!r} is {len(name.encode())} bytes long; {d.name} allows "
                             f"{d.max_identifier_bytes}", where=where)
        if d.max_identifier_chars is not None and len(name) > d.max_identifier_chars:
            raise ModelError(f"{name!r} is {len(name)} characters long; {d.name} allows "
                             f"{d.max_identifier_chars}", where=where)
        if d.identifier_bmp_only and (any(ord(ch) > 0xFFFF for ch in name) or name.endswith(" ")):
            raise ModelError(f"{name!r}: {d.name} identifiers cannot hold characters beyond U+FFFF "
                             "or end with a space", where=where)

    for e in schema.enums:
        check(e.name, f"enum {e.name}")
    for t in schema.tables:
        check(t.name, t.name)
        for c in t.columns:
            check(c.name, f"{t.name}.{c.name}")
        for n in t.constraint_names():
            check(n, f"{t.name}.{n}")


def to_metadata(schema: Schema, dialect: Dialect | str) -> sa.MetaData:
    """SQLAlchemy ``MetaData`` holding every table of ``schema`` as ``dialect`` can store it."""
    return _build(schema, get_dialect(dialect)).metadata


def _build(schema: Schema, d: Dialect) -> _Build:
    _check_identifiers(schema, d)
    b = _Build(schema, d)
    if d.enum_style == "type":
        for e in schema.enums:
            b.enums[e.name] = sa_type(DataType("enum", enum=e.name), d, schema)
    elif schema.enums:
        b.notes.setdefault("", []).append(
            f"{d.name}: enum types are not stored by name; enum columns are "
            + ("inline ENUM(...) types" if d.enum_style == "inline" else "text with a CHECK"))
    order, deferred = dependency_order(schema)
    deferred_names = {(t.name, fk.name) for t, fk in deferred}
    tables: dict[str, sa.Table] = {}
    for t in order:
        kwargs: dict[str, Any] = {}
        cols = [sa_column(c, t, d, schema, b) for c in t.columns]
        if any(c.autoincrement is True for c in cols):
            kwargs.update(IDENTITY_STYLES[d.identity_style].table_kwargs)
        if t.comment:
            if d.comments:
                kwargs["comment"] = t.comment
            else:
                b.note(t.name, f"table {t.name} comment not stored: {t.comment}")
        for c in t.columns:
            if c.comment and not d.comments:
                b.note(t.name, f"column {t.name}.{c.name} comment not stored: {c.comment}")
        table = sa.Table(t.name, b.metadata, *cols, **kwargs)
        if t.primary_key:
            table.append_constraint(sa.PrimaryKeyConstraint(*[table.c[c] for c in t.primary_key]))
        for c in t.columns:
            if c.type.kind == "enum" and d.enum_style == "check":
                values = schema.enum(c.type.enum or "").values
                table.append_constraint(sa.CheckConstraint(
                    _lit(to_dialect(enum_check_sql(c.name, values), d.sqlglot)), name=enum_check_name(t.name, c.name)))
        for u in t.uniques:
            if u.columns == t.primary_key:
                b.note(t.name, f"unique constraint {u.name} repeats the primary key and is left out "
                               "(PostgreSQL would fold it into the key)")
                continue
            support = key_support(t, u.columns, d)
            if support != "full":
                b.note(t.name, f"unique constraint {u.name} left out: {d.name} cannot "
                       + ("index these column types" if support == "none" else
                          f"make it unique on whole values of ({', '.join(u.columns)}), only on a prefix, "
                          "which would reject rows the model allows"))
                continue
            table.append_constraint(sa.UniqueConstraint(*[table.c[c] for c in u.columns], name=u.name))
        for ck in t.checks:
            table.append_constraint(sa.CheckConstraint(_lit(to_dialect(ck.expression, d.sqlglot)), name=ck.name))
        tables[t.name] = table
    for t in order:
        table = tables[t.name]
        for fk in t.foreign_keys:
            constraint = _foreign_key(b, t, fk, table, tables[fk.ref_table])
            is_deferred = (t.name, fk.name) in deferred_names
            if is_deferred and not d.fk_forward_reference:
                if not d.alter_add_constraint:
                    b.note(t.name, f"foreign key {fk.name} ({', '.join(fk.columns)}) -> {fk.ref_table} closes a "
                                   f"cycle and {d.name} cannot add it after the tables exist; it is left out")
                    continue
                table.append_constraint(constraint)
                b.deferred.append(constraint)
            else:
                table.append_constraint(constraint)
                b.inline_fks.setdefault(t.name, []).append(constraint)
    for t in order:
        table = tables[t.name]
        for ix in t.indexes:
            _index(b, t, ix, table)
    return b


def _foreign_key(b: _Build, t: Table, fk: ForeignKey, table: sa.Table, parent: sa.Table) -> sa.ForeignKeyConstraint:
    kw: dict[str, Any] = {}
    actions = {"ondelete": fk.on_delete, "onupdate": fk.on_update}
    if b.dialect.set_null_needs_nullable and "SET NULL" in actions.values():
        required = [c for c in fk.columns if not t.column(c).nullable]
        if required:
            raise ModelError(f"foreign key {fk.name} sets {', '.join(required)} to NULL, but the column is NOT NULL; "
                             f"{b.dialect.name} refuses such a key (make the column nullable or pick another action)",
                             where=f"{t.name}.{fk.name}")
    if b.dialect.fk_actions:
        kw = {k: v for k, v in actions.items() if v}
    elif any(actions.values()):
        said = ", ".join(f"ON {k[2:].upper()} {v}" for k, v in actions.items() if v)
        b.note(t.name, f"foreign key {fk.name}: {said} dropped ({b.dialect.name} has no FK actions)")
    return sa.ForeignKeyConstraint([table.c[c] for c in fk.columns], [parent.c[c] for c in fk.ref_columns],
                                   name=fk.name, **kw)


def key_support(table: Table, columns: Iterable[str], dialect: Dialect | str) -> str:
    """Whether ``columns`` of ``table`` can be indexed on ``dialect``: ``full``, ``prefix`` (MySQL
    TEXT/BLOB: only the first :attr:`~dbmodel_kit.dialects.Dialect.key_prefix_length` characters)
    or ``none`` (DuckDB cannot index INTERVAL).

    >>> from dbmodel_kit.model import Model
    >>> m = Model()
    >>> _ = m.add_table("t", id="integer pk", body="text")
    >>> key_support(m.schema.table("t"), ["body"], "mysql"), key_support(m.schema.table("t"), ["id"], "mysql")
    ('prefix', 'full')
    """
    d = get_dialect(dialect)
    kinds = {d.key_kind(table.column(c).type) for c in columns}
    return "none" if "none" in kinds else "prefix" if "prefix" in kinds else "full"


def _index(b: _Build, t: Table, ix: Any, table: sa.Table) -> sa.Index | None:
    d = b.dialect
    kw: dict[str, Any] = {}
    unique = ix.unique
    if ix.where:
        if d.partial_index:
            kw[f"{d.kwarg_prefix}_where"] = _lit(to_dialect(ix.where, d.sqlglot))
        else:
            b.note(t.name, f"index {ix.name}: {d.name} has no partial indexes; WHERE {ix.where} dropped"
                   + (" and the index made non-unique (a full unique index would reject rows the model allows)"
                      if unique else ""))
            unique = False
    if ix.include:
        if d.include_columns:
            kw[f"{d.kwarg_prefix}_include"] = list(ix.include)
        else:
            b.note(t.name, f"index {ix.name}: INCLUDE ({', '.join(ix.include)}) dropped ({d.name} has no "
                           "covering columns)")
    support = key_support(t, ix.columns, d)
    if support == "none" or (support == "prefix" and unique):
        b.note(t.name, f"index {ix.name} left out: {d.name} cannot "
               + ("index these column types" if support == "none" else
                  "make it unique on whole values, only on a prefix, which would reject rows the model allows"))
        return None
    if support == "prefix":
        prefixed = [c for c in ix.columns if d.key_kind(t.column(c).type) == "prefix"]
        kw[f"{d.kwarg_prefix}_length"] = dict.fromkeys(prefixed, d.key_prefix_length)
        b.note(t.name, f"index {ix.name} covers the first {d.key_prefix_length} characters of "
                       f"{', '.join(prefixed)} ({d.name} indexes large text/binary columns by a prefix)")
    if ix.method and ix.method != "btree":
        if ix.method in d.index_methods:
            kw[f"{d.kwarg_prefix}_using"] = ix.method
        else:
            b.note(t.name, f"index {ix.name}: method {ix.method} not available on {d.name}; default used")
    return sa.Index(ix.name, *[table.c[c] for c in ix.columns], unique=unique, **kw)


def _compile(construct: Any, d: Dialect) -> str:
    # kept exactly as SQLAlchemy prints it (tabs, ", " line ends): any rewrite could touch a literal
    return str(construct.compile(dialect=d.compile_dialect())).strip()


def statements(schema: Schema, dialect: Dialect | str) -> list[Statement]:
    """Every statement (and note) that creates ``schema`` on ``dialect``, in execution order."""
    d = get_dialect(dialect)
    b = _build(schema, d)
    out: list[Statement] = [Statement("note", "", note=n) for n in b.notes.get("", [])]
    for name, enum in b.enums.items():
        out.append(Statement("type", name, _compile(CreateEnumType(enum), d)))
    for seq in b.sequences:
        out.append(Statement("sequence", seq.name, _compile(sa.schema.CreateSequence(seq), d)))
    order, _ = dependency_order(schema)
    for t in order:
        table = b.metadata.tables[t.name]
        out.extend(Statement("note", t.name, note=n) for n in b.notes.get(t.name, []))
        out.append(Statement("table", t.name, _compile(
            sa.schema.CreateTable(table, include_foreign_key_constraints=b.inline_fks.get(t.name, [])), d)))
        model_order = [x.name for x in t.indexes]
        for ix in sorted(table.indexes, key=lambda i: model_order.index(str(i.name))):
            out.append(Statement("index", str(ix.name), _compile(sa.schema.CreateIndex(ix), d)))
        if d.comments and not d.compile_dialect().inline_comments:
            if table.comment:
                out.append(Statement("comment", t.name, _compile(sa.schema.SetTableComment(table), d)))
            for col in table.columns:
                if col.comment:
                    out.append(Statement("comment", f"{t.name}.{col.name}",
                                         _compile(sa.schema.SetColumnComment(col), d)))
    for fkc in b.deferred:
        out.append(Statement("constraint", str(fkc.name), _compile(sa.schema.AddConstraint(fkc), d)))
    return out


def create_sql(schema: Schema, dialect: Dialect | str) -> str:
    """The DDL script that creates ``schema`` on ``dialect`` (statements end with ``;``)."""
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
    d = get_dialect(dialect)
    b = _build(schema, d)
    out = [Statement("drop", str(fkc.name), _compile(sa.schema.DropConstraint(fkc), d)) for fkc in b.deferred]
    order, _ = dependency_order(schema)
    for t in reversed(order):
        out.append(Statement("drop", t.name, _compile(sa.schema.DropTable(b.metadata.tables[t.name]), d)))
    for seq in b.sequences:
        out.append(Statement("drop", seq.name, _compile(sa.schema.DropSequence(seq), d)))
    for name, enum in b.enums.items():
        out.append(Statement("drop", name, _compile(DropEnumType(enum), d)))
    return out


def drop_sql(schema: Schema, dialect: Dialect | str) -> str:
    """The DDL script that drops everything ``create_sql`` creates (constraints, tables, types)."""
    return _script(drop_statements(schema, dialect))


def create_engine(url: str | sa.URL, **kwargs: Any) -> sa.Engine:
    """An SQLAlchemy engine with the connection setup the dialect needs: SQLite gets
    ``PRAGMA foreign_keys=ON`` on each connection and a real ``BEGIN`` (pysqlite would otherwise
    commit before each DDL statement; see SQLAlchemy's "Serializable isolation / Savepoints /
    Transactional DDL" notes for pysqlite)."""
    d = get_dialect(sa.make_url(url))
    engine = sa.create_engine(url, **kwargs)

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
