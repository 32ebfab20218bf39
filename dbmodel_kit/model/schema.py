"""Frozen schema values: a :class:`Schema` of :class:`Table`\\ s of :class:`Column`\\ s.

Values never change; an edit makes a new value (``dataclasses.replace`` or an operation from
:mod:`dbmodel_kit.model.ops`). Constructors check every invariant and raise
:class:`~dbmodel_kit.errors.ModelError` naming the place, so an invalid schema cannot exist.

>>> t = Table("users", columns=(Column("id", DataType("uuid")),), primary_key=("id",))
>>> t.column("id").nullable
False
"""

from __future__ import annotations

import contextlib
import decimal
import heapq
import itertools
import math
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ModelError
from . import naming
from .naming import qualify, split_key
from .types import INTEGER_KINDS, TEMPORAL_KINDS, DataType

if TYPE_CHECKING:
    from sqlglot import exp

# sqlglot (about 0.1 s of CPU to import) is imported by the functions that parse SQL, not here: a
# schema without CHECKs, views or SQL defaults to read (a cached model, an ERD) never needs it.

FK_ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")
DefaultKind = Literal["literal", "expression", "now", "uuid", "identity", "sequence"]

_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NOW = {"now()", "now", "current_timestamp", "current_timestamp()", "localtimestamp", "getdate()"}
_UUID = {"uuid()", "uuid", "gen_random_uuid()", "uuid_generate_v4()", "uuidv4()"}
_IDENTITY = {"identity", "autoincrement", "auto_increment", "serial"}
#: nextval('name'), nextval('name'::regclass), nextval(name), NEXT VALUE FOR name
_NEXTVAL_RE = re.compile(
    r"""^(?:nextval\s*\(\s*(?:'(?P<s>(?:[^']|'')+)'(?:\s*::\s*regclass)?|(?P<i>[^'()\s]+))\s*\)"""
    r"""|next\s+value\s+for\s+(?P<f>\S+))$""", re.I)


