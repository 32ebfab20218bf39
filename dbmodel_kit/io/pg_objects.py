"""PostgreSQL objects beside tables: how a dump's statements and the catalog name them, and what
each means, so the SQL import and reflection meet.

The import (:mod:`.sql_import`) keeps views and materialized views as :class:`~..model.schema.View`
(their query as written), and functions, procedures, aggregates, triggers, extensions, row-level
security (policies and ``ALTER TABLE ... ENABLE ROW LEVEL SECURITY``), grants, comments on them and
indexes of materialized views as :class:`~..model.schema.Verbatim` SQL for PostgreSQL. sqlglot
parses few of these statements (a function body, a trigger or a policy falls back to an opaque
command), so what identifies each is read from its first tokens with sqlglot's PostgreSQL
tokenizer, names folded as the engine folds them. Reflection (:mod:`.reflect`) names the same
objects from the catalog with the same helpers:

- a function, procedure or aggregate is ``name(type, ...)``, its identity argument types in
  PostgreSQL's own spelling (``format_type``: ``integer``, ``timestamp with time zone``), as
  ``DROP FUNCTION`` takes them (:func:`signature`);
- a trigger or policy is ``name on table`` (their names are per table);
- a grant is ``on KIND object`` (every GRANT/REVOKE on it, in order);
- row-level security is ``enable row level security on table`` (``force`` likewise).

The catalog gives back another text than the dump held (``pg_get_viewdef``, ``pg_get_functiondef``,
``pg_get_triggerdef``), so :func:`meaning` compares two objects by what they do, as CHECKs are
compared through :func:`dbmodel_kit.ddl.sqltext.normalize`.

>>> signature("film_in_stock", "p_film_id integer, p_store_id int, OUT p_film_count integer")
'film_in_stock(integer, integer)'
>>> signature("last_day", "timestamptz")
'last_day(timestamp with time zone)'
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from ..errors import ModelError
from ..model.naming import qualify
from ..model.schema import Verbatim, View

__all__ = ["DEFAULT_SCHEMA", "Head", "canonical_type", "grant_effect", "meaning", "signature", "split_args",
           "tokens"]

#: The schema an unqualified name lives in (pg_dump writes it out; the model leaves it unnamed).
DEFAULT_SCHEMA = "public"

_PG = sqlglot.Dialect.get_or_raise("postgres")
_WORD = re.compile(r"^[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*$")


def tokens(code: str) -> list[Token]:
    """sqlglot's PostgreSQL tokens of ``code``, for reading (a new list; the tokens themselves are
    shared with the other readers of the same text until :func:`take_tokens` takes them)."""
    with _RECENT_LOCK:
        found = _RECENT.get(code)
    if found is None:
        found = tuple(_PG.tokenize(code))
        if len(code) <= _RECENT_CHARS:
            with _RECENT_LOCK:
                _RECENT[code] = found
                while len(_RECENT) > 16 or sum(map(len, _RECENT)) > _RECENT_CHARS:
                    del _RECENT[next(iter(_RECENT))]
    return list(found)


def take_tokens(code: str) -> list[Token]:
    """:func:`tokens` for sqlglot's parser, which may change them (it gives a node a token's list of
    comments, and adds to it): those :func:`tokens` shared are taken out, so no one reads them after."""
    with _RECENT_LOCK:
        found = _RECENT.pop(code, None)
    return list(found) if found is not None else _PG.tokenize(code)


#: The tokens of the last few texts :func:`tokens` read, oldest first. The importer reads a
#: statement's head with :class:`Head` (an index's twice: is it a view's? are its keys expressions?)
#: and then the statement with sqlglot's parser: each text is tokenized once, not three times (at
#: 300 tables, 2,861 tokenizations of a dump became 1,352; sqlglot's tokenizer was 30% of reading the dump).
#: At most 16 texts of at most this many characters in all: their tokens take up to about 75 bytes a
#: character, so the memo holds a few MB at most (routine bodies Head reads and the parser never
#: takes stay in it until pushed out).
_RECENT: dict[str, tuple[Token, ...]] = {}
_RECENT_CHARS = 100_000
_RECENT_LOCK = threading.Lock()


def _name_part(tok: Token) -> str | None:
    """A name part: a quoted identifier as written, an unquoted word folded to lower case."""
    if tok.token_type == TokenType.IDENTIFIER:
        return tok.text
    if tok.token_type not in (TokenType.STRING, TokenType.HEREDOC_STRING, TokenType.NUMBER) and _WORD.match(tok.text):
        return tok.text.lower()
    return None


@dataclass
class Head:
    """A statement's tokens with a cursor: reads words and qualified names from its head."""

    code: str
    toks: list[Token]
    i: int = 0

    @classmethod
    def of(cls, code: str) -> Head:
        return cls(code, tokens(code))

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.toks[j].text.upper() if j < len(self.toks) and self.toks[j].token_type not in (
            TokenType.IDENTIFIER, TokenType.STRING, TokenType.HEREDOC_STRING) else ""

    def accept(self, *words: str) -> bool:
        """Skip ``words`` when they come next (all of them), and say whether they did."""
        if all(self.peek(n) == w for n, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def skip_until(self, *words: str) -> bool:
        """Move past the next of ``words`` outside parentheses; False when none comes."""
        depth = 0
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            self.i += 1
            if tok.token_type == TokenType.L_PAREN:
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and tok.token_type not in (TokenType.IDENTIFIER, TokenType.STRING) \
                    and tok.text.upper() in words:
                return True
        return False

    def name(self) -> tuple[str | None, str]:
        """A possibly qualified name: ``(schema, name)``, the default schema as None."""
        parts = self.parts()
        schema = parts[-2] if len(parts) > 1 else None
        return (None if schema == DEFAULT_SCHEMA else schema), parts[-1]

    def parts(self) -> list[str]:
        """The parts of a dotted name (``schema.table.column``), folded as the engine folds them."""
        parts: list[str] = []
        while self.i < len(self.toks):
            part = _name_part(self.toks[self.i])
            if part is None:
                break
            parts.append(part)
            self.i += 1
            if self.i < len(self.toks) and self.toks[self.i].token_type == TokenType.DOT:
                self.i += 1
                continue
            break
        if not parts:
            raise ModelError("SQL syntax error: a name was expected")  # a ValueError, as callers expect
        return parts

    def parenthesized(self) -> str | None:
        """The text inside the parentheses that come next (None when none do)."""
        if self.i >= len(self.toks) or self.toks[self.i].token_type != TokenType.L_PAREN:
            return None
        start, depth = self.toks[self.i].end + 1, 0
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            self.i += 1
            if tok.token_type == TokenType.L_PAREN:
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    return self.code[start:tok.start]
        return self.code[start:]

    def rest(self) -> str:
        """The text from the cursor on."""
        return self.code[self.toks[self.i].start:] if self.i < len(self.toks) else ""

    def string(self) -> str | None:
        """The string literal that comes next (``NULL``: None)."""
        if self.i < len(self.toks) and self.toks[self.i].token_type in (TokenType.STRING, TokenType.HEREDOC_STRING,
                                                                       TokenType.NATIONAL_STRING):
            self.i += 1
            return self.toks[self.i - 1].text
        if self.i < len(self.toks) and self.toks[self.i].token_type == TokenType.BYTE_STRING:  # E'...'
            self.i += 1
            return self.toks[self.i - 1].text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        return None


# -- function signatures ------------------------------------------------------------------------

#: PostgreSQL's own names for its type aliases (https://www.postgresql.org/docs/current/datatype.html,
#: table 8.1 "Aliases"): the catalog (format_type) always writes the name on the left of each pair's
#: value, a script may write either. Written out because sqlglot has no PostgreSQL-spelling writer.
_TYPE_NAMES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
    "float8": "double precision", "float": "double precision", "float4": "real", "decimal": "numeric",
    "varchar": "character varying", "char": "character", "bpchar": "character", "varbit": "bit varying",
    "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
    "timetz": "time with time zone", "time": "time without time zone", "serial": "integer",
    "bigserial": "bigint", "smallserial": "smallint", "serial4": "integer", "serial8": "bigint",
    "character varying": "character varying",
}
_TYPE_START = frozenset({"double", "character", "char", "varchar", "timestamp", "time", "bit", "interval",
                         "national", "setof", "nchar"})
