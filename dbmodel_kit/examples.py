"""Example models: the e-commerce hand-off model and a larger model for tests and benchmarks.

>>> shop = ecommerce()
>>> shop.table_names
('users', 'categories', 'products', 'orders', 'order_items')
>>> len(large().tables) >= 15
True
"""

from __future__ import annotations

from .model import Model, Schema


def ecommerce() -> Schema:
    """The users / categories / products / orders / order_items model of the hand-off document:
    UUID keys, DECIMAL money, timestamptz, soft delete, checks and the indexes a designer declares."""
    m = Model()
    m.add_enum("user_role", "customer", "staff", "admin")
    m.add_enum("order_status", "pending", "paid", "shipped", "delivered", "cancelled", "refunded")
    m.add_table(
        "users", group="accounts", comment="People who sign in: customers and staff.",
        id="uuid pk default uuid()",
        email="varchar(255) unique not null sensitive",
        password_hash="varchar(255) not null sensitive",
        first_name="varchar(100) not null",
        last_name="varchar(100) not null",
        phone="varchar(32) sensitive",
        role="enum(user_role) not null default 'customer'",
        is_active="boolean not null default true",
        email_verified_at="timestamptz",
        last_login_at="timestamptz",
        created_at="timestamptz not null default now()",
        updated_at="timestamptz not null default now()",
        deleted_at="timestamptz",
    )
    m.add_index("users", "role")
    m.add_table(
        "categories", group="catalog", comment="A tree of product categories.",
        id="uuid pk default uuid()",
        name="varchar(100) unique not null",
        slug="varchar(100) unique not null",
        description="text",
        parent_id="uuid references categories(id) on delete set null on update cascade",
        sort_order="integer not null default 0",
        created_at="timestamptz not null default now()",
        updated_at="timestamptz not null default now()",
        deleted_at="timestamptz",
    )
    m.add_index("categories", "parent_id")
    m.add_table(
        "products", group="catalog", comment="Things we sell.",
        id="uuid pk default uuid()",
        name="varchar(200) not null",
        description="text",
        price="decimal(10,2) not null check (price >= 0 and price <= 999999)",
        currency="char(3) not null default 'USD'",
        image_url="varchar(500)",
        stock_quantity="integer not null default 0 check (stock_quantity >= 0)",
        sku="varchar(100) not null",
        is_active="boolean not null default true",
        category_id="uuid not null references categories(id) on delete restrict on update cascade",
        created_by="uuid not null references users(id) on delete restrict on update cascade",
        updated_by="uuid references users(id) on delete set null on update cascade",
        created_at="timestamptz not null default now()",
        updated_at="timestamptz not null default now()",
        deleted_at="timestamptz",
    )
    m.add_index("products", "sku", unique=True, where="deleted_at IS NULL")
    m.add_index("products", "category_id", "price")
    m.add_index("products", "created_at")
    m.add_index("products", "created_by")
    m.add_index("products", "updated_by")
    m.add_table(
        "orders", group="sales", comment="A customer's order; money in the order's currency.",
        id="uuid pk default uuid()",
        order_number="varchar(50) unique not null",
        user_id="uuid not null references users(id) on delete restrict on update cascade",
        status="enum(order_status) not null default 'pending'",
        subtotal="decimal(10,2) not null check (subtotal >= 0)",
        tax="decimal(10,2) not null default 0 check (tax >= 0)",
        total="decimal(10,2) not null check (total >= 0)",
        currency="char(3) not null default 'USD'",
        shipping_address="json",
        placed_at="timestamptz",
        created_at="timestamptz not null default now()",
        updated_at="timestamptz not null default now()",
    )
    m.add_index("orders", "user_id", "created_at")
    m.add_index("orders", "status")
    m.add_table(
        "order_items", group="sales", comment="One product line of an order.",
        id="uuid pk default uuid()",
        order_id="uuid not null references orders(id) on delete cascade on update cascade",
        product_id="uuid not null references products(id) on delete restrict on update cascade",
        quantity="integer not null check (quantity > 0)",
        unit_price="decimal(10,2) not null check (unit_price >= 0)",
        subtotal="decimal(10,2) not null check (subtotal >= 0)",
        created_at="timestamptz not null default now()",
    )
    m.add_unique("order_items", "order_id", "product_id")
    m.add_index("order_items", "product_id")
    for table, flags in {"users": ("timestamps", "soft_delete"), "categories": ("timestamps", "soft_delete"),
                         "products": ("timestamps", "soft_delete"), "orders": ("timestamps",),
                         "order_items": ()}.items():
        if flags:
            from .model.ops import AlterTable

            m.apply(AlterTable(table, **dict.fromkeys(flags, True)))
    from dataclasses import replace

    return replace(m.schema, name="ecommerce", comment="The e-commerce model of the hand-off document.")