def _tuple(value: Iterable[Any] | str | None) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _freeze(value: Any) -> Any:
    """A hashable copy of a hint value (lists become tuples, dicts sorted pairs)."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    return value


def _check_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not name:
        raise ModelError(f"a {kind} name must be non-empty text, not {name!r}")
    if "\x00" in name:
        raise ModelError(f"{kind} name {name!r} contains a NUL character, which no engine stores")
    return name


def _check_namespace(kind: str, schema: str | None) -> None:
    if schema is not None:
        _check_name(f"{kind}'s schema", schema)


#: Parsed-expression results are cached by their text: both functions are pure, their results
#: immutable, and every Check, generated column and partial index reads its expression through
#: them (a CHECK was parsed twice when built, and again each time its columns were asked for).
_EXPRESSIONS = 8192


#: What each place an SQL expression sits in the model calls it in an error message.
EXPRESSION_ROLES: dict[str, str] = {
    "expression": "SQL expression",
    "check": "CHECK expression",
    "where": "index WHERE condition",
    "default": "default expression",
    "generated": "generated column expression",
}
#: Roles whose expression must be a condition (true, false or null), as every engine requires:
#: PostgreSQL refuses ``CHECK (1)`` ("argument of CHECK must be type boolean"), SQLite and MySQL
#: would take any value there and decide per row by its truth, which is never what was meant.
BOOLEAN_ROLES = frozenset({"check", "where"})
#: Names that read as a column reference but are an engine's niladic function, allowed in a default.
NILADIC_DEFAULTS = frozenset({"current_schema", "current_role", "current_catalog", "user", "sysdate",
                              "systimestamp", "utc_timestamp", "utc_date", "utc_time", "current_database"})
#: A default written as one of these words means a float that is not finite: the model holds finite
#: numbers only (YAML has no portable spelling for them, MySQL and SQLite cannot store them).
NOT_FINITE = frozenset({"nan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity"})
#: Top-level nodes that are not a condition, whatever their operands: literals, arithmetic, text
#: concatenation, arrays, intervals (a cast is judged by its target type).
_NOT_CONDITION = ("Literal", "Neg", "Array", "Interval", "DPipe", "Add", "Sub", "Mul", "Div", "Mod", "IntDiv",
                  "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot", "BitwiseLeftShift", "BitwiseRightShift", "Pow")


@cache
def _not_condition() -> tuple[type, ...]:
    """The sqlglot node classes :data:`_NOT_CONDITION` names."""
    from sqlglot import exp

    return tuple(getattr(exp, name) for name in _NOT_CONDITION)


@lru_cache(maxsize=_EXPRESSIONS)
def canonical_sql(expression: str, role: str = "expression") -> str:
    """The canonical text of one SQL expression (sqlglot's generic dialect), so equal expressions
    compare equal and a rename and its inverse give back the same text.

    Text the generic dialect cannot read is read as PostgreSQL (regular expression operators
    ``~``, ``~*``, ``!~``, ``E'...'`` strings, ``::`` casts), so CHECKs from real dumps are kept.

    The text must be exactly one expression, never a statement or two (``x > 0; DROP TABLE t`` is
    refused, not cut), with no subquery (no engine allows one in a CHECK, default, index WHERE or
    generated column), nested within :data:`~dbmodel_kit.inputs.MAX_NESTING` levels. ``role`` says
    where it sits (:data:`EXPRESSION_ROLES`): a ``check`` or ``where`` must be a condition, a
    ``default`` names no column.

    >>> canonical_sql("price>=0  and price<=10")
    'price >= 0 AND price <= 10'
    >>> canonical_sql("code ~* E'^[a-z]{3}$'")
    "REGEXP_I_LIKE(code, '^[a-z]{3}$')"
    >>> canonical_sql("x > 0; DROP TABLE victim", "check")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dbmodel_kit.errors.ModelError: CHECK expression 'x > 0; DROP TABLE victim' is 2 statements; it must be ...
    """
    import sqlglot
    from sqlglot import exp

    what = EXPRESSION_ROLES.get(role, EXPRESSION_ROLES["expression"])
    if not isinstance(expression, str):
        raise ModelError(f"{what} is SQL text, not {expression!r}")
    shown = expression if len(expression) <= 80 else expression[:77] + "..."
    try:
        tree = _parse_expression(expression, f"{what} {shown!r}")
        _check_expression(tree, role, f"{what} {shown!r}")
        for ident in tree.find_all(exp.Identifier):
            ident.set("quoted", _needs_quotes(ident.name))
        from ..inputs import recursion_room

        with recursion_room():
            return tree.sql()
    except sqlglot.errors.ParseError as e:
        detail = e.errors[0]["description"] if e.errors else str(e)
        raise ModelError(f"cannot parse {what} {shown!r}: {detail}") from None
    except sqlglot.errors.SqlglotError as e:
        raise ModelError(f"cannot parse {what} {shown!r}: {e}") from None


def _statements(expression: str, dialect: str | None, what: str) -> list[exp.Expression]:
    """Every statement sqlglot reads in ``expression``, its tokens checked for depth first. A lone
    statement that the whole text also reads as (a column named like a statement's keyword:
    ``comment > 0``, ``set IS NULL``; PostgreSQL gives such a column back unquoted) is that
    expression: sqlglot read it as a COMMENT or SET statement."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel

    from ..inputs import check_nesting, recursion_room

    d = Dialect.get_or_raise(dialect)
    tokens = d.tokenize(expression)
    check_nesting(tokens, what)
    with recursion_room():
        try:
            parsed = [s for s in d.parser(error_level=ErrorLevel.RAISE).parse(tokens, expression)
                      if isinstance(s, exp.Expression)]
            error = None
        except sqlglot.errors.SqlglotError as e:  # ("use > 0": USE wants a table name)
            parsed, error = [], e
        if error is not None or (len(parsed) == 1 and not isinstance(parsed[0], exp.Condition | exp.Interval)):
            with contextlib.suppress(sqlglot.errors.SqlglotError):  # else a statement indeed: refused
                condition = d.parser(error_level=ErrorLevel.RAISE).parse_into(exp.Condition, tokens, expression)
                parsed, error = [s for s in condition if isinstance(s, exp.Expression)], None
    if error is not None:
        raise error
    return parsed


def read_expression(expression: str, dialect: str | None = None) -> exp.Expression:
    """One SQL expression as ``dialect`` writes it (an engine's catalog text), read as an
    expression even where its first word starts a statement (:func:`_statements`); a text that is
    not one expression raises sqlglot's ParseError (text deeper than MAX_NESTING: ModelError).

    >>> read_expression("comment > '-1'::integer::numeric OR comment IS NULL", "postgres").sql()
    "comment > CAST(CAST('-1' AS INT) AS DECIMAL) OR comment IS NULL"
    """
    import sqlglot

    trees = _statements(expression, dialect, "SQL expression")
    if len(trees) != 1:
        raise sqlglot.errors.ParseError(f"SQL expression {expression[:80]!r} is {len(trees)} statements, not one")
    return trees[0]


def _parse_expression(expression: str, what: str = "SQL expression") -> exp.Expression:
    import sqlglot
    from sqlglot import exp

    try:
        trees = _statements(expression, None, what)
    except sqlglot.errors.SqlglotError:
        try:
            trees = _statements(expression, "postgres", what)
        except sqlglot.errors.SqlglotError:
            raise  # the generic dialect's error names the problem in its own terms
        # E'...': sqlglot reads it as a byte string, escapes decoded; it is an ordinary string
        trees = [t.transform(lambda n: exp.Literal.string(n.this) if isinstance(n, exp.ByteString) else n)
                 for t in trees]
    if len(trees) != 1:
        if not trees:
            raise ModelError(f"{what} is empty")
        raise ModelError(f"{what} is {len(trees)} statements; it must be exactly one expression")
    return trees[0]


def _check_expression(tree: exp.Expression, role: str, what: str) -> None:
    """Refuse a statement, a subquery, a non-condition where a condition belongs, and a column
    reference in a default (:func:`canonical_sql` says why)."""
    from sqlglot import exp

    if not isinstance(tree, exp.Condition | exp.Interval):
        raise ModelError(f"{what} is {_a_statement(tree)}, not an expression")
    sub = tree.find(exp.Query, exp.Subquery)
    if sub is not None:
        raise ModelError(f"{what} holds a subquery ({sub.sql()[:60]}); no engine allows one there")
    bad = tree.find(exp.Command, exp.DDL, exp.DML, exp.Drop)
    if bad is not None:
        raise ModelError(f"{what} holds a statement ({bad.sql()[:60]}); it must be one expression")
    if role in BOOLEAN_ROLES:
        top = tree
        while isinstance(top, exp.Paren):
            top = top.this
        if isinstance(top, _not_condition()) or (
                isinstance(top, exp.Cast) and not top.to.is_type(exp.DataType.Type.BOOLEAN)):
            raise ModelError(f"{what} is a value ({top.sql()[:60]}), not a condition: write a test that is true "
                             "or false, such as x > 0 or status IN ('a', 'b')")
    if role == "default":
        for col in tree.find_all(exp.Column):
            if col.table or col.name.lower() not in NILADIC_DEFAULTS:
                name = col.sql()
                if col.name.lower() in NOT_FINITE:
                    raise ModelError(f"{what}: {name} is not a finite number; the model holds finite numbers only")
                raise ModelError(f"{what} names {name}, read as a column; a default cannot refer to a column "
                                 f"(a text value is quoted: '{col.name}')")


def _a_statement(tree: exp.Expression) -> str:
    from sqlglot import exp

    if isinstance(tree, exp.Subquery):
        return f"a subquery ({tree.sql()[:40]})"
    key = tree.key.upper() if tree.key else type(tree).__name__.upper()
    return f"a {key} statement" if isinstance(tree, exp.Query | exp.DDL | exp.DML | exp.Drop | exp.Command) else (
        f"{key} ({tree.sql()[:40]})")


_PLAIN_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


@cache
def reserved_words() -> frozenset[str]:
    """Words reserved in any target dialect (sqlglot's MySQL and DuckDB lists, the latter taken
    from PostgreSQL's grammar) plus sqlglot's own keywords, lower-cased."""

    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import Tokenizer

    from ._sqlglot_duckdb import RESERVED  # DuckDB's, copied: its dialect is slow to load

    words = {k.lower() for k in Tokenizer.KEYWORDS if " " not in k} | RESERVED
    for name in ("mysql", "postgres", "sqlite"):
        words |= {w.lower() for w in getattr(Dialect.get_or_raise(name).generator_class, "RESERVED_KEYWORDS", ())}
    return frozenset(words)


def _needs_quotes(name: str) -> bool:
    return not _PLAIN_IDENT.match(name) or name in reserved_words()


def sql_identifier(name: str) -> exp.Identifier:
    """An identifier node for ``name``, quoted exactly when it must be (case, odd characters,
    keywords), so generated expressions are valid and canonical."""
    from sqlglot import exp

    return exp.to_identifier(name, quoted=_needs_quotes(name))


def rename_sql_column(expression: str, old: str, new: str) -> str:
    """``expression`` with every reference to column ``old`` renamed to ``new``."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(expression)
    for col in tree.find_all(exp.Column):
        if col.name == old:
            col.set("this", sql_identifier(new))
    return canonical_sql(tree.sql())


@lru_cache(maxsize=_EXPRESSIONS)
def sql_columns(expression: str) -> tuple[str, ...]:
    """Column names an SQL expression mentions, in first-use order.

    >>> sql_columns("price >= 0 AND price <= max_price")
    ('price', 'max_price')
    """
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(expression)
    except sqlglot.errors.SqlglotError as e:
        raise ModelError(f"cannot parse SQL expression {expression!r}: {e}") from None
    seen: dict[str, None] = {}
    for col in tree.find_all(exp.Column):
        seen.setdefault(col.name, None)
    return tuple(seen)


#: an identity's sequence options, in the order the model writes them
IDENTITY_OPTIONS = ("start", "increment", "minvalue", "maxvalue", "cache", "cycle")
_IDENTITY_RE = re.compile(r"^identity\s*\((?P<options>.*)\)$", re.I | re.S)


def _identity_text(value: object) -> str | None:
    """An identity default's ``value``: ``always`` (else BY DEFAULT) and its sequence options, as
    ``always, start 10, increment 5`` (None: BY DEFAULT with the engine's numbers).

    >>> _identity_text("START WITH 10, always, increment by -1, no minvalue"), _identity_text("by default")
    ('always, start 10, increment -1', None)
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ModelError(f"identity options are text like 'always, start 10', not {value!r}")
    always, options = False, {}
    for part in value.split(","):
        words = part.lower().replace(" with ", " ").replace(" by ", " ").split()
        if not words or words == ["by", "default"]:
            continue
        if words == ["always"]:
            always = True
        elif words == ["cycle"]:
            options["cycle"] = "cycle"
        elif words in (["no", "cycle"], ["no", "minvalue"], ["no", "maxvalue"]):
            continue
        elif len(words) == 2 and words[0] in IDENTITY_OPTIONS and re.fullmatch(r"[-+]?\d+", words[1]):
            options[words[0]] = f"{words[0]} {int(words[1])}"
        else:
            raise ModelError(f"cannot read identity option {part.strip()!r}; write always, start N, increment N, "
                             "minvalue N, maxvalue N, cache N or cycle")
    if options.get("increment") == "increment 0":
        raise ModelError("identity increment cannot be 0")
    parts = (["always"] if always else []) + [options[k] for k in IDENTITY_OPTIONS if k in options]
    return ", ".join(parts) or None


#: the largest value of each integer kind an identity counts in (its default maxvalue)
_INTEGER_TOP = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


def plain_identity(default: Default, kind: str) -> Default:
    """``default`` (an identity of a ``kind`` column) with every option at the engine's default for
    it left out: increment 1, cache 1, bounds of the type, a start at the low (high, counting down)
    bound (https://www.postgresql.org/docs/current/sql-createsequence.html), so a dump that spells
    them out, a catalog that shows them all and a model that says none read alike."""
    options = default.identity_options
    if not options:
        return default
    inc = int(options.get("increment", 1))
    top = _INTEGER_TOP.get(kind, _INTEGER_TOP["bigint"])
    lo_default, hi_default = (1, top) if inc > 0 else (-top, -1)
    lo, hi = options.get("minvalue", lo_default), options.get("maxvalue", hi_default)
    plain = {"increment": 1, "cache": 1, "minvalue": lo_default, "maxvalue": hi_default,
             "start": lo if inc > 0 else hi}
    kept = [f"{k} {int(v)}" if k != "cycle" else "cycle" for k, v in options.items() if plain.get(k) != v]
    value = ", ".join((["always"] if default.always else []) + kept) or None
    return default if value == default.value else Default("identity", value)


@dataclass(frozen=True, slots=True)
class Default:
    """A column default: a literal, an SQL expression, a portable ``now``/``uuid``/``identity``,
    or the next value of a schema-level :class:`Sequence` (``value`` is its name).

    >>> str(Default.parse("'USD'")), str(Default.parse(0)), str(Default.parse("CURRENT_TIMESTAMP"))
    ("'USD'", '0', 'now()')
    >>> Default.parse("nextval('public.film_film_id_seq'::regclass)")
    Default(kind='sequence', value='public.film_film_id_seq')
    """

    kind: DefaultKind
    value: str | int | float | bool | None = None

    def __post_init__(self) -> None:
        if self.kind == "identity":
            object.__setattr__(self, "value", _identity_text(self.value))

    @property
    def always(self) -> bool:
        """An identity the engine always assigns (``GENERATED ALWAYS``): an INSERT giving the column
        a value is refused unless it says ``OVERRIDING SYSTEM VALUE``."""
        return self.kind == "identity" and isinstance(self.value, str) and self.value.split(", ")[0] == "always"

    @property
    def identity_options(self) -> dict[str, int | bool]:
        """An identity's sequence options that differ from the engine's defaults (``start``,
        ``increment``, ``minvalue``, ``maxvalue``, ``cache``, ``cycle``)."""
        if self.kind != "identity" or not isinstance(self.value, str):
            return {}
        out: dict[str, int | bool] = {}
        for part in self.value.split(", "):
            word, _, number = part.partition(" ")
            if word in IDENTITY_OPTIONS:
                out[word] = True if word == "cycle" else int(number)
        return out

    @classmethod
    def parse(cls, value: object) -> Default | None:
        if value is None or isinstance(value, Default):
            return value
        if isinstance(value, bool | int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise ModelError(f"default {value!r} is not a finite number; the model holds finite numbers only")
            return cls("literal", value)
        if not isinstance(value, str):
            raise ModelError(f"cannot read default {value!r}")
        text = value.strip()
        low = text.lower()
        if low in ("null", ""):
            return None
        if low in _NOW:
            return cls("now")
        if low in _UUID:
            return cls("uuid")
        if low in _IDENTITY:
            return cls("identity")
        if m := _IDENTITY_RE.match(text):
            return cls("identity", m["options"])
        seq = _NEXTVAL_RE.match(text)
        if seq:
            name = seq["s"].replace("''", "'") if seq["s"] is not None else (seq["i"] or seq["f"])
            return cls("sequence", _unquote_name(name))
        if low in NOT_FINITE:
            raise ModelError(f"default {text} is not a finite number; the model holds finite numbers only")
        if low in ("true", "false"):
            return cls("literal", low == "true")
        if _NUMBER_RE.match(text):
            number = float(text) if any(c in text for c in ".eE") else int(text)
            if isinstance(number, float) and not math.isfinite(number):
                raise ModelError(f"default {text} is not a finite number (too large for a double); the model "
                                 "holds finite numbers only")
            return cls("literal", number)
        if len(text) >= 2 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
            return cls("literal", text[1:-1].replace("''", "'"))
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        return cls("expression", canonical_sql(text, "default"))

    def __str__(self) -> str:
        if self.kind == "now":
            return "now()"
        if self.kind == "uuid":
            return "uuid()"
        if self.kind == "identity":
            return "identity" if self.value is None else f"identity({self.value})"
        if self.kind == "sequence":
            return "nextval('" + str(self.value).replace("'", "''") + "')"
        if self.kind == "expression":
            return str(self.value)
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        if isinstance(self.value, str):
            return "'" + self.value.replace("'", "''") + "'"
        return repr(self.value)


def _unquote_name(name: str) -> str:
    """A name as SQL wrote it: quotes (``"..."``, ```...```) taken off the whole or each dotted part."""
    parts = re.findall(r'"(?:[^"]|"")*"|`(?:[^`]|``)*`|[^.]+', name)
    out = []
    for part in parts:
        if len(part) >= 2 and part[0] == part[-1] and part[0] in '"`':
            part = part[1:-1].replace(part[0] * 2, part[0])
        out.append(part)
    return ".".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


#: Text PostgreSQL reads as a boolean (its documented input spellings, whole words): the model
#: stores the boolean itself, so every engine gets TRUE/FALSE or 1/0 (MySQL reads 'yes' as 0).
_BOOLEAN_TEXT = {"true": True, "t": True, "yes": True, "y": True, "on": True, "1": True,
                 "false": False, "f": False, "no": False, "n": False, "off": False, "0": False}
#: Range of each integer kind, signed and unsigned (PostgreSQL, MySQL, DuckDB agree; SQLite's
#: 64-bit INTEGER holds every kind but hugeint).
_INTEGER_RANGE: dict[str, int] = {"tinyint": 8, "smallint": 16, "integer": 32, "bigint": 64, "hugeint": 128}
#: Kinds whose default may be the current time.
TIME_KINDS = frozenset({"timestamp", "timestamptz", "date", "time", "native", "domain"})


def _number(value: object) -> int | float | decimal.Decimal | None:
    """``value`` as a number when it is one or is text spelling one (``' 42 '``, ``'1.5e3'``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        return decimal.Decimal(value.strip())
    return None


def utc_literal(text: str) -> str:
    """A timestamptz literal with an offset (PostgreSQL gives a default back as the instant in the reading
    session's time zone, ``'2000-01-01 00:00:00+00'``) as the model writes it: the instant in UTC,
    without an offset (the DDL writes a literal without one as UTC). Other text is returned unchanged.

    >>> utc_literal("2000-01-01 02:30:00+02:30")
    '2000-01-01 00:00:00'
    """
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if when.tzinfo is None:
        return text
    if not when.utcoffset():  # already UTC: the text as written, without its offset (fractions as given)
        return re.sub(r"(Z|[+-]\d{2}(:?\d{2}){0,2})$", "", text.strip())
    utc = when.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return utc.rstrip("0") if "." in utc else utc


def fit_default(t: DataType, default: Default | None, values: tuple[str, ...] | None = None) -> Default | None:
    """``default`` as a column of type ``t`` holds it, or a ModelError saying why the type cannot hold it
    (the caller names the column). Booleans spelled as text or 0/1 become booleans; ``values`` are the
    labels of an enum or set type. Types whose literals the model cannot judge (dates, network
    addresses, arrays, native types) are left to the engine.

    >>> fit_default(DataType("boolean"), Default("literal", "yes"))
    Default(kind='literal', value=True)
    >>> fit_default(DataType("integer"), Default("literal", "abc"))
    Traceback (most recent call last):
    ...
    dbmodel_kit.errors.ModelError: default 'abc' is not a whole number, which integer holds
    """
    if default is None:
        return None
    kind = t.kind
    if default.kind == "now" and kind not in TIME_KINDS:
        raise ModelError(f"a now() default needs a date/time type, not {t}")
    if default.kind != "literal":
        return default
    value = default.value
    shown = str(default)
    number = _number(value)
    if (isinstance(number, float | decimal.Decimal) and not math.isfinite(number)) or (
            isinstance(value, str) and value.strip().lower() in NOT_FINITE and kind in ("decimal", "real", "double")):
        raise ModelError(f"default {shown} is not a finite number; the model holds finite numbers only")
    if kind == "boolean":
        if isinstance(value, bool):
            return default
        key = str(value).strip().lower() if isinstance(value, str | int) else None
        if key in _BOOLEAN_TEXT:
            return Default("literal", _BOOLEAN_TEXT[key])
        raise ModelError(f"default {shown} is not a boolean: write true or false")
    if kind in INTEGER_KINDS or kind == "year":
        if isinstance(value, bool) or number is None or number != int(number):
            raise ModelError(f"default {shown} is not a whole number, which {t} holds")
        n = int(number)
        if kind == "year":
            if not (n == 0 or 1901 <= n <= 2155):
                raise ModelError(f"default {shown} is not a year a year column holds (1901..2155, or 0)")
            return default
        bits = _INTEGER_RANGE[kind]
        lo, hi = (0, 2 ** bits - 1) if t.unsigned else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        if not lo <= n <= hi:
            raise ModelError(f"default {shown} is out of range for {t} ({lo}..{hi})")
        return default
    if kind in ("decimal", "real", "double"):
        if number is None:
            raise ModelError(f"default {shown} is not a number, which {t} holds")
        if t.unsigned and number < 0:
            raise ModelError(f"default {shown} is negative, which {t} cannot hold")
        if kind == "decimal" and t.precision is not None:
            digits = t.precision - (t.scale or 0)
            whole = abs(decimal.Decimal(str(number)) if isinstance(number, float) else decimal.Decimal(number))
            if whole >= decimal.Decimal(10) ** digits:
                raise ModelError(f"default {shown} has more than {digits} digit(s) before the point, which {t} "
                                 "holds")
        return default
    if kind in ("char", "varchar") and t.length is not None:
        text = value if isinstance(value, str) else str(default)
        if len(text) > t.length:
            raise ModelError(f"default {shown} is {len(text)} characters, longer than {t} holds")
        return default
    if kind in ("enum", "set") and values is not None:
        if not isinstance(value, str):
            raise ModelError(f"default {shown} is not one of the labels of {t.enum}: {', '.join(values)}")
        chosen = [v for v in value.split(",") if v] if kind == "set" else [value]
        missing = [v for v in chosen if v not in values]
        if missing:
            raise ModelError(f"default {shown} is not {'among' if kind == 'set' else 'one of'} the labels of "
                             f"{t.enum}: {', '.join(values)}")
        return default
    if kind == "uuid":
        import uuid

        try:
            uuid.UUID(str(value))
        except ValueError:
            raise ModelError(f"default {shown} is not a UUID") from None
        return default
    if kind == "json":
        import json

        if not isinstance(value, str):
            raise ModelError(f"a json default is JSON text, quoted: '{value}'")
        try:
            json.loads(value)
        except ValueError as e:
            raise ModelError(f"default {shown} is not JSON text ({e.args[0] if e.args else e})") from None
        return default
    if kind == "timestamptz" and isinstance(value, str):
        # one instant, one spelling: in UTC without an offset, as the DDL writes it and reflection
        # reads it back (MariaDB refuses a DEFAULT with an offset)
        utc = utc_literal(value)
        return default if utc == value else Default("literal", utc)
    if kind in TEMPORAL_KINDS | {"inet", "cidr", "macaddr", "uuid", "bytes"} and isinstance(value, bool):
        raise ModelError(f"default {shown} is a boolean, which {t} cannot hold")
    return default


@dataclass(frozen=True, slots=True)
class Column:
    """One column: a name, a logical type, nullability, default, and what people need to know.

    ``hints`` carries sample-data generation hints (``distinct``, ``null_fraction``, ``skew``,
    ``values``, ``faker``) as ordered ``(name, value)`` pairs.
    """

    name: str
    type: DataType
    nullable: bool = True
    default: Default | None = None
    generated: str | None = None
    comment: str | None = None
    sensitive: bool = False
    hints: tuple[tuple[str, Any], ...] = ()
    #: ``now``: the engine sets the column to the current time on every UPDATE of the row
    #: (MySQL ``ON UPDATE CURRENT_TIMESTAMP``)
    on_update: str | None = None

    def __post_init__(self) -> None:
        _check_name("column", self.name)
        if not isinstance(self.type, DataType):
            object.__setattr__(self, "type", DataType.parse(self.type))
        if not isinstance(self.default, Default | None):
            object.__setattr__(self, "default", Default.parse(self.default))
        if isinstance(self.hints, Mapping):
            object.__setattr__(self, "hints", tuple((k, _freeze(v)) for k, v in self.hints.items()))
        else:
            object.__setattr__(self, "hints", tuple((k, _freeze(v)) for k, v in self.hints))
        if self.generated is not None:
            object.__setattr__(self, "generated", canonical_sql(self.generated, "generated"))
            if self.default is not None:
                raise ModelError(f"column {self.name!r} is generated, so it cannot also have a default")
        if self.default is not None and self.default.kind == "identity" and self.type.kind not in INTEGER_KINDS:
            raise ModelError(f"column {self.name!r}: identity needs an integer type, not {self.type}")
        if self.default is not None and self.default.kind == "identity" and self.default.identity_options:
            object.__setattr__(self, "default", plain_identity(self.default, self.type.kind))
        if self.default is not None and self.default.kind == "identity" and self.nullable:
            # every engine gives an identity column a value, so it is never NULL: PostgreSQL refuses
            # GENERATED BY DEFAULT AS IDENTITY NULL ("conflicting NULL/NOT NULL declarations")
            object.__setattr__(self, "nullable", False)
        if self.default is not None and self.default.kind == "uuid" and self.type.kind != "uuid":
            raise ModelError(f"column {self.name!r}: a uuid() default needs the uuid type, not {self.type}")
        if self.default is not None:
            try:
                fitted = fit_default(self.type, self.default)
            except ModelError as e:
                raise ModelError(f"column {self.name!r}: {e.message}") from None
            if fitted is not self.default:
                object.__setattr__(self, "default", fitted)
        if self.on_update is not None:
            if str(self.on_update).lower() not in ("now", "now()", "current_timestamp"):
                raise ModelError(f"column {self.name!r}: on update takes now(), not {self.on_update!r}")
            object.__setattr__(self, "on_update", "now")
            if self.type.kind not in ("timestamp", "timestamptz", "date", "time", "native", "domain"):
                raise ModelError(f"column {self.name!r}: on update now() needs a date/time type, not {self.type}")

    def hint(self, name: str, default: Any = None) -> Any:
        return dict(self.hints).get(name, default)


Deferrable = Literal["immediate", "deferred"]
DEFERRABLE_MODES = ("immediate", "deferred")


def deferrable_mode(value: object, what: str) -> Deferrable | None:
    """A constraint's ``deferrable``: None (checked at each statement), ``immediate`` (DEFERRABLE
    [INITIALLY IMMEDIATE]) or ``deferred`` (DEFERRABLE INITIALLY DEFERRED); True and False are read
    as ``immediate`` and None.

    >>> deferrable_mode("INITIALLY DEFERRED", "fk"), deferrable_mode(True, "fk"), deferrable_mode("no", "fk")
    ('deferred', 'immediate', None)
    """
    if value is None or value is False:
        return None
    if value is True:
        return "immediate"
    text = " ".join(str(value).lower().replace("_", " ").split())
    text = {"initially deferred": "deferred", "initially immediate": "immediate", "deferrable": "immediate",
            "not deferrable": None, "no": None, "false": None, "true": "immediate"}.get(text, text)
    if text is None:
        return None
    if text not in DEFERRABLE_MODES:
        raise ModelError(f"{what}: deferrable must be immediate or deferred, not {value!r}")
    return text  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """``columns`` of this table reference ``ref_columns`` (default: the parent's key) of ``ref_table``."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...] = ()
    name: str = ""
    on_delete: str | None = None
    on_update: str | None = None
    #: checked at commit (PostgreSQL, SQLite ``DEFERRABLE``): ``immediate`` (deferrable, checked per
    #: statement until ``SET CONSTRAINTS ... DEFERRED``) or ``deferred`` (``INITIALLY DEFERRED``)
    deferrable: Deferrable | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _tuple(self.columns))
        object.__setattr__(self, "ref_columns", _tuple(self.ref_columns))
        if not self.columns:
            raise ModelError("a foreign key needs at least one column")
        object.__setattr__(self, "deferrable", deferrable_mode(self.deferrable, "foreign key"))
        for attr in ("on_delete", "on_update"):
            action = getattr(self, attr)
            if action is not None:
                norm = " ".join(str(action).upper().replace("_", " ").split())
                if norm not in FK_ACTIONS:
                    raise ModelError(f"{attr} must be one of {', '.join(FK_ACTIONS)}, not {action!r}")
                object.__setattr__(self, attr, None if norm == "NO ACTION" else norm)


@dataclass(frozen=True, slots=True)
class Index:
    """An index: composite ``columns``, ``unique``, partial ``where``, ``method`` (btree, hash,
    gin, ...), covering ``include``."""

    columns: tuple[str, ...]
    name: str = ""
    unique: bool = False
    where: str | None = None
    method: str | None = None
    include: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _tuple(self.columns))
        object.__setattr__(self, "include", _tuple(self.include))
        if not self.columns:
            raise ModelError("an index needs at least one column")
        if self.where is not None:
            object.__setattr__(self, "where", canonical_sql(self.where, "where"))
        if self.method is not None:
            object.__setattr__(self, "method", self.method.lower())


@dataclass(frozen=True, slots=True)
class Unique:
    """A UNIQUE constraint over ``columns``."""

    columns: tuple[str, ...]
    name: str = ""
    #: as :attr:`ForeignKey.deferrable` (PostgreSQL's ``UNIQUE ... DEFERRABLE``)
    deferrable: Deferrable | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _tuple(self.columns))
        if not self.columns:
            raise ModelError("a unique constraint needs at least one column")
        object.__setattr__(self, "deferrable", deferrable_mode(self.deferrable, "unique constraint"))


@dataclass(frozen=True, slots=True)
class Check:
    """A CHECK constraint; ``expression`` is portable SQL (sqlglot's generic dialect)."""

    expression: str
    name: str = ""
    #: :attr:`columns` once asked for: kept with the value, so a schema read back from the cache of
    #: parsed files (dbmodel_kit.cli.spec_cache) is drawn without parsing SQL (nor importing sqlglot)
    _columns: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.expression, str) or not self.expression.strip():
            raise ModelError("a check constraint needs an expression")
        object.__setattr__(self, "expression", canonical_sql(self.expression, "check"))

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the expression mentions, in first-use order."""
        found = self._columns
        if found is None:
            found = sql_columns(self.expression)
            object.__setattr__(self, "_columns", found)
        return found


#: the names of DuckDB's own types that sqlglot does not read as types (``SELECT type_name FROM
#: duckdb_types() WHERE internal``, DuckDB 2.0): they share the catalog with user types, so DuckDB
#: refuses CREATE TYPE with one, in any case ('Catalog Error: Type with name "type" already exists!')
_DUCKDB_TYPES = frozenset({"guid", "integral", "parquet_variant", "timestamptz_ns", "tuple", "type", "uint8",
                           "uint16", "uint32", "uint64", "varint"})


@cache
def _builtin_type(name: str) -> str | None:
    """The built-in type ``name`` reads as in any of our dialects (``null`` -> NULL, ``int`` -> INT), or None
    for a name only a user-defined type can have. sqlglot's own type table is the judge because it is what
    reads our DDL back, and it drops the quotes of ``"null"`` in a type position; DuckDB's own type names
    (:data:`_DUCKDB_TYPES`) count too. sqlglot's DuckDB answer for a plain word comes from a copy checked
    against it (:mod:`._sqlglot_duckdb`)."""
    import sqlglot
    from sqlglot import exp

    from ._sqlglot_duckdb import builtin_type as duckdb_builtin_type

    if name.lower() in _DUCKDB_TYPES:
        return name.upper()
    for dialect in ("postgres", "mysql", "duckdb", "sqlite"):
        if dialect == "duckdb":  # from a copy of what sqlglot's DuckDB dialect says, for a plain word
            if builtin := duckdb_builtin_type(name):
                return builtin
            continue
        try:
            t = exp.DataType.build(name, dialect=dialect, udt=True).this
        except (sqlglot.errors.SqlglotError, ValueError):  # not type text at all: no built-in type
            continue
        if t != exp.DataType.Type.USERDEFINED:
            return t if isinstance(t, str) else str(t.value)  # (a str for some: 'oid' is 'OID' in postgres)
    return None


@dataclass(frozen=True, slots=True)
class Enum:
    """A named set of values that enum columns draw from."""

    name: str
    values: tuple[str, ...]
    comment: str | None = None
    #: the schema (namespace) it lives in; None: the dialect's default
    schema: str | None = None

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    def __post_init__(self) -> None:
        _check_name("enum", self.name)
        _check_namespace("enum", self.schema)
        builtin = _builtin_type(self.name)
        if builtin and self.name.lower() in _DUCKDB_TYPES:
            raise ModelError(
                f"enum {self.name!r} is named like DuckDB's own type {builtin}, which shares the catalog with user "
                f"types: DuckDB refuses to create it ('Type with name \"{self.name}\" already exists!'); name it "
                f"for what it holds, e.g. {self.name}_kind"
            )
        if builtin:
            raise ModelError(
                f"enum {self.name!r} is named like the built-in SQL type {builtin}: SQL readers (sqlglot, and "
                f"PostgreSQL itself where the name is not quoted) take a column of that type for the built-in "
                f"one; name it for what it holds, e.g. {self.name}_kind"
            )
        object.__setattr__(self, "values", _tuple(self.values))
        if not self.values:
            raise ModelError(f"enum {self.name!r} has no values")
        for v in self.values:
            if not isinstance(v, str) or not v:
                raise ModelError(f"enum {self.name!r}: values are non-empty text, not {v!r}")
        dupes = _duplicates(self.values)
        if dupes:
            raise ModelError(f"enum {self.name!r} lists {dupes[0]!r} twice")


def _domain_check(check: Check | str) -> Check:
    """A domain CHECK with its subject spelled ``value`` (PostgreSQL's keyword, any case, unquoted)."""
    import sqlglot
    from sqlglot import exp

    ck = check if isinstance(check, Check) else Check(check)
    tree = sqlglot.parse_one(ck.expression)
    for col in tree.find_all(exp.Column):
        if col.name.lower() == "value" and not col.table:
            col.set("this", exp.to_identifier("value"))
    return replace(ck, expression=canonical_sql(tree.sql()))


def domain_check_name(domain: str, n: int = 1) -> str:
    """PostgreSQL's name for the n-th unnamed CHECK of a domain: ``<domain>_check``, ``..._check1``."""
    return naming.shorten(f"{domain}_check" + (str(n - 1) if n > 1 else ""))


@dataclass(frozen=True, slots=True)
class Domain:
    """A named type with rules (PostgreSQL ``CREATE DOMAIN``): a base type, NOT NULL, a default
    and CHECKs on ``value``. Columns use it as ``domain(name)``. Engines without domains get the
    base type with the rules on each column.

    >>> Domain("year", "integer", checks=("VALUE >= 1901 AND VALUE <= 2155",)).checks[0]
    Check(expression='value >= 1901 AND value <= 2155', name='year_check')
    """

    name: str
    base: DataType
    nullable: bool = True
    default: Default | None = None
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    schema: str | None = None

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    def __post_init__(self) -> None:
        _check_name("domain", self.name)
        _check_namespace("domain", self.schema)
        if not isinstance(self.base, DataType):
            object.__setattr__(self, "base", DataType.parse(self.base))
        if self.base.kind == "domain" and self.base.domain == self.key:
            raise ModelError(f"domain {self.name!r} cannot be based on itself")
        if not isinstance(self.default, Default | None):
            object.__setattr__(self, "default", Default.parse(self.default))
        if self.default is not None and self.base.kind not in ("enum", "set", "domain"):
            try:
                object.__setattr__(self, "default", fit_default(self.base, self.default))
            except ModelError as e:
                raise ModelError(f"domain {self.name!r}: {e.message}") from None
        checks = []
        taken = {c.name for c in _tuple(self.checks) if isinstance(c, Check) and c.name}
        n = 1
        for ck in _tuple(self.checks):
            ck = _domain_check(ck)
            if set(ck.columns) - {"value"}:
                raise ModelError(f"domain {self.name!r}: a check may use only value, not "
                                 f"{', '.join(sorted(set(ck.columns) - {'value'}))}")
            if not ck.name:
                while (candidate := domain_check_name(self.name, n)) in taken:
                    n += 1
                taken.add(candidate)
                ck = replace(ck, name=candidate)
            checks.append(ck)
        object.__setattr__(self, "checks", tuple(checks))
        dupes = _duplicates(c.name for c in checks)
        if dupes:
            raise ModelError(f"domain {self.name!r} has two checks named {dupes[0]!r}")


@dataclass(frozen=True, slots=True)
class Sequence:
    """A named counter (``CREATE SEQUENCE``); columns draw from it with ``default nextval('name')``.

    ``owned_by`` is the ``(table, column)`` it belongs to (PostgreSQL's ``OWNED BY``: dropped with
    the column). Unset numbers are the engine's defaults.

    >>> Sequence("film_film_id_seq", start=1, owned_by=("film", "film_id")).owned_by
    ('film', 'film_id')
    """

    name: str
    start: int | None = None
    increment: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    cycle: bool = False
    cache: int | None = None
    type: DataType | None = None
    owned_by: tuple[str, str] | None = None
    comment: str | None = None
    schema: str | None = None

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    def __post_init__(self) -> None:
        _check_name("sequence", self.name)
        _check_namespace("sequence", self.schema)
        for attr in ("start", "increment", "min_value", "max_value", "cache"):
            value = getattr(self, attr)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ModelError(f"sequence {self.name!r}: {attr} is a whole number, not {value!r}")
        if self.increment == 0:
            raise ModelError(f"sequence {self.name!r}: increment cannot be 0")
        if self.cache is not None and self.cache < 1:
            raise ModelError(f"sequence {self.name!r}: cache is at least 1, not {self.cache}")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ModelError(f"sequence {self.name!r}: min_value {self.min_value} is above max_value {self.max_value}")
        if self.type is not None:
            if not isinstance(self.type, DataType):
                object.__setattr__(self, "type", DataType.parse(self.type))
            if self.type.kind not in ("smallint", "integer", "bigint"):  # type: ignore[union-attr]
                raise ModelError(f"sequence {self.name!r}: a sequence counts in smallint, integer or bigint, "
                                 f"not {self.type}")
        if self.owned_by is not None:
            owner = tuple(self.owned_by)
            if len(owner) != 2 or not all(isinstance(x, str) and x for x in owner):
                raise ModelError(f"sequence {self.name!r}: owned_by is (table, column), not {self.owned_by!r}")
            object.__setattr__(self, "owned_by", owner)


_PARTITION_RE = re.compile(r"^\s*(range|list|hash)\s*\((.+)\)\s*$", re.I | re.S)


def _partition_key(text: str, where: str) -> str:
    """``RANGE (col, ...)`` in one spelling: the method upper-case, one space, the key as written."""
    m = _PARTITION_RE.match(str(text))
    if not m or not _balanced(m.group(2)):
        raise ModelError(f"a partition key is RANGE (...), LIST (...) or HASH (...), not {text!r}", where=where)
    return f"{m.group(1).upper()} ({' '.join(m.group(2).split())})"


def _partition_columns(key: str) -> tuple[str, ...]:
    """The plain columns a partition key names (expressions in it are left to the engine)."""
    from .types import split_commas

    inner = key[key.index("(") + 1:-1]
    out = []
    for part in split_commas(inner):
        part = part.strip()
        if re.match(r'^"(?:[^"]|"")+"$', part):
            out.append(part[1:-1].replace('""', '"'))
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", part):
            out.append(part)
    return tuple(out)


def _duplicates(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item in seen:
            out.append(item)
        seen.add(item)
    return out


def position(value: object, where: str | None = None) -> tuple[int, int]:
    """A table's place in the ERD: ``(x, y)`` of its centre in points (1/72 inch, Graphviz's unit,
    y pointing up, as in a laid-out DOT file), rounded to whole points.

    >>> position((126.5, 506.0))
    (126, 506)
    """
    pair: tuple[object, ...] = tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else ()
    if len(pair) != 2:
        raise ModelError(f"a position is two numbers [x, y], not {value!r}", where=where)
    out = []
    for v in pair:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ModelError(f"a position is two finite numbers [x, y], not {value!r}", where=where)
        out.append(round(v))
    return out[0], out[1]


def _parse_query(query: str, dialect: str | None) -> exp.Expression:
    """The sqlglot tree of a view's query in its dialect (one SELECT-like statement)."""
    import sqlglot
    from sqlglot import exp

    from .types import _SQLGLOT_DIALECT

    read = _SQLGLOT_DIALECT.get(dialect or "", None)
    trees = [t for t in sqlglot.parse(query, read=read) if t is not None]
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        raise ModelError("a view's query is one SELECT statement")
    return trees[0]


def query_tables(tree: exp.Expression) -> tuple[str, ...]:
    """Keys of the tables and views a query reads (common table expressions left out), in
    first-use order.

    >>> import sqlglot
    >>> query_tables(sqlglot.parse_one("WITH x AS (SELECT 1) SELECT * FROM sales.orders JOIN x ON 1 = 1"))
    ('sales.orders',)
    """
    from sqlglot import exp

    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    seen: dict[str, None] = {}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) or (not table.db and table.name in ctes):
            continue
        seen.setdefault(qualify(table.db or None, table.name), None)
    return tuple(seen)


@dataclass(frozen=True, slots=True, eq=False)
class View:
    """A view (``materialized``: a materialized view): its query as written in ``dialect`` (None:
    sqlglot's generic SQL, portable as it stands), the names of its columns, and the keys of the
    tables and views it reads (``depends_on``, parsed from the query when not given).

    Other dialects get the query transpiled by sqlglot where that works (see
    :func:`dbmodel_kit.ddl.view_sql`); a query sqlglot cannot read is kept as written, for its own
    dialect only, and must then list what it depends on.

    Two views are equal when their queries mean the same (:func:`dbmodel_kit.ddl.sqltext.query_meaning`:
    the text as written and as the engine stores it compare equal), as are the rest of their fields
    (``depends_on`` aside: it is read from the query).

    >>> v = View("big_orders", "SELECT id, total FROM orders WHERE total > 100")
    >>> v.columns, v.depends_on
    (('id', 'total'), ('orders',))
    >>> v == View("big_orders", "select `id`, `total` from `orders` where (`total` > 100)", "mysql")
    False
    >>> View("v", "select `id` AS `id` from (`orders`)", "mysql") == View("v", "SELECT id FROM orders", "mysql")
    True
    """

    name: str
    query: str
    dialect: str | None = None
    columns: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    materialized: bool = False
    comment: str | None = None
    schema: str | None = None
    #: the view reads with the rights of whoever queries it (MySQL ``SQL SECURITY INVOKER``,
    #: PostgreSQL ``security_invoker``), not its creator's
    security_invoker: bool = False
    #: ``WITH [CASCADED | LOCAL] CHECK OPTION``: rows written through the view must satisfy its
    #: WHERE (``cascaded``: and those of the views it reads); None: no check
    check_option: str | None = None

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    def __post_init__(self) -> None:
        from sqlglot import exp

        set_ = object.__setattr__
        _check_name("view", self.name)
        if self.check_option is not None:
            option = str(self.check_option).strip().lower()
            if option not in ("cascaded", "local"):
                raise ModelError(f"view {self.name!r}: check_option is cascaded or local, not {self.check_option!r}")
            set_(self, "check_option", option)
        set_(self, "security_invoker", bool(self.security_invoker))
        _check_namespace("view", self.schema)
        if not isinstance(self.query, str) or not self.query.strip():
            raise ModelError(f"view {self.name!r} needs a query")
        set_(self, "query", self.query.strip().rstrip(";").strip())
        if self.dialect is not None:
            from .types import dialect_key

            set_(self, "dialect", dialect_key(self.dialect))
        set_(self, "columns", _tuple(self.columns))
        set_(self, "depends_on", _tuple(self.depends_on))
        dupes = _duplicates(self.columns)
        if dupes:
            raise ModelError(f"view {self.name!r} names column {dupes[0]!r} twice")
        tree = self.tree
        if tree is None:
            return  # kept as written: what it reads is as given
        if not self.depends_on:
            set_(self, "depends_on", query_tables(tree))
        if not self.columns and isinstance(tree, exp.Select) and not tree.is_star:
            names = tuple(e.alias_or_name for e in tree.selects)
            if all(names) and not _duplicates(names):
                set_(self, "columns", names)

    @property
    def tree(self) -> exp.Expression | None:
        """The parsed query, or None when sqlglot cannot read it in its dialect."""
        return _view_tree(self.query, self.dialect)

    def _meaning(self) -> tuple[Any, ...]:
        from sqlglot import exp

        from ..ddl.sqltext import query_meaning
        from .types import _SQLGLOT_DIALECT

        tree = self.tree
        derived: tuple[str, ...] = ()
        if isinstance(tree, exp.Select) and not tree.is_star:
            derived = tuple(e.alias_or_name for e in tree.selects)
        columns = () if self.columns == derived else self.columns
        return (self.name, self.schema, self.dialect, self.materialized, self.comment, columns,
                self.security_invoker, self.check_option,
                query_meaning(self.query, _SQLGLOT_DIALECT.get(self.dialect or "")))

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, View):
            return NotImplemented
        return self._meaning() == other._meaning()

    def __hash__(self) -> int:
        return hash(self._meaning())


