"""Hypothesis strategies for random valid schemas, shared by the round-trip property tests.

``schemas()`` draws whole :class:`Schema` values: random tables with random types, nullability
and defaults, primary keys (single and composite), foreign keys to earlier tables (and to
themselves) with matching types, indexes (unique, partial, method, include), unique
constraints, checks over numeric columns, enums, comments, hints and odd identifiers (quotes,
spaces, ``;``, reserved words, unicode). Options narrow it for formats that cannot carry
everything (``dbml_safe=True``: no double quotes or dots in names, see dbml.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from sqlglot import exp

from dbmodel_kit.errors import ModelError
from dbmodel_kit.model import naming
from dbmodel_kit.model.schema import (
    Check,
    Column,
    Default,
    Enum,
    ForeignKey,
    Index,
    Schema,
    Table,
    Unique,
    _builtin_type,
    canonical_sql,
)
from dbmodel_kit.model.types import DataType

SIMPLE_KINDS = ("uuid", "smallint", "integer", "bigint", "real", "double", "boolean", "text", "date",
                "time", "timestamp", "timestamptz", "interval", "json", "bytes")
NUMERIC = ("smallint", "integer", "bigint", "decimal", "real", "double")
INTEGER = ("smallint", "integer", "bigint")

_plain = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_reserved = st.sampled_from(["select", "order", "user", "group", "table", "from", "where", "check"])
_odd = st.sampled_from([
    'x"; DROP TABLE users; --', "with space", "it's", "Mixed Case", "naïve", "表", "a.b", "1starts_digit",
    "semi;colon", "back\\slash", "yes", "null", "true", "#hash", "- dash", "colon: here", "émoji 🎉",
])


def identifiers(odd: bool = True, dbml_safe: bool = False) -> st.SearchStrategy[str]:
    """Identifiers: mostly plain, sometimes reserved words or hostile/unicode text."""
    choices: list[st.SearchStrategy[str]] = [_plain, _plain, _plain]
    if odd:
        odd_names = _odd.filter(lambda s: not dbml_safe or ('"' not in s and "." not in s))
        choices += [_reserved, odd_names]
    return st.one_of(*choices)


_comments = st.one_of(
    st.none(), st.none(),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
    st.sampled_from(["line one\nline two", "it's 'quoted'", "  padded  ", "a: b", "- item", "null", "true"]),
)


def _type_text_safe(name: str) -> bool:
    """Usable as an enum name: fits the type text ``enum(NAME)`` and is not a built-in type's name
    (the model refuses ``null``, ``int``, ... as enum names)."""
    return not any(ch in name for ch in "\"'()," ) and name == name.strip() and _builtin_type(name) is None


def _literal_text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12),
                     st.sampled_from(["it's", "null", "now()", "a\nb", "  x  ", "(1)"]))


@st.composite
def data_types(draw: st.DrawFn, enums: tuple[Enum, ...] = ()) -> DataType:
    kinds = list(SIMPLE_KINDS) + ["decimal", "char", "varchar"] + (["enum"] if enums else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "decimal":
        if draw(st.booleans()):
            return DataType("decimal")
        p = draw(st.integers(1, 38))
        return DataType("decimal", precision=p, scale=draw(st.none() | st.integers(0, p)))
    if kind in ("char", "varchar"):
        return DataType(kind, length=draw(st.none() | st.integers(1, 500)) if kind == "varchar"
                        else draw(st.integers(1, 64)))
    if kind == "enum":
        return DataType("enum", enum=draw(st.sampled_from(enums)).key)
    return DataType(kind)


@st.composite
def defaults(draw: st.DrawFn, dtype: DataType, enums: tuple[Enum, ...]) -> Default | None:
    if draw(st.integers(0, 2)) == 0:
        return None
    k = dtype.kind
    if k in INTEGER:
        return draw(st.sampled_from([
            Default("identity"), Default("literal", draw(st.integers(-10**6, 10**6))),
            Default("expression", "1 + 2"),
        ]))
    if k in NUMERIC:
        return Default("literal", draw(st.one_of(st.integers(-1000, 1000),
                                                 st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))))
    if k == "boolean":
        return Default("literal", draw(st.booleans()))
    if k in ("char", "varchar", "text"):
        return Default("literal", draw(_literal_text()))
    if k in ("timestamp", "timestamptz"):
        return Default("now")
    if k == "uuid":
        return Default("uuid")
    if k == "enum":
        return Default("literal", draw(st.sampled_from(next(e for e in enums if e.key == dtype.enum).values)))
    return None


_hints = st.one_of(
    st.just(()),
    st.dictionaries(st.sampled_from(["distinct", "null_fraction", "skew", "values", "faker"]),
                    st.one_of(st.integers(0, 1000), st.floats(0, 1), st.booleans(), st.text(max_size=8),
                              st.lists(st.text(max_size=5), max_size=3)),
                    max_size=3),
)


def _pick(draw: st.DrawFn, names: list[str], min_size: int = 1, max_size: int = 3) -> tuple[str, ...]:
    return tuple(draw(st.lists(st.sampled_from(names), min_size=min_size, max_size=max_size, unique=True)))


def _quoted(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


@st.composite
def tables(draw: st.DrawFn, name: str, earlier: tuple[Table, ...], enums: tuple[Enum, ...],
           odd: bool, dbml_safe: bool, rich: bool, namespace: str | None = None) -> Table:
    col_names = draw(st.lists(identifiers(odd, dbml_safe), min_size=1, max_size=6, unique=True))
    columns: list[Column] = []
    for cname in col_names:
        dtype = draw(data_types(enums))
        default = draw(defaults(dtype, enums))
        generated = None
        numeric_before = [c for c in columns if c.type.kind in NUMERIC]
        if rich and default is None and dtype.kind in NUMERIC and numeric_before and draw(st.integers(0, 4)) == 0:
            generated = (_quoted(draw(st.sampled_from(numeric_before)).name) * 2).sql()
        columns.append(Column(cname, dtype, nullable=draw(st.booleans()), default=default, generated=generated,
                              comment=draw(_comments), sensitive=draw(st.booleans()),
                              hints=draw(_hints) if rich else ()))
    names = [c.name for c in columns]
    pk: tuple[str, ...] = ()
    shape = draw(st.sampled_from(["none", "single", "single", "composite"]))
    if shape == "single":
        pk = (draw(st.sampled_from(names)),)
    elif shape == "composite" and len(names) > 1:
        pk = _pick(draw, names, 2, 3)

    fks: list[ForeignKey] = []
    parents = [t for t in earlier if t.primary_key]
    for i in range(draw(st.integers(0, 2)) if parents else 0):
        parent = draw(st.sampled_from(parents))
        fk_cols = []
        for j, ref in enumerate(parent.primary_key):
            cname = f"fk{i}_{j}_{ref}"
            if cname in names:
                continue
            fk_cols.append(cname)
            columns.append(Column(cname, parent.column(ref).type, nullable=draw(st.booleans())))
            names.append(cname)
        if len(fk_cols) != len(parent.primary_key):
            continue
        fks.append(ForeignKey(tuple(fk_cols), parent.key, parent.primary_key,
                              name=draw(st.sampled_from(["", "", f"fk named {i}"])),
                              on_delete=draw(st.sampled_from([None, "CASCADE", "SET NULL", "RESTRICT"])),
                              on_update=draw(st.sampled_from([None, None, "CASCADE"]))))
    if len(pk) == 1 and draw(st.integers(0, 3)) == 0:
        # a self-reference (parent_id -> id)
        ref = pk[0]
        cname = f"parent_{ref}"
        if cname not in names:
            columns.append(Column(cname, next(c for c in columns if c.name == ref).type))
            names.append(cname)
            fks.append(ForeignKey((cname,), naming.qualify(namespace, name), (ref,)))

    uniques: list[Unique] = []
    seen_sets: set[frozenset[str]] = set()
    for _ in range(draw(st.integers(0, 2))):
        cols = _pick(draw, names)
        if frozenset(cols) in seen_sets:
            continue
        seen_sets.add(frozenset(cols))
        uniques.append(Unique(cols, name=draw(st.sampled_from(["", "", f"uq {len(uniques)} {name}"]))))

    indexes: list[Index] = []
    for k in range(draw(st.integers(0, 2))):
        cols = _pick(draw, names)
        where = None
        if draw(st.booleans()):
            where = exp.Is(this=_quoted(draw(st.sampled_from(names))), expression=exp.Null()).not_().sql()
        include = tuple(c for c in draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
                        if c not in cols) if rich else ()
        indexes.append(Index(cols, name=draw(st.sampled_from(["", "", f"ix {k} {name}"])),
                             unique=draw(st.booleans()), where=where,
                             method=draw(st.sampled_from([None, None, "btree", "hash", "gin"])) if rich else None,
                             include=include))

    checks: list[Check] = []
    numeric = [c.name for c in columns if c.type.kind in NUMERIC]
    for k in range(draw(st.integers(0, 2)) if numeric else 0):
        col = draw(st.sampled_from(numeric))
        cond = exp.GTE(this=_quoted(col), expression=exp.Literal.number(draw(st.integers(-100, 100))))
        checks.append(Check(cond.sql(), name=draw(st.sampled_from(["", "", f"ck {k} {name}"]))))

    return Table(name, tuple(columns), primary_key=pk, foreign_keys=tuple(fks), indexes=tuple(indexes),
                 uniques=tuple(uniques), checks=tuple(checks), comment=draw(_comments),
                 group=draw(st.none() | identifiers(odd, dbml_safe)),
                 timestamps=draw(st.booleans()), soft_delete=draw(st.booleans()), audited=draw(st.booleans()),
                 schema=namespace)


@st.composite
def schemas(draw: st.DrawFn, *, max_tables: int = 4, odd: bool = True, dbml_safe: bool = False,
            rich: bool = True, namespaces: bool = False) -> Schema:
    """A random valid schema. ``rich=False`` leaves out what only the YAML format carries
    (hints, generated columns, index methods and INCLUDE). ``namespaces=True`` puts each table and
    enum in one of up to two named schemas or the default one, one bare name often held by several
    (``a.orders`` and ``b.orders``), keys crossing schemas."""
    # enum names appear inside the type text `enum(NAME)`, which cannot carry quotes, parentheses
    # or commas (dbmodel_kit.model.types), so they are drawn from names without those
    enum_names = draw(st.lists(identifiers(odd, dbml_safe).filter(_type_text_safe), max_size=2, unique=True))
    spaces: list[str | None] = [None]
    if namespaces:
        spaces += draw(st.lists(identifiers(odd, dbml_safe).filter(_type_text_safe), min_size=1, max_size=2,
                                unique=True))
    enums = tuple(
        Enum(n, tuple(draw(st.lists(identifiers(odd, dbml_safe), min_size=1, max_size=4, unique=True))),
             comment=draw(_comments), schema=draw(st.sampled_from(spaces)))
        for n in enum_names)
    if namespaces:
        # a few bare names, each in one or more schemas: one name twice is the case that matters
        bare = draw(st.lists(identifiers(odd, dbml_safe), min_size=1, max_size=2, unique=True))
        table_keys = draw(st.lists(st.tuples(st.sampled_from(spaces), st.sampled_from(bare)), min_size=1,
                                   max_size=max_tables, unique=True))
    else:
        table_keys = [(None, n) for n in draw(st.lists(identifiers(odd, dbml_safe), min_size=1, max_size=max_tables,
                                                        unique=True))]
    built: list[Table] = []
    for namespace, name in table_keys:
        try:
            built.append(draw(tables(name, tuple(built), enums, odd, dbml_safe, rich, namespace)))
        except ModelError:
            assume(False)  # e.g. two generated constraint names collide; rare
    try:
        schema = Schema(tuple(built), enums, name=draw(st.none() | identifiers(odd, dbml_safe)),
                        comment=draw(_comments))
    except ModelError:
        assume(False)
        raise  # pragma: no cover
    return schema


# -- schemas as real ones are: keys of every kind, FKs in every direction, real CHECKs --------------
#
# ``real_schemas()`` draws what public schemas hold (see ../shared/datasets/schemas): integer,
# smallint, bigint, serial/identity, uuid, char, varchar and text keys and composite keys; foreign
# keys to earlier and later tables, self-references, cycles of two and three tables (nullable or,
# as Sakila's store <-> staff, NOT NULL), composite FKs, several FKs to one table and FKs to a
# unique non-key column; reserved words, mixed case and spaces in names; CHECKs with BETWEEN, IN,
# LIKE, regex, functions and OR; plain, unique and partial indexes; enums; nullable uniques; every
# kind of default. Names are unique case-insensitively (MySQL, SQLite and DuckDB fold case).
# ``merge()`` puts several drawn schemas into one, so one database holds many of them.
#
# Choices are drawn as integers from cached strategies (``_one``): building a strategy per draw
# made generation cost 150 ms a schema, most of it hypothesis validating new strategy objects.

_REAL_RESERVED = ("order", "user", "group", "select", "from", "check", "table", "key", "index", "desc",
                  "limit", "value", "values", "date", "time", "timestamp", "type", "level", "position",
                  "comment", "default", "primary", "references", "column", "end", "range", "rank", "row")
_REAL_MIXED = ("ArtistId", "InvoiceLine", "firstName", "ID", "UnitPrice", "TrackId", "LastUpdate", "HTTPStatus",
               "eMail", "postalCode", "CustomerID", "MediaType")
_REAL_SPACED = ("Order Details", "unit price", "Phone Number", "first name", "Ship Via", "e-mail", "2fa_enabled",
                "naïve", "Region Code", "stock level")
_real_plain = st.from_regex(r"[a-z][a-z_]{1,9}[a-z0-9]", fullmatch=True)
_REAL_NAMES = st.one_of(_real_plain, _real_plain, _real_plain, st.sampled_from(_REAL_RESERVED),
                        st.sampled_from(_REAL_MIXED), st.sampled_from(_REAL_SPACED))
_ENUM_NAMES = _REAL_NAMES.filter(_type_text_safe)
_BOOL = st.booleans()


def real_identifiers() -> st.SearchStrategy[str]:
    """Names as real schemas spell them: mostly snake_case, often a reserved word, mixed case or a
    name with a space, hyphen, leading digit or accent."""
    return _REAL_NAMES


@cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def _one(draw: st.DrawFn, options: Sequence[Any]) -> Any:
    """One of ``options`` (shrinks towards the first)."""
    return options[draw(_ints(0, len(options) - 1))]


def _chance(draw: st.DrawFn, n: int) -> bool:
    """True one time in ``n``."""
    return draw(_ints(0, n - 1)) == 0


def _some(draw: st.DrawFn, options: Sequence[Any], low: int, high: int) -> tuple[Any, ...]:
    """Between ``low`` and ``high`` distinct items of ``options``, in the order drawn."""
    pool = list(options)
    return tuple(pool.pop(draw(_ints(0, len(pool) - 1))) for _ in range(draw(_ints(min(low, len(pool)),
                                                                                    min(high, len(pool))))))


class _Names:
    """Names taken so far in one scope, unique without regard to case (MySQL, SQLite and DuckDB
    fold case: ``Name`` and ``name`` are one column there)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.used = {n.lower() for n in taken}

    def take(self, name: str, fallback: str) -> str:
        if name.lower() in self.used:
            name, n = fallback, 2
            while name.lower() in self.used:
                name, n = f"{fallback}_{n}", n + 1
        self.used.add(name.lower())
        return name


