"""The schema values, their operations and the observable ``Model``."""

from ..errors import ModelError
from . import ops
from .model import Change, Model
from .schema import Check, Column, Default, Domain, Enum, ForeignKey, Index, Schema, Table, Unique, dependency_order
from .spec import build_table, format_column, parse_column
from .types import DataType

__all__ = [
    "Change", "Check", "Column", "DataType", "Default", "Domain", "Enum", "ForeignKey", "Index", "Model",
    "ModelError", "Schema", "Table", "Unique", "build_table", "dependency_order", "format_column",
    "ops", "parse_column",
]
