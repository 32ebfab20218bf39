"""``dbmodel fds | keys | normalize``: functional dependencies, keys and decomposition.

CSV files are read with every value as a string and no NA conversion (pandas ``dtype=str,
keep_default_na=False``), so empty cells are equal to each other (NULL = NULL, the convention the
published FD counts use); ``--null-neq`` makes every empty cell distinct instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import ModelError

ALGORITHMS = ("auto", "tane", "hybrid")


def _nulls(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--null-eq", dest="null_equal", action="store_true", default=True,
                   help="empty cells equal each other (default; the convention of the FD literature)")
    g.add_argument("--null-neq", dest="null_equal", action="store_false",
                   help="every empty cell is distinct from every other value")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the normalization commands to the ``dbmodel`` parser."""
    p = sub.add_parser("fds", help="discover the functional dependencies of a CSV file, or check some",
                       description="Print every minimal non-trivial FD X -> A that holds in DATA "
                       "(or holds after deleting at most a fraction E of the rows, with --max-error). With "
                       "--check, test the given FDs instead: the rows that break each one, or its support and "
                       "a warning when it may hold by accident; exit 1 when one does not hold.")
    p.add_argument("data", metavar="DATA.csv")
    p.add_argument("--check", action="append", default=[], metavar="FD",
                   help="an FD to test on DATA ('a, b -> c'; repeatable) instead of discovering")
    p.add_argument("--alpha", type=float, default=0.05, metavar="P",
                   help="with --check: warn when an FD would hold by accident with probability >= P (default 0.05)")
    p.add_argument("--max-error", type=float, default=0.0, metavar="E",
                   help="g3 error allowed: fraction of rows to delete for the FD to hold (default 0: exact)")
    p.add_argument("--max-lhs", type=int, default=None, metavar="K", help="at most K attributes on the left")
    _nulls(p)
    p.add_argument("--algorithm", choices=ALGORITHMS, default="auto",
                   help="tane, hybrid (exact only) or auto (default: hybrid for exact FDs, TANE otherwise)")
    p.add_argument("--rank", action="store_true",
                   help="text format: a table with support and distinct counts, most trustworthy first")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_fds)

    p = sub.add_parser("keys", help="candidate keys of a CSV file (minimal unique column sets)",
                       description="Print the minimal sets of columns whose values are unique in DATA, or "
                       "say why there is none (duplicate rows).")
    p.add_argument("data", metavar="DATA.csv")
    p.add_argument("--max-size", type=int, default=None, metavar="K", help="keys of at most K columns")
    _nulls(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run_keys)

    p = sub.add_parser("normalize", help="decompose a table into 3NF or BCNF",
                       description="Decompose a table of a CSV file (FDs discovered from its data unless "
                       "--fds is given) or of a schema SPEC (FDs from --fds plus its declared keys) into 3NF "
                       "or BCNF; print the new tables and the model operations, and optionally the data "
                       "migration SQL.")
    p.add_argument("source", metavar="DATA.csv|SPEC")
    p.add_argument("--table", metavar="T", help="table to decompose (default for a CSV: the file name)")
    p.add_argument("--target", choices=("3nf", "bcnf"), default="3nf")
    p.add_argument("--fds", metavar="FILE", help="FDs, one per line ('a, b -> c'; '#' starts a comment)")
    p.add_argument("--from-dialect", default="postgres", metavar="D", help="SQL dialect of a .sql SPEC")
    p.add_argument("--max-lhs", type=int, default=None, metavar="K",
                   help="a CSV without --fds: use only discovered FDs with at most K attributes on the left "
                   "(long FDs found in a sample are mostly accidental, and they multiply the tables)")
    p.add_argument("--explain", action="store_true", help="print the steps of the decomposition")
    p.add_argument("--sql", metavar="DIALECT", choices=("postgresql", "mysql", "sqlite", "duckdb"),
                   help="also print the data migration for DIALECT")
    _nulls(p)
    p.set_defaults(func=run_normalize)


def _read(path: str):
    from ..normalize.discovery import read_csv

    if not Path(path).is_file():
        raise ModelError("no such file" if not Path(path).exists() else "not a file", where=path)
    return read_csv(path)


