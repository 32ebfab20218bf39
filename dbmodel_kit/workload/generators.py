"""Column value generators: each turns a row index into a DuckDB SQL expression tree.

Every value is a pure function of the row index ``__i`` (or of an index drawn from it) and a
*salt* derived from ``(seed, table, column)``: DuckDB's ``hash(x, salt)`` gives 64 well-mixed bits
per row, so generation is vectorized inside the engine, needs no random state, runs on all
threads and gives the same data for the same seed. Faker-like kinds (email, name, city, ...)
draw from small built-in word lists, so Faker is not needed at run time.

>>> g = Gen(seed=0, table="users")
>>> g.uniform("x").sql("duckdb")
'HASH(__i, 32662134868585059) / 18446744073709551616.0'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp

from ..errors import ModelError

ROW = "__i"  #: the row-index column every generator reads
RN = "__rn"  #: the row number in insert order (a bijection of the kept row indexes onto 0..rows-1)
TWO_64 = "18446744073709551616.0"
#: Temporal values spread over two years ending at a fixed date (fixed so the same seed gives the same data).
EPOCH_DATE = "2023-01-01"
SPAN_DAYS = 730
SPAN_MICROS = SPAN_DAYS * 86_400_000_000


@lru_cache(maxsize=512)
def _template(text: str) -> exp.Expression:
    return sqlglot.parse_one(text, read="duckdb")


def lit(value: Any) -> exp.Expression:
    """An SQL literal tree for a Python value."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value) if value >= 0 else exp.Neg(this=exp.Literal.number(-value))
    return exp.Literal.string(str(value))


def T(template: str, **values: Any) -> exp.Expression:
    """Parse a DuckDB ``template`` (cached) and put trees/literals in its ``:name`` placeholders.

    Templates hold only our own SQL; every identifier or user value goes in as a tree.
    """
    # a value already placed in another tree is copied; a fresh one is moved in (copying every
    # level again made deep expressions quadratic to build)
    return exp.replace_placeholders(
        _template(template),
        **{
            k: ((v.copy() if v.parent is not None else v) if isinstance(v, exp.Expression) else lit(v))
            for k, v in values.items()
        },
    )


def pick(items: Sequence[Any], index: exp.Expression) -> exp.Expression:
    """``list_extract([items], index + 1)``: the ``index``-th (0-based) of a list of literals.

    Written as DuckDB's ``list_extract`` rather than sqlglot's ``Bracket``: for a bracket sqlglot
    infers the index's type to apply the 1-based offset, which cost more than the rest of the
    query's SQL text together.
    """
    array = exp.Array(expressions=[lit(v) for v in items])
    return exp.Anonymous(this="list_extract", expressions=[array, exp.Add(this=exp.paren(index), expression=lit(1))])


def parse_skew(spec: Any, where: str) -> float | None:
    """``"zipf:1.1"`` -> 1.1, ``"uniform"``/None -> None."""
    if spec is None or spec == "uniform":
        return None
    m = re.fullmatch(r"zipf(?::\s*([0-9.]+))?", str(spec).strip())
    if not m:
        raise ModelError(f"skew hint {spec!r} is not 'uniform' or 'zipf:<exponent>' (e.g. 'zipf:1.1')", where=where)
    return float(m.group(1) or 1.0)


def coprime(n: int) -> int:
    """A multiplier coprime with ``n``: ``(i * m) % n`` is then a bijection of ``[0, n)``."""
    p = 2_654_435_761 % (2**31 - 1)  # Knuth's multiplicative constant, kept below 2**31 so r * p fits BIGINT
    while math.gcd(p, n) != 1:
        p += 1
    return p


