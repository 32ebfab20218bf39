"""A plan's reverse and its SQL per dialect are made once (``Plan.kept``), and made again when the
plan's source, ends or steps are set to others."""

from __future__ import annotations

from dbmodel_kit.examples import ecommerce
from dbmodel_kit.migrate import diff, to_sql
from dbmodel_kit.migrate.emit import units
from dbmodel_kit.model.schema import Schema


def test_sql_and_reverse_are_kept_per_plan_and_dialect() -> None:
    plan = diff(Schema(), ecommerce())
    up = to_sql(plan, "sqlite")
    assert to_sql(plan, "sqlite") is up  # kept, not written again
    assert plan.to_sql("sqlite") is up
    assert to_sql(plan, "postgresql") != up
    assert to_sql(plan, "mariadb") != to_sql(plan, "mysql")  # the flavour is part of the key
    assert to_sql(plan, "sqlite", safe=True) is not up
    assert plan.reverse() is plan.reverse()
    fresh = diff(Schema(), ecommerce())  # an equal plan written anew: the same text
    assert to_sql(fresh, "sqlite") == up
    assert to_sql(fresh.reverse(), "duckdb") == to_sql(plan.reverse(), "duckdb")


def test_a_new_source_or_steps_make_them_again() -> None:
    plan = diff(Schema(), ecommerce())
    up, down = to_sql(plan, "postgresql"), plan.reverse()
    plan.source = ("empty.yaml", "shop.yaml")
    again = to_sql(plan, "postgresql")
    assert again != up
    assert "shop.yaml" in again  # the header names the new source
    assert plan.reverse() is not down
    assert plan.reverse().source == ("shop.yaml", "empty.yaml")
    plan.steps = plan.steps[:1]
    one = to_sql(plan, "postgresql")
    assert "step 1" in one
    assert "step 2" not in one


def test_units_are_kept_and_each_call_gets_its_own() -> None:
    plan = diff(Schema(), ecommerce())
    first = units(plan, "postgresql")
    first[0].statements.append("SELECT 1")  # a caller's edit stays in its copy
    second = units(plan, "postgresql")
    assert second[0].statements[-1] != "SELECT 1"
    assert [u.statements for u in second] == [u.statements for u in units(diff(Schema(), ecommerce()), "postgresql")]
    assert [u.statements for u in units(plan, "mariadb")] != [u.statements for u in units(plan, "postgresql")]
