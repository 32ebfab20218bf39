"""The Designer in a real JupyterLab, driven through the system Chromium.

Opens ``notebooks/02_design_session.ipynb`` (a copy), runs all cells, adds a column through the
widget, clicks a table in the ERD, and checks both the page (the SVG changed, the click selected
the table) and the kernel (the model has the column). Screenshots go to ``test-artifacts/`` on
failure.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from dbmodel_kit.erd import THEMES

_pw = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = _pw.expect

from ._lab import menu, open_notebook  # noqa: E402

pytestmark = pytest.mark.browser

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_design_session.ipynb"
DARK_TABLE_BG = THEMES["dark"].table_bg


def stage_html(page: Any) -> str:
    return page.locator(".dbm-erd-stage").first.inner_html()


def test_designer_edits_reach_the_kernel_and_redraw(lab: Any, page: Any) -> None:
    """Adding a column in the widget redraws the ERD in the page and changes the kernel's model;
    clicking a table in the ERD selects it in the editor."""
    shutil.copy(NOTEBOOK, lab.root / NOTEBOOK.name)
    open_notebook(lab, page, NOTEBOOK.name)

    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")

    # the Designer renders once its cell ran; wait for every cell to finish
    page.wait_for_selector(".dbm-designer .dbm-erd-stage svg", timeout=60_000)
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent);
            return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
        }""", timeout=60_000)
    designer = page.locator(".dbm-designer").first
    designer.scroll_into_view_if_needed()
    editor = designer.locator(".dbm-panel-tableeditor").first
    expect(editor).to_contain_text("Table products")

    # add a column through the widget: name, type, Add column
    before = stage_html(page)
    designer.locator(".dbm-col-name input").first.fill("gift_wrap")
    designer.locator(".dbm-col-type-kind select").first.select_option("boolean")
    designer.locator(".dbm-add-column").first.click()
    page.wait_for_function(
        "() => document.querySelector('.dbm-erd-stage').innerHTML.includes('gift_wrap')")
    after = stage_html(page)
    assert after != before
    assert "gift_wrap" in after
    expect(editor).to_contain_text("add column products.gift_wrap boolean")  # the feedback line

    # click the orders table in the ERD: the editor follows, and the page highlights it
    node = page.locator('.dbm-erd-stage g.node[id="table:orders"]').first
    node.click()
    expect(editor).to_contain_text("Table orders")
    expect(node).to_have_class(re.compile(r"\bdbm-sel\b"))
    # its neighbours (parent users, child order_items) are highlighted, the rest dimmed
    expect(page.locator('.dbm-erd-stage g.node[id="table:users"]').first).to_have_class(re.compile(r"\bdbm-nb\b"))
    expect(page.locator('.dbm-erd-stage g.node[id="table:categories"]').first).to_have_class(
        re.compile(r"\bdbm-dim\b"))
    assert stage_html(page) != after  # the highlight redrew the drawing

    # ask the kernel: the notebook's last cell prints the model's latest step
    last = page.locator(".jp-Notebook .jp-CodeCell", has_text="print(model.history()[-1])")
    last.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    expect(last.locator(".jp-OutputArea-output")).to_contain_text("add column products.gift_wrap boolean")

    # wheel over the diagram zooms (a CSS transform on the stage, kept across redraws)
    viewport = designer.locator(".dbm-erd-viewport").first
    viewport.scroll_into_view_if_needed()
    transform = page.locator(".dbm-erd-stage").first.get_attribute("style")
    viewport.hover()
    page.mouse.wheel(0, -300)
    expect(page.locator(".dbm-erd-stage").first).not_to_have_attribute("style", transform or "")

    # Ctrl+Z inside the Designer undoes in the kernel; the ERD loses the column again
    viewport.click(position={"x": 5, "y": 5})  # empty corner: focuses the diagram, selects nothing
    page.keyboard.press("Control+z")
    page.wait_for_function(
        "() => !document.querySelector('.dbm-erd-stage').innerHTML.includes('gift_wrap')")
    expect(designer.locator(".dbm-history-msg").first).to_have_text("undo: add column products.gift_wrap boolean")

    # switching JupyterLab to its dark theme redraws the ERD with the dark palette
    page.get_by_role("menuitem", name="Settings", exact=True).click()
    page.locator(".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Theme'))").hover()
    page.locator(".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('JupyterLab Dark'))").click()
    page.wait_for_function(
        f"() => document.querySelector('.dbm-erd-stage').innerHTML.includes('{DARK_TABLE_BG}')")