@dataclass(frozen=True)
class Gen:
    """Random primitives for one table; ``salt`` keys every stream by (seed, table, purpose)."""

    seed: int
    table: str

    def salt(self, *purpose: object) -> int:
        digest = hashlib.sha256("\x1f".join(map(str, (self.seed, self.table, *purpose))).encode()).digest()
        return int.from_bytes(digest[:7], "big")  # 56 bits: a positive BIGINT literal

    def hash(self, *purpose: object, x: exp.Expression | None = None) -> exp.Expression:
        return T("hash(:x, :s)", x=x if x is not None else exp.column(ROW), s=self.salt(*purpose))

    def uniform(self, *purpose: object, x: exp.Expression | None = None) -> exp.Expression:
        """A double in [0, 1)."""
        return T(f"hash(:x, :s) / {TWO_64}", x=x if x is not None else exp.column(ROW), s=self.salt(*purpose))

    def below(self, n: int, *purpose: object, x: exp.Expression | None = None) -> exp.Expression:
        """A BIGINT uniform in [0, n)."""
        return T(
            "CAST(hash(:x, :s) % :n AS BIGINT)",
            x=x if x is not None else exp.column(ROW),
            s=self.salt(*purpose),
            n=max(n, 1),
        )

    def index(
        self, n: int, skew: float | None, *purpose: object, permute: bool = True, x: exp.Expression | None = None
    ) -> exp.Expression:
        """A BIGINT in [0, n): uniform, or Zipf-distributed with exponent ``skew``.

        Zipf ranks come from the inverse CDF of the continuous power law on [1, n+1]; with
        ``permute`` the popular ranks are spread over the index range by a multiplicative
        bijection, so the most referenced parent is not simply the first row.
        """
        if skew is None or skew <= 0 or n <= 1:
            return self.below(n, *purpose, x=x)
        u = self.uniform(*purpose, x=x)
        if abs(skew - 1.0) < 1e-9:
            rank = T("LEAST(CAST(FLOOR(POWER(:m, :u)) AS BIGINT) - 1, :top)", m=float(n + 1), u=u, top=n - 1)
        else:
            a = (n + 1) ** (1 - skew) - 1
            rank = T(
                "LEAST(CAST(FLOOR(POWER(:a * :u + 1, :e)) AS BIGINT) - 1, :top)", a=a, u=u, e=1 / (1 - skew), top=n - 1
            )
        if not permute:
            return rank
        return T("(:r * :p + :o) % :n", r=rank, p=coprime(n), o=self.salt(*purpose, "offset") % n, n=n)

    def chance(self, p: float, *purpose: object) -> exp.Expression:
        return T(":u < :p", u=self.uniform(*purpose), p=p)


# -- word lists for the Faker-like kinds ------------------------------------------------------
FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Aisha",
    "Wei",
    "Yuki",
    "Olga",
    "Lars",
    "Fatima",
    "Mateo",
    "Priya",
    "Kwame",
    "Ingrid",
    "Noah",
    "Emma",
)
LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Nguyen",
    "Kim",
    "Schmidt",
    "Rossi",
    "Dubois",
    "Novak",
    "Sato",
)
DOMAINS = ("example.com", "example.org", "example.net", "mail.test", "shop.test")
CITIES = (
    "Lisbon",
    "Porto",
    "Madrid",
    "Paris",
    "Lyon",
    "Berlin",
    "Hamburg",
    "Vienna",
    "Prague",
    "Warsaw",
    "Oslo",
    "Dublin",
    "London",
    "Leeds",
    "Boston",
    "Austin",
    "Denver",
    "Toronto",
    "Osaka",
    "Seoul",
    "Lagos",
    "Lima",
)
COUNTRIES = (
    "Portugal",
    "Spain",
    "France",
    "Germany",
    "Austria",
    "Czechia",
    "Poland",
    "Norway",
    "Ireland",
    "United Kingdom",
    "United States",
    "Canada",
    "Japan",
    "South Korea",
    "Nigeria",
    "Peru",
    "Brazil",
)
WORDS = (
    "alpha",
    "amber",
    "basic",
    "bold",
    "bright",
    "classic",
    "compact",
    "cotton",
    "deluxe",
    "eco",
    "express",
    "fresh",
    "golden",
    "grand",
    "green",
    "handmade",
    "light",
    "linen",
    "lunar",
    "metro",
    "mini",
    "modern",
    "nordic",
    "organic",
    "pro",
    "quick",
    "royal",
    "silver",
    "smart",
    "solar",
    "sport",
    "steel",
    "swift",
    "urban",
    "vintage",
    "wild",
    "wooden",
    "zen",
    "cable",
    "lamp",
    "chair",
    "table",
    "mug",
    "book",
    "shirt",
    "boots",
    "phone",
    "watch",
    "kettle",
    "pillow",
    "brush",
    "bottle",
    "bag",
    "desk",
    "sofa",
    "jacket",
)
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "CHF")
STREETS = ("Main St", "High St", "Oak Ave", "Park Rd", "Elm St", "Station Rd", "Mill Ln", "Church St", "River Rd")


