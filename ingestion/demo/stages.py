"""The CRM's sales stages (LANDING_CONTRACT.md): order, default probability, forecast category."""

from __future__ import annotations

import numpy as np

STAGES = (
    "Prospecting",
    "Qualification",
    "Discovery",
    "Proposal",
    "Negotiation",
    "Closed Won",
    "Closed Lost",
)
PROBABILITY = np.array([10, 20, 40, 60, 80, 100, 0], dtype=np.int64)
CATEGORIES = ("Pipeline", "Best Case", "Commit", "Closed", "Omitted")
DEFAULT_CATEGORY = np.array([0, 0, 1, 1, 2, 3, 4], dtype=np.int64)
WON, LOST = 5, 6
# forecast-category overrides a rep may make on an open deal
OVERRIDE_NONE, OVERRIDE_PROPOSAL_COMMIT, OVERRIDE_NEGOTIATION_BEST_CASE = 0, 1, 2


def category(stage: np.ndarray, override: np.ndarray) -> np.ndarray:
    """Forecast category of each (stage index, override flag)."""
    cat = DEFAULT_CATEGORY[stage]
    cat = np.where((override == OVERRIDE_PROPOSAL_COMMIT) & (stage == 3), 2, cat)
    return np.where((override == OVERRIDE_NEGOTIATION_BEST_CASE) & (stage == 4), 1, cat)
