"""Exercises with answer checking: closure, keys, minimal cover, normal form, decomposition.

Each checker compares a student's answer with what the theory functions compute and says *what*
is wrong: the attribute a closure misses and the FD that adds it, the key that is not minimal and
the attribute to drop, the FD an answer cover fails to imply, the relation of a decomposition
that breaks the target normal form and why. Any equivalent minimal cover is accepted;
decompositions are graded by their properties (lossless, dependency-preserving, target reached).

A bank of exercises ships as package data (``exercises.yaml``); answers are never stored, they
are computed when asked for.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import ModelError
from .chase import chase
from .closure import Closer, closure, equivalent, implies
from .cover import cover_of, minimal_cover
from .decomposition import Decomposition
from .explain import Explanation
from .fd import FD, Attrs, Universe, attr_list, fd_names, fmt_attrs, parse_fds, relation_attrs
from .forms import FORMS, NormalFormReport, _mvds, _normal_form, normal_form
from .hints import Hint, hint
from .keys import candidate_keys, key_masks
from .preservation import preserves_dependencies
from .restrict import on_relation, project_cover

__all__ = ["COVER_STYLES", "TASKS", "Exercise", "Feedback", "bank", "check_closure", "check_cover",
           "check_decomposition", "check_keys", "check_normal_form", "exercise", "read_keys"]

TASKS = ("closure", "keys", "cover", "normal_form", "3nf", "bcnf")


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer: ``correct``, and messages that say what is right and what is wrong."""

    correct: bool
    messages: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.correct

    def text(self) -> str:
        head = "correct" if self.correct else "not quite"
        return "\n".join([head, *(f"- {m}" for m in self.messages)])

    def __str__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython's text/plain: the verdict and messages
        p.text(self.text())

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.correct else "#b35900"
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
        verdict = "✓ correct" if self.correct else "✗ not quite"
        return f'<div><b style="color:{color}">{verdict}</b><ul>{items}</ul></div>'


def _fds(fds: Iterable[FD | str] | str, names: Sequence[str]) -> list[FD]:
    """The question's FDs restricted to the relation (the bank's stay inside it)."""
    return list(on_relation(names, fds).fds)


def _rel(names: Sequence[str]) -> str:
    return f"R({', '.join(names)})"


def _not_attributes(words: Iterable[str], names: Sequence[str]) -> str | None:
    """A sentence naming the words of an answer that are not attributes, or None."""
    unknown = list(dict.fromkeys(w for w in words if w not in set(names)))
    if not unknown:
        return None
    verb = "is not an attribute" if len(unknown) == 1 else "are not attributes"
    text = f"{', '.join(unknown)} {verb} of {_rel(names)}"
    if any(len(w) > 1 for w in unknown) and all(len(n) == 1 for n in names):
        text += " (attributes run together, as in AB, must each be an attribute; or separate them: A B)"
    return text


def _question_set(x: Attrs, names: Sequence[str], what: str) -> frozenset[str]:
    xs = frozenset(attr_list(x, names))
    bad = _not_attributes(xs, names)
    if bad:
        raise ModelError(bad, where=what)
    return xs


def check_closure(attributes: Attrs, fds: Iterable[FD | str] | str, x: Attrs, answer: Attrs) -> Feedback:
    """Is ``answer`` the closure of ``x``? Names missing attributes with the FD that adds them.

    Answers are read against the relation's attribute names (``"ABC"`` is A, B, C when those are
    one-letter attributes); a name that is not an attribute is said, and nothing else is, so the
    feedback does not give the closure away.

    >>> print(check_closure("A B C D", "A -> B; B -> C", "A", "A B"))
    not quite
    - missing C: B -> C applies once B is in the closure
    """
    names = relation_attrs(attributes)
    fd_list = _fds(fds, names)
    xs = _question_set(x, names, "closure_of")
    words = attr_list(answer, names)
    bad = _not_attributes(words, names)
    if bad:
        return Feedback(False, (bad + "; fix the names first",))
    ans = frozenset(words)
    expected = closure(xs, fd_list, universe=names)
    assert isinstance(expected, frozenset)
    msgs = []
    for a in [n for n in names if n in expected - ans]:
        why = next((f for f in fd_list if a in f.rhs and f.lhs <= expected), None)
        msgs.append(f"missing {a}: {why} applies once {fmt_attrs(why.lhs, names)} is in the closure"
                    if why and why.lhs else f"missing {a}" + (f": {why} always applies" if why else
                                                               ": every attribute of X is in X+"))
    for a in [n for n in names if n in ans - expected]:
        msgs.append(f"{a} is not in the closure: no FD adds it starting from {fmt_attrs(xs, names, True)}")
    ok = ans == expected
    return Feedback(ok, tuple(msgs) or (f"{fmt_attrs(xs, names, True)}+ = {fmt_attrs(expected, names, True)}",),
                    {"expected": sorted(expected)})


