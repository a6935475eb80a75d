"""Duration distributions used in scenario files.

Every distribution is a mapping with ``dist`` and its parameters, in the unit
the key names (minutes, hours or days):

* ``{dist: fixed, value: 45}``
* ``{dist: exponential, mean: 45}``
* ``{dist: uniform, low: 4, high: 8}``
* ``{dist: triangular, low: 30, mode: 45, high: 90}``
* ``{dist: lognormal, mean: 9, sd: 5}`` (mean and sd of the distribution itself)

>>> import numpy as np
>>> d = Dist("fixed", {"value": 2.0})
>>> d.sample(np.random.default_rng(0), 3).tolist()
[2.0, 2.0, 2.0]
>>> Dist("triangular", {"low": 1, "mode": 2, "high": 6}).mean
3.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "exponential": ("mean",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mean", "sd"),
}


@dataclass(frozen=True)
class Dist:
    kind: str
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = check(self.kind, self.params)
        if problem:
            raise ValueError(problem)
        object.__setattr__(self, "params", {k: float(v) for k, v in self.params.items()})

    @property
    def mean(self) -> float:
        p = self.params
        return {
            "fixed": lambda: p["value"],
            "exponential": lambda: p["mean"],
            "uniform": lambda: (p["low"] + p["high"]) / 2,
            "triangular": lambda: (p["low"] + p["mode"] + p["high"]) / 3,
            "lognormal": lambda: p["mean"],
        }[self.kind]()

    def sample(self, gen: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws as a float array (never negative)."""
        p = self.params
        k = self.kind
        if k == "fixed":
            return np.full(size, float(p["value"]))
        if k == "exponential":
            return gen.exponential(p["mean"], size) if p["mean"] > 0 else np.zeros(size)
        if k == "uniform":
            return gen.uniform(p["low"], p["high"], size)
        if k == "triangular":
            if p["low"] == p["high"]:
                return np.full(size, float(p["low"]))
            return gen.triangular(p["low"], p["mode"], p["high"], size)
        m, s = p["mean"], p["sd"]
        if s == 0:
            return np.full(size, float(m))
        ratio = s / m
        # (s/m)**2 overflows for a very wide spread; then log(1 + r**2) is 2 log r to double precision.
        sigma2 = math.log(1 + ratio ** 2) if ratio < 1e150 else 2 * (math.log(s) - math.log(m))
        return gen.lognormal(math.log(m) - sigma2 / 2, math.sqrt(sigma2), size)

    def to_dict(self) -> dict:
        return {"dist": self.kind, **self.params}


def check(kind: str, params: dict) -> str | None:
    """A one-line problem with a distribution's parameters, or ``None``."""
    if kind not in PARAMS:
        return f"unknown distribution {kind!r}; allowed: {', '.join(PARAMS)}"
    want = PARAMS[kind]
    missing = [k for k in want if k not in params]
    extra = [k for k in params if k not in want]
    if missing or extra:
        return f"{kind} takes exactly {', '.join(want)}" + (f" (missing {', '.join(missing)})" if missing else "") + (
            f" (unknown {', '.join(map(str, extra))})" if extra else "")  # a YAML key may be a number
    for k in want:
        v = params[k]
        bad = isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0
        if bad or (isinstance(v, float) and not math.isfinite(v)):  # (an int is finite: no float(v) overflow)
            return f"{kind} {k} must be a finite number >= 0, got {v!r}"
    if kind == "uniform" and params["low"] > params["high"]:
        return "uniform needs low <= high"
    if kind == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        return "triangular needs low <= mode <= high"
    if kind == "lognormal" and params["mean"] <= 0:
        return "lognormal mean must be > 0"
    return None
