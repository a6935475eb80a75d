"""Experiments on the model: replications, warm-up, precision, sweeps, capacity, comparisons.

Everything here calls the one entry point :func:`dipsim.results.run` and nothing else of the
model, through one of three backends (``serial``, ``processes``, ``dask``) that give identical
results. Replication r of every scenario variant uses ``Streams(seed, r)``: common random
numbers, so comparisons are paired.

>>> from dipsim.scenario import load_scenario
>>> from dipsim.experiment import replicate
>>> r = replicate(load_scenario("urban_intensive"), n=3, days=7, backend="serial", progress=False)
>>> list(r.replications["replication"])
[0, 1, 2]
"""

from .backends import BACKENDS, Job, execute
from .capacity import CapacityResult, RotaResult, Target, capacity, rota_search
from .compare import CompareResult, compare, paired_differences
from .kpis import KpiCollector, known_kpis, staff_hours_per_week
from .overrides import apply_overrides, grid, parse_param, policy_variants
from .precision import PrecisionResult, replications_needed
from .replications import ReplicationResult, replicate
from .stats import one_sided_bound, paired_interval, summarise, t_interval, welch_interval
from .sweep import SweepResult, sweep
from .theory import erlang_b, erlang_c, mmc, mmc_scenario, queue_statistics
from .warmup import MserResult, WarmupResult, WarmupWarning, daily_series, mser, warmup

__all__ = [
    "BACKENDS", "Job", "execute",
    "CapacityResult", "RotaResult", "Target", "capacity", "rota_search",
    "CompareResult", "compare", "paired_differences",
    "KpiCollector", "known_kpis", "staff_hours_per_week",
    "apply_overrides", "grid", "parse_param", "policy_variants",
    "PrecisionResult", "replications_needed",
    "ReplicationResult", "replicate",
    "one_sided_bound", "paired_interval", "summarise", "t_interval", "welch_interval",
    "SweepResult", "sweep",
    "erlang_b", "erlang_c", "mmc", "mmc_scenario", "queue_statistics",
    "MserResult", "WarmupResult", "WarmupWarning", "daily_series", "mser", "warmup",
]
