"""The landing inventory as an asset check: no landing file is ignored without a word.

A file under the landing root that no source loads (a misnamed export, a copy with ` (1)` in
its name) or that is refused (a symbolic link) fails this check: a warning by default, a
blocking check (nothing published) with `SPM_LANDING_STRICT=true`. It sits on the CRM's
opportunities, the one table every run loads.
"""

import dagster as dg

from ingestion.landing_files import describe_not_recognised, scan_landing
from orchestration.settings import Settings

CHECK_NAME = "landing_files_recognised"
CHECKED_ASSET = dg.AssetKey(["crm", "opportunity"])


def build_landing_check(settings: Settings) -> dg.AssetChecksDefinition:
    strict = settings.landing_strict
    severity = dg.AssetCheckSeverity.ERROR if strict else dg.AssetCheckSeverity.WARN

    @dg.asset_check(
        asset=CHECKED_ASSET,
        name=CHECK_NAME,
        blocking=settings.landing_strict,
        description=(
            f"[{'error' if settings.landing_strict else 'warning'}] every file under the landing"
            " folder is loaded by a source; none is ignored or refused (a symbolic link)"
        ),
    )
    def landing_files_recognised() -> dg.AssetCheckResult:
        inventory = scan_landing(settings.landing_dir)
        lines = describe_not_recognised(inventory)
        return dg.AssetCheckResult(
            passed=not lines,
            severity=severity,
            metadata={
                "failing_rows": len(lines),
                "message": "\n".join(lines),
                "sample": dg.MetadataValue.json(lines[:20]),
            },
        )

    return landing_files_recognised
