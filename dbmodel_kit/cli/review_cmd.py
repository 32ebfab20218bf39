"""``dbmodel review OLD NEW -o review.html|review.md``: a review bundle of the change from OLD to NEW.

The output's extension picks the form: ``.html`` is one self-contained page (inline SVG ERD and
CSS, no external request), ``.md`` a pull-request comment (Mermaid ERD, SQL in ``<details>``).
Without ``-o`` the Markdown goes to standard output.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import ModelError
from .migrate_cmds import _hints
from .schema_cmds import DIALECT_CHOICES, _write, load_spec

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``dbmodel review`` to the parser."""
    p = sub.add_parser("review", help="a review page (HTML) or PR comment (Markdown) for a schema change",
                       description="Review the change from OLD to NEW: coloured ERD, changes in plain language, "
                       "model and migration lint, SQL up and down per dialect, reversibility per step.")
    p.add_argument("old", metavar="OLD", help="schema before (file or database URL)")
    p.add_argument("new", metavar="NEW", help="schema after (file or database URL)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="review.html or review.md (the extension picks the form); default: Markdown on stdout")
    p.add_argument("--dialect", "-d", action="append", choices=DIALECT_CHOICES, metavar="D",
                   help="SQL dialect to show (repeatable; default: postgresql)")
    p.add_argument("--hint", action="append", default=[], metavar="OLD=NEW",
                   help="a rename to apply exactly, e.g. users.mail=users.email")
    p.add_argument("--from-dialect", default="postgres", choices=DIALECT_CHOICES, metavar="D",
                   help="SQL dialect of .sql files (default: postgres)")
    p.add_argument("--title", default="", help="the page heading (default: Review: OLD -> NEW)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..migrate import diff
    from ..review import review

    form = "markdown"
    if args.output not in (None, "-"):
        form = FORMATS.get(Path(args.output).suffix.lower(), "")
        if not form:
            raise ModelError("a review is written as .html or .md", where=args.output)
    plan = diff(load_spec(args.old, args.from_dialect), load_spec(args.new, args.from_dialect),
                hints=_hints(args.hint))
    plan.source = (args.old, args.new)
    r = review(plan, dialects=tuple(dict.fromkeys(args.dialect or ["postgresql"])), title=args.title)
    _write(r.to_html() if form == "html" else r.to_markdown(), args.output)
    for s in plan.suggestions:
        print(f"dbmodel: possible rename {s.old} -> {s.new} ({s.reason}); pass --hint {s.old}={s.new}",
              file=sys.stderr)
    return 0
