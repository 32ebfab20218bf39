"""Index and clustering advice on a DuckDB sample, verified with ``EXPLAIN ANALYZE``.

DuckDB reads tables in row groups (122,880 rows) and skips a row group whose min/max (its
zonemap) excludes a filter; its ART indexes serve a scan only in narrow cases. Checked with
``EXPLAIN (ANALYZE, FORMAT JSON)`` on DuckDB 2.0 (``Type: Index Scan`` vs ``Sequential Scan``):

- an ART index is used for a ``col = value`` or a one-sided ``col > value`` / ``col < value``
  that is the *only* filter on the table, and only when few rows match (at most
  ``index_scan_max_count`` = 2048 or ``index_scan_percentage`` = 0.1% of the table); ``IN``
  lists, ``BETWEEN``, ``OR`` and a second filter on the table give a sequential scan;
- a join whose build side is small can push its keys into the probe side's scan, which then
  reads the probe table's ART index;
- composite, partial and covering indexes do not exist for scans (no index-only reads).

So :func:`advise_duckdb` proposes an ART index per single-column filter or join column in those
shapes, builds them on a copy of the sample and keeps only those a plan really reads (``Index
Scan`` on that table) that spare at least 1% of the rows the weighted workload reads
(``rows_scanned``, deterministic) and, on a table the workload writes, whose measured read gain
exceeds the write queries' measured extra time. The other lever is
the physical order: loading a table ``ORDER BY`` a filtered column makes each row group cover a
narrow range, so a range or equality filter skips most row groups. Per table, each filtered
column is tried as the load order on a fresh copy and the one that cuts the weighted row groups
scanned most (by at least :data:`MIN_SKIP`) is suggested as a :class:`Clustering`.

Everything runs on copies in a temporary directory; the sample is only read.
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from ..ddl import foreign_key_left_out, statements
from ..errors import ModelError
from ..model import naming
from ..model.schema import Index, Schema, Table, dependency_order
from ..workload.runner import _binds, run
from ..workload.sample import SampleDB, engine_for_path, existing_file
from ..workload.workload import Workload, as_workload
from .advice import Advice, QueryEvidence, Suggestion
from .analysis import QueryInfo, analyze
from .candidates import Candidate, Rejected, served_by
from .select import MIN_GAIN, Budget

__all__ = ["Clustering", "DuckDBAdvice", "advise_duckdb"]

MIN_SKIP = 0.2  #: a load order must cut the weighted row groups scanned by at least this share
ONLY_FILTER = (
    "DuckDB reads an ART index only for a single =, > or < that is the table's only filter "
    "(checked with EXPLAIN); this query filters {table} on {cols}"
)


@dataclass(frozen=True)
class Clustering:
    """Load ``table`` sorted by ``columns`` so that row-group zonemaps skip what a filter excludes.

    ``row_groups``: per helped query, row groups scanned on the sample before and after, as
    ``(query, "17/17", "1/17")``.
    """

    table: str
    columns: tuple[str, ...]
    helped: tuple[str, ...]
    row_groups: tuple[tuple[str, str, str], ...]

    def sql(self, source: str | None = None) -> str:
        """The load in this order: ``INSERT INTO table SELECT * FROM source ORDER BY columns`` (``source``
        defaults to ``<table>_staging``); DuckDB keeps insertion order in its row groups."""
        src = exp.to_table(source or f"{self.table}_staging")
        q = exp.select("*").from_(src).order_by(*[exp.column(c, quoted=True) for c in self.columns])
        return exp.insert(q, exp.to_table(self.table)).sql("duckdb") + ";"

    def describe(self) -> str:
        return f"load {self.table} ORDER BY {', '.join(self.columns)}"


@dataclass
class DuckDBAdvice(Advice):
    """:class:`~.advice.Advice` plus the suggested load orders (``clustering``). A load order is not an
    operation on the model (the model has no physical row order): ``accept`` applies the ART
    indexes; a :class:`Clustering` is applied when (re)loading the table (:meth:`Clustering.sql`)."""

    clustering: list[Clustering] = field(default_factory=list)

    def to_dict(self, timings: bool = True) -> dict[str, Any]:
        out = super().to_dict(timings)
        out["clustering"] = [
            {
                "table": c.table,
                "order_by": list(c.columns),
                "sql": c.sql(),
                "helps": list(c.helped),
                "row_groups": [{"query": q, "before": b, "after": a} for q, b, a in c.row_groups],
            }
            for c in self.clustering
        ]
        return out

    def to_json(self, timings: bool = True) -> str:
        return json.dumps(self.to_dict(timings), indent=2) + "\n"

    def to_text(self, timings: bool = True) -> str:
        text = super().to_text(timings)
        if not self.clustering:
            return text
        lines = [f"{len(self.clustering)} load order(s) (zonemaps skip row groups):"]
        for c in self.clustering:
            lines.append(f"  {c.sql()}")
            lines.append("    row groups scanned: " + ", ".join(f"{q} {b} -> {a}" for q, b, a in c.row_groups))
        return text + "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        e = html.escape
        if not self.clustering:
            return super()._repr_html_()
        rows = "".join(
            f"<tr><td><code>{e(c.describe())}</code></td><td>{e(', '.join(c.helped))}</td><td>"
            + "<br>".join(f"{e(q)}: {e(b)} &rarr; {e(a)}" for q, b, a in c.row_groups)
            + "</td></tr>"
            for c in self.clustering
        )
        extra = (
            "<div><b>Load order</b>: DuckDB stores rows in row groups of 122,880 in insertion order and keeps "
            "each group's min/max per column; loading the table sorted by the filtered column makes those "
            "ranges narrow, so a filter skips every group it excludes (row groups scanned, from EXPLAIN "
            "ANALYZE on the sample). Apply it when (re)loading the table: <code>INSERT INTO t SELECT * FROM "
            f"staging ORDER BY col</code>.<table><tr><th>order</th><th>helps</th><th>row groups scanned</th>"
            f"</tr>{rows}</table></div>"
        )
        return super()._repr_html_().removesuffix("</div>") + extra + "</div>"


# -- copies and probes ------------------------------------------------------------------------------
class _Sample:
    """The source sample (read only) and fresh copies of it with a load order and ART indexes."""

    def __init__(self, db: SampleDB | str | Path, schema: Schema, tmp: str) -> None:
        if isinstance(db, SampleDB):
            if db.engine != "duckdb":
                raise ModelError(f"advise_duckdb needs a DuckDB sample; this one is {db.engine}")
            self.con, self.owned = db.connect(), db.path is not None
        else:
            path = existing_file(db)
            if engine_for_path(path) != "duckdb":
                raise ModelError(f"{path}: advise_duckdb needs a DuckDB file (.duckdb, .ddb)")
            self.con, self.owned = duckdb.connect(path, read_only=True), True
        self.schema = schema
        #: what the copies declare: the model, less the foreign keys DuckDB cannot hold the sample under
        self.declared = holdable(schema)
        self.name = self.con.execute("SELECT current_database()").fetchone()[0]
        self.tmp = tmp
        self.n = 0
        self.sizes: dict[tuple[str, tuple[str, ...]], int] = {}
        #: per load order, a file no connection has opened since it was made: the model's tables and
        #: indexes with the rows in that order (a later copy with the same order starts from it)
        self.pristine: dict[tuple[tuple[str, tuple[str, ...]], ...], str] = {}

    def copy(self, orders: dict[str, tuple[str, ...]], indexes: Iterable[tuple[str, Index]] = ()) -> str:
        """A new database file: the model's DDL, every table's rows (sorted per ``orders``), then ``indexes``.

        The rows go in once per load order: a second copy with the same order is the first one's file
        copied (a checkpointed DuckDB file is the whole database), then its indexes built, rather than
        the rows copied and sorted again (600,000 events, tests/test_advisor_duckdb.py's workload: 8
        copies of the rows became 5, the advice's CPU 7.1 -> 5.3-6.0 s on a shared machine)."""
        key = tuple(sorted(orders.items()))
        start = self.pristine.get(key)
        if start is None:
            start = self.pristine[key] = self._rows(orders)
        self.n += 1
        path = str(Path(self.tmp) / f"copy{self.n}.duckdb")
        shutil.copyfile(start, path)
        extra = list(indexes)
        if extra:
            dst = duckdb.connect(path)
            try:
                for table, ix in extra:
                    dst.execute(_create_index(table, ix))
                dst.execute("CHECKPOINT")
            finally:
                dst.close()
        return path

    def _rows(self, orders: dict[str, tuple[str, ...]]) -> str:
        """A file of the model's tables and indexes holding the sample's rows sorted per ``orders``."""
        path = str(Path(self.tmp) / f"rows{len(self.pristine) + 1}.duckdb")
        dst = duckdb.connect(path)
        try:
            for s in statements(self.declared, "duckdb"):
                if s.sql and s.kind != "index":
                    dst.execute(s.sql)
        finally:
            dst.close()
        alias = f"dbmodel_copy{self.n}"
        self.con.execute(f"ATTACH {exp.Literal.string(path).sql('duckdb')} AS {alias} (READ_WRITE)")  # no ATTACH tree
        try:
            tables, _ = dependency_order(self.declared)
            for t in tables:
                cols = [exp.column(c, quoted=True) for c in t.column_names]
                q = exp.select(*cols).from_(exp.table_(t.name, db=t.schema or "main", catalog=self.name, quoted=True))
                if t.key in orders:
                    q = q.order_by(*[exp.column(c, quoted=True) for c in orders[t.key]])
                dest = exp.table_(t.name, db=t.schema or "main", catalog=alias, quoted=True)
                target = exp.Schema(
                    this=dest.copy(), expressions=[exp.to_identifier(c, quoted=True) for c in t.column_names]
                )
                selfs = [fk for fk in t.foreign_keys if fk.ref_table == t.key]
                if not selfs or not t.primary_key:
                    self.con.execute(exp.insert(q, target).sql("duckdb"))
                    continue
                # a self-reference: DuckDB checks it against rows already in the table, not the ones
                # the same INSERT adds, so the tree goes in level by level (roots, then their children...)
                src_t = q.find(exp.From).this
                src_t.set("alias", exp.TableAlias(this=exp.to_identifier("s")))
                q = q.transform(
                    lambda n: (
                        exp.column(n.name, table="s", quoted=True) if isinstance(n, exp.Column) and not n.table else n
                    )
                )

                def there(cols: Iterable[str], refs: Iterable[str], dest: exp.Table = dest) -> exp.Exists:
                    on = [
                        exp.EQ(
                            this=exp.column(r, table="d", quoted=True), expression=exp.column(c, table="s", quoted=True)
                        )
                        for c, r in zip(cols, refs, strict=True)
                    ]
                    return exp.Exists(this=exp.select("1").from_(dest.copy().as_("d")).where(exp.and_(*on)))

                ready = [
                    exp.or_(
                        *[exp.column(c, table="s", quoted=True).is_(exp.null()) for c in fk.columns],
                        there(fk.columns, fk.ref_columns),
                    )
                    for fk in selfs
                ]
                level = q.where(exp.and_(exp.not_(there(t.primary_key, t.primary_key)), *ready))
                while self.con.execute(exp.insert(level, target).sql("duckdb")).fetchone()[0]:
                    pass
                count = exp.select(exp.Count(this=exp.Star()))
                got, want = (
                    self.con.execute(count.from_(x).sql("duckdb")).fetchone()[0]
                    for x in (dest.copy(), exp.table_(t.name, db=t.schema or "main", catalog=self.name, quoted=True))
                )
                if got != want:
                    raise ModelError(
                        f"{want - got} rows reference a parent row that is not in the sample", where=t.key
                    )
        finally:
            self.con.execute(f"DETACH {alias}")
        dst = duckdb.connect(path)
        try:
            for s in statements(self.declared, "duckdb"):
                if s.sql and s.kind == "index":
                    dst.execute(s.sql)
            dst.execute("CHECKPOINT")
        finally:
            dst.close()
        return path

    def close(self) -> None:
        if self.owned:
            self.con.close()


def holdable(schema: Schema) -> Schema:
    """``schema`` with its self-references that have a NOT NULL column replaced by an index on their
    columns. DuckDB checks a foreign key against the rows already in the table (not the row itself,
    nor others of the same INSERT), so under such a key no first row can go in and the table stays
    empty ("Violates foreign key constraint because key ... does not exist in the referenced table",
    DuckDB 2.0); the sample holds those rows (each root its own parent; a DuckDB sample declares no
    foreign keys, they are verified). The index stands for the ART index DuckDB keeps for a foreign
    key, so the plans measured on the copies read what they would under the key.

    >>> from dbmodel_kit.model.spec import build_table
    >>> s = Schema((build_table("t", {"id": "integer pk", "up": "integer not null references t",
    ...                               "prev": "integer references t"}),))
    >>> t = holdable(s).table("t")
    >>> [fk.columns for fk in t.foreign_keys], [ix.columns for ix in t.indexes]
    ([('prev',)], [('up',)])
    """
    def kept(t: Table) -> Table:
        out = [fk for fk in t.foreign_keys
               if fk.ref_table == t.key and not all(t.column(c).nullable for c in fk.columns)]
        if not out:
            return t
        indexes = t.indexes + tuple(Index(fk.columns, name=fk.name) for fk in out
                                    if not any(ix.columns[: len(fk.columns)] == fk.columns for ix in t.indexes))
        return replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk not in out), indexes=indexes)

    tables = tuple(kept(t) for t in schema.tables)
    return schema if tables == schema.tables else replace(schema, tables=tables)


