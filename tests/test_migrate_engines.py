"""The migration corpus verified up -> down -> up on SQLite, DuckDB, PostgreSQL and MariaDB,
failure halfway leaving the database as before, and Alembic scripts run by Alembic itself."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import MYSQL_URL, POSTGRES_URL
from hypothesis import HealthCheck, given, settings
from migrate_corpus import HAND, base, sequences

from dbmodel_kit.errors import ModelError
from dbmodel_kit.migrate import Plan
from dbmodel_kit.migrate.apply import apply, current_version, fingerprint, seed, snapshot, verify
from dbmodel_kit.migrate.emit import unsupported
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Index

#: What an engine cannot do, per corpus case (the one table of engine differences for migrations).
KNOWN: dict[tuple[str, str], str] = {
    **{(kind, "alter_domain"): "has no domains" for kind in ("sqlite", "duckdb", "mysql")},
    ("duckdb", "alter_sequence"): "no ALTER SEQUENCE",
}

_counter = itertools.count()


class Scratch:
    """Fresh empty databases on one engine, fast: files for SQLite/DuckDB, one server database
    per test whose schema is emptied between cases on PostgreSQL, a new database on MariaDB."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind, self.tmp = kind, tmp
        self.admin: sa.Engine | None = None
        self.made: list[str] = []

    def _server(self, base_url: str) -> sa.Engine:
        if self.admin is None:
            self.admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
            try:
                with self.admin.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
            except Exception as e:
                pytest.skip(f"{self.kind} server not reachable: {type(e).__name__}")
        return self.admin

    def new(self) -> str:
        n = next(_counter)
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp / f's{n}.sqlite'}"
        if self.kind == "duckdb":
            return f"duckdb:///{self.tmp / f'd{n}.duckdb'}"
        base_url = POSTGRES_URL if self.kind == "postgresql" else MYSQL_URL
        admin = self._server(base_url)
        if self.kind == "postgresql" and self.made:
            url = self.made[0]
            engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:  # emptying the schema is much faster than a new database
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            engine.dispose()
            return url
        name = f"dbmodel_mig_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))  # generated name, no user input
        url = sa.make_url(base_url).set(database=name).render_as_string(hide_password=False)
        self.made.append(url)
        return url

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            for url in self.made:
                name = sa.make_url(url).database
                force = " WITH (FORCE)" if self.kind == "postgresql" else ""
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))
        self.admin.dispose()


@pytest.fixture(scope="module")
def scratches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Scratch]]:
    """One :class:`Scratch` per engine for the whole module (server databases made once)."""
    made: dict[str, Scratch] = {}
    try:
        yield made
    finally:
        for s in made.values():
            s.close()


@contextlib.contextmanager
def scratch(kind: str, pool: dict[str, Scratch], tmp: Path) -> Iterator[Scratch]:
    if kind not in pool:
        pool[kind] = Scratch(kind, tmp)
    yield pool[kind]


ENGINE_PARAMS = [
    "sqlite", "duckdb", pytest.param("postgresql", marks=pytest.mark.postgres),
]


def _check(kind: str, name: str, url: str) -> None:
    plan = HAND[name]()
    if (kind, name) in KNOWN:
        with pytest.raises(ModelError, match=KNOWN[kind, name]):
            verify(plan, url=url)
        assert any(unsupported(s.op, kind) for s in plan.steps)
        return
    result = verify(plan, url=url)
    assert result.ok, str(result)


def test_corpus_has_forty_evolutions() -> None:
    """The corpus holds at least 40 hand-written evolutions covering every operation and transform."""
    from dbmodel_kit.model.ops import REGISTRY

    assert len(HAND) >= 40
    used = {type(s.op).__name__ for make in HAND.values() for s in make().steps}
    ours = {name for name, cls in REGISTRY.items() if cls.__module__.startswith("dbmodel_kit.")}  # not test doubles
    # batches flatten; recompose is a reverse
    missing = ours - used - {"Batch", "RecomposeTable"}
    assert not missing, missing


@pytest.mark.parametrize("name", sorted(HAND))
@pytest.mark.parametrize("kind", ENGINE_PARAMS)
def test_corpus_up_down_up(kind: str, name: str, tmp_path: Path, scratches: dict[str, Scratch]) -> None:
    """Each corpus evolution goes up, down and up with the reflected schema equal to the model."""
    with scratch(kind, scratches, tmp_path) as s:
        _check(kind, name, s.new())


