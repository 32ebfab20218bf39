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

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..dialects import Dialect, get_dialect
from ..model.schema import Check, Column, Default, Enum, ForeignKey, Schema, Table, Unique, View, dependency_order
from ..model.types import INTEGER_KINDS, DataType, dialect_key
from .sqltext import booleans_as_numbers, normalize

__all__ = ["ENGINE_LIMITS", "LIMITS", "Limit", "canonical_order", "inline_domains", "inline_enum_name", "inline_enums",
           "fold_generated", "generated_constraints", "generated_not_null", "storable", "text_keys"]


# -- helpers shared with reflection ------------------------------------------------------------

def canonical_order(schema: Schema) -> Schema:
    """Tables, enums, sequences and views sorted by name, each table's FKs, indexes, uniques and checks by name,
    objects kept as SQL by kind and name: the order a catalog gives back (catalogs keep no creation order;
    MySQL lists triggers, then procedures and functions together)."""
    tables = tuple(replace(t, foreign_keys=tuple(sorted(t.foreign_keys, key=lambda x: x.name)),
                           indexes=tuple(sorted(t.indexes, key=lambda x: x.name)),
                           uniques=tuple(sorted(t.uniques, key=lambda x: x.name)),
                           checks=tuple(sorted(t.checks, key=lambda x: x.name)))
                   for t in sorted(schema.tables, key=lambda t: t.name))
    return replace(schema, tables=tables, enums=tuple(sorted(schema.enums, key=lambda e: e.name)),
                   sequences=tuple(sorted(schema.sequences, key=lambda q: (q.schema or "", q.name))),
                   views=tuple(sorted(schema.views, key=lambda v: (v.schema or "", v.name))),
                   verbatim=tuple(sorted(schema.verbatim, key=lambda x: (x.kind, x.key, x.dialect or ""))))


def inline_enum_name(table: str, column: str) -> str:
    """The name reflection gives an enum the engine stores without one (MySQL's inline ENUM)."""
    return f"{table}_{column}"


def inline_enums(uses: Iterable[tuple[str, str, tuple[str, ...]]]) -> tuple[dict[tuple[str, str], str], list[Enum]]:
    """Name unnamed enums: ``uses`` is (table key, column, values) in table-key then column order;
    columns with the same values share the enum named after the first of them (its table's bare
    name: the engine keeps such an enum inline, in no schema), numbered ``_2``... when a table of
    that name in another schema took the name first."""
    from ..model.naming import split_key

    renames: dict[tuple[str, str], str] = {}
    by_values: dict[tuple[str, ...], str] = {}
    enums: list[Enum] = []
    taken: set[str] = set()
    for table, column, values in uses:
        if values not in by_values:
            name = base = inline_enum_name(split_key(table)[1], column)
            n = 1
            while name in taken:
                n += 1
                name = f"{base}_{n}"
            taken.add(name)
            by_values[values] = name
            enums.append(Enum(name, values))
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


def missing_function(expression: str, d: Dialect) -> str | None:
    """What of ``expression`` the engine lacks, or None (SQLite has no regular expressions unless the
    application registers a REGEXP function, and refuses a CHECK that calls one at CREATE TABLE)."""
    if not d.missing_expressions:
        return None
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(expression)
    for node_type, what in d.missing_expressions.items():
        if tree.find(getattr(exp, node_type)):
            return what
    return None


def _missing_functions(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, checks=tuple(c for c in t.checks
                                                            if missing_function(c.expression, d) is None)))


def _expression_text(s: Schema, d: Dialect) -> Schema:
    def col(t: Table, c: Column) -> Column:
        if c.default is not None and c.default.kind == "expression":
            c = replace(c, default=Default("expression", normalize(str(c.default.value))))
        return replace(c, generated=normalize(c.generated)) if c.generated else c

    s = _map_columns(s, col)

    def table(t: Table) -> Table:
        # a domain column is its base kind there (PostgreSQL casts it as its base type in a check)
        kinds = tuple((c.name, s.base_type(c.type).kind if c.type.kind == "domain" else c.type.kind)
                      for c in t.columns)
        if t.partition_bound:  # timestamps with a zone in one zone (io/pg_objects.utc_bound)
            from ..io.pg_objects import utc_bound

            t = replace(t, partition_bound=utc_bound(t.partition_bound))
        return replace(t, checks=tuple(replace(k, expression=normalize(k.expression, None, kinds)) for k in t.checks),
                       indexes=tuple(replace(i, where=normalize(i.where, None, kinds)) if i.where else i
                                     for i in t.indexes))

    s = replace(s, domains=tuple(replace(dom, checks=tuple(replace(k, expression=normalize(k.expression))
                                                           for k in dom.checks)) for dom in s.domains))
    if d.name == "postgresql" and any(v.dialect == "postgresql" for v in s.views):
        # PostgreSQL stores a view's query with * expanded and columns qualified (io/pg_objects)
        from ..io.pg_objects import stored_view_query

        columns = {t.key: {c.name: str(c.type) for c in t.columns} for t in s.tables}
        columns.update((v.key, dict.fromkeys(v.columns, "text")) for v in s.views if v.columns)
        s = replace(s, views=tuple(replace(v, query=stored_view_query(v.query, columns))
                                   if v.dialect == "postgresql" else v for v in s.views))
    return _map_tables(s, table)


def _boolean_literals(s: Schema, d: Dialect) -> Schema:
    s = _map_columns(s, lambda t, c: replace(c, generated=booleans_as_numbers(c.generated)) if c.generated else c)
    return _map_tables(s, lambda t: replace(
        t, checks=tuple(replace(k, expression=booleans_as_numbers(k.expression)) for k in t.checks)))


