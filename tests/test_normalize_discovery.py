"""FD discovery from data: exact and approximate FDs against a brute-force oracle, the published
minimal-FD counts of the benchmark tables, NULL semantics, witnesses and keys from data."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbmodel_kit.errors import ModelError
from dbmodel_kit.normalize import discovery
from dbmodel_kit.normalize.discovery import discover_fds, fd_error, keys_from_data, read_csv, witnesses

DATASETS = Path("/work/shared/datasets/fd")
PUBLISHED = {  # the README's counts of minimal non-trivial FDs (NULL = NULL, values as strings)
    "iris": 4,
    "balance-scale": 1,
    "chess": 1,
    "abalone": 137,
    "breast-cancer-wisconsin": 46,
    "bridges": 142,
    "echocardiogram": 527,
    "hepatitis": 8250,
    "adult": 78,
}
TANE_FAST = ("iris", "balance-scale", "chess", "abalone", "breast-cancer-wisconsin", "bridges", "echocardiogram")


def g3(df: pd.DataFrame, lhs: tuple[str, ...], a: str) -> float:
    """Brute-force g3 error: per LHS value, every row but those with the most common RHS value goes."""
    return _g3(list(df.itertuples(index=False, name=None)), [df.columns.get_loc(c) for c in lhs], df.columns.get_loc(a))


def _g3(rows: list[tuple], lhs: list[int], a: int) -> float:
    groups: dict[tuple, Counter] = {}
    for row in rows:
        groups.setdefault(tuple(row[i] for i in lhs), Counter())[row[a]] += 1
    return 1 - sum(c.most_common(1)[0][1] for c in groups.values()) / len(rows)


def oracle(df: pd.DataFrame, max_error: float = 0.0, max_lhs: int | None = None) -> set[tuple[frozenset, str]]:
    """Every minimal FD with g3 <= max_error, by trying every LHS (error is anti-monotone)."""
    cols = list(df.columns)
    rows = list(df.itertuples(index=False, name=None))
    out = set()
    for a in range(len(cols)):
        others = [c for c in range(len(cols)) if c != a]
        top = len(others) if max_lhs is None else min(len(others), max_lhs)
        ok = {
            lhs: _g3(rows, list(lhs), a) <= max_error + 1e-12
            for size in range(top + 1)
            for lhs in itertools.combinations(others, size)
        }
        for lhs, holds in ok.items():
            if holds and not (lhs and any(ok[sub] for sub in itertools.combinations(lhs, len(lhs) - 1))):
                out.add((frozenset(cols[i] for i in lhs), cols[a]))
    return out


def found(result) -> set[tuple[frozenset, str]]:
    return {(d.lhs, d.rhs) for d in result}


@st.composite
def tables(draw, max_cols: int = 8):
    ncols = draw(st.integers(1, max_cols))
    nrows = draw(st.integers(1, 14))
    domain = draw(st.integers(1, 4))
    data = {f"c{i}": draw(st.lists(st.integers(0, domain), min_size=nrows, max_size=nrows)) for i in range(ncols)}
    return pd.DataFrame(data)


@settings(max_examples=40, deadline=None)
@given(tables(), st.sampled_from(["tane", "hybrid"]))
def test_exact_fds_match_brute_force(df, algorithm):
    """Both algorithms find exactly the minimal FDs that a groupby over every LHS finds."""
    assert found(discover_fds(df, algorithm=algorithm)) == oracle(df)


@settings(max_examples=30, deadline=None)
@given(tables(max_cols=6))
def test_sampling_and_validation_path_matches_brute_force(df):
    """With every-pair comparison switched off, sampling plus validation still finds the exact FDs."""
    old = discovery._ALL_PAIRS_MAX
    discovery._ALL_PAIRS_MAX = 0
    try:
        assert found(discover_fds(df, algorithm="hybrid")) == oracle(df)
    finally:
        discovery._ALL_PAIRS_MAX = old


@settings(max_examples=80, deadline=None)
@given(
    tables(),
    st.sampled_from(["counts", "pairs", "sampled"]),
    st.booleans(),
    st.sampled_from([0, 1, 8]),
    st.one_of(st.none(), st.integers(0, 3)),
)
def test_every_hybrid_path_matches_brute_force(df, method, lattice, complete, k):
    """Each way the hybrid finds non-FDs (distinct counts of every column set, every row pair,
    sampled pairs plus validation, with more or fewer columns whose every same-value pair is
    compared), each way it induces the minimal FDs (the whole lattice, or Berge steps from
    maximal agree sets), with and without max_lhs, gives the oracle's FDs."""
    saved = discovery._method, discovery.LATTICE_MAX_COLUMNS, discovery._COMPLETE_PAIRS
    discovery._method = lambda n, m: method
    discovery.LATTICE_MAX_COLUMNS = saved[1] if lattice else 0
    discovery._COMPLETE_PAIRS = complete
    try:
        assert found(discover_fds(df, algorithm="hybrid", max_lhs=k)) == oracle(df, max_lhs=k)
    finally:
        discovery._method, discovery.LATTICE_MAX_COLUMNS, discovery._COMPLETE_PAIRS = saved


