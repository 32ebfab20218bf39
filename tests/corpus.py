"""The real-schema corpus (``../shared/datasets/schemas``): each file applied by its engine's own
client, and each database's catalog read with that engine's own catalog queries (never the kit's
reflection), so two databases can be compared object by object.

Used by ``tests/test_corpus.py``. The corpus is found at ``$DBMODEL_CORPUS``, else
``<repository>/../shared/datasets/schemas`` (in a ``/work/wt/NAME`` worktree, two levels up).

A catalog is a dict ``{"kind name": properties}`` (``"column public.film.title": ("text", True,
None, ...)``); :func:`differences` lists what differs between two, one line an object.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

TESTS = Path(__file__).parent
ROOT = TESTS.parent
CORPUS = Path(os.environ.get("DBMODEL_CORPUS", ROOT.parent / "shared" / "datasets" / "schemas"))
if not CORPUS.is_dir() and "DBMODEL_CORPUS" not in os.environ:
    CORPUS = ROOT.parent.parent / "shared" / "datasets" / "schemas"
POSTGRES_URL = os.environ.get("DBMODEL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_URL = os.environ.get("DBMODEL_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")

ENGINES = ("postgresql", "mysql", "sqlite", "duckdb")
#: the engine a corpus file is written for, by the suffix of its name (README of the corpus)
ENGINE_OF_SUFFIX = {"pg": "postgresql", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}
#: the --from-dialect each engine's files are read with
READ_DIALECT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite", "duckdb": "duckdb"}


class Unavailable(Exception):
    """A server or client program the step needs is not here (the test skips, saying which)."""


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.sql")) if CORPUS.is_dir() else []


def engine_of(path: Path) -> str:
    return ENGINE_OF_SUFFIX[path.stem.rsplit("_", 1)[1]]


# -- databases -----------------------------------------------------------------------------------

def _admin(engine: str) -> sa.Engine:
    return sa.create_engine(sa.make_url(POSTGRES_URL if engine == "postgresql" else MYSQL_URL),
                            isolation_level="AUTOCOMMIT")


@dataclass
class Databases:
    """Fresh databases for one corpus file, all dropped by :meth:`close`."""

    dir: Path
    made: list[tuple[str, str]] = field(default_factory=list)

    def fresh(self, engine: str) -> str:
        name = f"dbmodel_corpus_{uuid.uuid4().hex[:12]}"
        if engine in ("sqlite", "duckdb"):
            self.dir.mkdir(parents=True, exist_ok=True)
            return f"{engine}:///{self.dir / f'{name}.{engine}'}"
        admin = _admin(engine)
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))  # a generated name, no user input
        except sa.exc.OperationalError as e:
            raise Unavailable(f"{engine} server not reachable: {str(e).splitlines()[0][:120]}") from None
        finally:
            admin.dispose()
        self.made.append((engine, name))
        base = sa.make_url(POSTGRES_URL if engine == "postgresql" else MYSQL_URL)
        return base.set(database=name).render_as_string(hide_password=False)

    def adopt(self, engine: str, name: str) -> None:
        """Drop ``name`` too at the end (a database a script created for itself)."""
        self.made.append((engine, name))

    def close(self) -> None:
        for engine, name in reversed(self.made):
            admin = _admin(engine)
            with admin.connect() as conn:
                if engine == "postgresql":
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                else:
                    conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
            admin.dispose()
        self.made.clear()


@contextmanager
def mysql_lock(name: str = "dbmodel_corpus") -> Iterator[None]:
    """A server-wide lock while a MySQL script runs: scripts such as Sakila drop and create a
    database of a fixed name, so two runs at once would trample each other."""
    admin = _admin("mysql")
    try:
        conn = admin.connect()
    except sa.exc.OperationalError as e:
        admin.dispose()
        raise Unavailable(f"mysql server not reachable: {str(e).splitlines()[0][:120]}") from None
    try:
        if conn.execute(sa.text("SELECT GET_LOCK(:n, 600)"), {"n": name}).scalar() != 1:
            raise RuntimeError("could not take the MySQL corpus lock in 10 minutes")
        yield
    finally:
        with suppress(sa.exc.DBAPIError):
            conn.execute(sa.text("SELECT RELEASE_LOCK(:n)"), {"n": name})
        conn.close()
        admin.dispose()


def _client(*names: str) -> str:
    for n in names:
        found = shutil.which(n)
        if found:
            return found
    raise Unavailable(f"the {names[0]} client is not installed")


def apply_native(path: Path, url: str, dbs: Databases) -> str:
    """Run the script at ``path`` on the database at ``url`` with the engine's own client; returns
    the URL of the database that holds what it made (a MySQL script may create and ``USE`` its own,
    which is then dropped with the others)."""
    engine = sa.make_url(url).get_backend_name()
    u = sa.make_url(url)
    if engine == "postgresql":
        cmd = [_client("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", u.host or "127.0.0.1",
               "-p", str(u.port or 5432), "-U", u.username or "postgres", "-d", u.database or "", "-f", str(path)]
        env = {**os.environ, **({"PGPASSWORD": u.password} if u.password else {})}
        _run(cmd, env=env)
        return url
    if engine == "mysql":
        cmd = [_client("mariadb", "mysql"), "-h", u.host or "127.0.0.1", "-P", str(u.port or 3306),
               "-u", u.username or "root", *([f"-p{u.password}"] if u.password else []), u.database or ""]
        admin = _admin("mysql")
        with path.open("rb") as script:
            _run(cmd, stdin=script)
        # only the databases this script names are taken as its own (others appear meanwhile: tests
        # running beside this one make theirs, and must not be dropped). One the script names that
        # was there before (left by a run that was killed) is its own too: the script has just made
        # it again (Sakila: DROP SCHEMA IF EXISTS sakila; CREATE SCHEMA sakila), under mysql_lock
        named = {m.group(1) for m in _MYSQL_DATABASE.finditer(path.read_text(encoding="utf-8"))}
        with admin.connect() as conn:
            made = sorted({r[0] for r in conn.execute(sa.text("SHOW DATABASES"))} & named - {u.database})
            for name in made:
                dbs.adopt("mysql", name)
            own = conn.execute(sa.text("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = :d"),
                               {"d": u.database}).scalar()
        admin.dispose()
        if not own and len(made) == 1:
            return u.set(database=made[0]).render_as_string(hide_password=False)
        return url
    target = url.split(":///", 1)[1]
    if engine == "sqlite":
        if shutil.which("sqlite3"):
            with path.open("rb") as script:
                _run([shutil.which("sqlite3") or "sqlite3", "-bail", target], stdin=script)
        else:  # the sqlite3 shell's own reading of a script is what executescript does
            import sqlite3

            con = sqlite3.connect(target)
            try:
                con.executescript(path.read_text(encoding="utf-8"))
            finally:
                con.close()
        return url
    import duckdb

    con = duckdb.connect(target)
    try:
        con.execute(path.read_text(encoding="utf-8"))
    finally:
        con.close()
    return url


_MYSQL_DATABASE = re.compile(r"^\s*(?:CREATE\s+(?:DATABASE|SCHEMA)(?:\s+IF\s+NOT\s+EXISTS)?|USE)\s+`?([\w$]+)`?",
                             re.I | re.M)


def _run(cmd: list[str], **kwargs: Any) -> None:
    done = subprocess.run(cmd, capture_output=True, timeout=300, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace').strip()[:2000]}")


def run_script(script: str, url: str) -> None:
    """Run SQL text on ``url`` as the engine's own client would (psql, mariadb, sqlite3, DuckDB)."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as f:
        f.write(script)
    try:
        apply_native(Path(f.name), url, Databases(Path(tempfile.gettempdir())))
    finally:
        os.unlink(f.name)


