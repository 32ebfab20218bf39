"""A MySQL dump's most common key, ``BIGINT UNSIGNED AUTO_INCREMENT``, is stored as a signed bigint
where the engine has no unsigned bigint (PostgreSQL, SQLite), and so are the columns whose foreign
keys reference it, but only while they do (``ddl.limits.identity_integers``). A migration that drops
or adds such a key retypes the column around the step, so the database keeps matching the DDL of
each end: found by the stage matrix (ordering_mariadb's evolution dropped fk_rev_order_item: on
PostgreSQL the database kept bigint where the model said numeric(20,0), on SQLite reflection failed
on the re-added key)."""
from __future__ import annotations

import pytest

from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.apply import verify
from dbmodel_kit.model import Model
from dbmodel_kit.model.ops import DropForeignKey


def _plan():
    m = Model()
    m.add_table("parents", id="bigint unsigned pk default identity")
    m.add_table("children", id="integer pk", parent_id="bigint unsigned references parents.id")
    start = m.schema
    fk = start.table("children").foreign_keys[0].name
    return diff(start, DropForeignKey("children", fk).apply(start))


def test_postgresql_sql_retypes_around_the_key():
    up, down = _plan().to_sql("postgresql"), _plan().reverse().to_sql("postgresql")
    assert up.index("DROP CONSTRAINT") < up.index("ALTER COLUMN parent_id TYPE NUMERIC(20, 0)")
    assert down.index("ALTER COLUMN parent_id TYPE BIGINT") < down.index("ADD CONSTRAINT")


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_up_down_up_keeps_schema_and_rows(engine, request):
    url = request.getfixturevalue("sqlite_url" if engine == "sqlite" else "postgres_url")
    result = verify(_plan(), url=url)
    assert result.ok, str(result)


@pytest.mark.mysql
def test_a_text_key_column_on_mysql_is_retyped_around_its_key(mysql_url):
    """The same for a text column in a MySQL key, stored as varchar(255) only while keyed
    (ddl.limits.text_keys): the stage matrix's evolve mysql dropped such a key."""
    m = Model()
    m.add_table("parents", code="text pk")
    m.add_table("children", id="integer pk", parent_code="text references parents.code")
    start = m.schema
    plan = diff(start, DropForeignKey("children", start.table("children").foreign_keys[0].name).apply(start))
    assert "MODIFY parent_code LONGTEXT NULL" in plan.to_sql("mysql")
    result = verify(plan, url=mysql_url)
    assert result.ok, str(result)
