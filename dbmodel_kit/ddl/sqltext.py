"""SQL expressions (checks, defaults, partial-index predicates) between the model and an engine.

The model keeps expressions in sqlglot's generic dialect. :func:`to_dialect` writes one for an
engine; :func:`normalize` reads what an engine gives back (PostgreSQL adds casts, parentheses and
rewrites ``IN`` as ``= ANY (ARRAY[...])``; MariaDB quotes every column with backticks) into one
canonical text, so the model's text and the catalog's text compare equal when they mean the same.

>>> normalize("((price >= (0)::numeric) AND (price <= (999999)::numeric))", "postgres")
'price >= 0 AND price <= 999999'
>>> normalize("`total` >= 0", "mysql")
'total >= 0'
>>> to_dialect('"order" > 0', "mysql")
'`order` > 0'
"""

from __future__ import annotations

import functools
import re

import sqlglot
from sqlglot import exp
from sqlglot.tokens import Tokenizer

from ..model.schema import canonical_sql

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

#: Atoms never need parentheses around them.
_ATOMS = (exp.Column, exp.Literal, exp.Boolean, exp.Null, exp.Func, exp.Cast, exp.Paren, exp.Array,
          exp.Identifier, exp.Star)
#: Predicates bind tighter than AND / OR, so ``(a = 1) AND b`` is ``a = 1 AND b``.
_PREDICATES = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Like, exp.ILike,
               exp.Between, exp.Not)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Like, exp.ILike,
                exp.Between)
#: Casts an engine adds on its own around columns and arrays (PostgreSQL's ``(method)::text``,
#: ``ARRAY[...]::text[]``); the model never means them.
_IMPLICIT_CASTS = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR,
                   exp.DataType.Type.ARRAY, exp.DataType.Type.NCHAR, exp.DataType.Type.NVARCHAR}
#: Around a literal, any cast to a number or text type is the engine's (``81::double precision``).
_LITERAL_CASTS = _IMPLICIT_CASTS | exp.DataType.NUMERIC_TYPES


@functools.lru_cache(maxsize=4096)
def to_dialect(expression: str, dialect: str) -> str:
    """A model expression (generic SQL) written for sqlglot ``dialect``."""
    return sqlglot.transpile(expression, write=dialect)[0]


@functools.cache
def _preparers() -> tuple:
    from ..dialects import DIALECTS

    return tuple(d.compile_dialect().identifier_preparer for d in DIALECTS.values())


@functools.lru_cache(maxsize=4096)
def quote_needed(name: str) -> bool:
    """Whether an identifier must be quoted in canonical text: not lower-case plain, or a word the
    parser reads as something else (``order``, ``select``, ``date``).

    >>> quote_needed("price"), quote_needed("order"), quote_needed("Price")
    (False, True, True)
    """
    if not _PLAIN.match(name) or name.upper() in Tokenizer.KEYWORDS:
        return True
    # a word reserved on any target engine (SQLAlchemy's per-dialect reserved-word lists)
    if any(p.quote(name) != name for p in _preparers()):
        return True
    try:
        tree = sqlglot.parse_one(f"{name} = 1")
    except sqlglot.errors.ParseError:
        return True
    return not (isinstance(tree, exp.EQ) and isinstance(tree.this, exp.Column) and tree.this.name == name)


def _needless_paren(node: exp.Paren) -> bool:
    inner, parent = node.this, node.parent
    atom = isinstance(inner, _ATOMS) and not isinstance(inner, exp.Connector | exp.Not)  # AND/OR are Funcs
    if atom or parent is None or isinstance(parent, exp.Paren | exp.Any):
        return True
    if isinstance(parent, exp.And):
        return isinstance(inner, (*_PREDICATES, exp.And))
    if isinstance(parent, exp.Or):
        return isinstance(inner, (*_PREDICATES, exp.And, exp.Or))
    if isinstance(parent, exp.Not):  # NOT binds looser than comparisons: NOT (a IS NULL) is NOT a IS NULL
        return isinstance(inner, _COMPARISONS)
    if isinstance(parent, _COMPARISONS):
        return isinstance(inner, exp.Binary) and not isinstance(inner, (*_PREDICATES, exp.Connector))
    return False


def _strip(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Cast):
        inner = node.this.unnest() if isinstance(node.this, exp.Paren) else node.this
        if isinstance(inner, exp.Literal | exp.Neg) and node.to.this in _LITERAL_CASTS:
            if isinstance(inner, exp.Literal) and inner.is_string and node.to.this in exp.DataType.NUMERIC_TYPES \
                    and _NUMBER.match(inner.this):  # PostgreSQL writes -5 as '-5'::integer
                number = exp.Literal.number(inner.this.lstrip("-"))
                return exp.Neg(this=number) if inner.this.startswith("-") else number
            return inner
        if isinstance(inner, exp.Column | exp.Array) and node.to.this in _IMPLICIT_CASTS:
            return inner
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        target = node.expression.this
        target = target.unnest() if isinstance(target, exp.Paren) else target
        if isinstance(target, exp.Array):
            return exp.In(this=node.this, expressions=list(target.expressions))
    if isinstance(node, exp.Identifier):
        node.set("quoted", quote_needed(node.name))
    return node


@functools.lru_cache(maxsize=4096)
def normalize(sql: str, dialect: str | None = None) -> str:
    """Canonical generic text of ``sql`` as read in ``dialect``: engine-added casts and needless
    parentheses removed, ``= ANY (ARRAY[...])`` back to ``IN (...)``, identifiers quoted only where
    needed. Model expressions go through it too (``storable``), so both sides compare equal."""
    tree = sqlglot.parse_one(sql, read=dialect)
    for _ in range(8):  # each pass may expose a cast or parenthesis the previous one hid
        before = tree.sql()
        tree = tree.transform(_strip)
        for paren in list(tree.find_all(exp.Paren)):
            if _needless_paren(paren):
                if paren is tree:
                    tree = paren.this
                    tree.pop()
                else:
                    paren.replace(paren.this)
        if tree.sql() == before:
            break
    return canonical_sql(tree.sql())
