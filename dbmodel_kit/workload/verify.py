"""Set-based verification of a filled database against the constraints of its model.

Every PRIMARY KEY, UNIQUE (constraint or unique index, partial ones on their rows), FOREIGN KEY,
NOT NULL, CHECK and enum of a :class:`~dbmodel_kit.model.schema.Schema` becomes one query over
the whole table rather than a test per row: ``GROUP BY ... HAVING count(*) > 1`` for a key, an
anti-join (``NOT EXISTS``) for a foreign key, and one scan per table that counts the rows failing
each row-local rule (NOT NULL, CHECK, enum values). A rule that fails raises
:class:`ConstraintViolation`, which names the table, the constraint and an example row.

The queries are sqlglot trees written for the engine they run on (DuckDB, SQLite, PostgreSQL);
checks keep SQL's meaning: a CHECK fails only where its expression is false (NULL passes), and a
foreign key or unique key holds for any row with a NULL in one of its columns (MATCH SIMPLE).

>>> import duckdb
>>> from dbmodel_kit import Model
>>> m = Model()
>>> _ = m.add_table("t", id="integer pk", n="integer not null check (n > 0)")
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TABLE t (id INTEGER, n INTEGER)")
>>> _ = con.execute("INSERT INTO t VALUES (1, 5), (2, -1)")
>>> try:
...     verify(con, "duckdb", m.schema)
... except ConstraintViolation as e:
...     print(e)
t: check ck_t_n (n > 0) does not hold: 1 row fails it, e.g. (id=2, n=-1)
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from ..errors import ModelError
from ..model.naming import not_null_name, primary_key_name
from ..model.schema import Schema, Table

#: the kinds of constraint, in the order a report lists them
KINDS = ("primary key", "unique", "foreign key", "not null", "check")

#: how a constraint was verified (the words a report shows)
ROW = "engine, on every row as it was written"
ADDED = "engine, when the key was added after the fill"
SQL = "set-based SQL after the fill"
PRAGMA_FK = "PRAGMA foreign_key_check after the fill"
VALIDATED = "engine, when the constraint was added and validated after the fill"


@dataclass(frozen=True)
class Rule:
    """One constraint of the model as a test over a table's rows."""

    table: str
    name: str
    kind: str  #: one of :data:`KINDS`
    columns: tuple[str, ...]
    #: row-local rules: true on a row that breaks the rule (NOT NULL, CHECK, enum)
    fails: exp.Expression | None = None
    #: keys: the rows the key covers (a partial unique index's WHERE), None: every row
    where: exp.Expression | None = None
    ref_table: str = ""
    ref_columns: tuple[str, ...] = ()
    text: str = ""  #: the rule in words, for messages (a check's expression)
    enum: bool = False  #: an enum column's values (a CHECK, or the column's type where the engine has enums)
    index: bool = False  #: a unique index (not a constraint)

    def describe(self) -> str:
        what = f"{self.kind} {self.name}"
        if self.text:
            return f"{what} ({self.text})"
        cols = ", ".join(self.columns)
        if self.kind == "foreign key":
            return f"{what} ({cols}) -> {self.ref_table} ({', '.join(self.ref_columns)})"
        return f"{what} ({cols})"


@dataclass(frozen=True)
class Held:
    """How one constraint of the model holds in a filled database: declared there (the engine keeps
    it from now on) and/or verified (and how)."""

    table: str
    name: str
    kind: str
    columns: tuple[str, ...]
    declared: bool
    verified: str  #: how it was verified ('' when it was not)

    @property
    def status(self) -> str:
        if self.declared and self.verified:
            return "declared and verified"
        return "declared" if self.declared else "verified" if self.verified else "neither"


