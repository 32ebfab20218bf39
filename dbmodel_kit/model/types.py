"""Logical data types: one vocabulary, mapped to each dialect elsewhere (``dbmodel_kit.dialects``).

A :class:`DataType` is a logical ``kind`` with its parameters, plus what real schemas need beside
it: ``unsigned`` integers, arrays (``element``), domains, spatial shapes, and per-dialect
``native`` spellings and ``collation``\\ s. A native spelling is how the type is written on one
engine (``mysql: mediumint``): DDL for that engine uses it verbatim, the other engines get the
logical kind's mapping. The kind ``native`` has no logical meaning at all, so it can only be
written where a spelling is given; anywhere else DDL fails naming the column.

>>> DataType.parse("decimal(10,2)")
DataType('decimal(10,2)')
>>> str(DataType.parse("timestamp with time zone"))
'timestamptz'
>>> str(DataType.parse("INT UNSIGNED")), str(DataType.parse("varchar(20)[]"))
('integer unsigned', 'varchar(20)[]')
>>> t = DataType.parse("integer unsigned native(mysql: 'mediumint(8) unsigned')")
>>> t.native_for("mariadb"), t.native_for("postgresql")
('mediumint(8) unsigned', None)
>>> DataType.parse("native(postgresql: int4range)").kind
'native'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from ..errors import ModelError

#: Every logical kind, in the order a type picker shows them, with the parameters it takes in
#: parentheses (``varchar(255)``). ``array`` is written ``ELEMENT[]``; ``native`` has only spellings.
KINDS: dict[str, tuple[str, ...]] = {
    "uuid": (),
    "tinyint": (),
    "smallint": (),
    "integer": (),
    "bigint": (),
    "hugeint": (),
    "decimal": ("precision", "scale"),
    "real": (),
    "double": (),
    "boolean": (),
    "char": ("length",),
    "varchar": ("length",),
    "text": (),
    "citext": (),
    "date": (),
    "time": ("precision",),
    "timestamp": ("precision",),
    "timestamptz": ("precision",),
    "interval": (),
    "year": (),
    "json": (),
    "bytes": ("length",),
    "enum": ("enum",),
    "set": ("enum",),
    "inet": (),
    "cidr": (),
    "macaddr": (),
    "geometry": ("shape", "srid"),
    "tsvector": (),
    "cube": (),
    "array": (),
    "domain": ("domain",),
    "native": (),
}

#: Spellings people and other tools use, folded to a logical kind (plus fixed parameters).
ALIASES: dict[str, str] = {
    "int": "integer",
    "int4": "integer",
    "int2": "smallint",
    "int8": "bigint",
    "int1": "tinyint",
    "mediumint": "integer",
    "serial": "integer",
    "bigserial": "bigint",
    "smallserial": "smallint",
    "int128": "hugeint",
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
    "mediumblob": "bytes",
    "tinyblob": "bytes",
    "uniqueidentifier": "uuid",
    "inet4": "inet",
    "inet6": "inet",
}

#: DuckDB's unsigned integer names (``UTINYINT`` ...): the signed kind with ``unsigned``.
UNSIGNED_ALIASES: dict[str, str] = {
    "utinyint": "tinyint", "usmallint": "smallint", "uinteger": "integer", "uint": "integer",
    "ubigint": "bigint", "uhugeint": "hugeint", "uint128": "hugeint",
}

#: Spatial shapes a ``geometry`` may be restricted to (the OGC names MySQL and PostGIS share).
SHAPES = ("geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
          "geometrycollection")

INTEGER_KINDS = frozenset({"tinyint", "smallint", "integer", "bigint", "hugeint"})
NUMERIC_KINDS = INTEGER_KINDS | {"decimal", "real", "double"}
TEXT_KINDS = frozenset({"char", "varchar", "text", "citext"})
TEMPORAL_KINDS = frozenset({"date", "time", "timestamp", "timestamptz", "interval", "year"})
#: kinds that take ``unsigned`` (MySQL allows it on every numeric type, DuckDB on integers)
UNSIGNED_KINDS = NUMERIC_KINDS
#: kinds a collation applies to (text, and types whose values are text)
COLLATABLE_KINDS = TEXT_KINDS | {"enum", "set", "array", "domain", "native"}
#: kinds naming a schema-level object (an :class:`~.schema.Enum` or :class:`~.schema.Domain`)
NAMED_KINDS = {"enum": "enum", "set": "enum", "domain": "domain"}

#: The dialects a native spelling or collation may be given for, and the names people use for them.
DIALECT_NAMES = ("postgresql", "mysql", "sqlite", "duckdb")
_DIALECT_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "psql": "postgresql", "mariadb": "mysql",
                    "sqlite3": "sqlite", "duck": "duckdb"}
_SQLGLOT_DIALECT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}

NativeMap = tuple[tuple[str, str], ...]


def dialect_key(name: str) -> str:
    """The canonical name of a target dialect (``mariadb`` -> ``mysql``).

    >>> dialect_key("Postgres")
    'postgresql'
    """
    key = str(name).strip().lower()
    key = _DIALECT_ALIASES.get(key, key)
    if key not in DIALECT_NAMES:
        raise ModelError(f"unknown dialect {name!r}; known: {', '.join(DIALECT_NAMES)}")
    return key


@cache
def _check_spelling(dialect: str, text: str) -> str:
    """``text`` if it is one type (or collation) spelling in ``dialect``: it is pasted into DDL, so it
    may hold no statement end, comment or unbalanced parenthesis. sqlglot's tokenizer for the
    dialect is the judge (it knows each engine's quoting), not a regular expression."""
    import sqlglot
    from sqlglot.tokens import TokenType

    try:
        tokens = sqlglot.Dialect.get_or_raise(_SQLGLOT_DIALECT[dialect]).tokenize(text)
    except sqlglot.errors.SqlglotError as e:
        raise ModelError(f"native {dialect} spelling {text!r} is not SQL: {e}") from None
    depth = 0
    for tok in tokens:
        if tok.comments or tok.token_type in (TokenType.SEMICOLON, TokenType.HINT):
            raise ModelError(f"native {dialect} spelling {text!r} holds a statement end or comment")
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tok.token_type, 0)
        if depth < 0 or (depth == 0 and tok.token_type == TokenType.COMMA):
            depth = -1  # a top-level comma would start another column
            break
    if depth != 0 or not tokens:
        raise ModelError(f"native {dialect} spelling {text!r} is not one type (unbalanced parentheses)")
    return text