_ARG_MODES = frozenset({"in", "out", "inout", "variadic"})


def split_args(text: str) -> list[str]:
    """The items of a comma-separated list, commas inside parentheses, brackets and quotes kept."""
    out, depth, start = [], 0, 0
    toks = tokens(text)
    for tok in toks:
        if tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
        elif tok.token_type == TokenType.COMMA and depth == 0:
            out.append(text[start:tok.start].strip())
            start = tok.end + 1
    last = text[start:].strip()
    if last or out:
        out.append(last)
    return out


def canonical_type(text: str) -> str:
    """A type as ``format_type`` writes it in a signature: lower case, no type modifier (PostgreSQL
    drops it from argument types), PostgreSQL's own name for an alias, ``pg_catalog.``/``public.``
    left out.

    >>> canonical_type("NUMERIC(5, 2)"), canonical_type("pg_catalog.int4[]"), canonical_type('"Mood"')
    ('numeric', 'integer[]', '"Mood"')
    """
    t = " ".join(text.split())
    t = re.sub(r"\s*\([^()]*\)", "", t)  # typmods
    array = ""
    m = re.search(r"((?:\s*\[\s*\d*\s*\])+)$", t)
    if m:
        array = "[]" * m.group(1).count("[")
        t = t[:m.start()]
    if re.search(r"\s+ARRAY$", t, re.I):
        array, t = "[]", re.sub(r"\s+ARRAY$", "", t, flags=re.I)
    t = re.sub(r'^(?:pg_catalog|public)\s*\.\s*', "", t, flags=re.I)
    if not t.startswith('"'):
        t = t.lower()
        t = _TYPE_NAMES.get(t, t)
    elif re.fullmatch(r'"[a-z_][a-z0-9_]*"', t):
        t = t[1:-1]
    return t + array


def _arg_type_span(arg: str) -> tuple[int, int, str]:
    """Where the type of one argument declaration is in ``arg`` (start, end) and its mode ("" when none)."""
    end = len(re.split(r"\s+DEFAULT\s+|\s*=\s*", arg, maxsplit=1, flags=re.I)[0].rstrip())
    start = len(arg) - len(arg.lstrip())
    mode = ""
    words = arg[start:end].split(None, 1)
    if words and words[0].lower() in _ARG_MODES and len(words) > 1:
        mode = words[0].lower()
        start = end - len(words[1])
    toks = tokens(arg[start:end])
    if len(toks) >= 2:
        first, second = toks[0], toks[1]
        # "name type": the first word names the argument, unless it starts a type of several words
        # (double precision, character varying) or the type goes on with "." "(" "["
        named = first.token_type == TokenType.IDENTIFIER or (
            bool(_WORD.match(first.text)) and first.text.lower() not in _TYPE_START)
        if named and second.token_type not in (TokenType.DOT, TokenType.L_PAREN, TokenType.L_BRACKET):
            start += second.start
    return start, end, mode


