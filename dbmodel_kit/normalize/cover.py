"""Minimal (canonical) cover, cover equivalence and projection of FDs onto a sub-schema.

The minimal cover is computed in the textbook's three steps (Ullman & Widom; Maier, "The Theory
of Relational Databases", ch. 5): split right-hand sides into single attributes, remove
extraneous left-hand attributes, drop FDs implied by the others. The result depends on the order
in which candidates are tried; we try them in a fixed order (attributes in the order given) so
the answer is deterministic, and exercises accept any equivalent minimal cover.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ModelError
from .closure import Closer, _prepare
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attrs, bits, singletons

__all__ = ["PROJECTION_LIMIT", "is_minimal", "minimal_cover", "project"]

#: Projection enumerates subsets of the sub-schema; beyond this many attributes it refuses.
PROJECTION_LIMIT = 16


def minimal_cover(fds: Iterable[FD | str] | str, explain: bool = False) -> list[FD] | Explanation:
    """A minimal cover: single-attribute RHS, no extraneous LHS attribute, no redundant FD.

    >>> [str(f) for f in minimal_cover("A -> B, C; B -> C; A, B -> C")]
    ['A -> B', 'B -> C']
    """
    fds, u = _prepare(fds)
    steps: list[Step] = []
    work = singletons(fds)
    steps.append(Step("split right-hand sides into single attributes: " + "; ".join(map(str, work)), "cover",
                      {"phase": "split", "fds": [str(f) for f in work]}))
    # left-reduce: B in X is extraneous in X -> A when A is in (X - B)+. Replacing X -> A by a
    # smaller, implied FD keeps the set equivalent, so one compiled closure serves the whole pass.
    closer = Closer(u, work)
    for i, f in enumerate(work):
        lhs = u.mask(f.lhs)
        a = u.mask(f.rhs)
        for b in bits(lhs):
            smaller = lhs & ~(1 << b)
            if closer.closure(smaller) & a:
                steps.append(Step(f"{u.order[b]} is extraneous in {FD(u.names(lhs), f.rhs)}: "
                                  f"{u.fmt(smaller, True)}+ already contains {u.fmt(a)}", "cover",
                                  {"phase": "left-reduce", "fd": str(FD(u.names(lhs), f.rhs)),
                                   "drop": u.order[b]}))
                lhs = smaller
                work[i] = FD(u.names(lhs), f.rhs)
    deduped = list(dict.fromkeys(work))
    # drop redundant: X -> A is redundant when A is in X+ under the other FDs still kept
    closer = Closer(u, deduped)
    dead = [False] * len(deduped)
    for i, f in enumerate(deduped):
        dead[i] = True
        if closer.closure(u.mask(f.lhs), dead=dead) & u.mask(f.rhs):
            steps.append(Step(f"{f} is redundant: the other FDs give {u.fmt(u.mask(f.lhs), True)}+ ⊇ "
                              f"{u.fmt(u.mask(f.rhs))}", "cover", {"phase": "redundant", "fd": str(f)}))
        else:
            dead[i] = False
    kept = [f for f, gone in zip(deduped, dead) if not gone]
    if not explain:
        return kept
    return Explanation("Minimal cover", tuple(steps), kept, "; ".join(map(str, kept)) or "(no FDs)")


def is_minimal(fds: Iterable[FD | str] | str) -> bool:
    """Is this FD set already a minimal cover?

    >>> is_minimal("A -> B; B -> C"), is_minimal("A -> B; B -> C; A -> C")
    (True, False)
    """
    fds, u = _prepare(fds)
    if any(len(f.rhs) != 1 or f.trivial for f in fds) or len(set(fds)) != len(fds):
        return False
    for f in fds:
        others = [g for g in fds if g != f]
        if Closer(u, others).closure(u.mask(f.lhs)) & u.mask(f.rhs):
            return False
        c = Closer(u, fds)
        if any(c.closure(u.mask(f.lhs - {b})) & u.mask(f.rhs) for b in f.lhs):
            return False
    return True


def project(fds: Iterable[FD | str] | str, attributes: Attrs, explain: bool = False) -> list[FD] | Explanation:
    """The FDs that hold on the sub-schema ``attributes`` (a minimal cover of F+ restricted to it).

    Computed from the closure of every subset of ``attributes`` (exponential, as the problem is;
    supersets of a subset that already determines the whole sub-schema are skipped).

    >>> [str(f) for f in project("A -> B; B -> C", "A C")]
    ['A -> C']
    """
    fds, u0 = _prepare(fds)
    target = attrs(attributes, u0.order) if isinstance(attributes, str) else frozenset(attributes)
    order = [a for a in u0.order if a in target] + sorted(target - set(u0.order))
    if len(order) > PROJECTION_LIMIT:
        raise ModelError(f"projecting FDs onto {len(order)} attributes would try 2^{len(order)} subsets; "
                         f"the limit is {PROJECTION_LIMIT}")
    u = Universe([*order, *(a for a in u0.order if a not in target)])
    c = Closer(u, fds)
    sub = (1 << len(order)) - 1
    found: list[FD] = []
    superkeys: list[int] = []
    steps: list[Step] = []
    by_size = sorted(range(1 << len(order)), key=lambda m: (m.bit_count(), m))
    for x in by_size:
        if any(k & ~x == 0 for k in superkeys):
            continue
        plus = c.closure(x) & sub
        extra = plus & ~x
        if extra:
            found.append(FD(u.names(x), u.names(extra)))
            steps.append(Step(f"{u.fmt(x, True)}+ ∩ {u.fmt(sub, True)} = {u.fmt(plus, True)}: {found[-1]}",
                              "project", {"lhs": u.ordered(x), "adds": u.ordered(extra)}))
        if plus == sub:
            superkeys.append(x)
    cover = minimal_cover(found)
    assert isinstance(cover, list)
    if not explain:
        return cover
    return Explanation(f"Projection onto {u.fmt(sub, True)}", tuple(steps), cover,
                       "; ".join(map(str, cover)) or "(no non-trivial FDs)")


def cover_of(fds: Iterable[FD | str] | str) -> list[FD]:
    """:func:`minimal_cover` without the explanation option, typed for internal callers."""
    result = minimal_cover(fds)
    assert isinstance(result, list)
    return result


def projection(fds: Iterable[FD | str] | str, attributes: Attrs) -> list[FD]:
    """:func:`project` without the explanation option, typed for internal callers."""
    result = project(fds, attributes)
    assert isinstance(result, list)
    return result
