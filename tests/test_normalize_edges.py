"""Normalization at the edges (issue 21), one section per point: BCNF at any size, the CLI's
decompositions, one notation rule, attributes outside the relation, bad input, feedback that
teaches, evidence from data, and keys in bulk."""

from __future__ import annotations

import random
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from dbmodel_kit.cli import main
from dbmodel_kit.errors import ModelError
from dbmodel_kit.model.schema import Column, Schema, Table
from dbmodel_kit.model.types import DataType
from dbmodel_kit.normalize import (
    FD,
    NormalizationNote,
    TooMuchWork,
    bcnf_decompose,
    candidate_keys,
    chase,
    closure,
    is_superkey,
    normal_form,
    parse_fds,
    preserves_dependencies,
    project,
    synthesize_3nf,
    validate_fd,
    witnesses,
)
from dbmodel_kit.normalize.apply import plan_normalization
from dbmodel_kit.normalize.exercises import check_closure, check_cover, check_keys, exercise
from dbmodel_kit.normalize.fd import attr_list
from dbmodel_kit.normalize.hints import hint

E14 = [f"E{i}" for i in range(1, 15)]


# -- 1. BCNF at any size ----------------------------------------------------------------------

def test_bcnf_above_sixteen_attributes_is_exact():
    """R(A, B, C, D, E1..E14) with B -> C; A, C -> D: A, B -> D holds in the rest, so it splits again;
    every part is in BCNF and normal_forms() works on the 16-attribute part."""
    d = bcnf_decompose(["A", "B", "C", "D", *E14], "B -> C; A, C -> D")
    assert [r.attributes for r in d.relations] == [("B", "C"), ("A", "B", "D"), ("A", "B", *E14)]
    assert [r.key for r in d.relations] == [("B",), ("A", "B"), ("A", "B", *E14)]
    assert [nf.level for nf in d.normal_forms()] == ["BCNF", "BCNF", "BCNF"]
    assert d.lossless()


def test_bcnf_at_forty_attributes_with_a_chain():
    """A chain A1 -> A2 -> ... over 40 attributes plus a free one decomposes exactly, part by part."""
    names = [f"A{i}" for i in range(1, 40)] + ["Z"]
    fds = [FD(f"A{i}", f"A{i + 1}") for i in range(1, 39)]
    d = bcnf_decompose(names, fds)
    assert len(d.relations) == 39
    assert all(nf.level == "BCNF" for nf in d.normal_forms())
    assert ("A1", "Z") in [r.attributes for r in d.relations]


def test_exact_work_that_would_take_too_long_says_so():
    """Past the limits the answer is refused with the reason and the figure, not approximated."""
    n = 8
    names = [f"A{i}" for i in range(n)] + [f"B{i}" for i in range(n)]
    fds = "; ".join(f"A{i} -> B{i}; B{i} -> A{i}" for i in range(n))
    assert len(candidate_keys(names, fds)) == 2 ** n
    with pytest.raises(TooMuchWork, match=r"more than 100 candidate keys; listing them all would take too long"):
        candidate_keys(names, fds, limit=100)
    # eliminating X0, X1, X2 from Aij -> Xi and X0, X1, X2 -> C leaves one left-hand side per choice of
    # an A0j, an A1j and an A2j: 6^3 FDs into C, none implied by the others
    from dbmodel_kit.normalize.restrict import project_cover

    wide = [FD(f"A{i}{j}", f"X{i}") for i in range(3) for j in range(6)] + [FD({"X0", "X1", "X2"}, "C")]
    part = [f"A{i}{j}" for i in range(3) for j in range(6)] + ["C"]
    assert len(project_cover(wide, part)) == 6 ** 3
    with pytest.raises(TooMuchWork, match=r"needs more than 50 FDs at once"):
        project_cover(wide, part, limit=50)


# -- 2. the CLI decomposes what exists ---------------------------------------------------------

REFUSED_BEFORE = [
    # the input, then inputs found by a random search (tmp search of 5-attribute FD sets)
    ("bcnf", "A, B -> C; C -> B; A -> D"),
    ("bcnf", "C, E -> D; D -> C; B, E -> A; A, E -> C"),
    ("bcnf", "D, E -> C; C -> E; B, C -> E; A, B -> C"),
    ("bcnf", "A, E -> B; B, E -> C; C -> A; D, E -> C"),
    ("3nf", "D, E -> B; C, E -> D; B -> E"),
    ("3nf", "D -> A; A, B -> C; A, C -> D; D, E -> B"),
]


