"""``dbmodel erd SPEC -o out.svg|png|pdf|dot|mmd|md|dbml``: draw a schema's ERD.

The output file's extension picks the format (SVG, PNG, PDF and DOT through Graphviz; ``.mmd``
Mermaid text; ``.md`` Mermaid in a Markdown fence; ``.dbml`` the whole schema as DBML for
dbdiagram.io). Without ``-o`` the DOT source (or with ``--format mmd`` the Mermaid text) goes to
standard output.

The DOT source, with the lines the command prints before it (SQL import notes, the overview
note), is kept in the cache of :mod:`.spec_cache`, keyed by the bytes of SPEC (and of
``--compare``'s file) and every drawing option: run again on an unchanged input, the command
reads neither the schema nor builds the DOT, and only Graphviz works (``--no-cache`` or
``DBMODEL_CACHE=off``: everything afresh). Within it, the parsed schema has an entry of its own,
so changing an option re-reads nothing.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..erd.graphviz_run import ENGINES, SIDES
from ..errors import ModelError
from ..urls import is_url
from .schema_cmds import DIALECT_CHOICES, load_spec_lines

if TYPE_CHECKING:
    from ..model.schema import Schema


#: The names of :data:`dbmodel_kit.erd.theme.THEMES` (tests/test_startup.py checks): importing the
#: palettes (dataclasses, inspect) took 10 ms of a start that lays out DOT from the cache.
THEME_NAMES = ("light", "dark")


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
    p.add_argument("--theme", choices=THEME_NAMES, default="light", help="colour palette (default: light)")
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


#: Output suffixes Graphviz writes, and the format of each (the others, Mermaid and DBML, are
#: written by :func:`dbmodel_kit.erd.save`).
GRAPHVIZ_SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
#: Arguments that do not change the DOT source (where and how it is written).
_NOT_DRAWING = frozenset({"func", "output", "format", "no_cache", "command"})


def run(args: argparse.Namespace) -> int:
    cache = not args.no_cache
    to_stdout = args.output in (None, "-")
    if to_stdout:
        fmt = "dot" if args.format == "dot" else None
    else:
        fmt = GRAPHVIZ_SUFFIXES.get(Path(args.output).suffix.lower())
    if fmt is None:
        return _run_text(args, cache, to_stdout)
    (source, engine, no_op), lines = _dot_source(args, cache)
    for line in lines:
        print(line, file=sys.stderr)
    if to_stdout:
        sys.stdout.write(source)
        sys.stdout.flush()
        return 0
    target = Path(args.output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "dot":
            target.write_bytes(source.encode("utf-8"))
        else:
            from ..erd.graphviz_run import GraphvizWarning, layout_to_file

            for line in layout_to_file(source, target, fmt, engine, no_op):
                warnings.warn(f"Graphviz: {line}", GraphvizWarning, stacklevel=2)
    except OSError as e:
        raise ModelError(f"cannot write: {e.strerror or e}", where=args.output) from None
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _dot_source(args: argparse.Namespace, cache: bool) -> tuple[tuple[str, str, int | None], list[str]]:
    """``((DOT source, engine, neato -n level), lines to print first)`` for the drawing ``args``
    ask for: from the cache when the input files and the options are as before."""

    def make() -> tuple[tuple[str, str, int | None], list[str]]:
        from ..erd.render import _cached_layout

        schema, options, drawing, lines = _inputs(args, cache)
        return _cached_layout(schema, {**drawing, **options}), lines

    specs = [args.spec, *([args.compare] if args.compare else [])]
    if any(is_url(spec) for spec in specs):  # a live database: read each time
        return make()
    from .spec_cache import cached

    how = ("erd", repr(sorted((k, v) for k, v in vars(args).items() if k not in _NOT_DRAWING)))
    return cached([Path(spec) for spec in specs], how, make, use=cache)


def _inputs(args: argparse.Namespace, cache: bool) -> tuple[Schema, dict[str, Any], dict[str, Any], list[str]]:
    """The schema, the view and drawing options, and the lines to print (import notes, the overview note)."""
    schema, lines = load_spec_lines(args.spec, args.from_dialect, cache=cache)
    old = None
    if args.compare:
        old, more = load_spec_lines(args.compare, args.from_dialect, cache=cache)
        lines = [*lines, *more]
    options = {"compare": old, "focus": args.focus, "depth": args.depth, "include": args.include,
               "exclude": args.exclude, "compact": args.compact, "collapse_m2m": not args.expand_m2m}
    drawing = {"theme": args.theme, "rankdir": args.rankdir, "engine": args.engine, "legend": args.legend,
               "clusters": {"auto": None, "on": True, "off": False}[args.clusters]}
    drawn = 0 if args.full or args.compact or args.focus else _drawn(schema, args)
    if drawn > OVERVIEW_TABLES:
        options["compact"] = True
        note = overview_note(drawn, drawing["clusters"])
        drawing["graph_attr"] = {"label": note, "labelloc": "t", "labeljust": "l", "fontsize": "14"}
        lines = [*lines, f"dbmodel erd: {note}"]
    return schema, options, drawing, lines


def _run_text(args: argparse.Namespace, cache: bool, to_stdout: bool) -> int:
    """Mermaid (to standard output or a .mmd/.md file) and DBML: written from the schema."""
    from ..erd import save, to_mermaid

    schema, options, drawing, lines = _inputs(args, cache)
    for line in lines:
        print(line, file=sys.stderr)
    if to_stdout:
        sys.stdout.write(to_mermaid(schema, **options))
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
    from ..erd.view import build_view

    view = build_view(schema, include=args.include, exclude=args.exclude, collapse_m2m=False)
    return sum(not n.stub for n in view.nodes)
