"""The chase: is a decomposition a lossless join? The tableau is kept for display.

One row per sub-relation, one column per attribute; a row holds the distinguished symbol
``a<j>`` where its relation has attribute j, a row-specific ``b<i><j>`` elsewhere. Each FD
X -> A equates the A symbols of rows that agree on X (a distinguished symbol wins, else the
smaller subscript), across the whole column. The join is lossless iff some row becomes all
distinguished (Aho, Beeri & Ullman, "The theory of joins in relational databases", TODS 1979).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .explain import Explanation, Step, grid
from .fd import FD, Attrs, attr_list, fmt_attrs, parse_fds, singletons

__all__ = ["ChaseResult", "chase"]


@dataclass(frozen=True)
class ChaseResult:
    """The verdict and the final tableau (``rows[i][j]`` is a symbol)."""

    lossless: bool
    attributes: tuple[str, ...]
    relations: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return self.lossless

    def text(self) -> str:
        verdict = "lossless" if self.lossless else "lossy (no row became all distinguished)"
        labels = ["(" + ", ".join(r) + ")" for r in self.relations]
        return grid(self.attributes, self.rows, row_labels=labels).text() + f"\n{verdict}"

    def _repr_html_(self) -> str:
        labels = ["(" + ", ".join(r) + ")" for r in self.relations]
        verdict = "lossless" if self.lossless else "lossy"
        return grid(self.attributes, self.rows, row_labels=labels).html() + f"<p>{html.escape(verdict)}</p>"


def _rank(sym: str) -> tuple[int, str]:
    return (0 if sym.startswith("a") else 1, sym)


def chase(attributes: Attrs, relations: Iterable[Attrs], fds: Iterable[FD | str] | str,
          explain: bool = False) -> ChaseResult | Explanation:
    """Chase the tableau of the decomposition ``relations`` of ``attributes`` under ``fds``.

    >>> chase("A B C", ["A B", "B C"], "B -> C").lossless
    True
    >>> chase("A B C", ["A B", "A C"], "B -> C").lossless
    False
    """
    names = attr_list(attributes)
    subs: list[list[str]] = [attr_list(r) for r in relations]
    fd_list = singletons(parse_fds(fds, names) if isinstance(fds, str) else parse_fds(list(fds), names))
    col = {a: j for j, a in enumerate(names)}
    tab = [[f"a{j + 1}" if a in set(r) else f"b{i + 1}{j + 1}" for j, a in enumerate(names)]
           for i, r in enumerate(subs)]
    labels = ["(" + ", ".join(r) + ")" for r in subs]
    steps = [Step("initial tableau: a row per relation, a<j> where it has attribute j", "chase",
                  table=grid(names, tab, row_labels=labels))]
    usable = [f for f in fd_list if f.attributes <= set(names)]

    def done() -> bool:
        return any(all(s.startswith("a") for s in row) for row in tab)

    changed = True
    while changed and not done():
        changed = False
        for f in usable:
            lcols = [col[a] for a in f.lhs]
            j = col[next(iter(f.rhs))]
            groups: dict[tuple[str, ...], list[int]] = {}
            for i, row in enumerate(tab):
                groups.setdefault(tuple(row[c] for c in lcols), []).append(i)
            for members in groups.values():
                symbols = {tab[i][j] for i in members}
                if len(symbols) < 2:
                    continue
                target = min(symbols, key=_rank)
                marked = []
                for i, row in enumerate(tab):
                    if row[j] in symbols and row[j] != target:
                        row[j] = target
                        marked.append((i, j))
                changed = True
                steps.append(Step(
                    f"{f}: rows {', '.join(str(i + 1) for i in members)} agree on {fmt_attrs(f.lhs, names)}, "
                    f"so their {names[j]} symbols {', '.join(sorted(symbols, key=_rank))} become {target}",
                    "chase", {"fd": str(f), "rows": [i + 1 for i in members], "column": names[j], "to": target},
                    grid(names, tab, marked, labels)))
                if done():
                    break
            if done():
                break
    lossless = done()
    result = ChaseResult(lossless, tuple(names), tuple(tuple(r) for r in subs), tuple(tuple(r) for r in tab))
    if lossless:
        winner = next(i for i, row in enumerate(tab) if all(s.startswith("a") for s in row))
        steps.append(Step(f"row {winner + 1} is all distinguished: the join is lossless", "check"))
    else:
        steps.append(Step("no FD changes the tableau and no row is all distinguished: the join is lossy", "check"))
    if not explain:
        return result
    return Explanation(f"Chase of {' ⋈ '.join(labels)}", tuple(steps), result,
                       "lossless" if lossless else "lossy")


def chase_relations(relations: Sequence[Sequence[str]]) -> list[str]:
    """All attributes of ``relations`` in first-seen order."""
    return list(dict.fromkeys(a for r in relations for a in r))
