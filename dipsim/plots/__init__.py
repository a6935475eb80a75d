"""Plots for the notebooks and for reports: one place, reused, never copied.

Every function draws with matplotlib onto ``ax`` (or ``axes``) when given, else onto a
new figure, and returns the figure. Titles carry the scenario name; axes carry units. KPI
labels and units come from the KPI registry (:mod:`dipsim.kpis`, via :func:`kpi_label`).

Per-run plots take a :class:`dipsim.results.RunResult`:

* :func:`funnel` - people through every box of the Annex A process map;
* :func:`waits` - custody waits (hours) and community waits (days);
* :func:`utilisation` - CJIT worker hours by pool and activity;
* :func:`weekly_load` - CJIT worker hours a week over the run;
* :func:`assessments_by_hour` - initial Required Assessments by hour of request: held, failed,
  or missed for want of a worker, against the custody cover hours.

Plots over replications take a *tidy summary* - one row per group and KPI with
``kpi, mean, lower, upper`` (the shape of :func:`dipsim.experiment.stats.summarise`)
- or a raw replication table (one row per replication, a column per KPI), which
they summarise with t-intervals first:

* :func:`sweep_curve` - a KPI against a swept parameter, with its 95% CI band;
* :func:`kpi_bars` - a KPI per variant (policy, area...) with 95% CIs;
* :func:`paired_differences` - differences from a baseline with paired 95% CIs;
* :func:`calibration` - simulated mean and 95% CI against a published figure.

Plots of an experiment's own result (:mod:`dipsim.experiment`):

* :func:`capacity` - each target's mean, CI and one-sided bound against staffing, with the answer;
* :func:`precision` - relative CI half-width against replications (Hoad et al. 2010);
* :func:`warmup` - the daily series and its MSER-5 truncation point; :func:`mser` - the statistic.
"""

from ._common import PARAM_LABELS, kpi_label
from .experiments import capacity, mser, precision, warmup
from .per_run import (FUNNEL_BOXES, IA_OUTCOME_STYLE, assessments_by_hour, funnel, funnel_counts, utilisation,
                      wait_times, waits, weekly_load)
from .replications import calibration, kpi_bars, paired_differences, sweep_curve

__all__ = ["FUNNEL_BOXES", "IA_OUTCOME_STYLE", "PARAM_LABELS", "assessments_by_hour", "calibration", "capacity",
           "funnel", "funnel_counts", "kpi_bars", "kpi_label", "mser", "paired_differences", "precision",
           "sweep_curve", "utilisation", "wait_times", "waits", "warmup", "weekly_load"]
