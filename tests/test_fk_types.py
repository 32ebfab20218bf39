"""Foreign keys whose columns differ in type from the key they reference: ``ddl`` refuses, naming
both columns, exactly the pairs the engine itself refuses (MariaDB: errno 150 "Foreign key
constraint is incorrectly formed"; DuckDB: "incompatible types"), so an apply never fails half-way
on them. Each pair is run on the real engine with the check switched off to learn its answer."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

import dbmodel_kit.ddl as ddl
from dbmodel_kit.ddl import create_engine, create_sql
from dbmodel_kit.errors import ModelError
from dbmodel_kit.model import Model

TYPES = ["smallint", "integer", "bigint", "integer unsigned", "decimal(10,2)", "decimal(12,2)", "varchar(10)",
         "varchar(40)", "char(3)", "date", "uuid"]
PAIRS = list(itertools.product(TYPES, TYPES))


def _schema(parent: str, child: str, n: int):
    """The two tables, or None where the model itself refuses the pair (another kind of type)."""
    m = Model()
    m.add_table(f"p{n}", id=f"{parent} pk")
    try:
        m.add_table(f"c{n}", id="integer pk", ref=f"{child} references p{n}.id")
    except ModelError:
        return None
    return m.schema


def _kit_refuses(schema, dialect: str) -> str | None:
    try:
        create_sql(schema, dialect)
    except ModelError as e:
        return str(e)
    return None


def _engine_refuses(schema, dialect: str, url: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    with monkeypatch.context() as mp:
        mp.setattr(ddl, "_check_fk_types", lambda *a: None)
        sql = create_sql(schema, dialect)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for stmt in filter(str.strip, sql.split(";\n")):
                if stmt.strip() and not stmt.lstrip().startswith("--"):
                    conn.exec_driver_sql(stmt)
    except sa.exc.DBAPIError:
        return True
    finally:
        engine.dispose()
    return False


@pytest.mark.parametrize("dialect", ["duckdb", pytest.param("mysql", marks=pytest.mark.mysql)])
def test_kit_refuses_the_pairs_the_engine_refuses(dialect, request, monkeypatch, tmp_path):
    url = (f"duckdb:///{tmp_path / 'fk.duckdb'}" if dialect == "duckdb" else request.getfixturevalue("mysql_url"))
    disagree, tried = [], 0
    for n, (parent, child) in enumerate(PAIRS):
        schema = _schema(parent, child, n)
        if schema is None:
            continue
        tried += 1
        kit = _kit_refuses(schema, dialect)
        engine = _engine_refuses(schema, dialect, url, monkeypatch)
        if (kit is not None) != engine:
            disagree.append(f"{child} -> {parent}: kit {'refuses' if kit else 'accepts'}, {dialect} "
                            f"{'refuses' if engine else 'accepts'}")
        if kit is not None:
            assert f"c{n}.ref" in kit
            assert "the same type" in kit
    assert disagree == []
    assert tried > 2 * len(TYPES)


def test_postgresql_and_sqlite_take_integer_to_bigint():
    """They store both and compare them (lint's DM114 still flags the difference)."""
    for dialect in ("postgresql", "sqlite"):
        assert _kit_refuses(_schema("bigint", "integer", 0), dialect) is None


def test_the_refusal_names_both_columns_and_types():
    message = _kit_refuses(_schema("bigint", "integer", 7), "mysql")
    assert message is not None
    assert message.startswith("c7.ref: foreign key")
    assert "c7.ref is stored as INTEGER and p7.id as BIGINT" in message


@pytest.mark.parametrize("dialect", ["mysql", "duckdb"])
def test_a_migration_ending_in_such_a_pair_is_refused_before_any_statement(dialect):
    from dbmodel_kit.migrate import diff
    from dbmodel_kit.model.ops import AlterColumn

    start = _schema("bigint", "bigint", 1)
    plan = diff(start, AlterColumn("c1", "ref", type="integer").apply(start))
    with pytest.raises(ModelError, match=rf"the schema this migration ends with cannot be made on {dialect}: "
                                         r"c1\.ref: foreign key .* c1\.ref is stored as INTEGER and p1\.id as BIGINT"):
        plan.to_sql(dialect)
    assert "ALTER TABLE" in plan.to_sql("postgresql")
