"""The ``dbmodel`` command: ddl, apply, reflect, convert, lint, and its one-line user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbmodel_kit import examples
from dbmodel_kit.cli import main
from dbmodel_kit.ddl import create_sql
from dbmodel_kit.io import dumps, load

ROOT = Path(__file__).parent.parent
SHOP = ROOT / "examples" / "ecommerce.yaml"
DIALECTS = ("postgresql", "mysql", "sqlite", "duckdb")

NO_PK_YAML = """\
tables:
  logs:
    columns:
      message: text not null
      price: double
"""

SHOP_SQL = """\
-- a small MySQL schema
CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL UNIQUE
);
CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  total DECIMAL(10,2) NOT NULL,
  CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX ix_orders_user_id ON orders (user_id);
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``dbmodel ARGV`` in-process; (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str, prefix: str) -> str:
    """The single stderr line of a user error, checked to start with ``prefix`` and carry no traceback."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]


# -- ddl -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", DIALECTS)
def test_ddl_prints_the_dialects_create_statements(capsys, dialect):
    """`ddl SPEC --dialect D` prints exactly the DDL the library emits for that dialect."""
    code, out, _ = run(capsys, "ddl", SHOP, "--dialect", dialect)
    assert code == 0
    expected = create_sql(load(SHOP), dialect)
    assert out == expected if expected.endswith("\n") else out == expected + "\n"
    assert "CREATE TABLE" in out


def test_ddl_writes_a_file_and_defaults_to_postgresql(capsys, tmp_path):
    """`-o FILE` writes the DDL there (creating folders) and says so on stderr; the default dialect is PostgreSQL."""
    target = tmp_path / "out" / "shop.sql"
    code, out, err = run(capsys, "ddl", SHOP, "-o", target)
    assert (code, out) == (0, "")
    assert err.strip() == f"wrote {target}"
    assert target.read_text().rstrip("\n") == create_sql(load(SHOP), "postgresql").rstrip("\n")


def test_ddl_reads_sql_in_the_given_dialect(capsys, tmp_path):
    """A .sql SPEC is read in --from-dialect (MySQL's AUTO_INCREMENT here) and emitted in --dialect."""
    sql = tmp_path / "shop.sql"
    sql.write_text(SHOP_SQL)
    code, out, _ = run(capsys, "ddl", sql, "--from-dialect", "mysql", "--dialect", "sqlite")
    assert code == 0
    schema = load(sql, dialect="mysql")
    assert schema.table_names == ("users", "orders")
    assert out.rstrip("\n") == create_sql(schema, "sqlite").rstrip("\n")


# -- apply and reflect -----------------------------------------------------------------------

def test_apply_creates_the_tables_on_each_engine(capsys, engine_url):
    """`apply SPEC --url URL` creates every table of the spec in the database (all four engines)."""
    code, _, err = run(capsys, "apply", SHOP, "--url", engine_url)
    assert code == 0, err
    assert err.startswith("created 5 tables in ")
    if engine_url.startswith("duckdb"):
        import duckdb

        with duckdb.connect(engine_url.removeprefix("duckdb:///")) as con:
            names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    else:
        engine = sa.create_engine(engine_url)
        try:
            names = set(sa.inspect(engine).get_table_names())
        finally:
            engine.dispose()
    assert names == set(examples.ecommerce().table_names)


def test_reflect_writes_yaml_or_sql(capsys, tmp_path, sqlite_url):
    """`reflect URL` prints YAML by default, and `-o FILE` writes the format its extension names."""
    assert run(capsys, "apply", SHOP, "--url", sqlite_url)[0] == 0
    code, out, _ = run(capsys, "reflect", sqlite_url)
    assert code == 0
    reflected = load(out, "yaml")
    assert sorted(reflected.table_names) == sorted(examples.ecommerce().table_names)
    for ext in ("yaml", "sql"):
        target = tmp_path / f"back.{ext}"
        code, out, err = run(capsys, "reflect", sqlite_url, "-o", target)
        assert (code, out, err.strip()) == (0, "", f"wrote {target}")
        assert sorted(load(target).table_names) == sorted(reflected.table_names)
    code, out, _ = run(capsys, "reflect", sqlite_url, "--format", "sql", "--dialect", "mysql")
    assert out.rstrip("\n") == create_sql(reflected, "mysql").rstrip("\n")


def test_reflect_of_duckdb(capsys, duckdb_url):
    """`reflect` reads a DuckDB file through the io layer and gives back the applied tables."""
    assert run(capsys, "apply", SHOP, "--url", duckdb_url)[0] == 0
    code, out, _ = run(capsys, "reflect", duckdb_url)
    assert code == 0
    assert sorted(load(out, "yaml").table_names) == sorted(examples.ecommerce().table_names)


def test_lint_of_a_database_url(capsys, sqlite_url):
    """A SPEC may be a database URL: `lint URL` lints the reflected schema."""
    assert run(capsys, "apply", SHOP, "--url", sqlite_url)[0] == 0
    code, out, _ = run(capsys, "lint", sqlite_url, "--format", "json")
    assert code in (0, 1)
    assert "counts" in json.loads(out)


# -- convert ---------------------------------------------------------------------------------

def test_convert_to_sql_and_back(capsys, tmp_path):
    """`convert SPEC -o x.sql --dialect D` writes that dialect's DDL; converting it back gives the same tables."""
    sql = tmp_path / "shop.sql"
    code, _, _ = run(capsys, "convert", SHOP, "-o", sql, "--dialect", "mysql")
    assert code == 0
    assert sql.read_text().rstrip("\n") == create_sql(load(SHOP), "mysql").rstrip("\n")
    yaml_again = tmp_path / "again.yaml"
    assert run(capsys, "convert", sql, "--from-dialect", "mysql", "-o", yaml_again)[0] == 0
    assert load(yaml_again).table_names == load(SHOP).table_names


def test_convert_yaml_to_yaml_is_byte_identical(capsys, tmp_path):
    """Converting the example YAML to YAML reproduces the file byte for byte (the lossless format)."""
    target = tmp_path / "copy.yaml"
    assert run(capsys, "convert", SHOP, "-o", target)[0] == 0
    assert target.read_bytes() == SHOP.read_bytes()


# -- lint ------------------------------------------------------------------------------------

def test_lint_text_and_json(capsys, golden):
    """`lint` prints the report as text (golden) or JSON and exits 0 when no finding is an error."""
    code, out, err = run(capsys, "lint", SHOP)
    assert (code, err) == (0, "")
    golden("cli/lint_ecommerce.txt", out)
    code, out, _ = run(capsys, "lint", SHOP, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["counts"]["error"] == 0
    assert [f["id"] for f in data["findings"]] == ["DM119", "DM119", "DM119", "DM107", "DM106"]


def test_lint_exits_1_on_errors_and_ignore_silences(capsys, tmp_path, golden):
    """An error-level finding makes `lint` exit 1; `--ignore` (everywhere or TABLE:RULE) silences rules."""
    spec = tmp_path / "logs.yaml"
    spec.write_text(NO_PK_YAML)
    code, out, _ = run(capsys, "lint", spec)
    assert code == 1
    golden("cli/lint_errors.txt", out)
    code, out, _ = run(capsys, "lint", spec, "--ignore", "logs:DM101", "--ignore", "money-as-float")
    assert code == 0
    assert out.splitlines()[-1] == "1 finding: 1 info"
    code, out, _ = run(capsys, "lint", spec, "--select", "DM103", "--format", "json")
    assert code == 1
    assert [f["id"] for f in json.loads(out)["findings"]] == ["DM103"]


# -- user errors: one line, place first, exit 2 ----------------------------------------------

def test_missing_file(capsys, tmp_path):
    """A SPEC that does not exist is `path: no such file`, exit 2."""
    missing = tmp_path / "nope.yaml"
    code, _, err = run(capsys, "lint", missing)
    assert code == 2
    assert one_line_error(err, f"{missing}: ") == f"{missing}: no such file"


def test_unknown_extension(capsys, tmp_path):
    """A SPEC whose extension names no format is refused, naming the file."""
    odd = tmp_path / "shop.txt"
    odd.write_text("x")
    code, _, err = run(capsys, "ddl", odd)
    assert code == 2
    assert "cannot tell the format" in one_line_error(err, f"{odd}: ")


def test_broken_yaml_names_file_and_line(capsys, tmp_path):
    """Broken YAML is reported as `file:line: message`, no traceback, exit 2."""
    spec = tmp_path / "broken.yaml"
    spec.write_text("tables:\n  users:\n    columns:\n      id: uuid pk\n     email: [unclosed\n")
    code, _, err = run(capsys, "ddl", spec)
    assert code == 2
    one_line_error(err, f"{spec}:")
    assert err.split(":")[1].isdigit()


def test_sql_syntax_error_names_file_and_line(capsys, tmp_path):
    """DDL with a syntax error is reported as `file:line: message`, exit 2."""
    spec = tmp_path / "bad.sql"
    spec.write_text("CREATE TABLE a (id int primary key);\n\nCREATE TABLE b (id int primary key\n")
    code, _, err = run(capsys, "lint", spec)
    assert code == 2
    assert one_line_error(err, f"{spec}:").startswith(f"{spec}:3: SQL syntax error")


def test_sql_import_reports_what_it_does_not_keep_and_strict_fails(capsys, tmp_path):
    """A .sql SPEC is read to its end: what the model cannot keep and the statements without schema are
    listed on stderr as `file:line: level: message`, and the command succeeds; --strict fails on them."""
    spec = tmp_path / "with_option.sql"
    spec.write_text("SET search_path = public;\nCREATE TABLE a (id int primary key) WITH (fillfactor = 70);\n"
                    "CREATE TABLE b (id int primary key);\n")
    code, out, err = run(capsys, "ddl", spec, "--dialect", "sqlite")
    assert code == 0
    assert "CREATE TABLE a" in out
    assert "CREATE TABLE b" in out
    lines = err.strip().splitlines()
    assert lines[0] == f"{spec}:1: note: session settings and transaction control not kept (no schema in them)"
    assert lines[1].startswith(f"{spec}:2: not kept: table a: option fillfactor=70")
    assert lines[2] == f"{spec}: 1 statement or clause not kept (listed above; --strict fails on them)"
    code, out, err = run(capsys, "ddl", spec, "--dialect", "sqlite", "--strict")
    assert (code, out) == (2, "")
    assert one_line_error(err, f"{spec}:2:").startswith(f"{spec}:2: table a: option fillfactor=70")
    # the flag the default replaced is still accepted
    assert run(capsys, "ddl", spec, "--dialect", "sqlite", "--skip-unsupported")[0] == 0


def test_sql_import_lists_every_error(capsys, tmp_path):
    """Every error in a .sql SPEC is listed with its line (not just the first), then the command fails
    with exit 2 and writes nothing; sqlglot's leniency does not hide clearly invalid SQL."""
    spec = tmp_path / "bad.sql"
    spec.write_text("CREATE TABLE t (id int PRIMARY KEY,, x text);\nCREATE TABLE ok (id int PRIMARY KEY);\n"
                    "CREATE TABLE u (id int) garbage here;\nCREATE TABEL v (id int);\n")
    code, out, err = run(capsys, "ddl", spec)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{spec}:1: error: SQL syntax error: ',' follows ',' (an empty item in a list)",
        f"{spec}:3: error: SQL syntax error: not a statement postgres knows: CREATE TABLE u (id int) garbage here",
        f"{spec}:4: error: SQL syntax error: not a statement postgres knows: CREATE TABEL v (id int)",
        f"{spec}: 3 errors; nothing written",
    ]


def test_fk_to_missing_table_names_the_place(capsys, tmp_path):
    """A foreign key to a missing table is a user error naming the file and the foreign key."""
    spec = tmp_path / "fk.yaml"
    spec.write_text("tables:\n  orders:\n    columns:\n      id: bigint pk\n      user_id: bigint references users\n")
    code, _, err = run(capsys, "ddl", spec)
    assert code == 2
    line = one_line_error(err, f"{spec}")
    assert "users" in line


def test_duplicate_column_names_the_place(capsys, tmp_path):
    """A duplicate column in SQL input is a one-line error naming the file."""
    spec = tmp_path / "dup.sql"
    spec.write_text("CREATE TABLE t (id int primary key, a int, a text);\n")
    code, _, err = run(capsys, "ddl", spec)
    assert code == 2
    assert "'a'" in one_line_error(err, f"{spec}")


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql+psycopg://postgres:secret@127.0.0.1:1/nowhere", "OperationalError"),
    ("nosuchdb://host/db", "unknown database kind"),
    ("not a url://", "not a database URL"),
])
def test_unreachable_or_bad_database_url(capsys, url, expected):
    """An unreachable database or a bad URL is one line naming the URL (password hidden), exit 2."""
    code, _, err = run(capsys, "reflect", url)
    assert code == 2
    line = one_line_error(err, "")
    assert expected in line
    assert "secret" not in line


