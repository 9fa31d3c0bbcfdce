"""The rep's next step on each deal (Opportunity.NextStep): most open deals have one.

Drawn from a stream of its own, so adding the column left every other landing file of a seed
byte for byte as it was. Closed deals carry none; about one open deal in six has a blank next
step, the deals the coaching lists then ask a manager to review.
"""

from __future__ import annotations

import numpy as np

from ingestion.demo import stages

# what a rep writes as the next step, by open stage (Prospecting .. Negotiation)
NEXT_STEPS: tuple[tuple[str, ...], ...] = (
    ("Intro call with the champion", "Send case study", "Book discovery meeting"),
    ("Qualify budget with finance", "Map the buying committee", "Second call with the team lead"),
    ("Demo to the buying team", "Technical deep dive", "Share ROI model"),
    ("Send proposal", "Pricing review with procurement", "Reference call"),
    ("Legal redlines", "Security review sign-off", "Order form to signature"),
)
BLANK_SHARE = 1 / 6
TEXTS: tuple[str, ...] = tuple(text for texts in NEXT_STEPS for text in texts)
"""Every next step, flat: the index `plan_next_steps` returns points in here."""


def plan_next_steps(stage: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per deal (current stage index), the index into `TEXTS`, or -1 for a blank next step."""
    n = len(stage)
    blank = rng.random(n) < BLANK_SHARE
    pick = rng.integers(0, len(NEXT_STEPS[0]), n)
    open_deal = stage < stages.WON
    first = np.cumsum([0] + [len(texts) for texts in NEXT_STEPS])[:-1]
    index = first[np.minimum(stage, len(NEXT_STEPS) - 1)] + pick
    return np.where(open_deal & ~blank, index, -1)
