"""A work clock for the advisor's timed runs in tests: a statement's "milliseconds" are the SQLite VM
instructions it ran (0.01 per hundred), counted by a progress handler. The same statement on the same data
takes the same "time" on every run and under any load, so advice that rests on measurements (the measured
check and confirmation, the calibration) is the same run to run, which golden files need; the timeout and
the limits of trials count in the same instructions."""

from __future__ import annotations

import math
from contextlib import contextmanager

import pytest

import dbmodel_kit.advisor as advisor_mod
from dbmodel_kit.advisor.measure import Timer

STEP = 100  #: VM instructions per tick
TICK_MS = 0.01  #: "ms" per tick


class WorkTimer(Timer):
    def __post_init__(self) -> None:
        self.ticks = 0

        def tick() -> int:
            if self._start == math.inf:  # between timed statements: builds, ANALYZE, plans are not counted
                return 0
            self.ticks += 1
            return int(self.ticks * TICK_MS / 1000 > self._limit)

        self.con.set_progress_handler(tick, STEP)

    def _once(self, sql, binds, write):  # type: ignore[no-untyped-def]
        self.ticks = 0
        _elapsed, count = super()._once(sql, binds, write)
        return self.ticks * TICK_MS, count


@contextmanager
def work_clock():
    """advise() timed by :class:`WorkTimer` (pass ``parallel=False``: a child process would use the real clock)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(advisor_mod, "Timer", WorkTimer)
        yield