def _arg_type(arg: str, procedure: bool) -> str | None:
    """The identity type of one argument declaration (None: an OUT argument of a function, which is
    not part of its identity)."""
    start, end, mode = _arg_type_span(arg)
    if mode == "out" and not procedure:
        return None
    return canonical_type(arg[start:end])


def retype_args(header: str, retype: Callable[[str], str]) -> tuple[str, str] | None:
    """A ``CREATE FUNCTION``/``PROCEDURE`` header with each argument's type written as ``retype``
    gives it (names, modes and defaults kept), and the new argument list; None when the header has
    no argument list.

    >>> retype_args("CREATE FUNCTION f(c customer, n int DEFAULT 1) RETURNS int", str.upper)
    ('CREATE FUNCTION f(c CUSTOMER, n INT DEFAULT 1) RETURNS int', 'c CUSTOMER, n INT DEFAULT 1')
    """
    toks = tokens(header)
    opened = next((i for i, t in enumerate(toks) if t.token_type == TokenType.L_PAREN), None)
    if opened is None:
        return None
    depth, closed = 0, None
    for i in range(opened, len(toks)):
        if toks[i].token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif toks[i].token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
            if depth == 0:
                closed = i
                break
    if closed is None:
        return None
    lo, hi = toks[opened].end + 1, toks[closed].start
    args = header[lo:hi]
    out, start = [], 0
    for part in _split_spans(args):
        a, b = part
        item = args[a:b]
        t0, t1, _ = _arg_type_span(item)
        out.append(args[start:a] + item[:t0] + retype(item[t0:t1]) + item[t1:])
        start = b
    new_args = "".join(out) + args[start:]
    return header[:lo] + new_args + header[hi:], new_args


