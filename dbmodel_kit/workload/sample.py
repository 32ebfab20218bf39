"""Fill a DuckDB or SQLite database with sample data that honours every constraint of a schema.

Rows are made by SQL inside DuckDB: each column is an expression of the row index (see
:mod:`.generators`), foreign keys pick a parent row (Zipf-skewed by default) and take its key
(computed from the parent's row number, or joined from a key table when the parent's rows were
filtered), composite keys that extend a foreign key number the rows within each parent, simple
CHECKs are read into ranges (:mod:`.checks`) and any other CHECK filters the generated rows.
Unique columns whose generator is injective (numbers, time-ordered UUIDs, text that spells the
row number and fits its length) need no dedupe pass; a table that does need filtering first picks
its rows in a narrow pass (row indexes and only the columns the filters read), then every column
is made once, in a view the INSERT reads. The tables are created first with every constraint the
DDL emitter (:mod:`dbmodel_kit.ddl`) declares, so the engine itself enforces PK, UNIQUE, FK, NOT
NULL and CHECK during the fill; secondary indexes are built afterwards (faster, and a unique one
is still checked by the engine when it is built). A SQLite target is filled from the same DuckDB
generator in large ``executemany`` batches, fetched by a second thread (the DuckDB sqlite
extension would need a download, which is not available offline).

>>> from dbmodel_kit.examples import ecommerce
>>> db = sample(ecommerce(), rows={"users": 50, "categories": 5, "products": 40, "orders": 60,
...                                "order_items": 120}, engine="sqlite")
>>> db.counts()["order_items"]
120
"""

from __future__ import annotations

import contextlib
import functools
import html
import math
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
from sqlglot import exp

from ..errors import ModelError
from ..model.checks import Bounds, analyse_check
from ..model.schema import Column, ForeignKey, Schema, Table, dependency_order
from ..model.types import INTEGER_KINDS
from ..model.types import TEXT_KINDS as TEXT_TYPES
from .generators import (
    EPOCH_DATE,
    INJECTIVE_TEXT,
    ROW,
    SPAN_DAYS,
    SPAN_MICROS,
    TEXT_KINDS,
    Gen,
    T,
    TextCtx,
    coprime,
    letters,
    max_length,
    parse_skew,
    pick,
    text_kind,
)

BASE_ROWS = 1000  #: rows of a root table at scale 1; each FK level below doubles it
DEFAULT_FK_SKEW = 1.0  #: Zipf exponent of foreign-key fan-out unless the FK column says ``skew=``
DEFAULT_NULLS = 0.1  #: share of NULLs in a nullable column without a ``null_fraction`` hint
MOSTLY_NULL = ("deleted_at", "left_at", "closed_at", "cancelled_at", "archived_at")
BATCH = 50_000  #: rows per executemany batch into SQLite
_TYPE_MAX = {"smallint": 32_767, "integer": 2_147_483_647, "bigint": 9_223_372_036_854_775_807}
_TYPE_DEFAULT_RANGE = {"smallint": (0, 100), "integer": (0, 10_000), "bigint": (0, 1_000_000)}
_NUMBER_RANGES = (
    ("quantity", (1, 10)),
    ("qty", (1, 10)),
    ("hours", (1, 8)),
    ("sort", (0, 100)),
    ("stock", (0, 500)),
    ("budget", (1_000, 500_000)),
    ("salary", (20_000, 200_000)),
)
#: kinds whose generator is injective in the row index when the column must be distinct
_INJECTIVE = frozenset({"uuid", "smallint", "integer", "bigint", "decimal", "date", "timestamp", "timestamptz"})


# -- targets: what differs between the engines, as data ------------------------------------------
@dataclass(frozen=True)
class Target:
    """One sample engine: how to connect, what to set during a fill, how values travel to it."""

    name: str
    suffixes: tuple[str, ...]
    #: the DuckDB generator writes straight into the target (same connection), no Python hop
    in_engine: bool
    fill_pragmas: tuple[str, ...] = ()
    #: undo the fill settings (a file goes back to a journal on disk; MEMORY, not OFF, keeps ROLLBACK working)
    after_pragmas: tuple[str, ...] = ()
    #: per logical kind, the DuckDB expression that turns a generated value into what the
    #: target stores (SQLite keeps SQLAlchemy's text forms for dates, uuids and timestamps)
    casts: Mapping[str, str] = field(default_factory=dict)

    #: opens a connection (``None``: a new in-memory database)
    opener: Callable[[str | None], Any] = field(default=lambda path: None)
    #: another handle onto an in-memory database this connection holds
    share: Callable[[Any], Any] = field(default=lambda con: con)

    def connect(self, path: str | None) -> Any:
        return self.opener(path)