def test_apply_to_unreachable_server(capsys):
    """`apply` to a server that is not there fails in one line, exit 2."""
    code, _, err = run(capsys, "apply", SHOP, "--url", "postgresql+psycopg://postgres@127.0.0.1:1/x")
    assert code == 2
    assert "Connection refused" in one_line_error(err, "postgresql+psycopg://postgres@127.0.0.1:1/x: ")


def test_reflect_refuses_a_missing_database_file(capsys, tmp_path):
    """Reflecting a SQLite/DuckDB file that does not exist is an error, not an empty schema in a new file."""
    for scheme in ("sqlite", "duckdb"):
        path = tmp_path / f"typo.{scheme}"
        code, _, err = run(capsys, "reflect", f"{scheme}:///{path}")
        assert code == 2
        assert "no such database file" in one_line_error(err, f"{scheme}:///")
        assert not path.exists()


def test_convert_refuses_to_overwrite_its_input_or_guess_a_format(capsys, tmp_path):
    """`convert` will not overwrite SPEC and needs an output extension it knows."""
    spec = tmp_path / "s.yaml"
    spec.write_bytes(SHOP.read_bytes())
    code, _, err = run(capsys, "convert", spec, "-o", spec)
    assert code == 2
    assert "overwrite" in one_line_error(err, f"{spec}: ")
    code, _, err = run(capsys, "convert", spec, "-o", tmp_path / "s.json")
    assert code == 2
    assert "cannot tell the format" in one_line_error(err, str(tmp_path / "s.json"))


