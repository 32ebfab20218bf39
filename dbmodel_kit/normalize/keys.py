"""Candidate keys, superkeys and prime attributes of a relation under FDs.

Attributes on no right-hand side belong to every key; attributes on a right-hand side but on no
left-hand side belong to none. The rest is searched with the algorithm of Lucchesi & Osborn
("Candidate keys for relations", JCSS 17, 1978), which finds every key in time polynomial in the
number of keys: from each key K and FD X -> Y, the set X + (K - Y) is a superkey; reduce it to a
key unless it already contains one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .closure import Closer
from .explain import Explanation, Step
from .fd import FD, Attrs, Universe, attr_list, attrs, bits, parse_fds

__all__ = ["candidate_keys", "is_superkey", "prime_attributes"]


def _setup(attributes: Attrs, fds: Iterable[FD | str] | str) -> tuple[Universe, list[FD], Closer]:
    names = attr_list(attributes)
    fd_list = parse_fds(fds, names) if isinstance(fds, str) else parse_fds(list(fds), names)
    if any(not f.attributes <= set(names) for f in fd_list):
        from .cover import projection  # FDs over a wider schema: keep what holds on this relation

        fd_list = projection(fd_list, names)
    u = Universe(names)
    return u, fd_list, Closer(u, fd_list)


def _reduce(c: Closer, key: int, order: Sequence[int], full: int) -> int:
    for b in order:
        if key >> b & 1 and c.closure(key & ~(1 << b)) == full:
            key &= ~(1 << b)
    return key


def candidate_keys(attributes: Attrs, fds: Iterable[FD | str] | str,
                   explain: bool = False) -> list[frozenset[str]] | Explanation:
    """Every candidate key (minimal superkey) of the relation, smallest first.

    >>> [sorted(k) for k in candidate_keys("A B C D", "A -> B; B -> C; C -> A")]
    [['A', 'D'], ['B', 'D'], ['C', 'D']]
    """
    u, fds, c = _setup(attributes, fds)
    full = u.full
    on_rhs = 0
    on_lhs = 0
    for i in range(len(fds)):
        nontrivial = c.rhs[i] & ~c.lhs[i]
        on_rhs |= nontrivial
        on_lhs |= c.lhs[i]
    core = full & ~on_rhs
    never = on_rhs & ~on_lhs
    middle = full & ~core & ~never
    steps = [
        Step(f"attributes on no right-hand side must be in every key: {u.fmt(core, True)}", "key",
             {"core": u.ordered(core)}),
        Step(f"attributes only on right-hand sides are in no key: {u.fmt(never, True)}", "key",
             {"excluded": u.ordered(never)}),
    ]
    order = bits(full & ~core)  # drop non-core attributes first, in relation order
    order = [b for b in order if never >> b & 1] + [b for b in order if middle >> b & 1]
    if c.closure(core) == full:
        keys = [core]
        steps.append(Step(f"{u.fmt(core, True)}+ is every attribute, so it is the only key", "key",
                          {"key": u.ordered(core)}))
    else:
        first = _reduce(c, full, order, full)
        keys = [first]
        steps.append(Step(f"shrink all attributes while the closure stays complete: key {u.fmt(first, True)}",
                          "key", {"key": u.ordered(first)}))
        i = 0
        while i < len(keys):
            k = keys[i]
            for j, f in enumerate(fds):
                s = c.lhs[j] | (k & ~c.rhs[j])
                if any(other & ~s == 0 for other in keys):
                    continue
                new = _reduce(c, s, order, full)
                keys.append(new)
                steps.append(Step(f"from key {u.fmt(k, True)} and {f}: {u.fmt(s, True)} is a superkey; "
                                  f"shrinking it gives key {u.fmt(new, True)}", "key",
                                  {"from": u.ordered(k), "fd": str(f), "key": u.ordered(new)}))
            i += 1
    keys.sort(key=lambda k: (k.bit_count(), bits(k)))
    result = [u.names(k) for k in keys]
    if not explain:
        return result
    return Explanation(f"Candidate keys of ({u.fmt(full)})", tuple(steps), result,
                       "; ".join(u.fmt(k, True) for k in keys))


def prime_attributes(attributes: Attrs, fds: Iterable[FD | str] | str) -> frozenset[str]:
    """Attributes that belong to some candidate key.

    >>> sorted(prime_attributes("A B C", "A -> B; B -> A"))
    ['A', 'B', 'C']
    """
    keys = candidate_keys(attributes, fds)
    assert isinstance(keys, list)
    return frozenset().union(*keys)


def is_superkey(columns: Attrs, attributes: Attrs, fds: Iterable[FD | str] | str) -> bool:
    """Does ``columns`` determine every attribute of the relation?

    >>> is_superkey("A", "A B", "A -> B"), is_superkey("B", "A B", "A -> B")
    (True, False)
    """
    u, _, c = _setup(attributes, fds)
    return c.closure(u.mask(attrs(columns, u.order))) == u.full


def keys_of(attributes: Attrs, fds: Iterable[FD | str] | str) -> list[frozenset[str]]:
    """:func:`candidate_keys` without the explanation option, typed for internal callers."""
    result = candidate_keys(attributes, fds)
    assert isinstance(result, list)
    return result
