"""``perfkit.validate``: go/no-go validation of an optimisation against a baseline.

import perfkit
from perfkit.validate import load_config, validate
config = load_config()                       # [tool.perfkit] / perfkit.toml / defaults
verdict = validate([perfkit.load("lazy.stats")], [perfkit.load("base.stats")], config)
verdict.status, verdict.exit_code, verdict.to_dict()
"""

from perfkit.validate.assess import validate
from perfkit.validate.baseline import load_baseline, resolve_baseline
from perfkit.validate.config import ValidateConfig, load_config
from perfkit.validate.spec import BaselineSpec, load_spec
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
]
