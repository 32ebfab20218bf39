"""Logical data types: one vocabulary, mapped to each dialect elsewhere (``dbmodel_kit.dialects``).

>>> DataType.parse("decimal(10,2)")
DataType('decimal(10,2)')
>>> str(DataType.parse("timestamp with time zone"))
'timestamptz'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ModelError

#: Every logical kind, in the order a type picker shows them, with the parameters it takes.
KINDS: dict[str, tuple[str, ...]] = {
    "uuid": (),
    "smallint": (),
    "integer": (),
    "bigint": (),
    "decimal": ("precision", "scale"),
    "real": (),
    "double": (),
    "boolean": (),
    "char": ("length",),
    "varchar": ("length",),
    "text": (),
    "date": (),
    "time": (),
    "timestamp": (),
    "timestamptz": (),
    "interval": (),
    "json": (),
    "bytes": (),
    "enum": ("enum",),
}

#: Spellings people and other tools use, folded to a logical kind.
ALIASES: dict[str, str] = {
    "int": "integer",
    "int4": "integer",
    "int2": "smallint",
    "int8": "bigint",
    "tinyint": "smallint",
    "mediumint": "integer",
    "serial": "integer",
    "bigserial": "bigint",
    "numeric": "decimal",
    "dec": "decimal",
    "money": "decimal",
    "float4": "real",
    "float": "double",
    "float8": "double",
    "double precision": "double",
    "bool": "boolean",
    "character": "char",
    "character varying": "varchar",
    "string": "varchar",
    "nvarchar": "varchar",
    "nchar": "char",
    "clob": "text",
    "mediumtext": "text",
    "longtext": "text",
    "tinytext": "text",
    "datetime": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "datetimeoffset": "timestamptz",
    "time without time zone": "time",
    "jsonb": "json",
    "bytea": "bytes",
    "blob": "bytes",
    "binary": "bytes",
    "varbinary": "bytes",
    "longblob": "bytes",
    "uniqueidentifier": "uuid",
}

INTEGER_KINDS = frozenset({"smallint", "integer", "bigint"})
NUMERIC_KINDS = INTEGER_KINDS | {"decimal", "real", "double"}
TEXT_KINDS = frozenset({"char", "varchar", "text"})
TEMPORAL_KINDS = frozenset({"date", "time", "timestamp", "timestamptz", "interval"})

_TYPE_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_ ]*?)\s*(?:\(\s*([^)]*?)\s*\))?\s*$")


@dataclass(frozen=True, slots=True)
class DataType:
    """A logical column type: ``kind`` plus its parameters.

    ``length`` for char/varchar, ``precision``/``scale`` for decimal, ``enum`` names a
    schema-level :class:`~dbmodel_kit.model.schema.Enum` for enum columns.
    """

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ModelError(f"unknown type {self.kind!r}; known types: {', '.join(KINDS)}")
        allowed = KINDS[self.kind]
        for param in ("length", "precision", "scale", "enum"):
            if getattr(self, param) is not None and param not in allowed:
                raise ModelError(f"type {self.kind} takes no {param}")
        if self.length is not None and self.length < 1:
            raise ModelError(f"{self.kind} length must be at least 1, not {self.length}")
        if self.kind == "char" and self.length is None:
            object.__setattr__(self, "length", 1)
        if self.precision is not None:
            if not 1 <= self.precision <= 1000:
                raise ModelError(f"decimal precision must be 1..1000, not {self.precision}")
            if self.scale is not None and not 0 <= self.scale <= self.precision:
                raise ModelError(
                    f"decimal scale must be between 0 and the precision ({self.precision}), "
                    f"not {self.scale}"
                )
        elif self.scale is not None:
            raise ModelError("decimal scale given without a precision")
        if self.kind == "enum" and not self.enum:
            raise ModelError("an enum type names its enum: enum(order_status)")

    @classmethod
    def parse(cls, text: str | DataType) -> DataType:
        """Read a type from its text form (``varchar(255)``, ``numeric(10, 2)``, ``enum(status)``)."""
        if isinstance(text, DataType):
            return text
        if not isinstance(text, str):
            raise ModelError(f"a type is text like 'varchar(255)', not {text!r}")
        m = _TYPE_RE.match(text)
        if not m:
            raise ModelError(f"cannot read type {text!r}; write it like 'varchar(255)' or 'decimal(10,2)'")
        name = " ".join(m.group(1).lower().split())
        args = [a.strip() for a in m.group(2).split(",")] if m.group(2) else []
        kind = ALIASES.get(name, name)
        if kind not in KINDS:
            raise ModelError(f"unknown type {text!r}; known types: {', '.join(KINDS)}")
        params = KINDS[kind]
        if len(args) > len(params):
            raise ModelError(f"type {kind} takes at most {len(params)} parameter(s), got {text!r}")
        values: dict[str, object] = {}
        for param, arg in zip(params, args, strict=False):
            if param == "enum":
                values[param] = arg
                continue
            try:
                values[param] = int(arg)
            except ValueError:
                raise ModelError(f"type parameter {arg!r} in {text!r} is not a whole number") from None
        return cls(kind, **values)  # type: ignore[arg-type]

    def __str__(self) -> str:
        if self.kind == "enum":
            return f"enum({self.enum})"
        if self.kind == "decimal" and self.precision is not None:
            if self.scale is None:
                return f"decimal({self.precision})"
            return f"decimal({self.precision},{self.scale})"
        if self.length is not None:
            return f"{self.kind}({self.length})"
        return self.kind

    def __repr__(self) -> str:
        return f"DataType({str(self)!r})"

    def compatible_with(self, other: DataType) -> bool:
        """Whether a foreign key may join a column of this type to one of ``other``.

        Same kind is required, except that text kinds join each other (lengths may differ,
        as every engine allows) and integer kinds join each other.
        """
        if self.kind == other.kind:
            return self.kind != "enum" or self.enum == other.enum
        if self.kind in INTEGER_KINDS and other.kind in INTEGER_KINDS:
            return True
        return self.kind in TEXT_KINDS and other.kind in TEXT_KINDS
