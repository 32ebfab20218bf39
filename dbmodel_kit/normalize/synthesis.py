"""3NF synthesis (Bernstein, "Synthesizing third normal form relations from functional
dependencies", TODS 1(4), 1976, in the textbook form): minimal cover, one relation per
left-hand side, a key relation if no relation holds a candidate key, drop subsumed relations.
The result is lossless and dependency-preserving, and every relation is in 3NF.
"""

from __future__ import annotations

from collections.abc import Iterable

from .closure import Closer
from .cover import cover_of
from .decomposition import Decomposition, Relation, key_join_order
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, fmt_attrs
from .keys import key_masks
from .restrict import on_relation, project_cover

__all__ = ["local_fds", "synthesize_3nf"]

#: How many candidate keys to try for the key relation before taking the smallest.
KEY_TRIES = 64


def local_fds(cover: list[FD], attributes: list[str]) -> list[FD]:
    """The FDs that hold on ``attributes``: a minimal cover of what ``cover`` implies among them."""
    return project_cover(cover, attributes)


def relation_key(attributes: list[str], fds: list[FD], prefer: Iterable[str] = ()) -> tuple[str, ...]:
    """A candidate key of the relation: ``prefer`` when it is one, else the smallest."""
    u = Universe(attributes)
    keys = [u.names(k) for k in key_masks(u, Closer(u, fds))]
    prefer = frozenset(prefer)
    key = prefer if prefer in keys else keys[0]
    return tuple(a for a in attributes if a in key)


def synthesize_3nf(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
                   ) -> Decomposition | Explanation:
    """Decompose into 3NF by synthesis: lossless, dependency-preserving. FDs naming other
    attributes are restricted to the relation by closure (a note says so).

    >>> print(synthesize_3nf("A B C D", "A -> B; B -> C"))
    R1(_A_, B)
    R2(_B_, C)
    R3(_A_, _D_)
    """
    rel = on_relation(attributes, fds)
    names = list(rel.names)
    u = Universe(names)
    cover = cover_of(list(rel.fds))
    steps = [Step(n, "note") for n in rel.notes]
    steps += [Step("minimal cover: " + ("; ".join(map(str, cover)) or "(none)"), "cover",
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
    c = Closer(u, cover)
    keys = [u.names(k) for k in key_masks(u, c)]
    local: dict[tuple[str, ...], list[FD]] = {}  # FDs on each relation, projected once
    local_keys: dict[tuple[str, ...], list[frozenset[str]]] = {}

    def fds_of(r: list[str]) -> list[FD]:
        if tuple(r) not in local:
            local[tuple(r)] = local_fds(cover, r)
        return local[tuple(r)]

    def relation_keys(r: list[str]) -> list[frozenset[str]]:
        if tuple(r) not in local_keys:
            ur = Universe(r)
            local_keys[tuple(r)] = [ur.names(k) for k in key_masks(ur, Closer(ur, fds_of(r)))]
        return local_keys[tuple(r)]

    def subsumed(candidates: list[tuple[list[str], frozenset[str]]]) -> list[tuple[int, int]]:
        """(i, j): relation i is contained in relation j (ties: the later one goes)."""
        out = []
        for i, (r, _) in enumerate(candidates):
            j = next((j for j, (o, _) in enumerate(candidates)
                      if j != i and set(r) <= set(o) and (set(r) < set(o) or j < i)), None)
            if j is not None:
                out.append((i, j))
        return out

    if not any(k <= set(r) for k in keys for r, _ in relations):
        # the key relation is the one free choice: take a key from which every relation joins along
        # one of its own keys (the tables and foreign keys of a model), else the smallest key
        chosen = keys[0]
        for k in keys[:KEY_TRIES]:
            key_rel = [a for a in names if a in k]
            trial = [*relations, (key_rel, k)]
            gone = {i for i, _ in subsumed(trial)}
            others = [(r, relation_keys(r)) for i, (r, _) in enumerate(trial[:-1]) if i not in gone]
            if key_join_order(key_rel, others) is not None:
                chosen = k
                break
        key = [a for a in names if a in chosen]
        relations.append((key, chosen))
        why = "" if chosen == keys[0] else (f" (key {fmt_attrs(chosen, names, True)} rather than "
                                           f"{fmt_attrs(keys[0], names, True)}: from it every relation joins along "
                                           "one of its keys)")
        steps.append(Step(f"no relation contains a candidate key, so add key relation ({fmt_attrs(key, names)}){why}",
                          "split", {"relation": key, "key": True}))
        root = len(relations) - 1
    else:
        k = next(k for k in keys if any(k <= set(r) for r, _ in relations))
        root = next(i for i, (r, _) in enumerate(relations) if k <= set(r))
        steps.append(Step(f"a relation already contains candidate key {fmt_attrs(k, names, True)}", "check"))
    dropped = dict(subsumed(relations))
    for i, j in dropped.items():
        inner, outer = fmt_attrs(relations[i][0], names), fmt_attrs(relations[j][0], names)
        steps.append(Step(f"({inner}) is contained in ({outer}): dropped", "split", {"dropped": relations[i][0]}))
    # Join the relations back along keys from the one holding a key. A relation dropped above may be
    # the only way on (its left-hand side X is a key of it and nowhere else): then it stays. This
    # always completes: while the relations joined so far are not all of R, some cover FD X -> A
    # has X among them and A not, and X keys its own group's relation.
    while root in dropped:  # the relation holding the key is inside a bigger one, which holds it too
        root = dropped[root]
    have = set(relations[root][0])
    left = [i for i in range(len(relations)) if i not in dropped and i != root]
    while left:
        nxt = next((j for j in left if any(k <= have for k in relation_keys(relations[j][0]))), None)
        if nxt is not None:
            left.remove(nxt)
        else:
            nxt = next((j for j in dropped if set(relations[j][0]) - have
                        and any(k <= have for k in relation_keys(relations[j][0]))), None)
            if nxt is None:
                break
            steps.append(Step(f"({fmt_attrs(relations[nxt][0], names)}) is kept after all: the relations join "
                              f"back along keys only through its key {fmt_attrs(relations[nxt][1], names, True)}",
                              "split", {"kept": relations[nxt][0]}))
            del dropped[nxt]
        have |= set(relations[nxt][0])
    kept = [(r, lhs) for i, (r, lhs) in enumerate(relations) if i not in dropped]
    rels = []
    for i, (r, lhs) in enumerate(kept, 1):
        fds_r = fds_of(r)
        rels.append(Relation(f"R{i}", tuple(r), relation_key(r, fds_r, lhs), tuple(fds_r)))
    result = Decomposition(tuple(names), rel.fds, tuple(rels), "3NF", rel.notes)
    if not explain:
        return result
    return Explanation("3NF synthesis", tuple(steps), result, "; ".join(r.text() for r in rels))
