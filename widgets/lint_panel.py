"""Lint findings of the current design, re-checked after every edit; picking one selects its table."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..lint import LintReport, lint
from ._common import Panel, set_options, with_class

_MARK = {"error": "✖", "warning": "▲", "info": "•"}


class LintPanel(Panel):
    """The findings of :func:`dbmodel_kit.lint.lint` on the model; clicking one selects its table."""

    title = "Lint"

    def build(self) -> list[w.Widget]:
        self.summary = w.HTML()
        self.findings = with_class(w.Select(options=[], value=None, rows=10, layout=w.Layout(width="100%")),
                                   "dbm-lint-findings")
        self.detail = w.HTML()
        self.findings.observe(self._on_pick, names=["value"])
        self.report: LintReport | None = None
        return [self.summary, self.findings, self.detail]

    def _on_select(self, _change: dict[str, Any]) -> None:
        """Selecting a table elsewhere does not change the findings: nothing to redraw."""

    def refresh(self) -> None:
        report = self.report = lint(self.model.schema)
        rows = [(f"{_MARK.get(f.severity, '')} {f.where}: {f.message}", i) for i, f in enumerate(report)]
        with self.quiet():
            self.findings.value = None
            set_options(self.findings, rows, None)
            self.detail.value = ""
        self.summary.value = f"<b>Lint</b>: {html.escape(report.summary())}"

    def _on_pick(self, change: dict[str, Any]) -> None:
        if self.redrawing or change["new"] is None or self.report is None:
            return
        finding = self.report.findings[change["new"]]
        self.detail.value = (f"<code>{html.escape(finding.id)}</code> {html.escape(finding.rule)} "
                             f"({finding.severity}): {html.escape(finding.message)}<br>"
                             f"<i>fix:</i> {html.escape(finding.hint)}")
        if finding.table is not None and self.model.schema.has_table(finding.table):
            self.selection.table = finding.table
