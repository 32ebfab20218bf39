"""FDs restricted to a relation: the one rule for attributes outside it, and projection.

What a set F of FDs says about a relation R (or a part of one) is the set of FDs it implies among
R's attributes, π_R(F+) = {X -> (X+ ∩ R) : X ⊆ R}: "restricted to R by closure". Every function of
:mod:`dbmodel_kit.normalize` that takes a relation reads the FDs this way, so FDs of a wider schema
may name attributes R lacks (``A -> C; C -> B`` says ``A -> B`` about R(A, B)); the result carries
a note saying so (:func:`on_relation`).

A cover of π_R(F+) is computed without enumerating R's subsets, by eliminating the attributes
outside R one at a time (reduction by resolution: Gottlob, "Computing covers for embedded
functional dependencies", PODS 1987): eliminating A replaces the FDs X -> A and Y -> B with A in
Y by their resolvents X + (Y - A) -> B and drops every FD that names A. The FDs that survive
imply, among the remaining attributes, exactly what F implied. Each step keeps only the smallest
left-hand sides per attribute, and attributes are eliminated cheapest first (fewest resolvents),
so the work follows the size of the answer, not 2^|R|. The answer itself can be exponentially
large; past :data:`PROJECTION_LIMIT` FDs the projection stops with :class:`~.fd.TooMuchWork`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .closure import Closer
from .fd import FD, Attrs, TooMuchWork, Universe, bits, fd_names, fmt_attrs, parse_fds, relation_attrs, singletons

__all__ = ["PROJECTION_LIMIT", "OnRelation", "on_relation", "project_cover"]

#: At most this many FDs in the working set of a projection (each names attributes of the part).
PROJECTION_LIMIT = 100_000


class _Working:
    """FDs X -> b as, per right-hand attribute b, an antichain of left-hand masks; ``uses[a]`` counts
    the left-hand sides holding a, so an elimination's cost is two lookups."""

    def __init__(self, limit: int) -> None:
        self.by_rhs: dict[int, list[int]] = {}
        self.uses: dict[int, int] = {}
        self.size = 0
        self.limit = limit

    def _count(self, lhs: int, step: int) -> None:
        while lhs:
            low = lhs & -lhs
            lhs ^= low
            a = low.bit_length() - 1
            self.uses[a] = self.uses.get(a, 0) + step

    def add(self, lhs: int, b: int) -> None:
        if lhs >> b & 1:
            return  # trivial
        row = self.by_rhs.setdefault(b, [])
        for other in row:
            if other & ~lhs == 0:
                return  # a smaller or equal left-hand side already gives b
        kept = []
        for o in row:  # drop the left-hand sides that contain the new one
            if lhs & ~o:
                kept.append(o)
            else:
                self._count(o, -1)
        self.size += len(kept) + 1 - len(row)
        kept.append(lhs)
        self._count(lhs, 1)
        self.by_rhs[b] = kept
        if self.size > self.limit:
            raise TooMuchWork("", self.limit)

    def cost(self, a: int) -> int:
        """How many resolvents eliminating attribute ``a`` would make."""
        return len(self.by_rhs.get(a, ())) * self.uses.get(a, 0)

    def eliminate(self, a: int) -> list[tuple[int, int, int, int]]:
        """Replace the FDs naming ``a`` by their resolvents; returns (X, Y, b, X + (Y - a)) for each
        pair X -> a, Y -> b combined."""
        ins = self.by_rhs.pop(a, [])
        for x in ins:
            self._count(x, -1)
        self.size -= len(ins)
        bit = 1 << a
        users: list[tuple[int, int]] = []
        if self.uses.get(a):
            for b, row in self.by_rhs.items():
                keep = [lhs for lhs in row if not lhs & bit]
                if len(keep) == len(row):
                    continue
                for lhs in row:
                    if lhs & bit:
                        users.append((lhs, b))
                        self._count(lhs, -1)
                self.size -= len(row) - len(keep)
                self.by_rhs[b] = keep
        made = []
        for x in ins:
            for y, b in users:
                z = x | (y & ~bit)
                self.add(z, b)
                made.append((x, y, b, z))
        return made

    def fds(self, u: Universe) -> list[FD]:
        out = [(lhs, b) for b, row in self.by_rhs.items() for lhs in row]
        out.sort(key=lambda p: (p[0].bit_count(), bits(p[0]), p[1]))
        return [FD(u.names(lhs), frozenset({u.order[b]})) for lhs, b in out]