@pytest.mark.mysql
@pytest.mark.parametrize("name", sorted(HAND))
def test_corpus_up_down_up_mariadb(name: str, tmp_path: Path, scratches: dict[str, Scratch]) -> None:
    """Each corpus evolution goes up, down and up on MariaDB (no transactional DDL) too."""
    with scratch("mysql", scratches, tmp_path) as s:
        _check("mysql", name, s.new())


@pytest.mark.parametrize(("kind", "examples"), [("sqlite", 6), ("duckdb", 4),
                                                pytest.param("postgresql", 4, marks=pytest.mark.postgres)])
def test_generated_sequences_up_down_up(kind: str, examples: int, tmp_path: Path,
                                        scratches: dict[str, Scratch]) -> None:
    """Random valid sequences of operations go up, down and up on a seeded database."""
    with scratch(kind, scratches, tmp_path) as s:
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
        @given(sequences())
        def run(plan: Plan) -> None:
            result = verify(plan, url=s.new())
            assert result.ok, str(result)

        run()


def _failing_plan() -> Plan:
    """Second statement fails for real: a unique index over a column the seed fills with
    duplicates (customer statuses cycle through two values over three rows)."""
    return Plan.from_ops(base(), [o.AddColumn("orders", base().table("products").column("category"), None),
                                  o.AddIndex("customers", Index(("status",), unique=True))])


@pytest.mark.parametrize("kind", ENGINE_PARAMS)
def test_failure_halfway_leaves_database_unchanged(kind: str, tmp_path: Path, scratches: dict[str, Scratch]) -> None:
    """A migration whose second statement fails leaves schema, rows and version exactly as before."""
    from dbmodel_kit.ddl import apply as create
    from dbmodel_kit.dialects import get_dialect
    from dbmodel_kit.migrate.apply import live_schema

    with scratch(kind, scratches, tmp_path) as s:
        url = s.new()
        create(base(), url)
        seed(base(), url)
        apply(Plan.from_ops(base(), []), url)  # record the starting version
        plan = _failing_plan()
        before_rows, before_schema = snapshot(base(), url), live_schema(url, get_dialect(kind))
        with pytest.raises(ModelError, match="statement 2 failed"):
            apply(plan, url, check_data=False)  # the preflight would refuse it up front (test_migrate_preflight)
        assert live_schema(url, get_dialect(kind)) == before_schema
        assert snapshot(base(), url) == before_rows
        assert current_version(url) == fingerprint(base())


def test_version_table_refuses_wrong_start(tmp_path: Path) -> None:
    """Applying a plan whose start is not the recorded version is refused before any change."""
    url = f"sqlite:///{tmp_path / 'v.sqlite'}"
    from dbmodel_kit.ddl import apply as create

    create(base(), url)
    plan = HAND["add_nullable_column"]()
    apply(plan, url)
    assert current_version(url) == fingerprint(plan.new)
    with pytest.raises(ModelError, match="is at version"):
        apply(HAND["drop_column"](), url)
    apply(plan, url)  # already there: nothing to do
    assert current_version(url) == fingerprint(plan.new)


