"""Bring real data in: :func:`load_sample` validates frames/files against the model and loads them;
:func:`infer` proposes tables (types, NOT NULL, candidate keys, FKs by value inclusion) from frames.

Validation runs as SQL in an in-memory DuckDB over the frames (``TRY_CAST`` for types, ``GROUP
BY ... HAVING`` for keys, anti-joins for foreign keys, the model's CHECK expressions), so it is
vectorized and every violation comes with example rows.

>>> import pandas as pd
>>> from dbmodel_kit import Model
>>> m = Model()
>>> _ = m.add_table("t", id="integer pk", n="integer not null check (n >= 0)")
>>> try:
...     load_sample(m.schema, {"t": pd.DataFrame({"id": [1, 1], "n": [5, -1]})})
... except SampleViolations as e:
...     print(e.violations[0].constraint, e.violations[1].constraint)
primary key ck_t_n
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sqlglot import exp

from ..errors import ModelError
from ..model.schema import Column, ForeignKey, Schema, Table, dependency_order
from ..model.types import DataType
from .generators import T
from .sample import TARGETS, SampleDB, _col, _ident, engine_for_path, table_ref

#: The DuckDB type each logical kind is checked and staged as (the staging engine's own names;
#: the target's DDL comes from dbmodel_kit.ddl).
STAGE_TYPES = {"uuid": "UUID", "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT",
               "decimal": "DECIMAL", "real": "REAL", "double": "DOUBLE", "boolean": "BOOLEAN", "char": "VARCHAR",
               "varchar": "VARCHAR", "text": "VARCHAR", "date": "DATE", "time": "TIME", "timestamp": "TIMESTAMP",
               "timestamptz": "TIMESTAMPTZ", "interval": "INTERVAL", "json": "JSON", "bytes": "BLOB",
               "enum": "VARCHAR"}
EXAMPLES = 3


@dataclass(frozen=True)
class Violation:
    """Rows of one table that break one constraint, with a few examples."""

    table: str
    constraint: str
    message: str
    count: int
    examples: tuple[dict[str, Any], ...] = ()

    def __str__(self) -> str:
        ex = "; ".join(str(e) for e in self.examples)
        return f"{self.table}: {self.constraint}: {self.message} ({self.count} row{'s' * (self.count != 1)})" + (
            f", e.g. {ex}" if ex else "")


class SampleViolations(ModelError):
    """The data breaks the model; ``violations`` lists each broken constraint with example rows."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__(f"{len(violations)} constraint violation(s), nothing loaded:\n"
                         + "\n".join(f"  {v}" for v in violations))


def _stage_type(t: DataType) -> str:
    if t.kind == "decimal" and t.precision:
        return f"DECIMAL({min(t.precision, 38)}, {t.scale or 0})"
    return STAGE_TYPES[t.kind]


def _read(source: Any, where: str) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    path = Path(os.fspath(source))
    if not path.is_file():
        raise ModelError(f"no such file: {str(path)!r}", where=where)
    readers = {".csv": duckdb.read_csv, ".parquet": duckdb.read_parquet, ".pq": duckdb.read_parquet}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ModelError(f"{path.name}: read .csv or .parquet files, or pass a DataFrame", where=where)
    return reader(str(path)).df()


