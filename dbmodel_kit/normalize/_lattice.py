"""Minimal FDs read off the whole attribute lattice at once, for tables with few columns.

With ``m`` columns there are ``2**m`` attribute sets. For small ``m`` one array indexed by the
set's bitmask can hold, for every set X at once, the attributes X does *not* determine:
``lost[X]`` has bit A set iff two rows agree on X but differ on A (``X -/-> A``). Then
``X -> A`` is minimal iff A is not in ``lost[X]``, A is not in X, and A is in ``lost[X - B]``
for every B in X; both that test and the construction of ``lost`` are a few vectorized passes
over the array (one per column), so the cost does not depend on how many FDs or agree sets
there are, and there is no per-candidate Python work as in a Berge-style hitting-set search.

``lost`` comes either from agree sets (each agree set S says ``S -/-> A`` for every A outside S,
and so does every subset of S: a superset-OR transform) or, for tiny tables, from the number of
distinct values of every attribute set (``X -> A`` iff X and X + A have as many distinct values),
counted for all sets at once: one matrix product gives every set's row keys, then one bitmap
(short key ranges) or one row-wise sort counts them.

Part of :mod:`.discovery` (no library in our dependency set discovers FDs, see there).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

LATTICE_MAX_COLUMNS = 20  # 2**20 sets: 4 MB per array, a few vectorized passes per column
CUBE_MAX_CELLS = 1 << 15  # sets x rows for counting distinct values of every set directly


def _dtype(m: int) -> Any:
    return np.uint8 if m <= 8 else np.uint16 if m <= 16 else np.uint32 if m <= 32 else np.uint64


def lost_from_agree_sets(agree: np.ndarray, m: int) -> np.ndarray:
    """``lost[X]``: the OR of the complements of the agree sets that contain X.

    One pass per column B: every set without B inherits what its superset X + B lacks.
    """
    dtype = _dtype(m)
    full = (1 << m) - 1
    lost = np.zeros(1 << m, dtype=dtype)
    if len(agree):
        lost[agree] = (full & ~agree).astype(dtype)  # equal masks write equal values
    for b in range(m):
        view = lost.reshape(-1, 2, 1 << b)
        view[:, 0, :] |= view[:, 1, :]
    return lost


@lru_cache(maxsize=32)
def _subsets(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every set as a mask, its membership matrix (sets x columns), and each column's bit."""
    sets = np.arange(1 << m)
    one = np.left_shift(1, np.arange(m))
    return sets, ((sets[:, None] & one) != 0), one


def lost_from_counts(codes: np.ndarray, cards: tuple[int, ...] | list[int]) -> np.ndarray | None:
    """``lost`` from the distinct-value count of every attribute set (``codes``: columns x rows).

    Each set gets a mixed-radix key per row over its own columns (one matrix product for all
    sets; floating point, exact below 2**53); its distinct keys are counted with a bitmap when
    all sets' key ranges are short together, else by sorting each set's keys. None when the keys
    could exceed 2**53.
    """
    m, n = codes.shape
    sets, member, one = _subsets(m)
    width = np.where(member, np.maximum(np.asarray(cards, dtype=np.float64), 1.0), 1.0)
    place = np.cumprod(width, axis=1) / width  # product of the set's lower columns' cardinalities
    size = place[:, -1] * width[:, -1]  # each set's key range
    if size[-1] >= 2.0**53:
        return None
    keys = (member * place) @ codes.astype(np.float64)
    total = float(size.sum())
    if total <= 8 * n * len(sets) + 4096:
        start = np.zeros(len(sets), dtype=np.int64)
        np.cumsum(size[:-1].astype(np.int64), out=start[1:])
        seen = np.zeros(int(total) + 1, dtype=np.uint8)
        seen[(keys.astype(np.int64) + start[:, None]).ravel()] = 1
        distinct = np.add.reduceat(seen, start, dtype=np.int64)
    else:
        keys.sort(axis=1)
        distinct = np.count_nonzero(keys[:, 1:] != keys[:, :-1], axis=1)  # + 1 for every set alike
    grown = distinct[sets[:, None] | one]
    return ((grown != distinct[:, None]) @ one).astype(_dtype(m))


def minimal_fds(lost: np.ndarray, m: int, max_lhs: int | None) -> list[tuple[int, int]]:
    """Every minimal non-trivial ``X -> A`` as ``(X mask, A)``, given ``lost`` (see the module doc)."""
    dtype = lost.dtype
    full = (1 << m) - 1
    below = np.full(1 << m, full, dtype=dtype)  # AND of lost[X - B] over B in X
    for b in range(m):
        mine, sub = below.reshape(-1, 2, 1 << b), lost.reshape(-1, 2, 1 << b)
        mine[:, 1, :] &= sub[:, 0, :]
    sets = np.arange(1 << m, dtype=dtype)
    minimal = ~lost & below & ~sets & dtype.type(full)
    if max_lhs is not None:
        minimal[np.bitwise_count(sets) > max_lhs] = 0
    xs = np.flatnonzero(minimal)
    out = []
    for x, rhs in zip(xs.tolist(), minimal[xs].tolist()):
        while rhs:
            low = rhs & -rhs
            out.append((x, low.bit_length() - 1))
            rhs ^= low
    return out
