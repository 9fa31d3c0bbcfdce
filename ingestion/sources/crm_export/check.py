"""Check a CRM CSV export without loading it: what would stop a run, what a run would set aside.

`spm check-landing` calls `check_crm_export` for the `crm_export/` folder: the mapping against
the files it names (files, columns, required fields, stage values covered), and the rule that
`crm/` and `crm_export/` are not both landed. Nothing is written anywhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingestion.errors import LandingFileError
from ingestion.sources.crm_export.contract import FOLDER, CrmExportError
from ingestion.sources.crm_export.export import ExportTables, build_export


def _landing(folder: Path) -> Path:
    """The landing root of a `crm_export/` folder (the folder itself may be given)."""
    folder = Path(folder)
    return folder.parent if folder.name == FOLDER else folder


def _build(folder: Path) -> tuple[ExportTables | None, list[str]]:
    landing = _landing(folder)
    problems: list[str] = []
    if (landing / "crm").is_dir():
        problems.append(
            f"{FOLDER}: both crm/ and crm_export/ are in {landing}; keep one: crm/ for a"
            " Salesforce Data Export, crm_export/ (with mapping.yml) for any other CRM's CSV"
            " export"
        )
    try:
        built = build_export(landing, dt.datetime.now(dt.UTC))
    except CrmExportError as exc:
        return None, problems + exc.problems
    except LandingFileError as exc:
        return None, [*problems, str(exc)]
    return built, problems


def check_crm_export(folder: Path) -> list[str]:
    """What would stop a load of the export, one sentence each; empty when it would load.

    `folder` is the `crm_export/` folder (or the landing root that holds it).
    """
    return _build(folder)[1]


def crm_export_warnings(folder: Path) -> list[str]:
    """What a load would do on the user's behalf: cells set aside, owners with no team."""
    built, problems = _build(folder)
    if built is None or problems:
        return []
    warnings = []
    rejects = built.rejects.to_pylist()
    if rejects:
        shown = "; ".join(
            f"{r['file_name']} row {r['file_row']}, field {r['field_name']}: {r['reason']}"
            f" ({r['cell_value']!r})"
            for r in rejects[:5]
        )
        more = f" and {len(rejects) - 5} more" if len(rejects) > 5 else ""
        deals = len({(r["file_name"], r["file_row"]) for r in rejects})
        warnings.append(
            f"{FOLDER}: {deals} deal(s) have cells that cannot be read and would be quarantined"
            f" (quarantine.crm_export_rejects): {shown}{more}"
        )
    if built.unassigned_owners:
        warnings.append(
            f"{FOLDER}: {len(built.unassigned_owners)} deal owner(s) are in no team of the"
            " people file and would form the 'Unassigned' team: "
            + ", ".join(built.unassigned_owners)
        )
    return warnings
