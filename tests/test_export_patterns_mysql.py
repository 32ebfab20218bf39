"""Production patterns on the real MariaDB: triggers fire, soft delete frees keys, roles restrict,
AES round-trips, FULLTEXT finds, the summary table refreshes; what MySQL cannot do is a DP3xx note."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from dbmodel_kit import ddl
from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.export import files
from dbmodel_kit.export.patterns_mysql import LIVE_FLAG, patterns_mysql

POLICY = "user_id = current_setting('app.user_id')::uuid"
AGGREGATE = "SELECT product_id, SUM(quantity) AS units FROM order_items GROUP BY product_id"
SEARCH = {"products": ("name", "description")}


def shop():
    s = ecommerce()
    return s.replace_table(dataclasses.replace(s.table("orders"), audited=True))


def test_golden_ecommerce(golden):
    """The MySQL patterns script for the e-commerce model (orders audited, RLS, search, an aggregate)
    matches the golden file."""
    p = patterns_mysql(shop(), policies={"orders": POLICY}, search=SEARCH, aggregates={"product_sales": AGGREGATE})
    golden("export/patterns/mysql.sql", p.script())


def test_notes_name_what_mysql_cannot_do():
    """RLS, partial indexes, ECB encryption, FULLTEXT stemming and materialized views each leave one note
    with its rule id and place; without those declarations there is no such note."""
    p = patterns_mysql(shop(), policies={"orders": POLICY}, search=SEARCH, aggregates={"product_sales": AGGREGATE})
    got = {(n.id, n.where) for n in p.notes}
    assert got == {
        ("DP301", "orders"),
        ("DP302", "users"),
        ("DP302", "categories"),
        ("DP302", "products"),
        ("DP304", "products"),
        ("DP305", "product_sales"),
        ("DP306", "schema"),
    }
    rls = next(n for n in p.notes if n.id == "DP301")
    assert rls.rule == "mysql-no-row-level-security"
    assert rls.severity == "warning"
    assert "no row-level security" in rls.message
    assert "view" in rls.hint
    assert not any("POLICY" in s for s in p.statements)
    plain = patterns_mysql(shop())
    assert {n.id for n in plain.notes} == {"DP302", "DP306"}


def test_bad_declarations_are_model_errors():
    """Unknown tables and columns, non-text search columns, aggregates without GROUP BY and a taken
    live_flag name raise ModelError naming the place."""
    with pytest.raises(ModelError, match="unknown table"):
        patterns_mysql(shop(), policies={"nope": "true"})
    with pytest.raises(ModelError, match="unknown column"):
        patterns_mysql(shop(), search={"products": ("nope",)})
    with pytest.raises(ModelError, match=r"only text columns; price"):
        patterns_mysql(shop(), search={"products": ("name", "price")})
    with pytest.raises(ModelError, match="GROUP BY"):
        patterns_mysql(shop(), aggregates={"v": "SELECT 1"})
    from dbmodel_kit.model import Model

    m = Model(shop())
    m.add_column("users", LIVE_FLAG, "integer")
    with pytest.raises(ModelError, match="already has"):
        patterns_mysql(m.schema)


def test_sql_target_carries_the_mysql_script():
    """The sql target writes mysql/patterns.sql next to mysql/up.sql, notes first."""
    out = files(ecommerce(), "sql", dialect="mariadb")
    script = out["mysql/patterns.sql"]
    assert script == patterns_mysql(ecommerce()).script()
    assert "-- DP306 mysql-aes-ecb" in script
    assert "CREATE TRIGGER trg_users_updated_at BEFORE UPDATE" in script


def raw(conn: sa.Connection, statement: str) -> None:
    """Run a statement holding '%' (a MySQL host pattern) without the driver's %-formatting."""
    with conn.connection.cursor() as cursor:
        cursor.execute(statement)