def _default_index_method(s: Schema, d: Dialect) -> Schema:
    def method(m: str | None) -> str | None:
        m = d.index_method_names.get(m, m) if m is not None else None
        return None if m == "btree" or m not in d.index_methods else m

    return _map_tables(s, lambda t: replace(t, indexes=tuple(replace(i, method=method(i.method))
                                                              for i in t.indexes)))


def _retype(kinds: Iterable[str], new: Callable[[DataType], DataType]) -> Transform:
    kinds = frozenset(kinds)

    def retyped(t: DataType) -> DataType:
        if t.kind == "array" and t.element is not None and t.element.kind in kinds:  # (DuckDB: text[] is VARCHAR[])
            return replace(t, element=new(t.element))
        return new(t) if t.kind in kinds else t

    return lambda s, d: _map_columns(s, lambda t, c: replace(c, type=retyped(c.type)))


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


def _generated_kept(s: Schema, d: Dialect) -> Schema:
    stored, _ = generated_constraints(s, d)

    def table(t: Table) -> Table:  # what reflection's fold gives back from the stored CHECKs
        gen = _generated_of(t)
        if not gen:
            return t
        checks, not_null = [], set()
        for k in t.checks:
            folded = k.expression if d.generated_constraints else fold_generated(k.expression, gen)
            col = generated_not_null(folded, gen)
            if col is not None:
                not_null.add(col)
            else:
                checks.append(replace(k, expression=folded))
        return replace(t, checks=tuple(checks), columns=tuple(
            replace(c, nullable=False) if c.name in not_null else c for c in t.columns))

    return _map_tables(stored, table)


def _no_partial_index(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, indexes=tuple(
        replace(i, where=None, unique=False) if i.where else i for i in t.indexes)))


def _redundant_unique(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, uniques=tuple(u for u in t.uniques if u.columns != t.primary_key)))


def _key_types(s: Schema, d: Dialect) -> Schema:
    from . import foreign_key_left_out, key_support

    def fks(t: Table) -> Table:
        return replace(t, foreign_keys=tuple(f for f in t.foreign_keys if foreign_key_left_out(s, t, f, d) is None))

    def table(t: Table) -> Table:
        return replace(t, primary_key=t.primary_key if key_support(t, t.primary_key, d) == "full" else (),
                       uniques=tuple(u for u in t.uniques if key_support(t, u.columns, d) == "full"),
                       indexes=tuple(i for i in t.indexes if key_support(t, i.columns, d) == "full"
                                     or (key_support(t, i.columns, d) == "prefix" and not i.unique)))

    s = _map_tables(s, fks)  # judged on the model as it is, before the keys go
    return _map_tables(s, table)


def text_keys(s: Schema, d: Dialect) -> tuple[Schema, list[tuple[str, str]]]:
    """``s`` with each text column without a length (TEXT, VARCHAR) that is in a primary key or a
    foreign key stored as ``VARCHAR(d.key_text_length)``, and a note per column; unchanged where
    the engine keys such columns whole."""
    n = d.key_text_length
    if n is None:
        return s, []
    notes: list[tuple[str, str]] = []

    def table(t: Table) -> Table:
        keyed = set(t.primary_key) | {c for f in t.foreign_keys for c in f.columns}
        noted = len(notes)
        cols = []
        for c in t.columns:
            if c.name in keyed and c.type.kind in ("text", "varchar", "citext") and d.key_kind(c.type) == "prefix" \
                    and c.type.native_for(d.name) is None:
                notes.append((t.name, f"{t.name}.{c.name}: {c.type} stored as varchar({n}) ({d.name} keys text "
                                      f"without a length only by a prefix, and a foreign key joins like types)"))
                c = replace(c, type=replace(c.type, kind="varchar", length=n))
            cols.append(c)
        return replace(t, columns=tuple(cols)) if len(notes) > noted else t

    # an unchanged table is the same object, and a schema with none changed is ``s`` itself: the
    # migration writer asks this of every step's schemas (a new copy of each table each time made a
    # plan of n tables from empty quadratic, and the schema checked anew each time)
    tables = tuple(table(t) for t in s.tables)
    if not notes:
        return s, notes
    return replace(s, tables=tables), notes


def _generated_of(t: Table) -> dict[str, str]:
    return {c.name: c.generated for c in t.columns if c.generated}


