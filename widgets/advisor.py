"""The index advisor panel: a SQLite sample (row-count slider), the workload (edited as in the
workload panel), a budget (index count or share of the sample's size), Run, then each suggested
index with its evidence (queries helped, before/after ms, plans before/after) and Accept / Reject /
Un-accept buttons; accepting applies the suggestion's ``AddIndex`` to the model, so it shows in the
Designer, the undo history and the migration; Un-accept takes it out again. The row slider and the
seed show the sample in use (a given one's size too); accepting keeps it (an index changes no rows),
a new row count or seed asks for a new one. Rejected candidates are listed with the advisor's
reasons. A DuckDB sample given to the panel is advised by the DuckDB path (ART indexes where DuckDB
uses them, plus suggested load orders, shown with their row groups scanned before and after).

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.model import Model
>>> m = Model(ecommerce()); panel = AdvisorPanel(m)
>>> panel.rows.value = 3000; panel.repeat.value = 1
>>> panel.run_btn.click(); panel.status.ok, len(panel.advice) > 0
(True, True)
>>> first = panel.advice.indexes[0].index.name
>>> panel.accept(first), m.log[-1] == panel.advice.indexes[0].op, panel.db is not None
(True, True, True)
>>> panel.unaccept(first), panel.state(panel.advice.indexes[0])
(True, 'pending')
"""

from __future__ import annotations

import html
import sqlite3
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import ipywidgets as w
from sqlglot import exp

from ..advisor import Advice, Budget, Suggestion, advise
from ..errors import ModelError
from ..model import Model, Schema
from ..model.ops import DropIndex
from ..workload import SampleDB, Workload, sample
from ..workload.sample import TARGETS
from ..workload.workload import as_workload
from ._common import Feedback, Panel, Selection, button, keep_message_order, with_class
from .workload import WorkloadPanel

__all__ = ["AdvisorPanel"]

DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite")
BUDGETS = (("indexes", "count"), ("% of sample size", "percent"), ("no limit", "none"))  # (label, kind)
DEFAULT_BUDGET = {"count": 5, "percent": 25, "none": 0}
STEPS = 3  #: progress: sample, advise (plans, measure before, build, measure after), show

_STYLE = (
    "<style>.dbm-advisor table{border-collapse:collapse;font-size:12px}"
    ".dbm-advisor td,.dbm-advisor th{border:1px solid #ccc;padding:2px 6px;text-align:left;"
    "vertical-align:top}.dbm-advisor pre{font-size:11px;margin:0;white-space:pre-wrap}</style>"
)


class _QueryEditor(WorkloadPanel):
    """The workload panel's query editing (pick, name, weight, SQL, save, remove, lint) without its own
    sample and run controls: the advisor's sample is SQLite and its run is ``advise``."""

    def build(self) -> list[w.Widget]:
        super().build()
        return [
            w.HBox([self.pick, self.name, self.weight]),
            self.sql,
            w.HBox([self.save_btn, self.remove_btn, self.query_feedback]),
            self.lint_html,
        ]


def same_data(a: Schema, b: Schema) -> bool:
    """Whether a sample of ``a`` is a sample of ``b`` too: the same tables, columns and constraints;
    only plain (non-unique) indexes, positions and comments may differ.

    >>> from dbmodel_kit.examples import ecommerce
    >>> from dbmodel_kit.model import Model
    >>> m = Model(ecommerce()); before = m.schema
    >>> _ = m.add_index("orders", "status", "placed_at")
    >>> same_data(before, m.schema), same_data(before, m.add_column("users", "nickname", "text"))
    (True, False)
    """
    def shape(schema: Schema) -> Schema:
        tables = tuple(replace(t, indexes=tuple(ix for ix in t.indexes if ix.unique), comment=None, group=None,
                               position=None) for t in schema.tables)
        return replace(schema, tables=tables, comment=None)

    return a is b or shape(a) == shape(b)