@pytest.fixture
def db(mysql_url: str) -> Iterator[tuple[sa.Engine, str, str, dict[str, str]]]:
    """The e-commerce schema plus the patterns (search and an aggregate too) on a fresh MariaDB database,
    with per-test role names and one login user per role (url by role)."""
    suffix = uuid.uuid4().hex[:8]
    app, ro = f"app_{suffix}", f"ro_{suffix}"
    schema = shop()
    ddl.apply(schema, mysql_url)
    engine = sa.create_engine(mysql_url)
    url = sa.make_url(mysql_url)
    logins: dict[str, str] = {}
    with engine.begin() as conn:
        for s in patterns_mysql(
            schema,
            app_role=app,
            readonly_role=ro,
            policies={"orders": POLICY},
            search=SEARCH,
            aggregates={"product_sales": AGGREGATE},
        ).statements:
            conn.exec_driver_sql(s)
        for role in (app, ro):
            user = f"u{role}"
            raw(conn, f"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw-{suffix}'")
            raw(conn, f"GRANT {role} TO '{user}'@'%'")
            raw(conn, f"SET DEFAULT ROLE {role} FOR '{user}'@'%'")
            logins[role] = url.set(username=user, password=f"pw-{suffix}").render_as_string(hide_password=False)
    try:
        yield engine, app, ro, logins
    finally:
        with engine.begin() as conn:
            for role in (app, ro):
                raw(conn, f"DROP USER IF EXISTS 'u{role}'@'%'")
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        engine.dispose()


def add_user(conn, email: str) -> str:
    uid = str(uuid.uuid4())
    conn.execute(
        sa.text(
            "INSERT INTO users (id, email, password_hash, first_name, last_name, updated_at) "
            "VALUES (:i, :e, 'x', 'A', 'B', '2020-01-01')"
        ),
        {"i": uid, "e": email},
    )
    return uid


def add_order(conn, user: str, number: str) -> str:
    oid = str(uuid.uuid4())
    conn.execute(
        sa.text(
            "INSERT INTO orders (id, order_number, user_id, subtotal, total, shipping_address) "
            'VALUES (:i, :n, :u, 10, 10, \'{"city": "Oslo"}\')'
        ),
        {"i": oid, "n": number, "u": user},
    )
    return oid


def test_triggers_fire(db):
    """Updating a row moves updated_at forward; an audited table's changes leave JSON old/new rows
    with the session's login and the JSON column embedded as a document."""
    engine, _, _, _ = db
    with engine.begin() as conn:
        user = add_user(conn, "a@x")
        order = add_order(conn, user, "N-1")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET first_name = 'C' WHERE id = :u"), {"u": user})
        conn.execute(sa.text("UPDATE orders SET status = 'paid' WHERE id = :o"), {"o": order})
        conn.execute(sa.text("DELETE FROM orders WHERE id = :o"), {"o": order})
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT YEAR(updated_at) FROM users")).scalar_one() > 2020
        rows = conn.execute(
            sa.text(
                "SELECT operation, JSON_VALUE(row_old, '$.status'), JSON_VALUE(row_new, '$.status'), "
                "JSON_VALUE(row_new, '$.shipping_address.city'), changed_by = USER() "
                "FROM audit_log WHERE table_name = 'orders' ORDER BY id"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("INSERT", None, "pending", "Oslo", 1),
        ("UPDATE", "pending", "paid", "Oslo", 1),
        ("DELETE", "paid", None, None, 1),
    ]


def test_soft_deleted_rows_free_their_unique_keys(db):
    """A soft-deleted user's email can be reused while two live users cannot share one; the partial
    unique index on products.sku (a plain index in MySQL's DDL) is unique over live rows again."""
    engine, _, _, _ = db
    with engine.begin() as conn:
        user = add_user(conn, "a@x")
        conn.execute(sa.text("UPDATE users SET deleted_at = NOW() WHERE id = :u"), {"u": user})
        add_user(conn, "a@x")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        add_user(conn, "a@x")
    with engine.begin() as conn:
        uid = add_user(conn, "b@x")
        cat = str(uuid.uuid4())
        conn.execute(sa.text("INSERT INTO categories (id, name, slug) VALUES (:c, 'C', 'c')"), {"c": cat})
        product = (
            "INSERT INTO products (id, name, price, sku, category_id, created_by) VALUES (:i, 'P', 1, 'k-1', :c, :u)"
        )
        first = str(uuid.uuid4())
        conn.execute(sa.text(product), {"i": first, "c": cat, "u": uid})
        conn.execute(sa.text("UPDATE products SET deleted_at = NOW() WHERE id = :i"), {"i": first})
        conn.execute(sa.text(product), {"i": str(uuid.uuid4()), "c": cat, "u": uid})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text(product), {"i": str(uuid.uuid4()), "c": cat, "u": uid})