@dataclass(frozen=True)
class ConstraintReport(Sequence[Held]):
    """Which constraints of the model a filled database declares, and which were verified how."""

    items: tuple[Held, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __getitem__(self, i: Any) -> Any:
        return self.items[i]

    def __len__(self) -> int:
        return len(self.items)

    def counts(self) -> dict[str, int]:
        """How many constraints are declared and verified, only declared, only verified."""
        out: dict[str, int] = {}
        for h in self.items:
            out[h.status] = out.get(h.status, 0) + 1
        return out

    def summary(self) -> str:
        """One line: how many constraints were declared and/or verified."""
        if not self.items:
            return "no constraints to verify"
        order = ("declared and verified", "verified", "declared", "neither")
        counts = self.counts()
        text = ", ".join(f"{counts[k]} {k}" for k in order if counts.get(k))
        return f"{len(self.items)} constraints: {text}"

    def to_frame(self) -> Any:
        """The report as a pandas DataFrame (one row per constraint)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "table": h.table,
                    "constraint": h.name,
                    "kind": h.kind,
                    "columns": ", ".join(h.columns),
                    "declared": h.declared,
                    "verified": h.verified,
                }
                for h in self.items
            ],
            columns=["table", "constraint", "kind", "columns", "declared", "verified"],
        )

    def __str__(self) -> str:
        lines = [self.summary()]
        width = max((len(f"{h.table}.{h.name}") for h in self.items), default=0)
        for h in self.items:
            how = f"verified: {h.verified}" if h.verified else "not verified"
            lines.append(
                f"  {h.table + '.' + h.name:<{width}}  {h.kind:<11}  "
                f"{'declared' if h.declared else 'not declared':<12}  {how}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(h.table)}</td><td>{html.escape(h.name)}</td><td>{h.kind}</td>"
            f"<td>{'yes' if h.declared else 'no'}</td><td>{html.escape(h.verified or 'no')}</td></tr>"
            for h in self.items
        )
        return (
            f"<div><b>{html.escape(self.summary())}</b><table><tr><th>table</th><th>constraint</th>"
            f"<th>kind</th><th>declared</th><th>verified</th></tr>{rows}</table></div>"
        )


class ConstraintViolation(ModelError):
    """Rows that break a constraint of the model: names the table, the constraint and an example row."""

    def __init__(self, rule: Rule, example: dict[str, Any] | None, count: int | None = None) -> None:
        self.rule, self.example, self.count = rule, example, count
        many = "" if count is None else f": {count:,} row{'s' if count != 1 else ''} fail{'s' if count == 1 else ''} it"
        row = f", e.g. {_show(example)}" if example else ""
        super().__init__(f"{rule.describe()} does not hold{many}{row}", where=rule.table)


def _show(row: dict[str, Any]) -> str:
    def one(v: Any) -> str:
        text = repr(v) if isinstance(v, str) else str(v)
        return text if len(text) <= 60 else text[:57] + "..."

    return "(" + ", ".join(f"{k}={one(v)}" for k, v in row.items()) + ")"


# -- the rules of a model -------------------------------------------------------------------------
def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _table(key: str, alias: str | None = None) -> exp.Table:
    """The table of model key ``key`` (``sales.orders`` in its schema), quoted."""
    from .sample import table_ref

    t = table_ref(key)
    return t.as_(alias) if alias else t  # type: ignore[return-value]


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(_ident(name), table=exp.to_identifier(table) if table else None)


def _is_null(e: exp.Expression) -> exp.Expression:
    return exp.Is(this=e, expression=exp.Null())


def _not_null(e: exp.Expression) -> exp.Expression:
    return exp.Not(this=_is_null(e))


def quoted_tree(sql: str) -> exp.Expression:
    """A model expression (generic SQL) as a tree whose column names are quoted (they are the model's names)."""
    tree = sqlglot.parse_one(sql)
    for c in tree.find_all(exp.Column):
        c.set("this", _ident(c.name))
    return tree


def rules(schema: Schema, tables: Iterable[str] | None = None) -> list[Rule]:
    """Every constraint of ``schema`` (of ``tables``, default all) as a :class:`Rule`."""
    wanted = None if tables is None else set(tables)
    out: list[Rule] = []
    for t in schema.tables:
        if wanted is not None and t.key not in wanted:
            continue
        out += _table_rules(schema, t)
    return out


def _table_rules(schema: Schema, t: Table) -> list[Rule]:
    out: list[Rule] = []
    if t.primary_key:
        out.append(Rule(t.key, primary_key_name(t.name), "primary key", tuple(t.primary_key)))
    for u in t.uniques:
        out.append(Rule(t.key, u.name, "unique", tuple(u.columns)))
    for ix in t.indexes:
        if ix.unique:
            where = quoted_tree(ix.where) if ix.where else None
            out.append(
                Rule(
                    t.key,
                    ix.name,
                    "unique",
                    tuple(ix.columns),
                    where=where,
                    index=True,
                    text=f"unique index on ({', '.join(ix.columns)})" + (f" WHERE {ix.where}" if ix.where else ""),
                )
            )
    for fk in t.foreign_keys:
        out.append(
            Rule(
                t.key,
                fk.name,
                "foreign key",
                tuple(fk.columns),
                ref_table=fk.ref_table,
                ref_columns=tuple(fk.ref_columns),
            )
        )
    for c in t.columns:
        if not c.nullable:
            out.append(Rule(t.key, not_null_name(c.name), "not null", (c.name,), fails=_is_null(_col(c.name))))
    for c in t.columns:
        if c.type.kind == "enum":
            values = schema.enum(c.type.enum or "").values
            from ..ddl import enum_check_name

            test = exp.In(this=_col(c.name), expressions=[exp.Literal.string(v) for v in values])
            out.append(
                Rule(
                    t.key,
                    enum_check_name(t.name, c.name),
                    "check",
                    (c.name,),
                    fails=exp.Not(this=test),
                    text=f"{c.name} in enum {c.type.enum}",
                    enum=True,
                )
            )
    for ck in t.checks:
        out.append(
            Rule(
                t.key,
                ck.name,
                "check",
                tuple(ck.columns),
                fails=exp.Not(this=exp.paren(quoted_tree(ck.expression))),
                text=ck.expression,
            )
        )
    return out


# -- running them ---------------------------------------------------------------------------------
def _rows(con: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description] if cur.description else []
    return names, cur.fetchall()


def _example(con: Any, dialect: str, rule: Rule, source: exp.Expression | None = None) -> dict[str, Any] | None:
    """One row of ``rule.table`` (or of ``source``, a relation with its columns) that breaks ``rule``."""
    query = violations_query(rule, dialect, source)
    names, rows = _rows(con, query.limit(1).sql(dialect))
    return dict(zip(names, rows[0], strict=True)) if rows else None


def violations_query(rule: Rule, dialect: str, source: exp.Expression | None = None) -> exp.Select:
    """The rows of the table (or of ``source``) that break ``rule``: for a key, the rows of one
    duplicated key value with their count; for a foreign key, the rows with no parent."""
    src = source.copy() if source is not None else _table(rule.table)
    if rule.fails is not None:
        return exp.select("*").from_(src).where(rule.fails.copy())
    if rule.kind == "foreign key":
        child = src.as_("__c") if source is None else exp.alias_(src, "__c", table=True)
        match = exp.and_(
            *[
                exp.EQ(this=_col(r, "__p"), expression=_col(c, "__c"))
                for c, r in zip(rule.columns, rule.ref_columns, strict=True)
            ]
        )
        missing = exp.Not(
            this=exp.Exists(this=exp.select(exp.Literal.number(1)).from_(_table(rule.ref_table, "__p")).where(match))
        )
        return exp.select("*").from_(child).where(exp.and_(*[_not_null(_col(c, "__c")) for c in rule.columns], missing))
    cols = [_col(c) for c in rule.columns]
    conds = [_not_null(c.copy()) for c in cols]
    if rule.where is not None:
        conds.append(rule.where.copy())
    return (
        exp.select(*[c.copy() for c in cols], exp.alias_(exp.func("count", exp.Star()), "duplicates"))
        .from_(src)
        .where(exp.and_(*conds))
        .group_by(*[c.copy() for c in cols])
        .having(exp.GT(this=exp.func("count", exp.Star()), expression=exp.Literal.number(1)))
    )


def check_rules(
    con: Any, dialect: str, checks: Sequence[Rule], source: dict[str, exp.Expression] | None = None
) -> None:
    """Run ``checks`` as set-based SQL on ``con`` (a DB-API connection of ``dialect``); raise
    :class:`ConstraintViolation` for the first that fails. Row-local rules of one table share one scan.
    ``source`` reads a table's rows from another relation (the generator's view, before they are written)."""
    source = source or {}
    by_table: dict[str, list[Rule]] = {}
    for r in checks:
        if r.fails is not None:
            by_table.setdefault(r.table, []).append(r)
    for table, local in by_table.items():
        src = source.get(table, _table(table))
        sums = [
            exp.alias_(
                exp.func(
                    "sum",
                    exp.Case(
                        ifs=[exp.If(this=r.fails.copy(), true=exp.Literal.number(1))], default=exp.Literal.number(0)
                    ),
                ),
                f"__r{k}",
            )
            for k, r in enumerate(local)
            if r.fails is not None
        ]
        counts = con.execute(exp.select(*sums).from_(src.copy()).sql(dialect)).fetchone()
        for r, n in zip(local, counts, strict=True):
            if n:
                raise ConstraintViolation(r, _example(con, dialect, r, source.get(table)), int(n))
    for r in checks:
        if r.fails is not None:
            continue
        found = _example(con, dialect, r, source.get(r.table))
        if found is not None:
            raise ConstraintViolation(r, found)


def first_violation(
    con: Any, dialect: str, checks: Sequence[Rule], source: dict[str, exp.Expression] | None = None
) -> ConstraintViolation | None:
    """The :class:`ConstraintViolation` :func:`check_rules` would raise, or None."""
    try:
        check_rules(con, dialect, checks, source)
    except ConstraintViolation as e:
        return e
    return None


def sqlite_foreign_keys(con: Any, schema: Schema, checks: Sequence[Rule]) -> None:
    """SQLite's own ``PRAGMA foreign_key_check`` for the tables of ``checks``; a row it reports is
    raised as the :class:`ConstraintViolation` of the foreign key it breaks, with that row."""
    fk_rules = {(r.table, r.ref_table, r.columns): r for r in checks if r.kind == "foreign key"}
    for table in dict.fromkeys(r.table for r in fk_rules.values()):
        pragma = f"PRAGMA foreign_key_check({exp.to_identifier(table, quoted=True).sql('sqlite')})"
        found = con.execute(pragma).fetchone()
        if found is None:
            continue
        _table_name, rowid, parent, fkid = found
        # foreign_key_list numbers a table's FKs; its rows for one id give the columns in order
        listed = [
            r
            for r in con.execute(f"PRAGMA foreign_key_list({exp.to_identifier(table, quoted=True).sql('sqlite')})")
            if r[0] == fkid
        ]
        cols = tuple(r[3] for r in sorted(listed, key=lambda r: r[1]))
        rule = fk_rules.get((table, parent, cols)) or next(r for r in fk_rules.values() if r.table == table)
        names, rows = _rows(
            con,
            exp.select("*")
            .from_(_table(table))
            .where(exp.EQ(this=exp.column("rowid"), expression=exp.Literal.number(rowid)))
            .sql("sqlite"),
        )
        raise ConstraintViolation(rule, dict(zip(names, rows[0], strict=True)) if rows else None)


def verify(con: Any, dialect: str, schema: Schema, tables: Iterable[str] | None = None) -> None:
    """Check every constraint of ``schema`` (of ``tables``) over the rows in ``con`` with set-based SQL;
    raise :class:`ConstraintViolation` naming table, constraint and an example row for the first that fails."""
    check_rules(con, dialect, rules(schema, tables))


__all__ = [
    "KINDS",
    "ConstraintReport",
    "ConstraintViolation",
    "Held",
    "Rule",
    "check_rules",
    "first_violation",
    "rules",
    "sqlite_foreign_keys",
    "verify",
    "violations_query",
]
