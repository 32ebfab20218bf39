"""Sample data and query workloads on DuckDB and SQLite.

- :func:`sample` fills a DuckDB or SQLite database from a schema, honouring every constraint;
- :func:`load_sample` / :func:`infer` bring real data in;
- :class:`Workload` is a set of named, weighted queries; :func:`run` times them and keeps plans;
- :func:`lint` finds query patterns that defeat indexes.
"""

from .sample import SampleDB, sample

__all__ = ["SampleDB", "sample"]