class _Checker:
    def __init__(self, schema: Schema, frames: dict[str, pd.DataFrame]) -> None:
        self.schema, self.frames = schema, frames
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        self.src: dict[str, str] = {}  # typed view per table: what constraints are checked on
        self.raw: dict[str, str] = {}  # the frame as given: what type checks read
        for n, (name, df) in enumerate(frames.items()):
            raw, typed = f"__raw_{n}", f"__src_{n}"  # generated names: never user text
            self.con.register(raw, df)
            t = schema.table(name)
            cols = [exp.alias_(T(f"TRY_CAST(:c AS {_stage_type(t.column(str(c)).type)})", c=_col(str(c)))
                               if t.has_column(str(c)) else _col(str(c)), _ident(str(c))) for c in df.columns]
            # per model column, a flag for "a value was given but is not of the column's type"
            cols += [exp.alias_(T(f":c IS NOT NULL AND TRY_CAST(:c AS {_stage_type(t.column(str(c)).type)}) IS NULL",
                                  c=_col(str(c))), _ident(f"__badtype_{k}"))
                     for k, c in enumerate(df.columns) if t.has_column(str(c))]
            self.typeflag = getattr(self, "typeflag", {})
            self.typeflag.update({(name, str(c)): f"__badtype_{k}" for k, c in enumerate(df.columns)
                                  if t.has_column(str(c))})
            self.con.execute(f"CREATE VIEW {typed} AS {exp.select(*cols).from_(raw).sql('duckdb')}")
            self.raw[name], self.src[name] = raw, typed
        self.violations: list[Violation] = []
        self.bad: dict[str, list[exp.Expression]] = {name: [] for name in frames}

    def report(self, t: Table, constraint: str, message: str, bad: exp.Expression, cols: list[str],
               raw: bool = False, flag: str | None = None) -> None:
        src = self.raw[t.key] if raw else self.src[t.key]
        q = exp.select("count(*)").from_(src).where(bad.copy())
        count = self.con.execute(q.sql("duckdb")).fetchone()[0]
        if flag is not None:  # the same rows, as the typed view sees them (for force=True)
            self.bad[t.key].append(exp.column(_ident(flag)))
        elif not raw:
            self.bad[t.key].append(bad)
        if not count:
            return
        ex = exp.select(*[_col(c) for c in cols]).from_(src).where(bad.copy()).limit(EXAMPLES)
        cur = self.con.execute(ex.sql("duckdb"))
        names = [d[0] for d in cur.description]
        examples = tuple(dict(zip(names, (_plain(v) for v in row))) for row in cur.fetchall())
        self.violations.append(Violation(t.key, constraint, message, count, examples))

    def check(self, t: Table) -> None:
        df = self.frames[t.key]
        present = [c.name for c in t.columns if c.name in df.columns]
        extra = [c for c in df.columns if not t.has_column(str(c))]
        if extra:
            self.violations.append(Violation(t.key, "columns",
                                             f"the model has no column(s) {', '.join(map(str, extra))}", len(df)))
        for c in t.columns:
            if c.name not in df.columns:
                if not c.nullable and c.default is None and c.generated is None:
                    self.violations.append(Violation(t.key, f"{c.name} NOT NULL",
                                                     f"column {c.name} is missing and has no default", len(df)))
                continue
            self._column(t, c, present)
        keys = [("primary key", t.primary_key), *((u.name, u.columns) for u in t.uniques),
                *((ix.name, ix.columns) for ix in t.indexes if ix.unique and ix.where is None)]
        for name, cols in keys:
            if cols and all(c in df.columns for c in cols):
                self._unique(t, name, tuple(cols), present)
        for fk in t.foreign_keys:
            self._foreign_key(t, fk, present)
        for ck in t.checks:
            if all(c in df.columns for c in ck.columns):
                cond = exp.maybe_parse(ck.expression)
                self.report(t, ck.name, f"CHECK ({ck.expression}) is false", exp.Not(this=exp.paren(cond)), present)

    def _column(self, t: Table, c: Column, present: list[str]) -> None:
        col = _col(c.name)
        flag = self.typeflag[(t.key, c.name)]
        if not c.nullable:  # NULL as given (a value of the wrong type is reported as such, not here)
            self.report(t, f"{c.name} NOT NULL", f"{c.name} is NULL",
                        exp.and_(exp.Is(this=col, expression=exp.Null()), exp.not_(exp.column(_ident(flag)))),
                        present)
        typed = T(f"TRY_CAST(:c AS {_stage_type(c.type)})", c=col)
        self.report(t, f"{c.name} type", f"{c.name} is not a {c.type}",
                    exp.and_(exp.not_(exp.Is(this=col.copy(), expression=exp.Null())),
                             exp.Is(this=typed, expression=exp.Null())), present, raw=True, flag=flag)
        if c.type.kind in ("varchar", "char") and c.type.length:
            self.report(t, f"{c.name} length", f"{c.name} is longer than {c.type.length}",
                        T("length(CAST(:c AS VARCHAR)) > :n", c=col, n=c.type.length), present)
        if c.type.kind == "enum":
            values = self.schema.enum(c.type.enum).values
            self.report(t, f"{c.name} enum", f"{c.name} is not one of {', '.join(values)}",
                        exp.and_(exp.not_(exp.Is(this=col.copy(), expression=exp.Null())),
                                 exp.not_(exp.In(this=T("CAST(:c AS VARCHAR)", c=col),
                                                 expressions=[exp.Literal.string(v) for v in values]))), present)

    def _unique(self, t: Table, name: str, cols: tuple[str, ...], present: list[str]) -> None:
        part = [_col(c) for c in cols]
        nonnull = exp.and_(*[exp.not_(exp.Is(this=_col(c), expression=exp.Null())) for c in cols])
        dup = exp.select(*part).from_(self.src[t.key]).where(nonnull).group_by(*[p.copy() for p in part]).having(
            "count(*) > 1")
        key = exp.Tuple(expressions=[p.copy() for p in part]) if len(part) > 1 else part[0].copy()
        self.report(t, name, f"({', '.join(cols)}) repeats", exp.In(this=key, query=dup.subquery()), present)

    def _foreign_key(self, t: Table, fk: ForeignKey, present: list[str]) -> None:
        if not all(c in self.frames[t.key].columns for c in fk.columns):
            return
        nonnull = exp.and_(*[exp.not_(exp.Is(this=_col(c), expression=exp.Null())) for c in fk.columns])
        if fk.ref_table not in self.frames:
            self.violations.append(Violation(t.key, fk.name, f"references {fk.ref_table}, which has no data given",
                                             int(self.con.execute(exp.select("count(*)").from_(self.src[t.key])
                                                                  .where(nonnull).sql("duckdb")).fetchone()[0])))
            return
        parent = exp.select(*[_col(r) for r in fk.ref_columns]).from_(self.src[fk.ref_table])
        left = exp.Tuple(expressions=[_col(c) for c in fk.columns]) if len(fk.columns) > 1 else _col(fk.columns[0])
        bad = exp.and_(nonnull.copy(), exp.not_(exp.In(this=left, query=parent.subquery())))
        self.report(t, fk.name, f"({', '.join(fk.columns)}) not found in {fk.ref_table}"
                    f"({', '.join(fk.ref_columns)})", bad, present)


