"""Evidence from data for one FD: the rows that break it, or how much the rows that keep it prove.

:func:`validate_fd` checks ``X -> Y`` on a sample the way an FD validator does (Desbordante's FD
verifier reports the same figures; it serves only as the reference in ``bench/``, never as a
dependency): when the FD does not hold, the *clusters* of rows that agree on X but not on Y, each
with its X value, its Y values and how often each occurs; when it holds, the *support* (rows
whose X value occurs more than once: only they could have contradicted it) and a warning when it
may hold by accident.

"By accident" is measured, not guessed: if Y were unrelated to X, with the sample's own frequencies
p_v of Y's values, a group of n rows sharing an X value would agree on Y with probability
sum_v p_v^n, so the whole sample would satisfy the FD with probability ``chance`` = the product of
that over X's repeated values. A small support or a Y with few distinct values makes ``chance``
large; a warning is given when it is at least ``alpha`` (default 5%), or when no X value repeats.
NULLs follow ``null_equal`` as in :func:`~.discovery.encode`.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from .fd import FD, fmt_attrs

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Cluster", "FDValidation", "accident_chance", "validate_fd"]


@dataclass(frozen=True)
class Cluster:
    """Rows that agree on the left-hand side but not on the right: a counterexample to the FD."""

    lhs_value: tuple[Any, ...]
    rows: tuple[Any, ...]                     # index labels of the rows, in order
    rhs_values: tuple[tuple[Any, int], ...]   # (right-hand value, rows with it), most frequent first

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def distinct_rhs(self) -> int:
        return len(self.rhs_values)

    @property
    def most_frequent_share(self) -> float:
        """The share of the cluster's rows holding its most frequent right-hand value."""
        return self.rhs_values[0][1] / self.size if self.rows else 0.0


