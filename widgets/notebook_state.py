"""Saved notebooks that read without a kernel: each widget's saved state is its static snapshot.

A widget in a saved notebook is an output holding ``application/vnd.jupyter.widget-view+json``
(the id of a model that lived in the kernel) beside the widget's static snapshot in ``text/html``
(every panel of the Designer family puts one there). An untrusted notebook shows the HTML;
a trusted one asks the widget manager for the model, and with no kernel to provide it JupyterLab
says "Error displaying widget: model not found", unless the notebook's metadata holds widget
state for that id. :func:`snapshot_state` writes that state: under each widget's model id, an
ipywidgets ``HTML`` widget showing the same output's snapshot. JupyterLab (trusted, kernel or not,
until the cell runs again) and nbconvert/nbviewer (which render saved widget state) then show the
snapshot; running the cell replaces it with the live widget.

Run on notebooks (``make notebooks`` does this for ``notebooks/``)::

    python -m dbmodel_kit.widgets.notebook_state notebooks/02_design_session.ipynb          # state only
    python -m dbmodel_kit.widgets.notebook_state --execute notebooks/02_design_session.ipynb  # run first

>>> nb = {"metadata": {}, "cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data",
...       "data": {WIDGET_VIEW: {"model_id": "m1"}, "text/html": "<b>snapshot</b>"}}]}]}
>>> state = snapshot_state(nb)["metadata"]["widgets"][WIDGET_STATE]["state"]
>>> state["m1"]["model_name"], state["m1"]["state"]["value"]
('HTMLModel', '<b>snapshot</b>')
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: ipywidgets 8's state format and model module versions (what its front end restores).
STATE_VERSION = {"version_major": 2, "version_minor": 0}
CONTROLS, BASE = ("@jupyter-widgets/controls", "2.0.0"), ("@jupyter-widgets/base", "2.0.0")

#: Shown for a widget output that carries no snapshot of its own.
NO_SNAPSHOT = "<p><i>(an interactive widget: run the notebook to use it)</i></p>"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def widget_outputs(nb: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(model id, snapshot HTML)`` of every widget output in ``nb`` (a notebook as a dict)."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            view = data.get(WIDGET_VIEW)
            if isinstance(view, dict) and view.get("model_id"):
                yield str(view["model_id"]), _text(data.get("text/html", NO_SNAPSHOT))


def _model_id(owner: str, part: str) -> str:
    """A stable id for a helper model of ``owner`` (the file does not change when nothing else does)."""
    return hashlib.sha1(f"{owner}/{part}".encode()).hexdigest()[:32]


def snapshot_state(nb: dict[str, Any]) -> dict[str, Any]:
    """``nb`` with its saved widget state replaced by one static ``HTML`` widget per widget output,
    showing that output's snapshot (see the module docstring). Other saved state is dropped: it
    belongs to models no output shows. Returns ``nb`` (changed in place)."""
    state: dict[str, Any] = {}
    for model_id, snapshot in widget_outputs(nb):
        layout, style = _model_id(model_id, "layout"), _model_id(model_id, "style")
        state[model_id] = {"model_name": "HTMLModel", "model_module": CONTROLS[0], "model_module_version": CONTROLS[1],
                           "state": {"layout": f"IPY_MODEL_{layout}", "style": f"IPY_MODEL_{style}",
                                     "_dom_classes": ["dbm-snapshot"], "value": snapshot}}
        state[layout] = {"model_name": "LayoutModel", "model_module": BASE[0], "model_module_version": BASE[1],
                         "state": {}}
        state[style] = {"model_name": "HTMLStyleModel", "model_module": CONTROLS[0],
                        "model_module_version": CONTROLS[1], "state": {}}
    metadata = nb.setdefault("metadata", {})
    if state:
        metadata["widgets"] = {WIDGET_STATE: {**STATE_VERSION, "state": state}}
    else:
        metadata.pop("widgets", None)
    return nb


def execute(path: Path, timeout: int = 600) -> dict[str, Any]:
    """Run the notebook at ``path`` top to bottom in a copy of its folder (files the notebook writes
    stay out of the repository); the executed notebook as a dict. Cells that raise stop the run
    with a ModelError naming the notebook."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                         store_widget_state=False, resources={"metadata": {"path": str(work)}})
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as e:
            raise ModelError(f"a cell failed: {str(e).splitlines()[0] if str(e) else e}", where=str(path)) from None
    return dict(nb)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dbmodel_kit.widgets.notebook_state",
                                     description="Save each widget's static snapshot as its widget state.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--execute", action="store_true", help="run each notebook first (in a copy of its folder)")
    args = parser.parse_args(argv)
    import nbformat

    for path in args.notebooks:
        try:
            nb = execute(path) if args.execute else json.loads(path.read_text(encoding="utf-8"))
        except (ModelError, OSError, ValueError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 2
        nb = snapshot_state(nb)
        nbformat.write(nbformat.from_dict(nb), path)
        print(f"{path}: {sum(1 for _ in widget_outputs(nb))} widget snapshot(s) saved", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
