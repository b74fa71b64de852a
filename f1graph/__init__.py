"""f1graph: a GraphQL gateway over OpenF1."""

__version__ = "0.1.0"
