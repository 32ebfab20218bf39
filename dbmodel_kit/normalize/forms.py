"""The normal form of a relation (1NF, 2NF, 3NF, BCNF; 4NF when MVDs are given), with each
violation named and explained in the words a textbook uses.

Checks, one function each, read top to bottom in :data:`CHECKS`:

- 2NF: no non-prime attribute depends on a proper subset of a candidate key (found from the
  closures of the proper subsets of each key, so dependencies implied through others count too);
- 3NF: every FD X -> A of a minimal cover has X a superkey or A prime (checking a cover is enough);
- BCNF: every FD X -> A of a minimal cover has X a superkey;
- 4NF: every non-trivial MVD X ->> Y has X a superkey (only when MVDs are given).

Every relation here is in 1NF: attributes are atomic by construction.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

from .closure import Closer
from .cover import minimal_cover
from .explain import Explanation, Step
from .fd import FD, MVD, Attrs, Universe, attr_list, fmt_attrs, parse_fds
from .keys import candidate_keys

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
    out = []
    reported: dict[str, list[frozenset[str]]] = {}  # attribute -> LHS already reported (keep minimal ones)
    nonprime = ctx.u.mask(set(ctx.u.order) - ctx.prime)
    for key in ctx.keys:
        key_list = [a for a in ctx.u.order if a in key]
        for size in range(len(key_list)):
            for sub in combinations(key_list, size):
                x = frozenset(sub)
                for a in ctx.u.ordered(ctx.closer.closure(ctx.u.mask(x)) & nonprime):
                    if any(y <= x for y in reported.get(a, ())):
                        continue
                    reported.setdefault(a, []).append(x)
                    what = ctx.fmt(x, braces=len(x) != 1) if x else "the empty set (a constant column)"
                    out.append(Violation(
                        "2NF", "partial dependency", FD(x, frozenset({a})),
                        f"partial dependency: {ctx.fmt(x) if x else '∅'} -> {a}, where {what} is a proper "
                        f"subset of key {ctx.fmt(key, True)} and {a} is not part of any key", key))
    return out


def _check_3nf(ctx: _Context) -> list[Violation]:
    out = []
    for f in ctx.cover:
        a = next(iter(f.rhs))
        if a in ctx.prime or ctx.superkey(f.lhs):
            continue
        key = ctx.keys[0]
        if any(f.lhs < k for k in ctx.keys):
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
        if not rhs or (m.lhs | rhs) >= everything or not (m.lhs | m.rhs) <= everything:
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

    def is_in(self, form: str) -> bool:
        """Is the relation in ``form`` (``"3NF"``, ...)? 4NF is only known when MVDs were given."""
        form = form.upper()
        if form not in FORMS:
            from ..errors import ModelError

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
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        esc = html.escape
        items = "".join(f"<li><b>not {esc(v.form)}</b>: {esc(v.message)}</li>" for v in self.violations)
        keys = "; ".join(fmt_attrs(k, self.attributes, True) for k in self.keys)
        return (f"<div><p>({esc(fmt_attrs(self.attributes, self.attributes))}) is in <b>{esc(self.level)}</b>; "
                f"keys: {esc(keys)}</p><ul>{items}</ul></div>")


def normal_form(attributes: Attrs, fds: Iterable[FD | str] | str, mvds: Iterable[MVD | str] | None = None,
                explain: bool = False) -> NormalFormReport | Explanation:
    """The normal form of the relation ``attributes`` under ``fds`` (and ``mvds`` for 4NF).

    >>> r = normal_form("order_id, product_id, customer_name, qty",
    ...                 "order_id -> customer_name; order_id, product_id -> qty")
    >>> r.level
    '1NF'
    >>> print(r.violations[0].message)  # doctest: +NORMALIZE_WHITESPACE
    partial dependency: order_id -> customer_name, where order_id is a proper subset of
    key {order_id, product_id} and customer_name is not part of any key
    """
    names = attr_list(attributes)
    fd_list = parse_fds(fds, names) if isinstance(fds, str) else parse_fds(list(fds), names)
    if any(not f.attributes <= set(names) for f in fd_list):
        from .cover import projection

        fd_list = projection(fd_list, names)
    mvd_list = tuple(MVD.parse(m, names) if isinstance(m, str) else m for m in (mvds or ()))
    u = Universe(names)
    keys = candidate_keys(names, fd_list)
    cover = minimal_cover(fd_list) if fd_list else []
    assert isinstance(keys, list)
    assert isinstance(cover, list)
    prime = frozenset().union(*keys)
    ctx = _Context(u, fd_list, cover, Closer(u, fd_list), keys, prime, mvd_list)
    violations: list[Violation] = []
    level = "1NF"
    steps = [Step(f"candidate keys: {'; '.join(ctx.fmt(k, True) for k in keys)}; prime attributes: "
                  f"{ctx.fmt(prime, True)}", "key", {"keys": [sorted(k) for k in keys]}),
             Step("minimal cover: " + ("; ".join(ctx.fd(f) for f in cover) or "(none)"), "cover")]
    broken = False
    for form, check in CHECKS:
        if form == "4NF" and mvds is None:
            break
        found = check(ctx)
        violations.extend(found)
        for v in found:
            steps.append(Step(f"not {form}: {v.message}", "violation", {"form": form, "fd": ctx.fd(v.dependency)}))
        if not found:
            steps.append(Step(f"{form}: no violation", "check", {"form": form}))
        if found:
            broken = True
        if not broken:
            level = form
    report = NormalFormReport(tuple(names), level, tuple(keys), prime, tuple(violations), mvds is not None)
    if not explain:
        return report
    return Explanation(f"Normal form of ({ctx.fmt(names)})", tuple(steps), report, f"{level}")