def test_complete_columns_compare_every_same_value_pair():
    """A column counted as complete has every same-value pair compared, not only near neighbours:
    on this table (found by a random search) neighbours up to two apart miss a non-FD."""
    df = pd.DataFrame(
        {
            "c0": [0, 0, 1, 1, 1, 1, 1],
            "c1": [1, 1, 1, 0, 0, 1, 1],
            "c2": [1, 1, 0, 1, 0, 0, 1],
            "c3": [0, 0, 1, 0, 0, 0, 1],
        }
    )
    old = discovery._method
    discovery._method = lambda n, m: "sampled"
    try:
        assert found(discover_fds(df)) == oracle(df)
    finally:
        discovery._method = old


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(40, 120), st.integers(1, 6), st.data())
def test_narrow_long_tables_match_brute_force(ncols, nrows, domain, data):
    """Narrow tables with more rows take the distinct-count path on their own; still the oracle's FDs."""
    df = pd.DataFrame(
        {f"c{i}": data.draw(st.lists(st.integers(0, domain), min_size=nrows, max_size=nrows)) for i in range(ncols)}
    )
    assert discovery._method(nrows, ncols) == "counts"
    assert found(discover_fds(df)) == oracle(df)


def test_distinct_counts_give_way_when_keys_could_overflow():
    """Column sets whose mixed-radix keys would not fit in int64 are not counted that way."""
    from dbmodel_kit.normalize._lattice import lost_from_counts

    codes = np.array([[0, 1, 2], [0, 0, 1]], dtype=np.int64)
    assert lost_from_counts(codes, [2**40, 2**40]) is None
    assert lost_from_counts(codes, [3, 2]).tolist() == [3, 0, 1, 0]  # by mask: {} -/-> a, b; {a} -> b; {b} -/-> a
    df = pd.DataFrame({"a": [10**15 + i for i in range(40)], "b": [i % 3 for i in range(40)]})
    old = discovery._method
    discovery._method = lambda n, m: "counts"
    try:
        enc = discovery.encode(df)
        enc = discovery.Encoded(enc.columns, enc.codes, (2**40, 2**40), enc.n_rows)
        assert found(discover_fds(enc)) == {(frozenset({"a"}), "b")}
    finally:
        discovery._method = old


@settings(max_examples=40, deadline=None)
@given(tables(max_cols=6), st.sampled_from([0.05, 0.1, 0.25]))
def test_approximate_fds_match_brute_force_g3(df, eps):
    """Approximate FDs (TANE) are exactly the minimal ones whose g3 error is at most the threshold."""
    result = discover_fds(df, max_error=eps)
    assert found(result) == oracle(df, max_error=eps)
    for d in result:
        assert d.error == pytest.approx(g3(df, tuple(sorted(d.lhs)), d.rhs))


@settings(max_examples=30, deadline=None)
@given(tables(max_cols=6), st.integers(0, 2), st.sampled_from(["tane", "hybrid"]))
def test_max_lhs_keeps_only_short_minimal_fds(df, k, algorithm):
    """``max_lhs`` returns the minimal FDs whose LHS has at most k attributes."""
    assert found(discover_fds(df, max_lhs=k, algorithm=algorithm)) == oracle(df, max_lhs=k)


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_published_minimal_fd_counts(name):
    """The default algorithm reproduces the published minimal-FD count of each benchmark table."""
    if not (DATASETS / f"{name}.csv").exists():
        pytest.skip(f"benchmark table {name}.csv not available")
    assert len(discover_fds(read_csv(DATASETS / f"{name}.csv"))) == PUBLISHED[name]