_BRACES = re.compile(r"\{([^{}]*)\}")


def read_keys(answer: Iterable[Attrs] | str, names: Sequence[str]) -> list[list[str]]:
    """Keys from an answer: a list of attribute sets, or text with one key per ``{...}``, or keys
    separated by ``;`` or new lines (``"AB; CD"``, ``"{A, B}, {C, D}"``).

    >>> read_keys("{A, B}, {C}", "ABC"), read_keys("AB; C", "ABC")
    ([['A', 'B'], ['C']], [['A', 'B'], ['C']])
    """
    if isinstance(answer, str):
        text = answer.strip()
        parts = _BRACES.findall(text) if "{" in text else [p for p in re.split(r"[;\n]", text) if p.strip()]
        return [attr_list(p, names) for p in parts]
    return [attr_list(k, names) for k in answer]


def check_keys(attributes: Attrs, fds: Iterable[FD | str] | str, answer: Iterable[Attrs] | str) -> Feedback:
    """Are ``answer`` exactly the candidate keys? Says which are not superkeys, not minimal, listed
    twice, or missing.

    >>> print(check_keys("A B C", "A -> B; B -> C", ["A B"]))
    not quite
    - {A, B} is a superkey but not minimal: without B, {A} still determines every attribute
    - you found 0 of 1 candidate key(s); missing 1 (hint: attributes on no right-hand side, {A}, are in every key)
    """
    names = relation_attrs(attributes)
    fd_list = _fds(fds, names)
    u = Universe(names)
    c = Closer(u, fd_list)
    keys = [u.names(k) for k in key_masks(u, c)]
    given_lists = read_keys(answer, names)
    msgs = []
    right = 0
    counted: dict[frozenset[str], int] = {}
    for words in given_lists:
        k = frozenset(words)
        counted[k] = counted.get(k, 0) + 1
        if counted[k] > 1:
            if counted[k] == 2:
                msgs.append(f"{fmt_attrs(k, names, True)} is listed twice: give each candidate key once")
            continue
        bad = _not_attributes(words, names)
        if bad:
            msgs.append(f"{fmt_attrs(k, names, True)}: {bad}")
            continue
        if not k and u.full and c.closure(0) != u.full:
            msgs.append("an empty key is a key only when every attribute is constant (determined by ∅)")
            continue
        plus = c.closure(u.mask(k))
        if plus != u.full:
            msgs.append(f"{fmt_attrs(k, names, True)} is not a key: its closure misses "
                        f"{fmt_attrs(u.names(u.full & ~plus), names)}")
        elif k not in keys:
            drop = next(a for a in names if a in k and c.closure(u.mask(k - {a})) == u.full)
            msgs.append(f"{fmt_attrs(k, names, True)} is a superkey but not minimal: without {drop}, "
                        f"{fmt_attrs(k - {drop}, names, True)} still determines every attribute")
        else:
            right += 1
    given = set(counted)
    found = {k for k in given if k in keys}
    if len(found) < len(keys):
        core = frozenset(names) - frozenset().union(*(f.rhs - f.lhs for f in fd_list)) if fd_list else frozenset(names)
        msgs.append(f"you found {len(found)} of {len(keys)} candidate key(s); missing {len(keys) - len(found)} "
                    f"(hint: attributes on no right-hand side, {fmt_attrs(core, names, True)}, are in every key)")
    ok = given == set(keys) and all(n == 1 for n in counted.values())
    return Feedback(ok, tuple(msgs) or (f"all {len(keys)} candidate key(s) found",),
                    {"expected": [sorted(k) for k in keys]})


COVER_STYLES = ("minimal", "canonical", "either")


def _combined(fds: Iterable[FD]) -> list[FD]:
    """FDs with equal left-hand sides merged (a canonical cover's form), in first-seen order."""
    merged: dict[frozenset[str], set[str]] = {}
    for f in fds:
        merged.setdefault(f.lhs, set()).update(f.rhs)
    return [FD(lhs, frozenset(rhs)) for lhs, rhs in merged.items()]


