"""Explanations: the steps a normalization function took, as data that renders as HTML and text.

Every function of :mod:`dbmodel_kit.normalize` that takes ``explain=True`` returns an
:class:`Explanation` whose ``result`` is what the function returns otherwise, and whose ``steps``
say how it got there (closure iterations, key search, cover steps, violations, splits, the chase
tableau row by row). Steps are plain values, so a widget, a test or a notebook can read them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Explanation", "Step", "Table"]


@dataclass(frozen=True)
class Table:
    """A small grid shown with a step (a chase tableau, a closure table); ``marked`` cells are highlighted."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    marked: frozenset[tuple[int, int]] = frozenset()
    row_labels: tuple[str, ...] = ()

    def text(self) -> str:
        labels = list(self.row_labels) if self.row_labels else [""] * len(self.rows)
        lw = max((len(s) for s in labels), default=0)
        grid = [[str(c) + ("*" if (i, j) in self.marked else "") for j, c in enumerate(r)]
                for i, r in enumerate(self.rows)]
        widths = [max([len(h)] + [len(r[j]) for r in grid]) for j, h in enumerate(self.header)]
        lines = [" " * lw + (" | " if lw else "") + " | ".join(h.ljust(w) for h, w in zip(self.header, widths))]
        lines.append("-" * len(lines[0]))
        for label, r in zip(labels, grid):
            prefix = label.ljust(lw) + (" | " if lw else "")
            lines.append(prefix + " | ".join(c.ljust(w) for c, w in zip(r, widths)))
        return "\n".join(line.rstrip() for line in lines)

    def html(self) -> str:
        esc = html.escape
        head = ("<th></th>" if self.row_labels else "") + "".join(f"<th>{esc(h)}</th>" for h in self.header)
        body = []
        for i, r in enumerate(self.rows):
            cells = [f"<th>{esc(self.row_labels[i])}</th>"] if self.row_labels else []
            for j, c in enumerate(r):
                style = ' style="background:#ffe08a;font-weight:bold"' if (i, j) in self.marked else ""
                cells.append(f"<td{style}>{esc(str(c))}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<table class="dbmodel-steps"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


@dataclass(frozen=True)
class Step:
    """One step: a sentence, its kind (``closure``, ``key``, ``cover``, ``violation``, ``split``,
    ``chase``, ``check``, ``note``), structured ``data`` and an optional :class:`Table`."""

    text: str
    kind: str = "note"
    data: Mapping[str, Any] = field(default_factory=dict)
    table: Table | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text, "data": dict(self.data)}
        if self.table is not None:
            out["table"] = {"header": list(self.table.header), "rows": [list(r) for r in self.table.rows]}
        return out


@dataclass(frozen=True)
class Explanation:
    """What a function returned (``result``) and the steps that produced it.

    >>> e = Explanation("Closure of {a}", (Step("start with {a}"), Step("a -> b adds b")), {"a", "b"}, "{a, b}")
    >>> print(e.text())
    Closure of {a}
      1. start with {a}
      2. a -> b adds b
    Result: {a, b}
    """

    title: str
    steps: tuple[Step, ...]
    result: Any
    summary: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))

    def of_kind(self, *kinds: str) -> list[Step]:
        return [s for s in self.steps if s.kind in kinds]

    def text(self) -> str:
        lines = [self.title]
        for i, step in enumerate(self.steps, 1):
            lines.append(f"  {i}. {step.text}")
            if step.table is not None:
                lines.extend("       " + line for line in step.table.text().splitlines())
        if self.summary:
            lines.append(f"Result: {self.summary}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "summary": self.summary, "steps": [s.to_dict() for s in self.steps]}

    def _repr_html_(self) -> str:
        esc = html.escape
        items = []
        for step in self.steps:
            body = esc(step.text)
            if step.table is not None:
                body += step.table.html()
            items.append(f'<li class="dbmodel-step dbmodel-{esc(step.kind)}">{body}</li>')
        summary = f"<p><b>Result:</b> {esc(self.summary)}</p>" if self.summary else ""
        return (f'<div class="dbmodel-explanation"><p><b>{esc(self.title)}</b></p>'
                f"<ol>{''.join(items)}</ol>{summary}</div>")


def combine(title: str, parts: Iterable[Explanation], result: Any, summary: str = "") -> Explanation:
    """One explanation whose steps are the steps of ``parts``, each introduced by its title."""
    steps: list[Step] = []
    for part in parts:
        steps.append(Step(part.title, "section"))
        steps.extend(part.steps)
        if part.summary:
            steps.append(Step(f"→ {part.summary}", "result"))
    return Explanation(title, tuple(steps), result, summary)


def grid(header: Sequence[str], rows: Iterable[Sequence[Any]], marked: Iterable[tuple[int, int]] = (),
         row_labels: Sequence[str] = ()) -> Table:
    return Table(tuple(header), tuple(tuple(str(c) for c in r) for r in rows), frozenset(marked), tuple(row_labels))
