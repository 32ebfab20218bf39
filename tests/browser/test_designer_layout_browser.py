"""The Designer in JupyterLab's default layout (file browser open) at 1400x900 and 1024x768, driven
through the system Chromium: nothing clipped on any tab, the "none" choices of dropdowns labelled,
the ERD text readable; then, at 1400x900, what a person does with the mouse and the keyboard:
drag a table (its place is saved and survives a kernel restart), double-click a column, the
legend and the help, the keys, and the forms (emptied after an add, one message at a time,
names and defaults checked as the model checks them). Screenshots of the Designer at both sizes
go to ``test-artifacts/`` (the README's come from there).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("nbformat")
_pw = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = _pw.expect

from dbmodel_kit import ModelError  # noqa: E402
from dbmodel_kit.examples import ecommerce  # noqa: E402
from dbmodel_kit.model import ops as o  # noqa: E402
from dbmodel_kit.model.schema import Column  # noqa: E402

from ._lab import (  # noqa: E402
    CLIPPED_JS,
    TEXT_PX_JS,
    VIEWPORTS,
    menu,
    open_notebook,
    run_all,
    run_in_new_cell,
    screenshot,
    wait_all_run,
    write_notebook,
)

pytestmark = pytest.mark.browser

SETUP = """\
from pathlib import Path
from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.widgets import Designer

path = Path("{name}.yaml")
if not path.exists():  # the first run starts from the example; later runs reopen the saved model
    Model(ecommerce()).save(path)
model = Model(path=path)
designer = Designer(model, table="products")
designer"""


def box(locator: Any) -> dict[str, float]:
    """The element's box; retried while a redraw replaces the element (a highlight redraws outlines)."""
    for _ in range(50):
        found = locator.bounding_box()
        if found is not None:
            return dict(found)
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{locator} has no box")


def selected_text(locator: Any) -> str:
    text = locator.evaluate("s => s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : ''")
    return str(text).replace("\xa0", " ")  # ipywidgets writes option labels with no-break spaces


def centre(page: Any, table: str) -> tuple[float, float]:
    b = box(page.locator(f'.dbm-erd-stage g.node[id="table:{table}"]').first)
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def drawn_offset(page: Any, a: str, b: str) -> tuple[float, float]:
    """Centre of table ``b`` minus centre of ``a`` in the drawing's own units (zoom aside)."""
    return tuple(page.evaluate(
        """([a, b]) => {
            const c = (n) => { const bb = document.querySelector(`.dbm-erd-stage g.node[id="table:${n}"]`).getBBox();
                               return [bb.x + bb.width / 2, bb.y + bb.height / 2]; };
            const [ax, ay] = c(a), [bx, by] = c(b);
            return [bx - ax, by - ay];
        }""", [a, b]))


def add_table(designer: Any, name: str) -> None:
    """Add a table through the Table tab and wait until the ERD draws it."""
    designer.locator(".dbm-new-table input").first.fill(name)
    designer.locator(".dbm-add-table").first.click()
    designer.page.wait_for_function(
        "name => document.querySelector('.dbm-erd-stage').innerHTML.includes('table:' + name)", arg=name)
    designer.page.wait_for_timeout(200)


#: Resolves after the next two frames: what changed before it has been laid out.
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def show_tab(designer: Any, tabs: Any, i: int) -> None:
    """Click tab ``i`` and wait until its panel is shown and laid out: the page switches panels
    itself; the Export panel's files, their preview and the zip come from the kernel when the tab
    is first shown."""
    tabs.nth(i).click()
    expect(tabs.nth(i)).to_have_class(re.compile(r"\blm-mod-current\b"))
    if re.sub(r" \(\d+\)$", "", str(tabs.nth(i).inner_text())) == "Export":
        panel = designer.locator(".dbm-panel-exportpanel").first
        expect(panel.locator(".dbm-exp-tree select option").first).to_be_attached()
        expect(panel.locator("a.dbm-exp-zip").first).to_be_attached()  # (the last thing it sets)
    designer.page.evaluate(TWO_FRAMES_JS)


