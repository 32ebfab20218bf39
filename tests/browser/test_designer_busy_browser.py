"""The Designer's forms while the kernel is busy, in the system Chromium: a click on a form button
acts on what the form shows when it is clicked, and the kernel handles the page's messages in the
order they were sent, on the kernel's main thread.

ipywidgets sends a field's next value only once the kernel is done with its last one, and sends a
button's click at once; JupyterLab (4.4+) with ipykernel 7 sends widget messages over a subshell,
and the kernel handles each comm's messages on the thread of whatever last published on it, so a
button's click can be handled on another thread than a field's update. Either way the click could
overtake the value a person had just typed or pasted: CI once saw "type a name for the column"
after ``fill("bad name!")`` and a click on Add column. Here the kernel is made busy on purpose (a
hook sleeps while it takes one value of the field), the next value is typed while it is busy, and
the click must still act on that next value, once.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("nbformat")
_pw = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = _pw.expect

from ._lab import open_notebook, run_all, run_in_new_cell, write_notebook  # noqa: E402

pytestmark = pytest.mark.browser

SETUP = """\
import threading
import time
from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.widgets import Designer

model = Model(ecommerce())
designer = Designer(model, table="users")
t = designer.tables
# a busy kernel: taking one of these values in a field keeps it busy for 3 s
SLOW = {slow!r}
threads = set()  # the kernel threads that handled the page's messages to the form
def busy(change):
    threads.add(threading.current_thread().name)
    if change["new"] in SLOW:
        time.sleep(3)
for field in (t.col_name, t.default, t.new_table):
    field.observe(busy, names=["value"])
for b in (t.add_column, t.add_table):
    b.on_click(lambda _b: threads.add(threading.current_thread().name))
designer"""

SLOW_NAME, SLOW_DEFAULT = "slow_field", "'slow'"


def open_designer(lab: Any, page: Any, name: str) -> Any:
    page.set_viewport_size({"width": 1400, "height": 900})
    write_notebook(lab.root, f"{name}.ipynb", [SETUP.format(slow=(SLOW_NAME, SLOW_DEFAULT))])
    open_notebook(lab, page, f"{name}.ipynb")
    run_all(page)
    designer = page.locator(".dbm-designer").first
    designer.evaluate("e => e.scrollIntoView({block: 'start'})")
    return designer


def test_a_click_carries_what_was_typed_while_the_kernel_was_busy(lab: Any, page: Any) -> None:
    """Typed while the kernel is busy with the field's last value, a name, a type and a default
    reach the Add column handler with its click; the form is empty after the add (the held-back
    update does not come back to fill it again); a bad name gets the name rule's message."""
    designer = open_designer(lab, page, "busy_forms")
    editor = designer.locator(".dbm-panel-tableeditor").first
    expect(editor).to_contain_text("Table users")
    name = designer.locator(".dbm-col-name input").first
    default = designer.locator(".dbm-col-default input").first

    # -- a column: the name's "busy" value first, then what the person means, then Add at once
    name.fill(SLOW_NAME)  # the kernel is now busy for 3 s with this value
    name.fill("login_count")  # held back in the page until the kernel is done with the last one
    designer.locator(".dbm-col-type-kind select").first.select_option("integer")
    default.fill("0")
    designer.locator(".dbm-add-column").first.click()
    expect(editor.locator(".dbm-done").first).to_contain_text(
        "add column users.login_count integer default 0", timeout=60_000)
    expect(name).to_have_value("")
    expect(default).to_have_value("")

    # -- a bad name typed while busy is refused with the name rule's message, not "type a name"
    default.fill(SLOW_DEFAULT)  # busy again, with another field: the click may now be handled first
    name.fill("bad name!")
    designer.locator(".dbm-add-column").first.click()
    expect(editor.locator(".dbm-error").first).to_contain_text("DM120", timeout=60_000)
    expect(editor.locator(".dbm-error").first).to_contain_text("e.g. bad_name")

    # -- a new table, its name typed while busy with the last one
    new_table = designer.locator(".dbm-new-table input").first
    new_table.fill(SLOW_NAME)
    new_table.fill("audit_log")
    designer.locator(".dbm-add-table").first.click()
    expect(editor).to_contain_text("Table audit_log", timeout=60_000)
    expect(new_table).to_have_value("")

    # -- the kernel's model: the two edits meant, nothing made of the busy values; and the fields'
    # updates and the buttons' clicks were handled on the main thread, in the order the page sent them
    out = run_in_new_cell(page, "print(*model.history(), sep='\\n'); print(len(threads), sorted(threads))")
    assert out.splitlines()[:-1] == ["add column users.login_count integer default 0", "add table audit_log"], out
    assert out.splitlines()[-1] == "1 ['MainThread']", out
