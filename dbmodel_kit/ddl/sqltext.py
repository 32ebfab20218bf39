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
from sqlglot import tokens as tokens_module
from sqlglot.tokens import Tokenizer

from ..model.schema import canonical_sql, read_expression

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

@functools.lru_cache(maxsize=4096)
def to_dialect(expression: str, dialect: str) -> str:
    """A model expression (generic SQL) written for sqlglot ``dialect``.

    >>> to_dialect("REGEXP_I_LIKE(email, '^a')", "mysql")
    "(email REGEXP '(?i)^a')"
    """
    rules = WRITE_RULES.get(dialect)
    if not rules:
        return sqlglot.transpile(expression, write=dialect)[0]
    tree = sqlglot.parse_one(expression)
    for rule in rules:
        tree = tree.transform(functools.partial(rule, dialect=dialect))
    return tree.sql(dialect)


def _regexp_operator(node: exp.Expression, dialect: str) -> exp.Expression:
    """``a REGEXP 'p'`` for a regular-expression match: MariaDB has no REGEXP_LIKE function (MySQL 8
    has both), and the operator follows the column's collation, so the case rule rides in the
    pattern as a flag both engines' regex libraries (PCRE, ICU) read: ``(?i)`` or ``(?-i)``."""
    if not isinstance(node, exp.RegexpLike | exp.RegexpILike):
        return node
    flag = "(?i)" if isinstance(node, exp.RegexpILike) or (
        isinstance(node.args.get("flag"), exp.Literal) and "i" in node.args["flag"].this) else "(?-i)"
    pattern = node.expression
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        pattern = exp.Literal.string(flag + pattern.this)
    else:
        pattern = exp.func("CONCAT", exp.Literal.string(flag), pattern)
    # sqlglot has no node for the infix operator: the two operands are written by sqlglot
    return exp.Paren(this=exp.var(f"{node.this.sql(dialect)} REGEXP {pattern.sql(dialect)}"))


#: Rewrites for one engine, run on the tree before it is written (sqlglot writes it otherwise).
WRITE_RULES: dict[str, tuple] = {"mysql": (_regexp_operator,)}


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


# -- rewrites that keep the meaning ------------------------------------------------------------
# Each takes one node and returns it or its replacement; they run bottom-up over the whole tree
# (sqlglot's ``transform``), in the order of NORMALIZE_RULES, until nothing changes.

#: Casts an engine adds on its own around columns and arrays (PostgreSQL's ``(method)::text``,
#: ``ARRAY[...]::text[]``); the model never means them.
_TEXT_CASTS = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR,
               exp.DataType.Type.ARRAY, exp.DataType.Type.NCHAR, exp.DataType.Type.NVARCHAR}

#: Logical numeric kinds by how wide they are: an engine casts a column only up this ladder
#: (PostgreSQL: ``(stars)::integer`` for a smallint in integer arithmetic, ``(qty)::numeric`` beside
#: a decimal literal), so such a cast changes no value.
_WIDTH = {"smallint": 1, "integer": 2, "bigint": 3, "decimal": 4, "real": 5, "double": 6}
_CAST_KIND = {exp.DataType.Type.SMALLINT: "smallint", exp.DataType.Type.INT: "integer",
              exp.DataType.Type.BIGINT: "bigint", exp.DataType.Type.DECIMAL: "decimal",
              exp.DataType.Type.FLOAT: "real", exp.DataType.Type.DOUBLE: "double"}


