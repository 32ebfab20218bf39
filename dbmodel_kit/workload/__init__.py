"""Sample data and query workloads on DuckDB and SQLite.

- :func:`sample` fills a DuckDB or SQLite database from a schema, honouring every constraint;
- :func:`load_sample` / :func:`infer` bring real data in;
- :class:`Workload` is a set of named, weighted queries; :func:`run` times them and keeps plans;
- :func:`lint` finds query patterns that defeat indexes.
"""

from .lint import RULES, Finding, lint
from .load import Inference, SampleViolations, infer, load_sample
from .runner import Report, run
from .sample import SampleDB, sample
from .workload import Query, Workload

__all__ = ["RULES", "Finding", "Inference", "Query", "Report", "SampleDB", "SampleViolations", "Workload", "infer",
           "lint", "load_sample", "run", "sample"]