@cache
def _view_tree(query: str, dialect: str | None) -> exp.Expression | None:
    import sqlglot

    try:
        return _parse_query(query, dialect)
    except ModelError as e:
        if dialect is None:
            raise  # generic SQL must parse: it is what makes a view portable
        if "one SELECT" in e.message:
            raise
        return None
    except sqlglot.errors.SqlglotError as e:
        if dialect is None:
            raise ModelError(f"cannot read the view's query: {e}") from None
        return None


#: What a :class:`Verbatim` object may be (its ``kind``).
VERBATIM_KINDS = ("extension", "type", "function", "procedure", "aggregate", "trigger", "policy", "grant", "comment",
                  "rule", "event", "virtual table", "index", "statement")


@dataclass(frozen=True, slots=True, eq=False)
class Verbatim:
    """An object the kit keeps as its SQL for one dialect without modelling it: a trigger,
    function, procedure, extension, row-level-security policy, grant, comment, virtual table...

    ``sql`` is emitted as written on ``dialect`` (in ``depends_on`` order: the keys of the tables,
    views and other objects it needs); other dialects get a note that it is not carried. ``name``
    identifies it among objects of its ``kind`` (a function's name may carry its argument types).

    Two objects are equal when their SQL says the same (:func:`dbmodel_kit.ddl.sqltext.object_meaning`:
    comments, whitespace, quoting and keyword case aside, and MySQL's ``DEFINER``), as are the rest
    of their fields (``depends_on`` aside: it is read from the SQL).

    >>> Verbatim("trigger", "last_updated", "postgresql", "CREATE TRIGGER last_updated ...",
    ...          depends_on=("film",)).key
    'last_updated'
    """

    kind: str
    name: str
    dialect: str
    sql: str
    depends_on: tuple[str, ...] = ()
    schema: str | None = None
    comment: str | None = None
    #: what :meth:`_meaning` worked out (reading the SQL with sqlglot), once per object
    _meaning_cache: tuple[Any, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def key(self) -> str:
        return qualify(self.schema, self.name)

    def __post_init__(self) -> None:
        from .types import dialect_key

        set_ = object.__setattr__
        if self.kind not in VERBATIM_KINDS:
            raise ModelError(f"unknown kind of object {self.kind!r}; known: {', '.join(VERBATIM_KINDS)}")
        _check_name(self.kind, self.name)
        _check_namespace(self.kind, self.schema)
        set_(self, "dialect", dialect_key(self.dialect))
        if not isinstance(self.sql, str) or not self.sql.strip():
            raise ModelError(f"{self.kind} {self.name!r} needs its SQL")
        set_(self, "sql", self.sql.strip())
        if "\x00" in self.sql:
            raise ModelError(f"{self.kind} {self.name!r}: its SQL holds a NUL character")
        set_(self, "depends_on", _tuple(self.depends_on))

    def _meaning(self) -> tuple[Any, ...]:
        """What the object means (its SQL as sqlglot reads it), worked out once per object: a
        schema's hash and every comparison of two schemas compare their objects this way."""
        found = self._meaning_cache
        if found is None:
            found = self._work_out_meaning()
            object.__setattr__(self, "_meaning_cache", found)
        return found

    def _work_out_meaning(self) -> tuple[Any, ...]:
        from ..ddl.sqltext import object_meaning
        from .types import _SQLGLOT_DIALECT

        if self.kind == "grant" and self.dialect == "postgresql":
            # what the statements leave others holding: the catalog gives back the difference from
            # the object's default privileges, not the statements as written (REVOKE USAGE ...;
            # GRANT ALL ON SCHEMA public TO PUBLIC comes back as GRANT CREATE ...)
            from ..io.pg_objects import grant_effect

            what: Any = grant_effect(self.sql)
        elif self.kind == "type" and self.dialect == "postgresql":
            # a composite or range type by what it says (attribute types as format_type writes them,
            # options in any order): a hand-written type equals the one the catalog gives back
            from ..io.pg_objects import type_meaning

            what = type_meaning(self.name, self.sql)
        else:
            what = object_meaning(self.sql, _SQLGLOT_DIALECT.get(self.dialect))
        return (self.kind, self.name, self.schema, self.dialect, self.comment, what)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Verbatim):
            return NotImplemented
        return self._meaning() == other._meaning()

    def __hash__(self) -> int:
        return hash(self._meaning())


