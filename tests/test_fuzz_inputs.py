"""Fuzzing every reader with malformed input (issue 22): seeded mutations and hypothesis over the
example YAML, DBML, workload and CSV and the kit's SQL in four dialects, in process and through
``dbmodel``, each case in a forked child with a 10 s and 2 GB limit. No case may end in a traceback
or a hang; SQL the kit accepts is run on the engine it was written for, which must take it too.

The CI budget is about 1,300 cases (some 70 s of CPU); docs/fuzz.md has the larger run's command
and figures. The per-area table is printed (``pytest -s``) and is in every failure message.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_inputs as fz

#: seeded mutants per area read in process (8 areas), and per area through the command line
PER_AREA = 125
CLI_PER_AREA = 12
HYPOTHESIS_EXAMPLES = 240

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tally() -> fz.Tally:
    return fz.run(seed=22, per_area=PER_AREA, cli_per_area=CLI_PER_AREA)


def test_seeded_mutants_end_in_a_clean_error_or_are_read(tally: fz.Tally) -> None:
    """Over 1,000 mutants in process and ~100 through the CLI: 0 tracebacks, 0 hangs."""
    print("\n" + tally.table())
    in_process = sum(sum(c.values()) for area, c in tally.counts.items() if not area.startswith("cli "))
    assert in_process >= 8 * PER_AREA
    assert tally.total("traceback") == 0, tally.table() + "\n" + tally.problems()
    assert tally.total("hang") == 0, tally.table() + "\n" + tally.problems()
    assert tally.total("error") > tally.total() / 2, tally.table()  # the mutants do break the files


@pytest.mark.parametrize("dialect", fz.SQL_DIALECTS)
def test_sql_the_kit_accepts_the_engine_accepts(tally: fz.Tally, dialect: str) -> None:
    """Every mutated SQL file the reader accepted, run on its engine: none is refused there (a file
    the engine would reject is not silently accepted)."""
    accepted = [data for area, data in tally.accepted if area in (f"sql-{dialect}", f"cli sql-{dialect}")]
    refused = []
    for data in accepted:
        try:
            verdict = fz.engine_verdict(dialect, data.decode())
        except OSError as e:
            pytest.skip(f"{dialect} server not reachable: {str(e).splitlines()[0][:120]}")
        if verdict is not None:
            refused.append(verdict)
    print(f"\n{dialect}: {len(accepted)} accepted mutants, {len(refused)} refused by the engine")
    assert not refused, refused[:10]


_AREAS = fz.areas()
_HYPOTHESIS = fz.Tally()


@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(area=st.sampled_from(sorted(_AREAS)), at=st.floats(0, 1), cut=st.integers(0, 64),
       insert=st.binary(max_size=48), chain=st.randoms(use_true_random=False))
def test_hypothesis_mutants(area: str, at: float, cut: int, insert: bytes, chain: random.Random) -> None:
    """Bytes cut out and arbitrary bytes put in at any place, then a chain of the seeded mutations:
    hypothesis shrinks any traceback or hang to a small input."""
    a = _AREAS[area]
    i = int(at * len(a.seed))
    data = a.seed[:i] + insert + a.seed[i + cut:]
    if chain.random() < 0.5:
        _, data = fz.mutate(fz.Area(a.name, data, a.suffix, a.read, a.cli, a.dialect), chain)
    result = fz.run_case(a, data)
    _HYPOTHESIS.add(a.name, "hypothesis", result, data)
    assert result.outcome in ("error", "accepted"), f"{area}: {result.outcome}: {result.detail}"


def test_hypothesis_table() -> None:
    """The hypothesis run's tally (printed with -s): every area was tried."""
    print("\n" + _HYPOTHESIS.table())
    assert _HYPOTHESIS.total() >= HYPOTHESIS_EXAMPLES
    assert len(_HYPOTHESIS.counts) == len(_AREAS)


def test_a_hang_and_a_crash_are_reported_not_suffered() -> None:
    """The harness itself: a reader that loops is killed at the limit and counted as a hang; one that
    raises something other than ModelError is a traceback; the memory limit holds."""
    def loop(path):  # type: ignore[no-untyped-def]
        while True:
            pass

    def crash(path):  # type: ignore[no-untyped-def]
        raise KeyError("boom")

    def hog(path):  # type: ignore[no-untyped-def]
        return bytearray(3 * 2**30)

    base = _AREAS["yaml"]
    assert fz.run_case(fz.Area("loop", b"x", ".txt", loop, base.cli), b"x", time_limit=1).outcome == "hang"
    r = fz.run_case(fz.Area("crash", b"x", ".txt", crash, base.cli), b"x")
    assert (r.outcome, "KeyError" in r.detail) == ("traceback", True)
    assert fz.run_case(fz.Area("hog", b"x", ".txt", hog, base.cli), b"x", memory_limit=2**30).outcome == "hang"
