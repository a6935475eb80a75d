"""The per-person record the pathway writes: its vocabulary and its preallocated columns.

One row per person; every column is a numpy array, so the simulation writes numbers,
never Python objects. The simulation's :class:`dipsim.model.records.Records` adds the
typed people table; the case explainer keeps a record of one person and reads its
answer (disposal, condition, outcome) from it.
"""

from __future__ import annotations

import numpy as np

from .rules.menu import CONDITIONS
from .scenario.schema import OUTCOME_KEYS, POSITIVE_FOR

TERMINAL_STATES = ("not_eligible", "exit_no_drug_indication", "alternative_disposal", "declined_prosecution",
                   "complied_case_closed", "non_compliance_reported", "not_delivered_in_time", "in_progress")
DISPOSALS = ("pending", "not_eligible", "exit_no_drug_indication", "alternative_disposal",
             "declined_prosecution", "dip_conditional_caution")
TEST_RESULTS = ("not_tested", "positive", "negative", "refused")
POSITIVE_CODES = ("none",) + POSITIVE_FOR
ROUTES = ("none", "required_assessment", "voluntary_assessment", "exit")
IA_OUTCOMES = ("not_required", "attended", "failed", "missed_no_worker")
VA_OUTCOMES = ("not_offered", "held", "unwilling", "missed_no_worker")
FA_OUTCOMES = ("none", "arranged", "held", "not_attended", "cancelled")
CONDITION_CODES = ("none",) + CONDITIONS
EVENT_CODES = ("none",) + OUTCOME_KEYS + ("not_completed_in_time",)
DELIVERED_BY = ("none", "local_cjit", "home_cjit")
"""Which CJIT delivered the DIP Condition: this area's, or the out-of-area resident's home CJIT (§4.6.6 Step 1)."""
DIR_AT = ("none", "initial_assessment", "voluntary_assessment", "follow_up_assessment", "condition_session",
          "earlier_contact")
"""Where this episode's DIR was completed (§5: at the first triage assessment), or ``earlier_contact``: a
triage assessment was held but a current DIR from an earlier contact was added to, not duplicated."""
"""What decided a non-compliance: an appointment's event, or not completing by the comply-by date (§4.6.6 Step 3)."""
STOP_REASONS = ("none", "consent_refused", "denies_responsibility", "out_of_area", "cps_not_authorised",
                "unwilling_voluntary_assessment", "not_recommended_offence", "not_recommended_record",
                "not_recommended_drug_use")
"""Why a case stops before the caution: the police consideration's reasons
(:data:`dipsim.rules.pathway.STOP_REASONS`) and the CPS's refusal; codes of old reasons kept."""

CATEGORIES = {
    "terminal_state": TERMINAL_STATES, "disposal": DISPOSALS, "test_result": TEST_RESULTS,
    "positive_for": POSITIVE_CODES, "route": ROUTES,
    "ia_outcome": IA_OUTCOMES, "va_outcome": VA_OUTCOMES, "fa_outcome": FA_OUTCOMES,
    "condition": CONDITION_CODES, "non_compliance_event": EVENT_CODES, "stop_reason": STOP_REASONS,
    "dir_completed_at": DIR_AT, "delivered_by": DELIVERED_BY,
}
TIMES = ("test_h", "release_h", "ia_request_h", "ia_start_h", "va_start_h", "fa_due_h", "fa_start_h",
         "referral_h", "cps_h", "caution_h", "session1_h", "session2_h", "session3_h", "follow_up_end_h",
         "report_h", "end_h")
FLAGS = ("consent", "police_recommended", "cps_authorised", "police_bail", "accepted", "session2_group",
         "dir_completed", "onward_referral", "voluntary_continuation", "ra_non_compliance_reported",
         "restriction_on_bail", "prosecuted", "completed_in_time", "statutory_eligible", "drug_indication")
COUNTS = ("rearrangements", "sessions_attended", "follow_up_contacts")
NOT_SET = -1


def codes(names: tuple[str, ...]) -> dict[str, int]:
    """Category code by name, looked up once rather than by tuple.index per person."""
    return {name: k for k, name in enumerate(names)}


class PersonRecord:
    """``n`` people's record columns: times (NaN until set), category codes, flags (NOT_SET
    until set) and counts. ``long_logs``: keep the appointment log in Python ints (no overflow)."""

    def __init__(self, n: int, long_logs: bool = False):
        self.n = n
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
        self.known_profile = np.full(n, NOT_SET, np.int8)  # the Annex B group the police considered
        self.home_cjit_worker_hours = np.zeros(n)  # the home CJIT's hours on him (§2.2, §4.6.6 Step 1)
        # One base-8 digit per appointment: an int64 holds 21 digits; a longer log (many
        # re-arrangements allowed) uses Python ints, which never overflow.
        self.session_log = np.zeros(n, object if long_logs else np.int64)

    def log_session_event(self, i: int, event: int) -> None:
        """Append one appointment's event (an index into OUTCOME_KEYS) to the person's log."""
        self.session_log[i] = self.session_log[i] * 8 + event + 1

    def views(self) -> "RecordViews":
        """The same columns as memoryviews of the same buffers, for the simulation's writes (see
        :class:`RecordViews`)."""
        return RecordViews(self)


class RecordViews:
    """A :class:`PersonRecord`'s columns as memoryviews of its own arrays (no copy), for the
    simulation's per-person writes and reads: writing an element through a memoryview costs about
    half what a numpy array's ``[i] = v`` does, and reading one gives a Python number (a float, an
    int) rather than a numpy scalar, with the same value; what is written lands in the record's
    arrays, which the people table reads. A memoryview takes Python numbers only (an ``int8``
    column refuses a ``numpy.bool_``): the pathway writes Python bools, ints and floats. A column
    of Python objects (a long appointment log) has no memoryview and stays the array."""

    def __init__(self, record: PersonRecord):
        for name, column in vars(record).items():
            if isinstance(column, np.ndarray):
                setattr(self, name, column if column.dtype == object else memoryview(column))

    log_session_event = PersonRecord.log_session_event