def check_cover(fds: Iterable[FD | str] | str, answer: Iterable[FD | str] | str,
                attributes: Attrs | None = None, style: str = "minimal") -> Feedback:
    """Is ``answer`` a minimal cover of ``fds``? Any equivalent cover of the asked form is accepted.

    ``style``: ``"minimal"`` (one attribute on each right-hand side, Ullman & Widom's minimal
    basis), ``"canonical"`` (Silberschatz's canonical cover: right-hand sides combined, each
    left-hand side once) or ``"either"``. In every style no FD may be implied by the others or
    listed twice, and no attribute on either side may be extraneous. Text is read against
    ``attributes`` (the relation) when given, else against the names ``fds`` use, so ``AB -> C``
    means A, B -> C wherever A and B are attributes.

    >>> print(check_cover("A -> B, C; B -> C", "A -> B; A -> C; B -> C"))
    not quite
    - A -> C is redundant: the other FDs of your cover imply it
    >>> check_cover("A -> B, C; B -> C", "A -> B; B -> C", "A B C", style="canonical").correct
    True
    """
    if style not in COVER_STYLES:
        raise ModelError(f"style must be one of {', '.join(COVER_STYLES)}, not {style!r}")
    if attributes is not None:
        names = relation_attrs(attributes)
        given = _fds(fds, names)
    else:
        given = parse_fds(fds)
        names = fd_names(given)
    try:
        ans = parse_fds(answer, names)
    except ModelError as e:
        return Feedback(False, (f"cannot read your cover: {e}",))
    bad = _not_attributes([a for f in ans for a in sorted(f.attributes)], names)
    if bad:
        return Feedback(False, (bad,))
    msgs = []
    seen: set[FD] = set()
    for f in ans:
        if f in seen:
            msgs.append(f"{f} is listed twice: a cover lists each FD once")
        seen.add(f)
    for f in given:
        if not implies(ans, f):
            msgs.append(f"your cover does not imply {f}")
    for f in ans:
        if not implies(given, f):
            msgs.append(f"{f} does not follow from the given FDs")
    equivalent_ = not msgs or all("listed twice" in m for m in msgs)
    u = Universe.of(names, [*given, *ans])
    for f in ans:
        if f.trivial:
            msgs.append(f"{f} is trivial")
        elif len(f.rhs) != 1 and style == "minimal":
            split = "; ".join(str(FD(f.lhs, frozenset({a}))) for a in sorted(f.rhs, key=names.index))
            msgs.append(f"{f}: a minimal cover has one attribute on each right-hand side ({split}); "
                        "combining them is the canonical-cover style, which this exercise does not ask for")
    if style == "canonical":
        by_lhs: dict[frozenset[str], list[FD]] = {}
        for f in dict.fromkeys(ans):
            by_lhs.setdefault(f.lhs, []).append(f)
        for group in by_lhs.values():
            if len(group) > 1:
                msgs.append(f"{' and '.join(map(str, group))} share a left-hand side: a canonical cover combines "
                            f"them ({_combined(group)[0]})")
    if equivalent_:
        unique = list(dict.fromkeys(ans))
        closer = Closer(u, unique)
        for i, f in enumerate(unique):
            if f.trivial:
                continue
            others = [g for j, g in enumerate(unique) if j != i]
            for a in sorted(f.rhs - f.lhs, key=lambda n: (names.index(n) if n in names else len(names), n)):
                rest = [*others, *([FD(f.lhs, f.rhs - {a})] if f.rhs - {a} - f.lhs else [])]
                if Closer(u, rest).closure(u.mask(f.lhs)) >> u.index[a] & 1:
                    msgs.append(f"{f} is redundant: the other FDs of your cover imply it" if len(f.rhs) == 1 else
                                f"{a} is extraneous on the right of {f}: the rest of your cover already gives it")
                    break
            else:
                for b in sorted(f.lhs, key=lambda n: (names.index(n) if n in names else len(names), n)):
                    if closer.closure(u.mask(f.lhs - {b})) & u.mask(f.rhs) == u.mask(f.rhs):
                        msgs.append(f"{b} is extraneous in {f}: {fmt_attrs(f.lhs - {b}, names, braces=True)} already "
                                    f"determines {fmt_attrs(f.rhs, names)}")
                        break
    ok = not msgs
    expected = cover_of(given)
    example = _combined(expected) if style == "canonical" else expected
    return Feedback(ok, tuple(msgs) or ("equivalent to the given FDs and minimal",),
                    {"example": [str(f) for f in example]})


