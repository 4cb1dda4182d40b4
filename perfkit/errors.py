"""Errors perfkit reports to its user as one clear line (exit code 2 on the command line)."""


class PerfkitError(Exception):
    """An input or usage problem: a broken profile, a bad selector, a bad config."""


class ProfileFormatError(PerfkitError):
    """A file that is not a readable pstats profile."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ConfigError(PerfkitError):
    """A configuration or baseline-spec file with a bad key or value."""
