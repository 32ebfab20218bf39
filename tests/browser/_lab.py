"""Helpers for driving JupyterLab in the browser tests: write a notebook, open it, run it, and
measure what the page shows (clipped controls, on-screen text size)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import expect

TIMEOUT = 30_000  # ms, for anything that waits on the kernel
#: JupyterLab's default layout at the two sizes the issue names; the file browser stays open.
VIEWPORTS = {"1400x900": {"width": 1400, "height": 900}, "1024x768": {"width": 1024, "height": 768}}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def write_notebook(root: Path, name: str, cells: Sequence[str]) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / name)
    return name


#: "dialog" while JupyterLab shows a dialog (it sometimes asks which kernel to start), "ready" once
#: the notebook has a kernel and that kernel is idle, else null. (The execution indicator reads
#: "idle" while the notebook has no kernel yet, so the kernel's name is checked too.)
KERNEL_READY_JS = """() => {
    if (document.querySelector('.jp-Dialog')) return 'dialog';
    const name = document.querySelector('.jp-Toolbar-kernelName');
    const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
    const named = name && !['', 'No Kernel'].includes(name.textContent.trim());
    return named && status && status.getAttribute('data-status') === 'idle' ? 'ready' : null;
}"""


def open_notebook(lab: Any, page: Any, name: str) -> None:
    """Open ``name`` and wait until its kernel has started and is idle."""
    page.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    page.goto(lab.open_url(name))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    while page.wait_for_function(KERNEL_READY_JS, timeout=90_000).json_value() == "dialog":
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.locator(".jp-Dialog").wait_for(state="detached")


def menu(page: Any, top: str, item: str) -> None:
    page.get_by_role("menuitem", name=top, exact=True).click()
    page.get_by_role("menuitem", name=re.compile("^" + re.escape(item))).click()


def wait_all_run(page: Any, timeout: int = 120_000) -> None:
    """Wait until every code cell with code shows an execution count (Run All has finished; an
    empty cell gets none)."""
    page.wait_for_function(
        """() => {
            const cells = [...document.querySelectorAll('.jp-CodeCell')].filter(
                c => (c.querySelector('.jp-InputArea-editor .cm-content') || {}).textContent.trim() !== '');
            return cells.length > 0 && cells.every(
                c => /\\[\\d+\\]/.test(c.querySelector('.jp-InputArea-prompt').textContent));
        }""", timeout=timeout)


def run_all(page: Any) -> None:
    menu(page, "Run", "Run All Cells")
    page.wait_for_selector(".dbm-designer .dbm-erd-stage svg", timeout=120_000)
    wait_all_run(page)


def run_in_new_cell(page: Any, code: str) -> str:
    """Add a cell at the end, run ``code`` in it, and return its output text."""
    last = page.locator(".jp-Notebook .jp-CodeCell").last
    last.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    cell = cells.nth(cells.count() - 1)  # this cell, not whichever is last after Shift+Enter adds one
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    out = cell.locator(".jp-OutputArea-output").first
    expect(out).to_be_visible(timeout=60_000)
    return str(out.inner_text())


#: Every visible control, label and tab label inside the root element: inside the root's box,
#: inside each ancestor (up to the root) that clips its overflow, and its text whole
#: (scrollWidth <= clientWidth); a list's longest option either fits or its box scrolls sideways.
#: The drawing itself (a zoomable canvas), popovers and the minimap are left out.
CLIPPED_JS = (Path(__file__).parent / "clipped.js").read_text(encoding="utf-8")

#: The smallest on-screen height (px) of the text of a size (Graphviz's font-size attribute, e.g.
#: "11.00" for the table text, "8.00" for the row flags) drawn in the ERD viewport, among visible texts.
TEXT_PX_JS = """([viewport, size]) => {
  const vr = viewport.getBoundingClientRect();
  let least = Infinity;
  for (const t of viewport.querySelectorAll(`.dbm-erd-stage text[font-size="${size}"]`)) {
    const r = t.getBoundingClientRect();
    if (r.bottom < vr.top || r.top > vr.bottom || r.right < vr.left || r.left > vr.right) continue;
    least = Math.min(least, r.height);
  }
  return least;
}"""


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