@dataclass(frozen=True)
class Table:
    """A table and everything declared on it.

    Names of indexes and constraints left empty are filled from :mod:`~.naming`; columns in
    the primary key are made NOT NULL. ``position`` is where the person placed the table in the
    ERD (see :func:`position`); None lets the layout place it. It is presentation only: DDL and
    migrations ignore it.
    """

    name: str
    columns: tuple[Column, ...] = ()
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    group: str | None = None
    timestamps: bool = False
    soft_delete: bool = False
    audited: bool = False
    position: tuple[int, int] | None = None
    #: the schema (namespace) it lives in (PostgreSQL/DuckDB schema, MySQL database, SQLite attached
    #: database); None: the dialect's default (``public``, ``main``, the connection's database)
    schema: str | None = None
    #: PostgreSQL declarative partitioning: the partition key of a partitioned table
    #: (``RANGE (payment_date)``, ``LIST (region)``, ``HASH (id)``)
    partition_by: str | None = None
    #: for a partition: the key of its partitioned table, and its bound (``FOR VALUES FROM (...) TO
    #: (...)``, ``FOR VALUES IN (...)``, ``DEFAULT``)
    partition_of: str | None = None
    partition_bound: str | None = None
    #: the primary key checked at commit, as :attr:`ForeignKey.deferrable` (PostgreSQL's
    #: ``PRIMARY KEY ... DEFERRABLE [INITIALLY DEFERRED]``); None without a primary key
    primary_key_deferrable: Deferrable | None = None

    @property
    def key(self) -> str:
        """How the schema and every reference name this table: ``name``, or ``schema.name``."""
        return self._key

    def __post_init__(self) -> None:
        _check_name("table", self.name)
        _check_namespace("table", self.schema)
        set_ = object.__setattr__
        set_(self, "_key", qualify(self.schema, self.name))
        name = self._key
        if self.position is not None:
            set_(self, "position", position(self.position, where=name))
        for attr in ("columns", "primary_key", "foreign_keys", "indexes", "uniques", "checks"):
            set_(self, attr, _tuple(getattr(self, attr)))
        if not self.columns:
            raise ModelError("a table needs at least one column", where=name)
        dupes = _duplicates(c.name for c in self.columns)
        if dupes:
            raise ModelError(f"duplicate column {dupes[0]!r}", where=name)
        names = {c.name for c in self.columns}

        def need(cols: Iterable[str], what: str) -> None:
            for col in cols:
                if col not in names:
                    raise ModelError(f"{what} names column {col!r}, which the table does not have", where=name)

        need(self.primary_key, "the primary key")
        if _duplicates(self.primary_key):
            raise ModelError("the primary key lists a column twice", where=name)
        if self.primary_key:
            pk = set(self.primary_key)
            set_(self, "columns", tuple(
                replace(c, nullable=False) if c.name in pk and c.nullable else c for c in self.columns))
        # the clause belongs to the key: it goes with it (a key dropped by an edit takes it along)
        set_(self, "primary_key_deferrable",
             deferrable_mode(self.primary_key_deferrable, "primary key") if self.primary_key else None)

        fks = []
        for fk in self.foreign_keys:
            need(fk.columns, f"a foreign key to {fk.ref_table!r}")
            if fk.ref_columns and len(fk.ref_columns) != len(fk.columns):
                raise ModelError(
                    f"foreign key ({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)}) "
                    "pairs a different number of columns", where=name)
            fks.append(fk if fk.name else replace(fk, name=naming.fk_name(name, fk.columns, fk.ref_table)))
        set_(self, "foreign_keys", tuple(fks))

        idxs = []
        for ix in self.indexes:
            need(ix.columns, "an index")
            need(ix.include, "an index's INCLUDE")
            if ix.where:
                need(sql_columns(ix.where), "an index's WHERE")
            idxs.append(ix if ix.name else replace(ix, name=naming.index_name(name, ix.columns, ix.unique)))
        set_(self, "indexes", tuple(idxs))

        uqs = []
        for uq in self.uniques:
            need(uq.columns, "a unique constraint")
            uqs.append(uq if uq.name else replace(uq, name=naming.unique_name(name, uq.columns)))
        set_(self, "uniques", tuple(uqs))

        cks = []
        taken = {ck.name for ck in self.checks if ck.name}
        for ck in self.checks:
            need(ck.columns, f"check ({ck.expression})")
            if not ck.name:
                n = 1
                while (candidate := naming.check_name(name, ck.columns, n)) in taken:
                    n += 1
                taken.add(candidate)
                ck = replace(ck, name=candidate)
            cks.append(ck)
        set_(self, "checks", tuple(cks))

        # two namespaces per table, as every engine has them: indexes (a UNIQUE constraint is one
        # too) and constraints; an index may share its name with a foreign key (MySQL dumps do)
        uniques = [u.name for u in self.uniques]
        dupes = (_duplicates([*(ix.name for ix in self.indexes), *uniques])
                 or _duplicates([*uniques, *(fk.name for fk in self.foreign_keys), *(c.name for c in self.checks)]))
        if dupes:
            raise ModelError(f"two indexes or constraints are named {dupes[0]!r}", where=name)
        for c in self.columns:
            if c.generated:
                need(sql_columns(c.generated), f"generated column {c.name!r}")
        if self.partition_by is not None:
            set_(self, "partition_by", _partition_key(self.partition_by, name))
            need(_partition_columns(self.partition_by), "the partition key")
        if (self.partition_of is None) != (self.partition_bound is None):
            raise ModelError("a partition gives both its table (partition_of) and its bound (partition_bound)",
                             where=name)
        if self.partition_bound is not None:
            bound = " ".join(str(self.partition_bound).split())
            if not (bound.upper() == "DEFAULT" or bound.upper().startswith("FOR VALUES ")):
                raise ModelError(f"a partition bound is FOR VALUES ... or DEFAULT, not {bound!r}", where=name)
            set_(self, "partition_bound", "DEFAULT" if bound.upper() == "DEFAULT" else "FOR VALUES" + bound[10:])

    # -- lookups ---------------------------------------------------------------------------
    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise ModelError(f"no column {name!r}; columns are {', '.join(self.column_names)}", where=self.key)

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def constraint_names(self) -> list[str]:
        return ([fk.name for fk in self.foreign_keys] + [ix.name for ix in self.indexes]
                + [u.name for u in self.uniques] + [c.name for c in self.checks])

    def foreign_key(self, name: str) -> ForeignKey:
        return self._named(self.foreign_keys, name, "foreign key")

    def index(self, name: str) -> Index:
        return self._named(self.indexes, name, "index")

    def unique(self, name: str) -> Unique:
        return self._named(self.uniques, name, "unique constraint")

    def check(self, name: str) -> Check:
        return self._named(self.checks, name, "check constraint")

    def _named(self, items: tuple[Any, ...], name: str, what: str) -> Any:
        for item in items:
            if item.name == name:
                return item
        known = ", ".join(i.name for i in items) or "none"
        raise ModelError(f"no {what} named {name!r} (known: {known})", where=self.key)

    def is_unique(self, columns: Iterable[str]) -> bool:
        """Whether ``columns`` (as a set) are the primary key, a unique constraint or a unique index."""
        cols = frozenset(columns)
        if cols and cols == frozenset(self.primary_key):
            return True
        if any(cols == frozenset(u.columns) for u in self.uniques):
            return True
        return any(ix.unique and ix.where is None and cols == frozenset(ix.columns) for ix in self.indexes)


