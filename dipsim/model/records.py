"""The per-person record: preallocated typed columns, one row per arrest.

Nothing per event is kept as Python objects: the model writes into numpy arrays
and :meth:`Records.to_frame` turns them into a typed pandas DataFrame with
categorical columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..pathway_record import (CATEGORIES, CONDITION_CODES, COUNTS, DISPOSALS, EVENT_CODES, FA_OUTCOMES, FLAGS,
                              IA_OUTCOMES, NOT_SET, POSITIVE_CODES, ROUTES, STOP_REASONS, TERMINAL_STATES,
                              TEST_RESULTS, TIMES, VA_OUTCOMES, PersonRecord)
from ..scenario.schema import OUTCOME_KEYS
from .cohort import OFFENCE_CODES, Cohort

__all__ = ["CATEGORIES", "CONDITION_CODES", "COUNTS", "DISPOSALS", "EVENT_CODES", "FA_OUTCOMES", "FLAGS", "IA_OUTCOMES",
           "NOT_SET", "POSITIVE_CODES", "PROFILE_LABELS", "ROUTES", "STOP_REASONS", "TERMINAL_STATES", "TEST_RESULTS",
           "TIMES", "VA_OUTCOMES", "Records"]

PROFILE_LABELS = ("non_user", "profile_1", "profile_2", "profile_3", "profile_4")
_DTYPES: dict[tuple[str, ...], pd.CategoricalDtype] = {}


def categorical(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
    """``pd.Categorical.from_codes`` with the dtype built once per category list (building and
    validating it is most of the cost of each column otherwise)."""
    dtype = _DTYPES.get(categories)
    if dtype is None:
        dtype = _DTYPES[categories] = pd.CategoricalDtype(list(categories))
    return pd.Categorical.from_codes(codes, dtype=dtype)


def nullable_flag(v: np.ndarray) -> pd.arrays.BooleanArray:
    """A flag column: NA where not set, else ``v == 1`` (values under NA are False)."""
    return pd.arrays.BooleanArray(v == 1, v == NOT_SET)


def decode_session_logs(logs: np.ndarray) -> pd.Categorical:
    """Each person's appointment events in order, comma-separated ("" if none)."""
    uniq, inverse = np.unique(logs, return_inverse=True)
    labels = []
    for code in uniq.tolist():
        events = []
        while code:
            events.append(OUTCOME_KEYS[code % 8 - 1])
            code //= 8
        labels.append(",".join(reversed(events)))
    return pd.Categorical.from_codes(inverse.reshape(-1).astype(np.int32), labels) if len(labels) else \
        pd.Categorical([], categories=[""])


class Records(PersonRecord):
    """The simulation's record of everyone arrested in one run, and its people table."""

    def __init__(self, cohort: Cohort):
        super().__init__(cohort.n, long_logs=cohort.session_events.shape[1] > 21)
        self.cohort = cohort

    def to_frame(self) -> pd.DataFrame:
        c = self.cohort
        cols: dict[str, object] = {
            "person_id": np.arange(c.n, dtype=np.int32),
            "arrest_h": c.arrest_h,
            "offence": categorical(c.offence, OFFENCE_CODES),
            "age": c.age,
            "admits_offence": c.admits,
            "sufficient_evidence": c.evidence,
            "previous_convictions": c.previous_convictions,
            "recent_similar_offending": c.recent_similar,
            "drug_use": categorical(c.profile, PROFILE_LABELS),
            "known_drug_misuser": c.known_misuser,
            "accepts_responsibility": c.accepts_responsibility,
            "resident_in_area": c.resident,
            "home_cjit_can_deliver": c.home_cjit_can_deliver,
            "resides_in_england": c.resides_in_england,
        }
        for name in TIMES:
            cols[name] = getattr(self, name)
        for name, cats in CATEGORIES.items():
            cols[name] = categorical(getattr(self, name), cats)
        for name in FLAGS:
            v = getattr(self, name)
            cols[name] = nullable_flag(v)
        for name in COUNTS:
            cols[name] = getattr(self, name)
        cols["session_events"] = decode_session_logs(self.session_log)
        cols["home_cjit_worker_hours"] = self.home_cjit_worker_hours
        for name in ("assessed_profile", "known_profile"):  # the second: assessed, or known to the police
            ap = getattr(self, name)
            none = ap <= 0  # NA: not assessed, or assessed a non-user (1 under NA, as pandas fills it)
            cols[name] = pd.arrays.IntegerArray(np.where(none, np.int8(1), ap).astype(np.int8), none)
        return pd.DataFrame(cols)