def generated_constraints(s: Schema, d: Dialect) -> tuple[Schema, list[tuple[str, str]]]:
    """``s`` as an engine that limits constraints on generated columns creates it, and a note per
    change; unchanged on the other engines. :func:`fold_generated` and :func:`generated_not_null`
    read the CHECKs written here back as the model had them.

    - No NOT NULL on a generated column (MariaDB: a syntax error; DuckDB): it holds through a CHECK
      that the column is not null.
    - No constraints on generated columns at all (DuckDB: "Constraints on generated columns are not
      supported yet"): a CHECK naming one, and the NOT NULL's CHECK, are written over the column's
      expression (the same rows pass: the column is that expression); a primary key, unique
      constraint or foreign key over a generated column is left out, as is a foreign key onto a
      key over one.
    """
    if (d.generated_not_null and d.generated_constraints) \
            or not any(c.generated for t in s.tables for c in t.columns):
        return s, []
    from sqlglot import exp

    from ..model.schema import read_expression

    notes: list[tuple[str, str]] = []
    why = f"{d.name} has no constraints on generated columns"

    def inline(expression: str, gen: dict[str, str]) -> str:
        if d.generated_constraints:
            return expression

        def sub(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Column) and not node.table and node.name in gen:
                return exp.Paren(this=read_expression(gen[node.name]))
            return node
        return read_expression(expression).transform(sub).sql()

    over_generated = {(t.key, frozenset(cols)) for t in s.tables
                      for cols in ([t.primary_key] if t.primary_key else []) + [u.columns for u in t.uniques]
                      + [i.columns for i in t.indexes if i.unique and not i.where]
                      if any(t.column(c).generated for c in cols if t.has_column(c))}

    def table(t: Table) -> Table:
        gen = _generated_of(t)
        noted = len(notes)  # (each change notes itself: a table without one stays the same object)
        checks = []
        for k in t.checks:
            if not d.generated_constraints and any(c in gen for c in k.columns):
                notes.append((t.name, f"check {k.name or k.expression} of {t.name}: generated columns written as "
                                      f"their expressions ({why})"))
                k = Check(inline(k.expression, gen), name=k.name)
            checks.append(k)
        cols = []
        for c in t.columns:
            if c.generated and not c.nullable:
                test = inline(exp.Not(this=exp.Is(this=exp.column(c.name, quoted=True), expression=exp.Null())).sql(),
                              gen)
                notes.append((t.name, f"{t.name}.{c.name}: NOT NULL kept as CHECK ({Check(test).expression}) "
                                      "(MariaDB and DuckDB take no NOT NULL on a generated column)"))
                checks.append(Check(test))
                c = replace(c, nullable=True)
            cols.append(c)
        if d.generated_constraints:
            return replace(t, columns=tuple(cols), checks=tuple(checks)) if len(notes) > noted else t
        pk = t.primary_key
        if pk and any(c in gen for c in pk):
            notes.append((t.name, f"primary key ({', '.join(pk)}) of {t.name} left out ({why})"))
            pk = ()
        uniques = []
        for u in t.uniques:
            if any(c in gen for c in u.columns):
                notes.append((t.name, f"unique constraint {u.name or ', '.join(u.columns)} of {t.name} left out "
                                      f"({why}; a unique index would hold it)"))
                continue
            uniques.append(u)
        fks = []
        for f in t.foreign_keys:
            ref = s.table(f.ref_table).key if s.has_table(f.ref_table) else f.ref_table
            mine = [c for c in f.columns if c in gen]
            if mine or (ref, frozenset(f.ref_columns)) in over_generated:
                notes.append((t.name, f"foreign key {f.name or ', '.join(f.columns)} of {t.name} left out ({why}: "
                              + (f"{', '.join(mine)} generated)" if mine else
                                 f"the key it references, {f.ref_table}({', '.join(f.ref_columns)}), is over one)")))
                continue
            fks.append(f)
        if len(notes) == noted:
            return t
        return replace(t, columns=tuple(cols), checks=tuple(checks), primary_key=pk, uniques=tuple(uniques),
                       foreign_keys=tuple(fks))

    # as text_keys: unchanged tables stay the same objects, and a schema with none changed is ``s``
    tables = tuple(table(t) for t in s.tables)
    return (replace(s, tables=tables) if notes else s), notes


def fold_generated(expression: str, generated: dict[str, str]) -> str:
    """``expression`` with each part that is a generated column's expression (``generated``: column
    -> expression) written as the column: how a CHECK that :func:`generated_constraints` wrote over
    the expression reads back as the model's. Equal trees, compared after parsing."""
    if not generated:
        return expression
    from sqlglot import exp

    from ..model.schema import read_expression

    trees = {name: read_expression(normalize(sql)) for name, sql in generated.items()}

    def sub(node: exp.Expression) -> exp.Expression:
        bare = node.unnest() if isinstance(node, exp.Paren) else node
        for name, tree in trees.items():
            if bare == tree:
                return exp.column(name, quoted=True)  # (normalize unquotes it where it can: not select)
        return node

    return normalize(read_expression(expression).transform(sub).sql())


def generated_not_null(expression: str, generated: dict[str, str]) -> str | None:
    """The generated column ``expression`` (folded) says is NOT NULL (``col IS NOT NULL``), or None."""
    if not generated:
        return None
    from sqlglot import exp

    from ..model.schema import read_expression

    tree = read_expression(expression)
    if isinstance(tree, exp.Not) and isinstance(tree.this, exp.Is) and isinstance(tree.this.expression, exp.Null) \
            and isinstance(tree.this.this, exp.Column) and not tree.this.this.table \
            and tree.this.this.name in generated:
        return tree.this.this.name
    return None


#: the largest value a signed BIGINT holds: where an unsigned identity stored as bigint stops
BIGINT_MAX = 2 ** 63 - 1


def identity_integers(s: Schema, d: Dialect) -> tuple[Schema, list[tuple[str, str]]]:
    """``s`` with each unsigned identity column whose next wider signed type is no integer
    (``BIGINT UNSIGNED AUTO_INCREMENT``, the most common key of MySQL dumps: ``decimal(20,0)`` on
    PostgreSQL, which cannot be an identity column) stored as the signed kind, and the columns
    whose foreign keys reference it too (PostgreSQL joins a key only to a like type); a note per
    column says the upper half of the range is gone: the identity's sequence stops at
    9,223,372,036,854,775,807 (pgloader's cast of such keys, to bigserial; SQLite's rowid, which
    its INTEGER PRIMARY KEY is, is a signed 64-bit integer too). Engines with unsigned types are
    unchanged.
    """
    from . import _identity_ok

    def narrowed_kind(t: Table, c: Column) -> bool:  # bigint unsigned: hugeint has no signed integer above it
        return (c.type.kind == "bigint" and c.type.unsigned and "bigint" not in d.unsigned_types
                and c.type.native_for(d.name) is None)

    keys = {(t.key, c.name) for t in s.tables for c in t.columns
            if c.default is not None and c.default.kind == "identity" and narrowed_kind(t, c)
            and _identity_ok(t, c, d)}
    if not keys:
        return s, []
    why = dict.fromkeys(keys, "")
    grew = True
    while grew:  # a foreign key onto a narrowed column follows it (and one onto that one, ...)
        grew = False
        for t in s.tables:
            for fk in t.foreign_keys:
                ref = s.table(fk.ref_table).key if s.has_table(fk.ref_table) else fk.ref_table
                for col, target in zip(fk.columns, fk.ref_columns, strict=False):
                    if (ref, target) in why and (t.key, col) not in why and t.has_column(col) \
                            and narrowed_kind(t, t.column(col)):
                        why[(t.key, col)] = f"; it references {ref}.{target}"
                        grew = True
    notes: list[tuple[str, str]] = []

    def table(t: Table) -> Table:
        cols = []
        for c in t.columns:
            if (t.key, c.name) in why:
                signed = replace(c.type, unsigned=False)
                notes.append((t.name, f"{t.name}.{c.name}: {c.type} stored as {signed} ({d.name} has no unsigned "
                                      f"types and an identity column must be an integer: values above "
                                      f"{BIGINT_MAX:,} do not fit{why[(t.key, c.name)]})"))
                c = replace(c, type=signed)
            cols.append(c)
        return replace(t, columns=tuple(cols))

    return _map_tables(s, table), notes


