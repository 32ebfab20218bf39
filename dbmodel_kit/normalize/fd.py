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

__all__ = ["FD", "MVD", "Attrs", "NormalizationNote", "TooMuchWork", "Universe", "attr_list", "attrs", "fd_names",
           "fmt_attrs", "note", "parse_fds", "read_words", "relation_attrs", "singletons"]

Attrs = frozenset[str] | set[str] | Sequence[str] | str

_ARROW = re.compile(r"\s*(->>|→→|->|→)\s*")


def attrs(value: Attrs, universe: Sequence[str] | None = None) -> frozenset[str]:
    """An attribute set from a set, a sequence or text, read by :func:`attr_list`'s rule.

    >>> sorted(attrs("order_id, product_id"))
    ['order_id', 'product_id']
    >>> sorted(attrs("AB", "ABCD"))
    ['A', 'B']
    """
    return frozenset(attr_list(value, universe))


def attr_list(value: Attrs, universe: Sequence[str] | None = None) -> list[str]:
    """Attribute names in the order written (sets are sorted), read by the one notation rule.

    Text is split on commas when it has any, else on white space; then each word is read against
    the relation's attribute names (``universe``): a word that is a name is that name; a word that
    is not, but whose every character is a one-letter name of the relation, is those names (the
    textbook's compact ``AB`` for ``A, B``); any other word is kept as written (callers report it as
    not an attribute of the relation). Without ``universe`` every word is a name. Sequences and
    sets hold one name per item. Empty names are errors.

    >>> attr_list("order_id, product_id, qty")
    ['order_id', 'product_id', 'qty']
    >>> attr_list("AB C", ["A", "B", "C", "AB2"]), attr_list("AB", ["AB", "A", "B"])
    (['A', 'B', 'C'], ['AB'])
    """
    if isinstance(value, str):
        return _dedupe(read_words(value, universe))
    if isinstance(value, set | frozenset):
        return sorted(_name(v, value, i) for i, v in enumerate(value, 1))
    try:
        items = list(value)
    except TypeError:
        raise ModelError(f"expected attribute names (text, a list or a set), got {value!r} "
                         f"({type(value).__name__})") from None
    return _dedupe(_name(v, items, i) for i, v in enumerate(items, 1))


def read_words(text: str, universe: Sequence[str] | None = None) -> list[str]:
    """The names written in ``text`` by :func:`attr_list`'s rule, repeats kept (a relation checks them)."""
    body = text.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1].strip()
    if not body:
        return []
    names = set(universe) if universe is not None else None
    if "," in body:
        parts = [p.strip() for p in body.split(",")]
        if any(not p for p in parts):
            raise ModelError(f"empty attribute name in {text!r}")
        words: list[str] = []
        for p in parts:  # "order date, qty" keeps a name with a space when the relation has it
            words.extend([p] if names is None or p in names or " " not in p else p.split())
    else:
        words = body.split()
    out: list[str] = []
    for w in words:
        if names is not None and w not in names and len(w) > 1 and all(ch in names for ch in w):
            out.extend(w)
        else:
            out.append(w)
    return out


def _name(value: object, items: object, position: int) -> str:
    if not isinstance(value, str):
        raise ModelError(f"attribute names are text: item {position} of {items!r} is {value!r} "
                         f"({type(value).__name__})")
    if not value.strip():
        raise ModelError(f"empty attribute name: item {position} of {items!r}")
    return value


def _dedupe(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def relation_attrs(value: Attrs) -> list[str]:
    """The attributes of a relation: at least one, none empty, none twice.

    >>> relation_attrs("A B C")
    ['A', 'B', 'C']
    >>> relation_attrs("A B A")
    Traceback (most recent call last):
    dbmodel_kit.errors.ModelError: attribute 'A' is listed twice in the relation
    """
    if isinstance(value, str):
        words = read_words(value)
    elif isinstance(value, set | frozenset):
        words = attr_list(value)
    else:
        try:
            items = list(value)
        except TypeError:
            raise ModelError(f"expected the relation's attributes, got {value!r} ({type(value).__name__})") from None
        words = [_name(v, items, i) for i, v in enumerate(items, 1)]
    if not words:
        raise ModelError("a relation needs at least one attribute")
    seen: set[str] = set()
    for w in words:
        if w in seen:
            raise ModelError(f"attribute {w!r} is listed twice in the relation")
        seen.add(w)
    return words


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

    Attribute names are read against ``universe`` (the relation's attributes) by the rule of
    :func:`attr_list`. Errors name the line, or the item of a list: ``line 2: expected 'lhs -> rhs',
    ...``, ``FD 1: expected an FD or 'lhs -> rhs' text, got 42 (int)``.

    >>> [str(f) for f in parse_fds("a -> b; b, c -> d  # note")]
    ['a -> b', 'b, c -> d']
    """
    if isinstance(text, FD):
        text = [text]
    if isinstance(text, str):
        items: list[tuple[str, object]] = []
        for no, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0]
            items.extend((f"line {no}", part) for part in line.split(";") if part.strip())
    else:
        try:
            items = [(f"FD {no}", item) for no, item in enumerate(text, 1)]
        except TypeError:
            raise ModelError(f"expected FDs as text or a list, got {text!r} ({type(text).__name__})") from None
    out = []
    for where, item in items:
        if isinstance(item, FD):
            out.append(item)
            continue
        if not isinstance(item, str):
            raise ModelError(f"expected an FD or 'lhs -> rhs' text, got {item!r} ({type(item).__name__})",
                             where=where)
        try:
            out.append(FD.parse(item, universe))
        except ModelError as e:
            raise e.at(where) from None
    return out


def fd_names(fds: Iterable[FD]) -> list[str]:
    """The attributes the FDs name, in order of first mention (each FD's sides sorted)."""
    seen: dict[str, None] = {}
    for f in fds:
        for a in sorted(f.lhs):
            seen.setdefault(a)
        for a in sorted(f.rhs):
            seen.setdefault(a)
    return list(seen)


class NormalizationNote(UserWarning):
    """Something about the input a person should know, although the answer is well defined: FDs
    naming attributes outside the relation (restricted to it by closure), or a word read as one
    attribute name that looks like several. Results that can hold notes (decompositions, normal-form
    reports, chase results, feedback) carry them in ``notes``; functions returning plain values
    (sets, lists) issue this warning instead."""


def note(message: str) -> None:
    """Warn :class:`NormalizationNote`, attributed to the first caller outside this package."""
    import sys
    import warnings
    from types import FrameType

    level = 2
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(__package__ or "dbmodel_kit.normalize"):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, NormalizationNote, stacklevel=level)


class TooMuchWork(ModelError):
    """Exact work that would take too long: the answer can be exponentially large (more candidate
    keys, or more FDs on a part of a relation, than ``limit``). The message says what and how many."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


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
