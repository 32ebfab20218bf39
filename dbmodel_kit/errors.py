"""The one error type a person sees: what is wrong, and where."""

from __future__ import annotations


class ModelError(ValueError):
    """An invalid schema, edit or input, with a message a person understands.

    ``where`` names the place: ``"users.email"``, ``"shop.yaml:12"`` or ``"line 3"``.

    >>> str(ModelError("duplicate column 'id'", where="users"))
    "users: duplicate column 'id'"
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def at(self, where: str) -> ModelError:
        """The same error located at ``where`` (prefixing any place it already names)."""
        inner = f"{self.where}: {self.message}" if self.where else self.message
        return ModelError(inner, where=where)
