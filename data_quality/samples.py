"""Failing rows as JSON-ready dicts: what a check's sample shows and the run report stores."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd


def json_value(value: Any) -> Any:
    """A plain JSON value: dates as ISO text, NaN/NaT/NA as None, numpy scalars as Python."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def sample_rows(data: pd.DataFrame, labels: Sequence[Any], columns: Sequence[str]) -> list[dict]:
    """The rows at `labels` (DataFrame index), restricted to `columns` that exist."""
    present = [c for c in columns if c in data.columns]
    rows = []
    for label in labels:
        if label not in data.index:
            continue
        record = data.loc[label, present]
        rows.append({c: json_value(record[c]) for c in present})
    return rows