def _split_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each item of a comma-separated list, as :func:`split_args` splits it."""
    spans, depth, start = [], 0, 0
    for tok in tokens(text):
        if tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
            depth += 1
        elif tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
            depth -= 1
        elif tok.token_type == TokenType.COMMA and depth == 0:
            spans.append((start, tok.start))
            start = tok.end + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def signature(name: str, args: str, procedure: bool = False) -> str:
    """``name(type, ...)``: the identity of a function, procedure or aggregate given its argument
    list as written (names, modes, defaults) or as ``pg_get_function_identity_arguments`` gives it."""
    args = args.strip()
    if args == "*":
        return f"{name}(*)"
    parts = [p for p in split_args(args) if p]
    if any(re.match(r"ORDER\s+BY\b", p, re.I) for p in parts):  # ordered-set aggregate: (x ORDER BY y)
        return f"{name}({' '.join(args.split())})"
    types = [t for t in (_arg_type(p, procedure) for p in parts) if t is not None]
    return f"{name}({', '.join(types)})"


# -- what an object means ---------------------------------------------------------------------------

def _strip_default_schema(tree: exp.Expression) -> exp.Expression:
    for table in tree.find_all(exp.Table):
        if table.db == DEFAULT_SCHEMA and not table.args.get("catalog"):
            table.set("db", None)
    for col in tree.find_all(exp.Column):
        if col.args.get("db") is not None and col.db == DEFAULT_SCHEMA:
            col.set("db", None)
    for fn in tree.find_all(exp.Dot):
        left = fn.this
        if isinstance(left, exp.Identifier | exp.Var) and left.name == DEFAULT_SCHEMA:
            fn.replace(fn.expression)
    return tree


def _unqualify_single_source(tree: exp.Expression) -> exp.Expression:
    """In a SELECT reading one table and joining none, ``t.col`` is ``col`` (PostgreSQL qualifies
    every column of a stored view)."""
    for select in tree.find_all(exp.Select):
        source = select.args.get("from_") or select.args.get("from")
        if source is None or select.args.get("joins") or not isinstance(source.this, exp.Table):
            continue
        name = source.this.alias_or_name
        for col in select.find_all(exp.Column):
            if col.table == name and not col.args.get("db") and col.find_ancestor(exp.Select) is select:
                col.set("table", None)
    for table in tree.find_all(exp.Table):  # FROM t AS t is FROM t
        alias = table.args.get("alias")
        if isinstance(alias, exp.TableAlias) and not alias.columns and alias.name == table.name:
            table.set("alias", None)
    return tree


def stored_view_query(query: str, tables: dict[str, dict[str, str]]) -> str:
    """A PostgreSQL view's query as the engine stores it, as far as the model's tables tell: ``*``
    expanded into the columns it stands for and every column qualified by its table (``CREATE VIEW``
    rewrites the query so; ``pg_get_viewdef`` gives that back). ``tables``: key -> {column: type}.
    The query as written when sqlglot cannot qualify it."""
    from sqlglot.optimizer.qualify import qualify as qualify_query

    try:
        tree = sqlglot.parse_one(query, read="postgres")
        done = qualify_query(tree, schema=tables, dialect="postgres", expand_stars=True, qualify_columns=True,
                             validate_qualify_columns=False, quote_identifiers=False, identify=False,
                             )
        with contextlib.suppress(Exception):  # a type sqlglot cannot read: the query without the casts
            done = _implicit_casts(done.copy(), tables)
        return done.sql("postgres")
    except (sqlglot.errors.SqlglotError, KeyError, ValueError, AttributeError):
        return query


#: Integer kinds PostgreSQL casts a column of to ``numeric`` (or ``double precision``) in
#: arithmetic beside a value of that type: its operators take two of one type.
_PG_INTEGERS = {exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT}
_PG_WIDER = {exp.DataType.Type.DECIMAL: "numeric", exp.DataType.Type.DOUBLE: "double precision",
             exp.DataType.Type.FLOAT: "double precision"}


def _implicit_casts(tree: exp.Expression, tables: dict[str, dict[str, str]]) -> exp.Expression:
    """``tree`` with the casts PostgreSQL writes into a stored view (``(qty)::numeric * price``):
    an integer column in arithmetic beside a numeric or floating value is cast to its type."""
    from sqlglot.optimizer.annotate_types import annotate_types

    typed = annotate_types(tree, schema=tables, dialect="postgres")

    def kind(node: exp.Expression) -> exp.DataType.Type | None:
        if isinstance(node, exp.Literal) and not node.is_string:
            return exp.DataType.Type.DECIMAL if "." in node.this or "e" in node.this.lower() else None
        return node.type.this if node.type is not None else None

    def cast(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div | exp.Mod):
            return node
        for side, other in (("this", node.expression), ("expression", node.this)):
            col = node.args[side]
            wider = _PG_WIDER.get(kind(other))  # type: ignore[arg-type]
            if isinstance(col, exp.Column) and kind(col) in _PG_INTEGERS and wider is not None:
                node.set(side, exp.cast(col.copy(), wider, dialect="postgres"))
        return node

    return typed.transform(cast)


@functools.lru_cache(maxsize=1024)
def query_meaning(query: str) -> str:
    """A PostgreSQL query in one canonical text: identifiers folded, ``public.`` left out, the casts,
    parentheses and spellings the engine adds undone (:func:`dbmodel_kit.ddl.sqltext.normalize`);
    the text itself with its whitespace collapsed when sqlglot cannot read it."""
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    from ..ddl.sqltext import NORMALIZE_RULES, _reparenthesize

    try:
        tree = sqlglot.parse_one(query, read="postgres")
    except sqlglot.errors.SqlglotError:
        return " ".join(query.split())
    tree = _unqualify_single_source(_strip_default_schema(
        normalize_identifiers(tree, dialect="postgres")))  # type: ignore[arg-type]
    for _ in range(8):
        before = tree.sql()
        tree = _reparenthesize(tree)
        for rule in NORMALIZE_RULES:
            tree = tree.transform(functools.partial(rule, kinds={}))
        if tree.sql() == before:
            break
    # then the engine-neutral rules (joins out of their parentheses, INNER, self-named aliases...)
    from ..ddl.sqltext import query_meaning as neutral

    return neutral(_reparenthesize(tree).sql())


_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def _routine_meaning(sql: str) -> tuple[Any, ...]:
    """A CREATE FUNCTION/PROCEDURE/AGGREGATE by its parts: the header's words (folded, in a set:
    the engine writes the options in its own order), and each string literal (the body) as is."""
    h = Head.of(sql)
    words: list[str] = []
    bodies: list[str] = []
    for tok in h.toks:
        if tok.token_type in (TokenType.STRING, TokenType.HEREDOC_STRING):
            bodies.append(tok.text)
        elif tok.token_type == TokenType.IDENTIFIER:
            words.append(f'"{tok.text}"' if not re.fullmatch(r"[a-z_][a-z0-9_]*", tok.text) else tok.text)
        else:
            words.append(tok.text.lower())
    words = _type_aliases(words)
    text = " ".join(words)
    text = re.sub(r"^create (?:or replace )?", "create ", text)
    text = re.sub(r"\bpublic \. ", "", text)
    head, _, tail = text.partition(")")  # the argument list as a signature
    opts = set(re.findall(r"[a-z_][a-z0-9_]*|[^\sa-z_]+", tail)) - {"as", ";"}
    # options the catalog does not write back because they are the defaults
    opts -= {"volatile"}
    if "definer" not in opts:
        opts -= {"security", "invoker"}
    if not opts & {"safe", "restricted"}:
        opts -= {"parallel", "unsafe"}
    return head, frozenset(opts), tuple(bodies)


def _type_aliases(words: list[str]) -> list[str]:
    """Type words in PostgreSQL's own names (``int`` -> ``integer``; :data:`_TYPE_NAMES`)."""
    out = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in _TYPE_NAMES and not (w in ("timestamp", "time") and nxt in ("with", "without")) \
                and not (w == "character" and nxt == "varying") and nxt != ".":
            out.append(_TYPE_NAMES[w])
        else:
            out.append(w)
    return out


def _text_meaning(sql: str) -> str:
    """Tokens of ``sql`` joined by one space, words folded, ``public.`` left out."""
    out = []
    for tok in tokens(sql):
        if tok.token_type == TokenType.IDENTIFIER:
            out.append(tok.text)  # quoted: as written
        elif tok.token_type in (TokenType.STRING, TokenType.HEREDOC_STRING):
            out.append(repr(tok.text))
        else:
            out.append(tok.text.lower())
    text = " ".join(out)
    text = re.sub(r"\bpublic \. ", "", text)
    return re.sub(r"^create or replace ", "create ", text).rstrip(" ;")


#: What PUBLIC may do with a new object of each kind without any GRANT (ACL defaults,
#: https://www.postgresql.org/docs/current/ddl-priv.html table 5.2; the ``public`` schema's USAGE
#: since PostgreSQL 15).
_PUBLIC_DEFAULT = {"function": {"EXECUTE"}, "procedure": {"EXECUTE"}, "routine": {"EXECUTE"},
                   "type": {"USAGE"}, "domain": {"USAGE"}, "language": {"USAGE"},
                   "database": {"CONNECT", "TEMPORARY"}}
_ALL = {"table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
        "sequence": ("USAGE", "SELECT", "UPDATE"), "schema": ("USAGE", "CREATE"),
        "database": ("CREATE", "CONNECT", "TEMPORARY"), "function": ("EXECUTE",), "procedure": ("EXECUTE",),
        "routine": ("EXECUTE",), "type": ("USAGE",), "domain": ("USAGE",), "language": ("USAGE",)}


