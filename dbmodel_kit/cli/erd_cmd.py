"""``dbmodel erd SPEC -o out.svg|png|pdf|dot|mmd|md|dbml``: draw a schema's ERD.

The output file's extension picks the format (SVG, PNG, PDF and DOT through Graphviz; ``.mmd``
Mermaid text; ``.md`` Mermaid in a Markdown fence; ``.dbml`` the whole schema as DBML for
dbdiagram.io). Without ``-o`` the DOT source (or with ``--format mmd`` the Mermaid text) goes to
standard output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..erd import render, save, to_mermaid
from ..erd.dot import ENGINES, SIDES
from ..erd.theme import THEMES
from ..errors import ModelError
from .schema_cmds import DIALECT_CHOICES, load_spec


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``dbmodel erd`` to the parser."""
    p = sub.add_parser("erd", help="draw the ERD of a schema (SVG, PNG, PDF, DOT, Mermaid)",
                       description="Draw the entity-relationship diagram of SPEC with Graphviz, or write it "
                       "as Mermaid erDiagram text.")
    p.add_argument("spec", metavar="SPEC", help="schema file (.yaml, .sql, .dbml) or a database URL to reflect")
    p.add_argument("--from-dialect", default="postgres", choices=DIALECT_CHOICES, metavar="D",
                   help="SQL dialect of a .sql SPEC (default: postgres)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE; its extension picks the format: .svg .png .pdf .dot .gv .mmd .md .dbml")
    p.add_argument("--format", "-f", choices=("dot", "mmd"), default="dot",
                   help="format for standard output when there is no -o (default: dot)")
    p.add_argument("--theme", choices=tuple(THEMES), default="light", help="colour palette (default: light)")
    p.add_argument("--focus", action="append", metavar="TABLE",
                   help="draw only TABLE (a name or pattern; repeatable) and its neighbourhood")
    p.add_argument("--depth", type=int, default=1, metavar="N", help="hops around --focus (default: 1)")
    p.add_argument("--include", action="append", metavar="PATTERN", help="draw only tables matching PATTERN")
    p.add_argument("--exclude", action="append", metavar="PATTERN", help="leave out tables matching PATTERN")
    p.add_argument("--compact", action="store_true", help="show only key columns")
    p.add_argument("--expand-m2m", action="store_true",
                   help="draw junction tables instead of one many-to-many edge")
    p.add_argument("--clusters", choices=("auto", "on", "off"), default="auto",
                   help="draw subject areas as boxes (default auto: up to 40 tables)")
    p.add_argument("--legend", action="store_true", help="add a key to the notation")
    p.add_argument("--rankdir", choices=tuple(SIDES), default="LR", help="layout direction (default: LR)")
    p.add_argument("--engine", choices=ENGINES, default="dot", help="Graphviz layout engine (default: dot)")
    p.add_argument("--compare", metavar="OLD_SPEC",
                   help="colour what changed since OLD_SPEC: added green, removed red, changed amber")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    schema = load_spec(args.spec, args.from_dialect)
    old = load_spec(args.compare, args.from_dialect) if args.compare else None
    options = {"compare": old, "focus": args.focus, "depth": args.depth, "include": args.include,
               "exclude": args.exclude, "compact": args.compact, "collapse_m2m": not args.expand_m2m}
    drawing = {"theme": args.theme, "rankdir": args.rankdir, "engine": args.engine, "legend": args.legend,
               "clusters": {"auto": None, "on": True, "off": False}[args.clusters]}
    if args.output in (None, "-"):
        if args.format == "mmd":
            text = to_mermaid(schema, **options)
        else:
            text = render(schema, "dot", **drawing, **options).decode("utf-8")
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    target = Path(args.output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        save(schema, target, **drawing, **options)
    except OSError as e:
        raise ModelError(f"cannot write: {e.strerror or e}", where=args.output) from None
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
