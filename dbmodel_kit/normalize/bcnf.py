"""BCNF decomposition by repeated splitting on a violating FD, each split cutting off a BCNF part.

While some relation Ri has an FD X -> Y (implied by F, within Ri) whose X is not a superkey of
Ri, replace Ri by (X+ ∩ Ri) and (Ri - (X+ - X)). Each split is lossless (the two parts share X,
which determines the first), so the result is lossless; it need not preserve dependencies.

Violations are read from a minimal cover of the FDs that hold on Ri (projected by resolution,
:mod:`.restrict`, so this is exact at any size). Among the violations we split on one whose part
X+ ∩ Ri is itself in BCNF: if X+ ∩ Ri is not, a violation Z -> W inside it is a violation of Ri
too, with a smaller closure (Z+ ∩ Ri ⊆ X+ ∩ Ri), so descending ends at such an X. Every split then
cuts off a finished relation keyed by X and keeps X in the rest, so the relations join back along
keys in the reverse order of the splits: the shape a model needs (one table per relation, a
foreign key per join), as :mod:`.apply` builds it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .closure import Closer
from .cover import cover_of
from .decomposition import Decomposition, Relation
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, bits
from .restrict import on_relation, project_cover
from .synthesis import relation_key

__all__ = ["bcnf_decompose", "bcnf_violation"]


def _violation(c: Closer, u: Universe, r: int, cover: list[FD]) -> tuple[int, int] | None:
    """The first FD X -> ... of ``cover`` (FDs on ``r``) whose X is not a superkey of ``r``: (X, X+ ∩ r)."""
    for f in cover:
        x = u.mask(f.lhs)
        plus = c.closure(x) & r
        if plus != r:
            return x, plus
    return None


def bcnf_violation(relation: Attrs, fds: Iterable[FD | str] | str, cover: list[FD] | None = None) -> FD | None:
    """An FD X -> (X+ ∩ R) - X with X not a superkey of ``relation``, or None if it is in BCNF.

    The FDs are restricted to the relation by closure; ``cover``, when given, must be a cover of
    the FDs that hold on it.

    >>> str(bcnf_violation("A B C", "A -> B; B -> C"))
    'B -> C'
    """
    rel = on_relation(relation, fds)
    u = Universe(rel.names)
    c = Closer(u, rel.fds)
    found = _violation(c, u, u.full, cover_of(list(rel.fds)) if cover is None else cover)
    if found is None:
        return None
    x, plus = found
    return FD(u.names(x), u.names(plus & ~x))


def bcnf_decompose(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
                   ) -> Decomposition | Explanation:
    """Decompose into BCNF: lossless, every relation in BCNF (dependencies may be lost), and the
    relations join back along keys. FDs naming other attributes are restricted to the relation by
    closure (a note says so).

    >>> print(bcnf_decompose("A B C", "A -> B; B -> C"))
    R1(_B_, C)
    R2(_A_, B)
    """
    rel = on_relation(attributes, fds)
    names = list(rel.names)
    u = Universe(names)
    c = Closer(u, rel.fds)
    steps: list[Step] = [Step(n, "note") for n in rel.notes]
    done: list[tuple[int, list[FD], int | None]] = []  # (relation, its FDs, its join key)
    r, cover = u.full, cover_of(list(rel.fds))
    while True:
        found = _violation(c, u, r, cover)
        if found is None:
            done.append((r, cover, None))
            steps.append(Step(f"({u.fmt(r)}) is in BCNF", "check", {"relation": u.ordered(r)}))
            break
        x, part = found
        first = x
        part_cover = project_cover(cover, u.ordered(part))
        inner = _violation(c, u, part, part_cover)
        while inner is not None:  # X+ is not in BCNF itself: split on the violation inside it instead
            steps.append(Step(f"{u.fmt(x)} -> {u.fmt(part & ~x)} breaks BCNF in ({u.fmt(r)}), but ({u.fmt(part)}) "
                              f"would not be in BCNF either: {u.fmt(inner[0])} -> {u.fmt(inner[1] & ~inner[0])} "
                              f"holds in it, and {u.fmt(inner[0], True)} is not a superkey of ({u.fmt(r)})", "note",
                              {"relation": u.ordered(r), "instead": u.ordered(inner[0])}))
            x, part = inner
            part_cover = project_cover(part_cover, u.ordered(part))
            inner = _violation(c, u, part, part_cover)
        rest = r & ~(part & ~x)
        key = x
        for b in bits(x):  # the part's key inside X (X is a superkey of the part)
            if c.closure(key & ~(1 << b)) & part == part:
                key &= ~(1 << b)
        why = "" if x == first else " (the smaller violation)"
        steps.append(Step(f"({u.fmt(r)}) is not in BCNF: {u.fmt(x)} -> {u.fmt(part & ~x)}{why}, and "
                          f"{u.fmt(x, True)} is not a superkey; split into ({u.fmt(part)}), which is in BCNF "
                          f"with key {u.fmt(key, True)}, and ({u.fmt(rest)})", "split",
                          {"relation": u.ordered(r), "fd": f"{u.fmt(x)} -> {u.fmt(part & ~x)}",
                           "parts": [u.ordered(part), u.ordered(rest)]}))
        done.append((part, part_cover, key))
        cover = project_cover(cover, u.ordered(rest))
        r = rest
    rels = []
    for i, (m, local, join_key) in enumerate(done, 1):
        attrs_ = u.ordered(m)
        chosen = tuple(u.ordered(join_key)) if join_key is not None else relation_key(attrs_, local)
        rels.append(Relation(f"R{i}", tuple(attrs_), chosen, tuple(local)))
    result = Decomposition(tuple(names), rel.fds, tuple(rels), "BCNF", rel.notes)
    if not explain:
        return result
    return Explanation("BCNF decomposition", tuple(steps), result, "; ".join(r.text() for r in rels))

