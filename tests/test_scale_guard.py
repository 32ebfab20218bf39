"""Work that grows with the schema grows linearly: the number of table checks, SQLAlchemy tables and
sqlglot parses *per table* of a migration does not grow with the number of tables. Counted, never
timed (docs/benchmarks.md, "Scale", has the times)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlglot.parser import Parser

from dbmodel_kit import ddl
from dbmodel_kit.ddl import create_sql
from dbmodel_kit.lint import lint
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.emit import to_alembic, to_sql
from dbmodel_kit.model.schema import Enum, Index, Schema
from dbmodel_kit.model.spec import build_table


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
}


@pytest.mark.parametrize("work", list(WORK))
def test_work_per_table_does_not_grow_with_the_schema(work: str, counts: Counter[str]) -> None:
    """At 60 tables each counted thing happens at most 1.2 times as often per table as at 15 (a
    quadratic step would be about 4 times)."""
    per_table = {}
    for n in (15, 60):
        schema = schema_of(n)  # built before counting: only the work itself is counted
        counts.clear()
        WORK[work](schema)
        per_table[n] = {k: v / n for k, v in counts.items()}
    for thing, small in per_table[15].items():
        big = per_table[60].get(thing, 0)
        assert big <= 1.2 * small + 0.1, f"{work}: {thing} per table {small:.1f} at 15 tables, {big:.1f} at 60"
