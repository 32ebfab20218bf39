"""What each engine cannot store, as one table, and :func:`storable`: a model as an engine holds it.

:data:`ENGINE_LIMITS` lists, per engine, the differences between a model and what reading the
database back gives; :data:`LIMITS` says what each one means and holds the function that applies
it to a schema. ``reflect(url) == storable(original, engine)`` after ``apply(original, url)`` is
the round-trip property the tests check on all four engines.

>>> "no_fk_actions" in ENGINE_LIMITS["duckdb"], "no_fk_actions" in ENGINE_LIMITS["postgresql"]
(True, False)
>>> from dbmodel_kit.examples import ecommerce
>>> storable(ecommerce(), "sqlite").table("users").column("role").type
DataType('varchar(8)')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..dialects import Dialect, get_dialect
from ..model.schema import Check, Column, Default, Enum, ForeignKey, Schema, Table, Unique, dependency_order
from ..model.types import DataType
from .sqltext import normalize

__all__ = ["ENGINE_LIMITS", "LIMITS", "Limit", "canonical_order", "inline_enum_name", "inline_enums", "storable"]


# -- helpers shared with reflection ------------------------------------------------------------

def canonical_order(schema: Schema) -> Schema:
    """Tables and enums sorted by name, each table's FKs, indexes, uniques and checks by name:
    the order a catalog gives back (catalogs keep no creation order)."""
    tables = tuple(replace(t, foreign_keys=tuple(sorted(t.foreign_keys, key=lambda x: x.name)),
                           indexes=tuple(sorted(t.indexes, key=lambda x: x.name)),
                           uniques=tuple(sorted(t.uniques, key=lambda x: x.name)),
                           checks=tuple(sorted(t.checks, key=lambda x: x.name)))
                   for t in sorted(schema.tables, key=lambda t: t.name))
    return replace(schema, tables=tables, enums=tuple(sorted(schema.enums, key=lambda e: e.name)))


def inline_enum_name(table: str, column: str) -> str:
    """The name reflection gives an enum the engine stores without one (MySQL's inline ENUM)."""
    return f"{table}_{column}"


def inline_enums(uses: Iterable[tuple[str, str, tuple[str, ...]]]) -> tuple[dict[tuple[str, str], str], list[Enum]]:
    """Name unnamed enums: ``uses`` is (table, column, values) in table-name then column order;
    columns with the same values share the enum named after the first of them."""
    renames: dict[tuple[str, str], str] = {}
    by_values: dict[tuple[str, ...], str] = {}
    enums: list[Enum] = []
    for table, column, values in uses:
        if values not in by_values:
            by_values[values] = inline_enum_name(table, column)
            enums.append(Enum(by_values[values], values))
        renames[(table, column)] = by_values[values]
    return renames, enums


# -- the transforms ----------------------------------------------------------------------------

Transform = Callable[[Schema, Dialect], Schema]


def _map_columns(schema: Schema, fn: Callable[[Table, Column], Column]) -> Schema:
    return replace(schema, tables=tuple(replace(t, columns=tuple(fn(t, c) for c in t.columns)) for t in schema.tables))


def _map_tables(schema: Schema, fn: Callable[[Table], Table]) -> Schema:
    return replace(schema, tables=tuple(fn(t) for t in schema.tables))


def _design_metadata(s: Schema, d: Dialect) -> Schema:
    s = _map_columns(s, lambda t, c: replace(c, sensitive=False, hints=()))
    s = _map_tables(s, lambda t: replace(t, group=None, timestamps=False, soft_delete=False, audited=False))
    return replace(s, name=None, comment=None, enums=tuple(replace(e, comment=None) for e in s.enums))


def _expression_text(s: Schema, d: Dialect) -> Schema:
    def col(t: Table, c: Column) -> Column:
        if c.default is not None and c.default.kind == "expression":
            c = replace(c, default=Default("expression", normalize(str(c.default.value))))
        return replace(c, generated=normalize(c.generated)) if c.generated else c

    s = _map_columns(s, col)
    return _map_tables(s, lambda t: replace(
        t, checks=tuple(replace(k, expression=normalize(k.expression)) for k in t.checks),
        indexes=tuple(replace(i, where=normalize(i.where)) if i.where else i for i in t.indexes)))


def _default_index_method(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, indexes=tuple(
        replace(i, method=None) if i.method == "btree" or i.method not in d.index_methods else i
        for i in t.indexes)))


def _retype(kinds: Iterable[str], new: Callable[[DataType], DataType]) -> Transform:
    kinds = frozenset(kinds)
    return lambda s, d: _map_columns(s, lambda t, c: replace(c, type=new(c.type)) if c.type.kind in kinds else c)


