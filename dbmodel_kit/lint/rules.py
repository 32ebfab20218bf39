"""The lint rules, one function each, run in the order :data:`RULES` lists them.

Each rule is a generator over a :class:`~dbmodel_kit.model.schema.Schema` that yields
:class:`Hit` values (where, message, hint); the :func:`rule` decorator gives it a stable id
(``DM1xx``), a kebab-case name and a severity, so a finding always says which rule found it and
ids never change meaning. Add a rule by writing one function and listing it in ``RULES``
(sqlglot's optimizer composes its rules the same way).

>>> [r.id for r in RULES][:3]
['DM101', 'DM102', 'DM103']
>>> RULES[0].name, RULES[0].severity
('no-primary-key', 'error')
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import sqlglot
from sqlglot import exp

from ..model.naming import MAX_IDENTIFIER_BYTES
from ..model.schema import Column, ForeignKey, Schema, Table
from ..model.types import INTEGER_KINDS, NUMERIC_KINDS
from .report import Severity


class Hit(NamedTuple):
    """What a rule function yields: the place, the problem, and how to fix it."""

    table: str | None
    column: str | None
    message: str
    hint: str


@dataclass(frozen=True)
class Rule:
    """A lint rule: stable ``id``, ``name``, ``severity`` and the function that finds problems."""

    id: str
    name: str
    severity: Severity
    check: Callable[[Schema], Iterable[Hit]]

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip().split("\n\n")[0]

    def __call__(self, schema: Schema) -> Iterable[Hit]:
        return self.check(schema)

    def __repr__(self) -> str:
        return f"<Rule {self.id} {self.name} ({self.severity})>"


def rule(id: str, name: str, severity: Severity) -> Callable[[Callable[[Schema], Iterable[Hit]]], Rule]:
    """Decorator: make a generator function a :class:`Rule`."""

    def wrap(fn: Callable[[Schema], Iterable[Hit]]) -> Rule:
        return Rule(id, name, severity, fn)

    return wrap


# -- helpers ---------------------------------------------------------------------------------

def _words(name: str) -> str:
    """``name`` folded to lower-case words joined by ``_`` (``unitPrice`` -> ``unit_price``)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return "_".join(w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w)


def _word_pattern(*alternatives: str) -> re.Pattern[str]:
    """Matches any of ``alternatives`` as whole ``_``-separated words of a folded name."""
    return re.compile(r"(?:^|_)(?:" + "|".join(alternatives) + r")(?:_|$)")


def _fk_columns(table: Table) -> set[str]:
    return {c for fk in table.foreign_keys for c in fk.columns}


class _Access(NamedTuple):
    """Something an engine keeps as an index: the primary key, a unique constraint or an index."""

    kind: str  # "primary key", "unique constraint", "index"
    name: str
    columns: tuple[str, ...]
    unique: bool
    where: str | None
    method: str | None
    include: tuple[str, ...]

    def describe(self) -> str:
        label = self.kind if self.kind == "primary key" else f"{self.kind} {self.name}"
        return f"{label} ({', '.join(self.columns)})"


def _access_paths(table: Table) -> list[_Access]:
    paths = []
    if table.primary_key:
        paths.append(_Access("primary key", "", table.primary_key, True, None, None, ()))
    paths += [_Access("unique constraint", u.name, u.columns, True, None, None, ()) for u in table.uniques]
    paths += [_Access("unique index" if ix.unique else "index", ix.name, ix.columns, ix.unique, ix.where,
                      ix.method, ix.include) for ix in table.indexes]
    return paths


def _is_btree(path: _Access) -> bool:
    return path.method in (None, "btree")