def _open_sqlite(path: str | None) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT/ROLLBACK ourselves (the runner's rolled-back runs)
    con = sqlite3.connect(path or ":memory:", isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")  # SQLite enforces FKs only when asked, per connection
    return con


_SQLITE_CASTS = {
    "uuid": "CAST(:c AS VARCHAR)",
    "timestamp": "strftime(:c, '%Y-%m-%d %H:%M:%S.%f')",
    # the UTC wall time from the epoch microseconds: a TIMESTAMPTZ -> TIMESTAMP cast goes through ICU's
    # time zone code, twice as slow per value
    "timestamptz": "strftime(make_timestamp(epoch_us(:c)), '%Y-%m-%d %H:%M:%S.%f')",
    "date": "CAST(:c AS VARCHAR)",
    "time": "CAST(:c AS VARCHAR)",
    "interval": "CAST(:c AS VARCHAR)",
    "json": "CAST(:c AS VARCHAR)",
    "decimal": "CAST(:c AS DOUBLE)",
    "boolean": "CAST(:c AS INTEGER)",
}

TARGETS: dict[str, Target] = {
    "duckdb": Target(
        "duckdb",
        (".duckdb", ".ddb", ".db"),
        in_engine=True,
        opener=lambda path: duckdb.connect(path or ":memory:"),
        share=lambda con: con.cursor(),
    ),
    "sqlite": Target(
        "sqlite",
        (".sqlite", ".sqlite3", ".db3"),
        in_engine=False,
        opener=_open_sqlite,
        fill_pragmas=("PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -200000"),
        after_pragmas=("PRAGMA journal_mode = DELETE", "PRAGMA synchronous = FULL"),
        casts=_SQLITE_CASTS,
    ),
}


def engine_for_path(path: str) -> str:
    """The engine a file name implies (``.duckdb`` -> duckdb, ``.sqlite`` -> sqlite)."""
    for t in TARGETS.values():
        if str(path).lower().endswith(t.suffixes):
            return t.name
    raise ModelError(f"cannot tell the engine from {path!r}; name it *.duckdb or *.sqlite, or pass engine=")


# -- the result -----------------------------------------------------------------------------------
@dataclass
class SampleDB:
    """A filled sample database: a file (``path``) or an in-memory one kept open here."""

    schema: Schema
    engine: str
    path: str | None
    rows: dict[str, int]
    seed: int
    notes: tuple[str, ...] = ()
    _con: Any = field(default=None, repr=False)

    def connect(self) -> Any:
        """A DB-API connection (duckdb or sqlite3); for an in-memory sample, one onto the same data."""
        if self.path is None:
            return TARGETS[self.engine].share(self._con)
        return TARGETS[self.engine].connect(self.path)

    @property
    def url(self) -> str | None:
        """A SQLAlchemy URL for a file sample."""
        return f"{self.engine}:///{self.path}" if self.path else None

    def counts(self) -> dict[str, int]:
        """Rows per table, counted by the engine."""
        con = self.connect()
        try:
            return {
                t.name: con.execute(exp.select("count(*)").from_(table_ref(t.name)).sql(self.engine)).fetchone()[0]
                for t in self.schema.tables
            }
        finally:
            if self.path is not None:
                con.close()

    def _repr_html_(self) -> str:
        where = html.escape(self.path or "in memory")
        body = "".join(
            f"<tr><td>{html.escape(t)}</td><td style='text-align:right'>{n:,}</td></tr>" for t, n in self.rows.items()
        )
        return (
            f"<div><b>{html.escape(self.engine)}</b> sample ({where}), seed {self.seed}, "
            f"{sum(self.rows.values()):,} rows<table><tr><th>table</th><th>rows</th></tr>{body}</table></div>"
        )


# -- planning -------------------------------------------------------------------------------------
def _unique_sets(t: Table) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = []
    for cols in [t.primary_key, *(u.columns for u in t.uniques), *(ix.columns for ix in t.indexes if ix.unique)]:
        if cols and tuple(cols) not in sets:
            sets.append(tuple(cols))
    return sets


@dataclass
class _Plan:
    table: Table
    rows: int
    inline: list[ForeignKey]
    selfref: list[ForeignKey]
    deferred: list[ForeignKey]
    fk_of: dict[str, ForeignKey]
    bounds: dict[str, Bounds]
    residual: list[Any]
    unique_cols: set[str]
    one_to_one: set[str]  # FK names whose columns alone are unique
    seq: dict[str, tuple[tuple[str, ...], int]]  # column -> (partition columns, first value)
    dedupe: list[tuple[str, ...]]
    spread: set[str] = field(default_factory=set)  # FKs drawn uniformly (not the first of a composite key)
    top: int = 0  # the largest row index the generator may draw (more than rows when rows are filtered)
    #: the FK whose parent rows the (filtered) rows are grouped by, as lines of an order are written together
    cluster: str | None = None
    #: unique columns drawn from the row number ``__rn`` (the insert order) rather than ``__i``, so their
    #: indexes grow in insert order even when rows are grouped by ``cluster``
    by_rn: set[str] = field(default_factory=set)


def _depths(schema: Schema) -> dict[str, int]:
    order, deferred = dependency_order(schema)
    skip = {(t.name, fk.name) for t, fk in deferred}
    depth: dict[str, int] = {}
    for t in order:
        parents = [
            depth[fk.ref_table]
            for fk in t.foreign_keys
            if fk.ref_table != t.name and (t.name, fk.name) not in skip and fk.ref_table in depth
        ]
        depth[t.name] = 1 + max(parents) if parents else 0
    return depth


def default_rows(schema: Schema, scale: float = 1.0) -> dict[str, int]:
    """Rows per table for ``scale``: 1000 for a table without parents, doubling per FK level.

    >>> from dbmodel_kit.examples import ecommerce
    >>> default_rows(ecommerce(), scale=0.1)
    {'users': 100, 'categories': 100, 'products': 200, 'orders': 200, 'order_items': 400}
    """
    return {name: max(1, round(scale * BASE_ROWS * 2**d)) for name, d in _depths(schema).items()}


def _resolve_rows(
    schema: Schema, rows: Mapping[str, int] | int | None, scale: float | None
) -> tuple[dict[str, int], set[str]]:
    """(rows per table in model order, names given explicitly)."""
    if not schema.tables:
        raise ModelError("the model has no tables to sample: add a table first")
    explicit: dict[str, int] = {}
    if isinstance(rows, Mapping):
        for name, n in rows.items():
            schema.table(name)
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise ModelError(f"row count for {name!r} must be a whole number >= 0, not {n!r}")
            explicit[name] = n
    base = default_rows(schema, 1.0)
    if isinstance(rows, int) and not isinstance(rows, bool):
        if rows < 1:
            raise ModelError(f"total rows must be at least 1, not {rows}")
        scale = rows / sum(base.values())
    elif rows is not None and not isinstance(rows, Mapping):
        raise ModelError(f"rows= is a number or a {{table: rows}} mapping, not {rows!r}")
    scale = 1.0 if scale is None else float(scale)
    if scale <= 0:
        raise ModelError(f"scale must be positive, not {scale}")
    out = {t.name: explicit.get(t.name, max(1, round(scale * base[t.name]))) for t in schema.tables}
    return out, set(explicit)


def _capacity(t: Table, schema: Schema, bounds: dict[str, Bounds], cols: tuple[str, ...]) -> int | None:
    """How many distinct values a single-column unique set can take, when it is bounded."""
    if len(cols) != 1:
        return None
    c = t.column(cols[0])
    if any(fk.columns == cols for fk in t.foreign_keys):
        return None
    b = bounds.get(c.name, Bounds())
    values = c.hint("values")
    if values is not None:
        return len(values)
    if b.values is not None:
        return len(b.values)
    if c.type.kind == "enum":
        return len(schema.enum(c.type.enum).values)
    if c.type.kind == "boolean":
        return 2
    if c.type.kind == "char":
        return 26 ** min(c.type.length or 1, 12)
    if c.type.kind in INTEGER_KINDS:
        lo, hi = _int_range(c, b)
        return hi - lo + 1
    return None


def _plan(schema: Schema, counts: dict[str, int], explicit: set[str]) -> list[_Plan]:
    order, deferred_pairs = dependency_order(schema)
    deferred = {(t.name, fk.name) for t, fk in deferred_pairs}
    plans: list[_Plan] = []
    for t in order:
        bounds: dict[str, Bounds] = {}
        residual = []
        fk_of = {c: fk for fk in t.foreign_keys for c in fk.columns}
        for ck in t.checks:
            simple = analyse_check(ck, bounds)
            # bounds on kinds the generators do not range over (dates, text) are applied as filters
            ranged = all(
                bounds.get(c, Bounds()).values is not None
                or t.column(c).type.kind in (*INTEGER_KINDS, "decimal", "real", "double")
                for c in ck.columns
                if c in bounds
            )
            if not simple or not ranged or any(c in fk_of for c in ck.columns):
                residual.append(ck)
        for col, b in bounds.items():
            _check_satisfiable(t, col, b)
        inline = [fk for fk in t.foreign_keys if fk.ref_table != t.name and (t.name, fk.name) not in deferred]
        selfref = [fk for fk in t.foreign_keys if fk.ref_table == t.name]
        later = [fk for fk in t.foreign_keys if (t.name, fk.name) in deferred]
        sets = _unique_sets(t)
        unique_cols = {s[0] for s in sets if len(s) == 1 and s[0] not in fk_of}
        one_to_one = {
            fk.name for fk in inline if tuple(fk.columns) in sets or any(set(s) == set(fk.columns) for s in sets)
        }
        n = counts[t.name]
        # a column is drawn without a dedupe pass when its generator is injective for every row
        # index it may see: n - 1 when nothing filters the rows, else the retry loop's ceiling
        # (numbered columns also go through the narrow pass, which may draw past n)
        top = max(n - 1, 0)
        seq, dedupe = _unique_plan(t, sets, fk_of, inline, unique_cols, one_to_one, bounds, top)
        if residual or dedupe or seq:
            top = 64 * n + 1024
            seq, dedupe = _unique_plan(t, sets, fk_of, inline, unique_cols, one_to_one, bounds, top)
        spread: set[str] = set()
        cluster = None
        for s in dedupe:
            fks_in = [fk for fk in inline if set(fk.columns) <= set(s)]
            spread.update(fk.name for fk in fks_in[1:])
            cluster = cluster or (fks_in[0].name if fks_in else None)
        for part, _first in seq.values():
            cluster = cluster or next((fk.name for fk in inline if set(fk.columns) <= set(part)), None)
        checked = {c for ck in residual for c in ck.columns}
        by_rn = {c for c in unique_cols if c not in checked and not any(c in s for s in dedupe)}
        for s in sets:
            cap = _capacity(t, schema, bounds, s)
            if cap is not None and n > cap:
                if t.name in explicit:
                    raise ModelError(
                        f"cannot make {n} rows: unique ({', '.join(s)}) allows only {cap} distinct values", where=t.name
                    )
                n = cap
        counts[t.name] = n
        plans.append(
            _Plan(
                t,
                n,
                inline,
                selfref,
                later,
                fk_of,
                bounds,
                residual,
                unique_cols,
                one_to_one,
                seq,
                dedupe,
                spread,
                top,
                cluster,
                by_rn,
            )
        )
    for p in plans:  # a required FK needs a parent row to point at
        for fk in p.inline:
            if p.rows and not counts[fk.ref_table] and not all(p.table.column(c).nullable for c in fk.columns):
                raise ModelError(
                    f"cannot make {p.rows} rows: {fk.name} needs rows in {fk.ref_table}, which gets 0",
                    where=p.table.name,
                )
    for p in plans:  # a one-to-one FK cannot have more children than parents
        for fk in p.inline:
            if fk.name in p.one_to_one and p.rows > counts[fk.ref_table]:
                if p.table.name in explicit:
                    raise ModelError(
                        f"cannot make {p.rows} rows: ({', '.join(fk.columns)}) is unique and references "
                        f"{fk.ref_table}, which has only {counts[fk.ref_table]} rows",
                        where=p.table.name,
                    )
                p.rows = counts[p.table.name] = counts[fk.ref_table]
        for cols in p.dedupe:  # a unique set of required FKs alone has one row per parent combination
            fks = [fk for fk in p.inline if set(fk.columns) <= set(cols)]
            whole = {c for fk in fks for c in fk.columns} == set(cols)
            if not whole or any(p.table.column(c).nullable for c in cols) or p.table.name in explicit:
                continue  # (asked for explicitly: the fill reports the shortfall with the set's name)
            p.rows = counts[p.table.name] = min(p.rows, math.prod(counts[fk.ref_table] for fk in fks))
    return plans


def _unique_plan(
    t: Table,
    sets: list[tuple[str, ...]],
    fk_of: dict[str, ForeignKey],
    inline: list[ForeignKey],
    unique_cols: set[str],
    one_to_one: set[str],
    bounds: dict[str, Bounds],
    top: int,
) -> tuple[dict[str, tuple[tuple[str, ...], int]], list[tuple[str, ...]]]:
    """How each unique set is kept distinct: numbered within its FK columns (``seq``), distinct by
    construction, or by a dedupe pass over the generated rows (``dedupe``)."""
    seq: dict[str, tuple[tuple[str, ...], int]] = {}
    dedupe: list[tuple[str, ...]] = []
    for s in sets:
        fk_cols = tuple(c for c in s if c in fk_of and fk_of[c] in inline)
        rest = [c for c in s if c not in fk_cols]
        if len(s) == 1 and s[0] in unique_cols:
            c = t.column(s[0])
            injective = c.type.kind in _INJECTIVE or _text_injective(t, c, top)
            if (s[0] in bounds and bounds[s[0]].values) or not injective:
                dedupe.append(s)
            continue
        if fk_cols and len(rest) == 1 and t.column(rest[0]).type.kind in INTEGER_KINDS and rest[0] not in seq:
            b = bounds.get(rest[0], Bounds())
            first = 1 if b.lo is None else int(b.lo) + (1 if b.lo_strict else 0)
            seq[rest[0]] = (fk_cols, first)
            continue
        if not rest and any(fk.name in one_to_one and set(fk.columns) == set(s) for fk in inline):
            continue
        dedupe.append(s)
    return seq, dedupe


def _text_injective(t: Table, c: Column, top: int) -> bool:
    """Whether the text generator of a unique column gives distinct values for row indexes 0..top
    as it stands: an injective kind (:data:`INJECTIVE_TEXT`) whose longest value fits the length."""
    if c.type.kind not in TEXT_TYPES or c.hint("values") is not None or c.hint("distinct") is not None:
        return False
    length = c.type.length
    kind = text_kind(c.name, c.hint("faker"), f"{t.name}.{c.name}")
    if c.type.kind == "char" and kind not in ("currency", "color") and (length or 1) <= 12:
        return top < 26 ** (length or 1)  # base-26 letters of the index
    widest = INJECTIVE_TEXT.get(kind, -1)
    if kind not in INJECTIVE_TEXT or (widest is not None and top > widest):
        return False
    if length is None:
        return True
    size = max_length(TEXT_KINDS[kind](TextCtx(exp.column(ROW), True, Gen(0, t.name), c.name)), top)
    return size is not None and size <= length


def _check_satisfiable(t: Table, col: str, b: Bounds) -> None:
    where = f"{t.name}.{col}"
    if b.lo is not None and b.hi is not None and (b.lo > b.hi or (b.lo == b.hi and (b.lo_strict or b.hi_strict))):
        raise ModelError(
            f"the checks on {col} cannot be satisfied: {col} {'>' if b.lo_strict else '>='} {b.lo} "
            f"and {col} {'<' if b.hi_strict else '<='} {b.hi}",
            where=where,
        )
    if b.values is not None:
        ok = (
            [
                v
                for v in b.values
                if (b.lo is None or v > b.lo or (v == b.lo and not b.lo_strict))
                and (b.hi is None or v < b.hi or (v == b.hi and not b.hi_strict))
            ]
            if all(isinstance(v, int | float) for v in b.values)
            else list(b.values)
        )
        if not ok:
            raise ModelError(f"the checks on {col} cannot be satisfied: no listed value is in range", where=where)


# -- column expressions ---------------------------------------------------------------------------
def _int_range(c: Column, b: Bounds) -> tuple[int, int]:
    lo, hi = _TYPE_DEFAULT_RANGE.get(c.type.kind, (0, 10_000))
    for word, rng in _NUMBER_RANGES:
        if word in c.name.lower():
            lo, hi = rng
    if b.lo is not None:
        lo = math.floor(b.lo) + 1 if b.lo_strict or b.lo != math.floor(b.lo) else int(b.lo)
        hi = max(hi, lo)
    if b.hi is not None:
        hi = min(hi, math.ceil(b.hi) - 1 if b.hi_strict or b.hi != math.ceil(b.hi) else int(b.hi))
        lo = min(lo, hi)
    return lo, hi


def _decimal_units(c: Column, b: Bounds) -> tuple[int, int, int]:
    """(scale, lowest, highest) in units of 10**-scale inside the type's precision and the checks."""
    scale = c.type.scale if c.type.scale is not None else (0 if c.type.precision else 2)
    p = c.type.precision or 18
    top = 10 ** min(p, 18) - 1
    lo, hi = 0.0, 1000.0
    for word, rng in _NUMBER_RANGES:
        if word in c.name.lower():
            lo, hi = rng
    unit = 10**scale
    lo_u, hi_u = round(lo * unit), min(round(hi * unit), top)
    if b.lo is not None:
        lo_u = max(math.floor(b.lo * unit) + 1 if b.lo_strict else math.ceil(b.lo * unit), -top)
        hi_u = max(hi_u, lo_u)
    if b.hi is not None:  # a check's upper bound narrows the usual range; it never widens it
        hi_u = min(hi_u, math.ceil(b.hi * unit) - 1 if b.hi_strict else math.floor(b.hi * unit), top)
        lo_u = min(lo_u, hi_u)
    return scale, lo_u, hi_u


def _value(p: _Plan, c: Column, g: Gen, schema: Schema) -> exp.Expression:
    """The generating expression of an ordinary (non-key-derived) column."""
    t, b = p.table, p.bounds.get(c.name, Bounds())
    where = f"{t.name}.{c.name}"
    kind = c.type.kind
    skew = parse_skew(c.hint("skew"), where)
    unique = c.name in p.unique_cols
    # (no filter reads these: the narrow pass, which has no row numbers yet, never makes them)
    x: exp.Expression = exp.column("__rn", table="__b") if c.name in p.by_rn else exp.column(ROW)
    distinct = c.hint("distinct")
    if distinct is not None:
        if not isinstance(distinct, int) or distinct < 1:
            raise ModelError(f"distinct hint must be a whole number >= 1, not {distinct!r}", where=where)
        x, unique = g.index(distinct, skew, c.name, "distinct"), False
        skew = None
    values = c.hint("values")
    if values is not None or b.values is not None:
        items = list(values) if values is not None else list(b.values or ())
        if values is not None and b.values is not None:
            items = [v for v in items if v in b.values]
            if not items:
                raise ModelError("no value of the values= hint passes the column's checks", where=where)
        idx = exp.column(ROW) if unique else g.index(len(items), skew, c.name, "v", permute=False, x=x)
        return pick(items, idx)
    if kind == "enum":
        items = list(schema.enum(c.type.enum).values)
        if c.default is not None and c.default.kind == "literal" and c.default.value in items:
            items.remove(c.default.value)
            items.insert(0, c.default.value)  # the default is the most common value
        idx = (
            exp.column(ROW)
            if unique
            else g.index(len(items), skew if c.hint("skew") else 1.0, c.name, "e", permute=False, x=x)
        )
        return pick(items, idx)
    if kind in INTEGER_KINDS:
        lo, hi = _int_range(c, b)
        if unique:
            hi = _TYPE_MAX[kind] if b.hi is None else hi
            return T(":lo + :x", lo=lo, x=x)
        return T(":lo + :i", lo=lo, i=g.index(hi - lo + 1, skew, c.name, "n", permute=False, x=x))
    if kind == "decimal":
        scale, lo_u, hi_u = _decimal_units(c, b)
        k = x if unique else g.index(hi_u - lo_u + 1, skew, c.name, "d", permute=False, x=x)
        return T(
            f"CAST((:lo + :k) / :u AS DECIMAL({c.type.precision or 18}, {scale}))", lo=lo_u, k=k, u=float(10**scale)
        )
    if kind in ("real", "double"):
        lo = 0.0 if b.lo is None else float(b.lo)
        hi = (lo + 1000.0) if b.hi is None else float(b.hi)
        return T(":lo + (0.0005 + 0.999 * :u) * :w", lo=lo, u=g.uniform(c.name, "f", x=x), w=hi - lo)
    if kind == "boolean":
        p_true = 0.15 if c.default is not None and c.default.value is False else 0.85
        return T(":u < :p", u=g.uniform(c.name, "b", x=x), p=p_true)
    if kind == "uuid":
        if unique:
            # time-ordered like UUIDv7: the top 48 bits count up from a per-column start, the rest
            # is hash noise. Distinct by construction, and a key that grows with the row index lets
            # the engine append to its PK index instead of inserting at random places.
            start = g.salt(c.name, "v7") % (1 << 46)
            # (``& 65535`` on the 64-bit hash, not ``% 65536`` on the 128-bit value: a UHUGEINT
            # modulo is a 128-bit division, ~1.2 us per row, which made this the costliest column)
            return T(
                "CAST((((CAST(:x AS UHUGEINT) + :s) << 80) | (CAST(:h AS UHUGEINT) << 16)"
                " | CAST(:h & 65535 AS UHUGEINT)) AS UUID)",
                x=x,
                s=start,
                h=g.hash(c.name, "lo", x=x),
            )
        return T(
            "CAST(((CAST(:h AS UHUGEINT) << 64) | CAST(:l AS UHUGEINT)) AS UUID)",
            h=g.hash(c.name, "hi", x=x),
            l=g.hash(c.name, "lo", x=x),
        )
    if kind == "date":
        k = x if unique else g.index(SPAN_DAYS, skew, c.name, "dt", permute=False, x=x)
        return T(f"DATE '{EPOCH_DATE}' + CAST(:k AS INTEGER)", k=k)
    if kind in ("timestamp", "timestamptz"):
        base = f"TIMESTAMPTZ '{EPOCH_DATE} 00:00:00+00'" if kind == "timestamptz" else f"TIMESTAMP '{EPOCH_DATE}'"
        k = T(":x * 1000000", x=x) if unique else g.below(SPAN_MICROS, c.name, "ts", x=x)
        return T(f"{base} + to_microseconds(CAST(:k AS BIGINT))", k=k)
    if kind == "time":
        return T("TIME '00:00:00' + to_microseconds(CAST(:k AS BIGINT))", k=g.below(86_400_000_000, c.name, "tm", x=x))
    if kind == "interval":
        return T("to_seconds(CAST(:k AS DOUBLE))", k=g.below(8 * 3600, c.name, "iv", x=x))
    if kind == "bytes":
        return T("unhex(md5(CAST(:h AS VARCHAR)))", h=g.hash(c.name, "by", x=x))
    if kind == "json":
        ctx = TextCtx(x, False, g, c.name)
        if text_kind(c.name, None, where) == "street":
            return T(
                "json_object('line1', :a, 'city', :b, 'country', :c)",
                a=TEXT_KINDS["street"](ctx),
                b=TEXT_KINDS["city"](ctx),
                c=TEXT_KINDS["country"](ctx),
            )
        return T("json_object('id', :x, 'tag', :w)", x=x, w=TEXT_KINDS["word"](ctx))
    return _text(p, c, g, x, unique, where)


def _text(p: _Plan, c: Column, g: Gen, x: exp.Expression, unique: bool, where: str) -> exp.Expression:
    length = c.type.length
    kind = text_kind(c.name, c.hint("faker"), where)
    if c.type.kind == "char" and kind not in ("currency", "color") and (length or 1) <= 12:
        # fixed-width codes: base-26 letters, distinct for distinct row indexes
        span = 26 ** (length or 1)
        value = letters(x if unique else g.below(span, c.name, "ch", x=x), length or 1)
    else:
        value = TEXT_KINDS[kind](TextCtx(x, unique, g, c.name))
        size = max_length(value, p.top) if length is not None else None
        if length is not None and (size is None or size > length):  # cut only what may not fit
            if unique:
                num = T("CAST(:x AS VARCHAR)", x=x)
                value = T(
                    "CASE WHEN length(:v) <= :n THEN :v ELSE concat(left(:v, :n - length(:s)), :s) END",
                    v=value,
                    n=length,
                    s=num,
                )
                if length < len(str(p.rows)):
                    value = letters(x, length)
            else:
                value = T("left(:v, :n)", v=value, n=length)
    if (
        not unique
        and c.default is not None
        and c.default.kind == "literal"
        and isinstance(c.default.value, str)
        and c.hint("values") is None
    ):
        value = T("CASE WHEN :u < 0.8 THEN :d ELSE :v END", u=g.uniform(c.name, "def"), d=c.default.value, v=value)
    return value


def _nulls(p: _Plan, c: Column, g: Gen, value: exp.Expression) -> exp.Expression:
    b = p.bounds.get(c.name, Bounds())
    if not c.nullable or b.not_null:
        return value
    share = c.hint("null_fraction")
    if share is None:
        share = 0.95 if c.name in MOSTLY_NULL else DEFAULT_NULLS
    if not 0 <= float(share) <= 1:
        raise ModelError(f"null_fraction must be between 0 and 1, not {share!r}", where=f"{p.table.name}.{c.name}")
    if share == 0:
        return value
    return T("CASE WHEN :u < :s THEN NULL ELSE :v END", u=g.uniform(c.name, "null"), s=float(share), v=value)


def _fk_index(p: _Plan, fk: ForeignKey, g: Gen, parents: int) -> exp.Expression:
    """The parent row number each generated row points at (NULL for an absent nullable FK)."""
    t = p.table
    where = f"{t.name}.{fk.name}"
    if fk.name in p.one_to_one:
        idx = T("(:x * :m) % :n", x=exp.column(ROW), m=coprime(max(parents, 1)), n=max(parents, 1))
    else:
        hint = next((t.column(c).hint("skew") for c in fk.columns if t.column(c).hint("skew")), None)
        skew = DEFAULT_FK_SKEW if hint is None else parse_skew(hint, where)
        if hint is None and fk.name in p.spread:
            skew = None  # the second FK of a composite key spreads evenly, so pairs rarely repeat
        idx = g.index(parents, skew, fk.name, "fk")
    cols = [t.column(c) for c in fk.columns]
    if all(c.nullable for c in cols):
        share = next((c.hint("null_fraction") for c in cols if c.hint("null_fraction") is not None), DEFAULT_NULLS)
        if share:
            idx = T("CASE WHEN :u < :s THEN NULL ELSE :v END", u=g.uniform(fk.name, "null"), s=float(share), v=idx)
    return idx


# -- the fill -------------------------------------------------------------------------------------
def _nc(method: Callable[..., exp.Select]) -> Callable[..., exp.Select]:
    """A sqlglot builder method that extends the query in place (the default copies the whole tree
    on every call, which made building a wide table's query quadratic)."""
    return functools.partial(method, copy=False)


def table_ref(name: str) -> exp.Table:
    """A quoted table reference (``exp.to_table(name, quoted=True)`` does not quote in sqlglot 30,
    so a table called ``select`` or ``order`` would break the statement)."""
    return exp.Table(this=exp.to_identifier(name, quoted=True))


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(_ident(name), table=exp.to_identifier(table) if table else None)


def _window(e: exp.Expression) -> exp.Window:
    """The window function inside a template (to set its PARTITION BY / ORDER BY as trees)."""
    w = e.find(exp.Window)
    assert w is not None, "the template holds a window function"
    return w


def _range(n: int) -> exp.Expression:
    """``range(n)`` as a source of row indexes ``__i``."""
    query = T("SELECT __i FROM range(:n) AS __r(__i)", n=n)
    assert isinstance(query, exp.Select)
    return query.subquery("__s")


class _Filler:
    def __init__(self, schema: Schema, target: Target, con: Any, seed: int, progress: Any) -> None:
        self.schema, self.target, self.con, self.seed, self.progress = schema, target, con, seed, progress
        self.gen = con if target.in_engine else duckdb.connect()
        self.gen.execute("SET TimeZone = 'UTC'")
        self.gen.execute("SET preserve_insertion_order = true")  # the default; the fill's row order relies on it
        self.keys: dict[str, str] = {}  # table -> temp table of (__rn, key columns)
        #: table -> {key column: its generating expression of the parent row number ``__pidx``}, for
        #: tables whose every row index is its row number: children compute the key instead of joining
        self.key_exprs: dict[str, dict[str, exp.Expression]] = {}
        self.cyclic: set[str] = set()  # tables on either end of an FK that closes a cycle (need key tables)
        self.made: dict[str, int] = {}
        self._n = 0
        self._in_order = False  # the last wide view yields rows in row-number order without a sort

    def temp(self) -> str:
        # our own scratch tables: generated names, never user text, so they appear in f-strings below
        self._n += 1
        return f"__dbmodel_gen_{self._n}"

    # one table
    def fill(self, p: _Plan) -> None:
        t = p.table
        g = Gen(self.seed, t.name)
        n = p.rows
        need_filter = bool(p.residual or p.dedupe or p.seq)
        gen_name = self.temp()
        rows = None
        if need_filter:  # a narrow pass picks the rows that pass, then the wide pass makes their columns
            rows = self.temp()
            m = math.ceil(n * 1.2) + 64
            for _attempt in range(6):
                self._select_rows(p, g, m, rows)
                got = self.gen.execute(exp.select("count(*)").from_(rows).sql("duckdb")).fetchone()[0]
                if got >= n:
                    break
                if got == 0 or m >= 64 * n + 1024:  # nothing passes, or the pass rate is hopeless
                    raise ModelError(self._shortfall(p, got), where=t.name)
                m = min(math.ceil(m * n / got * 1.3) + 64, 64 * n + 1024)
            else:
                raise ModelError(self._shortfall(p, got), where=t.name)
        # a view, so the engine computes each column once, while inserting, and the key table reads
        # only the key columns (projection pushdown); self-references rewrite the rows, so a table
        stream = not p.selfref
        self._materialise(p, g, rows, gen_name, view=stream)
        if p.selfref:
            self._self_refs(p, g, gen_name)
        self._insert(p, gen_name)
        needed = self._key_columns(t)
        if rows is None:  # unfiltered: row number == row index, so a key is a function of the parent row
            self.key_exprs[t.name] = self._key_exprs(p, g, needed)
        if rows is not None or t.name in self.cyclic or set(needed) - set(self.key_exprs.get(t.name, {})):
            self._keep_keys(p, gen_name, needed)
        self.gen.execute(f"DROP {'VIEW' if stream else 'TABLE'} {gen_name}")
        if rows is not None:
            self.gen.execute(f"DROP TABLE {rows}")
        self.made[t.name] = n
        if self.progress is not None:
            self.progress.update(n)

    def _base(self, p: _Plan, g: Gen, source: exp.Expression, extra: tuple[str, ...] = ()) -> exp.Select:
        """Row indexes (``__i``, and ``extra`` columns of ``source``) with each inline FK's parent row number."""
        base = exp.select(exp.column(ROW), *[exp.column(c) for c in extra]).from_(source)
        for k, fk in enumerate(p.inline):
            base = _nc(base.select)(exp.alias_(_fk_index(p, fk, g, self.made[fk.ref_table]), f"__p{k}"))
        return base

    def _layer(
        self, p: _Plan, g: Gen, base: exp.Select, carry: tuple[str, ...], wanted: set[str] | None, fk_cols: set[str]
    ) -> exp.Select:
        """``base`` with the generated columns: the key columns of each FK in ``fk_cols`` joined from the
        parent's key table, and every other column in ``wanted`` (None: all) computed from ``__i``."""
        t = p.table
        layer = exp.select(*[exp.column(c, table="__b") for c in (ROW, *carry)]).from_(base.subquery("__b"))
        inline_cols = {c: fk for fk in p.inline for c in fk.columns}
        for k, fk in enumerate(p.inline):
            if not any(inline_cols[c] is fk and c in fk_cols for c in fk.columns):
                continue
            exprs = self.key_exprs.get(fk.ref_table, {})
            if not self.made[fk.ref_table]:  # an empty parent: the FK (nullable, see _plan) stays NULL
                for cname in fk.columns:
                    if inline_cols[cname] is fk:
                        layer = _nc(layer.select)(exp.alias_(exp.Null(), _ident(cname)))
                continue
            if all(r in exprs for r in fk.ref_columns):
                # the parent's key computed from its row number: no key table, no join
                index = exp.column(f"__p{k}", table="__b")
                for cname, ref in zip(fk.columns, fk.ref_columns, strict=True):
                    if inline_cols[cname] is fk:
                        key = exprs[ref].transform(
                            lambda n, i=index: i.copy() if isinstance(n, exp.Column) and n.name == "__pidx" else n
                        )
                        key = T("CASE WHEN :i IS NULL THEN NULL ELSE :k END", i=index.copy(), k=key)
                        layer = _nc(layer.select)(exp.alias_(key, _ident(cname)))
                continue
            alias = f"__k{k}"
            layer = _nc(layer.join)(
                exp.to_table(self.keys[fk.ref_table]).as_(alias),
                join_type="left",
                on=exp.EQ(this=exp.column("__rn", table=alias), expression=exp.column(f"__p{k}", table="__b")),
            )
            for cname, ref in zip(fk.columns, fk.ref_columns, strict=True):
                if inline_cols[cname] is fk:
                    layer = _nc(layer.select)(exp.alias_(_col(ref, alias), _ident(cname)))
        later = {c for fk in [*p.selfref, *p.deferred] for c in fk.columns}
        for c in t.columns:
            if (
                c.name in inline_cols
                or c.name in later
                or c.name in p.seq
                or (wanted is not None and c.name not in wanted)
            ):
                continue
            value = _value(p, c, g, self.schema)
            layer = _nc(layer.select)(exp.alias_(_nulls(p, c, g, value), _ident(c.name)))
        return layer

    def _by_parent(self, p: _Plan, cols: tuple[str, ...]) -> tuple[list[exp.Expression], set[str]]:
        """Partition terms for ``cols``: an inline FK whose columns are all in ``cols`` is its parent row
        number ``__p<k>`` (one parent row, one key: the same partition, without joining the key);
        the rest are the columns themselves (returned as the FK columns still to join)."""
        terms: list[exp.Expression] = []
        left = list(cols)
        for k, fk in enumerate(p.inline):
            if set(fk.columns) <= set(left):
                terms.append(exp.column(f"__p{k}"))
                left = [c for c in left if c not in fk.columns]
        return terms + [_col(c) for c in left], {c for c in left if c in p.fk_of}

    def _select_rows(self, p: _Plan, g: Gen, m: int, name: str) -> None:
        """The narrow pass for a table whose rows are filtered: which of ``range(m)`` survive the residual
        checks and dedupe sets (the first ``rows`` of them, renumbered ``__rn``), plus the numbered
        (``seq``) columns. Only the columns those need are generated here; the wide pass makes the rest
        from the same ``__i``, so the values are the same."""
        parts = {s: self._by_parent(p, s) for s in p.dedupe}
        seq_parts = {c: self._by_parent(p, part) for c, (part, _first) in p.seq.items()}
        wanted = {c for ck in p.residual for c in ck.columns}
        fk_cols = {c for c in wanted if c in p.fk_of}
        for terms, joined in [*parts.values(), *seq_parts.values()]:
            fk_cols |= joined
            wanted |= {x.name for x in terms if x.name not in p.fk_of and not x.name.startswith("__p")}
        fk_cols |= {c for c in wanted if c in p.fk_of}
        pcols = tuple(f"__p{k}" for k in range(len(p.inline)))
        base = self._base(p, g, _range(m))
        query: exp.Select = self._layer(p, g, base, pcols, wanted, fk_cols)
        if p.seq:
            query = exp.select("*").from_(query.subquery("__l"))
            for c, (_part, first) in p.seq.items():
                rn = T("row_number() OVER (PARTITION BY :p ORDER BY __i)", p=exp.column("__part"))
                _window(rn).set("partition_by", seq_parts[c][0])
                query = _nc(query.select)(exp.alias_(T(":rn + :f", rn=rn, f=first - 1), _ident(c)))
        order = [exp.column(f"__p{k}") for k, fk in enumerate(p.inline) if fk.name == p.cluster]
        final = exp.select(exp.column(ROW), *[_col(c) for c in p.seq], *order).from_(query.subquery("__q"))
        conds = [T("COALESCE(:e, TRUE)", e=exp.paren(exp.maybe_parse(ck.expression))) for ck in p.residual]
        for c in p.seq:  # numbering can run past the column's range
            b = p.bounds.get(c, Bounds())
            hi = _int_range(p.table.column(c), b)[1] if b.hi is not None else _TYPE_MAX[p.table.column(c).type.kind]
            conds.append(T(":c <= :h", c=_col(c), h=hi))
        if conds:
            final = _nc(final.where)(exp.and_(*conds))
        firsts = []
        for s in p.dedupe:
            rn = T("row_number() OVER (PARTITION BY :p ORDER BY __i) = 1", p=exp.column("__part"))
            _window(rn).set("partition_by", parts[s][0])
            nullable = [x for x in parts[s][0] if x.name.startswith("__p") or p.table.column(x.name).nullable]
            firsts.append(
                exp.or_(*[exp.Is(this=c.copy(), expression=exp.Null()) for c in nullable], rn) if nullable else rn
            )
        if firsts:
            final = _nc(final.qualify)(exp.and_(*firsts))
        final = final.order_by(exp.column(ROW), copy=False).limit(p.rows, copy=False)
        # the kept rows, numbered in insert order: grouped by the cluster FK's parent row, so the engine
        # checks that FK and extends the composite unique index in key order, not at random places
        number = T("row_number() OVER (ORDER BY __i) - 1")
        _window(number).set(
            "order", exp.Order(expressions=[exp.Ordered(this=c.copy()) for c in [*order, exp.column(ROW)]])
        )
        numbered = (
            exp.select(exp.alias_(number, "__rn"), exp.column(ROW), *[_col(c) for c in p.seq])
            .from_(final.subquery("__f"))
            .order_by("__rn")
        )  # stored in row-number order, so the wide pass reads it so
        self.gen.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {numbered.sql('duckdb')}")

    def _materialise(self, p: _Plan, g: Gen, rows: str | None, name: str, view: bool) -> None:
        """The wide pass: every column of the rows ``rows`` (a table from :meth:`_select_rows`, or None:
        ``range(n)``, each index its own row number) as a view (computed while inserting) or a table."""
        if rows is None:
            base = self._base(p, g, _range(p.rows))
            base = _nc(base.select)(exp.alias_(exp.column(ROW), "__rn"))
        else:
            base = self._base(p, g, exp.to_table(rows), ("__rn", *p.seq))
        carry = ("__rn", *p.seq)
        layer = self._layer(p, g, base, carry, None, set(p.fk_of))
        # a view of projections over an ordered source (range(), or the row table stored in row-number
        # order) yields its rows in row-number order: DuckDB keeps insertion order through projections
        # (preserve_insertion_order), so the INSERT needs no sort; a join may reorder, so then it sorts
        self._in_order = view and not layer.args.get("joins")
        kind = "VIEW" if view else "TABLE"
        self.gen.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {layer.sql('duckdb')}")

    def _shortfall(self, p: _Plan, got: int) -> str:
        parts = [f"check {ck.name} ({ck.expression})" for ck in p.residual]
        parts += [f"unique ({', '.join(s)})" for s in p.dedupe]
        return (
            f"could make only {got} of {p.rows} rows that satisfy {' and '.join(parts)}; "
            "the constraints may be unsatisfiable, or leave too few combinations: ask for fewer rows"
        )

    def _self_refs(self, p: _Plan, g: Gen, name: str) -> None:
        """Self-references point at earlier rows: 10% roots, 30% level one, the rest deeper."""
        n = p.rows
        l1, l2 = max(1, math.ceil(n * 0.1)), max(1, math.ceil(n * 0.4))
        q = exp.select(
            *[
                _col(c.name, "__g")
                for c in p.table.columns
                if c.name not in {x for fk in [*p.selfref, *p.deferred] for x in fk.columns}
            ],
            exp.column("__rn", table="__g"),
            exp.column(ROW, table="__g"),
        ).from_(exp.to_table(name).as_("__g"))
        for k, fk in enumerate(p.selfref):
            nullable = all(p.table.column(c).nullable for c in fk.columns)
            rn = exp.column("__rn", table="__g")
            parent = T(
                "CASE WHEN :rn < :l1 THEN :root WHEN :rn < :l2 THEN :a ELSE :b END",
                rn=rn,
                l1=l1,
                l2=l2,
                root=exp.Null() if nullable else rn,
                a=g.below(l1, fk.name, "s1", x=rn),
                b=g.below(l2, fk.name, "s2", x=rn),
            )
            if nullable:
                parent = T(
                    "CASE WHEN :u < :s THEN NULL ELSE :v END",
                    u=g.uniform(fk.name, "null", x=rn),
                    s=DEFAULT_NULLS,
                    v=parent,
                )
            alias = f"__s{k}"
            sub = exp.select(exp.column("__rn"), *[_col(c) for c in fk.ref_columns]).from_(name)
            q = _nc(q.join)(
                sub.subquery(alias),
                join_type="left",
                on=exp.EQ(this=exp.column("__rn", table=alias), expression=parent),
            )
            for c, ref in zip(fk.columns, fk.ref_columns, strict=True):
                q = _nc(q.select)(exp.alias_(_col(ref, alias), _ident(c)))
        tmp = self.temp()
        self.gen.execute(f"CREATE TEMP TABLE {tmp} AS {q.sql('duckdb')}")
        self.gen.execute(f"DROP TABLE {name}")
        self.gen.execute(f"ALTER TABLE {tmp} RENAME TO {name}")
        self._levels = (l1, l2)

    def _select_for_target(self, p: _Plan, name: str, lo: int | None, hi: int | None) -> exp.Select:
        t = p.table
        later = {c for fk in p.deferred for c in fk.columns}
        q = exp.select()
        for c in t.columns:
            if c.name in later:
                q = _nc(q.select)(exp.alias_(exp.Null(), _ident(c.name)))
                continue
            cast = self.target.casts.get(c.type.kind)
            q = _nc(q.select)(exp.alias_(T(cast, c=_col(c.name)) if cast else _col(c.name), _ident(c.name)))
        q = q.from_(name)
        if lo is not None:
            q = _nc(q.where)(T("__rn >= :lo AND __rn < :hi", lo=lo, hi=hi))
        return q if self._in_order else q.order_by(exp.column("__rn"))

    def _insert(self, p: _Plan, name: str) -> None:
        t = p.table
        ranges: list[tuple[int | None, int | None]] = [(None, None)]
        if p.selfref:  # each level after the rows it points at, so the engine sees parents first
            l1, l2 = self._levels
            ranges = [(0, l1), (l1, l2), (l2, p.rows)]
        cols = exp.Schema(this=table_ref(t.name), expressions=[_ident(c.name) for c in t.columns])
        for lo, hi in ranges:
            q = self._select_for_target(p, name, lo, hi)
            if self.target.in_engine:
                self.con.execute(exp.Insert(this=cols.copy(), expression=q).sql("duckdb"))
                continue
            ins = exp.Insert(
                this=cols.copy(),
                expression=exp.Values(expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in t.columns])]),
            ).sql("sqlite")
            self._copy(q.sql("duckdb"), ins)

    def _copy(self, query: str, insert: str) -> None:
        """Run ``query`` in DuckDB and ``insert`` its rows into SQLite, batch by batch, in order.

        A thread fetches the next batch from DuckDB while SQLite inserts the last one: both engines
        release the GIL while they work (DuckDB computing the rows, SQLite stepping the INSERT), so on
        two cores the generator and the target overlap instead of taking turns. Only that thread
        touches the DuckDB connection until it ends, and the batches arrive in the query's order, so
        the file is the same as a one-thread fill.
        """
        batches: queue.Queue[Any] = queue.Queue(maxsize=2)
        stop = threading.Event()
        done = object()

        def produce() -> None:
            try:
                cur = self.gen.execute(query)
                while not stop.is_set() and (batch := cur.fetchmany(BATCH)):
                    batches.put(batch)
            except BaseException as e:  # handed to the inserting thread, which raises it
                batches.put(e)
            finally:
                batches.put(done)

        worker = threading.Thread(target=produce, name="dbmodel-sample-fetch", daemon=True)
        worker.start()
        try:
            while (item := batches.get()) is not done:
                if isinstance(item, BaseException):
                    raise item
                self.con.executemany(insert, item)
        finally:
            stop.set()
            while worker.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    batches.get(timeout=0.05)
            worker.join()

    def _key_columns(self, t: Table) -> list[str]:
        needed = dict.fromkeys(t.primary_key)
        for _child, fk in self.schema.referencing(t.name):
            needed.update(dict.fromkeys(fk.ref_columns))
        for u in t.uniques:
            needed.update(dict.fromkeys(u.columns))
        return list(needed)

    def _key_exprs(self, p: _Plan, g: Gen, needed: list[str]) -> dict[str, exp.Expression]:
        """The key columns made by plain generators (not joined, numbered or set later), as expressions
        of ``__pidx``: valid because this table's row number is its row index."""
        skip = {c for fk in [*p.inline, *p.selfref, *p.deferred] for c in fk.columns} | set(p.seq)
        index = exp.column("__pidx")
        out = {}
        for name in needed:
            if name in skip:
                continue
            c = p.table.column(name)
            out[name] = _nulls(p, c, g, _value(p, c, g, self.schema)).transform(
                lambda n: index.copy() if isinstance(n, exp.Column) and n.name in (ROW, "__rn") else n
            )
        return out

    def _keep_keys(self, p: _Plan, name: str, needed: list[str]) -> None:
        keys = self.temp()
        q = exp.select(exp.column("__rn"), *[_col(c) for c in needed]).from_(name)
        self.gen.execute(f"CREATE TEMP TABLE {keys} AS {q.sql('duckdb')}")
        self.keys[p.table.name] = keys

    # after every table: foreign keys that close a cycle
    def close_cycles(self, plans: list[_Plan]) -> list[str]:
        notes = []
        for p in plans:
            t = p.table
            for fk in p.deferred:
                key = list(t.primary_key) or next((list(u.columns) for u in t.uniques), [])
                if not key:
                    if not all(t.column(c).nullable for c in fk.columns):
                        raise ModelError(
                            f"foreign key {fk.name} closes a cycle, is NOT NULL and the table has no "
                            "key to update rows by",
                            where=t.name,
                        )
                    notes.append(f"{t.name}.{fk.name}: left NULL (no key to update rows by)")
                    continue
                self._close(p, fk, key)
        return notes

    def _close(self, p: _Plan, fk: ForeignKey, key: list[str]) -> None:
        t = p.table
        g = Gen(self.seed, t.name)
        idx = _fk_index(p, fk, g, self.made[fk.ref_table]).transform(
            lambda n: exp.column("__rn", table="__o") if isinstance(n, exp.Column) and n.name == ROW else n
        )
        q = exp.select(*[_col(c, "__o") for c in key]).from_(exp.to_table(self.keys[t.name]).as_("__o"))
        q = _nc(q.join)(
            exp.to_table(self.keys[fk.ref_table]).as_("__p"),
            join_type="left",
            on=exp.EQ(this=exp.column("__rn", table="__p"), expression=idx),
        )
        for c, ref in zip(fk.columns, fk.ref_columns, strict=True):
            cast = self.target.casts.get(t.column(c).type.kind)
            q = _nc(q.select)(exp.alias_(T(cast, c=_col(ref, "__p")) if cast else _col(ref, "__p"), _ident(c)))
        upd = self.temp()
        cols = [*key, *fk.columns]
        target_table = table_ref(t.name)
        where = exp.and_(
            *[
                exp.EQ(this=exp.column(_ident(c), table=_ident(t.name)), expression=exp.column(_ident(c), table="__u"))
                for c in key
            ]
        )
        sets = [exp.EQ(this=_col(c), expression=exp.column(_ident(c), table="__u")) for c in fk.columns]
        update = exp.Update(
            this=target_table,
            expressions=sets,
            from_=exp.From(this=exp.to_table(upd).as_("__u")),
            where=exp.Where(this=where),
        )
        if self.target.in_engine:
            self.con.execute(f"CREATE TEMP TABLE {upd} AS {q.sql('duckdb')}")
            self.con.execute(update.sql("duckdb"))
            self.con.execute(f"DROP TABLE {upd}")
            return
        self.con.execute(
            exp.Create(
                this=exp.Schema(this=exp.to_table(upd), expressions=[_ident(c) for c in cols]),
                kind="TABLE",
                properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
            ).sql("sqlite")
        )
        ins = exp.Insert(
            this=exp.to_table(upd),
            expression=exp.Values(expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in cols])]),
        ).sql("sqlite")
        self._copy(q.sql("duckdb"), ins)
        self.con.execute(update.sql("sqlite"))
        self.con.execute(f"DROP TABLE {upd}")

    def finish_sequences(self, plans: list[_Plan], sequences: set[str]) -> None:
        """Move identity sequences past the ids we wrote, so later INSERTs get fresh ids."""
        from ..ddl import sequence_name

        for p in plans:
            for c in p.table.columns:
                seq = sequence_name(p.table.name, c.name)
                if seq in sequences:
                    top = (
                        self.con.execute(
                            exp.select(exp.func("max", _col(c.name))).from_(table_ref(p.table.name)).sql("duckdb")
                        ).fetchone()[0]
                        or 0
                    )
                    if top:
                        self.con.execute(T("SELECT max(nextval(:s)) FROM range(:n)", s=seq, n=top).sql("duckdb"))


