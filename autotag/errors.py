"""Errors autotag reports to its user as one clear line."""


class AutotagError(Exception):
    """Base class of every error autotag reports without a traceback."""


class ConfigError(AutotagError):
    """A bad engine configuration file or option."""
