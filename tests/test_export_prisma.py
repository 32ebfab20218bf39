"""Prisma export: Prisma's own schema engine (WebAssembly) accepts the schema and formatting is a no-op."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.export.prisma import to_prisma
from dbmodel_kit.model import Model

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")
ENGINE = JS / "node_modules" / "@prisma" / "prisma-schema-wasm"
needs_engine = pytest.mark.skipif(
    NODE is None or not ENGINE.is_dir(),
    reason="Prisma's schema engine is missing: needs node and `npm ci --prefix tests/js`")


def prisma_check(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "schema.prisma"
    path.write_text(text, encoding="utf-8")
    return subprocess.run([NODE or "node", str(JS / "prisma_check.js"), str(path)], capture_output=True,
                          text=True, timeout=60, check=False)


def test_golden_ecommerce(golden):
    """The e-commerce schema.prisma matches the reviewed golden file."""
    golden("export/prisma/schema.prisma", to_prisma(ecommerce()))


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
    if NODE is not None and ENGINE.is_dir():
        done = prisma_check(text, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout == text