@dataclass(frozen=True, eq=False)
class FDValidation:
    """The verdict on one FD in one sample, with the evidence either way (see the module doc)."""

    fd: FD
    columns: tuple[str, ...]
    holds: bool
    rows: int
    support: int            # rows whose left-hand value occurs more than once
    repeated: int           # left-hand values that occur more than once
    lhs_distinct: int
    rhs_distinct: int
    error_rows: int         # rows in clusters that break the FD
    g3: float               # fraction of rows to delete for the FD to hold
    g1: float               # fraction of ordered row pairs that agree on X and differ on Y
    chance: float           # probability to hold if Y were unrelated to X (1.0 when nothing repeats)
    clusters: tuple[Cluster, ...]
    warnings: tuple[str, ...]
    violating: pd.DataFrame = field(repr=False)  # the rows of the clusters, with a ``_cluster`` column

    def __bool__(self) -> bool:
        return self.holds

    def _fd_text(self) -> str:
        return self.fd.text(self.columns)

    def summary(self) -> str:
        lhs = fmt_attrs(self.fd.lhs, self.columns) or "∅"
        if not self.holds:
            return (f"{self._fd_text()} does not hold: {self.error_rows} of {self.rows} rows in "
                    f"{len(self.clusters)} cluster(s) agree on {lhs} but not on {fmt_attrs(self.fd.rhs, self.columns)} "
                    f"(g3 error {self.g3:.3g}: delete {round(self.g3 * self.rows)} row(s) to make it hold)")
        return (f"{self._fd_text()} holds in {self.rows} rows; support {self.support}: {self.support} row(s) share "
                f"a value of {lhs} with another row ({self.repeated} repeated value(s)); chance to hold by accident "
                f"{self.chance:.2g}")

    def text(self) -> str:
        lines = [self.summary()]
        rhs = fmt_attrs(self.fd.rhs, self.columns)
        for i, c in enumerate(self.clusters, 1):
            values = ", ".join(f"{_show(v)} ({n})" for v, n in c.rhs_values)
            where = f"{self.violating.index.name}s" if self.violating.index.name else "rows"
            rows = ", ".join(map(str, c.rows))
            lines.append(f"  cluster {i}: {fmt_attrs(self.fd.lhs, self.columns) or '∅'} = "
                         f"{', '.join(map(_show, c.lhs_value))}: {rhs} = {values}; {where} {rows}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython's text/plain: the report, not the fields
        p.text(self.text())

    def _repr_html_(self) -> str:
        esc = html.escape
        color = "#1a7f37" if self.holds else "#b00020"
        parts = [f'<p><b style="color:{color}">{esc(self.summary())}</b></p>']
        parts += [f'<p style="color:#b35900">warning: {esc(w)}</p>' for w in self.warnings]
        if not self.violating.empty:
            rhs = set(self.fd.rhs)
            head = "".join(f"<th>{esc(str(c))}</th>" for c in self.violating.columns)
            body = []
            for label, row in self.violating.iterrows():
                cells = "".join(
                    f'<td style="background:#ffe08a;font-weight:bold">{esc(_show(v))}</td>' if c in rhs
                    else f"<td>{esc(_show(v))}</td>" for c, v in row.items())
                body.append(f"<tr><th>{esc(str(label))}</th>{cells}</tr>")
            parts.append(f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
        return "<div>" + "".join(parts) + "</div>"


def _show(value: Any) -> str:
    return "NULL" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def accident_chance(group_sizes: np.ndarray, rhs_codes: np.ndarray) -> float:
    """Probability that groups of these sizes would each be constant on a right-hand side drawn
    independently with the frequencies of ``rhs_codes`` (see the module doc).

    >>> import numpy as np
    >>> round(accident_chance(np.array([2, 2]), np.array([0, 1, 0, 1])), 4)  # (1/2 * 1/2 + 1/2 * 1/2) ** 2
    0.25
    """
    import numpy as np

    sizes = np.asarray(group_sizes)
    sizes = sizes[sizes > 1]
    if not len(sizes) or not len(rhs_codes):
        return 1.0
    p = np.bincount(rhs_codes) / len(rhs_codes)
    p = p[p > 0]
    total = 0.0
    for n, count in zip(*np.unique(sizes, return_counts=True)):
        total += int(count) * math.log(float(np.sum(p ** int(n))))
    return math.exp(total)


def validate_fd(data: pd.DataFrame | str | Path, fd: FD | str, *, null_equal: bool = True, alpha: float = 0.05,
                limit: int | None = 20) -> FDValidation:
    """Check ``fd`` on the rows of ``data``: the clusters that break it, or its support and the
    chance that it holds by accident (see the module doc). ``limit`` caps the clusters kept (the
    largest first; the counts cover all of them).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["c1", "c1", "c2"], "city": ["Oslo", "Olso", "Rome"]})
    >>> print(validate_fd(df, "id -> city"))  # doctest: +NORMALIZE_WHITESPACE
    id -> city does not hold: 2 of 3 rows in 1 cluster(s) agree on id but not on city (g3 error 0.333:
    delete 1 row(s) to make it hold)
      cluster 1: id = c1: city = Oslo (1), Olso (1); rows 0, 1
    """
    import numpy as np
    import pandas as pd

    from .discovery import _key_codes, encode, read_csv

    if not isinstance(data, pd.DataFrame):
        data = read_csv(data)
    if not 0 <= alpha <= 1:
        raise ModelError(f"alpha must be between 0 and 1, not {alpha!r}")
    enc = encode(data, null_equal=null_equal)
    fd = FD.parse(fd, enc.columns) if isinstance(fd, str) else fd
    missing = [a for a in sorted(fd.attributes) if a not in enc.columns]
    if missing:
        raise ModelError(f"no column {missing[0]!r} in the data (columns: {', '.join(enc.columns)})", where=str(fd))
    lcols = [enc.columns.index(a) for a in enc.columns if a in fd.lhs]
    rcols = [enc.columns.index(a) for a in enc.columns if a in fd.rhs and a not in fd.lhs]
    n = enc.n_rows
    group = pd.factorize(_key_codes(enc, lcols))[0] if n else np.zeros(0, dtype=np.int64)
    value = pd.factorize(_key_codes(enc, rcols))[0] if n else np.zeros(0, dtype=np.int64)
    sizes = np.bincount(group) if n else np.zeros(0, dtype=np.int64)
    repeated = sizes > 1
    support = int(sizes[repeated].sum())
    # distinct right-hand values per group: distinct (group, value) pairs counted per group
    pairs = np.unique(group.astype(np.int64) * (int(value.max(initial=0)) + 1) + value) if n else np.zeros(0, np.int64)
    per_group = np.bincount(pairs // (int(value.max(initial=0)) + 1), minlength=len(sizes)) if n else sizes
    bad = np.flatnonzero(per_group > 1)
    clusters: list[Cluster] = []
    frames = []
    g3_keep = 0
    conflicting = 0
    error_rows = int(sizes[bad].sum()) if len(bad) else 0
    rhs_names = [enc.columns[i] for i in rcols]
    by_group = np.argsort(group, kind="stable")  # rows grouped, each group in row order
    start = np.concatenate(([0], np.cumsum(sizes)[:-1])) if n else sizes
    for rank, g in enumerate(sorted(bad.tolist(), key=lambda g: (-int(sizes[g]), g))):
        where = by_group[start[g]:start[g] + sizes[g]]
        counts = np.unique(value[where], return_counts=True)[1]
        g3_keep += int(counts.max())
        conflicting += int(len(where) * (len(where) - 1) - (counts * (counts - 1)).sum())
        if limit is not None and rank >= limit:
            continue
        rows = data.iloc[where]
        tally = rows[rhs_names].astype(object).apply(tuple, axis=1).value_counts(sort=True, dropna=False)
        rhs_values = tuple((v[0] if len(rhs_names) == 1 else v, int(c)) for v, c in tally.items())
        lhs_value = tuple(rows.iloc[0][enc.columns[i]] for i in lcols)
        clusters.append(Cluster(lhs_value, tuple(rows.index), rhs_values))
        frames.append(rows.assign(_cluster=len(clusters)))
    violating = pd.concat(frames) if frames else data.iloc[:0].assign(_cluster=pd.Series(dtype="int64"))
    holds = not len(bad)
    chance = accident_chance(sizes, value) if holds else 0.0
    lhs = fmt_attrs(fd.lhs, enc.columns) or "∅"
    rhs = fmt_attrs(fd.rhs, enc.columns)
    rhs_distinct = len(np.unique(value)) if n else 0
    warnings: list[str] = []
    if holds and n > 1:
        if not support:
            warnings.append(f"no two rows share a value of {lhs}, so these rows cannot contradict it (support 0: "
                            f"{lhs} is unique in the sample)")
        elif rhs_distinct <= 1:
            warnings.append(f"{rhs} has a single value in the sample, so every FD into it holds here "
                            f"(support {support})")
        elif chance >= alpha:
            warnings.append(f"it may hold by accident: support {support} of {n} rows ({int(repeated.sum())} repeated "
                            f"value(s) of {lhs}), and with {rhs}'s {rhs_distinct} distinct values an unrelated column "
                            f"would agree within those groups with probability {chance:.2g}")
    return FDValidation(fd, enc.columns, holds, n, support, int(repeated.sum()), len(sizes), rhs_distinct,
                        error_rows, (error_rows - g3_keep) / n if n else 0.0,
                        conflicting / (n * n - n) if n > 1 else 0.0, chance, tuple(clusters), tuple(warnings),
                        violating)

