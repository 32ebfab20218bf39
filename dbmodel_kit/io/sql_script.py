"""Split an SQL script into statements as the engine's own client does before the server parses them.

A dump is a *client* script: ``mysql`` reads ``DELIMITER`` lines and runs MySQL's ``/*! ... */``
versioned comments; ``psql`` runs backslash meta-commands (``\\connect``, ``\\restrict``) and
feeds the lines after ``COPY ... FROM stdin;`` to the server up to ``\\.``; the ``sqlite3`` shell
runs dot-commands and keeps reading a ``CREATE TRIGGER`` until its ``END;``. sqlglot parses
statements, not client scripts, so this module does the client's part by hand, following each
client's lexer (``client/mysql/mysql.cc`` ``add_line``, PostgreSQL's
``src/fe_utils/psqlscan.l``, SQLite's ``sqlite3_complete``, which Python exposes as
:func:`sqlite3.complete_statement` and which is used as is). What differs per client is the
:class:`ClientRules` table :data:`CLIENTS`, not branches.

Each :class:`Piece` keeps its first line (of code, not of a leading comment), the ``text`` the client
sends to the server, and ``code``: the same text with comments blanked out (newlines kept, so line
numbers inside it still count) and versioned comments opened, ready for sqlglot.

>>> script = "DELIMITER ;;\\nCREATE TRIGGER t BEGIN SELECT 1; END;;\\nDELIMITER ;\\n/*!40101 SET x=1 */;"
>>> for p in split_script(script, "mysql"):
...     print(p.line, p.kind, p.code.strip())
1 command DELIMITER ;;
2 sql CREATE TRIGGER t BEGIN SELECT 1; END
3 command DELIMITER ;
4 sql SET x=1
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import ModelError

__all__ = ["CLIENTS", "ClientRules", "Piece", "split_script"]


@dataclass(frozen=True)
class Piece:
    """One unit of a script: an SQL statement (``sql``), a client command (``command``: ``DELIMITER``,
    ``\\connect``, ``.mode``) or the data lines a ``COPY ... FROM stdin`` reads (``data``)."""

    line: int
    kind: str
    text: str
    code: str
    #: the line of the last character (a statement's terminator, a data block's ``\\.``)
    end_line: int = 0


@dataclass(frozen=True)
class ClientRules:
    """How one engine's command-line client reads a script."""

    name: str
    #: ``#`` starts a comment to the end of the line (mysql)
    hash_comments: bool = False
    #: ``--`` starts a comment only when followed by a space or control character (mysql)
    dash_comment_needs_space: bool = False
    #: ``/* */`` comments nest (PostgreSQL)
    nested_comments: bool = False
    #: ``/*! ... */`` and ``/*M! ... */`` comments are code for the server (MySQL, MariaDB)
    versioned_comments: bool = False
    #: backslash escapes inside '...' and "..." (MySQL); PostgreSQL has them only in E'...'
    backslash_strings: bool = False
    #: E'...' strings with backslash escapes (PostgreSQL)
    e_strings: bool = False
    #: "..." is a string, not an identifier (MySQL without ANSI_QUOTES)
    double_quote_string: bool = False
    #: `...` quotes identifiers (MySQL, SQLite)
    backticks: bool = False
    #: [...] quotes identifiers (SQLite)
    brackets: bool = False
    #: $tag$ ... $tag$ quotes a string (PostgreSQL, DuckDB)
    dollar_quotes: bool = False
    #: a ``;`` inside parentheses does not end a statement (psql counts them)
    paren_depth: bool = False
    #: ``BEGIN ATOMIC ... END`` of a SQL-standard function body holds semicolons (psql >= 14)
    begin_atomic: bool = False
    #: ``DELIMITER x`` at the start of a statement changes the terminator (mysql)
    delimiter_command: bool = False
    #: what starts a client command at the start of a statement (``\\`` psql anywhere outside
    #: quotes, ``.`` sqlite3 at the start of a line); it runs to the end of the line
    meta_prefix: str | None = None
    #: the meta prefix counts anywhere outside quotes, not just at the start of a statement (psql)
    meta_anywhere: bool = False
    #: ``COPY ... FROM stdin;`` is followed by data lines up to ``\\.`` (psql)
    copy_from_stdin: bool = False
    #: whether text ending in ``;`` is a whole statement (sqlite3 asks SQLite: a trigger body is not)
    complete: Callable[[str], bool] | None = None


