"""Normalization: FDs from data, closure, keys, covers, normal forms, decomposition, chase.

Pure functions, one step per module, read in pipeline order:

- :mod:`.fd` FD values, their text form and the notation rule; :mod:`.closure` X+ (counter
  algorithm); :mod:`.restrict` FDs restricted to a relation and projection (by resolution);
  :mod:`.keys` candidate keys; :mod:`.cover` minimal cover and projection; :mod:`.forms` normal
  forms with named violations; :mod:`.synthesis` 3NF (Bernstein); :mod:`.bcnf` BCNF
  decomposition; :mod:`.chase` lossless join; :mod:`.preservation` dependency preservation;
  :mod:`.discovery` FDs and keys from data; :mod:`.evidence` one FD checked on data;
  :mod:`.explain` the steps as data; :mod:`.exercises` answer checking and :mod:`.hints`;
  :mod:`.apply` operations and data migration for a model.

Rules that hold everywhere:

- Text names attributes by one rule (:func:`~.fd.attr_list`): commas or spaces separate names,
  and a word that is not an attribute of the relation but spells one-letter attributes (``AB``)
  means those attributes.
- FDs that name attributes outside a relation are restricted to it by closure (what they imply
  among its attributes, :mod:`.restrict`); the result says so in its ``notes``, or, for plain
  results (sets, lists), with a :class:`~.fd.NormalizationNote` warning.
- Exact answers can be exponentially large (keys, projected FDs); past a limit the work stops with
  :class:`~.fd.TooMuchWork`, which says what and how many.

Functions that take ``explain=True`` return an :class:`~.explain.Explanation` whose
``result`` is the plain answer. The data-facing names (:func:`discover_fds`, :func:`validate_fd`,
...) import pandas when first used.
"""

from typing import Any

from .bcnf import bcnf_decompose, bcnf_violation
from .chase import ChaseResult, chase
from .closure import closure, equivalent, implies
from .cover import is_minimal, minimal_cover, project
from .decomposition import Decomposition, Relation
from .explain import Explanation, Step
from .fd import FD, MVD, NormalizationNote, TooMuchWork, attrs, parse_fds
from .forms import NormalFormReport, Violation, normal_form
from .keys import candidate_keys, is_superkey, prime_attributes
from .preservation import PreservationResult, preserves_dependencies
from .synthesis import synthesize_3nf

__all__ = [
    "FD", "MVD", "attrs", "parse_fds", "NormalizationNote", "TooMuchWork",
    "closure", "implies", "equivalent",
    "candidate_keys", "prime_attributes", "is_superkey",
    "minimal_cover", "is_minimal", "project",
    "normal_form", "NormalFormReport", "Violation",
    "synthesize_3nf", "bcnf_decompose", "bcnf_violation",
    "chase", "ChaseResult", "preserves_dependencies", "PreservationResult",
    "Decomposition", "Relation",
    "discover_fds", "Discovery", "encode", "read_csv", "keys_from_data", "witnesses", "fd_error",
    "validate_fd", "FDValidation",
    "Explanation", "Step",
]

_LAZY = dict.fromkeys(("discover_fds", "Discovery", "encode", "read_csv", "keys_from_data", "witnesses", "fd_error"),
                      "discovery")
_LAZY.update(validate_fd="evidence", FDValidation="evidence")


def __getattr__(name: str) -> Any:
    # the data side needs pandas and numpy; the theory does not, so they load on first use
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
