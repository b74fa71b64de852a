"""The command line: ``f1graph serve | export-schema | preload | record``.

- :mod:`~f1graph.cli.main`: :func:`main`, argument parsing and dispatch.
- :mod:`~f1graph.cli.commands`: ``preload`` and ``record`` with progress bars.
- :mod:`~f1graph.cli.progress`: the text progress bars.

Importing this package only defines names.
"""

from f1graph.cli.main import main

__all__ = ["main"]
