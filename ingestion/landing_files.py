"""Every file under the landing root, sorted into what a run loads and what it does not.

Each source reads the files its contract names and nothing else, so a file saved under
another name (`quotas_FY2026 (1).xlsx`, `Opportunity (1).csv`, `activités.jsonl`) used to be
ignored without a word while the run exited 0. This inventory lists every such file, so the
run summary and the run report can say "not recognised" (a warning; `SPM_LANDING_STRICT=true`
makes it blocking). Symbolic links are refused here as by the loads: a landing file is a real
file inside the landing folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from ingestion.sources.compensation.contract import CSV_FILES as COMPENSATION_FILES
from ingestion.sources.compensation.contract import FOLDER as COMPENSATION
from ingestion.sources.compensation.contract import QUOTA_FILE_GLOB
from ingestion.sources.crm.contract import OBJECTS as CRM_OBJECTS
from ingestion.sources.finance.contract import FILE as FX_FILE
from ingestion.sources.revenue_intelligence.contract import FILE as FORECAST_FILE
from ingestion.sources.sales_analytics.contract import DAY_FILE_PATTERN
from ingestion.sources.sales_analytics.contract import FOLDER as SALES_ANALYTICS

# The demo generator's description of the company it wrote (read by `spm demo`).
DEMO_MANIFEST = "_manifest.json"


def recognised_patterns() -> tuple[str, ...]:
    """Glob patterns (relative to the landing root) of every file some source loads."""
    return (
        DEMO_MANIFEST,
        *(obj.file for obj in CRM_OBJECTS),
        f"{SALES_ANALYTICS}/{DAY_FILE_PATTERN}",
        f"{COMPENSATION}/{QUOTA_FILE_GLOB}",
        *(f"{COMPENSATION}/{name}" for name in COMPENSATION_FILES),
        FX_FILE,
        FORECAST_FILE,
    )


@dataclass
class LandingInventory:
    """Files under the landing root, by what a run does with them (paths relative, sorted)."""

    recognised: list[str] = field(default_factory=list)
    not_recognised: list[str] = field(default_factory=list)
    # symbolic links (and anything else that is not a regular file): refused
    refused: dict[str, str] = field(default_factory=dict)

    def as_report(self) -> dict[str, object]:
        return {
            "files_recognised": len(self.recognised),
            "not_recognised": list(self.not_recognised),
            "refused": dict(self.refused),
        }


def scan_landing(landing_dir: Path) -> LandingInventory:
    """Walk the landing root (without following links) and sort every file."""
    inventory = LandingInventory()
    root = Path(landing_dir)
    if not root.is_dir():
        return inventory
    patterns = recognised_patterns()
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                relative = (base / name).relative_to(root).as_posix()
                inventory.refused[relative] = "is a symbolic link to a folder; not followed"
        for name in sorted(files):
            path = base / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                inventory.refused[relative] = "is a symbolic link; not followed"
            elif not path.is_file():
                inventory.refused[relative] = "is not a regular file"
            elif any(fnmatchcase(relative, pattern) for pattern in patterns):
                inventory.recognised.append(relative)
            else:
                inventory.not_recognised.append(relative)
    inventory.recognised.sort()
    inventory.not_recognised.sort()
    return inventory


def describe_not_recognised(inventory: LandingInventory) -> list[str]:
    """One line per file a run does not load, for the summary and the check."""
    lines = [
        f"{relative}: not recognised (no source loads a file of this name; rename it to the"
        " name the landing contract gives, or move it out of the landing folder)"
        for relative in inventory.not_recognised
    ]
    lines += [f"{relative}: refused, {why}" for relative, why in inventory.refused.items()]
    return lines
