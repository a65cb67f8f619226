"""The label set, in the one order used by every array in the project."""

from typing import Final

#: Labels of the annotation guidelines. Arrays of probabilities follow this order.
LABELS: Final = ("no_claim", "hedged_claim", "unhedged_claim")
#: The risk of a unit is the probability of this label.
RISK_LABEL: Final = "unhedged_claim"
RISK_INDEX: Final = LABELS.index(RISK_LABEL)
