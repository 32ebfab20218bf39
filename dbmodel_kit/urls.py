"""Database URLs as the kit shows them: parsed with one clear error, printed without secrets.

Every URL the kit prints or writes (messages, migration headers, Alembic revisions, JSON plans,
review pages, notebook outputs) goes through :func:`redact_url`, which hides the password of the
user info *and* the values of secret-looking query parameters (``?password=...``,
``?sslpassword=...``, ``?motherduck_token=...``): files the kit writes go into repositories and
pull requests. :func:`scrub` does the same to free text that may quote a URL or its secrets (a
driver's error message). :func:`parse_url` turns every way a URL fails to parse (an unknown form,
a port that is not a number) into a :class:`~dbmodel_kit.errors.ModelError` naming the URL with its
secrets hidden, instead of SQLAlchemy's ``ValueError``.

>>> redact_url("postgresql+psycopg://app:s3cret@db.example.com/shop?sslmode=require&password=s3cret")
'postgresql+psycopg://app:***@db.example.com/shop?password=***&sslmode=require'
>>> redact_url("shop.yaml")
'shop.yaml'
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ModelError

__all__ = ["ATTACH", "HIDDEN", "attach_on_connect", "is_url", "libpq_uri", "parse_url", "redact_url", "scrub",
           "secrets_of", "sqlite_attachments"]

HIDDEN = "***"  #: what a secret is replaced with (SQLAlchemy's own choice for a hidden password)

#: Query parameter names whose values are secrets: libpq's ``password``/``sslpassword``, MySQL
#: drivers' ``passwd``/``pwd``, tokens and keys of cloud drivers (``motherduck_token``,
#: ``s3_secret_access_key``, ``api_key``), ``auth``/``credentials`` forms. Matched anywhere in the
#: name, case-insensitively: hiding a harmless value costs nothing, showing a secret does.
SECRET_PARAMETER = re.compile(r"pass|pwd|secret|token|key|auth|cred|sig", re.IGNORECASE)

_SCHEME = re.compile(r"[A-Za-z][\w+.-]*://")
# A URL SQLAlchemy could not parse is redacted by its shape alone: everything between ``://`` and
# the last ``@`` of the authority is user info (SQLAlchemy lets a password hold ``/``, ``?`` and
# ``@``), and every ``name=value`` of the query whose name looks secret. Written by hand because
# the point is to cope with text no URL parser accepts.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^:@/?#\s]*):(?P<password>\S*)@")
_QUERY_ITEM = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#\s]*)=(?P<value>[^&;#\s]*)")


def is_url(text: Any) -> bool:
    """Whether ``text`` is written as a URL (``scheme://...``) rather than a file name."""
    return isinstance(text, str) and _SCHEME.match(text.strip()) is not None


def parse_url(url: Any) -> Any:
    """The :class:`sqlalchemy.engine.URL` of ``url`` (a string, URL or engine); a URL that does not
    parse raises :class:`ModelError` naming it with its secrets hidden.

    >>> parse_url("sqlite:///shop.db").get_backend_name()
    'sqlite'
    >>> parse_url("postgresql://app:s3cret@db:5x/shop")
    Traceback (most recent call last):
    ...
    dbmodel_kit.errors.ModelError: postgresql://app:***@db:5x/shop: not a database URL: the port '5x' is not a number
    """
    import sqlalchemy as sa

    if isinstance(url, sa.Engine):
        return url.url
    if isinstance(url, sa.URL):
        return url
    if not isinstance(url, str):
        raise ModelError(f"a database URL is a string like 'sqlite:///shop.db', not {type(url).__name__}")
    try:
        return sa.make_url(url)
    except sa.exc.ArgumentError:
        reason = "expected the form dialect[+driver]://user:password@host:port/database"
    except TypeError as e:  # a query parameter given twice where the dialect wants one value
        reason = str(e).splitlines()[0]
    except ValueError:  # SQLAlchemy converts the port with int() and lets its ValueError through
        port = re.search(r"@?[^@/?#]*:([^/?#@]*)(?:[/?#]|$)", url.split("://", 1)[-1].rpartition("@")[2])
        reason = (f"the port {port.group(1)!r} is not a number" if port
                  else "a part of it does not parse (is the port a number?)")
    raise ModelError(f"not a database URL: {reason}", where=redact_url(url))


def secrets_of(url: Any) -> list[str]:
    """The secret values in ``url``: its password and the values of secret-looking parameters."""
    found: list[str] = []
    try:
        parsed = parse_url(url)
    except ModelError:
        text = str(url)
        m = _USERINFO.match(text.strip())
        if m:
            found.append(m.group("password"))
        found += [q.group("value") for q in _QUERY_ITEM.finditer(text) if SECRET_PARAMETER.search(q.group("name"))]
    else:
        if parsed.password is not None:
            found.append(str(parsed.password))
        for name, value in parsed.query.items():
            if SECRET_PARAMETER.search(name):
                found += [value] if isinstance(value, str) else list(value)
    return [s for s in dict.fromkeys(found) if s]


def redact_url(url: Any) -> str:
    """``url`` as text with its password and secret-looking query values replaced by ``***``.

    A URL with secrets is shown as SQLAlchemy renders it (query parameters sorted); one without is
    shown as written. Accepts a string, a SQLAlchemy ``URL`` or ``Engine``; a string that is not a URL (a file
    name) comes back unchanged, so every place that may hold either can call it.

    >>> redact_url("sqlite:///shop.db?password=x")
    'sqlite:///shop.db?password=***'
    >>> redact_url("mysql://root:pw@[::1:3306/x")  # does not parse: redacted by its shape
    'mysql://root:***@[::1:3306/x'
    """
    import sqlalchemy as sa

    if isinstance(url, sa.Engine):
        url = url.url
    if isinstance(url, sa.URL):
        return _render(url)
    text = str(url)
    if not is_url(text):
        return text
    try:
        parsed = sa.make_url(text.strip())
    except (sa.exc.ArgumentError, ValueError):
        return _redact_shape(text)
    # a URL without secrets is shown as written (SQLAlchemy's rendering percent-encodes the
    # database part: ``duckdb:///%3Amemory%3A``)
    return _render(parsed) if secrets_of(parsed) else text


def _render(url: Any) -> str:
    """SQLAlchemy's rendering with the password hidden, and secret query values set to ``***``."""
    secret = {k: HIDDEN for k in url.query if SECRET_PARAMETER.search(k)}
    text = url.update_query_dict(secret).render_as_string(hide_password=True) if secret else \
        url.render_as_string(hide_password=True)
    # render_as_string percent-encodes query values; the placeholder is shown as written
    return text.replace("=%2A%2A%2A", f"={HIDDEN}")


def _redact_shape(text: str) -> str:
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:{HIDDEN}@", text, count=1)
    return _QUERY_ITEM.sub(
        lambda m: f"{m.group('lead')}{m.group('name')}={HIDDEN}" if SECRET_PARAMETER.search(m.group("name"))
        else m.group(0), text)


#: A secret this short is replaced only where it stands alone (not inside a longer word): hiding
#: every "ab" of a message would make it unreadable, and such a password is guessed anyway.
SHORT_SECRET = 4


def scrub(text: str, *urls: Any) -> str:
    """``text`` with every URL in ``urls`` shown redacted, and every secret of them (as written and
    percent-encoded) replaced by ``***``: for messages from drivers and libraries that may quote a
    connection string.

    >>> scrub("cannot connect to pg://u:hunter22@h/db (hunter22 refused)", "pg://u:hunter22@h/db")
    'cannot connect to pg://u:***@h/db (*** refused)'
    """
    from urllib.parse import quote, quote_plus

    # the URLs themselves are set aside first, so that a secret that is also a word of the URL
    # (a password "postgres") leaves the redacted URL readable
    shown: dict[str, str] = {}
    for url in urls:
        if isinstance(url, str) and url and url in text:
            key = f"\x00{len(shown)}\x00"
            shown[key] = redact_url(url)
            text = text.replace(url, key)
    for url in urls:
        if url is None:
            continue
        for secret in secrets_of(url):
            for form in dict.fromkeys((secret, quote(secret, safe=""), quote_plus(secret))):
                if len(form) >= SHORT_SECRET:
                    text = text.replace(form, HIDDEN)
                else:
                    text = re.sub(rf"(?<![\w\x00]){re.escape(form)}(?![\w\x00])", HIDDEN, text)
    for key, value in shown.items():
        text = text.replace(key, value)
    return text


def libpq_uri(url: Any) -> str:
    """The libpq connection URI of a SQLAlchemy-style PostgreSQL URL (the ``+driver`` part dropped), for
    psycopg; the password is kept (it is for connecting, never for printing)."""
    return parse_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


#: The query parameter of an SQLite URL naming a database file to attach (repeatable):
#: ``sqlite:///shop.db?attach=audit.db&attach=logs=/var/db/logs_2026.db``.
ATTACH = "attach"


def sqlite_attachments(url: Any) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """``url`` without its ``attach`` parameters, and the (schema name, file) pairs they name: the
    databases an SQLite connection attaches (``ATTACH DATABASE file AS name``), whose tables are the
    schema's namespaces, as PostgreSQL's schemas. ``attach=FILE`` is named after the file
    (``audit.db`` -> ``audit``), ``attach=NAME=FILE`` names it. Any other URL comes back as is.

    >>> u, found = sqlite_attachments("sqlite:///shop.db?attach=audit.db&attach=logs=/var/db/logs_2026.db")
    >>> str(u), found
    ('sqlite:///shop.db', (('audit', 'audit.db'), ('logs', '/var/db/logs_2026.db')))
    """
    from pathlib import PurePath

    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or ATTACH not in parsed.query:
        return parsed, ()
    given = parsed.query[ATTACH]
    out: list[tuple[str, str]] = []
    for item in [given] if isinstance(given, str) else list(given):
        name, sep, path = item.partition("=")
        if not sep:
            name, path = PurePath(item).stem, item
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or not path or name.lower() in ("main", "temp"):
            raise ModelError(f"attach={item!r}: expected attach=FILE (named after the file) or attach=NAME=FILE, "
                             "NAME a plain name other than main and temp", where=redact_url(url))
        if any(name == seen for seen, _ in out):
            raise ModelError(f"attach: two databases named {name!r}", where=redact_url(url))
        out.append((name, path))
    return parsed.difference_update_query([ATTACH]), tuple(out)


def attach_on_connect(engine: Any, attachments: tuple[tuple[str, str], ...]) -> None:
    """Attach ``attachments`` (:func:`sqlite_attachments`) on each new connection of ``engine``."""
    if not attachments:
        return
    import sqlalchemy as sa

    @sa.event.listens_for(engine, "connect")
    def _attach(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        for name, path in attachments:
            cur.execute(f'ATTACH DATABASE ? AS "{name}"', (path,))  # the name is a checked plain word
        cur.close()