def open_designer(lab: Any, page: Any, name: str, size: str) -> Any:
    page.set_viewport_size(VIEWPORTS[size])
    write_notebook(lab.root, f"{name}.ipynb", [SETUP.format(name=name)])
    open_notebook(lab, page, f"{name}.ipynb")
    browser = page.locator(".jp-FileBrowser").first
    if not browser.is_visible():  # JupyterLab's default layout has it open; make sure of it
        page.locator('.jp-SideBar .lm-TabBar-tab[data-id="filebrowser"]').first.click()
    expect(browser).to_be_visible()
    run_all(page)
    designer = page.locator(".dbm-designer").first
    designer.evaluate("e => e.scrollIntoView({block: 'start'})")
    return designer


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_designer_fits_the_default_layout(lab: Any, page: Any, size: str) -> None:
    """On every tab, no control, label or tab is clipped (its box is inside the Designer and inside
    every clipping ancestor, its text whole); dropdowns show the label of their "none" choice; the
    ERD's table text is at least 8 px high on screen."""
    designer = open_designer(lab, page, f"fit_{size}", size)
    tabs = designer.locator(".dbm-designer-tabs > .lm-TabBar .lm-TabBar-tab")
    titles = [str(t) for t in tabs.all_inner_texts()]
    assert [re.sub(r" \(\d+\)$", "", t) for t in titles] == [
        "Table", "Relations", "Indexes", "Enums", "History", "Lint", "Export"]
    for i, title in enumerate(titles):
        show_tab(designer, tabs, i)
        assert designer.evaluate(CLIPPED_JS) == [], f"{size}, tab {title}"
    tabs.nth(0).click()
    assert selected_text(designer.locator(".dbm-erd-focus select")) == "whole schema"
    assert selected_text(designer.locator(".dbm-table-picker select")) == "products"
    tabs.nth(1).click()
    assert selected_text(designer.locator(".dbm-fk-on-delete select")) == "no action"
    assert selected_text(designer.locator(".dbm-fk-on-update select")) == "no action"
    tabs.nth(2).click()
    assert selected_text(designer.locator(".dbm-ix-method select")) == "default (btree)"
    tabs.nth(0).click()
    viewport = designer.locator(".dbm-erd-viewport").first
    assert page.evaluate(TEXT_PX_JS, [viewport.element_handle(), "11.00"]) >= 8  # names and types
    assert page.evaluate(TEXT_PX_JS, [viewport.element_handle(), "8.00"]) >= 7  # the row flags, key badges
    # the whole drawing is in view, or the minimap shows where the view is
    whole = viewport.evaluate("""v => { const s = v.querySelector('.dbm-erd-stage svg').getBoundingClientRect(),
                                       r = v.getBoundingClientRect();
                                       return s.left >= r.left - 1 && s.right <= r.right + 1 && s.top >= r.top - 1
                                              && s.bottom <= r.bottom + 1; }""")
    minimap = designer.locator(".dbm-erd-minimap").first
    assert whole or minimap.is_visible()
    if minimap.is_visible():  # one box per table, the selected one marked
        tables = page.locator('.dbm-erd-stage g.node[id^="table:"]').count()
        expect(minimap.locator("rect")).to_have_count(tables)
        expect(minimap.locator("rect.dbm-mini-sel")).to_have_count(1)
    designer.evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, f"designer-{size}.png")

    # selecting a table outlines the whole table once, and strokes none of its cells
    page.locator('.dbm-erd-stage g.node[id="table:orders"] g[id="a_head:orders"]').first.click()
    expect(designer.locator(".dbm-panel-tableeditor").first).to_contain_text("Table orders")
    outlines = page.locator(".dbm-erd-stage rect.dbm-sel-box")
    expect(outlines).to_have_count(1)
    node = page.locator('.dbm-erd-stage g.node[id="table:orders"]').first
    ob, nb = box(outlines.first), box(node)
    assert abs(ob["x"] - nb["x"]) < 8 and abs(ob["width"] - nb["width"]) < 12  # noqa: PT018
    assert node.evaluate("""g => [...g.querySelectorAll('polygon, path')].filter(p =>
        getComputedStyle(p).stroke.replace(/\\s/g, '') === 'rgb(227,98,9)').length""") == 0

    # a bigger drawing is refitted while the person has not zoomed; after a zoom, their view stays
    stage = page.locator(".dbm-erd-stage").first
    before = stage.get_attribute("style")
    add_table(designer, "refit_one")
    expect(stage).not_to_have_attribute("style", before or "")
    designer.locator(".dbm-erd-viewport").first.hover()
    page.mouse.wheel(0, -200)
    zoomed = stage.get_attribute("style")
    add_table(designer, "refit_two")
    assert stage.get_attribute("style") == zoomed