# -- catalogs --------------------------------------------------------------------------------------

Catalog = dict[str, tuple[Any, ...]]


def catalog(url: str) -> Catalog:
    """Every object in the database at ``url``, read with the engine's own catalog queries."""
    engine = sa.make_url(url).get_backend_name()
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect(url.split(":///", 1)[1], read_only=True)
        try:
            return _duckdb_catalog(lambda q: con.execute(q).fetchall())
        finally:
            con.close()
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            def rows(q: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.execute(sa.text(q))]

            return {"postgresql": _pg_catalog, "mysql": _mysql_catalog, "sqlite": _sqlite_catalog}[engine](rows)
    finally:
        eng.dispose()


Rows = Callable[[str], list[tuple[Any, ...]]]


def _ws(text: Any) -> Any:
    """Whitespace runs as one space (catalog texts keep the script's layout, which is not the object)."""
    return " ".join(str(text).split()) if isinstance(text, str) else text


#: Defaults PostgreSQL documents as the same value: "now() ... is equivalent to
#: transaction_timestamp() ... CURRENT_TIMESTAMP" (https://www.postgresql.org/docs/current/
#: functions-datetime.html#FUNCTIONS-DATETIME-CURRENT); the catalog shows whichever was written.
_PG_SAME_DEFAULT = {"now()": "CURRENT_TIMESTAMP", "transaction_timestamp()": "CURRENT_TIMESTAMP"}

