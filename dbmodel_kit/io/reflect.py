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

from ..dialects import Dialect, get_dialect, keep_postgres_words
from ..errors import ModelError
from ..model.naming import qualify
from ..model.schema import (
    Check,
    Column,
    Default,
    Domain,
    Enum,
    ForeignKey,
    Index,
    Schema,
    Sequence,
    Table,
    Unique,
    Verbatim,
    View,
    read_expression,
    utc_literal,
)
from ..model.types import COLLATABLE_KINDS, DataType

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


def read_default(text: str | None, type_: DataType, dialect: Dialect | str, *,
                 home: str | object | None = ...) -> Default | None:
    """A reflected default (engine SQL text) as a logical :class:`Default`. ``home`` is the
    database a MariaDB ``nextval(`db`.`s`)`` names without a schema in the model (the URL's); when
    given, a sequence of another database keeps its name (``db.s``).

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
        # nextval('s'::regclass): the column draws from sequence s (named without its schema, as the
        # model names objects of the schema it reads)
        arg = next((lit for lit in tree.find_all(exp.Literal) if lit.is_string), None)
        if arg is None:
            # MariaDB: nextval(`db`.`s`), the sequence as an identifier
            ref = next(iter(tree.find_all(exp.Column, exp.Table, exp.Identifier)), None)
            if ref is None or not ref.name:
                return Default("identity")
            db = ref.table if isinstance(ref, exp.Column) else ref.db if isinstance(ref, exp.Table) else ""
            return Default("sequence", qualify(db if home is not ... and db and db != home else None, ref.name))
        seq = exp.to_table(arg.this, dialect=d.sqlglot)
        home = _SEQUENCE_HOME.get(d.name)
        if home is not None and seq.db and seq.db != home:
            # PostgreSQL's regclass text names the schema of a sequence off the search path, DuckDB's
            # default the schema as written: the model keys it so
            return Default("sequence", qualify(seq.db, seq.name))
        return Default("sequence", seq.name)
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
    if type_.kind == "timestamptz" and isinstance(value, str):
        value = utc_literal(value)
    return Default("literal", value)

#: engines whose reflection keeps namespaces -> the schema a sequence named without one lives in
_SEQUENCE_HOME = {"postgresql": "public", "duckdb": "main"}


def _unread_references(tables: list[_Raw], read: set[str | None], d: Dialect) -> None:
    """Report each foreign key into a schema that was not read (it is dropped with the table it
    names): the reading names the schema to add."""
    from ..model.naming import split_key

    for raw in tables:
        for fk in raw.get("foreign_keys", ()):
            ns = split_key(fk.ref_table)[0]
            if ns not in read:
                where = qualify(raw.get("schema"), raw["name"])
                warnings.warn(f"{where}: foreign key {fk.name or ', '.join(fk.columns)} references {fk.ref_table}, in "
                              f"{'database' if d.name == 'mysql' else 'schema'} {ns}, which was not read; left out "
                              f"(read it too: --schema {ns}, or reflect(schema=[...]))", ReflectionWarning,
                              stacklevel=4)

#: MySQL's ON UPDATE clause, which SQLAlchemy leaves at the end of a reflected default
_ON_UPDATE = re.compile(r"\s+ON\s+UPDATE\s+(.+)$", re.I | re.S)


def _column_default(text: str | None, type_: DataType, d: Dialect, where: Callable[[], str],
                    home: str | object | None = ...) -> tuple[Default | None, str | None]:
    """:func:`read_default` and MySQL's ``ON UPDATE`` clause SQLAlchemy leaves at its end (``now``
    or None), reporting what the model cannot hold instead of failing on it."""
    on_update = None
    if text is not None and (m := _ON_UPDATE.search(text)):
        text = text[:m.start()]
        if read_default(m.group(1), type_, d) == Default("now"):
            on_update = "now"
        else:
            warnings.warn(f"{where()}: ON UPDATE {m.group(1)} not kept", ReflectionWarning, stacklevel=4)
    try:
        return read_default(text, type_, d, home=home), on_update
    except ModelError as e:
        warnings.warn(f"{where()}: default {text} not kept ({e.message})", ReflectionWarning, stacklevel=4)
        return None, on_update


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


def reflect(url: str | sa.URL | sa.Engine, *, schema: str | Iterable[str] | None = None,
            include: Iterable[str] | Callable[[str], bool] | None = None) -> Schema:
    """The schema of the database at ``url`` (PostgreSQL, MySQL/MariaDB, SQLite, DuckDB).

    ``schema`` names the database schemas to read (one name or several); by default every schema
    that is not the engine's own (PostgreSQL's ``pg_catalog``, DuckDB's ``information_schema``...)
    and holds a table. On MySQL/MariaDB a schema is a database of the server: a URL naming one
    reads that one by default, a URL naming none every database but the server's own (``mysql``,
    ``sys``, ``information_schema``, ``performance_schema``). On SQLite the schemas are ``main``
    and the databases the URL attaches (``sqlite:///shop.db?attach=audit.db``, see
    :func:`dbmodel_kit.urls.sqlite_attachments`). What a schema other than the default one holds
    (PostgreSQL's ``public``, DuckDB's and SQLite's ``main``, the URL's MySQL database when it is
    the only one read: MySQL's DDL cannot name it in a key from another) is keyed ``schema.name``,
    and foreign keys name it. ``include`` limits the tables (names or a
    predicate); foreign keys to tables left out are dropped, and one into a schema not read is
    reported. Enum types MySQL and SQLite do not name come back named after their first column.

    Nothing in the database ends the reading: a column whose type the model cannot map is kept as
    text and a table the model cannot hold (an SQLite virtual table) is left out, each with a
    :class:`ReflectionWarning` naming ``schema.table.column`` and the engine's own spelling.
    """
    from ..urls import attach_on_connect, sqlite_attachments

    if isinstance(url, sa.Engine):
        engine = url
    else:
        parsed, attachments = sqlite_attachments(url)
        if parsed.get_backend_name() == "duckdb":  # not get_dialect: an unknown kind is create_engine's error
            keep_postgres_words()
        engine = sa.create_engine(parsed)
        attach_on_connect(engine, attachments)
    try:
        d = get_dialect(engine)
        rules = READ_RULES[d.name]
        with engine.connect() as conn:
            names = [schema] if isinstance(schema, str) else list(schema) if schema is not None else \
                rules.schemas(conn)
            # conn.info outlives this reading (the pooled connection's): set for it, and taken off after
            conn.info[_NAME_EACH] = rules.name_each_of_several and len(names) > 1
            conn.info.pop(_PLACE_DEFAULT, None)
            try:
                tables, enums = _read_schemas(conn, d, rules, names, include)
            finally:
                conn.info.pop(_NAME_EACH, None)
                conn.info.pop(_PLACE_DEFAULT, None)
    finally:
        if engine is not url:
            engine.dispose()
    from .sql_types import identity_sequences

    return identity_sequences(_assemble(tables, enums), d.sqlglot)


def _read_schemas(conn: sa.Connection, d: Dialect, rules: ReadRules, names: list[str],
                  include: Iterable[str] | Callable[[str], bool] | None) -> tuple[list[_Raw], list[Enum]]:
    """The raw tables and enums of the schemas ``names`` (none: the default one)."""
    tables: list[_Raw] = []
    enums: list[Enum] = []
    targets: list[str | None] = [*names] or [None]
    default = rules.default_schema(conn)
    if targets == [None] and default is None and rules.namespaced:
        targets = []  # a MySQL server URL without a database, and no database but the server's own
    for name in targets:
        t, e = rules.reader(conn, d, name, _wanted(include))
        if rules.namespaced and name not in (None, default):
            for raw in t:  # a table of a named schema is keyed schema.name, as the import keys it
                raw["schema"] = name
        tables += t
        enums += e
    if rules.namespaced:
        _unread_references(tables, {None if n == default else n for n in targets}, d)
    if not rules.namespaced and (len(names) > 1 or (names and names[0] not in (None, default))):
        warnings.warn(f"tables of schema{'s' if len(names) > 1 else ''} {', '.join(map(str, names))} are "
                      "read without their schema name (reflection does not keep namespaces on "
                      f"{d.name} yet: one table name in two of them cannot be read together)",
                      ReflectionWarning, stacklevel=3)
    return tables, enums


# -- SQLAlchemy Inspector (PostgreSQL, MySQL/MariaDB, SQLite) ----------------------------------

_Raw = dict[str, Any]


def _inspector_tables(conn: sa.Connection, d: Dialect, schema: str | None,
                      wanted: Callable[[str], bool]) -> tuple[list[_Raw], list[Enum]]:
    insp = sa.inspect(conn)
    enums: list[Enum] = []
    rules = READ_RULES[d.name]
    # types of a schema other than the default one keep it (keys schema.name), as tables do
    ns = schema if rules.namespaced and schema not in (None, rules.default_schema(conn)) else None
    if d.enum_style == "type":
        enums = [Enum(e["name"], tuple(e["labels"]), schema=ns)
                 for e in insp.get_enums(schema=schema or "public")  # type: ignore[attr-defined]
                 if e.get("visible", True) or ns is not None]
    domains = rules.domains(conn, insp, d, schema, {e.name for e in enums})
    if ns is not None:
        domains = [replace(dom, schema=ns) for dom in domains]
    named = {e.key: DataType("enum", enum=e.key) for e in enums}
    named.update((dom.key, DataType("domain", domain=dom.key)) for dom in domains)
    spellings = rules.column_types(conn, schema)
    per_schema: dict[str, Any] = {"json_columns": rules.json_columns(conn, schema),
                                  "enum_labels": rules.enum_labels(conn, schema),
                  "default_schema": rules.default_schema(conn) if rules.namespaced else None,
                  "checks": rules.own_checks(conn, schema) if rules.own_checks else {},
                  "domain_columns": rules.domain_columns(conn, schema) if domains else {},
                  "missed_defaults": rules.missed_defaults(conn, schema),
                  "deferrable": rules.deferrable(conn, schema),
                  "collations": rules.schema_collations(conn, schema)}
    per_schema["domain_kinds"] = {dom.key: dom.base.kind for dom in domains}
    extra = rules.objects(conn, schema)
    # indexes kept as their SQL (PostgreSQL: expressions, operator classes, DESC): not read as Index
    per_schema["kept_indexes"] = {(o.depends_on[0], o.name) for o in (extra or {}).get("verbatim", ())
                                  if o.kind == "index" and o.depends_on}
    left_out = rules.left_out(conn, schema)
    names = [n for n in insp.get_table_names(schema=schema) if wanted(n)]
    if rules.batched:
        insp = _Batched(insp, schema, [n for n in names if n not in left_out])  # type: ignore[assignment]
    out = []
    for name in names:
        if name in left_out:
            if left_out[name]:
                warnings.warn(f"{_place(conn, d, schema, name)}: {left_out[name]}", ReflectionWarning, stacklevel=3)
            continue
        out.append(_inspect_table(conn, insp, d, name, schema, spellings, named, per_schema))
    sequences = rules.sequences(conn, schema)
    if not out and (domains or sequences or (extra and (extra["views"] or extra["verbatim"]))):
        # a schema holding no table but sequences, types, views or routines: they are read all the same
        out.append({"holder": True})
    if out:
        out[0]["domains"], out[0]["sequences"] = domains, sequences
    if extra and out:
        out[0]["views"], out[0]["verbatim"] = extra["views"], extra["verbatim"]
        for raw in out:
            if raw.get("holder"):
                continue
            raw.update(extra["partitions"].get(raw["name"], {}))
            if raw["name"] in extra["inherited"]:
                _own_parts(raw, extra["inherited"][raw["name"]], extra["pk_names"].get(raw["name"]))
    return out, enums


@functools.lru_cache(maxsize=256)
def _parse_sqlite(sql: str) -> Any:
    try:
        return sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.SqlglotError:  # the Inspector's own reading is used instead
        return None


def _sqlite_create_table(conn: sa.Connection, name: str, schema: str | None = None) -> Any:
    """The table's CREATE TABLE statement (SQLite keeps the text, in each attached database's own
    ``sqlite_master``), parsed by sqlglot (once per text; the tree is only read)."""
    master = sa.table("sqlite_master", sa.column("name"), sa.column("type"), sa.column("sql"), schema=schema)
    sql = conn.execute(sa.select(master.c.sql).where(master.c.type == "table", master.c.name == name)).scalar()
    return _parse_sqlite(sql) if sql else None


def _sqlite_autoincrement(conn: sa.Connection, name: str, schema: str | None = None) -> set[str]:
    tree = _sqlite_create_table(conn, name, schema)
    if tree is None:
        return set()
    return {cd.name for cd in tree.find_all(exp.ColumnDef)
            if any(isinstance(c.kind, exp.AutoIncrementColumnConstraint) for c in cd.constraints)}


def _sqlite_generated(conn: sa.Connection, name: str, schema: str | None = None) -> dict[str, str]:
    """Generated-column expressions from the parsed CREATE TABLE text (SQLAlchemy's pattern misses
    them after a type with a comma, such as NUMERIC(10, 2))."""
    tree = _sqlite_create_table(conn, name, schema)
    if tree is None:
        return {}
    return {cd.name: c.kind.this.sql("sqlite") for cd in tree.find_all(exp.ColumnDef) for c in cd.constraints
            if isinstance(c.kind, exp.ComputedColumnConstraint)}


def _sqlite_collations(conn: sa.Connection, name: str, schema: str | None = None) -> dict[str, str]:
    """Column collations (``COLLATE NOCASE``) from the CREATE TABLE text, the only place SQLite keeps
    them; read as the SQL import reads them."""
    tree = _sqlite_create_table(conn, name, schema)
    if tree is None:
        return {}
    return {cd.name: c.kind.this.name for cd in tree.find_all(exp.ColumnDef) for c in cd.constraints
            if isinstance(c.kind, exp.CollateColumnConstraint)}


def _sqlite_constraints(conn: sa.Connection, name: str,
                        schema: str | None = None) -> tuple[list[Unique], list[tuple[str, str]]] | None:
    """UNIQUE and CHECK constraints from the parsed CREATE TABLE text: SQLAlchemy finds them with
    regular expressions that miss names holding a double quote."""
    tree = _sqlite_create_table(conn, name, schema)
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


def _mariadb_json_columns(conn: sa.Connection, schema: str | None) -> dict[str, set[str]]:
    """Columns MariaDB created as JSON, by table: its JSON is LONGTEXT plus CHECK (json_valid(col))
    (https://mariadb.com/kb/en/json-data-type/); the check is the only trace of the type."""
    cc = sa.table("CHECK_CONSTRAINTS", sa.column("CONSTRAINT_SCHEMA"), sa.column("TABLE_NAME"),
                  sa.column("CONSTRAINT_NAME"), sa.column("CHECK_CLAUSE"), schema="information_schema")
    db = sa.literal(schema) if schema else sa.func.database()
    try:
        rows = conn.execute(sa.select(cc.c["TABLE_NAME"], cc.c["CONSTRAINT_NAME"], cc.c["CHECK_CLAUSE"]).where(
            cc.c["CONSTRAINT_SCHEMA"] == db)).all()
    except sa.exc.DBAPIError:
        return {}
    found: dict[str, set[str]] = {}
    for table, cname, clause in rows:
        try:
            tree = sqlglot.parse_one(clause, read="mysql")
        except sqlglot.errors.ParseError:
            continue
        call = tree.unnest() if isinstance(tree, exp.Paren) else tree
        fname = (call.sql_name() if not isinstance(call, exp.Anonymous) else str(call.this)).lower() \
            if isinstance(call, exp.Func) else ""
        cols = [c.name for c in call.find_all(exp.Column)]
        if fname in ("json_valid", "jsonvalid", "is_json") and cols == [cname]:
            found.setdefault(table, set()).add(cname)
    return found


class ReflectionWarning(UserWarning):
    """Something in the database the model cannot hold was left out of the reflected schema."""


def _duckdb_index_column(part: exp.Expression, columns: list[str]) -> str | None:
    """The column an index part of DuckDB's index text names, or None for an expression. DuckDB
    writes some column names without quotes (``ON t(current_date)``, ``("ALL")``), which sqlglot
    then reads as a function or a keyword: such a part is the column whose name it spells."""
    if isinstance(part, exp.Column):
        return part.name
    if not isinstance(part, exp.Var) and any(v not in (None, False, []) for v in part.args.values()):
        return None  # a function with arguments: an expression
    text = part.name if isinstance(part, exp.Var) else part.sql("duckdb").removesuffix("()")
    if text in columns:
        return text
    folded = [c for c in columns if c.lower() == text.lower()]
    return folded[0] if len(folded) == 1 else None


def _skip_expression_index(table: str, index: str) -> None:
    warnings.warn(f"{table}: index {index} is on an expression, which the model cannot hold; left out",
                  ReflectionWarning, stacklevel=4)


def _mysql_checks(conn: sa.Connection, schema: str | None) -> dict[str, list[tuple[str, str]]]:
    """CHECK constraints by table from information_schema (MySQL 8.0.16+, MariaDB 10.2+): SQLAlchemy
    reads them from SHOW CREATE TABLE, where MariaDB writes a column's CHECK inside the column."""
    def query(same_table: str) -> list[Any]:
        return list(conn.execute(sa.text(
            "SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS c "
            "JOIN information_schema.TABLE_CONSTRAINTS t ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA "
            f"AND BINARY t.CONSTRAINT_NAME = BINARY c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK' {same_table}"
            "WHERE c.CONSTRAINT_SCHEMA = coalesce(:s, DATABASE()) ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME"),
            {"s": schema}).all())

    try:
        # MariaDB keeps CHECK names per table (two tables may each have a check "positive_id") and says
        # the table in CHECK_CONSTRAINTS.TABLE_NAME; MySQL 8 keeps them per schema and has no such column.
        # Names compared as bytes: information_schema's collation ignores case, and the checks ck_and_id of
        # table `and` were read as table `AND`'s too (tables and CHECK names differ in case on Linux)
        rows = query("AND BINARY t.TABLE_NAME = BINARY c.TABLE_NAME ")
    except sa.exc.DBAPIError:
        try:
            rows = query("")
        except sa.exc.DBAPIError:  # a server without CHECK_CONSTRAINTS keeps no checks at all
            return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for table, cname, clause in rows:
        out.setdefault(table, []).append((cname, clause))
    return out


def _mysql_enum_values(conn: sa.Connection, schema: str | None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Enum and SET labels per table and column, read from COLUMN_TYPE by sqlglot's MySQL tokenizer:
    SQLAlchemy's SHOW CREATE TABLE parser undoes doubled quotes but not backslash escapes (``'g\\\\h'``)."""
    cols = sa.table("COLUMNS", sa.column("TABLE_SCHEMA"), sa.column("TABLE_NAME"), sa.column("COLUMN_NAME"),
                    sa.column("COLUMN_TYPE"), sa.column("DATA_TYPE"), schema="information_schema")
    db = sa.literal(schema) if schema else sa.func.database()
    rows = conn.execute(sa.select(cols.c["TABLE_NAME"], cols.c["COLUMN_NAME"], cols.c["COLUMN_TYPE"]).where(
        cols.c["TABLE_SCHEMA"] == db, cols.c["DATA_TYPE"].in_(["enum", "set"]))).all()
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for table, col, ctype in rows:
        labels = exp.DataType.build(ctype, dialect="mysql").expressions
        out.setdefault(table, {})[col] = tuple(lit.name for lit in labels)
    return out


def _sqlite_fk_actions(conn: sa.Connection, name: str,
                       schema: str | None = None) -> dict[tuple[tuple[str, ...], str], tuple[Any, ...]]:
    """ON DELETE / ON UPDATE per (columns, parent) from ``pragma_foreign_key_list``, and the
    constraint name and ``DEFERRABLE [INITIALLY DEFERRED]`` (which no PRAGMA gives) from the parsed
    CREATE TABLE: SQLAlchemy pairs its regex-parsed constraints with the PRAGMA by name text and
    loses actions and names when a name holds a double quote."""
    from ..model.schema import deferrable_mode

    tree = _sqlite_create_table(conn, name, schema)
    fk_names = {}
    timing: dict[tuple[tuple[str, ...], str], str | None] = {}
    for fk in tree.find_all(exp.ForeignKey) if tree is not None else ():
        ref = fk.args["reference"].this
        if isinstance(fk.parent, exp.Constraint):
            fk_names[(tuple(e.name for e in fk.expressions), ref.this.name)] = fk.parent.name
    for ref in tree.find_all(exp.Reference) if tree is not None else ():
        target = ref.this.this if isinstance(ref.this, exp.Schema) else ref.this
        if isinstance(ref.parent, exp.ForeignKey):
            cols = tuple(e.name for e in ref.parent.expressions)
        else:
            column = ref.find_ancestor(exp.ColumnDef)
            cols = (column.name,) if column is not None else ()
        words = [" ".join(str(o).upper().split()) for o in ref.args.get("options") or ()]
        mode = None
        if "DEFERRABLE" in words:
            mode = deferrable_mode("deferred" if "INITIALLY DEFERRED" in words else "immediate", "foreign key")
        timing[(cols, target.name)] = mode
    fkl = sa.func.pragma_foreign_key_list(name, schema or "main").table_valued(
        "id", "seq", "table", "from", "on_update", "on_delete")
    groups: dict[int, list[Any]] = {}
    for row in conn.execute(sa.select(fkl).order_by(fkl.c.id, fkl.c.seq)):
        groups.setdefault(row.id, []).append(row)
    out = {}
    for rows in groups.values():
        key = (tuple(r[3] for r in rows), rows[0][2])
        out[key] = (rows[0].on_delete, rows[0].on_update, fk_names.get(key, ""), timing.get(key))
    return out




def _identity_default(info: dict[str, Any]) -> Default:
    """An identity column as the Inspector gives it (PostgreSQL's ``attidentity`` and its sequence's
    numbers): ALWAYS or BY DEFAULT, every number (the Column leaves out those at the default)."""
    parts = ["always"] if info.get("always") else []
    parts += [f"{k} {int(info[k])}" for k in ("start", "increment", "minvalue", "maxvalue", "cache")
              if info.get(k) is not None]
    if info.get("cycle"):
        parts.append("cycle")
    return Default("identity", ", ".join(parts) or None)


def _inspect_table(conn: sa.Connection, insp: Any, d: Dialect, name: str, schema: str | None,
                   spellings: dict[tuple[str, str], str], named: dict[str, DataType],
                   per_schema: dict[str, Any]) -> _Raw:
    from ..ddl.sqltext import normalize

    rules = READ_RULES[d.name]
    fix = rules.name_fixup

    def names(items: Iterable[str]) -> tuple[str, ...]:
        return tuple(fix(n) for n in items)

    autoinc = rules.identity_columns(conn, name, schema)
    json_cols = per_schema["json_columns"].get(name, set())
    enum_labels = per_schema["enum_labels"].get(name, {})
    fk_actions = rules.fk_actions(conn, name, schema)
    generated_sql = rules.generated(conn, name, schema)
    collations = rules.collations(conn, name, schema) or per_schema["collations"].get(name, {})
    cols = []
    with warnings.catch_warnings():
        # SQLAlchemy warns of a type it does not know; the column is reported below in the model's words
        warnings.filterwarnings("ignore", "Did not recognize type", sa.exc.SAWarning)
        reflected_columns = insp.get_columns(name, schema=schema)
    for c in reflected_columns:
        c = {**c, "name": fix(c["name"])}
        satype = c["type"]
        enum_values = None
        place = functools.partial(_place, conn, d, schema, name, c["name"])
        spelling = spellings.get((name, c["name"]))
        if isinstance(satype, sa.Enum) and not isinstance(satype, sa_mysql.SET):
            enum_values = enum_labels.get(c["name"], tuple(satype.enums))
            enum_ns = getattr(satype, "schema", None) if rules.namespaced else None
            enum_ns = None if enum_ns in (None, per_schema.get("default_schema")) else enum_ns
            type_ = DataType("enum", enum=qualify(enum_ns, satype.name) if satype.name else f"{name}_{c['name']}")
        elif c["name"] in json_cols and isinstance(satype, sa_mysql.LONGTEXT):
            type_ = DataType("json")
        elif spelling:
            type_, enum_values = _spelled_type(spelling, d, named, place, enum_labels.get(c["name"]))
        else:
            try:
                type_ = read_type(satype, d)
            except ModelError:
                type_ = _unmapped(satype, None, d, place())
        if c.get("default") is None and (name, c["name"]) in per_schema["missed_defaults"]:
            c = {**c, "default": per_schema["missed_defaults"][name, c["name"]]}
        own = per_schema["domain_columns"].get((name, c["name"]))
        if own is not None:
            # SQLAlchemy gives a domain column its domain's NOT NULL and default; the model keeps
            # the column's own (the domain's are the domain's)
            c = {**c, "nullable": own[0], "default": own[1]}
        if c["name"] in collations and type_.kind in COLLATABLE_KINDS:
            type_ = replace(type_, collation=((d.name, collations[c["name"]]),))
        default, on_update = _column_default(c.get("default"), type_, d, place, per_schema["default_schema"]
                                             if rules.namespaced else ...)
        identity = c.get("identity") is not None or c["name"] in autoinc \
            or (c.get("autoincrement") is True and rules.autoincrement_is_identity)
        if identity:
            default = _identity_default(c.get("identity") or {})
        generated = None
        if c.get("computed") or c["name"] in generated_sql:
            generated = normalize(generated_sql.get(c["name"]) or str(c["computed"]["sqltext"]), d.sqlglot)
            default = None
        cols.append({"column": Column(c["name"], type_, nullable=bool(c["nullable"]), default=default,
                                      generated=generated, comment=c.get("comment") or None, on_update=on_update),
                     "enum_values": enum_values})
    pk_constraint = insp.get_pk_constraint(name, schema=schema)
    pk = names(pk_constraint.get("constrained_columns") or ())
    pk_deferrable = per_schema["deferrable"].get((name, fix(pk_constraint.get("name") or ""))) if pk else None
    fks = []
    with warnings.catch_warnings():
        # SQLAlchemy warns when it cannot pair a parsed FK with the PRAGMA; _sqlite_fk_actions does
        warnings.filterwarnings("ignore", ".*SQL-parsed foreign key constraint", sa.exc.SAWarning)
        reflected_fks = insp.get_foreign_keys(name, schema=schema)
    for f in reflected_fks:
        # the model names the parent by its key (a table called a.b is '"a.b"', not schema a)
        cols_, bare = names(f["constrained_columns"]), fix(f["referred_table"])
        # MySQL and SQLite say the child's own schema for a parent in it (SQLAlchemy), PostgreSQL
        # none for one on the search path
        if rules.namespaced and f.get("referred_schema") not in (None, per_schema["default_schema"]):
            parent = qualify(f["referred_schema"], bare)
        else:
            parent = qualify(None, bare)
        on_delete, on_update, fk_name, *timing = fk_actions.get((cols_, qualify(None, bare)), (
            f["options"].get("ondelete"), f["options"].get("onupdate"), ""))
        fk_name = fk_name or fix(f["name"] or "")
        fks.append(ForeignKey(cols_, parent, names(f["referred_columns"]), name=fk_name,
                              on_delete=_fk_action(on_delete), on_update=_fk_action(on_update),
                              deferrable=timing[0] if timing else per_schema["deferrable"].get((name, fk_name))))
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
    if per_schema["deferrable"]:
        uniques = [replace(u, deferrable=per_schema["deferrable"].get((name, u.name))) for u in uniques]
    unique_names = {u.name for u in uniques}
    fk_shapes = {(f.name, f.columns) for f in fks}
    # an unnamed MySQL foreign key (named <table>_ibfk_<n>) makes its index named after its first column
    fk_shapes |= {(f.columns[0], f.columns) for f in fks if re.fullmatch(rf"{re.escape(name)}_ibfk_\d+", f.name)}
    # a domain column is its base kind there (PostgreSQL casts it as its base type in a check)
    base_kinds = per_schema.get("domain_kinds") or {}
    kinds = tuple((c["column"].name, base_kinds.get(c["column"].type.domain, c["column"].type.kind)
                   if c["column"].type.kind == "domain" else c["column"].type.kind) for c in cols)
    indexes = []
    kept = per_schema.get("kept_indexes") or set()
    table_key = qualify(schema if schema != per_schema.get("default_schema") else None, name)
    for ix in reflected_indexes:
        ix_name = fix(ix["name"] or "")
        if (table_key, ix_name) in kept:
            continue
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
        if str(opts.get(f"{d.kwarg_prefix}_prefix") or "").lower() in d.index_methods:
            method = str(opts[f"{d.kwarg_prefix}_prefix"]).lower()  # MySQL's FULLTEXT / SPATIAL
        indexes.append(Index(cols_, name=ix_name, unique=bool(ix["unique"]),
                             where=normalize(str(where), d.sqlglot, kinds) if where is not None else None,
                             method=None if method in (None, "btree") else method,
                             include=tuple(opts.get(f"{d.kwarg_prefix}_include") or ())))
    if parsed is not None:
        check_texts = parsed[1]
    elif name in per_schema["checks"] or rules.own_checks:
        # MariaDB's column CHECKs sit inside the column in SHOW CREATE TABLE, where SQLAlchemy does not
        # look; a JSON column's json_valid() check is its type, not a check
        check_texts = [(cname, text) for cname, text in per_schema["checks"].get(name, [])
                       if not (cname in json_cols and "json_valid" in text.lower())]
    else:
        check_texts = [(fix(ck["name"] or ""), ck["sqltext"]) for ck in insp.get_check_constraints(name, schema=schema)]
    checks = [Check(normalize(text, d.sqlglot, kinds), name=cname) for cname, text in check_texts]
    if not d.generated_not_null:  # (MariaDB) a generated column's NOT NULL is a CHECK there (ddl.limits)
        from ..ddl.limits import generated_not_null

        gen = {c["column"].name: c["column"].generated for c in cols if c["column"].generated}
        not_null = {k.expression: generated_not_null(k.expression, gen) for k in checks}
        checks = [k for k in checks if not_null[k.expression] is None]
        for c in cols:
            if c["column"].name in not_null.values():
                c["column"] = replace(c["column"], nullable=False)
    comment = None
    if d.comments:
        comment = insp.get_table_comment(name, schema=schema).get("text") or None
    return {"name": name, "columns": cols, "primary_key": pk, "foreign_keys": fks, "uniques": uniques,
            "indexes": indexes, "checks": checks, "comment": comment, "primary_key_deferrable": pk_deferrable}


# -- DuckDB catalog ----------------------------------------------------------------------------

def _catalog(conn: sa.Connection, func: str, columns: list[str], schema: str) -> list[sa.Row[Any]]:
    fn = getattr(sa.func, func)().table_valued(*columns, "database_name", "schema_name")
    query = sa.select(*[fn.c[c] for c in columns]).where(
        fn.c.database_name == sa.func.current_database(), fn.c.schema_name == schema)
    return list(conn.execute(query))


def _duckdb_type(text: str, where: str) -> DataType:
    """A type from ``duckdb_columns().data_type``, read as the SQL import reads DuckDB's spelling."""
    from .sql_types import TypeRead, read_spelling

    def note(message: str) -> None:
        warnings.warn(message, ReflectionWarning, stacklevel=5)

    return read_spelling(text, "duckdb", TypeRead("duckdb", note=note), where)


def _duckdb_tables(conn: sa.Connection, d: Dialect, schema: str | None,
                   wanted: Callable[[str], bool]) -> tuple[list[_Raw], list[Enum]]:
    from ..ddl.limits import fold_generated, generated_not_null
    from ..ddl.sqltext import normalize

    schema = schema or "main"
    # what a schema other than main holds keeps its name (keys schema.name), as on PostgreSQL
    ns = None if schema == "main" else schema
    fn = sa.func.duckdb_types().table_valued("type_name", "logical_type", "labels", "internal", "database_name",
                                             "schema_name")
    types = list(conn.execute(sa.select(fn.c.schema_name, fn.c.type_name, fn.c.labels).where(
        fn.c.database_name == sa.func.current_database(), fn.c.logical_type == "ENUM", sa.not_(fn.c.internal))))
    enums = sorted((Enum(r.type_name, tuple(r.labels), schema=ns) for r in types if r.schema_name == schema),
                   key=lambda e: e.name)
    # a column keeps only its labels (duckdb_columns writes ENUM('a', 'b')): its type is the first
    # enum (by name) with them in its own schema, else in main (on the search path), else elsewhere
    by_values: dict[tuple[str, ...], str] = {}
    rank = {schema: 0, "main": 1}
    for r in sorted(types, key=lambda r: (rank.get(r.schema_name, 2), r.schema_name, r.type_name)):
        by_values.setdefault(tuple(r.labels), qualify(None if r.schema_name == "main" else r.schema_name,
                                                      r.type_name))
    tables = _catalog(conn, "duckdb_tables", ["table_name", "comment", "temporary"], schema)
    columns = _catalog(conn, "duckdb_columns", ["table_name", "column_name", "column_index", "data_type",
                                                "column_default", "is_nullable", "comment", "numeric_precision",
                                                "numeric_scale"], schema)
    constraints = _catalog(conn, "duckdb_constraints", ["table_name", "constraint_index", "constraint_type",
                                                        "expression", "constraint_column_names",
                                                        "referenced_table", "referenced_column_names",
                                                        "constraint_text"], schema)
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
                built = exp.DataType.build(c.data_type, dialect="duckdb")
                listed = built.this == exp.DataType.Type.ARRAY  # ENUM(...)[]: how DuckDB holds a SET
                labels = tuple((built.expressions[0] if listed else built).expressions)
                enum_values = tuple(lbl.name for lbl in labels)
                type_ = DataType("enum", enum=by_values.get(enum_values, f"{t.table_name}_{c.column_name}"))
                if listed:
                    type_ = DataType("array", element=type_)
            else:
                type_ = _duckdb_type(c.data_type, f"{schema}.{t.table_name}.{c.column_name}")
            expression = generated.get((t.table_name, c.column_name))
            if expression is not None:
                tree = read_expression(expression, "duckdb")  # DuckDB wraps it in CAST(... AS type)
                expression = normalize((tree.this if isinstance(tree, exp.Cast) else tree).sql("duckdb"), "duckdb")
            cols.append({"column": Column(c.column_name, type_, nullable=bool(c.is_nullable),
                                          default=None if expression else read_default(c.column_default, type_, d),
                                          generated=expression, comment=c.comment or None),
                         "enum_values": enum_values})
        mine = sorted((k for k in constraints if k.table_name == t.table_name), key=lambda k: k.constraint_index)
        pk: tuple[str, ...] = ()
        fks, uniques, checks = [], [], []
        # DuckDB has no constraints on generated columns: the DDL writes their NOT NULL and CHECKs over
        # the column's expression (ddl.limits.generated_constraints), read back over the column here
        generated_here = {c["column"].name: c["column"].generated for c in cols if c["column"].generated}
        not_null: set[str] = set()
        for k in mine:
            kcols = tuple(k.constraint_column_names)
            if k.constraint_type == "PRIMARY KEY":
                pk = kcols
            elif k.constraint_type == "FOREIGN KEY":
                parent = qualify(_duckdb_referred_schema(k.constraint_text, schema), k.referenced_table)
                fks.append(ForeignKey(kcols, parent, tuple(k.referenced_column_names)))
            elif k.constraint_type == "UNIQUE":
                uniques.append(Unique(kcols))
            elif k.constraint_type == "CHECK":
                text = fold_generated(normalize(k.expression, "duckdb", tuple(
                    (c["column"].name, c["column"].type.kind) for c in cols)), generated_here)
                column = generated_not_null(text, generated_here)
                if column is None:
                    checks.append(Check(text))
                else:  # a generated column's NOT NULL, which the DDL writes as a CHECK over its expression
                    not_null.add(column)
        for c in cols:
            if c["column"].name in not_null:
                c["column"] = replace(c["column"], nullable=False)
        # names are not stored; the convention numbers checks in expression order (limits.constraint_names)
        checks.sort(key=lambda k: k.expression)
        ixs = []
        for ix in indexes:
            if ix.table_name != t.table_name:
                continue
            params = sqlglot.parse_one(ix.sql, read="duckdb").find(exp.IndexParameters)
            parts = [o.this if isinstance(o, exp.Ordered) else o for o in (params.args.get("columns") or [])
                     ] if params is not None else []
            names = [_duckdb_index_column(p, [c["column"].name for c in cols]) for p in parts]
            if not names or None in names:
                _skip_expression_index(t.table_name, ix.index_name)
                continue
            ixs.append(Index(tuple(n for n in names if n), name=ix.index_name, unique=bool(ix.is_unique)))
        out.append({"name": t.table_name, "columns": cols, "primary_key": pk, "foreign_keys": fks,
                    "uniques": uniques, "indexes": ixs, "checks": checks, "comment": t.comment or None})
    sequences = _catalog(conn, "duckdb_sequences", ["sequence_name", "start_value", "increment_by", "min_value",
                                                    "max_value", "cycle"], schema)
    if out:
        from .sql_types import plain_sequence

        # DuckDB's sequences count in BIGINT and belong to no column
        out[0]["sequences"] = [plain_sequence(Sequence(q.sequence_name, start=q.start_value, increment=q.increment_by,
                                                       min_value=q.min_value, max_value=q.max_value,
                                                       cycle=bool(q.cycle), schema=ns)) for q in sequences]
        extra = READ_RULES["duckdb"].objects(conn, schema)
        out[0]["views"], out[0]["verbatim"] = extra["views"], extra["verbatim"]
    return out, enums


def _duckdb_referred_schema(text: str | None, schema: str) -> str | None:
    """The schema of the table a DuckDB foreign key refers to, from its ``constraint_text``
    (``FOREIGN KEY (a) REFERENCES sales.orders(id)``; ``referenced_table`` is the bare name), or
    None for main. DuckDB refuses keys between schemas, so the key's own schema where the text
    does not name one."""
    referred = schema
    if text:
        try:
            ref = sqlglot.parse_one(f"CREATE TABLE _t ({text})", read="duckdb").find(exp.Reference)
        except sqlglot.errors.SqlglotError:
            ref = None
        if ref is not None:
            target = ref.this.this if isinstance(ref.this, exp.Schema) else ref.this
            referred = target.db or schema
    return None if referred == "main" else referred


# -- what the model cannot hold: reported, never the end of the reading --------------------------

#: conn.info key: the default schema's name for messages, asked once per reading
_PLACE_DEFAULT = "dbmodel_default_schema"


def _place(conn: sa.Connection, d: Dialect, schema: str | None, table: str, column: str | None = None) -> str:
    """``schema.table[.column]`` for a message (the default schema named as the engine names it)."""
    key = _PLACE_DEFAULT
    if key not in conn.info:  # asked once per connection (a round trip on a server)
        conn.info[key] = READ_RULES[d.name].default_schema(conn) or "main"
    ns = schema or conn.info[key]
    return ".".join([ns, table] + ([column] if column else []))


def _unmapped(satype: Any, spelling: str | None, d: Dialect, where: str) -> DataType:
    """The type of a column whose engine type the model cannot map: a warning naming the column and
    the engine's spelling; the column is read as text (a PostgreSQL domain as its base type)."""
    base = getattr(satype, "data_type", None)
    if base is not None and type(satype).__name__ == "DOMAIN":
        try:
            read = read_type(base, d)
        except ModelError:
            read = DataType("text")
        warnings.warn(f"{where}: domain {satype.name} read as its base type {read}", ReflectionWarning, stacklevel=4)
        return read
    shown = spelling or (satype.compile(dialect=d.compile_dialect()) if not isinstance(satype, sa.types.NullType)
                         else "unknown")
    warnings.warn(f"{where}: type {shown} has no logical equivalent; read as text", ReflectionWarning, stacklevel=4)
    return DataType("text")


def _spelled_type(spelling: str, d: Dialect, named: dict[str, DataType], where: Callable[[], str],
                  labels: tuple[str, ...] | None = None) -> tuple[DataType, tuple[str, ...] | None]:
    """A column's type from the engine's own spelling, read as the SQL import reads it
    (:mod:`.sql_types`); an inline ``ENUM(...)``/``SET(...)`` gives its labels for naming. A type the
    model holds only as written for this engine is a warning naming the column."""
    from .sql_types import TypeRead, read_spelling

    found: dict[str, tuple[str, ...]] = {}

    def inline(kind: str, values: tuple[str, ...]) -> str:
        found["labels"] = labels or values
        return f"{kind}_values"  # named by _assemble, like every inline enum

    def note(message: str) -> None:
        warnings.warn(message, ReflectionWarning, stacklevel=5)

    def lookup(name: str) -> DataType | None:
        return named.get(name) or named.get(name.rsplit(".", 1)[-1].strip('"'))

    t = read_spelling(spelling, d.sqlglot, TypeRead(d.sqlglot, named=lookup, inline_enum=inline, note=note), where())
    if not d.native_uuid and t.logical == DataType("char", 36):
        # engines without a UUID type store the kit's uuid as CHAR(36) (dbmodel_kit.dialects)
        return DataType("uuid"), None
    return t, found.get("labels")


def _no_domains(conn: sa.Connection, insp: Any, d: Dialect, schema: str | None, enums: set[str]) -> list[Domain]:
    return []


def _pg_domains(conn: sa.Connection, insp: Any, d: Dialect, schema: str | None, enums: set[str]) -> list[Domain]:
    """PostgreSQL domains (SQLAlchemy's Inspector.get_domains): base type, NOT NULL, default, checks."""
    from .sql_types import TypeRead, read_spelling

    out = []
    names = {dom["name"] for dom in insp.get_domains(schema=schema or "public")}
    comments = dict(conn.execute(sa.text(
        "SELECT t.typname, obj_description(t.oid, 'pg_type') FROM pg_type t JOIN pg_namespace n "
        "ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND n.nspname = coalesce(:s, current_schema())"),
        {"s": schema}).all())
    for dom in insp.get_domains(schema=schema or "public"):
        if not dom.get("visible", True) and schema in (None, "public"):
            continue
        where = f"{dom['schema']}.{dom['name']}"

        def lookup(name: str) -> DataType | None:
            bare = name.rsplit(".", 1)[-1].strip('"')
            return DataType("enum", enum=bare) if bare in enums else DataType("domain", domain=bare) \
                if bare in names else None

        base = read_spelling(dom["type"], "postgres", TypeRead("postgres", named=lookup), where)
        default, _ = _column_default(dom.get("default"), base, d, functools.partial(str, where))
        from ..ddl.sqltext import normalize

        checks = tuple(Check(normalize(ck["check"], "postgres"), name=ck["name"])
                       for ck in dom.get("constraints") or ())
        out.append(Domain(dom["name"], base, nullable=bool(dom.get("nullable", True)), default=default,
                          checks=checks, comment=comments.get(dom["name"])))
    return out


def _pg_objects(conn: sa.Connection, schema: str | None) -> dict[str, Any]:
    from .pg_reflect import pg_objects

    return pg_objects(conn, schema)


def _own_parts(raw: _Raw, inherited: set[str], pk_name: str | None) -> None:
    """A partition's raw table without what it has from its partitioned table (io/pg_reflect)."""
    if pk_name in inherited:
        raw["primary_key"] = ()
    for key in ("foreign_keys", "uniques", "indexes", "checks"):
        raw[key] = [x for x in raw[key] if x.name not in inherited]


def _pg_sequences(conn: sa.Connection, schema: str | None) -> list[Sequence]:
    """The schema's sequences (``pg_sequence``) with the column each is owned by (``pg_depend``)."""
    rows = conn.execute(sa.text("""
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
               s.seqcycle, t.relname, a.attname, nullif(n.nspname, current_schema()),
               nullif((SELECT tn.nspname FROM pg_namespace tn WHERE tn.oid = t.relnamespace), current_schema())
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend dep ON dep.objid = c.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'a'
             AND dep.refclassid = 'pg_class'::regclass
        LEFT JOIN pg_class t ON t.oid = dep.refobjid
        LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
        WHERE n.nspname = coalesce(:s, current_schema())
          AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.objid = c.oid AND i.deptype = 'i')"""), {"s": schema})
    from .sql_types import plain_sequence, read_spelling

    return [plain_sequence(Sequence(name, start=start, increment=inc, min_value=lo, max_value=hi, cycle=bool(cycle),
                                    cache=cache, type=read_spelling(typ, "postgres").logical,
                                    owned_by=(qualify(table_ns, table), column) if table else None, schema=ns))
            for name, typ, start, inc, lo, hi, cache, cycle, table, column, ns, table_ns in rows]


def _no_sequences(conn: sa.Connection, schema: str | None) -> list[Sequence]:
    return []


def _no_schemas(conn: sa.Connection) -> list[str]:
    return []


def _no_default(conn: sa.Connection) -> str | None:
    return None


def _pg_schemas(conn: sa.Connection) -> list[str]:
    """Every schema holding a table, view or sequence (or, beside one that does, only routines or
    types) that is not PostgreSQL's own nor an extension's (none when that is only the default
    schema, which is then read as it always was)."""
    found = [r[0] for r in conn.execute(sa.text(
        "SELECT n.nspname FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%' AND (EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid "
        "AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')) OR EXISTS (SELECT 1 FROM pg_proc p "
        "WHERE p.pronamespace = n.oid AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = p.oid "
        "AND e.deptype = 'e')) OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid "
        "AND t.typtype IN ('e', 'd'))) ORDER BY n.nspname"))]
    return [] if found in ([], [_pg_default(conn)]) else found


def _pg_default(conn: sa.Connection) -> str | None:
    return conn.execute(sa.text("SELECT current_schema()")).scalar()


def _duckdb_schemas(conn: sa.Connection) -> list[str]:
    found = [r[0] for r in conn.execute(sa.text(
        "SELECT DISTINCT schema_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT internal AND NOT temporary ORDER BY schema_name"))]
    return [] if found in ([], ["main"]) else found


#: conn.info key: several MySQL databases are read, so each is named (none is the model's unnamed one)
_NAME_EACH = "dbmodel_name_each_schema"


def _mysql_default(conn: sa.Connection) -> str | None:
    """The database that is the model's unnamed schema: the URL's, unless several are read."""
    return None if conn.info.get(_NAME_EACH) else _mysql_database(conn)


def _mysql_database(conn: sa.Connection) -> str | None:
    return conn.execute(sa.text("SELECT DATABASE()")).scalar()


#: The databases a MySQL/MariaDB server keeps for itself: never read unless named
MYSQL_SYSTEM_DATABASES = frozenset({"mysql", "sys", "information_schema", "performance_schema"})


def _mysql_schemas(conn: sa.Connection) -> list[str]:
    """A URL naming a database reads that one (the model's unnamed schema); a server URL naming
    none reads every database holding a table, view, sequence or routine but the server's own."""
    if _mysql_database(conn) is not None:
        return []
    found = conn.execute(sa.text(
        "SELECT s.SCHEMA_NAME FROM information_schema.SCHEMATA s WHERE EXISTS (SELECT 1 FROM "
        "information_schema.TABLES t WHERE t.TABLE_SCHEMA = s.SCHEMA_NAME) OR EXISTS (SELECT 1 FROM "
        "information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = s.SCHEMA_NAME) ORDER BY s.SCHEMA_NAME")).scalars()
    return [n for n in found if n.lower() not in MYSQL_SYSTEM_DATABASES]


def _sqlite_schemas(conn: sa.Connection) -> list[str]:
    """``main`` and each attached database (``PRAGMA database_list``; ``temp`` left out), or none
    when only ``main`` is there (read as it always was)."""
    found = [r[1] for r in conn.execute(sa.text("SELECT seq, name FROM pragma_database_list ORDER BY seq"))
             if r[1] != "temp"]
    return [] if found == ["main"] else found


def _main(conn: sa.Connection) -> str:
    return "main"


def _sqlite_left_out(conn: sa.Connection, schema: str | None) -> dict[str, str]:
    """Virtual tables (FTS5, R*Tree, ...) and the shadow tables SQLite keeps for them: the model has no
    virtual tables yet, and the shadow tables are the module's own storage, not tables a design holds."""
    try:
        rows = conn.execute(sa.text("SELECT name, type FROM pragma_table_list WHERE schema = :s"),
                            {"s": schema or "main"}).all()
    except sa.exc.DBAPIError:  # SQLite before 3.37 has no table_list: virtual tables by their text
        rows = [(r[0], "virtual") for r in conn.execute(sa.text(  # type: ignore[misc]
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"))]
    # virtual tables are read as objects (_sqlite_objects); their shadow tables are the module's storage
    return {name: "" for name, kind in rows if kind in ("virtual", "shadow")}


# -- views and verbatim objects ---------------------------------------------------------------

def _objects(views: list[View], verbatim: list[Verbatim]) -> dict[str, Any]:
    """What ``ReadRules.objects`` gives: views and verbatim objects (no partitioning here)."""
    return {"views": views, "verbatim": verbatim, "partitions": {}, "inherited": {}, "pk_names": {}}


def _object_deps(sql: str, dialect: str, known: dict[str, str], own: str, on: str | None = None) -> tuple[str, ...]:
    from .sql_objects import mentioned

    deps = list(mentioned(sql, dialect, known, str.lower if dialect != "postgres" else str, skip=(own,)))
    if on is not None:
        deps = [on, *(d for d in deps if d != on)]
    return tuple(deps)


def _mysql_objects(conn: sa.Connection, schema: str | None) -> dict[str, Any]:
    """Views (``information_schema.VIEWS``: the query as the engine stores it, its database's own
    name taken off), triggers, functions, procedures and events (``SHOW CREATE ...``: the
    statement as written, ``DEFINER`` aside, as the SQL import keeps it). Those of a named database
    keep its name (``schema``)."""
    from ..ddl.sqltext import DEFINER
    from .sql_objects import in_schema, without_qualifier

    home = _mysql_default(conn)
    db = schema or _mysql_database(conn)
    if db is None:
        return {}
    ns = None if db == home else db

    def own(sql: str) -> str:
        # as written in its own database (a dump's USE db; CREATE VIEW ...), as the import keeps it:
        # the DDL names that database where the engine would read another (ddl.objects.view_sql)
        return without_qualifier(sql, "mysql", db)
    tables = [r[0] for r in conn.execute(sa.text(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = :s AND TABLE_TYPE <> 'VIEW'"),
        {"s": db})]
    views: list[View] = []
    for name, definition, security, check in conn.execute(sa.text(
            "SELECT TABLE_NAME, VIEW_DEFINITION, SECURITY_TYPE, CHECK_OPTION FROM information_schema.VIEWS "
            "WHERE TABLE_SCHEMA = :s ORDER BY TABLE_NAME"), {"s": db}):
        query = own(definition)
        try:
            views.append(View(name, query, "mysql", security_invoker=str(security).upper() == "INVOKER",
                              check_option=None if str(check).upper() == "NONE" else str(check).lower(), schema=ns))
        except ModelError as e:
            warnings.warn(f"{db}.{name}: a view the model cannot read ({e.message}); left out", ReflectionWarning,
                          stacklevel=4)
    known = {t.lower(): qualify(ns, t) for t in tables} | {v.name.lower(): v.key for v in views}
    q = sa_mysql.base.MySQLIdentifierPreparer(sa_mysql.dialect()).quote
    objects: list[Verbatim] = []
    listing = [("trigger", r[0], r[1]) for r in conn.execute(sa.text(
        "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = :s "
        "ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER"), {"s": db})]
    listing += [(r[1].lower(), r[0], None) for r in conn.execute(sa.text(
        "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = :s "
        "ORDER BY ROUTINE_NAME"), {"s": db})]
    listing += [("event", r[0], None) for r in conn.execute(sa.text(
        "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = :s ORDER BY EVENT_NAME"), {"s": db})]
    # the statement's column in each SHOW CREATE answer
    column = {"trigger": "SQL Original Statement", "function": "Create Function", "procedure": "Create Procedure",
              "event": "Create Event"}
    for kind, name, table in listing:
        row = conn.execute(sa.text(f"SHOW CREATE {kind.upper()} {q(db)}.{q(name)}")).mappings().first()
        sql = row.get(column[kind]) if row is not None else None
        if not sql:
            warnings.warn(f"{db}.{name}: the {kind}'s definition cannot be read (SHOW CREATE {kind.upper()} needs "
                          "more privileges); left out", ReflectionWarning, stacklevel=4)
            continue
        sql = own(DEFINER.sub("", sql, count=1))
        if ns is not None:  # written in its own database, to be made there from any connection
            sql = in_schema(sql, "mysql", ns)
        objects.append(Verbatim(kind, name, "mysql", sql, schema=ns, depends_on=_object_deps(
            sql, "mysql", known, name, qualify(ns, table) if table else None)))
    return _objects(views, objects)


def _sqlite_objects(conn: sa.Connection, schema: str | None) -> dict[str, Any]:
    """Views, triggers and virtual tables from ``sqlite_master``, which keeps each statement as written."""
    from .sql_objects import in_schema, object_head, split_view

    ns = schema if schema not in (None, "main") else None  # an attached database's keep its name
    master = sa.table("sqlite_master", sa.column("type"), sa.column("name"), sa.column("tbl_name"), sa.column("sql"),
                      sa.column("rowid"), schema=ns)
    rows = conn.execute(sa.select(master.c.type, master.c.name, master.c.tbl_name, master.c.sql).where(
        master.c.type.in_(["view", "trigger", "table"]), master.c.sql.is_not(None)).order_by(master.c.rowid)).all()
    views: list[View] = []
    objects: list[Verbatim] = []
    virtual = [r for r in rows if r[0] == "table" and re.match(r"\s*CREATE\s+VIRTUAL\b", r[3], re.I)]
    known = {r[1].lower(): qualify(ns, r[1]) for r in rows if r[0] == "table"}
    for kind, name, table, sql in rows:
        is_virtual = (kind, name, table, sql) in virtual
        if ns is not None and (kind == "trigger" or is_virtual):
            # written in its own database (sqlite_master keeps the name without it): run as written
            sql = in_schema(sql, "sqlite", ns)
        try:
            if kind == "view":
                parts = split_view(sql, "sqlite")
                view = View(name, parts.query, "sqlite", columns=parts.columns, schema=ns)
                if view.tree is not None:
                    from ..model.schema import query_tables

                    view = replace(view, depends_on=tuple(dict.fromkeys(
                        known.get(t.rsplit(".", 1)[-1].lower(), t) for t in query_tables(view.tree))))
                views.append(view)
                known[name.lower()] = view.key
            elif kind == "trigger":
                on = known.get(table.lower(), table)
                objects.append(Verbatim("trigger", name, "sqlite", sql, schema=ns,
                                        depends_on=_object_deps(sql, "sqlite", known, name, on)))
            elif is_virtual:
                object_head(sql, "sqlite")  # a statement the SQL import reads too
                objects.append(Verbatim("virtual table", name, "sqlite", sql, schema=ns))
        except ModelError as e:
            warnings.warn(f"{schema or 'main'}.{name}: a {kind} the model cannot read ({e.message}); left out",
                          ReflectionWarning, stacklevel=4)
    return _objects(views, objects)


def _duckdb_objects(conn: sa.Connection, schema: str | None) -> dict[str, Any]:
    """Views (``duckdb_views()``: the statement as DuckDB writes it back) and macros
    (``duckdb_functions()``: parameters and definition, written as a ``CREATE MACRO``)."""
    from .sql_objects import split_view

    s = schema or "main"
    ns = None if s == "main" else s  # a schema other than main keeps its name, as its tables do
    views: list[View] = []
    for name, sql in conn.execute(sa.text(
            "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND schema_name = :s "
            "AND database_name = current_database() ORDER BY view_oid"), {"s": s}):
        try:
            parts = split_view(sql, "duckdb")
            views.append(View(name, parts.query, "duckdb", columns=parts.columns, schema=ns))
        except ModelError as e:
            warnings.warn(f"{s}.{name}: a view the model cannot read ({e.message}); left out", ReflectionWarning,
                          stacklevel=4)
    objects: list[Verbatim] = []
    for name, kind, params, definition in conn.execute(sa.text(
            "SELECT function_name, function_type, parameters, macro_definition FROM duckdb_functions() "
            "WHERE NOT internal AND schema_name = :s AND database_name = current_database() "
            "AND function_type IN ('macro', 'table_macro') ORDER BY function_oid"), {"s": s}):
        body = f"TABLE {definition}" if kind == "table_macro" else definition
        # written as it is created: in its own schema (verbatim SQL runs as written)
        where = f"{exp.to_identifier(ns).sql('duckdb')}." if ns else ""
        sql = f"CREATE MACRO {where}{name}({', '.join(params or ())}) AS {body}"
        objects.append(Verbatim("function", name, "duckdb", sql, schema=ns))
    return _objects(views, objects)


def _none_left_out(conn: sa.Connection, schema: str | None) -> dict[str, str]:
    return {}


def _pg_column_types(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): r[2] for r in conn.execute(sa.text(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = coalesce(:s, current_schema()) AND a.attnum > 0 AND NOT a.attisdropped "
        "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"), {"s": schema})}


#: MariaDB's own defaults where PostgreSQL's differ: a cache of 1000, an ascending top of 2**63 - 2
#: and a descending bottom of -(2**63) + 1 (https://mariadb.com/kb/en/create-sequence/)
_MARIADB_CACHE, _MARIADB_TOP, _MARIADB_BOTTOM = 1000, 2**63 - 2, -(2**63) + 1


def _mysql_namespace(conn: sa.Connection, schema: str | None) -> str | None:
    """The model's schema for what database ``schema`` holds: None for the URL's own database."""
    return None if schema is None or schema == _mysql_default(conn) else schema


def _mariadb_sequences(conn: sa.Connection, schema: str | None) -> list[Sequence]:
    """MariaDB's sequences (tables of type SEQUENCE, each read as its one row; MySQL has none)."""
    from .sql_types import plain_sequence

    names = [r[0] for r in conn.execute(sa.text(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = coalesce(:s, DATABASE()) "
        "AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME"), {"s": schema})]
    prep = conn.dialect.identifier_preparer
    out = []
    for name in names:
        where = prep.quote(name) if schema is None else f"{prep.quote_schema(schema)}.{prep.quote(name)}"
        lo, hi, start, inc, cache, cycle = conn.execute(sa.text(  # a name from the catalog, quoted
            "SELECT minimum_value, maximum_value, start_value, increment, cache_size, cycle_option "
            f"FROM {where}")).one()
        out.append(plain_sequence(Sequence(
            name, start=start, increment=inc, cycle=bool(cycle), cache=None if cache == _MARIADB_CACHE else cache,
            schema=_mysql_namespace(conn, schema),
            min_value=None if inc < 0 and lo == _MARIADB_BOTTOM else lo,
            max_value=None if inc > 0 and hi == _MARIADB_TOP else hi)))
    return out


def _mariadb_expression_defaults(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], str]:
    """(table, column) -> the default text of defaults SQLAlchemy's SHOW CREATE TABLE parser does
    not read on MariaDB (it gives none): an expression default MariaDB writes bare, where the parser
    takes only a bare word or call without quotes, spaces or commas (``lcase('X')``,
    ``concat('a','b')``, ``nextval(`s`)``), and a TEXT/BLOB column's literal, which MariaDB escapes
    with a backslash (``'it\\'s'``) where the parser expects ``''``. Read from information_schema,
    where MariaDB writes each default as SHOW CREATE does; used only where the parser gave none.
    MySQL (which wraps expression defaults in parentheses there) needs none."""
    if not getattr(conn.dialect, "is_mariadb", False):
        return {}
    return {(r[0], r[1]): r[2] for r in conn.execute(sa.text(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = coalesce(:s, DATABASE()) AND COLUMN_DEFAULT IS NOT NULL "
        "AND COLUMN_DEFAULT <> 'NULL'"), {"s": schema})}


def _pg_domain_columns(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], tuple[bool, str | None]]:
    """(table, column) -> (nullable, default) of each column of a domain type, the column's own."""
    return {(r[0], r[1]): (not r[2], r[3]) for r in conn.execute(sa.text(
        "SELECT c.relname, a.attname, a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_type ty ON ty.oid = a.atttypid AND ty.typtype = 'd' "
        "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
        "WHERE n.nspname = coalesce(:s, current_schema()) AND a.attnum > 0 AND NOT a.attisdropped "
        "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"), {"s": schema})}


def _pg_deferrable(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], str]:
    """(table, constraint) -> ``deferred`` or ``immediate`` for each DEFERRABLE constraint
    (``pg_constraint.condeferrable``/``condeferred``)."""
    return {(r[0], r[1]): "deferred" if r[2] else "immediate" for r in conn.execute(sa.text(
        "SELECT c.relname, k.conname, k.condeferred FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = coalesce(:s, current_schema()) AND k.condeferrable"), {"s": schema})}


def _pg_collations(conn: sa.Connection, schema: str | None) -> dict[str, dict[str, str]]:
    """By table, {column: collation} for each column whose collation is not its type's own
    (``pg_attribute.attcollation``); one of another schema than pg_catalog is ``schema.name``."""
    out: dict[str, dict[str, str]] = {}
    for table, column, name, where in conn.execute(sa.text(
            "SELECT c.relname, a.attname, co.collname, cn.nspname FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_collation co ON co.oid = a.attcollation "
            "JOIN pg_namespace cn ON cn.oid = co.collnamespace "
            "WHERE n.nspname = coalesce(:s, current_schema()) AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attcollation <> ty.typcollation AND c.relkind IN ('r', 'p', 'f')"), {"s": schema}):
        out.setdefault(table, {})[column] = name if where == "pg_catalog" else f"{where}.{name}"
    return out


def _mysql_collations(conn: sa.Connection, schema: str | None) -> dict[str, dict[str, str]]:
    """By table, {column: collation} for each column whose collation is not its table's default
    (``information_schema.COLUMNS.COLLATION_NAME`` against ``TABLES.TABLE_COLLATION``): what
    ``SHOW CREATE TABLE`` writes as the column's ``COLLATE`` (a collation names its character set,
    so the DDL's ``COLLATE`` alone makes the column again). A column of another character set in
    that set's default collation (``NVARCHAR``, ``CHARACTER SET latin1``) differs by its character
    set only, which the model does not hold: reported, not kept."""
    out: dict[str, dict[str, str]] = {}
    for table, column, name, charset, table_charset, default in conn.execute(sa.text(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLLATION_NAME, c.CHARACTER_SET_NAME, tc.CHARACTER_SET_NAME, "
            "cc.IS_DEFAULT FROM information_schema.COLUMNS c "
            "JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
            "LEFT JOIN information_schema.COLLATIONS tc ON tc.COLLATION_NAME = t.TABLE_COLLATION "
            "LEFT JOIN information_schema.COLLATIONS cc ON cc.COLLATION_NAME = c.COLLATION_NAME "
            "WHERE c.TABLE_SCHEMA = coalesce(:s, DATABASE()) AND c.COLLATION_NAME IS NOT NULL "
            "AND c.COLLATION_NAME <> t.TABLE_COLLATION AND t.TABLE_TYPE = 'BASE TABLE' "
            "ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"), {"s": schema}):
        if charset != table_charset and str(default or "").lower() == "yes":
            warnings.warn(f"{_place(conn, get_dialect('mysql'), schema, table, column)}: character set {charset} "
                          "not kept (the model holds a column's collation, not its character set)",
                          ReflectionWarning, stacklevel=5)
            continue
        out.setdefault(table, {})[column] = name
    return out


def _mysql_column_types(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): r[2] for r in conn.execute(sa.text(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = coalesce(:s, DATABASE())"), {"s": schema})}


def _sqlite_column_types(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], str]:
    master = sa.table("sqlite_master", sa.column("name"), sa.column("type"), schema=schema)
    info = sa.func.pragma_table_xinfo(master.c.name, schema or "main").table_valued("name", "type")
    return {(r[0], r[1]): r[2] for r in conn.execute(
        sa.select(master.c.name, info.c.name, info.c.type).join_from(master, info, sa.true()).where(
            master.c.type == "table"))}


def _no_column_types(conn: sa.Connection, schema: str | None) -> dict[tuple[str, str], str]:
    return {}


# -- what differs per engine when reading, as a table -------------------------------------------

def _none_per_schema(conn: sa.Connection, schema: str | None) -> dict[str, Any]:
    return {}


class _Batched:
    """The Inspector's per-table questions answered from its ``get_multi_*`` forms, asked once for
    every table of the schema (70 tables took about 500 round trips one table at a time)."""

    _QUESTIONS = ("columns", "pk_constraint", "foreign_keys", "unique_constraints", "indexes", "check_constraints",
                  "table_comment")

    def __init__(self, insp: sa.Inspector, schema: str | None, names: list[str]) -> None:
        self.insp, self.schema, self.names = insp, schema, names
        self.answers: dict[str, dict[tuple[str | None, str], Any]] = {}

    def __getattr__(self, attr: str) -> Any:
        question = attr.removeprefix("get_")
        if question not in self._QUESTIONS:
            return getattr(self.insp, attr)

        def ask(name: str, schema: str | None = None) -> Any:
            if question not in self.answers:
                multi = getattr(self.insp, f"get_multi_{question}")
                self.answers[question] = dict(multi(schema=self.schema, filter_names=self.names))
            return self.answers[question][(self.schema, name)]

        return ask


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
    #: per schema, by table: columns that are JSON (MariaDB), enum and SET labels (MySQL)
    json_columns: Callable[..., dict[str, Any]] = _none_per_schema
    enum_labels: Callable[..., dict[str, Any]] = _none_per_schema
    #: CHECK constraints per schema, by table, read from the catalog instead of the Inspector
    own_checks: Callable[[sa.Connection, str | None], dict[str, list[tuple[str, str]]]] | None = None
    #: ask the Inspector once per schema for every table (``get_multi_*``), not once per table: each
    #: question is a round trip to a server
    batched: bool = False
    fk_actions: Callable[..., Any] = _none
    generated: Callable[..., Any] = _none
    #: column collations by column name, where the Inspector gives none (SQLite)
    collations: Callable[..., Any] = _none
    #: (uniques, checks) read without the Inspector, or None to use it
    constraints: Callable[..., Any] = _use_inspector
    #: the schemas to read when none is named (empty: the default one)
    schemas: Callable[[sa.Connection], list[str]] = _no_schemas
    #: the name of the default schema, for messages
    default_schema: Callable[[sa.Connection], str | None] = _no_default
    #: tables to leave out, with the reason to report ("" for none: they belong to another)
    left_out: Callable[[sa.Connection, str | None], dict[str, str]] = _none_left_out
    #: each column's type as the engine spells it, by (table, column): read as the SQL import reads it
    column_types: Callable[..., dict[tuple[str, str], str]] = _no_column_types
    #: the schema's domains
    domains: Callable[..., list[Domain]] = _no_domains
    #: (table, column) -> the column's own (nullable, default) for columns of a domain type
    domain_columns: Callable[[sa.Connection, str | None], dict[tuple[str, str], Any]] = _none_per_schema
    #: (table, column) -> default text of defaults the Inspector misses (MariaDB: expressions such as
    #: ``lcase('X')`` or ``nextval(...)``, TEXT literals escaped ``'it\\'s'``), used where it gives none
    missed_defaults: Callable[[sa.Connection, str | None], dict[tuple[str, str], str]] = _none_per_schema
    #: the schema's sequences
    sequences: Callable[[sa.Connection, str | None], list[Sequence]] = _no_sequences
    #: tables of a schema other than the default one keep it (Table.schema; foreign keys name it)
    namespaced: bool = False
    #: when several schemas are read, each is named, the default one too (MySQL: its DDL cannot name
    #: the connection's database in a key from another database, so a model of several is all named)
    name_each_of_several: bool = False
    #: per schema, by table: {column: collation} where a column's differs from its type's (PostgreSQL)
    schema_collations: Callable[[sa.Connection, str | None], dict[str, dict[str, str]]] = _none_per_schema
    #: (table, constraint name) -> ``immediate`` or ``deferred`` for each DEFERRABLE constraint
    deferrable: Callable[[sa.Connection, str | None], dict[tuple[str, str], str]] = _none_per_schema
    #: the schema's views, verbatim objects and partitioning (io/pg_reflect.pg_objects' dict)
    objects: Callable[[sa.Connection, str | None], dict[str, Any]] = _none_per_schema


READ_RULES: dict[str, ReadRules] = {
    "postgresql": ReadRules(_inspector_tables, schemas=_pg_schemas, default_schema=_pg_default,
                            column_types=_pg_column_types, domains=_pg_domains, domain_columns=_pg_domain_columns,
                            batched=True, sequences=_pg_sequences, objects=_pg_objects, namespaced=True,
                            deferrable=_pg_deferrable, schema_collations=_pg_collations),
    "mysql": ReadRules(_inspector_tables, timestamp_means_tz=True, fk_makes_index=True,
                       autoincrement_is_identity=True, name_fixup=lambda n: n.replace("``", "`"),
                       json_columns=_mariadb_json_columns, enum_labels=_mysql_enum_values,
                       default_schema=_mysql_default, column_types=_mysql_column_types, batched=True,
                       own_checks=_mysql_checks, objects=_mysql_objects, sequences=_mariadb_sequences,
                       missed_defaults=_mariadb_expression_defaults, schemas=_mysql_schemas, namespaced=True,
                       name_each_of_several=True,
                       schema_collations=_mysql_collations),
    "sqlite": ReadRules(_inspector_tables, timestamp_means_tz=True, identity_columns=_sqlite_autoincrement,
                        fk_actions=_sqlite_fk_actions, constraints=_sqlite_constraints,
                        generated=_sqlite_generated, collations=_sqlite_collations, default_schema=_main,
                        left_out=_sqlite_left_out, schemas=_sqlite_schemas, namespaced=True,
                        column_types=_sqlite_column_types, objects=_sqlite_objects),
    "duckdb": ReadRules(_duckdb_tables, schemas=_duckdb_schemas, default_schema=_main, objects=_duckdb_objects,
                        namespaced=True),
}


# -- assembling --------------------------------------------------------------------------------

def _assemble(raw_tables: list[_Raw], enums: list[Enum]) -> Schema:
    from ..ddl.limits import canonical_order, inline_enums

    everything = raw_tables
    raw_tables = [r for r in raw_tables if not r.get("holder")]
    names = {qualify(r.get("schema"), r["name"]) for r in raw_tables}
    declared = {e.key for e in enums}
    inline: list[tuple[str, str, tuple[str, ...]]] = []
    tables = []
    for r in sorted(raw_tables, key=lambda r: qualify(r.get("schema"), r["name"])):
        cols = []
        for entry in r["columns"]:
            col = entry["column"]
            if col.type.kind in ("enum", "set") and col.type.enum not in declared:
                inline.append((qualify(r.get("schema"), r["name"]), col.name, entry["enum_values"]))
            cols.append(col)
        try:
            tables.append(Table(r["name"], columns=tuple(cols), primary_key=r["primary_key"],
                                foreign_keys=tuple(f for f in r["foreign_keys"] if f.ref_table in names),
                                indexes=tuple(r["indexes"]), uniques=tuple(r["uniques"]),
                                checks=tuple(r["checks"]), comment=r["comment"],
                                partition_by=r.get("partition_by"), partition_of=r.get("partition_of"),
                                partition_bound=r.get("partition_bound"), schema=r.get("schema"),
                                primary_key_deferrable=r.get("primary_key_deferrable")))
        except ModelError as e:
            raise ModelError(f"reflected table cannot be modelled: {e}", where=r["name"]) from None
    renames, extra = inline_enums(inline)
    if renames:
        tables = [replace(t, columns=tuple(
            replace(c, type=replace(c.type, enum=qualify(None, renames[(t.key, c.name)])))
            if (t.key, c.name) in renames else c
            for c in t.columns)) for t in tables]
    raw_tables = everything  # schema-level objects ride on the first entry of each schema
    domains = tuple(dom for r in raw_tables for dom in r.get("domains", ()))
    sequences = tuple(sorted((seq for r in raw_tables for seq in r.get("sequences", ())
                              if seq.owned_by is None or seq.owned_by[0] in names), key=lambda q: q.name))
    views = tuple(v for r in raw_tables for v in r.get("views", ()))
    verbatim = tuple(o for r in raw_tables for o in r.get("verbatim", ()))
    return canonical_order(Schema(tables=tuple(tables), enums=tuple(enums) + tuple(extra), domains=domains,
                                  sequences=sequences, views=views, verbatim=verbatim))
