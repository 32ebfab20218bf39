"""Functional dependencies discovered from data: TANE on stripped partitions, vectorized with numpy.

The algorithm is TANE (Huhtala, Kärkkäinen, Porkka, Toivonen, "TANE: An Efficient Algorithm for
Discovering Functional and Approximate Dependencies", The Computer Journal 42(2), 1999): a
level-wise walk over the attribute lattice that keeps, for each attribute set X, the *stripped
partition* of the rows by their X values (classes of size one dropped), the candidate set C+(X)
and prunes with the C+ rule and the key rule. Partitions are numpy arrays; the product of two
partitions is one vectorized sort (see :func:`_product`), so the Python work is per lattice node,
not per row.

No library in our dependency set discovers FDs (Desbordante is AGPL and stays in the benchmark
environment only), hence this module.

NULL semantics: by default NULL (a missing value, or the empty string when a CSV is read as
strings) equals NULL, the convention of the literature and of the benchmark counts;
``null_equal=False`` makes every NULL distinct from every other value.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from ..errors import ModelError
from ._lattice import CUBE_MAX_CELLS, LATTICE_MAX_COLUMNS, lost_from_agree_sets, lost_from_counts, minimal_fds
from .explain import Explanation, Step
from .fd import FD, fmt_attrs

__all__ = [
    "DiscoveredFD",
    "Discovery",
    "Encoded",
    "discover_fds",
    "encode",
    "fd_error",
    "keys_from_data",
    "read_csv",
    "witnesses",
]


# -- input ----------------------------------------------------------------------------------


def read_csv(path: str | Path, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV with every value as a string and no NA conversion (empty cell = empty string).

    The bytes are checked first as every reader's are (:func:`dbmodel_kit.inputs.read_text`: UTF-8,
    no NUL byte, within the size limit), so a bad byte is named by its offset and line."""
    import io

    from ..inputs import read_text

    if not Path(path).exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    text = read_text(path, "csv", what="CSV file")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, **kwargs)
    except pd.errors.EmptyDataError:
        raise ModelError("the CSV file is empty: it needs a header line", where=str(path)) from None
    except (ValueError, pd.errors.ParserError) as e:
        raise ModelError(f"cannot read CSV: {str(e).strip()}", where=str(path)) from None


@dataclass(frozen=True)
class Encoded:
    """A table as one integer code array per column (equal values, equal codes), and the NULL
    semantics the codes were made with."""

    columns: tuple[str, ...]
    codes: tuple[np.ndarray, ...]
    cardinality: tuple[int, ...]
    n_rows: int
    null_equal: bool = True

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(dict(zip(self.columns, self.codes)))


_DICT_ROWS = 1000  # up to this many rows a dict over the Python values beats a pandas call per column


def _column_codes(series: pd.Series, null_equal: bool) -> tuple[np.ndarray, int]:
    """Codes 0..k-1 for the non-NULL values in order of appearance, then the NULLs (NaN/None, or
    '' in a text column): one code k for all of them, or one each with ``null_equal=False``."""
    values = series.to_numpy()
    if values.dtype == object:
        if len(values) <= _DICT_ROWS:
            # pd.factorize costs ~15 us a call whatever the size; a dict over a short column is cheaper
            seen: dict[Any, int] = {}
            codes = np.fromiter([seen.setdefault(v, len(seen)) for v in values.tolist()], np.int64, len(values))
            uniques = np.empty(len(seen), dtype=object)
            uniques[:] = list(seen)
        else:
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
        null_u = pd.isna(uniques)
        empty = np.flatnonzero(~null_u)[uniques[~null_u] == ""] if len(uniques) else []
        null_u[empty] = True
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        null_u = pd.isna(np.asarray(uniques))
    k = len(uniques)
    if not null_u.any():
        return codes.astype(np.int64, copy=False), max(k, 1)
    # the NULL values move behind the others
    kept = int(k - null_u.sum())
    remap = np.full(k, kept, dtype=np.int64)
    remap[~null_u] = np.arange(kept)
    codes = remap[codes]
    if null_equal:
        return codes, kept + 1
    null = np.flatnonzero(codes == kept)
    codes[null] = np.arange(kept, kept + len(null))
    return codes, max(kept + len(null), 1)


def encode(data: pd.DataFrame | str | Path, null_equal: bool = True) -> Encoded:
    """Integer-code every column of ``data`` (a DataFrame or a CSV path).

    NULL is a missing value or, in a text column, the empty string. With ``null_equal`` all
    NULLs of a column share one code; otherwise each NULL gets a code of its own.

    >>> e = encode(pd.DataFrame({"a": ["x", "y", "x"], "b": ["", "", "z"]}), null_equal=False)
    >>> [c.tolist() for c in e.codes]
    [[0, 1, 0], [1, 2, 0]]
    """
    if not isinstance(data, pd.DataFrame):
        data = read_csv(data)
    if data.columns.has_duplicates:
        dup = data.columns[data.columns.duplicated()][0]
        raise ModelError(f"duplicate column {dup!r} in the data")
    codes, cards = [], []
    for _name, series in data.items():
        c, k = _column_codes(series, null_equal)
        codes.append(c)
        cards.append(k)
    return Encoded(tuple(str(c) for c in data.columns), tuple(codes), tuple(cards), len(data), null_equal)