def sample(
    schema: Schema,
    rows: Mapping[str, int] | int | None = None,
    *,
    scale: float | None = None,
    engine: str | None = None,
    path: str | os.PathLike[str] | None = None,
    seed: int = 0,
    progress: bool | None = None,
) -> SampleDB:
    """Create a DuckDB or SQLite database for ``schema`` and fill it with sample data.

    ``rows`` is ``{table: count}`` (others follow ``scale``) or a total to spread over the tables;
    ``scale`` multiplies :func:`default_rows`. ``path`` None keeps the database in memory.
    The same ``seed`` gives the same data. Raises :class:`ModelError` naming the table when a
    constraint cannot be satisfied for the rows asked.
    """
    from ..ddl import statements

    if path is not None:
        path = os.fspath(path)
        engine = engine or engine_for_path(path)
        if os.path.exists(path):
            raise ModelError(f"{path} already exists; sample() writes a new database")
    engine = (engine or "duckdb").lower()
    if engine not in TARGETS:
        raise ModelError(f"sample engines are {', '.join(TARGETS)}, not {engine!r}")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ModelError(f"seed must be an integer, not {seed!r}")
    target = TARGETS[engine]
    counts, explicit = _resolve_rows(schema, rows, scale)
    plans = _plan(schema, counts, explicit)
    stmts = statements(schema, engine)
    first = [s for s in stmts if s.sql and s.kind in ("type", "sequence", "table")]
    after = [s for s in stmts if s.sql and s.kind not in ("type", "sequence", "table")]
    sequences = {s.target for s in stmts if s.kind == "sequence"}
    con = target.connect(path)
    bar = None
    try:
        for s in first:
            con.execute(s.sql)
        for pragma in target.fill_pragmas:
            con.execute(pragma)
        if not target.in_engine:
            con.execute("BEGIN")
        total = sum(p.rows for p in plans)
        if progress or (progress is None and total >= 200_000):
            from tqdm.auto import tqdm

            bar = tqdm(total=total, desc=f"sample -> {engine}", unit="rows")
        filler = _Filler(schema, target, con, seed, bar)
        filler.cyclic = {p.table.name for p in plans if p.deferred} | {fk.ref_table for p in plans for fk in p.deferred}
        for p in plans:
            try:
                filler.fill(p)
            except (duckdb.ConstraintException, sqlite3.IntegrityError) as e:
                raise ModelError(f"the engine rejected generated rows: {e}", where=p.table.name) from None
        notes = filler.close_cycles(plans)
        filler.finish_sequences(plans, sequences)
        for s in after:
            con.execute(s.sql)
        if not target.in_engine:
            con.execute("COMMIT")
        for pragma in target.after_pragmas:
            con.execute(pragma)
    except BaseException:
        _close(con)
        if path is not None and os.path.exists(path):
            os.remove(path)
        raise
    finally:
        if bar is not None:
            bar.close()
    notes_all = tuple(notes) + tuple(s.note for s in stmts if not s.sql and s.note)
    if path is not None:
        _close(con)
        con = None
    return SampleDB(
        schema, engine, path, {p.table.name: filler.made[p.table.name] for p in plans}, seed, notes_all, con
    )


def _close(con: Any) -> None:
    with contextlib.suppress(Exception):
        con.close()


def table_rows(db: SampleDB, table: str) -> list[tuple[Any, ...]]:
    """Every row of ``table`` in a stable order (all columns), for comparisons."""
    t = db.schema.table(table)
    con = db.connect()
    try:
        q = (
            exp.select(*[_col(c) for c in t.column_names])
            .from_(table_ref(t.name))
            .order_by(*[_col(c) for c in (t.primary_key or t.column_names)])
        )
        return con.execute(q.sql(db.engine)).fetchall()
    finally:
        if db.path is not None:
            con.close()


__all__ = ["TARGETS", "SampleDB", "Target", "default_rows", "engine_for_path", "sample", "table_ref", "table_rows"]
