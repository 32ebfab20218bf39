"""The result of :func:`~dbmodel_kit.advisor.advise`: suggested indexes with the queries each
helps, plans before/after and measured timings, rejected candidates with reasons; ``accept``
turns suggestions into ``AddIndex`` operations on a :class:`~dbmodel_kit.model.Model`."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..ddl import statements
from ..model.ops import AddIndex
from ..model.schema import Index, Schema
from .candidates import Rejected


@dataclass(frozen=True)
class Suggestion:
    """One index to add, and the evidence for it."""

    table: str
    index: Index
    helped: tuple[str, ...]
    bytes: int
    benefit_ms_per_min: float  #: estimated by the calibrated cost model

    @property
    def op(self) -> AddIndex:
        return AddIndex(self.table, self.index)

    def sql(self, schema: Schema, dialect: str) -> str:
        """``CREATE INDEX`` for ``dialect`` (SQLAlchemy's DDL, as the migration emits it)."""
        after = self.op.apply(schema)
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

    @property
    def speedup(self) -> float | None:
        if not self.before_ms or not self.after_ms:
            return None
        return self.before_ms / self.after_ms


@dataclass
class Advice:
    """Suggested indexes (``indexes``), rejected candidates with reasons, per-query evidence."""

    schema: Schema
    indexes: list[Suggestion]
    rejected: list[Rejected]
    queries: list[QueryEvidence]
    dialect: str = "postgresql"
    stats: dict[str, float] = field(default_factory=dict)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.indexes)

    def __len__(self) -> int:
        return len(self.indexes)

    @property
    def ops(self) -> list[AddIndex]:
        return [s.op for s in self.indexes]

    def accept(self, model: Any, only: Iterable[str] | None = None, skip: Iterable[str] = ()) -> list[AddIndex]:
        """Apply the suggestions (all, or those named in ``only``, minus ``skip``) to ``model``, each
        as its own ``AddIndex`` (undo takes back one at a time); returns the operations applied."""
        keep = set(only) if only is not None else None
        drop = set(skip)
        applied = []
        for s in self.indexes:
            if (keep is None or s.index.name in keep) and s.index.name not in drop:
                model.apply(s.op)
                applied.append(s.op)
        return applied

    def weighted_ms(self, which: str) -> float:
        """Weighted time per minute of the workload, ``before`` or ``after``."""
        return sum(q.weight * (getattr(q, f"{which}_ms") or 0.0) for q in self.queries)

    def to_dict(self, timings: bool = True) -> dict[str, Any]:
        """The JSON shape of ``dbmodel advise``; ``timings=False`` leaves measured times out (for golden files)."""
        out: dict[str, Any] = {"indexes": [{"table": s.table, "columns": list(s.index.columns),
                                            "unique": s.index.unique, "where": s.index.where,
                                            "sql": s.sql(self.schema, self.dialect), "helps": list(s.helped)}
                                           for s in self.indexes],
                               "rejected": [{"table": r.candidate.table, "columns": list(r.candidate.columns),
                                             "where": r.candidate.where, "reason": r.reason} for r in self.rejected]}
        out["queries"] = [{"name": q.name, **({"before_ms": _r(q.before_ms), "after_ms": _r(q.after_ms)}
                                              if timings else {"plan_before": q.plan_before,
                                                               "plan_after": q.plan_after})}
                          for q in self.queries]
        return out

    def to_json(self, timings: bool = True) -> str:
        return json.dumps(self.to_dict(timings), indent=2) + "\n"

    def to_text(self, timings: bool = True) -> str:
        """A plain-text summary; ``timings=False`` leaves measured times and sizes out (for golden files)."""
        lines = [f"{len(self.indexes)} index(es) suggested for {self.dialect}:"]
        for s in self.indexes:
            lines.append(f"  {s.sql(self.schema, self.dialect) or s.op.describe()}")
            size = f"; ~{s.bytes / 1024:.0f} KiB on the sample" if timings else ""
            lines.append(f"    helps: {', '.join(s.helped) or '-'}{size}")
        if timings:
            before, after = self.weighted_ms("before"), self.weighted_ms("after")
            lines.append(f"weighted time per minute of workload: {before:.1f} ms -> {after:.1f} ms")
            for q in self.queries:
                sp = f" ({q.speedup:.1f}x)" if q.speedup else ""
                lines.append(f"  {q.name}: {_f(q.before_ms)} -> {_f(q.after_ms)} ms{sp}")
        if self.rejected:
            lines.append("rejected:")
            lines += [f"  {r.candidate}: {r.reason}" for r in self.rejected]
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td><code>{e(s.sql(self.schema, self.dialect))}</code></td><td>{e(', '.join(s.helped))}"
                       f"</td><td>{s.bytes / 1024:.0f} KiB</td></tr>" for s in self.indexes)
        qs = "".join(f"<tr><td>{e(q.name)}</td><td>{q.weight:g}</td><td>{_f(q.before_ms)}</td><td>{_f(q.after_ms)}"
                     f"</td><td><pre>{e(q.plan_before)}</pre></td><td><pre>{e(q.plan_after)}</pre></td></tr>"
                     for q in self.queries)
        rej = "".join(f"<li><code>{e(str(r.candidate))}</code>: {e(r.reason)}</li>" for r in self.rejected)
        return (f"<div><b>{len(self.indexes)} index(es)</b> for {e(self.dialect)}"
                f"<table><tr><th>index</th><th>helps</th><th>size</th></tr>{rows}</table>"
                f"<table><tr><th>query</th><th>weight</th><th>before ms</th><th>after ms</th><th>plan before</th>"
                f"<th>plan after</th></tr>{qs}</table>"
                f"<details><summary>rejected</summary><ul>{rej}</ul></details></div>")


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"