def _engine_cast(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """A cast the engine added: around a literal (``'2030-01-01'::date``, ``(0)::numeric``,
    PostgreSQL's ``'-5'::integer``), to text around a column or an array, or a widening numeric
    cast around a column whose kind is known."""
    if not isinstance(node, exp.Cast):
        return node
    inner = node.this.unnest() if isinstance(node.this, exp.Paren) else node.this
    target = node.to.this
    if isinstance(inner, exp.Literal | exp.Neg) and (not isinstance(inner, exp.Neg)
                                                     or isinstance(inner.this, exp.Literal)):
        if isinstance(inner, exp.Literal) and inner.is_string and target in exp.DataType.NUMERIC_TYPES \
                and _NUMBER.match(inner.this):  # PostgreSQL writes -5 as '-5'::integer
            number = exp.Literal.number(inner.this.lstrip("-"))
            return exp.Neg(this=number) if inner.this.startswith("-") else number
        return inner
    if isinstance(inner, exp.Column | exp.Array) and target in _TEXT_CASTS:
        return inner
    if isinstance(inner, exp.Column) and inner.name in kinds and target in _CAST_KIND:
        have, want = _WIDTH.get(kinds[inner.name]), _WIDTH[_CAST_KIND[target]]
        if have is not None and have <= want:
            return inner
    return node


def _any_array(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """``x = ANY (ARRAY[a, b])`` (PostgreSQL's spelling of IN) is ``x IN (a, b)``."""
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        target = node.expression.this
        target = target.unnest() if isinstance(target, exp.Paren) else target
        if isinstance(target, exp.Array):
            return exp.In(this=node.this, expressions=list(target.expressions))
    return node


def _between(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """``x BETWEEN a AND b`` is ``x >= a AND x <= b`` (PostgreSQL stores the latter)."""
    if isinstance(node, exp.Between) and not node.args.get("symmetric"):
        x = node.this
        return exp.And(this=exp.GTE(this=x.copy(), expression=node.args["low"]),
                       expression=exp.LTE(this=x.copy(), expression=node.args["high"]))
    return node


#: NOT of a comparison is the opposite comparison, also for NULLs (both are unknown then).
_OPPOSITE: dict[type[exp.Expression], type[exp.Expression]] = {
    exp.EQ: exp.NEQ, exp.NEQ: exp.EQ, exp.GT: exp.LTE, exp.LTE: exp.GT, exp.LT: exp.GTE, exp.GTE: exp.LT}


def _not(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """``NOT a = b`` is ``a <> b`` (MariaDB stores the latter); ``NOT NOT x`` is ``x``."""
    if not isinstance(node, exp.Not):
        return node
    inner = node.this.unnest() if isinstance(node.this, exp.Paren) else node.this
    if type(inner) in _OPPOSITE:
        return _OPPOSITE[type(inner)](this=inner.this, expression=inner.expression)
    if isinstance(inner, exp.Not):
        return inner.this.unnest() if isinstance(inner.this, exp.Paren) else inner.this
    return node


def _nonzero(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and node.is_number and float(node.this) != 0


def _nullif_literal(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """``NULLIF(2, 0)`` is ``2``: sqlglot writes ``x % 2`` as ``x % NULLIF(2, 0)`` for SQLite and
    MySQL, and reads that back as a "safe" modulo, which it would write with the NULLIF again."""
    if isinstance(node, exp.Nullif) and _nonzero(node.this) and isinstance(node.expression, exp.Literal) \
            and node.expression.is_number and float(node.this.this) != float(node.expression.this):
        return node.this
    if isinstance(node, exp.Mod | exp.Div) and node.args.get("safe") and _nonzero(node.expression):
        node.set("safe", None)
    return node


def _escape_string(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """PostgreSQL's ``E'...'`` (sqlglot reads it as a byte string, escapes already decoded) is an
    ordinary string; the generic dialect would print it empty."""
    return exp.Literal.string(node.this) if isinstance(node, exp.ByteString) else node


def _negated(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """``x NOT LIKE p`` (MariaDB's spelling, sqlglot's negated LIKE) is ``NOT x LIKE p``."""
    if isinstance(node, exp.Like | exp.ILike) and node.args.get("negate"):
        positive = node.copy()
        positive.set("negate", None)
        return exp.Not(this=positive)
    return node


def _regexp_flag(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    """A pattern carrying the case rule as a flag (``REGEXP '(?-i)p'``, as :func:`_regexp_operator`
    writes it for MySQL/MariaDB) is the plain match (``(?i)``: the case-insensitive one)."""
    if isinstance(node, exp.RegexpLike) and isinstance(node.expression, exp.Literal) and node.expression.is_string:
        text = node.expression.this
        for flag, kind in (("(?-i)", exp.RegexpLike), ("(?i)", exp.RegexpILike)):
            if text.startswith(flag):
                return kind(this=node.this, expression=exp.Literal.string(text[len(flag):]))
    return node


def _identifier(node: exp.Expression, kinds: dict[str, str]) -> exp.Expression:
    if isinstance(node, exp.Identifier):
        node.set("quoted", quote_needed(node.name))
    return node


NORMALIZE_RULES = (_escape_string, _engine_cast, _any_array, _between, _negated, _not, _regexp_flag, _nullif_literal,
                   _identifier)


# -- parentheses: none but those the precedence of the operators needs --------------------------

#: How tightly an operator binds (higher: tighter); anything not listed is an atom.
_PRECEDENCE: dict[type[exp.Expression], int] = {
    exp.Or: 1, exp.And: 2, exp.Not: 3,
    **dict.fromkeys((exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Like, exp.ILike,
                     exp.Between, exp.SimilarTo, exp.NullSafeEQ, exp.NullSafeNEQ, exp.RegexpLike,
                     exp.RegexpILike), 4),
    exp.DPipe: 5, exp.BitwiseOr: 5, exp.BitwiseAnd: 5, exp.BitwiseXor: 5, exp.BitwiseLeftShift: 5,
    exp.BitwiseRightShift: 5,
    exp.Add: 6, exp.Sub: 6,
    exp.Mul: 7, exp.Div: 7, exp.Mod: 7, exp.IntDiv: 7,
    exp.Neg: 8, exp.BitwiseNot: 8,
}
_ATOM = 9


def _precedence(node: exp.Expression) -> int:
    return _PRECEDENCE.get(type(node), _ATOM)


def _needs_paren(parent: exp.Expression, key: str, child: exp.Expression) -> bool:
    """Whether ``child``, the ``key`` argument of ``parent``, must be in parentheses to keep the
    tree's meaning when printed."""
    mine, theirs = _precedence(child), _precedence(parent)
    if theirs == _ATOM or mine == _ATOM or key not in ("this", "expression", "low", "high"):
        return False  # function arguments, CASE branches, IN lists, casts: delimited already
    if mine != theirs:
        return mine < theirs
    if theirs == 4:  # a = b = c, a IS NULL IS NULL: say which is meant
        return True
    # same level: AND and OR are associative; elsewhere only the left operand goes bare
    return key != "this" and not isinstance(parent, exp.And | exp.Or)


def _reparenthesize(tree: exp.Expression) -> exp.Expression:
    while isinstance(tree, exp.Paren):
        tree = tree.this.pop()
    for paren in list(tree.find_all(exp.Paren)):
        paren.replace(paren.this)
    for node in list(tree.walk()):
        for key in ("this", "expression", "low", "high"):
            child = node.args.get(key)
            if isinstance(child, exp.Expression) and _needs_paren(node, key, child):
                node.set(key, exp.Paren(this=child))
    return tree


@functools.lru_cache(maxsize=4096)
def normalize(sql: str, dialect: str | None = None, columns: tuple[tuple[str, str], ...] = ()) -> str:
    """Canonical generic text of ``sql`` as read in ``dialect``, equal for two texts that mean the
    same in the forms engines give back: engine-added casts, ``= ANY (ARRAY[...])`` for ``IN``,
    ``BETWEEN`` as a range, ``NOT a = b`` as ``a <> b``, parentheses only where precedence needs
    them, identifiers quoted only where needed. ``columns`` gives the logical kind of the columns
    (``(("stars", "smallint"), ...)``) so a widening cast of one (``(stars)::integer``) can go.

    Model expressions go through it too (``storable``), so both sides compare equal.

    >>> normalize("((stars >= 1) AND (stars <= 5))", "postgres") == normalize("stars BETWEEN 1 AND 5")
    True
    >>> normalize("((stars)::integer % 2) = 0", "postgres", (("stars", "smallint"),))
    'stars % 2 = 0'
    """
    kinds = dict(columns)
    tree = read_expression(sql, dialect).transform(functools.partial(_escape_string, kinds=kinds))
    for _ in range(8):  # a rewrite may expose another (a cast inside a NOT inside parentheses)
        before = tree.sql()
        tree = _reparenthesize(tree)
        for rule in NORMALIZE_RULES:
            tree = tree.transform(functools.partial(rule, kinds=kinds))
        if tree.sql() == before:
            break
    return canonical_sql(_reparenthesize(tree).sql())


@functools.lru_cache(maxsize=4096)
def booleans_as_numbers(sql: str) -> str:
    """``sql`` (canonical text) with TRUE and FALSE written 1 and 0, as MariaDB keeps them (it
    has no boolean type: ``ELSE TRUE`` in a CHECK reads back as ``ELSE 1``).

    >>> booleans_as_numbers("CASE WHEN a > 3 THEN b = 'x' ELSE TRUE END")
    "CASE WHEN a > 3 THEN b = 'x' ELSE 1 END"
    """
    tree = sqlglot.parse_one(sql).transform(
        lambda n: exp.Literal.number(1 if n.this else 0) if isinstance(n, exp.Boolean) else n)
    return canonical_sql(tree.sql())


# -- views and verbatim objects: the same object whatever spelling the engine gives back ---------

def _flatten_joins(node: exp.Expression) -> exp.Expression:
    """``FROM ((a JOIN b ON x) JOIN c ON y)`` (MySQL and DuckDB store left-deep joins so) is
    ``FROM a JOIN b ON x JOIN c ON y``: an unaliased parenthesized join chain on the left of a FROM
    is the chain itself."""
    if not isinstance(node, exp.From):
        return node
    inner = node.this
    joins: list[exp.Expression] = []
    unwrapped = False
    while isinstance(inner, exp.Subquery) and not inner.alias and isinstance(inner.this, exp.Table | exp.Subquery):
        joins = list(inner.args.get("joins") or []) + joins
        inner = inner.this
        unwrapped = True
    if unwrapped and isinstance(inner, exp.Table):
        inner.set("joins", list(inner.args.get("joins") or []) + joins)
        node.set("this", inner)
    return node


def _plain_join(node: exp.Expression) -> exp.Expression:
    """``INNER JOIN`` is ``JOIN``."""
    if isinstance(node, exp.Join) and (node.args.get("kind") or "").upper() == "INNER":
        node.set("kind", None)
    return node


def _searched_case(node: exp.Expression) -> exp.Expression:
    """``CASE x WHEN v THEN ...`` is ``CASE WHEN x = v THEN ...`` (DuckDB stores a view's simple CASE
    that way: Sakila's nicer_but_slower_film_list, whose SUBSTRING sqlglot writes with one)."""
    if isinstance(node, exp.Case) and node.args.get("this") is not None:
        operand = node.args["this"]
        for branch in node.args.get("ifs") or []:
            branch.set("this", exp.EQ(this=operand.copy(), expression=branch.this))
        node.set("this", None)
    return node


def _same_name_alias(node: exp.Expression) -> exp.Expression:
    """``t.title AS title`` is ``t.title`` (MySQL names every column of a stored view); ``city AS city``
    is ``city`` (a table aliased by its own name: PostgreSQL drops the alias of Sakila's views, which
    the transpiled text keeps)."""
    if isinstance(node, exp.Alias) and isinstance(node.this, exp.Column) \
            and node.alias.lower() == node.this.name.lower():
        return node.this
    if isinstance(node, exp.Table) and isinstance(node.args.get("alias"), exp.TableAlias) \
            and not node.args["alias"].columns and node.alias == node.name:
        node.set("alias", None)
    return node


def _no_introducer(node: exp.Expression) -> exp.Expression:
    """``_utf8' '`` is ``' '``: MariaDB drops (or renames: utf8 -> utf8mb3) a literal's character set."""
    return node.expression if isinstance(node, exp.Introducer) else node


def _boolean_number(node: exp.Expression) -> exp.Expression:
    """``TRUE`` is ``1`` (MariaDB and MySQL store booleans as numbers)."""
    return exp.Literal.number(1 if node.this else 0) if isinstance(node, exp.Boolean) else node


def _ascending(node: exp.Expression) -> exp.Expression:
    """``ORDER BY x ASC`` is ``ORDER BY x``."""
    if isinstance(node, exp.Ordered) and node.args.get("desc") is False:
        node.set("desc", None)
    return node


#: Functions one engine spells two ways; the second name is the one kept (MySQL's LENGTH counts
#: bytes, as OCTET_LENGTH does: https://dev.mysql.com/doc/refman/8.0/en/string-functions.html).
_SYNONYMS: dict[str, dict[str, str]] = {"mysql": {"OCTET_LENGTH": "LENGTH", "UCASE": "UPPER", "LCASE": "LOWER",
                                                  "SUBSTR": "SUBSTRING", "CHARACTER_LENGTH": "CHAR_LENGTH"}}


def _order_by_alias(tree: exp.Expression) -> None:
    """``ORDER BY total`` naming a column of the SELECT is ``ORDER BY <its expression>`` (MySQL
    stores the expression)."""
    for select in tree.find_all(exp.Select):
        order = select.args.get("order")
        if order is None:
            continue
        aliases = {e.alias.lower(): e.this for e in select.expressions if isinstance(e, exp.Alias)}
        for ordered in order.expressions:
            col = ordered.this
            if isinstance(col, exp.Column) and not col.table and col.name.lower() in aliases \
                    and not isinstance(aliases[col.name.lower()], exp.Column):
                col.replace(aliases[col.name.lower()].copy())


def _one_table_columns(tree: exp.Expression) -> None:
    """``SELECT item.id FROM item`` is ``SELECT id FROM item``: in a SELECT reading one table, its
    columns need no table name (MySQL adds it to every column of a stored view)."""
    for select in tree.find_all(exp.Select):
        source = select.args.get("from_") or select.args.get("from")
        if source is None or not isinstance(source.this, exp.Table) or source.this.args.get("joins") \
                or select.args.get("joins"):
            continue
        name = source.this.alias_or_name.lower()
        for col in select.find_all(exp.Column):
            if col.find_ancestor(exp.Select) is select and col.table.lower() == name and not col.args.get("db"):
                col.set("table", None)


def _fold_names(tree: exp.Expression, dialect: str | None) -> None:
    """Identifiers in lower case where the engine matches names so (MySQL columns, SQLite, DuckDB)."""
    if dialect in ("mysql", "sqlite", "duckdb"):
        for ident in tree.find_all(exp.Identifier):
            ident.set("this", ident.name.lower())


#: The namespace an engine reads unqualified names from, by sqlglot dialect: PostgreSQL writes a
#: view's tables and functions back without it (pg_dump writes them with it), the model's unnamed one.
_DEFAULT_NAMESPACE = {"postgres": "public"}


def _unqualify(tree: exp.Expression, default: str) -> bool:
    """Drop the default namespace from table and function names in ``tree`` (in place); whether any was."""
    found = False
    for t in list(tree.find_all(exp.Table)):
        if t.db == default and not t.catalog:
            t.set("db", None)
            found = True
    for dot in list(tree.find_all(exp.Dot)):
        if isinstance(dot.this, exp.Identifier) and dot.this.name == default and isinstance(dot.expression, exp.Func):
            dot.replace(dot.expression)
            found = True
    return found


@functools.lru_cache(maxsize=4096)
def query_meaning(query: str, dialect: str | None = None) -> str:
    """Canonical text of a view's query as read in sqlglot ``dialect``: equal for the query as
    written and as the engine stores it (MySQL's ``information_schema.VIEWS``, DuckDB's
    ``duckdb_views()``): joins out of their parentheses, ``INNER`` and ``ASC`` dropped, a column
    aliased by its own name, ``ORDER BY`` an output column, character-set introducers, function
    synonyms, identifier case where names are case-insensitive, and the forms :func:`normalize`
    reads. A query sqlglot cannot read is compared by its words (whitespace aside).

    >>> query_meaning("select `t`.`a` AS `a` from (`t` join `u` on(`t`.`id` = `u`.`id`))", "mysql") == \\
    ...     query_meaning("SELECT t.a FROM t INNER JOIN u ON t.id = u.id", "mysql")
    True
    """
    try:
        tree = sqlglot.parse_one(query, read=dialect)
    except sqlglot.errors.SqlglotError:
        return " ".join(query.split())
    while isinstance(tree, exp.Subquery) and not tree.alias:  # (SELECT ...): DuckDB's export writes one so
        tree = tree.this
    synonyms = _SYNONYMS.get(dialect or "", {})

    extra = (_boolean_number,) if dialect == "mysql" else ()

    def rules(node: exp.Expression) -> exp.Expression:
        for rule in (_flatten_joins, _plain_join, _searched_case, _same_name_alias, _no_introducer, _ascending,
                     *extra):
            node = rule(node)
        if isinstance(node, exp.Anonymous) and str(node.this).upper() in synonyms:
            node.set("this", synonyms[str(node.this).upper()])
        return node

    tree = tree.transform(rules)
    default = _DEFAULT_NAMESPACE.get(dialect or "")
    if default is not None and _unqualify(tree, default):  # (re-read: group_concat(...) is sqlglot's own node)
        tree = sqlglot.parse_one(tree.sql(dialect), read=dialect)
    _order_by_alias(tree)
    _one_table_columns(tree)
    _fold_names(tree, dialect)
    if synonyms:  # sqlglot's own node for a synonym's kept name (LENGTH is exp.Length)
        tree = sqlglot.parse_one(tree.sql(dialect), read=dialect)
    tree = _reparenthesize(tree)
    for rule in NORMALIZE_RULES:
        tree = tree.transform(functools.partial(rule, kinds={}))
    return _reparenthesize(tree).sql()


#: MySQL's ``DEFINER = user@host`` (or CURRENT_USER): who the object runs as, which the kit leaves to
#: the connecting user (as it does ownership).
DEFINER = re.compile(r"""\bDEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|(?:`[^`]*`|'[^']*'|"[^"]*"|[\w.$%-]+)"""
                     r"""(?:\s*@\s*(?:`[^`]*`|'[^']*'|"[^"]*"|[\w.$%-]+))?)\s*""", re.I)
#: What ends the type after a MySQL function's RETURNS.
_ROUTINE_WORDS = frozenset({"LANGUAGE", "NOT", "DETERMINISTIC", "CONTAINS", "NO", "READS", "MODIFIES", "SQL",
                            "COMMENT", "BEGIN", "RETURN", "SET", "SELECT", "IF", "CASE", "DECLARE", "WHILE",
                            "LOOP", "REPEAT", "INSERT", "UPDATE", "DELETE", "CALL"})
_MYSQL_TYPE_WORDS = {"integer": "int", "bool": "tinyint(1)", "boolean": "tinyint(1)", "dec": "decimal",
                     "numeric": "decimal", "fixed": "decimal", "double precision": "double", "real": "double"}


def _mysql_returns(words: list[str]) -> list[str]:
    """A MySQL function's return type as SHOW CREATE FUNCTION writes it: integer display widths
    and the character set and collation it adds aside, synonyms as one name."""
    text = " ".join(words).lower()
    text = re.sub(r"\s*\b(?:charset|character\s+set|collate)\s+\S+", "", text)
    text = re.sub(r"\s*\(\s*", "(", re.sub(r"\s*\)", ")", re.sub(r"\s*,\s*", ",", text)))
    text = _MYSQL_TYPE_WORDS.get(text, text)
    text = re.sub(r"^(tinyint|smallint|mediumint|int|bigint)\((\d+)\)", lambda m: m.group(0) if (
        m.group(1), m.group(2)) == ("tinyint", "1") else m.group(1), text)
    return [text]


@functools.lru_cache(maxsize=1024)
def object_meaning(sql: str, dialect: str | None = None) -> tuple[str, ...]:
    """The words of a verbatim object's SQL (a trigger, routine, event, virtual table) as tokens of
    sqlglot ``dialect``, equal for the text as written and as the engine gives it back: comments,
    whitespace, identifier quoting and keyword case aside, MySQL's ``DEFINER`` clause left out
    (the kit creates objects as the connecting user), a MySQL function's return type as the
    engine writes it (``BOOLEAN`` is ``tinyint(1)``) and PostgreSQL's ``public.`` (the schema it
    names every object by on the way back, the model's unnamed one) left out.

    >>> object_meaning("CREATE DEFINER=`root`@`%` TRIGGER `t` AFTER INSERT ON `a` FOR EACH ROW SET @x = 1", \\
    ...     "mysql") == object_meaning("create trigger t after insert on a for each row  -- x\\n set @x = 1", "mysql")
    True
    >>> object_meaning("CREATE TRIGGER t BEFORE INSERT ON public.a FOR EACH ROW EXECUTE FUNCTION public.f()",
    ...     "postgres") == object_meaning("CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION f()",
    ...                                   "postgres")
    True
    """
    text = DEFINER.sub("", sql, count=1) if dialect == "mysql" else sql
    macro = _MACRO.match(text) if dialect == "duckdb" else None
    if macro is not None:
        return _macro_meaning(macro)
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(text)
    except sqlglot.errors.SqlglotError:
        return tuple(text.split())
    words: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.token_type in (tokens_module.TokenType.STRING, tokens_module.TokenType.NATIONAL_STRING):
            words.append(repr(tok.text))
        else:
            words.append(tok.text if tok.token_type == tokens_module.TokenType.IDENTIFIER and dialect == "postgres"
                         else tok.text.lower())
        i += 1
        if dialect == "mysql" and tok.text.upper() == "RETURNS" and i < len(tokens) \
                and "FUNCTION" in (w.upper() for w in words[:6]):
            j = i
            while j < len(tokens) and tokens[j].text.upper() not in _ROUTINE_WORDS:
                j += 1
            words.extend(_mysql_returns([t.text for t in tokens[i:j]]))
            i = j
    while words and words[-1] == ";":
        words.pop()
    if dialect == "postgres":
        # PostgreSQL gives names back qualified by their schema: public is the model's unnamed one
        words = [w for k, w in enumerate(words) if not (w == "public" and words[k + 1:k + 2] == ["."]
                                                        and words[k - 1:k] != ["."])
                 and not (w == "." and words[k - 1:k] == ["public"] and words[k - 2:k - 1] != ["."])]
    if dialect == "mysql" and {"function", "procedure"} & set(words[:6]):
        words = _without_defaults(words)
    if dialect == "mysql" and "event" in words[:4] and "do" in words:
        words = _event_head(words)
    header = words[:8]
    for filler in (("if", "not", "exists"), ("or", "replace")):  # as SQLite stores the statement
        for k in range(len(header) - len(filler) + 1):
            if tuple(header[k:k + len(filler)]) == filler:
                words = words[:k] + words[k + len(filler):]
                break
    return tuple(words)


def _event_head(words: list[str]) -> list[str]:
    """A MySQL event's words as SHOW CREATE EVENT gives them back: without ``STARTS <time>`` (the
    engine sets it to when the event was made when none is given), ``ON COMPLETION NOT PRESERVE`` and
    ``ENABLE`` (the defaults)."""
    do = words.index("do")
    head, out, i = words[:do], [], 0
    while i < len(head):
        if head[i] == "starts" and i + 1 < len(head):
            i += 2
            continue
        if head[i:i + 4] == ["on", "completion", "not", "preserve"]:
            i += 4
            continue
        if head[i] == "enable":
            i += 1
            continue
        out.append(head[i])
        i += 1
    return out + words[do:]


#: DuckDB's ``CREATE [OR REPLACE] [TEMP] MACRO|FUNCTION name(params) AS [TABLE] body``
_MACRO = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:MACRO|FUNCTION)\s+(?P<name>[^\s(]+)\s*"
                    r"\((?P<params>[^)]*)\)\s*AS\s+(?P<table>TABLE\s+)?(?P<body>.*?)\s*;?\s*$", re.I | re.S)


def _macro_meaning(m: re.Match[str]) -> tuple[str, ...]:
    """A DuckDB macro as ``duckdb_functions()`` gives it back: its name, its parameters' names (their
    defaults are not in the catalog) and its body's meaning (DuckDB adds parentheses)."""
    params = tuple(p.split(":=")[0].split()[0].strip('"').lower() for p in m.group("params").split(",") if p.strip())
    body = m.group("body")
    try:
        meaning = query_meaning(body, "duckdb") if m.group("table") else normalize(body, "duckdb")
    except sqlglot.errors.SqlglotError:
        meaning = " ".join(body.split())
    return ("macro", m.group("name").strip('"').lower(), *params, "table" if m.group("table") else "scalar", meaning)


#: A MySQL routine's characteristics (https://dev.mysql.com/doc/refman/8.0/en/create-procedure.html),
#: with those SHOW CREATE leaves out as the defaults (None)
_CHARACTERISTICS: dict[tuple[str, ...], bool] = {
    ("language", "sql"): False, ("not", "deterministic"): False, ("contains", "sql"): False,
    ("sql security", "definer"): False, ("sql", "security", "definer"): False, ("deterministic",): True,
    ("no", "sql"): True, ("reads", "sql", "data"): True, ("modifies", "sql", "data"): True,
    ("sql security", "invoker"): True, ("sql", "security", "invoker"): True,
}


def _without_defaults(words: list[str]) -> list[str]:
    """A MySQL routine's words with its characteristics in one order and the defaults left out (SHOW
    CREATE writes them in its own order, without the defaults)."""
    if "(" not in words:
        return words
    i, depth = words.index("("), 0
    while i < len(words):
        depth += {"(": 1, ")": -1}.get(words[i], 0)
        i += 1
        if depth == 0:
            break
    if i < len(words) and words[i] == "returns":
        i += 2
    groups: list[tuple[str, ...]] = []
    j = i
    while j < len(words):
        for seq, kept in sorted(_CHARACTERISTICS.items(), key=lambda kv: -len(kv[0])):
            if tuple(words[j:j + len(seq)]) == seq:
                if kept:
                    groups.append(seq)
                j += len(seq)
                break
        else:
            if words[j] == "comment" and j + 1 < len(words):
                groups.append(tuple(words[j:j + 2]))
                j += 2
                continue
            break
    return words[:i] + [w for g in sorted(groups) for w in g] + words[j:]
