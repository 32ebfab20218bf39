"""Diff, plan ordering, reversibility classes and lint rules (model only, no database)."""

from __future__ import annotations

import pytest

from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.migrate import Plan, diff, plan_since
from dbmodel_kit.migrate.lint import has_errors, lint, summary
from dbmodel_kit.migrate.plan import canonical, widens
from dbmodel_kit.model import Model
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Schema
from dbmodel_kit.model.spec import build_table
from dbmodel_kit.model.types import DataType


def _users(**cols: str) -> Schema:
    return Schema((build_table("users", {"id": "integer pk", **cols}),))


@pytest.mark.parametrize(("old", "new"), [
    (Schema(), large()), (large(), Schema()), (ecommerce(), large()), (large(), ecommerce()),
    (ecommerce(), Schema()), (Schema(), ecommerce()),
])
def test_structural_diff_reaches_new_and_reverse_reaches_old(old: Schema, new: Schema) -> None:
    """A structural diff ends at the new schema and its derived reverse ends at the old one."""
    plan = diff(old, new)
    assert canonical(plan.new) == canonical(new)
    assert canonical(plan.reverse().new) == canonical(old)


def test_rename_is_suggested_not_applied() -> None:
    """A dropped and an added column of the same type become a suggestion, not a silent rename."""
    plan = diff(_users(mail="text"), _users(email="text"))
    assert [type(op).__name__ for op in plan.ops] == ["AddColumn", "DropColumn"]
    assert [(s.old, s.new) for s in plan.suggestions] == [("users.mail", "users.email")]
    assert plan.suggestions[0].hint == {"users.mail": "users.email"}


def test_hint_makes_rename_exact() -> None:
    """A hint turns the suggestion into one lossless RenameColumn."""
    plan = diff(_users(mail="text"), _users(email="text"), hints={"users.mail": "users.email"})
    assert plan.ops == [o.RenameColumn("users", "mail", "email")]
    assert plan.reversibility == "lossless"


def test_table_rename_hint_and_suggestion() -> None:
    """Tables with the same columns are suggested as a rename; a hint renames them."""
    old = Schema((build_table("customers", {"id": "integer pk"}),))
    new = Schema((build_table("clients", {"id": "integer pk"}),))
    assert [(s.kind, s.old, s.new) for s in diff(old, new).suggestions] == [("table", "customers", "clients")]
    assert diff(old, new, hints={"customers": "clients"}).ops == [o.RenameTable("customers", "clients")]


def test_bad_hint_raises() -> None:
    """A hint naming a column that does not exist raises ModelError naming it."""
    with pytest.raises(ModelError, match=r"users\.nope"):
        diff(_users(mail="text"), _users(email="text"), hints={"users.nope": "users.email"})


def test_renamed_from_column_hint() -> None:
    """A new column carrying a renamed_from hint is renamed from the old column."""
    from dataclasses import replace

    new = _users(email="text")
    col = replace(new.table("users").column("email"), hints=(("renamed_from", "mail"),))
    t = new.table("users")
    new = new.replace_table(replace(t, columns=(t.columns[0], col)))
    plan = diff(_users(mail="text"), new)
    assert plan.ops[0] == o.RenameColumn("users", "mail", "email")


def test_plan_since_uses_the_log() -> None:
    """plan_since replays the model's log, so a rename stays a rename."""
    m = Model(ecommerce())
    cp = m.checkpoint()
    m.rename_column("users.phone", "phone_number")
    plan = plan_since(m, cp)
    assert plan.ops == [o.RenameColumn("users", "phone", "phone_number")]
    assert plan.new == m.schema


def test_fk_cycle_becomes_trailing_foreign_key() -> None:
    """Creating tables in an FK cycle adds the closing FK after both tables exist."""
    plan = diff(Schema(), large())
    kinds = [type(op).__name__ for op in plan.ops]
    assert kinds[-1] == "AddForeignKey"
    assert kinds.index("AddForeignKey") > max(i for i, k in enumerate(kinds) if k == "AddTable")


def test_drop_fk_before_referenced_table() -> None:
    """Dropping everything drops the foreign keys before the tables they point at."""
    plan = diff(large(), Schema())
    first_drop_table = next(i for i, op in enumerate(plan.ops) if isinstance(op, o.DropTable))
    assert all(not isinstance(op, o.DropForeignKey) for op in plan.ops[first_drop_table:])


def test_reversibility_classes() -> None:
    """Drops are lossy, widening is lossless, narrowing is lossy, a failing inverse is impossible."""
    s = _users(name="varchar(50)", n="integer")
    assert Plan.from_ops(s, [o.DropColumn("users", "name")]).steps[0].reversibility == "lossy"
    assert Plan.from_ops(s, [o.AlterColumn("users", "name", type="text")]).steps[0].reversibility == "lossless"
    assert Plan.from_ops(s, [o.AlterColumn("users", "n", type="smallint")]).steps[0].reversibility == "lossy"

    class OneWay(o.AddColumn):
        def inverse(self, before: Schema) -> o.Operation:
            raise ModelError("no way back")

    step = Plan.from_ops(s, [OneWay("users", build_table("x", {"z": "text"}).columns[0])]).steps[0]
    assert step.reversibility == "impossible"
    with pytest.raises(ModelError, match="cannot be reversed"):
        Plan.from_ops(s, [step.op]).reverse()


