"""Attribute closure X+ under a set of FDs: the linear-time counter algorithm.

Beeri & Bernstein, "Computational problems related to the design of normal form relational
schemas", ACM TODS 4(1), 1979: each FD keeps a counter of LHS attributes not yet in the closure;
each attribute entering the closure decrements the counters of the FDs that use it, and an FD
whose counter reaches zero fires once. Total work is linear in the size of the FD set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attrs, bits, parse_fds

__all__ = ["Closer", "closure", "equivalent", "implies"]


class Closer:
    """FDs compiled over a :class:`Universe` for repeated closures of bitmask sets."""

    def __init__(self, universe: Universe, fds: Iterable[FD]) -> None:
        self.universe = universe
        self.fds = list(fds)
        self.lhs = [universe.mask(f.lhs) for f in self.fds]
        self.rhs = [universe.mask(f.rhs) for f in self.fds]
        self.count0 = [m.bit_count() for m in self.lhs]
        self.users: list[list[int]] = [[] for _ in range(len(universe))]
        for i, m in enumerate(self.lhs):
            for b in bits(m):
                self.users[b].append(i)
        self.free = [i for i, c in enumerate(self.count0) if c == 0]

    def closure(self, mask: int, trace: list[tuple[int, int]] | None = None, skip: int = -1,
                dead: Sequence[bool] | None = None) -> int:
        """X+ as a mask; ``trace`` receives ``(fd index, attributes added)`` as FDs fire; FD ``skip``
        and the FDs marked in ``dead`` are ignored (so one compiled set serves "F minus f")."""
        count = self.count0[:]
        result = mask
        queue = bits(mask)
        for i in self.free:
            if i != skip and not (dead and dead[i]):
                new = self.rhs[i] & ~result
                if trace is not None:
                    trace.append((i, new))
                result |= new
                queue.extend(bits(new))
        users, rhs = self.users, self.rhs
        while queue:
            a = queue.pop()
            for i in users[a]:
                count[i] -= 1
                if count[i] == 0 and i != skip and not (dead and dead[i]):
                    new = rhs[i] & ~result
                    if trace is not None:
                        trace.append((i, new))
                    if new:
                        result |= new
                        queue.extend(bits(new))
        return result


def _prepare(fds: Iterable[FD | str] | str, extra: Iterable[str] = ()) -> tuple[list[FD], Universe]:
    fds = parse_fds(fds) if isinstance(fds, str) else [f if isinstance(f, FD) else FD.parse(f) for f in fds]
    return fds, Universe.of(list(extra), fds)


def closure(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
            universe: Sequence[str] | None = None) -> frozenset[str] | Explanation:
    """The closure X+ of ``attributes`` under ``fds``: every attribute they determine.

    >>> sorted(closure("a", "a -> b; b -> c; c, d -> e"))
    ['a', 'b', 'c']
    >>> print(closure("a", "a -> b; b -> c", explain=True).text())
    Closure of {a}
      1. start: {a}
      2. a -> b fires (all of {a} is in the closure): adds b; closure is now {a, b}
      3. b -> c fires (all of {b} is in the closure): adds c; closure is now {a, b, c}
    Result: {a}+ = {a, b, c}
    """
    x = attrs(attributes, universe)
    fds, u = _prepare(fds, [*(universe or ()), *sorted(x)])
    c = Closer(u, fds)
    trace: list[tuple[int, int]] | None = [] if explain else None
    result = c.closure(u.mask(x), trace)
    names = u.names(result)
    if not explain:
        return names
    steps = [Step(f"start: {u.fmt(u.mask(x), braces=True)}", "closure", {"closure": sorted(x)})]
    current = u.mask(x)
    for i, new in trace or []:
        f = fds[i]
        if new:
            current |= new
            steps.append(Step(f"{f} fires (all of {u.fmt(c.lhs[i], True)} is in the closure): adds "
                              f"{u.fmt(new)}; closure is now {u.fmt(current, True)}", "closure",
                              {"fd": str(f), "added": u.ordered(new), "closure": u.ordered(current)}))
        else:
            steps.append(Step(f"{f} fires but adds nothing new", "closure", {"fd": str(f), "added": []}))
    return Explanation(f"Closure of {u.fmt(u.mask(x), True)}", tuple(steps), names,
                       f"{u.fmt(u.mask(x), True)}+ = {u.fmt(result, True)}")


def implies(fds: Iterable[FD | str] | str, fd: FD | str) -> bool:
    """Do ``fds`` imply ``fd`` (is its RHS in the closure of its LHS)?

    >>> implies("a -> b; b -> c", "a -> c"), implies("a -> b", "b -> a")
    (True, False)
    """
    fd = FD.parse(fd) if isinstance(fd, str) else fd
    fds, u = _prepare(fds, sorted(fd.lhs | fd.rhs))
    return Closer(u, fds).closure(u.mask(fd.lhs)) & u.mask(fd.rhs) == u.mask(fd.rhs)


def equivalent(f: Iterable[FD | str] | str, g: Iterable[FD | str] | str) -> bool:
    """Do two FD sets imply each other (same closure)?

    >>> equivalent("a -> b, c", "a -> b; a -> c"), equivalent("a -> b", "b -> a")
    (True, False)
    """
    f, _ = _prepare(f)
    g, _ = _prepare(g)
    return all(implies(f, x) for x in g) and all(implies(g, x) for x in f)
