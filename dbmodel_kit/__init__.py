"""dbmodel-kit: design relational databases in Jupyter, by hand and by evidence.

>>> from dbmodel_kit import Model
>>> m = Model()
>>> _ = m.add_table("users", id="uuid pk", email="varchar(255) unique not null")
>>> m.schema.table("users").column("email").nullable
False
"""

from .errors import ModelError
from .model import (
    Check,
    Column,
    DataType,
    Default,
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


def load_ipython_extension(ipython):  # type: ignore[no-untyped-def]
    """``%load_ext dbmodel_kit``: the ``%dbmodel`` magics (IPython is imported only here)."""
    from .widgets.magics import load_ipython_extension as load

    load(ipython)


__all__ = [
    "Check", "Column", "DataType", "Default", "Enum", "ForeignKey", "Index", "Model", "ModelError",
    "Schema", "Table", "Unique", "__version__", "build_table", "ops",
]
