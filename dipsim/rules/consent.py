"""Written consent to share information (§4.6, §4.6.6 Step 1, Annex A notes 1-2)."""

from __future__ import annotations

from .base import Decision, memo


@memo
def consent_to_share(consents: bool, test_result: str) -> Decision:
    """Annex A note 1: without written consent a DIP Conditional Caution is not appropriate.

    In an intensive area the positive test itself may still inform the police
    (§4.6.6 Step 1, PACE s.63B(7)(aa)), but not the assessment.
    """
    if consents:
        return Decision(True, "Annex A note 1",
                        "written consent given: the CJIT worker may share the assessment with police and CPS")
    extra = " (the positive test may still inform the police, PACE s.63B(7)(aa))" if test_result == "positive" else ""
    return Decision(False, "Annex A note 1",
                    "written consent to share refused: a DIP Conditional Caution is not appropriate" + extra)