def check_normal_form(attributes: Attrs, fds: Iterable[FD | str] | str, answer: str,
                      mvds: Iterable[str] | None = None) -> Feedback:
    """Is ``answer`` (1NF, 2NF, 3NF, BCNF, 4NF) the highest normal form? Names the deciding violation.

    >>> print(check_normal_form("A B C", "A -> B; B -> C", "3NF"))  # doctest: +NORMALIZE_WHITESPACE
    not quite
    - it is in 2NF, not 3NF: transitive dependency: B -> C, where {B} is not a superkey and C is
      not part of any key (so key {A} -> B -> C)
    """
    names = relation_attrs(attributes)
    report = normal_form(names, _fds(fds, names), mvds=mvds)
    assert isinstance(report, NormalFormReport)
    level = str(answer).strip().upper()
    if level not in FORMS:
        raise ModelError(f"answer must be one of {', '.join(FORMS)}, not {answer!r}")
    got = report.level
    if level == got:
        why = f"; the next form fails because of {report.violations[0].message}" if report.violations else ""
        return Feedback(True, (f"{got}{why}",))
    if FORMS.index(level) > FORMS.index(got):
        broken = next(v for v in report.violations if FORMS.index(v.form) <= FORMS.index(level))
        return Feedback(False, (f"it is in {got}, not {level}: {broken.message}",), {"expected": got})
    keys = ", ".join(fmt_attrs(k, names, True) for k in report.keys)
    return Feedback(False, (f"it is in a higher form than {level}: it is in {got} "
                            f"(check every FD against the keys: {keys})",), {"expected": got})


def check_decomposition(attributes: Attrs, fds: Iterable[FD | str] | str, relations: Iterable[Attrs],
                        target: str = "3NF") -> Feedback:
    """Grade a decomposition by its properties: it covers every attribute, is lossless, is in
    ``target`` (3NF or BCNF) and, for 3NF, preserves the dependencies.

    >>> print(check_decomposition("A B C", "A -> B; B -> C", ["A B", "A C"], "BCNF"))  # doctest: +NORMALIZE_WHITESPACE
    correct
    - lossless: (A, B) and (A, C) join back to (A, B, C) (the chase ends with an all-a row)
    - every relation is in BCNF
    - not dependency-preserving: B -> C cannot be checked within one relation (allowed for BCNF,
      but (B, C) would keep it)
    """
    names = relation_attrs(attributes)
    fd_list = _fds(fds, names)
    rels = [attr_list(r, names) for r in relations]
    target = target.upper()
    if target not in ("3NF", "BCNF"):
        raise ModelError(f"target must be 3NF or BCNF, not {target!r}")
    msgs, ok = [], True
    if not rels or any(not r for r in rels):
        return Feedback(False, ("give at least one relation, each with at least one attribute",))
    covered = {a for r in rels for a in r}
    missing = [a for a in names if a not in covered]
    extra = list(dict.fromkeys(a for r in rels for a in r if a not in set(names)))
    if missing:
        ok = False
        msgs.append(f"attributes in no relation: {', '.join(missing)}")
    if extra:
        ok = False
        msgs.append(f"not attributes of the relation: {', '.join(extra)}")
    if missing or extra:
        return Feedback(False, tuple(msgs))
    joined = " and ".join("(" + fmt_attrs(r, r) + ")" for r in rels)
    if chase(names, rels, fd_list).lossless:  # type: ignore[union-attr]
        msgs.append(f"lossless: {joined} join back to ({fmt_attrs(names, names)}) (the chase ends with an all-a row)")
    else:
        ok = False
        msgs.append(f"lossy: joining {joined} can create rows that were not there (no relation's common "
                    f"attributes determine the rest; add a relation holding a key)")
    bad = []
    for r in rels:
        report = _normal_form(r, project_cover(fd_list, r), None, False)
        if not report.is_in(target):  # type: ignore[union-attr]
            v = next(v for v in report.violations if FORMS.index(v.form) <= FORMS.index(target))  # type: ignore[union-attr]
            bad.append(f"({fmt_attrs(r, r)}) is not in {target}: {v.message}")
    if bad:
        ok = False
        msgs.extend(bad)
    else:
        msgs.append(f"every relation is in {target}")
    pres = preserves_dependencies(fd_list, rels)
    if pres.preserved:  # type: ignore[union-attr]
        msgs.append("dependency-preserving")
    else:
        lost = pres.lost  # type: ignore[union-attr]
        hint = "; ".join(f"{f}" for f in lost)
        where = "(" + fmt_attrs(lost[0].attributes, names) + ")"
        if target == "3NF":
            ok = False
            msgs.append(f"not dependency-preserving: {hint} cannot be checked within one relation "
                        f"(3NF synthesis always keeps it: add {where})")
        else:
            msgs.append(f"not dependency-preserving: {hint} cannot be checked within one relation "
                        f"(allowed for BCNF, but {where} would keep it)")
    return Feedback(ok, tuple(msgs))