def _varchar_without_length(s: Schema, d: Dialect) -> Schema:
    return _map_columns(s, lambda t, c: replace(c, type=DataType("text"))
                        if c.type.kind == "varchar" and c.type.length is None else c)


def _no_uuid_default(s: Schema, d: Dialect) -> Schema:
    return _map_columns(s, lambda t, c: replace(c, default=None)
                        if c.default is not None and c.default.kind == "uuid" else c)


def _identity_lone_key(s: Schema, d: Dialect) -> Schema:
    def col(t: Table, c: Column) -> Column:
        if c.default is None or c.default.kind != "identity":
            return c
        if t.primary_key != (c.name,):
            return replace(c, default=None)
        return replace(c, type=DataType("integer")) if d.identity_style == "rowid" else c

    s2 = _map_columns(s, col)
    # a foreign key onto a column that became INTEGER follows it (integer kinds join each other)
    return s2


def _no_comments(s: Schema, d: Dialect) -> Schema:
    s = _map_columns(s, lambda t, c: replace(c, comment=None))
    return _map_tables(s, lambda t: replace(t, comment=None))


def _no_partial_index(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, indexes=tuple(
        replace(i, where=None, unique=False) if i.where else i for i in t.indexes)))


def _redundant_unique(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, uniques=tuple(u for u in t.uniques if u.columns != t.primary_key)))


def _key_types(s: Schema, d: Dialect) -> Schema:
    from . import key_support

    def table(t: Table) -> Table:
        return replace(t, uniques=tuple(u for u in t.uniques if key_support(t, u.columns, d) == "full"),
                       indexes=tuple(i for i in t.indexes if key_support(t, i.columns, d) == "full"
                                     or (key_support(t, i.columns, d) == "prefix" and not i.unique)))

    return _map_tables(s, table)


def _decimal_defaults(s: Schema, d: Dialect) -> Schema:
    def new(t: DataType) -> DataType:
        if t.precision is None:
            return DataType("decimal", precision=d.decimal_default[0], scale=d.decimal_default[1]) \
                if d.decimal_default else t
        if t.scale is None and d.decimal_scale_default is not None:
            return DataType("decimal", precision=t.precision, scale=d.decimal_scale_default)
        return t

    return _retype(["decimal"], new)(s, d)


def _real_default_digits(s: Schema, d: Dialect) -> Schema:
    def col(t: Table, c: Column) -> Column:
        if c.type.kind != "real" or c.default is None or c.default.kind != "literal" \
                or isinstance(c.default.value, bool) or not isinstance(c.default.value, int | float):
            return c
        return replace(c, default=Default.parse(f"{c.default.value:.6g}"))

    return _map_columns(s, col)


def _comment_bmp_only(s: Schema, d: Dialect) -> Schema:
    def bmp(text: str | None) -> str | None:
        return None if text is None else "".join(ch if ord(ch) <= 0xFFFF else "?" for ch in text)

    s = _map_columns(s, lambda t, c: replace(c, comment=bmp(c.comment)))
    return _map_tables(s, lambda t: replace(t, comment=bmp(t.comment)))


def _no_include(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, indexes=tuple(replace(i, include=()) for i in t.indexes)))


def _unique_index_is_constraint(s: Schema, d: Dialect) -> Schema:
    def table(t: Table) -> Table:
        moved = [i for i in t.indexes if i.unique and not i.where]
        return replace(t, indexes=tuple(i for i in t.indexes if i not in moved),
                       uniques=t.uniques + tuple(Unique(i.columns, name=i.name) for i in moved))

    return _map_tables(s, table)


def _restrict_is_no_action(s: Schema, d: Dialect) -> Schema:
    def fk(f: ForeignKey) -> ForeignKey:
        return replace(f, on_delete=None if f.on_delete == "RESTRICT" else f.on_delete,
                       on_update=None if f.on_update == "RESTRICT" else f.on_update)

    return _map_tables(s, lambda t: replace(t, foreign_keys=tuple(fk(f) for f in t.foreign_keys)))


def _no_fk_actions(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, foreign_keys=tuple(
        replace(f, on_delete=None, on_update=None) for f in t.foreign_keys)))


def _no_fk_cycles(s: Schema, d: Dialect) -> Schema:
    _, deferred = dependency_order(s)
    drop = {(t.name, f.name) for t, f in deferred}
    return _map_tables(s, lambda t: replace(t, foreign_keys=tuple(
        f for f in t.foreign_keys if (t.name, f.name) not in drop)))


