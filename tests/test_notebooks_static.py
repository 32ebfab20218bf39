"""Every notebook, executed and saved, reads completely without a kernel (GitHub, nbviewer, mail).

The check itself (:func:`notebook_checks.problems`) runs in tests/test_binder_env.py on each
notebook as the Binder environment executed and saved it: one execution there feeds both checks
(it runs without error in Binder; its saved outputs read without a kernel). Where no Binder
environment can be built, that file executes the notebooks in this environment for this check.
The saved file is checked output by output: every display carries a static mime type, no output
is only a widget (a widget view must come with SVG, HTML or Markdown next to it: in its own mime
bundle, or as another output of the same cell), and no output is a bare ``<object at 0x...>`` repr.

Here: the checker's own test, and the index notebook's links.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from notebook_checks import WIDGET, problems

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_problems_flags_widget_only_and_bare_outputs():
    """The checker reports a widget-only output and a bare repr, and accepts SVG/HTML/Markdown beside a widget."""
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_code_cell("a", outputs=[
            v4.new_output("display_data", data={WIDGET: {"model_id": "1"}, "text/plain": "VBox()"}),
            v4.new_output("execute_result", data={"text/plain": "<a.B object at 0x7f00>"}, execution_count=1)]),
        v4.new_code_cell("b", outputs=[
            v4.new_output("display_data", data={WIDGET: {"model_id": "2"}, "text/html": "<svg/>", "text/plain": "E"}),
            v4.new_output("execute_result", data={"text/plain": "['a', 'b']"}, execution_count=2)]),
        v4.new_code_cell("c", outputs=[
            v4.new_output("display_data", data={WIDGET: {"model_id": "3"}, "text/plain": "Tutor()"}),
            v4.new_output("display_data", data={"text/markdown": "**2NF** holds"})]),
    ])
    assert problems(nb) == ["cell 1: a widget with no static view (only ['application/vnd.jupyter.widget-view"
                            "+json', 'text/plain'])", "cell 1: only a bare repr '<a.B object at 0x7f00>'"]


def test_index_links_every_notebook():
    """00_index links each other notebook in the folder, and every notebook link it has resolves."""
    index = nbformat.read(ROOT / "notebooks" / "00_index.ipynb", as_version=4)
    text = "\n".join(c.source for c in index.cells if c.cell_type == "markdown")
    links = set(re.findall(r"\]\(([^)#]+\.ipynb)\)", text))
    assert all((ROOT / "notebooks" / link).is_file() for link in links), links
    assert {p.name for p in NOTEBOOKS} - {"00_index.ipynb"} <= links
