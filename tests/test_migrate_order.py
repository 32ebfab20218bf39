"""Creation order and foreign-key cycles: the fewest keys wait (a minimal feedback arc set), and a
plan from an empty schema creates referenced tables first, whatever the model's table order."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbmodel_kit.cli import main
from dbmodel_kit.ddl import create_sql
from dbmodel_kit.io import dumps
from dbmodel_kit.migrate import diff
from dbmodel_kit.model.schema import Column, DataType, ForeignKey, Schema, Table, cycle_breakers, dependency_order
from dbmodel_kit.model.spec import build_table


def sakila_shaped() -> Schema:
    """Sakila's foreign-key graph (16 tables, one cycle: staff <-> store), tables in alphabetical
    order as in its dump, so many tables reference tables that come later."""
    t = build_table
    return Schema((
        t("actor", {"actor_id": "integer pk", "name": "varchar(45) not null"}),
        t("address", {"address_id": "integer pk", "city_id": "integer not null references city"}),
        t("category", {"category_id": "integer pk"}),
        t("city", {"city_id": "integer pk", "country_id": "integer not null references country"}),
        t("country", {"country_id": "integer pk"}),
        t("customer", {"customer_id": "integer pk", "store_id": "integer not null references store",
                       "address_id": "integer not null references address"}),
        t("film", {"film_id": "integer pk", "language_id": "integer not null references language",
                   "original_language_id": "integer references language(language_id)"}),
        t("film_actor", {"actor_id": "integer pk references actor", "film_id": "integer pk references film"}),
        t("film_category", {"film_id": "integer pk references film",
                            "category_id": "integer pk references category"}),
        t("inventory", {"inventory_id": "integer pk", "film_id": "integer not null references film",
                        "store_id": "integer not null references store"}),
        t("language", {"language_id": "integer pk"}),
        t("payment", {"payment_id": "integer pk", "customer_id": "integer not null references customer",
                      "staff_id": "integer not null references staff", "rental_id": "integer references rental"}),
        t("rental", {"rental_id": "integer pk", "inventory_id": "integer not null references inventory",
                     "customer_id": "integer not null references customer",
                     "staff_id": "integer not null references staff"}),
        t("staff", {"staff_id": "integer pk", "address_id": "integer not null references address",
                    "store_id": "integer not null references store"}),
        t("store", {"store_id": "integer pk", "manager_staff_id": "integer not null references staff",
                    "address_id": "integer not null references address"}),
    ))


def library() -> Schema:
    """A library: a composite FK, a self-reference, a cycle members <-> branches, a reserved word,
    a spaced column, char keys, and tables listed before the tables they reference."""
    t = build_table
    loans = t("loans", {"id": "integer pk", "copy_branch": "char(4) not null", "copy_no": "integer not null",
                        "member_id": "integer not null references members", '"due date"': "date"})
    loans = Table(loans.name, loans.columns, loans.primary_key, (
        *loans.foreign_keys, ForeignKey(("copy_branch", "copy_no"), "copies", ("branch_code", "copy_no"))))
    return Schema((
        loans,
        t("copies", {"branch_code": "char(4) pk references branches", "copy_no": "integer pk",
                     "book_isbn": "char(13) not null references books"}),
        t("books", {"isbn": "char(13) pk", "title": "varchar(200) not null",
                    "series_next": "char(13) references books"}),
        t("branches", {"code": "char(4) pk", "name": "varchar(100) not null",
                       "manager_id": "integer not null references members"}),
        t("members", {"id": "integer pk", "name": "varchar(100) not null",
                      "home_branch": "char(4) references branches"}),
        t("order", {"id": "integer pk identity", "member_id": "integer references members"}),
        t("reviews", {"id": "integer pk", "isbn": "char(13) not null references books",
                      "stars": "smallint not null check (stars BETWEEN 1 AND 5)"}),
    ))


def test_sakila_cycle_defers_one_key() -> None:
    """Sakila's one cycle (staff <-> store) defers one foreign key, not every key of the tables
    that wait for the cycle (the DuckDB DDL left out six)."""
    order, deferred = dependency_order(sakila_shaped())
    assert [(t.name, fk.ref_table) for t, fk in deferred] == [("staff", "store")]
    placed: set[str] = set()
    skip = {(t.name, fk.name) for t, fk in deferred}
    for t in order:
        assert all(fk.ref_table in placed | {t.name} for fk in t.foreign_keys if (t.name, fk.name) not in skip)
        placed.add(t.name)
    assert create_sql(sakila_shaped(), "duckdb").count("left out") == 1


def test_nullable_key_is_deferred_before_required_one() -> None:
    """Of the keys that could break a cycle, one whose columns are nullable waits (its rows can be
    inserted before the parent exists)."""
    _, deferred = dependency_order(library())
    assert [(t.name, fk.ref_table) for t, fk in deferred] == [("members", "branches")]


@st.composite
def graphs(draw: st.DrawFn) -> Schema:
    """Up to 7 tables with random foreign keys between them (cycles, parallel keys, self-references)."""
    n = draw(st.integers(2, 7))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.booleans()), max_size=12))
    tables = []
    for i in range(n):
        cols = [Column("id", DataType("integer"))]
        fks = []
        for k, (child, parent, nullable) in enumerate(edges):
            if child == i:
                cols.append(Column(f"r{k}", DataType("integer"), nullable=nullable))
                fks.append(ForeignKey((f"r{k}",), f"t{parent}", ("id",)))
        tables.append(Table(f"t{i}", columns=tuple(cols), primary_key=("id",), foreign_keys=tuple(fks)))
    return Schema(tuple(tables))


def _acyclic(schema: Schema, removed: set[tuple[str, str]]) -> bool:
    try:
        order = {name: i for i, name in enumerate(_topo(schema, removed))}
    except ValueError:
        return False
    return len(order) == len(schema.tables)


def _topo(schema: Schema, removed: set[tuple[str, str]]) -> list[str]:
    deps = {t.name: {fk.ref_table for fk in t.foreign_keys if fk.ref_table != t.name
                     and (t.name, fk.name) not in removed} for t in schema.tables}
    out: list[str] = []
    while deps:
        ready = [n for n, d in deps.items() if not d]
        if not ready:
            raise ValueError("cycle")
        for n in ready:
            out.append(n)
            del deps[n]
        for d in deps.values():
            d.difference_update(ready)
    return out


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(graphs())
def test_deferred_keys_are_a_minimum_feedback_arc_set(schema: Schema) -> None:
    """The deferred keys leave no cycle, none of them could stay, and no smaller set exists
    (checked by brute force over every set of the graph's keys)."""
    order, deferred = dependency_order(schema)
    assert sorted(t.name for t in order) == sorted(schema.table_names)
    removed = {(t.name, fk.name) for t, fk in deferred}
    assert _acyclic(schema, removed)
    for e in removed:
        assert not _acyclic(schema, removed - {e})
    keys = [(t.name, fk.name) for t in schema.tables for fk in t.foreign_keys if fk.ref_table != t.name]
    for size in range(len(removed)):
        assert not any(_acyclic(schema, set(c)) for c in itertools.combinations(keys, size))
    assert cycle_breakers(schema) == deferred


def test_large_cycle_group_uses_the_greedy_search_and_stays_minimal() -> None:
    """A dense group of 12 tables, where the exact search would try too many sets, is broken by
    the greedy ordering, pruned so every deferred key is needed."""
    n = 12
    tables = []
    for i in range(n):
        cols = [Column("id", DataType("integer"))]
        fks = []
        for j in range(n):
            if j != i and (i * 7 + j * 3) % 5 < 3:
                cols.append(Column(f"r{j}", DataType("integer")))
                fks.append(ForeignKey((f"r{j}",), f"t{j}", ("id",)))
        tables.append(Table(f"t{i}", columns=tuple(cols), primary_key=("id",), foreign_keys=tuple(fks)))
    schema = Schema(tuple(tables))
    _, deferred = dependency_order(schema)
    removed = {(t.name, fk.name) for t, fk in deferred}
    assert _acyclic(schema, removed)
    assert all(not _acyclic(schema, removed - {e}) for e in removed)
    assert dependency_order(schema)[1] == deferred  # deterministic


def test_long_chain_needs_no_recursion() -> None:
    """A chain of 3,000 tables each referencing the next is ordered without exhausting the stack."""
    n = 3000
    tables = tuple(build_table(f"t{i}", {"id": "integer pk", **({"nxt": f"integer references t{i + 1}"}
                                                               if i + 1 < n else {})}) for i in range(n))
    order, deferred = dependency_order(Schema(tables))
    assert [t.name for t in order][:2] == [f"t{n - 1}", f"t{n - 2}"]
    assert not deferred


def test_diff_from_empty_creates_parents_first() -> None:
    """A diff from an empty schema to one whose tables reference later tables is a valid plan
    (it failed with 'position 1 is outside 0..0'), ends at the new schema in its own table order,
    and closes the cycle with one added foreign key."""
    plan = diff(Schema(), library())
    assert plan.new.table_names == library().table_names
    added = [s.op for s in plan.steps if type(s.op).__name__ == "AddForeignKey"]
    assert [(op.table, op.foreign_key.ref_table) for op in added] == [("members", "branches")]
    assert diff(library(), Schema()).new == Schema()


@pytest.mark.parametrize("command", [
    ["diff", "{empty}", "{lib}"], ["diff", "{empty}", "{lib}", "-d", "duckdb"],
    ["review", "{empty}", "{lib}", "-o", "{out}/r.md"], ["export", "{lib}", "--to", "sqlalchemy", "-o", "{out}/x"],
])
def test_cli_on_forward_references(command: list[str], tmp_path: Path) -> None:
    """export, diff from an empty schema and review run on a schema whose tables reference later ones."""
    empty, lib = tmp_path / "empty.yaml", tmp_path / "lib.yaml"
    empty.write_text(dumps(Schema(), "yaml"))
    lib.write_text(dumps(library(), "yaml"))
    args = [a.format(empty=empty, lib=lib, out=tmp_path) for a in command]
    assert main(args) == 0


def test_duckdb_diff_from_empty_keeps_a_key_whose_cycle_another_key_already_breaks(tmp_path: Path) -> None:
    """On DuckDB a cycle whose other key cannot be made anyway (it references an INTERVAL key,
    which DuckDB cannot index) needs no key cut: the migration from an empty schema keeps the
    remaining key, as the DDL does (it cut the nullable one too: generated schemas failed with
    'reflect after the migration on duckdb differs: ... foreign_keys: want [FK ...], got []')."""
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.migrate.apply import apply

    schema = Schema((build_table("a", {"id": "integer pk", "b_span": "interval not null references b(span)"}),
                     build_table("b", {"id": "integer pk", "span": "interval unique",
                                       "a_id": "integer references a"})))
    url = f"duckdb:///{tmp_path / 'x.duckdb'}"
    apply(diff(Schema(), schema), url, record=False)
    want = [(t.key, fk.ref_table) for t in storable(schema, "duckdb").tables for fk in t.foreign_keys]
    assert want == [("b", "a")]
    assert [(t.key, fk.ref_table) for t in reflect(url).tables for fk in t.foreign_keys] == want
