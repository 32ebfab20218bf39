"""Normalization theory against hand-checked textbook answers, with golden explanations."""

from __future__ import annotations

import pytest

from dbmodel_kit.errors import ModelError
from dbmodel_kit.normalize import (
    FD,
    MVD,
    bcnf_decompose,
    candidate_keys,
    chase,
    closure,
    equivalent,
    implies,
    is_minimal,
    minimal_cover,
    normal_form,
    parse_fds,
    preserves_dependencies,
    prime_attributes,
    project,
    synthesize_3nf,
)

# Ullman & Widom, A First Course in Database Systems, example 3.8.
UW_FDS = "A, B -> C; B, C -> A, D; D -> E; C, F -> B"
ORDERS = "order_id, product_id, customer_id, customer_name, product_name, price, qty"
ORDERS_FDS = ("order_id -> customer_id; customer_id -> customer_name; product_id -> product_name, price; "
              "order_id, product_id -> qty")


def test_closure_textbook():
    """{A,B}+ under Ullman & Widom's example 3.8 FDs is {A,B,C,D,E}."""
    assert closure("A, B", UW_FDS) == {"A", "B", "C", "D", "E"}
    assert closure("F", UW_FDS) == {"F"}


def test_parse_fds_single_letter_and_errors():
    """Single-letter relations allow 'AB -> C'; a bad line is named in the error."""
    assert parse_fds("AB -> CD", "ABCD") == [FD({"A", "B"}, {"C", "D"})]
    with pytest.raises(ModelError, match="line 2"):
        parse_fds("a -> b\na b c")
    with pytest.raises(ModelError, match="right-hand side"):
        FD.parse("a -> ")


def test_implication_and_equivalence():
    """Armstrong consequences are implied; covers with the same closure are equivalent."""
    assert implies(UW_FDS, "A, B -> D")
    assert not implies(UW_FDS, "A -> B")
    assert equivalent("A -> B; B -> C; A -> C", "A -> B; B -> C")
    assert not equivalent("A -> B", "A -> B; B -> A")


def test_candidate_keys_textbook():
    """R(A,B,C,D) with AB->C, C->D, D->A has keys AB, BC, BD (Ullman & Widom exercise 3.3.1)."""
    keys = candidate_keys("A B C D", "A, B -> C; C -> D; D -> A")
    assert keys == [frozenset("AB"), frozenset("BC"), frozenset("BD")]
    assert prime_attributes("A B C D", "A, B -> C; C -> D; D -> A") == set("ABCD")
    assert candidate_keys("A B", []) == [frozenset("AB")]


def test_minimal_cover_textbook():
    """{A->BC, B->C, A->B, AB->C} has the minimal cover {A->B, B->C} (Silberschatz 8.4.3)."""
    cover = minimal_cover("A -> B, C; B -> C; A -> B; A, B -> C")
    assert cover == [FD("A", "B"), FD("B", "C")]
    assert is_minimal(cover)


def test_projection_textbook():
    """Projecting A->B, B->C, C->D onto {A, C, D} gives A->C and C->D (Ullman & Widom 3.2.8)."""
    assert set(project("A -> B; B -> C; C -> D", "A C D")) == {FD("A", "C"), FD("C", "D")}


def test_normal_forms_textbook():
    """The orders spreadsheet is 1NF with named partial and transitive dependencies; classic 3NF-not-BCNF."""
    r = normal_form(ORDERS, ORDERS_FDS)
    assert r.level == "1NF"
    partial = r.violations_of("2NF")
    assert FD("order_id", "customer_name") in {v.dependency for v in partial}
    assert any(v.message.startswith("partial dependency: order_id -> customer_name, where order_id is a proper "
                                    "subset of key {order_id, product_id}") for v in partial)
    assert [str(v.dependency) for v in r.violations_of("3NF")] == ["customer_id -> customer_name"]
    zip_ = normal_form("street, city, zip", "street, city -> zip; zip -> city")
    assert zip_.level == "3NF"
    assert [str(v.dependency) for v in zip_.violations_of("BCNF")] == ["zip -> city"]
    assert normal_form("A B C", "A -> B; B -> C").level == "2NF"
    assert normal_form("A B C", "A -> B, C").level == "BCNF"


