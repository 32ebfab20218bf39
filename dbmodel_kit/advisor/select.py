"""Selection: greedy by weighted benefit per byte under a budget (bytes or index count), net of
write cost (each index's maintenance on the workload's writes), then a redundancy pass (an index
another chosen one starts with goes; so does one no final plan uses)."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ModelError
from .candidates import Candidate, Rejected

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b)\s*$", re.I)
_UNITS = {"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
MIN_GAIN = 0.01  #: a step must cut the weighted cost by at least this share of the remaining cost


@dataclass(frozen=True)
class Budget:
    """At most ``count`` indexes and/or ``bytes`` of index storage (None: no limit)."""

    count: int | None = None
    bytes: int | None = None

    @classmethod
    def parse(cls, value: Budget | int | str | None) -> Budget:
        """``5`` (indexes), ``"5"``, ``"20MB"``/``"512KiB"`` (bytes) or None.

        >>> Budget.parse("2MB"), Budget.parse(3)
        (Budget(count=None, bytes=2000000), Budget(count=3, bytes=None))
        """
        if value is None or isinstance(value, Budget):
            return value or cls()
        if isinstance(value, int):
            if value < 0:
                raise ModelError(f"budget must be >= 0, not {value}")
            return cls(count=value)
        text = str(value).strip()
        if text.isdigit():
            return cls(count=int(text))
        m = _SIZE.match(text)
        if not m:
            raise ModelError(f"budget takes an index count (5) or a size (20MB, 512KiB), not {value!r}")
        return cls(bytes=int(float(m.group(1)) * _UNITS[m.group(2).lower()]))

    def fits(self, chosen: int, used_bytes: int) -> bool:
        return (self.count is None or chosen <= self.count) and (self.bytes is None or used_bytes <= self.bytes)


def greedy(candidates: Sequence[Candidate], objective: Callable[[frozenset[Candidate]], tuple[float, float]],
           size: Callable[[Candidate], int], budget: Budget,
           uses: Callable[[frozenset[Candidate]], set[Candidate]],
           extend: Callable[[Candidate], list[Candidate]] | None = None,
           threshold: Callable[[frozenset[Candidate], frozenset[Candidate]], float] | None = None,
           ) -> tuple[list[Candidate], list[Rejected]]:
    """Chosen candidates (in the order picked) and the ones rejected with a reason.

    ``threshold(before, after)``: the least cost a step from configuration ``before`` to ``after``
    (adding, widening or keeping an index) must save; by default MIN_GAIN of the whole current cost.
    The advisor passes MIN_GAIN of the cost of a query the step improves, so that one very costly
    query does not raise the bar for every other.

    ``objective(config) -> (read_cost, write_cost)`` in ms per minute of workload; ``uses(config)``:
    the candidates some plan takes under ``config``; ``extend(c)``: wider versions of a chosen index
    (one more trailing column), tried after the greedy pass in the manner of Extend (Schlosser, Kossmann
    and Boissier, ICDE 2019): a chosen index is replaced by a wider one while that cuts the cost enough.
    """
    chosen: list[Candidate] = []
    rejected: dict[Candidate, str] = {}
    read0, write0 = objective(frozenset())
    current = read0 + write0

    def bar(before: frozenset[Candidate], after: frozenset[Candidate]) -> float:
        return MIN_GAIN * current if threshold is None else threshold(before, after)
    # Lazy ("accelerated") greedy, Minoux 1978: an index's gain rarely grows as others are chosen, so
    # each candidate keeps the gain per byte it had when last evaluated and only the head of the queue
    # is evaluated again; it is taken when its fresh ratio is still the best.
    queue: list[tuple[float, int, int, float]] = []  # (-gain per byte, position, round evaluated, gain)
    for i, c in enumerate(candidates):
        r, w = objective(frozenset({c}))
        if r < read0 and (read0 - r) <= (w - write0):
            rejected[c] = (f"write cost {w - write0:.3g} ms/min outweighs the read gain {read0 - r:.3g} ms/min "
                           "on this workload")
        elif budget.fits(1, size(c)):
            # no gain alone still goes in, last (ratio 0): with others chosen it may pay (an index that
            # steers the planner off a plan another index made attractive)
            queue.append((min(-(current - r - w) / max(size(c), 1), 0.0), i, 0, current - r - w))
    heapq.heapify(queue)
    pool = [candidates[i] for _, i, _, _ in sorted(queue, key=lambda e: e[1])]
    step, waiting = 0, []  # waiting: fresh, but under MIN_GAIN of the current cost (which may still drop)
    while queue:
        entry = heapq.heappop(queue)
        _, i, seen, gain = entry
        c = candidates[i]
        config = frozenset((*chosen, c))
        if not budget.fits(len(config), sum(size(x) for x in config)):
            continue  # the budget only tightens: it will not fit later either
        if seen == step:
            if gain <= bar(frozenset(chosen), config):
                waiting.append(entry)
                continue
            chosen.append(c)
            pool.remove(c)
            current -= gain
            step += 1
            for e in waiting:
                heapq.heappush(queue, e)
            waiting = []
            continue
        gain = current - sum(objective(config))
        if gain > 0:
            heapq.heappush(queue, (-gain / max(size(c), 1), i, step, gain))
    current = sum(objective(frozenset(chosen)))
    widened = True
    while extend is not None and widened:
        widened = False
        for i, c in enumerate(chosen):
            for wider in extend(c):
                trial = [*chosen[:i], wider, *chosen[i + 1:]]
                if wider in chosen or not budget.fits(len(trial), sum(size(x) for x in trial)):
                    continue
                total = sum(objective(frozenset(trial)))
                if current - total > bar(frozenset(chosen), frozenset(trial)):
                    chosen, current, widened = trial, total, True
                    break
            if widened:
                break
    # redundancy: a chosen index that another chosen one starts with (same WHERE) goes if the cost holds
    for c in list(chosen):
        if any(o is not c and o.table == c.table and o.where == c.where and o.columns[:len(c.columns)] == c.columns
               for o in chosen):
            without = frozenset(x for x in chosen if x != c)
            total = sum(objective(without))
            if total - current <= bar(without, frozenset(chosen)):
                chosen.remove(c)
                rejected[c] = "redundant: a wider chosen index starts with the same columns"
                current = total
    used = uses(frozenset(chosen))
    for c in list(chosen):
        if c not in used:
            chosen.remove(c)
            rejected[c] = "no plan uses it once the other chosen indexes exist"
    for c in pool:
        if c not in rejected and c not in chosen:
            config = frozenset((*chosen, c))
            if not budget.fits(len(config), sum(size(x) for x in config)) and \
                    current - sum(objective(config)) > bar(frozenset(chosen), config):
                rejected[c] = "over the budget"
    return chosen, [Rejected(c, r) for c, r in sorted(rejected.items(), key=lambda kv: kv[0].sort_key)]
