"""Property tests: every operation's inverse undoes it, over random edit sequences."""

from __future__ import annotations

from dataclasses import fields

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from dbmodel_kit import Column, ModelError, Schema
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.model import ops
from dbmodel_kit.model.schema import Check, Domain, Enum, ForeignKey, Index, Sequence, Unique
from dbmodel_kit.model.spec import build_table

NAMES = st.sampled_from(["a", "b", "note", "order", "x y", 'q"t', "ünï", "created_at", "amount", "ref_id"])
TYPES = st.sampled_from(["integer", "bigint", "text", "varchar(40)", "decimal(10,2)", "boolean", "timestamptz",
                         "uuid", "date", "json"])


def _ops_for(schema: Schema, data: st.DataObject) -> ops.Operation:
    """Draw one operation that is plausible for ``schema`` (it may still be refused)."""
    tables = list(schema.table_names)
    kind = data.draw(st.sampled_from([
        "add_table", "drop_table", "rename_table", "alter_table", "add_column", "drop_column", "rename_column",
        "alter_column", "move_column", "set_pk", "add_fk", "drop_fk", "add_index", "drop_index", "add_unique",
        "drop_unique", "add_check", "drop_check", "add_enum", "alter_enum", "drop_enum", "add_domain",
        "drop_domain", "add_sequence", "drop_sequence", "batch"]))
    if kind == "add_table" or not tables:
        name = data.draw(st.sampled_from(["t1", "t2", "select", "t 3", "tbl\"x"]))
        return ops.AddTable(build_table(name, {"id": "bigint pk identity", "v": "text"}),
                            data.draw(st.none() | st.integers(0, len(tables))))
    t = schema.table(data.draw(st.sampled_from(tables)))
    cols = list(t.column_names)
    col = data.draw(st.sampled_from(cols))
    pick = lambda items: data.draw(st.sampled_from([i.name for i in items])) if items else "missing"
    match kind:
        case "drop_table":
            return ops.DropTable(t.name)
        case "rename_table":
            return ops.RenameTable(t.name, data.draw(st.sampled_from(["renamed", "x-y", "t1"])))
        case "alter_table":
            return ops.AlterTable(t.name, comment=data.draw(st.none() | st.text(max_size=10)),
                                  group=data.draw(st.none() | st.sampled_from(["sales", "ops"])))
        case "add_column":
            spec = data.draw(TYPES) + data.draw(st.sampled_from(["", " not null default 0", " unique"]))
            name = data.draw(NAMES)
            try:
                parsed = build_table("tmp", {name: spec}).columns[0]
            except ModelError:
                parsed = Column(name, "text")
            return ops.AddColumn(t.name, parsed, data.draw(st.none() | st.integers(0, len(cols))))
        case "drop_column":
            return ops.DropColumn(t.name, col)
        case "rename_column":
            return ops.RenameColumn(t.name, col, data.draw(NAMES))
        case "alter_column":
            return ops.AlterColumn(t.name, col, **data.draw(st.sampled_from([
                {"nullable": False}, {"nullable": True}, {"type": "text"}, {"default": None}, {"comment": "why"},
                {"sensitive": True}, {"hints": {"distinct": 10}}])))
        case "move_column":
            return ops.MoveColumn(t.name, col, data.draw(st.integers(0, max(0, len(cols) - 1))))
        case "set_pk":
            return ops.SetPrimaryKey(t.name, tuple(data.draw(st.lists(st.sampled_from(cols), max_size=2, unique=True))))
        case "add_fk":
            parent = schema.table(data.draw(st.sampled_from(tables)))
            if not parent.primary_key:
                return ops.AddForeignKey(t.name, ForeignKey((col,), parent.name))
            n = len(parent.primary_key)
            child = tuple(data.draw(st.lists(st.sampled_from(cols), min_size=n, max_size=n, unique=True))) \
                if len(cols) >= n else (col,)
            return ops.AddForeignKey(t.name, ForeignKey(child, parent.name,
                                                        on_delete=data.draw(st.sampled_from([None, "CASCADE"]))))
        case "drop_fk":
            return ops.DropForeignKey(t.name, pick(t.foreign_keys))
        case "add_index":
            return ops.AddIndex(t.name, Index(tuple(data.draw(st.lists(st.sampled_from(cols), min_size=1, max_size=3,
                                                                        unique=True))),
                                              unique=data.draw(st.booleans())))
        case "drop_index":
            return ops.DropIndex(t.name, pick(t.indexes))
        case "add_unique":
            return ops.AddUnique(t.name, Unique((col,)))
        case "drop_unique":
            return ops.DropUnique(t.name, pick(t.uniques))
        case "add_check":
            quoted = col.replace('"', '""')
            return ops.AddCheck(t.name, Check(f'"{quoted}" IS NOT NULL'))
        case "drop_check":
            return ops.DropCheck(t.name, pick(t.checks))
        case "add_enum":
            return ops.AddEnum(Enum(data.draw(st.sampled_from(["mood", "state"])), ("a", "b")))
        case "alter_enum":
            return ops.AlterEnum(data.draw(st.sampled_from(["mood", "state", "order_status"])), ("x", "y", "z"))
        case "drop_enum":
            return ops.DropEnum(data.draw(st.sampled_from(["mood", "state", "user_role"])))
        case "add_domain":
            return ops.AddDomain(Domain(data.draw(st.sampled_from(["code", "mood"])), data.draw(TYPES)))
        case "drop_domain":
            return ops.DropDomain(data.draw(st.sampled_from(["code", "mood"])))
        case "add_sequence":
            return ops.AddSequence(Sequence(data.draw(st.sampled_from(["seq", "other_seq"])),
                                            owned_by=data.draw(st.none() | st.just((t.key, col)))))
        case "drop_sequence":
            return ops.DropSequence(data.draw(st.sampled_from(["seq", "other_seq"])))
        case _:
            return ops.Batch((ops.AddColumn(t.name, Column("batch_col", "integer")),
                              ops.AddIndex(t.name, Index(("batch_col",)))), label="batch")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(["empty", "ecommerce", "large"]), data=st.data())
def test_random_operation_sequences_are_undone_by_their_inverses(start: str, data: st.DataObject) -> None:
    """For random edits, apply(op) then apply(op.inverse(before)) gives back `before` exactly."""
    schema = {"empty": Schema, "ecommerce": ecommerce, "large": large}[start]()
    applied = 0
    for _ in range(25):
        op = _ops_for(schema, data)
        try:
            after = op.apply(schema)
        except ModelError:
            continue  # refused edits leave `schema` as it was (values are immutable)
        # the incremental checks (Schema.replace_table, with_table, with_objects) accept exactly
        # what the full check does
        assert Schema(**{f.name: getattr(after, f.name) for f in fields(Schema) if f.init}) == after
        inverse = op.inverse(schema)
        assert inverse.apply(after) == schema, f"{op.describe()} / {inverse.describe()}"
        assert op.describe()
        assert inverse.describe()
        schema = after
        applied += 1
    note(f"{applied} operations applied")
