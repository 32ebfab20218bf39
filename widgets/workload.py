"""The workload panel: edit named, weighted queries; generate a sample with a row-count slider;
run the workload and read the report (slowest first), each query's plan and the lint findings.

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.model import Model
>>> panel = WorkloadPanel(Model(ecommerce()))
>>> panel.rows.value = 2000; panel.engine.value = "sqlite"
>>> panel.generate_btn.click(); panel.db.rows["users"] > 0
True
>>> panel.run_btn.click(); "recent_orders" in panel.report_html.value
True
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w
from sqlglot import exp

from ..errors import ModelError
from ..model import Model
from ..workload import Report, SampleDB, Workload, lint, run, sample
from ..workload.sample import table_ref
from ._common import Feedback, Panel, Selection, button, with_class

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ecommerce_workload.sql"
NEW = "(new query)"


def _starter(model: Model) -> Workload:
    """The e-commerce example workload when the model has its tables, else one count per table."""
    schema = model.schema
    if EXAMPLE.is_file():
        example = Workload.from_file(EXAMPLE)
        if not example.problems(schema):
            return example
    wl = Workload()
    for t in schema.tables[:5]:
        # (named by key: sales.orders and archive.orders are two queries)
        wl = wl.add(f"count_{t.key}", exp.select("count(*)").from_(table_ref(t.key)).sql())
    return wl


class WorkloadPanel(Panel):
    """Queries and weights, a sample database, a run and its report, for ``model``."""

    title = "Workload"

    def __init__(self, model: Model, workload: Workload | None = None, selection: Selection | None = None) -> None:
        self.workload = workload if workload is not None else _starter(model)
        self.db: SampleDB | None = None
        self.last: Report | None = None
        super().__init__(model, selection)

    # -- layout -----------------------------------------------------------------------------
    def build(self) -> list[w.Widget]:
        self.pick = with_class(w.Dropdown(description="query", options=[]), "dbm-wl-pick")
        self.name = with_class(w.Text(description="name"), "dbm-wl-name")
        self.weight = with_class(w.BoundedFloatText(description="per min", min=0, max=1e9, value=1.0),
                                 "dbm-wl-weight")
        self.sql = with_class(w.Textarea(layout=w.Layout(width="98%", height="7em")), "dbm-wl-sql")
        self.save_btn = button("Save query", "dbm-wl-save", style="primary")
        self.remove_btn = button("Remove", "dbm-wl-remove", style="danger")
        self.query_feedback = Feedback()
        self.rows = with_class(w.IntSlider(description="rows", min=100, max=1_000_000, step=100, value=10_000,
                                           continuous_update=False, layout=w.Layout(width="32em")), "dbm-wl-rows")
        self.engine = with_class(w.ToggleButtons(options=["duckdb", "sqlite"], value="duckdb"), "dbm-wl-engine")
        self.seed = with_class(w.IntText(description="seed", value=0, layout=w.Layout(width="10em")), "dbm-wl-seed")
        self.generate_btn = button("Generate sample", "dbm-wl-generate", style="info")
        self.repeat = with_class(w.BoundedIntText(description="runs", min=1, max=50, value=3,
                                                  layout=w.Layout(width="9em")), "dbm-wl-repeat")
        self.run_btn = button("Run workload", "dbm-wl-run", style="success")
        self.status = Feedback()
        self.report_html = with_class(w.HTML(), "dbm-wl-report")
        self.plan_pick = with_class(w.Dropdown(description="plan of", options=[]), "dbm-wl-plan-pick")
        self.plan_html = with_class(w.HTML(), "dbm-wl-plan")
        self.lint_html = with_class(w.HTML(), "dbm-wl-lint")
        self.pick.observe(self._on_pick, names=["value"])
        self.plan_pick.observe(self._show_plan, names=["value"])
        self.save_btn.on_click(lambda _b: self.save_query())
        self.remove_btn.on_click(lambda _b: self.remove_query())
        self.generate_btn.on_click(lambda _b: self.generate())
        self.run_btn.on_click(lambda _b: self.run_workload())
        return [
            w.HBox([self.pick, self.name, self.weight]), self.sql,
            w.HBox([self.save_btn, self.remove_btn, self.query_feedback]),
            self.lint_html,
            w.HBox([self.rows, self.engine, self.seed, self.generate_btn]),
            w.HBox([self.repeat, self.run_btn, self.status]),
            self.report_html, self.plan_pick, self.plan_html,
        ]

    # -- model and queries ------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the query list and lint; a changed model makes the sample stale."""
        if self.db is not None and self.db.schema != self.model.schema:
            self.db, self.last = None, None
            self.report_html.value = ""
            self.status.error("the model changed: generate the sample again")
        with self.quiet():
            current = self.pick.value
            self.pick.options = [*self.workload.names, NEW]
            self.pick.value = current if current in self.pick.options else self.pick.options[0]
        self._on_pick({"new": self.pick.value})
        self._lint()

    def _on_pick(self, change: dict[str, Any]) -> None:
        name = change["new"]
        if name in (None, NEW):
            self.name.value, self.weight.value, self.sql.value = "", 1.0, ""
            return
        q = self.workload[name]
        self.name.value, self.weight.value, self.sql.value = q.name, q.weight, q.sql

    def _lint(self) -> None:
        problems = self.workload.problems(self.model.schema)
        if problems:
            items = "".join(f"<li style='color:#c62828'>{html.escape(str(p))}</li>" for p in problems)
        else:
            items = "".join(f"<li><b>{html.escape(f.rule)}</b> {html.escape(f.query)}: {html.escape(f.message)}. "
                            f"<i>{html.escape(f.hint)}</i></li>" for f in lint(self.workload, self.model.schema))
        self.lint_html.value = f"<ul class='dbm-wl-findings'>{items}</ul>" if items else ""

    def save_query(self) -> bool:
        """Add the edited query or replace the picked one; names unknown to the model are refused."""
        name = self.name.value.strip()
        old = self.pick.value
        try:
            if old not in (None, NEW) and old != name:
                updated = Workload(tuple(q for q in self.workload if q.name != old)).add(
                    name, self.sql.value, self.weight.value, self.workload[old].params)
            elif name in self.workload.names:
                updated = self.workload.replace(name, sql=self.sql.value, weight=self.weight.value)
            else:
                updated = self.workload.add(name, self.sql.value, self.weight.value)
            updated.check(self.model.schema)
        except ModelError as e:
            self.query_feedback.error(str(e))
            return False
        self.workload = updated
        self.query_feedback.done(f"saved {name}")
        with self.quiet():
            self.pick.options = [*self.workload.names, NEW]
            self.pick.value = name
        self._lint()
        return True

    def remove_query(self) -> None:
        name = self.pick.value
        if name in (None, NEW):
            return
        self.workload = Workload(tuple(q for q in self.workload if q.name != name))
        self.query_feedback.done(f"removed {name}")
        self.refresh()

    # -- sample and run ---------------------------------------------------------------------
    def generate(self) -> None:
        """Fill an in-memory sample of the model with about ``rows`` rows."""
        try:
            self.db = sample(self.model.schema, self.rows.value, engine=self.engine.value, seed=self.seed.value,
                             progress=False)
        except ModelError as e:
            self.db = None
            self.status.error(str(e))
            return
        self.status.done(f"{sum(self.db.rows.values()):,} rows in {self.db.engine} (seed {self.seed.value})")

    def run_workload(self) -> None:
        """Run the workload on the sample (generating one first if needed) and show the report."""
        if self.db is None or self.db.engine != self.engine.value:
            self.generate()
            if self.db is None:
                return
        try:
            self.last = run(self.workload, self.db, repeat=self.repeat.value)
        except ModelError as e:
            self.status.error(str(e))
            return
        self.report_html.value = self.last._repr_html_()
        with self.quiet():
            self.plan_pick.options = list(self.last.frame["query"])
        self._show_plan({"new": self.plan_pick.value})
        errs = f"; {len(self.last.errors)} failed" if self.last.errors else ""
        self.status.done(f"ran {len(self.last.frame)} queries x {self.repeat.value}{errs}")

    def _show_plan(self, change: dict[str, Any]) -> None:
        name = change["new"]
        plan = self.last.plans.get(name, "") if self.last is not None and name else ""
        self.plan_html.value = f"<pre style='font-size:11px'>{html.escape(plan)}</pre>" if plan else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