_PG_USER = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'"


def _pg_catalog(rows: Rows) -> Catalog:
    out: Catalog = {}
    for nsp, rel, kind, partkey, bound, parent, comment in rows(f"""
            SELECT n.nspname, c.relname, c.relkind::text,
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                   pg_get_expr(c.relpartbound, c.oid), (SELECT i.inhparent::regclass::text FROM pg_inherits i
                                                        WHERE i.inhrelid = c.oid),
                   obj_description(c.oid, 'pg_class')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {_PG_USER}"""):
        out[f"relation {nsp}.{rel}"] = (kind, partkey, bound, parent, comment)
    for nsp, rel, pos, col, typ, notnull, default, identity, generated, comment in rows(f"""
            SELECT n.nspname, c.relname, rank() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                   a.attidentity::text, a.attgenerated::text, col_description(c.oid, a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {_PG_USER}"""):
        out[f"column {nsp}.{rel}.{col}"] = (pos, typ, notnull, _PG_SAME_DEFAULT.get(default, default), identity,
                                            generated, comment)
    for nsp, rel, name, kind, definition in rows(f"""
            SELECT n.nspname, c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {_PG_USER}"""):
        # a primary key's name is the engine's choice unless written, and the model keeps none
        key = f"primary key {nsp}.{rel}" if kind == "p" else f"constraint {nsp}.{rel}.{name}"
        out[key] = (kind, definition)
    for nsp, rel, name, definition in rows(f"""
            SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE {_PG_USER} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid
                                                                      AND k.contype IN ('p', 'u', 'x'))"""):
        out[f"index {nsp}.{rel}.{name}"] = (definition,)
    for nsp, rel, kind, definition in rows(f"""
            SELECT n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND {_PG_USER}"""):
        out[f"view {nsp}.{rel}"] = (kind, _ws(definition))
    for nsp, name, typ, start, inc, lo, hi, cache, cycle, owner in rows(f"""
            SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin,
                   s.seqmax, s.seqcache, s.seqcycle,
                   (SELECT t.relname || '.' || a.attname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND d.classid = 'pg_class'::regclass
                    LIMIT 1)
            FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {_PG_USER}"""):
        out[f"sequence {nsp}.{name}"] = (typ, start, inc, lo, hi, cache, cycle, owner)
    for nsp, rel, name, definition in rows(f"""
            SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND {_PG_USER}"""):
        out[f"trigger {nsp}.{rel}.{name}"] = (definition,)
    for nsp, name, args, kind, result, source in rows(f"""
            SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind::text,
                   pg_get_function_result(p.oid), p.prosrc
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE {_PG_USER} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"""):
        out[f"routine {nsp}.{name}({args})"] = (kind, result, _ws(source))
    for nsp, name, kind, base, notnull, default, labels, checks in rows(f"""
            SELECT n.nspname, t.typname, t.typtype::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
                   t.typdefault,
                   (SELECT string_agg(e.enumlabel, '|' ORDER BY e.enumsortorder) FROM pg_enum e
                    WHERE e.enumtypid = t.oid),
                   (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), '; ' ORDER BY k.conname)
                    FROM pg_constraint k WHERE k.contypid = t.oid)
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype IN ('e', 'd') AND {_PG_USER}"""):
        out[f"type {nsp}.{name}"] = (kind, base if kind == "d" else None, notnull, default, labels, checks)
    for (name,) in rows("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"):
        out[f"extension {name}"] = ()
    for nsp, rel, name, permissive, cmd, roles, qual, check in rows(f"""
            SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd::text,
                   (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END, ',' ORDER BY r)
                    FROM unnest(p.polroles) r), pg_get_expr(p.polqual, p.polrelid),
                   pg_get_expr(p.polwithcheck, p.polrelid)
            FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {_PG_USER}"""):
        out[f"policy {nsp}.{rel}.{name}"] = (permissive, cmd, roles, qual, check)
    for nsp, rel in rows(f"""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relrowsecurity AND {_PG_USER}"""):
        out[f"row level security {nsp}.{rel}"] = ()
    # privileges: every ACL entry of the user's relations, schemas and routines, the owner's as OWNER
    # (ownership is not part of a model: a dump's OWNER TO is a note, the kit creates as its user)
    def acl(column: str, owner: str) -> str:
        return (f"(SELECT string_agg(e, ' ' ORDER BY e) FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
                f"WHEN a.grantee = {owner} THEN 'OWNER' ELSE pg_get_userbyid(a.grantee) END || ':' || "
                f"a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END AS e "
                f"FROM aclexplode({column}) a) x)")

    for kind, name, acl_text in rows(f"""
            SELECT 'relation', n.nspname || '.' || c.relname, {acl('c.relacl', 'c.relowner')}
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relacl IS NOT NULL AND {_PG_USER}
            UNION ALL
            SELECT 'schema', n.nspname, {acl('n.nspacl', 'n.nspowner')}
            FROM pg_namespace n WHERE n.nspacl IS NOT NULL AND {_PG_USER}
            UNION ALL
            SELECT 'routine', n.nspname || '.' || p.oid::regprocedure::text, {acl('p.proacl', 'p.proowner')}
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL AND {_PG_USER}"""):
        out[f"privileges {kind} {name}"] = (acl_text,)
    for nsp, kind, name, comment in rows(f"""
            SELECT n.nspname, 'routine', p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc')
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE obj_description(p.oid, 'pg_proc') IS NOT NULL AND {_PG_USER}
            UNION ALL
            SELECT n.nspname, 'trigger', c.relname || '.' || t.tgname, obj_description(t.oid, 'pg_trigger')
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE obj_description(t.oid, 'pg_trigger') IS NOT NULL AND {_PG_USER}"""):
        out[f"comment {kind} {nsp}.{name}"] = (comment,)
    return out


