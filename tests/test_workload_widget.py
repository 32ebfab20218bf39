"""WorkloadPanel: queries and weights are edited in place, the slider sizes the sample, Run shows report and plans."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytest.importorskip("ipywidgets")

from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import Model


def _panel():  # type: ignore[no-untyped-def]
    from dbmodel_kit.widgets.workload import WorkloadPanel

    m = Model(ecommerce())
    return m, WorkloadPanel(m)


def test_docstring_example() -> None:
    """The module's docstring example gives the output it shows."""
    result = doctest.testmod(importlib.import_module("dbmodel_kit.widgets.workload"))
    assert result.attempted > 0
    assert result.failed == 0


def test_edit_add_and_remove_queries() -> None:
    """Saving edits a query's weight and SQL, a new name adds one, Remove drops it, and lint follows."""
    _m, panel = _panel()
    panel.pick.value = "recent_orders"
    panel.weight.value = 999
    panel.save_btn.click()
    assert panel.workload["recent_orders"].weight == 999
    panel.pick.value = "(new query)"
    panel.name.value = "all_users"
    panel.sql.value = "SELECT * FROM users ORDER BY created_at"
    panel.save_btn.click()
    assert panel.workload.names[-1] == "all_users"
    assert "WL002" in panel.lint_html.value
    panel.pick.value = "all_users"
    panel.remove_btn.click()
    assert "all_users" not in panel.workload.names
    assert "all_users" not in panel.lint_html.value


def test_unknown_column_is_refused_in_place() -> None:
    """A query naming a column the model lacks is not saved; the message says which."""
    _m, panel = _panel()
    panel.pick.value = "(new query)"
    panel.name.value = "typo"
    panel.sql.value = "SELECT totl FROM orders"
    assert panel.save_query() is False
    assert "unknown column totl" in panel.query_feedback.message
    assert "typo" not in panel.workload.names


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_generate_and_run(engine) -> None:
    """The slider's row count and engine make the sample; Run shows the report and each query's plan."""
    _m, panel = _panel()
    panel.rows.value = 1500
    panel.engine.value = engine
    panel.repeat.value = 1
    panel.generate_btn.click()
    assert panel.db is not None
    assert panel.db.engine == engine
    assert 1400 <= sum(panel.db.rows.values()) <= 1600
    panel.run_btn.click()
    assert panel.status.ok, panel.status.message
    assert "order_lines" in panel.report_html.value
    panel.plan_pick.value = "recent_orders"
    assert panel.plan_html.value.startswith("<pre")


def test_model_change_makes_the_sample_stale() -> None:
    """After a model edit the old sample is dropped and the panel asks to generate again."""
    m, panel = _panel()
    panel.rows.value = 500
    panel.generate_btn.click()
    m.add_column("users", "nickname", "varchar(40)")
    assert panel.db is None
    assert "generate the sample again" in panel.status.message


def test_models_without_the_example_tables_start_with_counts() -> None:
    """A model that is not the e-commerce one starts with one count query per table, which runs."""
    from dbmodel_kit.widgets.workload import WorkloadPanel

    m = Model()
    m.add_table("select", id="integer pk")
    panel = WorkloadPanel(m)
    assert panel.workload.names == ("count_select",)
    panel.rows.value = 100
    panel.run_btn.click()
    assert panel.last is not None
    assert panel.last.frame.loc[0, "rows"] == 1
