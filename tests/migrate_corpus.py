"""The migration corpus: hand-written model evolutions covering every operation and transform,
plus generated sequences of operations (hypothesis strategies, drawn with a fixed seed).

Each case is ``(name, plan)``; the engine tests verify every plan up -> down -> up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hypothesis import strategies as st

from dbmodel_kit.examples import ecommerce
from dbmodel_kit.migrate import CastColumn, DecomposeTable, MergeColumns, Plan, SplitColumn, diff
from dbmodel_kit.model import Model
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Column, Default, Domain, Enum, ForeignKey, Index, Schema, Sequence, Verbatim, View
from dbmodel_kit.model.spec import build_table


def base() -> Schema:
    """A small shop: customers, products, orders, one enum, checks, unique, FK, indexes."""
    customers = build_table("customers", {
        "id": "integer pk", "email": "varchar(120) not null unique", "name": "varchar(80)",
        "status": "enum(status) not null default 'active'", "created_at": "timestamp",
    })
    products = build_table("products", {
        "id": "integer pk", "name": "varchar(100) not null", "price": "decimal(10,2) not null check (price >= 0)",
        "category": "varchar(40)",
    })
    orders = build_table("orders", {
        "id": "integer pk", "customer_id": "integer not null references customers",
        "product_id": "integer references products", "qty": "integer not null default 1", "note": "text",
    })
    orders = replace(orders, indexes=(Index(("customer_id",)),))
    return Schema((customers, products, orders), enums=(Enum("status", ("active", "blocked")),))


def _log(edit: Callable[[Model], object], start: Schema | None = None) -> Plan:
    m = Model(start if start is not None else base())
    cp = m.checkpoint()
    edit(m)
    return m.plan_since(cp)


def _ops(*ops: o.Operation, start: Schema | None = None) -> Plan:
    return Plan.from_ops(start if start is not None else base(), ops)


def _col(name: str, spec: str) -> Column:
    return build_table("x", {name: spec}).column(name)


HAND: dict[str, Callable[[], Plan]] = {
    "add_table": lambda: _log(lambda m: m.add_table("tags", id="integer pk", label="varchar(30) not null unique")),
    "add_table_with_fk": lambda: _log(lambda m: m.add_table(
        "reviews", id="integer pk", product_id="integer not null references products",
        stars="smallint not null check (stars >= 1 AND stars <= 5)")),
    "drop_table": lambda: _ops(o.DropTable("orders")),
    "rename_table": lambda: _log(lambda m: m.rename_table("products", "items")),
    "rename_referencing_table": lambda: _log(lambda m: m.rename_table("orders", "purchases")),
    "table_comment": lambda: _ops(o.AlterTable("products", comment="what we sell")),
    "add_nullable_column": lambda: _log(lambda m: m.add_column("customers", "phone", "varchar(32)")),
    "add_column_with_default": lambda: _log(lambda m: m.add_column("products", "stock", "integer not null default 0")),
    "add_boolean_column": lambda: _log(lambda m: m.add_column("customers", "vip", "boolean not null default false")),
    "drop_column": lambda: _log(lambda m: m.drop_column("orders", "note")),
    "drop_indexed_column": lambda: _log(lambda m: m.drop_column("products", "category"),
                                        _ops(o.AddIndex("products", Index(("category",)))).new),
    "rename_column": lambda: _log(lambda m: m.rename_column("customers.name", "full_name")),
    "rename_referenced_column_table": lambda: _log(lambda m: m.rename_column("customers.email", "mail")),
    "widen_varchar": lambda: _log(lambda m: m.alter_column("customers.name", type="varchar(200)")),
    "widen_integer": lambda: _log(lambda m: m.alter_column("orders.qty", type="bigint")),
    "set_not_null": lambda: _log(lambda m: m.alter_column("products.category", nullable=False),
                                 _ops(o.AlterColumn("products", "category", default="'misc'")).new),
    "drop_not_null": lambda: _log(lambda m: m.alter_column("products.name", nullable=True)),
    "change_default": lambda: _log(lambda m: m.alter_column("orders.qty", default=2)),
    "drop_default": lambda: _log(lambda m: m.alter_column("orders.qty", default=None)),
    "move_column": lambda: _ops(o.MoveColumn("orders", "note", 1)),
    "add_index": lambda: _log(lambda m: m.add_index("products", "category", "price")),
    "add_unique_index": lambda: _log(lambda m: m.add_index("products", "name", unique=True)),
    "add_partial_index": lambda: _log(lambda m: m.add_index("orders", "product_id", where="qty > 1")),
    "drop_index": lambda: _ops(o.DropIndex("orders", "ix_orders_customer_id")),
    "add_unique": lambda: _log(lambda m: m.add_unique("products", "name", "category")),
    "drop_unique": lambda: _ops(o.DropUnique("customers", "uq_customers_email")),
    "add_check": lambda: _log(lambda m: m.add_check("orders", "qty > 0")),
    "drop_check": lambda: _ops(o.DropCheck("products", "ck_products_price")),
    "add_foreign_key": lambda: _ops(
        o.AddColumn("products", _col("maker_id", "integer")),
        o.AddForeignKey("products", ForeignKey(("maker_id",), "customers"))),
    "drop_foreign_key": lambda: _ops(o.DropForeignKey("orders", "fk_orders_product_id_products")),
    "set_primary_key": lambda: _ops(
        o.AddTable(build_table("prices", {"product_id": "integer not null", "currency": "char(3) not null",
                                          "amount": "decimal(10,2)"})),
        o.SetPrimaryKey("prices", ("product_id", "currency"))),
    "add_enum_and_column": lambda: _ops(
        o.AddEnum(Enum("tier", ("free", "pro"))),
        o.AddColumn("customers", Column("tier", "enum(tier)", default="'free'", nullable=False))),
    "add_enum_value": lambda: _ops(o.AlterEnum("status", ("active", "blocked", "closed"))),
    "drop_enum": lambda: _ops(o.AddEnum(Enum("unused", ("a", "b"))), o.DropEnum("unused")),
    "batch": lambda: _log(lambda m: _batch(m)),
    "split_column": lambda: _ops(SplitColumn("products", "name", ("brand", "model"))),
    "merge_columns": lambda: _ops(MergeColumns("products", ("name", "category"), _col("label", "text"), " / ")),
    "decompose_table": lambda: _ops(DecomposeTable("products", ("category",), "categories", ("name",))),
    "cast_column": lambda: _ops(CastColumn("customers", "name", "text")),
    "narrowing_cast": lambda: _ops(CastColumn("orders", "note", "varchar(50)")),
    "structural_diff": lambda: diff(base(), _evolved(), hints={"customers.name": "customers.display_name"}),
    "ecommerce_review": lambda: _ecommerce_review(),
    # sequences and domains (reflection reads them back where the engine has them, 222adab)
    "add_sequence_drawn_by_column": lambda: _ops(
        o.AddSequence(Sequence("invoice_no", start=1000, increment=10)),
        o.AddColumn("orders", Column("invoice", "bigint", default=Default("sequence", "invoice_no")))),
    "alter_sequence": lambda: _ops(o.AlterSequence("ticket_no", increment=5, max_value=999_999, cycle=True),
                                   start=_with_sequence()),
    "drop_sequence": lambda: _ops(o.DropSequence("ticket_no"), start=_with_sequence()),
    "add_domain_and_column": lambda: _ops(
        o.AddDomain(Domain("quantity", "integer", checks=("VALUE > 0",))),
        o.AddColumn("products", Column("pack_size", "domain(quantity)", default=1))),
    "alter_domain": lambda: _ops(o.AlterDomain("quantity", nullable=False, default=2,
                                               checks=("VALUE > 0 AND VALUE < 1000",)), start=_with_domain()),
    "drop_domain": lambda: _ops(o.DropColumn("products", "pack_size"), o.DropDomain("quantity"),
                                start=_with_domain()),
    # views (portable SQL, transpiled per engine) and objects kept as their own engine's SQL
    "add_view": lambda: _ops(o.AddView(_order_lines())),
    "replace_view": lambda: _ops(o.ReplaceView("order_lines", _order_lines(
        "SELECT o.id, o.qty, p.name, o.qty * p.price AS amount FROM orders o JOIN products p ON p.id = o.product_id "
        "WHERE o.qty > 0")), start=_with_view()),
    "drop_view": lambda: _ops(o.DropView("order_lines"), start=_with_view()),
    # a materialized view where the engine has them (PostgreSQL), a plain view elsewhere, as ddl notes
    "add_materialized_view": lambda: _ops(o.AddView(View(
        "product_sales", "SELECT p.id, p.name, SUM(o.qty) AS sold FROM products p JOIN orders o ON o.product_id = p.id "
        "GROUP BY p.id, p.name", materialized=True))),
    "widen_column_under_view": lambda: _ops(o.AlterColumn("orders", "qty", type="bigint"), start=_with_view()),
    "drop_column_beside_view": lambda: _ops(o.DropColumn("orders", "note"), start=_with_view()),
    "rename_table_under_view": lambda: _ops(o.RenameTable("orders", "purchases"), start=_with_view()),
    "rename_column_under_view": lambda: _ops(o.RenameColumn("orders", "qty", "quantity"), start=_with_view()),
    "add_objects": lambda: _ops(*(o.AddObject(x) for x in _objects())),
    "replace_objects": lambda: _ops(*(o.ReplaceObject(x.kind, x.key, x, x.dialect) for x in _objects(2)),
                                    start=_with_objects()),
    "drop_objects": lambda: _ops(*(o.DropObject(x.kind, x.key, x.dialect) for x in reversed(_objects())),
                                 start=_with_objects()),
}


_LINES = "SELECT o.id, o.qty, p.name FROM orders o JOIN products p ON p.id = o.product_id"


def _order_lines(query: str = _LINES) -> View:
    """A view over orders and products, in portable SQL (each engine gets it transpiled)."""
    return View("order_lines", query)


def _with_view() -> Schema:
    """:func:`base` with the view ``order_lines``."""
    return _ops(o.AddView(_order_lines())).new


def _objects(floor: int = 1) -> tuple[Verbatim, ...]:
    """A trigger keeping ``orders.qty`` at least ``floor`` on each engine that has triggers (SQLite,
    PostgreSQL with its function, MariaDB), and a function (a macro) on DuckDB, which has no
    triggers: each engine creates its own and notes the others' as not created there."""
    pg_function = (f"CREATE FUNCTION qty_floor() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"NEW.qty := GREATEST(NEW.qty, {floor}); RETURN NEW; END $$")
    return (
        Verbatim("trigger", "orders_qty_floor", "sqlite",
                 f"CREATE TRIGGER orders_qty_floor AFTER INSERT ON orders WHEN NEW.qty < {floor} BEGIN "
                 f"UPDATE orders SET qty = {floor} WHERE id = NEW.id; END", depends_on=("orders",)),
        Verbatim("function", "qty_floor()", "postgresql", pg_function),
        Verbatim("trigger", "orders_qty_floor on orders", "postgresql",
                 "CREATE TRIGGER orders_qty_floor BEFORE INSERT OR UPDATE ON orders FOR EACH ROW "
                 "EXECUTE FUNCTION qty_floor()", depends_on=("orders", "qty_floor()")),
        Verbatim("trigger", "orders_qty_floor", "mysql",
                 f"CREATE TRIGGER orders_qty_floor BEFORE INSERT ON orders FOR EACH ROW "
                 f"SET NEW.qty = GREATEST(NEW.qty, {floor})", depends_on=("orders",)),
        Verbatim("function", "qty_floor", "duckdb", f"CREATE MACRO qty_floor(q) AS greatest(q, {floor})"),
    )


def _with_objects() -> Schema:
    """:func:`base` with :func:`_objects`."""
    return _ops(*(o.AddObject(x) for x in _objects())).new


def _with_sequence() -> Schema:
    """:func:`base` with a sequence no column draws from yet."""
    return _ops(o.AddSequence(Sequence("ticket_no", start=1, increment=1))).new


def _with_domain() -> Schema:
    """:func:`base` with a domain a column of products uses."""
    return HAND["add_domain_and_column"]().new


def _batch(m: Model) -> None:
    with m.batch("ratings"):
        m.add_column("products", "rating", "decimal(3,2)")
        m.add_check("products", "rating >= 0 AND rating <= 5")
        m.add_index("products", "rating")


def _evolved() -> Schema:
    m = Model(base())
    m.rename_column("customers.name", "display_name")
    m.add_column("customers", "phone", "varchar(32)")
    m.drop_column("orders", "note")
    m.add_index("products", "category")
    m.add_table("coupons", id="integer pk", code="varchar(20) not null unique",
                customer_id="integer references customers")
    m.alter_column("products.category", type="varchar(80)")
    return m.schema


def _ecommerce_review() -> Plan:
    """The notebook's evolution of the e-commerce model."""
    m = Model(ecommerce())
    cp = m.checkpoint()
    m.add_column("products", "rating_avg", "decimal(3,2)")
    m.add_column("products", "rating_count", "integer not null default 0")
    m.add_check("products", "rating_avg >= 0 AND rating_avg <= 5", name="ck_products_rating_avg")
    m.apply(SplitColumn("products", "name", ("brand", "model")))
    m.add_index("products", "brand")
    m.rename_column("users.phone", "phone_number")
    return m.plan_since(cp)


# -- generated sequences --------------------------------------------------------------------

_TYPES = ("integer", "bigint", "varchar(40)", "text", "boolean", "date", "decimal(8,2)")
_WIDER = {"integer": "bigint", "varchar(40)": "varchar(200)", "decimal(8,2)": "decimal(12,2)"}


@st.composite
def step(draw: st.DrawFn, schema: Schema, n: int) -> o.Operation:
    """One random operation that is valid on ``schema`` (schema-level, every engine can run it)."""
    tables = list(schema.tables)
    t = draw(st.sampled_from(tables))
    plain = [c for c in t.columns if c.name not in t.primary_key
             and not any(c.name in fk.ref_columns for _, fk in schema.referencing(t.name))
             and not any(c.name in fk.columns for fk in t.foreign_keys)]
    kinds = ["add_column", "add_table", "rename_table", "add_index"]
    if plain:
        kinds += ["rename_column", "drop_column", "widen", "nullable", "comment"]
    kind = draw(st.sampled_from(kinds))
    name = f"g{n}"
    if kind == "add_column":
        spec = draw(st.sampled_from(_TYPES)) + draw(st.sampled_from(["", " not null default 0", " unique"]))
        if "not null default 0" in spec and not spec.startswith(("integer", "bigint", "decimal")):
            spec = spec.split()[0]
        return _last(schema, t.name, name, spec)
    if kind == "add_table":
        ref = draw(st.sampled_from(tables))
        cols = {"id": "integer pk", "v": draw(st.sampled_from(_TYPES))}
        if ref.primary_key and len(ref.primary_key) == 1 and ref.column(ref.primary_key[0]).type.kind == "integer":
            cols["ref_id"] = f"integer references {ref.name}"
        return o.AddTable(build_table(name, cols))
    if kind == "rename_table":
        return o.RenameTable(t.name, f"{t.name}_{n}")
    if kind == "add_index":
        col = draw(st.sampled_from(t.columns))
        if col.type.kind in ("text", "json", "bytes"):
            return o.AlterTable(t.name, comment=f"note {n}")
        return o.AddIndex(t.name, Index((col.name,), name=f"ix_{name}_{t.name}"[:60]))
    c = draw(st.sampled_from(plain))
    if kind == "rename_column":
        return o.RenameColumn(t.name, c.name, f"{c.name}_{n}")
    if kind == "drop_column" and len(t.columns) > 2 and (c.nullable or c.default is not None):
        # (a NOT NULL column without default cannot come back on a table with rows)
        return o.DropColumn(t.name, c.name)
    if kind == "widen" and str(c.type) in _WIDER:
        return o.AlterColumn(t.name, c.name, type=_WIDER[str(c.type)])
    if kind == "nullable" and not c.nullable:
        return o.AlterColumn(t.name, c.name, nullable=True)
    return o.AlterColumn(t.name, c.name, comment=f"column note {n}")


def _last(schema: Schema, table: str, name: str, spec: str) -> o.Operation:
    m = Model(schema)
    m.add_column(table, name, spec)
    return m.log[-1]


@st.composite
def sequences(draw: st.DrawFn, length: int = 4) -> Plan:
    """A plan of ``length`` random valid operations on :func:`base`."""
    schema = base()
    ops: list[o.Operation] = []
    for n in range(length):
        op = draw(step(schema, n))
        schema = op.apply(schema)
        ops.append(op)
    return Plan.from_ops(base(), ops, source=("base", f"generated {length} ops"))


__all__ = ["HAND", "base", "sequences"]
