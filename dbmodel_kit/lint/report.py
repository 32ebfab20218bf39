"""What a lint run gives back: :class:`Finding` values collected in a :class:`LintReport`.

A report shows itself as a table in Jupyter (``_repr_html_``, built with pandas), as text for a
terminal (``str(report)``) and as JSON for tools (``report.to_json()``).

>>> f = Finding("DM101", "no-primary-key", "error", "table logs has no primary key",
...             "add a key", table="logs")
>>> f.where
'logs'
>>> print(LintReport((f,)))
logs: DM101 error: table logs has no primary key
    fix: add a key
1 finding: 1 error
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

#: Severities from the most to the least serious; ``dbmodel lint`` exits 1 on the first.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: the rule's stable ``id`` and ``name``, its ``severity``, a ``message`` naming
    ``table.column`` and a ``hint`` saying how to fix it."""

    id: str
    rule: str
    severity: Severity
    message: str
    hint: str
    table: str | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, not {self.severity!r}")

    @property
    def where(self) -> str:
        """``table.column``, ``table``, or ``schema`` for findings about the whole design."""
        if self.table is None:
            return "schema"
        return f"{self.table}.{self.column}" if self.column is not None else self.table

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, **asdict(self)}

    def __str__(self) -> str:
        return f"{self.where}: {self.id} {self.severity}: {self.message}\n    fix: {self.hint}"


@dataclass(frozen=True)
class LintReport:
    """The findings of one lint run, in model order (tables as the schema lists them)."""

    findings: tuple[Finding, ...] = ()

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __bool__(self) -> bool:
        return bool(self.findings)

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return self.by_severity("error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return self.by_severity("warning")

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def ids(self) -> list[str]:
        """The rule ids found, one per finding, in report order."""
        return [f.id for f in self.findings]

    def counts(self) -> dict[str, int]:
        """How many findings of each severity (every severity listed, zeros included)."""
        return {s: len(self.by_severity(s)) for s in SEVERITIES}

    def summary(self) -> str:
        if not self.findings:
            return "no findings"
        parts = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in self.counts().items() if n]
        total = len(self.findings)
        return f"{total} finding{'s' if total != 1 else ''}: {', '.join(parts)}"

    # -- outputs ---------------------------------------------------------------------------
    def __str__(self) -> str:
        return "\n".join([*(str(f) for f in self.findings), self.summary()])

    def to_json(self, indent: int | None = 2) -> str:
        """Findings and counts as JSON: ``{"findings": [...], "counts": {...}}``."""
        data = {"findings": [f.to_dict() for f in self.findings], "counts": self.counts()}
        return json.dumps(data, indent=indent, ensure_ascii=False)

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per finding (columns: where, id, severity, message, hint)."""
        import pandas as pd

        columns = ["where", "id", "severity", "message", "hint", "rule", "table", "column"]
        return pd.DataFrame([f.to_dict() for f in self.findings], columns=columns)

    def _repr_html_(self) -> str:
        from html import escape

        head = f"<p><b>Lint:</b> {escape(self.summary())}</p>"
        if not self.findings:
            return head
        frame = self.to_frame()[["where", "id", "severity", "message", "hint"]]
        return head + frame.to_html(index=False, escape=True, border=0, classes="dbmodel-lint")

    def __repr__(self) -> str:
        return f"<LintReport {self.summary()}>"
