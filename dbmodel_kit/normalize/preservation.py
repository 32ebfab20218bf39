"""Dependency preservation, by the closure method that needs no projection.

For each FD X -> Y of F: start with Z = X and repeat ``Z := Z | ((Z & Ri)+ & Ri)`` over the
sub-relations Ri until Z stops growing; X -> Y is preserved iff Y ⊆ Z (Ullman, "Principles of
Database and Knowledge-Base Systems", vol. I, Algorithm 7.3). Polynomial, unlike projecting F+.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import ModelError
from .closure import Closer
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attr_list
from .restrict import on_relation

__all__ = ["PreservationResult", "preserves_dependencies"]


@dataclass(frozen=True)
class PreservationResult:
    """Whether every FD is preserved, and which are lost."""

    preserved: bool
    lost: tuple[FD, ...]
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.preserved

    def __str__(self) -> str:
        if self.preserved:
            return "dependency-preserving"
        return "not dependency-preserving; lost: " + "; ".join(map(str, self.lost))


def preserves_dependencies(fds: Iterable[FD | str] | str, relations: Iterable[Attrs],
                           explain: bool = False) -> PreservationResult | Explanation:
    """Is every FD of ``fds`` enforceable from the FDs that hold on the sub-relations?

    The FDs are restricted to the relations' attributes by closure (``notes`` say so when they
    name others).

    >>> bool(preserves_dependencies("A -> B; B -> C", ["A B", "B C"]))
    True
    >>> str(preserves_dependencies("A -> B; B -> C", ["A B", "A C"]))
    'not dependency-preserving; lost: B -> C'
    """
    subs = [attr_list(r) for r in relations]
    if not subs or not all(subs):
        raise ModelError("give the relations of the decomposition, each with at least one attribute")
    every = list(dict.fromkeys(a for r in subs for a in r))
    rel = on_relation(every, fds)
    fd_list = list(rel.fds)
    u = Universe(every)
    c = Closer(u, fd_list)
    masks = [u.mask(r) for r in subs]
    lost: list[FD] = []
    steps = [Step(n, "note") for n in rel.notes]
    for f in fd_list:
        z = u.mask(f.lhs)
        trail = [u.fmt(z, True)]
        while True:
            before = z
            for r in masks:
                z |= c.closure(z & r) & r
            if z == before:
                break
            trail.append(u.fmt(z, True))
        ok = u.mask(f.rhs) & ~z == 0
        if not ok:
            lost.append(f)
        steps.append(Step(f"{f}: Z grows {' → '.join(trail)}; {'contains' if ok else 'misses'} "
                          f"{u.fmt(u.mask(f.rhs))}: {'preserved' if ok else 'LOST'}", "check",
                          {"fd": str(f), "preserved": ok}))
    result = PreservationResult(not lost, tuple(lost), rel.notes)
    if not explain:
        return result
    return Explanation("Dependency preservation", tuple(steps), result, str(result))