# -- stripped partitions ---------------------------------------------------------------------


@dataclass(slots=True)
class _Partition:
    """Stripped partition: ``rows`` grouped by class, ``labels`` the class number (0..k-1) of each."""

    rows: np.ndarray
    labels: np.ndarray
    k: int

    @property
    def error(self) -> int:
        """e(X) = ||pi|| - |pi|: rows that would have to go for X to be a key."""
        return len(self.rows) - self.k


def _strip(rows: np.ndarray, keys: np.ndarray, span: int) -> _Partition:
    """Group ``rows`` by ``keys`` (ints in ``[0, span)``) and keep the classes of two or more rows.

    Classes are labelled densely; rows of a class need not be adjacent, so no sort is needed:
    a bincount when ``span`` is small, a hash factorization otherwise (both O(rows)).
    """
    if len(rows) == 0:
        return _Partition(rows, rows, 0)
    if span > 4 * len(keys) + 4096:
        keys, uniques = pd.factorize(keys)
        span = len(uniques)
    sizes = np.bincount(keys, minlength=span)
    multi = sizes > 1
    keep = multi[keys]
    new = np.cumsum(multi) - 1
    k = int(new[-1]) + 1
    if k == 0:
        return _Partition(rows[:0], rows[:0], 0)
    return _Partition(rows[keep], new[keys[keep]], k)


def _single(codes: np.ndarray, card: int) -> _Partition:
    return _strip(np.arange(len(codes)), codes, card)


class _Scratch:
    """A reusable row -> class array (-1 = singleton) so products cost O(|partition|), not O(rows)."""

    def __init__(self, n: int) -> None:
        self.buf = np.full(n, -1, dtype=np.int64)


def _product(a: _Partition, b: _Partition, scratch: _Scratch) -> _Partition:
    """The partition of X u Y from those of X and Y (TANE's linear product, vectorized)."""
    if a.k == 0 or b.k == 0:
        return _Partition(a.rows[:0], a.rows[:0], 0)
    if len(a.rows) > len(b.rows):
        a, b = b, a
    buf = scratch.buf
    buf[b.rows] = b.labels
    other = buf[a.rows]
    buf[b.rows] = -1
    hit = other >= 0
    rows = a.rows[hit]
    keys = a.labels[hit] * b.k + other[hit]
    return _strip(rows, keys, a.k * b.k)


def _holds_on(p: _Partition, codes: np.ndarray) -> bool:
    """Is ``codes`` constant on every class of ``p``?"""
    if p.k == 0:
        return True
    v = codes[p.rows]
    first = np.full(p.k, -1, dtype=np.int64)
    first[p.labels[::-1]] = v[::-1]
    return bool((first[p.labels] == v).all())


def _g3_removals(p: _Partition, codes: np.ndarray, card: int) -> int:
    """Fewest rows to delete so that ``codes`` is constant on each class of ``p`` (g3 numerator)."""
    if p.k == 0:
        return 0
    keys = p.labels * card + codes[p.rows]
    uk, counts = np.unique(keys, return_counts=True)
    cls = uk // card
    best = np.zeros(p.k, dtype=np.int64)
    np.maximum.at(best, cls, counts)
    return int(len(p.rows) - best.sum())


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveredFD:
    """A minimal FD found in data; ``error`` is g3 (the fraction of rows to delete for it to hold)."""

    fd: FD
    error: float = 0.0

    @property
    def lhs(self) -> frozenset[str]:
        return self.fd.lhs

    @property
    def rhs(self) -> str:
        return next(iter(self.fd.rhs))

    def to_json(self) -> dict[str, Any]:
        return {"lhs": sorted(self.fd.lhs), "rhs": self.rhs}

    def __str__(self) -> str:
        return str(self.fd)


EVIDENCE_COLUMNS = ["lhs", "rhs", "error", "support", "lhs_distinct", "rhs_distinct", "confidence", "chance"]