def test_readonly_role_reads_but_cannot_write(db):
    """A login holding the read-only role can SELECT and is refused INSERT."""
    engine, _, ro, logins = db
    with engine.begin() as conn:
        add_user(conn, "a@x")
    reader = sa.create_engine(logins[ro])
    try:
        with reader.begin() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == 0
        with pytest.raises(sa.exc.OperationalError, match="INSERT command denied"), reader.begin() as conn:
            add_user(conn, "b@x")
    finally:
        reader.dispose()


def test_app_role_writes_through_triggers_only(db):
    """The application login writes orders (its audit rows appear through the trigger) but may not
    read or write audit_log itself, nor write the summary table; it may refresh it."""
    engine, app, _, logins = db
    writer = sa.create_engine(logins[app])
    try:
        with writer.begin() as conn:
            add_order(conn, add_user(conn, "a@x"), "N-1")
        with engine.begin() as conn:
            who = conn.execute(sa.text("SELECT changed_by FROM audit_log")).scalar_one()
        assert who.startswith(f"u{app}@")
        with pytest.raises(sa.exc.OperationalError, match="SELECT command denied"), writer.begin() as conn:
            conn.execute(sa.text("SELECT count(*) FROM audit_log"))
        with pytest.raises(sa.exc.OperationalError, match="DELETE command denied"), writer.begin() as conn:
            conn.execute(sa.text("DELETE FROM product_sales"))
        with writer.begin() as conn:
            conn.execute(sa.text("CALL refresh_product_sales()"))
    finally:
        writer.dispose()


def test_sensitive_values_round_trip_through_aes(db):
    """dbmodel_encrypt gives ciphertext that is not the plaintext, dbmodel_decrypt restores it, and
    both refuse to run without a key."""
    engine, _, _, _ = db
    with engine.connect() as conn:
        with pytest.raises(sa.exc.OperationalError, match="set @app_encryption_key first"):
            conn.execute(sa.text("SELECT dbmodel_encrypt('x')"))
        conn.execute(sa.text("SET @app_encryption_key = 'k3y'"))
        secret = conn.execute(sa.text("SELECT dbmodel_encrypt('+1 555 0100')")).scalar_one()
        assert b"555" not in bytes(secret)
        assert conn.execute(sa.text("SELECT dbmodel_decrypt(:s)"), {"s": secret}).scalar_one() == "+1 555 0100"


def test_full_text_search_and_summary_table(db):
    """The FULLTEXT index finds a product by a word of its description; the summary table is filled
    by its refresh procedure."""
    engine, _, _, _ = db
    with engine.begin() as conn:
        user = add_user(conn, "a@x")
        cat, product = str(uuid.uuid4()), str(uuid.uuid4())
        conn.execute(sa.text("INSERT INTO categories (id, name, slug) VALUES (:c, 'C', 'c')"), {"c": cat})
        conn.execute(
            sa.text(
                "INSERT INTO products (id, name, description, price, sku, category_id, created_by) "
                "VALUES (:p, 'Kettle', 'boils water quickly', 20, 'k-1', :c, :u)"
            ),
            {"p": product, "c": cat, "u": user},
        )
        order = add_order(conn, user, "N-1")
        conn.execute(
            sa.text(
                "INSERT INTO order_items (id, order_id, product_id, quantity, unit_price, subtotal) "
                "VALUES (UUID(), :o, :p, 3, 20, 60)"
            ),
            {"o": order, "p": product},
        )
    with engine.begin() as conn:
        found = (
            conn.execute(
                sa.text(
                    "SELECT name FROM products "
                    "WHERE MATCH (name, description) AGAINST ('water' IN NATURAL LANGUAGE MODE)"
                )
            )
            .scalars()
            .all()
        )
        assert found == ["Kettle"]
        assert conn.execute(sa.text("SELECT count(*) FROM product_sales")).scalar_one() == 0
        conn.execute(sa.text("CALL refresh_product_sales()"))
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT units FROM product_sales")).scalar_one() == 3


