"""The sizes of demo company the generator can make.

One table so that the CLI, the benchmarks and the README name the same companies. Rates are per
rep so that every scale looks like the same sales org, only bigger; `large` is tuned to about
500,000 opportunities and 10 million activities (the `large` benchmark scale).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Parameters of one company size.

    Exactly one of `history_months` (months of history ending with the as-of month) and
    `history_fiscal_years` (the current fiscal year to date and the ones before it) is set.
    """

    name: str
    reps: int
    regions: int
    teams: int
    history_months: int | None
    history_fiscal_years: int | None
    deals_per_rep_month: float
    activities_per_rep_day: float
    accounts_per_rep: int
    faults_per_kind: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", 25, 2, 4, 18, None, 10.0, 21.0, 40, 3),
    "medium": Scale("medium", 150, 3, 20, None, 3, 10.0, 19.0, 40, 4),
    "large": Scale("large", 1000, 5, 125, 18, None, 28.0, 26.0, 30, 8),
    "xl": Scale("xl", 5000, 8, 625, 18, None, 28.0, 26.0, 30, 12),
}
