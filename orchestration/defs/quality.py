"""Great Expectations suites as Dagster asset checks, one multi-check per checked asset.

Severity is set on purpose in `data_quality`: an `error` check is blocking (nothing downstream
of the asset is built or published when it fails), a `warning` check is reported only. dbt tests
reach Dagster as asset checks through dagster-dbt (see defs/transform.py).
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg

from data_quality import CheckSpec, all_checks, run_checks
from orchestration.defs.keys import WRITER_POOL
from orchestration.defs.transform import model_asset_key
from orchestration.run_lock import warehouse_lock
from orchestration.settings import Settings


def resolve_key(spec: CheckSpec, manifest: Mapping[str, Any]) -> dg.AssetKey:
    """Raw checks name `<system>/<table>`; mart checks name the dbt model."""
    key = tuple(spec.asset_key)
    if len(key) == 1:
        model_key = model_asset_key(manifest, key[0])
        if model_key is not None:
            return model_key
    return dg.AssetKey(list(key))


def _severity(spec: CheckSpec) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if spec.severity == "error" else dg.AssetCheckSeverity.WARN


def build_quality_checks(
    settings: Settings, manifest: Mapping[str, Any], known_keys: set[dg.AssetKey]
) -> list[dg.AssetChecksDefinition]:
    by_asset: dict[dg.AssetKey, list[CheckSpec]] = defaultdict(list)
    for spec in all_checks():
        key = resolve_key(spec, manifest)
        if key not in known_keys and _replaced_crm(key, settings):
            continue
        if key not in known_keys:
            # A check on a renamed or removed table would otherwise vanish without a word,
            # and with it a gate in front of publishing.
            raise ValueError(
                f"quality check {spec.name} is on {'/'.join(spec.asset_key)}, which is no "
                f"asset of the pipeline (resolved to {key.to_user_string()}); rename or "
                "remove the check in data_quality/suites/"
            )
        by_asset[key].append(spec)
    return [_checks_for(settings, key, specs) for key, specs in sorted(by_asset.items())]


def _replaced_crm(key: dg.AssetKey, settings: Settings) -> bool:
    """A check on raw_crm when the CRM is HubSpot, which lands in raw_hubspot instead."""
    return settings.crm == "hubspot" and key.path[0] == "crm" and len(key.path) == 2


def _checks_for(
    settings: Settings, key: dg.AssetKey, specs: list[CheckSpec]
) -> dg.AssetChecksDefinition:
    check_specs = [
        dg.AssetCheckSpec(
            name=spec.name,
            asset=key,
            blocking=spec.severity == "error",
            description=f"[{spec.severity}] {spec.description}",
        )
        for spec in specs
    ]
    by_name = {spec.name: spec for spec in specs}
    original_key = tuple(specs[0].asset_key)

    @dg.multi_asset_check(
        name="gx_" + "__".join(key.path).replace("-", "_"),
        specs=check_specs,
        pool=WRITER_POOL,
        compute_kind="great_expectations",
    )
    def _run(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        with warehouse_lock(settings.warehouse_dir):
            results = run_checks(
                settings.work_db,
                settings.as_of,
                settings.warehouse_dir / "quality_state",
                only_assets=[original_key],
                config=settings.quality_config(),
            )
        for result in results:
            if result.name not in by_name:
                continue
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=result.name,
                passed=bool(result.passed),
                severity=_severity(by_name[result.name]),
                metadata={
                    "failing_rows": int(result.failing_rows or 0),
                    "message": result.message or "",
                    "sample": dg.MetadataValue.json(list(result.sample or [])[:5]),
                },
            )

    return _run
