"""The schema values, their operations and the observable ``Model``.

The schema values load with the package; the operations (:mod:`.ops`, some forty dataclasses) and
``Model`` load on first use of their names, so reading a schema and writing its DDL or its lint
report does not pay for them (issue 18, docs/benchmarks.md "Start-up").
"""

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from .schema import Check, Column, Default, Domain, Enum, ForeignKey, Index, Schema, Table, Unique, dependency_order
from .spec import build_table, format_column, parse_column
from .types import DataType

if TYPE_CHECKING:
    from . import ops
    from .model import Change, Model

__all__ = [
    "Change", "Check", "Column", "DataType", "Default", "Domain", "Enum", "ForeignKey", "Index", "Model",
    "ModelError", "Schema", "Table", "Unique", "build_table", "dependency_order", "format_column",
    "ops", "parse_column",
]


def __getattr__(name: str) -> Any:
    # importlib, not ``from . import``: that asks this function for the submodule first
    if name in ("Model", "Change"):
        value = getattr(importlib.import_module(f"{__name__}.model"), name)
    elif name == "ops":
        value = importlib.import_module(f"{__name__}.ops")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