def _identifiers(schema: Schema) -> Iterator[tuple[str | None, str | None, str, str]]:
    """Every name the DDL will carry: (table, column, kind, name)."""
    for e in schema.enums:
        yield None, None, "enum", e.name
    for t in schema.tables:
        yield t.key, None, "table", t.name
        for c in t.columns:
            yield t.key, c.name, "column", c.name
        for fk in t.foreign_keys:
            yield t.key, None, "foreign key", fk.name
        for ix in t.indexes:
            yield t.key, None, "index", ix.name
        for u in t.uniques:
            yield t.key, None, "unique constraint", u.name
        for ck in t.checks:
            yield t.key, None, "check constraint", ck.name


# -- the rules -------------------------------------------------------------------------------

@rule("DM101", "no-primary-key", "error")
def no_primary_key(schema: Schema) -> Iterator[Hit]:
    """A table without a primary key: rows cannot be told apart, updated or referenced reliably,
    and replication and ORMs need one."""
    for t in schema.tables:
        if not t.primary_key:
            uniques = [u.columns for u in t.uniques if all(not t.column(c).nullable for c in u.columns)]
            hint = (f"promote the unique, not-null ({', '.join(uniques[0])}) to the primary key" if uniques
                    else "add a surrogate key such as `id bigint pk identity` or `id uuid pk default uuid()`")
            yield Hit(t.key, None, f"table {t.key} has no primary key", hint)


@rule("DM102", "fk-not-indexed", "warning")
def fk_not_indexed(schema: Schema) -> Iterator[Hit]:
    """A foreign key whose columns are not the leading columns of any index, primary key or unique
    constraint: deleting or updating a parent row scans the whole child table, and joins from the
    parent are slow. MySQL creates such an index implicitly; PostgreSQL, SQLite and DuckDB do not."""
    for t in schema.tables:
        paths = [p for p in _access_paths(t) if p.where is None and (_is_btree(p) or len(p.columns) == 1)]
        for fk in t.foreign_keys:
            k = len(fk.columns)
            if any(set(p.columns[:k]) == set(fk.columns) for p in paths):
                continue
            cols = ", ".join(fk.columns)
            yield Hit(t.key, fk.columns[0],
                      f"foreign key {t.key}({cols}) -> {fk.ref_table} has no index starting with its column(s)",
                      f"add an index on {t.key}({cols}), e.g. m.add_index({t.key!r}, "
                      + ", ".join(repr(c) for c in fk.columns) + ")")


_MONEY = _word_pattern(
    "price", "prices", "amount", "amounts", "total", "subtotal", "cost", "costs", "balance", "salary", "wage",
    "wages", "fee", "fees", "tax", "vat", "revenue", "payment", "charge", "discount", "refund", "budget",
    "credit", "debit", "income", "payout", "tip", "commission", "invoice_total", "money", "usd", "eur")


#: Words that make a money-sounding name a ratio or a measure instead (``tax_rate``, ``price_score``).
_NOT_MONEY = _word_pattern("rate", "rates", "ratio", "percent", "percentage", "pct", "count", "weight", "score",
                           "factor", "share")


@rule("DM103", "money-as-float", "error")
def money_as_float(schema: Schema) -> Iterator[Hit]:
    """A money-like column (price, amount, total, cost, balance, salary, fee, ...) stored as a binary
    floating-point type: 0.1 + 0.2 != 0.3, so sums of money drift by cents. Rates, ratios and
    counts (``tax_rate``, ``total_count``) are not money."""
    for t in schema.tables:
        for c in t.columns:
            name = _words(c.name)
            if c.type.kind in ("real", "double") and _MONEY.search(name) and not _NOT_MONEY.search(name):
                yield Hit(t.key, c.name, f"{t.key}.{c.name} looks like money but is {c.type}",
                          "use decimal(p,s), e.g. decimal(12,2), or an integer count of cents")


@rule("DM104", "timestamp-without-time-zone", "warning")
def timestamp_without_time_zone(schema: Schema) -> Iterator[Hit]:
    """A ``timestamp`` without time zone: the stored value means a different instant depending on
    the server's or client's zone, and daylight-saving changes make some values ambiguous."""
    for t in schema.tables:
        for c in t.columns:
            if c.type.kind == "timestamp":
                yield Hit(t.key, c.name, f"{t.key}.{c.name} is a timestamp without time zone",
                          "use timestamptz (stored as UTC); keep plain timestamp only for wall-clock times "
                          "that are not instants")


