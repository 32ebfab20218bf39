"""Attribute closure X+ under a set of FDs: the linear-time counter algorithm.

Beeri & Bernstein, "Computational problems related to the design of normal form relational
schemas", ACM TODS 4(1), 1979: each FD keeps a counter of LHS attributes not yet in the closure;
each attribute entering the closure decrements the counters of the FDs that use it, and an FD
whose counter reaches zero fires once. Total work is linear in the size of the FD set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import ModelError
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attrs, bits, fd_names, fmt_attrs, note, parse_fds, relation_attrs

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
        if trace is None and skip < 0 and dead is None:
            return self._plain(mask)
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

    def _plain(self, mask: int) -> int:
        # the same counter algorithm with the attributes still to process kept as a bitmask (no
        # lists): the key search and the normal-form checks call this hundreds of thousands of times
        count = self.count0[:]
        users, rhs = self.users, self.rhs
        result = mask
        for i in self.free:
            result |= rhs[i]
        pending = result
        while pending:
            low = pending & -pending
            pending ^= low
            for i in users[low.bit_length() - 1]:
                count[i] -= 1
                if not count[i]:
                    new = rhs[i] & ~result
                    if new:
                        result |= new
                        pending |= new
        return result


def _prepare(fds: Iterable[FD | str] | str, extra: Iterable[str] = (),
             universe: Sequence[str] | None = None) -> tuple[list[FD], Universe]:
    fds = parse_fds(fds, universe)
    return fds, Universe.of([*(universe or ()), *extra], fds)


def _read_set(value: Attrs, fds: list[FD], universe: Sequence[str] | None, what: str) -> frozenset[str]:
    """``value`` read against the relation (``universe``) or, without one, the names the FDs use.

    With a relation, a name outside it is an error; without one, a several-letter word that no FD
    names but that mixes one-letter names the FDs use (``AB`` when only ``A`` is named) gets a note."""
    names = list(universe) if universe is not None else fd_names(fds)
    x = attrs(value, names)
    if universe is not None:
        unknown = sorted(x - set(universe))
        if unknown:
            verb = "is not an attribute" if len(unknown) == 1 else "are not attributes"
            raise ModelError(f"{', '.join(unknown)} {verb} of ({fmt_attrs(universe, universe)})", where=what)
        return x
    known = set(names)
    for w in sorted(x - known):
        if len(w) > 1 and any(ch in known for ch in w) and all(len(n) == 1 for n in known):
            note(f"{w!r} is read as one attribute, which no FD names; to mean the attributes "
                 f"{', '.join(w)}, write them apart ({' '.join(w)!r}) or pass the relation as universe=")
    return x


def closure(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
            universe: Sequence[str] | None = None) -> frozenset[str] | Explanation:
    """The closure X+ of ``attributes`` under ``fds``: every attribute they determine.

    With ``universe`` (the relation's attributes) text is read against its names (``"AB"`` is A, B
    when both are attributes), an attribute outside it is an error, and FDs naming other attributes
    are restricted to it: the answer is X+ ∩ R.

    >>> sorted(closure("a", "a -> b; b -> c; c, d -> e"))
    ['a', 'b', 'c']
    >>> print(closure("a", "a -> b; b -> c", explain=True).text())
    Closure of {a}
      1. start: {a}
      2. a -> b fires (all of {a} is in the closure): adds b; closure is now {a, b}
      3. b -> c fires (all of {b} is in the closure): adds c; closure is now {a, b, c}
    Result: {a}+ = {a, b, c}
    """
    if universe is not None:
        universe = relation_attrs(universe)
    fd_list = parse_fds(fds, universe)
    x = _read_set(attributes, fd_list, universe, "closure")
    fds, u = _prepare(fd_list, sorted(x), universe)
    c = Closer(u, fds)
    trace: list[tuple[int, int]] | None = [] if explain else None
    result = c.closure(u.mask(x), trace)
    inside = u.full if universe is None else u.mask(universe)
    outside = result & ~inside
    names = u.names(result & inside)
    message = ""
    if outside:
        message = (f"{u.fmt(outside)} {'is not an attribute' if outside.bit_count() == 1 else 'are not attributes'} of "
                   f"({fmt_attrs(universe or (), universe)}): the closure is restricted to it")
    if not explain:
        if message:
            note(message)
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
    if message:
        steps.append(Step(message, "note"))
    return Explanation(f"Closure of {u.fmt(u.mask(x), True)}", tuple(steps), names,
                       f"{u.fmt(u.mask(x), True)}+ = {u.fmt(result & inside, True)}")


def implies(fds: Iterable[FD | str] | str, fd: FD | str, universe: Sequence[str] | None = None) -> bool:
    """Do ``fds`` imply ``fd`` (is its RHS in the closure of its LHS)?

    >>> implies("a -> b; b -> c", "a -> c"), implies("a -> b", "b -> a")
    (True, False)
    """
    fds_ = parse_fds(fds, universe)
    fd = FD.parse(fd, universe if universe is not None else fd_names(fds_)) if isinstance(fd, str) else fd
    fds, u = _prepare(fds_, sorted(fd.lhs | fd.rhs))
    return Closer(u, fds).closure(u.mask(fd.lhs)) & u.mask(fd.rhs) == u.mask(fd.rhs)


def equivalent(f: Iterable[FD | str] | str, g: Iterable[FD | str] | str, universe: Sequence[str] | None = None) -> bool:
    """Do two FD sets imply each other (same closure)?

    >>> equivalent("a -> b, c", "a -> b; a -> c"), equivalent("a -> b", "b -> a")
    (True, False)
    """
    f, _ = _prepare(f, universe=universe)
    g, _ = _prepare(g, universe=universe if universe is not None else fd_names(f))
    return all(implies(f, x) for x in g) and all(implies(g, x) for x in f)