def test_designer_by_mouse_and_keyboard(lab: Any, page: Any) -> None:
    """Drag, double-click, legend, help and keys in the page reach the kernel's model; the forms
    empty after an add, keep one message at a time and check names and defaults as the model does;
    the dragged layout is in the model file and comes back after a kernel restart."""
    designer = open_designer(lab, page, "manip", "1400x900")
    viewport = designer.locator(".dbm-erd-viewport").first
    stage = page.locator(".dbm-erd-stage").first
    editor = designer.locator(".dbm-panel-tableeditor").first

    # -- drag orders by (+150, +70) px: it lands there (or beside, if a table is there), nothing else moves
    users_before = centre(page, "users")
    ox, oy = centre(page, "orders")
    header = page.locator('.dbm-erd-stage g.node[id="table:orders"] g[id="a_head:orders"]').first
    hb = box(header)
    hx, hy = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    before = stage.inner_html()
    page.mouse.move(hx, hy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(hx + 15 * k, hy + 7 * k)
    page.mouse.up()
    page.wait_for_function("before => document.querySelector('.dbm-erd-stage').innerHTML !== before", arg=before)
    page.wait_for_timeout(300)
    nx, ny = centre(page, "orders")
    # where it was dropped, or the nearest spot there that overlaps no other table
    assert abs(nx - ox - 150) + abs(ny - oy - 70) < 160, ((ox, oy), (nx, ny))
    assert page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('.dbm-erd-stage g.node')]
            .map(g => [g.id, g.getBoundingClientRect()]);
        const [, o] = boxes.find(([id]) => id === 'table:orders');
        return boxes.filter(([id, r]) => id !== 'table:orders' && r.left < o.right && o.left < r.right
                                         && r.top < o.bottom && o.top < r.bottom).map(([id]) => id);
    }""") == []
    ux, uy = centre(page, "users")
    assert abs(ux - users_before[0]) < 3 and abs(uy - users_before[1]) < 3  # noqa: PT018
    offset = drawn_offset(page, "users", "orders")
    expect(designer.locator(".dbm-erd-auto-layout").first).to_be_enabled()

    # -- the legend and the help
    designer.locator(".dbm-erd-legend-btn").first.click()
    expect(designer.locator(".dbm-erd-legend").first).to_contain_text("NN")
    expect(designer.locator(".dbm-erd-legend").first).to_contain_text("not null")
    viewport.click(position={"x": 4, "y": 4})  # focus the diagram (an empty corner selects nothing)
    page.keyboard.press("?")
    help_box = designer.locator(".dbm-help").first
    expect(help_box).to_be_visible()
    for words in ("new table", "new column", "drop the selected table", "focus the diagram", "fit the diagram"):
        expect(help_box).to_contain_text(words)
    page.keyboard.press("Escape")
    expect(help_box).to_be_hidden()
    expect(designer.locator(".dbm-erd-legend").first).to_be_hidden()

    # -- F focuses the diagram on the selected table (products), again the whole schema; 0 fits
    focus = designer.locator(".dbm-erd-focus select").first
    page.keyboard.press("f")
    expect(focus).to_have_value("products")
    page.wait_for_function("() => !document.querySelector('.dbm-erd-stage g.node[id=\"table:orders\"]')")
    page.keyboard.press("f")
    expect(focus).to_have_value("whole schema")  # (ipywidgets' options carry their labels as values)
    page.wait_for_function("() => document.querySelector('.dbm-erd-stage g.node[id=\"table:orders\"]')")
    page.keyboard.press("0")
    fitted = stage.get_attribute("style")
    viewport.hover(position={"x": 40, "y": 40})
    page.mouse.wheel(0, -300)
    expect(stage).not_to_have_attribute("style", fitted or "")
    page.keyboard.press("0")
    expect(stage).to_have_attribute("style", fitted or "")

    # -- N: a new table, typed straight into the focused field
    page.keyboard.press("n")
    new_table = designer.locator(".dbm-new-table input").first
    expect(new_table).to_be_focused()
    page.keyboard.type("audit_log", delay=80)  # a person's pace (ipywidgets syncs each key)
    designer.locator(".dbm-add-table").first.click()
    expect(editor).to_contain_text("Table audit_log")
    page.wait_for_function("() => document.querySelector('.dbm-erd-stage').innerHTML.includes('audit_log')")

    # -- C: a new column; after the add the form is empty again
    viewport.click(position={"x": 4, "y": 4})
    page.keyboard.press("c")
    name = designer.locator(".dbm-col-name input").first
    expect(name).to_be_focused()
    page.keyboard.type("happened_at", delay=80)
    designer.locator(".dbm-col-type-kind select").first.select_option("timestamptz")
    designer.locator(".dbm-col-nullable input").first.uncheck()
    designer.locator(".dbm-col-default input").first.fill("now()")
    designer.locator(".dbm-add-column").first.click()
    expect(editor.locator(".dbm-done").first).to_contain_text(
        "add column audit_log.happened_at timestamptz not null default now()")
    expect(name).to_have_value("")
    expect(designer.locator(".dbm-col-default input").first).to_have_value("")
    expect(designer.locator(".dbm-col-nullable input").first).to_be_checked()

    # -- an error belongs to its action and goes when another table is selected
    designer.locator(".dbm-add-column").first.click()
    expect(editor.locator(".dbm-error").first).to_have_text("type a name for the column")
    page.locator('.dbm-erd-stage g.node[id="table:users"] g[id="a_head:users"]').first.click()
    expect(editor).to_contain_text("Table users")
    expect(editor.locator(".dbm-error")).to_have_count(0)

    # -- names and defaults are checked as the model checks them
    name.fill("bad name!")  # legal in the model, flagged by its name rule: refused once, with a better name
    designer.locator(".dbm-add-column").first.click()
    expect(editor.locator(".dbm-error").first).to_contain_text("DM120")
    expect(editor.locator(".dbm-error").first).to_contain_text("e.g. bad_name")
    designer.locator(".dbm-add-column").first.click()  # the same again keeps it, with the warning
    expect(editor.locator(".dbm-warning").first).to_contain_text("DM120")
    # defaults the type cannot hold: the form shows the model's own message and adds nothing
    for kind, enum, default in (("integer", "", "uuid()"), ("integer", "", "'abc'"), ("boolean", "", "'maybe'"),
                                ("enum", "order_status", "false")):
        with pytest.raises(ModelError) as refused:
            o.AddColumn("users", Column(f"probe_{kind}", f"enum({enum})" if enum else kind,
                                        default=default)).apply(ecommerce())
        name.fill(f"probe_{kind}")
        designer.locator(".dbm-col-type-kind select").first.select_option(kind)
        if enum:
            designer.locator(".dbm-col-type-enum select").first.select_option(enum)
        designer.locator(".dbm-col-default input").first.fill(default)
        designer.locator(".dbm-add-column").first.click()
        expect(editor.locator(".dbm-error").first).to_contain_text(refused.value.message)

    # -- double-click a column row in the ERD: it opens in the form
    row = page.locator('.dbm-erd-stage g[id="a_col:orders.status"]').first
    row.dblclick()
    expect(editor).to_contain_text("Table orders")
    expect(name).to_have_value("status")

    # -- Delete drops the selected table, Ctrl+Z brings it back
    page.locator('.dbm-erd-stage g.node[id="table:audit_log"] g[id="a_head:audit_log"]').first.click()
    expect(editor).to_contain_text("Table audit_log")
    viewport.click(position={"x": 4, "y": 4})
    page.keyboard.press("Delete")
    page.wait_for_function("() => !document.querySelector('.dbm-erd-stage').innerHTML.includes('audit_log')")
    page.keyboard.press("Control+z")
    page.wait_for_function("() => document.querySelector('.dbm-erd-stage').innerHTML.includes('audit_log')")

    # -- a partial column name is completed (Enter in the index columns field)
    page.locator('.dbm-erd-stage g.node[id="table:audit_log"] g[id="a_head:audit_log"]').first.click()
    designer.locator(".dbm-designer-tabs .lm-TabBar-tab", has_text="Indexes").first.click()
    expect(designer.locator(".dbm-panel-indexeditor").first).to_contain_text("audit_log")
    columns = designer.locator(".dbm-ix-columns input").first
    columns.fill("happ")
    columns.press("Enter")
    expect(designer.locator(".dbm-ix-columns .jupyter-widget-tag", has_text="happened_at")).to_have_count(1)
    designer.locator(".dbm-add-index").first.click()
    expect(designer.locator(".dbm-panel-indexeditor .dbm-done").first).to_contain_text(
        "add index ix_audit_log_happened_at on audit_log(happened_at)")
    designer.locator(".dbm-designer-tabs .lm-TabBar-tab", has_text="Table").first.click()

    # -- the kernel's model: the whole layout pinned, in the file, the history in plain words
    out = run_in_new_cell(page, "print(sum(t.position is not None for t in model.schema.tables), "
                                "len(model.schema.tables), 'position:' in path.read_text()); "
                                "print(*model.history(), sep='\\n')")
    counts = out.splitlines()[0].split()
    assert counts[0] == str(int(counts[1]) - 1)  # all but audit_log, added after the drag
    assert counts[2] == "True"
    assert "move table orders (and pin 4 more tables where they are drawn)" in out
    assert "add column audit_log.happened_at timestamptz not null default now()" in out

    # -- restart the kernel and run everything again: the model is read back from the file
    old = page.locator(".dbm-designer").first.element_handle()
    menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function("el => !el.isConnected", arg=old, timeout=120_000)  # the old Designer is gone
    page.wait_for_selector(".dbm-designer .dbm-erd-stage svg", timeout=120_000)
    wait_all_run(page)
    after = drawn_offset(page, "users", "orders")
    assert abs(after[0] - offset[0]) < 2 and abs(after[1] - offset[1]) < 2, (offset, after)  # noqa: PT018

    # -- Auto layout forgets the places
    designer = page.locator(".dbm-designer").first
    designer.locator(".dbm-erd-auto-layout").first.click()
    expect(designer.locator(".dbm-erd-auto-layout").first).to_be_disabled()
    assert run_in_new_cell(page, "print(sum(t.position is not None for t in model.schema.tables))").strip() == "0"