def test_verify_follows_a_table_through_renames_one_after_another(tmp_path: Path) -> None:
    """verify counts each table's rows under its last name: a -> b, then b -> c, then a new table
    under b's name (empty) is not the renamed table losing its rows (the evolution fuzz's seed
    100094 was reported as "row counts changed: orders: 3 -> 0")."""
    from dbmodel_kit.model.spec import build_table

    start = base()
    name = start.tables[0].name
    ops = [o.RenameTable(name, f"{name}_1"), o.RenameTable(f"{name}_1", f"{name}_2"),
           o.AddTable(build_table(f"{name}_1", {"id": "integer pk"}))]
    result = verify(Plan.from_ops(start, ops), url=f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert result.ok, str(result)
    assert "up: every kept table kept its rows" in result.steps


SAFE_CASES = ("add_index", "add_unique", "add_check", "add_foreign_key", "set_not_null", "drop_index",
              "decompose_table", "ecommerce_review")


@pytest.mark.postgres
@pytest.mark.parametrize("name", SAFE_CASES)
def test_safe_mode_runs_on_postgresql(name: str, tmp_path: Path, scratches: dict[str, Scratch]) -> None:
    """The lock-safe PostgreSQL forms (CONCURRENTLY outside transactions, NOT VALID then VALIDATE
    in its own transaction, unique via an index built concurrently) verify up -> down -> up."""
    with scratch("postgresql", scratches, tmp_path) as s:
        result = verify(HAND[name](), url=s.new(), safe=True)
        assert result.ok, str(result)


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
@pytest.mark.parametrize("name", ["order", "a.b", "values"])
def test_rebuild_and_transforms_quote_odd_table_names(kind: str, name: str, tmp_path: Path) -> None:
    """Tables called `order`, `a.b` or `values` survive a rebuild (type change under an FK) and a column split."""
    from dbmodel_kit import ForeignKey, Model
    from dbmodel_kit.migrate import verify
    from dbmodel_kit.migrate.transforms import SplitColumn
    from dbmodel_kit.model import ops
    from dbmodel_kit.model.naming import qualify

    key = qualify(None, name)  # the model's key of a table called `a.b` is '"a.b"' (a bare a.b is schema a)
    m = Model()
    m.add_table_from(key, {"id": "integer pk", "name": "varchar(100) not null"})
    assert (m.schema.table(key).name, m.schema.table(key).schema) == (name, None)
    m.add_table_from("child", {"id": "integer pk", "parent_id": "integer"})
    m.apply(ops.AddForeignKey("child", ForeignKey(("parent_id",), key)))
    cp = m.checkpoint()
    m.apply(ops.AlterColumn(key, "name", type="varchar(200)"))
    m.apply(SplitColumn(key, "name", ("first", "rest")))
    result = verify(m.plan_since(cp), url=f"{kind}:///{tmp_path / 'db'}")
    assert result.ok, str(result)


#: The objects of the corpus's ``add_objects`` each engine holds: a trigger where it has triggers
#: (PostgreSQL's calls a function), a macro on DuckDB, which has none.
OWN_OBJECTS = {"sqlite": {("trigger", "orders_qty_floor")}, "duckdb": {("function", "qty_floor")},
               "postgresql": {("function", "qty_floor()"), ("trigger", "orders_qty_floor on orders")},
               "mysql": {("trigger", "orders_qty_floor")}}


@pytest.mark.parametrize("kind", [*ENGINE_PARAMS, pytest.param("mysql", marks=pytest.mark.mysql)])
def test_other_engines_objects_are_not_created(kind: str, tmp_path: Path, scratches: dict[str, Scratch]) -> None:
    """After ``add_objects`` an engine holds its own trigger (or DuckDB its macro: it has no triggers)
    and none of the others', and the migration's header names each one it leaves out."""
    from dbmodel_kit.ddl import apply as create
    from dbmodel_kit.dialects import get_dialect
    from dbmodel_kit.migrate.apply import live_schema
    from dbmodel_kit.migrate.emit import to_sql

    plan = HAND["add_objects"]()
    with scratch(kind, scratches, tmp_path) as s:
        url = s.new()
        create(plan.old, url)
        apply(plan, url)
        held = live_schema(url, get_dialect(kind)).verbatim
    assert {(x.kind, x.name) for x in held} == OWN_OBJECTS[kind]
    assert {x.dialect for x in held} == {kind}
    notes = [line for line in to_sql(plan, kind).splitlines() if line.startswith("-- Note: ")]
    assert len(notes) == 5 - len(OWN_OBJECTS[kind])
    assert all("only (kept verbatim, not portable)" in n for n in notes)


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_verify_seeds_a_partitioned_table_through_its_table(engine, tmp_path, request):
    """verify seeds and snapshots the tables the engine holds: on SQLite no partitions (pagila:
    KeyError 'payment_p2022_07'), on PostgreSQL a partition's rows go in through its table (written to
    the partition they broke its bounds: 'violates partition constraint')."""
    from test_export_files import _partitioned_with_array

    from dbmodel_kit.migrate import Plan
    from dbmodel_kit.migrate.apply import verify
    from dbmodel_kit.model.schema import Column
    from dbmodel_kit.model.types import DataType

    schema = _partitioned_with_array()
    plan = Plan.from_ops(schema, [o.AddColumn("film", Column("note", DataType("varchar", 40)))])
    url = f"sqlite:///{tmp_path / 'v.sqlite'}" if engine == "sqlite" else request.getfixturevalue("postgres_url")
    v = verify(plan, url=url)
    assert v.ok, str(v)
    assert "payment=3" in v.steps[0]