def run_fds(args: argparse.Namespace) -> int:
    from ..normalize.discovery import discover_fds

    if args.check:
        return _check_fds(args)
    result = discover_fds(_read(args.data), max_lhs=args.max_lhs, max_error=args.max_error,
                          null_equal=args.null_equal, algorithm=args.algorithm)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=1))
    elif args.rank:
        print(result.ranked().to_string(index=False))
    else:
        text = result.text()
        if text:
            print(text)
    return 0


def _check_fds(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..normalize.evidence import validate_fd
    from ..normalize.fd import parse_fds

    frame = _read(args.data)
    # rows named by their line in the file (the header is line 1; a quoted value spanning lines shifts it)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    columns = [str(c) for c in frame.columns]
    checks = []
    for i, text in enumerate(args.check, 1):
        try:
            fds = parse_fds(text, columns)
        except ModelError as e:
            raise ModelError(e.message, where=f"--check {i}") from None
        for fd in fds:
            unknown = [a for a in sorted(fd.attributes) if a not in columns]
            if unknown:
                raise ModelError(f"no column {unknown[0]!r} in {args.data}", where=f"--check {i}")
            checks.append(validate_fd(frame, fd, null_equal=args.null_equal, alpha=args.alpha))
    if args.format == "json":
        print(json.dumps([{"fd": c.fd.text(columns), "holds": c.holds, "rows": c.rows, "support": c.support,
                           "chance": c.chance, "error_rows": c.error_rows, "g3": c.g3,
                           "clusters": [{"lhs": [str(v) for v in k.lhs_value], "lines": [int(r) for r in k.rows],
                                         "rhs": [[str(v), n] for v, n in k.rhs_values]} for k in c.clusters],
                           "warnings": list(c.warnings)} for c in checks], indent=1))
    else:
        print("\n\n".join(c.text() for c in checks))
    return 0 if all(c.holds for c in checks) else 1


def run_keys(args: argparse.Namespace) -> int:
    from ..normalize.discovery import keys_from_data

    found = keys_from_data(_read(args.data), max_size=args.max_size, null_equal=args.null_equal)
    if args.format == "json":
        print(json.dumps({"keys": [sorted(k, key=found.columns.index) for k in found.keys],
                          "duplicate_rows": found.duplicate_rows}, indent=1))
    elif found.keys:
        for k in found.keys:
            print(", ".join(sorted(k, key=found.columns.index)))
    else:
        print(found.message)
    return 0


def _fds_file(path: str) -> list:
    from ..inputs import read_text
    from ..normalize.fd import parse_fds

    text = read_text(path, what="FD file")
    try:
        return parse_fds(text)
    except ModelError as e:  # "line 3: ..." -> "fds.txt:3: ..."
        where = e.where.replace("line ", f"{path}:") if e.where else path
        raise ModelError(e.message, where=where) from None


def run_normalize(args: argparse.Namespace) -> int:
    from ..model.schema import Schema
    from ..normalize.apply import data_migration, plan_normalization, table_from_frame
    from ..normalize.bcnf import bcnf_decompose
    from ..normalize.discovery import discover_fds
    from ..normalize.synthesis import synthesize_3nf

    fds = _fds_file(args.fds) if args.fds else None
    if args.source.lower().endswith(".csv"):
        frame = _read(args.source)
        name = args.table or Path(args.source).stem.replace("-", "_").replace(" ", "_")
        schema = Schema(tables=(table_from_frame(name, frame),))
        if fds is None:
            fds = discover_fds(frame, null_equal=args.null_equal, max_lhs=args.max_lhs).as_fds()
    else:
        from .schema_cmds import load_spec

        if not args.table:
            raise ModelError("--table is required with a schema SPEC", where=args.source)
        schema = load_spec(args.source, args.from_dialect)
        name = args.table
    plan = plan_normalization(schema, name, fds or [], args.target)
    if args.explain:
        table = schema.table(name)
        from ..normalize.apply import table_fds

        step = {"3nf": synthesize_3nf, "bcnf": bcnf_decompose}[args.target]
        print(step(list(table.column_names), [*(fds or []), *table_fds(table)], explain=True).text())
        print()
    print(plan.text())
    if args.sql:
        if plan.batch is None:
            print(f"-- {name} is already in {args.target.upper()}: no data to move", file=sys.stderr)
        else:
            print()
            print(data_migration(plan, schema, args.sql).script(), end="")
    return 0
