"""``perfkit.validate``: go/no-go validation of an optimisation against a baseline.

The package is also callable, for notebooks and scripts (``perfkit.validate.pipeline``)::

    import perfkit
    verdict = perfkit.validate("new.stats", baseline="old.stats")  # the total time
    verdict = perfkit.validate(["b1.stats", "b2.stats"], baseline=["a1.stats", "a2.stats"])
    verdict = perfkit.validate("lazy.stats", config="autotag/perfkit.toml")  # its baseline

The building blocks stay importable as before::

    from perfkit.validate import load_config, validate
    config = load_config()                       # [tool.perfkit] / perfkit.toml / built-in
    verdict = validate([perfkit.load("lazy.stats")], [perfkit.load("base.stats")], config)
    verdict.status, verdict.exit_code, verdict.to_dict()

Why a callable module: ``perfkit.validate`` has to stay this package (``import
perfkit.validate.settings``, ``from perfkit.validate import validate``, ``mock.patch`` targets all
resolve the attribute ``perfkit.validate``), and a function of the same name bound on ``perfkit``
would be replaced by the package the moment a submodule is first imported. Python (3.5 on) lets
a module object take a ``ModuleType`` subclass as its class, so the package object itself gets
``__call__``: one object, both roles.
"""

import os
import sys
import types
from collections.abc import Sequence

from perfkit.validate.baseline import BaselineSpec, load_baseline, load_spec, resolve_baseline
from perfkit.validate.pipeline import Runs, validate, validate_inputs
from perfkit.validate.settings import ValidateConfig, load_config
from perfkit.validate.verdict import SCHEMA, Verdict

__all__ = [
    "SCHEMA",
    "BaselineSpec",
    "ValidateConfig",
    "Verdict",
    "load_baseline",
    "load_config",
    "load_spec",
    "resolve_baseline",
    "validate",
    "validate_inputs",
]


class _CallablePackage(types.ModuleType):
    """This package, callable: ``perfkit.validate(...)`` is ``validate_inputs(...)``."""

    def __call__(
        self,
        new: Runs,
        baseline: Runs | BaselineSpec | None = None,
        *,
        config: str | os.PathLike[str] | ValidateConfig | None = None,
        butterfly: Sequence[str] | None = None,
    ) -> Verdict:
        return validate_inputs(new, baseline, config=config, butterfly=butterfly)

    __call__.__doc__ = validate_inputs.__doc__


sys.modules[__name__].__class__ = _CallablePackage
