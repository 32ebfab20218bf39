"""Reserved-word lists of SQLAlchemy 2.1.9, copied so that ``dbmodel lint`` need not import
SQLAlchemy (about half of the command's start-up: issue 18). tests/test_startup.py checks they equal
the installed SQLAlchemy's lists, so an upgrade that changes them fails there; regenerate with
``python -m dbmodel_kit.lint._words``.
"""

from __future__ import annotations


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: ``sqlalchemy.dialects.postgresql.base.RESERVED_WORDS``
POSTGRES = _split("""
    all analyse analyze and any array as asc asymmetric authorization between binary both case cast
    check collate column constraint create cross current_catalog current_date current_role
    current_schema current_time current_timestamp current_user default deferrable desc distinct do
    else end except false fetch for foreign freeze from full grant group having ilike in initially
    inner intersect into is isnull join leading left like limit localtime localtimestamp natural new
    not notnull null of off offset old on only or order outer over overlaps placing primary
    references returning right select session_user similar some symmetric table then to trailing
    true union unique user using variadic verbose when where window with
""")

#: ``sqlalchemy.dialects.sqlite.dialect().identifier_preparer.reserved_words`` (the words the lint
#: asks the installed SQLite about)
SQLITE_CANDIDATES = _split("""
    add after all alter analyze and as asc attach autoincrement before begin between by cascade case
    cast check collate column commit conflict constraint create cross current_date current_time
    current_timestamp database default deferrable deferred delete desc detach distinct drop each
    else end escape except exclusive exists explain fail false for foreign from full glob group
    having if ignore immediate in index indexed initially inner insert instead intersect into is
    isnull join key left like limit match natural not notnull null of offset on or order outer plan
    pragma primary query raise references reindex rename replace restrict right rollback row select
    set table temp temporary then to transaction trigger true union unique update using vacuum
    values view virtual when where
""")


#: what :func:`current` runs: the lists as the installed SQLAlchemy ships them
_READ = """
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS
print(" ".join(sorted(RESERVED_WORDS)))
print(" ".join(sorted(sqlite.dialect().identifier_preparer.reserved_words)))
"""


def current() -> tuple[frozenset[str], frozenset[str]]:
    """The installed SQLAlchemy's lists, read in a new interpreter: in this one they are sets other
    code may have changed in place (duckdb_engine's preparer adds DuckDB's reserved words to
    PostgreSQL's set unless :func:`dbmodel_kit.dialects.keep_postgres_words` ran first; in CI a test
    that made a DuckDB engine left ``describe``, ``lambda``, ``pivot_wider``... in it)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _READ], capture_output=True, text=True, check=True).stdout
    postgres, sqlite = out.splitlines()
    return _split(postgres), _split(sqlite)


if __name__ == "__main__":  # print this module anew from the installed SQLAlchemy
    import sys
    import textwrap
    from pathlib import Path

    here = Path(__file__).read_text(encoding="utf-8")
    pg, lite = current()
    for name, words in (("POSTGRES", pg), ("SQLITE_CANDIDATES", lite)):
        start = here.index(f"{name} = _split(")
        end = here.index('""")', start) + len('""")')
        body = textwrap.fill(" ".join(sorted(words)), 100, initial_indent="    ", subsequent_indent="    ")
        here = here[:start] + f'{name} = _split("""\n{body}\n""")' + here[end:]
    sys.stdout.write(here)
