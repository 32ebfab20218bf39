"""A plan's reverse and its SQL per dialect are made once (``Plan.kept``), and made again when the
plan's source, ends or steps are set to others."""

from __future__ import annotations

from dbmodel_kit.examples import ecommerce
from dbmodel_kit.migrate import diff, to_sql
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
    assert again != up and "shop.yaml" in again  # the header names the new source
    assert plan.reverse() is not down and plan.reverse().source == ("shop.yaml", "empty.yaml")
    plan.steps = plan.steps[:1]
    one = to_sql(plan, "postgresql")
    assert "step 1" in one and "step 2" not in one and one != again