def baseline(kind: str, obj: str) -> frozenset[tuple[str, str]]:
    """``(grantee, privilege)`` pairs an object has before any GRANT (its owner's left aside)."""
    if kind == "schema" and obj == DEFAULT_SCHEMA:
        return frozenset({("public", "USAGE")})
    return frozenset(("public", p) for p in _PUBLIC_DEFAULT.get(kind, ()))


_GRANT = re.compile(r"^\s*(GRANT|REVOKE)\s+(?:GRANT\s+OPTION\s+FOR\s+)?(?P<privs>.*?)\s+ON\s+"
                    r"(?:(?P<kind>TABLE|SEQUENCE|SCHEMA|FUNCTION|PROCEDURE|ROUTINE|DATABASE|TYPE|DOMAIN|LANGUAGE|"
                    r"FOREIGN\s+DATA\s+WRAPPER|FOREIGN\s+SERVER|TABLESPACE|LARGE\s+OBJECT)\s+)?(?P<obj>.*?)\s+"
                    r"(?:TO|FROM)\s+(?P<who>.*?)(?:\s+WITH\s+GRANT\s+OPTION|\s+GRANTED\s+BY\s+.*|\s+CASCADE|"
                    r"\s+RESTRICT)?\s*;?\s*$", re.I | re.S)


def grant_target(sql: str) -> tuple[str, str] | None:
    """``(kind, object)`` a GRANT or REVOKE on an object is about (``("schema", "public")``), None
    for a grant of a role."""
    m = _GRANT.match(sql)
    if m is None:
        return None
    kind = " ".join((m.group("kind") or "table").lower().split())
    objs = []
    for part in split_args(m.group("obj")):
        h = Head.of(part)
        if kind in ("function", "procedure", "routine"):
            schema, name = h.name()
            args = h.parenthesized()
            objs.append(qualify(schema, signature(name, args or "", kind == "procedure")))
        else:
            try:
                schema, name = h.name()
            except ValueError:
                return None
            objs.append(name if kind == "schema" else qualify(schema, name))
    return kind, ", ".join(objs)


def grant_effect(sql: str) -> frozenset[tuple[str, str]] | str:
    """The privileges others hold on the object after the GRANT/REVOKE statements in ``sql`` (one
    object's, in order) starting from what it has by default, as ``(grantee, privilege)`` pairs;
    the text itself when a statement cannot be read."""
    held: set[tuple[str, str]] | None = None
    for stmt in split_statements(sql):
        m = _GRANT.match(stmt)
        target = grant_target(stmt)
        if m is None or target is None:
            return _text_meaning(sql)
        kind, obj = target
        if held is None:
            held = set(baseline(kind, obj))
        privs: list[str] = []
        for p in split_args(m.group("privs")):
            word = " ".join(p.upper().split())
            if word in ("ALL", "ALL PRIVILEGES"):
                privs += _ALL.get(kind, ("ALL",))
            else:
                privs.append("TEMPORARY" if word == "TEMP" else word)
        who = [w.strip().strip('"') if w.strip().startswith('"') else w.strip().lower()
               for w in split_args(m.group("who"))]
        for grantee in who:
            grantee = re.sub(r"^group\s+", "", grantee)
            for p in privs:
                (held.add if m.group(1).upper() == "GRANT" else held.discard)((grantee, p))
    return frozenset(held or ())


def split_statements(sql: str) -> list[str]:
    """``sql``'s statements (split at semicolons outside quotes)."""
    out, start = [], 0
    for tok in tokens(sql):
        if tok.token_type == TokenType.SEMICOLON:
            out.append(sql[start:tok.start].strip())
            start = tok.end + 1
    if sql[start:].strip():
        out.append(sql[start:].strip())
    return [s for s in out if s]


def meaning(item: View | Verbatim) -> Any:
    """What a PostgreSQL view or verbatim object does, comparable between the text a script held
    and the text the catalog gives back; for other dialects the object itself."""
    if isinstance(item, View):
        if item.dialect != "postgresql":
            return item
        return ("view", item.key, item.materialized, query_meaning(item.query), item.comment)
    if item.dialect != "postgresql":
        return item
    if item.kind in ("function", "procedure", "aggregate"):
        what: Any = _routine_meaning(item.sql)
    elif item.kind == "grant":
        what = grant_effect(item.sql)
    elif item.kind == "extension":
        what = None  # one extension of a name per database; its version is the server's
    elif item.kind == "type":
        what = type_meaning(item.name, item.sql)
    elif item.kind == "statement":
        what = re.sub(r"^alter table (?:if exists )?only ", "alter table ", _text_meaning(item.sql))
    elif item.kind == "trigger":
        what = re.sub(r" execute procedure ", " execute function ", _text_meaning(item.sql))
        if " for each " not in what:  # statement-level unless said: the catalog says it
            what = re.sub(r" (when \(|execute function )", r" for each statement \1", what, count=1)
    elif item.kind == "index":
        # pg_get_indexdef writes the default method and ON ONLY of a partitioned table's index
        what = re.sub(r" using btree \(", " (", _text_meaning(item.sql).replace(" on only ", " on "))
        what = re.sub(r"^create index concurrently ", "create index ", what)
    else:
        what = _text_meaning(item.sql)
    return (item.kind, item.key, what, item.comment)


# -- what an object needs -------------------------------------------------------------------------

