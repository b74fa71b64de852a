"""Session datasets: a session's whole endpoint, fetched once, cached, parsed once, indexed.

- :mod:`~f1graph.data.datasets`: :class:`Datasets` (cache, single-flight, cross-process lock,
  stale-on-error) handing out :class:`Dataset` values indexed by driver and lap.
- :mod:`~f1graph.data.session`: :class:`SessionView`, one session as one request sees it: its
  datasets and its analyses, under the one memo rule (in that module's docstring).
- :mod:`~f1graph.data.analyses`: the session-wide analyses the view memoises.
- :mod:`~f1graph.data.derived`: :class:`Derived`, the process-wide store of those analyses,
  each kept with the dataset objects it was computed from.
- :mod:`~f1graph.data.grid`: the grid a race started from, for a request's view and for a
  replay (:func:`race_start_grid`) alike.
- :mod:`~f1graph.data.loads`: :class:`DatasetLoad`, what preloading one dataset gave.

Importing this package only defines names.
"""

from f1graph.data.datasets import Dataset, Datasets
from f1graph.data.derived import Derived
from f1graph.data.grid import race_start_grid
from f1graph.data.loads import DatasetLoad, Progress
from f1graph.data.session import Analysis, SessionView

__all__ = [
    "Analysis",
    "Dataset",
    "DatasetLoad",
    "Datasets",
    "Derived",
    "Progress",
    "SessionView",
    "race_start_grid",
]
