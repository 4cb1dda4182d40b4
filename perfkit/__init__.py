"""perfkit: read, diff and validate cProfile/pstats profiles."""

__version__ = "0.1.0"