@dataclass(frozen=True)
class TextCtx:
    """What a text kind needs: the index expression, whether values must be distinct, the table's primitives."""

    x: exp.Expression
    unique: bool
    g: Gen
    column: str
    #: what joins a word and the row index in a distinct ``word`` value (another where a CHECK rules out "-")
    sep: str = "-"

    def any(self, items: Sequence[str], purpose: str) -> exp.Expression:
        return pick(items, self.g.below(len(items), self.column, purpose, x=self.x))

    def num(self) -> exp.Expression:
        return T("CAST(:x AS VARCHAR)", x=self.x)

    def tail(self) -> list[exp.Expression]:
        """What a distinct value appends: the index itself."""
        return [self.num()] if self.unique else []


def _concat(*parts: exp.Expression | str) -> exp.Expression:
    # (a part already in another tree is copied, a fresh one moved in, as T does)
    return exp.func("concat", *[(p.copy() if p.parent is not None else p) if isinstance(p, exp.Expression) else lit(p)
                                for p in parts], copy=False)


def _words(c: TextCtx, k: int, purpose: str) -> list[exp.Expression]:
    out: list[exp.Expression] = []
    for n in range(k):
        if n:
            out.append(lit(" "))
        out.append(c.any(WORDS, f"{purpose}{n}"))
    return out


def _title(c: TextCtx) -> exp.Expression:
    words = _words(c, 3, "title")
    body = exp.func("concat", *words)
    cap = T("concat(upper(left(:w, 1)), substr(:w, 2))", w=body)
    return _concat(cap, " ", c.num()) if c.unique else cap


TEXT_KINDS: dict[str, Callable[[TextCtx], exp.Expression]] = {
    "email": lambda c: T(
        "lower(:v)",
        v=_concat(
            c.any(FIRST, "f"),
            ".",
            c.any(LAST, "l"),
            c.num() if c.unique else c.g.below(1000, c.column, "n", x=c.x),
            "@",
            c.any(DOMAINS, "d"),
        ),
    ),
    "first_name": lambda c: _concat(c.any(FIRST, "f"), *c.tail()),
    "last_name": lambda c: _concat(c.any(LAST, "l"), *c.tail()),
    "name": lambda c: _concat(c.any(FIRST, "f"), " ", c.any(LAST, "l"), *([" ", c.num()] if c.unique else [])),
    "company": lambda c: _concat(
        c.any(LAST, "l"), " ", c.any(("Ltd", "GmbH", "Inc", "SA", "LLC"), "k"), *([" ", c.num()] if c.unique else [])
    ),
    "phone": lambda c: _concat(
        "+1-555-",
        T("lpad(CAST(:v AS VARCHAR), 7, '0')", v=c.x if c.unique else c.g.below(10_000_000, c.column, "p", x=c.x)),
    ),
    "url": lambda c: _concat(
        "https://",
        c.any(DOMAINS, "d"),
        "/",
        c.any(WORDS, "w"),
        "/",
        c.num() if c.unique else T("CAST(:v AS VARCHAR)", v=c.g.below(100_000, c.column, "u", x=c.x)),
    ),
    "city": lambda c: _concat(c.any(CITIES, "c"), *([" ", c.num()] if c.unique else [])),
    "country": lambda c: _concat(c.any(COUNTRIES, "c"), *([" ", c.num()] if c.unique else [])),
    "street": lambda c: _concat(
        T("CAST(1 + :v AS VARCHAR)", v=c.g.below(300, c.column, "s", x=c.x)),
        " ",
        c.any(STREETS, "t"),
        *([" ", c.num()] if c.unique else []),
    ),
    "postcode": lambda c: T(
        "lpad(CAST(:v AS VARCHAR), 5, '0')", v=c.x if c.unique else c.g.below(100_000, c.column, "z", x=c.x)
    ),
    "slug": lambda c: _concat(c.any(WORDS, "a"), "-", c.any(WORDS, "b"), *(["-", c.num()] if c.unique else [])),
    "code": lambda c: _concat(
        T("upper(left(:w, 3))", w=c.any(WORDS, "p")),
        "-",
        T("lpad(CAST(:v AS VARCHAR), 8, '0')", v=c.x if c.unique else c.g.below(100_000_000, c.column, "c", x=c.x)),
    ),
    "hash": lambda c: _concat("$2b$12$", T("md5(CAST(:h AS VARCHAR))", h=c.g.hash(c.column, "h", x=c.x))),
    "word": lambda c: _concat(c.any(WORDS, "w"), *([c.sep, c.num()] if c.unique else [])),
    "title": _title,
    "sentence": lambda c: _concat(*_words(c, 8, "s"), "."),
    "color": lambda c: _concat("#", T("lpad(lower(hex(:v)), 6, '0')", v=c.g.below(16**6, c.column, "rgb", x=c.x))),
    "currency": lambda c: c.any(CURRENCIES, "cur"),
}

