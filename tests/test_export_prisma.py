"""Prisma export: Prisma's own schema engine (WebAssembly) accepts the schema and formatting is a no-op;
tsc type-checks the generated seed.ts and migration.test.ts, and node runs the test on PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from node_tools import JS, NODE, node_project, requires_node, tsc

from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.export import export, seed_rows
from dbmodel_kit.export.prisma import to_prisma, to_prisma_seed, to_prisma_test
from dbmodel_kit.model import Model

needs_engine = requires_node("@prisma/prisma-schema-wasm", what="Prisma's schema engine is")
needs_node = requires_node("typescript", "pg", "@types/pg", "@types/node", what="TypeScript/pg are")


def prisma_check(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "schema.prisma"
    path.write_text(text, encoding="utf-8")
    return subprocess.run([NODE or "node", str(JS / "prisma_check.js"), str(path)], capture_output=True,
                          text=True, timeout=60, check=False)


def test_golden_ecommerce(golden):
    """The e-commerce schema.prisma matches the reviewed golden file."""
    golden("export/prisma/schema.prisma", to_prisma(ecommerce()))


@pytest.mark.parametrize(("name", "make"), [("seed.ts", to_prisma_seed), ("migration.test.ts", to_prisma_test)])
def test_golden_seed_and_test(golden, name, make):
    """The generated seed.ts and migration.test.ts match the reviewed golden files."""
    golden(f"export/prisma/{name}", make())


def project(tmp_path: Path, schema) -> Path:
    """The Prisma export of ``schema`` in a folder tsc can compile (node_modules linked, a tsconfig)."""
    export(schema, "prisma", tmp_path)
    return node_project(tmp_path)


@pytest.fixture(scope="module")
def compiled_ecommerce(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The e-commerce export compiled by tsc once for the module: the tests that run it copy the
    folder (dist/ and all) and change only files tsc does not read (schema.prisma, the SQL), so
    each would compile the same TypeScript to the same JavaScript (tsc took 3-4 s a run)."""
    path = project(tmp_path_factory.mktemp("prisma-ecommerce"), ecommerce())
    done = tsc(path)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


def compiled_copy(compiled: Path, tmp_path: Path) -> Path:
    """A copy of a compiled project (its node_modules link kept a link)."""
    return Path(shutil.copytree(compiled, tmp_path / "project", symlinks=True))


def node_test(path: Path, postgres_url: str, *, compile: bool = True) -> subprocess.CompletedProcess[str]:
    """Compile the project (unless ``compile`` is false: a copy of one compiled) and run
    dist/migration.test.js with node --test on ``postgres_url``."""
    if compile:
        done = tsc(path)
        assert done.returncode == 0, done.stdout + done.stderr
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run([NODE or "node", "--test", str(path / "dist" / "migration.test.js")], capture_output=True,
                          text=True, timeout=120, check=False, env={**os.environ, "DATABASE_URL": url})


def scratch_schemas(postgres_url: str) -> list[str]:
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        names = conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dbmodel_test_%'"))
        out = [n for (n,) in names]
    engine.dispose()
    return out


@needs_node
def test_tsc_type_checks_seed_and_test(tmp_path):
    """tsc --noEmit (strict, @types/node and @types/pg) accepts seed.ts and migration.test.ts."""
    done = tsc(project(tmp_path, large()), "--noEmit")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_node
def test_tsc_rejects_a_type_error(tmp_path):
    """A type error planted in the generated test fails tsc (the check above can fail)."""
    path = project(tmp_path, ecommerce())
    test = path / "migration.test.ts"
    test.write_text(test.read_text().replace("const inserted = await seed(client);",
                                             "const inserted: string = await seed(client);", 1))
    done = tsc(path, "--noEmit")
    assert done.returncode != 0
    assert "TS2322" in done.stdout


@needs_node
@pytest.mark.parametrize("example", ["ecommerce", "large"])
def test_generated_test_passes_on_postgres(tmp_path, postgres_url, example, request):
    """node --test runs the generated test: the migration applies, every model's table and columns and
    every enum match, the seed's rows arrive, and the scratch schema is gone afterwards."""
    if example == "ecommerce":
        path, compile = compiled_copy(request.getfixturevalue("compiled_ecommerce"), tmp_path), False
    else:
        path, compile = project(tmp_path, large()), True
    run = node_test(path, postgres_url, compile=compile)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^# pass 5$", run.stdout, re.M), run.stdout
    assert re.search(r"^# fail 0$", run.stdout, re.M), run.stdout
    assert scratch_schemas(postgres_url) == []


