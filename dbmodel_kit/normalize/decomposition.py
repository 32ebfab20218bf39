"""Values for relations and decompositions, with the properties a decomposition is graded on."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .chase import ChaseResult, chase
from .fd import FD, attr_list, fmt_attrs, parse_fds
from .forms import NormalFormReport
from .preservation import PreservationResult, preserves_dependencies

__all__ = ["Decomposition", "Relation"]


@dataclass(frozen=True)
class Relation:
    """A relation schema: a name, its attributes in order, a chosen key and the FDs that hold on it."""

    name: str
    attributes: tuple[str, ...]
    key: tuple[str, ...] = ()
    fds: tuple[FD, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", tuple(self.attributes))
        object.__setattr__(self, "key", tuple(self.key))
        object.__setattr__(self, "fds", tuple(parse_fds(list(self.fds))))

    def text(self) -> str:
        cols = [f"_{a}_" if a in self.key else a for a in self.attributes]
        return f"{self.name}({', '.join(cols)})"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Decomposition:
    """Sub-relations of ``attributes`` under ``fds``; ``lossless()``, ``preserving()`` and
    ``normal_forms()`` are the properties a decomposition is graded on."""

    attributes: tuple[str, ...]
    fds: tuple[FD, ...]
    relations: tuple[Relation, ...]
    target: str = ""
    notes: tuple[str, ...] = field(default=())

    def attribute_sets(self) -> list[tuple[str, ...]]:
        return [r.attributes for r in self.relations]

    def lossless(self) -> ChaseResult:
        result = chase(self.attributes, self.attribute_sets(), self.fds)
        assert isinstance(result, ChaseResult)
        return result

    def preserving(self) -> PreservationResult:
        result = preserves_dependencies(self.fds, self.attribute_sets())
        assert isinstance(result, PreservationResult)
        return result

    def normal_forms(self) -> list[NormalFormReport]:
        """Each relation's normal form under the FDs that hold on it (``fds`` restricted to it)."""
        from .forms import _normal_form
        from .restrict import project_cover

        out = []
        for r in self.relations:
            report = _normal_form(r.attributes, project_cover(self.fds, r.attributes), None, False)
            assert isinstance(report, NormalFormReport)
            out.append(report)
        return out

    def text(self) -> str:
        return "\n".join([*(r.text() for r in self.relations), *(f"note: {n}" for n in self.notes)])

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        esc = html.escape
        items = []
        for r in self.relations:
            cols = ", ".join(f"<u>{esc(a)}</u>" if a in r.key else esc(a) for a in r.attributes)
            fds = "; ".join(f.text(r.attributes) for f in r.fds)
            items.append(f"<li><b>{esc(r.name)}</b>({cols})"
                         + (f" <small>{esc(fds)}</small>" if fds else "") + "</li>")
        notes = "".join(f"<p><i>note: {esc(n)}</i></p>" for n in self.notes)
        return f"<ul>{''.join(items)}</ul>{notes}"


def key_join_order(root: Iterable[str], others: Sequence[tuple[Iterable[str], Sequence[frozenset[str]]]],
                   ) -> list[tuple[int, frozenset[str]]] | None:
    """An order that joins each of ``others`` (attributes, candidate keys) to ``root`` along one of
    its keys held by what is joined so far, as (index, key) pairs; None when there is none.

    Whether a relation can join only grows as more are joined, so taking any joinable one first
    never blocks another: the greedy order finds one whenever one exists.

    >>> key_join_order("A B", [("B C", [frozenset("B")]), ("C D", [frozenset("C")])])
    [(0, frozenset({'B'})), (1, frozenset({'C'}))]
    >>> key_join_order("A B", [("C D", [frozenset("C")])]) is None
    True
    """
    have = set(attr_list(root) if isinstance(root, str) else root)
    left = list(range(len(others)))
    order: list[tuple[int, frozenset[str]]] = []
    while left:
        for i in left:
            key = next((k for k in others[i][1] if k <= have), None)
            if key is not None:
                break
        else:
            return None
        left.remove(i)
        order.append((i, key))
        attrs_ = others[i][0]
        have |= set(attr_list(attrs_) if isinstance(attrs_, str) else attrs_)
    return order


def name_relations(groups: Sequence[tuple[Sequence[str], Sequence[str]]], prefix: str = "R") -> list[str]:
    """``R1``, ``R2``, ... one per group (theory names; :mod:`.apply` picks table names)."""
    return [f"{prefix}{i}" for i in range(1, len(groups) + 1)]


def fmt_relations(relations: Iterable[Sequence[str]]) -> str:
    return ", ".join("(" + fmt_attrs(r, list(r)) + ")" for r in relations)
