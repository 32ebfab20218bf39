"""The ``dbmodel fds | keys | normalize`` commands: outputs (golden), formats, NULL options, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbmodel_kit.cli import main

DATASETS = Path("/work/shared/datasets/fd")
ORDERS_CSV = """\
order_id,product_id,customer_id,customer_name,product_name,qty
1,10,100,Ann,pen,3
1,11,100,Ann,ink,1
2,10,101,Bob,pen,5
3,12,100,Ann,pad,2
3,10,100,Ann,pen,1
4,12,102,Cy,pad,1
"""
ORDERS_FDS = """\
# the spreadsheet's business rules
order_id -> customer_id
customer_id -> customer_name
product_id -> product_name
"""


@pytest.fixture
def orders(tmp_path: Path) -> tuple[Path, Path]:
    csv = tmp_path / "order_lines.csv"
    csv.write_text(ORDERS_CSV)
    fds = tmp_path / "fds.txt"
    fds.write_text(ORDERS_FDS)
    return csv, fds


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fds_text_and_json(capsys, orders, golden):
    """`dbmodel fds` prints one FD per line, or JSON objects with lhs list and rhs string."""
    csv, _ = orders
    code, out, _ = run(capsys, "fds", str(csv))
    assert code == 0
    golden("normalize/cli_fds.txt", out)
    code, out, _ = run(capsys, "fds", str(csv), "--format", "json", "--max-lhs", "1")
    data = json.loads(out)
    assert {"lhs": ["order_id"], "rhs": "customer_id"} in data
    assert all(set(d) == {"lhs", "rhs"} and len(d["lhs"]) <= 1 for d in data)


@pytest.mark.skipif(not (DATASETS / "iris.csv").exists(), reason="benchmark tables not available")
def test_fds_on_a_benchmark_table_matches_the_published_count(capsys):
    """`dbmodel fds` reads values as strings, so iris gives the published 4 FDs."""
    _, out, _ = run(capsys, "fds", str(DATASETS / "iris.csv"), "--format", "json")
    assert len(json.loads(out)) == 4


def test_null_options_change_the_result(capsys, tmp_path):
    """Empty cells are equal by default (--null-eq) and distinct with --null-neq."""
    csv = tmp_path / "n.csv"
    csv.write_text("a,b\n,1\n,2\nx,3\n")
    _, eq, _ = run(capsys, "fds", str(csv))
    _, neq, _ = run(capsys, "fds", str(csv), "--null-neq")
    assert "a -> b" not in eq.splitlines()
    assert "a -> b" in neq.splitlines()


def test_fds_rank_and_approximate(capsys, orders):
    """--max-error finds near-FDs; --rank prints the evidence table."""
    csv, _ = orders
    _, out, _ = run(capsys, "fds", str(csv), "--max-error", "0.2", "--rank")
    assert out.splitlines()[0].split() == ["lhs", "rhs", "error", "support", "lhs_distinct", "rhs_distinct",
                                           "confidence", "chance"]


def test_keys_and_duplicate_rows(capsys, orders, tmp_path):
    """`dbmodel keys` lists minimal unique column sets, or says that duplicate rows leave no key."""
    csv, _ = orders
    code, out, _ = run(capsys, "keys", str(csv))
    assert code == 0
    assert "order_id, product_id" in out.splitlines()
    dup = tmp_path / "dup.csv"
    dup.write_text("a,b\n1,2\n1,2\n")
    _, out, _ = run(capsys, "keys", str(dup), "--format", "json")
    assert json.loads(out) == {"keys": [], "duplicate_rows": 1}
    _, out, _ = run(capsys, "keys", str(dup))
    assert out.startswith("no key: 1 row(s) duplicate")


def test_normalize_csv_with_fds_file_golden(capsys, orders, golden):
    """`dbmodel normalize` with --fds prints the tables, operations and the data migration (golden)."""
    csv, fds = orders
    code, out, _ = run(capsys, "normalize", str(csv), "--fds", str(fds), "--target", "3nf", "--explain",
                       "--sql", "duckdb")
    assert code == 0
    golden("normalize/cli_normalize.txt", out)


def test_normalize_errors_name_the_place(capsys, orders, tmp_path):
    """A bad FD line is reported as file:line; missing files and unknown columns exit 2 with one line."""
    csv, _ = orders
    bad = tmp_path / "bad.txt"
    bad.write_text("order_id -> customer_id\norder_id customer_id\n")
    code, _, err = run(capsys, "normalize", str(csv), "--fds", str(bad))
    assert code == 2
    assert err.startswith(f"{bad}:2: expected 'lhs -> rhs'")
    code, _, err = run(capsys, "fds", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "no such file" in err
    unknown = tmp_path / "u.txt"
    unknown.write_text("postcode -> customer_id\n")
    code, _, err = run(capsys, "normalize", str(csv), "--fds", str(unknown))
    assert code == 2
    assert "no column 'postcode'" in err


def test_normalize_csv_from_discovered_short_fds(capsys, orders):
    """Without --fds a CSV is normalized with its discovered FDs, --max-lhs keeping the short ones."""
    csv, _ = orders
    code, out, _ = run(capsys, "normalize", str(csv), "--max-lhs", "1", "--target", "bcnf")
    assert code == 0
    assert out.startswith("order_lines -> BCNF:")
    assert "add table" in out
