"""The AdvisorPanel in a real JupyterLab, driven through the system Chromium.

Opens ``notebooks/04_workload_and_indexes.ipynb`` (a copy), runs all cells, then in the panel at
the end: checks the row slider shows the sample in use (the notebook's), sets the budget to two
indexes and presses Run (the progress bar finishes, at most two suggestions show), accepts the
first suggestion (the sample stays), rejects the second, un-accepts and accepts the first again,
and asks the kernel what the panel's model holds. Screenshots go to ``test-artifacts/`` on failure.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

_pw = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = _pw.expect

from ._lab import menu, open_notebook  # noqa: E402

pytestmark = pytest.mark.browser

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_workload_and_indexes.ipynb"


def test_advisor_panel_runs_accepts_and_rejects_in_the_browser(lab: Any, page: Any) -> None:
    """Run in the page advises under the budget typed in; Accept adds that index to the kernel's model
    (and only that one), Reject marks the card and changes nothing."""
    shutil.copy(NOTEBOOK, lab.root / NOTEBOOK.name)
    open_notebook(lab, page, NOTEBOOK.name)

    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")

    page.wait_for_selector(".dbm-panel-advisorpanel .dbm-adv-suggestion", timeout=90_000)
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent);
            return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
        }""",
        timeout=90_000,
    )
    panel = page.locator(".dbm-panel-advisorpanel").first
    panel.scroll_into_view_if_needed()
    # the controls show the sample in use: the notebook's 33,040-row sample, not the slider's default
    given = panel.locator(".dbm-adv-sample").first.inner_text()
    rows = int(re.search(r"sample: ([\d,]+) rows", given).group(1).replace(",", ""))  # type: ignore[union-attr]
    expect(panel.locator(".dbm-adv-rows .widget-readout").first).to_have_text(str(rows))

    # a budget of two indexes, then Run: the status reports the new advice, the bar is full
    budget = panel.locator(".dbm-adv-budget input").first
    budget.fill("2")
    budget.press("Enter")
    panel.locator(".dbm-adv-run").first.click()
    # the notebook ran with a budget of 5: this status line can only come from the click
    expect(panel.locator(".dbm-feedback").filter(has_text="(budget: 2 indexes)").first).to_be_visible()
    expect(panel.locator(".dbm-adv-progress .progress-bar-success").first).to_be_attached()
    cards = panel.locator(".dbm-adv-suggestion")
    count = cards.count()
    assert 1 <= count <= 2, count

    first = cards.nth(0)
    name = re.search(r"CREATE INDEX (\w+)", first.inner_text()).group(1)  # type: ignore[union-attr]
    first.locator(".dbm-adv-accept").click()
    expect(cards.nth(0)).to_contain_text("accepted")
    expect(panel.locator(".dbm-feedback").filter(has_text=f"accepted: add index {name}").first).to_be_visible()
    expect(panel.locator(".dbm-adv-sample").first).to_have_text(given)  # accepting kept the sample
    if count == 2:
        cards.nth(1).locator(".dbm-adv-reject").click()
        expect(cards.nth(1)).to_contain_text("rejected")
    # un-accept takes it out again (its own step), and accept puts it back
    cards.nth(0).locator(".dbm-adv-unaccept").click()
    expect(cards.nth(0)).to_contain_text("pending")
    expect(panel.locator(".dbm-feedback").filter(has_text=f"un-accepted: drop index {name}").first).to_be_visible()
    cards.nth(0).locator(".dbm-adv-accept").click()
    expect(cards.nth(0)).to_contain_text("accepted")

    # ask the kernel: a new cell below the panel prints the panel's model log
    last = page.locator(".jp-Notebook .jp-CodeCell").last
    last.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    editor = page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-InputArea-editor")
    editor.click()
    page.keyboard.type("print(panel.model.history())")
    page.keyboard.press("Shift+Enter")
    out = (
        page.locator(".jp-Notebook .jp-CodeCell")
        .filter(has_text="print(panel.model.history())")
        .locator(".jp-OutputArea-output")
    )
    expect(out).to_contain_text(f"add index {name} on")
    assert out.inner_text().count("add index") == 2  # accepted, un-accepted, accepted again
    assert out.inner_text().count("drop index") == 1
