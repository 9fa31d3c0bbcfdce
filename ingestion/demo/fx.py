"""Daily FX rates: USD per one EUR and per one GBP, every calendar day.

A gentle mean-reverting random walk (daily volatility about 0.3%), so converted amounts move a
little from day to day and a deal converted at the wrong day's rate is visibly off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CURRENCIES = ("USD", "EUR", "GBP")
START = {"EUR": 1.085, "GBP": 1.27}


@dataclass
class FxRates:
    """Rates indexed by day: `rate[c][day - first_day]`; USD is 1."""

    first_day: int
    last_day: int
    table: np.ndarray  # (len(CURRENCIES), days), rounded to 6 decimals

    def rate(self, currency: np.ndarray, day: np.ndarray) -> np.ndarray:
        """USD per unit of `currency` (index into CURRENCIES) on `day` (clamped to the range:
        the latest rate on or before the day, the first rate before the range)."""
        i = np.clip(np.asarray(day) - self.first_day, 0, self.table.shape[1] - 1)
        return self.table[np.asarray(currency), i]


def make_fx(rng: np.random.Generator, first_day: int, last_day: int) -> FxRates:
    n = last_day - first_day + 1
    table = np.ones((len(CURRENCIES), n))
    for c, cur in enumerate(CURRENCIES[1:], start=1):
        level = np.log(START[cur])
        log_rate = np.empty(n)
        x = level + rng.normal(0, 0.03)
        shocks = rng.normal(0, 0.003, n)
        for i in range(n):  # one step per calendar day (a few thousand at most)
            x += 0.01 * (level - x) + shocks[i]
            log_rate[i] = x
        table[c] = np.round(np.exp(log_rate), 6)
    return FxRates(first_day, last_day, table)
