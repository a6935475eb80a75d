"""Global sensitivity: which free parameters move a KPI, across their plausible ranges.

Two methods from SALib (Herman and Usher 2017, the field's library), in the usual order:

* **Morris screening** (Morris 1991; Campolongo, Cariboni and Saltelli 2007): ``r``
  trajectories through a grid of the parameters' ranges, each changing one parameter at a time;
  mu* (the mean absolute *elementary effect*, in the KPI's unit, over the whole range) ranks the
  parameters, sigma (their spread) shows interactions or curvature. Cheap: r (k + 1) points for
  k parameters, so it screens them all.
* **Sobol indices** (Sobol 2001; Saltelli 2002, Jansen 1999 estimators) for the few that matter:
  S1, the share of the KPI's variance across the ranges explained by a parameter alone; ST, its
  share alone *and* with others. Costs N (k + 2) points.

Every point runs the same replications (0..R-1, ``Streams(seed, r)``): **common random
numbers**, so a difference between two points is the parameters', not luck's. A point's value
is the mean over its replications. Points run on any backend (``serial``, ``processes``,
``dask``) through :func:`dipsim.experiment.sweep.run_cells`.

The parameters and their ranges are :data:`dipsim.scenario.ranges.RANGES`; a parameter's factor
is its value (a number) or a position from 0 (low) through 0.5 (the scenario's value) to 1
(high). :func:`analyse` runs any model (e.g. the Ishigami test function) through the same path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .. import kpis as registry
from ..errors import ParameterError
from ..scenario import Scenario
from ..scenario import ranges as R
from ..scenario.loader import to_dict

METHODS = ("morris", "sobol", "both")
DEFAULT_KPIS = ("completion_rate", "share_ia_before_release", "mean_wait_caution_to_first_session_d",
                "utilisation_community", "cjit_hours")
MORRIS_LEVELS = 4
Evaluate = Callable[[np.ndarray], np.ndarray]
"""``evaluate(X) -> Y``: one row of outputs (one column per KPI) for each row of parameters."""


@dataclass
class SensitivityResult:
    method: str                      # morris, sobol or both
    parameters: list[str]            # screened (Morris) or measured (Sobol)
    kpis: list[str]
    morris: pd.DataFrame | None      # kpi, parameter, mu_star, mu_star_conf, sigma, mu, share, rank
    sobol: pd.DataFrame | None       # kpi, parameter, S1, S1_conf, ST, ST_conf, rank
    runs: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)   # stage, point, replication, KPIs
    design: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # stage, point, factor of each parameter
    notes: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    sobol_parameters: list[str] = field(default_factory=list)

    def explanation(self) -> list[str]:
        return explanation(self)

    def table(self) -> pd.DataFrame:
        """One row per (KPI, parameter): Morris mu*, sigma and Sobol S1, ST where run, most influential first."""
        cols = ["kpi", "parameter"]
        t = None
        if self.morris is not None:
            t = self.morris[cols + ["mu_star", "mu_star_conf", "sigma", "share"]]
        if self.sobol is not None:
            s = self.sobol[cols + ["S1", "S1_conf", "ST", "ST_conf"]]
            t = s if t is None else t.merge(s, on=cols, how="left")
        key = "ST" if self.morris is None else "mu_star"
        t = t.assign(_o=t["kpi"].map({k: i for i, k in enumerate(self.kpis)}))
        t = t.sort_values(["_o", key], ascending=[True, False], kind="stable").drop(columns="_o")
        return t.reset_index(drop=True)


# ------------------------------------------------------------------------------------- generic
def design(method: str, problem: dict, n: int, seed: int) -> np.ndarray:
    """The SALib sample: Morris trajectories (``n`` of them) or Saltelli/Sobol points (``n`` base)."""
    if method == "morris":
        from SALib.sample import morris as sample

        return sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import sobol as sample

    return sample.sample(problem, n, calc_second_order=False, seed=seed)


def indices(method: str, problem: dict, X: np.ndarray, Y: np.ndarray, names: Sequence[str],
            seed: int) -> tuple[pd.DataFrame, list[str]]:
    """Tidy indices for each output column of ``Y`` (named ``names``), and notes on any left out."""
    rows, notes = [], []
    for j, name in enumerate(names):
        y = np.asarray(Y[:, j], float)
        if not np.all(np.isfinite(y)):
            notes.append(f"{name} is undefined at some parameter points (nobody reached it): left out.")
            continue
        if np.ptp(y) == 0:
            notes.append(f"{name} does not change across the ranges tried.")
            for p in problem["names"]:
                rows.append({"kpi": name, "parameter": p, **({"mu_star": 0.0, "mu_star_conf": 0.0, "sigma": 0.0,
                             "mu": 0.0} if method == "morris" else {"S1": 0.0, "S1_conf": 0.0, "ST": 0.0,
                                                                     "ST_conf": 0.0})})
            continue
        if method == "morris":
            from SALib.analyze import morris

            si = morris.analyze(problem, X, y, num_levels=MORRIS_LEVELS, seed=seed)
            for i, p in enumerate(problem["names"]):
                rows.append({"kpi": name, "parameter": p, "mu_star": float(si["mu_star"][i]),
                             "mu_star_conf": float(si["mu_star_conf"][i]), "sigma": float(si["sigma"][i]),
                             "mu": float(si["mu"][i])})
        else:
            from SALib.analyze import sobol

            si = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            for i, p in enumerate(problem["names"]):
                rows.append({"kpi": name, "parameter": p, "S1": float(si["S1"][i]),
                             "S1_conf": float(si["S1_conf"][i]), "ST": float(si["ST"][i]),
                             "ST_conf": float(si["ST_conf"][i])})
    df = pd.DataFrame(rows)
    if df.empty:
        return df, notes
    key = "mu_star" if method == "morris" else "ST"
    if method == "morris":
        total = df.groupby("kpi")["mu_star"].transform("sum")
        df["share"] = (df["mu_star"] / total.where(total > 0)).fillna(0.0)
    df["rank"] = df.groupby("kpi")[key].rank(ascending=False, method="first").astype(int)
    return df, notes


def analyse(problem: dict, evaluate: Evaluate, method: str, n: int, *, names: Sequence[str] = ("y",),
            seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, list[str]]:
    """Sample ``problem`` by ``method`` (morris or sobol), evaluate every point, analyse every output.
    Returns (indices, X, Y, notes). The same path the scenario analysis takes."""
    X = design(method, problem, n, seed)
    Y = np.asarray(evaluate(X), float)
    if Y.ndim == 1:
        Y = Y[:, None]
    df, notes = indices(method, problem, X, Y, names, seed)
    return df, X, Y, notes


# ------------------------------------------------------------------------------------ scenarios
def check_parameters(parameters: Sequence[str] | None, raw: dict) -> list[str]:
    """The parameters to vary: those named (each must have a range), else every uncertain one."""
    if not parameters:
        return R.default_keys()
    import difflib

    out = []
    for k in parameters:
        if k not in R.RANGES:
            close = difflib.get_close_matches(k, list(R.RANGES), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else " (the keys with a range: docs/scenario-schema.md)"
            raise ParameterError("parameters", f"has no plausible range{hint}", k)
        out.append(k)
    out = list(dict.fromkeys(out))
    if len(out) < 2:
        raise ParameterError("parameters", "name at least two parameters to compare their influence")
    return out


def overrides_at(keys: Sequence[str], x: Sequence[float], raw: dict) -> dict[str, Any]:
    """The scenario overrides of one parameter point."""
    return {k: R.value_at(k, float(v), raw) for k, v in zip(keys, x)}


def scenario_evaluator(scenario: Scenario, keys: Sequence[str], kpis: Sequence[str], *, replications: int,
                       seed: int, days: int, collector, stage: str, store: list, designs: list,
                       **backend) -> Evaluate:
    """``evaluate(X)`` for the scenario: every point runs replications 0..R-1 (common random numbers);
    its value is the mean over them. Every run's KPIs are kept in ``store``, the points in ``designs``."""
    from .sweep import make_cells, run_cells

    raw = to_dict(scenario)

    def evaluate(X: np.ndarray) -> np.ndarray:
        variants = {f"{stage} {i}": overrides_at(keys, row, raw) for i, row in enumerate(X)}
        cells = make_cells(scenario, None, variants, seed=seed, days=days, collector=collector)
        frames = run_cells(cells, list(range(replications)), seed=seed, days=days, collector=collector,
                           desc=f"sensitivity ({stage})", **backend)
        Y = np.empty((len(X), len(kpis)))
        for i, f in enumerate(frames):
            Y[i] = [f[k].mean() if k in f else np.nan for k in kpis]   # NaN mean -> left out with a note
            store.append(f[["replication", *[k for k in kpis if k in f]]].assign(stage=stage, point=i))
        designs.append(pd.DataFrame(X, columns=list(keys)).assign(stage=stage, point=range(len(X))))
        return Y

    return evaluate