def test_reflect_format_must_match_the_extension(capsys, sqlite_url, tmp_path):
    """`reflect -o x.sql --format dbml` is a contradiction, reported before touching the database."""
    code, _, err = run(capsys, "reflect", sqlite_url, "-o", tmp_path / "x.sql", "--format", "dbml")
    assert code == 2
    assert "contradicts" in one_line_error(err, "dbmodel: ")


def test_lint_ignore_of_unknown_rule_is_an_error(capsys):
    """`--ignore` with a rule that does not exist is a user error (a typo must not silence nothing)."""
    code, _, err = run(capsys, "lint", SHOP, "--ignore", "DM999")
    assert code == 2
    assert "no lint rule 'DM999'" in one_line_error(err, "dbmodel: ")


def test_bad_arguments_exit_2(capsys):
    """Unknown subcommands and bad dialect names are argparse usage errors (exit 2)."""
    with pytest.raises(SystemExit) as e:
        main(["ddl", str(SHOP), "--dialect", "oracle"])
    assert e.value.code == 2
    assert "invalid choice: 'oracle'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2


def test_help_lists_the_schema_commands(capsys):
    """`dbmodel --help` lists ddl, apply, reflect, convert and lint."""
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for command in ("ddl", "apply", "reflect", "convert", "lint"):
        assert command in out


