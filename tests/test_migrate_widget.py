"""MigrationPanel: the plan since a checkpoint follows the model; dialect, format and safe mode
change the preview; lint findings show; Export writes the file."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

from dbmodel_kit.examples import ecommerce
from dbmodel_kit.model import Model


def _panel(**kw):  # type: ignore[no-untyped-def]
    from dbmodel_kit.widgets.migration import MigrationPanel

    m = Model(ecommerce())
    return m, MigrationPanel(m, erd=False, **kw)


def test_docstring_example() -> None:
    """The module's docstring example gives the output it shows."""
    module = importlib.import_module("dbmodel_kit.widgets.migration")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_plan_follows_edits_and_options(tmp_path: Path) -> None:
    """Edits after the checkpoint appear in the plan; the dialect and format change the preview."""
    m, panel = _panel()
    assert panel.plan.steps == ()
    m.add_index("products", "name")
    assert "CREATE INDEX ix_products_name ON products (name)" in panel.preview.value
    panel.safe.value = True
    assert "CREATE INDEX CONCURRENTLY" in panel.preview.value
    panel.dialect.value = "sqlite"
    assert "CONCURRENTLY" not in panel.preview.value
    panel.format.value = "Alembic"
    assert "def downgrade()" in panel.preview.value
    assert panel.path.value.endswith(".py")
    panel.format.value = "JSON"
    assert json.loads(panel.preview.value)["steps"][0]["op"]["op"] == "AddIndex"


def test_lint_and_export(tmp_path: Path) -> None:
    """Error findings are listed and Export writes exactly the previewed text."""
    m, panel = _panel()
    m.drop_column("users", "phone")
    assert [f.id for f in panel.findings] == ["DS103"]
    assert "DS103" in panel.lint_html.value
    panel.path.value = str(tmp_path / "out" / "m.sql")
    written = panel.export()
    assert written is not None
    assert written.read_text() == panel.preview.value
    assert "wrote" in panel.feedback.value


def test_checkpoint_picks_the_range() -> None:
    """Moving the checkpoint back includes earlier edits; an undo drops its step."""
    m = Model(ecommerce())
    m.add_column("users", "nickname", "text")
    from dbmodel_kit.widgets.migration import MigrationPanel

    panel = MigrationPanel(m, checkpoint=1, erd=False)
    m.rename_column("users.nickname", "alias")
    assert panel.plan.describe() == ["rename column users.nickname -> alias"]
    panel.checkpoint.value = 0
    assert len(panel.plan.steps) == 2
    m.undo()
    assert len(panel.plan.steps) == 1


def test_erd_view_shows_the_plan() -> None:
    """With the ERD on, the panel draws the model as SVG coloured by the plan."""
    from dbmodel_kit.widgets.migration import MigrationPanel

    m = Model(ecommerce())
    panel = MigrationPanel(m)
    m.add_column("users", "nickname", "text")
    assert "<svg" in panel.erd_view.value