def _unsigned_as_wider(s: Schema, d: Dialect) -> Schema:
    """Unsigned integers in the next wider signed type (``ddl.stored_type``), but the identity keys
    :func:`identity_integers` keeps at their own width."""
    from ..dialects import WIDER_SIGNED
    from . import _identity_ok

    s = identity_integers(s, d)[0]

    def col(t: Table, c: Column) -> Column:
        if not c.type.unsigned or c.type.kind in d.unsigned_types or c.type.native_for(d.name) is not None:
            return c
        wider = WIDER_SIGNED.get(c.type.kind)
        if wider is None:
            return replace(c, type=replace(c.type, unsigned=False))
        if c.default is not None and c.default.kind == "identity" and wider.kind not in INTEGER_KINDS:
            # SQLite's identity makes its own INTEGER type (identity_lone_key); a column that cannot
            # be one is the wider type without a default
            return c if _identity_ok(t, c, d) else replace(c, type=wider, default=None)
        return replace(c, type=wider)

    return _map_columns(s, col)


def _decimal_defaults(s: Schema, d: Dialect) -> Schema:
    def new(t: DataType) -> DataType:
        if t.precision is None:
            return DataType("decimal", precision=d.decimal_default[0], scale=d.decimal_default[1]) \
                if d.decimal_default else t
        if t.scale is None and d.decimal_scale_default is not None:
            return DataType("decimal", precision=t.precision, scale=d.decimal_scale_default)
        return t

    return _retype(["decimal"], new)(s, d)


def _fraction_written(s: Schema, d: Dialect) -> Schema:
    """Times and timestamps without digits are written with the kit's default of 6 (MySQL's DATETIME(6)),
    and the catalog says 6."""
    s = _retype(["time", "timestamp", "timestamptz"],
                lambda t: replace(t, precision=6) if t.precision is None and not t.native else t)(s, d)

    def col(t: Table, c: Column) -> Column:  # the catalog shows a literal default with every digit
        if c.type.kind not in ("time", "timestamp", "timestamptz") or not c.type.precision or c.default is None \
                or c.default.kind != "literal" or not isinstance(c.default.value, str):
            return c
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}[ T])?\d{2}:\d{2}:\d{2}(\.\d*)?", c.default.value.strip())
        if m is None:
            return c
        whole = c.default.value.strip().split(".")[0]
        digits = (m.group(2) or ".")[1:].ljust(c.type.precision, "0")[: c.type.precision]
        return replace(c, default=Default("literal", f"{whole}.{digits}"))
    return _map_columns(s, col)


def _fraction_not_kept(s: Schema, d: Dialect) -> Schema:
    """Times and timestamps lose their fractional-digit count (SQLite's DATETIME and DuckDB's
    TIMESTAMP take none): a type the engine is given by its own native spelling keeps it."""
    return _retype(["time", "timestamp", "timestamptz"],
                   lambda t: replace(t, precision=None) if t.native_for(d.name) is None else t)(s, d)


def _other_native(s: Schema, d: Dialect) -> Schema:
    """A type's native spellings for other engines are not stored (the engine gets the logical
    kind's mapping, or its own spelling); a ``native`` kind keeps them (it has no logical kind)."""
    def new(t: DataType) -> DataType:
        own = dialect_key(d.name)
        if t.collation and any(k != own for k, _ in t.collation):
            # collation names are per engine: the DDL gives the engine its own only
            t = replace(t, collation=tuple((k, v) for k, v in t.collation if k == own))
        if t.kind == "native" or not t.native:
            return t
        return replace(t, native=tuple((k, v) for k, v in t.native if k == own))

    return _map_columns(s, lambda tb, c: replace(c, type=new(c.type)))


def _approximated(s: Schema, d: Dialect) -> Schema:
    """A kind the engine has no type for is stored as a near one (``Dialect.approximations``, said in
    the DDL) and reads back as that type: the logical type of what ``ddl.stored_type`` makes of it."""
    if not d.approximations:
        return s
    from ..io.reflect import read_type
    from . import stored_type

    def col(t: Table, c: Column) -> Column:
        if c.type.kind not in d.approximations or c.type.kind in ("geometry", "citext") \
                or c.type.native_for(d.name) is not None:
            return c
        near = read_type(stored_type(c.type, d, s)[0], d)
        if c.type.unsigned and near.kind in d.unsigned_types:  # (MySQL: DECIMAL(39,0) UNSIGNED)
            near = replace(near, unsigned=True)
        return replace(c, type=near)

    return _map_columns(s, col)


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


