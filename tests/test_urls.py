"""Database URLs: secrets never reach an output or a written file; a malformed URL is a clean error.

The CLI test runs every ``dbmodel`` command that takes a URL, with the password in the user info
and in the query string (and URLs that fail: unknown database, missing file, a port that is not a
number, an unknown driver), and looks for the secret in standard output, standard error and every
file the command wrote.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import POSTGRES_URL, _server_db

from dbmodel_kit.cli import main
from dbmodel_kit.errors import ModelError
from dbmodel_kit.urls import is_url, parse_url, redact_url, scrub, secrets_of

ROOT = Path(__file__).parent.parent
SHOP = ROOT / "examples" / "ecommerce.yaml"
WORKLOAD = ROOT / "examples" / "ecommerce_workload.sql"


# -- the functions ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://app:hunter2@db/shop", "postgresql://app:***@db/shop"),
    ("postgresql+psycopg://app@db/shop?password=hunter2", "postgresql+psycopg://app@db/shop?password=***"),
    ("postgresql://db/shop?sslmode=require&sslpassword=hunter2",
     "postgresql://db/shop?sslmode=require&sslpassword=***"),
    ("mysql+pymysql://root:p%40ss%2Fword@h:3306/x?charset=utf8mb4", "mysql+pymysql://root:***@h:3306/x?charset=utf8mb4"),
    ("mysql://root@h/x?passwd=hunter2", "mysql://root@h/x?passwd=***"),
    ("duckdb:///md.duckdb?motherduck_token=hunter2", "duckdb:///md.duckdb?motherduck_token=***"),
    ("sqlite:///shop.db", "sqlite:///shop.db"),
    ("duckdb:///:memory:", "duckdb:///:memory:"),
    ("shop.yaml", "shop.yaml"),
    # URLs SQLAlchemy cannot parse are redacted by their shape
    ("postgresql://app:hunter2@db:54x2/shop?password=hunter2", "postgresql://app:***@db:54x2/shop?password=***"),
    ("postgresql://app:hun@ter2@db:x/shop", "postgresql://app:***@db:x/shop"),
])
def test_redact_url_hides_password_and_secret_parameters(url: str, shown: str) -> None:
    """The password of the user info and secret-looking query values are hidden; the rest stays."""
    assert redact_url(url) == shown
    for secret in ("hunter2", "p%40ss", "p@ss"):
        assert secret not in redact_url(url)


def test_redact_url_takes_engines_and_url_objects() -> None:
    """An engine or a SQLAlchemy URL is redacted the same way as its text."""
    url = sa.make_url("postgresql+psycopg://app:hunter2@db/shop?password=hunter2")
    assert "hunter2" not in redact_url(url)
    engine = sa.create_engine(url)
    assert "hunter2" not in redact_url(engine)
    engine.dispose()


@pytest.mark.parametrize("url", ["postgresql://u:pw@h:port/db", "postgresql://u:pw@h:99999999999x/db",
                                 "://nothing", "postgresql://u:pw@[::1/db"])
def test_parse_url_refuses_malformed_urls_cleanly(url: str) -> None:
    """A URL SQLAlchemy cannot parse is a ModelError naming it, its password hidden."""
    with pytest.raises(ModelError, match="not a database URL") as e:
        parse_url(url)
    assert ":pw@" not in str(e.value)


def test_scrub_hides_secrets_quoted_in_free_text() -> None:
    """A driver message quoting the URL or the bare secret (raw or percent-encoded) is scrubbed."""
    url = "postgresql://u:p%40ssword@h/db?password=other-secret"
    assert secrets_of(url) == ["p@ssword", "other-secret"]
    text = scrub(f"cannot reach {url}: bad token 'p%40ssword' or p@ssword; other-secret", url)
    assert "p@ssword" not in text
    assert "p%40ssword" not in text
    assert "other-secret" not in text
    assert text.startswith("cannot reach postgresql://u:***@h/db?password=***")
    # a short secret is hidden only where it stands alone
    assert scrub("ab cab ab", "pg://u:ab@h/x") == "*** cab ***"
    # a password that is also a word of the URL leaves the redacted URL readable
    assert scrub("pg://postgres:postgres@h/x failed", "pg://postgres:postgres@h/x") == "pg://postgres:***@h/x failed"


def test_is_url() -> None:
    """A URL is ``scheme://...``; file names are not."""
    assert is_url("sqlite:///x.db")
    assert is_url("postgresql+psycopg://h/db")
    assert not is_url("shop.yaml")
    assert not is_url("dir/x://y.yaml")
    assert not is_url(None)


def test_plan_source_is_redacted() -> None:
    """A plan's provenance (headers, JSON, reviews) never holds a password, however it is set."""
    from dbmodel_kit import examples
    from dbmodel_kit.migrate import diff

    plan = diff(examples.ecommerce(), examples.ecommerce())
    plan.source = ("postgresql://u:hunter2@h/db", "new.yaml")
    assert plan.source == ("postgresql://u:***@h/db", "new.yaml")
    assert "hunter2" not in plan.to_json() + repr(plan) + plan._repr_html_() + plan.reverse().to_json()