#: primary-key shapes (``serial``: an integer with an identity default)
KEY_KINDS = ("integer", "serial", "composite", "char", "varchar", "uuid", "uuid_default", "bigserial", "smallint",
             "bigint", "text", "composite", "integer", "none")
_PAYLOAD_KINDS = ("integer", "varchar", "text", "decimal", "boolean", "date", "timestamptz", "smallint", "bigint",
                  "real", "double", "char", "varchar", "text", "time", "timestamp", "interval", "json", "bytes", "uuid")
_COMPOSITE_KINDS = ("integer", "char", "smallint", "varchar", "date", "uuid")
_KEY_TYPES = {"serial": DataType("integer"), "bigserial": DataType("bigint"), "uuid_default": DataType("uuid")}
_KEY_DEFAULTS = {"serial": Default("identity"), "bigserial": Default("identity"), "uuid_default": Default("uuid")}
_ENUM_VALUES = ("new", "active", "In Progress", "done", "it's", "X", "ünï")
_TEXT_DEFAULTS = ("", "it's", "N/A", "active", "Ünïcode")
_CHECK_FORMS = ("between", "in_num", "gte", "or_null", "abs", "in_text", "like", "regex", "length", "lower",
                "two_dates", "not_like")
_FEW_VALUES = ("between", "in_num", "in_text")