def _update_cascade_needs_nullable(s: Schema, d: Dialect) -> Schema:
    from . import update_cascade_refused

    return _map_tables(s, lambda t: replace(t, foreign_keys=tuple(
        replace(f, on_update=None) if update_cascade_refused(s, t, f, d) else f for f in t.foreign_keys)))


def _no_fk_actions(s: Schema, d: Dialect) -> Schema:
    return _map_tables(s, lambda t: replace(t, foreign_keys=tuple(
        replace(f, on_delete=None, on_update=None) for f in t.foreign_keys)))


def _no_deferrable(s: Schema, d: Dialect) -> Schema:
    def table(t: Table) -> Table:
        if not d.deferrable_fks and any(f.deferrable for f in t.foreign_keys):
            t = replace(t, foreign_keys=tuple(replace(f, deferrable=None) for f in t.foreign_keys))
        if not d.deferrable_uniques and any(u.deferrable for u in t.uniques):
            t = replace(t, uniques=tuple(replace(u, deferrable=None) for u in t.uniques))
        if not d.deferrable_uniques and t.primary_key_deferrable:
            t = replace(t, primary_key_deferrable=None)
        return t

    return _map_tables(s, table)


def _plain_identity(s: Schema, d: Dialect) -> Schema:
    return _map_columns(s, lambda t, c: replace(c, default=Default("identity"))
                        if c.default is not None and c.default.kind == "identity" and c.default.value else c)


def _no_fk_cycles(s: Schema, d: Dialect) -> Schema:
    _, deferred = dependency_order(s)
    drop = {(t.key, f.name) for t, f in deferred}
    return _map_tables(s, lambda t: replace(t, foreign_keys=tuple(
        f for f in t.foreign_keys if (t.key, f.name) not in drop)))


def _constraint_names(s: Schema, d: Dialect) -> Schema:
    # names are regenerated from the naming convention (model.naming) on both sides; check names
    # are numbered in expression order, so checks are sorted by expression first
    return _map_tables(s, lambda t: replace(
        t, foreign_keys=tuple(replace(f, name="") for f in t.foreign_keys),
        uniques=tuple(replace(u, name="") for u in t.uniques),
        checks=tuple(Check(k.expression) for k in sorted(t.checks, key=lambda k: k.expression))))


def _inline_enums(s: Schema, d: Dialect) -> Schema:
    values = {e.key: e.values for e in s.enums}
    uses = [(t.key, c.name, values[c.type.enum or ""])
            for t in sorted(s.tables, key=lambda t: t.key) for c in t.columns if c.type.kind in ("enum", "set")]
    renames, enums = inline_enums(uses)
    tables = tuple(replace(t, columns=tuple(
        replace(c, type=replace(c.type, enum=renames[(t.key, c.name)])) if (t.key, c.name) in renames else c
        for c in t.columns)) for t in s.tables)
    return replace(s, tables=tables, enums=tuple(s.enums) + tuple(e for e in enums if not s.has_enum(e.name)))


def _unused_enums(s: Schema, d: Dialect) -> Schema:
    used = {c.type.enum for t in s.tables for c in t.columns if c.type.kind in ("enum", "set")}
    return replace(s, enums=tuple(e for e in s.enums if e.key in used))


def _enum_by_values(s: Schema, d: Dialect) -> Schema:
    values = {e.key: e.values for e in s.enums}
    firsts: dict[str | None, dict[tuple[str, ...], str]] = {}

    def first(t: Table) -> dict[tuple[str, ...], str]:
        # as reflection reads it: the first enum (by name) with the labels in the table's own
        # schema, else in the default one (on the search path), else in any other
        if t.schema not in firsts:
            rank = {t.schema: 0, None: 1}
            found: dict[tuple[str, ...], str] = {}
            for e in sorted(s.enums, key=lambda e: (rank.get(e.schema, 2), e.schema or "", e.name)):
                found.setdefault(e.values, e.key)
            firsts[t.schema] = found
        return firsts[t.schema]

    def col(t: Table, c: Column) -> Column:
        if c.type.kind == "enum":
            return replace(c, type=DataType("enum", enum=first(t)[values[c.type.enum or ""]]))
        if c.type.kind == "array" and c.type.element is not None and c.type.element.kind == "enum":
            element = DataType("enum", enum=first(t)[values[c.type.element.enum or ""]])
            return replace(c, type=replace(c.type, element=element))
        return c

    return _map_columns(s, col)


def _set_stored(s: Schema, d: Dialect) -> Schema:
    """A SET column as the engine stores it (``Dialect.set_style``): an array of its enum
    (PostgreSQL, DuckDB), comma-separated text (SQLite)."""
    def col(t: Table, c: Column) -> Column:
        if c.type.kind != "set":
            return c
        if d.set_style == "enum_array":
            return replace(c, type=DataType("array", element=DataType("enum", enum=c.type.enum)))
        return replace(c, type=DataType("text"))

    return _map_columns(s, col)


def _geometry_stored(s: Schema, d: Dialect) -> Schema:
    """Geometry as the engine stores it (``Dialect.approximations``, said in the DDL): WKB bytes on
    SQLite and DuckDB; PostgreSQL's own point/polygon/path types (no SRID) for those shapes and
    bytea for the others."""
    from ..dialects import _PG_SHAPES

    def col(t: Table, c: Column) -> Column:
        if c.type.kind != "geometry" or c.type.native_for(d.name) is not None:
            return c
        if d.name == "postgresql" and c.type.shape in _PG_SHAPES:
            return replace(c, type=DataType("geometry", shape=c.type.shape))
        return replace(c, type=DataType("bytes"))

    return _map_columns(s, col)


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