CLIENTS: dict[str, ClientRules] = {
    # https://dev.mysql.com/doc/refman/8.0/en/comments.html, mysql-command-options (--delimiter)
    "mysql": ClientRules("mysql", hash_comments=True, dash_comment_needs_space=True, versioned_comments=True,
                         backslash_strings=True, double_quote_string=True, backticks=True,
                         delimiter_command=True),
    # https://www.postgresql.org/docs/current/app-psql.html (meta-commands; COPY ... FROM STDIN)
    "postgres": ClientRules("postgres", nested_comments=True, e_strings=True, dollar_quotes=True, paren_depth=True,
                            begin_atomic=True, meta_prefix="\\", meta_anywhere=True, copy_from_stdin=True),
    # https://sqlite.org/cli.html (dot-commands), https://sqlite.org/c3ref/complete.html
    "sqlite": ClientRules("sqlite", backticks=True, brackets=True, meta_prefix=".",
                          complete=sqlite3.complete_statement),
    # DuckDB's parser is PostgreSQL's (dollar quotes, nested comments); scripts go through its Python API
    "duckdb": ClientRules("duckdb", nested_comments=True, dollar_quotes=True, paren_depth=True),
}

_SPACE = re.compile(r"\s*")
_WORD = re.compile(r"[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")
_VERSIONED = re.compile(r"/\*M?!\d*")
_DELIMITER = re.compile(r"delimiter(?:[ \t]+(\S+))?[ \t]*(?:\n|$)", re.I)
_COPY_STDIN = re.compile(r"^\s*COPY\b.*\bFROM\s+STDIN\b", re.I | re.S)
_ROUTINE = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b", re.I)


def split_script(text: str, client: str | ClientRules) -> list[Piece]:
    """The pieces of ``text`` as ``client`` (``mysql``, ``postgres``, ``sqlite``, ``duckdb``) reads them.

    An unterminated string, quoted name or comment is a :class:`ModelError` naming the line it
    starts on; a last statement without its terminator is kept (every client runs it at the end).
    """
    rules = client if isinstance(client, ClientRules) else CLIENTS[client]
    return list(_Scanner(text, rules).pieces())


