"""The analyses: pure functions over typed records, knowing nothing of I/O, the cache or GraphQL.

- :mod:`~f1graph.analysis.clean`: the one definition of a clean lap (``LapContext``).
- :mod:`~f1graph.analysis.track_status`: track status over time, from race control.
- :mod:`~f1graph.analysis.laps`, :mod:`~f1graph.analysis.stints`,
  :mod:`~f1graph.analysis.pits`, :mod:`~f1graph.analysis.intervals`,
  :mod:`~f1graph.analysis.positions`, :mod:`~f1graph.analysis.race_control`,
  :mod:`~f1graph.analysis.incidents`, :mod:`~f1graph.analysis.performance`: lap times, tyres,
  pit stops, gaps, positions, race control, incidents, one line per driver.
- :mod:`~f1graph.analysis.telemetry`, :mod:`~f1graph.analysis.comparison`: over car-data
  columns.

Callers import the modules (``from f1graph.analysis import laps``); which of these results are
memoised, and how, is the session view's rule (:mod:`f1graph.data.session`). Importing this
package only defines names.
"""
