from __future__ import annotations

from pathlib import Path

import pytest

from tests.data import DATA_DIR


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The recorded OpenF1 data (``../shared/openf1/dev``); the suite fails without it."""
    assert (DATA_DIR / "sessions.json").exists(), f"recorded OpenF1 data not found at {DATA_DIR}"
    return DATA_DIR
