"""Constraints on generated columns, where engines limit them.

MariaDB has no NOT NULL on a generated column (a syntax error); DuckDB has no constraints on one at
all ("Constraints on generated columns are not supported yet"). The DDL writes around both
(``ddl.limits.generated_constraints``): a NOT NULL becomes a CHECK, DuckDB's CHECKs are written
over the column's expression, and a key over a generated column is left out with a note. Each
engine then holds the rows the model allows and refuses the ones it refuses, and reflection reads
the model back (``storable``).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit.ddl import apply, create_engine, create_sql
from dbmodel_kit.ddl.limits import fold_generated, generated_not_null, storable
from dbmodel_kit.dialects import DIALECTS
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.model import Model
from dbmodel_kit.model.schema import Schema


def model() -> Schema:
    m = Model()
    m.add_table("part", id="integer pk", code="integer generated always as (id * 3)")
    m.add_unique("part", "code")
    m.add_table("line", id="integer pk", qty="integer", price="integer",
                total="integer not null generated always as (qty * price)", part_id="integer references part")
    m.add_check("line", "total >= 0")
    m.add_check("line", "qty * price < 1000")  # written over the expression itself
    m.add_table("tag", id="integer pk", n="integer", next_n="integer generated always as (n + 1) references part")
    return m.schema


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_generated_constraints_golden(golden, dialect):
    """The DDL of each dialect, with its notes, matches its reviewed golden file."""
    golden(f"ddl/generated/{dialect}.sql", create_sql(model(), dialect))


def _insert(url: str, sql: str) -> str:
    """'' when the engine takes the row, else the start of its refusal."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql))
        return ""
    except sa.exc.DBAPIError as e:
        return str(e.orig)[:200] or type(e.orig).__name__
    finally:
        engine.dispose()


def test_each_engine_holds_the_models_rows_and_reads_it_back(engine_url):
    """apply works on every engine; a row whose generated total is NULL or negative is refused, a good
    one is taken; reflection gives back what storable says (NOT NULL and CHECKs as the model has them)."""
    schema = model()
    apply(schema, engine_url)
    assert _insert(engine_url, "INSERT INTO part (id) VALUES (1)") == ""
    assert _insert(engine_url, "INSERT INTO line (id, qty, price, part_id) VALUES (1, 2, 3, 1)") == ""
    assert _insert(engine_url, "INSERT INTO line (id, qty, price) VALUES (2, NULL, 3)") != ""  # total NULL
    assert _insert(engine_url, "INSERT INTO line (id, qty, price) VALUES (3, -2, 3)") != ""  # total < 0
    assert _insert(engine_url, "INSERT INTO line (id, qty, price) VALUES (4, 100, 100)") != ""  # 10,000 >= 1,000
    engine = create_engine(engine_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT total FROM line")).scalars().all() == [6]
    engine.dispose()
    dialect = engine_url.split(":")[0].split("+")[0]
    back = reflect(engine_url)
    assert back == storable(schema, dialect)
    assert not back.table("line").column("total").nullable


def test_duckdb_writes_checks_over_the_expression_and_leaves_keys_out():
    """On DuckDB the NOT NULL and the CHECK naming ``total`` are over ``qty * price``; the unique
    constraint over ``code``, the foreign key from ``next_n`` are left out, each with a note."""
    sql = create_sql(model(), "duckdb")
    assert "CHECK ((qty * price) >= 0)" in sql
    assert "CHECK (NOT (qty * price) IS NULL)" in sql
    assert "UNIQUE" not in sql
    assert "unique constraint uq_part_code of part left out (duckdb has no constraints on generated columns" in sql
    assert "foreign key fk_tag_next_n_part of tag left out (duckdb has no constraints on generated columns: " \
           "next_n generated)" in sql
    kept = storable(model(), "duckdb")
    assert kept.table("part").uniques == ()
    assert kept.table("tag").foreign_keys == ()
    assert kept.table("line").foreign_keys != ()
    # MariaDB keeps the keys and CHECKs and writes only the NOT NULL as a CHECK over the column
    mysql = create_sql(model(), "mysql")
    assert "CHECK (NOT total IS NULL)" in mysql
    assert "UNIQUE" in mysql
    assert "STORED NOT NULL" not in mysql


def test_fold_reads_the_expression_back_as_the_column():
    """fold_generated replaces parts equal to a generated column's expression (however parenthesized)
    by the column, and leaves the rest; generated_not_null recognises the NOT NULL's CHECK."""
    gen = {"total": "qty * price"}
    assert fold_generated("(qty * price) >= 0 AND qty > 1", gen) == "total >= 0 AND qty > 1"
    assert fold_generated("qty * price + 1 > 0", gen) == "total + 1 > 0"
    assert fold_generated("qty * 2 > 0", gen) == "qty * 2 > 0"
    assert generated_not_null(fold_generated("NOT (qty * price) IS NULL", gen), gen) == "total"
    assert generated_not_null("NOT qty IS NULL", gen) is None
    # a column named like a keyword is quoted where it stands in (hypothesis drew a generated "select")
    assert fold_generated("NOT (a * 2) IS NULL", {"select": "a * 2"}) == 'NOT "select" IS NULL'
    assert generated_not_null('NOT "select" IS NULL', {"select": "a * 2"}) == "select"


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("mysql", marks=pytest.mark.mysql), "sqlite",
                                    pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migrations_set_a_generated_columns_constraints(engine, request, tmp_path):
    """Setting a generated column NOT NULL, adding a CHECK and a unique constraint over it migrate up ->
    down -> up with rows on every engine: on MariaDB the NOT NULL is the CHECK the DDL writes; on
    DuckDB and SQLite the table is rebuilt (the copy leaves the generated column to the engine: SQLite
    refuses a value for one, and Alembic's batch copy wrote it), and a CHECK's rows are checked over
    the columns it is made of."""
    from dbmodel_kit.migrate import diff, verify

    def start() -> Model:
        m = Model()
        m.add_table("t", id="integer pk", a="integer", b="integer generated always as (a * 2)")
        return m

    m = start()
    m.alter_column("t.b", nullable=False)
    m.add_check("t", "b < 1000")
    m.add_unique("t", "b")
    url = (f"{engine}:///{tmp_path / 'm.db'}" if engine in ("sqlite", "duckdb")
           else request.getfixturevalue("postgres_url" if engine == "postgresql" else "mysql_url"))
    result = verify(diff(start().schema, m.schema), url=url)
    assert result.ok, str(result)