def _create_index(table: str, ix: Index) -> str:
    return exp.Create(
        kind="INDEX",
        this=exp.Index(
            this=exp.to_identifier(ix.name, quoted=True),
            table=exp.to_table(table),
            params=exp.IndexParameters(columns=[exp.column(c, quoted=True) for c in ix.columns]),
        ),
    ).sql("duckdb")


@dataclass(frozen=True)
class Scan:
    """One table scan of an ``EXPLAIN ANALYZE`` plan."""

    table: str
    index: bool  #: ``Type: Index Scan``
    row_groups: int
    total_row_groups: int
    rows: int = 0  #: rows the scan read (``rows_scanned``): deterministic, unlike timings


def _walk(node: dict) -> Iterable[dict]:
    yield node
    for c in node.get("children", ()):
        yield from _walk(c)


def probe(path: str, w: Workload) -> dict[str, list[Scan]]:
    """Per query, the table scans of its ``EXPLAIN (ANALYZE, FORMAT JSON)`` (writes rolled back)."""
    con = duckdb.connect(path)
    out: dict[str, list[Scan]] = {}
    try:
        for q in w:
            b = _binds(q, 0)
            sql = "EXPLAIN (ANALYZE, FORMAT JSON) " + q.for_engine("duckdb")  # sqlglot has no EXPLAIN tree
            con.execute("BEGIN TRANSACTION")
            try:
                rows = (con.execute(sql, b) if b is not None else con.execute(sql)).fetchall()
            except duckdb.Error as e:
                raise ModelError(f"DuckDB cannot run it: {str(e).splitlines()[0]}", where=q.where) from None
            finally:
                con.execute("ROLLBACK")
            plan = json.loads(rows[0][1])
            scans = []
            for root in plan.get("operator", ()):
                for n in _walk(root):
                    info = n.get("extra_info") or {}
                    if n.get("type") == "TABLE_SCAN" and "Table" in info:
                        scans.append(
                            Scan(
                                str(info["Table"]).rsplit(".", 1)[-1],
                                info.get("Type") == "Index Scan",
                                int(n.get("row_groups_scanned", 0)),
                                int(n.get("total_row_groups_to_scan", 0)),
                                int(n.get("rows_scanned", 0)),
                            )
                        )
            out[q.name] = scans
    finally:
        con.close()
    return out


