"""The names an engine gives the constraints and indexes a script leaves unnamed.

A script that writes ``UNIQUE (email)`` or ``REFERENCES users`` without a name gets one from the
engine; the model keeps names, so the import gives the same one, and the kit's DDL then creates the
same catalog. :data:`NAMERS` is the table, by sqlglot dialect name; dialects without an entry
(SQLite, DuckDB: they keep no such names) leave the name to the model's own convention.

PostgreSQL: ``<table>_<columns>_key`` / ``_fkey`` / ``_idx``, a CHECK ``<table>_<column>_check``
(``<table>_check`` when it names no single column), numbered ``key1``, ``check1``... when taken,
and cut to 63 bytes by shortening the longer part first (``makeObjectName`` and
``ChooseConstraintName`` in src/backend/commands/indexcmds.c and catalog/pg_constraint.c).
MySQL/MariaDB: an index or UNIQUE key is named after its first column (``email``, ``email_2``...),
a FOREIGN KEY ``<table>_ibfk_<n>``, a column's CHECK after the column and a table's
``CONSTRAINT_<n>`` (checked on MariaDB 10.11; https://mariadb.com/kb/en/constraint/).

>>> namer = NAMERS["postgres"]("orders")
>>> namer.unique(("customer_id", "day")), namer.check(("total",)), namer.check(("a", "b")), namer.check(("total",))
('orders_customer_id_day_key', 'orders_total_check', 'orders_check', 'orders_total_check1')
>>> namer = NAMERS["mysql"]("orders")
>>> namer.unique(("email",)), namer.index(("email",)), namer.foreign_key(("user_id",)), namer.check((), column=None)
('email', 'email_2', 'orders_ibfk_1', 'CONSTRAINT_1')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["NAMERS", "MySQLNames", "PostgresNames"]


class PostgresNames:
    """PostgreSQL's choice of names for one table; ``relations`` is the schema's set of table and
    index names (indexes and unique constraints share it), kept across tables."""

    LIMIT = 63  # NAMEDATALEN - 1

    def __init__(self, table: str, relations: set[str] | None = None) -> None:
        self.table = table
        self.relations = relations if relations is not None else set()
        self.constraints: set[str] = set()

    def take(self, name: str, relation: bool) -> None:
        (self.relations if relation else self.constraints).add(name)

    def _choose(self, columns: Iterable[str] | None, label: str, taken: set[str]) -> str:
        cols = "_".join(columns) if columns is not None else None
        n = 0
        while True:
            name = self._make(cols, label + (str(n) if n else ""))
            if name not in taken:
                taken.add(name)
                return name
            n += 1

    def _make(self, name2: str | None, label: str) -> str:
        """``makeObjectName``: table, columns and label joined by ``_``, the longer of the first two
        cut a byte at a time (at a character boundary) until the whole fits 63 bytes."""
        n1, n2 = self.table.encode(), (name2 or "").encode()
        avail = self.LIMIT - len(label.encode()) - 1 - (1 if name2 is not None else 0)
        l1, l2 = len(n1), len(n2)
        while l1 + l2 > avail:
            if l1 > l2:
                l1 -= 1
            else:
                l2 -= 1
        parts = [n1[:l1].decode(errors="ignore")]
        if name2 is not None:
            parts.append(n2[:l2].decode(errors="ignore"))
        return "_".join([*parts, label])

    def unique(self, columns: tuple[str, ...]) -> str:
        return self._choose(columns, "key", self.relations)

    def index(self, columns: tuple[str, ...]) -> str:
        return self._choose(columns, "idx", self.relations)

    def foreign_key(self, columns: tuple[str, ...]) -> str:
        return self._choose(columns, "fkey", self.constraints)

    def check(self, columns: tuple[str, ...], column: str | None = None) -> str:
        # a CHECK naming one column is named after it; any other after the table alone
        named = tuple(dict.fromkeys(columns))
        return self._choose(named if len(named) == 1 else None, "check", self.constraints)


class MySQLNames:
    """MySQL's and MariaDB's choice of names for one table."""

    def __init__(self, table: str, relations: set[str] | None = None) -> None:
        self.table = table
        self.keys: set[str] = set()
        self.constraints: set[str] = set()
        self.fks = 0
        self.checks = 0

    def take(self, name: str, relation: bool) -> None:
        (self.keys if relation else self.constraints).add(name)

    def _key(self, columns: tuple[str, ...]) -> str:
        base = columns[0] if columns else "key"
        name, n = base, 1
        while name.lower() in {k.lower() for k in self.keys} or name.upper() == "PRIMARY":
            n += 1
            name = f"{base}_{n}"
        self.keys.add(name)
        return name

    def unique(self, columns: tuple[str, ...]) -> str:
        return self._key(columns)

    def index(self, columns: tuple[str, ...]) -> str:
        return self._key(columns)

    def foreign_key(self, columns: tuple[str, ...]) -> str:
        while True:
            self.fks += 1
            name = f"{self.table}_ibfk_{self.fks}"
            if name not in self.constraints:
                self.constraints.add(name)
                return name

    def check(self, columns: tuple[str, ...], column: str | None = None) -> str:
        if column is not None and column not in self.constraints:
            self.constraints.add(column)
            return column
        while True:
            self.checks += 1
            name = f"CONSTRAINT_{self.checks}"
            if name not in self.constraints:
                self.constraints.add(name)
                return name


#: sqlglot dialect name -> the namer of one table's unnamed constraints and indexes.
NAMERS: dict[str, Callable[..., PostgresNames | MySQLNames]] = {"postgres": PostgresNames, "mysql": MySQLNames}
