"""The Designer's Export tab in a real JupyterLab, driven through the system Chromium: pick a target,
click a file, download the zip, write to a folder. Screenshots go to ``test-artifacts/`` on failure."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nbformat")
_pw = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = _pw.expect

from ._lab import open_notebook, run_all, write_notebook  # noqa: E402

pytestmark = pytest.mark.browser

SETUP = """\
from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.widgets import Designer

model = Model(ecommerce())
designer = Designer(model)
designer"""


def test_export_tab_previews_downloads_and_writes(lab: Any, page: Any) -> None:
    """In the Export tab, choosing TypeORM lists its files, clicking one shows it, the download link
    gives a zip of those files, and Write to folder puts them on the kernel's disk."""
    write_notebook(lab.root, "export.ipynb", [SETUP])
    open_notebook(lab, page, "export.ipynb")
    run_all(page)

    designer = page.locator(".dbm-designer").first
    designer.locator(".lm-TabBar-tab", has_text="Export").first.click()
    panel = designer.locator(".dbm-panel-exportpanel").first
    tree = panel.locator(".dbm-exp-tree select").first
    expect(tree.locator("option", has_text="models.py")).to_have_count(1)

    panel.locator(".dbm-exp-target select").first.select_option("typeorm")
    expect(tree.locator("option", has_text="entities.ts")).to_have_count(1)
    expect(tree.locator("option")).to_have_count(4)
    tree.select_option("entities.ts")
    expect(panel.locator(".dbm-exp-content")).to_contain_text("@Entity")

    link = panel.locator("a.dbm-exp-zip").first
    expect(link).to_have_attribute("download", "dbmodel-typeorm.zip")
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["entities.ts", "migration.test.ts", "migration.ts", "seed.ts"]
        assert b"@Entity" in archive.read("entities.ts")

    panel.locator(".dbm-exp-folder input").first.fill("out/shop")
    panel.locator(".dbm-exp-write").first.click()
    expect(panel.locator(".dbm-feedback")).to_contain_text("wrote 4 file(s) to out/shop")
    written = sorted(p.name for p in (lab.root / "out" / "shop").iterdir())
    assert written == ["entities.ts", "migration.test.ts", "migration.ts", "seed.ts"]
    assert (lab.root / "out" / "shop" / "entities.ts").read_bytes() == archive_bytes(data, "entities.ts")


def archive_bytes(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)