@pytest.mark.parametrize(("target", "fds"), REFUSED_BEFORE)
def test_cli_normalize_decomposes_designs_that_join_along_keys(capsys, tmp_path, target, fds):
    """`dbmodel normalize` plans tables for inputs it once refused; every new table joins along its key."""
    csv = tmp_path / "r.csv"
    csv.write_text("A,B,C,D,E\n1,1,1,1,1\n")
    fd_file = tmp_path / "fds.txt"
    fd_file.write_text(fds.replace("; ", "\n") + "\n")
    code = main(["normalize", str(csv), "--fds", str(fd_file), "--target", target])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "cannot be joined" not in out + err
    if fds == REFUSED_BEFORE[0][1]:
        tables = {tuple(re.sub(r"_", "", cols).split(", ")) for cols in re.findall(r"^  \w+\((.*)\)$", out, re.M)}
        assert tables == {("A", "C", "E"), ("B", "C"), ("A", "D")}


def _table(names, pk=()):
    return Schema(tables=(Table("r", columns=tuple(Column(a, DataType("text"), nullable=a not in pk)
                                                   for a in names), primary_key=tuple(pk)),))


def test_plans_exist_for_random_fd_sets():
    """On random FD sets over 3-7 columns, with or without a primary key, both targets give a plan whose
    operations apply and whose tables join back along keys (the search that found the inputs above)."""
    rng = random.Random(21)
    for _ in range(300):
        n = rng.randint(3, 7)
        names = list("ABCDEFG"[:n])
        pk = sorted(rng.sample(names, rng.randint(1, 3))) if rng.random() < 0.5 else []
        fds = []
        for _ in range(rng.randint(1, 5)):
            lhs = rng.sample(names, rng.randint(0, min(3, n - 1)))
            fds.append(FD(frozenset(lhs), frozenset(rng.sample([a for a in names if a not in lhs], 1))))
        schema = _table(names, pk)
        for target in ("3nf", "bcnf"):
            plan = plan_normalization(schema, "r", fds, target)
            if plan.batch is not None:
                after = plan.batch.apply(schema)
                have = set(after.table("r").column_names)
                for name, key in plan.joins:
                    assert set(key) <= have, (target, fds, plan.text())
                    have |= set(after.table(name).column_names)
                assert have == set(names)


# -- 3. one notation rule ----------------------------------------------------------------------

def test_one_notation_rule_reads_text_against_the_relation():
    """A word that is not an attribute but spells one-letter attributes means them, everywhere; an exact
    name wins; without a relation every word is a name."""
    assert attr_list("AB C", "ABCD") == ["A", "B", "C"]
    assert attr_list("AB", ["AB", "A", "B"]) == ["AB"]
    assert attr_list("order_id, qty", ["order_id", "qty"]) == ["order_id", "qty"]
    assert attr_list("AB") == ["AB"]
    assert parse_fds("AB -> C", "A B C") == [FD({"A", "B"}, "C")]
    assert candidate_keys("A B C D", "AB -> C; C -> D") == [frozenset("AB")]
    assert normal_form("A B C D", "AB -> C; C -> D").violations[0].dependency == FD("C", "D")
    assert closure("AB", "A -> C; B -> D") == set("ABCD")
    assert closure("AB", "AB -> C", universe="A B C") == set("ABC")


def test_cover_checker_reads_compact_answers_like_closure_and_keys_do():
    """The kit's own cover written compactly is accepted, as ABCDE is for a closure and CF for a key."""
    ex = exercise("uw-closure")
    assert ex.check("cover", "AB -> C; BC -> A; BC -> D; D -> E; CF -> B").correct
    assert ex.check("closure", "ABCDE").correct
    assert ex.check("keys", ["CF", "ABF"]).correct
    assert ex.check("keys", "CF; ABF").correct
    assert check_cover("AB -> C; C -> D", "AB -> C; C -> D", attributes="A B C D").correct


# -- 4. attributes outside the relation ----------------------------------------------------------