def large() -> Schema:
    """A 20-table model that exercises everything the kit must carry through every engine:
    composite primary and foreign keys, a self-reference, an FK cycle, enums, partial and unique
    indexes, checks, defaults of every kind, identity columns and comments."""
    m = Model()
    m.add_enum("employment_kind", "full_time", "part_time", "contractor")
    m.add_enum("ticket_priority", "low", "normal", "high", "urgent")
    m.add_table("regions", id="integer pk identity", code="char(2) unique not null", name="varchar(80) not null")
    m.add_table("countries", code="char(2) pk", name="varchar(80) not null",
                region_id="integer not null references regions on delete restrict")
    m.add_table("addresses", id="bigint pk identity", line1="varchar(200) not null", line2="varchar(200)",
                city="varchar(100) not null", postcode="varchar(16)",
                country_code="char(2) not null references countries(code)")
    # departments <-> employees is an FK cycle (a department's manager works in a department)
    m.add_table("departments", id="integer pk identity", name="varchar(100) unique not null",
                budget="decimal(14,2) not null default 0 check (budget >= 0)", manager_id="bigint",
                parent_id="integer references departments(id) on delete set null",
                comment="Organisational units; parent_id forms the org tree.")
    m.add_table("employees", id="bigint pk identity", email="varchar(255) unique not null sensitive",
                full_name="varchar(200) not null", kind="enum(employment_kind) not null default 'full_time'",
                department_id="integer references departments(id) on delete set null",
                manager_id="bigint references employees(id)",
                hired_on="date not null", salary="decimal(12,2) sensitive check (salary > 0)",
                active="boolean not null default true", address_id="bigint references addresses(id)",
                created_at="timestamptz not null default now()", left_at="timestamp")
    m.add_foreign_key("departments.manager_id", "employees.id", on_delete="SET NULL")
    m.add_index("employees", "department_id")
    m.add_index("employees", "email", where="active", name="ix_employees_active_email")
    m.add_table("projects", id="uuid pk default uuid()", code="varchar(20) unique not null",
                title="varchar(200) not null", department_id="integer not null references departments",
                starts_on="date not null", ends_on="date", budget="decimal(14,2)",
                )
    m.add_check("projects", "ends_on IS NULL OR ends_on >= starts_on", name="ck_projects_dates")
    # composite primary key and a junction table
    m.add_table("project_members", project_id="uuid not null references projects on delete cascade",
                employee_id="bigint not null references employees on delete cascade",
                role="varchar(50) not null default 'member'", primary_key=("project_id", "employee_id"))
    m.add_table("milestones", project_id="uuid not null references projects on delete cascade",
                seq="smallint not null check (seq > 0)", title="varchar(200) not null", due_on="date",
                done="boolean not null default false", primary_key=("project_id", "seq"))
    # composite FK onto a composite PK
    m.add_table("milestone_notes", id="bigint pk identity", project_id="uuid not null", seq="smallint not null",
                body="text not null", created_at="timestamptz not null default now()")
    m.add_foreign_key("milestone_notes.(project_id, seq)", "milestones.(project_id, seq)", on_delete="CASCADE")
    m.add_table("customers", id="bigint pk identity", name="varchar(200) not null",
                email="varchar(255) sensitive", vat_number="varchar(32)",
                billing_address_id="bigint references addresses(id)", notes="text",
                created_at="timestamptz not null default now()", deleted_at="timestamptz")
    m.add_index("customers", "vat_number", unique=True, where="deleted_at IS NULL")
    m.add_table("contracts", id="bigint pk identity", customer_id="bigint not null references customers",
                project_id="uuid references projects on delete set null", signed_on="date not null",
                value="decimal(14,2) not null check (value >= 0)", currency="char(3) not null default 'EUR'",
                terms="json")
    m.add_table("invoices", id="bigint pk identity", contract_id="bigint not null references contracts",
                number="varchar(30) unique not null", issued_at="timestamptz not null default now()",
                due_on="date not null", amount="decimal(14,2) not null check (amount >= 0)",
                paid="boolean not null default false")
    m.add_index("invoices", "due_on", where="NOT paid", name="ix_invoices_unpaid_due")
    m.add_table("invoice_lines", invoice_id="bigint not null references invoices on delete cascade",
                line_no="integer not null check (line_no > 0)", description="varchar(500) not null",
                quantity="decimal(10,3) not null default 1", unit_price="decimal(14,2) not null",
                primary_key=("invoice_id", "line_no"))
    m.add_table("payments", id="uuid pk default uuid()", invoice_id="bigint not null references invoices",
                paid_at="timestamptz not null", amount="decimal(14,2) not null check (amount > 0)",
                method="varchar(20) not null check (method IN ('card', 'transfer', 'cash'))")
    m.add_table("tickets", id="bigint pk identity", customer_id="bigint not null references customers",
                assignee_id="bigint references employees on delete set null",
                priority="enum(ticket_priority) not null default 'normal'", subject="varchar(200) not null",
                opened_at="timestamptz not null default now()", closed_at="timestamptz",
                duplicate_of="bigint references tickets(id)")
    m.add_index("tickets", "assignee_id", "priority", where="closed_at IS NULL", name="ix_tickets_open")
    m.add_table("ticket_comments", id="bigint pk identity",
                ticket_id="bigint not null references tickets on delete cascade",
                author_id="bigint references employees", body="text not null",
                created_at="timestamptz not null default now()")
    m.add_index("ticket_comments", "ticket_id", "created_at")
    m.add_table("tags", id="integer pk identity", label="varchar(50) unique not null",
                color="char(7) default '#888888'")
    m.add_table("ticket_tags", ticket_id="bigint not null references tickets on delete cascade",
                tag_id="integer not null references tags on delete cascade", primary_key=("ticket_id", "tag_id"))
    m.add_table("time_entries", id="bigint pk identity", employee_id="bigint not null references employees",
                project_id="uuid not null references projects", work_date="date not null",
                hours="decimal(4,2) not null check (hours > 0 AND hours <= 24)",
                billable="boolean not null default true",
                duration="interval", note="varchar(500)", blob="bytes", start_time="time", ratio="real",
                score="double", small="smallint default -1")
    m.add_unique("time_entries", "employee_id", "project_id", "work_date")
    m.add_table("audit_events", id="bigint pk identity", occurred_at="timestamptz not null default now()",
                actor_id="bigint references employees on delete set null", action="varchar(40) not null",
                payload="json", tag="varchar(20) default 'x'")
    from dataclasses import replace

    return replace(m.schema, name="large", comment="A 20-table test model.")