@rule("DM105", "varchar-without-length", "warning")
def varchar_without_length(schema: Schema) -> Iterator[Hit]:
    """A ``varchar`` without a length: MySQL rejects it outright and other engines treat it as
    unbounded text, so the model says nothing about the expected size."""
    for t in schema.tables:
        for c in t.columns:
            if c.type.kind == "varchar" and c.type.length is None:
                yield Hit(t.key, c.name, f"{t.key}.{c.name} is varchar without a length",
                          "give the length the data needs, e.g. varchar(255), or use text when it is "
                          "really unbounded")


_CREATED = _word_pattern("created_at", "created_on", "inserted_at", "creation_time", "date_created",
                         "created_time", "create_time", "created")
_UPDATED = _word_pattern("updated_at", "updated_on", "modified_at", "modified_on", "last_modified",
                         "changed_at", "update_time", "updated_time", "updated")


def _is_junction(t: Table) -> bool:
    """Every column is part of the primary key and of a foreign key (a pure many-to-many table)."""
    fk_cols = _fk_columns(t)
    return bool(t.primary_key) and all(c.name in t.primary_key and c.name in fk_cols for c in t.columns)


@rule("DM106", "missing-timestamps", "info")
def missing_timestamps(schema: Schema) -> Iterator[Hit]:
    """A table without created/updated timestamps (and without the ``timestamps`` flag): nobody can
    tell when a row appeared or last changed, which support, sync and audits all ask. Pure junction
    tables are exempt."""
    for t in schema.tables:
        if t.timestamps or _is_junction(t):
            continue
        temporal = [_words(c.name) for c in t.columns if c.type.kind in ("timestamp", "timestamptz", "date")]
        missing = [what for what, pattern in (("created_at", _CREATED), ("updated_at", _UPDATED))
                   if not any(pattern.search(n) for n in temporal)]
        if missing:
            yield Hit(t.key, None, f"table {t.key} has no {' or '.join(missing)} column",
                      "add " + " and ".join(f"`{m} timestamptz not null default now()`" for m in missing)
                      + ", or set the table's timestamps flag")


_TEXTLIKE = frozenset({"char", "varchar", "text", "bytes", "json"})
_DATES = frozenset({"date", "timestamp", "timestamptz"})

#: (folded-name pattern, what it looks like, kinds it can hold). Names (first_name, ...) are not
#: listed: nearly every table has one, and flagging them all would drown the findings that matter.
SENSITIVE: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...] = (
    (_word_pattern("e_?mail", "email_address"), "an e-mail address", _TEXTLIKE),
    (_word_pattern("phone", "mobile", "telephone", "tel", "fax", "msisdn"), "a phone number",
     _TEXTLIKE | INTEGER_KINDS),
    (_word_pattern("password", "passwd", "pwd", "pass_?hash", "password_hash"), "a password", _TEXTLIKE),
    (_word_pattern("token", "secret", "api_?key", "private_key", "access_key", "secret_key", "otp", "pin",
                   "salt", "session_id", "refresh_token"), "a credential", _TEXTLIKE | {"uuid"}),
    (_word_pattern("ssn", "social_security", "social_security_number", "national_id", "tax_id", "tin",
                   "passport", "passport_number", "driver_license", "drivers_license", "licence_number",
                   "license_number"), "a government identifier", _TEXTLIKE | INTEGER_KINDS),
    (_word_pattern("card", "card_number", "credit_card", "cc_number", "cvv", "cvc", "pan"), "a payment card",
     _TEXTLIKE | INTEGER_KINDS),
    (_word_pattern("iban", "bic", "swift", "account_number", "routing_number", "bank_account", "sort_code"),
     "a bank account", _TEXTLIKE | INTEGER_KINDS),
    (_word_pattern("dob", "birth", "birthday", "birthdate", "date_of_birth", "birth_date"), "a birth date",
     _DATES | _TEXTLIKE),
    (_word_pattern("address", "street", "postcode", "postal_code", "zip", "zipcode", "zip_code", "ip",
                   "ip_address", "geolocation"), "an address", _TEXTLIKE),
    (_word_pattern("salary", "wage", "income", "compensation"), "pay", NUMERIC_KINDS),
)


