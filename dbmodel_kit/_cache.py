"""Caches keyed by object identity, for the parts of an output built from one immutable value.

An edit makes a new :class:`~dbmodel_kit.model.schema.Schema` that shares every untouched
``Table`` object with the old one, so keying per-table work (the ERD's badges, rows and HTML
labels; a table's YAML block) on the table's identity rebuilds only what the edit touched, without
hashing the whole table each time (hashing a table walks all its columns). Entries go away with the
object (a weak reference).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any


class IdentityCache:
    """``get(obj, key, make)``: ``make()`` once per live ``obj`` and hashable ``key``.

    >>> class T: pass
    >>> cache, t, calls = IdentityCache(), T(), []
    >>> cache.get(t, "k", lambda: calls.append(1) or "v"), cache.get(t, "k", lambda: "other"), len(calls)
    ('v', 'v', 1)
    """

    def __init__(self) -> None:
        self._data: dict[int, tuple[weakref.ref[Any], dict[Hashable, Any]]] = {}

    def get(self, obj: Any, key: Hashable, make: Callable[[], Any]) -> Any:
        ident = id(obj)
        entry = self._data.get(ident)
        if entry is None or entry[0]() is not obj:

            def forget(ref: weakref.ref[Any], ident: int = ident) -> None:
                self._forget(ident, ref)

            entry = (weakref.ref(obj, forget), {})
            self._data[ident] = entry
        values = entry[1]
        try:
            return values[key]
        except KeyError:
            value = values[key] = make()
            return value

    def _forget(self, ident: int, ref: weakref.ref[Any]) -> None:
        entry = self._data.get(ident)
        if entry is not None and entry[0] is ref:
            del self._data[ident]

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
