"""pytest plugin (entry point ``pytest11``): call-count gates for tests marked
``@pytest.mark.perfkit``.

``pytest --perfkit-save NAME`` profiles the marked tests with cProfile and saves their
per-function call counts; ``pytest --perfkit-compare NAME --perfkit-fail 'get_*:calls>+5%'``
fails a marked test whose calls grew past a rule.  Without these options the plugin only
registers the marker.

pytest imports every installed plugin when it starts, so this module stays outside the perfkit
package and imports nothing of it until an option asks for it (``import perfkit`` loads pandas
and matplotlib: about a second).  pytest is not one of perfkit's dependencies: only pytest
imports this module.  The session logic lives in ``perfkit.callgate.session``.
"""

from __future__ import annotations

import pytest

MARKER = "perfkit"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("perfkit", "perfkit call-count gates (tests marked perfkit)")
    group.addoption(
        "--perfkit-save",
        metavar="NAME",
        help="profile the tests marked perfkit and save their per-function call counts as NAME",
    )
    group.addoption(
        "--perfkit-compare",
        metavar="NAME",
        help="compare the marked tests' call counts with those saved as NAME",
    )
    group.addoption(
        "--perfkit-fail",
        metavar="RULE",
        action="append",
        default=[],
        help="with --perfkit-compare: fail a test whose calls grow past RULE, "
        "[SELECTOR:]calls>+N%% or [SELECTOR:]calls>+N, e.g. 'get_*:calls>+5%%' (repeatable)",
    )
    group.addoption(
        "--perfkit-dir",
        metavar="DIR",
        help="where saved call counts live (default: .perfkit in the rootdir; "
        "a relative DIR is taken from the rootdir)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: count this test's calls per function "
        "(pytest --perfkit-save NAME / --perfkit-compare NAME --perfkit-fail RULE)",
    )
    options = ("perfkit_save", "perfkit_compare", "perfkit_fail", "perfkit_dir")
    if any(config.getoption(option) for option in options):
        from perfkit.callgate.session import CallGate

        config.pluginmanager.register(CallGate.from_config(config, MARKER), "perfkit-callgate")