#: Column-name patterns that choose a text kind when no ``faker=`` hint is given (first match wins).
NAME_KINDS: tuple[tuple[str, str], ...] = (
    (r"e_?mail", "email"),
    (r"first_?name|given_name", "first_name"),
    (r"last_?name|surname|family_name", "last_name"),
    (r"full_?name|display_name|author|contact", "name"),
    (r"company|customer_name|vendor", "company"),
    (r"phone|mobile|fax", "phone"),
    (r"url|website|link|image|avatar", "url"),
    (r"city|town", "city"),
    (r"country", "country"),
    (r"postcode|postal|zip", "postcode"),
    (r"line\d|street|address", "street"),
    (r"slug", "slug"),
    (r"password|hash|token|secret", "hash"),
    (r"currency", "currency"),
    (r"colou?r", "color"),
    (r"sku|code|number|ref|vat|iban", "code"),
    (r"description|body|text|note|comment|bio|summary|terms|content|message", "sentence"),
    (r"title|subject|name|label", "title"),
)


def text_kind(column: str, hint: str | None, where: str) -> str:
    """The Faker-like kind for a text column: the ``faker=`` hint, else guessed from the name."""
    if hint is not None:
        if hint not in TEXT_KINDS:
            raise ModelError(
                f"faker hint {hint!r} is not a known kind; known: {', '.join(sorted(TEXT_KINDS))}", where=where
            )
        return hint
    low = column.lower()
    for pattern, kind in NAME_KINDS:
        if re.search(pattern, low):
            return kind
    return "word"


#: How many symbols fixed-width codes are spelled with: capital letters; then digits and small letters
#: as well; then also the CJK ideographs U+4E00..U+9FFF (letters in every Unicode engine), for a key
#: that needs more distinct values than 62 symbols give at its width.
ALPHABETS = (26, 62, 62 + 20_992)


def alphabet(width: int, need: int) -> int:
    """The smallest of :data:`ALPHABETS` that spells ``need`` distinct codes of ``width`` symbols (the
    largest when none does)."""
    return next((a for a in ALPHABETS if a**width >= need), ALPHABETS[-1])


def _symbol(d: exp.Expression, base: int) -> exp.Expression:
    if base == 26:
        return T("chr(65 + CAST(:d AS INTEGER))", d=d)
    # 0-25 -> A-Z, 26-35 -> 0-9, 36-61 -> a-z, 62.. -> U+4E00..
    return T(
        "chr(CAST(:d AS INTEGER) + CASE WHEN :d < 26 THEN 65 WHEN :d < 36 THEN 22 WHEN :d < 62 THEN 61 ELSE 19906 END)",
        d=d,
    )


def letters(x: exp.Expression, width: int, base: int = 26) -> exp.Expression:
    """``width`` symbols spelling ``x`` in base ``base`` (one of :data:`ALPHABETS`; capital letters for
    26), distinct for distinct ``x < base**width``."""
    parts = [_symbol(T("(:x // :d) % :b", x=x, d=base ** (width - 1 - k), b=base), base) for k in range(width)]
    return exp.func("concat", *parts) if len(parts) > 1 else parts[0]


