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
from ..model.schema import Schema
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
    size = p.add_mutually_exclusive_group()
    size.add_argument("--compact", action="store_true", help="show only key columns")
    size.add_argument("--full", action="store_true",
                      help=f"draw every column even above {OVERVIEW_TABLES} tables (default there: an overview)")
    p.add_argument("--expand-m2m", action="store_true",
                   help="draw junction tables instead of one many-to-many edge")
    p.add_argument("--clusters", choices=("auto", "on", "off"), default="auto",
                   help="draw subject areas as boxes (default auto: up to 40 tables)")
    p.add_argument("--legend", action="store_true", help="add a key to the notation")
    p.add_argument("--rankdir", choices=tuple(SIDES), default="LR", help="layout direction (default: LR)")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="Graphviz layout engine for every table (default: dot, keeping the places of placed tables)")
    p.add_argument("--compare", metavar="OLD_SPEC",
                   help="colour what changed since OLD_SPEC: added green, removed red, changed amber")
    p.add_argument("--no-cache", action="store_true",
                   help="read SPEC afresh, not from the cache of parsed schema files (also: DBMODEL_CACHE=off)")
    p.set_defaults(func=run)


#: Above this many tables a drawing of every column is unreadable as a whole (at a zoom that shows
#: it all, no column name is legible), so ``dbmodel erd`` draws an overview instead: each table
#: collapsed to its key columns (with its subject area in its header, or as boxes with
#: ``--clusters on``); ``--full`` draws every column, ``--focus TABLE`` one area. At 300 generated
#: tables the overview is 10489x5717 px against 12433x7533 and takes ``dot`` 2.8 s of CPU against
#: 4.1 s; subject-area boxes there make dot stack the areas into a 10514x19580 px staircase (7.9 s),
#: so they stay off above AUTO_CLUSTER_LIMIT tables unless asked for.
OVERVIEW_TABLES = 60


def overview_note(drawn: int, clusters: bool | None) -> str:
    """What an overview leaves out, and the flags that draw the rest (printed and put in the drawing)."""
    areas = ", subject areas as boxes" if clusters else ""
    return (f"overview of {drawn} tables: key columns only{areas} "
            "(--full draws every column, --focus TABLE one area)")


def run(args: argparse.Namespace) -> int:
    cache = not args.no_cache
    schema = load_spec(args.spec, args.from_dialect, cache=cache)
    old = load_spec(args.compare, args.from_dialect, cache=cache) if args.compare else None
    options = {"compare": old, "focus": args.focus, "depth": args.depth, "include": args.include,
               "exclude": args.exclude, "compact": args.compact, "collapse_m2m": not args.expand_m2m}
    drawing = {"theme": args.theme, "rankdir": args.rankdir, "engine": args.engine, "legend": args.legend,
               "clusters": {"auto": None, "on": True, "off": False}[args.clusters]}
    drawn = 0 if args.full or args.compact or args.focus else _drawn(schema, args)
    if drawn > OVERVIEW_TABLES:
        options["compact"] = True
        note = overview_note(drawn, drawing["clusters"])
        drawing["graph_attr"] = {"label": note, "labelloc": "t", "labeljust": "l", "fontsize": "14"}
        print(f"dbmodel erd: {note}", file=sys.stderr)
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


def _drawn(schema: Schema, args: argparse.Namespace) -> int:
    """How many tables the drawing shows (after --include and --exclude)."""
    if not (args.include or args.exclude):
        return len(schema.tables)
    from ..erd import build_view

    view = build_view(schema, include=args.include, exclude=args.exclude, collapse_m2m=False)
    return sum(not n.stub for n in view.nodes)
