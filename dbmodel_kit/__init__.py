"""dbmodel-kit: design relational databases in Jupyter, by hand and by evidence.

>>> from dbmodel_kit import Model
>>> m = Model()
>>> _ = m.add_table("users", id="uuid pk", email="varchar(255) unique not null")
>>> m.schema.table("users").column("email").nullable
False

``import dbmodel_kit`` is cheap (no third-party import): the names below are loaded from
:mod:`dbmodel_kit.model` on first use, which brings in sqlglot (see docs/benchmarks.md,
"Start-up").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ModelError

if TYPE_CHECKING:
    from .model import (
        Check,
        Column,
        DataType,
        Default,
        Domain,
        Enum,
        ForeignKey,
        Index,
        Model,
        Schema,
        Table,
        Unique,
        build_table,
        ops,
    )

__version__ = "0.1.0"

#: The names exported from :mod:`dbmodel_kit.model`, imported when first asked for (PEP 562).
_FROM_MODEL = frozenset({
    "Check", "Column", "DataType", "Default", "Domain", "Enum", "ForeignKey", "Index", "Model", "Schema",
    "Table", "Unique", "build_table", "ops",
})


def __getattr__(name: str) -> Any:
    if name in _FROM_MODEL:
        from . import model

        value = getattr(model, name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_MODEL)


def load_ipython_extension(ipython):  # type: ignore[no-untyped-def]
    """``%load_ext dbmodel_kit``: the ``%dbmodel`` magics (IPython is imported only here)."""
    from .widgets.magics import load_ipython_extension as load

    load(ipython)


__all__ = [
    "Check", "Column", "DataType", "Default", "Domain", "Enum", "ForeignKey", "Index", "Model", "ModelError",
    "Schema", "Table", "Unique", "__version__", "build_table", "ops",
]
