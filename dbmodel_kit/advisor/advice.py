"""The result of :func:`~dbmodel_kit.advisor.advise`: suggested indexes with the queries each
helps, plans before/after and measured timings, rejected candidates with reasons; ``accept``
turns suggestions into ``AddIndex`` operations on a :class:`~dbmodel_kit.model.Model`."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from ..ddl import statements
from ..dialects import get_dialect
from ..model.ops import AddIndex
from ..model.schema import Index, Schema
from .candidates import Rejected


def _foldable(where: str) -> tuple[str, ...] | None:
    """The columns of a WHERE made only of plain column tests (``flag``, ``NOT flag``, ``col IS [NOT]
    NULL``, ``col = literal``) joined by AND, which an index can search as key columns; else None."""
    cols: list[str] = []

    def walk(e: exp.Expression) -> bool:
        e = e.unnest()
        if isinstance(e, exp.And):
            return walk(e.left) and walk(e.right)
        if isinstance(e, exp.Not):
            e = e.this.unnest()
            if isinstance(e, exp.Column):
                cols.append(e.name)
                return True
            return isinstance(e, exp.Is) and walk(e)
        if isinstance(e, exp.Column):
            cols.append(e.name)
            return True
        if isinstance(e, exp.Is | exp.EQ) and isinstance(e.this, exp.Column) and e.expression.find(exp.Column) is None:
            cols.append(e.this.name)
            return True
        return False

    return tuple(dict.fromkeys(cols)) if walk(sqlglot.parse_one(where)) else None


#: most key columns an index of the dialect serves a scan with, where that is limited: DuckDB reads an
#: ART index only for a single-column =, > or < filter (dbmodel_kit.advisor.duckdb checks it with
#: EXPLAIN), so a composite one would only cost writes
SCAN_KEY_COLUMNS = {"duckdb": 1}


def for_dialect(index: Index, dialect: str) -> tuple[Index | None, str | None]:
    """``index`` as ``dialect`` can hold it, and a note saying what changed and why.

    Without ``INCLUDE`` (MySQL, SQLite, DuckDB) the covering columns become trailing key columns, so
    the index still covers the query. Without partial indexes (MySQL, DuckDB) a WHERE made of plain
    column tests is folded into the key after the key columns (the index then holds every row and
    the filter is searched instead of skipped); any other WHERE, or a unique partial index (whose
    uniqueness would change), is dropped with the reason (``None``). On DuckDB a non-unique index of
    more than one column is dropped too (:data:`SCAN_KEY_COLUMNS`).

    >>> ix = Index(("last_name",), name="ix", where="deleted_at IS NULL", include=("email",))
    >>> for_dialect(ix, "mysql")[0].columns
    ('last_name', 'deleted_at', 'email')
    >>> for_dialect(ix, "postgresql") == (ix, None)
    True
    """
    d = get_dialect(dialect)
    columns, notes = index.columns, []
    where, include = index.where, index.include
    if where and not d.partial_index:
        folded = _foldable(where)
        if folded is None or index.unique:
            why = "its uniqueness holds only where the WHERE does" if index.unique else \
                "the WHERE is not a conjunction of plain column tests to fold into the key"
            return None, f"left out for {d.name}, which has no partial indexes: {why} (WHERE {where})"
        columns = (*columns, *(c for c in folded if c not in columns))
        notes.append(f"{d.name} has no partial indexes: WHERE {where} folded into the key as "
                     f"{', '.join(c for c in folded if c not in index.columns) or 'its existing columns'} "
                     "(the index holds every row; the filter is searched, not skipped)")
        where = None
    if include and not d.include_columns:
        extra = tuple(c for c in include if c not in columns)
        columns = (*columns, *extra)
        notes.append(f"{d.name} has no INCLUDE: {', '.join(include)} appended to the key (the index still covers "
                     "the query)")
        include = ()
    most = SCAN_KEY_COLUMNS.get(d.name)
    if most is not None and len(columns) > most and not index.unique:
        return None, (f"left out for {d.name}: its ART index serves scans only on a single-column =, > or < "
                      f"filter, so ({', '.join(columns)}) would only cost writes (advise on a {d.name} sample "
                      "for ART indexes and load orders)")
    if not notes:
        return index, None
    return Index(columns, name=index.name, unique=index.unique, where=where, method=index.method,
                 include=include), "; ".join(notes)


@dataclass(frozen=True)
class Suggestion:
    """One index to add, and the evidence for it."""

    table: str
    index: Index
    helped: tuple[str, ...]
    bytes: int
    benefit_ms_per_min: float  #: estimated by the calibrated cost model
    #: measured on the sample: the weighted ms per minute the statements it serves (its queries, and the
    #: writes that maintain it) took without it minus with it (None where the evidence engine measures none)
    measured_ms_per_min: float | None = None
    #: the measured noise of that comparison (the spread of the timings with it, weighted)
    noise_ms_per_min: float | None = None
    #: the measurement without it stopped once it showed the gain: it pays at least ``measured_ms_per_min``
    measured_at_least: bool = False

    def benefit_text(self) -> str:
        """The measured gain (the headline) and the model's estimate, in words."""
        est = f"estimated {self.benefit_ms_per_min:.3g} ms/min"
        if self.measured_ms_per_min is None:
            return f"{est} (not measured)"
        least = "at least " if self.measured_at_least else ""
        noise = f" (noise ±{self.noise_ms_per_min:.2g})" if self.noise_ms_per_min is not None else ""
        return f"measured {least}{self.measured_ms_per_min:.3g} ms/min faster{noise}; {est}"

    @property
    def op(self) -> AddIndex:
        return AddIndex(self.table, self.index)

    def for_dialect(self, dialect: str) -> tuple[Index | None, str | None]:
        """The index as ``dialect`` holds it and what changed (see :func:`for_dialect`)."""
        return for_dialect(self.index, dialect)

    def op_for(self, dialect: str) -> AddIndex | None:
        """The ``AddIndex`` of the index as ``dialect`` holds it (None: left out for that dialect)."""
        index, _ = self.for_dialect(dialect)
        return None if index is None else AddIndex(self.table, index)

    def sql(self, schema: Schema, dialect: str) -> str:
        """``CREATE INDEX`` for ``dialect`` (SQLAlchemy's DDL, as the migration emits it), of the index
        as the dialect can hold it (:meth:`for_dialect`); empty when it is left out there."""
        op = self.op_for(dialect)
        if op is None:
            return ""
        after = op.apply(schema)
        for s in statements(after, dialect):
            if s.kind == "index" and s.target == self.index.name:
                return s.sql + ";"
        return ""

    def accept(self, model: Any) -> None:
        """Apply this one suggestion to ``model`` as an ``AddIndex`` operation."""
        model.apply(self.op)


