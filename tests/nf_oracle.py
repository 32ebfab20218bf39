"""A brute-force oracle for normalization theory: every answer from the definitions, by closing
every subset of the relation. It imports nothing from ``dbmodel_kit`` (its FDs are pairs of
attribute-name sets), so it can grade the kit: tests/test_normalize_oracle.py (small, seeded) and
bench/normalize.py --oracle (up to 18 attributes).

``Oracle(R, F)`` closes all 2^|R| subsets of R once, under F (whose FDs may name attributes outside
R), keeping X+ ∩ R for each: the FDs that hold on R are exactly X -> (X+ ∩ R). Everything else is
read off that table: keys (minimal X with X+ ⊇ R), prime attributes, the normal forms of R or of
any part P of R (X ⊆ P with X+ ∩ P), the chase, dependency preservation (Ullman's test with the
table as the closure inside each part).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

Pair = tuple[frozenset[str], frozenset[str]]


class Oracle:
    def __init__(self, relation: Sequence[str], fds: Iterable[Pair]) -> None:
        self.names = list(relation)
        fds = [(frozenset(lhs), frozenset(rhs)) for lhs, rhs in fds]
        outside = sorted({a for lhs, rhs in fds for a in lhs | rhs} - set(self.names))
        self.universe = self.names + outside
        pos = {a: i for i, a in enumerate(self.universe)}
        self.pairs = [(sum(1 << pos[a] for a in lhs), sum(1 << pos[a] for a in rhs)) for lhs, rhs in fds]
        self.n = len(self.names)
        self.full = (1 << self.n) - 1
        # plus[X] = X+ over the whole universe, for every X ⊆ R; X+ starts from (X - lowest)+ (monotone)
        plus = [0] * (1 << self.n)
        for x in range(1 << self.n):
            start = x | (plus[x & (x - 1)] if x else 0)
            plus[x] = self._fix(start)
        self.plus = [p & self.full for p in plus]  # X+ ∩ R

    def _fix(self, x: int) -> int:
        changed = True
        while changed:
            changed = False
            for lhs, rhs in self.pairs:
                if lhs & ~x == 0 and rhs & ~x:
                    x |= rhs
                    changed = True
        return x

    # -- sets and names ---------------------------------------------------------------------

    def mask(self, attrs: Iterable[str]) -> int:
        return sum(1 << self.names.index(a) for a in set(attrs))

    def attrs(self, mask: int) -> frozenset[str]:
        return frozenset(a for i, a in enumerate(self.names) if mask >> i & 1)

    @staticmethod
    def submasks(p: int) -> Iterable[int]:
        x = p
        while True:
            yield x
            if x == 0:
                return
            x = (x - 1) & p

    # -- answers --------------------------------------------------------------------------

    def closure(self, x: Iterable[str]) -> frozenset[str]:
        return self.attrs(self.plus[self.mask(x)])

    def key_masks(self, part: int | None = None) -> list[int]:
        p = self.full if part is None else part
        sup = {x for x in self.submasks(p) if self.plus[x] & p == p}
        return sorted(x for x in sup if not any((x & ~(1 << b)) in sup for b in range(self.n) if x >> b & 1))

    def level(self, part: int | None = None) -> str:
        """The highest of 1NF, 2NF, 3NF, BCNF that the relation (or ``part``) is in, by definition."""
        p = self.full if part is None else part
        keys = self.key_masks(p)
        prime = 0
        for k in keys:
            prime |= k
        nonprime = p & ~prime
        bcnf = third = True
        for x in self.submasks(p):
            extra = self.plus[x] & p & ~x
            if extra and self.plus[x] & p != p:
                bcnf = False
                if extra & nonprime:
                    third = False
        second = all(not (self.plus[x] & nonprime) for k in keys for x in self.submasks(k) if x != k)
        return "BCNF" if bcnf else "3NF" if third else "2NF" if second else "1NF"

    def lossless(self, parts: Sequence[int]) -> bool:
        """The chase, from scratch: rows hold 0 (distinguished) or a row-specific symbol per column;
        rows agreeing on X get equal symbols on X+ ∩ R (the smaller symbol wins, in the whole column)."""
        rows = [[0 if p >> j & 1 else (i + 1) * 1000 + j for j in range(self.n)] for i, p in enumerate(parts)]
        if len(self.universe) == self.n:  # F lies inside R: F itself covers the FDs on R
            local = [(lhs, rhs & ~lhs) for lhs, rhs in self.pairs if rhs & ~lhs]
        else:  # every FD that holds on R, by definition (2^|R| of them: small relations only)
            local = self.fds_on_relation()
        changed = True
        while changed and not any(all(v == 0 for v in r) for r in rows):
            changed = False
            for x, extra in local:
                cols = [j for j in range(self.n) if x >> j & 1]
                groups: dict[tuple[int, ...], list[list[int]]] = {}
                for r in rows:
                    groups.setdefault(tuple(r[j] for j in cols), []).append(r)
                for same in groups.values():
                    for j in range(self.n):
                        if extra >> j & 1:
                            vals = {r[j] for r in same}
                            if len(vals) > 1:
                                to = min(vals)
                                for r in rows:
                                    if r[j] in vals:
                                        r[j] = to
                                changed = True
        return any(all(v == 0 for v in r) for r in rows)

    def preserved(self, parts: Sequence[int], fds: Iterable[tuple[int, int]]) -> bool:
        """Ullman's test for each FD (as masks on R): grow Z by (Z ∩ P)+ ∩ P over the parts."""
        for lhs, rhs in fds:
            z = lhs
            while True:
                before = z
                for p in parts:
                    z |= self.plus[z & p] & p
                if z == before:
                    break
            if rhs & ~z:
                return False
        return True

    def fds_on_relation(self) -> list[tuple[int, int]]:
        """X -> (X+ ∩ R) - X for every X ⊆ R whose closure grows: all the FDs that hold on R."""
        return [(x, self.plus[x] & ~x) for x in self.submasks(self.full) if self.plus[x] & ~x]

    def implies(self, pairs: Iterable[Pair], lhs: Iterable[str], rhs: Iterable[str]) -> bool:
        """Does the FD set ``pairs`` (over R's names) imply lhs -> rhs? (its own fixpoint)."""
        x, want = set(lhs), set(rhs)
        changed = True
        while changed:
            changed = False
            for a, b in pairs:
                if set(a) <= x and not set(b) <= x:
                    x |= set(b)
                    changed = True
        return want <= x


def random_case(rng: random.Random, n: int, outside: int = 0, max_fds: int | None = None,
                ) -> tuple[list[str], list[Pair]]:
    """A relation of ``n`` attributes and random FDs (left sides of 0-3 attributes, right sides of
    1-2), some naming ``outside`` attributes that the relation lacks."""
    names = [f"A{i}" for i in range(n)]
    extra = [f"X{i}" for i in range(outside)]
    pool = names + extra
    m = rng.randint(1, max_fds or max(2, n + n // 2))
    fds = []
    for _ in range(m):
        lhs = frozenset(rng.sample(pool, min(len(pool) - 1, rng.choice([0, 1, 1, 1, 2, 2, 2, 3]))))
        rest = [a for a in pool if a not in lhs]
        rhs = frozenset(rng.sample(rest, min(len(rest), rng.choice([1, 1, 2]))))
        fds.append((lhs, rhs))
    return names, fds
