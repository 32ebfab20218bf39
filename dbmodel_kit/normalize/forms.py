"""The normal form of a relation (1NF, 2NF, 3NF, BCNF; 4NF when MVDs are given), with each
violation named and explained in the words a textbook uses.

Checks, one function each, read top to bottom in :data:`CHECKS`:

- 2NF: no non-prime attribute depends on a proper subset of a candidate key. By monotonicity it is
  enough to close the largest proper subsets (K minus one attribute) of each key; each attribute
  found there is reported with a minimal left-hand side (shrunk while it still determines it), so
  dependencies implied through others count too, and keys are enumerated once for the whole check;
- 3NF: every FD X -> A of a minimal cover has X a superkey or A prime (checking a cover is enough);
- BCNF: every FD X -> A of a minimal cover has X a superkey;
- 4NF: every non-trivial MVD X ->> Y has X a superkey (only when MVDs are given).

Every relation here is in 1NF: attributes are atomic by construction. FDs naming attributes
outside the relation are restricted to it by closure (:mod:`.restrict`); the report's ``notes``
say so.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..errors import ModelError
from .closure import Closer
from .cover import cover_of
from .explain import Explanation, Step
from .fd import FD, MVD, Attrs, Universe, bits, fmt_attrs
from .keys import key_masks
from .restrict import on_relation

__all__ = ["FORMS", "NormalFormReport", "Violation", "normal_form"]

FORMS = ("1NF", "2NF", "3NF", "BCNF", "4NF")


@dataclass(frozen=True)
class Violation:
    """Why a relation is not in ``form``: the dependency, its kind and a sentence for a person."""

    form: str
    kind: str
    dependency: FD | MVD
    message: str
    key: frozenset[str] | None = None


@dataclass(frozen=True)
class _Context:
    u: Universe
    fds: list[FD]
    cover: list[FD]
    closer: Closer
    key_masks: list[int]
    keys: list[frozenset[str]]
    prime: frozenset[str]
    mvds: tuple[MVD, ...]

    def superkey(self, x: frozenset[str]) -> bool:
        return self.closer.closure(self.u.mask(x)) == self.u.full

    def fmt(self, x: Iterable[str], braces: bool = False) -> str:
        return fmt_attrs(x, self.u.order, braces)

    def fd(self, f: FD | MVD) -> str:
        arrow = "->>" if isinstance(f, MVD) else "->"
        return f"{self.fmt(f.lhs)} {arrow} {self.fmt(f.rhs)}"


def _check_2nf(ctx: _Context) -> list[Violation]:
    u, c = ctx.u, ctx.closer
    nonprime = u.mask(set(u.order) - ctx.prime)
    if not nonprime:
        return []
    memo: dict[int, int] = {}

    def plus(x: int) -> int:
        if x not in memo:
            memo[x] = c.closure(x)
        return memo[x]

    def support(s: int) -> dict[int, int]:
        """For each attribute s+ adds: the attributes of s that the FDs firing for it used (a
        derivation traced back to s), a small superset of a minimal left-hand side."""
        trace: list[tuple[int, int]] = []
        c.closure(s, trace)
        adder: dict[int, int] = {}
        for i, new in trace:
            for a in bits(new):
                adder.setdefault(a, c.lhs[i])
        used: dict[int, int] = {}

        def back(a: int) -> int:
            if a not in used:
                used[a] = 0  # no FD set derives an attribute through itself
                got = 0
                for d in bits(adder[a]):
                    got |= (1 << d) if s >> d & 1 else back(d)
                used[a] = got
            return used[a]

        return {a: back(a) for a in adder}

    out = []
    reported: dict[int, set[int]] = {}  # attribute -> minimal left-hand sides already reported
    for key, key_mask in zip(ctx.keys, ctx.key_masks):
        found: list[tuple[int, int]] = []
        for b in bits(key_mask):
            s = key_mask & ~(1 << b)
            partial = plus(s) & nonprime
            if not partial:
                continue
            derived = support(s)
            for a in bits(partial):
                x = derived[a]
                for d in bits(x):  # shrink to a minimal left-hand side that still gives a
                    if plus(x & ~(1 << d)) >> a & 1:
                        x &= ~(1 << d)
                if x not in reported.setdefault(a, set()):
                    reported[a].add(x)
                    found.append((x, a))
        for x, a in sorted(found, key=lambda p: (p[0].bit_count(), bits(p[0]), p[1])):
            lhs, name = u.names(x), u.order[a]
            what = ctx.fmt(lhs, braces=len(lhs) != 1) if lhs else "the empty set (a constant column)"
            out.append(Violation(
                "2NF", "partial dependency", FD(lhs, frozenset({name})),
                f"partial dependency: {ctx.fmt(lhs) if lhs else '∅'} -> {name}, where {what} is a proper "
                f"subset of key {ctx.fmt(key, True)} and {name} is not part of any key", key))
    return out


def _check_3nf(ctx: _Context) -> list[Violation]:
    out = []
    for f in ctx.cover:
        a = next(iter(f.rhs))
        if a in ctx.prime or ctx.superkey(f.lhs):
            continue
        key = ctx.keys[0]
        lhs = ctx.u.mask(f.lhs)
        if any(lhs & ~k == 0 and lhs != k for k in ctx.key_masks):
            continue  # a partial dependency, reported by the 2NF check
        out.append(Violation(
            "3NF", "transitive dependency", f,
            f"transitive dependency: {ctx.fd(f)}, where {ctx.fmt(f.lhs, True)} is not a superkey and {a} is "
            f"not part of any key (so key {ctx.fmt(key, True)} -> {ctx.fmt(f.lhs)} -> {a})", key))
    return out


def _check_bcnf(ctx: _Context) -> list[Violation]:
    out = []
    for f in ctx.cover:
        a = next(iter(f.rhs))
        if a not in ctx.prime or ctx.superkey(f.lhs):
            continue
        out.append(Violation(
            "BCNF", "non-key determinant", f,
            f"non-key determinant: {ctx.fd(f)}, where {ctx.fmt(f.lhs, True)} is not a superkey "
            f"(3NF allows it only because {a} is part of a key)"))
    return out


def _check_4nf(ctx: _Context) -> list[Violation]:
    out = []
    everything = set(ctx.u.order)
    for m in ctx.mvds:
        rhs = m.rhs - m.lhs
        if not rhs or (m.lhs | rhs) >= everything:
            continue
        if not ctx.superkey(m.lhs):
            out.append(Violation(
                "4NF", "multivalued dependency", m,
                f"multivalued dependency: {ctx.fd(m)}, where {ctx.fmt(m.lhs, True)} is not a superkey"))
    return out


#: The checks in order: the first one that finds violations fixes the normal form below it.
CHECKS: tuple[tuple[str, Callable[[_Context], list[Violation]]], ...] = (
    ("2NF", _check_2nf),
    ("3NF", _check_3nf),
    ("BCNF", _check_bcnf),
    ("4NF", _check_4nf),
)


@dataclass(frozen=True)
class NormalFormReport:
    """The highest normal form a relation reaches, and every violation of the higher ones."""

    attributes: tuple[str, ...]
    level: str
    keys: tuple[frozenset[str], ...]
    prime: frozenset[str]
    violations: tuple[Violation, ...]
    mvds_given: bool = False
    notes: tuple[str, ...] = ()

    def is_in(self, form: str) -> bool:
        """Is the relation in ``form`` (``"3NF"``, ...)? 4NF is only known when MVDs were given."""
        form = form.upper()
        if form not in FORMS:
            raise ModelError(f"unknown normal form {form!r} (known: {', '.join(FORMS)})")
        if form == "4NF" and not self.mvds_given:
            return self.level == "4NF"
        return FORMS.index(self.level) >= FORMS.index(form)

    def violations_of(self, form: str) -> list[Violation]:
        return [v for v in self.violations if v.form == form.upper()]

    def text(self) -> str:
        keys = "; ".join(fmt_attrs(k, self.attributes, True) for k in self.keys)
        lines = [f"({fmt_attrs(self.attributes, self.attributes)}) is in {self.level}", f"keys: {keys}"]
        lines += [f"- not {v.form}: {v.message}" for v in self.violations]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        esc = html.escape
        items = "".join(f"<li><b>not {esc(v.form)}</b>: {esc(v.message)}</li>" for v in self.violations)
        keys = "; ".join(fmt_attrs(k, self.attributes, True) for k in self.keys)
        notes = "".join(f"<p><i>note: {esc(n)}</i></p>" for n in self.notes)
        return (f"<div><p>({esc(fmt_attrs(self.attributes, self.attributes))}) is in <b>{esc(self.level)}</b>; "
                f"keys: {esc(keys)}</p><ul>{items}</ul>{notes}</div>")


def normal_form(attributes: Attrs, fds: Iterable[FD | str] | str, mvds: Iterable[MVD | str] | None = None,
                explain: bool = False) -> NormalFormReport | Explanation:
    """The normal form of the relation ``attributes`` under ``fds`` (and ``mvds`` for 4NF).

    FDs naming attributes outside the relation are restricted to it by closure (the report's
    ``notes`` say so); an MVD naming one is an error. Keys are enumerated once (more than
    :data:`~.keys.KEY_LIMIT` raise :class:`~.fd.TooMuchWork`).

    >>> r = normal_form("order_id, product_id, customer_name, qty",
    ...                 "order_id -> customer_name; order_id, product_id -> qty")
    >>> r.level
    '1NF'
    >>> print(r.violations[0].message)  # doctest: +NORMALIZE_WHITESPACE
    partial dependency: order_id -> customer_name, where order_id is a proper subset of
    key {order_id, product_id} and customer_name is not part of any key
    """
    rel = on_relation(attributes, fds)
    return _normal_form(rel.names, list(rel.fds), mvds, explain, rel.notes)


def _mvds(mvds: Iterable[MVD | str], names: Sequence[str]) -> tuple[MVD, ...]:
    out = []
    for i, m in enumerate(mvds, 1):
        if not isinstance(m, MVD | str):
            raise ModelError(f"expected an MVD or 'lhs ->> rhs' text, got {m!r} ({type(m).__name__})", where=f"MVD {i}")
        mvd = MVD.parse(m, names) if isinstance(m, str) else m
        unknown = [a for a in sorted(mvd.lhs | mvd.rhs) if a not in set(names)]
        if unknown:
            what = "an attribute" if len(unknown) == 1 else "attributes"
            raise ModelError(f"{mvd} names {', '.join(unknown)}, not {what} of ({fmt_attrs(names, names)})",
                             where=f"MVD {i}")
        out.append(mvd)
    return tuple(out)


def _normal_form(names: Sequence[str], fd_list: list[FD], mvds: Iterable[MVD | str] | None, explain: bool,
                 notes: tuple[str, ...] = ()) -> NormalFormReport | Explanation:
    """:func:`normal_form` on FDs already restricted to the relation ``names``."""
    mvd_list = _mvds(mvds or (), names)
    u = Universe(names)
    closer = Closer(u, fd_list)
    masks = key_masks(u, closer)
    keys = [u.names(k) for k in masks]
    cover = cover_of(fd_list) if fd_list else []
    prime_mask = 0
    for k in masks:
        prime_mask |= k
    prime = u.names(prime_mask)
    ctx = _Context(u, fd_list, cover, closer, masks, keys, prime, mvd_list)
    steps = [Step(n, "note") for n in notes]
    if explain:
        steps += [Step(f"candidate keys: {'; '.join(ctx.fmt(k, True) for k in keys)}; prime attributes: "
                       f"{ctx.fmt(prime, True)}", "key", {"keys": [sorted(k) for k in keys]}),
                  Step("minimal cover: " + ("; ".join(ctx.fd(f) for f in cover) or "(none)"), "cover")]
    violations: list[Violation] = []
    level = "1NF"
    broken = False
    for form, check in CHECKS:
        if form == "4NF" and mvds is None:
            break
        found = check(ctx)
        violations.extend(found)
        if explain:
            for v in found:
                steps.append(Step(f"not {form}: {v.message}", "violation", {"form": form, "fd": ctx.fd(v.dependency)}))
            if not found:
                steps.append(Step(f"{form}: no violation", "check", {"form": form}))
        if found:
            broken = True
        if not broken:
            level = form
    report = NormalFormReport(tuple(names), level, tuple(keys), prime, tuple(violations), mvds is not None, notes)
    if not explain:
        return report
    return Explanation(f"Normal form of ({ctx.fmt(names)})", tuple(steps), report, f"{level}")