def _constraint_names(s: Schema, d: Dialect) -> Schema:
    # names are regenerated from the naming convention (model.naming) on both sides; check names
    # are numbered in expression order, so checks are sorted by expression first
    return _map_tables(s, lambda t: replace(
        t, foreign_keys=tuple(replace(f, name="") for f in t.foreign_keys),
        uniques=tuple(replace(u, name="") for u in t.uniques),
        checks=tuple(Check(k.expression) for k in sorted(t.checks, key=lambda k: k.expression))))


def _inline_enums(s: Schema, d: Dialect) -> Schema:
    values = {e.name: e.values for e in s.enums}
    uses = [(t.name, c.name, values[c.type.enum or ""])
            for t in sorted(s.tables, key=lambda t: t.name) for c in t.columns if c.type.kind == "enum"]
    renames, enums = inline_enums(uses)
    tables = tuple(replace(t, columns=tuple(
        replace(c, type=DataType("enum", enum=renames[(t.name, c.name)])) if (t.name, c.name) in renames else c
        for c in t.columns)) for t in s.tables)
    return replace(s, tables=tables, enums=tuple(s.enums) + tuple(e for e in enums if not s.has_enum(e.name)))


def _unused_enums(s: Schema, d: Dialect) -> Schema:
    used = {c.type.enum for t in s.tables for c in t.columns if c.type.kind == "enum"}
    return replace(s, enums=tuple(e for e in s.enums if e.name in used))


def _enum_by_values(s: Schema, d: Dialect) -> Schema:
    first: dict[tuple[str, ...], str] = {}
    for e in sorted(s.enums, key=lambda e: e.name):
        first.setdefault(e.values, e.name)
    values = {e.name: e.values for e in s.enums}
    return _map_columns(s, lambda t, c: replace(c, type=DataType("enum", enum=first[values[c.type.enum or ""]]))
                        if c.type.kind == "enum" else c)


def _enum_as_check(s: Schema, d: Dialect) -> Schema:
    from . import enum_check_name, enum_check_sql

    values = {e.name: e.values for e in s.enums}

    def table(t: Table) -> Table:
        checks = list(t.checks)
        cols = []
        for c in t.columns:
            if c.type.kind == "enum":
                vals = values[c.type.enum or ""]
                checks.append(Check(normalize(enum_check_sql(c.name, vals)), name=enum_check_name(t.name, c.name)))
                c = replace(c, type=DataType("varchar", length=max(len(v) for v in vals)))
            cols.append(c)
        return replace(t, columns=tuple(cols), checks=tuple(checks))

    return replace(_map_tables(s, table), enums=())


@dataclass(frozen=True)
class Limit:
    """One thing an engine does not keep: what it means, and how a model changes because of it."""

    id: str
    says: str
    apply: Transform


