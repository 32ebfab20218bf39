"""Review bundles: one page a reviewer reads without running anything.

:func:`review` gathers, for a change from one schema to another, the ERD coloured by the change,
the steps in plain language with how well each can be undone, the lint findings of the new model
and of the migration (with rule ids), the migration SQL up and down per dialect, and the index
advice behind index changes. :meth:`Review.to_html` is one self-contained page (inline SVG and
CSS, no request leaves the page); :meth:`Review.to_markdown` is a pull-request comment (Mermaid
ERD, collapsible SQL).

>>> from dbmodel_kit import Model
>>> m = Model(); _ = m.add_table("users", id="integer pk", mail="text")
>>> cp = m.checkpoint(); _ = m.rename_column("users.mail", "email")
>>> r = review(m.plan_since(cp), dialects=("sqlite",))
>>> [(c.step, c.change, c.reverse) for c in r.changes]
[(1, 'rename column users.mail -> email', 'lossless')]
>>> "ALTER TABLE users RENAME COLUMN mail TO email" in r.sql("sqlite").up
True
"""

from __future__ import annotations

from .bundle import Change, Review, Sql, review

__all__ = ["Change", "Review", "Sql", "review"]