def _rows(scans: list[Scan], table: str) -> int:
    return sum(s.rows for s in scans if s.table == table)


def _groups(scans: list[Scan], table: str) -> tuple[int, int]:
    hit = [s for s in scans if s.table == table]
    return sum(s.row_groups for s in hit), sum(s.total_row_groups for s in hit)


# -- the advisor ------------------------------------------------------------------------------------
def _art_candidates(infos: list[QueryInfo], schema: Schema) -> tuple[list[Candidate], list[Rejected]]:
    found: dict[Candidate, None] = {}
    rejected: dict[Candidate, str] = {}
    for info in infos:
        for table, u in info.tables.items():
            filt = list(dict.fromkeys([*u.eq, *u.in_, *u.range]))
            cols = filt if len(filt) == 1 else []
            cols += [j for j in u.join if j not in cols]
            for col in cols:
                c = Candidate(table, (col,))
                # (a key the DDL leaves out, such as one to another schema, has no ART index)
                fk = next((f for f in schema.table(table).foreign_keys if f.columns[0] == col
                           and foreign_key_left_out(schema, schema.table(table), f, "duckdb") is None), None)
                if (name := served_by(c, schema.table(table))) is not None:
                    rejected.setdefault(c, f"already served by {name} on {table}")
                elif fk is not None:  # DuckDB keeps an ART index on every foreign key's columns
                    rejected.setdefault(
                        c,
                        f"already served by the ART index DuckDB keeps for foreign key "
                        f"{fk.name or ', '.join(fk.columns)} on {table}",
                    )
                else:
                    found[c] = None
            if len(filt) > 1:
                for col in filt:
                    rejected.setdefault(Candidate(table, (col,)), ONLY_FILTER.format(table=table, cols=", ".join(filt)))
    # DuckDB runs an UPDATE of an indexed column as delete + insert, which its foreign keys refuse
    # while another row references the old one (its documented over-eager constraint checking)
    for info in infos:
        t = info.written
        if t is None or not info.set_columns:
            continue
        refs = sorted({r.name for r in schema.tables for fk in r.foreign_keys if fk.ref_table == t})
        for c in list(found):
            if refs and c.table == t and c.columns[0] in info.set_columns:
                del found[c]
                rejected[c] = (
                    f"query {info.name} updates {t}.{c.columns[0]}; DuckDB runs an UPDATE of an indexed "
                    f"column as delete + insert, which the foreign keys from {', '.join(refs)} refuse"
                )
    rejected = {c: r for c, r in rejected.items() if c not in found}
    return sorted(found, key=lambda c: c.sort_key), [Rejected(c, r) for c, r in rejected.items()]