def _sensitive_kind(column: Column) -> str | None:
    name = _words(column.name)
    for pattern, what, kinds in SENSITIVE:
        if column.type.kind in kinds and pattern.search(name):
            return what
    return None


@rule("DM107", "sensitive-not-marked", "warning")
def sensitive_not_marked(schema: Schema) -> Iterator[Hit]:
    """A column whose name says it holds personal or secret data (email, phone, password, token,
    ssn, card, iban, birth date, address, salary, ...) but is not marked ``sensitive``, so sample
    data, exports and masking treat it as harmless. Foreign-key columns (they hold keys, not the
    data) and columns of a type that cannot hold such data (``email_verified_at`` is a timestamp)
    are skipped."""
    for t in schema.tables:
        fk_cols = _fk_columns(t)
        for c in t.columns:
            if c.sensitive or c.name in fk_cols:
                continue
            what = _sensitive_kind(c)
            if what:
                yield Hit(t.key, c.name, f"{t.key}.{c.name} looks like {what} but is not marked sensitive",
                          f"mark it: add `sensitive` to its spec (m.alter_column('{t.key}.{c.name}', "
                          "sensitive=True))")


@rule("DM108", "identifier-too-long", "error")
def identifier_too_long(schema: Schema) -> Iterator[Hit]:
    """A name longer than 63 bytes (UTF-8): PostgreSQL silently truncates it to 63 and MySQL rejects
    names over 64 characters, so the database would not carry the name the model says."""
    for table, column, kind, name in _identifiers(schema):
        size = len(name.encode())
        if size > MAX_IDENTIFIER_BYTES:
            yield Hit(table, column, f"{kind} name {name!r} is {size} bytes; PostgreSQL keeps only "
                      f"{MAX_IDENTIFIER_BYTES}", f"shorten it to at most {MAX_IDENTIFIER_BYTES} bytes")


@cache
def _sqlite_reserved() -> frozenset[str]:
    """SQLite keywords the installed engine refuses as bare identifiers.

    SQLite lets most of its keywords be identifiers (its parser falls back), so its full keyword
    list (SQLAlchemy's ``SQLiteIdentifierPreparer.reserved_words``, copied in :mod:`._words`) would
    flag harmless names like ``action`` or ``key``. Asking the engine itself is exact for the SQLite
    in use and takes ~5 ms. The probe must put the word *unquoted* into the statement, which no SQL
    tree builder does (they quote); the words come from SQLAlchemy's fixed list, never from user input.
    """
    from ._words import SQLITE_CANDIDATES

    refused = set()
    con = sqlite3.connect(":memory:")
    try:
        for word in sorted(SQLITE_CANDIDATES):
            try:
                con.execute(f"CREATE TEMP TABLE {word} ({word} INTEGER)")
                con.execute(f"DROP TABLE {word}")
            except sqlite3.Error:
                refused.add(word)
    finally:
        con.close()
    return frozenset(refused)