def _real_type(draw: st.DrawFn, kinds: Sequence[str] = _PAYLOAD_KINDS, enums: tuple[Enum, ...] = ()) -> DataType:
    kind = _one(draw, (*kinds, "enum") if enums else kinds)
    if kind == "decimal":
        return DataType("decimal", precision=_one(draw, (10, 5, 8, 12, 19)), scale=_one(draw, (2, 0, 4)))
    if kind == "char":
        return DataType("char", _one(draw, (3, 1, 2, 4, 8, 13)))
    if kind == "varchar":
        return DataType("varchar", _one(draw, (40, None, 10, 20, 80, 255, 1000)))
    if kind == "enum":
        return DataType("enum", enum=_one(draw, enums).name)
    return DataType(kind)


def real_default(draw: st.DrawFn, dtype: DataType, enums: tuple[Enum, ...]) -> Default | None:
    """Every kind of default a real schema gives ``dtype`` (or none): literals (negative,
    fractional, empty and quoted text, booleans), now(), current_date, uuid() and expressions."""
    if not _chance(draw, 3):
        return None
    k = dtype.kind
    options: list[Default] = []
    if k in INTEGER:
        options += [Default("literal", 0), Default("literal", 1), Default("literal", -1),
                    Default("literal", draw(_ints(-10**4, 10**4))), Default("expression", "1 + 2")]
    elif k == "decimal":  # within the digits the type holds before the point (decimal(5,4): |x| < 10)
        whole = 10 ** min(3, (dtype.precision or 18) - (dtype.scale or 0)) - 1
        options += [Default("literal", 0), Default("literal", draw(_ints(-whole, whole))),
                    Default("literal", round(draw(_ints(-whole * 100 - 99, whole * 100 + 99)) / 100,
                                             dtype.scale or 0))]
    elif k in ("real", "double"):
        options += [Default("literal", 0), Default("literal", 1.5), Default("literal", -0.25)]
    elif k == "boolean":
        options += [Default("literal", False), Default("literal", True)]
    elif k in ("char", "varchar", "text"):
        top = dtype.length or 12
        options += [Default("literal", v[:top]) for v in _TEXT_DEFAULTS]
        options.append(Default("expression", "LOWER('X')"))
    elif k in ("timestamp", "timestamptz"):
        options += [Default("now"), Default("literal", "2000-01-01 00:00:00")]
    elif k == "date":
        options += [Default("expression", "CURRENT_DATE"), Default("literal", "1970-01-01")]
    elif k == "uuid":
        options.append(Default("uuid"))
    elif k == "enum":
        options.append(Default("literal", _one(draw, next(e for e in enums if e.name == dtype.enum).values)))
    elif k == "json":
        options.append(Default("literal", "{}"))
    return _one(draw, options) if options else None