def _no_domains(s: Schema, d: Dialect) -> Schema:
    """Engines without domains: each column of a domain has the domain's base type, NOT NULL,
    default and CHECKs (named ``ck_<table>_<column>_<check>``), as ``ddl`` writes it."""
    if not s.domains:
        return s
    from . import _domain_checks, _domain_of

    def table(t: Table) -> Table:
        cols = []
        for c in t.columns:
            dom = _domain_of(c, d, s)
            if dom is not None:
                c = replace(c, type=dom.base, nullable=c.nullable and dom.nullable,
                            default=c.default if c.default is not None else dom.default)
            cols.append(c)
        added = tuple(Check(normalize(sql, d.sqlglot), name=name) for name, sql in _domain_checks(t, d, s))
        return replace(t, columns=tuple(cols), checks=(*t.checks, *added))

    return replace(_map_tables(s, table), domains=())


def _sequence_identity(s: Schema, d: Dialect) -> Schema:
    from ..io.sql_types import identity_sequences

    return identity_sequences(s, d.sqlglot)


def _no_partitions(s: Schema, d: Dialect) -> Schema:
    from .objects import without_partitions

    return without_partitions(s, d)[0]


def inline_domains(s: Schema) -> Schema:
    """``s`` with each domain column carrying its domain's rules itself: the base type, NOT NULL,
    default and CHECKs (``value`` replaced by the column), as an engine without domains holds it.
    What reads a column's kind and its table's checks (sample data) sees a domain's rules so.

    >>> from dbmodel_kit.model.schema import Domain
    >>> from dbmodel_kit.model.spec import build_table
    >>> s = Schema((build_table("film", {"id": "integer pk", "year": "domain(year)"}),),
    ...            domains=(Domain("year", "integer", checks=("VALUE >= 1901",)),))
    >>> t = inline_domains(s).table("film")
    >>> str(t.column("year").type), [c.expression for c in t.checks]
    ('integer', ['year >= 1901'])
    """
    return _no_domains(s, get_dialect("duckdb"))


def _no_sequences(s: Schema, d: Dialect) -> Schema:
    """Engines without sequences: none is made; a column drawing from one is an identity column
    where it can be one (an integer lone key) and has no default otherwise, as ``ddl`` writes it."""
    from . import _identity_ok

    def column(t: Table, c: Column) -> Column:
        if c.default is None or c.default.kind != "sequence":
            return c
        ok = c.type.kind in ("smallint", "integer", "bigint") and _identity_ok(t, c, d)
        return replace(c, default=Default("identity") if ok else None)

    return replace(_map_columns(s, column), sequences=())


def _engine_objects(s: Schema, d: Dialect) -> Schema:
    """Views and verbatim objects as ``ddl`` creates them on the engine: another dialect's object,
    a view that does not transpile and whatever depends on one of these are not created there
    (``ddl.objects.object_order`` notes each); extensions and types of the engine's own are kept. A view
    written for another dialect (or portable) is its query transpiled, in the engine's dialect, as
    the catalog gives it back; a materialized view is a plain one where the engine has none."""
    if not s.views and not s.verbatim:
        return s
    from .objects import before_tables, object_order, view_sql

    made, _ = object_order(s, d)
    keep = {id(x) for x in made} | {id(x) for x in before_tables(s) if x.dialect == d.name}

    def view(v: View) -> View:
        if v.dialect != d.name:
            # columns the query names (no column list in the DDL) are named as the transpiled query names
            # them: PostgreSQL folds an unquoted ``AS ID`` to id (Sakila's customer_list)
            derived = View(v.name, v.query, v.dialect, schema=v.schema).columns
            v = replace(v, query=view_sql(v, d)[0] or v.query, dialect=d.name, depends_on=v.depends_on,
                        columns=() if v.columns == derived else v.columns)
            if v.columns == derived:
                v = replace(v, columns=_folded_columns(v, d))
        return replace(v, materialized=v.materialized and d.materialized_views)

    return replace(s, views=tuple(view(v) for v in s.views if id(v) in keep),
                   verbatim=tuple(x for x in s.verbatim if id(x) in keep))


def _folded_columns(v: View, d: Dialect) -> tuple[str, ...]:
    """The names of the columns ``v``'s query names as ``d`` stores them: PostgreSQL folds an unquoted
    name to lower case (``AS ID`` is column id)."""
    from sqlglot import exp

    tree = v.tree
    if d.name != "postgresql" or not isinstance(tree, exp.Select) or tree.is_star:
        return v.columns
    names = []
    for e in tree.selects:
        ident = e.args.get("alias") if isinstance(e, exp.Alias) else e.this if isinstance(e, exp.Column) else None
        if not isinstance(ident, exp.Identifier):
            return v.columns
        names.append(ident.name if ident.quoted else ident.name.lower())
    return tuple(names) if len(names) == len(v.columns) else v.columns


def _no_on_update(s: Schema, d: Dialect) -> Schema:
    if not any(c.on_update for t in s.tables for c in t.columns):
        return s
    return _map_columns(s, lambda t, c: replace(c, on_update=None) if c.on_update else c)


def _engine_names(s: Schema, d: Dialect) -> Schema:
    from .names import physical

    return physical(s, d)[0]


@dataclass(frozen=True)
class Limit:
    """One thing an engine does not keep: what it means, and how a model changes because of it."""

    id: str
    says: str
    apply: Transform