class _Scanner:
    def __init__(self, text: str, rules: ClientRules) -> None:
        self.text = text
        self.rules = rules
        self.delimiter = ";"
        self.pos = 0
        self.line = 1

    # -- helpers --------------------------------------------------------------------------
    def _advance_to(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def _line_end(self, start: int) -> int:
        nl = self.text.find("\n", start)
        return len(self.text) if nl < 0 else nl + 1

    def _skip_blank(self) -> None:
        """Skip whitespace and comments between statements (a leading comment is not the statement)."""
        while True:
            m = _SPACE.match(self.text, self.pos)
            self._advance_to(m.end() if m else self.pos)
            end = self._comment_end(self.pos)
            if end is None:
                return
            self._advance_to(end)

    def _comment_end(self, i: int) -> int | None:
        """Where the comment starting at ``i`` ends, or None if none starts there (versioned MySQL
        comments are code, so not comments)."""
        t, r = self.text, self.rules
        if t.startswith("--", i) and (not r.dash_comment_needs_space or i + 2 >= len(t) or t[i + 2] in " \t\r\n\f\v"):
            return self._line_end(i)
        if r.hash_comments and t.startswith("#", i):
            return self._line_end(i)
        if t.startswith("/*", i):
            v = _VERSIONED.match(t, i) if r.versioned_comments else None
            if v and (t.startswith("/*!", i) or t.startswith("/*M!", i)) and not v.group().endswith("999999"):
                # (version 99.99.99 is no server's: MariaDB's dump opens with /*M!999999\- enable the
                # sandbox mode */, a command for its own client that every server skips)
                return None
            return self._block_comment_end(i)
        return None

    def _block_comment_end(self, i: int) -> int:
        t = self.text
        depth, j = 0, i
        while True:
            close = t.find("*/", j)
            opened = t.find("/*", j) if self.rules.nested_comments or depth == 0 else -1
            if opened != -1 and (close == -1 or opened < close):
                depth += 1
                j = opened + 2
                continue
            if close == -1:
                raise ModelError("a /* comment is never closed", where=f"line {self._at(i)}")
            depth -= 1
            j = close + 2
            if depth == 0:
                return j

    def _quoted_end(self, i: int, quote: str, backslash: bool) -> int:
        t = self.text
        close = "]" if quote == "[" else quote
        j = i + 1
        while True:
            k = t.find(close, j)
            if backslash:
                b = t.find("\\", j)
                if b != -1 and (k == -1 or b < k):
                    j = b + 2
                    continue
            if k == -1:
                what = {"'": "string", '"': "quoted name" if not self.rules.double_quote_string else "string",
                        "`": "quoted name", "[": "quoted name"}[quote]
                raise ModelError(f"a {what} starting with {quote} is never closed",
                                 where=f"line {self._at(i)}")
            if close != "]" and t.startswith(close * 2, k):
                j = k + 2  # a doubled quote is the quote itself
                continue
            return k + 1

    # -- the scan --------------------------------------------------------------------------
    def pieces(self) -> Iterator[Piece]:
        t, r = self.text, self.rules
        n = len(t)
        while True:
            self._skip_blank()
            if self.pos >= n:
                return
            start, line = self.pos, self.line
            if r.delimiter_command and (m := _DELIMITER.match(t, start)):
                if not m.group(1):
                    raise ModelError("DELIMITER needs a terminator, e.g. DELIMITER ;;", where=f"line {line}")
                self.delimiter = m.group(1)
                self._advance_to(m.end())
                yield Piece(line, "command", t[start:m.end()].rstrip(), t[start:m.end()].rstrip(), line)
                continue
            if r.meta_prefix and t.startswith(r.meta_prefix, start) and \
                    (r.meta_prefix != "." or not _is_number_start(t, start)):
                end = self._line_end(start)
                self._advance_to(end)
                cmd = t[start:end].rstrip()
                yield Piece(line, "command", cmd, cmd, line)
                continue
            piece = self._statement(start, line)
            yield piece
            if r.copy_from_stdin and _COPY_STDIN.match(piece.code):
                yield self._copy_data()

    def _statement(self, start: int, line: int) -> Piece:
        """The statement starting at ``start``: up to the terminator at top level."""
        t, r = self.text, self.rules
        n = len(t)
        code: list[str] = []  # the code text so far, comments blanked (up to ``chunk``)
        chunk = start
        depth = 0  # parentheses (psql)
        begin_depth = 0  # BEGIN ATOMIC ... END (psql)
        versioned = 0  # open /*! ... */ comments (mysql)
        routine = r.begin_atomic and _ROUTINE.match(t, start) is not None
        delim = self.delimiter
        special = _special_chars(r, delim[0], routine)
        i = start
        while True:
            m = special.search(t, i)
            if m is None:
                break
            i = m.start()
            ch = t[i]
            if t.startswith(delim, i) and (depth == 0 or delim[0] != ";" or not r.paren_depth) and begin_depth == 0:
                if r.complete is None or r.complete(t[start:i] + ";"):
                    text, sent = t[start:i], "".join(code) + t[chunk:i]
                    self._advance_to(i + len(delim))
                    return Piece(line, "sql", text.rstrip(), sent.rstrip(), self.line)
                i += len(delim)
                continue
            if ch in "'\"`[":
                if (ch == "`" and not r.backticks) or (ch == "[" and not r.brackets):
                    i += 1
                    continue
                esc = ch == "'" and (r.backslash_strings or (r.e_strings and i > 0 and t[i - 1] in "eE"
                                                             and (i < 2 or not _is_word_char(t[i - 2]))))
                esc = esc or (ch == '"' and r.backslash_strings and r.double_quote_string)
                i = self._quoted_end(i, ch, esc)
                continue
            if ch == "$":
                dq = _DOLLAR_TAG.match(t, i) if i == 0 or not _is_word_char(t[i - 1]) else None
                if dq is None:
                    i += 1
                    continue
                close = t.find(dq.group(0), dq.end())
                if close == -1:
                    raise ModelError(f"a {dq.group(0)}-quoted string is never closed", where=f"line {self._at(i)}")
                i = close + len(dq.group(0))
                continue
            if ch in "-#/":
                end = self._comment_end(i)
                if end is not None:
                    code.append(t[chunk:i])
                    code.append(_blank(t[i:end]))
                    i = chunk = end
                    continue
                if ch == "/" and r.versioned_comments and (v := _VERSIONED.match(t, i)) and \
                        (t.startswith("/*!", i) or t.startswith("/*M!", i)):
                    # the server runs what a versioned comment holds: blank its opener and closer only
                    code.append(t[chunk:i])
                    code.append(" " * (v.end() - i))
                    i = chunk = v.end()
                    versioned += 1
                    continue
                i += 1
                continue
            if ch == "*":
                if versioned and t.startswith("*/", i):
                    code.append(t[chunk:i])
                    code.append("  ")
                    i = chunk = i + 2
                    versioned -= 1
                    continue
                i += 1
                continue
            if ch == "\\":
                # psql: a backslash command ends the statement text on its line (\g, \gset) or runs beside it
                text, sent = t[start:i], "".join(code) + t[chunk:i]
                self._advance_to(i)
                return Piece(line, "sql", text.rstrip(), sent.rstrip(), self.line)
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif routine:
                w = _WORD.match(t, i)
                if w is None or (i > 0 and _is_word_char(t[i - 1])):
                    i = w.end() if w else i + 1
                    continue
                word = w.group(0).upper()
                if (word == "ATOMIC" and _prev_word(t, i).upper() == "BEGIN") or (begin_depth and word == "CASE"):
                    begin_depth += 1
                elif begin_depth and word == "END":
                    begin_depth -= 1
                i = w.end()
                continue
            i += 1
        # the last statement, unterminated: every client sends it at the end of input
        text, sent = t[start:n], "".join(code) + t[chunk:n]
        self._advance_to(n)
        return Piece(line, "sql", text.rstrip(), sent.rstrip(), self.line)

    def _at(self, i: int) -> int:
        """The line number of position ``i`` (at or after the current position)."""
        return self.line + self.text.count("\n", self.pos, i)

    def _copy_data(self) -> Piece:
        """The data lines after ``COPY ... FROM stdin;`` up to a line holding only ``\\.``."""
        t = self.text
        # the data starts on the line after the COPY statement
        nl = t.find("\n", self.pos)
        start = len(t) if nl < 0 else nl + 1
        self._advance_to(start)
        line = self.line
        m = re.compile(r"^\\\.[ \t\r]*$", re.M).search(t, start)
        end = len(t) if m is None else self._line_end(m.start())
        data = t[start:end]
        self._advance_to(end)
        return Piece(line, "data", data, "", self.line)


@functools.lru_cache(maxsize=64)
def _special_chars(rules: ClientRules, delimiter_start: str, words: bool) -> re.Pattern[str]:
    """The characters where the scanner must look closer; what lies between them is plain code."""
    chars = set("'\"-/*();") | {delimiter_start}
    chars |= {c for c, on in (("`", rules.backticks), ("[", rules.brackets), ("$", rules.dollar_quotes),
                              ("#", rules.hash_comments), ("\\", rules.meta_anywhere)) if on}
    pattern = "[" + "".join(re.escape(c) for c in sorted(chars))
    if words:
        pattern += "A-Za-z_"
    return re.compile(pattern + "]")


def _blank(text: str) -> str:
    """``text`` with every character but newlines made a space (comments out of the code, lines kept)."""
    return re.sub(r"[^\n]", " ", text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_$" or ord(ch) >= 0x80


def _is_number_start(t: str, i: int) -> bool:
    return i + 1 < len(t) and t[i + 1].isdigit()


def _prev_word(t: str, i: int) -> str:
    m = re.search(r"([A-Za-z_]+)\s*$", t[max(0, i - 40):i])
    return m.group(1) if m else ""
