"""docs/architecture.md says how many modules each layer holds; the tree must agree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "f1graph"


class TestLayerTable:
    """Every package of f1graph has a row, with its number of modules (its face included)."""

    def test_counts_match_the_tree(self) -> None:
        text = (ROOT / "docs" / "architecture.md").read_text()
        rows = dict(re.findall(r"^f1graph/(\w+)/\s+(\d+)\s", text, re.MULTILINE))
        tree = {
            p.name: str(len(list(p.glob("*.py"))))
            for p in PACKAGE.iterdir()
            if (p / "__init__.py").is_file()
        }
        assert rows == tree
