"""The NormalizationTutor widget: set values, click buttons, read the views (no browser)."""

from __future__ import annotations

import pandas as pd

from dbmodel_kit.normalize import FD
from dbmodel_kit.widgets.normalize import NormalizationTutor, decomposition_schema

ROWS = pd.DataFrame({
    "order_id": ["1", "1", "2", "3", "3", "4"],
    "product_id": ["10", "11", "10", "12", "10", "12"],
    "customer": ["ann", "ann", "bob", "ann", "ann", "cy"],
    "qty": ["3", "1", "5", "2", "1", "1"],
})
FDS = "order_id -> customer\norder_id, product_id -> qty"


def test_fds_are_discovered_and_editable():
    """The FD box starts with discovered FDs; typed FDs replace them; a bad line shows an error and keeps them."""
    tutor = NormalizationTutor(ROWS)
    assert FD("order_id", "customer") in tutor.fds
    tutor.fd_text.value = FDS
    tutor.apply_fds_button.click()
    assert tutor.fds == [FD("order_id", "customer"), FD({"order_id", "product_id"}, "qty")]
    tutor.fd_text.value = "order_id -> zip"
    tutor.apply_fds_button.click()
    assert "not an attribute" in tutor.fd_feedback.value
    assert len(tutor.fds) == 2


def test_closure_keys_and_normal_form_buttons():
    """The closure, key and normal-form buttons show the explanations, with violations highlighted."""
    tutor = NormalizationTutor(ROWS, FDS)
    tutor.closure_pick.value = ("order_id",)
    tutor.closure_button.click()
    assert "{order_id}+ = {order_id, customer}" in tutor.closure_out.value
    tutor.keys_button.click()
    assert "{order_id, product_id}" in tutor.keys_out.value
    tutor.nf_button.click()
    assert "is in <b>1NF</b>" in tutor.nf_out.value
    assert "partial dependency: order_id -&gt; customer" in tutor.nf_out.value
    assert "dbm-violation>customer" in tutor.nf_out.value


def test_student_decomposition_is_graded_with_chase_and_erd():
    """Relations built by clicking are graded; a right answer shows the chase tableau and the ERD."""
    tutor = NormalizationTutor(ROWS, FDS)
    tutor.relation_pick.value = ("order_id", "customer")
    tutor.add_relation_button.click()
    tutor.relation_pick.value = ("product_id", "qty")
    tutor.add_relation_button.click()
    tutor.grade_button.click()
    assert "not quite" in tutor.grade_out.value
    assert "lossy" in tutor.grade_out.value
    tutor.remove_relation_button.click()
    tutor.relation_pick.value = ("order_id", "product_id", "qty")
    tutor.add_relation_button.click()
    assert tutor.relations == [["order_id", "customer"], ["order_id", "product_id", "qty"]]
    feedback = tutor.grade()
    assert feedback.correct
    assert "all distinguished" in tutor.chase_out.value
    assert tutor.erd_out.value.startswith("<svg")


def test_solution_and_target_switch():
    """The solution button shows the synthesis (3NF) or the BCNF decomposition for the chosen target."""
    tutor = NormalizationTutor(attributes="street city zip", fds="street, city -> zip\nzip -> city")
    assert tutor.show_solution() == [["street", "city", "zip"]]
    tutor.target.value = "BCNF"
    tutor.solution_button.click()
    assert "BCNF decomposition" in tutor.grade_out.value
    assert "<svg" in tutor.erd_out.value


def test_decomposition_schema_links_tables_by_keys():
    """The ERD schema keys each relation and adds a foreign key where a table holds another's key."""
    s = decomposition_schema([["order_id", "customer"], ["order_id", "product_id", "qty"]], [
        FD("order_id", "customer"), FD({"order_id", "product_id"}, "qty")], names=["orders", "lines"])
    assert s.table("orders").primary_key == ("order_id",)
    assert [(fk.columns, fk.ref_table) for fk in s.table("lines").foreign_keys] == [(("order_id",), "orders")]


def test_fds_are_checked_against_the_rows():
    """An FD the rows break shows its counterexample rows; one that may hold by accident gets a warning
    with its support; the check runs whenever the FDs change."""
    tutor = NormalizationTutor(ROWS, "order_id -> customer\nproduct_id -> qty")
    broken = [v for v in tutor.evidence if not v.holds]
    assert [str(v.fd) for v in broken] == ["product_id -> qty"]
    assert "does not hold" in tutor.evidence_out.value
    assert "background:#ffe08a" in tutor.evidence_out.value  # the cells that disagree
    assert "may hold by accident" in tutor.evidence_out.value  # order_id -> customer, support 4 of 6
    tutor.fd_text.value = "order_id -> customer"
    tutor.apply_fds_button.click()
    assert "does not hold" not in tutor.evidence_out.value


def test_hint_button_gives_three_levels_then_starts_again():
    """The Hint button shows a nudge, then the next step, then the answer for the chosen target."""
    tutor = NormalizationTutor(attributes="street city zip", fds="street, city -> zip\nzip -> city")
    tutor.target.value = "BCNF"
    kinds = []
    for _ in range(3):
        tutor.hint_button.click()
        kinds.append(tutor.hint_level)
    assert kinds == [1, 2, 3]
    assert tutor.hint_out.value.count("<p><b>hint") == 3
    assert "relations: (city, zip); (street, zip)" in tutor.hint_out.value
    tutor.hint_button.click()
    assert tutor.hint_out.value.count("<p><b>hint") == 1
    tutor.target.value = "3NF"
    assert tutor.hint_out.value == ""


def test_a_click_carries_what_the_student_typed():
    """Every tutor button is a form button listing the tutor's fields (the FD box, the two pickers,
    the target), so a click runs on what the page shows even when the field's own update has not
    reached the kernel yet (JupyterLab sends widget messages over kernel subshells): here the FD box
    and the closure picker are only in the click."""
    from dbmodel_kit.widgets._common import FormButton

    tutor = NormalizationTutor(ROWS, FDS)
    buttons = [b for b in vars(tutor).values() if isinstance(b, FormButton)]
    assert len(buttons) == 10
    listed = {(f.model_id, key) for f, key in tutor.closure_button.form_fields}
    assert listed == {(tutor.fd_text.model_id, "value"), (tutor.closure_pick.model_id, "index"),
                      (tutor.relation_pick.model_id, "index"), (tutor.target.model_id, "index")}

    def click_with(button, *entries):  # what static/panels.js sends
        button._handle_custom_msg({"event": "click", "state": [list(e) for e in entries]}, [])

    click_with(tutor.apply_fds_button, [tutor.fd_text.model_id, "value", "order_id -> customer"])
    assert tutor.fds == [FD("order_id", "customer")]
    labels = list(tutor.closure_pick._options_labels)
    click_with(tutor.closure_button, [tutor.closure_pick.model_id, "index", [labels.index("order_id")], labels])
    assert "{order_id}+ = {order_id, customer}" in tutor.closure_out.value
