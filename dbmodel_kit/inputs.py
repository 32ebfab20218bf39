"""Reading input nobody checked: bytes to text, size and nesting limits, SQL parsed in bounded depth.

Every reader (YAML, SQL, DBML, workload, CSV) goes through here first, so a file that is not
UTF-8 text, holds a NUL byte, is too large, or nests too deeply is a
:class:`~dbmodel_kit.errors.ModelError` naming the file and the place (byte offset, line and
column) rather than a ``UnicodeDecodeError``, a ``RecursionError`` or minutes of work.

The limits are module constants a program may change; ``DBMODEL_MAX_INPUT_MB`` in the environment
sets the size limit for every kind of input (for the command line too).

>>> decode(b"tables: {}\\n", "shop.yaml")
'tables: {}\\n'
>>> decode(b"name: caf\\xe9\\n", "shop.yaml")
Traceback (most recent call last):
...
dbmodel_kit.errors.ModelError: shop.yaml:1:10: not UTF-8 text: byte 0xe9 at offset 9 (save the file as UTF-8)
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import ModelError

__all__ = ["MAX_INPUT_BYTES", "MAX_NESTING", "MAX_SQL_TOKENS", "MAX_TYPED_NESTING", "check_nesting", "check_text",
           "decode", "max_input_bytes", "parse_sql", "read_text", "recursion_room", "sql_tokens"]


#: Largest input each reader takes, in bytes, chosen so the slowest input of that size this kit has
#: met reads in about a minute on one core (docs/fuzz.md has the figures): YAML reads at about
#: 100 KB/s (4 MiB is some 30,000 tables), SQL at about 65 KB/s, DBML far slower (pydbml's parser
#: takes 8 s for 50 KB and grows quadratically), CSV through pandas at many MB/s. A schema dump larger
#: than these holds data the model does not read: dump the schema only. ``DBMODEL_MAX_INPUT_MB`` in
#: the environment sets one limit for every kind (also for the command line).
MAX_INPUT_BYTES: dict[str, int] = {
    "yaml": 4 * 2**20,
    "sql": 8 * 2**20,
    "dbml": 256 * 2**10,
    "workload": 4 * 2**20,
    "csv": 256 * 2**20,
    "text": 8 * 2**20,
}


def max_input_bytes(kind: str) -> int:
    """The size limit for input of ``kind`` (``yaml``, ``sql``, ``dbml``, ``workload``, ``csv``)."""
    value = os.environ.get("DBMODEL_MAX_INPUT_MB", "").strip()
    if value:
        try:
            return int(float(value) * 2**20)
        except ValueError:
            raise ModelError(f"DBMODEL_MAX_INPUT_MB must be a number of megabytes, not {value!r}") from None
    return MAX_INPUT_BYTES.get(kind, MAX_INPUT_BYTES["text"])


#: Deepest nesting of brackets (``( [ {``) and ``CASE ... END`` in SQL, and of collections in YAML.
#: Real schemas nest a handful of levels (pg_dump's CHECKs about 4); sqlglot's parser uses about 20
#: Python frames per level, so 32 levels fit in Python's default limit of 1,000 with room to spare.
MAX_NESTING = 32
#: Most tokens in one SQL expression of the model (a CHECK, default, index WHERE, generated column).
MAX_SQL_TOKENS = 20_000
#: Python stack frames sqlglot's parser and generator use per nesting level (measured on sqlglot 30:
#: about 20 for a parenthesised expression), so :func:`recursion_room` can make room for MAX_NESTING.
FRAMES_PER_LEVEL = 25


def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def line_col(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset`` in ``text`` (columns count characters, or bytes of bytes)."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    line = text.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    start = text.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return line, offset - start + 1


def decode(data: bytes, source: str = "<input>", *, kind: str = "text", what: str = "file") -> str:
    """``data`` as text: UTF-8 (a leading byte-order mark is dropped); anything else is an error naming
    the first bad byte by offset, line and column. NUL bytes and a size over the limit for ``kind``
    (:data:`MAX_INPUT_BYTES`) are errors too (:func:`check_text`)."""
    if len(data) > max_input_bytes(kind):
        raise ModelError(_too_large(len(data), kind, what), where=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        offset = e.start + bom
        line, col = line_col(data, offset)
        raise ModelError(f"not UTF-8 text: byte 0x{data[offset]:02x} at offset {offset} (save the {what} as UTF-8)",
                         where=f"{source}:{line}:{col}") from None
    return check_text(text, source, kind=kind, what=what)


def _too_large(size: int, kind: str, what: str) -> str:
    label = {"yaml": "YAML", "sql": "SQL", "dbml": "DBML", "csv": "CSV"}.get(kind, kind)
    return (f"the {what} is {_mib(size)}, over the {_mib(max_input_bytes(kind))} limit on {label} input (for a "
            "dump, dump the schema only; DBMODEL_MAX_INPUT_MB=N raises the limit)")


def check_text(text: str, source: str = "<input>", *, kind: str = "text", what: str = "file") -> str:
    """``text`` when it is text a reader should parse: no NUL character (no engine reads one in SQL,
    YAML forbids it; it means a binary file), and within the size limit for ``kind``."""
    limit = max_input_bytes(kind)
    if len(text) > limit // 4 and len(text.encode("utf-8", "surrogatepass")) > limit:
        raise ModelError(_too_large(len(text.encode("utf-8", "surrogatepass")), kind, what), where=source)
    nul = text.find("\x00")
    if nul >= 0:
        line, col = line_col(text, nul)
        raise ModelError(f"a NUL byte (character offset {nul}): not a text {what}", where=f"{source}:{line}:{col}")
    return text


def read_text(path: str | os.PathLike[str], kind: str = "text", *, what: str = "file",
              source: str | None = None) -> str:
    """The text of the file at ``path`` (see :func:`decode`); a missing or unreadable file, or one over
    the size limit for ``kind`` (checked before reading it), is a ModelError naming it."""
    place = source or str(path)
    p = Path(path)
    limit = max_input_bytes(kind)
    try:
        size = p.stat().st_size
        if size > limit:
            raise ModelError(_too_large(size, kind, what), where=place)
        with p.open("rb") as f:
            data = f.read(limit + 1)  # a file that grew meanwhile is still bounded
    except FileNotFoundError:
        raise ModelError("no such file", where=place) from None
    except IsADirectoryError:
        raise ModelError("a directory, not a file", where=place) from None
    except OSError as e:
        raise ModelError(f"cannot read: {e.strerror or e}", where=place) from None
    return decode(data, place, kind=kind, what=what)


# -- SQL within bounded depth ----------------------------------------------------------------------

_OPEN = frozenset({"L_PAREN", "L_BRACKET", "L_BRACE", "CASE"})
_CLOSE = frozenset({"R_PAREN", "R_BRACKET", "R_BRACE", "END"})
#: Prefix operators sqlglot's parser recurses on once each (``NOT NOT x``, ``- - x``, ``x::a::b``).
_PREFIX = frozenset({"NOT", "DASH", "PLUS", "TILDA", "DCOLON"})
#: Brackets opened right after a type name (``ARRAY[``, ``STRUCT(``, ``INTEGER[``, ``UUID(``):
#: sqlglot 30 first tries to read a type there and backtracks, which costs about twice as much per
#: nested level (16 levels of ``ARRAY[`` take minutes). Real schemas nest arrays two or three deep.
MAX_TYPED_NESTING = 8


@functools.cache
def _type_tokens() -> frozenset[str]:
    from sqlglot.parser import Parser

    return frozenset(t.name for t in Parser.TYPE_TOKENS)


def check_nesting(tokens: Sequence[Any], where: str | None = None, *, first_line: int = 1,
                  limit: int | None = None) -> None:
    """Refuse SQL tokens nested deeper than ``limit`` (default :data:`MAX_NESTING`) levels of brackets
    or ``CASE``, with runs of more than ``limit`` prefix operators, or with more than
    :data:`MAX_TYPED_NESTING` brackets after type names open at once: sqlglot's recursive-descent
    parser would exhaust Python's stack on the first two and take exponential time on the third.
    The error names the line where the limit is passed.

    >>> from sqlglot.tokens import Tokenizer
    >>> check_nesting(Tokenizer().tokenize("SELECT " + "(" * 40 + "1" + ")" * 40), "q.sql")
    Traceback (most recent call last):
    ...
    dbmodel_kit.errors.ModelError: q.sql:1: SQL nested deeper than 32 levels (brackets or CASE); no schema needs that
    """
    limit = MAX_NESTING if limit is None else limit
    typed = _type_tokens()
    stack: list[bool] = []  # one entry per open bracket: whether it follows a type name
    n_typed = run = 0
    previous = ""

    def fail(tok: Any, what: str) -> None:
        line = first_line + max(getattr(tok, "line", 1), 1) - 1
        raise ModelError(f"SQL nested deeper than {what}; no schema needs that",
                         where=f"{where}:{line}" if where else f"line {line}")

    for tok in tokens:
        kind = tok.token_type.name
        if kind in _OPEN:
            after_type = kind != "CASE" and previous in typed
            stack.append(after_type)
            n_typed += after_type
            if len(stack) > limit:
                fail(tok, f"{limit} levels (brackets or CASE)")
            if n_typed > MAX_TYPED_NESTING:
                fail(tok, f"{MAX_TYPED_NESTING} levels of brackets after type names (ARRAY[, STRUCT(, ...)")
        elif kind in _CLOSE and stack:
            n_typed -= stack.pop()
        run = run + 1 if kind in _PREFIX else 0 if kind not in typed else run
        if run > limit:
            fail(tok, f"{limit} prefix operators in a row (NOT, -, ::)")
        previous = kind


def sql_tokens(text: str, dialect: str | None = None, where: str | None = None, *, first_line: int = 1,
               max_tokens: int | None = None) -> list[Any]:
    """sqlglot's tokens of ``text``, with tokenizer errors (an unterminated string or comment) and
    nesting past :data:`MAX_NESTING` turned into a ModelError naming ``where``."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import TokenError

    check_text(text, where or "<sql>", kind="sql", what="SQL text")
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(text)
    except TokenError as e:
        raise ModelError(f"SQL syntax error: {_token_error(e)}", where=where) from None
    if max_tokens is not None and len(tokens) > max_tokens:
        raise ModelError(f"SQL expression of {len(tokens):,} tokens, over the limit of {max_tokens:,}", where=where)
    check_nesting(tokens, where, first_line=first_line)
    return tokens