def test_fourth_normal_form_with_mvds():
    """(course, teacher, book) with course ->> teacher is in BCNF but not in 4NF."""
    r = normal_form("course teacher book", [], mvds=["course ->> teacher"])
    assert r.level == "BCNF"
    assert r.violations_of("4NF")[0].dependency == MVD("course", "teacher")
    assert normal_form("course teacher", [], mvds=["course ->> teacher"]).level == "4NF"
    assert not normal_form("A B", "A -> B").is_in("4NF")  # unknown without MVDs


def test_synthesis_textbook():
    """Synthesis of the orders spreadsheet gives one relation per determinant, keyed by it."""
    d = synthesize_3nf(ORDERS, ORDERS_FDS)
    assert [(r.attributes, r.key) for r in d.relations] == [
        (("order_id", "customer_id"), ("order_id",)),
        (("customer_id", "customer_name"), ("customer_id",)),
        (("product_id", "product_name", "price"), ("product_id",)),
        (("order_id", "product_id", "qty"), ("order_id", "product_id")),
    ]
    assert d.lossless()
    assert d.preserving()
    assert all(nf.is_in("3NF") for nf in d.normal_forms())


def test_bcnf_textbook_loses_a_dependency():
    """(street, city, zip) decomposes into (city, zip) and (street, zip): lossless, street,city->zip lost."""
    d = bcnf_decompose("street, city, zip", "street, city -> zip; zip -> city")
    assert {r.attributes for r in d.relations} == {("city", "zip"), ("street", "zip")}
    assert d.lossless()
    assert d.preserving().lost == (FD({"street", "city"}, "zip"),)


def test_chase_textbook():
    """Ullman & Widom example 3.21: {AD, AC, BCD} under A->B, B->C, CD->A is lossless."""
    assert chase("A B C D", ["A D", "A C", "B C D"], "A -> B; B -> C; C, D -> A").lossless
    assert not chase("A B C D", ["A B", "C D"], "A -> B").lossless


def test_preservation_textbook():
    """A->B, B->C, C->A over (AB, BC) is preserved although C->A lies in no relation."""
    assert preserves_dependencies("A -> B; B -> C; C -> A", ["A B", "B C"]).preserved
    assert preserves_dependencies("A -> B; B -> C", ["A B", "A C"]).lost == (FD("B", "C"),)


@pytest.mark.parametrize(("case", "make"), [
    ("closure", lambda: closure("A, B", UW_FDS, explain=True)),
    ("keys", lambda: candidate_keys("A B C D", "A, B -> C; C -> D; D -> A", explain=True)),
    ("cover", lambda: minimal_cover("A -> B, C; B -> C; A -> B; A, B -> C", explain=True)),
    ("normal_form", lambda: normal_form(ORDERS, ORDERS_FDS, explain=True)),
    ("synthesis", lambda: synthesize_3nf(ORDERS, ORDERS_FDS, explain=True)),
    ("bcnf", lambda: bcnf_decompose("street, city, zip", "street, city -> zip; zip -> city", explain=True)),
    ("chase", lambda: chase("A B C D", ["A D", "A C", "B C D"], "A -> B; B -> C; C, D -> A", explain=True)),
    ("preservation", lambda: preserves_dependencies("A -> B; B -> C", ["A B", "A C"], explain=True)),
    ("projection", lambda: project("A -> B; B -> C; C -> D", "A C D", explain=True)),
])
def test_explanations_text_and_html_golden(golden, case, make):
    """Each explanation renders as text (golden file) and as HTML listing every step."""
    e = make()
    golden(f"normalize/explain_{case}.txt", e.text() + "\n")
    page = e._repr_html_()
    assert page.count("<li") == len(e.steps)
    assert e.to_dict()["steps"][0]["text"] == e.steps[0].text


def test_chase_explanation_keeps_the_tableau_row_by_row():
    """The chase explanation has one tableau per step, with the changed cells marked."""
    e = chase("A B C D", ["A D", "A C", "B C D"], "A -> B; B -> C; C, D -> A", explain=True)
    tables = [s.table for s in e.steps if s.table is not None]
    assert tables[0].rows[0] == ("a1", "b12", "b13", "a4")
    assert all(t.marked for t in tables[1:])
    assert any(all(c.startswith("a") for c in row) for row in tables[-1].rows)