@cache
def reserved_words() -> dict[str, frozenset[str]]:
    """Lower-case reserved words per engine, from the libraries that quote for us.

    MySQL (standing for MariaDB too) and DuckDB: sqlglot's generator lists (``RESERVED_KEYWORDS``,
    which follow the vendors' reserved-word pages); PostgreSQL: SQLAlchemy's list (sqlglot has
    none; copied in :mod:`._words`, so lint starts without SQLAlchemy; DuckDB's is copied too, in
    :mod:`dbmodel_kit.model._sqlglot_duckdb`, as its dialect is slow to load); SQLite: see
    :func:`_sqlite_reserved`. SQLAlchemy's MariaDB list is not used: it adds
    the Oracle-mode words (``body``, ``package``, ...), which plain MariaDB accepts as names.

    >>> "order" in reserved_words()["PostgreSQL"], "status" in reserved_words()["MySQL"]
    (True, False)
    """
    from sqlglot.dialects.mysql import MySQL

    from ..model._sqlglot_duckdb import RESERVED as DUCKDB
    from ._words import POSTGRES

    return {
        "PostgreSQL": frozenset(POSTGRES),
        "MySQL": frozenset(MySQL.Generator.RESERVED_KEYWORDS),
        "SQLite": _sqlite_reserved(),
        "DuckDB": DUCKDB,
    }


@rule("DM109", "reserved-word", "warning")
def reserved_word(schema: Schema) -> Iterator[Hit]:
    """A table or column named with a reserved word of an engine (``order``, ``user``, ``group``,
    ``desc``, ...): the kit's DDL quotes it, but every hand-written query must quote it too, and
    forgetting gives a syntax error."""
    words = reserved_words()
    for t in schema.tables:
        for column, name in [(None, t.key), *((c.name, c.name) for c in t.columns)]:
            engines = [engine for engine, reserved in words.items() if name.lower() in reserved]
            if engines:
                kind = "table" if column is None else "column"
                better = f"{t.name}_{name}" if column else f"{name}s"
                yield Hit(t.key, column, f"{kind} name {name!r} is a reserved word in {', '.join(engines)}",
                          f"rename it (e.g. {better}) so hand-written queries need no quoting")


@rule("DM110", "boolean-index", "warning")
def boolean_index(schema: Schema) -> Iterator[Hit]:
    """An index on a lone boolean column: with two values it selects half the table, so the planner
    rarely uses it while every write pays for it."""
    for t in schema.tables:
        for ix in t.indexes:
            if len(ix.columns) == 1 and ix.where is None and t.column(ix.columns[0]).type.kind == "boolean":
                col = ix.columns[0]
                yield Hit(t.key, col, f"index {ix.name} is on the boolean {t.key}.{col} alone",
                          f"drop it, make it partial (WHERE {col}) for the rare value, or lead with a selective "
                          "column")


@rule("DM111", "redundant-index", "warning")
def redundant_index(schema: Schema) -> Iterator[Hit]:
    """An index whose columns are the leading columns of another index, the primary key or a unique
    constraint (or an exact duplicate): the other one already serves every lookup it could, and each
    index slows every write. Partial, covering and non-B-tree indexes are left alone."""
    for t in schema.tables:
        paths = _access_paths(t)
        for i, p in enumerate(paths):
            if p.kind not in ("index", "unique index") or p.where or p.include or not _is_btree(p):
                continue
            for j, q in enumerate(paths):
                if j == i or q.where is not None or not _is_btree(q):
                    continue
                if p.unique:
                    # a unique index enforces something; only the same key enforced earlier replaces it
                    redundant = q.unique and q.columns == p.columns and j < i
                else:
                    same = q.columns == p.columns
                    redundant = q.columns[: len(p.columns)] == p.columns and (not same or j < i or q.unique)
                if redundant:
                    yield Hit(t.key, p.columns[0], f"{p.describe()} is redundant: {q.describe()} already "
                              "covers it", f"drop index {p.name}")
                    break


