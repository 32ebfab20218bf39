"""Read a live database into a :class:`~dbmodel_kit.model.schema.Schema`.

PostgreSQL, MySQL/MariaDB and SQLite go through SQLAlchemy's ``Inspector``; DuckDB through its
own catalog functions (``duckdb_columns()``, ``duckdb_constraints()``, ``duckdb_indexes()``,
``duckdb_types()``) because duckdb-engine 0.17 cannot reflect keys under SQLAlchemy 2.1.
Engine spellings come back as the model's vocabulary: types through :data:`TYPE_READERS`,
defaults (``now()``/``CURRENT_TIMESTAMP`` -> now, ``gen_random_uuid()``/``uuid()`` -> uuid,
identity/serial/AUTO_INCREMENT/``nextval`` -> identity), expressions through
:func:`dbmodel_kit.ddl.sqltext.normalize`.

Catalogs keep no order of tables or constraints, so tables, enums and each table's foreign
keys, indexes, uniques and checks come back sorted by name (:func:`dbmodel_kit.ddl.limits.storable`
sorts a model the same way for comparisons).

>>> from dbmodel_kit.ddl import apply
>>> from dbmodel_kit.examples import ecommerce
>>> import tempfile, os
>>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "shop.db")
>>> apply(ecommerce(), url)
>>> reflect(url).table_names
('categories', 'order_items', 'orders', 'products', 'users')
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
import sqlglot
from sqlalchemy.dialects import mysql as sa_mysql
from sqlglot import exp

from ..dialects import Dialect, get_dialect
from ..errors import ModelError
from ..model.schema import Check, Column, Default, Enum, ForeignKey, Index, Schema, Table, Unique
from ..model.types import DataType

__all__ = ["TYPE_READERS", "ReflectionWarning", "read_default", "read_type", "reflect"]

TypeReader = Callable[[Any, Dialect], DataType]


def _text_type(kind: str) -> TypeReader:
    return lambda t, d: DataType(kind, length=getattr(t, "length", None)) if d.text_lengths else DataType("varchar")


def _char(t: Any, d: Dialect) -> DataType:
    # engines without a UUID type store uuid as CHAR(36) (dbmodel_kit.dialects): read it back as uuid
    if not d.native_uuid and getattr(t, "length", None) == 36:
        return DataType("uuid")
    return _text_type("char")(t, d)


def _timestamp(t: Any, d: Dialect) -> DataType:
    # PostgreSQL says WITH/WITHOUT TIME ZONE; on MySQL and SQLite the kit writes TIMESTAMP only for
    # timestamptz (DATETIME for timestamp), see dbmodel_kit.dialects
    tz = bool(getattr(t, "timezone", False)) or READ_RULES[d.name].timestamp_means_tz
    return DataType("timestamptz" if tz else "timestamp")


def _numeric(t: Any, d: Dialect) -> DataType:
    return DataType("decimal", precision=t.precision, scale=t.scale if t.precision is not None else None)


def _tinyint(t: Any, d: Dialect) -> DataType:
    # MySQL's BOOL is TINYINT(1)
    return DataType("boolean" if getattr(t, "display_width", None) == 1 else "smallint")


#: Reflected SQLAlchemy type class name -> logical type (first match along the class's MRO).
TYPE_READERS: dict[str, TypeReader] = {
    "UUID": lambda t, d: DataType("uuid"),
    "Uuid": lambda t, d: DataType("uuid"),
    "TINYINT": _tinyint,
    "SMALLINT": lambda t, d: DataType("smallint"),
    "SmallInteger": lambda t, d: DataType("smallint"),
    "MEDIUMINT": lambda t, d: DataType("integer"),
    "BIGINT": lambda t, d: DataType("bigint"),
    "BigInteger": lambda t, d: DataType("bigint"),
    "INTEGER": lambda t, d: DataType("integer"),
    "Integer": lambda t, d: DataType("integer"),
    "REAL": lambda t, d: DataType("real"),
    "FLOAT": lambda t, d: DataType("real"),
    "DOUBLE": lambda t, d: DataType("double"),
    "DOUBLE_PRECISION": lambda t, d: DataType("double"),
    "Double": lambda t, d: DataType("double"),
    "Float": lambda t, d: DataType("double"),
    "NUMERIC": _numeric,
    "DECIMAL": _numeric,
    "Numeric": _numeric,
    "BOOLEAN": lambda t, d: DataType("boolean"),
    "Boolean": lambda t, d: DataType("boolean"),
    "CHAR": _char,
    "NCHAR": _char,
    "VARCHAR": _text_type("varchar"),
    "NVARCHAR": _text_type("varchar"),
    "TEXT": lambda t, d: DataType("text"),
    "LONGTEXT": lambda t, d: DataType("text"),
    "MEDIUMTEXT": lambda t, d: DataType("text"),
    "TINYTEXT": lambda t, d: DataType("text"),
    "CLOB": lambda t, d: DataType("text"),
    "Text": lambda t, d: DataType("text"),
    "String": _text_type("varchar"),
    "DATE": lambda t, d: DataType("date"),
    "Date": lambda t, d: DataType("date"),
    "TIME": lambda t, d: DataType("time"),
    "Time": lambda t, d: DataType("time"),
    "DATETIME": lambda t, d: DataType("timestamp"),
    "TIMESTAMP": _timestamp,
    "DateTime": _timestamp,
    "INTERVAL": lambda t, d: DataType("interval"),
    "Interval": lambda t, d: DataType("interval"),
    "JSONB": lambda t, d: DataType("json"),
    "JSON": lambda t, d: DataType("json"),
    "BYTEA": lambda t, d: DataType("bytes"),
    "BLOB": lambda t, d: DataType("bytes"),
    "LONGBLOB": lambda t, d: DataType("bytes"),
    "MEDIUMBLOB": lambda t, d: DataType("bytes"),
    "VARBINARY": lambda t, d: DataType("bytes"),
    "BINARY": lambda t, d: DataType("bytes"),
    "LargeBinary": lambda t, d: DataType("bytes"),
}


def read_type(satype: Any, dialect: Dialect | str) -> DataType:
    """The logical type of a reflected SQLAlchemy type (enums are handled by the caller).

    >>> read_type(sa.NUMERIC(10, 2), "postgresql")
    DataType('decimal(10,2)')
    """
    d = get_dialect(dialect)
    for cls in type(satype).__mro__:
        reader = TYPE_READERS.get(cls.__name__)
        if reader is not None:
            return reader(satype, d)
    raise ModelError(f"cannot map the engine type {satype!r} to a logical type")


_NOW_FUNCS = {"current_timestamp", "now", "localtimestamp", "currenttimestamp", "transaction_timestamp"}
_UUID_FUNCS = {"gen_random_uuid", "uuid", "uuid_generate_v4", "uuidv4"}


def read_default(text: str | None, type_: DataType, dialect: Dialect | str) -> Default | None:
    """A reflected default (engine SQL text) as a logical :class:`Default`.

    >>> read_default("'USD'::bpchar", DataType("char", 3), "postgresql")
    Default(kind='literal', value='USD')
    >>> read_default("current_timestamp(6)", DataType("timestamptz"), "mysql")
    Default(kind='now', value=None)
    >>> read_default("1", DataType("boolean"), "sqlite")
    Default(kind='literal', value=True)
    """
    if text is None:
        return None
    d = get_dialect(dialect)
    try:
        tree = sqlglot.parse_one(text, read=d.sqlglot)
    except sqlglot.errors.ParseError:
        return Default.parse(text)
    while isinstance(tree, exp.Paren | exp.Cast):
        tree = tree.this
    if isinstance(tree, exp.Null):
        return None
    name = ""
    if isinstance(tree, exp.Func):
        name = (tree.sql_name() if not isinstance(tree, exp.Anonymous) else str(tree.this)).lower()
    if isinstance(tree, exp.CurrentTimestamp) or name in _NOW_FUNCS:
        return Default("now")
    if name in _UUID_FUNCS or isinstance(tree, exp.Uuid):
        return Default("uuid")
    if name == "nextval":
        return Default("identity")
    value: Any
    if isinstance(tree, exp.Boolean):
        value = tree.this
    elif isinstance(tree, exp.Literal) or (isinstance(tree, exp.Neg) and isinstance(tree.this, exp.Literal)):
        value = _literal(tree, type_)
    else:
        from ..ddl.sqltext import normalize

        return Default("expression", normalize(tree.sql(d.sqlglot), d.sqlglot))
    if type_.kind == "boolean" and not isinstance(value, bool) and str(value).lower() in ("0", "1", "true", "false"):
        value = str(value).lower() in ("1", "true")
    return Default("literal", value)


def _literal(node: exp.Expression, type_: DataType) -> Any:
    negative = isinstance(node, exp.Neg)
    lit = node.this if negative else node
    text = ("-" if negative else "") + str(lit.this)
    if lit.is_string and type_.kind not in ("smallint", "integer", "bigint", "decimal", "real", "double"):
        return text
    parsed = Default.parse(text)
    return parsed.value if parsed is not None and parsed.kind == "literal" else text


def _fk_action(value: str | None) -> str | None:
    if not value:
        return None
    norm = " ".join(value.upper().split())
    return None if norm == "NO ACTION" else norm


def _wanted(include: Iterable[str] | Callable[[str], bool] | None) -> Callable[[str], bool]:
    if include is None:
        return lambda name: True
    if callable(include):
        return include
    names = set([include] if isinstance(include, str) else include)
    return lambda name: name in names


def reflect(url: str | sa.URL | sa.Engine, *, schema: str | None = None,
            include: Iterable[str] | Callable[[str], bool] | None = None) -> Schema:
    """The schema of the database at ``url`` (PostgreSQL, MySQL/MariaDB, SQLite, DuckDB).

    ``schema`` names a database schema (PostgreSQL ``public`` by default, DuckDB ``main``);
    ``include`` limits the tables (names or a predicate); foreign keys to tables left out are
    dropped. Enum types MySQL and SQLite do not name come back named after their first column.
    """
    engine = url if isinstance(url, sa.Engine) else sa.create_engine(url)
    try:
        d = get_dialect(engine)
        with engine.connect() as conn:
            tables, enums = READ_RULES[d.name].reader(conn, d, schema, _wanted(include))
    finally:
        if engine is not url:
            engine.dispose()
    return _assemble(tables, enums)


# -- SQLAlchemy Inspector (PostgreSQL, MySQL/MariaDB, SQLite) ----------------------------------

_Raw = dict[str, Any]


def _inspector_tables(conn: sa.Connection, d: Dialect, schema: str | None,
                      wanted: Callable[[str], bool]) -> tuple[list[_Raw], list[Enum]]:
    insp = sa.inspect(conn)
    enums: list[Enum] = []
    if d.enum_style == "type":
        enums = [Enum(e["name"], tuple(e["labels"]))
                 for e in insp.get_enums(schema=schema or "public")  # type: ignore[attr-defined]
                 if e.get("visible", True)]
    names = [n for n in insp.get_table_names(schema=schema) if wanted(n)]
    out = []
    for name in names:
        out.append(_inspect_table(conn, insp, d, name, schema))
    return out, enums


@functools.lru_cache(maxsize=256)
def _parse_sqlite(sql: str) -> Any:
    return sqlglot.parse_one(sql, read="sqlite")


def _sqlite_create_table(conn: sa.Connection, name: str) -> Any:
    """The table's CREATE TABLE statement (SQLite keeps the text), parsed by sqlglot (once per text;
    the tree is only read)."""
    master = sa.table("sqlite_master", sa.column("name"), sa.column("type"), sa.column("sql"))
    sql = conn.execute(sa.select(master.c.sql).where(master.c.type == "table", master.c.name == name)).scalar()
    return _parse_sqlite(sql) if sql else None


def _sqlite_autoincrement(conn: sa.Connection, name: str, schema: str | None = None) -> set[str]:
    tree = _sqlite_create_table(conn, name)
    if tree is None:
        return set()
    return {cd.name for cd in tree.find_all(exp.ColumnDef)
            if any(isinstance(c.kind, exp.AutoIncrementColumnConstraint) for c in cd.constraints)}


def _sqlite_generated(conn: sa.Connection, name: str, schema: str | None = None) -> dict[str, str]:
    """Generated-column expressions from the parsed CREATE TABLE text (SQLAlchemy's pattern misses
    them after a type with a comma, such as NUMERIC(10, 2))."""
    tree = _sqlite_create_table(conn, name)
    if tree is None:
        return {}
    return {cd.name: c.kind.this.sql("sqlite") for cd in tree.find_all(exp.ColumnDef) for c in cd.constraints
            if isinstance(c.kind, exp.ComputedColumnConstraint)}


def _sqlite_constraints(conn: sa.Connection, name: str,
                        schema: str | None = None) -> tuple[list[Unique], list[tuple[str, str]]] | None:
    """UNIQUE and CHECK constraints from the parsed CREATE TABLE text: SQLAlchemy finds them with
    regular expressions that miss names holding a double quote."""
    tree = _sqlite_create_table(conn, name)
    if tree is None:
        return None
    uniques: list[Unique] = []
    checks: list[tuple[str, str]] = []
    for node in tree.find_all(exp.UniqueColumnConstraint, exp.CheckColumnConstraint):
        holder = node.parent.parent if isinstance(node.parent, exp.ColumnConstraint) else node.parent
        cname = holder.name if isinstance(holder, exp.Constraint) else ""
        if isinstance(node, exp.CheckColumnConstraint):
            checks.append((cname, node.this.sql("sqlite")))
        elif isinstance(node.this, exp.Schema):  # table-level UNIQUE (a, b)
            uniques.append(Unique(tuple(i.name for i in node.this.expressions), name=cname))
        elif isinstance(holder, exp.ColumnDef):  # column-level: b INT UNIQUE
            uniques.append(Unique((holder.name,), name=cname))
    return uniques, checks


def _mariadb_json_columns(conn: sa.Connection, name: str, schema: str | None) -> set[str]:
    """Columns MariaDB created as JSON: its JSON is LONGTEXT plus CHECK (json_valid(col))
    (https://mariadb.com/kb/en/json-data-type/); the check is the only trace of the type."""
    cc = sa.table("CHECK_CONSTRAINTS", sa.column("CONSTRAINT_SCHEMA"), sa.column("TABLE_NAME"),
                  sa.column("CONSTRAINT_NAME"), sa.column("CHECK_CLAUSE"), schema="information_schema")
    db = sa.literal(schema) if schema else sa.func.database()
    try:
        rows = conn.execute(sa.select(cc.c["CONSTRAINT_NAME"], cc.c["CHECK_CLAUSE"]).where(
            cc.c["CONSTRAINT_SCHEMA"] == db, cc.c["TABLE_NAME"] == name)).all()
    except sa.exc.DBAPIError:
        return set()
    found = set()
    for cname, clause in rows:
        try:
            tree = sqlglot.parse_one(clause, read="mysql")
        except sqlglot.errors.ParseError:
            continue
        call = tree.unnest() if isinstance(tree, exp.Paren) else tree
        fname = (call.sql_name() if not isinstance(call, exp.Anonymous) else str(call.this)).lower() \
            if isinstance(call, exp.Func) else ""
        cols = [c.name for c in call.find_all(exp.Column)]
        if fname in ("json_valid", "jsonvalid", "is_json") and cols == [cname]:
            found.add(cname)
    return found


class ReflectionWarning(UserWarning):
    """Something in the database the model cannot hold was left out of the reflected schema."""


def _skip_expression_index(table: str, index: str) -> None:
    warnings.warn(f"{table}: index {index} is on an expression, which the model cannot hold; left out",
                  ReflectionWarning, stacklevel=4)


def _mysql_enum_values(conn: sa.Connection, name: str, schema: str | None) -> dict[str, tuple[str, ...]]:
    """Enum labels per column, read from COLUMN_TYPE by sqlglot's MySQL tokenizer: SQLAlchemy's
    SHOW CREATE TABLE parser undoes doubled quotes but not backslash escapes (``'g\\\\h'``)."""
    cols = sa.table("COLUMNS", sa.column("TABLE_SCHEMA"), sa.column("TABLE_NAME"), sa.column("COLUMN_NAME"),
                    sa.column("COLUMN_TYPE"), sa.column("DATA_TYPE"), schema="information_schema")
    db = sa.literal(schema) if schema else sa.func.database()
    rows = conn.execute(sa.select(cols.c["COLUMN_NAME"], cols.c["COLUMN_TYPE"]).where(
        cols.c["TABLE_SCHEMA"] == db, cols.c["TABLE_NAME"] == name, cols.c["DATA_TYPE"] == "enum")).all()
    return {col: tuple(lit.name for lit in exp.DataType.build(ctype, dialect="mysql").expressions)
            for col, ctype in rows}


def _sqlite_fk_actions(conn: sa.Connection, name: str,
                       schema: str | None = None) -> dict[tuple[tuple[str, ...], str], tuple[str, str, str]]:
    """ON DELETE / ON UPDATE per (columns, parent) from ``pragma_foreign_key_list``, and the
    constraint name from the parsed CREATE TABLE: SQLAlchemy pairs its regex-parsed constraints with
    the PRAGMA by name text and loses actions and names when a name holds a double quote."""
    tree = _sqlite_create_table(conn, name)
    fk_names = {}
    for fk in tree.find_all(exp.ForeignKey) if tree is not None else ():
        ref = fk.args["reference"].this
        if isinstance(fk.parent, exp.Constraint):
            fk_names[(tuple(e.name for e in fk.expressions), ref.this.name)] = fk.parent.name
    fkl = sa.func.pragma_foreign_key_list(name).table_valued("id", "seq", "table", "from", "on_update",
                                                             "on_delete")
    groups: dict[int, list[Any]] = {}
    for row in conn.execute(sa.select(fkl).order_by(fkl.c.id, fkl.c.seq)):
        groups.setdefault(row.id, []).append(row)
    out = {}
    for rows in groups.values():
        key = (tuple(r[3] for r in rows), rows[0][2])
        out[key] = (rows[0].on_delete, rows[0].on_update, fk_names.get(key, ""))
    return out




def _inspect_table(conn: sa.Connection, insp: sa.Inspector, d: Dialect, name: str,
                   schema: str | None) -> _Raw:
    from ..ddl.sqltext import normalize

    rules = READ_RULES[d.name]
    fix = rules.name_fixup

    def names(items: Iterable[str]) -> tuple[str, ...]:
        return tuple(fix(n) for n in items)

    autoinc = rules.identity_columns(conn, name, schema)
    json_cols = rules.json_columns(conn, name, schema)
    enum_labels = rules.enum_labels(conn, name, schema)
    fk_actions = rules.fk_actions(conn, name, schema)
    generated_sql = rules.generated(conn, name, schema)
    cols = []
    for c in insp.get_columns(name, schema=schema):
        c = {**c, "name": fix(c["name"])}
        satype = c["type"]
        enum_values = None
        if isinstance(satype, sa.Enum):
            enum_values = enum_labels.get(c["name"], tuple(satype.enums))
            type_ = DataType("enum", enum=satype.name or f"{name}_{c['name']}")
        elif c["name"] in json_cols and isinstance(satype, sa_mysql.LONGTEXT):
            type_ = DataType("json")
        else:
            type_ = read_type(satype, d)
        default = read_default(c.get("default"), type_, d)
        identity = c.get("identity") is not None or c["name"] in autoinc \
            or (c.get("autoincrement") is True and rules.autoincrement_is_identity)
        if identity:
            default = Default("identity")
        generated = None
        if c.get("computed") or c["name"] in generated_sql:
            generated = normalize(generated_sql.get(c["name"]) or str(c["computed"]["sqltext"]), d.sqlglot)
            default = None
        cols.append({"column": Column(c["name"], type_, nullable=bool(c["nullable"]), default=default,
                                      generated=generated, comment=c.get("comment") or None),
                     "enum_values": enum_values})
    pk = names(insp.get_pk_constraint(name, schema=schema).get("constrained_columns") or ())
    fks = []
    with warnings.catch_warnings():
        # SQLAlchemy warns when it cannot pair a parsed FK with the PRAGMA; _sqlite_fk_actions does
        warnings.filterwarnings("ignore", ".*SQL-parsed foreign key constraint", sa.exc.SAWarning)
        reflected_fks = insp.get_foreign_keys(name, schema=schema)
    for f in reflected_fks:
        cols_, parent = names(f["constrained_columns"]), fix(f["referred_table"])
        on_delete, on_update, fk_name = fk_actions.get((cols_, parent), (f["options"].get("ondelete"),
                                                                         f["options"].get("onupdate"), ""))
        fks.append(ForeignKey(cols_, parent, names(f["referred_columns"]), name=fk_name or fix(f["name"] or ""),
                              on_delete=_fk_action(on_delete), on_update=_fk_action(on_update)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa.exc.SAWarning)
        reflected_uniques = insp.get_unique_constraints(name, schema=schema)
        reflected_indexes = insp.get_indexes(name, schema=schema)
    skipped = set()
    for w in caught:  # SQLite: SQLAlchemy skips expression indexes with a warning; say it in our words
        m = re.search(r"expression-based index (.+)$", str(w.message))
        if m and m.group(1) not in skipped:
            skipped.add(m.group(1))
            _skip_expression_index(name, m.group(1))
        elif not m:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    parsed = rules.constraints(conn, name, schema)
    uniques = parsed[0] if parsed is not None else [
        Unique(names(u["column_names"]), name=fix(u["name"] or "")) for u in reflected_uniques]
    unique_names = {u.name for u in uniques}
    fk_shapes = {(f.name, f.columns) for f in fks}
    indexes = []
    for ix in reflected_indexes:
        ix_name = fix(ix["name"] or "")
        if ix.get("duplicates_constraint") or ix_name in unique_names:
            continue
        maybe_cols = [fix(n) if n is not None else None for n in ix["column_names"]]
        # MySQL makes an index for each foreign key that has none, named after the constraint
        if rules.fk_makes_index and (ix_name, tuple(maybe_cols)) in fk_shapes:
            continue
        cols_ = tuple(c for c in maybe_cols if c is not None)
        if len(cols_) != len(maybe_cols):
            _skip_expression_index(name, ix_name)
            continue
        opts: dict[str, Any] = dict(ix.get("dialect_options", {}))
        where = opts.get(f"{d.kwarg_prefix}_where")
        method = opts.get(f"{d.kwarg_prefix}_using")
        indexes.append(Index(cols_, name=ix_name, unique=bool(ix["unique"]),
                             where=normalize(str(where), d.sqlglot) if where is not None else None,
                             method=None if method in (None, "btree") else method,
                             include=tuple(opts.get(f"{d.kwarg_prefix}_include") or ())))
    check_texts = parsed[1] if parsed is not None else [
        (fix(ck["name"] or ""), ck["sqltext"]) for ck in insp.get_check_constraints(name, schema=schema)]
    checks = [Check(normalize(text, d.sqlglot), name=cname) for cname, text in check_texts]
    comment = None
    if d.comments:
        comment = insp.get_table_comment(name, schema=schema).get("text") or None
    return {"name": name, "columns": cols, "primary_key": pk, "foreign_keys": fks, "uniques": uniques,
            "indexes": indexes, "checks": checks, "comment": comment}


# -- DuckDB catalog ----------------------------------------------------------------------------

def _catalog(conn: sa.Connection, func: str, columns: list[str], schema: str) -> list[sa.Row[Any]]:
    fn = getattr(sa.func, func)().table_valued(*columns, "database_name", "schema_name")
    query = sa.select(*[fn.c[c] for c in columns]).where(
        fn.c.database_name == sa.func.current_database(), fn.c.schema_name == schema)
    return list(conn.execute(query))


def _duckdb_type(text: str, row: Any) -> DataType:
    """A logical type from ``duckdb_columns().data_type`` (read by sqlglot's DuckDB dialect)."""
    dt = exp.DataType.build(text, dialect="duckdb")
    kind = {
        exp.DataType.Type.UUID: "uuid", exp.DataType.Type.SMALLINT: "smallint", exp.DataType.Type.TINYINT: "smallint",
        exp.DataType.Type.INT: "integer", exp.DataType.Type.BIGINT: "bigint", exp.DataType.Type.DECIMAL: "decimal",
        exp.DataType.Type.FLOAT: "real", exp.DataType.Type.DOUBLE: "double", exp.DataType.Type.BOOLEAN: "boolean",
        exp.DataType.Type.VARCHAR: "varchar", exp.DataType.Type.TEXT: "varchar", exp.DataType.Type.DATE: "date",
        exp.DataType.Type.TIME: "time", exp.DataType.Type.TIMESTAMP: "timestamp",
        exp.DataType.Type.TIMESTAMPNTZ: "timestamp",
        exp.DataType.Type.TIMESTAMPTZ: "timestamptz", exp.DataType.Type.INTERVAL: "interval",
        exp.DataType.Type.JSON: "json", exp.DataType.Type.VARBINARY: "bytes", exp.DataType.Type.BLOB: "bytes",
    }.get(dt.this)
    if kind is None:
        raise ModelError(f"cannot map the DuckDB type {text!r} to a logical type")
    if kind == "decimal":
        return DataType("decimal", precision=row.numeric_precision, scale=row.numeric_scale)
    return DataType(kind)


def _duckdb_tables(conn: sa.Connection, d: Dialect, schema: str | None,
                   wanted: Callable[[str], bool]) -> tuple[list[_Raw], list[Enum]]:
    from ..ddl.sqltext import normalize

    schema = schema or "main"
    types = _catalog(conn, "duckdb_types", ["type_name", "logical_type", "labels", "internal"], schema)
    enums = sorted((Enum(r.type_name, tuple(r.labels)) for r in types
                    if r.logical_type == "ENUM" and not r.internal), key=lambda e: e.name)
    by_values: dict[tuple[str, ...], str] = {}
    for e in enums:  # a column keeps only its labels; the first type (by name) with them is its type
        by_values.setdefault(e.values, e.name)
    tables = _catalog(conn, "duckdb_tables", ["table_name", "comment", "temporary"], schema)
    columns = _catalog(conn, "duckdb_columns", ["table_name", "column_name", "column_index", "data_type",
                                                "column_default", "is_nullable", "comment", "numeric_precision",
                                                "numeric_scale"], schema)
    constraints = _catalog(conn, "duckdb_constraints", ["table_name", "constraint_index", "constraint_type",
                                                        "expression", "constraint_column_names",
                                                        "referenced_table", "referenced_column_names"], schema)
    info = sa.table("columns", sa.column("table_catalog"), sa.column("table_schema"), sa.column("table_name"),
                    sa.column("column_name"), sa.column("is_generated"), sa.column("generation_expression"),
                    schema="information_schema")
    generated = {(r.table_name, r.column_name): r.generation_expression for r in conn.execute(
        sa.select(info.c.table_name, info.c.column_name, info.c.generation_expression).where(
            info.c.table_catalog == sa.func.current_database(), info.c.table_schema == schema,
            info.c.is_generated == "ALWAYS"))}
    indexes = _catalog(conn, "duckdb_indexes", ["table_name", "index_name", "is_unique", "expressions", "sql"],
                       schema)
    out = []
    for t in sorted(tables, key=lambda r: r.table_name):
        if t.temporary or not wanted(t.table_name):
            continue
        cols = []
        for c in sorted((c for c in columns if c.table_name == t.table_name), key=lambda c: c.column_index):
            enum_values = None
            if c.data_type.startswith("ENUM("):
                labels = tuple(exp.DataType.build(c.data_type, dialect="duckdb").expressions)
                enum_values = tuple(lbl.name for lbl in labels)
                type_ = DataType("enum", enum=by_values.get(enum_values, f"{t.table_name}_{c.column_name}"))
            else:
                type_ = _duckdb_type(c.data_type, c)
            expression = generated.get((t.table_name, c.column_name))
            if expression is not None:
                tree = sqlglot.parse_one(expression, read="duckdb")  # DuckDB wraps it in CAST(... AS type)
                expression = normalize((tree.this if isinstance(tree, exp.Cast) else tree).sql("duckdb"), "duckdb")
            cols.append({"column": Column(c.column_name, type_, nullable=bool(c.is_nullable),
                                          default=None if expression else read_default(c.column_default, type_, d),
                                          generated=expression, comment=c.comment or None),
                         "enum_values": enum_values})
        mine = sorted((k for k in constraints if k.table_name == t.table_name), key=lambda k: k.constraint_index)
        pk: tuple[str, ...] = ()
        fks, uniques, checks = [], [], []
        for k in mine:
            kcols = tuple(k.constraint_column_names)
            if k.constraint_type == "PRIMARY KEY":
                pk = kcols
            elif k.constraint_type == "FOREIGN KEY":
                fks.append(ForeignKey(kcols, k.referenced_table, tuple(k.referenced_column_names)))
            elif k.constraint_type == "UNIQUE":
                uniques.append(Unique(kcols))
            elif k.constraint_type == "CHECK":
                checks.append(Check(normalize(k.expression, "duckdb")))
        # names are not stored; the convention numbers checks in expression order (limits.constraint_names)
        checks.sort(key=lambda k: k.expression)
        ixs = []
        for ix in indexes:
            if ix.table_name != t.table_name:
                continue
            params = sqlglot.parse_one(ix.sql, read="duckdb").find(exp.IndexParameters)
            parts = [o.this if isinstance(o, exp.Ordered) else o for o in (params.args.get("columns") or [])
                     ] if params is not None else []
            if not parts or not all(isinstance(p, exp.Column) for p in parts):
                _skip_expression_index(t.table_name, ix.index_name)
                continue
            ixs.append(Index(tuple(p.name for p in parts), name=ix.index_name, unique=bool(ix.is_unique)))
        out.append({"name": t.table_name, "columns": cols, "primary_key": pk, "foreign_keys": fks,
                    "uniques": uniques, "indexes": ixs, "checks": checks, "comment": t.comment or None})
    return out, enums


# -- what differs per engine when reading, as a table -------------------------------------------

def _none(conn: sa.Connection, name: str, schema: str | None) -> Any:
    return {}


def _use_inspector(conn: sa.Connection, name: str, schema: str | None) -> None:
    return None


@dataclass(frozen=True)
class ReadRules:
    """How to read one engine's catalog into the model."""

    #: reads (tables, enums): SQLAlchemy's Inspector, or the engine's own catalog functions
    reader: Callable[..., tuple[list[_Raw], list[Enum]]]
    #: TIMESTAMP (without WITH TIME ZONE) is what the kit writes for timestamptz
    timestamp_means_tz: bool = False
    #: the engine adds an index named after each foreign key that has none (MySQL)
    fk_makes_index: bool = False
    #: the Inspector's autoincrement flag means AUTO_INCREMENT (MySQL), not "could be"
    autoincrement_is_identity: bool = False
    #: undoes escaping SQLAlchemy leaves in names it parses from SHOW CREATE TABLE (MySQL doubles a
    #: backtick inside a quoted name; SQLAlchemy unescapes only the table's own name)
    name_fixup: Callable[[str], str] = str
    #: per-table lookups the Inspector does not give (or gives wrong)
    identity_columns: Callable[..., Any] = _none
    json_columns: Callable[..., Any] = _none
    enum_labels: Callable[..., Any] = _none
    fk_actions: Callable[..., Any] = _none
    generated: Callable[..., Any] = _none
    #: (uniques, checks) read without the Inspector, or None to use it
    constraints: Callable[..., Any] = _use_inspector


READ_RULES: dict[str, ReadRules] = {
    "postgresql": ReadRules(_inspector_tables),
    "mysql": ReadRules(_inspector_tables, timestamp_means_tz=True, fk_makes_index=True,
                       autoincrement_is_identity=True, name_fixup=lambda n: n.replace("``", "`"),
                       json_columns=_mariadb_json_columns, enum_labels=_mysql_enum_values),
    "sqlite": ReadRules(_inspector_tables, timestamp_means_tz=True, identity_columns=_sqlite_autoincrement,
                        fk_actions=_sqlite_fk_actions, constraints=_sqlite_constraints,
                        generated=_sqlite_generated),
    "duckdb": ReadRules(_duckdb_tables),
}


# -- assembling --------------------------------------------------------------------------------

def _assemble(raw_tables: list[_Raw], enums: list[Enum]) -> Schema:
    from ..ddl.limits import canonical_order, inline_enums

    names = {r["name"] for r in raw_tables}
    declared = {e.name for e in enums}
    inline: list[tuple[str, str, tuple[str, ...]]] = []
    tables = []
    for r in sorted(raw_tables, key=lambda r: r["name"]):
        cols = []
        for entry in r["columns"]:
            col = entry["column"]
            if col.type.kind == "enum" and col.type.enum not in declared:
                inline.append((r["name"], col.name, entry["enum_values"]))
            cols.append(col)
        try:
            tables.append(Table(r["name"], columns=tuple(cols), primary_key=r["primary_key"],
                                foreign_keys=tuple(f for f in r["foreign_keys"] if f.ref_table in names),
                                indexes=tuple(r["indexes"]), uniques=tuple(r["uniques"]),
                                checks=tuple(r["checks"]), comment=r["comment"]))
        except ModelError as e:
            raise ModelError(f"reflected table cannot be modelled: {e}", where=r["name"]) from None
    renames, extra = inline_enums(inline)
    if renames:
        tables = [replace(t, columns=tuple(
            replace(c, type=DataType("enum", enum=renames[(t.name, c.name)])) if (t.name, c.name) in renames else c
            for c in t.columns)) for t in tables]
    return canonical_order(Schema(tables=tuple(tables), enums=tuple(enums) + tuple(extra)))