# -- every command that takes a URL ---------------------------------------------------------------

SECRET_USER = f"Uinfo-{uuid.uuid4().hex[:10]}"
SECRET_QUERY = f"Qstr-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def pg_database() -> Iterator[sa.URL]:
    """A fresh PostgreSQL database holding the example schema (created without the CLI)."""
    from dbmodel_kit.ddl import apply
    from dbmodel_kit.io import load

    gen = _server_db(POSTGRES_URL, "PostgreSQL")
    url = sa.make_url(next(gen))
    try:
        apply(load(SHOP), url)
        yield url
    finally:
        gen.close()


def _with_secret(url: sa.URL, where: str) -> tuple[str, str]:
    """``url`` carrying a password in the user info or the query string, and that password.

    The test servers trust local connections, so an invented password is accepted; a configured
    password is used as it is."""
    secret = url.password or (SECRET_USER if where == "userinfo" else SECRET_QUERY)
    if where == "userinfo":
        return url.set(password=secret).render_as_string(hide_password=False), str(secret)
    plain = url.set(password=None)
    return plain.update_query_dict({"password": str(secret)}).render_as_string(hide_password=False), str(secret)


def _commands(url: str, work: Path, scratch: str | None) -> list[list[str]]:
    """Every command line that takes a URL, with ``url`` in each URL position."""
    o = work / "out"
    cmds = [
        ["ddl", url], ["ddl", url, "-o", o / "ddl.sql"],
        ["reflect", url], ["reflect", url, "-o", o / "r.yaml"], ["reflect", url, "-o", o / "r.sql"],
        ["reflect", url, "-o", o / "r.dbml"],
        ["convert", url, "-o", o / "c.yaml"], ["lint", url], ["lint", url, "--format", "json"],
        ["erd", url], ["erd", url, "-o", o / "e.svg"], ["erd", SHOP, "--compare", url, "-o", o / "e.dot"],
        ["diff", url, SHOP], ["diff", SHOP, url], ["diff", url, SHOP, "-f", "alembic"],
        ["diff", url, SHOP, "-f", "json"], ["diff", url, SHOP, "-o", o / "m.sql"],
        ["diff", url, SHOP, "-f", "alembic", "-o", o / "rev.py"], ["diff", url, SHOP, "-f", "json", "-o", o / "p.json"],
        ["migrate", "lint", url, SHOP], ["migrate", "lint", url, SHOP, "--format", "json"],
        ["drift", SHOP, "--url", url], ["drift", SHOP, "--url", url, "-f", "sql"],
        ["drift", SHOP, "--url", url, "-f", "json"], ["drift", SHOP, f"--url={url}"],
        ["review", url, SHOP], ["review", url, SHOP, "-o", o / "r.md"], ["review", SHOP, url, "-o", o / "r.html"],
        ["export", url, "--to", "sqlalchemy", "-o", o / "x1"], ["export", SHOP, "--to", "prisma", "--from", url,
                                                               "-o", o / "x2"],
        ["export", url, "--to", "sql", "-o", o / "x3"],
        ["normalize", url, "--table", "orders", "--fds", work / "fds.txt"],
        ["workload-lint", WORKLOAD, "--spec", url],
        ["run", WORKLOAD, "--db", url], ["sample", SHOP, "--db", url], ["advise", SHOP, "--workload", WORKLOAD,
                                                                         "--db", url, "--no-measure"],
        ["sample", SHOP, "--url", url, "--rows", "20"],
    ]
    if scratch is not None:
        cmds.append(["migrate", "verify", SHOP, SHOP, "--url", scratch])
    return [*cmds, ["apply", SHOP, "--url", url]]  # last: it creates a missing SQLite/DuckDB file


def _bad_port(url: str) -> str:
    scheme, _, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    host = authority.rsplit(":", 1)[0] if authority.rsplit("@", 1)[-1].count(":") else authority
    return f"{scheme}://{host}:54x2{slash}{path}"


def _leaks(secret: str, code: int, out: str, err: str, work: Path) -> list[str]:
    found = [f"stdout: {out[:200]}"] * (secret in out) + [f"stderr: {err[:300]}"] * (secret in err)
    for path in work.rglob("*"):
        if path.is_file() and secret.encode() in path.read_bytes():
            found.append(f"file {path.relative_to(work)}")
    return found