def _token_error(e: Exception) -> str:
    text = str(e)
    # sqlglot: "Error tokenizing 'SELECT 'abc FROM order'": the place is the tail it shows
    return text if len(text) < 160 else text[:157] + "..."


@contextlib.contextmanager
def recursion_room(levels: int | None = None) -> Iterator[None]:
    """Let sqlglot's recursive parser and generator go :data:`MAX_NESTING` levels deep from here:
    raise Python's recursion limit for the duration when the frames already in use leave too few
    (the limit is restored afterwards). Input deeper than that is refused before, by check_nesting."""
    levels = MAX_NESTING if levels is None else levels
    depth = _stack_depth()
    needed = depth + FRAMES_PER_LEVEL * levels + 300
    old = sys.getrecursionlimit()
    if needed <= old:
        yield
        return
    sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _stack_depth() -> int:
    frame, n = sys._getframe(), 0
    while frame is not None:
        frame, n = frame.f_back, n + 1  # type: ignore[assignment]
    return n


def parse_sql(text: str, dialect: str | None = None, where: str | None = None, *,
              max_tokens: int | None = None) -> list[Any]:
    """Every statement of ``text`` parsed by sqlglot, nesting checked first and parsed with room to
    recurse; a syntax error is a ModelError naming ``where``."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel, ParseError

    tokens = sql_tokens(text, dialect, where, max_tokens=max_tokens)
    d = Dialect.get_or_raise(dialect)
    try:
        with recursion_room():
            return [s for s in d.parser(error_level=ErrorLevel.RAISE).parse(tokens, text) if s is not None]
    except ParseError as e:
        err = e.errors[0] if e.errors else {}
        raise ModelError(f"SQL syntax error: {err.get('description', e)}", where=where) from None
    except RecursionError:  # pragma: no cover - check_nesting keeps inputs within the room made above
        raise ModelError("SQL nested too deeply to read", where=where) from None
