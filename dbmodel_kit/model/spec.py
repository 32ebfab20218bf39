"""The column spec mini-language shared by the Python builders and the YAML format.

One line says what a designer would say aloud::

    uuid pk default uuid()
    varchar(255) unique not null sensitive
    uuid not null references users on delete cascade
    decimal(10,2) not null default 0 check (price >= 0)

Grammar (keywords in any order after the type, case-insensitive):
``TYPE [pk | primary key] [unique] [not null | null] [default VALUE] [identity[(always, start N, ...)]]
[on update now()]
[generated (EXPR)] [references TABLE[(COL, ...)] [on delete ACTION] [on update ACTION]]
[check (EXPR)] [sensitive] [comment 'TEXT']``. Identifiers with unusual characters are written
in double quotes: ``references "order items"(id)``.

This is written by hand because it is our own notation (no library parses it); VALUE and EXPR
are handed to sqlglot through :class:`~dbmodel_kit.model.schema.Default` and ``Check``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import ModelError
from .naming import qualify, split_key
from .schema import Check, Column, Default, ForeignKey, Table
from .types import DataType, split_commas, tokenize

_SIMPLE_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ACTIONS = ("cascade", "restrict", "set null", "set default", "no action")
_ON_UPDATE_NOW = ("now()", "now", "current_timestamp", "current_timestamp()")


def quote_ident(name: str) -> str:
    """``name`` as written in a spec: bare when simple, else in double quotes (``""`` escapes)."""
    return name if _SIMPLE_IDENT.match(name) else '"' + name.replace('"', '""') + '"'


def unquote_ident(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return token[1:-1].replace('""', '"')
    return token


_PART = r'("(?:[^"]|"")*"|[^(."]+)'
_REF_RE = re.compile(rf"^{_PART}(?:\.{_PART})?(?:\.{_PART})?(?:\((.*)\))?$", re.S)


def _split_ref(token: str) -> tuple[str, tuple[str, ...]]:
    """The referenced table's key and columns: ``users(id)`` -> ('users', ('id',)); ``sales.users(id)``
    -> ('sales.users', ('id',)); without parentheses the last part is a column: ``users.id``,
    ``sales.users.id``; ``"a b"`` -> ('a b', ())."""
    m = _REF_RE.match(token)
    if not m:
        raise ModelError(f"cannot read reference {token!r}; write it as table, table(column, ...) or "
                         "schema.table(column, ...)")
    parts = [unquote_ident(p) for p in m.groups()[:3] if p is not None]
    cols: tuple[str, ...] = ()
    if m.group(4) is not None:
        if len(parts) > 2:
            raise ModelError(f"cannot read reference {token!r}: a table is schema.table")
        cols = tuple(unquote_ident(c.strip()) for c in split_commas(m.group(4)) if c.strip())
        return qualify(*parts) if len(parts) == 2 else qualify(None, parts[0]), cols
    if len(parts) == 1:
        return qualify(None, parts[0]), ()
    if len(parts) == 2:
        return qualify(None, parts[0]), (parts[1],)
    return qualify(parts[0], parts[1]), (parts[2],)


def ref_text(key: str, columns: tuple[str, ...] = ()) -> str:
    """A reference as a spec writes it (what :func:`_split_ref` reads back)."""
    schema, name = split_key(key)
    target = quote_ident(name) if schema is None else f"{quote_ident(schema)}.{quote_ident(name)}"
    if columns or schema is not None:
        target += "(" + ", ".join(quote_ident(c) for c in columns) + ")"
    return target


def _strip_parens(token: str) -> str:
    if token.startswith("(") and token.endswith(")"):
        return token[1:-1].strip()
    return token


@dataclass(frozen=True)
class ColumnSpec:
    """What one spec line declares: the column and the table-level facts attached to it."""

    column: Column
    primary_key: bool = False
    unique: bool = False
    references: ForeignKey | None = None
    checks: tuple[Check, ...] = field(default=())


def parse_column(name: str, spec: str) -> ColumnSpec:
    """Read one spec line for column ``name``.

    >>> s = parse_column("email", "varchar(255) unique not null")
    >>> (str(s.column.type), s.column.nullable, s.unique)
    ('varchar(255)', False, True)
    """
    if not isinstance(spec, str):
        raise ModelError(f"a column spec is text like 'varchar(255) not null', not {spec!r}", where=name)
    try:
        return _parse_column(name, spec)
    except ModelError as e:
        raise e.at(name) if e.where is None else e from None


#: Parsed lines, by (name, spec): a schema repeats its lines (``id: bigint pk``, ``created_at:
#: timestamptz not null default now()`` in most tables; 394 distinct of 2,375 in bench/erd_scale.py's
#: 300 generated tables, 63 of 1,781 in its pagila copies), and a ColumnSpec is an immutable value.
@lru_cache(maxsize=4096)
def _parse_column(name: str, spec: str) -> ColumnSpec:
    tokens = tokenize(spec)
    if not tokens:
        raise ModelError("empty column spec; it starts with a type, e.g. 'text not null'")
    dtype, used = DataType.parse_prefix(tokens)
    tokens = tokens[used:]
    nullable, default, generated, comment, on_update = True, None, None, None, None
    pk = unique = sensitive = False
    ref: ForeignKey | None = None
    checks: list[Check] = []
    i = 0
    low = [t.lower() for t in tokens]

    def take(what: str) -> str:
        nonlocal i
        if i >= len(tokens):
            raise ModelError(f"{what} needs a value after it in {spec!r}")
        value = tokens[i]
        i += 1
        return value

    while i < len(tokens):
        word = low[i]
        i += 1
        if word == "pk":
            pk = True
        elif word == "primary" and i < len(tokens) and low[i] == "key":
            i += 1
            pk = True
        elif word == "unique":
            unique = True
        elif word == "not" and i < len(tokens) and low[i] == "null":
            i += 1
            nullable = False
        elif word == "null":
            nullable = True
        elif word == "default":
            default = Default.parse(take("default"))
        elif word in ("identity", "autoincrement"):
            default = Default("identity")
            if low[i:i + 1] == ["always"]:  # identity always [(start 10, ...)]
                i += 1
                options = _strip_parens(take("identity always")) if i < len(tokens) and tokens[i][:1] == "(" \
                    else ""
                default = Default("identity", "always" + (f", {options}" if options else ""))
        elif word.startswith("identity(") and word.endswith(")"):
            default = Default.parse(tokens[i - 1])
        elif word == "generated":
            if low[i:i + 2] == ["always", "as"]:
                i += 2
            generated = _strip_parens(take("generated"))
            if i < len(tokens) and low[i] == "stored":
                i += 1
        elif word == "check":
            checks.append(Check(_strip_parens(take("check"))))
        elif word == "sensitive":
            sensitive = True
        elif word == "comment":
            raw = take("comment")
            if not (raw.startswith("'") and raw.endswith("'")):
                raise ModelError(f"a comment is quoted text: comment 'why this column exists', not {raw}")
            comment = raw[1:-1].replace("''", "'")
        elif word in ("references", "->"):
            table, cols = _split_ref(take("references"))
            actions: dict[str, str] = {}
            while low[i:i + 1] == ["on"] and i + 1 < len(tokens) and low[i + 1] in ("delete", "update"):
                if low[i + 1] == "update" and low[i + 2:i + 3] and low[i + 2] in _ON_UPDATE_NOW:
                    break  # the column's own ON UPDATE now(), read below
                which = low[i + 1]
                i += 2
                for action in _ACTIONS:
                    words = action.split()
                    if low[i:i + len(words)] == words:
                        actions[which] = action.upper()
                        i += len(words)
                        break
                else:
                    raise ModelError(f"on {which} takes one of {', '.join(_ACTIONS)}")
            ref = ForeignKey((name,), table, cols, on_delete=actions.get("delete"), on_update=actions.get("update"))
        elif word == "on" and low[i:i + 1] == ["update"]:
            i += 1
            value = take("on update")
            if value.lower() not in _ON_UPDATE_NOW:
                raise ModelError(f"on update takes now() (the time of the update), not {value!r}")
            on_update = "now"
        else:
            raise ModelError(f"unexpected {tokens[i - 1]!r} in column spec {spec!r}")
    column = Column(name, dtype, nullable=nullable and not pk, default=default, generated=generated,
                    comment=comment, sensitive=sensitive, on_update=on_update)
    return ColumnSpec(column, pk, unique, ref, tuple(checks))


def format_column(column: Column, *, primary_key: bool = False, unique: bool = False,
                  references: ForeignKey | None = None, comment: bool = False) -> str:
    """The canonical spec line for a column (what :func:`parse_column` reads back).

    >>> from dbmodel_kit.model.schema import Column
    >>> format_column(Column("id", "uuid", default="gen_random_uuid()"), primary_key=True)
    'uuid pk default uuid()'
    """
    parts = [str(column.type)]
    if primary_key:
        parts.append("pk")
    if unique:
        parts.append("unique")
    if not column.nullable and not primary_key:
        parts.append("not null")
    if column.default is not None:
        if column.default.kind == "identity":
            parts.append(str(column.default))
        else:
            text = str(column.default)
            simple = column.default.kind != "expression" or re.match(r"^\w+\(\)$", text)
            parts.append("default " + (text if simple else f"({text})"))
    if column.on_update:
        parts.append("on update now()")
    if column.generated:
        parts.append(f"generated ({column.generated})")
    if references is not None:
        parts.append(f"references {ref_text(references.ref_table, references.ref_columns)}")
        if references.on_delete:
            parts.append(f"on delete {references.on_delete.lower()}")
        if references.on_update:
            parts.append(f"on update {references.on_update.lower()}")
    if column.sensitive:
        parts.append("sensitive")
    if comment and column.comment:
        parts.append("comment '" + column.comment.replace("'", "''") + "'")
    return " ".join(parts)


def build_table(name: str, columns: dict[str, str | Column], **options: object) -> Table:
    """A :class:`Table` from spec lines: ``build_table("users", {"id": "uuid pk"})``.

    ``options`` are Table fields (``comment``, ``group``, ``indexes``, ``checks``, ...).
    A column-level ``references`` becomes a foreign key, ``unique`` a unique constraint,
    ``pk`` joins the primary key, ``check`` a check constraint.
    """
    cols: list[Column] = []
    pk: list[str] = list(options.pop("primary_key", ()) or ())  # type: ignore[call-overload]
    fks = list(options.pop("foreign_keys", ()) or ())  # type: ignore[call-overload]
    uniques = list(options.pop("uniques", ()) or ())  # type: ignore[call-overload]
    checks = list(options.pop("checks", ()) or ())  # type: ignore[call-overload]
    from .schema import Unique

    for col_name, spec in columns.items():
        if isinstance(spec, Column):
            cols.append(spec)
            continue
        try:
            parsed = parse_column(col_name, spec)
        except ModelError as e:
            raise e.at(name) from None
        cols.append(parsed.column)
        if parsed.primary_key:
            pk.append(col_name)
        if parsed.unique:
            uniques.append(Unique((col_name,)))
        if parsed.references is not None:
            fks.append(parsed.references)
        checks.extend(parsed.checks)
    if "schema" not in options:  # "sales.orders" names table orders in schema sales
        namespace, name = split_key(name)
        options["schema"] = namespace
    return Table(name, tuple(cols), primary_key=tuple(pk), foreign_keys=tuple(fks),
                 uniques=tuple(uniques), checks=tuple(checks), **options)  # type: ignore[arg-type]