@rule("DM112", "nullable-in-unique", "warning")
def nullable_in_unique(schema: Schema) -> Iterator[Hit]:
    """A multi-column unique constraint or unique index with a nullable column: NULLs never compare
    equal, so rows duplicating the other columns slip through whenever one value is NULL. (A single
    nullable unique column is the usual "optional but unique" pattern and is not flagged.)"""
    for t in schema.tables:
        for p in _access_paths(t):
            if not p.unique or len(p.columns) < 2:
                continue
            nullable = [c for c in p.columns if t.column(c).nullable]
            for c in nullable:
                yield Hit(t.key, c, f"{t.key}.{c} is nullable but part of {p.describe()}",
                          f"make {t.key}.{c} NOT NULL, or use NULLS NOT DISTINCT (PostgreSQL 15+) / a partial "
                          "unique index")


def _in_list(expression: str) -> tuple[str, list[str]] | None:
    """(column, values) when ``expression`` is ``column IN ('a', 'b', ...)``."""
    tree = sqlglot.parse_one(expression)
    if isinstance(tree, exp.Paren):
        tree = tree.this
    if (isinstance(tree, exp.In) and isinstance(tree.this, exp.Column) and tree.expressions
            and all(isinstance(v, exp.Literal) and v.is_string for v in tree.expressions)):
        return tree.this.name, [v.name for v in tree.expressions]
    return None


@rule("DM113", "enum-like-check", "info")
def enum_like_check(schema: Schema) -> Iterator[Hit]:
    """A text column limited by ``CHECK (col IN ('a', 'b', ...))``: that is an enum. Declaring it as
    one documents the values once, lets tools offer them, and maps to each engine's best form."""
    for t in schema.tables:
        for ck in t.checks:
            found = _in_list(ck.expression)
            if found and t.has_column(found[0]) and t.column(found[0]).type.kind in ("char", "varchar", "text"):
                col, values = found
                yield Hit(t.key, col, f"{t.key}.{col} is text limited to {len(values)} values by check "
                          f"{ck.name}", f"declare an enum: m.add_enum('{t.key}_{col}', "
                          + ", ".join(repr(v) for v in values) + f") and make {col} that enum")


@rule("DM114", "fk-type-differs", "warning")
def fk_type_differs(schema: Schema) -> Iterator[Hit]:
    """A foreign-key column whose type is not exactly the referenced column's (``integer`` to
    ``bigint``, ``varchar(50)`` to ``varchar(100)``): the engine converts on every join, and values
    the parent can hold may not fit the child."""
    for t in schema.tables:
        for fk in t.foreign_keys:
            parent = schema.table(fk.ref_table)
            for col, ref in zip(fk.columns, fk.ref_columns, strict=True):
                a, b = t.column(col).type, parent.column(ref).type
                if a != b:
                    yield Hit(t.key, col, f"{t.key}.{col} is {a} but references {fk.ref_table}.{ref}, "
                              f"which is {b}", f"make {t.key}.{col} {b}")


@rule("DM115", "impossible-fk-action", "error")
def impossible_fk_action(schema: Schema) -> Iterator[Hit]:
    """``ON DELETE/UPDATE SET NULL`` on a NOT NULL column (or ``SET DEFAULT`` on a NOT NULL column
    without a default): the action can never succeed, so deleting the parent row fails instead."""
    for t in schema.tables:
        for fk in t.foreign_keys:
            for event, action in (("delete", fk.on_delete), ("update", fk.on_update)):
                for col in fk.columns:
                    c = t.column(col)
                    if c.nullable or action not in ("SET NULL", "SET DEFAULT"):
                        continue
                    if action == "SET DEFAULT" and c.default is not None:
                        continue
                    yield Hit(t.key, col, f"foreign key {fk.name} has ON {event.upper()} {action} but "
                              f"{t.key}.{col} is NOT NULL" + (" without a default" if action == "SET DEFAULT"
                                                              else ""),
                              f"make {t.key}.{col} nullable, or use ON {event.upper()} CASCADE / RESTRICT")