@pytest.mark.parametrize("name", TANE_FAST)
def test_tane_agrees_with_hybrid_on_benchmark_tables(name):
    """TANE and the hybrid return the same FD set on the benchmark tables where TANE is fast."""
    if not (DATASETS / f"{name}.csv").exists():
        pytest.skip(f"benchmark table {name}.csv not available")
    df = read_csv(DATASETS / f"{name}.csv")
    tane = found(discover_fds(df, algorithm="tane"))
    assert tane == found(discover_fds(df, algorithm="hybrid"))
    assert len(tane) == PUBLISHED[name]


def test_null_semantics_are_explicit():
    """Empty cells are equal to each other by default and all distinct with null_equal=False."""
    df = pd.DataFrame({"a": ["", "", "x"], "b": ["1", "2", "3"]})
    assert ("b", "a") in {(next(iter(d.lhs), None), d.rhs) for d in discover_fds(df)}
    eq = found(discover_fds(df))
    neq = found(discover_fds(df, null_equal=False))
    assert (frozenset({"a"}), "b") not in eq  # the two NULLs agree on a but differ on b
    assert (frozenset({"a"}), "b") in neq  # distinct NULLs: a is unique, so a -> b
    df2 = pd.DataFrame({"a": [np.nan, np.nan, 1.0], "b": [1, 2, 3]})
    assert found(discover_fds(df2)) == eq
    pre = discover_fds(discovery.encode(df, null_equal=False))  # encoded once: its semantics hold
    assert found(pre) == neq
    assert pre.null_equal is False


def _reference_codes(values: list, null_equal: bool) -> list[int]:
    """Codes by first appearance; NULLs (None, NaN, NA, '') after the other values."""

    def null(v):
        return v is None or v is pd.NA or (isinstance(v, float) and v != v) or (isinstance(v, str) and v == "")

    seen: dict = {}
    for v in values:
        if not null(v):
            seen.setdefault(v, len(seen))
    k, out = len(seen), []
    for v in values:
        if null(v):
            out.append(k)
            k += not null_equal
        else:
            out.append(seen[v])
    return out


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["x", "y", "", None, float("nan"), "z", "0"]), min_size=1, max_size=40),
    st.booleans(),
    st.booleans(),
    st.sampled_from([object, "str"]),
)
def test_encoding_paths_agree_on_null_semantics(values, null_equal, short, dtype):
    """Short columns (a dict) and long ones (pandas' hash table) code values and NULLs alike."""
    df = pd.DataFrame({"a": pd.Series(values, dtype=dtype), "b": pd.Series(range(len(values)), dtype=float)})
    df.loc[df.index[::3], "b"] = np.nan
    old = discovery._DICT_ROWS
    discovery._DICT_ROWS = 10**9 if short else 0
    try:
        enc = discovery.encode(df, null_equal=null_equal)
    finally:
        discovery._DICT_ROWS = old
    expected = _reference_codes(df["a"].tolist(), null_equal)
    assert enc.codes[0].tolist() == expected
    assert enc.cardinality[0] == max(max(expected) + 1, 1)
    assert enc.codes[1].tolist() == _reference_codes(df["b"].tolist(), null_equal)


def test_evidence_ranks_accidental_fds_last():
    """FDs tested by many rows rank above FDs that hold because their LHS is nearly unique."""
    df = pd.DataFrame(
        {
            "order": [1, 1, 2, 2, 3, 4],
            "customer": ["a", "a", "b", "b", "a", "c"],
            "city": ["x", "x", "y", "y", "x", "z"],
            "note": ["p", "q", "r", "s", "t", "u"],
        }
    )
    result = discover_fds(df)
    ranked = result.ranked()
    assert list(ranked.columns) == ["lhs", "rhs", "error", "support", "lhs_distinct", "rhs_distinct", "confidence",
                                    "chance"]
    top = ranked.iloc[0]
    assert top["support"] == 5
    # customer and city each group rows (a, a, a), (b, b); with 3 city values of frequencies 3/6, 2/6, 1/6
    # an unrelated column agrees in both groups with (1/8 + 1/27 + 1/216) * (1/4 + 1/9 + 1/36)
    assert top["chance"] == pytest.approx((1 / 8 + 1 / 27 + 1 / 216) * (1 / 4 + 1 / 9 + 1 / 36))
    assert {top["lhs"], top["rhs"]} == {"customer", "city"}
    note_rows = ranked[ranked["lhs"] == "note"]
    assert (note_rows["support"] == 0).all()
    assert (note_rows["chance"] == 1.0).all()
    assert note_rows.index.min() > 0


