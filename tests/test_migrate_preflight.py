"""Plans that cannot succeed on the rows (issue 22 point 3) are refused before any statement runs,
naming the step, the lint rule that warns of it and the fix; the database is left unchanged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dbmodel_kit.ddl import apply as create
from dbmodel_kit.ddl import create_engine
from dbmodel_kit.errors import ModelError
from dbmodel_kit.migrate.apply import Refused, apply, current_version, live_schema, progress, verify
from dbmodel_kit.migrate.emit import needs_rebuild
from dbmodel_kit.migrate.lint import lint
from dbmodel_kit.migrate.plan import Plan
from dbmodel_kit.model import Enum, Model
from dbmodel_kit.model.schema import Schema
from dbmodel_kit.model.spec import build_table


def _shop() -> Schema:
    return Schema((
        build_table("customers", {"id": "integer pk", "name": "varchar(40)", "tier": "enum(tier) not null"}),
        build_table("orders", {"id": "integer pk", "customer_id": "integer", "qty": "integer not null",
                               "code": "varchar(20)"}),
    ), enums=(Enum("tier", ("free", "pro", "gold")),))


ROWS = {"customers": [(1, "ada", "free"), (2, None, "gold")],
        "orders": [(10, 1, 0, "a"), (11, 3, 2, "a"), (12, None, 5, None)]}


def _fill(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for t, rows in ROWS.items():
            cols = [c.name for c in _shop().table(t).columns]
            for r in rows:
                conn.execute(sa.insert(sa.table(t, *map(sa.column, cols))).values(dict(zip(cols, r, strict=True))))
    engine.dispose()


def _plan(edit) -> Plan:  # type: ignore[no-untyped-def]
    m = Model(_shop())
    cp = m.checkpoint()
    edit(m)
    return m.plan_since(cp)


CASES = {
    "MF103": (lambda m: m.add_column("orders", "note", "varchar(20) not null"),
              "the NOT NULL column note has no default"),
    "MF104": (lambda m: m.alter_column("customers.name", nullable=False), "1 row(s) of customers hold NULL in name"),
    "DM307": (lambda m: m.add_check("orders", "qty > 0"), "1 row(s) of orders break CHECK (qty > 0)"),
    "MF101": (lambda m: m.add_unique("orders", "code"), "1 value(s) of (code) in orders occur more than once"),
    "DM401": (lambda m: m.apply(__import__("dbmodel_kit.model.ops", fromlist=["AlterEnum"]).AlterEnum(
        "tier", ("free", "pro"))), "1 row(s) of customers.tier hold gold, which enum tier no longer has"),
    "DM308": (lambda m: m.add_foreign_key("orders.customer_id", "customers"),
              "1 row(s) of orders point at no row of customers through (customer_id)"),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_refused_before_any_statement_with_the_reason(rule: str, engine_url: str) -> None:
    edit, reason = CASES[rule]
    plan = _plan(edit)
    assert rule in {f.id for f in lint(plan, "postgresql")}, "lint says which steps the rows can break"
    create(plan.old, engine_url)
    _fill(engine_url)
    before = live_schema(engine_url, None)  # type: ignore[arg-type]
    with pytest.raises(Refused) as err:
        apply(plan, engine_url)
    text = str(err.value)
    assert "refused before any statement ran, the database is unchanged" in text
    assert reason in text
    assert f"lint {rule}" in text
    assert "step 1 (" in text
    assert live_schema(engine_url, None) == before  # type: ignore[arg-type]
    assert current_version(engine_url) is None
    assert progress(engine_url) is None


def test_renamed_table_and_column_are_read_under_their_names_in_the_database(sqlite_url: str) -> None:
    """A CHECK on a table and column the plan renamed first is asked of the rows under the old names."""
    def edit(m: Model) -> None:
        m.rename_table("orders", "purchases")
        m.rename_column("purchases.qty", "amount")
        m.add_check("purchases", "amount > 0")

    plan = _plan(edit)
    create(plan.old, sqlite_url)
    _fill(sqlite_url)
    with pytest.raises(Refused, match=r"step 3 \(add check \(amount > 0\) on purchases\): 1 row\(s\) of purchases"):
        apply(plan, sqlite_url)


def test_a_column_the_plan_adds_holds_its_default(sqlite_url: str) -> None:
    """A unique column added with a constant default repeats it on every row: refused; a CHECK the
    default meets is not."""
    create(_shop(), sqlite_url)
    _fill(sqlite_url)
    ok = _plan(lambda m: (m.add_column("orders", "flag", "integer not null default 1"),
                          m.add_check("orders", "flag > 0")))
    apply(ok, sqlite_url)
    bad = _plan(lambda m: (m.add_column("customers", "rank", "integer not null default 1"),
                           m.add_unique("customers", "rank")))
    with pytest.raises(Refused, match="value\\(s\\) of \\(rank\\) in customers occur more than once"):
        apply(bad, sqlite_url, record=False)


def test_empty_tables_and_fixed_rows_go_through(sqlite_url: str) -> None:
    plan = _plan(CASES["DM307"][0])
    create(plan.old, sqlite_url)
    apply(plan, sqlite_url)  # no rows: nothing to break
    assert current_version(sqlite_url) is not None


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_engine_still_refuses_a_check_the_rows_break(kind: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without the preflight the engine's own check stops the migration: the SQLite rebuild that adds a
    CHECK the rows break fails and is rolled back (it must never succeed)."""
    url = f"{kind}:///{tmp_path / 'x.db'}"
    plan = _plan(CASES["DM307"][0])
    create(plan.old, url)
    _fill(url)
    with pytest.raises(ModelError, match=r"CHECK constraint failed.*rolled back"):
        apply(plan, url, check_data=False)
    assert not live_schema(url, None).table("orders").checks  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", ["timestamptz not null default now()", "timestamptz default now()",
                                  "uuid default uuid()", "date not null default current_date"])
