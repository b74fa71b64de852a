"""The shim's recorded data with made-up car data, for the budget tests' fake OpenF1."""

from tests.compat.conftest import openf1_dir

__all__ = ["openf1_dir"]