def _check(draw: st.DrawFn, form: str, cols: list[Column]) -> exp.Expression | None:
    """A CHECK of ``form`` over one or two of ``cols``, or None when none fits; consistent with the
    columns' defaults."""
    numeric = [c for c in cols if c.type.kind in (*INTEGER, "decimal")
               and (c.default is None or (c.default.kind == "literal" and isinstance(c.default.value, int)))]
    texts = [c for c in cols if c.type.kind in ("varchar", "text", "char") and c.default is None]
    dates = [c for c in cols if c.type.kind in ("date", "timestamp", "timestamptz")]
    if form in ("between", "in_num", "gte", "or_null", "abs") and numeric:
        c = _one(draw, numeric)
        col = _quoted(c.name)
        lit = c.default.value if c.default is not None else 0
        low = min(0, lit)
        if form == "between":
            return exp.Between(this=col, low=exp.Literal.number(low), high=exp.Literal.number(max(5, lit)))
        if form == "in_num":
            return exp.In(this=col, expressions=[exp.Literal.number(v) for v in sorted({low, lit, 1, 2, 3, 5, 8})])
        if form == "gte":
            return exp.GTE(this=col, expression=exp.Literal.number(low))
        if form == "or_null":
            return exp.or_(exp.GT(this=col, expression=exp.Literal.number(low - 1)),
                           exp.Is(this=col.copy(), expression=exp.Null()))
        return exp.LT(this=exp.Abs(this=col), expression=exp.Literal.number(10**9))
    if form in ("in_text", "like", "regex", "length", "lower", "not_like") and texts:
        c = _one(draw, texts)
        col = _quoted(c.name)
        if form == "in_text":
            return exp.In(this=col, expressions=[exp.Literal.string(v[: c.type.length or 9])
                                                 for v in ("new", "open", "Closed", "it's")])
        if form == "like":
            return exp.or_(exp.Like(this=col, expression=exp.Literal.string("%a%")),
                           exp.Like(this=col.copy(), expression=exp.Literal.string("A%")))
        if form == "not_like":
            return exp.Not(this=exp.Like(this=col, expression=exp.Literal.string("% %")))
        if form == "regex":
            return exp.RegexpLike(this=col, expression=exp.Literal.string("^[A-Za-z0-9 ]*$"))
        if form == "length":
            return exp.GT(this=exp.Length(this=exp.Trim(this=col)), expression=exp.Literal.number(0))
        return exp.or_(exp.EQ(this=exp.Lower(this=col), expression=col.copy()),
                       exp.EQ(this=exp.Upper(this=col.copy()), expression=col.copy()))
    if form == "two_dates" and len(dates) >= 2:
        a, b = _some(draw, dates, 2, 2)
        if a.type.kind == b.type.kind:
            return exp.or_(exp.GTE(this=_quoted(b.name), expression=_quoted(a.name)),
                           exp.Is(this=_quoted(b.name), expression=exp.Null()))
    return None


