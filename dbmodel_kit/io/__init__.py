"""Load and save schemas: YAML (the lossless format), SQL DDL, DBML, and live databases.

``load`` takes a path or the text itself; ``dumps``/``save`` write a format by name or by the
file's extension.

>>> from dbmodel_kit.examples import ecommerce
>>> text = dumps(ecommerce(), "yaml")
>>> load(text) == ecommerce()
True
>>> load("CREATE TABLE t (id INT PRIMARY KEY)", dialect="postgres").table("t").primary_key
('id',)
"""

from __future__ import annotations

import os
import re
import sys
import types
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from ..inputs import check_text, read_text
from ..model.schema import Schema

if TYPE_CHECKING:
    from .reflect import reflect

FORMATS = ("yaml", "sql", "dbml")


class SchemaImportWarning(Warning):
    """Something an import read but could not keep (an ENGINE option, a skipped statement, ...)."""

_FORMAT_ALIASES = {"yml": "yaml", "ddl": "sql"}

#: Dialect spellings -> (sqlglot's name for reading, the DDL emitter's name for writing).
DIALECTS: dict[str, tuple[str, str]] = {
    "postgres": ("postgres", "postgresql"),
    "postgresql": ("postgres", "postgresql"),
    "mysql": ("mysql", "mysql"),
    "mariadb": ("mysql", "mysql"),
    "sqlite": ("sqlite", "sqlite"),
    "duckdb": ("duckdb", "duckdb"),
}

_FIRST_LINE_FORMAT = (
    (re.compile(r"^\s*(--|/\*)"), "sql"),
    (re.compile(r"^\s*//"), "dbml"),
    (re.compile(r"^\s*#"), "yaml"),
    (re.compile(r"^\s*(table|enum|ref|project|tablegroup|note)\b[^:]*([{:\[]|$)", re.I), "dbml"),
    (re.compile(r"^\s*(create|alter|comment\s+on|drop|set|begin|pragma|insert|use)\b", re.I), "sql"),
)


def _format(name: str) -> str:
    fmt = _FORMAT_ALIASES.get(name.lower(), name.lower())
    if fmt not in FORMATS:
        raise ModelError(f"unknown format {name!r}; formats are {', '.join(FORMATS)}")
    return fmt


def dialect_names(dialect: str) -> tuple[str, str]:
    """``(sqlglot dialect, DDL dialect)`` for a dialect spelling (``postgres``, ``postgresql``, ...)."""
    try:
        return DIALECTS[dialect.lower()]
    except KeyError:
        raise ModelError(f"unknown dialect {dialect!r}; dialects are postgresql, mysql, sqlite, duckdb") from None


def sniff(text: str) -> str:
    """Guess the format of schema text from its first meaningful line.

    >>> sniff("tables:\\n  users: {}"), sniff("CREATE TABLE t (a int)"), sniff("Table t {\\n a int\\n}")
    ('yaml', 'sql', 'dbml')
    """
    for line in text.splitlines():
        if not line.strip():
            continue
        for pattern, fmt in _FIRST_LINE_FORMAT:
            if pattern.match(line):
                return fmt
        return "yaml"
    return "yaml"


def _as_path(value: str | os.PathLike[str]) -> Path | None:
    if isinstance(value, os.PathLike):
        return Path(value)
    if "\n" in value or len(value) > 4096:
        return None
    path = Path(value)
    if path.suffix.lower() in (".yaml", ".yml", ".sql", ".dbml"):
        return path
    return path if path.is_file() else None


def format_for(path: Path) -> str:
    """The file format a path's extension names (``.yaml``/``.yml``, ``.sql``, ``.dbml``)."""
    ext = path.suffix.lower()
    formats = {".yaml": "yaml", ".yml": "yaml", ".sql": "sql", ".dbml": "dbml"}
    if ext not in formats:
        raise ModelError(f"cannot tell the format of {str(path)!r}: use .yaml, .sql or .dbml")
    return formats[ext]


def load(path_or_text: str | os.PathLike[str], format: str | None = None, *,
         dialect: str = "postgres", strict: bool = True) -> Schema:
    """A :class:`Schema` from a ``.yaml``/``.yml``/``.sql``/``.dbml`` file or from the text itself.

    ``format`` defaults to the file's extension, or for text to :func:`sniff`. ``dialect`` is the
    SQL dialect of SQL input. ``strict=False`` lets SQL import skip statements it cannot represent
    (see :mod:`dbmodel_kit.io.sql_import`); what it skipped or could not keep is issued as a
    :class:`SchemaImportWarning` each.
    """
    path = _as_path(path_or_text)
    if path is not None:
        if not path.is_file():
            raise ModelError(f"no such file: {str(path)!r}")
        fmt = _format(format) if format else format_for(path)
        text = read_text(path, fmt)
        return loads(text, fmt, dialect=dialect, source=str(path), strict=strict)
    text = str(path_or_text)
    return loads(text, format or sniff(text), dialect=dialect, strict=strict)


def loads(text: str, format: str, *, dialect: str = "postgres", source: str = "<string>",
          strict: bool = True) -> Schema:
    """A :class:`Schema` from schema text in ``format``; errors name ``source:LINE``. Text with a NUL
    character or over the size limit of its format (:mod:`dbmodel_kit.inputs`) is refused."""
    fmt = _format(format)
    check_text(text, source, kind=fmt)
    if fmt == "yaml":
        from .yaml_format import read_yaml

        return read_yaml(text, source=source)
    if fmt == "dbml":
        from .dbml import read_dbml

        return read_dbml(text, source=source)
    from .sql_import import read_sql

    result = read_sql(text, dialect=dialect_names(dialect)[0], source=source, strict=strict)
    for note in result.warnings:
        # reported, not dropped: what the import skipped or could not keep (read_sql returns the list)
        warnings.warn(SchemaImportWarning(f"{source}: {note}"), stacklevel=3)
    return result.schema


def dumps(schema: Schema, format: str, *, dialect: str = "postgresql") -> str:
    """The text of ``schema`` in ``format`` (``yaml``, ``dbml``, or ``sql`` in ``dialect``)."""
    fmt = _format(format)
    if fmt == "yaml":
        from .yaml_format import write_yaml

        return write_yaml(schema)
    if fmt == "dbml":
        from .dbml import write_dbml

        return write_dbml(schema)
    from ..ddl import create_sql  # written alongside; imported lazily so io works without it

    return create_sql(schema, dialect_names(dialect)[1])


def save(schema: Schema, path: str | os.PathLike[str], *, dialect: str = "postgresql") -> Path:
    """Write ``schema`` to ``path`` in the format its extension names; returns the path."""
    target = Path(path)
    text = dumps(schema, format_for(target), dialect=dialect)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


class _Package(types.ModuleType):
    """This package's module type: ``reflect`` is always the function, never the submodule.

    ``reflect`` is imported lazily (it brings in SQLAlchemy, which loading a file does not need).
    When the submodule ``dbmodel_kit.io.reflect`` is imported (by anyone), the import system binds
    it as this package's attribute ``reflect``; that binding is replaced by the function, so
    ``from dbmodel_kit.io import reflect`` gives the function whichever was imported first.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "reflect" and isinstance(value, types.ModuleType):
            value = value.reflect
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name == "reflect":
        import importlib

        return importlib.import_module(f"{__name__}.reflect").reflect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DIALECTS", "FORMATS", "SchemaImportWarning", "dialect_names", "dumps", "load", "loads", "reflect", "save",
           "sniff"]