# -- the bank -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exercise:
    """One exercise from the bank: a relation, its FDs, and what to ask (``tasks``)."""

    id: str
    title: str
    attributes: tuple[str, ...]
    fds: tuple[FD, ...]
    tasks: tuple[str, ...]
    closure_of: tuple[str, ...] = ()
    story: str = ""
    mvds: tuple[str, ...] = ()
    cover_style: str = "minimal"

    def prompt(self) -> str:
        fds = "; ".join(f.text(self.attributes) for f in self.fds) or "(none)"
        asks = {"closure": f"the closure of {fmt_attrs(self.closure_of, self.attributes, True)}",
                "keys": "every candidate key", "cover": {"minimal": "a minimal cover (one attribute on each right)",
                                                        "canonical": "a canonical cover (right-hand sides combined)",
                                                        "either": "a minimal or canonical cover"}[self.cover_style],
                "normal_form": "the highest normal form",
                "3nf": "a lossless, dependency-preserving 3NF decomposition", "bcnf": "a lossless BCNF decomposition"}
        lines = [f"{self.title}", f"R({', '.join(self.attributes)})", f"F: {fds}"]
        if self.mvds:
            lines.append(f"MVDs: {'; '.join(self.mvds)}")
        if self.story:
            lines.insert(1, self.story)
        lines.append("Find: " + "; ".join(asks[t] for t in self.tasks))
        return "\n".join(lines)

    def answer(self, task: str) -> Any:
        """The computed answer to ``task`` (never stored in the bank)."""
        if task == "closure":
            return closure(self.closure_of, self.fds, universe=list(self.attributes))
        if task == "keys":
            return candidate_keys(list(self.attributes), self.fds)
        if task == "cover":
            cover = cover_of(list(self.fds))
            return _combined(cover) if self.cover_style == "canonical" else cover
        if task == "normal_form":
            return normal_form(list(self.attributes), self.fds, mvds=self.mvds or None).level  # type: ignore[union-attr]
        if task in ("3nf", "bcnf"):
            from .bcnf import bcnf_decompose
            from .synthesis import synthesize_3nf

            d = (synthesize_3nf if task == "3nf" else bcnf_decompose)(list(self.attributes), self.fds)
            assert isinstance(d, Decomposition)
            return [list(r.attributes) for r in d.relations]
        raise ModelError(f"unknown task {task!r} (tasks: {', '.join(TASKS)})", where=self.id)

    def check(self, task: str, answer: Any) -> Feedback:
        """Check a student's ``answer`` to ``task``."""
        if task == "closure":
            return check_closure(self.attributes, self.fds, self.closure_of, answer)
        if task == "keys":
            return check_keys(self.attributes, self.fds, answer)
        if task == "cover":
            return check_cover(self.fds, answer, self.attributes, self.cover_style)
        if task == "normal_form":
            return check_normal_form(self.attributes, self.fds, answer, mvds=self.mvds or None)
        if task in ("3nf", "bcnf"):
            return check_decomposition(self.attributes, self.fds, answer, task.upper())
        raise ModelError(f"unknown task {task!r} (tasks: {', '.join(TASKS)})", where=self.id)

    def hint(self, task: str, level: int = 1, answer: Any = None) -> Hint:
        """A hint for ``task``: level 1 a nudge, 2 the next step (from ``answer``, the student's
        attempt, when given), 3 the answer. See :mod:`.hints`.

        >>> print(exercise("letters-chain").hint("keys", 1))  # doctest: +NORMALIZE_WHITESPACE
        hint 1 (nudge): Attributes on no right-hand side, {A}, are in every key; attributes only on
        right-hand sides, {D}, are in none. Compute {A}+ and add attributes until the closure is every
        attribute, then drop any you can do without.
        """
        self._task(task)
        return hint(task, self.attributes, self.fds, level, closure_of=self.closure_of, mvds=self.mvds,
                    answer=answer)

    def hints(self, task: str, answer: Any = None) -> tuple[Hint, ...]:
        """The three hints for ``task`` in order (nudge, next step, answer)."""
        return tuple(self.hint(task, level, answer) for level in (1, 2, 3))

    def solution(self, task: str) -> Explanation:
        """The worked solution: the theory function's explanation, step by step."""
        self._task(task)
        names = list(self.attributes)
        if task == "closure":
            return closure(self.closure_of, self.fds, explain=True, universe=names)  # type: ignore[return-value]
        if task == "keys":
            return candidate_keys(names, self.fds, explain=True)  # type: ignore[return-value]
        if task == "cover":
            return minimal_cover(self.fds, explain=True)  # type: ignore[return-value]
        if task == "normal_form":
            return normal_form(names, self.fds, mvds=self.mvds or None, explain=True)  # type: ignore[return-value]
        from .bcnf import bcnf_decompose
        from .synthesis import synthesize_3nf

        return (synthesize_3nf if task == "3nf" else bcnf_decompose)(names, self.fds, explain=True)  # type: ignore[return-value]

    def _task(self, task: str) -> None:
        if task not in TASKS:
            raise ModelError(f"unknown task {task!r} (tasks: {', '.join(TASKS)})", where=self.id)
        if task not in self.tasks:
            raise ModelError(f"this exercise does not ask for {task!r} (it asks: {', '.join(self.tasks)})",
                             where=self.id)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.prompt()) + "</pre>"