def test_widens() -> None:
    """widens knows which type changes keep every value."""
    assert widens(DataType.parse("integer"), DataType.parse("bigint"))
    assert not widens(DataType.parse("text"), DataType.parse("varchar(10)"))
    assert widens(DataType.parse("decimal(5,2)"), DataType.parse("decimal(10,2)"))
    assert not widens(DataType.parse("decimal(10,2)"), DataType.parse("decimal(10,0)"))


@pytest.mark.parametrize(("old", "new", "keeps"), [
    ("hugeint", "decimal(39,0)", True), ("hugeint", "decimal(38,0)", False), ("tinyint", "smallint", True),
    ("hugeint", "bigint", False), ("bigint", "hugeint", True), ("tinyint", "decimal(3,0)", True),
    ("bigint unsigned", "decimal(20,0)", True), ("bigint unsigned", "decimal(19,0)", False),
    ("integer unsigned", "integer", False), ("integer unsigned", "bigint", True), ("integer", "bigint unsigned", False),
])
def test_widens_every_integer_kind(old, new, keeps) -> None:
    """widens knows DuckDB's TINYINT and HUGEINT and unsigned integers (a plan altering a HUGEINT
    column raised KeyError: 'hugeint', typr_duckdb's evolve stages)."""
    assert widens(DataType.parse(old), DataType.parse(new)) is keeps


def test_lint_rules_fire_with_equivalents() -> None:
    """Each risky operation gets its stable id and names the equivalent Squawk rule."""
    m = Model(ecommerce())
    cp = m.checkpoint()
    m.drop_column("users", "phone")
    m.rename_column("users.email", "mail")
    m.add_column("products", "weight", "integer not null")
    m.add_index("products", "name")
    m.alter_column("products.description", nullable=False)
    m.add_check("products", "price < 100000", name="ck_products_price_max")
    plan = plan_since(m, cp)
    found = {(f.id, f.squawk) for f in lint(plan, "postgresql")}
    assert {("DS103", "ban-drop-column"), ("BC102", "renaming-column"), ("MF103", "adding-required-field"),
            ("PG301", "require-concurrent-index-creation"), ("MF104", "adding-not-nullable-field"),
            ("DM302", "constraint-missing-not-valid")} <= found
    assert has_errors(lint(plan, "postgresql"))
    safe_ids = {f.id for f in lint(plan, "postgresql", safe=True)}
    assert "PG301" not in safe_ids
    assert "DM302" not in safe_ids
    assert "MY201" in {f.id for f in lint(plan, "mysql")}
    assert "LT201" in {f.id for f in lint(plan, "sqlite")}


def test_new_tables_are_not_data_risks() -> None:
    """Rules about existing data skip tables the plan itself creates."""
    plan = diff(Schema(), ecommerce())
    assert not has_errors(lint(plan, "postgresql"))
    assert summary([]) == "0 error(s), 0 warning(s), 0 info"


def test_enum_value_removal_is_an_error() -> None:
    """Removing an enum value is lossy and an error-level finding."""
    s = ecommerce()
    e = s.enums[0]
    plan = Plan.from_ops(s, [o.AlterEnum(e.name, e.values[:-1])])
    assert plan.steps[0].reversibility == "lossy"
    assert "DM401" in {f.id for f in lint(plan) if f.severity == "error"}


def test_plan_json_and_html() -> None:
    """A plan renders as JSON with every step and as an HTML table."""
    import json

    plan = diff(_users(mail="text"), _users(email="text"))
    data = json.loads(plan.to_json())
    assert [s["op"]["op"] for s in data["steps"]] == ["AddColumn", "DropColumn"]
    assert "Suggested renames" in plan._repr_html_()


def _with_aggregate() -> Schema:
    """A view calling a user-defined aggregate that comes after it in the model (pagila's film_list
    and group_concat), a GRANT on the schema, and a partitioned table."""
    import warnings

    from dbmodel_kit.io import loads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loads("""
CREATE TABLE actor (id integer PRIMARY KEY, name text);
CREATE VIEW names AS SELECT public.group_concat(actor.name) AS all_names FROM public.actor;
CREATE FUNCTION public._cat(text, text) RETURNS text LANGUAGE sql AS $$ SELECT $1 || $2 $$;
CREATE AGGREGATE public.group_concat(text) (SFUNC = public._cat, STYPE = text);
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT ALL ON SCHEMA public TO PUBLIC;
""", "sql", dialect="postgresql")


def test_new_views_and_objects_come_after_what_they_use() -> None:
    """The diff adds a view after the aggregate it calls, though the model lists it first, so the
    reverse plan drops the view first (pagila: 'cannot drop aggregate group_concat(text):
    aggregate is used by view film_list')."""
    schema = _with_aggregate()
    assert "group_concat(text)" in schema.view("names").depends_on
    plan = diff(Schema(), schema)
    order = [d for d in plan.describe() if "names" in d or "group_concat" in d or "_cat" in d]
    assert order == ["add function _cat(text, text) (postgresql)", "add aggregate group_concat(text) (postgresql)",
                     "add view names"]
    assert plan.new == schema
    back = plan.reverse()
    assert back.new == Schema()
    assert [d for d in back.describe() if "names" in d or "group_concat" in d][:1] == ["drop view names"]
