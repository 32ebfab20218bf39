"""3NF synthesis (Bernstein, "Synthesizing third normal form relations from functional
dependencies", TODS 1(4), 1976, in the textbook form): minimal cover, one relation per
left-hand side, a key relation if no relation holds a candidate key, drop subsumed relations.
The result is lossless and dependency-preserving, and every relation is in 3NF.
"""

from __future__ import annotations

from collections.abc import Iterable

from .cover import PROJECTION_LIMIT, minimal_cover, project
from .decomposition import Decomposition, Relation
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attr_list, fmt_attrs, parse_fds
from .keys import candidate_keys

__all__ = ["local_fds", "synthesize_3nf"]


def local_fds(fds: list[FD], cover: list[FD], attributes: list[str]) -> list[FD]:
    """The FDs that hold on ``attributes``: projected when small enough, else the cover's FDs inside it."""
    if len(attributes) <= PROJECTION_LIMIT:
        result = project(fds, attributes)
        assert isinstance(result, list)
        return result
    return [f for f in cover if f.attributes <= set(attributes)]


def relation_key(attributes: list[str], fds: list[FD], prefer: Iterable[str] = ()) -> tuple[str, ...]:
    """A candidate key of the relation: ``prefer`` when it is one, else the smallest."""
    keys = candidate_keys(attributes, fds)
    assert isinstance(keys, list)
    prefer = frozenset(prefer)
    key = prefer if prefer in keys else keys[0]
    return tuple(a for a in attributes if a in key)


def synthesize_3nf(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
                   ) -> Decomposition | Explanation:
    """Decompose into 3NF by synthesis: lossless, dependency-preserving.

    >>> print(synthesize_3nf("A B C D", "A -> B; B -> C"))
    R1(_A_, B)
    R2(_B_, C)
    R3(_A_, _D_)
    """
    names = attr_list(attributes)
    fd_list = parse_fds(fds, names) if isinstance(fds, str) else parse_fds(list(fds), names)
    u = Universe.of(names, fd_list)
    names = list(u.order)
    cover = minimal_cover(fd_list)
    assert isinstance(cover, list)
    steps = [Step("minimal cover: " + ("; ".join(map(str, cover)) or "(none)"), "cover",
                  {"fds": [str(f) for f in cover]})]
    groups: dict[frozenset[str], set[str]] = {}
    for f in cover:
        groups.setdefault(f.lhs, set(f.lhs)).update(f.rhs)
    relations: list[tuple[list[str], frozenset[str]]] = []
    for lhs, group in groups.items():
        attrs_ = [a for a in names if a in group]
        relations.append((attrs_, lhs))
        steps.append(Step(f"FDs with left-hand side {fmt_attrs(lhs, names, True)} give relation "
                          f"({fmt_attrs(attrs_, names)})", "split", {"relation": attrs_, "lhs": sorted(lhs)}))
    keys = candidate_keys(names, fd_list)
    assert isinstance(keys, list)
    if not any(k <= set(r) for k in keys for r, _ in relations):
        key = [a for a in names if a in keys[0]]
        relations.append((key, keys[0]))
        steps.append(Step(f"no relation contains a candidate key, so add key relation ({fmt_attrs(key, names)})",
                          "split", {"relation": key, "key": True}))
    else:
        k = next(k for k in keys if any(k <= set(r) for r, _ in relations))
        steps.append(Step(f"a relation already contains candidate key {fmt_attrs(k, names, True)}", "check"))
    kept: list[tuple[list[str], frozenset[str]]] = []
    for i, (r, lhs) in enumerate(relations):
        bigger = [o for j, (o, _) in enumerate(relations)
                  if j != i and set(r) <= set(o) and (set(r) < set(o) or j < i)]
        if bigger:
            steps.append(Step(f"({fmt_attrs(r, names)}) is contained in ({fmt_attrs(bigger[0], names)}): dropped",
                              "split", {"dropped": r}))
        else:
            kept.append((r, lhs))
    rels = []
    for i, (r, lhs) in enumerate(kept, 1):
        local = local_fds(fd_list, cover, r)
        rels.append(Relation(f"R{i}", tuple(r), relation_key(r, local, lhs), tuple(local)))
    result = Decomposition(tuple(names), tuple(fd_list), tuple(rels), "3NF")
    if not explain:
        return result
    return Explanation("3NF synthesis", tuple(steps), result, "; ".join(r.text() for r in rels))