def _partial_where(draw: st.DrawFn, columns: Sequence[Column]) -> str:
    c = _one(draw, columns)
    if c.type.kind == "boolean":
        return exp.EQ(this=_quoted(c.name), expression=exp.true()).sql()
    if c.type.kind in ("varchar", "text") and draw(_BOOL):
        return exp.NEQ(this=_quoted(c.name), expression=exp.Literal.string("")).sql()
    return exp.Not(this=exp.Is(this=_quoted(c.name), expression=exp.Null())).sql()


@st.composite
def _real_table_body(draw: st.DrawFn, name: str, enums: tuple[Enum, ...]) -> Table:
    """One table without foreign keys: its key, payload columns, uniques, checks and indexes."""
    names = _Names()
    columns: list[Column] = []
    key = _one(draw, KEY_KINDS)
    if key == "composite":
        for j in range(draw(_ints(2, 3))):
            columns.append(Column(names.take(draw(_REAL_NAMES), f"k{j}"), _real_type(draw, _COMPOSITE_KINDS)))
    elif key != "none":
        dtype = _KEY_TYPES.get(key) or {"char": DataType("char", _one(draw, (3, 2, 4, 13))),
                                         "varchar": DataType("varchar", _one(draw, (20, 10, 64)))}.get(key) \
            or DataType(key)
        cname = names.take(_one(draw, ("id", "code", "ID", "key", f"{name}_id", "Id")), "id")
        columns.append(Column(cname, dtype, default=_KEY_DEFAULTS.get(key)))
    pk = tuple(c.name for c in columns)
    for _ in range(draw(_ints(1, 5))):
        dtype = _real_type(draw, enums=enums)
        columns.append(Column(names.take(draw(_REAL_NAMES), f"c{len(columns)}"), dtype, nullable=draw(_BOOL),
                              default=real_default(draw, dtype, enums)))
    if _chance(draw, 4):  # a pair of dates that a CHECK can order
        kind = _one(draw, ("date", "timestamp", "timestamptz"))
        for cname in _one(draw, (("valid_from", "valid_to"), ("starts on", "ends on"))):
            columns.append(Column(names.take(cname, cname), DataType(kind)))
    col_names = [c.name for c in columns]
    constraint_names = _Names()

    uniques: list[Unique] = []
    seen: set[frozenset[str]] = {frozenset(pk)}
    # a unique key alone on a NOT NULL boolean or enum holds a handful of rows, which no real table does
    few = {c.name for c in columns if c.type.kind in ("boolean", "enum") and not c.nullable}
    for _ in range(draw(_ints(0, 2))):
        cols = _some(draw, [c for c in col_names if c not in pk], 1, 2)  # nullable columns too
        if not cols or frozenset(cols) in seen or set(cols) <= few:
            continue
        seen.add(frozenset(cols))
        uname = "" if draw(_BOOL) else constraint_names.take(f"{name} {'_'.join(cols)} key", f"{name} key")
        uniques.append(Unique(cols, name=uname))

    indexes: list[Index] = []
    for k in range(draw(_ints(0, 3))):
        cols = _some(draw, col_names, 1, 3)
        shape = _one(draw, ("plain", "unique", "partial", "plain", "partial_unique"))
        where = _partial_where(draw, columns) if shape.startswith("partial") else None
        unique = shape.endswith("unique")
        if (unique and set(cols) <= few) or (unique and where is None and frozenset(cols) in seen) or any(
                (ix.columns, ix.unique, ix.where) == (cols, unique, where) for ix in indexes):
            continue
        if unique and where is None:
            seen.add(frozenset(cols))
        indexes.append(Index(cols, name="" if draw(_BOOL) else f"{name} by {' '.join(cols)} {k}",
                             unique=unique, where=where))
    payload = [c for c in columns if c.name not in pk]
    # a CHECK naming a few values is not put on a column that is unique by itself (a few rows again)
    alone = {u.columns[0] for u in uniques if len(u.columns) == 1} | {
        ix.columns[0] for ix in indexes if ix.unique and len(ix.columns) == 1}
    checks: list[Check] = []
    for _ in range(draw(_ints(0, 3))):
        form = _one(draw, _CHECK_FORMS)
        q = _check(draw, form, [c for c in payload if c.name not in alone or form not in _FEW_VALUES])
        if q is not None and all(k.expression != canonical_sql(q.sql()) for k in checks):
            checks.append(Check(q.sql()))
    try:
        return Table(name, tuple(columns), primary_key=pk, uniques=tuple(uniques), indexes=tuple(indexes),
                     checks=tuple(checks), comment=_one(draw, (None, "Who borrowed what", "it's")))
    except ModelError:
        assume(False)  # two drawn constraints named alike after shortening; rare
        raise  # pragma: no cover