def _order_candidates(infos: Iterable[QueryInfo]) -> dict[str, list[str]]:
    out: dict[str, dict[str, None]] = {}
    for info in infos:
        for table, u in info.tables.items():
            for col in [*u.range, *u.eq, *u.in_]:
                out.setdefault(table, {})[col] = None
    return {t: list(cols) for t, cols in out.items()}


def advise_duckdb(
    schema: Schema,
    workload: Workload | str | Path,
    db: SampleDB | str | Path,
    *,
    budget: Budget | int | str | None = None,
    dialect: str = "duckdb",
    repeat: int = 5,
) -> DuckDBAdvice:
    """ART indexes DuckDB will read and load orders whose zonemaps skip row groups, for ``workload``
    on the DuckDB sample ``db``, each verified with ``EXPLAIN ANALYZE`` on a copy and timed.

    ``budget``: at most this many ART indexes (a size budget counts ~ rows x (key width + 8) bytes).
    """
    started = time.perf_counter()
    w = as_workload(workload).check(schema)
    limit = Budget.parse(budget)
    infos = {q.name: analyze(q, schema) for q in w}
    with tempfile.TemporaryDirectory(prefix="dbmodel-advise-duckdb-") as tmp:
        src = _Sample(db, schema, tmp)
        try:
            base_path = src.copy({})
            before = run(w, base_path, repeat=repeat, schema=schema)
            base_scans = probe(base_path, w)
            before_ms = {r["query"]: r["median_ms"] for r in before.frame.to_dict("records")}
            copies = 1

            # ART indexes: every candidate built on one copy; keep those a plan reads that spare rows
            cands, rejected = _art_candidates(list(infos.values()), schema)
            taken = {ix.name for t in schema.tables for ix in t.indexes}
            named: list[tuple[Candidate, Index]] = []
            for c in cands:
                stem = naming.index_name(c.table, c.columns)
                name, n = stem, 2
                while name in taken:
                    name, n = f"{stem}_{n}", n + 1
                taken.add(name)
                named.append((c, Index(c.columns, name=name)))
            chosen: list[tuple[Candidate, Index, tuple[str, ...], float, int, float]] = []
            if named:
                trial = src.copy({}, [(c.table, ix) for c, ix in named])
                copies += 1
                trial_ms = {
                    r["query"]: r["median_ms"]
                    for r in run(w, trial, repeat=repeat, schema=schema).frame.to_dict("records")
                }
                trial_scans = probe(trial, w)
                per_table = {t: sum(1 for c, _ in named if c.table == t) for t in {c.table for c, _ in named}}
                total_rows = sum(q.weight * sum(x.rows for x in base_scans[q.name]) for q in w)
                for c, ix in named:
                    helped = tuple(
                        q.name
                        for q in w
                        if infos[q.name].kind == "read"
                        and _reads_index(trial_scans[q.name], base_scans[q.name], c, infos[q.name])
                    )
                    # the decision rests on rows read (deterministic); timings measure the gain and, for a
                    # table the workload writes, veto an index whose write cost exceeds it
                    avoided = sum(
                        w[q].weight * (_rows(base_scans[q], c.table) - _rows(trial_scans[q], c.table)) for q in helped
                    )
                    gain = sum(w[q].weight * (before_ms.get(q, 0) - trial_ms.get(q, 0)) for q in helped)
                    writes = [
                        n
                        for n, i in infos.items()
                        if i.written == c.table and (i.set_columns is None or c.columns[0] in i.set_columns)
                    ]  # rows it re-indexes
                    cost = (
                        sum(infos[n].weight * max(trial_ms.get(n, 0) - before_ms.get(n, 0), 0.0) for n in writes)
                        / per_table[c.table]
                    )
                    if not helped:
                        rejected.append(
                            Rejected(
                                c,
                                "no plan reads it: DuckDB scanned the table sequentially with "
                                "the index in place (an IN list, BETWEEN, another filter, or "
                                "too many matching rows)",
                            )
                        )
                    elif avoided <= MIN_GAIN * total_rows:
                        rejected.append(
                            Rejected(
                                c,
                                f"DuckDB reads it ({', '.join(helped)}) but it spares less than "
                                f"{MIN_GAIN:.0%} of the rows the workload reads",
                            )
                        )
                    elif writes and gain <= cost:
                        rejected.append(
                            Rejected(
                                c,
                                f"write cost {cost:.3g} ms/min outweighs the read gain "
                                f"{gain:.3g} ms/min on this workload",
                            )
                        )
                    else:
                        chosen.append((c, ix, helped, gain - cost, _art_bytes(src, c), avoided))
                chosen.sort(key=lambda x: -x[5])
                keep: list[tuple[Candidate, Index, tuple[str, ...], float, int, float]] = []
                for item in chosen:
                    if limit.fits(len(keep) + 1, sum(k[4] for k in keep) + item[4]):
                        keep.append(item)
                    else:
                        rejected.append(Rejected(item[0], "over the budget"))
                chosen = keep
            arts = [(c.table, ix) for c, ix, *_ in chosen]
            art_path = src.copy({}, arts) if arts else base_path
            copies += bool(arts)
            art_scans = probe(art_path, w) if arts else base_scans

            # load orders: per table, the filtered column whose order skips the most row groups, over
            # the queries the chosen ART indexes leave scanning it (the trial copies need no index)
            clustering: dict[str, tuple[str, ...]] = {}
            clusters: list[Clustering] = []
            for table in dict.fromkeys(t for i in infos.values() for t in i.tables):
                qs = [
                    q
                    for q in w
                    if table in infos[q.name].tables
                    and not any(x.table == table and x.index for x in art_scans[q.name])
                ]
                if not any(_groups(art_scans[q.name], table)[1] > 1 for q in qs):
                    continue  # one row group (or every query served by an index): nothing to skip
                cols = _order_candidates([infos[q.name] for q in qs]).get(table, [])
                base_w = sum(q.weight * _groups(art_scans[q.name], table)[0] for q in qs)
                best: tuple[float, str, dict[str, list[Scan]]] | None = None
                for col in cols:
                    scans = probe(src.copy({table: (col,)}), w)
                    copies += 1
                    got = sum(q.weight * _groups(scans[q.name], table)[0] for q in qs)
                    if got <= base_w * (1 - MIN_SKIP) and (best is None or got < best[0]):
                        best = (got, col, scans)
                if best is not None:
                    _, col, scans = best
                    clustering[table] = (col,)
                    rg = tuple(
                        (
                            q.name,
                            "{}/{}".format(*_groups(base_scans[q.name], table)),
                            "{}/{}".format(*_groups(scans[q.name], table)),
                        )
                        for q in qs
                        if _groups(scans[q.name], table)[0] < _groups(art_scans[q.name], table)[0]
                    )
                    clusters.append(Clustering(table, (col,), tuple(r[0] for r in rg), rg))
            final = src.copy(clustering, arts) if clustering else art_path
            copies += bool(clustering)
            after = run(w, final, repeat=repeat, schema=schema) if (clustering or arts) else before
            advise_s = time.perf_counter() - started
        finally:
            src.close()
    after_ms = {r["query"]: r["median_ms"] for r in after.frame.to_dict("records")}
    suggestions = [
        Suggestion(c.table, ix, helped, size, round(benefit, 4)) for c, ix, helped, benefit, size, _ in chosen
    ]
    evidence = [
        QueryEvidence(
            q.name,
            q.kind,
            q.weight,
            before_ms.get(q.name),
            after_ms.get(q.name),
            before.plans.get(q.name, ""),
            after.plans.get(q.name, ""),
        )
        for q in w
    ]
    return DuckDBAdvice(
        schema,
        suggestions,
        sorted(rejected, key=lambda r: r.candidate.sort_key),
        evidence,
        dialect,
        {"advise_s": advise_s, "copies": copies, "candidates": len(cands), "duckdb": duckdb.__version__},
        clustering=clusters,
    )


def _reads_index(after: list[Scan], before: list[Scan], c: Candidate, info: QueryInfo) -> bool:
    """The query scans ``c``'s table through an index now (and did not before), on ``c``'s column."""
    u = info.tables.get(c.table)
    if u is None or c.columns[0] not in (*u.eq, *u.in_, *u.range, *u.join):
        return False
    return any(s.table == c.table and s.index for s in after) and not any(
        s.table == c.table and s.index for s in before
    )


def _art_bytes(src: _Sample, c: Candidate) -> int:
    """Rough ART size: rows x (key bytes + 8-byte row id); DuckDB reports no per-index size."""
    t = exp.table_(c.table, db="main", catalog=src.name, quoted=True)
    col = exp.column(c.columns[0], quoted=True)
    q = exp.select(exp.Count(this=exp.Star()), exp.func("avg", exp.func("strlen", exp.cast(col, "VARCHAR")))).from_(t)
    key = (c.table, c.columns)
    if key not in src.sizes:
        n, width = src.con.execute(q.sql("duckdb")).fetchone()
        src.sizes[key] = int((n or 0) * ((width or 8) + 8))
    return src.sizes[key]


__all__ += ["Scan", "probe"]
