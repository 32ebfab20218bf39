"""Autosave of ``Model(path=...)``: the file follows every change atomically, survives a killed
kernel, and reopening the path resumes the design."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.io import load


def test_every_change_is_written(tmp_path: Path) -> None:
    """Apply, undo and redo each rewrite the file with the current schema, leaving no temp files."""
    path = tmp_path / "shop.yaml"
    m = Model(path=path)
    m.add_table("users", id="uuid pk")
    assert load(path) == m.schema
    m.add_column("users", "email", "varchar(255) not null")
    assert load(path).table("users").has_column("email")
    m.undo()
    assert not load(path).table("users").has_column("email")
    m.redo()
    assert load(path) == m.schema
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.yaml"]


def test_reopening_resumes(tmp_path: Path) -> None:
    """A new Model on the same path starts from the saved design and keeps saving to it."""
    path = tmp_path / "shop.yaml"
    first = Model(ecommerce(), path=path)
    first.rename_column("products.name", "title")
    again = Model(path=path)
    assert again.schema == first.schema
    again.add_column("products", "weight", "decimal(8,3)")
    assert load(path).table("products").has_column("weight")


def test_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing fails halfway, the old file is intact and the temporary file is removed."""
    path = tmp_path / "shop.yaml"
    m = Model(path=path)
    m.add_table("users", id="uuid pk")
    saved = path.read_text(encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        m.add_column("users", "email", "text")
    assert path.read_text(encoding="utf-8") == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.yaml"]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL to simulate a crashed kernel")
def test_killed_process_loses_nothing(tmp_path: Path) -> None:
    """A process killed right after its edits (like a crashed kernel) leaves them all on disk."""
    path = tmp_path / "shop.yaml"
    script = textwrap.dedent(f"""
        import os, signal
        from dbmodel_kit import Model
        from dbmodel_kit.examples import ecommerce
        m = Model(ecommerce(), path={str(path)!r})
        m.add_table("reviews", id="bigint pk identity", body="text not null")
        m.add_column("reviews", "product_id", "uuid not null references products")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    resumed = Model(path=path)
    reviews = resumed.schema.table("reviews")
    assert reviews.column_names == ("id", "body", "product_id")
    assert reviews.foreign_keys[0].ref_table == "products"
    assert resumed.schema.table_names == (*ecommerce().table_names, "reviews")


def test_designer_edits_are_autosaved(tmp_path: Path) -> None:
    """An edit made in the Designer's widgets reaches the file at once, so reopening resumes it."""
    pytest.importorskip("ipywidgets")
    from dbmodel_kit.widgets.designer import Designer

    path = tmp_path / "shop.yaml"
    d = Designer(Model(ecommerce(), path=path), table="products")
    d.tables.col_name.value = "gift_wrap"
    d.tables.type.kind.value = "boolean"
    d.tables.add_column.click()
    d.close()
    assert Model(path=path).schema.table("products").column_names[-1] == "gift_wrap"