@dataclass(frozen=True, eq=False)
class Discovery:
    """The result of :func:`discover_fds`: the FDs in a stable order, plus how they were found.

    :meth:`evidence` tells which FDs may hold only by accident in a sample: ``support`` is the
    number of rows whose LHS value occurs more than once (the only rows that can contradict the
    FD), ``lhs_distinct`` the number of LHS values (near ``rows`` means the LHS is almost a key,
    so the FD says little), ``confidence`` = support / rows x (1 - error), and ``chance`` the
    probability that the FD would hold in rows like these if its right-hand side were unrelated to
    its left (:func:`~.evidence.accident_chance`; near 1 means the sample proves nothing).
    """

    columns: tuple[str, ...]
    fds: tuple[DiscoveredFD, ...]
    rows: int
    null_equal: bool
    max_error: float
    max_lhs: int | None
    algorithm: str
    stats: Mapping[str, int] = field(default_factory=dict)
    encoded: Encoded | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.fds)

    def __iter__(self) -> Iterator[DiscoveredFD]:
        return iter(self.fds)

    def as_fds(self) -> list[FD]:
        return [d.fd for d in self.fds]

    def evidence(self) -> pd.DataFrame:
        """One row per FD: lhs, rhs, error, support, lhs_distinct, rhs_distinct, confidence, chance."""
        from .evidence import accident_chance

        cached = self.__dict__.get("_evidence")
        if cached is not None:
            return cached
        enc = self.encoded
        rows = []
        cache: dict[int, _Partition] = {}
        distinct = {c: len(np.unique(codes)) for c, codes in zip(enc.columns, enc.codes)} if enc else {}
        for d in self.fds:
            support = lhs_distinct = 0
            chance = 1.0
            if enc is not None and enc.n_rows:
                p = _partition_of(enc, sum(1 << enc.columns.index(c) for c in d.lhs), cache)
                support, lhs_distinct = len(p.rows), enc.n_rows - p.error
                chance = accident_chance(np.bincount(p.labels, minlength=p.k), enc.codes[enc.columns.index(d.rhs)])
            conf = (support / self.rows if self.rows else 0.0) * (1.0 - d.error)
            rows.append(
                {
                    "lhs": fmt_attrs(d.lhs, self.columns),
                    "rhs": d.rhs,
                    "error": d.error,
                    "support": support,
                    "lhs_distinct": lhs_distinct,
                    "rhs_distinct": distinct.get(d.rhs, 0),
                    "confidence": conf,
                    "chance": chance,
                }
            )
        frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
        object.__setattr__(self, "_evidence", frame)
        return frame

    def ranked(self) -> pd.DataFrame:
        """The evidence, FDs most worth confirming first: most tested by the data, then shortest LHS."""
        ev = self.evidence().assign(_size=[len(d.lhs) for d in self.fds])
        return (
            ev.sort_values(["confidence", "_size", "lhs", "rhs"], ascending=[False, True, True, True], kind="stable")
            .drop(columns="_size")
            .reset_index(drop=True)
        )

    def to_json(self) -> list[dict[str, Any]]:
        return [d.to_json() for d in self.fds]

    def text(self) -> str:
        return "\n".join(d.fd.text(self.columns) for d in self.fds)

    def _repr_html_(self) -> str:
        head = (
            f"<p>{len(self.fds)} minimal FDs over {len(self.columns)} columns and {self.rows} rows "
            f"(NULL {'=' if self.null_equal else '≠'} NULL, max error {self.max_error:g}).</p>"
        )
        return head + self.evidence().to_html(index=False, escape=True)

    def __str__(self) -> str:
        return self.text()


# -- TANE ------------------------------------------------------------------------------------


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _tane(enc: Encoded, max_error: float, max_lhs: int | None) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Minimal FDs ``(lhs_mask, rhs_index)`` with g3 error <= ``max_error``."""
    n, m = enc.n_rows, len(enc.columns)
    codes, cards = enc.codes, enc.cardinality
    scratch = _Scratch(max(n, 1))
    full = (1 << m) - 1
    limit = int(np.floor(max_error * n + 1e-9))
    exact = limit == 0
    out: list[tuple[int, int]] = []
    stats = {"nodes": 0, "products": 0}

    def fd_ok(p_x: _Partition, p_xa: _Partition | None, a: int) -> bool:
        if exact:
            if p_xa is not None:
                return p_x.error == p_xa.error
            return _holds_on(p_x, codes[a])
        return _g3_removals(p_x, codes[a], cards[a]) <= limit

    empty = (
        _Partition(np.arange(n), np.zeros(n, dtype=np.int64), 1) if n > 1 else _Partition(np.arange(0), np.arange(0), 0)
    )
    prev: dict[int, tuple[_Partition, int]] = {0: (empty, full)}
    level: dict[int, _Partition] = {1 << i: _single(codes[i], cards[i]) for i in range(m)}
    size = 1
    while level:
        stats["nodes"] += len(level)
        # compute_dependencies
        cplus: dict[int, int] = {}
        for x, p_x in level.items():
            c = full
            for b in _bits(x):
                entry = prev.get(x ^ (1 << b))
                c &= entry[1] if entry is not None else 0
            for a in _bits(x & c):
                sub = x ^ (1 << a)
                if max_lhs is not None and size - 1 > max_lhs:
                    break
                p_sub = prev[sub][0]
                if fd_ok(p_sub, p_x, a):
                    out.append((sub, a))
                    c &= ~(1 << a)
                    if exact or p_sub.error == p_x.error:
                        c &= x
            cplus[x] = c
        # prune
        survivors: dict[int, tuple[_Partition, int]] = {}
        for x, p_x in level.items():
            c = cplus[x]
            if c == 0:
                continue
            # A (super)key: X -> A for every A; output the minimal ones, then drop X. Only for exact
            # FDs: an approximate X - B + A -> B may still be minimal above a key X, so keys stay.
            if p_x.k == 0 and exact:
                if max_lhs is None or size <= max_lhs:
                    for a in _bits(c & ~x):
                        if all(not fd_ok(prev[x ^ (1 << b)][0], None, a) for b in _bits(x)):
                            out.append((x, a))
                continue
            survivors[x] = (p_x, c)
        if max_lhs is not None and size > max_lhs:
            break
        # generate_next_level: join sets sharing all but their highest attribute
        blocks: dict[int, list[int]] = {}
        for x in survivors:
            top = x.bit_length() - 1
            blocks.setdefault(x ^ (1 << top), []).append(x)
        nxt: dict[int, _Partition] = {}
        for members in blocks.values():
            if len(members) < 2:
                continue
            members.sort()
            for i, y in enumerate(members):
                for z in members[i + 1 :]:
                    x = y | z
                    if all((x ^ (1 << b)) in survivors for b in _bits(x)):
                        nxt[x] = _product(survivors[y][0], survivors[z][0], scratch)
                        stats["products"] += 1
        prev, level = survivors, nxt
        size += 1
    return out, stats


# -- hybrid: agree sets (non-FDs) -> induced candidates -> validation ---------------------------
#
# TANE's cost grows with the lattice it walks (358k nodes on hepatitis); a HyFD-style hybrid
# (Papenbrock & Naumann, "A Hybrid Approach to Functional Dependency Discovery", SIGMOD 2016)
# is far faster on wide or long tables: record pairs give *agree sets* (the columns two rows
# share), each agree set S is a non-FD S -/-> A for every A outside S, and the minimal FDs for A
# are the minimal sets that are contained in no such S (minimal hitting sets of the difference
# sets). Up to 20 columns they are read off the whole attribute lattice at once (._lattice);
# wider tables induce them Berge-style with numpy. Tiny tables skip row pairs altogether and
# count the distinct values of every column set (._lattice again). Small tables compare every
# pair of rows, which makes the result exact without validation; long tables compare every
# same-value pair of the columns with small clusters (so candidates with such a column on the
# left are exact) and neighbours in sorted clusters of the others (HyFD's sampling), then
# validate the remaining candidates on the whole table; a failed candidate yields the pairs
# that break it, whose agree sets refine the candidates, until all hold.

_ALL_PAIRS_MAX = 2_000_000  # compare every pair of rows up to this many pairs (n ~ 2,000)
_CHUNK = 1 << 20


def _mask_dtype(m: int) -> Any:
    return np.uint8 if m <= 8 else np.uint16 if m <= 16 else np.uint32 if m <= 32 else np.int64


def _masks(eq: np.ndarray) -> np.ndarray:
    """Bitmask per column of ``eq`` (attributes x pairs, True where the pair agrees)."""
    weights = np.left_shift(1, np.arange(eq.shape[0], dtype=np.int64))
    return weights @ eq


def _agree(matrix: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Agree-set bitmask of each row pair (``matrix``: columns x rows codes)."""
    return _masks(matrix[:, i] == matrix[:, j])