@needs_node
def test_seed_ts_runs_on_its_own(tmp_path, postgres_url, compiled_ecommerce):
    """seed.ts, as `prisma db seed` runs it, inserts seed.sql's rows into a migrated database."""
    path = compiled_copy(compiled_ecommerce, tmp_path)
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql((path / "migrations" / "0001_dbmodel" / "migration.sql").read_text())
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    run = subprocess.run([NODE or "node", str(path / "dist" / "seed.js")], capture_output=True, text=True,
                         timeout=60, check=False, env={**os.environ, "DATABASE_URL": url}, cwd=tmp_path.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    with engine.connect() as conn:
        users = conn.execute(sa.text("SELECT count(*) FROM users")).scalar()
        orders = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
    engine.dispose()
    assert (users, orders) == (3, 3)
    rows = sum(len(batch) for batch in seed_rows(ecommerce()).values())
    assert run.stdout == f"seeded {rows} row(s)\n"


#: a mismatch planted in one generated file -> the part of the generated test that must fail
PLANTED = {
    "column": ("schema.prisma", '@map("password_hash")', '@map("password_digest")', "has the table and columns"),
    "table": ("schema.prisma", '@@map("order_items")', '@@map("order_lines")', "has the table and columns"),
    "enum": ("schema.prisma", "  refunded\n", "  returned\n", "has the type and values of every enum"),
    "migration": ("migrations/0001_dbmodel/migration.sql", "    phone VARCHAR(32), \n",
                  "    phone VARCHAR(32), \n    nickname TEXT, \n", "has the table and columns"),
    "seed": ("seed.sql", "INSERT INTO users", "INSERT INTO no_such_table", "runs the seed"),
}


@needs_node
@pytest.mark.parametrize("case", sorted(PLANTED))
def test_generated_test_fails_on_a_mismatch(tmp_path, postgres_url, case, compiled_ecommerce):
    """A schema.prisma/migration/seed mismatch planted in the export makes the generated test fail, in the
    check it concerns, and the scratch schema is still dropped."""
    rel, old, new, failing = PLANTED[case]
    assert not rel.endswith(".ts")  # tsc does not read it: the compiled copy is what compiling it would give
    path = compiled_copy(compiled_ecommerce, tmp_path)
    target = path / rel
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    run = node_test(path, postgres_url, compile=False)
    assert run.returncode != 0
    assert re.search(rf"^\s*not ok \d+ - {failing}", run.stdout, re.M), run.stdout
    assert re.search(r"^# fail 1$", run.stdout, re.M), run.stdout
    assert scratch_schemas(postgres_url) == []


@needs_engine
@pytest.mark.parametrize("example", ["ecommerce", "large"])
def test_engine_validates_and_format_is_noop(tmp_path, example):
    """Prisma's engine validates the generated schema and its formatter leaves the text unchanged."""
    text = to_prisma({"ecommerce": ecommerce, "large": large}[example]())
    done = prisma_check(text, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == text


@needs_engine
def test_checker_rejects_a_broken_schema(tmp_path):
    """The checker itself fails on a schema with a relation missing its opposite side (so the test above can fail)."""
    text = to_prisma(ecommerce()).replace('  orders            Order[]', '  // removed', 1)
    assert "// removed" in text
    assert prisma_check(text, tmp_path).returncode == 1


def test_names_relations_and_native_types():
    """Snake_case names map back with @map/@@map; two keys to users get two named relations; money is Decimal(10, 2)."""
    text = " ".join(to_prisma(ecommerce()).split())
    assert 'passwordHash String @map("password_hash") @db.VarChar(255)' in text
    assert '@@map("order_items")' in text
    assert ('productsCreatedBy Product[] @relation("fk_products_created_by_users")' in text)
    assert ('updatedByUser User? @relation("fk_products_updated_by_users", fields: [updatedBy], references: [id], '
            'onDelete: SetNull, onUpdate: Cascade, map: "fk_products_updated_by_users")') in text
    assert "price Decimal @db.Decimal(10, 2)" in text
    assert "// index ux_products_sku is partial" in text


def test_enum_values_that_are_not_identifiers_are_mapped(tmp_path):
    """An enum value like 'in-progress' becomes a valid member with @map carrying the stored value."""
    m = Model()
    m.add_enum("state", "in-progress", "2nd")
    m.add_table("jobs", id="integer pk identity", state="enum(state) not null default 'in-progress'")
    text = to_prisma(m.schema)
    assert 'in_progress @map("in-progress")' in text
    assert 'V_2nd       @map("2nd")' in text
    assert "@default(in_progress)" in text
    if NODE is not None and (JS / "node_modules" / "@prisma" / "prisma-schema-wasm").is_dir():
        done = prisma_check(text, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout == text


NO_PRIMARY_KEY = """
tables:
  codes:
    columns:
      code: varchar(8) unique
      note: text
  tags:
    columns:
      tag: varchar(8) not null unique
      code: varchar(8) references codes(code)
  spans:
    columns:
      span: interval not null unique
  lines:
    columns:
      id: integer pk
      code: varchar(8) not null references codes(code)
      tag: varchar(8) references tags(tag)
"""


@needs_engine
def test_table_without_a_required_unique_is_ignored_as_db_pull_does(tmp_path):
    """A table with no primary key and no unique set of required Prisma fields gets @@ignore and the
    comment ``prisma db pull`` writes, and relation fields to it from other models get @ignore
    (Prisma refused the model: P1012 "Each model must have at least one unique criteria that has
    only required fields", 33 of 200 generated schemas); a NOT NULL unique is a criterion and keeps
    the model (an Unsupported one, an interval, is not)."""
    from dbmodel_kit.io import loads

    text = to_prisma(loads(NO_PRIMARY_KEY, "yaml"))
    blocks = {b.split()[0]: b[:b.index("\n}")] for b in text.split("\nmodel ")[1:]}
    assert [m for m, b in blocks.items() if "@@ignore" in b] == ["Code", "Span"]
    assert text.count("/// The underlying table does not contain a valid unique identifier") == 2
    assert re.search(r"codeCode +Code\? +@relation\(.*\) @ignore\n", blocks["Tag"])
    assert re.search(r"codeCode +Code +@relation\(.*\) @ignore\n", blocks["Line"])
    assert "@ignore" not in blocks["Line"].split("tagTag")[1]
    done = prisma_check(text, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == text


def test_mysql_numbers_fulltext_and_shared_index_names_validate(tmp_path):
    """What Sakila (MySQL) brought to the Prisma export: TINYINT and unsigned integers are the scalar of
    what PostgreSQL stores (was Unsupported("SMALLINT") with @default(3): "Only @default(dbgenerated(...))
    can be used for Unsupported types"), a FULLTEXT index is a plain one with a comment (was "Unknown
    index type: Fulltext"), and an index name two tables use is mapped to the name PostgreSQL keeps (was
    "The given constraint name idx_fk_store_id has to be unique")."""
    from dbmodel_kit.model.schema import Column, Default, Index, Schema, Table
    from dbmodel_kit.model.types import DataType

    def table(name: str) -> Table:
        return Table(name, (Column("id", DataType.parse("smallint unsigned"), nullable=False),
                            Column("store_id", DataType.parse("tinyint unsigned")),
                            Column("duration", DataType.parse("tinyint unsigned"), nullable=False,
                                   default=Default("literal", 3)),
                            Column("big", DataType.parse("bigint unsigned")),
                            Column("title", DataType.parse("varchar(40)"))),
                     primary_key=("id",), indexes=(Index(("store_id",), name="idx_fk_store_id"),
                                                   Index(("title",), name=f"ft_{name}", method="fulltext")))

    text = to_prisma(Schema((table("customer"), table("staff"))))
    flat = " ".join(text.split())
    assert 'duration Int @default(3) @db.SmallInt' in flat
    assert 'big Decimal? @db.Decimal(20, 0)' in flat
    assert 'map: "customer_idx_fk_store_id"' in flat
    assert "Fulltext" not in text
    assert "// index ft_customer: method fulltext is no PostgreSQL index type" in text
    if NODE is not None and (JS / "node_modules" / "@prisma" / "prisma-schema-wasm").is_dir():
        done = prisma_check(text, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout == text


def test_bigint_unsigned_identity_is_a_bigint_autoincrement():
    """A MySQL BIGINT UNSIGNED AUTO_INCREMENT key (and the key referencing it) is BigInt with
    autoincrement() for the postgresql provider, as the SQL migration makes it bigint identity, with
    the narrowing said at the top; it was Decimal, which Prisma refuses: 'The function
    autoincrement() cannot be used on fields of type Decimal' (ordering_mariadb)."""
    from dbmodel_kit.io.sql_import import read_sql

    schema = read_sql("CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY);\n"
                      "CREATE TABLE c (id INT NOT NULL PRIMARY KEY, t_id BIGINT UNSIGNED NOT NULL, "
                      "CONSTRAINT fk_c_t FOREIGN KEY (t_id) REFERENCES t (id));", dialect="mysql").schema
    text = to_prisma(schema)
    assert re.search(r"\bid\s+BigInt\s+@id @default\(autoincrement\(\)\)", text)
    assert re.search(r"\btId\s+BigInt\b", text)
    assert "// t.id: bigint unsigned stored as bigint" in text


@needs_engine
def test_enum_named_with_a_leading_digit_gets_a_letter_first(tmp_path):
    """An enum named ``2fa_enabled`` becomes Prisma enum ``E2faEnabled`` mapped to its name (Prisma:
    "The name of a Enum must not start with a number", 7 of 200 generated schemas)."""
    m = Model()
    m.add_enum("2fa_enabled", "on", "off")
    m.add_table("t", id="integer pk", f="enum(2fa_enabled)")
    text = to_prisma(m.schema)
    assert "enum E2faEnabled {" in text
    assert '@@map("2fa_enabled")' in text
    done = prisma_check(text, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == text
