"""Functional dependencies as values, their text form, and the bitset universe the algorithms use.

The API speaks ``frozenset`` of attribute names; inside, a :class:`Universe` numbers the
attributes so that a set is a Python ``int`` (bit i = attribute i), which makes union, subset and
equality single machine operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..errors import ModelError

__all__ = ["FD", "MVD", "Attrs", "Universe", "attr_list", "attrs", "fmt_attrs", "parse_fds", "singletons"]

Attrs = frozenset[str] | set[str] | Sequence[str] | str

_ARROW = re.compile(r"\s*(->>|→→|->|→)\s*")


def attrs(value: Attrs, universe: Sequence[str] | None = None) -> frozenset[str]:
    """An attribute set from a set, a sequence or text (``"a, b"``, ``"a b"``, or ``"AB"`` when every
    attribute of ``universe`` is one character).

    >>> sorted(attrs("order_id, product_id"))
    ['order_id', 'product_id']
    >>> sorted(attrs("AB", "ABCD"))
    ['A', 'B']
    """
    return frozenset(attr_list(value, universe))


def attr_list(value: Attrs, universe: Sequence[str] | None = None) -> list[str]:
    """Like :func:`attrs` but keeps the order written (sets are sorted).

    >>> attr_list("order_id, product_id, qty")
    ['order_id', 'product_id', 'qty']
    """
    if isinstance(value, str):
        text = value.strip().strip("{}")
        if not text:
            return []
        if "," in text:
            parts = [p.strip() for p in text.split(",")]
        elif universe is not None and all(len(u) == 1 for u in universe) and " " not in text:
            parts = list(text)
        else:
            parts = text.split()
        if any(not p for p in parts):
            raise ModelError(f"empty attribute name in {value!r}")
        return list(dict.fromkeys(parts))
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    return list(dict.fromkeys(str(v) for v in value))


def fmt_attrs(value: Iterable[str], order: Sequence[str] | None = None, braces: bool = False) -> str:
    """``a, b`` in the given attribute order (else alphabetical); ``∅`` for the empty set."""
    items = list(value)
    if order is not None:
        pos = {a: i for i, a in enumerate(order)}
        items.sort(key=lambda a: (pos.get(a, len(pos)), a))
    else:
        items.sort()
    if not items:
        return "∅"
    text = ", ".join(items)
    return "{" + text + "}" if braces else text


@dataclass(frozen=True, order=False)
class FD:
    """``lhs -> rhs``: rows that agree on ``lhs`` agree on ``rhs``.

    >>> FD.parse("order_id -> customer, date")
    FD('order_id -> customer, date')
    >>> FD.parse("AB -> C", universe="ABC").lhs == {"A", "B"}
    True
    """

    lhs: frozenset[str]
    rhs: frozenset[str]

    def __post_init__(self) -> None:
        if type(self.lhs) is not frozenset:
            object.__setattr__(self, "lhs", attrs(self.lhs))
        if type(self.rhs) is not frozenset:
            object.__setattr__(self, "rhs", attrs(self.rhs))
        if not self.rhs:
            raise ModelError(f"an FD needs a right-hand side: {self}")

    @classmethod
    def parse(cls, text: str, universe: Sequence[str] | None = None) -> FD:
        parts = _ARROW.split(text.strip())
        if len(parts) != 3 or parts[1] in ("->>", "→→"):
            raise ModelError(f"expected 'lhs -> rhs', got {text!r}")
        return cls(attrs(parts[0], universe), attrs(parts[2], universe))

    @property
    def trivial(self) -> bool:
        return self.rhs <= self.lhs

    @property
    def attributes(self) -> frozenset[str]:
        return self.lhs | self.rhs

    def text(self, order: Sequence[str] | None = None) -> str:
        return f"{fmt_attrs(self.lhs, order)} -> {fmt_attrs(self.rhs, order)}"

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"FD({self.text()!r})"

    def sort_key(self) -> tuple:
        return (len(self.lhs), sorted(self.lhs), sorted(self.rhs))


@dataclass(frozen=True)
class MVD:
    """``lhs ->> rhs``: a multivalued dependency (for 4NF).

    >>> str(MVD.parse("course ->> teacher"))
    'course ->> teacher'
    """

    lhs: frozenset[str]
    rhs: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "lhs", attrs(self.lhs))
        object.__setattr__(self, "rhs", attrs(self.rhs))

    @classmethod
    def parse(cls, text: str, universe: Sequence[str] | None = None) -> MVD:
        parts = _ARROW.split(text.strip())
        if len(parts) != 3 or parts[1] not in ("->>", "→→"):
            raise ModelError(f"expected 'lhs ->> rhs', got {text!r}")
        return cls(attrs(parts[0], universe), attrs(parts[2], universe))

    def __str__(self) -> str:
        return f"{fmt_attrs(self.lhs)} ->> {fmt_attrs(self.rhs)}"


def parse_fds(text: str | Iterable[str | FD], universe: Sequence[str] | None = None) -> list[FD]:
    """FDs from text (one per line or separated by ``;``; ``#`` starts a comment) or a list.

    Errors name the line: ``line 2: expected 'lhs -> rhs', ...``.

    >>> [str(f) for f in parse_fds("a -> b; b, c -> d  # note")]
    ['a -> b', 'b, c -> d']
    """
    if isinstance(text, str):
        items: list[tuple[int, str | FD]] = []
        for no, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0]
            items.extend((no, part) for part in line.split(";") if part.strip())
    else:
        items = list(enumerate(text, 1))
    out = []
    for no, item in items:
        if isinstance(item, FD):
            out.append(item)
            continue
        try:
            out.append(FD.parse(item, universe))
        except ModelError as e:
            raise e.at(f"line {no}") from None
    return out


def singletons(fds: Iterable[FD]) -> list[FD]:
    """Split every FD into FDs with one attribute on the right (dropping trivial parts)."""
    out: list[FD] = []
    seen = set()
    for f in fds:
        for a in sorted(f.rhs):
            if a in f.lhs:
                continue
            g = FD(f.lhs, frozenset({a}))
            if g not in seen:
                seen.add(g)
                out.append(g)
    return out


class Universe:
    """Numbers attributes so that sets become ints: ``mask({"b"})`` is ``1 << index("b")``.

    >>> u = Universe(["a", "b", "c"])
    >>> u.mask({"a", "c"}), sorted(u.names(0b110))
    (5, ['b', 'c'])
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.order: tuple[str, ...] = tuple(dict.fromkeys(names))
        self.index = {a: i for i, a in enumerate(self.order)}
        self.full = (1 << len(self.order)) - 1

    @classmethod
    def of(cls, attributes: Iterable[str] | None, fds: Iterable[FD]) -> Universe:
        names: list[str] = list(attributes or [])
        for f in fds:
            names.extend(sorted(f.lhs | f.rhs))
        return cls(names)

    def mask(self, names: Iterable[str]) -> int:
        m = 0
        for a in names:
            try:
                m |= 1 << self.index[a]
            except KeyError:
                raise ModelError(f"unknown attribute {a!r} (attributes: {', '.join(self.order)})") from None
        return m

    def names(self, mask: int) -> frozenset[str]:
        return frozenset(self.order[i] for i in bits(mask))

    def ordered(self, mask: int) -> list[str]:
        return [self.order[i] for i in bits(mask)]

    def fmt(self, mask: int, braces: bool = False) -> str:
        return fmt_attrs(self.ordered(mask), self.order, braces)

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)


def bits(mask: int) -> list[int]:
    """Indices of the set bits of ``mask``, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
