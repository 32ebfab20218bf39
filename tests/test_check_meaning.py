"""CHECK constraints compare by meaning: every form an engine gives back (BETWEEN as a range, IN as
``= ANY (ARRAY[...])``, added casts and parentheses, ``NOT a = b`` as ``a <> b``) normalizes to the
model's text, through sqlglot trees on both sides."""

from __future__ import annotations

import pytest

from dbmodel_kit.ddl import apply
from dbmodel_kit.ddl.limits import storable
from dbmodel_kit.ddl.sqltext import normalize
from dbmodel_kit.io.reflect import reflect
from dbmodel_kit.migrate import diff
from dbmodel_kit.migrate.apply import verify
from dbmodel_kit.model import Check, Column, DataType, Schema, Table

KINDS = (("id", "integer"), ("stars", "smallint"), ("kind", "varchar"), ("name", "varchar"),
         ("price", "decimal"), ("created", "date"))

#: What an engine gave back for a model CHECK (PostgreSQL 15, MariaDB 10.11, DuckDB 2.0, SQLite 3.40).
SAME = [
    ("stars BETWEEN 1 AND 5", "postgres", "((stars >= 1) AND (stars <= 5))"),
    ("stars NOT BETWEEN 6 AND 9", "postgres", "(NOT ((stars >= 6) AND (stars <= 9)))"),
    ("price BETWEEN -1.5 AND 10", "postgres", "((price >= '-1.5'::numeric) AND (price <= (10)::numeric))"),
    ("kind IN ('a', 'b')", "postgres",
     "((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
    ("coalesce(stars, 0) >= 0", "postgres", "(COALESCE((stars)::integer, 0) >= 0)"),
    ("stars % 2 = 0 OR stars IN (1, 3)", "postgres", "((((stars)::integer % 2) = 0) OR (stars = ANY (ARRAY[1, 3])))"),
    ("created < '2030-01-01'", "postgres", "(created < '2030-01-01'::date)"),
    ("stars >= 0.5", "postgres", "((stars)::numeric >= 0.5)"),
    ("NOT (stars = 3)", "mysql", "`stars` <> 3"),
    ("stars % 2 = 0", "mysql", "`stars` MOD nullif(2,0) = 0"),
    ("stars % 2 = 0", "sqlite", "stars % NULLIF(2, 0) = 0"),
    ("stars + 1 > 2 * stars - 10", "duckdb", "((stars + 1) > ((2 * stars) - 10))"),
    ("kind = 'a' AND (stars = 1 OR stars = 2)", "duckdb", "((kind = 'a') AND ((stars = 1) OR (stars = 2)))"),
    ("CASE WHEN stars > 3 THEN kind = 'a' ELSE TRUE END", "duckdb",
     "CASE  WHEN ((stars > 3)) THEN ((kind = 'a')) ELSE true END"),
    ("NOT NOT stars > 1", None, "stars > 1"),
]

#: Texts that look alike but mean something else: normalization must keep them apart.
DIFFERENT = [
    ("a - (b - c) > 0", "a - b - c > 0"),
    ("NOT (stars > 1 AND stars < 5)", "NOT stars > 1 AND stars < 5"),
    ("(a OR b) AND c", "a OR b AND c"),
    ("CAST(price AS INT) > 3", "price > 3"),  # a narrowing cast is the user's, not the engine's
    ("stars % 0 = 0", "stars = 0"),
    ("-(a + b) > 0", "-a + b > 0"),
]


@pytest.mark.parametrize(("model", "dialect", "engine"), SAME)
def test_engine_spelling_normalizes_to_the_model(model: str, dialect: str | None, engine: str) -> None:
    """What the engine stores normalizes to the same text as the model's expression."""
    assert normalize(engine, dialect, KINDS) == normalize(model, None, KINDS)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_meanings_stay_different(a: str, b: str) -> None:
    """Normalization never makes two expressions of different meaning equal."""
    assert normalize(a, None, KINDS) != normalize(b, None, KINDS)


CHECKS = ["stars BETWEEN 1 AND 5", "stars NOT BETWEEN 6 AND 9", "kind IN ('a', 'b')", "kind NOT IN ('x', 'y')",
          "name LIKE 'a%'", "name NOT LIKE '%z'", "lower(name) <> name OR name IS NULL", "length(name) > 2",
          "price >= 0.5 AND price < 100", "NOT (stars = 3)", "stars + 1 > 2 * stars - 10",
          "kind = 'a' AND (stars = 1 OR stars = 2)", "coalesce(stars, 0) >= 0", "price BETWEEN -1.5 AND 10",
          "upper(kind) IN ('A', 'B')", "stars % 2 = 0 OR stars IN (1, 3)", "abs(stars) < 10",
          "created < '2030-01-01'", "stars <> -1", "CASE WHEN stars > 3 THEN kind = 'a' ELSE TRUE END",
          "stars >= 0.5"]


def _checks_schema() -> Schema:
    cols = (Column("id", DataType("integer")), Column("stars", DataType("smallint")),
            Column("kind", DataType("varchar", 10)), Column("name", DataType("varchar", 40)),
            Column("price", DataType("decimal", precision=8, scale=2)), Column("created", DataType("date")))
    return Schema(tuple(Table(f"t{i}", columns=cols, primary_key=("id",), checks=(Check(c),))
                        for i, c in enumerate(CHECKS)))


def test_checks_round_trip_by_meaning(engine_url: str) -> None:
    """Every CHECK form reads back from each engine equal to the model as that engine stores it,
    so a diff against the live database has no step."""
    schema = _checks_schema()
    apply(schema, engine_url)
    live = reflect(engine_url)
    assert [t.checks for t in live.tables] == [t.checks for t in storable(schema, engine_url).tables]
    assert diff(live, storable(schema, engine_url)).steps == ()


def test_verify_between_check_on_postgresql(postgres_url: str) -> None:
    """migrate verify of a table with CHECK (stars BETWEEN 1 AND 5) reports no change after apply
    (PostgreSQL gives back ((stars >= 1) AND (stars <= 5)))."""
    reviews = Table("reviews", columns=(Column("id", DataType("integer")), Column("stars", DataType("smallint"))),
                    primary_key=("id",), checks=(Check("stars BETWEEN 1 AND 5"),))
    result = verify(Schema(), Schema((reviews,)), url=postgres_url)
    assert result.ok, str(result)