#: Every difference between a model and what an engine gives back, in the order they apply.
LIMITS: dict[str, Limit] = {lim.id: lim for lim in (
    Limit("no_partitions", "no declarative partitioning: a partitioned table is a plain table holding every "
          "row, its partitions (and foreign keys to them) are left out", _no_partitions),
    Limit("engine_names", "an index or constraint name several tables share where the engine keeps such names "
          "per schema (PostgreSQL, SQLite and DuckDB: index names; MySQL: foreign-key names) is "
          "<table>_<name> on each of them; PostgreSQL cuts names past 63 bytes (ddl.names.physical)",
          _engine_names),
    Limit("engine_objects", "views and objects kept as SQL exist only where they are created: another "
          "dialect's object (a SQLite trigger on PostgreSQL), a view that does not transpile and whatever "
          "depends on one of these are left out, and a materialized view is a plain one where the engine has "
          "none, as the DDL notes", _engine_objects),
    Limit("no_on_update", "no ON UPDATE column attribute (MySQL's): a column's ON UPDATE now() is not kept, as "
          "the DDL notes (a trigger or the application sets the value)", _no_on_update),
    Limit("no_domains", "no domains: each column of a domain has its base type, NOT NULL, default and CHECKs "
          "(ck_<table>_<column>_<check>)", _no_domains),
    Limit("sequence_identity", "an identity column is a sequence <table>_<column>_seq and a nextval default: "
          "such a sequence, drawn by that column alone with every number but its start at its default, "
          "reads back as the column's identity (io.sql_types.identity_sequences)", _sequence_identity),
    Limit("no_sequences", "no sequences: a column drawing from one is an identity column where it can be one, "
          "without a default otherwise", _no_sequences),
    Limit("design_metadata", "subject-area groups, timestamps/soft-delete/audited flags, sensitive flags, "
          "sample-data hints and the schema's own name and comment are design notes no catalog stores",
          _design_metadata),
    Limit("missing_functions", "no regular expressions: a CHECK calling REGEXP_LIKE is not created (the DDL "
          "notes it): SQLite refuses it at CREATE TABLE unless the application registers a REGEXP function "
          "(\"no such function: REGEXP\")", _missing_functions),
    Limit("other_native", "a type's native spelling (or collation) for another engine is not stored: the engine "
          "holds the logical type (or its own spelling)", _other_native),
    Limit("expression_text", "checks, partial-index predicates, generated columns and expression defaults "
          "come back in the engine's spelling; both sides are compared in normalised text "
          "(dbmodel_kit.ddl.sqltext.normalize)", _expression_text),
    Limit("boolean_literals", "no boolean type: TRUE and FALSE in checks and generated columns are kept as "
          "1 and 0", _boolean_literals),
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
    Limit("unsigned_as_wider", "no unsigned types: an unsigned integer is the next wider signed type (bigint "
          "unsigned: decimal(20,0)), but an unsigned identity column that would be no integer, and the columns "
          "referencing it, keep their width signed (bigint: values above 9223372036854775807 do not fit)",
          _unsigned_as_wider),
    Limit("approximated", "a kind the engine has no type for is stored as a near one and reads back as it "
          "(Dialect.approximations, said in the DDL: hugeint as decimal(39,0), tinyint on PostgreSQL as smallint, "
          "year as smallint, network and text-search kinds as text)", _approximated),
    Limit("identity_lone_key", "identity works only on a lone primary-key column (SQLite: as INTEGER PRIMARY "
          "KEY AUTOINCREMENT, so its type is integer)", _identity_lone_key),
    Limit("no_comments", "no table or column comments", _no_comments),
    Limit("comment_bmp_only", "comments are stored as utf8mb3: characters beyond U+FFFF (emoji) become '?'",
          _comment_bmp_only),
    Limit("real_default_digits", "a FLOAT column's default keeps 6 significant digits", _real_default_digits),
    Limit("fraction_written", "a time or timestamp given no fractional digits is written with 6, which the "
          "catalog then shows, and a literal default comes back with as many digits ('2000-01-01 00:00:00.000000')",
          _fraction_written),
    Limit("fraction_not_kept", "a time or timestamp keeps no count of fractional digits (SQLite DATETIME, "
          "DuckDB TIMESTAMP): timestamp(0) reads back as timestamp", _fraction_not_kept),
    Limit("generated_constraints", "limited constraints on generated columns: NOT NULL on one holds through a CHECK "
          "(MariaDB, DuckDB) and reads back as NOT NULL (so does a CHECK written that way); DuckDB also writes "
          "CHECKs naming one over its expression, which read back as written (a CHECK written over a generated "
          "column's expression reads back over the column), and leaves out a primary key, unique constraint or "
          "foreign key over one, or onto a key over one", _generated_kept),
    Limit("no_partial_index", "no partial indexes: the index covers all rows and, if unique, is made "
          "non-unique (a full unique index would reject rows the model allows)", _no_partial_index),
    Limit("no_include", "no covering INCLUDE columns on indexes", _no_include),
    Limit("text_keys", "text columns without a length (TEXT, VARCHAR) in a primary key or a foreign key are "
          "VARCHAR(255): InnoDB keys TEXT only by a prefix", lambda s, d: text_keys(s, d)[0]),
    Limit("key_types", "some column types cannot be keys: an index or unique constraint over them is left "
          "out (DuckDB: INTERVAL; MySQL: a unique key over TEXT/BLOB/JSON, which it could only make unique "
          "on a prefix; a plain index there covers a prefix and is kept)", _key_types),
    Limit("decimal_defaults", "DECIMAL(p) reads back as DECIMAL(p,0), and DECIMAL without a precision as the "
          "engine's default (MySQL 10,0; DuckDB 18,3)", _decimal_defaults),
    Limit("unique_index_is_constraint", "a unique index and a unique constraint are the same object and "
          "read back as a unique constraint", _unique_index_is_constraint),
    Limit("update_cascade_needs_nullable", "ON UPDATE CASCADE is not created where a referenced column may be "
          "NULL and the column referencing it may not: MariaDB refuses such a key (\"Foreign key constraint is "
          "incorrectly formed\", MDEV-34392), so the key is made without the action", _update_cascade_needs_nullable),
    Limit("restrict_is_no_action", "ON DELETE/UPDATE RESTRICT is the default (same as NO ACTION) and "
          "is not kept", _restrict_is_no_action),
    Limit("no_fk_actions", "foreign keys take no ON DELETE / ON UPDATE actions", _no_fk_actions),
    Limit("plain_identity", "no GENERATED ALWAYS AS IDENTITY and no identity options (start, increment, ...): an "
          "identity column is the engine's own (AUTO_INCREMENT, INTEGER PRIMARY KEY, a sequence), assigned unless "
          "an INSERT gives a value; the DDL says so in a note", _plain_identity),
    Limit("no_deferrable", "constraints are checked at each statement: DEFERRABLE [INITIALLY DEFERRED] is not "
          "created on foreign keys (MySQL, DuckDB) or unique constraints and primary keys (all but PostgreSQL); the "
          "DDL says so "
          "in a note", _no_deferrable),
    Limit("no_fk_cycles", "no ALTER TABLE ADD FOREIGN KEY, so the foreign key closing each cycle is left out",
          _no_fk_cycles),
    Limit("constraint_names", "foreign-key, unique and check constraint names are not kept; they come back "
          "named by the kit's convention (model.naming)", _constraint_names),
    Limit("geometry_stored", "no spatial types: geometry is WKB bytes (SQLite, DuckDB without its spatial "
          "extension); PostgreSQL without PostGIS holds points, polygons and linestrings as its own point, polygon "
          "and path types (no SRID), other shapes as bytea", _geometry_stored),
    Limit("set_stored", "no SET type: a SET column is an array of its enum (PostgreSQL, DuckDB) or "
          "comma-separated text (SQLite)", _set_stored),
    Limit("enum_inline", "enum types have no name (inline ENUM(...) per column): each comes back named "
          "<table>_<column> after its first column, shared by columns with the same values; unused enums "
          "are gone", lambda s, d: _unused_enums(_inline_enums(s, d), d)),
    Limit("enum_by_values", "an enum column keeps its values, not which type it was: of enum types with "
          "the same values, columns come back on the first by name", _enum_by_values),
    Limit("enum_as_check", "no enum types: an enum column is VARCHAR(longest value) with a CHECK "
          "(column IN (...)) named ck_<table>_<column>_enum", _enum_as_check),
    Limit("catalog_order", "tables, enums and each table's constraints come back sorted by name",
          lambda s, d: canonical_order(s)),
    Limit("bytes_without_length", "binary columns keep no length (BLOB, bytea): bytes(n) reads back as bytes",
          _retype(["bytes"], lambda t: replace(t, length=None) if t.length is not None and not t.native else t)),
    Limit("views_by_name", "views come back sorted by name (information_schema.VIEWS keeps no creation order)",
          lambda s, d: replace(s, views=tuple(sorted(s.views, key=lambda v: (v.schema or "", v.name))))),
)}

