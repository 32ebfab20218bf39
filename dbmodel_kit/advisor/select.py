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


def _widens(wider: Candidate, narrow: Candidate) -> bool:
    """``wider`` is ``narrow`` with more trailing key or INCLUDE columns (same table and WHERE, and every
    column ``narrow`` includes still in it): it serves every search ``narrow`` serves, so taking it
    replaces ``narrow``."""
    n = len(narrow.columns)
    return (wider != narrow and wider.table == narrow.table and wider.where == narrow.where
            and wider.columns[:n] == narrow.columns
            and set(narrow.include) <= set(wider.columns[n:]) | set(wider.include))


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
    (one more trailing column).

    A step either adds a candidate or widens a chosen index: a candidate whose leading columns are a
    chosen index's replaces it, and pays for the bytes it adds, not its whole size. That is Extend
    (Schlosser, Kossmann and Boissier, ICDE 2019): once ``c`` is chosen, ``extend(c)`` joins the
    candidates. Widening inside the search, not after it, matters under a budget: an index a query
    needs (TPC-H q17 and q20 need ``lineitem(l_partkey)``) can turn another query's plan bad (q14 then
    loops over part and searches lineitem per part), and the wider ``(l_partkey, l_shipdate)`` that fixes
    it must still find room when its turn comes.
    """
    chosen: list[Candidate] = []
    rejected: dict[Candidate, str] = {}
    widened: set[Candidate] = set()  # chosen, then replaced by a wider one: a swap may take them back
    read0, write0 = objective(frozenset())
    current = read0 + write0

    def bar(before: frozenset[Candidate], after: frozenset[Candidate]) -> float:
        return MIN_GAIN * current if threshold is None else threshold(before, after)

    def step_to(c: Candidate) -> tuple[list[Candidate], int]:
        """The chosen indexes after taking ``c`` (in place of those it widens), and the bytes that adds."""
        narrower = [x for x in chosen if _widens(c, x)]
        if not narrower:
            return [*chosen, c], size(c)
        after = [c if x == narrower[0] else x for x in chosen if x not in narrower[1:]]
        return after, size(c) - sum(size(x) for x in narrower)

    def fits(config: list[Candidate]) -> bool:
        return budget.fits(len(config), sum(size(x) for x in config))

    # Lazy ("accelerated") greedy, Minoux 1978: an index's gain rarely grows as others are chosen, so
    # each candidate keeps the gain per byte it had when last evaluated and only the head of the queue
    # is evaluated again; it is taken when its fresh ratio is still the best. Widening is the exception
    # (a candidate's step costs fewer bytes once a narrower index is chosen), so choosing an index
    # evaluates the candidates that widen it afresh.
    pool: list[Candidate] = list(candidates)
    known: dict[Candidate, int] = {c: i for i, c in enumerate(pool)}
    version: dict[Candidate, int] = {}
    queue: list[tuple[float, int, int, int, float]] = []  # (-gain per byte, position, version, step, gain)
    step, waiting = 0, []  # waiting: fresh, but under the bar (which may still drop)

    def push(c: Candidate, gain: float, added: int) -> None:
        version[c] = version.get(c, 0) + 1
        heapq.heappush(queue, (-gain / max(added, 1), known[c], version[c], step, gain))

    def evaluate(c: Candidate) -> None:
        after, added = step_to(c)
        if fits(after) and (gain := current - sum(objective(frozenset(after)))) > 0:
            push(c, gain, added)

    for c in candidates:
        r, w = objective(frozenset({c}))
        if r < read0 and (read0 - r) <= (w - write0):
            rejected[c] = (f"write cost {w - write0:.3g} ms/min outweighs the read gain {read0 - r:.3g} ms/min "
                           "on this workload")
        elif budget.fits(1, size(c)):
            # no gain alone still goes in, last (ratio 0): with others chosen it may pay (an index that
            # steers the planner off a plan another index made attractive)
            version[c] = 1
            queue.append((min(-(current - r - w) / max(size(c), 1), 0.0), known[c], 1, 0, current - r - w))
    heapq.heapify(queue)
    while queue:
        entry = heapq.heappop(queue)
        _, i, ver, seen, gain = entry
        c = pool[i]
        if ver != version.get(c) or c in chosen or c in rejected:
            continue  # evaluated again since, taken, or widened into another
        after, added = step_to(c)
        if not fits(after):
            continue  # it comes back if a narrower index is chosen (then it adds fewer bytes)
        if seen == step:
            if gain <= bar(frozenset(chosen), frozenset(after)):
                waiting.append(entry)
                continue
            for x in chosen:
                if x not in after:
                    rejected[x] = f"redundant: widened into {c}, which serves its searches and more"
                    widened.add(x)
            chosen = after
            current -= gain
            step += 1
            for e in waiting:
                heapq.heappush(queue, (*e[:3], -1, *e[4:]))  # stale: evaluated again when popped
            waiting = []
            for wider in (extend(c) if extend is not None else []):
                if wider not in known:
                    known[wider] = len(pool)
                    pool.append(wider)
            for d in pool:  # a step to a candidate that widens ``c`` now adds only the difference in bytes
                if _widens(d, c) and d not in rejected:
                    evaluate(d)
            continue
        if (gain := current - sum(objective(frozenset(after)))) > 0:
            push(c, gain, added)
    current = sum(objective(frozenset(chosen)))
    # Swaps: the greedy picks a widening when it is the best step at that moment; with the indexes chosen
    # after it, a sibling (same table and leading column, another width) may serve better (TPC-H at 25%:
    # lineitem(l_partkey, l_suppkey) taken for q09 before the q01/q06 indexes made (l_partkey, l_shipdate)'s
    # skip-scans harmless). Each chosen index is tried against its siblings in the pool; the best swap
    # that fits and clears the bar is taken, until none does.
    swapped = True
    while swapped:
        swapped = False
        best: tuple[float, int, Candidate] | None = None
        for i, c in enumerate(chosen):
            for d in pool:
                if d in chosen or d.table != c.table or d.where != c.where or d.columns[0] != c.columns[0] \
                        or (d in rejected and d not in widened):
                    continue
                after = [d if x == c else x for x in chosen]
                if not fits(after):
                    continue
                total = sum(objective(frozenset(after)))
                if current - total > bar(frozenset(chosen), frozenset(after)) and (best is None or total < best[0]):
                    best = (total, i, d)
        if best is not None:
            total, i, d = best
            rejected[chosen[i]] = f"swapped for {d}, which serves the chosen configuration better"
            widened.discard(chosen[i])  # swapped out for good (each swap lowers the cost, so none cycles anyway)
            rejected.pop(d, None)
            chosen[i], current, swapped = d, total, True
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
    for c in candidates:
        if c not in rejected and c not in chosen:
            config = frozenset((*chosen, c))
            if not budget.fits(len(config), sum(size(x) for x in config)) and \
                    current - sum(objective(config)) > bar(frozenset(chosen), config):
                rejected[c] = "over the budget"
    return chosen, [Rejected(c, r) for c, r in sorted(rejected.items(), key=lambda kv: kv[0].sort_key)]
