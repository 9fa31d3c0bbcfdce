"""What a check is and what running one says: the two types the orchestration layer sees.

The lead's Dagster code turns each `CheckSpec` into an asset check on `asset_key` (blocking
when severity is "error") and each `CheckResult` into its outcome, so both are plain frozen
data with no Great Expectations types in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@dataclass(frozen=True)
class CheckSpec:
    """One named rule on one asset.

    `asset_key` follows the asset-key contract: raw tables are `(<system>, <table>)`
    (e.g. `("crm", "opportunity")`), dbt models are `(<model name>,)`.
    Severity "error" blocks publishing when the check fails; "warning" publishes and reports.
    """

    name: str
    asset_key: tuple[str, ...]
    severity: Severity
    description: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"check {self.name}: severity {self.severity!r} not in {SEVERITIES}")

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    @property
    def asset(self) -> str:
        """The asset key written as Dagster prints it: `crm/opportunity`."""
        return "/".join(self.asset_key)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check on the current work warehouse.

    `failing_rows` counts the rows that broke the rule (for table-level rules such as
    freshness and drift, which validate one summary row, it is 1 when they fail).
    `sample` holds up to five failing rows as JSON-ready dicts: their identifying columns
    and the values the rule looked at. `message` says what was found in words.
    """

    name: str
    asset_key: tuple[str, ...]
    severity: Severity
    passed: bool
    failing_rows: int
    sample: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    @property
    def outcome(self) -> Literal["passed", "warned", "failed"]:
        """`failed` only when a blocking check did not pass: that is what stops publish."""
        if self.passed:
            return "passed"
        return "failed" if self.blocking else "warned"

    @property
    def asset(self) -> str:
        return "/".join(self.asset_key)