def view_parts(query: str) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]] | None:
    """``(columns, tables, calls)`` of a view's query: its column names (empty when not all can be
    told), the keys of the tables and views it reads (common table expressions left out) and
    of the functions it calls; None when sqlglot cannot read it."""
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    try:
        tree = normalize_identifiers(sqlglot.parse_one(query, read="postgres"), dialect="postgres")
    except sqlglot.errors.SqlglotError:
        return None
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    seen: dict[str, None] = {}
    for t in tree.find_all(exp.Table):
        if isinstance(t.this, exp.Identifier) and not (not t.db and t.name in ctes):
            seen.setdefault(qualify(t.db if t.db and t.db != DEFAULT_SCHEMA else None, t.name), None)
    columns: tuple[str, ...] = ()
    if isinstance(tree, exp.Select) and not tree.is_star:
        names = tuple(e.alias_or_name for e in tree.selects)
        if all(names) and len(set(names)) == len(names):
            columns = names
    calls = frozenset(f.name.lower() if isinstance(f, exp.Anonymous) else str(f.sql_name()).lower()
                      for f in tree.find_all(exp.Func))
    calls |= frozenset(d.expression.name.lower() for d in tree.find_all(exp.Dot)
                       if isinstance(d.expression, exp.Func | exp.Anonymous))
    return columns, tuple(seen), calls


def routine_keys(names: frozenset[str] | set[str], objects: Any) -> tuple[str, ...]:
    """Keys of the functions and aggregates among ``objects`` whose bare name is in ``names``."""
    return tuple(o.key for o in objects if o.kind in ("function", "aggregate", "procedure")
                 and o.name.split("(", 1)[0].lower() in names)