@rule("DM116", "unbreakable-fk-cycle", "error")
def unbreakable_fk_cycle(schema: Schema) -> Iterator[Hit]:
    """A cycle of foreign keys between tables whose columns are all NOT NULL: no row of the cycle
    can be inserted first (DuckDB, MySQL and SQLite's default cannot defer the check)."""
    edges: dict[str, list[ForeignKey]] = {t.key: [] for t in schema.tables}
    for t in schema.tables:
        edges[t.key] = [fk for fk in t.foreign_keys
                         if fk.ref_table != t.key and all(not t.column(c).nullable for c in fk.columns)]

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        stack = [start]
        while stack:
            for fk in edges[stack.pop()]:
                if fk.ref_table not in seen:
                    seen.add(fk.ref_table)
                    stack.append(fk.ref_table)
        return seen

    reach = {name: reachable(name) for name in edges}
    for t in schema.tables:
        for fk in edges[t.key]:
            if t.key in reach[fk.ref_table]:  # the parent leads back here: a cycle
                cols = ", ".join(fk.columns)
                yield Hit(t.key, fk.columns[0], f"foreign key {t.key}({cols}) -> {fk.ref_table} is part of "
                          "a cycle of NOT NULL foreign keys, so no row of the cycle can be inserted first",
                          f"make {t.key}({cols}) nullable (fill it in after both rows exist)")


@rule("DM117", "unused-enum", "info")
def unused_enum(schema: Schema) -> Iterator[Hit]:
    """An enum no column uses: dead weight in the DDL (PostgreSQL creates the type anyway)."""
    used = {c.type.enum for t in schema.tables for c in t.columns if c.type.kind == "enum"}
    for e in schema.enums:
        if e.key not in used:  # (a column's type names its enum by key: sales.status)
            yield Hit(None, None, f"enum {e.key} is not used by any column", f"drop enum {e.key}, or use it")


@rule("DM118", "duplicate-foreign-key", "warning")
def duplicate_foreign_key(schema: Schema) -> Iterator[Hit]:
    """Two foreign keys on the same columns to the same parent columns: the second checks nothing
    new and costs a lookup on every write."""
    for t in schema.tables:
        seen: dict[tuple[object, ...], str] = {}
        for fk in t.foreign_keys:
            key = (frozenset(zip(fk.columns, fk.ref_columns)), fk.ref_table)
            if key in seen:
                yield Hit(t.key, fk.columns[0], f"foreign key {fk.name} duplicates {seen[key]}",
                          f"drop foreign key {fk.name}")
            else:
                seen[key] = fk.name


_DELETED = _word_pattern("deleted_at", "deleted_on", "archived_at", "removed_at")


@rule("DM119", "unique-ignores-soft-delete", "info")
def unique_ignores_soft_delete(schema: Schema) -> Iterator[Hit]:
    """A soft-deleted table (the ``soft_delete`` flag or a ``deleted_at`` column) with a unique
    constraint that counts deleted rows: a deleted user's e-mail can never be used again."""
    for t in schema.tables:
        marker = next((c.name for c in t.columns if _DELETED.search(_words(c.name)) and c.nullable), None)
        if marker is None and not t.soft_delete:
            continue
        flag = marker or "deleted_at"
        for p in _access_paths(t):
            if p.unique and p.where is None and p.kind != "primary key" and flag not in p.columns:
                cols = ", ".join(p.columns)
                yield Hit(t.key, p.columns[0], f"{p.describe()} also counts soft-deleted rows",
                          f"if deleted rows may free the value, replace it by a unique index on ({cols}) "
                          f"WHERE {flag} IS NULL")


_PLAIN_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@rule("DM120", "identifier-needs-quoting", "warning")
def identifier_needs_quoting(schema: Schema) -> Iterator[Hit]:
    """A table, column or enum name that is not plain lower-case ``snake_case`` (upper case, spaces,
    punctuation, a leading digit): PostgreSQL folds unquoted names to lower case and the others
    reject the characters, so every query must quote it exactly (see the PostgreSQL wiki's "Don't
    Do This: Don't use upper case table or column names")."""
    for table, column, kind, name in _identifiers(schema):
        if kind in ("table", "column", "enum") and not _PLAIN_NAME.match(name):
            better = _words(name) or "a plain name"
            if better and better[0].isdigit():
                better = f"{kind}_{better}"
            yield Hit(table, column, f"{kind} name {name!r} must be quoted in every query",
                      f"rename it in lower-case snake_case, e.g. {better}")


