"""``Schema.with_objects``: a change of enums, domains, sequences, views or verbatim objects checks
the schema-level objects whole and the tables only where they name what changed, and accepts or
refuses exactly what the full check (a new ``Schema``) does."""

from __future__ import annotations

from dataclasses import fields

import pytest

from dbmodel_kit import ModelError
from dbmodel_kit.model import ops
from dbmodel_kit.model.schema import Domain, Enum, Schema, Sequence, Verbatim, View
from dbmodel_kit.model.spec import build_table
from dbmodel_kit.model.types import DataType


def shop() -> Schema:
    """An enum with a literal default, a domain used by a key both sides of a foreign key and by
    a key an integer references, a sequence drawn by a default, an unused enum, domain and
    sequence, a view and a function."""
    tables = (
        build_table("customer", {"id": "domain(ident) pk", "tier": "enum(tier) not null default 'gold'",
                                 "no": "integer default nextval('customer_no')"}),
        build_table("orders", {"id": "integer pk", "customer_id": "domain(ident) references customer"}),
        build_table("note", {"id": "integer pk", "body": "text"}),
        build_table("payment", {"id": "integer pk", "customer_id": "integer references customer"}),
    )
    return Schema(tables, enums=(Enum("tier", ("gold", "silver")), Enum("unused", ("a",))),
                  domains=(Domain("ident", "integer"), Domain("spare", "text")),
                  sequences=(Sequence("customer_no"), Sequence("spare_seq")),
                  views=(View("gold", "SELECT id FROM customer WHERE tier = 'gold'"),),
                  verbatim=(Verbatim("function", "f", "postgresql", "CREATE FUNCTION f() RETURNS int AS $$ "
                                     "SELECT 1 $$ LANGUAGE sql"),))


def full(schema: Schema) -> Schema:
    """The same value checked whole, as a new Schema."""
    return Schema(**{f.name: getattr(schema, f.name) for f in fields(Schema) if f.init})


CHANGES = {
    "enum added": lambda s: {"enums": (*s.enums, Enum("mood", ("ok",)))},
    "unused enum dropped": lambda s: {"enums": (s.enums[0],)},
    "enum values changed, the default still fits": lambda s: {"enums": (Enum("tier", ("gold", "bronze")),
                                                                         s.enums[1])},
    "domain added": lambda s: {"domains": (*s.domains, Domain("year", "integer"))},
    "unused domain dropped": lambda s: {"domains": (s.domains[0],)},
    "domain comment": lambda s: {"domains": (Domain("ident", "integer", comment="an id"), s.domains[1])},
    "sequence added": lambda s: {"sequences": (*s.sequences, Sequence("other", owned_by=("note", "id")))},
    "unused sequence dropped": lambda s: {"sequences": (s.sequences[0],)},
    "view dropped": lambda s: {"views": ()},
    "object dropped": lambda s: {"verbatim": ()},
    "name and comment": lambda s: {"name": "shop", "comment": "the shop"},
}

REFUSED = {
    "used enum dropped": (lambda s: {"enums": (s.enums[1],)}, "customer.tier"),
    "enum values no longer hold the default": (lambda s: {"enums": (Enum("tier", ("silver",)), s.enums[1])},
                                               "customer.tier"),
    "used domain dropped": (lambda s: {"domains": (s.domains[1],)}, "customer.id"),
    # payment.customer_id (an integer, no domain) references customer.id, which is text now
    "domain rebased under a foreign key": (lambda s: {"domains": (Domain("ident", "text"), s.domains[1])},
                                           "type mismatch"),
    "drawn sequence dropped": (lambda s: {"sequences": (s.sequences[1],)}, "customer.no"),
    "sequence owned by a missing column": (lambda s: {"sequences": (*s.sequences,
                                                                    Sequence("x", owned_by=("note", "nope")))},
                                           "note.nope"),
    "duplicate enum": (lambda s: {"enums": (*s.enums, Enum("tier", ("a",)))}, "duplicate enum"),
    "enum named like a domain": (lambda s: {"enums": (*s.enums, Enum("ident", ("a",)))}, "declared twice"),
    "view named like a table": (lambda s: {"views": (View("note", "SELECT 1 AS one"),)}, "declared twice"),
    "domain on an undeclared enum": (lambda s: {"domains": (*s.domains, Domain("d", DataType("enum", enum="no")))},
                                     "domain d"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_accepted_change_is_the_full_checks_value(change: str) -> None:
    s = shop()
    new = s.with_objects(**CHANGES[change](s))
    assert new == full(new)
    assert new.table_names == s.table_names
    assert all(new.table(t.key) is t for t in s.tables)  # the tables are shared, not rebuilt


@pytest.mark.parametrize("change", list(REFUSED))
def test_a_refused_change_is_refused_by_both_checks(change: str) -> None:
    s = shop()
    make, words = REFUSED[change]
    with pytest.raises(ModelError) as incremental:
        s.with_objects(**make(s))
    with pytest.raises(ModelError) as whole:
        Schema(**{**{f.name: getattr(s, f.name) for f in fields(Schema) if f.init}, **make(s)})
    assert words in str(incremental.value)
    assert str(incremental.value) == str(whole.value)


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="tables"):
        shop().with_objects(tables=())


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = Schema._check_table

    def counting(self, t, *args):  # type: ignore[no-untyped-def]
        seen.append(t.key)
        return original(self, t, *args)

    monkeypatch.setattr(Schema, "_check_table", counting)
    return seen


def test_an_object_operation_checks_only_the_tables_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding or dropping a type, sequence, view or object that no table names checks no table; a
    change of one a table names checks that table and the tables referencing it."""
    s = shop()
    seen = counted(monkeypatch)
    for op in (ops.AddEnum(Enum("mood", ("ok",))), ops.DropEnum("unused"), ops.AddDomain(Domain("year", "integer")),
               ops.DropDomain("spare"), ops.AddSequence(Sequence("other")), ops.DropSequence("spare_seq"),
               ops.DropView("gold"), ops.DropObject("function", "f"), ops.AlterSequence("spare_seq", start=5)):
        op.apply(s)
    assert seen == []
    ops.AlterEnum("tier", ("gold", "silver", "bronze")).apply(s)
    assert seen == ["customer", "orders", "payment"]  # the tables referencing it are checked again
    seen.clear()
    ops.AlterDomain("ident", comment="an id").apply(s)
    assert seen == ["customer", "orders", "payment"]
    seen.clear()
    ops.AlterEnum("unused", ("a", "b")).apply(s)
    assert seen == []