def _spelling(dialect: str, text: object, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ModelError(f"a {what} for {dialect} is non-empty text, not {text!r}")
    text = text.strip()
    if what == "native type" and not any(q in text for q in "'\"`"):
        # case and spacing carry no meaning in a type outside quotes: one canonical form, so a dump
        # and a catalog that spell the same type differently give equal models (a collation name
        # keeps its case: PostgreSQL's "C" is not "c")
        text = " ".join(text.lower().split())
    return _check_spelling(dialect, text)


def native_map(value: Mapping[str, str] | Iterable[tuple[str, str]] | None, what: str = "native type") -> NativeMap:
    """A canonical ``((dialect, spelling), ...)`` tuple from a mapping or pairs, in dialect order.

    >>> native_map({"MariaDB": "MEDIUMINT", "pg": "integer"})
    (('postgresql', 'integer'), ('mysql', 'mediumint'))
    """
    if not value:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[str, str] = {}
    for pair in items:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ModelError(f"a {what} is given per dialect: {{'mysql': 'mediumint'}}, not {value!r}")
        key = dialect_key(pair[0])
        if key in out:
            raise ModelError(f"two {what}s for {key}")
        out[key] = _spelling(key, pair[1], what)
    return tuple((d, out[d]) for d in DIALECT_NAMES if d in out)


def _positive(value: int | None, what: str) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ModelError(f"{what} must be a whole number of at least 1, not {value!r}")


@dataclass(frozen=True, slots=True)
class DataType:
    """A logical column type: ``kind`` plus its parameters.

    ``length`` for char/varchar/bytes, ``precision``/``scale`` for decimal (``precision`` is the
    fractional-second digits of time/timestamp/timestamptz), ``enum`` names a schema-level
    :class:`~dbmodel_kit.model.schema.Enum` for enum and set columns, ``domain`` a
    :class:`~dbmodel_kit.model.schema.Domain`. ``unsigned`` for numeric kinds (MySQL, DuckDB),
    ``element`` for arrays, ``shape``/``srid`` for geometry. ``native`` and ``collation`` hold
    ``(dialect, spelling)`` pairs: how the type, or its collation, is written on that engine.
    """

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum: str | None = None
    unsigned: bool = False
    element: DataType | None = None
    domain: str | None = None
    shape: str | None = None
    srid: int | None = None
    native: NativeMap = ()
    collation: NativeMap = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        kind = self.kind
        if kind not in KINDS:
            raise ModelError(f"unknown type {kind!r}; known types: {', '.join(KINDS)}")
        allowed = KINDS[kind]
        for param in ("length", "precision", "scale", "enum", "domain", "shape", "srid"):
            if getattr(self, param) is not None and param not in allowed:
                raise ModelError(f"type {kind} takes no {param}")
        # spellings are pasted into DDL: checked however they arrive (cached per spelling)
        if self.native:
            set_(self, "native", native_map(self.native))
        if self.collation:
            set_(self, "collation", native_map(self.collation, "collation"))
        _positive(self.length, f"{kind} length")
        if kind == "char" and self.length is None:
            set_(self, "length", 1)
        if self.unsigned and kind not in UNSIGNED_KINDS:
            raise ModelError(f"type {kind} cannot be unsigned (only numeric types can)")
        if kind == "decimal":
            if self.precision is not None:
                if not isinstance(self.precision, int) or not 1 <= self.precision <= 1000:
                    raise ModelError(f"decimal precision must be 1..1000, not {self.precision}")
                if self.scale is not None and not 0 <= self.scale <= self.precision:
                    raise ModelError(
                        f"decimal scale must be between 0 and the precision ({self.precision}), "
                        f"not {self.scale}"
                    )
            elif self.scale is not None:
                raise ModelError("decimal scale given without a precision")
        elif self.precision is not None and (not isinstance(self.precision, int) or not 0 <= self.precision <= 6):
            raise ModelError(f"{kind} precision is the digits of fractional seconds, 0..6, not {self.precision}")
        for ref_kind, param in NAMED_KINDS.items():
            if kind == ref_kind and not getattr(self, param):
                raise ModelError(f"a {kind} type names its {param}: {kind}(order_status)")
        if kind == "array":
            element = self.element
            if isinstance(element, str):
                element = DataType.parse(element)
                set_(self, "element", element)
            if not isinstance(element, DataType):
                raise ModelError("an array type needs its element type: integer[]")
            if element.native or element.collation:
                raise ModelError("give the native spelling or collation of an array on the array, not its element")
        elif self.element is not None:
            raise ModelError(f"type {kind} takes no element type")
        if kind == "geometry":
            shape = (self.shape or "geometry").lower()
            if shape not in SHAPES:
                raise ModelError(f"unknown geometry shape {self.shape!r}; known: {', '.join(SHAPES)}")
            set_(self, "shape", None if shape == "geometry" else shape)
            if self.srid is not None and (not isinstance(self.srid, int) or self.srid < 0):
                raise ModelError(f"an SRID is a whole number, not {self.srid!r}")
        if self.collation and kind not in COLLATABLE_KINDS:
            raise ModelError(f"type {kind} has no collation (only text types do)")
        if kind == "native" and not self.native:
            raise ModelError("a native type gives its spelling for at least one dialect: "
                             "native(postgresql: int4range)")

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str | DataType) -> DataType:
        """Read a type from its text form (``varchar(255)``, ``numeric(10, 2)``, ``enum(status)``,
        ``int unsigned``, ``text[]``, ``text native(mysql: mediumtext)``)."""
        if isinstance(text, DataType):
            return text
        if not isinstance(text, str):
            raise ModelError(f"a type is text like 'varchar(255)', not {text!r}")
        return _parse_text(text)

    @classmethod
    def parse_prefix(cls, tokens: list[str]) -> tuple[DataType, int]:
        """The type the leading ``tokens`` (blank-separated words, a parenthesised group kept with
        the word before it) spell, and how many tokens it took; the rest is left to the caller.

        >>> DataType.parse_prefix(["double", "precision", "not", "null"])
        (DataType('double'), 2)
        """
        return _parse_tokens(tokens)

    # -- writing ---------------------------------------------------------------------------

    def __str__(self) -> str:
        return _format(self)

    def __repr__(self) -> str:
        return f"DataType({str(self)!r})"

    # -- questions -------------------------------------------------------------------------

    def native_for(self, dialect: str) -> str | None:
        """The spelling given for ``dialect`` (None: the logical kind's mapping applies)."""
        key = dialect_key(dialect)
        return next((s for d, s in self.native if d == key), None)

    def collation_for(self, dialect: str) -> str | None:
        """The collation given for ``dialect``, if any."""
        key = dialect_key(dialect)
        return next((s for d, s in self.collation if d == key), None)

    def with_native(self, dialect: str, spelling: str | None) -> DataType:
        """This type with the native spelling for ``dialect`` set (or, with None, removed)."""
        key = dialect_key(dialect)
        pairs = dict(self.native)
        if spelling is None:
            pairs.pop(key, None)
        else:
            pairs[key] = spelling
        return replace(self, native=native_map(pairs))

    @property
    def logical(self) -> DataType:
        """This type without native spellings and collations (what every engine shares)."""
        if not self.native and not self.collation:
            return self
        return replace(self, native=(), collation=())

    @property
    def portable(self) -> bool:
        """Whether every engine can store it (``native`` kinds only where a spelling is given)."""
        return self.kind != "native"

    def compatible_with(self, other: DataType) -> bool:
        """Whether a foreign key may join a column of this type to one of ``other``.

        Same kind is required, except that text kinds join each other (lengths may differ,
        as every engine allows) and integer kinds join each other. Domains are resolved by the
        schema before it asks.
        """
        if self.kind == other.kind:
            if self.kind in NAMED_KINDS:
                param = NAMED_KINDS[self.kind]
                return getattr(self, param) == getattr(other, param)
            if self.kind == "array":
                return self.element is not None and other.element is not None and \
                    self.element.compatible_with(other.element)
            if self.kind == "native":
                return self.native == other.native
            return True
        if self.kind in INTEGER_KINDS and other.kind in INTEGER_KINDS:
            return True
        return self.kind in TEXT_KINDS and other.kind in TEXT_KINDS