@rule("DM121", "not-portable", "info")
def not_portable(schema: Schema) -> Iterator[Hit]:
    """What the kit keeps as one engine's SQL and cannot carry to the others: verbatim objects
    (triggers, functions, extensions, ...), views whose query sqlglot does not transpile,
    native-only column types and partitions (PostgreSQL's declarative partitioning). The DDL
    for another engine leaves them out (or stores them differently) with a note; this lists them
    up front, one place each."""
    # the engines' names from the model (dbmodel_kit.dialects and ddl import SQLAlchemy: only
    # a schema with views needs them here)
    from ..model.types import DIALECT_NAMES as DIALECTS

    for o in schema.verbatim:
        others = ", ".join(d for d in DIALECTS if d != o.dialect)
        where = next((d for d in o.depends_on if schema.has_table(d)), None)
        yield Hit(where, None, f"{o.kind} {o.key} is kept as {o.dialect} SQL: not created on {others}",
                  f"write it for each engine that needs it (one {o.kind} per dialect), or leave it to the "
                  f"application")
    objects = {o.key: o for o in schema.verbatim}
    for v in schema.views:
        from ..ddl.objects import view_sql

        missing = [d for d in DIALECTS if view_sql(v, d)[0] is None]
        if missing:
            yield Hit(None, None, f"view {v.key} ({v.dialect or 'generic SQL'}) is not created on "
                                  f"{', '.join(missing)}: its query does not transpile there",
                      "write the query in portable SQL, or keep one view per dialect")
        # a view calling a routine kept as one engine's SQL exists only where that routine does
        calls = [objects[d] for d in v.depends_on if d in objects]
        absent = [d for d in DIALECTS if d not in missing and any(o.dialect != d for o in calls)]
        if absent:
            yield Hit(None, None, f"view {v.key} is not created on {', '.join(absent)}: it calls "
                                  f"{', '.join(f'{o.kind} {o.key}' for o in calls)} ({calls[0].dialect} only)",
                      "keep the routine for each engine that needs the view, or compute it in the query")
    for t in schema.tables:
        for c in t.columns:
            if c.type.kind == "native":
                have = {d for d, _ in c.type.native}
                yield Hit(t.key, c.name, f"{t.key}.{c.name} has a native type ({c.type}) with no spelling for "
                                         f"{', '.join(d for d in DIALECTS if d not in have)}",
                          "give a logical type (the native spelling stays for its engine) or a spelling per engine")
        if t.partition_by is not None:
            parts = len(schema.partitions(t.key))
            yield Hit(t.key, None, f"{t.key} is partitioned ({t.partition_by}, {parts} partition"
                                   f"{'' if parts == 1 else 's'}): only "
                                   "PostgreSQL keeps the partitions; elsewhere the table holds every row",
                      "nothing to do unless the partitions matter on the other engines")


#: Every rule, in the order they run and report.
RULES: tuple[Rule, ...] = (
    no_primary_key,
    fk_not_indexed,
    money_as_float,
    timestamp_without_time_zone,
    varchar_without_length,
    missing_timestamps,
    sensitive_not_marked,
    identifier_too_long,
    reserved_word,
    boolean_index,
    redundant_index,
    nullable_in_unique,
    enum_like_check,
    fk_type_differs,
    impossible_fk_action,
    unbreakable_fk_cycle,
    unused_enum,
    duplicate_foreign_key,
    unique_ignores_soft_delete,
    identifier_needs_quoting,
    not_portable,
)
