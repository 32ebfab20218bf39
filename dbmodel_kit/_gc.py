"""Fewer passes of CPython's cyclic garbage collector while a big output is built.

Building the SQL, the SQLAlchemy tables or a review of a large schema makes hundreds of thousands
of objects that live until the output is done, beside the libraries' own (SQLAlchemy, sqlglot,
Alembic). At CPython's thresholds (700, 10, 10) the collector traces the young ones every 700
allocations and, every hundred young passes, the whole heap again: a sixth of the CPU time of a
SQL export of 1,000 tables, a third of its 2,000-table one and of a review of 1,000 tables went
there, freeing almost nothing (these builds make few reference cycles). :func:`fewer_collections`
raises the thresholds for the duration of a call and puts them back after; the ``dbmodel`` command runs under the same
thresholds (:data:`THRESHOLDS`). Garbage cycles are still collected, every 100,000 allocations.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The collector's thresholds during a bulk build (CPython's are 700, 10, 10; mypy's command sets
#: 200,000, 30, 30 for the same reason).
THRESHOLDS = (100_000, 20, 20)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block the collector runs at :data:`THRESHOLDS`, unless it was set to collect
    less often already; nested and concurrent blocks share one setting, restored by the last to
    leave (a caller's own thresholds come back as they were).

    >>> before = gc.get_threshold()
    >>> with fewer_collections():
    ...     gc.get_threshold()[0] >= 100_000
    True
    >>> gc.get_threshold() == before
    True
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            current = gc.get_threshold()
            if current[0] and current[0] < THRESHOLDS[0]:  # 0: the caller turned collection off
                _saved = current
                gc.set_threshold(*THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None

