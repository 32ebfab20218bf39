"""The committed notebooks, opened in JupyterLab as a fresh clone opens them: untrusted, nothing run.

Every diagram is a picture there (an image that loaded, not the label text a sanitized SVG leaves),
no output says "Error displaying widget"; after File > Trust (the command palette's Trust
Notebook), each widget shows its saved static snapshot instead of "model not found".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
from playwright.sync_api import expect

from ._lab import VIEWPORTS, open_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2] / "notebooks"
#: every committed notebook (each holds diagrams or widgets)
NAMES = sorted(p.name for p in ROOT.glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def saved_counts(path: Path) -> tuple[int, int]:
    """(outputs whose HTML holds an image, widget outputs) in the saved file."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    html = ["".join(o.get("data", {}).get("text/html", "")) for o in outputs]
    return sum("<img" in h for h in html), sum(WIDGET_VIEW in o.get("data", {}) for o in outputs)


IMAGES_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output img')].map(
    i => [i.complete && i.naturalWidth > 0, i.getBoundingClientRect().width])"""


@pytest.mark.parametrize("name", NAMES)
def test_saved_notebook_shows_pictures_untrusted_and_snapshots_trusted(lab: Any, page: Any, name: str) -> None:
    """Untrusted: one loaded picture per diagram output, no widget error. Trusted: each widget output
    shows its snapshot (the saved state), still no error."""
    copy = f"saved_{name}"
    shutil.copy(ROOT / name, lab.root / copy)  # a new file: JupyterLab has never trusted it
    if not (lab.root / "main.yaml").exists():
        shutil.copy(ROOT / "main.yaml", lab.root / "main.yaml")
    images, widgets = saved_counts(ROOT / name)
    page.set_viewport_size(VIEWPORTS["1400x900"])
    open_notebook(lab, page, copy)
    outputs = page.locator(".jp-OutputArea-output")
    expect(outputs.first).to_be_attached()
    page.wait_for_function("n => document.querySelectorAll('.jp-OutputArea-output img').length >= n", arg=images)
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
                                     .every(i => i.complete)""")
    shown = page.evaluate(IMAGES_JS)
    assert len(shown) >= images
    assert all(loaded for loaded, _ in shown), shown
    assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()

    if not widgets:
        return
    page.locator(".jp-Notebook").first.click()
    page.keyboard.press("Control+Shift+c")
    page.keyboard.type("Trust Notebook")
    page.keyboard.press("Enter")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    snapshots = page.locator(".jp-OutputArea-output .dbm-snapshot")
    expect(snapshots).to_have_count(widgets, timeout=30_000)
    expect(snapshots.first).to_contain_text("static snapshot")
    assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
