"""The finance part of the landing contract: daily FX rates to the corporate currency."""

from __future__ import annotations

from ingestion.fields import TableSpec, date, key, rate

FILE = "finance/fx_rates.csv"

FX_RATES = TableSpec(
    "fx_rates",
    (date("date", nullable=False), key("currency"), rate("rate", nullable=False)),
    ("date", "currency"),
)