def _plain(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    return v if isinstance(v, int | float | str | bool | type(None)) else str(v)


def load_sample(schema: Schema, data: Mapping[str, Any], *, engine: str | None = None,
                path: str | os.PathLike[str] | None = None, force: bool = False) -> SampleDB:
    """Validate ``{table: DataFrame | "x.csv" | "x.parquet"}`` against ``schema`` and load it.

    On any violation raises :class:`SampleViolations` (each with example rows) and loads nothing;
    with ``force=True`` the rows that break a constraint are left out (children of left-out rows
    too) and the violations are kept in ``SampleDB.notes``.
    """
    from ..ddl import statements

    frames = {}
    for name, source in data.items():
        frames[schema.table(name).key] = _read(source, name)  # (by key, however the table was spelled)
    checker = _Checker(schema, frames)
    order = [t for t in dependency_order(schema)[0] if t.key in frames]
    if not force:
        for t in order:
            checker.check(t)
        if checker.violations:
            raise SampleViolations(checker.violations)
    if path is not None:
        path = os.fspath(path)
        engine = engine or engine_for_path(path)
        if os.path.exists(path):
            raise ModelError(f"{path} already exists; load_sample() writes a new database")
    engine = (engine or "duckdb").lower()
    if engine not in TARGETS:
        raise ModelError(f"sample engines are {', '.join(TARGETS)}, not {engine!r}")
    target = TARGETS[engine]
    con = target.connect(path)
    rows: dict[str, int] = {}
    try:
        stmts = statements(schema, engine)
        for s in stmts:
            if s.sql and s.kind in ("schema", "type", "sequence", "table"):
                con.execute(s.sql)
        for t in order:
            if force:  # checked against the parents as loaded, so orphans of left-out rows stay out
                checker.check(t)
            rows[t.key] = _load_table(checker, target, con, t, force)
        for s in stmts:
            if s.sql and s.kind not in ("schema", "type", "sequence", "table"):
                con.execute(s.sql)
    except BaseException:
        con.close()
        if path is not None and os.path.exists(path):
            os.remove(path)
        raise
    notes = tuple(str(v) for v in checker.violations)
    if path is not None:
        con.close()
        con = None
    return SampleDB(schema, engine, path, {t.key: rows.get(t.key, 0) for t in schema.tables}, 0, notes, con)


def _load_table(checker: _Checker, target: Any, con: Any, t: Table, force: bool) -> int:
    df = checker.frames[t.key]
    cols = [c for c in t.columns if c.name in df.columns]
    q = exp.select(*[_col(c.name) for c in cols]).from_(checker.src[t.key])
    if force and checker.bad[t.key]:
        q = q.where(exp.not_(exp.or_(*[exp.func("coalesce", b.copy(), exp.false()) for b in checker.bad[t.key]])))
    staged = f"__load_{len(checker.src)}_{abs(hash(t.key)) % 10**8}"
    checker.con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS {q.sql('duckdb')}")
    if force:  # children of left-out parents are left out too: re-point the source at what loaded
        checker.src[t.key] = staged
    out = exp.select(*[exp.alias_(T(target.casts[c.type.kind], c=_col(c.name)) if c.type.kind in target.casts
                                  else _col(c.name), _ident(c.name)) for c in cols]).from_(staged)
    ins_cols = exp.Schema(this=table_ref(t.key), expressions=[_ident(c.name) for c in cols])
    # foreign keys onto the table itself whose columns are given: the rows go in parents first
    own = [fk for fk in t.foreign_keys if checker.schema.has_table(fk.ref_table)
           and checker.schema.table(fk.ref_table).key == t.key and all(c in df.columns for c in fk.columns)]
    if target.in_engine:
        # the frames live in another DuckDB connection: move the staged rows over as a DataFrame
        con.register("__load_frame", checker.con.execute(out.sql("duckdb")).df())

        def sink(rows: str) -> None:
            con.execute(exp.Insert(this=ins_cols, expression=exp.select(*[_col(c.name) for c in cols])
                                   .from_(rows, dialect="duckdb")).sql("duckdb"))

        if own:
            _insert_by_levels(con, "__load_frame", t, own, sink, placed=table_ref(t.key))
        else:
            sink("__load_frame")
        con.unregister("__load_frame")
    else:
        ins_sql = exp.Insert(this=ins_cols, expression=exp.Values(
            expressions=[exp.Tuple(expressions=[exp.Placeholder() for _ in cols])])).sql("sqlite")
        names = ", ".join(_ident(c.name).sql("duckdb") for c in cols)

        def sink(rows: str) -> None:  # (rows: a relation of the DuckDB connection holding the frames)
            cur = checker.con.execute(f"SELECT {names} FROM {rows}")
            while batch := cur.fetchmany(50_000):
                con.executemany(ins_sql, batch)

        if own:
            _insert_by_levels(checker.con, f"({out.sql('duckdb')})", t, own, sink)
        else:
            sink(f"({out.sql('duckdb')})")
    return int(checker.con.execute(exp.select("count(*)").from_(staged).sql("duckdb")).fetchone()[0])


def _insert_by_levels(work: Any, rows: str, t: Table, own: list[ForeignKey], sink: Callable[[str], None],
                      placed: exp.Table | None = None) -> None:
    """The ``rows`` (a relation of DuckDB connection ``work``) into ``t`` through ``sink``, parents
    first: ``own`` are ``t``'s foreign keys onto itself. DuckDB checks a foreign key as each row goes
    in, against the rows already in the table, not those of the same INSERT, and SQLite checks each
    row of the load as it goes in; so rows that reference each other (an employee's manager) go in
    one level of the hierarchy at a time. ``placed`` is where the rows already in are looked up (the
    target table when ``work`` is the target; else a copy kept in ``work``). Rows that reference
    each other in a cycle (or themselves) can go in in no order: a ModelError names the first
    ones, and nothing of the sample is kept (the caller removes the database)."""
    left, ready = "__load_left", "__load_ready"
    work.execute(f"CREATE OR REPLACE TEMP TABLE {left} AS SELECT row_number() OVER () AS __row, * FROM {rows}")
    if placed is None:
        work.execute(f"CREATE OR REPLACE TEMP TABLE __load_placed AS SELECT * EXCLUDE (__row) FROM {left} LIMIT 0")
    lookup = placed if placed is not None else exp.to_table("__load_placed")

    def satisfied(fk: ForeignKey) -> exp.Expression:  # MATCH SIMPLE: any NULL, or the parent row is in
        pairs = zip(fk.columns, fk.ref_columns, strict=True)
        parent = exp.select("1").from_(lookup.copy().as_("p")).where(exp.and_(*[
            exp.EQ(this=_col(r, "p"), expression=_col(c, "l")) for c, r in pairs]))
        return exp.or_(*[exp.Is(this=_col(c, "l"), expression=exp.Null()) for c in fk.columns], exp.Exists(this=parent))

    pick = exp.select("*").from_(exp.to_table(left).as_("l")).where(exp.and_(*[satisfied(fk) for fk in own]))
    while work.execute(f"SELECT count(*) FROM {left}").fetchone()[0]:
        work.execute(f"CREATE OR REPLACE TEMP TABLE {ready} AS {pick.sql('duckdb')}")
        if not work.execute(f"SELECT count(*) FROM {ready}").fetchone()[0]:
            stuck = work.execute(f"SELECT * EXCLUDE (__row) FROM {left} ORDER BY __row LIMIT 3").fetchall()
            raise ModelError(f"{t.key}: rows that reference each other in a cycle (or themselves) through "
                             f"{', '.join(fk.name or ', '.join(fk.columns) for fk in own)}, e.g. {stuck}: each "
                             "foreign key is checked as its row goes in, so no order loads them")
        sink(f"(SELECT * EXCLUDE (__row) FROM {ready})")
        if placed is None:
            work.execute(f"INSERT INTO __load_placed SELECT * EXCLUDE (__row) FROM {ready}")
        work.execute(f"DELETE FROM {left} WHERE __row IN (SELECT __row FROM {ready})")
    for name in (left, ready, "__load_placed"):
        work.execute(f"DROP TABLE IF EXISTS {name}")


# -- inference ------------------------------------------------------------------------------------
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LENGTHS = (16, 32, 50, 100, 255, 500, 1000)


@dataclass
class Inference:
    """A proposed schema from data, with every candidate key found and the FKs proposed."""

    schema: Schema
    candidate_keys: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    foreign_keys: list[tuple[str, tuple[str, ...], str, tuple[str, ...]]] = field(default_factory=list)

    def _repr_html_(self) -> str:
        def cols(t: Table) -> str:
            return ", ".join(f"{c.name} {c.type}" + ("" if c.nullable else " not null") for c in t.columns)

        def keys(t: Table) -> str:
            return "; ".join("(" + ", ".join(k) + ")" for k in self.candidate_keys.get(t.name, []))

        rows = "".join(f"<tr><td>{html.escape(t.name)}</td><td>{html.escape(cols(t))}</td>"
                       f"<td>{html.escape(keys(t))}</td></tr>" for t in self.schema.tables)
        fks = "".join(f"<li>{html.escape(a)}({', '.join(c)}) -> {html.escape(b)}({', '.join(r)})</li>"
                      for a, c, b, r in self.foreign_keys)
        return (f"<table><tr><th>table</th><th>columns</th><th>candidate keys</th></tr>{rows}</table>"
                f"<ul>{fks}</ul>")


def _infer_type(s: pd.Series) -> DataType:
    v = s.dropna()
    if pd.api.types.is_bool_dtype(s):
        return DataType("boolean")
    if pd.api.types.is_integer_dtype(s):
        lo, hi = (int(v.min()), int(v.max())) if len(v) else (0, 0)
        return DataType("integer" if lo >= -(2**31) and hi < 2**31 else "bigint")
    if pd.api.types.is_float_dtype(s):
        return DataType("double")
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return DataType("timestamptz")
    if pd.api.types.is_datetime64_any_dtype(s):
        return DataType("timestamp")
    text = v.astype(str)
    if len(text) == 0:
        return DataType("text")
    if text.str.match(_UUID_RE).all():
        return DataType("uuid")
    if text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all() and pd.to_datetime(text, errors="coerce").notna().all():
        return DataType("date")
    if text.str.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?").all():
        return DataType("timestamp")
    if text.str.fullmatch(r"(?i)true|false").all():
        return DataType("boolean")
    longest = int(text.str.len().max())
    if text.str.len().nunique() == 1 and longest <= 8:
        return DataType("char", length=longest)
    size = next((n for n in _LENGTHS if n >= longest), None)
    return DataType("varchar", length=size) if size else DataType("text")


def infer(data: pd.DataFrame | Mapping[str, pd.DataFrame], name: str = "data") -> Inference:
    """Propose tables for DataFrames: types, NOT NULL, candidate keys, and FKs by value inclusion.

    A column becomes a foreign key candidate when every value appears in another frame's key and
    its name looks like a reference (``*_id``, ``*_code``, ``*_ref``, ``*_key`` or the parent's name).

    >>> import pandas as pd
    >>> users = pd.DataFrame({"id": [1, 2, 3], "email": ["a@x", "b@x", "c@x"]})
    >>> orders = pd.DataFrame({"id": [10, 11], "user_id": [1, 3], "total": [9.5, 3.25]})
    >>> inf = infer({"users": users, "orders": orders})
    >>> inf.foreign_keys
    [('orders', ('user_id',), 'users', ('id',))]
    >>> [str(c.type) for c in inf.schema.table("orders").columns]
    ['integer', 'integer', 'double']
    """
    frames = dict(data) if isinstance(data, Mapping) else {name: data}
    tables: dict[str, Table] = {}
    keys: dict[str, list[tuple[str, ...]]] = {}
    for tname, df in frames.items():
        cols = [Column(str(c), _infer_type(df[c]), nullable=bool(df[c].isna().any())) for c in df.columns]
        n = len(df)
        keyish = [c for c, col in zip(df.columns, cols) if col.type.kind in ("uuid", "smallint", "integer", "bigint",
                                                                         "char", "varchar", "text", "date")]
        single: list[tuple[str, ...]] = [(str(c),) for c in keyish if n and df[c].notna().all() and df[c].is_unique]
        cands = list(single)
        if not single:
            names = [str(c) for c in keyish[:6]]
            for i, a in enumerate(names):
                for b in names[i + 1:]:
                    if n and df[[a, b]].notna().all(axis=None) and not df.duplicated([a, b]).any():
                        cands.append((a, b))
        keys[tname] = cands
        pk: tuple[str, ...] = ()
        preferred = [k for k in cands if len(k) == 1 and k[0].lower() in ("id", f"{tname.lower().rstrip('s')}_id")]
        if preferred or cands:
            pk = (preferred or cands)[0]
        tables[tname] = Table(tname, columns=tuple(cols), primary_key=pk)
    fks: list[tuple[str, tuple[str, ...], str, tuple[str, ...]]] = []
    for child, df in frames.items():
        for c in df.columns:
            values = df[c].dropna()
            if values.empty or (str(c),) == tables[child].primary_key:
                continue
            ctype = tables[child].column(str(c)).type
            for parent, pdf in frames.items():
                pk = tables[parent].primary_key
                if len(pk) != 1 or (parent == child and pk[0] == str(c)):
                    continue
                ptype = tables[parent].column(pk[0]).type
                if not ctype.compatible_with(ptype):
                    continue
                # inclusion alone links every small integer column to every id; ask the name too
                singular = parent.lower().removesuffix("s")
                named = str(c).lower().endswith(("_id", "_code", "_ref", "_key")) or singular in str(c).lower()
                if named and values.isin(set(pdf[pk[0]].dropna())).all():
                    fks.append((child, (str(c),), parent, pk))
                    break
    final = []
    for tname, t in tables.items():
        mine = tuple(ForeignKey(cols, ref, refc) for a, cols, ref, refc in fks if a == tname)
        final.append(Table(t.name, columns=t.columns, primary_key=t.primary_key, foreign_keys=mine))
    return Inference(Schema(tuple(final)), keys, fks)
