"""Hints in three levels for every exercise task: a nudge, then the next step, then the answer.

A student who is stuck asks for level 1 first (:data:`HINT_LEVELS`): the method, applied to this
relation but without any result. Level 2 is one concrete step the method takes next; when the
student's current attempt is passed, the step continues from the part of it that is right (and
asks to remove what is wrong first), so a hint never jumps ahead of the student. Level 3 is the
answer, short; the full worked solution is the theory function's explanation
(:meth:`~.exercises.Exercise.solution`). Every hint is computed by the theory functions, one
function per task in :data:`HINTS`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ModelError
from .closure import Closer
from .cover import cover_of
from .explain import Explanation
from .fd import FD, Universe, attr_list, fmt_attrs
from .keys import key_masks

__all__ = ["HINTS", "HINT_LEVELS", "Hint", "hint"]

HINT_LEVELS = ("nudge", "next step", "answer")


@dataclass(frozen=True)
class Hint:
    """One hint: its task, its level (1 nudge, 2 next step, 3 answer) and the sentence."""

    task: str
    level: int
    text: str

    @property
    def kind(self) -> str:
        return HINT_LEVELS[self.level - 1]

    def __str__(self) -> str:
        return f"hint {self.level} ({self.kind}): {self.text}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython's text/plain: the sentence
        p.text(str(self))

    def _repr_html_(self) -> str:
        return f"<p><b>hint {self.level} ({html.escape(self.kind)})</b>: {html.escape(self.text)}</p>"


@dataclass(frozen=True)
class _Question:
    names: list[str]
    fds: list[FD]
    closure_of: tuple[str, ...]
    mvds: tuple[str, ...]
    answer: Any

    @property
    def u(self) -> Universe:
        return Universe(self.names)

    def fmt(self, x: Any, braces: bool = True) -> str:
        return fmt_attrs(x, self.names, braces)


def _closure(q: _Question, level: int) -> str:
    u, x = q.u, q.u.mask(q.closure_of)
    c = Closer(u, q.fds)
    target = c.closure(x)
    if level == 1:
        return (f"Start from {q.fmt(q.closure_of)}. Add the right-hand side of every FD whose left-hand side is "
                "already inside your set, and repeat until no FD adds anything.")
    if level == 3:
        return f"{q.fmt(q.closure_of)}+ = {u.fmt(target, True)}"
    have = x
    if q.answer is not None:
        given = attr_list(q.answer, q.names)
        unknown = [a for a in given if a not in u.index]
        if unknown:
            return (f"{', '.join(unknown)} {'is not an attribute' if len(unknown) == 1 else 'are not attributes'} "
                    f"of R({', '.join(q.names)}): write the names of the relation.")
        wrong = [a for a in given if not target >> u.index[a] & 1]
        if wrong:
            return (f"First take {', '.join(wrong)} out: no FD adds {'it' if len(wrong) == 1 else 'them'} "
                    f"starting from {q.fmt(q.closure_of)}.")
        have |= u.mask(given)
    for f in q.fds:
        lhs, rhs = u.mask(f.lhs), u.mask(f.rhs)
        if lhs & ~have == 0 and rhs & ~have:
            inside = (f"its left-hand side is inside {u.fmt(have, True)}" if lhs else "its left-hand side is empty")
            return f"{f.text(q.names)} applies: {inside}, so add {u.fmt(rhs & ~have)}."
    return f"No FD adds anything to {u.fmt(have, True)}: you have the whole closure."


def _keys(q: _Question, level: int) -> str:
    u = q.u
    c = Closer(u, q.fds)
    on_rhs = on_lhs = 0
    for lhs, rhs in zip(c.lhs, c.rhs):
        on_rhs |= rhs & ~lhs
        on_lhs |= lhs
    core, never = u.full & ~on_rhs, on_rhs & ~on_lhs
    keys = key_masks(u, c)
    if level == 1:
        return (f"Attributes on no right-hand side, {u.fmt(core, True)}, are in every key; attributes only on "
                f"right-hand sides, {u.fmt(never, True)}, are in none. Compute {u.fmt(core, True)}+ and add "
                "attributes until the closure is every attribute, then drop any you can do without.")
    if level == 3:
        return f"the candidate keys are {'; '.join(u.fmt(k, True) for k in keys)}"
    found: list[int] = []
    if q.answer is not None:
        from .exercises import read_keys

        for words in read_keys(q.answer, q.names):
            if any(a not in u.index for a in words):
                return f"{q.fmt(words)} names something that is not an attribute: fix it first."
            m = u.mask(words)
            if m not in keys:
                plus = c.closure(m)
                why = "is not a superkey" if plus != u.full else "is a superkey but not minimal"
                return f"Look again at {u.fmt(m, True)}: it {why}. Compute its closure."
            found.append(m)
    if not found:
        plus = c.closure(core)
        if plus == u.full:
            return f"{u.fmt(core, True)}+ is every attribute, so {u.fmt(core, True)} is a key; is there another?"
        return (f"{u.fmt(core, True)}+ = {u.fmt(plus, True)}, not every attribute: add one of "
                f"{u.fmt(u.full & ~plus & ~never, True)} and compute the closure again.")
    for k in found:  # the step of Lucchesi & Osborn's search that finds a key the student has not
        for lhs, rhs in zip(c.lhs, c.rhs):
            s = lhs | (k & ~rhs)
            if not any(o & ~s == 0 for o in found) and any(key & ~s == 0 for key in keys):
                fd = FD(u.names(lhs), u.names(rhs & ~lhs)).text(q.names)
                return (f"From key {u.fmt(k, True)} and {fd}: {u.fmt(s, True)} is a superkey that holds none of "
                        "your keys. Shrink it to a key.")
    return "You have every key." if len(found) == len(keys) else "Try the FDs against each key you found."


def _cover(q: _Question, level: int) -> str:
    from .cover import minimal_cover
    from .exercises import check_cover

    if level == 1:
        return ("Three steps: split every right-hand side into single attributes; drop each left-hand attribute "
                "whose removal keeps the right-hand side in the closure; drop each FD the others imply.")
    if level == 3:
        return "a minimal cover: " + "; ".join(f.text(q.names) for f in cover_of(q.fds))
    if q.answer is not None:
        fb = check_cover(q.fds, q.answer, q.names, "either")
        if not fb.correct:
            return f"In your cover: {fb.messages[0]}."
        return "Your cover is equivalent and minimal."
    e = minimal_cover(q.fds, explain=True)
    assert isinstance(e, Explanation)
    changes = [s for s in e.steps if s.data.get("phase") in ("left-reduce", "redundant")]
    if any(len(f.rhs) > 1 for f in q.fds):
        return "Split the right-hand sides first: " + e.steps[0].text.split(": ", 1)[1]
    if changes:
        return changes[0].text[0].upper() + changes[0].text[1:] + "."
    return "Nothing to remove: the FDs are a minimal cover already."


def _normal_form(q: _Question, level: int) -> str:
    from .forms import normal_form

    report = normal_form(q.names, q.fds, mvds=q.mvds or None)
    if level == 1:
        return ("Find the candidate keys and the prime attributes (those in some key). Then test each FD X -> A: "
                "X inside a key with A not prime breaks 2NF; X not a superkey with A not prime breaks 3NF; X not "
                "a superkey at all breaks BCNF.")
    if level == 3:
        why = f"; {report.violations[0].message}" if report.violations else ""  # type: ignore[union-attr]
        return f"it is in {report.level}{why}"  # type: ignore[union-attr]
    keys = "; ".join(q.fmt(k) for k in report.keys)  # type: ignore[union-attr]
    first = next((f for f in cover_of(q.fds)), None)
    test = f" Now test {first.text(q.names)} against them." if first else " There are no FDs to test."
    return f"The candidate keys are {keys}; the prime attributes are {q.fmt(report.prime)}.{test}"  # type: ignore[union-attr]


def _decomposition(target: str) -> Callable[[_Question, int], str]:
    def hint_(q: _Question, level: int) -> str:
        from .bcnf import bcnf_decompose
        from .synthesis import synthesize_3nf

        step = synthesize_3nf if target == "3nf" else bcnf_decompose
        e = step(q.names, q.fds, explain=True)
        assert isinstance(e, Explanation)
        if level == 1:
            if target == "3nf":
                return ("Compute a minimal cover; make one relation of each left-hand side with everything it "
                        "determines in the cover; add a relation holding a key if none does; drop relations "
                        "contained in others.")
            return ("Find an FD X -> Y that holds in the relation with X not a superkey; split into X+ and the "
                    "rest with X kept (R - (X+ - X)); repeat on the parts until every part is in BCNF.")
        if level == 3:
            return "relations: " + "; ".join(f"({', '.join(r.attributes)})" for r in e.result.relations)
        kinds = ("cover", "split") if target == "3nf" else ("split",)
        first = next((s for s in e.steps if s.kind in kinds), None)
        if first is None:
            return "The relation is already in " + target.upper() + ": it stays as it is."
        return first.text[0].upper() + first.text[1:] + "."
    return hint_


#: One hint function per task: ``(question, level) -> sentence``.
HINTS: dict[str, Callable[[_Question, int], str]] = {
    "closure": _closure,
    "keys": _keys,
    "cover": _cover,
    "normal_form": _normal_form,
    "3nf": _decomposition("3nf"),
    "bcnf": _decomposition("bcnf"),
}


def hint(task: str, attributes: Sequence[str], fds: Sequence[FD], level: int = 1, *,
         closure_of: Sequence[str] = (), mvds: Sequence[str] = (), answer: Any = None) -> Hint:
    """The hint of ``level`` (1 nudge, 2 next step, 3 answer) for ``task`` on a relation and its FDs.

    >>> print(hint("closure", ["A", "B", "C"], [FD("A", "B"), FD("B", "C")], 2, closure_of=["A"], answer="A B"))
    hint 2 (next step): B -> C applies: its left-hand side is inside {A, B}, so add C.
    """
    if task not in HINTS:
        raise ModelError(f"unknown task {task!r} (tasks: {', '.join(HINTS)})")
    if level not in (1, 2, 3):
        raise ModelError(f"hint level must be 1 (nudge), 2 (next step) or 3 (answer), not {level!r}")
    if task == "closure" and not closure_of:
        raise ModelError("a closure hint needs closure_of")
    q = _Question(list(attributes), list(fds), tuple(closure_of), tuple(mvds), answer)
    return Hint(task, level, HINTS[task](q, level))

