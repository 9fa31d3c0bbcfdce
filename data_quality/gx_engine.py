"""The Great Expectations side: validate a pandas DataFrame against a list of expectations.

An ephemeral GX context (nothing written to disk) with one pandas data source, one dataframe
asset and one whole-dataframe batch definition; each frame is passed in as the batch's
`dataframe` parameter and validated against a suite built for it. Suites are validated on
the batch rather than saved with a validation definition: saving anything in a GX context
re-serialises its whole configuration, which cost more than the validation itself.
GX is imported here only, lazily, and one engine serves every run of the process: importing
GX takes seconds, and the Dagster definitions load `all_checks()` without validating.

Results are asked for in the SUMMARY format without `unexpected_index_column_names`: GX then
returns the exact unexpected count and the DataFrame index of the first failing rows, which
is all a sample needs (asking GX for the identifying columns of every failing row costs
minutes when a rule fails on most of a million rows).
"""

from __future__ import annotations

import importlib
import sys
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Outcome:
    """What GX said about one expectation."""

    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    index_labels: list[Any] = field(default_factory=list)
    observed_value: Any = None
    error: str | None = None


def _error_message(exception_info: Any) -> str | None:
    if not isinstance(exception_info, dict):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message") or "unknown error")
    for value in exception_info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "unknown error")
    return None


# Spark Connect modules GX tries to import when PySpark is installed. On import, PySpark's
# Spark Connect checks whether `__main__` looks like a doctest run (no `__file__`, as in
# `python -c`, a notebook kernel or a pytest-xdist worker) and then calls sys.exit(0), which
# GX's `except ImportError` does not catch: the process would end silently, mid-check.
_SPARK_CONNECT_MODULES = ("pyspark.sql.connect.dataframe", "pyspark.sql.connect.session")


def _block_spark_connect() -> None:
    """Make GX's optional Spark Connect imports fail as ImportError (GX then treats Spark
    Connect as not installed); the checks validate pandas frames and never use Spark."""
    for name in _SPARK_CONNECT_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


class GxEngine:
    """An ephemeral GX context able to validate any pandas frame."""

    def __init__(self) -> None:
        _block_spark_connect()
        with warnings.catch_warnings():
            # GX imports PySpark when it is installed (the dbt models' Spark engine needs it);
            # its warning about pandas 3 concerns Spark's pandas API, which the checks never use.
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
            gx = importlib.import_module("great_expectations")
        base = importlib.import_module("great_expectations.data_context.types.base")
        self._gx = gx
        self._expectations = importlib.import_module("great_expectations.expectations")
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = base.ProgressBarsConfig(globally=False)
        source = self._context.data_sources.add_pandas("work_warehouse")
        asset = source.add_dataframe_asset("frames")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
        self._lock = threading.Lock()

    def expectation(self, kind: str, kwargs: dict[str, Any], tag: str) -> Any:
        cls = getattr(self._expectations, kind, None)
        if cls is None:
            raise ValueError(f"great_expectations.expectations has no {kind}")
        return cls(**kwargs, meta={"check": tag})

    def validate(
        self, name: str, data: pd.DataFrame, expectations: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> dict[str, list[Outcome]]:
        """Validate `data`; `expectations` are (tag, GX class name, kwargs); outcomes by tag."""
        suite = self._gx.ExpectationSuite(
            name=name,
            expectations=[
                self.expectation(kind, kwargs, tag) for tag, kind, kwargs in expectations
            ],
        )
        with self._lock:
            batch = self._batch_definition.get_batch(batch_parameters={"dataframe": data})
            run = batch.validate(
                suite,
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE},
            )
        outcomes: dict[str, list[Outcome]] = {}
        for result in run.results:
            tag = str(result.expectation_config.meta["check"])
            details = result.result or {}
            outcomes.setdefault(tag, []).append(
                Outcome(
                    success=bool(result.success),
                    element_count=details.get("element_count"),
                    unexpected_count=details.get("unexpected_count"),
                    index_labels=list(details.get("partial_unexpected_index_list") or []),
                    observed_value=details.get("observed_value"),
                    error=_error_message(result.exception_info),
                )
            )
        return outcomes


_engine: GxEngine | None = None
_engine_lock = threading.Lock()


def engine() -> GxEngine:
    """The process's GX engine, created on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = GxEngine()
        return _engine
