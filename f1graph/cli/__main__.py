"""``python -m f1graph.cli``: the same as the ``f1graph`` command."""

from f1graph.cli.main import main

raise SystemExit(main())
