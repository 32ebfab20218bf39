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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import ModelError
from .chase import chase
from .closure import Closer, closure, equivalent, implies
from .cover import minimal_cover
from .decomposition import Decomposition
from .fd import FD, Attrs, Universe, attr_list, fmt_attrs, parse_fds
from .forms import FORMS, NormalFormReport, normal_form
from .keys import candidate_keys
from .preservation import preserves_dependencies

__all__ = ["TASKS", "Exercise", "Feedback", "bank", "check_closure", "check_cover", "check_decomposition",
           "check_keys", "check_normal_form", "exercise"]

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

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.correct else "#b35900"
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
        verdict = "✓ correct" if self.correct else "✗ not quite"
        return f'<div><b style="color:{color}">{verdict}</b><ul>{items}</ul></div>'


def _fds(fds: Iterable[FD | str] | str, names: Sequence[str]) -> list[FD]:
    return parse_fds(fds, list(names)) if isinstance(fds, str) else parse_fds(list(fds), list(names))


def check_closure(attributes: Attrs, fds: Iterable[FD | str] | str, x: Attrs, answer: Attrs) -> Feedback:
    """Is ``answer`` the closure of ``x``? Names missing attributes with the FD that adds them.

    >>> print(check_closure("A B C D", "A -> B; B -> C", "A", "A B"))
    not quite
    - missing C: B -> C applies once B is in the closure
    """
    names = attr_list(attributes)
    fd_list = _fds(fds, names)
    xs, ans = frozenset(attr_list(x, names)), frozenset(attr_list(answer, names))
    expected = closure(xs, fd_list)
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


def check_keys(attributes: Attrs, fds: Iterable[FD | str] | str, answer: Iterable[Attrs]) -> Feedback:
    """Are ``answer`` exactly the candidate keys? Says which are not superkeys, not minimal, or missing.

    >>> print(check_keys("A B C", "A -> B; B -> C", ["A B"]))
    not quite
    - {A, B} is a superkey but not minimal: without B, {A} still determines every attribute
    - you found 0 of 1 candidate key(s); missing 1 (hint: attributes on no right-hand side, {A}, are in every key)
    """
    names = attr_list(attributes)
    fd_list = _fds(fds, names)
    u = Universe(names)
    c = Closer(u, [f for f in fd_list if f.attributes <= set(names)])
    keys = candidate_keys(names, fd_list)
    assert isinstance(keys, list)
    given = [frozenset(attr_list(k, names)) for k in answer]
    msgs = []
    right = 0
    for k in given:
        unknown = k - set(names)
        if unknown:
            msgs.append(f"{fmt_attrs(k, names, True)}: {', '.join(sorted(unknown))} is not an attribute "
                        "of the relation")
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
    found = {k for k in given if k in keys}
    if len(found) < len(keys):
        core = frozenset(names) - frozenset().union(*(f.rhs - f.lhs for f in fd_list)) if fd_list else frozenset(names)
        msgs.append(f"you found {len(found)} of {len(keys)} candidate key(s); missing {len(keys) - len(found)} "
                    f"(hint: attributes on no right-hand side, {fmt_attrs(core, names, True)}, are in every key)")
    ok = set(given) == set(keys) and len(given) == len(set(given))
    return Feedback(ok, tuple(msgs) or (f"all {len(keys)} candidate key(s) found",),
                    {"expected": [sorted(k) for k in keys]})


def check_cover(fds: Iterable[FD | str] | str, answer: Iterable[FD | str] | str) -> Feedback:
    """Is ``answer`` a minimal cover of ``fds``? Any equivalent minimal cover is accepted.

    >>> print(check_cover("A -> B, C; B -> C", "A -> B; A -> C; B -> C"))
    not quite
    - A -> C is redundant: the other FDs of your cover imply it
    """
    given = parse_fds(fds) if isinstance(fds, str) else parse_fds(list(fds))
    ans = parse_fds(answer) if isinstance(answer, str) else parse_fds(list(answer))
    msgs = []
    for f in given:
        if not implies(ans, f):
            msgs.append(f"your cover does not imply {f}")
    for f in ans:
        if not implies(given, f):
            msgs.append(f"{f} does not follow from the given FDs")
    equivalent_ = not msgs
    u = Universe.of([], [*given, *ans])
    for f in ans:
        if len(f.rhs) != 1:
            msgs.append(f"{f}: a minimal cover has one attribute on each right-hand side")
        if f.trivial:
            msgs.append(f"{f} is trivial")
    if equivalent_:
        for f in ans:
            others = [g for g in ans if g != f]
            if Closer(u, others).closure(u.mask(f.lhs)) & u.mask(f.rhs) == u.mask(f.rhs):
                msgs.append(f"{f} is redundant: the other FDs of your cover imply it")
                continue
            c = Closer(u, ans)
            for b in sorted(f.lhs):
                if c.closure(u.mask(f.lhs - {b})) & u.mask(f.rhs) == u.mask(f.rhs):
                    msgs.append(f"{b} is extraneous in {f}: {fmt_attrs(f.lhs - {b}, braces=True)} already "
                                f"determines {fmt_attrs(f.rhs)}")
                    break
    ok = not msgs
    expected = minimal_cover(given)
    return Feedback(ok, tuple(msgs) or ("equivalent to the given FDs and minimal",),
                    {"example": [str(f) for f in expected]})  # type: ignore[union-attr]


def check_normal_form(attributes: Attrs, fds: Iterable[FD | str] | str, answer: str,
                      mvds: Iterable[str] | None = None) -> Feedback:
    """Is ``answer`` (1NF, 2NF, 3NF, BCNF, 4NF) the highest normal form? Names the deciding violation.

    >>> print(check_normal_form("A B C", "A -> B; B -> C", "3NF"))  # doctest: +NORMALIZE_WHITESPACE
    not quite
    - it is in 2NF, not 3NF: transitive dependency: B -> C, where {B} is not a superkey and C is
      not part of any key (so key {A} -> B -> C)
    """
    names = attr_list(attributes)
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
    names = attr_list(attributes)
    fd_list = _fds(fds, names)
    rels = [attr_list(r, names) for r in relations]
    target = target.upper()
    if target not in ("3NF", "BCNF"):
        raise ModelError(f"target must be 3NF or BCNF, not {target!r}")
    msgs, ok = [], True
    covered = {a for r in rels for a in r}
    missing = [a for a in names if a not in covered]
    extra = sorted(covered - set(names))
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
        report = normal_form(r, fd_list)
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

    def prompt(self) -> str:
        fds = "; ".join(f.text(self.attributes) for f in self.fds) or "(none)"
        asks = {"closure": f"the closure of {fmt_attrs(self.closure_of, self.attributes, True)}",
                "keys": "every candidate key", "cover": "a minimal cover", "normal_form": "the highest normal form",
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
            return closure(self.closure_of, self.fds)
        if task == "keys":
            return candidate_keys(list(self.attributes), self.fds)
        if task == "cover":
            return minimal_cover(self.fds)
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
            return check_cover(self.fds, answer)
        if task == "normal_form":
            return check_normal_form(self.attributes, self.fds, answer, mvds=self.mvds or None)
        if task in ("3nf", "bcnf"):
            return check_decomposition(self.attributes, self.fds, answer, task.upper())
        raise ModelError(f"unknown task {task!r} (tasks: {', '.join(TASKS)})", where=self.id)

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
            names = attr_list(item["relation"])
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
            out.append(Exercise(ex_id, str(item.get("title", ex_id)), tuple(names), fds, tasks, closure_of,
                                str(item.get("story", "")), tuple(item.get("mvds", ()))))
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
