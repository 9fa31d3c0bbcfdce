"""Which source systems a landing folder holds, and what a load does about the absent ones.

Only the CRM is required: `crm/` (Salesforce's export) or `crm_export/` (any CRM's CSV
export with a `mapping.yml`). Every other system may be absent, meaning it has no folder; its
load is skipped and its raw tables are created empty. A system that landed before and whose
folder has since vanished is an error, not a skip: its raw tables still hold rows that every
published number rests on, and a folder that silently disappears is far more often a broken
sync than a company that stopped using a system.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.errors import LandingFileError
from ingestion.raw_tables import raw_row_counts

REQUIRED_SYSTEM = "crm"
CRM_EXPORT_FOLDER = "crm_export"


def system_present(landing_dir: Path, system: str) -> bool:
    """A system is present when its folder exists in the landing root."""
    return (Path(landing_dir) / system).is_dir()


def crm_export_present(landing_dir: Path) -> bool:
    return (Path(landing_dir) / CRM_EXPORT_FOLDER).is_dir()


def system_to_load(landing_dir: Path, system: str) -> bool:
    """Whether a run loads the system: its folder exists, or for the CRM, `crm_export/` does.

    The CRM system's source reads `crm_export/` (any CRM's CSV export with a mapping) when
    that folder exists (`ingestion.sources.crm_export.crm_system_source`).
    """
    if system == REQUIRED_SYSTEM and crm_export_present(landing_dir):
        return True
    return system_present(landing_dir, system)


def absent_reason(system: str, landing_dir: Path, work_db: Path) -> str:
    """Why the load of an absent system is skipped; raise when it must not be skipped.

    Raises `LandingFileError` when the CRM has neither folder, or when the system's raw
    tables hold rows from earlier loads (it vanished).
    """
    landing = Path(landing_dir)
    if system == REQUIRED_SYSTEM and not crm_export_present(landing):
        raise LandingFileError(
            f"{system}/",
            None,
            None,
            f"folder not found in {landing}: the CRM is the one required system (put "
            f"Salesforce's export in {system}/, or any CRM's CSV export with a mapping.yml in "
            f"{CRM_EXPORT_FOLDER}/)",
        )
    rows = sum(raw_row_counts(Path(work_db), system).values())
    if rows:
        raise LandingFileError(
            f"{system}/",
            None,
            None,
            f"folder not found in {landing}, but raw_{system} holds {rows:,} rows from earlier "
            f"loads: a system that landed before may not vanish (restore the folder; to stop "
            f"using {system} on purpose, drop the schema raw_{system} from {work_db})",
        )
    if system == REQUIRED_SYSTEM:
        return f"{system} absent: the CRM comes from {CRM_EXPORT_FOLDER}/ instead"
    return f"skipped: {system} absent (no folder {system}/ in {landing})"