def _mysql_catalog(rows: Rows) -> Catalog:
    db = "DATABASE()"
    out: Catalog = {}
    for name, kind, comment, engine in rows(f"SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, ENGINE "
                                            f"FROM information_schema.TABLES WHERE TABLE_SCHEMA = {db}"):
        out[f"relation {name}"] = (kind, comment or None, engine)
    for table, col, pos, typ, nullable, default, extra, comment, gen in rows(f"""
            SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
                   COLUMN_COMMENT, GENERATION_EXPRESSION
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {db}"""):
        out[f"column {table}.{col}"] = (pos, typ, nullable, default, extra, comment or None, gen or None)
    indexes: dict[str, list[Any]] = {}
    for table, name, non_unique, col, sub_part, kind in rows(f"""
            SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE
            FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {db}
            ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"""):
        key = f"primary key {table}" if name == "PRIMARY" else f"index {table}.{name}"
        entry = indexes.setdefault(key, [non_unique, kind])
        entry.append((col, sub_part))
    out.update((k, tuple(v)) for k, v in indexes.items())
    fks: dict[str, list[Any]] = {}
    for table, name, col, ref_table, ref_col, update, delete in rows(f"""
            SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME,
                   r.UPDATE_RULE, r.DELETE_RULE
            FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
              ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
              AND r.TABLE_NAME = k.TABLE_NAME
            WHERE k.TABLE_SCHEMA = {db} ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"""):
        # MySQL: "NO ACTION ... is equivalent to RESTRICT" (https://dev.mysql.com/doc/refman/8.0/en/
        # create-table-foreign-keys.html); the catalog shows whichever was written
        entry = fks.setdefault(f"foreign key {table}.{name}", [ref_table, _restrict(update), _restrict(delete)])
        entry.append((col, ref_col))
    out.update((k, tuple(v)) for k, v in fks.items())
    for table, name, clause in rows(f"SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
                                    f"FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {db}"):
        out[f"check {table}.{name}"] = (_ws(clause),)
    (own,) = rows("SELECT DATABASE()")[0]

    def mine(text: str | None) -> str | None:
        """``text`` without its own database's name before names (``sakila.film``, `` `sakila`.`film` ``)."""
        return None if text is None else re.sub(rf"(?<![\w`.])(`{re.escape(own)}`|{re.escape(own)})\.", "", text)

    for name, definition, updatable, security, check in rows(f"""
            SELECT TABLE_NAME, VIEW_DEFINITION, IS_UPDATABLE, SECURITY_TYPE, CHECK_OPTION FROM information_schema.VIEWS
            WHERE TABLE_SCHEMA = {db}"""):
        # the stored text names the view's own database (`sakila`.`film`): not part of the view (a
        # view reading another database keeps that name, and differs)
        out[f"view {name}"] = (_ws(mine(definition)), updatable, security, check)


    for name, table, timing, event, statement in rows(f"""
            SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT
            FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {db}"""):
        out[f"trigger {name}"] = (table, timing, event, _ws(mine(statement)))
    for name, kind, returns, body in rows(f"""
            SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION FROM information_schema.ROUTINES
            WHERE ROUTINE_SCHEMA = {db}"""):
        out[f"routine {name}"] = (kind, returns, _ws(mine(body)))
    for name, body, kind, every, field_, status, completion in rows(f"""
            SELECT EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, STATUS, ON_COMPLETION
            FROM information_schema.EVENTS WHERE EVENT_SCHEMA = {db}"""):
        # when it starts (STARTS, EXECUTE AT) is a time the engine fills in when the event is made
        out[f"event {name}"] = (_ws(mine(body)), kind, every, field_, status, completion)
    return out