def sensitivity(scenario: Scenario, kpis: Sequence[str] = DEFAULT_KPIS, parameters: Sequence[str] | None = None, *,
                method: str = "both", trajectories: int = 10, sobol_n: int = 64, top: int = 4,
                replications: int = 3, seed: int | None = None, days: int | None = None, collector=None,
                **backend) -> SensitivityResult:
    """Morris screening of ``parameters`` (default: every uncertain one with a range), then Sobol
    indices of the ``top`` parameters by Morris mu* (over all ``kpis``); or one method alone."""
    from .kpis import KpiCollector
    from .sweep import base_provenance, check_collector, resolve_run

    if method not in METHODS:
        raise ParameterError("method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    for name, v, low in (("trajectories", trajectories, 2), ("sobol_n", sobol_n, 4), ("top", top, 2),
                         ("replications", replications, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise ParameterError(name, f"must be a whole number >= {low}, got {v!r}")
    if sobol_n & (sobol_n - 1):
        raise ParameterError("sobol_n", f"must be a power of 2 (Sobol sequences), got {sobol_n}")
    seed, days = resolve_run(scenario, replications, seed, days)
    collector = collector or KpiCollector()
    check_collector(collector, days)
    kpis = list(dict.fromkeys(kpis))
    if not kpis:
        raise ParameterError("kpis", "name at least one KPI")
    raw = to_dict(scenario)
    keys = check_parameters(parameters, raw)
    store: list[pd.DataFrame] = []
    designs: list[pd.DataFrame] = []
    kw = dict(replications=replications, seed=seed, days=days, collector=collector, store=store,
              designs=designs, **backend)
    morris_df = sobol_df = None
    notes: list[str] = []
    sobol_keys = keys
    if method in ("morris", "both"):
        ev = scenario_evaluator(scenario, keys, kpis, stage="morris", **kw)
        morris_df, _, _, n1 = analyse(R.problem(keys), ev, "morris", trajectories, names=kpis, seed=seed)
        notes += n1
        if method == "both":
            sobol_keys = top_parameters(morris_df, top) if morris_df is not None and len(morris_df) else keys[:top]
    if method in ("sobol", "both"):
        if len(sobol_keys) < 2:
            sobol_keys = keys[:max(2, top)]
        ev = scenario_evaluator(scenario, sobol_keys, kpis, stage="sobol", **kw)
        sobol_df, _, _, n2 = analyse(R.problem(sobol_keys), ev, "sobol", sobol_n, names=kpis, seed=seed)
        notes += [n for n in n2 if n not in notes]
    runs = pd.concat(store, ignore_index=True) if store else pd.DataFrame()
    if len(runs):
        runs = runs[["stage", "point", "replication", *[c for c in runs.columns
                                                         if c not in ("stage", "point", "replication")]]]
    dsg = pd.concat(designs, ignore_index=True) if designs else pd.DataFrame()
    if len(dsg):
        dsg = dsg[["stage", "point", *[c for c in dsg.columns if c not in ("stage", "point")]]]
    prov = base_provenance("sensitivity", scenario, seed=seed, days=days, replications=range(replications),
                           collector=collector, method=method, parameters=keys, sobol_parameters=sobol_keys
                           if method != "morris" else [], trajectories=trajectories, sobol_n=sobol_n,
                           kpis=kpis, ranges="dipsim.scenario.ranges.RANGES",
                           common_random_numbers="every parameter point runs replications 0..R-1")
    return SensitivityResult(method, keys, kpis, morris_df, sobol_df, runs, dsg, notes, prov,
                             sobol_keys if method != "morris" else [])


def top_parameters(morris_df: pd.DataFrame, top: int) -> list[str]:
    """The ``top`` parameters by Morris rank, taken in turn from each KPI (every KPI's most
    influential first, then every KPI's second...), and at least every KPI's most influential."""
    firsts = morris_df[(morris_df["rank"] == 1) & (morris_df["mu_star"] > 0)]["parameter"].unique()
    want = max(top, len(firsts))
    out: list[str] = []
    for rank in range(1, int(morris_df["rank"].max()) + 1):
        d = morris_df[(morris_df["rank"] == rank) & (morris_df["mu_star"] > 0)]
        for p in d["parameter"]:
            if p not in out and len(out) < want:
                out.append(p)
    return out


# ----------------------------------------------------------------------------------- in words
def _u(kpi: str, x: float) -> str:
    from .compare import in_units

    return in_units(x, registry.unit(kpi)).lstrip("+")


def explanation(res: SensitivityResult) -> list[str]:
    lines = []
    if res.morris is not None:
        lines.append(f"Morris screening of {len(res.parameters)} parameters across their plausible ranges "
                     f"({res.provenance.get('trajectories')} trajectories, {res.provenance.get('replications')} "
                     f"replications a point, common random numbers):")
        for k in res.kpis:
            d = res.morris[res.morris["kpi"] == k].sort_values("mu_star", ascending=False)
            if d.empty or d["mu_star"].max() == 0:
                continue
            a = d.iloc[0]
            text = (f"- {k}: {a.parameter} moves it most (mean effect of moving it across its range "
                    f"{_u(k, a.mu_star)}, {a.share:.0%} of all the parameters' effects)")
            if len(d) > 1 and d.iloc[1]["mu_star"] > 0:
                b = d.iloc[1]
                text += f", then {b.parameter} ({_u(k, b.mu_star)})"
            small = int((d["share"] < 0.02).sum())
            few = f"; {small} parameters each move it by" if small > 1 else "; 1 parameter moves it by"
            lines.append(text + (f"{few} less than 2% of the total." if small else "."))
    if res.sobol is not None:
        lines.append(f"Sobol indices of {', '.join(res.sobol_parameters)} "
                     f"({res.provenance.get('sobol_n')} base points): the share of each KPI's variation across "
                     f"the ranges that a parameter explains, alone (S1) and with the others (ST):")
        for k in res.kpis:
            d = res.sobol[res.sobol["kpi"] == k].sort_values("ST", ascending=False)
            if d.empty or d["ST"].max() <= 0:
                continue
            a = d.iloc[0]
            most = "most of" if a.ST >= 0.5 else "the largest part of"
            text = (f"- {a.parameter} explains {most} the variation in {k} (ST {a.ST:.2f} ± {a.ST_conf:.2f}; "
                    f"alone S1 {a.S1:.2f})")
            if len(d) > 1:
                b = d.iloc[1]
                text += f"; next {b.parameter} (ST {b.ST:.2f})"
            inter = max(0.0, 1 - float(d["S1"].clip(lower=0).sum()))
            lines.append(text + (f"; about {inter:.0%} is interaction between parameters." if inter >= 0.1 else "."))
            if (d["ST_conf"] > 0.25).any():
                lines.append(f"- the intervals for {k} are wide: more base points (sobol_n) would narrow them.")
        lines.append("(Sobol indices are shares of the variation with only these parameters varying, the others "
                     "at the scenario's values.)")
    lines += res.notes
    lines.append("Indices are over the plausible ranges of docs/scenario-schema.md; other ranges give other answers.")
    return lines


def plot(res: SensitivityResult, kpis: Sequence[str] | None = None, top: int = 8):
    """One row of panels per KPI: Morris mu* (mean effect across the range, in the KPI's unit) as
    horizontal bars, and beside it, where run, the Sobol indices S1 (alone) and ST (with others)."""
    import matplotlib.pyplot as plt

    kpis = list(kpis or res.kpis)
    panels = [m for m, df in (("morris", res.morris), ("sobol", res.sobol)) if df is not None and len(df)]
    fig, axes = plt.subplots(len(kpis), max(1, len(panels)), figsize=(7 * max(1, len(panels)),
                             0.4 * top * len(kpis) + 1.2), squeeze=False)
    for row, k in zip(axes, kpis):
        for ax, method in zip(row, panels):
            if method == "morris":
                d = res.morris[res.morris["kpi"] == k].sort_values("mu_star").tail(top)
                y = np.arange(len(d))
                ax.barh(y, d["mu_star"], xerr=d["mu_star_conf"], color="#4c72b0", label="mu* (Morris)")
                unit = registry.unit(k)
                unit = "as a share (0.1 = 10 percentage points)" if unit == "share" else (unit or "KPI units")
                ax.set_xlabel(f"mean effect across the range, {unit} (Morris mu*)")
            else:
                d = res.sobol[res.sobol["kpi"] == k].sort_values("ST").tail(top)
                y = np.arange(len(d))
                ax.barh(y + 0.2, d["ST"], 0.4, xerr=d["ST_conf"], label="with others (ST)", color="#4c72b0")
                ax.barh(y - 0.2, d["S1"], 0.4, xerr=d["S1_conf"], label="alone (S1)", color="#dd8452")
                ax.set_xlabel("share of the variation across the ranges (Sobol)")
            ax.set_yticks(y)
            ax.set_yticklabels(d["parameter"], fontsize=8)
            ax.set_title(f"{registry.label(k) or k}: {'screening' if method == 'morris' else 'variance shares'}",
                         fontsize=10)
            ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
