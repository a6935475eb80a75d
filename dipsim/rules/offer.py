"""The offer of the Conditional Caution and the offender's answer (§4.6.6 Step 3)."""

from __future__ import annotations

from .base import Decision, memo


@memo
def offer_response(accepts: bool) -> Decision:
    """§4.6.6 Step 3: accept and sign, and the police deliver the caution and refer to the
    CJIT; decline, and he may be prosecuted for the original offence."""
    if accepts:
        return Decision(True, "§4.6.6 Step 3",
                        "accepts and signs: the police deliver the Conditional Caution and refer him to the CJIT")
    return Decision(False, "§4.6.6 Step 3", "declines the Conditional Caution: may be prosecuted for the original offence")