@pytest.mark.skipif(
    shutil.which("mariadb") is None and shutil.which("mysql") is None, reason="no mariadb/mysql command-line client"
)
def test_script_runs_in_the_mysql_client(mysql_url):
    """The sql target's mysql/up.sql then mysql/patterns.sql (DELIMITER blocks and all) run in the
    mariadb client; the triggers and functions exist afterwards."""
    suffix = uuid.uuid4().hex[:8]
    schema = shop()
    out = files(schema, "sql", dialect="mysql")
    script = patterns_mysql(schema, app_role=f"app_{suffix}", readonly_role=f"ro_{suffix}").script()
    assert script.replace(f"app_{suffix}", "app").replace(f"ro_{suffix}", "app_readonly") == out["mysql/patterns.sql"]
    url = sa.make_url(mysql_url)
    client = shutil.which("mariadb") or shutil.which("mysql")
    cmd = [
        client,
        "-h",
        url.host or "127.0.0.1",
        "-P",
        str(url.port or 3306),
        "-u",
        url.username or "root",
        url.database,
    ]
    engine = sa.create_engine(mysql_url)
    try:
        for text in (out["mysql/up.sql"], script):
            done = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=120, check=False)
            assert done.returncode == 0, done.stderr
        with engine.connect() as conn:
            triggers = set(
                conn.execute(
                    sa.text("SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()")
                ).scalars()
            )
            routines = set(
                conn.execute(
                    sa.text("SELECT routine_name FROM information_schema.routines WHERE routine_schema = DATABASE()")
                ).scalars()
            )
        assert {"trg_users_updated_at", "trg_orders_audit_insert", "trg_orders_audit_delete"} <= triggers
        assert routines == {"dbmodel_encrypt", "dbmodel_decrypt"}
    finally:
        with engine.begin() as conn:
            for role in (f"app_{suffix}", f"ro_{suffix}"):
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        engine.dispose()


def test_soft_delete_key_referenced_by_a_foreign_key(mysql_url):
    """A unique key that a foreign key points at is rebuilt over live_flag in one ALTER, so the
    reference keeps an index throughout; a child row still needs a parent key."""
    from dbmodel_kit.model import Model

    suffix = uuid.uuid4().hex[:8]
    m = Model()
    m.add_table("accounts", id="integer pk identity", email="varchar(100) not null", deleted_at="timestamptz")
    m.add_unique("accounts", "email")
    m.add_table("invites", id="integer pk identity", email="varchar(100) not null")
    m.add_foreign_key("invites.email", "accounts.email")
    schema = m.schema.replace_table(dataclasses.replace(m.schema.table("accounts"), soft_delete=True))
    ddl.apply(schema, mysql_url)
    engine = sa.create_engine(mysql_url)
    try:
        with engine.begin() as conn:
            for s in patterns_mysql(schema, app_role=f"app_{suffix}", readonly_role=f"ro_{suffix}").statements:
                conn.exec_driver_sql(s)
            conn.exec_driver_sql("INSERT INTO accounts (email, deleted_at) VALUES ('a@x', NOW()), ('a@x', NULL)")
            conn.exec_driver_sql("INSERT INTO invites (email) VALUES ('a@x')")
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO invites (email) VALUES ('b@x')")
    finally:
        with engine.begin() as conn:
            for role in (f"app_{suffix}", f"ro_{suffix}"):
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        engine.dispose()