def test_fds_outside_the_relation_are_restricted_by_closure_with_a_note():
    """Every function reads F as what it implies on R, and says so."""
    d = synthesize_3nf("A B", "A -> C")
    assert [r.attributes for r in d.relations] == [("A", "B")]
    assert d.notes == ("C is not an attribute of (A, B): the FDs are restricted to it by closure, and no FD "
                       "holds among its attributes",)
    assert "note: C is not an attribute" in d.text()
    d = bcnf_decompose("A B", "C -> A")
    assert [r.attributes for r in d.relations] == [("A", "B")]
    assert d.notes
    r = chase("A B C", ["A B", "B C"], "B -> D; D -> C")
    assert r.lossless
    assert r.notes == ("D is not an attribute of (A, B, C): the FDs are restricted to it by closure, which "
                       "gives B -> C",)
    with pytest.warns(NormalizationNote, match="C is not an attribute of \\(A, B\\).*which gives A -> B"):
        assert candidate_keys("A B", "A -> C; C -> B") == [frozenset("A")]
    report = normal_form("A B C", "A -> X; X -> B")
    assert report.level == "1NF"
    assert report.violations[0].dependency == FD("A", "B")
    assert "which gives A -> B" in report.notes[0]
    with pytest.warns(NormalizationNote):
        assert is_superkey("A C", "A B C", "A -> X; X -> B")
    with pytest.warns(NormalizationNote, match="restricted to it"):
        assert closure("A", "A -> X; X -> B", universe="A B") == set("AB")
    p = preserves_dependencies("A -> X; X -> B", ["A B"])
    assert p.preserved
    assert p.notes
    assert set(project("A -> X; X -> B", "A B")) == {FD("A", "B")}


def test_a_relation_written_as_one_word_is_pointed_out():
    """'ABCD' is one attribute; FDs on A, B get a note that says how to write four."""
    d = synthesize_3nf("ABCD", "A -> B")
    assert "write them apart: 'A B C D'" in d.notes[0]


# -- 5. silent acceptance becomes an error or a note --------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda: candidate_keys("", "A -> B"), "a relation needs at least one attribute"),
    (lambda: normal_form([], []), "a relation needs at least one attribute"),
    (lambda: candidate_keys(["A", "", "B"], []), "empty attribute name: item 2"),
    (lambda: synthesize_3nf("A, , B", "A -> B"), "empty attribute name in 'A, , B'"),
    (lambda: bcnf_decompose("A B A", "A -> B"), "attribute 'A' is listed twice"),
    (lambda: normal_form("A B", [], mvds=["A ->> C"]), "MVD 1: A ->> C names C, not an attribute of \\(A, B\\)"),
    (lambda: chase("A B C", ["A B", "B D"], "B -> C"), "relation 2: \\(B, D\\) names D, not an attribute"),
    (lambda: chase("A B C", ["A B", ""], "B -> C"), "relation 2: a relation needs at least one attribute"),
    (lambda: candidate_keys("A B", [42]), "FD 1: expected an FD or 'lhs -> rhs' text, got 42 \\(int\\)"),
    (lambda: candidate_keys("A B", 42), "expected FDs as text or a list, got 42"),
    (lambda: closure("A Z", "A -> B", universe="A B"), "closure: Z is not an attribute of \\(A, B\\)"),
    (lambda: is_superkey("A Z", "A B", "A -> B"), "Z is not an attribute of \\(A, B\\)"),
    (lambda: candidate_keys(["A", 3], []), "attribute names are text: item 2"),
])
def test_bad_input_is_a_clear_error(call, message):
    """Each of these was accepted silently (or raised AttributeError/KeyError) before."""
    with pytest.raises(ModelError, match=message):
        call()