#: Every difference between a model and what an engine gives back, in the order they apply.
LIMITS: dict[str, Limit] = {lim.id: lim for lim in (
    Limit("design_metadata", "subject-area groups, timestamps/soft-delete/audited flags, sensitive flags, "
          "sample-data hints and the schema's own name and comment are design notes no catalog stores",
          _design_metadata),
    Limit("expression_text", "checks, partial-index predicates, generated columns and expression defaults "
          "come back in the engine's spelling; both sides are compared in normalised text "
          "(dbmodel_kit.ddl.sqltext.normalize)", _expression_text),
    Limit("redundant_unique", "a unique constraint over exactly the primary-key columns is not created: it "
          "adds nothing, and PostgreSQL folds it into the key", _redundant_unique),
    Limit("index_method", "an index method the engine does not know (or its default, btree) is not stored",
          _default_index_method),
    Limit("char36_is_uuid", "no UUID type: uuid columns are CHAR(36), so every char(36) column reads back "
          "as uuid", _retype(["char"], lambda t: DataType("uuid") if t.length == 36 else t)),
    Limit("interval_as_text", "no INTERVAL type: interval columns are VARCHAR(64) (ISO 8601 durations)",
          _retype(["interval"], lambda t: DataType("varchar", 64))),
    Limit("varchar_needs_length", "VARCHAR needs a length: varchar without one is LONGTEXT (text)",
          _varchar_without_length),
    Limit("text_without_length", "VARCHAR ignores lengths and CHAR/TEXT are VARCHAR: every text kind is "
          "varchar without a length", _retype(["char", "varchar", "text"], lambda t: DataType("varchar"))),
    Limit("no_uuid_function", "no function generates UUIDs: uuid() defaults are left to the application",
          _no_uuid_default),
    Limit("identity_lone_key", "identity works only on a lone primary-key column (SQLite: as INTEGER PRIMARY "
          "KEY AUTOINCREMENT, so its type is integer)", _identity_lone_key),
    Limit("no_comments", "no table or column comments", _no_comments),
    Limit("comment_bmp_only", "comments are stored as utf8mb3: characters beyond U+FFFF (emoji) become '?'",
          _comment_bmp_only),
    Limit("real_default_digits", "a FLOAT column's default keeps 6 significant digits", _real_default_digits),
    Limit("no_partial_index", "no partial indexes: the index covers all rows and, if unique, is made "
          "non-unique (a full unique index would reject rows the model allows)", _no_partial_index),
    Limit("no_include", "no covering INCLUDE columns on indexes", _no_include),
    Limit("key_types", "some column types cannot be keys: an index or unique constraint over them is left "
          "out (DuckDB: INTERVAL; MySQL: a unique key over TEXT/BLOB/JSON, which it could only make unique "
          "on a prefix; a plain index there covers a prefix and is kept)", _key_types),
    Limit("decimal_defaults", "DECIMAL(p) reads back as DECIMAL(p,0), and DECIMAL without a precision as the "
          "engine's default (MySQL 10,0; DuckDB 18,3)", _decimal_defaults),
    Limit("unique_index_is_constraint", "a unique index and a unique constraint are the same object and "
          "read back as a unique constraint", _unique_index_is_constraint),
    Limit("restrict_is_no_action", "ON DELETE/UPDATE RESTRICT is the default (same as NO ACTION) and "
          "is not kept", _restrict_is_no_action),
    Limit("no_fk_actions", "foreign keys take no ON DELETE / ON UPDATE actions", _no_fk_actions),
    Limit("no_fk_cycles", "no ALTER TABLE ADD FOREIGN KEY, so the foreign key closing each cycle is left out",
          _no_fk_cycles),
    Limit("constraint_names", "foreign-key, unique and check constraint names are not kept; they come back "
          "named by the kit's convention (model.naming)", _constraint_names),
    Limit("enum_inline", "enum types have no name (inline ENUM(...) per column): each comes back named "
          "<table>_<column> after its first column, shared by columns with the same values; unused enums "
          "are gone", lambda s, d: _unused_enums(_inline_enums(s, d), d)),
    Limit("enum_by_values", "an enum column keeps its values, not which type it was: of enum types with "
          "the same values, columns come back on the first by name", _enum_by_values),
    Limit("enum_as_check", "no enum types: an enum column is VARCHAR(longest value) with a CHECK "
          "(column IN (...)) named ck_<table>_<column>_enum", _enum_as_check),
    Limit("catalog_order", "tables, enums and each table's constraints come back sorted by name",
          lambda s, d: canonical_order(s)),
)}

#: What each engine cannot store, by limit id (see :data:`LIMITS`). Checked on PostgreSQL 15,
#: MariaDB 10.11, SQLite 3.40 and DuckDB 2.0.1 by tests/test_engines_roundtrip.py.
#: Limits every engine has: the catalog keeps no design notes, order or spelling.
_ALL = ("design_metadata", "redundant_unique", "expression_text", "index_method", "catalog_order")

ENGINE_LIMITS: dict[str, frozenset[str]] = {
    "postgresql": frozenset({*_ALL, "decimal_defaults"}),
    "mysql": frozenset({*_ALL, "char36_is_uuid", "interval_as_text", "varchar_needs_length", "identity_lone_key",
                        "no_partial_index", "no_include", "key_types", "decimal_defaults",
                        "unique_index_is_constraint", "restrict_is_no_action", "enum_inline", "comment_bmp_only",
                        "real_default_digits"}),
    "sqlite": frozenset({*_ALL, "char36_is_uuid", "interval_as_text", "no_uuid_function", "identity_lone_key",
                         "no_comments", "no_include", "enum_as_check"}),
    "duckdb": frozenset({*_ALL, "text_without_length", "no_partial_index", "no_include", "key_types",
                         "decimal_defaults", "no_fk_actions", "no_fk_cycles", "constraint_names", "enum_by_values"}),
}


def storable(schema: Schema, dialect: Dialect | str) -> Schema:
    """``schema`` as ``dialect`` holds it: what ``reflect`` gives back after ``apply``."""
    d = get_dialect(dialect)
    limits = ENGINE_LIMITS[d.name]
    for lim in LIMITS.values():
        if lim.id in limits:
            schema = lim.apply(schema, d)
    return schema