# -- the text form ---------------------------------------------------------------------------

def _quote_name(name: str) -> str:
    # spaces are fine inside the parentheses; quotes, commas and parentheses are not
    plain = re.match(r"^[^(),\"'\[\]]+$", name) and name == name.strip()
    return name if plain else '"' + name.replace('"', '""') + '"'


def _quote_spelling(text: str) -> str:
    return text if re.match(r"^[A-Za-z0-9_ .]+$", text) else "'" + text.replace("'", "''") + "'"


def _entries(pairs: NativeMap) -> str:
    return ", ".join(f"{d}: {_quote_spelling(s)}" for d, s in pairs)


def _format(t: DataType) -> str:
    kind = t.kind
    if kind == "native":
        base = f"native({_entries(t.native)})"
    elif kind == "array":
        base = _format(t.element) + "[]"  # type: ignore[arg-type]  # an array always has its element
    elif kind in NAMED_KINDS:
        base = f"{kind}({_quote_name(getattr(t, NAMED_KINDS[kind]))})"
    elif kind == "decimal" and t.precision is not None:
        base = f"decimal({t.precision})" if t.scale is None else f"decimal({t.precision},{t.scale})"
    elif kind == "geometry" and (t.shape or t.srid is not None):
        shape = t.shape or "geometry"
        base = f"geometry({shape})" if t.srid is None else f"geometry({shape},{t.srid})"
    elif t.length is not None:
        base = f"{kind}({t.length})"
    elif t.precision is not None:
        base = f"{kind}({t.precision})"
    else:
        base = kind
    if t.unsigned:
        base += " unsigned"
    if t.native and kind != "native":
        base += f" native({_entries(t.native)})"
    if t.collation:
        base += f" collate({_entries(t.collation)})"
    return base