def sample_size(db: SampleDB | str | Path | None, schema: Schema) -> tuple[int | None, int | None]:
    """(total rows, seed) of a sample: from a :class:`SampleDB`, or counted in a database file
    (seed unknown); (None, None) for no sample or a file that cannot be read."""
    if db is None:
        return None, None
    if isinstance(db, SampleDB):
        return sum(db.rows.values()), db.seed
    path = Path(db)
    if not path.is_file():
        return None, None
    duck = str(path).endswith(TARGETS["duckdb"].suffixes)
    try:
        con = duckdb.connect(str(path), read_only=True) if duck else sqlite3.connect(
            f"file:{path.resolve()}?mode=ro", uri=True)
    except (duckdb.Error, sqlite3.Error):
        return None, None
    try:
        dialect = "duckdb" if duck else "sqlite"
        return sum(int(con.execute(exp.select("count(*)").from_(exp.to_table(t.name, quoted=True)).sql(dialect))
                       .fetchone()[0]) for t in schema.tables), None
    except (duckdb.Error, sqlite3.Error):
        return None, None
    finally:
        con.close()


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


class AdvisorPanel(Panel):
    """Suggest indexes for ``model`` from a workload run on a SQLite sample, and accept or reject each.

    ``workload``: a :class:`~dbmodel_kit.workload.Workload` (or a ``.sql`` path / workload text);
    default: the e-commerce example workload when the model has its tables, else a count per table.
    ``db``: a sample (a :class:`~dbmodel_kit.workload.SampleDB` or a file path; SQLite, or DuckDB for
    the DuckDB advisor); default: a SQLite one is generated from the model with the row-count slider
    when Run is pressed.
    """

    title = "Advisor"

    def __init__(
        self,
        model: Model,
        workload: Workload | str | Path | None = None,
        db: SampleDB | str | Path | None = None,
        selection: Selection | None = None,
    ) -> None:
        self.queries = _QueryEditor(model, as_workload(workload) if workload is not None else None, selection)
        self.db: SampleDB | str | Path | None = db
        self.generated = False  #: whether ``db`` is a sample this panel made (and may remake)
        self.advice: Advice | None = None
        self.rejected: set[str] = set()  #: names of the suggestions rejected in the panel
        super().__init__(model, self.queries.selection)
        self._describe_sample()

    @property
    def workload(self) -> Workload:
        """The workload as edited in the panel."""
        return self.queries.workload

    # -- layout -----------------------------------------------------------------------------
    def build(self) -> list[w.Widget]:
        self.rows = with_class(
            w.IntSlider(
                description="rows",
                min=100,
                max=200_000,
                step=100,
                value=5_000,
                continuous_update=False,
                layout=w.Layout(width="30em"),
            ),
            "dbm-adv-rows",
        )
        self.seed = with_class(w.IntText(description="seed", value=0, layout=w.Layout(width="10em")), "dbm-adv-seed")
        self.generate_btn = button("Generate SQLite sample", "dbm-adv-generate", style="info")
        self.sample_info = with_class(w.HTML(), "dbm-adv-sample")
        self.budget_kind = with_class(
            w.ToggleButtons(options=BUDGETS, value="count", description="budget", style={"button_width": "auto"}),
            "dbm-adv-budget-kind",
        )
        self.budget_value = with_class(
            w.BoundedIntText(value=DEFAULT_BUDGET["count"], min=0, max=1000, layout=w.Layout(width="7em")),
            "dbm-adv-budget",
        )
        self.dialect = with_class(
            w.Dropdown(options=DIALECTS, value="postgresql", description="target"), "dbm-adv-dialect"
        )
        self.repeat = with_class(
            w.BoundedIntText(description="runs", min=1, max=50, value=3, layout=w.Layout(width="12em")),
            "dbm-adv-repeat",
        )
        self.run_btn = button("Run advisor", "dbm-adv-run", style="success", icon="play")
        self.progress = with_class(
            w.IntProgress(value=0, min=0, max=STEPS, layout=w.Layout(width="12em")), "dbm-adv-progress"
        )
        self.status = Feedback()
        self.summary = with_class(w.HTML(), "dbm-adv-summary")
        self.suggestions = with_class(w.VBox(), "dbm-adv-suggestions")
        self.accept_all_btn = button("Accept all pending", "dbm-adv-accept-all", style="primary")
        self.feedback = Feedback()
        self.queries_html = with_class(w.HTML(), "dbm-adv-queries")
        self.rejected_html = with_class(w.HTML(), "dbm-adv-rejected")
        self.generate_btn.on_click(lambda _b: self.generate())
        self.run_btn.on_click(lambda _b: self.run_advisor())
        self.accept_all_btn.on_click(lambda _b: self.accept_all())
        self.budget_kind.observe(self._on_budget_kind, names=["value"])
        self.rows.observe(self._on_sample_size, names=["value"])
        self.seed.observe(self._on_sample_size, names=["value"])
        self.dialect.observe(lambda _c: self._show(), names=["value"])
        self.accept_all_btn.disabled = True
        workload = w.Accordion(children=[self.queries.widget])
        workload.set_title(0, "Workload (queries and weights per minute)")
        return [
            w.HTML(_STYLE),
            w.HBox([self.rows, self.seed, self.generate_btn]),
            self.sample_info,
            workload,
            w.HBox([self.budget_kind, self.budget_value]),
            w.HBox([self.dialect, self.repeat, self.run_btn, self.progress]),
            self.status,
            self.summary,
            self.suggestions,
            w.HBox([self.accept_all_btn, self.feedback]),
            self.queries_html,
            self.rejected_html,
        ]

    def _on_budget_kind(self, change: dict[str, Any]) -> None:
        kind = change["new"]
        self.budget_value.value = DEFAULT_BUDGET[kind]
        self.budget_value.disabled = kind == "none"

    def _on_sample_size(self, _change: dict[str, Any]) -> None:
        """A new row count or seed asks for another sample: the one in use (generated, or given to
        the panel) is set aside, and Run (or Generate) makes one of that size and seed."""
        if self.redrawing:
            return
        self.db, self.generated = None, False
        self._describe_sample()

    # -- following the model ----------------------------------------------------------------
    def refresh(self) -> None:
        """A model edit that changes the data's shape makes a generated sample stale (it is made again
        on Run); accepting or dropping an index does not (the sample holds the same rows, and the
        advisor builds the indexes it measures itself). An edit may also accept or un-accept a
        suggestion (an undo takes an accepted index back out)."""
        if (self.generated and isinstance(self.db, SampleDB)
                and not same_data(self.db.schema, self.model.schema)):
            self.db, self.generated = None, False
            self._describe_sample()
        self._show()

    def _on_select(self, _change: dict[str, Any]) -> None:
        """The advice does not depend on the selected table."""

    def close(self) -> None:
        self.queries.close()
        super().close()

    # -- sample -----------------------------------------------------------------------------
    def _describe_sample(self) -> None:
        self._sync_controls()
        db = self.db
        if db is None:
            text = f"no sample: Run generates one of about {self.rows.value:,} rows in SQLite (seed {self.seed.value})"
        elif isinstance(db, SampleDB):
            where = db.path or "in memory"
            text = f"sample: {sum(db.rows.values()):,} rows in {db.engine} ({html.escape(str(where))})"
        else:
            text = f"sample: {html.escape(str(db))}"
        self.sample_info.value = f"<span style='color:#555'>{text}</span>"

    def _sync_controls(self) -> None:
        """The row slider and the seed show the sample in use: its total rows and its seed."""
        total, seed = sample_size(self.db, self.model.schema)
        with self.quiet():
            if total is not None:
                self.rows.max = max(self.rows.max, total)
                self.rows.value = max(self.rows.min, total)
            if seed is not None:
                self.seed.value = seed

    def generate(self) -> bool:
        """Fill an in-memory SQLite sample of the model with about ``rows`` rows."""
        try:
            if not self.model.schema.tables:
                raise ModelError("the model has no tables to sample: add a table first")
            self.db = sample(self.model.schema, self.rows.value, engine="sqlite", seed=self.seed.value, progress=False)
        except ModelError as e:
            self.status.error(str(e))
            return False
        self.generated = True
        self._describe_sample()
        return True

    def sample_bytes(self) -> int:
        """The sample's size in bytes: SQLite pages x page size (tables, their indexes, the catalog);
        DuckDB's used blocks x block size for a file, its buffer memory for an in-memory sample."""
        db = self.db
        if db is None:
            raise ModelError("no sample to measure: generate one first")
        if isinstance(db, SampleDB):
            con, owned = db.connect(), db.path is not None
            engine = db.engine
        else:
            if not Path(db).is_file():
                raise ModelError(f"{db}: no such database file")
            engine = "duckdb" if str(db).endswith(TARGETS["duckdb"].suffixes) else "sqlite"
            if engine == "duckdb":
                con, owned = duckdb.connect(str(db), read_only=True), True
            else:
                con, owned = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True), True
        try:
            if engine == "duckdb":
                _name, _size, block_size, _total, used, *_rest = con.execute("PRAGMA database_size").fetchone()
                size = int(used) * int(block_size)
                if not size:  # in memory: no blocks, the data lives in the buffer manager
                    size = int(con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0])
                return size
            pages = con.execute("PRAGMA page_count").fetchone()[0]
            size = con.execute("PRAGMA page_size").fetchone()[0]
        finally:
            if owned:
                con.close()
        return int(pages) * int(size)

    def budget(self) -> Budget:
        """The budget set in the panel: an index count, a share of the sample's size, or none."""
        kind, value = self.budget_kind.value, int(self.budget_value.value)
        if kind == "count":
            return Budget(count=value)
        if kind == "percent":
            return Budget(bytes=self.sample_bytes() * value // 100)
        return Budget()

    def budget_text(self) -> str:
        """The budget as set in the panel, in words: ``5 indexes``, ``25 % of sample size (~350 KiB)``
        (the size once there is a sample), ``no limit``."""
        kind = self.budget_kind.value
        label = {v: k for k, v in BUDGETS}[kind]
        if kind == "none":
            return label
        text = f"{self.budget_value.value} {label}"
        if kind == "percent" and self.db is not None:
            with suppress(ModelError):  # a missing sample file: Run says so
                text += f" (~{self.budget().bytes / 1024:,.0f} KiB)"
        return text

    # -- run --------------------------------------------------------------------------------
    def _step(self, n: int, message: str) -> None:
        self.progress.value = n
        self.status.done(message)

    def run_advisor(self) -> bool:
        """Generate the sample if there is none, advise, and show the suggestions; an error (bad SQL,
        an unknown table, a sample that is not SQLite) goes to the status line and the model is unchanged."""
        self.run_btn.disabled = True
        self.progress.bar_style = "info"
        try:
            if not len(self.workload):
                self.status.error("the workload has no queries: add one in the Workload section")
                return self._failed()
            self._step(0, "generating the sample")
            if self.db is None and not self.generate():
                return self._failed()
            self._step(1, f"advising: what-if plans for {len(self.workload)} queries, measuring before and after")
            try:
                advice = advise(
                    self.model.schema,
                    self.workload,
                    self.db,
                    budget=self.budget(),
                    dialect=self.dialect.value,
                    repeat=self.repeat.value,
                )
            except (ModelError, sqlite3.Error, duckdb.Error) as e:
                self.status.error(str(e))
                return self._failed()
            self.advice, self.rejected = advice, set()
            self._step(2, "showing the evidence")
            self._show()
            self.progress.value, self.progress.bar_style = STEPS, "success"
            s = advice.stats
            self.status.done(
                f"{len(advice)} index(es) suggested from {int(s.get('candidates', 0))} candidates "
                f"(budget: {self.budget_text()}) in {s.get('advise_s', 0.0):.1f} s"
            )
            return True
        finally:
            self.run_btn.disabled = False

    def _failed(self) -> bool:
        self.progress.bar_style = "danger"
        return False

    # -- accept and reject ------------------------------------------------------------------
    def state(self, s: Suggestion) -> str:
        """``accepted`` (the model has the index), ``rejected`` (in this panel) or ``pending``."""
        schema = self.model.schema
        if schema.has_table(s.table) and s.index in schema.table(s.table).indexes:
            return "accepted"
        return "rejected" if s.index.name in self.rejected else "pending"

    def suggestion(self, name: str) -> Suggestion:
        if self.advice is not None:
            for s in self.advice.indexes:
                if s.index.name == name:
                    return s
        raise ModelError(f"no suggested index named {name}")

    def accept(self, name: str) -> bool:
        """Apply the suggestion ``name`` to the model as one ``AddIndex`` (undo takes it back)."""
        try:
            s = self.suggestion(name)
            if self.state(s) == "accepted":
                raise ModelError(f"{name} is already in the model")
            self.rejected.discard(name)
            s.accept(self.model)
        except ModelError as e:
            self.feedback.error(f"{name}: {e}")
            self._show()
            return False
        self.feedback.done(f"accepted: {s.op.describe()}")
        return True

    def reject(self, name: str) -> bool:
        """Leave the suggestion ``name`` out (the model is not touched; Accept still takes it)."""
        try:
            s = self.suggestion(name)
        except ModelError as e:
            self.feedback.error(str(e))
            return False
        if self.state(s) == "accepted":
            self.feedback.error(f"{name} is already in the model: undo it there (Designer history or model.undo())")
            return False
        self.rejected.add(name)
        self.feedback.done(f"rejected {name}; the model is unchanged")
        self._show()
        return True

    def unaccept(self, name: str) -> bool:
        """Take the accepted suggestion ``name`` out of the model again (one ``DropIndex`` step; it is
        pending again). The sample stays: an index does not change the rows."""
        try:
            s = self.suggestion(name)
            if self.state(s) != "accepted":
                raise ModelError(f"{name} is not in the model")
            op = DropIndex(s.table, s.index.name)
            self.model.apply(op)
        except ModelError as e:
            self.feedback.error(f"{name}: {e}")
            return False
        self.feedback.done(f"un-accepted: {op.describe()}")
        return True

    def accept_all(self) -> list[str]:
        """Accept every pending suggestion (not the rejected ones), each as its own step."""
        done = []
        if self.advice is not None:
            for s in self.advice.indexes:
                if self.state(s) == "pending" and self.accept(s.index.name):
                    done.append(s.index.name)
        if done:
            self.feedback.done(f"accepted {len(done)}: {', '.join(done)}")
        return done

    # -- showing ----------------------------------------------------------------------------
    def _shown(self) -> Advice | None:
        """The advice with the SQL written for the target picked in the panel."""
        if self.advice is None:
            return None
        return replace(self.advice, dialect=self.dialect.value)

    def _show(self) -> None:
        advice = self._shown()
        if advice is None:
            self.summary.value = self.queries_html.value = self.rejected_html.value = ""
            self.suggestions.children = ()
            self.accept_all_btn.disabled = True
            return
        self.summary.value = _summary(advice)
        rows = []
        for s in advice.indexes:
            state = self.state(s)
            accept = button("Accept", "dbm-adv-accept", style="success", tooltip=f"add {s.index.name} to the model")
            reject = button("Reject", "dbm-adv-reject", style="warning", tooltip=f"leave {s.index.name} out")
            unaccept = button("Un-accept", "dbm-adv-unaccept", tooltip=f"take {s.index.name} out of the model again")
            accept.disabled = state == "accepted"
            reject.disabled = state != "pending"
            unaccept.disabled = state != "accepted"
            accept.on_click(lambda _b, n=s.index.name: self.accept(n))
            reject.on_click(lambda _b, n=s.index.name: self.reject(n))
            unaccept.on_click(lambda _b, n=s.index.name: self.unaccept(n))
            card = w.HTML(_suggestion_html(advice, s, state), layout=w.Layout(flex="1 1 auto", min_width="0"))
            buttons = w.VBox([accept, reject, unaccept], layout=w.Layout(flex="0 0 auto", margin="4px 6px 0 0"))
            rows.append(with_class(w.HBox([buttons, card], layout=w.Layout(width="100%")), "dbm-adv-suggestion"))
        self.suggestions.children = tuple(rows)
        keep_message_order(self.suggestions)  # made while handling a click: as the panel's own widgets
        self.accept_all_btn.disabled = not any(self.state(s) == "pending" for s in advice.indexes)
        self.queries_html.value = _clustering_html(advice) + _queries_html(advice)
        self.rejected_html.value = _rejected_html(advice)

    def snapshot(self) -> str:
        """The panel as static HTML: sample, workload, budget and, after a run, the suggestions with
        their state, the per-query timings and the rejected candidates."""
        wl = "".join(
            f"<tr><td>{html.escape(q.name)}</td><td>{q.weight:g}</td><td><pre>{html.escape(q.sql)}</pre></td></tr>"
            for q in self.workload
        )
        parts = [
            _STYLE,
            "<div class='dbm-advisor'><p><b>Index advisor</b> (static snapshot; run the notebook "
            "for the live panel)</p>",
            f"<p>{self.sample_info.value}</p>",
            f"<details><summary>workload: {len(self.workload)} queries</summary><table><tr><th>query</th>"
            f"<th>per min</th><th>SQL</th></tr>{wl}</table></details>",
            f"<p>budget: {html.escape(self.budget_text())}; target {html.escape(self.dialect.value)}</p>",
        ]
        advice = self._shown()
        if advice is not None:
            parts.append(self.summary.value)
            parts += [_suggestion_html(advice, s, self.state(s)) for s in advice.indexes]
            parts += [self.queries_html.value, self.rejected_html.value]
        elif self.status.message:
            parts.append(self.status.value)
        return "".join(parts) + "</div>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live panel, plus its static snapshot for readers without a kernel (GitHub, nbviewer)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/html"] = self.snapshot()
        return bundle