def _load_bank(text: str, source: str) -> tuple[Exercise, ...]:
    data = yaml.safe_load(text)
    if not isinstance(data, list):
        raise ModelError("expected a list of exercises", where=source)
    out, seen = [], set()
    for i, item in enumerate(data, 1):
        where = f"{source}: exercise {i}"
        try:
            ex_id = str(item["id"])
            if ex_id in seen:
                raise ModelError(f"duplicate id {ex_id!r}")
            seen.add(ex_id)
            names = relation_attrs(item["relation"])
            fds = tuple(parse_fds(item.get("fds", ""), names))
            unknown = sorted({a for f in fds for a in f.attributes} - set(names))
            if unknown:
                raise ModelError(f"FD attribute {unknown[0]!r} is not in the relation")
            tasks = tuple(item.get("tasks", TASKS))
            bad = [t for t in tasks if t not in TASKS]
            if bad:
                raise ModelError(f"unknown task {bad[0]!r}")
            closure_of = tuple(attr_list(item.get("closure_of", ""), names))
            if "closure" in tasks and not closure_of:
                raise ModelError("a closure task needs closure_of")
            bad_x = [a for a in closure_of if a not in set(names)]
            if bad_x:
                raise ModelError(f"closure_of names {bad_x[0]!r}, not an attribute of the relation")
            style = str(item.get("cover_style", "minimal"))
            if style not in COVER_STYLES:
                raise ModelError(f"cover_style must be one of {', '.join(COVER_STYLES)}, not {style!r}")
            mvds = tuple(item.get("mvds", ()))
            _mvds(mvds, names)  # an MVD naming an unknown attribute is an error here, not at check time
            out.append(Exercise(ex_id, str(item.get("title", ex_id)), tuple(names), fds, tasks, closure_of,
                                str(item.get("story", "")), mvds, style))
        except KeyError as e:
            raise ModelError(f"missing field {e.args[0]!r}", where=where) from None
        except ModelError as e:
            raise e.at(where) from None
    return tuple(out)


@cache
def bank() -> tuple[Exercise, ...]:
    """The exercises shipped with the package.

    >>> len(bank()) >= 30
    True
    """
    text = resources.files(__package__).joinpath("exercises.yaml").read_text(encoding="utf-8")
    return _load_bank(text, "exercises.yaml")


def exercise(ex_id: str) -> Exercise:
    """One exercise of the bank by id."""
    for ex in bank():
        if ex.id == ex_id:
            return ex
    raise ModelError(f"no exercise {ex_id!r}")


def equivalent_cover(a: Iterable[FD], b: Iterable[FD]) -> bool:
    return equivalent(list(a), list(b))
