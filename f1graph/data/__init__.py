"""Session datasets: a session's whole endpoint, fetched once, cached, parsed once, indexed.

- :mod:`~f1graph.data.datasets`: :class:`Datasets` (cache, single-flight, cross-process lock,
  stale-on-error) handing out :class:`Dataset` values indexed by driver and lap.
- :mod:`~f1graph.data.derived`: :class:`Derived`, values computed from datasets, kept per
  dataset version.
- :mod:`~f1graph.data.loads`: :class:`DatasetLoad`, what preloading one dataset gave.

Importing this package only defines names.
"""

from f1graph.data.datasets import Dataset, Datasets
from f1graph.data.derived import Derived
from f1graph.data.loads import DatasetLoad, Progress

__all__ = ["Dataset", "DatasetLoad", "Datasets", "Derived", "Progress"]
