"""The review page in the system Chromium: the ERD SVG and the SQL render, and nothing is fetched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_review import DIALECTS, evolution

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("DBMODEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set DBMODEL_CHROMIUM)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def test_review_page_renders_offline(browser, tmp_path):
    """Opened from a file, the page draws the ERD and the SQL and makes no request besides itself."""
    model, start = evolution()
    page_file = model.review(start, dialects=DIALECTS).save(tmp_path / "review.html")
    url = page_file.as_uri()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")

        svg = page.locator("#erd svg")
        box = svg.bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 200
        assert svg.locator("g.node").count() == len(model.schema.tables)
        assert "rating_avg" in (svg.text_content() or "")

        ups = page.locator("pre.sql.up")
        assert ups.count() == len(DIALECTS)
        assert ups.first.is_visible()
        assert "CREATE INDEX ix_products_brand ON products (brand)" in ups.first.inner_text()
        assert page.locator("pre.sql.down").first.is_visible()

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review_page.png"), full_page=False)
        page.locator("#changes").screenshot(path=str(ARTIFACTS / "review_changes.png"))
    finally:
        context.close()
    assert requests == [url], f"the page fetched more than itself: {requests}"
