"""The column spec mini-language shared by the Python builders and the YAML format.

One line says what a designer would say aloud::

    uuid pk default uuid()
    varchar(255) unique not null sensitive
    uuid not null references users on delete cascade
    decimal(10,2) not null default 0 check (price >= 0)

Grammar (keywords in any order after the type, case-insensitive):
``TYPE [pk | primary key] [unique] [not null | null] [default VALUE] [identity]
[generated (EXPR)] [references TABLE[(COL, ...)] [on delete ACTION] [on update ACTION]]
[check (EXPR)] [sensitive] [comment 'TEXT']``. Identifiers with unusual characters are written
in double quotes: ``references "order items"(id)``.

This is written by hand because it is our own notation (no library parses it); VALUE and EXPR
are handed to sqlglot through :class:`~dbmodel_kit.model.schema.Default` and ``Check``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ModelError
from .schema import Check, Column, Default, ForeignKey, Table
from .types import DataType

_SIMPLE_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ACTIONS = ("cascade", "restrict", "set null", "set default", "no action")


def quote_ident(name: str) -> str:
    """``name`` as written in a spec: bare when simple, else in double quotes (``""`` escapes)."""
    return name if _SIMPLE_IDENT.match(name) else '"' + name.replace('"', '""') + '"'


def tokenize(text: str) -> list[str]:
    """Split on blanks, keeping quoted strings and parenthesised groups (with a word before) whole."""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] in "'\"":
                quote = text[i]
                i += 1
                while i < n:
                    if text[i] == quote:
                        if i + 1 < n and text[i + 1] == quote:
                            i += 2
                            continue
                        break
                    i += 1
                if i >= n:
                    raise ModelError(f"unclosed {quote} in {text!r}")
                i += 1
            elif text[i] == "(":
                depth = 0
                while i < n:
                    if text[i] in "'\"":
                        quote = text[i]
                        i += 1
                        while i < n and text[i] != quote:
                            i += 1
                    elif text[i] == "(":
                        depth += 1
                    elif text[i] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    i += 1
                if i >= n:
                    raise ModelError(f"unbalanced parenthesis in {text!r}")
                i += 1
            else:
                i += 1
        tokens.append(text[start:i])
    return tokens


def unquote_ident(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return token[1:-1].replace('""', '"')
    return token


def _split_ref(token: str) -> tuple[str, tuple[str, ...]]:
    """``users(id)`` -> ('users', ('id',)); ``"a b"`` -> ('a b', ()); ``users.id`` -> ('users', ('id',))."""
    m = re.match(r'^("(?:[^"]|"")*"|[^(."]+)(?:\.("(?:[^"]|"")*"|[^(."]+))?(?:\((.*)\))?$', token, re.S)
    if not m:
        raise ModelError(f"cannot read reference {token!r}; write it as table or table(column, ...)")
    table = unquote_ident(m.group(1))
    cols: tuple[str, ...] = ()
    if m.group(2):
        cols = (unquote_ident(m.group(2)),)
    if m.group(3) is not None:
        cols = tuple(unquote_ident(c.strip()) for c in _split_commas(m.group(3)) if c.strip())
    return table, cols


def _split_commas(text: str) -> list[str]:
    out, depth, cur, quote = [], 0, "", ""
    for ch in text:
        if quote:
            cur += ch
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    out.append(cur)
    return out


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


def _parse_column(name: str, spec: str) -> ColumnSpec:
    tokens = tokenize(spec)
    if not tokens:
        raise ModelError("empty column spec; it starts with a type, e.g. 'text not null'")
    dtype = None
    for width in (4, 3, 2, 1):
        if len(tokens) >= width:
            try:
                dtype = DataType.parse(" ".join(tokens[:width]))
            except ModelError:
                continue
            tokens = tokens[width:]
            break
    if dtype is None:
        DataType.parse(tokens[0])  # raises the precise message
        raise AssertionError  # pragma: no cover
    nullable, default, generated, comment = True, None, None, None
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
        else:
            raise ModelError(f"unexpected {tokens[i - 1]!r} in column spec {spec!r}")
    column = Column(name, dtype, nullable=nullable and not pk, default=default, generated=generated,
                    comment=comment, sensitive=sensitive)
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
            parts.append("identity")
        else:
            text = str(column.default)
            simple = column.default.kind != "expression" or re.match(r"^\w+\(\)$", text)
            parts.append("default " + (text if simple else f"({text})"))
    if column.generated:
        parts.append(f"generated ({column.generated})")
    if references is not None:
        target = quote_ident(references.ref_table)
        if references.ref_columns:
            target += "(" + ", ".join(quote_ident(c) for c in references.ref_columns) + ")"
        parts.append(f"references {target}")
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
    return Table(name, tuple(cols), primary_key=tuple(pk), foreign_keys=tuple(fks),
                 uniques=tuple(uniques), checks=tuple(checks), **options)  # type: ignore[arg-type]
