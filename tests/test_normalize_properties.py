"""Hypothesis properties of the theory: closure laws, covers, keys, decompositions, chase."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from dbmodel_kit.normalize import (
    FD,
    bcnf_decompose,
    candidate_keys,
    chase,
    closure,
    equivalent,
    is_minimal,
    minimal_cover,
    normal_form,
    preserves_dependencies,
    project,
    synthesize_3nf,
)

ATTRS = "ABCDEF"


@st.composite
def schemas(draw, max_attrs: int = 6, max_fds: int = 6):
    n = draw(st.integers(2, max_attrs))
    names = list(ATTRS[:n])
    sub = st.sets(st.sampled_from(names), min_size=0, max_size=3)
    fds = draw(st.lists(st.tuples(sub, st.sets(st.sampled_from(names), min_size=1, max_size=2)), max_size=max_fds))
    return names, [FD(frozenset(lhs), frozenset(rhs)) for lhs, rhs in fds]


def naive_closure(x: set[str], fds: list[FD]) -> set[str]:
    """Fixpoint closure, the definition."""
    x = set(x)
    changed = True
    while changed:
        changed = False
        for f in fds:
            if f.lhs <= x and not f.rhs <= x:
                x |= f.rhs
                changed = True
    return x


def subsets(names):
    for n in range(len(names) + 1):
        yield from (set(c) for c in combinations(names, n))


@settings(max_examples=80, deadline=None)
@given(schemas(), st.data())
def test_closure_is_extensive_monotone_idempotent_and_correct(schema, data):
    """X ⊆ X+, X ⊆ Y implies X+ ⊆ Y+, (X+)+ = X+, and X+ equals the fixpoint definition."""
    names, fds = schema
    x = data.draw(st.sets(st.sampled_from(names)))
    y = x | data.draw(st.sets(st.sampled_from(names)))
    cx, cy = closure(x, fds), closure(y, fds)
    assert x <= cx
    assert cx <= cy
    assert closure(cx, fds) == cx
    assert cx == naive_closure(x, fds)


@settings(max_examples=80, deadline=None)
@given(schemas())
def test_minimal_cover_is_equivalent_and_minimal(schema):
    """The minimal cover implies and is implied by the input, and cannot be reduced further."""
    _, fds = schema
    cover = minimal_cover(fds)
    assert equivalent(cover, fds)
    assert is_minimal(cover)


@settings(max_examples=60, deadline=None)
@given(schemas())
def test_candidate_keys_are_exactly_the_minimal_superkeys(schema):
    """The key search returns every minimal superkey and nothing else."""
    names, fds = schema
    superkeys = [frozenset(s) for s in subsets(names) if naive_closure(s, fds) >= set(names)]
    minimal = {k for k in superkeys if not any(o < k for o in superkeys)}
    assert set(candidate_keys(names, fds)) == minimal


def in_bcnf_brute(names, fds) -> bool:
    """BCNF by definition: every X has X+ ∩ R equal to X or to all of R."""
    for x in subsets(names):
        plus = naive_closure(x, fds) & set(names)
        if plus != x and plus != set(names):
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(schemas())
def test_normal_form_bcnf_matches_the_definition(schema):
    """normal_form reports BCNF exactly when no X determines more than itself without being a superkey."""
    names, fds = schema
    assert normal_form(names, fds).is_in("BCNF") == in_bcnf_brute(names, fds)


@settings(max_examples=50, deadline=None)
@given(schemas())
def test_bcnf_decomposition_is_bcnf_and_lossless(schema):
    """Every relation of a BCNF decomposition is in BCNF (under the projected FDs) and the join is lossless."""
    names, fds = schema
    d = bcnf_decompose(names, fds)
    assert d.lossless()
    assert {a for r in d.relations for a in r.attributes} == set(names)
    for r in d.relations:
        assert in_bcnf_brute(list(r.attributes), fds)


@settings(max_examples=50, deadline=None)
@given(schemas())
def test_3nf_synthesis_is_lossless_preserving_and_3nf(schema):
    """3NF synthesis is lossless, dependency-preserving, and each relation is in 3NF."""
    names, fds = schema
    d = synthesize_3nf(names, fds)
    assert d.lossless()
    assert d.preserving()
    assert {a for r in d.relations for a in r.attributes} == set(names)
    for r in d.relations:
        assert normal_form(list(r.attributes), fds).is_in("3NF")


@settings(max_examples=60, deadline=None)
@given(schemas(max_attrs=5), st.data())
def test_binary_chase_matches_the_intersection_rule(schema, data):
    """A split into R1, R2 is lossless iff R1 ∩ R2 determines R1 or R2."""
    names, fds = schema
    r1 = data.draw(st.sets(st.sampled_from(names), min_size=1))
    r2 = (set(names) - r1) | data.draw(st.sets(st.sampled_from(names), min_size=1))
    common = naive_closure(r1 & r2, fds)
    expected = r1 <= common or r2 <= common
    assert chase(names, [sorted(r1), sorted(r2)], fds).lossless == expected


@settings(max_examples=50, deadline=None)
@given(schemas(max_attrs=5), st.data())
def test_preservation_matches_the_projection_definition(schema, data):
    """The closure test agrees with 'the union of projected FDs is equivalent to F'."""
    names, fds = schema
    parts = data.draw(st.lists(st.sets(st.sampled_from(names), min_size=1), min_size=1, max_size=3))
    projected = [f for p in parts for f in project(fds, sorted(p))]
    in_scope = [f for f in fds if f.attributes <= {a for p in parts for a in p}]
    expected = all(naive_closure(set(f.lhs), projected) >= f.rhs for f in in_scope)
    result = preserves_dependencies(in_scope, [sorted(p) for p in parts])
    assert result.preserved == expected


@settings(max_examples=60, deadline=None)
@given(schemas())
def test_normal_form_3nf_and_2nf_match_the_definitions(schema):
    """3NF: every X -> A has X a superkey or A prime; 2NF: no non-prime A depends on part of a key."""
    names, fds = schema
    keys = [frozenset(k) for k in candidate_keys(names, fds)]
    prime = set().union(*keys)
    is_3nf = all(naive_closure(x, fds) >= set(names) or a in prime
                 for x in subsets(names) for a in (naive_closure(x, fds) & set(names)) - x)
    is_2nf = all(a in prime or a in x for k in keys for x in subsets(sorted(k)) if x != k
                 for a in naive_closure(x, fds) & set(names))
    report = normal_form(names, fds)
    assert report.is_in("3NF") == is_3nf
    assert report.is_in("2NF") == is_2nf
