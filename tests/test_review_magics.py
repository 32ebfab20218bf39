"""The ``%dbmodel`` magics after ``%load_ext dbmodel_kit``, in a real IPython shell."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("IPython", reason="IPython is not installed (the [jupyter] extra)")

from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from dbmodel_kit import Model
from dbmodel_kit.erd import ERD
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.review import Review


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "dbmodel_kit")
    return ip


def test_core_import_does_not_load_ipython():
    """Importing dbmodel_kit (which offers the extension hook) does not import IPython."""
    code = ("import sys, dbmodel_kit; assert callable(dbmodel_kit.load_ipython_extension); "
            "print('IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_load_binds_model_and_edits_autosave(shell, tmp_path):
    """`%dbmodel load shop.yaml` binds `model` to that file's model, and edits are written back to it."""
    path = tmp_path / "shop.yaml"
    Model(ecommerce(), path=path).save()
    model = shell.run_line_magic("dbmodel", f"load {path}")
    assert shell.user_ns["model"] is model
    assert [t.name for t in model.schema.tables] == [t.name for t in ecommerce().tables]
    model.add_column("users", "nickname", "text")
    assert Model(path=path).schema.table("users").column("nickname") is not None


def test_load_as_another_name(shell, tmp_path):
    """`%dbmodel load PATH as NAME` binds the model to NAME."""
    path = tmp_path / "main.yaml"
    Model(ecommerce()).save(path)
    model = shell.run_line_magic("dbmodel", f"load {path} as main")
    assert shell.user_ns["main"] is model


def test_erd_shows_static_mime_types(shell, tmp_path):
    """`%dbmodel erd` returns the model's ERD, whose display has SVG and Mermaid Markdown."""
    path = tmp_path / "shop.yaml"
    Model(ecommerce()).save(path)
    shell.run_line_magic("dbmodel", f"load {path}")
    erd = shell.run_line_magic("dbmodel", "erd")
    assert isinstance(erd, ERD)
    bundle = erd._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert bundle["text/markdown"].startswith("```mermaid")


def test_diff_returns_the_review(shell, tmp_path):
    """`%dbmodel diff OLD NEW --dialect sqlite` returns the review of the change for that dialect."""
    old, new = tmp_path / "main.yaml", tmp_path / "shop.yaml"
    model = Model(ecommerce())
    model.save(old)
    model.add_column("products", "rating", "smallint")
    model.save(new)
    r = shell.run_line_magic("dbmodel", f"diff {old} {new} --dialect sqlite")
    assert isinstance(r, Review)
    assert r.dialects == ("sqlite",)
    assert [c.change for c in r.changes] == ["add column products.rating smallint"]


def test_save_writes_the_model(shell, tmp_path):
    """`%dbmodel save PATH` writes the current model there."""
    src, dst = tmp_path / "shop.yaml", tmp_path / "copy.yaml"
    Model(ecommerce()).save(src)
    shell.run_line_magic("dbmodel", f"load {src}")
    assert shell.run_line_magic("dbmodel", f"save {dst}") == dst
    assert Model(path=dst).schema == Model(path=src).schema


def test_diff_takes_rename_hints(shell, tmp_path):
    """`%dbmodel diff OLD NEW --hint t.a=t.b` reviews the change as a rename, not a drop and an add."""
    old, new = tmp_path / "main.yaml", tmp_path / "shop.yaml"
    model = Model(ecommerce())
    model.save(old)
    model.rename_column("users.phone", "phone_number")
    model.save(new)
    r = shell.run_line_magic("dbmodel", f"diff {old} {new} --hint users.phone=users.phone_number -d mysql")
    assert [c.change for c in r.changes] == ["rename column users.phone -> phone_number"]
    assert r.dialects == ("mysql",)


@pytest.mark.parametrize("line", ["", "frobnicate", "load", "load a.yaml as 1x", "diff only_one.yaml", "erd nobody",
                                  "diff a.yaml b.yaml --dialect", "diff a.yaml b.yaml --hint nothing"])
def test_mistakes_are_usage_errors(shell, line):
    """A wrong %dbmodel line raises IPython's UsageError (a one-line message, no traceback)."""
    with pytest.raises(UsageError):
        shell.run_line_magic("dbmodel", line)
