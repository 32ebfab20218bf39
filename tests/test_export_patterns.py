"""Production patterns on the real PostgreSQL: triggers fire, soft delete frees keys, roles and RLS restrict."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
import sqlalchemy as sa

from dbmodel_kit import ddl
from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.export.patterns import patterns_sql

POLICY = "user_id = current_setting('app.user_id')::uuid"


def shop():
    s = ecommerce()
    return s.replace_table(dataclasses.replace(s.table("orders"), audited=True))


def test_golden_ecommerce(golden):
    """The patterns SQL for the e-commerce model (orders audited, RLS, search, an aggregate) matches the golden file."""
    sql = patterns_sql(shop(), policies={"orders": POLICY}, search={"products": ("name", "description")},
                       aggregates={"product_sales": "SELECT product_id, SUM(quantity) AS units FROM order_items "
                                                    "GROUP BY product_id"})
    text = "".join(s + ";\n" for s in sql)
    golden("export/patterns/postgresql.sql", text)


def test_bad_policy_is_a_model_error():
    """A policy that does not parse, or names an unknown table, raises ModelError naming the place."""
    with pytest.raises(ModelError, match=r"orders\.policy"):
        patterns_sql(shop(), policies={"orders": "user_id = = 1"})
    with pytest.raises(ModelError, match="unknown table"):
        patterns_sql(shop(), policies={"nope": "true"})
    with pytest.raises(ModelError, match="unknown column"):
        patterns_sql(shop(), search={"products": ("nope",)})
    with pytest.raises(ModelError, match="GROUP BY"):
        patterns_sql(shop(), aggregates={"v": "SELECT 1"})


@pytest.fixture
def db(postgres_url):
    """The e-commerce schema plus the patterns on a fresh database, with per-test role names."""
    suffix = uuid.uuid4().hex[:8]
    app, ro = f"app_{suffix}", f"ro_{suffix}"
    schema = shop()
    ddl.apply(schema, postgres_url)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        for s in patterns_sql(schema, app_role=app, readonly_role=ro, policies={"orders": POLICY}):
            conn.exec_driver_sql(s)
    try:
        yield engine, app, ro
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("RESET ROLE")
            for role in (app, ro):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
        engine.dispose()


def add_user(conn, email: str) -> uuid.UUID:
    return conn.execute(sa.text(
        "INSERT INTO users (email, password_hash, first_name, last_name, updated_at) "
        "VALUES (:e, 'x', 'A', 'B', '2020-01-01') RETURNING id"), {"e": email}).scalar_one()


def add_order(conn, user: uuid.UUID, number: str) -> uuid.UUID:
    insert = "INSERT INTO orders (order_number, user_id, subtotal, total) VALUES (:n, :u, 10, 10) RETURNING id"
    return conn.execute(sa.text(insert), {"n": number, "u": user}).scalar_one()


def test_triggers_fire(db):
    """Updating a row moves updated_at forward; changes to an audited table leave old/new JSONB audit rows."""
    engine, _, _ = db
    with engine.begin() as conn:
        user = add_user(conn, "a@x")
        order = add_order(conn, user, "N-1")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET first_name = 'C' WHERE id = :u"), {"u": user})
        conn.execute(sa.text("UPDATE orders SET status = 'paid' WHERE id = :o"), {"o": order})
    with engine.begin() as conn:
        year = conn.execute(sa.text("SELECT extract(year FROM updated_at) FROM users")).scalar_one()
        assert year > 2020
        rows = conn.execute(sa.text(
            "SELECT operation, row_old->>'status', row_new->>'status', changed_by = session_user "
            "FROM audit_log WHERE table_name = 'orders' ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("INSERT", None, "pending", True), ("UPDATE", "pending", "paid", True)]


def test_soft_deleted_rows_free_their_unique_keys(db):
    """A soft-deleted user's email can be reused; two live users still cannot share one."""
    engine, _, _ = db
    with engine.begin() as conn:
        user = add_user(conn, "a@x")
        conn.execute(sa.text("UPDATE users SET deleted_at = now() WHERE id = :u"), {"u": user})
        add_user(conn, "a@x")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        add_user(conn, "a@x")


def test_readonly_role_reads_but_cannot_write(db):
    """The read-only role can SELECT and is refused INSERT."""
    engine, _, ro = db
    with engine.begin() as conn:
        add_user(conn, "a@x")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SET LOCAL ROLE {ro}")
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 1
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SET LOCAL ROLE {ro}")
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            add_user(conn, "b@x")


def test_row_level_security_hides_rows(db):
    """The app role sees only its user's orders; the read-only role, with no policy, sees none."""
    engine, app, ro = db
    with engine.begin() as conn:
        a, b = add_user(conn, "a@x"), add_user(conn, "b@x")
        add_order(conn, a, "N-1")
        add_order(conn, b, "N-2")
        add_order(conn, b, "N-3")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SET LOCAL ROLE {app}")
        conn.execute(sa.text("SELECT set_config('app.user_id', :u, true)"), {"u": str(b)})
        assert sorted(conn.execute(sa.text("SELECT order_number FROM orders")).scalars()) == ["N-2", "N-3"]
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SET LOCAL ROLE {ro}")
        assert conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one() == 0


def test_sensitive_values_round_trip_through_pgcrypto(db):
    """dbmodel_encrypt gives ciphertext that is not the plaintext and dbmodel_decrypt restores it."""
    engine, _, _ = db
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT set_config('app.encryption_key', 'k3y', true)"))
        secret = conn.execute(sa.text("SELECT dbmodel_encrypt('+1 555 0100')")).scalar_one()
        assert b"555" not in bytes(secret)
        back = conn.execute(sa.text("SELECT dbmodel_decrypt(:s)"), {"s": secret}).scalar_one()
    assert back == "+1 555 0100"


def test_full_text_search_and_materialized_view(postgres_url):
    """The generated tsvector column finds a product by a word of its description; the aggregate view
    refreshes concurrently through its refresh function."""
    s = ecommerce()
    suffix = uuid.uuid4().hex[:8]
    ddl.apply(s, postgres_url)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            for stmt in patterns_sql(s, app_role=f"app_{suffix}", readonly_role=f"ro_{suffix}",
                                     search={"products": ("name", "description")},
                                     aggregates={"product_sales": "SELECT product_id, SUM(quantity) AS units "
                                                                  "FROM order_items GROUP BY product_id"}):
                conn.exec_driver_sql(stmt)
            user = add_user(conn, "a@x")
            cat = conn.execute(sa.text("INSERT INTO categories (name, slug) VALUES ('C', 'c') RETURNING id")).scalar()
            product = conn.execute(sa.text(
                "INSERT INTO products (name, description, price, sku, category_id, created_by) "
                "VALUES ('Kettle', 'boils water quickly', 20, 'k-1', :c, :u) RETURNING id"),
                {"c": cat, "u": user}).scalar()
            order = add_order(conn, user, "N-1")
            conn.execute(sa.text("INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal) "
                                 "VALUES (:o, :p, 3, 20, 60)"), {"o": order, "p": product})
        with engine.begin() as conn:
            found = conn.execute(sa.text(
                "SELECT name FROM products WHERE search_vector @@ to_tsquery('english', 'boil')")).scalars().all()
            assert found == ["Kettle"]
            assert conn.execute(sa.text("SELECT count(*) FROM product_sales")).scalar() == 0
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("SELECT refresh_product_sales()"))
            assert conn.execute(sa.text("SELECT units FROM product_sales")).scalar() == 3
    finally:
        with engine.begin() as conn:
            for role in (f"app_{suffix}", f"ro_{suffix}"):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
        engine.dispose()