def _sqlite_catalog(rows: Rows) -> Catalog:
    import sqlglot
    from sqlglot import exp

    out: Catalog = {}
    for kind, name, table, sql in rows("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                       "WHERE name NOT LIKE 'sqlite_%'"):
        if kind == "view":
            # the view's columns as the engine names them, and its query as written: a column list
            # naming what the query names anyway (CREATE VIEW v(a) AS SELECT a) is the same view
            cols = tuple((r[0], r[1]) for r in rows(f"SELECT name, type FROM pragma_table_xinfo('{_q(name)}')"))
            query = re.sub(r"^\s*CREATE\s+(?:TEMP\w*\s+)?VIEW\s.*?\bAS\s", "", sql, count=1, flags=re.I | re.S)
            out[f"view {name}"] = (table, cols, _ws(query))
            continue
        if kind == "trigger":
            out[f"{kind} {name}"] = (table, _ws(sql))
            continue
        if kind == "index":
            continue
        virtual = sql.upper().startswith("CREATE VIRTUAL")
        out[f"relation {name}"] = (kind, _ws(sql) if virtual else None)
        if virtual:
            continue
        columns = rows(f"SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden "
                       f"FROM pragma_table_xinfo('{_q(name)}')")
        keys = [c for c in columns if c[5]]
        for cid, col, typ, notnull, default, pk, hidden in columns:
            # an INTEGER PRIMARY KEY is the rowid, never NULL whether NOT NULL is written or not
            # (https://sqlite.org/lang_createtable.html#rowid)
            if len(keys) == 1 and pk and typ.upper() == "INTEGER" and "WITHOUT ROWID" not in sql.upper():
                notnull = 1
            # SQLite keeps the declared type and default as written; case and spacing carry no meaning
            out[f"column {name}.{col}"] = (cid, "".join(typ.upper().split()), notnull, _expr(default, "sqlite"), pk,
                                           hidden)
        for idx, unique, origin, partial in rows(
                f"SELECT name, \"unique\", origin, partial FROM pragma_index_list('{_q(name)}')"):
            cols = tuple(r[0] for r in rows(f"SELECT name FROM pragma_index_info('{_q(idx)}') ORDER BY seqno"))
            # an automatic index (sqlite_autoindex_t_N) is named by its place; the columns say what it is
            key = f"index {name}.{idx}" if origin == "c" else f"{'primary key' if origin == 'pk' else 'unique'} " \
                  f"{name}.{','.join(cols)}"
            where = None
            if partial:
                sql_ix = rows(f"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{_q(idx)}'")[0][0]
                where = _ws(sql_ix.split(" WHERE ", 1)[1]) if " WHERE " in sql_ix else None
            out[key] = (unique, cols, where)
        fks: dict[int, list[Any]] = {}
        for fid, _seq, ref, frm, to, upd, dele in rows(f"SELECT id, seq, \"table\", \"from\", \"to\", on_update, "
                                                      f"on_delete FROM pragma_foreign_key_list('{_q(name)}')"):
            fks.setdefault(fid, [ref, upd, dele]).append((frm, to))
        for entry in fks.values():
            out[f"foreign key {name}.{','.join(c for c, _ in entry[3:])}"] = tuple(entry)
        # CHECK constraints and collations live only in the CREATE TABLE text: read them with sqlglot
        tree = sqlglot.parse_one(sql, read="sqlite")
        for cd in tree.find_all(exp.ColumnDef):
            for c in cd.constraints:
                if isinstance(c.kind, exp.CollateColumnConstraint):
                    out[f"collation {name}.{cd.name}"] = (c.kind.this.name.upper(),)
        for ck in tree.find_all(exp.CheckColumnConstraint):
            holder = ck.parent.parent if isinstance(ck.parent, exp.ColumnConstraint) else ck.parent
            cname = holder.name if isinstance(holder, exp.Constraint) else ""
            out[f"check {name}.{ck.this.sql('sqlite')}"] = (cname,)
    return out


def _restrict(rule: str) -> str:
    return "RESTRICT" if rule == "NO ACTION" else rule


def _expr(text: str | None, dialect: str) -> str | None:
    """An expression as sqlglot writes it back: engines that store a default as written (SQLite,
    DuckDB) compare by meaning, not by the case of ``current_date``."""
    if text is None:
        return None
    import sqlglot

    try:
        return sqlglot.parse_one(text, read=dialect).sql(dialect)
    except sqlglot.errors.ParseError:
        return _ws(text)


def _q(name: str) -> str:
    return name.replace("'", "''")


def _duckdb_catalog(rows: Rows) -> Catalog:
    out: Catalog = {}
    for schema, name, comment in rows("SELECT schema_name, table_name, comment FROM duckdb_tables() "
                                      "WHERE NOT internal"):
        out[f"relation {schema}.{name}"] = ("table", comment)
    for schema, table, col, pos, typ, nullable, default, comment in rows("""
            SELECT schema_name, table_name, column_name, column_index, data_type, is_nullable, column_default, comment
            FROM duckdb_columns() WHERE NOT internal"""):
        out[f"column {schema}.{table}.{col}"] = (pos, typ, nullable, _expr(default, "duckdb"), comment)
    for schema, table, kind, cols, expression, ref_table, ref_cols in rows("""
            SELECT schema_name, table_name, constraint_type, constraint_column_names, expression, referenced_table,
                   referenced_column_names FROM duckdb_constraints()
            WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY', 'CHECK')"""):
        detail = expression if kind == "CHECK" else ",".join(cols)
        out[f"{kind.lower()} {schema}.{table}.{detail}"] = (ref_table, tuple(ref_cols or ()))
    for schema, table, name, sql in rows("SELECT schema_name, table_name, index_name, sql FROM duckdb_indexes()"):
        out[f"index {schema}.{table}.{name}"] = (_ws(sql),)
    for schema, name, sql in rows("SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal"):
        out[f"view {schema}.{name}"] = (_ws(sql),)
    for schema, name, start, inc, lo, hi, cycle in rows("""
            SELECT schema_name, sequence_name, start_value, increment_by, min_value, max_value, cycle
            FROM duckdb_sequences()"""):
        out[f"sequence {schema}.{name}"] = (start, inc, lo, hi, cycle)
    for schema, name, kind, labels in rows("""
            SELECT schema_name, type_name, logical_type, labels FROM duckdb_types() WHERE NOT internal
            AND database_name = current_database()"""):
        out[f"type {schema}.{name}"] = (kind, tuple(labels or ()))
    for schema, name, kind, macro in rows("""
            SELECT schema_name, function_name, function_type, macro_definition FROM duckdb_functions()
            WHERE NOT internal AND database_name = current_database()"""):
        out[f"routine {schema}.{name}"] = (kind, _ws(macro))
    return out


def differences(want: Catalog, got: Catalog) -> list[str]:
    """What differs between two catalogs, one line an object (``- only in the first``, ``+ only in
    the second``, ``~ different``)."""
    lines = []
    for key in sorted(set(want) | set(got)):
        if key not in got:
            lines.append(f"- {key} {want[key]}")
        elif key not in want:
            lines.append(f"+ {key} {got[key]}")
        elif want[key] != got[key]:
            lines.append(f"~ {key}: {want[key]} -> {got[key]}")
    return lines