#: Text kinds whose value is injective in the row index when the column must be distinct: the
#: index is written out in digits next to words that hold no digits, so it can be read back. The
#: number is the widest index that still fits (``lpad`` cuts longer digit strings), None: any.
INJECTIVE_TEXT: dict[str, int | None] = {
    "email": None,
    "first_name": None,
    "last_name": None,
    "name": None,
    "company": None,
    "url": None,
    "city": None,
    "country": None,
    "street": None,
    "slug": None,
    "word": None,
    "title": None,
    "phone": 10**7 - 1,
    "postcode": 10**5 - 1,
    "code": 10**8 - 1,
}

_SAME_LENGTH = (exp.Lower, exp.Upper, exp.Paren)


def max_length(e: exp.Expression, top_index: int) -> int | None:
    """An upper bound on the length of the text ``e`` makes for row indexes up to ``top_index``
    (None: no bound known). Lets a column skip ``left(...)`` and the dedupe pass when its
    values always fit the declared length.

    >>> max_length(T("concat('ab', CAST(__i AS VARCHAR))"), 999)
    5
    """
    if isinstance(e, exp.Literal):
        return len(e.this) if e.is_string else len(str(e.this)) + 1
    if isinstance(e, exp.Cast) and e.to.is_type(*exp.DataType.TEXT_TYPES):
        e = e.this
    if isinstance(e, exp.Column) and e.name in (ROW, RN):
        return len(str(top_index))
    if _is_int(e):
        return 20  # any BIGINT in decimal, with its sign
    if isinstance(e, _SAME_LENGTH):
        return max_length(e.this, top_index)
    if isinstance(e, exp.Anonymous) and e.name == "list_extract" and isinstance(e.expressions[0], exp.Array):
        return _combine([max_length(v, top_index) for v in e.expressions[0].expressions], max)
    if isinstance(e, exp.Concat | exp.DPipe):
        parts = e.expressions if isinstance(e, exp.Concat) else [e.this, e.expression]
        return _combine([max_length(v, top_index) for v in parts], sum)
    if isinstance(e, exp.Pad) and isinstance(e.expression, exp.Literal):
        return int(e.expression.this)
    if isinstance(e, exp.Left | exp.Substring):
        size = max_length(e.this, top_index)
        n = e.expression if isinstance(e, exp.Left) else e.args.get("length")
        if isinstance(n, exp.Literal) and not n.is_string:
            return int(n.this) if size is None else min(size, int(n.this))
        return size
    if isinstance(e, exp.MD5):
        return 32
    if isinstance(e, exp.Hex):
        return 16 if e.this.is_type(*exp.DataType.INTEGER_TYPES) else None
    if isinstance(e, exp.Chr):
        return 1
    if isinstance(e, exp.Case):
        branches = [i.args["true"] for i in e.args.get("ifs", [])] + [e.args.get("default")]
        return _combine([max_length(b, top_index) for b in branches if b is not None], max)
    if isinstance(e, exp.Null):
        return 0
    return None


def _combine(sizes: list[int | None], how: Callable[[list[int]], int]) -> int | None:
    """``how`` (max or sum) of the parts' bounds; None when a part has none."""
    known = [x for x in sizes if x is not None]
    return how(known) if known and len(known) == len(sizes) else (0 if not sizes else None)


def _is_int(e: exp.Expression) -> bool:
    """Whether ``e`` is integer arithmetic (so its text is at most a BIGINT's 20 characters)."""
    if isinstance(e, exp.Literal):
        return not e.is_string and e.this.lstrip("-").isdigit()
    if isinstance(e, exp.Cast):
        return e.to.is_type(*exp.DataType.INTEGER_TYPES)
    if isinstance(e, exp.Column):
        return e.name in (ROW, RN)
    if isinstance(e, exp.Paren):
        return _is_int(e.this)
    if isinstance(e, exp.Add | exp.Sub | exp.Mul | exp.Mod):
        return _is_int(e.this) and _is_int(e.expression)
    return False