def test_witnesses_are_the_rows_that_break_a_near_fd():
    """Witnesses list every row of each LHS group that has two RHS values, grouped."""
    df = pd.DataFrame({"zip": ["1", "1", "1", "2", "2"], "city": ["Oslo", "Oslo", "Osl0", "Rome", "Rome"]})
    w = witnesses(df, "zip -> city")
    assert w.index.tolist() == [0, 1, 2]
    assert set(w["_group"]) == {0}
    assert fd_error(df, "zip -> city") == pytest.approx(0.2)
    with pytest.raises(ModelError, match="no column 'town'"):
        witnesses(df, "zip -> town")


def test_keys_from_data_and_duplicate_rows():
    """Minimal unique column sets are the keys; duplicate rows mean no key, said plainly."""
    df = pd.DataFrame({"a": [1, 1, 2, 2], "b": [1, 2, 1, 2], "c": [5, 6, 7, 8]})
    keys = keys_from_data(df)
    assert keys.keys == (frozenset({"c"}), frozenset({"a", "b"}))
    dup = (
        keys_from_data(read_csv(DATASETS / "iris.csv"))
        if (DATASETS / "iris.csv").exists()
        else keys_from_data(pd.concat([df, df.iloc[:1]]))
    )
    assert dup.keys == ()
    assert dup.duplicate_rows > 0
    assert "no key" in dup.message
    assert "duplicate" in dup.message


@settings(max_examples=30, deadline=None)
@given(tables(max_cols=5))
def test_keys_from_data_match_brute_force(df):
    """Keys from data are exactly the minimal column sets without duplicate values."""
    cols = list(df.columns)
    if df.duplicated().any():
        assert keys_from_data(df).keys == ()
        return
    uniq = [
        frozenset(c)
        for n in range(len(cols) + 1)
        for c in itertools.combinations(cols, n)
        if not df.duplicated(subset=list(c) or None).any() and (c or len(df) <= 1)
    ]
    minimal = {k for k in uniq if not any(o < k for o in uniq)}
    assert set(keys_from_data(df).keys) == minimal


def test_bad_options_raise_model_errors():
    """Out-of-range options and unknown algorithms raise ModelError and name the option."""
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(ModelError, match="max_error"):
        discover_fds(df, max_error=1.5)
    with pytest.raises(ModelError, match="algorithm"):
        discover_fds(df, algorithm="fastfd")
    with pytest.raises(ModelError, match="exact FDs only"):
        discover_fds(df, algorithm="hybrid", max_error=0.1)


def test_discovery_explains_itself():
    """explain=True returns the encoding, the search and the count as steps, with the Discovery as result."""
    df = pd.DataFrame({"a": [1, 1, 2], "b": [3, 3, 4], "c": [5, 6, 7]})
    e = discover_fds(df, explain=True)
    assert e.result.as_fds() == discover_fds(df).as_fds()
    assert e.steps[0].text.startswith("3 rows, 3 columns; distinct values per column: a 2, b 2, c 3")
    assert "every pair of rows compared" in e.steps[1].text
    old = discovery._ALL_PAIRS_MAX
    discovery._ALL_PAIRS_MAX = 0
    try:
        sampled = discover_fds(df, explain=True)
    finally:
        discovery._ALL_PAIRS_MAX = old
    assert "every same-value pair of 3 column(s)" in sampled.steps[1].text
    assert sampled.result.as_fds() == e.result.as_fds()
    tiny = discover_fds(pd.DataFrame({"a": [i % 3 for i in range(40)], "b": [i % 2 for i in range(40)]}), explain=True)
    assert tiny.steps[1].text.startswith("distinct values counted for all 4 column sets")
    tane = discover_fds(df, algorithm="tane", explain=True)
    assert tane.steps[1].text.startswith("TANE: ")
    assert e.summary == f"{len(e.result)} minimal FDs"
