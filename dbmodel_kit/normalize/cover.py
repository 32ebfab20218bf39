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
from .fd import FD, Attrs, attr_list, bits, fmt_attrs, singletons

__all__ = ["is_minimal", "minimal_cover", "project"]


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

    Computed by eliminating the other attributes one at a time (reduction by resolution, see
    :mod:`.restrict`), not by trying every subset, so it works at any size; the answer can be
    exponentially large, and past :data:`~.restrict.PROJECTION_LIMIT` FDs it stops with
    :class:`~.fd.TooMuchWork`.

    >>> [str(f) for f in project("A -> B; B -> C", "A C")]
    ['A -> C']
    """
    from .restrict import project_cover

    fds, u0 = _prepare(fds)
    target = attr_list(attributes, u0.order)
    if not target:
        raise ModelError("project onto at least one attribute")
    trace: list[str] | None = [] if explain else None
    cover = project_cover(fds, target, trace)
    if not explain:
        return cover
    steps = [Step(t, "project") for t in trace or []]
    return Explanation(f"Projection onto {fmt_attrs(target, target, True)}", tuple(steps), cover,
                       "; ".join(f.text(target) for f in cover) or "(no non-trivial FDs)")


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
