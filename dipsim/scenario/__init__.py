"""Scenario files: schema, loading, ``extends`` and validation."""

from .distributions import Dist
from .loader import (from_dict, load_scenario, replace, resolve_path, scenario_hash, staffing_free_hash, to_dict,
                     to_yaml)
from .schema import Scenario

DEFAULT_SCENARIO = "urban_intensive"

__all__ = ["Dist", "Scenario", "from_dict", "load_scenario", "replace", "resolve_path", "scenario_hash",
           "staffing_free_hash", "to_dict", "to_yaml", "DEFAULT_SCENARIO"]
