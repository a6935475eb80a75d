"""The per-person record: preallocated typed columns, one row per arrest.

Nothing per event is kept as Python objects: the model writes into numpy arrays
and :meth:`Records.to_frame` turns them into a typed pandas DataFrame with
categorical columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.menu import CONDITIONS
from ..scenario.schema import OUTCOME_KEYS, POSITIVE_FOR
from .cohort import OFFENCE_CODES, Cohort

TERMINAL_STATES = ("not_eligible", "exit_no_drug_indication", "alternative_disposal", "declined_prosecution",
                   "complied_case_closed", "non_compliance_prosecution", "in_progress")
DISPOSALS = ("pending", "not_eligible", "exit_no_drug_indication", "alternative_disposal",
             "declined_prosecution", "dip_conditional_caution")
TEST_RESULTS = ("not_tested", "positive", "negative", "refused")
POSITIVE_CODES = ("none",) + POSITIVE_FOR
ROUTES = ("none", "required_assessment", "voluntary_assessment", "exit")
IA_OUTCOMES = ("not_required", "attended", "failed", "missed_no_worker")
VA_OUTCOMES = ("not_offered", "held", "unwilling", "missed_no_worker")
FA_OUTCOMES = ("none", "arranged", "held", "not_attended", "cancelled")
CONDITION_CODES = ("none",) + CONDITIONS
EVENT_CODES = ("none",) + OUTCOME_KEYS
STOP_REASONS = ("none", "consent_refused", "denies_responsibility", "out_of_area", "cps_not_authorised")
PROFILE_LABELS = ("non_user", "profile_1", "profile_2", "profile_3", "profile_4")

CATEGORIES = {
    "terminal_state": TERMINAL_STATES, "disposal": DISPOSALS, "test_result": TEST_RESULTS,
    "positive_for": POSITIVE_CODES, "route": ROUTES,
    "ia_outcome": IA_OUTCOMES, "va_outcome": VA_OUTCOMES, "fa_outcome": FA_OUTCOMES,
    "condition": CONDITION_CODES, "non_compliance_event": EVENT_CODES, "stop_reason": STOP_REASONS,
}
TIMES = ("test_h", "release_h", "ia_request_h", "ia_start_h", "va_start_h", "fa_due_h", "fa_start_h",
         "referral_h", "cps_h", "caution_h", "session1_h", "session2_h", "session3_h", "follow_up_end_h",
         "report_h", "end_h")
FLAGS = ("consent", "police_recommended", "cps_authorised", "police_bail", "accepted", "session2_group",
         "dir_completed", "onward_referral", "voluntary_continuation", "ra_non_compliance_reported",
         "restriction_on_bail")
COUNTS = ("rearrangements", "sessions_attended", "follow_up_contacts")
NOT_SET = -1
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


class Records:
    def __init__(self, cohort: Cohort):
        n = cohort.n
        self.cohort = cohort
        for name in TIMES:
            setattr(self, name, np.full(n, np.nan))
        for name in CATEGORIES:
            setattr(self, name, np.zeros(n, np.int8))
        self.terminal_state[:] = TERMINAL_STATES.index("in_progress")
        for name in FLAGS:
            setattr(self, name, np.full(n, NOT_SET, np.int8))
        for name in COUNTS:
            setattr(self, name, np.zeros(n, np.int16))
        self.assessed_profile = np.full(n, NOT_SET, np.int8)
        # One base-8 digit per appointment (at most one per session slot): an int64 holds 21
        # digits; a longer log (many re-arrangements allowed) uses Python ints, which never overflow.
        self.session_log = np.zeros(n, np.int64 if cohort.session_events.shape[1] <= 21 else object)

    def log_session_event(self, i: int, event: int) -> None:
        """Append one appointment's event (an index into OUTCOME_KEYS) to the person's log."""
        self.session_log[i] = self.session_log[i] * 8 + event + 1

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
        ap = self.assessed_profile
        none = ap <= 0  # NA: not assessed, or assessed a non-user (1 under NA, as pandas fills it)
        cols["assessed_profile"] = pd.arrays.IntegerArray(np.where(none, np.int8(1), ap).astype(np.int8), none)
        return pd.DataFrame(cols)