def _run_all(urls: list[tuple[str, str, str | None]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run every command with each URL; no secret in any output or file, no traceback."""
    (tmp_path / "fds.txt").write_text("order_id -> user_id\n", encoding="utf-8")
    problems = []
    runs = 0
    for url, secret, scratch in urls:
        for argv in _commands(url, tmp_path, scratch):
            shutil.rmtree(tmp_path / "out", ignore_errors=True)
            code = main([str(a) for a in argv])
            out, err = capsys.readouterr()
            runs += 1
            name = " ".join(str(a) for a in argv[:2])
            problems += [f"{name} [{url}]: leaked in {leak}" for leak in _leaks(secret, code, out, err, tmp_path)]
            if "Traceback" in err:
                problems.append(f"{name} [{url}]: traceback\n{err}")
            if code == 2:  # a user error is one line naming the place
                assert len(err.strip().splitlines()) == 1, (argv, err)
    assert not problems, f"{len(problems)} of {runs} runs:\n" + "\n".join(problems)


@pytest.mark.postgres
@pytest.mark.parametrize("where", ["userinfo", "query"])
def test_no_command_shows_a_password(where: str, pg_database: sa.URL, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Against a live database (commands succeed) and with URLs that fail in every way a URL can,
    the password appears in no output and no written file, and nothing is a traceback."""
    good, secret = _with_secret(pg_database, where)
    base = sa.make_url(POSTGRES_URL)
    missing, _ = _with_secret(base.set(database=f"no_such_db_{uuid.uuid4().hex[:8]}"), where)
    failing = [
        missing,                                                        # the server refuses the database
        _bad_port(good),                                                # the port is not a number
        f"sqlite:///{tmp_path / 'missing.db'}?password={secret}",       # no such database file
        f"duckdb:///{tmp_path / 'missing.duckdb'}?password={secret}",
        f"nosuchdriver://u:{secret}@h/db",                              # unknown database kind
        f"postgresql+nosuchdriver://u:{secret}@h/db",                   # driver not installed
    ]
    with sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT").connect() as conn:
        scratch_name = f"dbmodel_test_{uuid.uuid4().hex[:12]}"
        conn.execute(sa.text(f"CREATE DATABASE {scratch_name}"))  # generated name
    try:
        scratch, _ = _with_secret(base.set(database=scratch_name).set(password=pg_database.password), where)
        _run_all([(good, secret, scratch)] + [(u, secret, None) for u in failing], tmp_path, capsys)
    finally:
        with sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {scratch_name} WITH (FORCE)"))


@pytest.fixture
def duckdb_extensions_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB installs the extensions a setting needs from an empty folder rather than the network.

    ``s3_secret_access_key`` makes DuckDB install httpfs on the spot: with no network (CI, this
    machine) each connection waited 2-3 s on its download's retries before failing, 14 times in the
    test below (30 s). From an empty folder the install fails at once, through the same path
    (autoinstall, then the error the kit must scrub), and the test does not depend on the network."""
    import duckdb

    connect, folder = duckdb.connect, str(tmp_path / "no-duckdb-extensions")

    def local_connect(*args, **kwargs):
        kwargs["config"] = {"custom_extension_repository": folder, **(kwargs.get("config") or {})}
        return connect(*args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", local_connect)


@pytest.mark.usefixtures("duckdb_extensions_here")
def test_file_engine_urls_hide_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same without a server: SQLite and DuckDB URLs with secret parameters, existing or not."""
    from dbmodel_kit.ddl import apply
    from dbmodel_kit.io import load

    db = tmp_path / "shop.duckdb"
    apply(load(SHOP), f"duckdb:///{db}")
    secret = f"Qstr-{uuid.uuid4().hex[:10]}"
    _run_all([(f"duckdb:///{db}?motherduck_token={secret}", secret, None),
              (f"sqlite:///{tmp_path / 'missing.db'}?pwd={secret}", secret, None),
              (f"duckdb:///{tmp_path / 'x.duckdb'}?s3_secret_access_key={secret}", secret, None),
              (f"postgresql://u:{secret}@127.0.0.1:notaport/db", secret, None)], tmp_path, capsys)


def test_python_api_outputs_hide_secrets(tmp_path: Path) -> None:
    """diff(URL, schema) and everything made from the plan (SQL, Alembic, JSON, reviews) hide it."""
    from dbmodel_kit.ddl import apply
    from dbmodel_kit.io import load
    from dbmodel_kit.migrate import diff
    from dbmodel_kit.review import review

    db = tmp_path / "shop.sqlite"
    apply(load(SHOP), f"sqlite:///{db}")
    secret = f"Qstr-{uuid.uuid4().hex[:10]}"
    plan = diff(f"sqlite:///{db}?password={secret}", load(SHOP))
    r = review(plan, dialects=("postgresql", "sqlite"))
    texts = [plan.to_sql("sqlite"), plan.to_alembic(dialect="sqlite"), plan.to_json(), repr(plan),
             plan._repr_html_(), r.to_html(), r.to_markdown()]
    assert plan.source[0] == f"sqlite:///{db}?password=***"
    assert not [t for t in texts if secret in t]
    with pytest.raises(ModelError) as e:
        diff(f"postgresql://u:{secret}@h:port/db", load(SHOP))
    assert secret not in str(e.value)
    assert "not a number" in str(e.value)
    from dbmodel_kit.workload.sample import sample

    with pytest.raises(ModelError, match="names a PostgreSQL server") as e:
        sample(load(SHOP), url=f"mysql+pymysql://u:{secret}@127.0.0.1/x")
    assert secret not in str(e.value)
