"""Scenarios for tests: small and fast, built from the defaults."""

from __future__ import annotations

from dipsim.scenario import from_dict
from dipsim.time import DAY_NAMES

ALL_DAYS = list(DAY_NAMES)


def fixed_everything(**extra):
    """A scenario whose every duration is fixed, with unlimited CJIT workers and no group
    sessions, so each step's time is known exactly."""
    raw = {
        "days": 28,
        "testing": {"hours_after_arrest": 1.0},
        "assessment": {"custody_hours": 1000.0, "initial_minutes": 60, "follow_up_minutes": 60,
                       "follow_up_days": 6.0},
        "decisions": {"cps_decision_hours": 4.0},
        "sessions": {"lead_days": 2.0, "interval_days": 1.0, "review_min_gap_days": 3.0,
                     "single_session_minutes": 60, "assessment_education_minutes": 60, "triage_minutes": 60,
                     "education_minutes": 60, "review_minutes": 60, "group": {"enabled": False}},
        "follow_up": {"cps_max_days": 28, "assessed_need_days": 21, "contact_interval_days": 7,
                      "contact_minutes": 30, "voluntary_continuation": 0.0},
        "compliance": {"report_delay_days": 2.0, "no_show_minutes": 15},
        "cjit": {"custody": {"workers": "unlimited"}, "community": {"workers": "unlimited"}},
    }
    for dotted, value in extra.items():
        node = raw
        keys = dotted.split("__")
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    return from_dict(raw, "<test>")