_STATE_COLOUR = {"accepted": "#2e7d32", "rejected": "#9e9e9e", "pending": "#1565c0"}


def _summary(a: Advice) -> str:
    before, after = a.weighted_ms("before"), a.weighted_ms("after")
    return (
        f"<div class='dbm-advisor'><p><b>{len(a)} index(es)</b> for {html.escape(a.dialect)}: weighted time per "
        f"minute of workload on the sample {before:.1f} ms &rarr; {after:.1f} ms</p></div>"
    )


def _suggestion_html(a: Advice, s: Suggestion, state: str) -> str:
    e = html.escape
    by_name = {q.name: q for q in a.queries}
    helped = "".join(
        f"<tr><td>{e(n)}</td><td>{_ms(q.before_ms)}</td><td>{_ms(q.after_ms)}</td>"
        f"<td>{q.speedup_text()}</td><td><pre>{e(q.plan_before)}</pre></td>"
        f"<td><pre>{e(q.plan_after)}</pre></td></tr>"
        for n in s.helped
        if (q := by_name.get(n)) is not None
    )
    sql = s.sql(a.schema, a.dialect) or s.op.describe()
    return (
        f"<div class='dbm-advisor dbm-adv-{state}' style='border-left:4px solid {_STATE_COLOUR[state]};"
        f"padding-left:6px;margin:4px 0'><span style='color:{_STATE_COLOUR[state]}'><b>{state}</b></span> "
        f"<code>{e(sql)}</code><br>helps {e(', '.join(s.helped) or '-')}; ~{s.bytes / 1024:.0f} KiB on the sample; "
        f"{e(s.benefit_text())}"
        f"<details><summary>evidence</summary><table><tr><th>query</th><th>before ms</th><th>after ms</th>"
        f"<th>speed-up</th><th>plan before</th><th>plan after</th></tr>{helped}</table></details></div>"
    )


