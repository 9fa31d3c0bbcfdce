"""Run the GX suites on the work warehouse and say, per check, what was found.

`run_checks` is what `spm check` and the Dagster asset checks call. It reads each needed
frame once (only the columns its rules use), validates it with GX, and returns one
`CheckResult` per selected check in suite order. It never raises for a data problem: a
missing warehouse, table or column is a failed result with a message naming it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from data_quality.config import QualityConfig
from data_quality.frames import FrameUnavailable, LoadedFrame, load_frame
from data_quality.gx_engine import SAMPLE_SIZE, GxEngine, Outcome, engine
from data_quality.landed import company_stages, convertible_currencies, deal_total, never_landed
from data_quality.rules import Frame, GxCheck, Params, PreviousCount
from data_quality.samples import json_value, sample_rows
from data_quality.spec import CheckResult, CheckSpec
from data_quality.state import load_previous_counts
from data_quality.suites import all_gx_checks
from data_quality.warehouse import connect, existing_columns

AssetKeyLike = tuple[str, ...] | list[str] | str


def _asset_key(value: AssetKeyLike) -> tuple[str, ...]:
    return tuple(value.split("/")) if isinstance(value, str) else tuple(value)


def select_checks(
    only_assets: Iterable[AssetKeyLike] | None = None,
    only_checks: Iterable[str] | None = None,
) -> list[GxCheck]:
    """The checks on the given assets and/or with the given names (all when both are None).

    An unknown check name is a programming error and raises; an asset with no check simply
    selects nothing.
    """
    checks = all_gx_checks()
    if only_assets is not None:
        assets = {_asset_key(a) for a in only_assets}
        checks = [c for c in checks if c.spec.asset_key in assets]
    if only_checks is not None:
        names = set(only_checks)
        unknown = names - {c.spec.name for c in all_gx_checks()}
        if unknown:
            raise ValueError(f"unknown check name(s): {', '.join(sorted(unknown))}")
        checks = [c for c in checks if c.spec.name in names]
    return checks


def _failed(spec: CheckSpec, message: str) -> CheckResult:
    return CheckResult(
        name=spec.name,
        asset_key=spec.asset_key,
        severity=spec.severity,
        passed=False,
        failing_rows=0,
        sample=[],
        message=message,
    )


def _skipped(spec: CheckSpec, tables: list[str]) -> CheckResult:
    """A check on data that never landed passes, and says it judged nothing."""
    return CheckResult(
        name=spec.name,
        asset_key=spec.asset_key,
        severity=spec.severity,
        passed=True,
        failing_rows=0,
        sample=[],
        message=(
            f"skipped: {', '.join(tables)} never landed (no row now, none at the last "
            "published load): its system or optional file is absent"
        ),
    )


def run_params(
    con: duckdb.DuckDBPyConnection,
    columns: Mapping[str, set[str]],
    as_of: dt.date,
    config: QualityConfig,
    previous_counts: Mapping[str, PreviousCount],
) -> Params:
    """What the rules of this run depend on, read from the work warehouse once."""
    return Params(
        as_of=as_of,
        config=config,
        previous_counts=previous_counts,
        stages=company_stages(con, columns),
        currencies=convertible_currencies(con, columns, config),
        deal_total=deal_total(con, columns),
    )


def checks_by_frame(checks: list[GxCheck]) -> list[tuple[Frame, list[GxCheck]]]:
    """The checks grouped by the frame they read, so each frame is read once."""
    groups: dict[str, tuple[Frame, list[GxCheck]]] = {}
    for check in checks:
        groups.setdefault(check.frame.name, (check.frame, []))[1].append(check)
    return list(groups.values())


def _sampling_note(loaded: LoadedFrame) -> str:
    if not loaded.sampled:
        return ""
    return f" (repeatable reservoir sample of {len(loaded.data):,} of {loaded.total_rows:,} rows)"


def build_result(check: GxCheck, loaded: LoadedFrame, outcomes: list[Outcome]) -> CheckResult:
    """One check's result from GX's outcomes on its frame."""
    spec = check.spec
    errors = [o.error for o in outcomes if o.error]
    if errors or len(outcomes) != len(check.expectations):
        return _failed(
            spec, f"GX could not evaluate the rule: {errors[0] if errors else 'no result'}"
        )
    data = loaded.data
    passed = all(o.success for o in outcomes)
    if check.skip_when_empty and data.empty:
        return CheckResult(
            spec.name, spec.asset_key, spec.severity, True, 0, [], "no rows to judge"
        )

    if check.frame.summary:
        sample = sample_rows(data, list(data.index), list(data.columns))
        failing = 0 if passed else len(data)
        if check.explain and sample:
            message = check.explain(sample[0])
        else:
            message = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in sample)
        return CheckResult(
            spec.name,
            spec.asset_key,
            spec.severity,
            passed,
            failing,
            [] if passed else sample,
            message,
        )

    outcome = outcomes[0]
    checked = outcome.element_count if outcome.element_count is not None else len(data)
    if check.expectations[0].aggregate:
        observed = json_value(outcome.observed_value)
        word = "within" if passed else "outside"
        message = f"observed {observed} over {checked:,} rows: {word} the expected range"
        return CheckResult(
            spec.name,
            spec.asset_key,
            spec.severity,
            passed,
            0,
            [],
            message + _sampling_note(loaded),
        )

    failing = int(outcome.unexpected_count or 0)
    if passed:
        message = f"{checked:,} rows checked, none breaks the rule"
        sample: list[dict] = []
    else:
        message = f"{failing:,} of {checked:,} rows break the rule"
        sample = sample_rows(data, outcome.index_labels[:SAMPLE_SIZE], check.sample_columns())
    return CheckResult(
        spec.name,
        spec.asset_key,
        spec.severity,
        passed,
        failing,
        sample,
        message + _sampling_note(loaded),
    )


def run_checks(
    work_db: Path,
    as_of: dt.date,
    state_dir: Path,
    only_assets: Iterable[AssetKeyLike] | None = None,
    *,
    only_checks: Iterable[str] | None = None,
    config: QualityConfig | None = None,
) -> list[CheckResult]:
    """Run the selected checks on `work_db` as of `as_of`; drift compares with `state_dir`.

    only_assets: asset keys as tuples (`("crm", "opportunity")`) or strings
    (`"crm/opportunity"`, `"rep_performance"`). only_checks: check names.
    Raises only when the warehouse file exists but cannot be opened read-only (a writer
    holds it), or when `state_dir` holds an unreadable count file.
    """
    config = config or QualityConfig()
    checks = select_checks(only_assets, only_checks)
    if not checks:
        return []
    previous_counts = load_previous_counts(state_dir)
    try:
        con = connect(Path(work_db), config.duckdb_config)
    except FileNotFoundError as exc:
        return [_failed(c.spec, str(exc)) for c in checks]
    except duckdb.Error as exc:
        raise RuntimeError(
            f"cannot open the work warehouse {work_db} read-only ({exc}); is a load or a dbt "
            "build writing it?"
        ) from exc

    results: dict[str, CheckResult] = {}
    gx: GxEngine | None = None
    with con:
        columns = existing_columns(con)
        params = run_params(con, columns, as_of, config, previous_counts)
        absent = never_landed(con, columns, previous_counts)
        for frame, group in checks_by_frame(checks):
            raw_reads = [t for t in frame.reads if t.startswith("raw_")]
            if raw_reads and all(t in absent for t in raw_reads):
                for check in group:
                    results[check.spec.name] = _skipped(check.spec, raw_reads)
                continue
            try:
                loaded = load_frame(con, frame, params, columns)
            except FrameUnavailable as exc:
                for check in group:
                    results[check.spec.name] = _failed(check.spec, str(exc))
                continue
            gx = gx or engine()
            outcomes = gx.validate(
                frame.name,
                loaded.data,
                [
                    (check.spec.name, expectation.kind, expectation.resolved(params))
                    for check in group
                    for expectation in check.expectations
                ],
            )
            for check in group:
                results[check.spec.name] = build_result(
                    check, loaded, outcomes.get(check.spec.name, [])
                )
    return [results[c.spec.name] for c in checks]
