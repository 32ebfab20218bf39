"""Work that grows with the schema grows linearly: the number of table checks, SQLAlchemy tables and
sqlglot parses *per table* of a migration does not grow with the number of tables. Counted, never
timed (docs/benchmarks.md, "Scale", has the times)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlglot.parser import Parser

from dbmodel_kit import Column, ddl
from dbmodel_kit.ddl import create_sql
from dbmodel_kit.export import files
from dbmodel_kit.lint import lint
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import to_alembic, to_sql
from dbmodel_kit.model.schema import Domain, Enum, Index, Schema, Sequence, Verbatim
from dbmodel_kit.model.spec import build_table
from dbmodel_kit.review import review


def schema_of(n: int) -> Schema:
    """``n`` tables, each with an identity key, a CHECK, an enum column, an index and (but the
    first) a foreign key to an earlier table."""
    tables = []
    for i in range(n):
        columns = {"id": "integer pk identity", "name": "varchar(80) not null",
                   "amount": "decimal(10,2) not null check (amount >= 0)", "status": "enum(state) not null"}
        if i:
            columns["parent_id"] = f"integer references t{(i * 7) % i} on delete cascade"
        tables.append(build_table(f"t{i}", columns, indexes=(Index(("name",), name=f"ix_t{i}_name"),)))
    return Schema(tuple(tables), enums=(Enum("state", ("new", "done")),))


def schema_with_objects(n: int) -> Schema:
    """:func:`schema_of` with, per 5 tables, an enum, a domain, a sequence owned by a table and a
    function returning a table's rows (a plan adds the last two after the tables, its reverse drops
    them before: each while every table is there)."""
    s = schema_of(n)
    k = max(1, n // 5)
    tables = tuple(replace(t, columns=(*t.columns, Column("code", f"domain(code{i % k})")))
                   if i % 10 == 0 else t for i, t in enumerate(s.tables))
    return Schema(tables, enums=(*s.enums, *(Enum(f"mood{i}", ("ok", "not ok")) for i in range(k))),
                  domains=tuple(Domain(f"code{i}", "varchar(10)") for i in range(k)),
                  sequences=tuple(Sequence(f"seq{i}", owned_by=(f"t{i}", "id")) for i in range(k)),
                  verbatim=tuple(Verbatim("function", f"rows_of_t{i}", "postgresql",
                                          f"CREATE FUNCTION rows_of_t{i}() RETURNS SETOF t{i} AS $$ SELECT * FROM t{i} "
                                          "$$ LANGUAGE sql", depends_on=(f"t{i}",)) for i in range(k)))


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts of table checks (``Schema._check_table``), SQLAlchemy tables put in a MetaData, sqlglot
    parses and identity columns looked at, while the test runs."""
    seen: Counter[str] = Counter()

    def counting(name: str, fn: Callable) -> Callable:  # type: ignore[type-arg]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            seen[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(Schema, "_check_table", counting("check", Schema._check_table))
    monkeypatch.setattr(Parser, "parse", counting("parse", Parser.parse))
    # each identity column looked at (DuckDB's identity sequences are found per step of a plan)
    monkeypatch.setattr(ddl, "_identity_ok", counting("identity column", ddl._identity_ok))

    def attached(table: sa.Table, metadata: sa.MetaData) -> None:
        seen["sa_table"] += 1

    sa.event.listen(sa.Table, "after_parent_attach", attached)
    yield seen
    sa.event.remove(sa.Table, "after_parent_attach", attached)


WORK: dict[str, Callable[[Schema], object]] = {
    "diff from empty + SQL (postgresql)": lambda s: to_sql(diff(Schema(), s), "postgresql"),
    "diff from empty + SQL (duckdb)": lambda s: to_sql(diff(Schema(), s), "duckdb"),
    "down to empty + SQL (sqlite)": lambda s: to_sql(diff(s, Schema()), "sqlite"),
    "Alembic revision": lambda s: to_alembic(diff(Schema(), s), dialect="mysql"),
    "ddl (postgresql)": lambda s: create_sql(s, "postgresql"),
    "lint": lambda s: lint(s),
    # the review's down SQL is the reverse plan: every type and sequence dropped one by one
    "review (Markdown) of a schema with types and sequences": lambda s: review(Schema(), s).to_markdown(),
    "export sql from a schema with types and sequences": lambda s: files(s, "sql"),
}
#: the work whose schema has types and sequences in proportion to its tables
WITH_OBJECTS = {w for w in WORK if "with types and sequences" in w}


@pytest.mark.parametrize("work", list(WORK))
def test_work_per_table_does_not_grow_with_the_schema(work: str, counts: Counter[str]) -> None:
    """At 60 tables each counted thing happens at most 1.2 times as often per table as at 15 (a
    quadratic step would be about 4 times)."""
    per_table = {}
    for n in (15, 60):
        schema = (schema_with_objects if work in WITH_OBJECTS else schema_of)(n)  # built before counting
        counts.clear()
        WORK[work](schema)
        per_table[n] = {k: v / n for k, v in counts.items()}
    for thing, small in per_table[15].items():
        big = per_table[60].get(thing, 0)
        assert big <= 1.2 * small + 0.1, f"{work}: {thing} per table {small:.1f} at 15 tables, {big:.1f} at 60"


def test_the_schemas_along_a_plan_share_one_table_of_keys() -> None:
    """Adding and dropping tables one by one (a diff from empty, its reverse) keeps one key table for
    the line of schemas, not a copy per step (quadratic memory); each schema along it, older ones
    included, still sees exactly its own tables, also after a branch, a replaced table or a key that
    comes back."""
    schema = schema_of(30)
    plan = diff(Schema(), schema)
    down = plan.reverse()
    assert len({id(s.after._keys) for s in plan.steps}) <= 3
    assert len({id(s.after._keys) for s in down.steps}) <= 3
    for step in (*plan.steps, *down.steps):
        for s in (step.before, step.after):
            assert s.table_names == tuple(t.key for t in s.tables)
            assert all(s.table(t.key) is t for t in s.tables)
            assert not [k for k in schema.table_names if s.has_table(k) != (k in s.table_names)]
    a, b, c = (build_table(n, {"id": "integer pk"}) for n in "abc")
    s1 = Schema().with_table(a)
    s2 = s1.with_table(b)
    branch = s1.with_table(c)  # s1 is no longer the newest: a line of its own
    s3 = s2._without_table("a")
    back = s3.with_table(replace(a, comment="again"))  # "a" died in this line: a line of its own
    changed = s2.replace_table(replace(b, comment="changed"))
    seen = {name: [s.has_table(k) for k in "abc"] for name, s in
            {"s1": s1, "s2": s2, "branch": branch, "s3": s3, "back": back, "changed": changed}.items()}
    assert seen == {"s1": [True, False, False], "s2": [True, True, False], "branch": [True, False, True],
                    "s3": [False, True, False], "back": [True, True, False], "changed": [True, True, False]}
    assert back.table("a").comment == "again"
    assert s2.table("a").comment is None
    assert changed.table("b").comment == "changed"
    assert s2.table("b").comment is None