def _queries_html(a: Advice) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(q.name)}</td><td>{e(q.kind)}</td><td>{q.weight:g}</td><td>{_ms(q.before_ms)}</td>"
        f"<td>{_ms(q.after_ms)}</td><td>{q.speedup_text()}</td></tr>"
        for q in a.queries
    )
    return (
        f"<div class='dbm-advisor'><details><summary>every query, before and after (median ms on the sample)"
        f"</summary><table><tr><th>query</th><th>kind</th><th>per min</th><th>before</th><th>after</th>"
        f"<th>speed-up</th></tr>{rows}</table></details></div>"
    )


def _clustering_html(a: Advice) -> str:
    """The DuckDB advisor's load orders (not operations on the model: applied when loading the table)."""
    orders = getattr(a, "clustering", [])
    if not orders:
        return ""
    e = html.escape
    rows = "".join(
        f"<tr><td><code>{e(c.describe())}</code></td><td>{e(', '.join(c.helped))}</td><td>"
        + "<br>".join(f"{e(q)}: {e(b)} &rarr; {e(a)}" for q, b, a in c.row_groups)
        + f"</td><td><pre>{e(c.sql())}</pre></td></tr>"
        for c in orders
    )
    return (
        f"<div class='dbm-advisor'><p><b>{len(orders)} load order(s)</b>: DuckDB skips row groups whose "
        "min/max exclude a filter, so loading the table sorted by the filtered column narrows the scan. "
        "A load order is applied when (re)loading the table, not accepted into the model.</p><table><tr>"
        f"<th>order</th><th>helps</th><th>row groups scanned</th><th>load</th></tr>{rows}</table></div>"
    )


def _rejected_html(a: Advice) -> str:
    if not a.rejected:
        return ""
    items = "".join(
        f"<li><code>{html.escape(str(r.candidate))}</code>: {html.escape(r.text())}</li>" for r in a.rejected
    )
    return (
        f"<div class='dbm-advisor'><details><summary>{len(a.rejected)} candidate(s) rejected, with the reason"
        f"</summary><ul>{items}</ul></details></div>"
    )
