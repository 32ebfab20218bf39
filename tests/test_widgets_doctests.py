"""The examples in the widgets' docstrings run (pytest collects doctests only under dbmodel_kit/)."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

MODULES = ("designer", "enum_editor", "erd_view", "notebook_state", "relationship_editor", "type_picker")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """Every docstring example of the module gives the output it shows."""
    module = importlib.import_module(f"dbmodel_kit.widgets.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