def test_a_word_that_names_no_fd_attribute_gets_a_note():
    """closure('AB', 'A -> C') reads AB as one attribute (B is no attribute of the FDs) and says how to
    write the other reading; closure('D', ...) of an attribute no FD names is plain."""
    with pytest.warns(NormalizationNote, match="'AB' is read as one attribute, which no FD names"):
        assert closure("AB", "A -> C") == {"AB"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", NormalizationNote)
        assert closure("D", "A -> C") == {"D"}


# -- 6. feedback that teaches -----------------------------------------------------------------

def test_feedback_names_duplicates_and_unknown_attributes_without_giving_answers_away():
    """A key listed twice, an FD listed twice and an unknown attribute in a closure are each said."""
    fb = check_keys("A B C", "A -> B", [["A", "C"], ["C", "A"]])
    assert not fb.correct
    assert "{A, C} is listed twice: give each candidate key once" in fb.messages
    fb = check_cover("A -> B; B -> C", "A -> B; A -> B; B -> C")
    assert not fb.correct
    assert "A -> B is listed twice: a cover lists each FD once" in fb.messages
    fb = check_closure("A B C D", "A -> B; B -> C", "A", "A B Z")
    assert not fb.correct
    assert fb.messages == ("Z is not an attribute of R(A, B, C, D); fix the names first",)
    assert "C" not in fb.messages[0].replace("R(A, B, C, D)", "")


def test_combined_right_hand_sides_follow_the_exercise_style():
    """A minimal cover rejects A -> B, C with the reason; a canonical cover accepts it and asks to combine."""
    fb = check_cover("A -> B, C", "A -> B, C")
    assert fb.messages == ("A -> B, C: a minimal cover has one attribute on each right-hand side (A -> B; A -> C); "
                           "combining them is the canonical-cover style, which this exercise does not ask for",)
    assert check_cover("A -> B, C", "A -> B, C", style="canonical").correct
    assert check_cover("A -> B, C", "A -> B; A -> C", style="either").correct
    fb = check_cover("A -> B, C", "A -> B; A -> C", style="canonical")
    assert fb.messages == ("A -> B and A -> C share a left-hand side: a canonical cover combines them (A -> B, C)",)
    fb = check_cover("A -> B; B -> C", "A -> B, C; B -> C", style="canonical")
    assert fb.messages == ("C is extraneous on the right of A -> B, C: the rest of your cover already gives it",)
    ex = exercise("canonical-cover")
    assert ex.cover_style == "canonical"
    assert ex.check("cover", "A -> BCD; D -> E").correct
    assert not ex.check("cover", "A -> B; A -> C; A -> D; D -> E").correct


def test_hints_come_in_levels_and_follow_the_attempt():
    """Level 1 a nudge without results, level 2 the next step (from the attempt), level 3 the answer."""
    ex = exercise("uw-closure")
    h1, h2, h3 = ex.hints("closure")
    assert (h1.kind, h2.kind, h3.kind) == ("nudge", "next step", "answer")
    assert h1.text.startswith("Start from {A, B}. Add the right-hand side")
    assert "C" not in h1.text
    assert h2.text == "A, B -> C applies: its left-hand side is inside {A, B}, so add C."
    assert h3.text == "{A, B}+ = {A, B, C, D, E}"
    assert ex.hint("closure", 2, answer="ABC").text.startswith("B, C -> A, D applies")
    assert ex.hint("closure", 2, answer="ABCF").text == "First take F out: no FD adds it starting from {A, B}."
    assert ex.hint("keys", 2, answer=["CF"]).text.startswith("From key {C, F} and ")
    for task in ex.tasks:
        texts = [ex.hint(task, level).text for level in (1, 2, 3)]
        assert len(set(texts)) == 3, task
    assert ex.solution("keys").result == [frozenset("CF"), frozenset("ABF")]
    with pytest.raises(ModelError, match="does not ask for 'bcnf'"):
        ex.hint("bcnf")
    with pytest.raises(ModelError, match="hint level must be 1"):
        hint("keys", ["A"], [], 4)


# -- 7. evidence from data ----------------------------------------------------------------------

ROWS = pd.DataFrame({
    "order_id": ["1", "2", "3", "4", "5", "6", "7", "8"],
    "customer_id": ["C1", "C1", "C2", "C2", "C3", "C1", "C3", "C2"],
    "city": ["Oslo", "Olso", "Rome", "Rome", "Lima", "Oslo", "Lima", "Rome"],
    "channel": ["web"] * 8,
    "rep": ["ann", "ann", "bob", "bob", "cy", "ann", "cy", "bob"],
})


def test_a_broken_fd_shows_the_rows_that_break_it():
    """Clusters: the rows agreeing on the left and not on the right, with their values and counts, like
    an FD validator reports them (checked here against a pandas group-by)."""
    v = validate_fd(ROWS, "customer_id -> city")
    assert not v.holds
    clusters = [(c.lhs_value, c.rows, c.rhs_values) for c in v.clusters]
    assert clusters == [(("C1",), (0, 1, 5), (("Oslo", 2), ("Olso", 1)))]
    assert v.error_rows == 3
    assert v.g3 == pytest.approx(1 / 8)
    assert v.g1 == pytest.approx(4 / 56)  # ordered pairs in the cluster that differ on city
    per_customer = ROWS.groupby("customer_id")["city"].transform("nunique")
    assert v.violating.index.tolist() == ROWS.index[per_customer > 1].tolist()
    assert witnesses(ROWS, "customer_id -> city").index.tolist() == [0, 1, 5]
    assert "cluster 1: customer_id = C1: city = Oslo (2), Olso (1); rows 0, 1, 5" in v.text()
    assert "background:#ffe08a" in v._repr_html_()


def test_an_fd_that_may_hold_by_accident_is_warned_with_its_support():
    """Unique left sides, a constant right side, or a high chance under independence each warn."""
    v = validate_fd(ROWS, "order_id -> city")
    assert v.holds
    assert v.support == 0
    assert v.warnings[0].startswith("no two rows share a value of order_id")
    v = validate_fd(ROWS, "rep -> channel")
    assert v.warnings[0].startswith("channel has a single value in the sample")
    small = ROWS.iloc[[2, 3, 4, 6]]
    v = validate_fd(small, "customer_id -> rep")
    assert v.holds
    assert v.support == 4
    assert v.chance == pytest.approx(0.25)  # two groups of two, rep values 1/2 each: (1/4 + 1/4) ** 2
    assert v.warnings[0].startswith("it may hold by accident: support 4 of 4 rows")
    strong = validate_fd(pd.concat([ROWS.iloc[[2, 3, 4, 6]]] * 4, ignore_index=True), "customer_id -> rep")
    assert strong.holds
    assert strong.warnings == ()
    assert strong.chance < 0.05


def test_accident_chance_matches_enumeration():
    """chance is the probability that independent draws with the column's frequencies are constant per group."""
    from itertools import product

    from dbmodel_kit.normalize.evidence import accident_chance

    rhs = [0, 0, 0, 1, 1, 2]
    p = {v: rhs.count(v) / len(rhs) for v in set(rhs)}
    sizes = [3, 2, 1]
    total = 0.0
    for draw in product(p, repeat=sum(sizes)):
        groups, i = [], 0
        for s in sizes:
            groups.append(draw[i:i + s])
            i += s
        if all(len(set(g)) == 1 for g in groups):
            prob = 1.0
            for v in draw:
                prob *= p[v]
            total += prob
    import numpy as np

    assert accident_chance(np.array(sizes), np.array(rhs)) == pytest.approx(total)


def test_cli_checks_fds_on_a_csv(capsys, tmp_path: Path):
    """`dbmodel fds DATA --check FD` prints the clusters with CSV line numbers and exits 1 when one breaks."""
    csv = tmp_path / "o.csv"
    ROWS.to_csv(csv, index=False)
    assert main(["fds", str(csv), "--check", "customer_id -> city"]) == 1
    out = capsys.readouterr().out
    assert "cluster 1: customer_id = C1: city = Oslo (2), Olso (1); lines 2, 3, 7" in out
    assert main(["fds", str(csv), "--check", "customer_id -> rep", "--format", "json"]) == 0
    assert '"holds": true' in capsys.readouterr().out
    assert main(["fds", str(csv), "--check", "zip -> city"]) == 2
    assert "no column 'zip'" in capsys.readouterr().err


# -- 8. keys in bulk ----------------------------------------------------------------------------

def test_normal_form_with_thousands_of_keys():
    """20 attributes A_i <-> B_i have 1,024 keys; the normal form lists them all, every attribute prime
    (the timing is in bench/normalize.py, not here)."""
    names = [f"A{i}" for i in range(10)] + [f"B{i}" for i in range(10)]
    fds = "; ".join(f"A{i} -> B{i}; B{i} -> A{i}" for i in range(10))
    report = normal_form(names, fds)
    assert len(report.keys) == 1024
    assert report.level == "3NF"
    assert report.prime == set(names)
    assert {v.dependency for v in report.violations} == {FD(f"A{i}", f"B{i}") for i in range(10)} | {
        FD(f"B{i}", f"A{i}") for i in range(10)}
