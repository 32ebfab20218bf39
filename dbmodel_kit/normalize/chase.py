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

from ..errors import ModelError
from .explain import Explanation, Step, grid
from .fd import FD, Attrs, attr_list, fmt_attrs, singletons
from .restrict import on_relation

__all__ = ["ChaseResult", "chase"]


@dataclass(frozen=True)
class ChaseResult:
    """The verdict and the final tableau (``rows[i][j]`` is a symbol)."""

    lossless: bool
    attributes: tuple[str, ...]
    relations: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.lossless

    def text(self) -> str:
        verdict = "lossless" if self.lossless else "lossy (no row became all distinguished)"
        labels = ["(" + ", ".join(r) + ")" for r in self.relations]
        notes = "".join(f"\nnote: {n}" for n in self.notes)
        return grid(self.attributes, self.rows, row_labels=labels).text() + f"\n{verdict}" + notes

    def _repr_html_(self) -> str:
        labels = ["(" + ", ".join(r) + ")" for r in self.relations]
        verdict = "lossless" if self.lossless else "lossy"
        notes = "".join(f"<p><i>note: {html.escape(n)}</i></p>" for n in self.notes)
        return grid(self.attributes, self.rows, row_labels=labels).html() + f"<p>{html.escape(verdict)}</p>" + notes


def _rank(sym: str) -> tuple[int, str]:
    return (0 if sym.startswith("a") else 1, sym)


def chase(attributes: Attrs, relations: Iterable[Attrs], fds: Iterable[FD | str] | str,
          explain: bool = False) -> ChaseResult | Explanation:
    """Chase the tableau of the decomposition ``relations`` of ``attributes`` under ``fds``.

    FDs naming attributes outside the relation are restricted to it by closure (the result's
    ``notes`` say so); a sub-relation naming one is an error.

    >>> chase("A B C", ["A B", "B C"], "B -> C").lossless
    True
    >>> chase("A B C", ["A B", "A C"], "B -> C").lossless
    False
    """
    rel = on_relation(attributes, fds)
    names = list(rel.names)
    subs: list[list[str]] = []
    for i, r in enumerate(relations, 1):
        sub = attr_list(r, names)
        unknown = [a for a in sub if a not in set(names)]
        if unknown:
            raise ModelError(f"({', '.join(sub)}) names {', '.join(unknown)}, not "
                             f"{'an attribute' if len(unknown) == 1 else 'attributes'} of ({fmt_attrs(names, names)})",
                             where=f"relation {i}")
        if not sub:
            raise ModelError("a relation needs at least one attribute", where=f"relation {i}")
        subs.append(sub)
    if not subs:
        raise ModelError("give the relations of the decomposition")
    fd_list = singletons(rel.fds)
    col = {a: j for j, a in enumerate(names)}
    tab = [[f"a{j + 1}" if a in set(r) else f"b{i + 1}{j + 1}" for j, a in enumerate(names)]
           for i, r in enumerate(subs)]
    labels = ["(" + ", ".join(r) + ")" for r in subs]
    steps = [Step(n, "note") for n in rel.notes]
    steps.append(Step("initial tableau: a row per relation, a<j> where it has attribute j", "chase",
                      table=grid(names, tab, row_labels=labels)))
    usable = fd_list

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
    result = ChaseResult(lossless, tuple(names), tuple(tuple(r) for r in subs), tuple(tuple(r) for r in tab),
                         rel.notes)
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
