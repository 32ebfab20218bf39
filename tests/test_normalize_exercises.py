"""Exercises: the bank's computed answers pass their own checks, wrong answers get specific feedback."""

from __future__ import annotations

import pytest

from dbmodel_kit.errors import ModelError
from dbmodel_kit.normalize.exercises import (
    _load_bank,
    bank,
    check_closure,
    check_cover,
    check_decomposition,
    check_keys,
    check_normal_form,
    exercise,
)


def _plain(task, answer):
    if task == "closure":
        return sorted(answer)
    if task == "keys":
        return [sorted(k) for k in answer]
    if task == "cover":
        return [str(f) for f in answer]
    return answer


def test_bank_has_at_least_30_distinct_exercises_covering_every_task():
    """The shipped bank holds >= 30 exercises with unique ids, and every task kind appears."""
    exercises = bank()
    assert len(exercises) >= 30
    assert len({e.id for e in exercises}) == len(exercises)
    assert {t for e in exercises for t in e.tasks} == {"closure", "keys", "cover", "normal_form", "3nf", "bcnf"}


@pytest.mark.parametrize("ex", bank(), ids=lambda e: e.id)
def test_computed_answers_pass_their_own_checks(ex):
    """For every exercise and task, the computed answer (as a student would type it) is graded correct."""
    for task in ex.tasks:
        feedback = ex.check(task, _plain(task, ex.answer(task)))
        assert feedback.correct, f"{ex.id}/{task}: {feedback}"
    assert ex.prompt().startswith(ex.title)


def test_closure_feedback_names_the_missing_attribute_and_the_fd():
    """A closure that stops early is told which FD adds the missing attribute."""
    fb = check_closure("A B C D E F", "A, B -> C; B, C -> A, D; D -> E; C, F -> B", "A B", "A B C D")
    assert not fb.correct
    assert fb.messages == ("missing E: D -> E applies once D is in the closure",)
    fb = check_closure("A B C", "A -> B", "A", "A B C")
    assert fb.messages == ("C is not in the closure: no FD adds it starting from {A}",)


def test_keys_feedback_distinguishes_non_keys_non_minimal_and_missing():
    """Non-superkeys, non-minimal superkeys and missing keys each get their own sentence."""
    fb = check_keys("A B C D", "A, B -> C; C -> D; D -> A", [["A", "B"], ["B"], ["A", "B", "C"]])
    assert not fb.correct
    assert "{B} is not a key: its closure misses A, C, D" in fb.messages
    assert any(m.startswith("{A, B, C} is a superkey but not minimal") for m in fb.messages)
    assert any(m.startswith("you found 1 of 3 candidate key(s)") for m in fb.messages)


def test_cover_accepts_any_equivalent_minimal_cover():
    """Two different minimal covers of the same FDs are both accepted; a non-equivalent one is not."""
    fds = "A -> B; B -> A; A -> C; B -> C"
    assert check_cover(fds, "A -> B; B -> A; A -> C").correct
    assert check_cover(fds, "A -> B; B -> A; B -> C").correct
    fb = check_cover(fds, "A -> B; A -> C")
    assert not fb.correct
    assert "your cover does not imply B -> A" in fb.messages
    fb = check_cover("A -> B; A, B -> C", "A -> B; A, B -> C")
    assert "B is extraneous in A, B -> C: {A} already determines C" in fb.messages
    fb = check_cover("A -> B, C", "A -> B, C")
    assert fb.messages[0].startswith("A -> B, C: a minimal cover has one attribute on each right-hand side")


def test_normal_form_feedback_gives_the_deciding_violation():
    """Claiming too high a form names the violation; claiming too low says which form holds."""
    fb = check_normal_form("order_id, product_id, customer, qty", "order_id -> customer; order_id, product_id -> qty",
                           "3NF")
    assert not fb.correct
    assert fb.messages[0].startswith("it is in 1NF, not 3NF: partial dependency: order_id -> customer")
    fb = check_normal_form("A B C", "A -> B, C", "2NF")
    assert fb.messages[0].startswith("it is in a higher form than 2NF: it is in BCNF")
    with pytest.raises(ModelError, match="answer must be one of"):
        check_normal_form("A B", "A -> B", "6NF")


def test_decomposition_is_graded_by_properties():
    """Lossy joins, relations not in the target form, lost FDs and missing attributes are each reported."""
    fb = check_decomposition("A B C", "A -> B; B -> C", ["A B", "B C"], "3NF")
    assert fb.correct
    fb = check_decomposition("A B C", "A -> B", ["A B", "B C"], "BCNF")
    assert not fb.correct
    assert fb.messages[0].startswith("lossy: joining (A, B) and (B, C)")
    fb = check_decomposition("A B C D", "A -> B; B -> C", ["A B C", "A D"], "3NF")
    assert "(A, B, C) is not in 3NF: transitive dependency: B -> C" in fb.messages[1]
    fb = check_decomposition("street city zip", "street, city -> zip; zip -> city", ["zip city", "street zip"],
                             "3NF")
    assert not fb.correct
    assert any(m.startswith("not dependency-preserving: city, street -> zip") for m in fb.messages)
    assert check_decomposition("street city zip", "street, city -> zip; zip -> city",
                               ["zip city", "street zip"], "BCNF").correct
    fb = check_decomposition("A B C", "A -> B", ["A B"], "BCNF")
    assert fb.messages == ("attributes in no relation: C",)


def test_feedback_renders_as_html():
    """Feedback shows a verdict and its messages in Jupyter."""
    page = exercise("letters-chain").check("normal_form", "BCNF")._repr_html_()
    assert "not quite" in page
    assert "transitive dependency" in page


def test_bad_bank_entries_raise_model_errors_naming_the_exercise():
    """A bank entry with an unknown attribute or task is rejected with its position."""
    with pytest.raises(ModelError, match="exercise 1: FD attribute 'Z' is not in the relation"):
        _load_bank("- {id: x, relation: A B, fds: 'A -> Z', tasks: [keys]}", "bank.yaml")
    with pytest.raises(ModelError, match="exercise 1: unknown task 'proof'"):
        _load_bank("- {id: x, relation: A B, fds: 'A -> B', tasks: [proof]}", "bank.yaml")
    with pytest.raises(ModelError, match="no exercise 'nope'"):
        exercise("nope")
