"""Normalization: FDs from data, closure, keys, covers, normal forms, decomposition, chase.

Pure functions, one step per module, read in pipeline order:

- :mod:`.fd` FD values and their text form; :mod:`.closure` X+ (counter algorithm);
  :mod:`.keys` candidate keys; :mod:`.cover` minimal cover and projection;
  :mod:`.forms` normal forms with named violations; :mod:`.synthesis` 3NF (Bernstein);
  :mod:`.bcnf` BCNF decomposition; :mod:`.chase` lossless join; :mod:`.preservation`
  dependency preservation; :mod:`.discovery` FDs and keys from data;
  :mod:`.explain` the steps as data; :mod:`.exercises` answer checking;
  :mod:`.apply` operations and data migration for a model.

Functions that take ``explain=True`` return an :class:`~.explain.Explanation` whose
``result`` is the plain answer.
"""

from .bcnf import bcnf_decompose, bcnf_violation
from .chase import ChaseResult, chase
from .closure import closure, equivalent, implies
from .cover import is_minimal, minimal_cover, project
from .decomposition import Decomposition, Relation
from .discovery import Discovery, discover_fds, encode, fd_error, keys_from_data, read_csv, witnesses
from .explain import Explanation, Step
from .fd import FD, MVD, attrs, parse_fds
from .forms import NormalFormReport, Violation, normal_form
from .keys import candidate_keys, is_superkey, prime_attributes
from .preservation import PreservationResult, preserves_dependencies
from .synthesis import synthesize_3nf

__all__ = [
    "FD", "MVD", "attrs", "parse_fds",
    "closure", "implies", "equivalent",
    "candidate_keys", "prime_attributes", "is_superkey",
    "minimal_cover", "is_minimal", "project",
    "normal_form", "NormalFormReport", "Violation",
    "synthesize_3nf", "bcnf_decompose", "bcnf_violation",
    "chase", "ChaseResult", "preserves_dependencies", "PreservationResult",
    "Decomposition", "Relation",
    "discover_fds", "Discovery", "encode", "read_csv", "keys_from_data", "witnesses", "fd_error",
    "Explanation", "Step",
]
