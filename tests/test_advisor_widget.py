"""AdvisorPanel: Run samples and advises, the suggestions show their evidence, Accept applies one
AddIndex (undo takes it back), Reject leaves the model alone, and errors stay in the panel."""

from __future__ import annotations

import contextlib
import doctest
import functools
import importlib
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

from advisor_clock import work_clock

from dbmodel_kit.advisor import Budget, advise
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import Model
from dbmodel_kit.model.ops import AddIndex
from dbmodel_kit.workload import Workload, sample
from tests.test_advisor_duckdb import WORKLOAD as DUCKDB_WORKLOAD
from tests.test_advisor_duckdb import events  # noqa: F401  (the 600,000-row DuckDB sample fixture)

ROOT = Path(__file__).resolve().parents[1]
WORKLOAD = ROOT / "examples" / "ecommerce_workload.sql"

#: A small mix on the e-commerce model with a boolean filter the advisor must not index alone.
MIX = """
-- name: by_status  weight: 100
SELECT id, total FROM orders WHERE status = 'paid' ORDER BY created_at DESC LIMIT 20;

-- name: active_users  weight: 10
SELECT id, email FROM users WHERE is_active = true;

-- name: lines_of_product  weight: 50
SELECT order_id, quantity FROM order_items WHERE product_id = 7 AND quantity > 2;

-- name: pay_order  weight: 5
UPDATE orders SET status = 'shipped' WHERE id = '00000000-0000-0000-0000-000000000001';
"""


