"""The migration review panel: the plan of the edits since a checkpoint, for a dialect, with its
SQL / Alembic / JSON preview, lint findings, the ERD coloured by the plan, and an Export button.

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.model import Model
>>> m = Model(ecommerce()); panel = MigrationPanel(m)
>>> _ = m.rename_column("users.phone", "phone_number")
>>> panel.plan.describe(), [f.id for f in panel.findings]
(['rename column users.phone -> phone_number'], ['BC102'])
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..migrate import Plan
from ..migrate.emit import to_alembic, to_json, to_sql
from ..migrate.lint import Finding, lint, summary, to_html
from ..model import Model
from ._common import Feedback, Panel, Selection, button, with_class

DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "duckdb")
FORMATS = {"SQL": "sql", "Alembic": "alembic", "JSON": "json"}
EXTENSIONS = {"sql": ".sql", "alembic": ".py", "json": ".json"}


class MigrationPanel(Panel):
    """Review the migration of ``model`` since ``checkpoint`` (default: the model's state now)."""

    title = "Migration"

    def __init__(self, model: Model, checkpoint: int | None = None, selection: Selection | None = None,
                 *, erd: bool = True) -> None:
        self.start = model.checkpoint() if checkpoint is None else checkpoint
        self.show_erd = erd
        self.plan: Plan = model.plan_since(self.start)
        self.findings: list[Finding] = []
        self.text = ""
        super().__init__(model, selection)

    def build(self) -> list[w.Widget]:
        self.checkpoint = with_class(w.BoundedIntText(value=self.start, min=0, max=self.model.checkpoint(),
                                                      description="since", layout=w.Layout(width="10em")),
                                     "dbm-mig-checkpoint")
        self.dialect = with_class(w.Dropdown(options=DIALECTS, value="postgresql", description="dialect"),
                                  "dbm-mig-dialect")
        self.safe = with_class(w.Checkbox(value=False, description="lock-safe (--safe)", indent=False),
                               "dbm-mig-safe")
        self.format = with_class(w.ToggleButtons(options=list(FORMATS), value="SQL"), "dbm-mig-format")
        self.steps = w.HTML()
        self.lint_html = w.HTML()
        self.preview = with_class(w.Textarea(value="", layout=w.Layout(width="98%", height="18em")),
                                  "dbm-mig-preview")
        self.erd_view = w.HTML()
        self.path = with_class(w.Text(value="migration.sql", description="file"), "dbm-mig-path")
        self.export_button = button("Export", "dbm-mig-export", icon="download")
        self.feedback = Feedback()
        for control in (self.checkpoint, self.dialect, self.safe, self.format):
            control.observe(self._on_option, names=["value"])
        self.export_button.on_click(lambda _b: self.export())
        tabs = w.Tab(children=[self.steps, self.lint_html, self.preview, self.erd_view])
        for i, name in enumerate(("Steps", "Lint", "Preview", "ERD")):
            tabs.set_title(i, name)
        return [w.HBox([self.checkpoint, self.dialect, self.safe]), self.format, tabs,
                w.HBox([self.path, self.export_button]), self.feedback]

    def _on_option(self, change: dict[str, Any]) -> None:
        if self.redrawing:
            return
        if change["owner"] is self.format:
            ext = EXTENSIONS[FORMATS[self.format.value]]
            self.path.value = str(Path(self.path.value).with_suffix(ext))
        self.refresh()

    def _on_select(self, _change: dict[str, Any]) -> None:
        """The plan does not depend on the selected table."""

    def refresh(self) -> None:
        with self.quiet():
            self.checkpoint.max = self.model.checkpoint()
        try:
            self.plan = self.model.plan_since(int(self.checkpoint.value))
            dialect, safe = self.dialect.value, self.safe.value
            self.findings = lint(self.plan, dialect, safe=safe)
            self.text = self.render(FORMATS[self.format.value])
        except ModelError as e:
            self.feedback.error(str(e))
            return
        self.feedback.clear()
        self.steps.value = self.plan._repr_html_()
        self.lint_html.value = f"<b>{html.escape(summary(self.findings))}</b>" + to_html(self.findings)
        self.preview.value = self.text
        self.erd_view.value = self._erd()

    def render(self, fmt: str) -> str:
        """The plan as ``sql``, ``alembic`` or ``json`` for the chosen dialect and safe mode."""
        if fmt == "sql":
            return to_sql(self.plan, self.dialect.value, safe=self.safe.value)
        if fmt == "alembic":
            return to_alembic(self.plan, dialect=self.dialect.value)
        return to_json(self.plan, dialect=self.dialect.value, safe=self.safe.value)

    def _erd(self) -> str:
        if not self.show_erd:
            return ""
        try:
            from ..erd.render import render
        except ImportError:  # the ERD package is optional for this panel
            return "<i>ERD not available</i>"
        try:
            return render(self.model.schema, "svg", compare=self.plan).decode("utf-8")
        except ModelError as e:
            return f"<i>{html.escape(str(e))}</i>"

    def export(self) -> Path | None:
        """Write the previewed text to the file named in the panel; returns the path."""
        path = Path(self.path.value)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.text, encoding="utf-8")
        except OSError as e:
            self.feedback.error(f"{path}: {e.strerror or e}")
            return None
        self.feedback.done(f"wrote {path} ({len(self.plan.steps)} steps, {summary(self.findings)})")
        return path

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live panel, plus a static snapshot (ERD diff, lint summary, the previewed text) for
        readers without a kernel (GitHub, nbviewer)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        erd = self._erd()
        if "<svg" in erd:  # an image: an inline <svg> is stripped where the notebook is not trusted
            from ..erd.render import svg_html

            erd = svg_html(erd, "ERD of the model, changes coloured")
        bundle["text/html"] = (
            f"<div><p><b>Migration plan</b> (static snapshot; run the notebook for the live panel): "
            f"{len(self.plan.steps)} step(s), {html.escape(self.dialect.value)}, "
            f"lint: {html.escape(summary(self.findings))}</p>{erd}"
            f"<pre>{html.escape(self.text)}</pre></div>")
        return bundle


__all__ = ["MigrationPanel"]