_TOKEN_RE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\((?P<args>.*)\))?(?P<dims>(?:\[\d*\])*)$", re.S)
_MULTIWORD = sorted({k for k in (*ALIASES, *KINDS) if " " in k}, key=lambda k: -k.count(" "))
_MAX_WORDS = max(k.count(" ") for k in _MULTIWORD) + 1


def tokenize(text: str) -> list[str]:
    """Split on blanks, keeping quoted strings and parenthesised groups (with a word before) whole.

    >>> tokenize("decimal(10, 2) not null default 'a b'")
    ['decimal(10, 2)', 'not', 'null', 'default', "'a b'"]
    """
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] in "'\"":
                i = _skip_quoted(text, i)
            elif text[i] == "(":
                depth = 0
                while i < n:
                    if text[i] in "'\"":
                        i = _skip_quoted(text, i) - 1
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


def _skip_quoted(text: str, i: int) -> int:
    """The index just past the quoted string starting at ``text[i]`` (a doubled quote escapes)."""
    quote, n = text[i], len(text)
    i += 1
    while i < n:
        if text[i] == quote:
            if i + 1 < n and text[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    raise ModelError(f"unclosed {quote} in {text!r}")


def split_commas(text: str) -> list[str]:
    """``text`` split at commas outside quotes and parentheses.

    >>> split_commas("a, 'b,c', f(d, e)")
    ['a', " 'b,c'", ' f(d, e)']
    """
    out, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            i = _skip_quoted(text, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return out


def _unquote(text: str, quote: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == quote:
        return text[1:-1].replace(quote * 2, quote)
    return text


def _read_entries(args: str, what: str, source: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in split_commas(args):
        dialect, sep, spelling = entry.partition(":")
        if not sep or not spelling.strip():
            raise ModelError(f"{what}(...) lists dialect: spelling pairs, like {what}(mysql: mediumint); "
                             f"got {source!r}")
        out[dialect.strip()] = _unquote(spelling, "'")
    return out


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> DataType:
    tokens = tokenize(text)
    if not tokens:
        raise ModelError("a type is text like 'varchar(255)', not an empty string")
    t, used = _parse_tokens(tokens, text)
    if used != len(tokens):
        raise ModelError(f"unexpected {tokens[used]!r} after the type in {text!r}")
    return t


def _parse_tokens(tokens: list[str], source: str | None = None) -> tuple[DataType, int]:
    source = source if source is not None else " ".join(tokens)
    first = _TOKEN_RE.match(tokens[0])
    if not first:
        raise ModelError(f"cannot read type {source!r}; write it like 'varchar(255)' or 'decimal(10,2)'")
    name, args, dims, used = first["name"].lower(), first["args"], first["dims"], 1
    if args is None and not dims:
        # multi-word names: the parameters may follow the first or the last word
        # ("timestamp(3) with time zone", "character varying(20)")
        for words in _MULTIWORD:
            width = words.count(" ") + 1
            if len(tokens) < width:
                continue
            parts = [_TOKEN_RE.match(tok) for tok in tokens[:width]]
            if not all(parts) or any(p["args"] is not None or p["dims"] for p in parts[1:-1]):  # type: ignore[index]
                continue
            if " ".join(p["name"].lower() for p in parts) == words:  # type: ignore[index]
                name, args, dims, used = words, parts[-1]["args"], parts[-1]["dims"], width  # type: ignore[index]
                break
    elif args is not None and not dims and len(tokens) >= 3:
        rest = " ".join(tok.lower() for tok in tokens[1:4])
        for suffix in ("with time zone", "without time zone"):
            if rest.startswith(suffix) and f"{name} {suffix}" in ALIASES:
                name, used = f"{name} {suffix}", 1 + suffix.count(" ") + 1
                break
    t = _base(name, args, source)
    unsigned = native = collation = None
    while used < len(tokens):
        word = tokens[used].lower()
        if word in ("unsigned", "signed") and unsigned is None and not t.native:
            unsigned = word == "unsigned"
        elif word.startswith("native(") and word.endswith(")") and native is None and t.kind != "native":
            native = _read_entries(tokens[used][7:-1], "native", source)
        elif word.startswith("collate(") and word.endswith(")") and collation is None:
            collation = _read_entries(tokens[used][8:-1], "collate", source)
        else:
            break
        used += 1
    if unsigned:
        t = replace(t, unsigned=True)
    for _ in range(len(dims) // 2 if dims else 0):
        if not re.fullmatch(r"(\[\])+", dims):
            raise ModelError(f"array sizes are not kept; write {name}[] in {source!r}")
        t = DataType("array", element=t)
    if native or collation:
        t = replace(t, native=native_map(native or {}), collation=native_map(collation or {}, "collation"))
    return t, used


def _base(name: str, args: str | None, source: str) -> DataType:
    if name == "native":
        if args is None:
            raise ModelError("a native type gives its spelling per dialect: native(postgresql: int4range)")
        return DataType("native", native=native_map(_read_entries(args, "native", source)))
    unsigned = name in UNSIGNED_ALIASES
    kind = UNSIGNED_ALIASES.get(name) or ALIASES.get(name, name)
    if kind not in KINDS or kind == "array":
        if name in SHAPES:
            kind, args = "geometry", name if args is None else f"{name},{args}"
        else:
            raise ModelError(f"unknown type {source!r}; known types: {', '.join(KINDS)}")
    params = KINDS[kind]
    values = [a.strip() for a in split_commas(args)] if args is not None and args.strip() else []
    if args is not None and not values and params:
        raise ModelError(f"empty parentheses in {source!r}")
    if kind in NAMED_KINDS and values and values[0].startswith("'"):
        raise ModelError(f"a {kind} type names a declared {NAMED_KINDS[kind]} ({kind}(order_status)); inline "
                         f"values like {source!r} are declared as an enum first")
    if len(values) > len(params):
        raise ModelError(f"type {kind} takes at most {len(params)} parameter(s), got {source!r}")
    fields: dict[str, Any] = {"unsigned": unsigned} if unsigned else {}
    for param, arg in zip(params, values, strict=False):
        if param in ("enum", "domain"):
            fields[param] = _unquote(arg, '"')
            if not fields[param]:
                raise ModelError(f"type {kind} names its {param}: {kind}(order_status), not {source!r}")
        elif param == "shape":
            fields[param] = arg.lower()
        else:
            try:
                fields[param] = int(arg)
            except ValueError:
                raise ModelError(f"type parameter {arg!r} in {source!r} is not a whole number") from None
    return DataType(kind, **fields)
