"""Edit -> new SVG in the page, at 40 tables, measured in a real JupyterLab (not asserted: timings
on a shared machine are noise; ``bench/designer_browser.py`` runs this test and reports the figures
in docs/benchmarks.md).

For each edit: from the click on Add column until the frame with the new drawing (the one with
the new column) has been laid out and painted, and of that the page's own share (the ERD view's
SVG swap, layout, highlight and minimap: ``data-show-ms``). Wall times depend on what else runs on
the machine, so the CPU each side spends is measured too: the kernel process and its Graphviz
children for the whole edit (every panel redrawn, lint re-run; Linux /proc), and the page's main
thread until the frame (Chrome's ThreadTime). The figures go to ``test-artifacts/designer-latency.json``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nbformat")
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from ._lab import ARTIFACTS, VIEWPORTS, open_notebook, run_all, write_notebook

pytestmark = pytest.mark.browser

TABLES = int(os.environ.get("DBMODEL_LATENCY_TABLES", "40"))
EDITS = int(os.environ.get("DBMODEL_LATENCY_EDITS", "4"))  # the benchmark asks for more
SETUP = f"""\
import os
from dbmodel_kit import Model
from dbmodel_kit.erd._gen import synthetic
from dbmodel_kit.widgets import Designer

model = Model(synthetic({TABLES}))
designer = Designer(model, table=model.schema.table_names[0])
print("kernel pid", os.getpid())
designer"""

MEASURE = """(name) => new Promise((resolve, reject) => {
    const stage = document.querySelector('.dbm-designer .dbm-erd-stage');
    const view = stage.closest('.dbm-erd');
    const button = document.querySelector('.dbm-designer .dbm-add-column');
    const t0 = performance.now();
    const watch = new MutationObserver(() => {
        // (innerHTML would serialize the drawing); the view swaps only the parts that changed
        if (!stage.querySelector(`[id^="a_col:"][id$=".${name}"]`)) return;
        watch.disconnect();
        // once the frame with the new drawing has been laid out and painted
        requestAnimationFrame(() => setTimeout(() => resolve(
            [performance.now() - t0, Number(view.dataset.showMs), view.dataset.partsKept || ''])));
    });
    watch.observe(stage, {childList: true, subtree: true});
    // page.evaluate has no timeout of its own: a drawing that never comes fails the test
    setTimeout(() => { watch.disconnect(); reject(new Error(`no drawing with column ${name} after 30 s`)); }, 30000);
    button.click();
})"""


def kernel_cpu_ms(pid: int) -> float | None:
    """CPU time the kernel process and its finished children (Graphviz) have used, in ms (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _summary(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"median": round(statistics.median(values), 1), "min": round(values[0], 1), "max": round(values[-1], 1)}


def test_edit_to_svg_in_the_page(lab: Any, page: Any) -> None:
    """Each of several Add column clicks puts a new drawing with that column into the page; the
    times from click to drawing are written for the benchmark."""
    page.set_viewport_size(VIEWPORTS["1400x900"])
    write_notebook(lab.root, "latency.ipynb", [SETUP])
    open_notebook(lab, page, "latency.ipynb")
    run_all(page)
    designer = page.locator(".dbm-designer").first
    designer.evaluate("e => e.scrollIntoView({block: 'start'})")
    name = designer.locator(".dbm-col-name input").first
    pid = int(re.search(r"kernel pid (\d+)", page.locator(".jp-OutputArea-output").first.inner_text()).group(1))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def page_cpu_ms() -> float:
        """CPU time of the page's main thread so far (Chrome's ThreadTime), in ms."""
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return float(metrics["ThreadTime"]) * 1000

    idle = ".jp-Notebook-ExecutionIndicator[data-status='idle']"

    kept: list[str] = []  # per edit, the drawing's parts whose elements the view kept, of all

    def edits(tag: str, n: int) -> tuple[list[float], list[float], list[float], list[float]]:
        totals, shows, kernel, browser = [], [], [], []
        for i in range(n + 1):
            name.fill(f"{tag}_{i}")
            page.wait_for_timeout(300)  # the name reaches the kernel before the click, as when a person types
            page.wait_for_selector(idle, state="attached")
            k0, p0 = kernel_cpu_ms(pid), page_cpu_ms()
            total, show, parts = page.evaluate(MEASURE, f"{tag}_{i}")
            p1 = page_cpu_ms()
            page.wait_for_timeout(100)
            page.wait_for_selector(idle, state="attached")  # the kernel has finished the edit (all panels)
            k1 = kernel_cpu_ms(pid)
            if i:  # the first edit warms the caches of the page and the kernel
                totals.append(total)
                shows.append(show)
                browser.append(p1 - p0)
                kept.append(parts)
                if k0 is not None and k1 is not None:
                    kernel.append(k1 - k0)
        return totals, shows, kernel, browser

    totals, shows, kernel, browser = edits("bench_col", EDITS)
    result = {"tables": TABLES, "edits": EDITS, "click_to_svg_ms": _summary(totals),
              "page_render_ms": _summary(shows), "page_cpu_ms": _summary(browser),
              "page_cpu_each_ms": [round(v, 1) for v in browser], "parts_kept_each": list(kept),
              "kernel_cpu_ms": _summary(kernel) if kernel else None, "viewport": "1400x900",
              "python": platform.python_version(), "cpus": os.cpu_count(),
              "load_1min": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None}
    if os.environ.get("DBMODEL_LATENCY_SPLIT"):
        # the same edits with the drawing hidden (no SVG layout or paint): what the page spends on
        # the rest (the edit's other widget messages, JupyterLab's own bookkeeping, parsing the SVG)
        page.add_style_tag(content=".dbm-erd-viewport { display: none !important; }")
        result["page_cpu_drawing_hidden_ms"] = _summary(edits("hidden_col", EDITS)[3])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "designer-latency.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result))
    assert len(totals) == EDITS
