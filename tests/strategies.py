"""Hypothesis strategies for random valid schemas, shared by the round-trip property tests.

``schemas()`` draws whole :class:`Schema` values: random tables with random types, nullability
and defaults, primary keys (single and composite), foreign keys to earlier tables (and to
themselves) with matching types, indexes (unique, partial, method, include), unique
constraints, checks over numeric columns, enums, comments, hints and odd identifiers (quotes,
spaces, ``;``, reserved words, unicode). Options narrow it for formats that cannot carry
everything (``dbml_safe=True``: no double quotes or dots in names, see dbml.py).
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st
from sqlglot import exp

from dbmodel_kit.errors import ModelError
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
        return DataType("enum", enum=draw(st.sampled_from(enums)).name)
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
        return Default("literal", draw(st.sampled_from(next(e for e in enums if e.name == dtype.enum).values)))
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
           odd: bool, dbml_safe: bool, rich: bool) -> Table:
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
        fks.append(ForeignKey(tuple(fk_cols), parent.name, parent.primary_key,
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
            fks.append(ForeignKey((cname,), name, (ref,)))

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
                 timestamps=draw(st.booleans()), soft_delete=draw(st.booleans()), audited=draw(st.booleans()))


@st.composite
def schemas(draw: st.DrawFn, *, max_tables: int = 4, odd: bool = True, dbml_safe: bool = False,
            rich: bool = True) -> Schema:
    """A random valid schema. ``rich=False`` leaves out what only the YAML format carries
    (hints, generated columns, index methods and INCLUDE)."""
    # enum names appear inside the type text `enum(NAME)`, which cannot carry quotes, parentheses
    # or commas (dbmodel_kit.model.types), so they are drawn from names without those
    enum_names = draw(st.lists(identifiers(odd, dbml_safe).filter(_type_text_safe), max_size=2, unique=True))
    enums = tuple(
        Enum(n, tuple(draw(st.lists(identifiers(odd, dbml_safe), min_size=1, max_size=4, unique=True))),
             comment=draw(_comments))
        for n in enum_names)
    table_names = draw(st.lists(identifiers(odd, dbml_safe), min_size=1, max_size=max_tables, unique=True))
    built: list[Table] = []
    for name in table_names:
        try:
            built.append(draw(tables(name, tuple(built), enums, odd, dbml_safe, rich)))
        except ModelError:
            assume(False)  # e.g. two generated constraint names collide; rare
    try:
        schema = Schema(tuple(built), enums, name=draw(st.none() | identifiers(odd, dbml_safe)),
                        comment=draw(_comments))
    except ModelError:
        assume(False)
        raise  # pragma: no cover
    return schema

