"""Start-up: ``import dbmodel_kit`` and the light ``dbmodel`` commands do not import the heavy
libraries other commands need. Checked by which modules a fresh interpreter holds afterwards, never
by timing (docs/benchmarks.md, "Start-up", has the times)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dbmodel_kit import cli

ROOT = Path(__file__).parent.parent
SHOP = ROOT / "examples" / "ecommerce.yaml"

#: Libraries only some commands need (data, sampling, migrations).
HEAVY = ("pandas", "duckdb", "alembic", "numpy")
#: Libraries that reading and writing a schema need, but ``--version`` and ``--help`` do not.
SCHEMA_LIBRARIES = ("sqlglot", "sqlalchemy", "yaml", "graphviz")

# Runs each command in turn in ONE fresh interpreter and prints, after each, the top-level
# packages it holds; commands go lightest first, so a library present after a command was
# brought in by it or by a lighter one (whose own line then shows it too).
PROBE = r"""
import contextlib, io, json, sys
from dbmodel_kit.cli import main
seen = []
for argv in json.loads(sys.argv[1]):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(argv)
    except SystemExit as e:
        code = e.code
    seen.append({"argv": argv, "code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})})
print(json.dumps(seen))
"""


def _probe(commands: list[list[str]]) -> list[dict]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout)


def test_light_commands_do_not_import_the_heavy_libraries(tmp_path: Path) -> None:
    """``--version`` and ``--help`` import no third-party library at all; ``erd``, ``lint``,
    ``convert`` and ``ddl`` of a YAML file import none of pandas, DuckDB, Alembic or numpy."""
    commands = [
        ["--version"],
        ["--help"],
        ["erd", str(SHOP), "-f", "dot", "-o", str(tmp_path / "shop.dot")],
        ["lint", str(SHOP)],
        ["convert", str(SHOP), "-o", str(tmp_path / "shop.dbml")],
        ["ddl", str(SHOP), "--dialect", "mysql"],
        ["ddl", str(SHOP)],
    ]
    seen = _probe(commands)
    assert [s["argv"] for s in seen] == commands
    for step in seen:
        assert step["code"] in (0, 1), step  # lint exits 1 on an error-level finding
        forbidden = HEAVY + SCHEMA_LIBRARIES if step["argv"][0].startswith("--") else HEAVY
        if step["argv"][0] in ("lint", "erd"):  # no SQLAlchemy: they write no DDL
            forbidden += ("sqlalchemy",)
        loaded = sorted(set(forbidden) & set(step["modules"]))
        assert not loaded, f"`dbmodel {' '.join(step['argv'])}` imports {loaded}"


#: Modules a command of the kind named does not need: the other engines' SQLAlchemy dialects
#: (PostgreSQL's DDL), sqlglot's DuckDB dialect (what the model needs of it is copied in
#: dbmodel_kit.model._sqlglot_duckdb) and the model's operations (reading a schema needs none).
NOT_NEEDED = {
    "ddl": ("sqlalchemy.dialects.mysql", "sqlalchemy.dialects.sqlite", "sqlglot.dialects.duckdb",
            "dbmodel_kit.model.ops", "dbmodel_kit.model.model"),
    "lint": ("sqlalchemy", "sqlglot.dialects.duckdb", "dbmodel_kit.model.ops", "dbmodel_kit.model.model"),
}
NOT_NEEDED_PROBE = r"""
import contextlib, io, json, sys
from dbmodel_kit.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("argv", [["ddl", str(SHOP)], ["lint", str(SHOP)]])
def test_a_light_command_imports_only_what_it_needs(argv: list[str]) -> None:
    """PostgreSQL's DDL of the e-commerce model (which has enums and checks) loads neither MySQL's nor
    SQLite's SQLAlchemy dialect, nor sqlglot's DuckDB dialect, nor the model's operations; lint none
    of them and no SQLAlchemy. Each in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", NOT_NEEDED_PROBE, json.dumps(argv)], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    seen = json.loads(done.stdout)
    assert seen["code"] in (0, 1), done.stderr
    loaded = [m for m in NOT_NEEDED[argv[0]] if m in seen["modules"]]
    assert not loaded, f"`dbmodel {' '.join(argv)}` imports {loaded}"
    if argv[0] == "ddl":  # (and the probe is not vacuous: what it does need is there)
        assert {"sqlalchemy.dialects.postgresql", "sqlglot.dialects.postgres"} <= set(seen["modules"])


def test_the_command_restores_the_collectors_thresholds() -> None:
    """``main`` runs with fewer young collections (start-up is mostly imports) and gives a caller in
    the same process its own thresholds back, also when the command fails."""
    import gc

    before = gc.get_threshold()
    assert before != cli.GC_THRESHOLDS
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert cli.main(["ddl", str(ROOT / "no-such-file.yaml")]) == 2
    assert gc.get_threshold() == before


def test_sqlglots_duckdb_words_are_the_installed_sqlglots() -> None:
    """The copy of what sqlglot's DuckDB dialect says (reserved words, built-in type names) equals
    the installed sqlglot's, and for plain words outside it sqlglot reads a user-defined type: tried
    on every keyword of every sqlglot dialect, those words with a prefix or suffix, and SQLAlchemy's
    type names. A failure after an upgrade: ``python -m dbmodel_kit.model._sqlglot_duckdb``."""
    import sqlalchemy.types
    from sqlglot.dialects.dialect import Dialect, Dialects

    from dbmodel_kit.model import _sqlglot_duckdb as copy

    assert copy.current() == (copy.RESERVED, copy.TYPES)
    words = {name for name in dir(sqlalchemy.types) if name.isalpha()} | {"unknown", "Unknown", "nullable"}
    for dialect in Dialects:
        if dialect.value:
            words |= {w for w in Dialect.get_or_raise(dialect.value).tokenizer_class.KEYWORDS
                      if copy.PLAIN_WORD.fullmatch(w)}
    words |= {f"{w}_kind" for w in set(words)} | {f"my_{w}" for w in set(words)} | {w.lower() for w in words}
    assert len(words) > 2000
    wrong = {w: (copy.builtin_type(w), copy._read(w)) for w in words if copy.builtin_type(w) != copy._read(w)}
    assert not wrong
    # text other than a plain word is sqlglot's to read
    assert copy.builtin_type("double precision") == copy._read("double precision") == "DOUBLE"
    assert copy.builtin_type("order status") is None


def test_import_dbmodel_kit_loads_no_third_party_library() -> None:
    """``import dbmodel_kit`` (and ``dbmodel_kit.io``) is cheap; the model (and sqlglot) loads on
    first use of a name such as ``Model``, and SQLAlchemy only with ``reflect``."""
    code = r"""
import json, sys
LIBS = {"sqlglot", "sqlalchemy", "yaml", "pandas", "duckdb", "alembic", "numpy"}
def libs():
    return sorted({m.split(".")[0] for m in sys.modules} & LIBS)
import dbmodel_kit
steps = [libs()]
dbmodel_kit.Model().add_table("t", id="integer pk")
steps.append(libs())
import dbmodel_kit.io
steps.append(libs())
from dbmodel_kit.io import reflect
steps.append(libs() + [reflect.__module__, reflect.__name__])
print(json.dumps(steps))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    plain, model, io, reflect = json.loads(done.stdout)
    assert plain == []
    assert model == ["sqlglot"]
    assert io == ["sqlglot"]
    assert reflect[-2:] == ["dbmodel_kit.io.reflect", "reflect"]
    assert "sqlalchemy" in reflect


def test_io_reflect_is_the_function_when_the_submodule_is_imported_first() -> None:
    """Importing ``dbmodel_kit.io.reflect`` (the module) first does not hide the function."""
    code = ("import dbmodel_kit.io.reflect\nfrom dbmodel_kit.io import reflect\nimport dbmodel_kit.io as io\n"
            "print(reflect.__name__, callable(reflect), io.reflect is reflect)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["reflect", "True", "True"]


def _registered(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    """(name, help) of the subcommands of ``parser``, in the order ``--help`` lists them."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(choice.dest, choice.help) for choice in sub._choices_actions]


def test_the_static_command_table_matches_what_the_modules_register() -> None:
    """``dbmodel --help`` lists cli.SUBCOMMANDS without importing the command modules, so the table
    must name every command, in the order and with the help the modules register."""
    full = _registered(cli.build_parser())
    table = [(name, help) for name, (_, help) in cli.SUBCOMMANDS.items()]
    assert full == table, "a command's name or help changed: update dbmodel_kit.cli.SUBCOMMANDS to match"
    for name, (module, _) in cli.SUBCOMMANDS.items():
        parser = cli.build_parser([name])
        assert _registered(parser) == full, name
        chosen = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        assert len(chosen._actions) > 1, f"{name} is registered in full by {module} (not a placeholder)"


@pytest.mark.parametrize("argv", [["--help"], ["ddl", "--help"], ["migrate", "lint", "--help"]])
def test_help_works_for_every_level(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` at the top and for a (nested) subcommand prints its usage and exits 0."""
    with pytest.raises(SystemExit) as exit:
        cli.main(argv)
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: dbmodel {' '.join(argv[:-1])}".rstrip())


def test_an_unknown_command_is_a_usage_error_listing_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``dbmodel bogus``: exit 2 and argparse's message naming every command."""
    with pytest.raises(SystemExit) as exit:
        cli.main(["bogus"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus'" in err
    assert all(f"'{name}'" in err for name in cli.SUBCOMMANDS)


def test_lint_word_lists_are_sqlalchemys() -> None:
    """The reserved-word lists lint keeps (so that it starts without SQLAlchemy) are the installed
    SQLAlchemy's, and lint's engine names are the DDL's dialects, in the same order."""
    from dbmodel_kit.dialects import DIALECTS
    from dbmodel_kit.lint import _words
    from dbmodel_kit.model.types import DIALECT_NAMES

    assert _words.current() == (_words.POSTGRES, _words.SQLITE_CANDIDATES)
    assert tuple(DIALECTS) == DIALECT_NAMES


def test_lint_word_lists_are_read_from_a_new_interpreter() -> None:
    """current() reads SQLAlchemy's lists as installed, not this process's sets: a word put in
    PostgreSQL's set in place (as duckdb_engine did) does not show (CI: 'describe', 'lambda'...)."""
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS

    from dbmodel_kit.lint import _words

    assert "pivot_wider" not in RESERVED_WORDS
    RESERVED_WORDS.add("pivot_wider")
    try:
        assert "pivot_wider" not in _words.current()[0]
    finally:
        RESERVED_WORDS.discard("pivot_wider")


ERD_AGAIN_PROBE = r"""
import contextlib, io, json, sys
from dbmodel_kit.cli import main
with contextlib.redirect_stderr(io.StringIO()):
    code = main(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_erd_again_on_an_unchanged_file_only_lays_out(tmp_path: Path) -> None:
    """``dbmodel erd`` run again on the same file with the same options takes the DOT source from its
    cache: the second process imports neither the model, the DOT builder, sqlglot nor PyYAML, and
    writes the same SVG."""
    env = {**os.environ, "DBMODEL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("DBMODEL_CACHE", None)
    seen = []
    for run in ("first", "again"):
        argv = ["erd", str(SHOP), "--theme", "dark", "-o", str(tmp_path / f"{run}.svg")]
        done = subprocess.run([sys.executable, "-c", ERD_AGAIN_PROBE, json.dumps(argv)], capture_output=True,
                              text=True, cwd=ROOT, env=env, check=True)
        seen.append(json.loads(done.stdout))
    assert [s["code"] for s in seen] == [0, 0]
    assert "dbmodel_kit.model.schema" in seen[0]["modules"]
    loaded = [m for m in seen[1]["modules"] if m.split(".")[0] in ("sqlglot", "yaml", "graphviz", "sqlalchemy")
              or m.startswith(("dbmodel_kit.model", "dbmodel_kit.erd.dot", "dbmodel_kit.erd.view"))]
    assert not loaded, loaded
    assert (tmp_path / "again.svg").read_bytes() == (tmp_path / "first.svg").read_bytes()


def test_the_erd_package_exports_its_functions_whatever_was_imported_first() -> None:
    """``dbmodel_kit.erd`` loads most of its modules when first asked for a name; importing one of its
    modules first (``dbmodel_kit.erd.render``, named like the function) changes none of its names."""
    code = ("import importlib, sys\n"
            "for m in ('render', 'dot', 'view', 'mermaid', 'changes', 'notation', 'theme', 'graphviz_run'):\n"
            "    importlib.import_module('dbmodel_kit.erd.' + m)\n"
            "import dbmodel_kit.erd as erd\n"
            "bad = [n for n in erd.__all__ if type(getattr(erd, n)).__name__ == 'module']\n"
            "print(bad, callable(erd.render), callable(erd.to_dot), erd.render.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["[]", "True", "True", "dbmodel_kit.erd.render"]


def test_bulk_builds_collect_less_and_give_the_thresholds_back() -> None:
    """``fewer_collections`` (around exports, SQL, diffs, reviews) raises the collector's thresholds
    for its block, nested blocks included, and restores the caller's after, also on an error; a
    caller that collects less often already, or not at all, keeps its setting."""
    import gc

    from dbmodel_kit._gc import THRESHOLDS, fewer_collections
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.export import files

    before = gc.get_threshold()
    assert before[0] < THRESHOLDS[0]
    seen = []

    def failing() -> None:
        with fewer_collections():
            with fewer_collections():
                seen.append(gc.get_threshold())
            seen.append(gc.get_threshold())
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        failing()
    assert seen == [THRESHOLDS, THRESHOLDS]
    assert gc.get_threshold() == before
    assert files(ecommerce(), "dbml")
    assert gc.get_threshold() == before
    try:
        for theirs in ((0, 10, 10), (500_000, 50, 50)):
            gc.set_threshold(*theirs)
            with fewer_collections():
                assert gc.get_threshold() == theirs
            assert gc.get_threshold() == theirs
    finally:
        gc.set_threshold(*before)


def test_erd_theme_choices_are_the_themes() -> None:
    """``dbmodel erd --theme`` offers every palette (its names are written out so a start that only
    lays out cached DOT need not import the palettes)."""
    from dbmodel_kit.cli.erd_cmd import THEME_NAMES
    from dbmodel_kit.erd.theme import THEMES

    assert tuple(THEMES) == THEME_NAMES
