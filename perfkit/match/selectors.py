"""Selectors: how a user names functions, everywhere perfkit asks for some.

A selector is one term or several (a list, or terms separated by commas), matched with OR:

- ``get_asset_info`` - a plain function name.  Built-ins match by their bare name too, so
  ``recv`` finds ``<method 'recv' of '_socket.socket' objects>``.
- ``autotag.immich.*:get_asset_info`` - a glob over the normalised module, a colon, and a name
  (globs allowed in the name as well); ``~`` is the module of C built-ins (``~:*recv*``).
- ``re:<regex>`` - a regular expression searched in ``file:line(name)`` (the raw key).  A regex
  may itself contain commas, so in a comma-separated string a ``re:`` term runs to the end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

import numpy as np
import pandas as pd

from perfkit.errors import PerfkitError

_REGEX_PREFIX = "re:"
_REGEX_TERM = re.compile(r"(?:^|,)\s*re:")


class SelectorError(PerfkitError):
    """A selector that cannot be parsed (an empty term, a bad regular expression)."""


class NoMatchError(PerfkitError):
    """A selector that matches no function of a profile."""


@dataclass(frozen=True)
class Term:
    """One alternative of a selector."""

    kind: str  # "name", "module", or "regex"
    module: str = ""
    name: str = ""
    regex: re.Pattern[str] | None = None

    def mask(self, functions: pd.DataFrame) -> np.ndarray:
        """Boolean mask over the rows of a ``Profile.functions`` table."""
        if self.kind == "regex":
            assert self.regex is not None
            search = self.regex.search
            keys = zip(
                functions["file"].tolist(),
                functions["line"].tolist(),
                functions["name"].tolist(),
                strict=True,
            )
            return np.fromiter(
                (search(f"{file}:{line}({name})") is not None for file, line, name in keys),
                bool,
                len(functions),
            )
        names = _matches(functions["name"], self.name) | (
            functions["builtin"].to_numpy(bool) & _matches(functions["function"], self.name)
        )
        if self.kind == "module":
            names &= _matches(functions["module"], self.module)
        return names


def _matches(column: pd.Series, pattern: str) -> np.ndarray:
    if not any(char in pattern for char in "*?["):
        return (column == pattern).to_numpy(bool)
    # Each distinct value is matched once, through Python lists (iterating a pandas string
    # column value by value is far slower than the match itself).
    codes, uniques = pd.factorize(column)
    matched = np.fromiter(
        (fnmatchcase(value, pattern) for value in uniques.tolist()), bool, len(uniques)
    )
    return matched[codes]


@dataclass(frozen=True)
class Selector:
    """A parsed selector: terms matched with OR; ``text`` is how the user wrote it."""

    text: str
    terms: tuple[Term, ...]

    def mask(self, functions: pd.DataFrame) -> np.ndarray:
        combined = np.zeros(len(functions), dtype=bool)
        for term in self.terms:
            combined |= term.mask(functions)
        return combined

    def __str__(self) -> str:
        return self.text


def _parse_term(text: str) -> Term:
    if text.startswith(_REGEX_PREFIX):
        pattern = text[len(_REGEX_PREFIX) :]
        if not pattern:
            raise SelectorError("empty regular expression after 're:'")
        try:
            return Term("regex", regex=re.compile(pattern))
        except re.error as exc:
            raise SelectorError(f"bad regular expression {pattern!r}: {exc}") from None
    module, colon, name = text.partition(":")
    if colon:
        if not module or not name:
            raise SelectorError(f"{text!r}: expected MODULE-GLOB:NAME")
        return Term("module", module=module, name=name)
    return Term("name", name=text)


def parse_selector(selector: str | Sequence[str] | Selector) -> Selector:
    """Parse a selector string (comma-separated terms) or a list of term strings."""
    if isinstance(selector, Selector):
        return selector
    if isinstance(selector, str):
        text = selector
        regex_start = _REGEX_TERM.search(selector)
        if regex_start:
            head, regex = selector[: regex_start.start()], selector[regex_start.start() :]
            raw_terms = [*head.split(","), regex.lstrip(",")] if head else [regex.lstrip(",")]
        else:
            raw_terms = selector.split(",")
    else:
        raw_terms = list(selector)
        text = ",".join(raw_terms)
    terms = [term.strip() for term in raw_terms]
    if not terms or any(not term for term in terms):
        raise SelectorError(f"empty term in selector {text!r}")
    return Selector(text, tuple(_parse_term(term) for term in terms))
