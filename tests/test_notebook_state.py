"""Saved widget state that shows each widget's static snapshot (dbmodel_kit.widgets.notebook_state)."""

from __future__ import annotations

import json

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")

from dbmodel_kit.widgets.notebook_state import NO_SNAPSHOT, WIDGET_STATE, WIDGET_VIEW, main, snapshot_state  # noqa: E402


def notebook() -> dict:
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_code_cell("designer", outputs=[v4.new_output("execute_result", execution_count=1, data={
            WIDGET_VIEW: {"model_id": "aaa", "version_major": 2, "version_minor": 0},
            "text/html": "<div><img alt='ERD' src='data:image/svg+xml;base64,PHN2Zy8+'></div>",
            "text/plain": "Designer"})]),
        v4.new_code_cell("tutor", outputs=[v4.new_output("display_data", data={
            WIDGET_VIEW: {"model_id": "bbb"}, "text/plain": "Tutor"})]),
        v4.new_code_cell("closed", outputs=[v4.new_output("display_data", data={
            WIDGET_VIEW: {"model_id": ""}, "text/plain": "closed"})]),
    ])
    nb.metadata["widgets"] = {WIDGET_STATE: {"version_major": 2, "version_minor": 0,
                                             "state": {"stale": {"model_name": "ButtonModel", "state": {}}}}}
    return json.loads(nbformat.writes(nb))


def test_each_widget_output_gets_an_html_widget_with_its_own_snapshot():
    """Each widget output's model id is saved as an HTML widget showing that output's text/html (or a
    note when it has none, like a widget displayed on its own); stale models and closed views go."""
    nb = snapshot_state(notebook())
    saved = nb["metadata"]["widgets"][WIDGET_STATE]
    assert (saved["version_major"], saved["version_minor"]) == (2, 0)
    state = saved["state"]
    assert "stale" not in state
    assert state["aaa"]["model_name"] == "HTMLModel"
    assert state["aaa"]["state"]["value"].startswith("<div><img alt='ERD'")
    assert state["bbb"]["state"]["value"] == NO_SNAPSHOT
    for model in ("aaa", "bbb"):  # the layout and style each HTML widget refers to are saved too
        for ref in ("layout", "style"):
            assert state[model]["state"][ref].removeprefix("IPY_MODEL_") in state
    assert len(state) == 6
    nbformat.validate(nbformat.from_dict(nb))


def test_the_state_is_stable_and_absent_without_widgets():
    """The same notebook gives the same state (helper ids derive from the widget's id); a notebook
    without widget outputs keeps no widget state."""
    assert snapshot_state(notebook())["metadata"] == snapshot_state(notebook())["metadata"]
    nb = notebook()
    nb["cells"] = nb["cells"][2:]
    assert "widgets" not in snapshot_state(nb)["metadata"]


def test_command_rewrites_the_file(tmp_path, capsys):
    """`python -m dbmodel_kit.widgets.notebook_state FILE` saves the state into FILE; an unreadable
    file is one line on stderr and exit 2."""
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook()), encoding="utf-8")
    assert main([str(path)]) == 0
    assert "aaa" in json.loads(path.read_text())["metadata"]["widgets"][WIDGET_STATE]["state"]
    assert "2 widget snapshot(s) saved" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.ipynb")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
