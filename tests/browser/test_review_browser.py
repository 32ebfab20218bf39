"""The review page in the system Chromium: the ERD SVG and the SQL render, and nothing is fetched.

It uses the worker's one Chromium (tests/browser/conftest.py ``browser``): a second Playwright in a
worker whose session browser is running fails ("Sync API inside the asyncio loop")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_review import DIALECTS, evolution

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


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
