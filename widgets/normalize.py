"""``NormalizationTutor``: a relation with sample rows, its FDs (discovered, editable) checked
against the rows (the rows that break an FD, or a warning when one may hold by accident), the
closure calculator, the key finder, the normal form with its violations highlighted, a
decomposition the student builds by clicking and the kit grades, hints in three levels, the chase
tableau, and the resulting ERD.

A thin view: every answer comes from :mod:`dbmodel_kit.normalize`; the class owns its ipywidgets
(``tutor.widget``) and keeps the state (attributes, FDs, the student's relations) as plain values
that tests and notebooks can read.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from ..errors import ModelError
from ..model.schema import Column, ForeignKey, Schema, Table
from ..normalize import (
    FD,
    bcnf_decompose,
    candidate_keys,
    chase,
    closure,
    discover_fds,
    normal_form,
    parse_fds,
    project,
    synthesize_3nf,
    validate_fd,
)
from ..normalize.evidence import FDValidation
from ..normalize.exercises import Feedback, check_decomposition
from ..normalize.fd import attr_list, fmt_attrs
from ..normalize.hints import Hint, hint
from ._common import FormButton, Style, button, field_key, form_fields, keep_message_order

__all__ = ["NormalizationTutor", "decomposition_schema"]

_STYLE = ("<style>.dbm-tutor table{border-collapse:collapse;font-size:12px}"
          ".dbm-tutor td,.dbm-tutor th{border:1px solid #ccc;padding:2px 6px}"
          ".dbm-violation{color:#b00020}.dbm-ok{color:#1a7f37}</style>")


def _button(description: str, css: str, style: str = "") -> FormButton:
    """A :class:`~._common.FormButton` (wired to the tutor's fields once they are all made): its
    click carries what the student typed or picked, as the Designer's buttons do."""
    return button(description, css, style=style)


def decomposition_schema(relations: Sequence[Sequence[str]], fds: Iterable[FD], types: dict[str, str] | None = None,
                         names: Sequence[str] | None = None) -> Schema:
    """A schema for a decomposition: one table per relation keyed by its first candidate key, and
    a foreign key wherever a table holds another table's key (for the ERD)."""
    fds = list(fds)
    tables: list[tuple[str, list[str], tuple[str, ...]]] = []
    for i, r in enumerate(relations):
        keys = candidate_keys(list(r), project(fds, list(r)))  # the FDs that hold on the relation
        assert isinstance(keys, list)
        key = tuple(a for a in r if a in keys[0])
        tables.append(((names[i] if names else f"R{i + 1}"), list(r), key))
    out = []
    for name, cols, key in tables:
        fks = tuple(ForeignKey(k, other) for other, ocols, k in tables
                    if other != name and k and set(k) <= set(cols) and not set(k) >= set(cols) and set(k) != set(key))
        columns = tuple(Column(c, (types or {}).get(c, "text"), nullable=c not in key) for c in cols)
        out.append(Table(name, columns=columns, primary_key=key, foreign_keys=fks))
    return Schema(tables=tuple(out))


class NormalizationTutor:
    """A normalization lesson on one relation.

    ``data`` (a DataFrame) gives sample rows and, unless ``fds`` is given, discovered FDs (with at
    most ``max_lhs`` attributes on the left, to keep the list readable). ``attributes`` names the
    relation when there is no data.
    """

    def __init__(self, data: pd.DataFrame | None = None, fds: Iterable[FD | str] | str | None = None, *,
                 attributes: Sequence[str] | str | None = None, name: str = "R", max_lhs: int | None = 2,
                 sample_rows: int = 8) -> None:
        if data is None and attributes is None:
            raise ModelError("give sample data or the attributes of the relation")
        self.data = data
        self.name = name
        self.attributes: list[str] = [str(c) for c in data.columns] if data is not None else attr_list(attributes or "")
        self.max_lhs = max_lhs
        self.relations: list[list[str]] = []
        self.fds: list[FD] = []
        self.evidence: list[FDValidation] = []
        self.hint_level = 0
        # widgets
        self.sample = w.HTML(self._sample_html(sample_rows))
        self.fd_text = w.Textarea(layout=w.Layout(width="100%", height="140px"),
                                  placeholder="one FD per line: a, b -> c")
        self.fd_feedback = w.HTML()
        self.evidence_out = w.HTML()
        self.discover_button = _button("Discover from data", "dbm-discover")
        self.apply_fds_button = _button("Use these FDs", "dbm-apply-fds", "primary")
        self.closure_pick = w.SelectMultiple(options=self.attributes, rows=min(8, len(self.attributes)))
        self.closure_button = _button("Closure", "dbm-closure")
        self.closure_out = w.HTML()
        self.keys_button = _button("Find keys", "dbm-keys")
        self.keys_out = w.HTML()
        self.nf_button = _button("Normal form", "dbm-nf")
        self.nf_out = w.HTML()
        self.relation_pick = w.SelectMultiple(options=self.attributes, rows=min(8, len(self.attributes)))
        self.add_relation_button = _button("Add relation", "dbm-add-relation")
        self.remove_relation_button = _button("Remove last", "dbm-remove-relation")
        self.target = w.ToggleButtons(options=["3NF", "BCNF"], value="3NF")
        self.grade_button = _button("Grade", "dbm-grade", "success")
        self.solution_button = _button("Show a solution", "dbm-solution")
        self.hint_button = _button("Hint", "dbm-hint")
        self.hint_out = w.HTML()
        self.relations_out = w.HTML()
        self.grade_out = w.HTML()
        self.chase_out = w.HTML()
        self.erd_out = w.HTML()
        self.discover_button.on_click(lambda _b: self.discover())
        self.apply_fds_button.on_click(lambda _b: self.set_fds(self.fd_text.value))
        self.closure_button.on_click(lambda _b: self.show_closure(self.closure_pick.value))
        self.keys_button.on_click(lambda _b: self.show_keys())
        self.nf_button.on_click(lambda _b: self.show_normal_form())
        self.add_relation_button.on_click(lambda _b: self.add_relation(self.relation_pick.value))
        self.remove_relation_button.on_click(lambda _b: self.remove_relation())
        self.grade_button.on_click(lambda _b: self.grade())
        self.solution_button.on_click(lambda _b: self.show_solution())
        self.hint_button.on_click(lambda _b: self.next_hint())
        self.target.observe(lambda _change: self._reset_hints(), names=["value"])
        self.discover_button.disabled = data is None
        if fds is not None:
            self.set_fds(fds)
        elif data is not None:
            self.discover()
        self._show_relations()
        self.widget = w.VBox([
            Style(),  # (loads static/panels.js, which sends a form button's click with its fields)
            w.HTML(_STYLE + f"<h3>{html.escape(name)}({html.escape(', '.join(self.attributes))})</h3>"),
            w.Accordion(children=[
                self.sample,
                w.VBox([self.fd_text, w.HBox([self.discover_button, self.apply_fds_button]), self.fd_feedback,
                        self.evidence_out]),
                w.VBox([w.HBox([self.closure_pick, self.closure_button]), self.closure_out]),
                w.VBox([self.keys_button, self.keys_out]),
                w.VBox([self.nf_button, self.nf_out]),
                w.VBox([w.HBox([self.relation_pick, w.VBox([self.add_relation_button, self.remove_relation_button])]),
                        self.relations_out,
                        w.HBox([self.target, self.grade_button, self.hint_button, self.solution_button]),
                        self.hint_out, self.grade_out, self.chase_out]),
                self.erd_out,
            ], titles=("Sample rows", "Functional dependencies", "Closure", "Keys", "Normal form",
                       "Decompose", "ERD")),
        ])
        self.widget.add_class("dbm-tutor")
        # each click carries the fields' values as the page shows them, and the page's messages are
        # handled in the order sent (JupyterLab's subshells: see _common.keep_message_order)
        fields = [[f, field_key(f)] for f in form_fields(self.widget)]
        for b in (x for x in vars(self).values() if isinstance(x, FormButton)):
            b.form_fields = fields
        keep_message_order(self.widget)

    # -- state changes (what the buttons call) ---------------------------------------------

    def discover(self) -> None:
        """Fill the FD box with the FDs found in the sample data (most trustworthy first)."""
        if self.data is None:
            self.fd_feedback.value = '<span class="dbm-violation">no sample data to discover from</span>'
            return
        found = discover_fds(self.data, max_lhs=self.max_lhs)
        ranked = found.ranked()
        order = {f"{r.lhs} -> {r.rhs}": i for i, r in enumerate(ranked.itertuples())}
        fds = sorted(found.as_fds(), key=lambda f: order.get(f.text(self.attributes), 0))
        self.set_fds(fds)
        self.fd_feedback.value += (f"<div>{len(fds)} FDs hold in these {len(self.data)} rows; the ones at the "
                                   "bottom are tested by few rows and may hold only by accident: delete what the "
                                   "business rules do not say.</div>")

    def set_fds(self, fds: Iterable[FD | str] | str) -> None:
        """Use these FDs (text, one per line, or FD values); errors are shown and change nothing."""
        try:
            parsed = parse_fds(fds, self.attributes) if isinstance(fds, str) else parse_fds(list(fds), self.attributes)
            for f in parsed:
                unknown = sorted(f.attributes - set(self.attributes))
                if unknown:
                    raise ModelError(f"{f}: {unknown[0]!r} is not an attribute of {self.name}")
        except ModelError as e:
            self.fd_feedback.value = f'<span class="dbm-violation">{html.escape(str(e))}</span>'
            return
        self.fds = parsed
        self.fd_text.value = "\n".join(f.text(self.attributes) for f in parsed)
        self.fd_feedback.value = f'<span class="dbm-ok">{len(parsed)} FDs in use</span>'
        for out in (self.closure_out, self.keys_out, self.nf_out, self.grade_out, self.chase_out):
            out.value = ""
        self._reset_hints()
        self.check_fds()

    def check_fds(self) -> list[FDValidation]:
        """Test every FD in use on the sample rows: the rows that break one, and a warning (with the
        support) for one that may hold only by accident. Shown under the FD box."""
        if self.data is None:
            self.evidence, self.evidence_out.value = [], ""
            return []
        self.evidence = [validate_fd(self.data, f) for f in self.fds]
        broken = [v for v in self.evidence if not v.holds]
        doubtful = [v for v in self.evidence if v.holds and v.warnings]
        parts = [f"<p>In these {len(self.data)} rows: {len(self.evidence) - len(broken)} of {len(self.evidence)} "
                 f"FDs hold{f', {len(doubtful)} of them possibly by accident' if doubtful else ''}.</p>"]
        parts += [f'<div class="dbm-broken">{v._repr_html_()}</div>' for v in broken]
        if doubtful:
            items = "".join(f"<li>{html.escape(v.fd.text(self.attributes))}: {html.escape(v.warnings[0])}</li>"
                            for v in doubtful)
            parts.append(f'<ul class="dbm-doubtful">{items}</ul>')
        self.evidence_out.value = "".join(parts)
        return self.evidence

    def show_closure(self, attributes: Iterable[str]) -> frozenset[str]:
        e = closure(list(attributes), self.fds, explain=True, universe=self.attributes)
        self.closure_out.value = e._repr_html_()
        return e.result

    def show_keys(self) -> list[frozenset[str]]:
        e = candidate_keys(self.attributes, self.fds, explain=True)
        self.keys_out.value = e._repr_html_()
        return e.result

    def show_normal_form(self) -> str:
        report = normal_form(self.attributes, self.fds)
        items = "".join(f'<li class="dbm-violation"><b>not {html.escape(v.form)}</b>: {html.escape(v.message)}</li>'
                        for v in report.violations)
        keys = "; ".join(fmt_attrs(k, self.attributes, True) for k in report.keys)
        self.nf_out.value = (f"<p>{html.escape(self.name)} is in <b>{report.level}</b>; keys: {html.escape(keys)}</p>"
                             f"<ul>{items}</ul>" + self._sample_html(8, highlight=report.violations))
        return report.level

    def add_relation(self, attributes: Iterable[str]) -> None:
        rel = [a for a in self.attributes if a in set(attributes)]
        if not rel:
            self.grade_out.value = '<span class="dbm-violation">pick the attributes of the relation first</span>'
            return
        self.relations.append(rel)
        self.relation_pick.value = ()
        self._show_relations()

    def remove_relation(self) -> None:
        if self.relations:
            self.relations.pop()
        self._show_relations()

    def grade(self) -> Feedback:
        """Grade the student's relations for the chosen target; show the chase and, if right, the ERD."""
        fb = check_decomposition(self.attributes, self.fds, self.relations, self.target.value)
        self.grade_out.value = fb._repr_html_()
        covered = {a for r in self.relations for a in r} == set(self.attributes)
        if covered:
            self.chase_out.value = chase(self.attributes, self.relations, self.fds, explain=True)._repr_html_()
        if fb.correct:
            self._show_erd(self.relations)
        return fb

    def next_hint(self) -> Hint:
        """The next hint for the chosen target (a nudge, then the next step, then the answer);
        after the answer it starts again."""
        self.hint_level = self.hint_level % 3 + 1
        task = self.target.value.lower()
        shown = hint(task, self.attributes, self.fds, self.hint_level)
        self.hint_out.value = (self.hint_out.value if self.hint_level > 1 else "") + shown._repr_html_()
        return shown

    def _reset_hints(self) -> None:
        self.hint_level = 0
        self.hint_out.value = ""

    def show_solution(self) -> list[list[str]]:
        step = synthesize_3nf if self.target.value == "3NF" else bcnf_decompose
        e = step(self.attributes, self.fds, explain=True)
        self.grade_out.value = e._repr_html_()
        rels = [list(r.attributes) for r in e.result.relations]
        self._show_erd(rels)
        return rels

    # -- rendering ---------------------------------------------------------------------------

    def _show_relations(self) -> None:
        if not self.relations:
            self.relations_out.value = "<i>no relations yet: pick attributes and click Add relation</i>"
            return
        items = "".join(f"<li>R{i}({html.escape(', '.join(r))})</li>" for i, r in enumerate(self.relations, 1))
        self.relations_out.value = f"<ol>{items}</ol>"

    def _show_erd(self, relations: Sequence[Sequence[str]]) -> None:
        from ..erd import render_svg

        try:
            svg = render_svg(decomposition_schema(relations, self.fds))
        except Exception as e:  # the ERD is a picture: a drawing failure (no `dot`) must not lose the grade
            self.erd_out.value = f"<i>ERD unavailable: {html.escape(str(e))}</i>"
            return
        self.erd_out.value = svg[svg.find("<svg"):]

    def _sample_html(self, rows: int, highlight: Sequence[Any] = ()) -> str:
        if self.data is None:
            return "<i>no sample rows</i>"
        cols = {a for v in highlight for a in v.dependency.attributes}
        head = "".join(f'<th{" class=dbm-violation" if c in cols else ""}>{html.escape(str(c))}</th>'
                       for c in self.data.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in self.data.head(rows).itertuples(index=False))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def snapshot(self) -> str:
        """The lesson as static HTML (the relation, the FDs in use and what the buttons have shown so
        far, the ERD as an image): what a saved notebook shows where no kernel runs the widget."""
        from ..erd import svg_html

        fds = "".join(f"<li>{html.escape(f.text(self.attributes))}</li>" for f in self.fds)
        shown = [(title, out.value) for title, out in (
            ("Closure", self.closure_out), ("Keys", self.keys_out), ("Normal form", self.nf_out),
            ("Hints", self.hint_out), ("Grade", self.grade_out), ("Chase", self.chase_out)) if out.value]
        erd = self.erd_out.value
        if erd.startswith("<svg"):  # an inline <svg> loses its drawing to notebook sanitizers
            erd = svg_html(erd, f"ERD of the decomposition of {self.name}")
        return "".join([
            _STYLE, "<div class='dbm-tutor'>",
            f"<p><b>Normalization tutor</b> (static snapshot; run the notebook for the live lesson)</p>"
            f"<h3>{html.escape(self.name)}({html.escape(', '.join(self.attributes))})</h3>",
            f"<h4>Functional dependencies in use</h4><ul>{fds}</ul>{self.evidence_out.value}",
            *(f"<h4>{title}</h4>{value}" for title, value in shown),
            f"<h4>Relations</h4>{self.relations_out.value}",
            f"<h4>ERD</h4>{erd}" if erd else "", "</div>"])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live lesson, plus its static snapshot for readers without a kernel (GitHub, nbviewer)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/html"] = self.snapshot()
        return bundle
