"""BCNF decomposition by repeated splitting on a violating FD.

While some relation Ri has an FD X -> Y (implied by F, within Ri) whose X is not a superkey of
Ri, replace Ri by (X+ ∩ Ri) and (Ri - (X+ - X)). Each split is lossless (the two parts share X,
which determines the first), so the result is lossless; it need not preserve dependencies.
Violations are searched in the minimal cover first (cheap), then among all subsets of Ri
(needed once relations have been split, since F's FDs may no longer lie inside them).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from .closure import Closer
from .cover import PROJECTION_LIMIT, cover_of, minimal_cover
from .decomposition import Decomposition, Relation
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attr_list, fmt_attrs, parse_fds
from .synthesis import local_fds, relation_key

__all__ = ["bcnf_decompose", "bcnf_violation"]


def bcnf_violation(relation: list[str], fds: list[FD], cover: list[FD] | None = None) -> FD | None:
    """An FD X -> (X+ ∩ R) - X with X not a superkey of ``relation``, or None if it is in BCNF."""
    u = Universe.of(relation, fds)
    c = Closer(u, fds)
    r = u.mask(relation)
    candidates = [f.lhs for f in (cover_of(fds) if cover is None else cover) if f.attributes <= set(relation)]
    if len(relation) <= PROJECTION_LIMIT:
        candidates += [frozenset(s) for n in range(1, len(relation)) for s in combinations(relation, n)]
    for lhs in candidates:
        x = u.mask(lhs)
        plus = c.closure(x) & r
        if plus & ~x and plus != r:
            return FD(lhs, u.names(plus & ~x))
    return None


def bcnf_decompose(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
                   ) -> Decomposition | Explanation:
    """Decompose into BCNF: lossless, every relation in BCNF (dependencies may be lost).

    >>> print(bcnf_decompose("A B C", "A -> B; B -> C"))
    R1(_B_, C)
    R2(_A_, B)
    """
    names = attr_list(attributes)
    fd_list = parse_fds(fds, names) if isinstance(fds, str) else parse_fds(list(fds), names)
    u = Universe.of(names, fd_list)
    names = list(u.order)
    cover = minimal_cover(fd_list)
    assert isinstance(cover, list)
    work: list[list[str]] = [names]
    done: list[list[str]] = []
    steps: list[Step] = []
    while work:
        r = work.pop(0)
        v = bcnf_violation(r, fd_list, cover)
        if v is None:
            done.append(r)
            steps.append(Step(f"({fmt_attrs(r, names)}) is in BCNF", "check", {"relation": r}))
            continue
        plus = v.lhs | v.rhs
        r1 = [a for a in r if a in plus]
        r2 = [a for a in r if a not in v.rhs]
        steps.append(Step(f"({fmt_attrs(r, names)}) is not in BCNF: {v.text(names)} and "
                          f"{fmt_attrs(v.lhs, names, True)} is not a superkey; split into "
                          f"({fmt_attrs(r1, names)}) and ({fmt_attrs(r2, names)})", "split",
                          {"relation": r, "fd": v.text(names), "parts": [r1, r2]}))
        work[:0] = [r1, r2]
    rels = []
    for i, r in enumerate(done, 1):
        local = local_fds(fd_list, cover, r)
        rels.append(Relation(f"R{i}", tuple(r), relation_key(r, local), tuple(local)))
    result = Decomposition(tuple(names), tuple(fd_list), tuple(rels), "BCNF")
    if not explain:
        return result
    return Explanation("BCNF decomposition", tuple(steps), result, "; ".join(r.text() for r in rels))