def project_cover(fds: Iterable[FD], target: Sequence[str], trace: list[str] | None = None,
                  limit: int = PROJECTION_LIMIT) -> list[FD]:
    """A minimal cover of the FDs that ``fds`` imply among the attributes ``target`` (see the module
    doc); ``trace`` receives one sentence per eliminated attribute.

    >>> [str(f) for f in project_cover(parse_fds("A -> B; B -> C; C -> D"), ["A", "C", "D"])]
    ['A -> C', 'C -> D']
    """
    from .cover import cover_of

    fds = list(fds)
    u = Universe.of(target, fds)
    keep = u.mask(target)
    outside = [b for b in range(len(u)) if not keep >> b & 1]
    if not outside:
        return cover_of(fds)
    work = _Working(limit)
    closer = Closer(u, fds)
    for f in singletons(fds):  # left-reduced first: smaller left-hand sides make fewer, smaller resolvents
        lhs, b = u.mask(f.lhs), u.index[next(iter(f.rhs))]
        for c in bits(lhs):
            if closer.closure(lhs & ~(1 << c)) >> b & 1:
                lhs &= ~(1 << c)
        work.add(lhs, b)
    left = set(outside)
    if trace is not None:
        start = "; ".join(f.text(u.order) for f in work.fds(u)) or "no FDs"
        gone = ", ".join(u.order[b] for b in outside)
        trace.append(f"start from the FDs with one attribute on the right and no extraneous attribute on the left "
                     f"({start}), and eliminate the attributes outside ({fmt_attrs(target, target)}): {gone}")
    try:
        while left:
            a = min(left, key=lambda x: (work.cost(x), x))
            left.discard(a)
            made = work.eliminate(a)
            if trace is None:
                continue
            name = u.order[a]
            def fd(x: int, b: int) -> str:
                return f"{u.fmt(x) or '∅'} -> {u.order[b]}"

            if not made:
                trace.append(f"eliminate {name}: no FD leads through it; drop the FDs that name it")
            elif len(made) <= 6:
                trace.append(f"eliminate {name}: " + "; ".join(
                    f"{fd(x, a)} and {fd(y, b)} give {fd(z, b)}" + (" (trivial)" if z >> b & 1 else "")
                    for x, y, b, z in made))
            else:
                trace.append(f"eliminate {name}: {len(made)} pairs of FDs through it give their resolvents")
    except TooMuchWork:
        raise TooMuchWork(f"projecting the FDs onto ({fmt_attrs(target, target)}) needs more than {limit:,} FDs at "
                          f"once; the FDs that hold on a part of a relation can be exponentially many "
                          f"(Gottlob 1987), so the exact answer would take too long", limit) from None
    return cover_of(work.fds(u))


@dataclass(frozen=True)
class OnRelation:
    """A relation's attributes and the FDs that hold on it (``fds``: the given FDs when they name
    only its attributes, else a minimal cover of what they imply on it), with ``notes`` for a
    person when the given FDs named other attributes."""

    names: tuple[str, ...]
    fds: tuple[FD, ...]
    outside: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def on_relation(attributes: Attrs, fds: Iterable[FD | str] | str, what: str = "") -> OnRelation:
    """Read a relation and its FDs (names by :func:`~.fd.attr_list`'s rule) and restrict the FDs to it.

    >>> r = on_relation("A B", "A -> C; C -> B")
    >>> [str(f) for f in r.fds], r.notes[0]
    (['A -> B'], 'C is not an attribute of (A, B): the FDs are restricted to it by closure, which gives A -> B')
    """
    names = relation_attrs(attributes)
    fd_list = parse_fds(fds, names)
    inside = set(names)
    outside = [a for a in fd_names(fd_list) if a not in inside]
    if not outside:
        return OnRelation(tuple(names), tuple(fd_list))
    restricted = project_cover(fd_list, names)
    label = what or f"({fmt_attrs(names, names)})"
    verb = "is not an attribute" if len(outside) == 1 else "are not attributes"
    gives = "; ".join(f.text(names) for f in restricted) if restricted else ""
    text = (f"{', '.join(outside)} {verb} of {label}: the FDs are restricted to it by closure, "
            + (f"which gives {gives}" if gives else "and no FD holds among its attributes"))
    merged = [w for w in names if len(w) > 1 and any(len(a) == 1 and a in w for a in outside)]
    if merged:
        text += (f" (if {merged[0]!r} means the one-letter attributes {', '.join(merged[0])}, "
                 f"write them apart: {' '.join(merged[0])!r})")
    return OnRelation(tuple(names), tuple(restricted), tuple(outside), (text,))
