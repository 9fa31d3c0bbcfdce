"""Which datasets of the landing contract a landing folder holds, and what each missing one costs.

The wording of what a dataset adds lives in one place, the dbt seed
`dbt_project/seeds/source_datasets.csv` (the pages read it from the warehouse); the run
summary, the run report and `spm check-landing` read the same file from here, so a user sees
one sentence per missing dataset everywhere: "No quotas loaded: attainment, pace and
leaderboards by attainment need compensation/quotas_FY<yyyy>.xlsx".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ingestion.presence import CRM_EXPORT_FOLDER

SEED = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "source_datasets.csv"


@dataclass(frozen=True)
class Dataset:
    """One row of the seed: a dataset of a system, its raw table and landing files."""

    system: str
    dataset: str
    raw_table: str
    landing_pattern: str
    is_required: bool
    adds: str

    def missing_sentence(self) -> str:
        """What the company misses without it, in the seed's words."""
        files = self.landing_pattern.split(" (")[0]
        adds, _, otherwise = self.adds.partition(" (")
        verb = "need" if ("," in adds or " and " in adds) else "needs"
        sentence = f"No {self.dataset.replace('_', ' ')} loaded: {adds} {verb} {files}"
        return f"{sentence} ({otherwise}" if otherwise else sentence


def datasets(seed: Path = SEED) -> list[Dataset]:
    with Path(seed).open(newline="", encoding="utf-8") as handle:
        return [
            Dataset(
                system=row["system"],
                dataset=row["dataset"],
                raw_table=row["raw_table"],
                landing_pattern=row["landing_pattern"],
                is_required=row["is_required"].strip().lower() == "true",
                adds=row["adds"],
            )
            for row in csv.DictReader(handle)
        ]


def _pattern_present(landing_dir: Path, pattern: str) -> bool:
    """Whether any file matches a seed pattern (`YYYY`, `MM`, `DD`, `<yyyy>` are wildcards)."""
    glob = (
        pattern.split(" (")[0]
        .replace("<yyyy>", "[0-9][0-9][0-9][0-9]")
        .replace("YYYY", "[0-9][0-9][0-9][0-9]")
        .replace("MM", "[0-9][0-9]")
        .replace("DD", "[0-9][0-9]")
    )
    return any(path.is_file() for path in Path(landing_dir).glob(glob))


def missing_datasets(landing_dir: Path) -> list[Dataset]:
    """The datasets with no landing file in `landing_dir`, in the seed's order.

    A CRM export through `crm_export/mapping.yml` holds opportunities (and users when it has
    a people file), so those are not reported missing when the folder is there.
    """
    landing = Path(landing_dir)
    export = (landing / CRM_EXPORT_FOLDER).is_dir()
    missing = []
    for dataset in datasets():
        if export and dataset.system == "crm" and CRM_EXPORT_FOLDER in dataset.landing_pattern:
            continue
        if not _pattern_present(landing, dataset.landing_pattern):
            missing.append(dataset)
    return missing


def missing_report(landing_dir: Path) -> list[dict[str, str]]:
    """The missing datasets as JSON-ready rows for the run report (and its `message`)."""
    return [
        {
            "system": d.system,
            "dataset": d.dataset,
            "raw_table": f"raw_{d.system}.{d.raw_table}",
            "landing_pattern": d.landing_pattern,
            "adds": d.adds,
            "message": d.missing_sentence(),
        }
        for d in missing_datasets(landing_dir)
    ]