_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_$]*)\s*\(")


def body_calls(sql: str) -> frozenset[str]:
    """Bare names called in a routine's body (its string literals: ``name(``), lower case."""
    out: set[str] = set()
    for tok in tokens(sql):
        if tok.token_type in (TokenType.STRING, TokenType.HEREDOC_STRING):
            out.update(m.group(1).lower() for m in _CALL.finditer(tok.text))
    return frozenset(out)


def with_dependencies(views: list[View], objects: list[Verbatim],
                      parts_of: dict[str, Any] | None = None) -> tuple[list[View], list[Verbatim]]:
    """Views depending on the routines they call, routines on the routines their bodies call (so
    DDL creates each after them, and leaves a view out where a routine it calls is not created).
    ``parts_of``: :func:`view_parts` already read, by query (a query is parsed once)."""
    out_views = []
    for v in views:
        parts = None
        if v.dialect == "postgresql":
            parts = parts_of[v.query] if parts_of is not None and v.query in parts_of else view_parts(v.query)
        extra = [k for k in routine_keys(parts[2], objects) if k not in v.depends_on] if parts else []
        out_views.append(View(v.name, v.query, v.dialect, v.columns, v.depends_on + tuple(extra), v.materialized,
                              v.comment, v.schema) if extra else v)
    out_objects = []
    for o in objects:
        if o.dialect == "postgresql" and o.kind in ("function", "procedure"):
            extra = [k for k in routine_keys(body_calls(o.sql), objects) if k != o.key and k not in o.depends_on]
            if extra:
                o = Verbatim(o.kind, o.name, o.dialect, o.sql, o.depends_on + tuple(extra), o.schema, o.comment)
        elif o.dialect == "postgresql" and o.kind == "type":
            extra = [k for k in type_uses(o, objects) if k not in o.depends_on]
            if extra:
                o = Verbatim(o.kind, o.name, o.dialect, o.sql, o.depends_on + tuple(extra), o.schema, o.comment)
        out_objects.append(o)
    return out_views, out_objects


#: A range type's options that name a function (``subtype_diff = float8mi``)
_TYPE_FUNCTION = re.compile(r"\b(?:subtype_diff|canonical)\s*=\s*((?:\"(?:[^\"]|\"\")+\"|[\w$]+)"
                            r"(?:\s*\.\s*(?:\"(?:[^\"]|\"\")+\"|[\w$]+))?)", re.I)


def type_uses(obj: Any, objects: Any) -> tuple[str, ...]:
    """Keys of the ``objects`` a composite or range type's definition uses, in the order it names
    them: the functions a range names (``subtype_diff``, ``canonical``) and the other types (kept as
    their SQL) its attributes or its subtype have. Names match case-insensitively by their last part
    (the schema aside), as :func:`routine_keys` matches routines.

    >>> from dbmodel_kit.model.schema import Verbatim
    >>> f = Verbatim("function", "diff(a time, b time)", "postgresql", "CREATE FUNCTION diff ...")
    >>> inner = Verbatim("type", "inner", "postgresql", "CREATE TYPE inner AS (x integer)")
    >>> t = Verbatim("type", "r", "postgresql", "CREATE TYPE r AS RANGE (subtype = inner, subtype_diff = public.diff)")
    >>> type_uses(t, [f, inner, t])
    ('inner', 'diff(a time, b time)')
    """
    head = _COMPOSITE_HEAD.match(obj.sql)
    body = obj.sql[head.end():] if head else obj.sql
    functions = {Head.of(m.group(1)).name()[1].lower() for m in _TYPE_FUNCTION.finditer(body)}
    body = _TYPE_FUNCTION.sub("", body)
    words: set[str] = set()
    for tok in tokens(body):
        if tok.token_type in (TokenType.STRING, TokenType.NUMBER, TokenType.HEREDOC_STRING):
            continue
        words.add(tok.text.lower())
    out = [o.key for o in objects if o.kind == "type" and o is not obj and o.dialect == obj.dialect
           and o.name.lower() in words]
    out += [k for k in routine_keys(functions, objects) if k not in out]
    return tuple(out)


_COMPOSITE_HEAD = re.compile(r"\s*CREATE\s+TYPE\s+.+?\s+AS\b", re.I | re.S)


# -- composite and range types: what a definition says ------------------------------------------

_TYPE_BODY = re.compile(r"\s*CREATE\s+TYPE\s+(?P<name>.+?)\s+AS\s*(?P<range>RANGE\s*)?\(", re.I | re.S)
_COLLATE = re.compile(r"\s+COLLATE\s+(?P<collation>\S.*?)\s*$", re.I | re.S)
_TYPMOD = re.compile(r"\s*\(([^()]*)\)")


@dataclass(frozen=True)
class TypeAttribute:
    """One attribute of a composite type: its name as PostgreSQL folds it, its type and collation
    as written (None: the type's own collation)."""

    name: str
    type: str
    collation: str | None = None

    def meaning(self) -> tuple[str, str, str | None]:
        return (self.name, attribute_type(self.type), _collation_key(self.collation))


@dataclass(frozen=True)
class TypeDefinition:
    """What ``CREATE TYPE name AS (...)`` (``kind`` composite: ``attributes``) or ``AS RANGE (...)``
    (``kind`` range: ``options``, keys in lower case, values as written) says."""

    kind: str
    attributes: tuple[TypeAttribute, ...] = ()
    options: tuple[tuple[str, str], ...] = ()


def type_definition(sql: str) -> TypeDefinition | None:
    """The parts of a composite or range type's statement (None when it is not one of those).

    >>> type_definition('CREATE TYPE c AS (r float8, "Label" text COLLATE "C")').attributes[1]
    TypeAttribute(name='Label', type='text', collation='"C"')
    >>> type_definition('CREATE TYPE r AS RANGE (subtype = text, collation = pg_catalog."C")').options
    (('subtype', 'text'), ('collation', 'pg_catalog."C"'))
    """
    m = _TYPE_BODY.match(sql)
    rest = sql[m.end():].rstrip().rstrip(";").rstrip() if m else ""
    if not m or not rest.endswith(")"):
        return None
    items = [p for p in split_args(rest[:-1]) if p]
    if m.group("range"):
        options = []
        for item in items:
            key, eq, value = item.partition("=")
            if not eq:
                return None
            options.append((key.strip().lower(), " ".join(value.split())))
        return TypeDefinition("range", options=tuple(options))
    attributes = []
    for item in items:
        toks = tokens(item)
        if len(toks) < 2:
            return None
        name = toks[0].text if toks[0].token_type == TokenType.IDENTIFIER else toks[0].text.lower()
        body = item[toks[1].start:]
        c = _COLLATE.search(body)
        attributes.append(TypeAttribute(name, " ".join((body[:c.start()] if c else body).split()),
                                        c.group("collation") if c else None))
    return TypeDefinition("composite", attributes=tuple(attributes))


def attribute_type(text: str) -> str:
    """A column or attribute type as ``format_type`` writes it (aliases, case, ``pg_catalog.``/``public.``
    and spacing aside), its type modifier kept: what a hand-written type and the catalog's compare by.

    >>> attribute_type("NUMERIC(10,2)") == attribute_type("numeric(10, 2)")
    True
    >>> attribute_type("timestamp(3) without time zone") == attribute_type("TIMESTAMP(3)")
    True
    >>> attribute_type("char") == attribute_type("character(1)"), attribute_type("varchar(5)[]")
    (True, 'character varying(5)[]')
    """
    mods = [re.sub(r"\s+", "", g) for g in _TYPMOD.findall(text)]
    base = canonical_type(_TYPMOD.sub("", text))
    array = ""
    while base.endswith("[]"):
        array, base = array + "[]", base[:-2]
    if base == "character" and not mods:
        mods = ["1"]  # char alone is char(1) (format_type says so); bpchar alone stays unlimited
        if re.match(r"\s*(?:pg_catalog\s*\.\s*)?bpchar\b", text, re.I):
            mods = []
    return base + "".join(f"({m})" for m in mods) + array


def _object_name(text: str | None) -> str | None:
    """A collation, operator class, function or type name as the catalog compares it: ``pg_catalog.``
    and ``public.`` left out, an unquoted name folded to lower case, a quoted one as written."""
    if text is None:
        return None
    parts = [p for p in (_name_part(t) for t in tokens(text)) if p is not None]
    if len(parts) > 1 and parts[0] in ("pg_catalog", DEFAULT_SCHEMA):
        parts = parts[1:]
    return ".".join(parts) if parts else " ".join(text.split()).lower()


def _collation_key(text: str | None) -> str | None:
    name = _object_name(text)
    return None if name == "default" else name


def _default_multirange(name: str) -> str:
    """The multirange type PostgreSQL names for range type ``name`` when none is given
    (makeMultirangeTypeName: ``range`` becomes ``multirange``, else ``_multirange`` is added)."""
    return name.replace("range", "multirange", 1) if "range" in name else f"{name}_multirange"


@dataclass(frozen=True)
class AttributeChange:
    """One ``ALTER TYPE`` action on a composite type: ``drop`` attribute ``name``, ``alter`` its type
    (and collation) to ``attribute``'s, or ``add`` ``attribute`` at the end. ``moves``: an attribute
    kept by the change but dropped and added again to keep the new order (PostgreSQL adds attributes
    at the end only), its values lost in the rows of columns having the type."""

    action: str
    name: str
    attribute: TypeAttribute | None = None
    moves: bool = False


def composite_changes(old_sql: str, new_sql: str) -> list[AttributeChange] | None:
    """The ``ALTER TYPE`` actions that turn composite type ``old_sql`` into ``new_sql``, in the order
    to run them (drops, then type changes, then additions at the end); None when either is not a
    composite type. Attributes are matched by name (a renamed one is dropped and added); kept ones
    that stand after the first place where the orders part are dropped and added again (``moves``).

    >>> [(c.action, c.name, c.moves) for c in composite_changes("CREATE TYPE c AS (a int, b text, c text)",
    ...                                                         "CREATE TYPE c AS (a bigint, x int, c text)")]
    [('drop', 'b', False), ('drop', 'c', True), ('alter', 'a', False), ('add', 'x', False), ('add', 'c', True)]
    """
    old, new = type_definition(old_sql), type_definition(new_sql)
    if old is None or new is None or old.kind != "composite" or new.kind != "composite":
        return None
    wanted = {a.name: a for a in new.attributes}
    kept = [a for a in old.attributes if a.name in wanted]
    same = 0
    while same < min(len(kept), len(new.attributes)) and kept[same].name == new.attributes[same].name:
        same += 1
    moved = {a.name for a in kept[same:]}
    out = [AttributeChange("drop", a.name, moves=a.name in moved) for a in old.attributes
           if a.name not in wanted or a.name in moved]
    out += [AttributeChange("alter", a.name, wanted[a.name]) for a in kept[:same]
            if a.meaning() != wanted[a.name].meaning()]
    out += [AttributeChange("add", a.name, a, moves=a.name in moved) for a in new.attributes[same:]]
    return out


def type_meaning(name: str, sql: str) -> Any:
    """What a composite or range type ``name`` is, equal for the text a dump or a person wrote and
    the text reflection writes: attribute types by :func:`attribute_type`, collations and functions by
    name, ``pg_catalog.``/``public.`` aside, a range's options in any order, ``collation = default``
    and the default ``multirange_type_name`` left out. Another statement: its words."""
    definition = type_definition(sql)
    if definition is None:
        return _text_meaning(sql)
    if definition.kind == "composite":
        return ("composite", tuple(a.meaning() for a in definition.attributes))
    options: dict[str, Any] = {}
    for key, value in definition.options:
        if key == "subtype":
            options[key] = attribute_type(value)
        elif key == "collation":
            options[key] = _collation_key(value)
        elif key == "multirange_type_name":
            # (by its last part: format_type qualifies it only outside the search path)
            given = _object_name(value) or ""
            options[key] = None if given.rsplit(".", 1)[-1] == _default_multirange(name) else given
        else:  # subtype_opclass, canonical, subtype_diff: names
            options[key] = _object_name(value)
    return ("range", frozenset((k, v) for k, v in options.items() if v is not None))


_ZONED = re.compile(r"'(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2})(?::?(\d{2}))?'")


def utc_bound(bound: str | None) -> str | None:
    """A partition bound with each timestamp-with-zone literal written in UTC, as PostgreSQL writes it
    in a session whose TimeZone is UTC (the catalog writes bounds in the session's zone: one bound
    reads ``'2022-04-01 01:00:00+01'`` or ``'2022-04-01 00:00:00+00'``).

    >>> utc_bound("FOR VALUES FROM ('2022-04-01 01:00:00+01') TO (MAXVALUE)")
    "FOR VALUES FROM ('2022-04-01 00:00:00+00') TO (MAXVALUE)"
    """
    if bound is None:
        return None
    from datetime import UTC, datetime, timedelta

    def utc(m: re.Match[str]) -> str:
        hours = int(m.group(3))
        minutes = int(m.group(4) or 0) * (1 if hours >= 0 and not m.group(3).startswith("-") else -1)
        at = datetime.fromisoformat(m.group(1).replace("T", " ")) - timedelta(hours=hours, minutes=minutes)
        return f"'{at.replace(tzinfo=UTC).strftime('%Y-%m-%d %H:%M:%S')}{m.group(2) or ''}+00'"

    return _ZONED.sub(utc, bound)


def exclusion_statement(table_sql: str, name_sql: str, text: str) -> str:
    """``ALTER TABLE ONLY table ADD CONSTRAINT name EXCLUDE ...`` as pg_dump writes an exclusion
    constraint, in one form for a script and a catalog (``pg_get_constraintdef``): the index method
    said (btree when none is), the ``WHERE`` predicate as the model writes a check.

    >>> exclusion_statement("t", "x", "EXCLUDE (a WITH =) WHERE ((a > 0))")
    'ALTER TABLE ONLY t ADD CONSTRAINT x EXCLUDE USING btree (a WITH =) WHERE (a > 0)'
    """
    from ..ddl.sqltext import normalize, to_dialect

    text = text.strip().rstrip(";").strip()
    m = re.match(r"EXCLUDE(?!\s*USING\b)\s*", text, re.I)
    if m is not None:
        text = "EXCLUDE USING btree " + text[m.end():]
    tokens = sqlglot.Dialect.get_or_raise("postgres").tokenize(text)
    depth = 0
    for i, tok in enumerate(tokens):
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(tok.token_type, 0)
        if depth == 0 and tok.token_type == TokenType.WHERE and i + 1 < len(tokens) \
                and tokens[i + 1].token_type == TokenType.L_PAREN:
            h = Head(text, tokens[i + 1:])
            predicate = h.parenthesized()
            if predicate is None:
                break
            end = tokens[i + h.i].end + 1 if i + h.i < len(tokens) else len(text)
            with contextlib.suppress(sqlglot.errors.SqlglotError, ModelError):
                predicate = to_dialect(normalize(predicate, "postgres"), "postgres")
            text = f"{text[:tok.end + 1]} ({predicate}){text[end:]}"
            break
    return f"ALTER TABLE ONLY {table_sql} ADD CONSTRAINT {name_sql} {text}"
