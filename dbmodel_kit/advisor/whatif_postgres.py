"""The scale path: the same advisor against a real PostgreSQL by URL, with hypothetical indexes.

Where the sample outgrows one machine, :func:`advise_postgres` reads the workload against the
user's own server. Candidates come from :mod:`.analysis` / :mod:`.candidates` as for SQLite, plus
``INCLUDE`` variants (PostgreSQL has covering non-key columns) and the partial ``WHERE`` variants
of recurring soft-delete/status filters. Each configuration is evaluated by HypoPG
(https://hypopg.readthedocs.io: ``hypopg_create_index`` makes an index only the planner of this
session sees; ``hypopg_reset`` forgets them) and PostgreSQL's own ``EXPLAIN (FORMAT JSON)`` total
cost is the what-if oracle; no table is read and nothing is written for it. Selection is
:func:`~.select.greedy` under the budget, net of write cost (each index entry a write changes costs
one ``random_page_cost`` plus the B-tree descent in ``cpu_index_tuple_cost`` per level).

Statistics come from the server's catalog (``pg_class.reltuples``, the planner's estimates of
distinct values and filtered rows), so the tables must have been analysed: a table never
analysed (``reltuples < 0``) gets an ``ANALYZE`` first (``stats["analyzed"]`` names them).

Evidence: with ``measure=True`` (the default) every query is timed (median of ``repeat`` runs,
writes rolled back), the chosen indexes are then really built inside one transaction, the queries
are timed and explained again, and the transaction is rolled back: the server is left as it was,
but ``CREATE INDEX`` holds a ``SHARE`` lock on each table (writes wait) for that time. On a busy
production server pass ``measure=False``: the evidence is then the plans PostgreSQL would choose
with the hypothetical indexes and their estimated costs (``stats["planner_cost"]``), and no timing.

HypoPG plans with any hypothetical index, even one the server could not build (a key column of a
type without a B-tree operator class, such as ``json``); each candidate is therefore first created
on an empty temporary ``LIKE`` copy of its table in a rolled-back transaction, and one PostgreSQL
refuses is rejected with the server's message.

HypoPG must be installed on the server (Debian: ``postgresql-15-hypopg``); the extension is
created with ``CREATE EXTENSION IF NOT EXISTS hypopg`` (this needs the CREATE privilege on the
database) and every hypothetical index is removed before returning.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from ..errors import ModelError
from ..model import naming
from ..model.schema import Index, Schema
from ..workload.runner import _binds
from ..workload.workload import Query, Workload, as_workload
from .advice import Advice, QueryEvidence, Suggestion
from .analysis import QueryInfo, analyze
from .candidates import MAX_COVERING_EXTRA, Candidate, Rejected, generate
from .cost import calibrate
from .select import Budget, greedy

__all__ = ["HypoWhatIf", "PgStats", "advise_postgres", "is_postgres_url"]

MAX_WIDTH = 6  #: widening stops at this many key columns
DIALECT = "postgres"  #: sqlglot's name for PostgreSQL


def is_postgres_url(db: Any) -> bool:
    """Whether ``db`` names a PostgreSQL server (``postgresql://...``, ``postgresql+psycopg://...``)."""
    return isinstance(db, str) and db.split("://", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def _conninfo(url: str) -> str:
    """A libpq URI from a SQLAlchemy-style URL (the ``+driver`` part dropped)."""
    from ..urls import libpq_uri

    return libpq_uri(url)


def _ident(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(DIALECT)


def _where_tree(where: str) -> exp.Expression:
    return sqlglot.parse_one(where)


def _where_cols(where: str | None) -> set[str]:
    return {c.name for c in _where_tree(where).find_all(exp.Column)} if where else set()


def create_index_sql(c: Candidate, name: str | None = None) -> str:
    """``CREATE INDEX [name] ON table (columns) [INCLUDE (...)] [WHERE ...]`` in PostgreSQL's dialect.

    >>> create_index_sql(Candidate("orders", ("status",), "deleted_at IS NULL", ("total",)))
    'CREATE INDEX ON orders("status") INCLUDE ("total") WHERE deleted_at IS NULL'
    """
    return exp.Create(
        kind="INDEX",
        this=exp.Index(
            this=exp.to_identifier(name, quoted=True) if name else None,
            table=exp.to_table(c.table),
            params=exp.IndexParameters(
                columns=[exp.column(col, quoted=True) for col in c.columns],
                include=[exp.column(col, quoted=True) for col in c.include] or None,
                where=exp.Where(this=_where_tree(c.where)) if c.where else None,
            ),
        ),
    ).sql(DIALECT)


def bound_sql(q: Query, i: int = 0) -> str:
    """The statement for PostgreSQL with parameter set ``i`` written in as literals (the planner
    then estimates with the values, as it does for a one-off statement).

    >>> bound_sql(Query("q", "SELECT id FROM t WHERE a = :a ORDER BY b DESC", params=[{"a": "x"}]))
    "SELECT id FROM t WHERE a = 'x' ORDER BY b DESC"
    """
    binds = _binds(q, i)
    try:  # read as PostgreSQL's own SQL: the default reading adds NULLS LAST to a DESC sort, which no
        # backward index scan serves
        tree = sqlglot.parse_one(q.sql, read=DIALECT)
    except sqlglot.errors.ParseError:
        tree = q.tree.copy()
    if binds is not None:
        seq = iter(binds) if isinstance(binds, list) else None
        for p in list(tree.find_all(exp.Placeholder)):
            if isinstance(binds, dict) and p.name:
                p.replace(exp.convert(binds[p.name]))
            elif seq is not None:
                try:
                    p.replace(exp.convert(next(seq)))
                except StopIteration:
                    raise ModelError("has more ? placeholders than parameter values", where=q.where) from None
    return tree.sql(DIALECT)


def _walk(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _walk(child)


def plan_index_names(plan: dict) -> set[str]:
    """Every index an ``EXPLAIN (FORMAT JSON)`` plan reads."""
    return {n["Index Name"] for n in _walk(plan) if "Index Name" in n}


class PgStats:
    """Row counts and distinct values as PostgreSQL's planner estimates them (catalog only, no scan)."""

    def __init__(self, con: Any, schema: Schema) -> None:
        self.con = con
        self.schema = schema
        self._est: dict[str, float] = {}
        self._size: dict[Candidate, int] = {}

    def _estimate(self, select: exp.Select) -> float:
        sql = select.sql(DIALECT)
        if sql not in self._est:
            plan = self.con.execute("EXPLAIN (FORMAT JSON) " + sql).fetchone()[0][0]["Plan"]
            self._est[sql] = float(plan["Plan Rows"])
        return self._est[sql]

    def rows(self, table: str, where: str | None = None) -> int:
        q = exp.select("1").from_(exp.to_table(_ident(table)))
        if where:
            q = q.where(_where_tree(where))
        return max(int(self._estimate(q)), 1)

    def distinct(self, table: str, columns: tuple[str, ...], where: str | None = None) -> int:
        q = exp.select(*[exp.column(c, quoted=True) for c in columns]).distinct().from_(exp.to_table(_ident(table)))
        if where:
            q = q.where(_where_tree(where))
        return max(int(self._estimate(q)), 1)

    def index_bytes(self, c: Candidate) -> int:
        """HypoPG's estimate of the index's size (``hypopg_relation_size``)."""
        if c not in self._size:
            oid = self.con.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (create_index_sql(c),)).fetchone()[
                0
            ]
            try:
                self._size[c] = int(self.con.execute("SELECT hypopg_relation_size(%s)", (oid,)).fetchone()[0])
            finally:
                self.con.execute("SELECT hypopg_drop_index(%s)", (oid,))
        return self._size[c]


class HypoWhatIf:
    """Plans and costs of workload queries under hypothetical index sets (HypoPG), cached per
    (query, indexes on the tables it reads)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.cache: dict[tuple[str, frozenset[Candidate]], tuple[dict, dict[str, Candidate]]] = {}
        self.calls = 0

    @contextmanager
    def hypothetical(self, config: Iterable[Candidate]) -> Iterator[dict[str, Candidate]]:
        """The indexes of ``config`` exist for this session's planner inside the block; yields
        HypoPG's name for each (``<oid>btree_table_cols``)."""
        names: dict[str, Candidate] = {}
        try:
            for c in sorted(config, key=lambda c: c.sort_key):
                _, name = self.con.execute(
                    "SELECT indexrelid, indexname FROM hypopg_create_index(%s)", (create_index_sql(c),)
                ).fetchone()
                names[name] = c
            yield names
        finally:
            self.con.execute("SELECT hypopg_reset()")

    def explain(self, sql: str, fmt: str = "JSON") -> Any:
        rows = self.con.execute(f"EXPLAIN (FORMAT {fmt}) {sql}").fetchall()  # sqlglot has no EXPLAIN tree
        return rows[0][0][0]["Plan"] if fmt == "JSON" else "\n".join(r[0] for r in rows)

    def plan(
        self, query: Query, sql: str, tables: Iterable[str], config: Iterable[Candidate]
    ) -> tuple[dict, dict[str, Candidate]]:
        """The JSON plan of ``sql`` with the candidates of ``config`` on ``tables``, and which
        candidate each hypothetical index name in it stands for."""
        tables = set(tables)
        relevant = frozenset(c for c in config if c.table in tables)
        key = (query.name, relevant)
        if key not in self.cache:
            self.calls += 1
            with self.hypothetical(relevant) as names:
                try:
                    plan = self.explain(sql)
                except Exception as e:  # psycopg.Error: the server's own message names the problem
                    raise ModelError(f"PostgreSQL cannot plan it: {str(e).strip()}", where=query.where) from None
            self.cache[key] = (plan, names)
        return self.cache[key]


def unbuildable(con: Any, c: Candidate) -> str | None:
    """Why PostgreSQL would refuse ``CREATE INDEX`` for ``c`` (None: it builds), found by creating it
    on an empty temporary copy of the table inside a transaction that is rolled back."""
    import psycopg

    probe = Candidate("dbmodel_buildable", c.columns, c.where, c.include)
    like = exp.Schema(
        this=exp.to_table("dbmodel_buildable"), expressions=[exp.LikeProperty(this=exp.to_table(_ident(c.table)))]
    )
    create = exp.Create(kind="TABLE", this=like, properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    try:
        with con.transaction(force_rollback=True):
            con.execute(create.sql(DIALECT))
            con.execute(create_index_sql(probe))
    except psycopg.Error as e:
        return str(e).strip().splitlines()[0]
    return None


def _settings(con: Any) -> dict[str, float]:
    rows = con.execute(
        "SELECT name, setting FROM pg_settings WHERE name IN ('random_page_cost', 'cpu_index_tuple_cost')"
    ).fetchall()
    return {n: float(v) for n, v in rows}


def _include_variants(cands: list[Candidate], infos: Iterable[QueryInfo]) -> list[Candidate]:
    """Covering variants with the read columns as ``INCLUDE`` (non-key) columns: the key stays the
    search key, the extra columns only save the heap visit (an index-only scan)."""
    out: dict[Candidate, None] = {}
    for info in infos:
        for table, u in info.tables.items():
            if u.read is None:
                continue
            for c in cands:
                if c.table != table or c.include:
                    continue
                extra = tuple(sorted(u.read - set(c.columns) - _where_cols(c.where)))
                if extra and len(extra) <= MAX_COVERING_EXTRA:
                    out[Candidate(c.table, c.columns, c.where, extra)] = None
    return [c for c in out if c not in cands]


@contextmanager
def _connect(url: str) -> Iterator[Any]:
    import psycopg

    try:
        con = psycopg.connect(_conninfo(url), autocommit=True)
    except psycopg.Error as e:
        from ..urls import redact_url, scrub

        raise ModelError(f"cannot connect to PostgreSQL: {scrub(str(e).strip().splitlines()[0], url)}",
                         where=redact_url(url)) from None
    try:
        yield con
    finally:
        con.close()


def _check_tables(con: Any, schema: Schema, infos: Iterable[QueryInfo]) -> list[str]:
    """Tables the workload reads that the server lacks raise; those never analysed are analysed."""
    analyzed = []
    for t in sorted({t for i in infos for t in i.tables}):
        row = con.execute("SELECT c.reltuples FROM pg_class c WHERE c.oid = to_regclass(%s)", (_ident(t),)).fetchone()
        if row is None:
            raise ModelError(
                f"table {t} of the model is not on the server (search_path: "
                f"{con.execute('SHOW search_path').fetchone()[0]})"
            )
        if row[0] < 0:
            con.execute(f"ANALYZE {_ident(t)}")
            analyzed.append(t)
    return analyzed


def _ensure_hypopg(con: Any) -> None:
    import psycopg

    try:
        con.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
    except psycopg.Error as e:
        raise ModelError(
            "the PostgreSQL what-if path needs the HypoPG extension on the server "
            "(Debian/Ubuntu: apt install postgresql-<version>-hypopg): "
            f"{str(e).strip().splitlines()[0]}"
        ) from None


def _time(con: Any, sqls: list[str], repeat: int, timeout: float | None) -> tuple[float | None, int, str | None]:
    """Median ms of ``repeat`` runs (after one warm-up) inside savepoints rolled back; rows; error."""
    import psycopg

    times, count = [], 0
    for i in range(repeat + 1):
        sql = sqls[i % len(sqls)]
        con.execute("SAVEPOINT dbmodel_run")
        try:
            if timeout is not None:
                con.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
            start = time.perf_counter()
            cur = con.execute(sql)
            rows = cur.fetchall() if cur.description else []
            elapsed = (time.perf_counter() - start) * 1000
            count = len(rows) if cur.description else max(cur.rowcount, 0)
        except psycopg.Error as e:
            con.execute("ROLLBACK TO SAVEPOINT dbmodel_run")
            return None, 0, str(e).strip().splitlines()[0]
        con.execute("ROLLBACK TO SAVEPOINT dbmodel_run")
        if i:
            times.append(elapsed)
    return statistics.median(times), count, None


def advise_postgres(
    schema: Schema,
    workload: Workload | str | Path,
    url: str,
    *,
    budget: Budget | int | str | None = None,
    dialect: str = "postgresql",
    repeat: int = 5,
    timeout: float | None = None,
    measure: bool = True,
) -> Advice:
    """Suggest indexes for ``workload`` on the PostgreSQL server at ``url`` (``postgresql://user@host/db``),
    evaluated with HypoPG hypothetical indexes and PostgreSQL's ``EXPLAIN`` costs.

    ``budget``: index count or size (``"20MB"``; sizes are HypoPG's estimates). ``measure``: time
    the workload before and after really building the chosen indexes inside a transaction that is
    rolled back (see the module docs); ``False`` leaves the server's tables unlocked and reports
    planner costs only. ``timeout``: seconds after which a timed statement is cancelled.
    """
    started = time.perf_counter()
    w = as_workload(workload).check(schema)
    limit = Budget.parse(budget)
    infos = {q.name: analyze(q, schema) for q in w}
    sqls = {q.name: [bound_sql(q, i) for i in range(max(len(q.params), 1))] for q in w}
    with _connect(url) as con:
        _ensure_hypopg(con)
        con.execute("SELECT hypopg_reset()")
        analyzed = _check_tables(con, schema, infos.values())
        stats = PgStats(con, schema)
        whatif = HypoWhatIf(con)
        settings = _settings(con)

        def plan(name: str, config: frozenset[Candidate]) -> tuple[dict, dict[str, Candidate]]:
            return whatif.plan(w[name], sqls[name][0], infos[name].tables, config)

        def cost(name: str, config: frozenset[Candidate]) -> float:
            return float(plan(name, config)[0]["Total Cost"])

        written_rows: dict[str, float] = {}
        for n, i in infos.items():
            if i.written:
                top = plan(n, frozenset())[0]
                written_rows[n] = max(
                    float(top["Plans"][0]["Plan Rows"]) if top.get("Plans") else float(top["Plan Rows"]), 1.0
                )

        def maintenance(info: QueryInfo, config: frozenset[Candidate]) -> float:
            t = info.written
            touched = [
                c
                for c in config
                if c.table == t
                and (
                    info.set_columns is None  # an UPDATE of no indexed column is a HOT update: no index entry
                    or set(info.set_columns) & (set(c.columns) | set(c.include) | _where_cols(c.where))
                )
            ]
            depth = math.log2(stats.rows(t) + 2) if t else 1.0
            per_entry = settings["random_page_cost"] + settings["cpu_index_tuple_cost"] * depth
            return len(touched) * written_rows[info.name] * per_entry

        base = {q.name: cost(q.name, frozenset()) for q in w}
        before_ms: dict[str, float | None] = {q.name: None for q in w}
        errors: dict[str, str] = {}
        if measure:  # the calibration: planner cost units -> ms, from the reads' measured times
            with con.transaction(force_rollback=True):
                before_ms, errors = _time_all(con, w, sqls, repeat, timeout)
        scale = (
            calibrate([(base[n], ms) for n, ms in before_ms.items() if ms and infos[n].kind == "read"])
            if measure
            else 1.0
        )

        def objective(config: frozenset[Candidate]) -> tuple[float, float]:
            read = sum(infos[q.name].weight * cost(q.name, config) for q in w)
            write = sum(i.weight * maintenance(i, config) for i in infos.values() if i.written)
            return read * scale, write * scale

        def uses(config: frozenset[Candidate]) -> set[Candidate]:
            used: set[Candidate] = set()
            for q in w:
                p, names = plan(q.name, config)
                used |= {names[n] for n in plan_index_names(p) if n in names}
            return used

        checked: dict[Candidate, str | None] = {}

        def refused(c: Candidate) -> str | None:
            if c not in checked:
                checked[c] = unbuildable(con, c)
            return checked[c]

        def extend(c: Candidate) -> list[Candidate]:
            if len(c.columns) >= MAX_WIDTH:
                return []
            cols: dict[str, None] = {}
            for info in infos.values():
                u = info.tables.get(c.table)
                if u is not None and u.read is not None:
                    cols.update(dict.fromkeys([*u.eq, *u.in_, *u.range, *(o for o, _ in u.order_by)]))
            skip = set(c.columns) | _where_cols(c.where)
            wider = [
                Candidate(c.table, (*c.columns, col), c.where, tuple(i for i in c.include if i != col))
                for col in cols
                if col not in skip
            ]
            return [x for x in wider if refused(x) is None]

        try:
            cands, rejected = generate(infos.values(), schema, distinct=stats.distinct, rows=stats.rows)
            cands = sorted([*cands, *_include_variants(cands, infos.values())], key=lambda c: c.sort_key)
            # HypoPG accepts any hypothetical index; a key column without a B-tree operator class
            # (json, ...) would then be advised and fail on the server
            rejected += [
                Rejected(c, f"PostgreSQL cannot build it: {why}") for c in cands if (why := refused(c)) is not None
            ]
            cands = [c for c in cands if refused(c) is None]
            chosen, dropped = greedy(cands, objective, stats.index_bytes, limit, uses, extend)
            final = frozenset(chosen)
            after_cost = {q.name: cost(q.name, final) for q in w}
            suggestions = _suggestions(schema, w, chosen, final, plan, base, objective, stats)
            with whatif.hypothetical(()):
                plans_before = {q.name: whatif.explain(sqls[q.name][0], "TEXT") for q in w}
            with whatif.hypothetical(final) as hypo:
                rename = {h: s.index.name for h, c in hypo.items() for s in suggestions if _cand(s) == c}
                plans_hypo = {q.name: _rename(whatif.explain(sqls[q.name][0], "TEXT"), rename) for q in w}
        finally:
            con.execute("SELECT hypopg_reset()")
        advise_s = time.perf_counter() - started
        after_ms: dict[str, float | None] = {q.name: None for q in w}
        plans_after = plans_hypo
        if measure:
            after_ms, plans_after, more = _build_and_time(con, w, sqls, suggestions, repeat, timeout)
            errors.update(more)
    if not measure:  # greedy's reasons speak of ms; unmeasured, the objective is in planner cost units
        dropped = [Rejected(r.candidate, r.reason.replace(" ms/min", " cost units/min")) for r in dropped]
    evidence = [
        QueryEvidence(
            q.name, q.kind, q.weight, before_ms[q.name], after_ms[q.name], plans_before[q.name], plans_after[q.name]
        )
        for q in w
    ]
    rejected = sorted([*rejected, *dropped], key=lambda r: r.candidate.sort_key)
    return Advice(
        schema,
        suggestions,
        rejected,
        evidence,
        dialect,
        {
            "advise_s": advise_s,
            "whatif_calls": whatif.calls,
            "ms_per_unit": scale,
            "candidates": len(cands),
            "engine": "postgresql+hypopg",
            "units": "ms" if measure else "planner cost",
            "analyzed": analyzed,
            "errors": errors,
            "planner_cost": {n: (round(base[n], 2), round(after_cost[n], 2)) for n in base},
        },
    )


def _cand(s: Suggestion) -> Candidate:
    return Candidate(s.table, s.index.columns, s.index.where, s.index.include)


def _rename(text: str, names: dict[str, str]) -> str:
    for hypo, real in names.items():
        text = text.replace(f'"{hypo}"', real).replace(hypo, real)
    return text


def _suggestions(
    schema: Schema,
    w: Workload,
    chosen: list[Candidate],
    final: frozenset[Candidate],
    plan: Any,
    base: dict[str, float],
    objective: Any,
    stats: PgStats,
) -> list[Suggestion]:
    taken = {ix.name for t in schema.tables for ix in t.indexes}
    out = []
    total = sum(objective(final))
    for c in chosen:
        stem = naming.index_name(c.table, c.columns)
        name, n = stem, 2
        while name in taken:
            name, n = f"{stem}_{n}", n + 1
        taken.add(name)
        helped = []
        for q in w:
            p, names = plan(q.name, final)
            if any(names.get(ix) == c for ix in plan_index_names(p)) and float(p["Total Cost"]) < base[q.name]:
                helped.append(q.name)
        gain = sum(objective(final - {c})) - total  # ms per minute (planner cost units when not measured)
        out.append(
            Suggestion(
                c.table,
                Index(c.columns, name=name, where=c.where, include=c.include),
                tuple(helped),
                stats.index_bytes(c),
                round(gain, 4),
            )
        )
    return out


def _time_all(
    con: Any, w: Workload, sqls: dict[str, list[str]], repeat: int, timeout: float | None
) -> tuple[dict[str, float | None], dict[str, str]]:
    out: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for q in w:
        out[q.name], _, err = _time(con, sqls[q.name], repeat, timeout)
        if err:
            errors[q.name] = err
    return out, errors


def _build_and_time(
    con: Any, w: Workload, sqls: dict[str, list[str]], suggestions: list[Suggestion], repeat: int, timeout: float | None
) -> tuple[dict[str, float | None], dict[str, str], dict[str, str]]:
    """Times and real plans after building the suggestions, in one transaction rolled back at the
    end (the indexes never outlive it; PostgreSQL's DDL is transactional)."""
    with con.transaction(force_rollback=True):
        for s in suggestions:
            con.execute(create_index_sql(_cand(s), s.index.name))
        after, errors = _time_all(con, w, sqls, repeat, timeout)
        plans = {q.name: "\n".join(r[0] for r in con.execute("EXPLAIN " + sqls[q.name][0]).fetchall()) for q in w}
    return after, plans, errors