@contextlib.contextmanager
def _work_clock():  # type: ignore[no-untyped-def]
    """The panel's Run timed by the advisor work clock (tests/advisor_clock.py: VM instructions, so
    the measured confirmation decides the same way on every run and under any load), in this
    process (a child process timing the workload aside would use the real clock)."""
    import dbmodel_kit.widgets.advisor as panel_module

    with work_clock(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(panel_module, "advise", functools.partial(advise, parallel=False))
        yield


@pytest.fixture(autouse=True)
def _clocked(request):  # type: ignore[no-untyped-def]
    """Every Run on a SQLite sample is timed by the work clock: on the real clock a loaded machine can
    measure no index faster (CI once got no advice at all), and a test that asserts on the advice
    would then fail for a reason that is not the kit's. The DuckDB test keeps DuckDB's own timing."""
    if "events" in request.fixturenames:
        yield
        return
    with _work_clock():
        yield


def _panel(workload=None, db=None):  # type: ignore[no-untyped-def]
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    m = Model(ecommerce())
    panel = AdvisorPanel(m, workload if workload is not None else Workload.from_sql(MIX), db)
    if db is None:  # a new row count asks for a new sample: only when there is none given
        panel.rows.value = 3000
    panel.repeat.value = 1
    return m, panel


@pytest.fixture(scope="module")
def ran():  # type: ignore[no-untyped-def]
    """A panel over a fresh model after one Run (module-scoped: advising takes a second or two)."""
    m, panel = _panel()
    with _work_clock():
        panel.run_btn.click()
    return m, panel


def test_docstring_example() -> None:
    """The module's docstring example gives the output it shows."""
    result = doctest.testmod(importlib.import_module("dbmodel_kit.widgets.advisor"))
    assert result.attempted > 0
    assert result.failed == 0


def test_exported_from_the_widgets_package() -> None:
    """``from dbmodel_kit.widgets import AdvisorPanel`` works (lazily, like the Designer)."""
    from dbmodel_kit.widgets import AdvisorPanel
    from dbmodel_kit.widgets.advisor import AdvisorPanel as direct

    assert AdvisorPanel is direct


def test_run_generates_a_sample_and_shows_suggestions_with_evidence(ran) -> None:
    """Run makes a SQLite sample of about the slider's rows, then lists each index with the queries it
    helps, their before/after timings and plans, and the rejected candidates with reasons."""
    m, panel = ran
    assert panel.status.ok, panel.status.message
    assert panel.db is not None
    assert panel.db.engine == "sqlite"
    assert 2800 <= sum(panel.db.rows.values()) <= 3200
    assert panel.progress.value == panel.progress.max
    assert panel.progress.bar_style == "success"
    assert "(budget: 5 indexes)" in panel.status.message
    advice = panel.advice
    assert advice is not None
    assert len(advice) >= 1
    assert len(panel.suggestions.children) == len(advice)
    for s, row in zip(advice.indexes, panel.suggestions.children, strict=True):
        accept, reject, unaccept = row.children[0].children
        card = row.children[1].value
        assert accept.description == "Accept"
        assert reject.description == "Reject"
        assert unaccept.description == "Un-accept"
        assert unaccept.disabled  # nothing accepted yet
        assert "CREATE INDEX" in card
        assert s.index.name in card
        assert "pending" in card
        for q in s.helped:
            assert q in card
        assert "plan before" in card
    assert "by_status" in panel.queries_html.value
    assert "weighted time per minute" in panel.summary.value
    assert "is_active has only 2 distinct values" in panel.rejected_html.value
    assert m.log == []  # running changes nothing in the model


def test_accept_one_reject_one_and_undo() -> None:
    """Accept applies exactly that suggestion's AddIndex (undo takes it out and the panel shows it
    pending again); Reject leaves the model unchanged; Accept all skips the rejected one."""
    m, panel = _panel(WORKLOAD)
    panel.budget_kind.value = "none"  # every index that pays: the example workload gives several
    panel.run_btn.click()
    assert panel.status.ok, panel.status.message
    advice = panel.advice
    assert advice is not None
    assert len(advice) >= 3, advice.to_text()
    first, second, *rest = advice.indexes

    row = panel.suggestions.children[0]
    row.children[0].children[0].click()  # Accept on the first card
    assert m.log == [AddIndex(first.table, first.index)]
    assert first.index in m.schema.table(first.table).indexes
    assert panel.state(first) == "accepted"
    assert panel.feedback.ok
    assert "accepted" in panel.feedback.message
    assert panel.suggestions.children[0].children[0].children[0].disabled  # Accept greyed after accepting

    panel.suggestions.children[1].children[0].children[1].click()  # Reject on the second card
    assert len(m.log) == 1
    assert panel.state(second) == "rejected"
    assert "rejected" in panel.suggestions.children[1].children[1].value

    m.undo()
    assert first.index not in m.schema.table(first.table).indexes
    assert panel.state(first) == "pending"
    assert not panel.suggestions.children[0].children[0].children[0].disabled

    accepted = panel.accept_all()
    assert accepted == [first.index.name, *(s.index.name for s in rest)]
    assert m.log == [AddIndex(s.table, s.index) for s in (first, *rest)]
    assert second.index not in m.schema.table(second.table).indexes
    plan = m.plan_since(0)
    sql = plan.to_sql("postgresql")
    assert f"CREATE INDEX {first.index.name}" in sql
    assert second.index.name not in sql


def test_accepting_twice_is_refused_in_place(ran) -> None:
    """Accepting a suggestion the model already has shows an error and applies nothing more."""
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    _m, done = ran
    m = Model(ecommerce())
    panel = AdvisorPanel(m, done.workload, done.db)
    panel.repeat.value = 1
    panel.run_btn.click()
    name = panel.advice.indexes[0].index.name
    assert panel.accept(name)
    assert panel.accept(name) is False
    assert "already in the model" in panel.feedback.message
    assert panel.reject(name) is False
    assert len(m.log) == 1
    assert panel.accept("ix_nope") is False
    assert "no suggested index named ix_nope" in panel.feedback.message


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELEC id FROM users", "syntax error"),
        ("SELECT id FROM wishlists", "unknown table wishlists"),
        ("SELECT nickname FROM users", "unknown column nickname"),
    ],
)
def test_workload_errors_are_shown_and_the_model_is_unchanged(sql, message) -> None:
    """A query with bad SQL or naming a table or column the model lacks stops the run with the reason
    in the status line; no advice, no change to the model."""
    m, panel = _panel(Workload().add("broken", sql, 5))
    assert not panel.run_advisor()
    assert not panel.status.ok
    assert message in panel.status.message
    assert "broken" in panel.status.message
    assert panel.progress.bar_style == "danger"
    assert not panel.run_btn.disabled
    assert panel.advice is None
    assert m.log == []
    assert m.schema == ecommerce()


def test_empty_model_and_empty_workload_are_refused_with_the_reason() -> None:
    """A model without tables, or a workload without queries, stops Run with a message, not a traceback."""
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    panel = AdvisorPanel(Model(), Workload().add("one", "SELECT 1"))
    assert not panel.run_advisor()
    assert "the model has no tables" in panel.status.message
    _m, panel = _panel(Workload())
    assert not panel.run_advisor()
    assert "the workload has no queries" in panel.status.message
    assert panel.db is None


def test_a_duckdb_sample_query_it_cannot_run_is_named() -> None:
    """A DuckDB sample goes to the DuckDB advisor; a query DuckDB cannot run (an integer compared with a
    UUID key, which SQLite would accept) is reported with its line and name, and the model is unchanged."""
    m, panel = _panel(db=sample(ecommerce(), 300, engine="duckdb"))
    before = m.schema
    assert not panel.run_advisor()
    assert "query lines_of_product: DuckDB cannot run it" in panel.status.message
    assert m.schema is before
    assert panel.advice is None