# -- the installed console script ------------------------------------------------------------

def test_console_script(tmp_path):
    """The installed `dbmodel` script runs: JSON lint output with exit 0, and a user error in one line, exit 2."""
    script = Path(sys.executable).with_name("dbmodel")
    assert script.exists(), f"console script missing at {script}; run pip install -e ."
    done = subprocess.run([script, "lint", SHOP, "--format", "json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["error"] == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("tables: [\n")
    done = subprocess.run([script, "ddl", broken], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    one_line_error(done.stderr, f"{broken}:")


# -- DBML ------------------------------------------------------------------------------------

def test_ddl_reads_dbml(capsys, tmp_path):
    """A .dbml SPEC is read as DBML and emitted like the schema it describes."""
    dbml = tmp_path / "shop.dbml"
    dbml.write_text(dumps(load(SHOP), "dbml"))
    code, out, _ = run(capsys, "ddl", dbml, "--dialect", "sqlite")
    assert code == 0
    assert out.rstrip("\n") == create_sql(load(dbml), "sqlite").rstrip("\n")
    assert load(dbml).table_names == load(SHOP).table_names


def test_reflect_to_dbml(capsys, tmp_path, sqlite_url):
    """`reflect URL -o x.dbml` writes DBML that reads back to the reflected tables."""
    assert run(capsys, "apply", SHOP, "--url", sqlite_url)[0] == 0
    target = tmp_path / "back.dbml"
    code, out, err = run(capsys, "reflect", sqlite_url, "-o", target)
    assert (code, out, err.strip()) == (0, "", f"wrote {target}")
    assert sorted(load(target).table_names) == sorted(examples.ecommerce().table_names)


def test_convert_to_dbml_and_back(capsys, tmp_path):
    """`convert` writes DBML by extension, and the DBML converts back to YAML with the same tables."""
    dbml = tmp_path / "shop.dbml"
    assert run(capsys, "convert", SHOP, "-o", dbml)[0] == 0
    assert dbml.read_text().rstrip("\n") == dumps(load(SHOP), "dbml").rstrip("\n")
    yaml_again = tmp_path / "again.yaml"
    assert run(capsys, "convert", dbml, "-o", yaml_again)[0] == 0
    assert load(yaml_again).table_names == load(SHOP).table_names
