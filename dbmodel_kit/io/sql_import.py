"""SQL DDL -> Schema, parsed with sqlglot (postgres, mysql, sqlite, duckdb dialects).

Understood: ``CREATE TABLE`` with inline and table constraints (PRIMARY KEY, FOREIGN KEY /
REFERENCES with ON DELETE/UPDATE, UNIQUE, CHECK, DEFAULT, NOT NULL/NULL, identity in all its
spellings: SERIAL, GENERATED ... AS IDENTITY, AUTO_INCREMENT, AUTOINCREMENT, DEFAULT
nextval(...) over a ``CREATE SEQUENCE``; generated columns; inline ``COMMENT``; MySQL
``KEY``/``INDEX`` lines and ``COMMENT=``), ``CREATE [UNIQUE] INDEX`` with ``USING``, ``INCLUDE``
and a partial ``WHERE``, ``ALTER TABLE ... ADD [CONSTRAINT]`` (FK, UNIQUE, CHECK, PRIMARY KEY),
``ALTER TABLE ... ADD COLUMN``, ``CREATE TYPE ... AS ENUM``, ``COMMENT ON TABLE/COLUMN``. (An
unnamed ``ALTER TABLE t ADD CHECK (...)`` is not parsed by sqlglot 30 and so is reported;
name it: ``ADD CONSTRAINT c CHECK (...)``.) A MySQL inline ``ENUM(...)`` column
type becomes an enum named ``<table>_<column>`` (columns with the same list of values share the
first such enum, so a foreign key between them keeps matching types).

Anything else is **reported, never dropped silently**. With ``strict=True`` (the default)
statements or clauses the model cannot represent (a view, a function, an expression index, an
unknown type, ...) raise one :class:`~dbmodel_kit.errors.ModelError` listing each with its
line; with ``strict=False`` they are skipped and returned as ``SqlImport.warnings``. Statements
that carry no schema (transaction control, ``SET``, ``USE``, ``PRAGMA``) are always only
warnings. Syntax errors raise ``ModelError`` naming ``source:LINE``.

A ``CHAR(36)`` column whose default is ``uuid()`` (how MySQL stores UUIDs) is read as
``uuid``, and so are ``CHAR(36)`` columns referencing one; other ``CHAR(36)`` columns stay
``char(36)``. Names of primary keys are not kept (the model names none); collation and storage
options are reported as warnings.

>>> r = read_sql("CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(255) UNIQUE NOT NULL);")
>>> t = r.schema.table("users")
>>> str(t.column("id").type), str(t.column("id").default), t.uniques[0].columns
('integer', 'identity', ('email',))
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot.tokens import Token, TokenType

from ..errors import ModelError
from ..model import naming
from ..model.schema import Check, Column, Default, Enum, ForeignKey, Index, Schema, Table, Unique
from ..model.types import DataType

T = exp.DataType.Type

#: sqlglot's parsed type -> logical kind, for every dialect.
TYPE_KINDS: dict[Any, str] = {
    T.UUID: "uuid",
    T.TINYINT: "smallint", T.UTINYINT: "smallint", T.SMALLINT: "smallint", T.USMALLINT: "smallint",
    T.MEDIUMINT: "integer", T.UMEDIUMINT: "integer", T.INT: "integer", T.UINT: "integer",
    T.BIGINT: "bigint", T.UBIGINT: "bigint",
    T.SMALLSERIAL: "smallint", T.SERIAL: "integer", T.BIGSERIAL: "bigint",
    T.DECIMAL: "decimal", T.BIGDECIMAL: "decimal", T.MONEY: "decimal",
    T.FLOAT: "real", T.DOUBLE: "double",
    T.BOOLEAN: "boolean", T.BIT: "boolean",
    T.CHAR: "char", T.NCHAR: "char",
    T.VARCHAR: "varchar", T.NVARCHAR: "varchar",
    T.TEXT: "text", T.MEDIUMTEXT: "text", T.LONGTEXT: "text", T.TINYTEXT: "text",
    T.DATE: "date", T.TIME: "time", T.TIMETZ: "time",
    T.TIMESTAMP: "timestamp", T.DATETIME: "timestamp", T.DATETIME64: "timestamp",
    T.TIMESTAMPNTZ: "timestamp",
    T.TIMESTAMPTZ: "timestamptz", T.TIMESTAMPLTZ: "timestamptz",
    T.INTERVAL: "interval",
    T.JSON: "json", T.JSONB: "json",
    T.BINARY: "bytes", T.VARBINARY: "bytes", T.BLOB: "bytes", T.MEDIUMBLOB: "bytes", T.LONGBLOB: "bytes",
    T.TINYBLOB: "bytes",
}

#: Where a dialect's spelling means something else (see each engine's type docs).
DIALECT_TYPE_KINDS: dict[str, dict[Any, str]] = {
    # MySQL TIMESTAMP converts to and from UTC (a point in time); DATETIME is wall-clock time
    # (https://dev.mysql.com/doc/refman/8.0/en/datetime.html)
    "mysql": {T.TIMESTAMP: "timestamptz", T.FLOAT: "real"},
    # SQLite REAL is an 8-byte IEEE float (https://www.sqlite.org/datatype3.html)
    "sqlite": {},
    "postgres": {},
    "duckdb": {},
}

#: Types that mean "integer with a generated value".
SERIAL_TYPES = frozenset({T.SMALLSERIAL, T.SERIAL, T.BIGSERIAL})
#: Types whose first parameter is a display width, not a length (MySQL ``INT(11)``).
WIDTH_ONLY = frozenset({T.TINYINT, T.SMALLINT, T.MEDIUMINT, T.INT, T.BIGINT, T.UTINYINT, T.USMALLINT,
                        T.UMEDIUMINT, T.UINT, T.UBIGINT, T.BIT})

#: Statements that carry no schema: reported as warnings, never errors.
NO_SCHEMA = (exp.Transaction, exp.Commit, exp.Rollback, exp.Set, exp.Use, exp.Pragma)

_ACTION_PREFIXES = {"ON DELETE ": "on_delete", "ON UPDATE ": "on_update"}


@dataclass(frozen=True)
class SqlImport:
    """What an import produced: the schema and what it skipped or could not keep (``line N: ...``)."""

    schema: Schema
    warnings: tuple[str, ...] = ()


@dataclass
class _Draft:
    """A table being assembled from CREATE TABLE, ALTER TABLE, CREATE INDEX and COMMENT ON."""

    name: str
    line: int
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    comment: str | None = None

    def has(self, column: str) -> bool:
        return any(c.name == column for c in self.columns)

    def set_column(self, column: Column) -> None:
        self.columns = [column if c.name == column.name else c for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise ModelError(f"table {self.name!r} has no column {name!r}")


class _Skip(Exception):
    """A statement or clause the model cannot represent (becomes an error or a warning)."""


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    # sqlglot logs a warning for each statement it falls back to exp.Command on; we report
    # those ourselves with their line numbers
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _statements(text: str, dialect: str, source: str) -> Iterator[tuple[int, Any]]:
    """(first line, parsed statement) for each statement; syntax errors name their line."""
    d = sqlglot.Dialect.get_or_raise(dialect)
    try:
        tokens = d.tokenize(text)
    except TokenError as e:
        raise ModelError(f"cannot read the SQL: {e}", where=source) from None
    chunks: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(tok)
    for chunk in chunks:
        if not chunk:
            continue
        line = chunk[0].line
        try:
            with _quiet_sqlglot():
                parsed = d.parser(error_level=ErrorLevel.RAISE).parse(chunk, text)
        except ParseError as e:
            err = e.errors[0] if e.errors else {}
            # sqlglot's messages embed token reprs; show the token's text instead
            detail = re.sub(r"<Token token_type: [^,]*, text: (.*?), line: .*?>", r"'\1'",
                            str(err.get("description", e)))
            raise ModelError(f"SQL syntax error: {detail}",
                             where=f"{source}:{err.get('line') or line}") from None
        for stmt in parsed:
            if stmt is not None:
                yield line, stmt


def read_sql(text: str, *, dialect: str = "postgres", source: str = "<string>", strict: bool = True) -> SqlImport:
    """Read SQL DDL in ``dialect`` (sqlglot's name: postgres, mysql, sqlite, duckdb)."""
    return _Reader(dialect, source, strict).read(text)


class _Reader:
    def __init__(self, dialect: str, source: str, strict: bool) -> None:
        self.dialect = dialect
        self.source = source
        self.strict = strict
        self.tables: dict[str, _Draft] = {}
        self.enums: dict[str, Enum] = {}
        self.sequences: set[str] = set()
        self.inline_enums: set[str] = set()
        self.skipped: list[str] = []
        self.warnings: list[str] = []
        self.places: dict[str, int] = {}
        self.line = 0
        self.kinds = {**TYPE_KINDS, **DIALECT_TYPE_KINDS.get(dialect, {})}

    # -- driver --------------------------------------------------------------------------
    def read(self, text: str) -> SqlImport:
        for line, stmt in _statements(text, self.dialect, self.source):
            self.line = line
            try:
                self.statement(normalize_identifiers(stmt, dialect=self.dialect))
            except _Skip as e:
                self.skip(str(e))
            except ModelError as e:
                raise e.at(f"{self.source}:{line}") from None
        if self.skipped and self.strict:
            raise ModelError("cannot represent these statements (pass strict=False to skip them):\n  "
                             + "\n  ".join(self.skipped), where=self.source)
        self.uuid_references()
        try:
            schema = Schema(tuple(self.build(d) for d in self.tables.values()), tuple(self.enums.values()))
        except ModelError as e:
            place: int | None = self.places.get(e.where or "") or next(
                (self.places[t] for t in sorted(self.tables, key=len, reverse=True)
                 if (e.where or "").startswith(t + ".")), None)
            raise e.at(f"{self.source}:{place}" if place else self.source) from None
        return SqlImport(schema, tuple(self.skipped + self.warnings))

    def uuid_references(self) -> None:
        """Columns that reference a uuid column through a foreign key are uuid too (MySQL and
        SQLite store both as CHAR(36); the parent was recognised by its uuid() default)."""
        changed = True
        while changed:
            changed = False
            for d in self.tables.values():
                for fk in d.foreign_keys:
                    parent = self.tables.get(fk.ref_table)
                    if parent is None:
                        continue
                    ref_cols = fk.ref_columns or tuple(parent.primary_key)
                    for col, ref in zip(fk.columns, ref_cols):
                        if not (d.has(col) and parent.has(ref)):
                            continue
                        child_col = d.column(col)
                        if parent.column(ref).type.kind == "uuid" and child_col.type.kind in ("char", "varchar") \
                                and child_col.type.length == 36:
                            d.set_column(replace(child_col, type=DataType("uuid")))
                            changed = True

    def skip(self, what: str) -> None:
        self.skipped.append(f"line {self.line}: {what}")

    def warn(self, what: str) -> None:
        self.warnings.append(f"line {self.line}: {what}")

    def build(self, d: _Draft) -> Table:
        try:
            return Table(d.name, tuple(d.columns), primary_key=tuple(d.primary_key),
                         foreign_keys=tuple(d.foreign_keys), indexes=tuple(d.indexes), uniques=tuple(d.uniques),
                         checks=tuple(d.checks), comment=d.comment)
        except ModelError as e:
            raise e.at(f"{self.source}:{d.line}") from None

    def statement(self, stmt: exp.Expression) -> None:
        if isinstance(stmt, NO_SCHEMA):
            self.warn(f"ignored (no schema in it): {_short(stmt)}")
        elif isinstance(stmt, exp.Create):
            kind = (stmt.args.get("kind") or "").upper()
            handler = {"TABLE": self.create_table, "INDEX": self.create_index, "TYPE": self.create_type,
                       "SEQUENCE": self.create_sequence}.get(kind)
            if handler is None:
                raise _Skip(f"CREATE {kind}: {_short(stmt)}")
            handler(stmt)
        elif isinstance(stmt, exp.Alter) and (stmt.args.get("kind") or "").upper() == "TABLE":
            self.alter_table(stmt)
        elif isinstance(stmt, exp.Comment):
            self.comment_on(stmt)
        elif isinstance(stmt, exp.Command) and (borrowed := self.borrowed(stmt)) is not None:
            self.statement(borrowed)
        else:
            raise _Skip(_short(stmt))

    def borrowed(self, stmt: exp.Command) -> exp.Expression | None:
        """A statement sqlglot's dialect falls back to exp.Command on, parsed with the dialect
        whose syntax it shares: DuckDB's ``CREATE TYPE t AS ENUM (...)`` is PostgreSQL's
        (https://duckdb.org/docs/sql/statements/create_type), which sqlglot 30 parses only there."""
        rest = stmt.expression.name if isinstance(stmt.expression, exp.Expression) else str(stmt.expression or "")
        text = f"{stmt.this} {rest.strip()}"
        if not re.match(r"CREATE\s+TYPE\b", text, re.I):
            return None
        try:
            with _quiet_sqlglot():
                parsed = sqlglot.parse_one(text, read="postgres")
        except ParseError:
            return None
        return parsed if isinstance(parsed, exp.Create) else None

    # -- CREATE TABLE --------------------------------------------------------------------
    def create_table(self, stmt: exp.Create) -> None:
        schema = stmt.this
        if not isinstance(schema, exp.Schema):
            raise _Skip(f"CREATE TABLE without a column list (AS SELECT?): {_short(stmt)}")
        name = _table_name(schema.this)
        if name in self.tables:
            raise ModelError(f"table {name!r} is created twice")
        draft = _Draft(name, self.line)
        self.tables[name] = draft
        self.places[name] = self.line
        for item in schema.expressions:
            if isinstance(item, exp.ColumnDef):
                self.column_def(draft, item)
            else:
                self.table_constraint(draft, item)
        for prop in (stmt.args.get("properties") or exp.Properties()).expressions:
            if isinstance(prop, exp.SchemaCommentProperty):
                draft.comment = prop.this.name
            else:
                self.warn(f"table {name}: option {prop.sql(self.dialect)} not kept")

    def column_def(self, draft: _Draft, col: exp.ColumnDef) -> None:
        name = col.this.name
        if draft.has(name):
            raise ModelError(f"duplicate column {name!r} in table {draft.name!r}")
        dtype, identity = self.data_type(col.args.get("kind"), draft.name, name)
        nullable, default, generated, comment = True, Default("identity") if identity else None, None, None
        for cc in col.args.get("constraints") or ():
            kind = cc.args.get("kind") if isinstance(cc, exp.ColumnConstraint) else cc
            if isinstance(kind, exp.NotNullColumnConstraint):
                nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                draft.primary_key.append(name)
            elif isinstance(kind, exp.UniqueColumnConstraint):
                draft.uniques.append(Unique((name,), name=_constraint_name(cc)))
            elif isinstance(kind, exp.DefaultColumnConstraint):
                default = self.default(kind.this, dtype)
            elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                default = Default("identity")
            elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
                if kind.args.get("expression") is not None:
                    generated = self.expr(kind.args["expression"])
                else:
                    default = Default("identity")
            elif isinstance(kind, exp.ComputedColumnConstraint):
                generated = self.expr(kind.this)
            elif isinstance(kind, exp.CommentColumnConstraint):
                comment = kind.this.name
            elif isinstance(kind, exp.CheckColumnConstraint):
                draft.checks.append(Check(self.expr(kind.this), name=_constraint_name(cc)))
            elif isinstance(kind, exp.Reference):
                fk = self.reference((name,), kind, _constraint_name(cc))
                draft.foreign_keys.append(fk)
                self.place_fk(draft, fk)
            else:
                self.warn(f"{draft.name}.{name}: {cc.sql(self.dialect)} not kept")
        if default is not None and default.kind == "uuid" and dtype.kind in ("char", "varchar"):
            # engines without a uuid type store UUIDs as CHAR(36) DEFAULT (uuid()): that is a uuid column
            dtype = DataType("uuid")
        if default is not None and default.kind == "identity" and dtype.kind not in ("smallint", "integer", "bigint"):
            raise ModelError(f"{draft.name}.{name}: identity on a {dtype} column")
        draft.columns.append(Column(name, dtype, nullable=nullable, default=default, generated=generated,
                                    comment=comment))
        self.places[f"{draft.name}.{name}"] = self.line

    def table_constraint(self, draft: _Draft, item: exp.Expression) -> None:
        name = ""
        if isinstance(item, exp.Constraint):
            name = item.this.name if item.this is not None else ""
            parts = item.expressions
        else:
            parts = [item]
        for part in parts:
            if isinstance(part, exp.PrimaryKey):
                if draft.primary_key:
                    raise ModelError(f"table {draft.name!r} declares its primary key twice")
                draft.primary_key.extend(_names(part.expressions))
            elif isinstance(part, exp.ForeignKey):
                fk = self.reference(tuple(_names(part.expressions)), part.args.get("reference"), name)
                draft.foreign_keys.append(fk)
                self.place_fk(draft, fk)
            elif isinstance(part, exp.UniqueColumnConstraint):
                cols = part.this.expressions if isinstance(part.this, exp.Schema) else []
                # MySQL's `UNIQUE KEY uk (a)` names the constraint inside the column list
                inner = part.this.this if isinstance(part.this, exp.Schema) else None
                draft.uniques.append(Unique(tuple(_names(cols)), name=name or (inner.name if inner else "")))
            elif isinstance(part, exp.CheckColumnConstraint):
                draft.checks.append(Check(self.expr(part.this), name=name))
            elif isinstance(part, exp.IndexColumnConstraint):
                # MySQL `KEY k (a, b)` / `UNIQUE KEY` / `INDEX` inside CREATE TABLE
                if part.args.get("kind"):
                    self.warn(f"table {draft.name}: {part.args['kind']} index read as a plain index")
                draft.indexes.append(Index(tuple(self.index_columns(part.expressions, draft)),
                                           name=part.this.name if part.this is not None else ""))
            else:
                raise _Skip(f"table {draft.name}: constraint {part.sql(self.dialect)}")
            where = f"{draft.name}.{name}" if name else draft.name
            self.places.setdefault(where, self.line)

    def place_fk(self, draft: _Draft, fk: ForeignKey) -> None:
        name = fk.name or naming.fk_name(draft.name, fk.columns, fk.ref_table)
        self.places[f"{draft.name}.{name}"] = self.line

    def reference(self, columns: tuple[str, ...], ref: exp.Reference | None, name: str) -> ForeignKey:
        if ref is None:
            raise ModelError("a foreign key without REFERENCES")
        target = ref.this
        ref_cols: list[str] = []
        if isinstance(target, exp.Schema):
            ref_cols = _names(target.expressions)
            target = target.this
        actions: dict[str, str] = {}
        for opt in ref.args.get("options") or ():
            text = " ".join(str(opt).upper().split())
            for prefix, attr in _ACTION_PREFIXES.items():
                if text.startswith(prefix):
                    actions[attr] = text[len(prefix):]
                    break
            else:
                self.warn(f"foreign key option {text} not kept")
        # a forward reference is fine (dumps may create tables in any order); the Schema checks
        # that the table exists once everything is read, and the error is mapped to this line
        return ForeignKey(columns, _table_name(target), tuple(ref_cols), name=name, **actions)

    # -- types, defaults, expressions ----------------------------------------------------
    def data_type(self, dt: exp.DataType | None, table: str, column: str) -> tuple[DataType, bool]:
        """The logical type of a column and whether the type itself means identity (SERIAL)."""
        if not isinstance(dt, exp.DataType):
            raise ModelError(f"{table}.{column}: a column needs a type")
        t = dt.this
        params: list[Any] = [p.this if isinstance(p, exp.DataTypeParam) else p for p in dt.expressions]
        if t == T.ENUM:
            return DataType("enum", enum=self.inline_enum(table, column, params)), False
        if t == T.USERDEFINED:
            kind_arg = dt.args.get("kind")
            name = kind_arg.name if isinstance(kind_arg, exp.Expression) else str(kind_arg or dt.sql(self.dialect))
            if name in self.enums:
                return DataType("enum", enum=name), False
            raise ModelError(f"{table}.{column}: type {name!r} is neither a known type nor a declared enum")
        if t == T.TINYINT and [_int(p) for p in params] == [1] and self.dialect == "mysql":
            # MySQL has no boolean type: BOOL is TINYINT(1) (https://dev.mysql.com/doc/refman/8.0/en/numeric-type-syntax.html)
            return DataType("boolean"), False
        kind = self.kinds.get(t)
        if kind is None:
            if self.strict:
                raise ModelError(f"{table}.{column}: type {dt.sql(self.dialect)} has no logical equivalent")
            self.warn(f"{table}.{column}: type {dt.sql(self.dialect)} read as text")
            return DataType("text"), False
        values: dict[str, int] = {}
        if kind == "decimal" and params:
            values["precision"] = _int(params[0])
            if len(params) > 1:
                values["scale"] = _int(params[1])
        elif kind in ("char", "varchar") and params:
            values["length"] = _int(params[0])
        elif params and t not in WIDTH_ONLY and kind not in ("timestamp", "timestamptz", "time", "real", "double",
                                                             "bytes", "text", "interval"):
            self.warn(f"{table}.{column}: type parameters of {dt.sql(self.dialect)} not kept")
        return DataType(kind, **values), t in SERIAL_TYPES  # type: ignore[arg-type]

    def inline_enum(self, table: str, column: str, params: list[exp.Expression]) -> str:
        values = tuple(p.name for p in params)
        for known in self.enums.values():
            if known.values == values and known.name in self.inline_enums:
                return known.name  # one enum per list of values, so FK columns keep matching types
        name = f"{table}_{column}"
        existing = self.enums.get(name)
        n = 1
        while existing is not None and existing.values != values:
            n += 1
            name = f"{table}_{column}_{n}"
            existing = self.enums.get(name)
        self.enums[name] = Enum(name, values)
        self.inline_enums.add(name)
        return name

    def default(self, value: exp.Expression, dtype: DataType) -> Default | None:
        while isinstance(value, exp.Paren):
            value = value.this
        if isinstance(value, exp.Cast) and isinstance(value.this, exp.Literal | exp.Neg):
            value = value.this  # 'customer'::user_role
        if isinstance(value, exp.CurrentTimestamp | exp.CurrentDatetime):
            return Default("now")
        if isinstance(value, exp.Null):
            return None
        func = value.name.lower() if isinstance(value, exp.Anonymous) else type(value).__name__.lower()
        if func == "nextval":
            # DEFAULT nextval('t_id_seq'): a sequence-backed identity (PostgreSQL, DuckDB)
            return Default("identity")
        if dtype.kind == "boolean" and isinstance(value, exp.Literal) and not value.is_string \
                and value.this in ("0", "1"):
            return Default("literal", value.this == "1")  # SQLite/MySQL store booleans as 0/1
        if isinstance(value, exp.Literal) and value.is_string:
            return Default("literal", value.this)
        return Default.parse(value.sql())

    def expr(self, value: exp.Expression) -> str:
        while isinstance(value, exp.Paren):
            value = value.this
        return value.sql()

    def index_columns(self, items: list[exp.Expression], draft: _Draft) -> list[str]:
        out = []
        for item in items:
            col = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(col, exp.Ordered):
                col = col.this
            prefixed = self.prefix_column(col, draft, self.dialect)
            if prefixed is not None:
                length = next(col.find_all(exp.Literal)).name
                self.warn(f"index on {draft.name}.{prefixed}: prefix length {length} not kept")
                out.append(prefixed)
                continue
            if not isinstance(col, exp.Column | exp.Identifier):
                raise _Skip(f"index on an expression ({item.sql(self.dialect)})")
            if isinstance(item, exp.Ordered) and item.args.get("desc"):
                self.warn(f"index column {col.name} DESC read as ascending")
            out.append(col.name)
        return out

    @staticmethod
    def prefix_column(col: exp.Expression, draft: _Draft, read_dialect: str = "mysql") -> str | None:
        """The column of a MySQL prefix index part ``name(255)``, which sqlglot parses as a call."""
        args = [a for a in col.args.values() if a is not None]
        if isinstance(col, exp.Anonymous):
            args = list(col.expressions)
        if not isinstance(col, exp.Func) or len(args) != 1 or not isinstance(args[0], exp.Literal) \
                or args[0].is_string:
            return None
        # the call as the dialect writes it back (`DATE(5)` for a column named date) gives the name
        written = re.match(r"^(.+)\(\s*\d+\s*\)$", col.sql(read_dialect))
        names = [col.name] if isinstance(col, exp.Anonymous) else []
        if written:
            names.append(written.group(1).strip("`\""))
        by_lower = {c.name.lower(): c.name for c in draft.columns}
        for name in names:
            if draft.has(name):
                return name
            if name.lower() in by_lower:
                return by_lower[name.lower()]
        return None

    # -- other statements ----------------------------------------------------------------
    def draft(self, table: exp.Expression) -> _Draft:
        name = _table_name(table)
        if name not in self.tables:
            raise ModelError(f"table {name!r} is not created before this statement")
        return self.tables[name]

    def create_index(self, stmt: exp.Create) -> None:
        index = stmt.this
        if not isinstance(index, exp.Index):
            raise _Skip(_short(stmt))
        draft = self.draft(index.args["table"])
        params = index.args.get("params") or exp.IndexParameters()
        using = params.args.get("using")
        where = params.args.get("where")
        include = params.args.get("include") or []
        name = index.this.name if index.this is not None else ""
        ix = Index(tuple(self.index_columns(params.args.get("columns") or [], draft)), name=name,
                   unique=bool(stmt.args.get("unique")), where=self.expr(where.this) if where is not None else None,
                   method=using.name.lower() if using is not None else None, include=tuple(_names(include)))
        draft.indexes.append(ix)
        if name:
            self.places[f"{draft.name}.{name}"] = self.line

    def create_type(self, stmt: exp.Create) -> None:
        dt = stmt.args.get("expression")
        if not isinstance(dt, exp.DataType) or dt.this != T.ENUM:
            raise _Skip(f"CREATE TYPE that is not an enum: {_short(stmt)}")
        name = _table_name(stmt.this)
        if name in self.enums:
            raise ModelError(f"enum {name!r} is created twice")
        self.enums[name] = Enum(name, tuple(p.name for p in dt.expressions))

    def create_sequence(self, stmt: exp.Create) -> None:
        # sequences back identity columns (DEFAULT nextval(...)); the model has no other use
        self.sequences.add(_table_name(stmt.this))

    def alter_table(self, stmt: exp.Alter) -> None:
        draft = self.draft(stmt.this)
        for action in stmt.args.get("actions") or ():
            if isinstance(action, exp.AddConstraint):
                for item in action.expressions:
                    self.table_constraint(draft, item)
            elif isinstance(action, exp.Constraint | exp.ForeignKey | exp.PrimaryKey):
                self.table_constraint(draft, action)
            elif isinstance(action, exp.ColumnDef):
                self.column_def(draft, action)
            else:
                raise _Skip(f"ALTER TABLE {draft.name}: {action.sql(self.dialect)}")

    def comment_on(self, stmt: exp.Comment) -> None:
        kind = (stmt.args.get("kind") or "").upper()
        text = stmt.expression.name if isinstance(stmt.expression, exp.Literal) else None
        if kind == "TABLE":
            self.draft(stmt.this).comment = text
        elif kind == "COLUMN":
            col = stmt.this
            draft = self.draft(exp.Table(this=col.args.get("table"), db=col.args.get("db")))
            draft.set_column(replace(draft.column(col.name), comment=text))
        else:
            raise _Skip(f"COMMENT ON {kind}: {_short(stmt)}")


def _short(stmt: exp.Expression) -> str:
    text = " ".join(stmt.sql().split())
    return text if len(text) <= 80 else text[:77] + "..."


def _table_name(table: exp.Expression) -> str:
    if isinstance(table, exp.Schema):
        table = table.this
    if not isinstance(table, exp.Table):
        raise ModelError(f"expected a table name, got {table.sql()!r}")
    return table.name


def _names(items: list[exp.Expression]) -> list[str]:
    out = []
    for item in items:
        if isinstance(item, exp.Ordered):
            item = item.this
        out.append(item.name)
    return out


def _constraint_name(cc: exp.Expression) -> str:
    name = cc.args.get("this") if isinstance(cc, exp.ColumnConstraint) else None
    return name.name if isinstance(name, exp.Identifier) else ""


def _int(value: Any) -> int:
    try:
        return int(value.name)
    except ValueError:
        raise ModelError(f"type parameter {value.sql()!r} is not a whole number") from None