@dataclass(frozen=True)
class Schema:
    """A whole database design: tables (in the order they were added) and enums.

    Checks everything that spans tables: foreign keys point at existing tables and at columns
    that are a key there, with compatible types; enum and domain columns name a declared one.
    Index and constraint names are unique in their table only: each engine scopes them its own
    way (PostgreSQL keeps index names per schema, MySQL per table), so the DDL for an engine
    checks its scope (:attr:`~dbmodel_kit.dialects.Dialect.name_scopes`), not the model.
    """

    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()
    name: str | None = None
    comment: str | None = None
    domains: tuple[Domain, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    views: tuple[View, ...] = ()
    verbatim: tuple[Verbatim, ...] = ()
    #: the table of each key, shared with the schemas this one was made from or makes (see _Keys)
    _keys: _Keys = field(default=None, init=False, repr=False, compare=False, hash=False)  # type: ignore[assignment]
    #: this schema's generation in ``_keys``
    _gen: int = field(default=0, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        for f in ("tables", *_TUPLES):
            object.__setattr__(self, f, _tuple(getattr(self, f)))
        dupes = _duplicates(t.key for t in self.tables)
        if dupes:
            raise ModelError(f"duplicate table {dupes[0]!r}")
        by_name = {t.key: t for t in self.tables}
        self._check_objects(by_name, partitions=True)
        enums = self._type_names()
        for t in self.tables:
            self._check_table(t, enums, by_name)
        if any(by_name[t.key] is not t for t in self.tables):
            object.__setattr__(self, "tables", tuple(by_name[t.key] for t in self.tables))
        self._own_keys(by_name)

    def _own_keys(self, by_name: dict[str, Table]) -> None:
        """Start a line of schemas of its own (``by_name``: this schema's tables by key)."""
        object.__setattr__(self, "_keys", _Keys(by_name))
        object.__setattr__(self, "_gen", 0)

    def _get(self, key: str) -> Table | None:
        """The table keyed exactly ``key``, or None."""
        entry = self._keys.entries.get(key)
        if entry is not None and entry[1] <= self._gen < entry[2]:
            return entry[0]
        return None

    def _lookup(self, extra: dict[str, Table] | None = None) -> _Lookup:
        return _Lookup(self, {} if extra is None else extra)

    def _check_objects(self, by_name: Mapping[str, Table], *, partitions: bool) -> None:
        """The checks of the schema-level objects (enums, domains, sequences, views, verbatim
        objects) against each other and the table names; with ``partitions`` also each partition
        against its table. What each table's columns and keys name is :meth:`_check_table`'s."""
        dupes = _duplicates(e.key for e in self.enums)
        if dupes:
            raise ModelError(f"duplicate enum {dupes[0]!r}")
        dupes = _duplicates([*(e.key for e in self.enums), *(d.key for d in self.domains)])
        if dupes:
            raise ModelError(f"{dupes[0]!r} is declared twice (enums and domains share one namespace)")
        dupes = _duplicates(q.key for q in self.sequences)
        if dupes:
            raise ModelError(f"duplicate sequence {dupes[0]!r}")
        for q in self.sequences:
            self._check_owner(q, by_name)
        if self.views:
            dupes = _duplicates([*by_name, *(v.key for v in self.views)])
            if dupes:
                raise ModelError(f"{dupes[0]!r} is declared twice (tables and views share one namespace)")
        dupes = _duplicates(f"{o.kind} {o.key} for {o.dialect}" for o in self.verbatim)
        if dupes:
            raise ModelError(f"duplicate {dupes[0]}")
        if partitions:
            for t in self.tables:
                if t.partition_of is not None:
                    self._check_partition(t, by_name)
        enums = self._type_names()
        for d in self.domains:
            self._check_type(d.base, enums, f"domain {d.key}")
        self._domain_bases()

    def with_objects(self, **changes: Any) -> Schema:
        """A new schema with schema-level fields replaced (``enums``, ``domains``, ``sequences``,
        ``views``, ``verbatim``, ``name``, ``comment``): what ``dataclasses.replace`` gives, checked
        incrementally.

        The schema-level objects are checked whole (there are few), the tables only where they name
        an enum, domain or sequence that changed (or reference such a table): the other tables were
        valid against what they name, which is unchanged. The full check of every table for each
        added or dropped type made a plan's reverse, dropping a schema's types one by one, cost a
        whole-schema check per type.
        """
        unknown = set(changes) - set(_SCHEMA_LEVEL)
        if unknown:
            raise TypeError(f"with_objects: not a schema-level field: {', '.join(sorted(unknown))}")
        new = self._sibling()
        for f, value in changes.items():
            object.__setattr__(new, f, _tuple(value) if f in _TUPLES else value)
        object.__setattr__(new, "_keyed_cache", {})
        object.__setattr__(new, "tables", self.tables)
        object.__setattr__(new, "_keys", self._keys)  # the same tables: the same line, generation
        object.__setattr__(new, "_gen", self._gen)
        new._check_objects(self._lookup(), partitions=False)
        changed = {kind: _changed_keys(getattr(self, kind), getattr(new, kind))
                   for kind in ("enums", "domains", "sequences")}
        types = changed["enums"] | changed["domains"]
        grown = True
        while grown and types:  # a domain based (through others) on a changed type changes with it
            grown = False
            for d in (*self.domains, *new.domains):
                if d.key not in types and _names_type(d.base, types):
                    types.add(d.key)
                    grown = True
        sequences = changed["sequences"]
        if not (types or sequences):
            return new
        touched = {t.key for t in self.tables if any(
            _names_type(c.type, types) or (c.default is not None and c.default.kind == "sequence"
                                           and c.default.value in sequences) for c in t.columns)}
        if not touched:
            return new
        by_name = {t.key: t for t in self.tables}
        enums = new._type_names()
        for t in self.tables:
            if t.key in touched or any(fk.ref_table in touched for fk in t.foreign_keys):
                new._check_table(t, enums, by_name)
        if any(by_name[t.key] is not t for t in self.tables):
            object.__setattr__(new, "tables", tuple(by_name[t.key] for t in self.tables))
            new._own_keys(by_name)
        return new

    def _type_names(self) -> dict[str, str]:
        """Schema-level type names and what they are (``enum`` or ``domain``)."""
        names = {e.key: "enum" for e in self.enums}
        names.update((d.key, "domain") for d in self.domains)
        return names

    @staticmethod
    def _check_type(t: DataType, types: Mapping[str, str], where: str) -> None:
        """A type's enum or domain must be declared (with the right kind), also inside arrays."""
        while t.kind == "array" and t.element is not None:
            t = t.element
        if t.kind in ("enum", "set", "domain"):
            want = "domain" if t.kind == "domain" else "enum"
            ref = t.domain if want == "domain" else t.enum
            if types.get(ref or "") != want:
                raise ModelError(f"type {t} names {'a' if want == 'domain' else 'an'} {want} the schema does not "
                                 "declare", where=where)

    @staticmethod
    def _check_partition(t: Table, by_name: Mapping[str, Table]) -> None:
        parent = by_name.get(t.partition_of or "")
        if parent is None or parent.partition_by is None:
            raise ModelError(f"partition of {t.partition_of!r}, which is not a partitioned table of the schema",
                             where=t.key)
        mine = {c.name: c.type for c in t.columns}
        theirs = {c.name: c.type for c in parent.columns}
        if mine != theirs:
            diff = sorted(set(mine.items()) ^ set(theirs.items()), key=str)
            raise ModelError(f"a partition has its table's columns; {parent.key} differs in "
                             f"{', '.join(f'{n} {ty}' for n, ty in diff)}", where=t.key)

    @staticmethod
    def _check_owner(q: Sequence, by_name: Mapping[str, Table]) -> None:
        if q.owned_by is None:
            return
        table, column = q.owned_by
        if table not in by_name or not by_name[table].has_column(column):
            raise ModelError(f"sequence {q.key!r} is owned by {table}.{column}, which does not exist")

    def _check_default(self, t: DataType, default: Default, where: str) -> None:
        """A literal default of an enum, set or domain column fits the labels or the domain's base type."""
        seen = set()
        while t.kind == "domain" and t.domain not in seen:
            seen.add(t.domain)
            t = self.domain(t.domain or "").base
        labels = self.enum(t.enum).values if t.kind in ("enum", "set") and t.enum else None
        try:
            fit_default(t, default, labels)
        except ModelError as e:
            raise ModelError(e.message, where=where) from None

    def _domain_bases(self) -> None:
        """Refuse domains based, through other domains, on themselves."""
        by_name = {d.key: d for d in self.domains}
        for d in self.domains:
            seen = {d.key}
            base = d.base
            while base.kind == "domain":
                if base.domain in seen:
                    raise ModelError(f"domain {d.key!r} is based on itself through {base.domain!r}")
                seen.add(base.domain or "")
                base = by_name[base.domain or ""].base

    def _check_table(self, t: Table, enums: Mapping[str, str], by_name: dict[str, Table] | _Lookup) -> None:
        """Check what spans tables for ``t``: enum and domain types, and its foreign keys (filling in
        default referenced columns in ``by_name``)."""
        for c in t.columns:
            if c.type.kind in ("enum", "set", "domain", "array"):
                self._check_type(c.type, enums, f"{t.key}.{c.name}")
            if c.default is not None and c.default.kind == "sequence" and not self.has_sequence(str(c.default.value)):
                raise ModelError(f"default nextval('{c.default.value}') names a sequence the schema does not "
                                 "declare", where=f"{t.key}.{c.name}")
            if c.default is not None and c.default.kind == "literal" and c.type.kind in ("enum", "set", "domain"):
                self._check_default(c.type, c.default, f"{t.key}.{c.name}")
        domains = {d.key: d for d in self.domains} if self.domains else None
        fks = tuple(self._check_fk(t, fk, by_name, domains) for fk in t.foreign_keys)
        if fks != t.foreign_keys:
            by_name[t.key] = replace(t, foreign_keys=fks)

    @staticmethod
    def _check_fk(t: Table, fk: ForeignKey, by_name: Mapping[str, Table],
                  domains: Mapping[str, Domain] | None = None) -> ForeignKey:
        where = f"{t.key}.{fk.name}"
        parent = by_name.get(fk.ref_table)
        if parent is None:
            raise ModelError(f"foreign key references table {fk.ref_table!r}, which does not exist", where=where)
        ref_cols = fk.ref_columns or parent.primary_key
        if not ref_cols:
            raise ModelError(f"foreign key to {fk.ref_table!r} names no columns and that table has no "
                             "primary key", where=where)
        if len(ref_cols) != len(fk.columns):
            raise ModelError(f"foreign key has {len(fk.columns)} column(s) but {fk.ref_table}'s key has "
                             f"{len(ref_cols)}", where=where)
        for col, ref in zip(fk.columns, ref_cols, strict=True):
            if not parent.has_column(ref):
                raise ModelError(f"foreign key references column {fk.ref_table}.{ref}, which does not exist",
                                 where=where)
            a, b = t.column(col).type, parent.column(ref).type
            if (a.kind == "domain" or b.kind == "domain") and domains is not None:
                a, b = base_type(a, domains), base_type(b, domains)
            if not a.compatible_with(b):
                raise ModelError(f"type mismatch: {t.key}.{col} is {a} but {fk.ref_table}.{ref} is {b}",
                                 where=where)
        if not parent.is_unique(ref_cols):
            raise ModelError(f"foreign key references {fk.ref_table}({', '.join(ref_cols)}), which is not "
                             "its primary key or a unique constraint", where=where)
        return fk if fk.ref_columns else replace(fk, ref_columns=tuple(ref_cols))

    # -- lookups ---------------------------------------------------------------------------
    def _find(self, name: str) -> Table | None:
        """The table ``name`` keys, spelled as its key, as ``schema.name`` or as a bare name with dots."""
        found = self._get(name)
        if found is None and isinstance(name, str):
            found = self._get(qualify(*split_key(name))) or self._get(qualify(None, name))
        return found

    def table(self, name: str) -> Table:
        found = self._find(name)
        if found is None:
            known = ", ".join(self.table_names) or "none"
            raise ModelError(f"no table {name!r} (tables: {known})")
        return found

    def has_table(self, name: str) -> bool:
        return self._find(name) is not None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tables)

    def _keyed(self, kind: str) -> dict[str, Any]:
        """``key -> object`` of the schema-level ``kind`` (``enums``, ``domains``, ``sequences``),
        built once per schema value (a lookup per column of a check was a scan of them all)."""
        cache = self.__dict__.get("_keyed_cache")
        if cache is None:
            cache = {}
            object.__setattr__(self, "_keyed_cache", cache)
        found = cache.get(kind)
        if found is None:
            found = cache[kind] = {x.key: x for x in getattr(self, kind)}
        return found  # type: ignore[no-any-return]

    def enum(self, name: str) -> Enum:
        found = self._keyed("enums").get(name)
        if found is None:
            raise ModelError(f"no enum {name!r}")
        return found  # type: ignore[no-any-return]

    def has_enum(self, name: str) -> bool:
        return name in self._keyed("enums")

    def domain(self, name: str) -> Domain:
        found = self._keyed("domains").get(name)
        if found is None:
            known = ", ".join(d.key for d in self.domains) or "none"
            raise ModelError(f"no domain {name!r} (domains: {known})")
        return found  # type: ignore[no-any-return]

    def has_domain(self, name: str) -> bool:
        return name in self._keyed("domains")

    def sequence(self, name: str) -> Sequence:
        found = self._keyed("sequences").get(name)
        if found is None:
            known = ", ".join(q.key for q in self.sequences) or "none"
            raise ModelError(f"no sequence {name!r} (sequences: {known})")
        return found  # type: ignore[no-any-return]

    def has_sequence(self, name: str) -> bool:
        return name in self._keyed("sequences")

    def view(self, name: str) -> View:
        for v in self.views:
            if v.key == name:
                return v
        known = ", ".join(v.key for v in self.views) or "none"
        raise ModelError(f"no view {name!r} (views: {known})")

    def has_view(self, name: str) -> bool:
        return any(v.key == name for v in self.views)

    def object(self, kind: str, name: str, dialect: str | None = None) -> Verbatim:
        """The verbatim object of ``kind`` keyed ``name`` (for ``dialect``, when several dialects
        have one of that name)."""
        found = [o for o in self.verbatim if o.kind == kind and o.key == name
                 and (dialect is None or o.dialect == _dialect_name(dialect))]
        if len(found) == 1:
            return found[0]
        if found:
            raise ModelError(f"{kind} {name!r} is kept for {', '.join(o.dialect for o in found)}: say which dialect")
        known = ", ".join(o.key for o in self.verbatim if o.kind == kind) or "none"
        raise ModelError(f"no {kind} {name!r} ({kind}s: {known})")

    def has_object(self, kind: str, name: str, dialect: str | None = None) -> bool:
        return any(o.kind == kind and o.key == name and (dialect is None or o.dialect == _dialect_name(dialect))
                   for o in self.verbatim)

    def partitions(self, table: str) -> list[Table]:
        """The partitions of partitioned table ``table`` (its key), in model order."""
        key = self.table(table).key
        return [t for t in self.tables if t.partition_of == key]

    def dependents(self, key: str) -> list[View | Verbatim]:
        """Views and verbatim objects that name ``key`` (a table, view or object) among their dependencies."""
        return [x for x in (*self.views, *self.verbatim) if key in x.depends_on]

    def base_type(self, t: DataType) -> DataType:
        """``t`` with domains resolved to the type they are based on (other types as they are)."""
        return base_type(t, {d.key: d for d in self.domains}) if t.kind == "domain" else t

    def referencing(self, table: str) -> list[tuple[Table, ForeignKey]]:
        """Every (child table, foreign key) that points at ``table`` (its key)."""
        found = self._find(table)
        key = found.key if found is not None else table
        return [(t, fk) for t in self.tables for fk in t.foreign_keys if fk.ref_table == key]

    def with_table(self, table: Table, position: int | None = None) -> Schema:
        """A new schema with ``table`` added at ``position`` (default: last).

        Checked incrementally, like :meth:`replace_table`: the other tables were valid and adding
        a table changes nothing they point at, so only the new table is checked (the full check per
        added table made a diff from an empty schema quadratic in the number of tables).
        """
        if self._get(table.key) is not None:
            raise ModelError(f"duplicate table {table.key!r}")
        if position is not None and not 0 <= position <= len(self.tables):
            raise ModelError(f"position {position} is outside 0..{len(self.tables)}")
        new = self._sibling()
        added = {table.key: table}
        new._check_table(table, self._type_names(), self._lookup(added))
        table = added[table.key]
        if position is None:
            tables = (*self.tables, table)
        else:
            tables = (*self.tables[:position], table, *self.tables[position:])
        object.__setattr__(new, "tables", tables)
        self._next(new, table.key, table)
        return new

    def _next(self, new: Schema, key: str, table: Table | None) -> None:
        """Give ``new`` (this schema with table ``key`` added as ``table``, or dropped: None) its
        keys: the next generation of this line when this schema is the line's newest and the key
        is new to it; else a line of its own (a copy)."""
        keys = self._keys
        with _EXTEND:  # two threads extending the same newest schema: one extends, one copies
            entry = keys.entries.get(key)
            extend = self._gen == keys.newest and (entry is None if table is not None else entry is not None)
            if extend:
                keys.newest += 1
                keys.entries[key] = ((table, keys.newest, _ALIVE) if table is not None
                                     else (entry[0], entry[1], keys.newest))  # type: ignore[index]
                object.__setattr__(new, "_keys", keys)
                object.__setattr__(new, "_gen", keys.newest)
        if not extend:
            new._own_keys({t.key: t for t in new.tables})

    def _without_table(self, name: str) -> Schema:
        """A new schema without table ``name``, which the caller checked no other table references
        (:class:`~dbmodel_kit.model.ops.DropTable`). Nothing is checked again: removing an
        unreferenced table leaves every other table valid."""
        new = self._sibling()
        gone = self._get(name)
        i = list(map(id, self.tables)).index(id(gone))  # at C speed: a drop per table stays cheap
        object.__setattr__(new, "tables", self.tables[:i] + self.tables[i + 1:])
        self._next(new, name, None)
        return new

    def _sibling(self) -> Schema:
        """An unchecked schema with this one's schema-level fields; the caller sets the tables."""
        new = object.__new__(Schema)
        for f in _SCHEMA_LEVEL:
            object.__setattr__(new, f, getattr(self, f))
        object.__setattr__(new, "_keyed_cache", self.__dict__.get("_keyed_cache") or {})  # same objects
        return new

    def replace_table(self, table: Table, name: str | None = None) -> Schema:
        """A new schema with the table keyed ``name`` (default ``table.key``) replaced, in place.

        Checked incrementally: the other tables were valid and are unchanged, so only the new
        table and the foreign keys that point at it are checked again (the full check of every
        table after every edit was two thirds of a 1,000-table diff). A rename takes the full check.
        """
        old = self.table(name).key if name else table.key
        self.table(old)
        tables = tuple(table if t.key == old else t for t in self.tables)
        if table.key != old or table.partition_by or table.partition_of:
            return replace(self, tables=tables)  # full check (partitions match their table's columns)
        new = self._sibling()
        by_name = {t.key: t for t in self.tables}
        by_name[old] = table
        new._check_table(table, self._type_names(), by_name)
        for q in self.sequences:
            if q.owned_by is not None and q.owned_by[0] == old:
                self._check_owner(q, by_name)
        fixed = by_name[old]
        domains = {d.key: d for d in self.domains} if self.domains else None
        for child in tables:
            if child.key != old and any(fk.ref_table == old for fk in child.foreign_keys):
                for fk in child.foreign_keys:
                    if fk.ref_table == old:
                        self._check_fk(child, fk, by_name, domains)
        object.__setattr__(new, "tables", tuple(fixed if t.key == old else t for t in tables))
        new._own_keys(by_name)
        return new

    def __repr__(self) -> str:
        """Short whatever the size: a schema inside another value's repr (a sample, an advice) or as a
        notebook's plain text stays one line. The whole design is its YAML (``io.dumps(schema, "yaml")``).

        >>> from dbmodel_kit.examples import ecommerce
        >>> ecommerce()
        <Schema 'ecommerce': 5 tables, 2 enums>
        """
        parts = [f"{len(self.tables)} table{'s' if len(self.tables) != 1 else ''}"]
        parts += [f"{len(items)} {what}" for what, items in (("enums", self.enums), ("domains", self.domains),
                                                            ("sequences", self.sequences)) if items]
        return f"<Schema {self.name!r}: {', '.join(parts)}>" if self.name else f"<Schema: {', '.join(parts)}>"

    # Jupyter display: the ERD (core display code lives in dbmodel_kit.erd; no Jupyter import here).
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """SVG + inline HTML + Mermaid Markdown; without Graphviz, the install hint and Mermaid."""
        from ..erd import ERD

        return ERD(self)._repr_mimebundle_(include, exclude)

    def _repr_svg_(self) -> str | None:
        from ..erd import GraphvizNotFound, render_svg

        try:
            return render_svg(self)
        except GraphvizNotFound:
            return None


def _dialect_name(name: str) -> str:
    from .types import dialect_key

    return dialect_key(name)


#: Schema fields beside the tables: everything a schema declares once for all tables.
_SCHEMA_LEVEL = ("enums", "name", "comment", "domains", "sequences", "views", "verbatim")
#: The schema-level fields that hold several objects (a tuple in the value).
_TUPLES = ("enums", "domains", "sequences", "views", "verbatim")
#: the generation a table still alive in a line of schemas dies in
_ALIVE = sys.maxsize
_EXTEND = threading.Lock()


class _Keys:
    """Table key -> table for a line of schemas, each made from the one before it by adding or
    dropping a table (a diff from an empty schema, its reverse): one dict for the whole line, each
    entry with the generations it lives in (``born <= generation < died``), instead of a copy per
    schema. A plan keeps every schema along its steps, so the copies were quadratic memory (140 MB
    of a 2,000-table SQL export). Only the line's newest schema extends it; another derivation, a
    replaced table or a key coming back makes a line of its own."""

    __slots__ = ("entries", "newest")

    def __init__(self, tables: dict[str, Table]) -> None:
        self.entries: dict[str, tuple[Table, int, int]] = {k: (t, 0, _ALIVE) for k, t in tables.items()}
        self.newest = 0


class _Lookup(Mapping[str, Table]):
    """A schema's tables by exact key, with ``extra`` tables over them (what a check of an added
    table reads, and where it puts the table with its foreign keys filled in)."""

    def __init__(self, schema: Schema, extra: dict[str, Table]) -> None:
        self.schema, self.extra = schema, extra

    def __getitem__(self, key: str) -> Table:
        found = self.extra.get(key)
        if found is None:
            found = self.schema._get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __setitem__(self, key: str, table: Table) -> None:
        self.extra[key] = table

    def __iter__(self) -> Iterator[str]:
        yield from (t.key for t in self.schema.tables)
        yield from (k for k in self.extra if self.schema._get(k) is None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _changed_keys(old: tuple[Any, ...], new: tuple[Any, ...]) -> set[str]:
    """Keys of the objects added, removed or changed between two tuples of keyed objects."""
    before = {x.key: x for x in old}
    after = {x.key: x for x in new}
    return {k for k in before.keys() | after.keys()
            if before.get(k) is not after.get(k) and before.get(k) != after.get(k)}


def _names_type(t: DataType, names: set[str]) -> bool:
    """Whether ``t`` (or its array element) is an enum, set or domain named in ``names``."""
    while t.kind == "array" and t.element is not None:
        t = t.element
    if t.kind in ("enum", "set"):
        return t.enum in names
    return t.kind == "domain" and t.domain in names


def base_type(t: DataType, domains: Mapping[str, Domain]) -> DataType:
    """``t`` with a domain resolved (through domains of domains) to its base type."""
    while t.kind == "domain" and t.domain in domains:
        t = domains[t.domain].base  # type: ignore[index]  # checked just above
    return t


def dependency_order(schema: Schema) -> tuple[list[Table], list[tuple[Table, ForeignKey]]]:
    """Tables ordered so each comes after the tables it references, and the FKs that must wait.

    Returns ``(tables, deferred)``: ``deferred`` lists the foreign keys that close a cycle and
    so must be added after every table exists (``ALTER TABLE ... ADD CONSTRAINT``), or are left
    out where an engine cannot add one later. ``deferred`` is a minimal set (see
    :func:`cycle_breakers`): a table that only depends on a cycle waits for it instead of
    having its own keys deferred. Self-references are never deferred. Among ready tables the
    model order is kept, so output is deterministic.

    >>> from dbmodel_kit.model.spec import build_table
    >>> s = Schema((build_table("a", {"id": "integer pk", "b_id": "integer not null references b"}),
    ...             build_table("b", {"id": "integer pk", "a_id": "integer references a"}),
    ...             build_table("c", {"id": "integer pk", "a_id": "integer not null references a"})))
    >>> order, deferred = dependency_order(s)
    >>> [t.name for t in order], [(t.name, fk.ref_table) for t, fk in deferred]
    (['b', 'a', 'c'], [('b', 'a')])
    """
    breakers = cycle_breakers(schema)
    skip = {(t.key, fk.name) for t, fk in breakers}
    waits: dict[str, set[str]] = {
        t.key: {fk.ref_table for fk in t.foreign_keys if fk.ref_table != t.key and (t.key, fk.name) not in skip}
        for t in schema.tables}
    users: dict[str, list[str]] = {t.key: [] for t in schema.tables}
    for name, parents in waits.items():
        for p in parents:
            users[p].append(name)
    rank = {t.key: i for i, t in enumerate(schema.tables)}
    # Kahn's algorithm with a heap on model position: the earliest ready table goes first
    ready = [rank[n] for n, parents in waits.items() if not parents]
    heapq.heapify(ready)
    order: list[Table] = []
    while ready:
        t = schema.tables[heapq.heappop(ready)]
        order.append(t)
        for child in users[t.key]:
            waits[child].discard(t.key)
            if not waits[child]:
                heapq.heappush(ready, rank[child])
    if len(order) != len(schema.tables):  # pragma: no cover - cycle_breakers leaves no cycle
        raise ModelError("internal error: foreign-key cycles left after deferring " + str(len(breakers)) + " keys")
    return order, breakers


#: Largest number of candidate sets tried per cycle group before the exact search gives way to the
#: greedy one (the exact search is over subsets of a group's foreign keys, smallest first).
_EXACT_BUDGET = 20_000


def cycle_breakers(schema: Schema) -> list[tuple[Table, ForeignKey]]:
    """A small set of foreign keys whose removal leaves no cycle between tables (a feedback arc
    set), in model order.

    Each group of tables that reference each other round a cycle (a strongly connected
    component) is handled alone. Within a group the smallest set is searched for exactly, trying
    sets of one key, then two, ...; among sets of one size, keys whose columns are all nullable
    come first (a row can then be inserted before its parent exists), then model order. A group
    too large for the exact search (more than ``_EXACT_BUDGET`` candidate sets) takes the greedy
    ordering of Eades, Lin and Smyth and is then pruned so no key in the set is unneeded.
    """
    fk_of: dict[tuple[str, str], tuple[Table, ForeignKey]] = {}
    edges: dict[str, list[tuple[str, str]]] = {t.key: [] for t in schema.tables}
    for t in schema.tables:
        for fk in t.foreign_keys:
            if fk.ref_table != t.key and fk.ref_table in edges:
                edges[t.key].append((fk.ref_table, fk.name))
                fk_of[(t.key, fk.name)] = (t, fk)
    out: set[tuple[str, str]] = set()
    for group in _strong_components(list(edges), edges):
        if len(group) < 2:
            continue
        members = set(group)
        # candidate keys inside the group: nullable ones first, then model order
        inner = [(t, fk.name) for t in group for (p, fk_name) in edges[t] if p in members
                 for fk in (fk_of[(t, fk_name)][1],)]
        inner.sort(key=lambda e: (not all(fk_of[e][0].column(c).nullable for c in fk_of[e][1].columns),
                                  _model_rank(schema, e)))
        out |= _minimal_breakers(members, edges, inner)
    return [fk_of[e] for e in sorted(out, key=lambda e: _model_rank(schema, e))]


def _model_rank(schema: Schema, edge: tuple[str, str]) -> tuple[int, int]:
    t = schema.table(edge[0])
    return schema.tables.index(t), [fk.name for fk in t.foreign_keys].index(edge[1])


def _strong_components(nodes: list[str], edges: Mapping[str, list[tuple[str, str]]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (a long chain of tables must not
    exhaust the recursion limit); members listed in ``nodes`` order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    position = {n: i for i, n in enumerate(nodes)}
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if i < len(targets):
                work.append((node, i + 1))
                nxt = targets[i][0]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == node:
                        break
                groups.append(sorted(group, key=position.__getitem__))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def _acyclic(members: set[str], edges: Mapping[str, list[tuple[str, str]]], removed: set[tuple[str, str]]) -> bool:
    """Whether the group has no cycle once ``removed`` keys (child, fk name) are taken out."""
    indegree = dict.fromkeys(members, 0)
    for t in members:
        for p, name in edges[t]:
            if p in members and (t, name) not in removed:
                indegree[p] += 1
    todo = [t for t, n in indegree.items() if n == 0]
    seen = 0
    while todo:
        t = todo.pop()
        seen += 1
        for p, name in edges[t]:
            if p in members and (t, name) not in removed:
                indegree[p] -= 1
                if indegree[p] == 0:
                    todo.append(p)
    return seen == len(members)


def _minimal_breakers(members: set[str], edges: Mapping[str, list[tuple[str, str]]],
                      candidates: list[tuple[str, str]]) -> set[tuple[str, str]]:
    # each candidate set costs one pass over the group's keys
    budget = _EXACT_BUDGET * 10 // max(len(candidates), 10)
    tried = 0
    for size in range(1, len(candidates) + 1):
        for combo in itertools.combinations(candidates, size):
            tried += 1
            if tried > budget:
                return _greedy_breakers(members, edges, candidates)
            if _acyclic(members, edges, set(combo)):
                return set(combo)
    return set(candidates)  # pragma: no cover - removing every key always leaves no cycle


def _greedy_breakers(members: set[str], edges: Mapping[str, list[tuple[str, str]]],
                     candidates: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Eades-Lin-Smyth: order the tables (tables referencing nothing left go to the end, tables
    nothing left references to the front, else the one with the largest out-minus-in degree to
    the front); keys pointing backwards in that order break every cycle. Then each is put back,
    in candidate order, where that closes no cycle, so none is unneeded."""
    rank = {e: i for i, e in enumerate(candidates)}
    out_n: dict[str, list[str]] = {t: [] for t in members}
    in_n: dict[str, list[str]] = {t: [] for t in members}
    for t in members:
        for p, _ in edges[t]:
            if p in members:
                out_n[t].append(p)
                in_n[p].append(t)
    left = set(members)
    out_deg = {t: len(v) for t, v in out_n.items()}
    in_deg = {t: len(v) for t, v in in_n.items()}
    head: list[str] = []
    tail: list[str] = []

    def take(t: str) -> None:
        left.discard(t)
        for p in out_n[t]:
            if p in left:
                in_deg[p] -= 1
        for c in in_n[t]:
            if c in left:
                out_deg[c] -= 1

    while left:
        sinks = sorted(t for t in left if out_deg[t] == 0)
        sources = sorted(t for t in left if in_deg[t] == 0 and out_deg[t] > 0)
        if not sinks and not sources:
            t = max(sorted(left), key=lambda t: out_deg[t] - in_deg[t])
            head.append(t)
            take(t)
            continue
        for t in sinks:
            if t in left:
                tail.insert(0, t)
                take(t)
        for t in sources:
            if t in left:
                head.append(t)
                take(t)
    # children come before parents in this order: a key child -> parent pointing back is a breaker
    place = {t: i for i, t in enumerate(head + tail)}
    removed = {(c, name) for c in members for p, name in edges[c] if p in members and place[c] > place[p]}
    for e in sorted(removed, key=lambda e: rank.get(e, len(rank))):
        if _acyclic(members, edges, removed - {e}):
            removed.discard(e)
    return removed
