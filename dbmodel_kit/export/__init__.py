"""Exports: the files a team commits for one ORM ecosystem, from one schema model.

:func:`export` writes them; each target lives in its own module.
"""

from __future__ import annotations

from .sqlalchemy_models import to_sqlalchemy

__all__ = ["to_sqlalchemy"]