def _fk_targets(t: Table) -> list[tuple[str, ...]]:
    """Column lists a foreign key may reference: the primary key and each unique constraint."""
    return ([t.primary_key] if t.primary_key else []) + [u.columns for u in t.uniques]


@st.composite
def real_schemas(draw: st.DrawFn, *, min_tables: int = 2, max_tables: int = 6) -> Schema:
    """A schema as real ones are (see the notes above ``real_identifiers``)."""
    enum_names = _Names()
    enums = tuple(Enum(enum_names.take(draw(_ENUM_NAMES), f"kind_{i}"), _some(draw, _ENUM_VALUES, 1, 4))
                  for i in range(draw(_ints(0, 2))))
    table_names = _Names(enum_names.used)  # PostgreSQL types and tables share one namespace
    bodies = [draw(_real_table_body(table_names.take(draw(_REAL_NAMES), f"t{i}"), enums))
              for i in range(draw(_ints(min_tables, max_tables)))]
    by_name = {t.name: t for t in bodies}
    fks: dict[str, list[ForeignKey]] = {t.name: [] for t in bodies}
    extra: dict[str, list[Column]] = {t.name: [] for t in bodies}
    used = {t.name: _Names(t.column_names) for t in bodies}

    def link(child: str, parent: str, nullable: bool, label: str | None = None) -> None:
        targets = _fk_targets(by_name[parent])
        if not targets:
            return
        ref = _one(draw, targets)
        cols = []
        for r in ref:
            base = label or parent
            cname = used[child].take(f"{base} {r}" if " " in base else f"{base}_{r}", f"{base}_{r}")
            cols.append(cname)
            extra[child].append(Column(cname, by_name[parent].column(r).type, nullable=nullable))
        on_delete = _one(draw, (None, "CASCADE", None, "RESTRICT", "NO ACTION", "SET NULL" if nullable else None))
        fks[child].append(ForeignKey(tuple(cols), parent, ref, on_delete=on_delete,
                                     on_update=_one(draw, (None, None, None, "CASCADE"))))

    names = [b.name for b in bodies]
    for t in bodies:
        for _ in range(_one(draw, (0, 1, 1, 2))):  # references in any direction
            parent = _one(draw, names)
            if parent != t.name:
                link(t.name, parent, draw(_BOOL))
        if _chance(draw, 5):  # several FKs to one table
            for label in ("created_by", "Updated By"):
                link(t.name, _one(draw, names), True, label)
        if t.primary_key and _chance(draw, 4):  # a self-reference, nullable but now and then
            link(t.name, t.name, not _chance(draw, 6), "parent")
    if len(bodies) >= 2 and _chance(draw, 3):  # a cycle of two or three tables
        ring = list(_some(draw, names, 2, 3))
        nullable = not _chance(draw, 4)  # Sakila's store <-> staff is NOT NULL both ways
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            link(a, b, nullable)
    tables = [replace(t, columns=t.columns + tuple(extra[t.name]), foreign_keys=tuple(fks[t.name])) for t in bodies]
    # an index leading with the first FK's columns, as careful schemas have
    tables = [replace(t, indexes=(*t.indexes, Index(t.foreign_keys[0].columns)))
              if t.foreign_keys and not any(ix.columns[: len(t.foreign_keys[0].columns)] == t.foreign_keys[0].columns
                                            for ix in t.indexes) else t
              for t in tables]
    try:
        return Schema(tuple(tables), enums)
    except ModelError:
        assume(False)  # e.g. a shortened constraint name drawn twice; rare
        raise  # pragma: no cover