def _all_pair_agree_sets(matrix: np.ndarray) -> np.ndarray:
    """Agree sets of every pair of rows: a block of rows against the rows from there on.

    Broadcast comparisons (no index gathers) on the narrowest integer types; the few pairs of a
    row with itself add the all-attribute set, which is no non-FD for any attribute.
    """
    m, n = matrix.shape
    top = int(matrix.max(initial=0))
    small = matrix.astype(np.int16 if top < 2**15 else np.int32 if top < 2**31 else np.int64)
    dtype = _mask_dtype(m)
    # blocks of rows against the rows from there on: about the upper triangle, bounded memory
    step = max(1, min(_CHUNK // max(n, 1), max(64, n // 4)))
    seen = np.zeros(1 << m, dtype=bool) if m <= 16 else None  # small masks: a bitmap beats np.unique
    found = []
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        block = np.zeros((hi - lo, n - lo), dtype=dtype)
        for c in range(m):
            col = small[c]
            eq = col[lo:hi, None] == col[None, lo:]
            block |= eq.astype(dtype) << dtype(c) if dtype is not np.int64 else eq.astype(dtype) << c
        if seen is not None:
            seen[block.ravel()] = True
        else:
            found.append(np.unique(block))
    if seen is not None:
        return np.flatnonzero(seen).astype(np.int64)
    return np.unique(np.concatenate(found)).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


_COMPLETE_PAIRS = 8  # a column's every same-value pair is compared when there are <= 8 per row


def _sampled_agree_sets(matrix: np.ndarray, window: int) -> tuple[np.ndarray, int]:
    """Agree sets of neighbouring rows in each column's clusters (sorted by the next column), and
    the columns whose clusters were compared completely.

    A column whose clusters are small (few pairs of rows share a value) has *all* its same-value
    pairs compared: then every agree set that contains the column is known, so a candidate FD with
    that column on its left needs no validation. Other columns compare neighbours up to
    ``window`` apart (HyFD's sampling). Each column's order is one radix lexsort (the codes are
    16-bit where they fit); the agree sets of the pairs ``d`` apart come from one comparison of
    the reordered table with itself shifted by ``d``.
    """
    m, n = matrix.shape
    found, complete = [], 0
    for c in range(m):
        sizes = np.bincount(matrix[c])
        pairs = int((sizes * (sizes - 1)).sum()) // 2
        every = pairs <= _COMPLETE_PAIRS * n
        reach = int(sizes.max(initial=1)) - 1 if every else window
        complete |= every << c
        perm = np.lexsort((matrix[(c + 1) % m], matrix[c]))
        ordered = matrix[:, perm]
        for d in range(1, reach + 1):
            same = ordered[c, :-d] == ordered[c, d:]
            idx = np.flatnonzero(same)
            if not len(idx):
                break
            if 4 * len(idx) > n:  # most neighbours qualify: shifted slices beat gathers
                found.append(_masks(ordered[:, :-d] == ordered[:, d:])[same])
            else:
                found.append(_masks(ordered[:, idx] == ordered[:, idx + d]))
    return _distinct(found, m), complete


def _distinct(masks: list[np.ndarray], m: int) -> np.ndarray:
    """The distinct masks of ``masks``, sorted (a bitmap over every mask when there are few)."""
    if not masks:
        return np.zeros(0, dtype=np.int64)
    if m > LATTICE_MAX_COLUMNS:
        return np.unique(np.concatenate(masks))
    seen = np.zeros(1 << m, dtype=bool)
    for part in masks:
        seen[part] = True
    return np.flatnonzero(seen)


def _maximal_by_rhs(agree: np.ndarray, m: int) -> list[np.ndarray]:
    """For each attribute A, the maximal agree sets that lack A (the strongest non-FDs for A)."""
    full = (1 << m) - 1
    dtype = np.int32 if m < 31 else np.int64
    a: Any = np.unique(agree).astype(dtype)
    pc = np.bitwise_count(a).astype(np.int64)
    order = np.argsort(-pc, kind="stable")
    a, pc = a[order], pc[order]
    comp = (full & ~a).astype(dtype)
    # U[s] = attributes missing from some proper superset of s; s is maximal for A iff A is
    # missing from s but not from U[s]. Only sets with more attributes can be proper supersets.
    u: Any = np.zeros(len(a), dtype=dtype)
    step = max(1, (1 << 21) // max(len(a), 1))
    for lo in range(0, len(a), step):
        s = a[lo : lo + step]
        bound = int(np.searchsorted(-pc, -pc[len(s) + lo - 1], side="left"))
        if bound == 0:
            continue
        t, tc = a[:bound], comp[:bound]
        sup = ((s[:, None] & tc[None, :]) == 0) & (s[:, None] != t[None, :])
        u[lo : lo + step] = np.bitwise_or.reduce(np.where(sup, tc[None, :], 0), axis=1)
    out = []
    for attr in range(m):
        bit = 1 << attr
        keep = ((a & bit) == 0) & ((u & bit) == 0)
        out.append(a[keep].astype(np.int64))
    return out


_SMALL = 48  # below this many candidates plain Python ints beat numpy's per-call overhead


def _induce(maximal: np.ndarray, attr: int, m: int, max_lhs: int | None) -> np.ndarray:
    """Minimal LHS masks for ``attr``: minimal sets contained in none of ``maximal`` (Berge).

    Each maximal non-FD set s invalidates the candidates inside it; each of those, x, is
    specialised to x + {b} for every b outside s. Such a y is minimal unless a surviving candidate
    z (not inside s) lies below it; z must then hold b, and distinct x give incomparable y, so only
    the survivors need checking.
    """
    full = (1 << m) - 1
    cands: Any = [0]
    for s in sorted(maximal.tolist(), key=lambda v: -v.bit_count()):
        outside = full & ~s & ~(1 << attr)
        if isinstance(cands, list) and len(cands) <= _SMALL:
            bad = [x for x in cands if x & ~s == 0]
            if not bad:
                continue
            keep = [x for x in cands if x & ~s]
            grow = [1 << b for b in range(m) if outside >> b & 1]
            new = [y for x in bad for y in (x | g for g in grow) if all(z & ~y for z in keep)]
            if max_lhs is not None:
                new = [y for y in new if y.bit_count() <= max_lhs]
            cands = keep + new
            continue
        arr = np.asarray(cands, dtype=np.int64)
        inside = (arr & ~s) == 0
        if not inside.any():
            cands = arr
            continue
        bad_a, keep_a = arr[inside], arr[~inside]
        grow_a = np.array([1 << b for b in range(m) if outside >> b & 1], dtype=np.int64)
        if len(grow_a) == 0:
            cands = keep_a
            continue
        y = (bad_a[:, None] | grow_a[None, :]).ravel()
        if len(keep_a):
            dominated = np.zeros(len(y), dtype=bool)
            step = max(1, (1 << 20) // len(keep_a))
            for lo in range(0, len(y), step):
                blk = y[lo : lo + step]
                dominated[lo : lo + step] = ((keep_a[None, :] & ~blk[:, None]) == 0).any(axis=1)
            y = y[~dominated]
        if max_lhs is not None:
            y = y[np.bitwise_count(y) <= max_lhs]
        cands = np.concatenate([keep_a, y])
    return np.asarray(cands, dtype=np.int64)


def _violations(
    matrix: np.ndarray, lhs: int, rhs: list[int], per_fd: int, plis: Sequence[np.ndarray]
) -> tuple[list[int], list[np.ndarray]]:
    """Which ``lhs -> a`` fail on the whole table, and agree sets of row pairs that break them.

    Only rows in a non-singleton cluster of *every* LHS column can share an LHS value with another
    row, so the check runs on the smallest such cluster set (``plis``: rows of each column's
    stripped partition), as HyFD validates from the PLI of one LHS attribute. Those rows are
    sorted by their LHS values (a radix lexsort on 16-bit codes, no hashing): an FD fails iff two
    neighbours agree on the LHS and differ on the RHS.
    """
    cols = _bits(lhs)
    rows = min((plis[c] for c in cols), key=len) if cols else np.arange(matrix.shape[1])
    if len(rows) < 2:
        return [], []
    k = len(cols)
    if k:
        rows = rows[np.lexsort(matrix[np.array(cols)[:, None], rows[None, :]])]
    part = matrix[np.array(cols + rhs)[:, None], rows[None, :]]
    step = part[:, 1:] != part[:, :-1]
    bad = step[k:] & ~np.logical_or.reduce(step[:k], axis=0) if k else step
    failed, evidence = [], []
    for j in np.flatnonzero(bad.any(axis=1)).tolist():
        failed.append(rhs[j])
        idx = np.flatnonzero(bad[j])
        pick = idx[:: max(1, len(idx) // per_fd)][:per_fd]
        evidence.append(_agree(matrix, rows[pick], rows[pick + 1]))
    return failed, evidence


def _candidates(agree: np.ndarray, m: int, max_lhs: int | None) -> list[tuple[int, int]]:
    """Minimal LHS per attribute contained in no agree set that lacks it: over the whole lattice
    when it is small (:mod:`._lattice`), else Berge-style from the maximal agree sets."""
    if m <= LATTICE_MAX_COLUMNS:
        return minimal_fds(lost_from_agree_sets(agree, m), m, max_lhs)
    maximal = _maximal_by_rhs(agree, m) if len(agree) else [np.zeros(0, dtype=np.int64)] * m
    return [(int(x), a) for a in range(m) for x in _induce(maximal[a], a, m, max_lhs).tolist()]


def _method(n: int, m: int) -> str:
    """How the hybrid gets its non-FDs: ``counts`` (distinct values of every column set; tiny
    tables), ``pairs`` (every pair of rows) or ``sampled`` (neighbours, then validation)."""
    if m <= LATTICE_MAX_COLUMNS and (n << m) <= CUBE_MAX_CELLS and (8 << m) <= n * m:
        return "counts"
    return "pairs" if n * (n - 1) // 2 <= _ALL_PAIRS_MAX else "sampled"


def _hybrid(enc: Encoded, max_lhs: int | None) -> tuple[list[tuple[int, int]], dict[str, int]]:
    m, n = len(enc.columns), enc.n_rows
    if m > 62:
        raise ModelError("the hybrid algorithm handles up to 62 columns; use algorithm='tane'")
    if m == 0:
        return [], {}
    matrix = np.vstack(enc.codes) if n else np.zeros((m, 0), dtype=np.int64)
    method = _method(n, m)
    if method == "counts":
        lost = lost_from_counts(matrix, enc.cardinality)
        if lost is not None:
            return minimal_fds(lost, m, max_lhs), {"column_sets": 1 << m, "rounds": 1}
        method = "pairs" if n * (n - 1) // 2 <= _ALL_PAIRS_MAX else "sampled"
    if n:  # the narrowest codes: less memory traffic, and numpy radix-sorts 16-bit keys
        top = max(enc.cardinality)
        matrix = matrix.astype(np.uint16 if top <= 2**16 else np.int32 if top < 2**31 else np.int64)
    stats = {"agree_sets": 0, "rounds": 0, "validated": 0}
    exact = method == "pairs"
    complete = 0  # columns all of whose same-value pairs were compared
    if exact:
        agree = _all_pair_agree_sets(matrix)
    else:
        agree, complete = _sampled_agree_sets(matrix, window=2)
        stats["complete_columns"] = complete.bit_count()
    if n <= 1:
        agree = np.zeros(0, dtype=np.int64)
    plis = [] if exact else [np.flatnonzero(np.bincount(c)[c] > 1) for c in enc.codes]
    while True:
        stats["rounds"] += 1
        stats["agree_sets"] = len(agree)
        found = _candidates(agree, m, max_lhs)
        if exact:
            return found, stats
        by_lhs: dict[int, list[int]] = {}
        for x, a in found:
            if not x & complete:  # else every pair agreeing on x is known: x -> a holds
                by_lhs.setdefault(x, []).append(a)
        new = []
        for x, rhs in by_lhs.items():
            stats["validated"] += len(rhs)
            _failed, evidence = _violations(matrix, x, rhs, per_fd=32, plis=plis)
            new.extend(evidence)
        if not new:
            return found, stats
        agree = np.unique(np.concatenate([agree, *new]))


def _order(columns: Sequence[str], found: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """By RHS column, then LHS size, then LHS columns (a bit-reversed mask, negated, orders sets of
    one size like their sorted column tuples)."""
    found = list(found)
    width = len(columns)
    if width > 62 or len(found) < 64:  # few FDs (or masks beyond int64): a plain sort is cheaper
        return sorted(found, key=lambda t: (t[1], t[0].bit_count(), -int(f"{t[0]:0{width}b}"[::-1] or "0", 2)))
    pairs = np.array(found, dtype=np.int64)
    lhs = pairs[:, 0]
    rev = np.zeros_like(lhs)
    for b in range(width):
        rev |= ((lhs >> b) & 1) << (width - 1 - b)
    return [(x, a) for x, a in pairs[np.lexsort((-rev, np.bitwise_count(lhs), pairs[:, 1]))].tolist()]


def _key_codes(enc: Encoded, cols: Sequence[int]) -> np.ndarray:
    """One int64 code per row for the combination of ``cols`` (refactorized to avoid overflow)."""
    if not cols:
        return np.zeros(enc.n_rows, dtype=np.int64)
    key = enc.codes[cols[0]].copy()
    for c in cols[1:]:
        key = key * enc.cardinality[c] + enc.codes[c]
        if enc.n_rows and key.max() > 2**52:
            key = pd.factorize(key)[0].astype(np.int64)
    return key


def _partition_of(enc: Encoded, mask: int, cache: dict[int, _Partition]) -> _Partition:
    if mask not in cache:
        key = pd.factorize(_key_codes(enc, _bits(mask)))[0]
        cache[mask] = _strip(np.arange(enc.n_rows), key, int(key.max(initial=-1)) + 1)
    return cache[mask]


ALGORITHMS = ("auto", "tane", "hybrid")


@overload
def discover_fds(
    data: pd.DataFrame | str | Path | Encoded,
    *,
    max_lhs: int | None = ...,
    max_error: float = ...,
    null_equal: bool = ...,
    algorithm: str = ...,
    explain: Literal[False] = ...,
) -> Discovery: ...


@overload
def discover_fds(
    data: pd.DataFrame | str | Path | Encoded,
    *,
    max_lhs: int | None = ...,
    max_error: float = ...,
    null_equal: bool = ...,
    algorithm: str = ...,
    explain: Literal[True],
) -> Explanation: ...


def discover_fds(
    data: pd.DataFrame | str | Path | Encoded,
    *,
    max_lhs: int | None = None,
    max_error: float = 0.0,
    null_equal: bool = True,
    algorithm: str = "auto",
    explain: bool = False,
) -> Discovery | Explanation:
    """All minimal non-trivial FDs ``X -> A`` of ``data`` (g3 error at most ``max_error``).

    ``data`` is a DataFrame, a CSV path, or the :class:`Encoded` table from :func:`encode` (encode
    once, discover several times; its NULL semantics are the ones it was encoded with).
    ``max_lhs`` bounds the LHS size; ``null_equal`` chooses NULL semantics (see the module doc).
    ``algorithm``: ``"tane"`` (exact or approximate), ``"hybrid"`` (exact only, much faster on
    wide or long tables) or ``"auto"`` (hybrid for exact FDs, TANE for approximate ones).
    ``explain=True`` returns the steps (encoding, agree sets or lattice size) with the result.

    >>> df = pd.DataFrame({"order": [1, 1, 2, 3], "customer": ["ann", "ann", "bob", "ann"],
    ...                    "city": ["oslo", "oslo", "rome", "oslo"]})
    >>> print(discover_fds(df).text())
    order -> customer
    city -> customer
    order -> city
    customer -> city
    """
    if not 0.0 <= max_error < 1.0:
        raise ModelError(f"max_error must be in [0, 1), not {max_error}")
    if max_lhs is not None and max_lhs < 0:
        raise ModelError(f"max_lhs must be >= 0, not {max_lhs}")
    if algorithm not in ALGORITHMS:
        raise ModelError(f"algorithm must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}")
    enc = data if isinstance(data, Encoded) else encode(data, null_equal=null_equal)
    null_equal = enc.null_equal
    if algorithm == "auto":
        algorithm = "hybrid" if max_error == 0 and len(enc.columns) <= 62 else "tane"
    if algorithm == "hybrid":
        if max_error:
            raise ModelError("the hybrid algorithm finds exact FDs only; use algorithm='tane' with max_error")
        found, stats = _hybrid(enc, max_lhs)
    else:
        found, stats = _tane(enc, max_error, max_lhs)
    result = []
    names: dict[int, frozenset[str]] = {}
    columns = enc.columns
    singles = [frozenset((c,)) for c in columns]
    for lhs, a in _order(columns, found):
        err = 0.0
        if max_error and enc.n_rows:
            err = _g3_removals(_partition_of(enc, lhs, {}), enc.codes[a], enc.cardinality[a]) / enc.n_rows
        name = names.get(lhs)
        if name is None:
            name = names[lhs] = frozenset([columns[i] for i in _bits(lhs)])
        result.append(DiscoveredFD(FD(name, singles[a]), err))
    found_ = Discovery(enc.columns, tuple(result), enc.n_rows, null_equal, max_error, max_lhs, algorithm, stats, enc)
    if not explain:
        return found_
    cards = ", ".join(f"{c} {k}" for c, k in zip(enc.columns, enc.cardinality))
    steps = [
        Step(
            f"{enc.n_rows} rows, {len(enc.columns)} columns; distinct values per column: {cards} "
            f"(NULL {'=' if null_equal else '≠'} NULL)",
            "note",
            {"cardinality": dict(zip(enc.columns, enc.cardinality))},
        )
    ]
    if algorithm == "hybrid" and "column_sets" in stats:
        steps.append(
            Step(
                f"distinct values counted for all {stats['column_sets']} column sets (a table this "
                f"small needs no row pairs)",
                "note",
                dict(stats),
            )
        )
    elif algorithm == "hybrid":
        how = (
            "every pair of rows compared"
            if "complete_columns" not in stats
            else f"every same-value pair of {stats['complete_columns']} column(s) with small clusters and "
            f"neighbouring rows in the other columns' clusters compared; {stats['validated']} candidate FD(s) "
            f"without such a column on the left validated on all rows"
        )
        steps.append(
            Step(
                f"agree sets (the columns two rows share, each a non-FD for the others): "
                f"{stats.get('agree_sets', 0)} distinct; {how}; {stats.get('rounds', 0)} round(s)",
                "note",
                dict(stats),
            )
        )
    else:
        steps.append(
            Step(
                f"TANE: {stats.get('nodes', 0)} attribute sets visited in the lattice, "
                f"{stats.get('products', 0)} partition products",
                "note",
                dict(stats),
            )
        )
    steps.append(
        Step(
            f"{len(result)} minimal FDs"
            + (f" with at most {max_lhs} attributes on the left" if max_lhs is not None else ""),
            "result",
        )
    )
    return Explanation("FD discovery", tuple(steps), found_, f"{len(result)} minimal FDs")


def _resolve(enc: Encoded, names: Iterable[str], what: str) -> list[int]:
    idx = []
    for name in names:
        if name not in enc.columns:
            raise ModelError(f"no column {name!r} in the data", where=what)
        idx.append(enc.columns.index(name))
    return idx


def fd_error(data: pd.DataFrame | Encoded, fd: FD | str, null_equal: bool = True) -> float:
    """g3 error of ``fd`` on ``data``: the fraction of rows to delete for it to hold.

    >>> fd_error(pd.DataFrame({"a": [1, 1, 1, 2], "b": [1, 1, 2, 3]}), "a -> b")
    0.25
    """
    enc = data if isinstance(data, Encoded) else encode(data, null_equal=null_equal)
    fd = FD.parse(fd) if isinstance(fd, str) else fd
    lhs = sum(1 << i for i in _resolve(enc, fd.lhs, str(fd)))
    p = _partition_of(enc, lhs, {})
    worst = 0
    for a in _resolve(enc, fd.rhs, str(fd)):
        worst = max(worst, _g3_removals(p, enc.codes[a], enc.cardinality[a]))
    return worst / enc.n_rows if enc.n_rows else 0.0


def witnesses(data: pd.DataFrame, fd: FD | str, limit: int = 20, null_equal: bool = True) -> pd.DataFrame:
    """Rows that break ``fd``: every row of each LHS group that has more than one RHS value (the
    clusters of :func:`~.evidence.validate_fd`, largest first, at most ``limit`` of them).

    The result keeps the original index and adds ``_group`` (0, 1, ... one number per LHS value).

    >>> df = pd.DataFrame({"a": [1, 1, 2], "b": ["x", "y", "z"]})
    >>> witnesses(df, "a -> b")[["a", "b"]].values.tolist()
    [[1, 'x'], [1, 'y']]
    """
    from .evidence import validate_fd

    rows = validate_fd(data, fd, null_equal=null_equal, limit=max(limit, 0) or None).violating
    return rows.assign(_group=rows.pop("_cluster") - 1)


@dataclass(frozen=True)
class DataKeys:
    """Candidate keys found in data, or why there are none (duplicate rows)."""

    keys: tuple[frozenset[str], ...]
    duplicate_rows: int
    columns: tuple[str, ...]

    @property
    def message(self) -> str:
        if self.duplicate_rows:
            return (
                f"no key: {self.duplicate_rows} row(s) duplicate another row entirely, so no set of "
                f"columns identifies every row (set semantics needs distinct rows)"
            )
        return "; ".join("{" + ", ".join(sorted(k, key=self.columns.index)) + "}" for k in self.keys)

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.message)}</p>"


def keys_from_data(
    data: pd.DataFrame | str | Path, *, max_size: int | None = None, null_equal: bool = True
) -> DataKeys:
    """Minimal column sets whose values are unique in ``data`` (its candidate keys as sampled).

    >>> str(keys_from_data(pd.DataFrame({"a": [1, 1, 2], "b": [1, 2, 1], "c": [1, 2, 3]})))
    '{c}; {a, b}'
    """
    enc = data if isinstance(data, Encoded) else encode(data, null_equal=null_equal)
    n = enc.n_rows
    all_cols = list(range(len(enc.columns)))
    dupes = n - len(np.unique(_key_codes(enc, all_cols))) if n else 0
    if dupes:
        return DataKeys((), int(dupes), enc.columns)
    # Minimal uniques: level-wise over the lattice with stripped partitions (TANE's key pruning).
    keys: list[int] = []
    scratch = _Scratch(max(n, 1))
    level = {1 << i: _single(enc.codes[i], enc.cardinality[i]) for i in all_cols}
    size = 1
    while level and (max_size is None or size <= max_size):
        survivors = {}
        for x, p in level.items():
            if p.k == 0:
                keys.append(x)
            else:
                survivors[x] = p
        blocks: dict[int, list[int]] = {}
        for x in survivors:
            blocks.setdefault(x ^ (1 << (x.bit_length() - 1)), []).append(x)
        nxt = {}
        for members in blocks.values():
            members.sort()
            for i, y in enumerate(members):
                for z in members[i + 1 :]:
                    x = y | z
                    if all((x ^ (1 << b)) in survivors for b in _bits(x)):
                        nxt[x] = _product(survivors[y], survivors[z], scratch)
        level = nxt
        size += 1
    if n <= 1:
        keys = [0]
    ordered = sorted(keys, key=lambda k: (k.bit_count(), _bits(k)))
    return DataKeys(tuple(frozenset(enc.columns[i] for i in _bits(k)) for k in ordered), 0, enc.columns)