@dataclass(frozen=True)
class QueryEvidence:
    """One query's measured median before/after and its plans on the sample."""

    name: str
    kind: str
    weight: float
    before_ms: float | None
    after_ms: float | None
    plan_before: str
    plan_after: str
    #: the measured noise of the before/after comparison (ms; None where unknown)
    noise_ms: float | None = None

    @property
    def speedup(self) -> float | None:
        if not self.before_ms or not self.after_ms:
            return None
        return self.before_ms / self.after_ms

    @property
    def change(self) -> str:
        """``faster``, ``slower`` or ``same`` (the difference within the measured noise), or ``-``."""
        if self.before_ms is None or self.after_ms is None:
            return "-"
        if self.noise_ms is not None and abs(self.before_ms - self.after_ms) <= self.noise_ms:
            return "same"
        return "faster" if self.after_ms < self.before_ms else "slower"

    def speedup_text(self) -> str:
        """``2.5x``, or ``same`` within the measured noise (a 0.022 -> 0.030 ms change is not a slowdown)."""
        if self.change == "same":
            return "same"
        return f"{self.speedup:.1f}x" if self.speedup else "-"


@dataclass
class Advice:
    """Suggested indexes (``indexes``), rejected candidates with reasons, per-query evidence."""

    schema: Schema
    indexes: list[Suggestion]
    rejected: list[Rejected]
    queries: list[QueryEvidence]
    dialect: str = "postgresql"
    stats: dict[str, Any] = field(default_factory=dict)  #: timings (s), counts, names of timed-out queries

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.indexes)

    def __len__(self) -> int:
        return len(self.indexes)

    @property
    def ops(self) -> list[AddIndex]:
        """The suggestions as ``AddIndex`` operations for the target dialect (see :func:`for_dialect`)."""
        return [op for s in self.indexes if (op := s.op_for(self.dialect)) is not None]

    def accept(self, model: Any, only: Iterable[str] | None = None, skip: Iterable[str] = ()) -> list[AddIndex]:
        """Apply the suggestions (all, or those named in ``only``, minus ``skip``) to ``model``, each
        as its own ``AddIndex`` (undo takes back one at a time) of the index as the target dialect
        holds it (an index the dialect cannot hold is not applied); returns the operations applied."""
        keep = set(only) if only is not None else None
        drop = set(skip)
        applied = []
        for s in self.indexes:
            if (keep is None or s.index.name in keep) and s.index.name not in drop:
                op = s.op_for(self.dialect)
                if op is not None:
                    model.apply(op)
                    applied.append(op)
        return applied

    def weighted_ms(self, which: str) -> float:
        """Weighted time per minute of the workload, ``before`` or ``after``."""
        return sum(q.weight * (getattr(q, f"{which}_ms") or 0.0) for q in self.queries)

    def to_dict(self, timings: bool = True) -> dict[str, Any]:
        """The JSON shape of ``dbmodel advise``; ``timings=False`` leaves measured times out (for golden files)."""
        def index(s: Suggestion) -> dict[str, Any]:  # as the dialect holds it (the suggestion's own if left out)
            ix, note = s.for_dialect(self.dialect)
            ix = ix or s.index
            return {"table": s.table, "columns": list(ix.columns), "unique": ix.unique, "where": ix.where,
                    "sql": s.sql(self.schema, self.dialect), "helps": list(s.helped),
                    **({"include": list(ix.include)} if ix.include else {}), **({"note": note} if note else {})}

        out: dict[str, Any] = {"indexes": [index(s) for s in self.indexes],
                               "rejected": [{"table": r.candidate.table, "columns": list(r.candidate.columns),
                                             "where": r.candidate.where, "reason": r.text(timings)}
                                            for r in self.rejected]}
        out["queries"] = [{"name": q.name, **({"before_ms": _r(q.before_ms), "after_ms": _r(q.after_ms)}
                                              if timings else {"plan_before": q.plan_before,
                                                               "plan_after": q.plan_after})}
                          for q in self.queries]
        return out

    def to_json(self, timings: bool = True) -> str:
        return json.dumps(self.to_dict(timings), indent=2) + "\n"

    def to_text(self, timings: bool = True) -> str:
        """A plain-text summary; ``timings=False`` leaves measured times and sizes out (for golden files)."""
        left = sum(1 for s in self.indexes if s.for_dialect(self.dialect)[0] is None)
        lines = [f"{len(self.indexes)} index(es) suggested for {self.dialect}"
                 + (f" ({left} left out for it: see the notes):" if left else ":")]
        for s in self.indexes:
            lines.append(f"  {s.sql(self.schema, self.dialect) or s.op.describe()}")
            if (note := s.for_dialect(self.dialect)[1]) is not None:
                lines.append(f"    note: {note}")
            size = f"; ~{s.bytes / 1024:.0f} KiB on the sample" if timings else ""
            lines.append(f"    helps: {', '.join(s.helped) or '-'}{size}")
            if timings:
                lines.append(f"    benefit: {s.benefit_text()}")
        if timings:
            before, after = self.weighted_ms("before"), self.weighted_ms("after")
            lines.append(f"weighted time per minute of workload: {before:.1f} ms -> {after:.1f} ms")
            for q in self.queries:
                sp = f" ({q.speedup_text()})" if q.speedup else ""
                lines.append(f"  {q.name}: {_f(q.before_ms)} -> {_f(q.after_ms)} ms{sp}")
        if self.rejected:
            lines.append("rejected:")
            lines += [f"  {r.candidate}: {r.text(timings)}" for r in self.rejected]
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td><code>{e(s.sql(self.schema, self.dialect) or s.op.describe())}</code>"
                       + (f"<br><small>{e(n)}</small>" if (n := s.for_dialect(self.dialect)[1]) else "")
                       + f"</td><td>{e(', '.join(s.helped))}</td><td>{e(s.benefit_text())}"
                       f"</td><td>{s.bytes / 1024:.0f} KiB</td></tr>" for s in self.indexes)
        qs = "".join(f"<tr><td>{e(q.name)}</td><td>{q.weight:g}</td><td>{_f(q.before_ms)}</td><td>{_f(q.after_ms)}"
                     f"</td><td><pre>{e(q.plan_before)}</pre></td><td><pre>{e(q.plan_after)}</pre></td></tr>"
                     for q in self.queries)
        rej = "".join(f"<li><code>{e(str(r.candidate))}</code>: {e(r.text())}</li>" for r in self.rejected)
        return (f"<div><b>{len(self.indexes)} index(es)</b> for {e(self.dialect)}"
                f"<p>weighted time per minute of workload, measured on the sample: {self.weighted_ms('before'):.1f} ms"
                f" &rarr; {self.weighted_ms('after'):.1f} ms</p>"
                f"<table><tr><th>index</th><th>helps</th><th>benefit</th><th>size</th></tr>{rows}</table>"
                f"<table><tr><th>query</th><th>weight</th><th>before ms</th><th>after ms</th><th>plan before</th>"
                f"<th>plan after</th></tr>{qs}</table>"
                f"<details><summary>rejected</summary><ul>{rej}</ul></details></div>")


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"