#: What each engine cannot store, by limit id (see :data:`LIMITS`). Checked on PostgreSQL 15,
#: MariaDB 10.11, SQLite 3.40 and DuckDB 2.0.1 by tests/test_engines_roundtrip.py.
#: Limits every engine has: the catalog keeps no design notes, order or spelling.
_ALL = ("engine_names", "engine_objects", "design_metadata", "other_native", "approximated", "redundant_unique",
        "expression_text", "index_method", "catalog_order")
#: Engines whose catalog has no domains and no partitioning (all but PostgreSQL).
_NO_DOMAINS = ("no_domains", "no_partitions")

ENGINE_LIMITS: dict[str, frozenset[str]] = {
    "postgresql": frozenset({*_ALL, "no_on_update", "decimal_defaults", "unsigned_as_wider", "set_stored",
                             "geometry_stored", "bytes_without_length"}),
    "mysql": frozenset({*_ALL, *_NO_DOMAINS, "boolean_literals", "text_keys", "char36_is_uuid", "interval_as_text",
                        "varchar_needs_length", "identity_lone_key", "no_partial_index", "no_include", "key_types",
                        "decimal_defaults",
                        "unique_index_is_constraint", "update_cascade_needs_nullable", "restrict_is_no_action",
                        "no_deferrable", "plain_identity", "enum_inline", "comment_bmp_only",
                        "real_default_digits", "fraction_written", "views_by_name", "generated_constraints"}),
    "sqlite": frozenset({*_ALL, *_NO_DOMAINS, "no_on_update", "unsigned_as_wider", "no_sequences",
                         "missing_functions", "char36_is_uuid", "interval_as_text", "no_uuid_function",
                         "identity_lone_key", "no_comments", "no_include", "enum_as_check", "fraction_not_kept",
                         "set_stored", "geometry_stored", "bytes_without_length", "no_deferrable",
                         "plain_identity"}),
    "duckdb": frozenset({*_ALL, *_NO_DOMAINS, "sequence_identity", "no_on_update", "text_without_length",
                         "no_partial_index",
                         "no_include", "key_types", "decimal_defaults", "no_fk_actions", "no_deferrable",
                         "plain_identity", "no_fk_cycles",
                         "constraint_names", "enum_by_values", "fraction_not_kept", "set_stored", "geometry_stored",
                         "bytes_without_length", "generated_constraints"}),
}


def storable(schema: Schema, dialect: Dialect | str) -> Schema:
    """``schema`` as ``dialect`` holds it: what ``reflect`` gives back after ``apply``."""
    d = get_dialect(dialect)
    limits = ENGINE_LIMITS[d.name]
    for lim in LIMITS.values():
        if lim.id in limits:
            schema = lim.apply(schema, d)
    return schema