def test_a_duckdb_sample_gets_art_indexes_and_load_orders(events) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """On a DuckDB sample the panel shows the DuckDB advisor's ART index and load order (row groups
    scanned before and after), sizes the %-budget from DuckDB's blocks, and Accept adds the index."""
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    model, path = events
    m = Model(model.schema)
    panel = AdvisorPanel(m, Workload.from_sql(DUCKDB_WORKLOAD), str(path))
    panel.repeat.value = 1
    panel.budget_kind.value, panel.budget_value.value = "percent", 50
    assert panel.sample_bytes() > 10 * 2**20  # 600,000 events on disk
    assert panel.run_advisor(), panel.status.message
    assert [s.index.columns for s in panel.advice] == [("session_id",)]
    assert [c.columns for c in panel.advice.clustering] == [("created_at",)]
    assert "1 load order(s)" in panel.queries_html.value
    assert "week: 5/5 &rarr; 1/5" in panel.snapshot()
    name = panel.advice.indexes[0].index.name
    assert panel.accept(name)
    assert isinstance(m.log[-1], AddIndex)
    assert m.log[-1].index.columns == ("session_id",)


def test_budget_controls(ran, tmp_path) -> None:
    """The budget is an index count, a share of the sample's size in bytes, or no limit; a count of 1
    gives at most one index."""
    _m, panel = ran
    panel.budget_kind.value = "count"
    panel.budget_value.value = 2
    assert panel.budget() == Budget(count=2)
    panel.budget_kind.value = "percent"
    assert panel.budget_value.value == 25
    size = panel.sample_bytes()
    assert size > 100_000
    assert panel.budget() == Budget(bytes=size * 25 // 100)
    assert panel.budget_text() == f"25 % of sample size (~{size * 25 // 100 / 1024:,.0f} KiB)"
    panel.budget_kind.value = "none"
    assert panel.budget_value.disabled
    assert panel.budget() == Budget()
    assert panel.budget_text() == "no limit"

    path = tmp_path / "shop.sqlite"
    sample(ecommerce(), 2000, engine="sqlite", path=path)
    _m, small = _panel(WORKLOAD, str(path))
    small.budget_value.value = 1
    assert small.run_advisor(), small.status.message
    assert len(small.advice) <= 1
    small.budget_kind.value = "percent"
    assert small.sample_bytes() == path.stat().st_size


def test_model_edit_makes_a_generated_sample_stale(ran) -> None:
    """After the model changes, a sample the panel generated is dropped and made again on the next Run."""
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    m = Model(ecommerce())
    panel = AdvisorPanel(m, Workload.from_sql(MIX))
    panel.rows.value = 1000
    assert panel.generate()
    m.add_column("users", "nickname", "varchar(40)")
    assert panel.db is None
    assert "no sample" in panel.sample_info.value
    panel.repeat.value = 1
    assert panel.run_advisor(), panel.status.message
    assert panel.db.schema == m.schema


def test_row_slider_shows_the_sample_in_use_and_asks_for_a_new_one(tmp_path) -> None:
    """The row slider and the seed show the sample in use (generated, given as an object or as a
    file); moving the slider sets it aside, and the next Run makes one of the new size."""
    _m, panel = _panel()
    assert panel.generate()
    assert panel.rows.value == sum(panel.db.rows.values())
    panel.rows.value = 1000
    assert panel.db is None
    assert "about 1,000 rows" in panel.sample_info.value
    assert panel.run_advisor(), panel.status.message
    assert 900 <= sum(panel.db.rows.values()) <= 1100

    given = sample(ecommerce(), {"users": 200, "categories": 10, "products": 300, "orders": 800,
                                 "order_items": 2000}, engine="sqlite", seed=3)
    _m, with_given = _panel(db=given)
    assert (with_given.rows.value, with_given.seed.value) == (3310, 3)  # not the 5,000 default
    path = tmp_path / "given.sqlite"
    sample(ecommerce(), 500, engine="sqlite", path=path)
    _m, with_file = _panel(db=str(path))
    assert with_file.rows.value == 500
    with_file.rows.value = 800
    assert with_file.db is None
    with_file.generate_btn.click()
    assert with_file.db.path is None
    assert 700 <= sum(with_file.db.rows.values()) <= 900


def test_accepting_keeps_the_sample_and_unaccept_takes_the_index_out(ran) -> None:
    """Accept adds the index and keeps the generated sample (a new Run reuses it); Un-accept drops
    the index again as its own step, and the suggestion is pending; a model edit that changes the
    rows' shape still makes the sample stale."""
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    m = Model(ecommerce())
    panel = AdvisorPanel(m, Workload.from_sql(MIX))
    panel.rows.value = 1000
    panel.repeat.value = 1
    with _work_clock():  # the index below is one the measurement confirms, every run
        assert panel.run_advisor(), panel.status.message
    db = panel.db
    assert panel.advice.indexes, panel.advice.to_text(timings=False)
    first = panel.advice.indexes[0]
    card = panel.suggestions.children[0]
    card.children[0].children[0].click()  # Accept
    assert panel.db is db
    assert panel.state(first) == "accepted"
    unaccept = panel.suggestions.children[0].children[0].children[2]
    assert not unaccept.disabled
    unaccept.click()
    assert panel.state(first) == "pending"
    assert first.index not in m.schema.table(first.table).indexes
    assert m.history()[-1] == f"drop index {first.index.name} on {first.table}"
    assert "un-accepted" in panel.feedback.message
    assert panel.unaccept(first.index.name) is False
    assert panel.db is db
    m.add_column("users", "nickname", "varchar(40)")
    assert panel.db is None


def test_dialect_rewrites_the_sql_without_a_new_run(ran) -> None:
    """The target picker redraws each index's CREATE INDEX for that dialect from the same advice."""
    _m, panel = ran
    advice = panel.advice
    panel.dialect.value = "mysql"
    assert panel.advice is advice
    s = advice.indexes[0]
    assert s.sql(advice.schema, "mysql") in panel.suggestions.children[0].children[1].value.replace("&#x27;", "'")
    panel.dialect.value = "postgresql"


def test_workload_is_edited_in_the_panel(ran) -> None:
    """The workload editor inside the panel adds a query, and the next run advises on it."""
    _m, panel = ran
    q = panel.queries
    q.pick.value = "(new query)"
    q.name.value = "by_email_domain"
    q.sql.value = "SELECT id FROM users WHERE last_name = 'Smith' AND first_name = 'Ann'"
    q.weight.value = 200
    assert q.save_query(), q.query_feedback.message
    assert "by_email_domain" in panel.workload.names
    panel.budget_kind.value = "none"
    assert panel.run_advisor(), panel.status.message
    assert any("by_email_domain" in s.helped for s in panel.advice)


def test_static_snapshot(ran) -> None:
    """Displayed, the panel carries the live widget and a static HTML snapshot with every suggestion,
    its state, the per-query timings and the rejected candidates."""
    _m, panel = ran
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert "Index advisor" in page
    for s in panel.advice:
        assert s.index.name in page
    for part in ("pending", "by_status", "rejected", "plan before", "budget"):
        assert part in page


def test_accepted_index_shows_in_the_designer_and_its_undo(ran) -> None:
    """With a Designer over the same model, an accepted index appears in its history and its ERD, and
    the Designer's Undo takes it back out (the panel shows the suggestion pending again)."""
    pytest.importorskip("anywidget")
    from dbmodel_kit.widgets import Designer
    from dbmodel_kit.widgets.advisor import AdvisorPanel

    _m, done = ran
    m = Model(ecommerce())
    designer = Designer(m)
    panel = AdvisorPanel(m, done.workload, done.db)
    panel.repeat.value = 1
    assert panel.run_advisor(), panel.status.message
    s = panel.advice.indexes[0]
    erd_before = designer.erd.view.svg
    assert panel.accept(s.index.name)
    assert f"add index {s.index.name}" in designer.history.log.value
    assert designer.erd.view.svg != erd_before
    designer.history.undo.click()
    assert panel.state(s) == "pending"
    assert "No edits yet" in designer.history.log.value
    designer.close()
    panel.close()


def test_suggestion_rows_route_the_page_messages_to_the_main_thread(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The Accept/Reject rows a Run makes (while handling the click) answer on the kernel's main
    thread like the panel's own widgets, where the notebook made the sample's connection."""
    import ipywidgets as w

    from tests.test_widgets_forms import _RoutingComm

    made = w.Widget.open

    def open_routing(self) -> None:  # type: ignore[no-untyped-def]
        made(self)
        self.comm = _RoutingComm(self.comm)

    monkeypatch.setattr(w.Widget, "open", open_routing)
    _m, panel = _panel()
    with _work_clock():
        panel.run_btn.click()
    rows = [b for row in panel.suggestions.children for b in row.children[0].children]
    assert rows
    assert {b.comm._reply_subshell_for({}, "page's") for b in [panel.run_btn, *rows]} == {None}