def test_sqlite_rebuilds_to_add_a_column_with_a_non_constant_default(spec: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SQLite's ADD COLUMN refuses a non-constant default: the table is rebuilt, the rows keep theirs."""
    plan = _plan(lambda m: m.add_column("orders", "made", spec))
    assert needs_rebuild(plan.steps[0].op, "sqlite", plan.old)
    result = verify(plan, url=f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert result.ok, str(result)


@pytest.mark.parametrize("nullable", [False, True])
def test_sqlite_fills_the_rows_of_an_added_uuid_column(nullable: bool, sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SQLite has no uuid() default: a column added with one is filled on the rows already there
    with a new UUID each (in the step's transaction), then made NOT NULL; found by the evolution
    fuzz, where the NOT NULL one was refused (and before that failed at apply time)."""
    import uuid

    plan = _plan(lambda m: m.add_column("orders", "ref", f"uuid {'' if nullable else 'not null '}default uuid()"))
    assert not [f for f in lint(plan, "sqlite") if f.id == "MF103"]
    create(plan.old, sqlite_url)
    _fill(sqlite_url)
    apply(plan, sqlite_url, record=False)
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        refs = [r[0] for r in conn.execute(sa.text("SELECT ref FROM orders"))]
        notnull = {r[1]: r[3] for r in conn.execute(sa.text("PRAGMA table_info(orders)"))}["ref"]
    engine.dispose()
    assert len(refs) == len(ROWS["orders"]) == len(set(refs))
    assert all(uuid.UUID(r).version == 4 and str(uuid.UUID(r)) == r for r in refs), refs
    assert notnull == (0 if nullable else 1)
    result = verify(plan, url=f"sqlite:///{tmp_path / 'v.sqlite'}")
    assert result.ok, str(result)


def test_a_not_null_default_the_engine_leaves_to_the_application_is_refused_up_front(sqlite_url: str) -> None:
    """A NOT NULL column whose default the engine cannot compute (a sequence on SQLite, which has
    none) fills no existing row: lint says so at plan time (MF103), apply refuses the plan before
    any statement runs when the table has rows, naming the table, the column and why."""
    from dbmodel_kit.model.schema import Sequence

    start = Schema(_shop().tables, enums=_shop().enums, sequences=(Sequence("order_seq"),))
    m = Model(start)
    cp = m.checkpoint()
    m.add_column("orders", "serial", "integer not null default nextval('order_seq')")
    plan = m.plan_since(cp)
    found = [f for f in lint(plan, "sqlite") if f.id == "MF103"]
    assert found, "no MF103 for a NOT NULL column whose default SQLite leaves to the application"
    assert "orders.serial" in found[0].message
    assert "leaves to the application" in found[0].message
    assert not [f for f in lint(plan, "postgresql") if f.id == "MF103"]  # PostgreSQL draws each row's number
    create(plan.old, sqlite_url)
    _fill(sqlite_url)
    with pytest.raises(Refused, match=r"orders has rows and the NOT NULL column serial has a default sqlite "
                                      r"cannot compute in the database \(nextval"):
        apply(plan, sqlite_url, record=False)
    assert not live_schema(sqlite_url, None).table("orders").has_column("serial")  # type: ignore[arg-type]


@pytest.mark.mysql
def test_mariadb_drops_a_unique_its_foreign_key_uses(mysql_url: str) -> None:
    """InnoDB refuses to drop the index a foreign key needs ("needed in a foreign key constraint"):
    the FK is dropped around the unique and added back (found by the evolution fuzz)."""
    from dbmodel_kit.model import ops as o
    from dbmodel_kit.model.schema import Unique

    start = Schema((build_table("a", {"id": "integer pk"}),
                    build_table("b", {"id": "integer pk", "a_id": "integer not null references a",
                                      "n": "integer not null"})))
    start = o.AddUnique("b", Unique(("a_id", "n"), name="uq_b_a_id_n")).apply(start)
    plan = Plan.from_ops(start, [o.DropUnique("b", "uq_b_a_id_n")])
    result = verify(plan, url=mysql_url)
    assert result.ok, str(result)


def _keyed() -> Schema:
    """b's foreign key to a is served by b's primary key (a_id, n): InnoDB makes no index of its own."""
    from dbmodel_kit.model import ops as o

    start = Schema((build_table("a", {"id": "integer pk"}),
                    build_table("b", {"a_id": "integer not null references a", "n": "integer not null",
                                      "note": "integer"})))
    return o.SetPrimaryKey("b", ("a_id", "n")).apply(start)


def _fk_index_cases() -> dict[str, tuple[Schema, list]]:  # type: ignore[type-arg]
    from dbmodel_kit.model import ops as o
    from dbmodel_kit.model.schema import Index

    by_index = o.AddIndex("b", Index(("a_id", "note"), name="ix_b_a_id_note")).apply(
        o.SetPrimaryKey("b", ()).apply(_keyed()))
    return {
        "primary key changed": (_keyed(), [o.SetPrimaryKey("b", ("n", "a_id"))]),
        "primary key dropped": (_keyed(), [o.SetPrimaryKey("b", ())]),
        "index dropped": (by_index, [o.DropIndex("b", "ix_b_a_id_note")]),
        "column dropped with its index": (by_index, [o.DropColumn("b", "note")]),
        # MariaDB has no partial index: it makes this one over every row, and the FK uses it
        "partial index dropped": (o.AddIndex("b", Index(("a_id",), name="ix_b_a_id", where="note > 1")).apply(
            o.SetPrimaryKey("b", ()).apply(_keyed())), [o.DropIndex("b", "ix_b_a_id")]),
    }


@pytest.mark.parametrize("case", sorted(_fk_index_cases()))
def test_a_step_taking_away_a_foreign_keys_index_runs(case: str, engine_url: str) -> None:
    """InnoDB refuses to drop the last index serving a foreign key ("needed in a foreign key
    constraint", or errno 150 when a primary key changes under it): on MariaDB the FK is dropped
    around any step that takes its index away and added back after (the evolution fuzz found the
    unique case; these are the same mechanism). The other engines run the same plans up -> down
    -> up (SQLite dropped no primary key before: batch mode only replaces one)."""
    start, ops = _fk_index_cases()[case]
    plan = Plan.from_ops(start, ops)
    result = verify(plan, url=engine_url)
    assert result.ok, str(result)


def test_a_timestamptz_default_with_an_offset_goes_up_down_up(engine_url: str) -> None:
    """A column added with a timestamptz default written with an offset: the model holds it in UTC,
    so the engines store and give back what the model says (MariaDB refused the literal with its
    offset; found by the evolution fuzz, seed 200011)."""
    plan = _plan(lambda m: m.add_column("orders", "placed", "timestamptz not null default '2024-01-01 02:00:00+02'"))
    result = verify(plan, url=engine_url)
    assert result.ok, str(result)
