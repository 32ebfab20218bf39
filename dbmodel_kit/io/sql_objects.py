"""Views and verbatim objects in SQL text: shared by the SQL import and reflection, so a dump and the
database it made give the same model objects.

- :func:`split_view`: a ``CREATE VIEW`` statement's name, column list, options and query, the query
  kept as written (its layout and comments included) for its own dialect.
- :func:`object_head`: what a ``CREATE TRIGGER / FUNCTION / PROCEDURE / EVENT / VIRTUAL TABLE /
  MACRO`` statement makes: its kind, name and (a trigger) its table.
- :func:`mentioned`: the tables and views of the schema a statement names (a view's or trigger's
  dependencies, found by its words where sqlglot cannot read a body).
- :func:`without_qualifier`: the text with one database's qualifier taken off its names (a MySQL
  dump's ``sakila.film`` is the model's own ``film``).
- :data:`SHADOW_SUFFIXES`: the tables SQLite's virtual-table modules make for themselves.

Tokens come from sqlglot's tokenizer for the dialect (strings, quoted names and comments as the
engine reads them); the statements themselves are not parsed, as sqlglot reads no procedural
bodies (MySQL ``BEGIN ... END``, PL/pgSQL).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

from ..ddl.sqltext import DEFINER
from ..errors import ModelError

__all__ = ["SHADOW_SUFFIXES", "ObjectHead", "ViewParts", "mentioned", "object_head", "shadow_tables",
           "split_view", "tokens", "without_qualifier"]

#: Words between CREATE and VIEW (``CREATE OR REPLACE ALGORITHM=MERGE DEFINER=x SQL SECURITY
#: INVOKER VIEW``, ``CREATE TEMP VIEW``, ``CREATE MATERIALIZED VIEW``).
_VIEW_MODIFIERS = frozenset({"OR", "REPLACE", "TEMP", "TEMPORARY", "ALGORITHM", "UNDEFINED", "MERGE", "TEMPTABLE",
                             "DEFINER", "SQL", "SECURITY", "INVOKER", "RECURSIVE", "MATERIALIZED", "=", "@"})
#: MySQL's DEFINER clause (one reading, shared with the comparison of objects)
_DEFINER = DEFINER
_CHECK_OPTION = re.compile(r"\s+WITH\s+(?:(CASCADED|LOCAL)\s+)?CHECK\s+OPTION\s*;?\s*$", re.I)

#: Shadow tables each SQLite virtual-table module makes as ``<table>_<suffix>``
#: (https://sqlite.org/fts5.html#fts5_table_creation_and_initialization, https://sqlite.org/fts3.html
#: section 9 "Data Structures", https://sqlite.org/rtree.html section 3.1).
SHADOW_SUFFIXES: dict[str, tuple[str, ...]] = {
    "fts5": ("data", "idx", "content", "docsize", "config"),
    "fts4": ("content", "segments", "segdir", "docsize", "stat"),
    "fts3": ("content", "segments", "segdir", "docsize", "stat"),
    "rtree": ("node", "parent", "rowid"),
    "rtree_i32": ("node", "parent", "rowid"),
    "geopoly": ("node", "parent", "rowid"),
}
_USING = re.compile(r"\bUSING\s+(\w+)", re.I)


def tokens(code: str, dialect: str) -> list[Token]:
    """sqlglot's tokens of ``code`` in ``dialect`` (sqlglot's dialect name)."""
    try:
        return sqlglot.Dialect.get_or_raise(dialect).tokenize(code)
    except SqlglotError as e:
        raise ModelError(f"SQL syntax error: {e}") from None


def _word(tok: Token) -> str:
    return "" if tok.token_type in (TokenType.IDENTIFIER, TokenType.STRING) else tok.text.upper()


def _name_at(toks: list[Token], i: int) -> tuple[list[str], int]:
    """The dotted name starting at token ``i``: its parts and the index after it."""
    parts = [toks[i].text]
    i += 1
    while i + 1 < len(toks) and toks[i].token_type == TokenType.DOT:
        parts.append(toks[i + 1].text)
        i += 2
    return parts, i


def _parts(parts: list[str]) -> tuple[str | None, str]:
    return (parts[-2] if len(parts) > 1 else None), parts[-1]


def _fold(tok: Token, fold: Callable[[str], str]) -> str:
    """A name as the engine matches it: a quoted one as written, an unquoted one folded."""
    return tok.text if tok.token_type == TokenType.IDENTIFIER else fold(tok.text)


@dataclass(frozen=True)
class ViewParts:
    schema: str | None
    name: str
    columns: tuple[str, ...]
    query: str
    materialized: bool
    replace: bool
    #: MySQL ``SQL SECURITY INVOKER`` / PostgreSQL ``security_invoker``: the view reads with the
    #: rights of whoever queries it
    security_invoker: bool
    #: ``WITH [CASCADED | LOCAL] CHECK OPTION``: ``cascaded``, ``local`` or None
    check_option: str | None
    if_not_exists: bool
    #: the token of the name (whether it was quoted)
    name_token: Token


def split_view(code: str, dialect: str, fold: Callable[[str], str] = str) -> ViewParts:
    """The parts of ``CREATE [OR REPLACE] [modifiers] [MATERIALIZED] VIEW [IF NOT EXISTS] name
    [(columns)] AS query [WITH CHECK OPTION]``; ``fold`` folds unquoted names (PostgreSQL).

    >>> p = split_view("CREATE DEFINER=`a`@`%` SQL SECURITY INVOKER VIEW `v` (x) AS SELECT 1 -- one", "mysql")
    >>> p.name, p.columns, p.query, p.security_invoker
    ('v', ('x',), 'SELECT 1 -- one', True)
    """
    if dialect == "mysql":  # DEFINER = user@host: who the view runs as (the kit: the connecting user)
        code = _DEFINER.sub(lambda m: " " * len(m.group()), code, count=1)
    toks = tokens(code, dialect)
    i = 1
    materialized = replace = invoker = False
    while i < len(toks) and _word(toks[i]) != "VIEW":
        w = _word(toks[i])
        materialized |= w == "MATERIALIZED"
        replace |= w == "REPLACE"
        if w in ("SQL SECURITY", "SECURITY") and i + 1 < len(toks):  # SQL SECURITY {DEFINER | INVOKER}
            invoker = _word(toks[i + 1]) == "INVOKER"
            i += 2
            continue
        i += 1
    i += 1
    exists = False
    if i + 2 < len(toks) and [_word(t) for t in toks[i:i + 3]] == ["IF", "NOT", "EXISTS"]:
        exists, i = True, i + 3
    if i >= len(toks):
        raise ModelError("SQL syntax error: CREATE VIEW without a name")
    name_token = toks[i]
    parts, i = _name_at(toks, i)
    folded = [_fold(t, fold) for t in toks[i - (2 * len(parts) - 1):i:2]]
    columns: list[str] = []
    if i < len(toks) and toks[i].token_type == TokenType.L_PAREN:
        i += 1
        while i < len(toks) and toks[i].token_type != TokenType.R_PAREN:
            if toks[i].token_type != TokenType.COMMA:
                columns.append(_fold(toks[i], fold))
            i += 1
        i += 1
    if dialect == "postgres" and i < len(toks) and _word(toks[i]) == "WITH":  # WITH (view options)
        depth, i = 0, i + 1
        while i < len(toks):
            depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(toks[i].token_type, 0)
            if (toks[i].text.lower() == "security_invoker" and i + 2 < len(toks)
                    and toks[i + 2].text.lower() in ("true", "on", "1")):
                invoker = True
            i += 1
            if depth == 0:
                break
    if i >= len(toks) or _word(toks[i]) != "AS":
        raise ModelError(f"SQL syntax error: CREATE VIEW {'.'.join(parts)} without AS <query>")
    query = code[toks[i + 1].start:] if i + 1 < len(toks) else ""
    check = None
    m = _CHECK_OPTION.search(query)
    if m:
        check = (m.group(1) or "cascaded").lower()
        query = query[:m.start()]
    query = query.strip().rstrip(";").strip()
    schema, name = _parts(folded)
    return ViewParts(schema, name, tuple(columns), query, materialized, replace, invoker, check, exists, name_token)


@dataclass(frozen=True)
class ObjectHead:
    kind: str  # a Verbatim kind: trigger, function, procedure, event, virtual table
    schema: str | None
    name: str
    #: the table a trigger is on (schema, name)
    table: tuple[str | None, str] | None = None
    #: the module of a virtual table (fts5, rtree, ...)
    module: str | None = None
    if_not_exists: bool = False


#: CREATE words -> the model's kind of verbatim object
OBJECT_KINDS = {"TRIGGER": "trigger", "FUNCTION": "function", "PROCEDURE": "procedure", "EVENT": "event",
                "VIRTUAL TABLE": "virtual table", "MACRO": "function", "AGGREGATE": "aggregate"}


def _head_span(code: str, dialect: str) -> tuple[list[Token], str, int, int, bool]:
    """The tokens of a CREATE of an object, its kind, where its name starts and ends, and whether
    it says IF NOT EXISTS."""
    if dialect == "mysql":
        code = _DEFINER.sub(lambda m: " " * len(m.group()), code, count=1)
    toks = tokens(code, dialect)
    i, kind = 1, None
    while i < len(toks):
        w = _word(toks[i])
        if w == "VIRTUAL" and i + 1 < len(toks) and _word(toks[i + 1]) == "TABLE":
            kind, i = "VIRTUAL TABLE", i + 2
            break
        if w in OBJECT_KINDS:
            kind, i = w, i + 1
            break
        i += 1
    if kind is None or i >= len(toks):
        raise ModelError("SQL syntax error: cannot find what this CREATE makes")
    exists = False
    if i + 2 < len(toks) and [_word(t) for t in toks[i:i + 3]] == ["IF", "NOT", "EXISTS"]:
        exists, i = True, i + 3
    if i >= len(toks):
        raise ModelError(f"SQL syntax error: CREATE {kind} without a name")
    _, j = _name_at(toks, i)
    return toks, kind, i, j, exists


def in_schema(code: str, dialect: str, schema: str) -> str:
    """``code`` (a CREATE of an object) with its name qualified by ``schema`` where it names none:
    the statement as it runs from a connection whose default schema is another (an SQLite trigger
    of an attached database, whose ``sqlite_master`` keeps it without the database's name).

    >>> in_schema("CREATE TRIGGER trg AFTER INSERT ON log BEGIN SELECT 1; END", "sqlite", "audit")
    'CREATE TRIGGER "audit".trg AFTER INSERT ON log BEGIN SELECT 1; END'
    """
    toks, _, i, j, _ = _head_span(code, dialect)
    if j - i > 1:
        return code
    quoted = exp.to_identifier(schema, quoted=True).sql(dialect)
    return f"{code[:toks[i].start]}{quoted}.{code[toks[i].start:]}"


def object_head(code: str, dialect: str, fold: Callable[[str], str] = str) -> ObjectHead:
    """What ``CREATE [OR REPLACE] [DEFINER=...] [TEMP] {TRIGGER | FUNCTION | PROCEDURE | EVENT |
    VIRTUAL TABLE | MACRO} [IF NOT EXISTS] name ...`` makes.

    >>> object_head("CREATE DEFINER=`r`@`%` TRIGGER `t1` BEFORE UPDATE ON `film` FOR EACH ROW SET @x = 1", "mysql")
    ObjectHead(kind='trigger', schema=None, name='t1', table=(None, 'film'), module=None, if_not_exists=False)
    >>> object_head("CREATE VIRTUAL TABLE docs USING fts5(title, body)", "sqlite").module
    'fts5'
    """
    toks, kind, i, j, exists = _head_span(code, dialect)
    folded = [_fold(t, fold) for t in toks[i:j:2]]
    schema, name = _parts(folded)
    table = None
    if kind == "TRIGGER":
        k = j
        while k < len(toks) and _word(toks[k]) != "ON":
            k += 1
        if k + 1 < len(toks):
            _, end = _name_at(toks, k + 1)
            table = _parts([_fold(t, fold) for t in toks[k + 1:end:2]])
    module = None
    if kind == "VIRTUAL TABLE":
        m = _USING.search(code[toks[j - 1].end + 1:] if j - 1 < len(toks) else "")
        module = m.group(1).lower() if m else None
    return ObjectHead(OBJECT_KINDS[kind], schema, name, table, module, exists)


def shadow_tables(name: str, module: str | None) -> tuple[str, ...]:
    """The tables SQLite makes for virtual table ``name`` of ``module`` (none for modules without)."""
    return tuple(f"{name}_{suffix}" for suffix in SHADOW_SUFFIXES.get(module or "", ()))


def mentioned(code: str, dialect: str, known: dict[str, str], fold: Callable[[str], str] = str,
              skip: Iterable[str] = ()) -> tuple[str, ...]:
    """Keys of the schema's tables and views a statement names, in first-use order: ``known`` maps
    each name as the engine matches it (folded) to its key. A name counts as a word or quoted name
    alone or as the last part of ``schema.name`` after FROM, JOIN, INTO, UPDATE, TABLE or ON; not
    ``name.column`` (the table is named where it is read) nor ``alias.column``. A column named like
    a table may count too: dependencies only order creation. Names in ``skip`` are left out.

    >>> mentioned("SELECT c.city FROM sakila.city c JOIN film ON 1 = 1", "mysql", {"city": "city", "film": "film"})
    ('city', 'film')
    """
    out: dict[str, None] = {}
    skipped = {fold(s) for s in skip}
    toks = tokens(code, dialect)
    for n, tok in enumerate(toks):
        if tok.token_type in (TokenType.STRING, TokenType.NUMBER):
            continue
        key = known.get(_fold(tok, fold))
        if key is None or _fold(tok, fold) in skipped:
            continue
        if n + 1 < len(toks) and toks[n + 1].token_type == TokenType.DOT:
            continue
        if n > 0 and toks[n - 1].token_type == TokenType.DOT and not (
                n > 2 and _word(toks[n - 3]) in ("FROM", "JOIN", "INTO", "UPDATE", "TABLE", "ON", ",")):
            continue
        if n > 0 and _word(toks[n - 1]) == "AS":
            continue
        out.setdefault(key, None)
    return tuple(out)


def without_qualifier(code: str, dialect: str, database: str, fold: Callable[[str], str] = str) -> str:
    """``code`` with ``database.`` taken off every name it qualifies (``sakila.film`` -> ``film``),
    the rest of the text as written.

    >>> without_qualifier("SELECT f.id FROM sakila.film f JOIN `sakila`.`actor` a", "mysql", "sakila")
    'SELECT f.id FROM film f JOIN `actor` a'
    """
    toks = tokens(code, dialect)
    cuts: list[tuple[int, int]] = []
    target = fold(database)
    for n, tok in enumerate(toks[:-2]):
        if tok.token_type in (TokenType.STRING, TokenType.NUMBER) or (
                n > 0 and toks[n - 1].token_type == TokenType.DOT):
            continue
        if toks[n + 1].token_type == TokenType.DOT and _fold(tok, fold) == target \
                and toks[n + 2].token_type not in (TokenType.STAR,):
            # a three-part db.table.column or a two-part db.table: the first part is the database
            # only if a name follows (alias.column has the alias first: an alias named like the
            # database would be cut too, which the engine would then read as the table's column)
            cuts.append((tok.start, toks[n + 1].end + 1))
    out, pos = [], 0
    for start, end in cuts:
        out.append(code[pos:start])
        pos = end
    out.append(code[pos:])
    return "".join(out)
