"""Candidate keys, superkeys and prime attributes of a relation under FDs.

Attributes on no right-hand side belong to every key; attributes on a right-hand side but on no
left-hand side belong to none. The rest is searched with the algorithm of Lucchesi & Osborn
("Candidate keys for relations", JCSS 17, 1978), which finds every key in time polynomial in the
number of keys: from each key K and FD X -> Y, the set X + (K - Y) is a superkey; reduce it to a
key unless it already contains one. "Contains a known key" is one OR of per-attribute bitsets over
the keys found (bit i of ``holders[a]``: key i has attribute a; S contains key i iff key i has no
attribute outside S), so the test costs the attributes outside S, not the number of keys.

A relation can have exponentially many keys (n pairs A_i <-> B_i give 2^n); past
:data:`KEY_LIMIT` the search stops with :class:`~.fd.TooMuchWork`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import ModelError
from .closure import Closer
from .explain import Explanation, Step
from .fd import FD, Attrs, TooMuchWork, Universe, attrs, bits, fmt_attrs, note
from .restrict import on_relation

__all__ = ["KEY_LIMIT", "candidate_keys", "is_superkey", "prime_attributes"]

#: The key search stops (TooMuchWork) after this many keys.
KEY_LIMIT = 100_000


def _reduce(c: Closer, key: int, order: Sequence[int], full: int) -> int:
    for b in order:
        if key >> b & 1 and c.closure(key & ~(1 << b)) == full:
            key &= ~(1 << b)
    return key


def key_masks(u: Universe, c: Closer, steps: list[Step] | None = None, limit: int = KEY_LIMIT) -> list[int]:
    """Every candidate key of the relation ``u`` under the compiled FDs ``c`` (all inside ``u``),
    as masks, smallest first; ``steps`` receives the explanation when given."""
    full = u.full
    on_rhs = on_lhs = 0
    for lhs, rhs in zip(c.lhs, c.rhs):
        on_rhs |= rhs & ~lhs
        on_lhs |= lhs
    core = full & ~on_rhs
    never = on_rhs & ~on_lhs
    middle = full & ~core & ~never
    if steps is not None:
        steps += [
            Step(f"attributes on no right-hand side must be in every key: {u.fmt(core, True)}", "key",
                 {"core": u.ordered(core)}),
            Step(f"attributes only on right-hand sides are in no key: {u.fmt(never, True)}", "key",
                 {"excluded": u.ordered(never)}),
        ]
    order = bits(full & ~core)  # drop non-core attributes first, in relation order
    order = [b for b in order if never >> b & 1] + [b for b in order if middle >> b & 1]
    if c.closure(core) == full:
        if steps is not None:
            steps.append(Step(f"{u.fmt(core, True)}+ is every attribute, so it is the only key", "key",
                              {"key": u.ordered(core)}))
        return [core]
    first = _reduce(c, full, order, full)
    keys = [first]
    holders = [0] * len(u)  # holders[a]: bit i set when keys[i] has attribute a
    for b in bits(first):
        holders[b] = 1
    if steps is not None:
        steps.append(Step(f"shrink all attributes while the closure stays complete: key {u.fmt(first, True)}",
                          "key", {"key": u.ordered(first)}))
    fds = [(lhs, rhs) for lhs, rhs in zip(c.lhs, c.rhs) if rhs & ~lhs]
    i = 0
    while i < len(keys):
        k = keys[i]
        for lhs, rhs in fds:
            s = lhs | (k & ~rhs)
            lacking = 0  # keys with an attribute outside s
            out = full & ~s
            while out:
                low = out & -out
                out ^= low
                lacking |= holders[low.bit_length() - 1]
            if lacking != (1 << len(keys)) - 1:
                continue  # some key lies inside s
            new = _reduce(c, s, order, full)
            for b in bits(new):
                holders[b] |= 1 << len(keys)
            keys.append(new)
            if len(keys) > limit:
                raise TooMuchWork(f"({u.fmt(full)}) has more than {limit:,} candidate keys; listing them all would "
                                  f"take too long (a relation can have exponentially many keys)", limit)
            if steps is not None:
                f = FD(u.names(lhs), u.names(rhs & ~lhs))
                steps.append(Step(f"from key {u.fmt(k, True)} and {f}: {u.fmt(s, True)} is a superkey; "
                                  f"shrinking it gives key {u.fmt(new, True)}", "key",
                                  {"from": u.ordered(k), "fd": str(f), "key": u.ordered(new)}))
        i += 1
    keys.sort(key=lambda k: (k.bit_count(), bits(k)))
    return keys


def candidate_keys(attributes: Attrs, fds: Iterable[FD | str] | str, explain: bool = False,
                   limit: int = KEY_LIMIT) -> list[frozenset[str]] | Explanation:
    """Every candidate key (minimal superkey) of the relation, smallest first.

    FDs naming attributes outside the relation are restricted to it by closure (with a
    :class:`~.fd.NormalizationNote`). More than ``limit`` keys raise :class:`~.fd.TooMuchWork`.

    >>> [sorted(k) for k in candidate_keys("A B C D", "A -> B; B -> C; C -> A")]
    [['A', 'D'], ['B', 'D'], ['C', 'D']]
    """
    rel = on_relation(attributes, fds)
    u = Universe(rel.names)
    steps: list[Step] | None = [Step(n, "note") for n in rel.notes] if explain else None
    keys = key_masks(u, Closer(u, rel.fds), steps, limit)
    result = [u.names(k) for k in keys]
    if not explain:
        for n in rel.notes:
            note(n)
        return result
    return Explanation(f"Candidate keys of ({u.fmt(u.full)})", tuple(steps or ()), result,
                       "; ".join(u.fmt(k, True) for k in keys))


def prime_attributes(attributes: Attrs, fds: Iterable[FD | str] | str) -> frozenset[str]:
    """Attributes that belong to some candidate key.

    >>> sorted(prime_attributes("A B C", "A -> B; B -> A"))
    ['A', 'B', 'C']
    """
    rel = on_relation(attributes, fds)
    for n in rel.notes:
        note(n)
    u = Universe(rel.names)
    prime = 0
    for k in key_masks(u, Closer(u, rel.fds)):
        prime |= k
    return u.names(prime)


def is_superkey(columns: Attrs, attributes: Attrs, fds: Iterable[FD | str] | str) -> bool:
    """Does ``columns`` determine every attribute of the relation?

    >>> is_superkey("A", "A B", "A -> B"), is_superkey("B", "A B", "A -> B")
    (True, False)
    """
    rel = on_relation(attributes, fds)
    for n in rel.notes:
        note(n)
    u = Universe(rel.names)
    x = attrs(columns, u.order)
    unknown = sorted(x - set(u.order))
    if unknown:
        raise ModelError(f"{', '.join(unknown)} {'is not an attribute' if len(unknown) == 1 else 'are not attributes'}"
                         f" of ({fmt_attrs(u.order, u.order)})")
    return Closer(u, rel.fds).closure(u.mask(x)) == u.full


def keys_of(attributes: Attrs, fds: Iterable[FD | str] | str) -> list[frozenset[str]]:
    """:func:`candidate_keys` without the explanation option, typed for internal callers."""
    result = candidate_keys(attributes, fds)
    assert isinstance(result, list)
    return result
