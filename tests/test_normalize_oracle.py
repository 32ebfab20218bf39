"""The normalization API against a brute-force oracle (tests/nf_oracle.py, written from the
definitions, independent of the kit) on random FD sets with fixed seeds: keys, prime attributes,
closures, normal forms, projections, covers, the chase, preservation, and both decompositions
(every part in its form by definition, lossless, joinable along keys). FDs naming attributes
outside the relation are part of the draw. The same comparison up to 18 attributes is
``bench/normalize.py --oracle`` (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import random
import warnings

import pytest
from nf_oracle import Oracle, random_case

from dbmodel_kit.normalize import (
    FD,
    NormalizationNote,
    bcnf_decompose,
    candidate_keys,
    chase,
    closure,
    is_minimal,
    is_superkey,
    minimal_cover,
    normal_form,
    preserves_dependencies,
    prime_attributes,
    project,
    synthesize_3nf,
)
from dbmodel_kit.normalize.decomposition import key_join_order

SEEDS = range(120)


def _case(seed: int) -> tuple[random.Random, list[str], list[FD], Oracle]:
    rng = random.Random(seed)
    n = rng.randint(1, 9)
    outside = rng.choice([0, 0, 0, 1, 2])
    names, pairs = random_case(rng, n, outside)
    return rng, names, [FD(lhs, rhs) for lhs, rhs in pairs], Oracle(names, pairs)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NormalizationNote)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("seed", SEEDS)
def test_keys_closures_and_normal_forms_match_the_oracle(seed):
    """Keys, prime attributes, superkeys, closures (restricted to R) and the normal form agree with
    the definitions, also when the FDs name attributes outside the relation."""
    rng, names, fds, o = _case(seed)
    assert set(_quiet(candidate_keys, names, fds)) == {o.attrs(k) for k in o.key_masks()}
    assert _quiet(prime_attributes, names, fds) == frozenset().union(*(o.attrs(k) for k in o.key_masks()))
    report = normal_form(names, fds)
    assert report.level == o.level()
    assert bool(report.notes) == (len(o.universe) > len(names))
    for _ in range(3):
        x = rng.sample(names, rng.randint(0, len(names)))
        assert _quiet(closure, x, fds, universe=names) == o.closure(x)
        assert _quiet(is_superkey, x, names, fds) == (o.closure(x) == set(names))


@pytest.mark.parametrize("seed", SEEDS)
def test_decompositions_match_the_definitions(seed):
    """BCNF: every part in BCNF by definition, lossless by the oracle's own chase, joinable along keys;
    3NF: every part in 3NF, lossless, dependency-preserving; normal_forms() agrees part by part."""
    _, names, fds, o = _case(seed)
    for make, forms in ((bcnf_decompose, ("BCNF",)), (synthesize_3nf, ("3NF", "BCNF"))):
        d = make(names, fds)
        parts = [o.mask(r.attributes) for r in d.relations]
        assert {a for r in d.relations for a in r.attributes} == set(names)
        levels = [o.level(p) for p in parts]
        assert all(level in forms for level in levels), (make.__name__, levels)
        assert [nf.level for nf in d.normal_forms()] == levels
        assert o.lossless(parts)
        assert bool(d.lossless()) is True
        keyed = [(o.attrs(p), [o.attrs(k) for k in o.key_masks(p)]) for p in parts]
        assert any(key_join_order(keyed[i][0], keyed[:i] + keyed[i + 1:]) is not None for i in range(len(parts)))
        if make is synthesize_3nf:
            assert o.preserved(parts, o.fds_on_relation())
            assert bool(d.preserving())


@pytest.mark.parametrize("seed", SEEDS)
def test_projection_cover_and_chase_match_the_oracle(seed):
    """project() holds exactly the FDs implied on the part; minimal_cover() is equivalent and minimal;
    chase() and preserves_dependencies() give the oracle's verdicts on random decompositions."""
    rng, names, fds, o = _case(seed)
    part = rng.sample(names, rng.randint(1, len(names)))
    got = [(f.lhs, f.rhs) for f in project(fds, part)]
    pm = o.mask(part)
    for x in o.submasks(pm):
        lhs = o.attrs(x)
        assert o.implies(got, lhs, o.attrs(o.plus[x] & pm))
        assert not o.implies(got, lhs, o.attrs(o.full & ~o.plus[x] & pm)) or not o.full & ~o.plus[x] & pm
    if len(o.universe) == len(names):
        cover = minimal_cover(fds)
        pairs = [(f.lhs, f.rhs) for f in cover]
        assert all(o.implies(pairs, lhs, rhs) for lhs, rhs in ((f.lhs, f.rhs) for f in fds))
        assert all(o.closure(f.lhs) >= f.rhs for f in cover)
        assert is_minimal(cover)
    parts = [rng.sample(names, rng.randint(1, len(names))) for _ in range(rng.randint(1, 3))]
    parts.append([a for a in names if not any(a in p for p in parts)] or parts[0])
    masks = [o.mask(p) for p in parts]
    assert _quiet(chase, names, parts, fds).lossless == o.lossless(masks)
    inside = [f for f in fds if f.attributes <= set(names)]
    o_in = Oracle(names, [(f.lhs, f.rhs) for f in inside])
    expected = o_in.preserved(masks, [(o.mask(f.lhs), o.mask(f.rhs)) for f in inside])
    assert preserves_dependencies(inside, parts).preserved == expected