def merge(parts: Sequence[Schema]) -> Schema:
    """One schema holding every table and enum of ``parts``. A name an earlier part already took
    gets the part's number as a suffix: tables and enums (one namespace in PostgreSQL) and index
    and constraint names (unique per schema), compared case-insensitively."""
    taken: set[str] = set()
    constraint_taken: set[str] = set()
    tables: list[Table] = []
    enums: list[Enum] = []

    def fresh(name: str, i: int, pool: set[str]) -> str:
        new, n = name, 1
        while new.lower() in pool:  # shortened as the model's own names are, to stay within 63 bytes
            new, n = naming.shorten(f"{name}_{i}" + (f"_{n}" if n > 1 else "")), n + 1
        pool.add(new.lower())
        return new

    for i, part in enumerate(parts):
        enum_map = {e.name: fresh(e.name, i, taken) for e in part.enums}
        enums += [replace(e, name=enum_map[e.name]) for e in part.enums]
        table_map = {t.name: fresh(t.name, i, taken) for t in part.tables}

        def name(obj: Any, i: int = i) -> Any:
            return replace(obj, name=fresh(obj.name, i, constraint_taken))

        for t in part.tables:
            cols = tuple(replace(c, type=DataType("enum", enum=enum_map[c.type.enum or ""]))
                         if c.type.kind == "enum" else c for c in t.columns)
            tables.append(replace(
                t, name=table_map[t.name], columns=cols,
                foreign_keys=tuple(name(replace(fk, ref_table=table_map[fk.ref_table])) for fk in t.foreign_keys),
                indexes=tuple(name(ix) for ix in t.indexes), uniques=tuple(name(u) for u in t.uniques),
                checks=tuple(name(c) for c in t.checks)))
    return Schema(tuple(tables), tuple(enums))
