"""`spm check-landing`: what a run would do with each system of a landing folder, in seconds.

Nothing is loaded and no warehouse is written: each present system's files are read with the
sources' own validators (headers, types, keys; the activity feed by a sample of its day files
unless every row is asked for) and judged together where a run would judge them (stages
covered by the OpportunityStage export, deal currencies with FX rates). Each system gets a
verdict: `load`, `skip` (absent: it has no folder) or `fail` with the problems (file, row,
field), worded as the load would word them.

Checks are a registry, one function per system (`SYSTEM_CHECKS`), so a new source plugs in
its own; `crm_export/` (a CRM's CSV export with a mapping file) is checked by
`ingestion.sources.crm_export.check.check_crm_export` when that source is installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.datasets import missing_datasets
from ingestion.errors import IngestionError, LandingFileError
from ingestion.fields import TableSpec
from ingestion.landing import LandingFile, landing_file, landing_files
from ingestion.pipeline import SYSTEMS
from ingestion.presence import CRM_EXPORT_FOLDER, absent_reason, system_present
from ingestion.records import csv_records

ISO_CURRENCY_LENGTH = 3


@dataclass
class Findings:
    """What one system's check found: problems make the run fail, warnings do not."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: int = 0


@dataclass(frozen=True)
class Verdict:
    """What a run would do with one system: `load`, `skip` or `fail`, and why."""

    system: str
    action: str
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    detail: str = ""


SystemCheck = Callable[[Path, bool, str], Findings]
"""(landing_dir, all_rows, corporate_currency) -> findings of one present system."""


def _read_csv(
    landing: Path,
    relative: str,
    spec: TableSpec,
    found: Findings,
    *,
    rows_required: bool,
    unique: bool = True,
) -> pa.Table | None:
    """The file's typed rows, or None with the load's error recorded as a problem.

    `unique=False` for the CRM, whose loader keeps the latest of repeated ids.
    """
    try:
        table = csv_records(
            landing_file(landing, relative), spec, unique=unique, rows_required=rows_required
        )
    except LandingFileError as exc:
        found.problems.append(str(exc))
        return None
    found.files += 1
    return table


def _distinct(table: pa.Table, column: str) -> dict[str, int]:
    """Counts of each non-null value of a column."""
    counts = pc.value_counts(table[column].drop_null())
    return {str(row["values"]): int(row["counts"]) for row in counts.to_pylist()}


def _live(table: pa.Table) -> pa.Table:
    """Rows not soft-deleted (the rows a run counts)."""
    if "is_deleted" not in table.column_names:
        return table
    return table.filter(pc.invert(pc.fill_null(table["is_deleted"], False)))


def _deal_currencies(landing: Path, deals: pa.Table, corporate: str, found: Findings) -> None:
    """Deal currencies must be ISO codes; foreign ones need a rate (else quarantined)."""
    currencies = _distinct(deals, "currency_iso_code")
    for code, n in sorted(currencies.items()):
        if len(code) != ISO_CURRENCY_LENGTH or not code.isalpha() or not code.isupper():
            found.warnings.append(
                f"crm/Opportunity.csv: {n:,} deal(s) in {code!r}, not an ISO 4217 code "
                "(three upper-case letters): they would be quarantined"
            )
    foreign = {c: n for c, n in currencies.items() if c != corporate and len(c) == 3}
    if not foreign:
        return
    from ingestion.sources.finance.contract import FILE, FX_RATES

    if not (landing / FILE).is_file():
        for code, n in sorted(foreign.items()):
            found.warnings.append(
                f"crm/Opportunity.csv: {n:,} deal(s) in {code}, and there is no {FILE}: they "
                f"would be quarantined (no rate to {corporate})"
            )
        return
    try:
        rates = csv_records(landing_file(landing, FILE), FX_RATES)
    except LandingFileError:
        return  # the finance check reports it
    with_rate = set(_distinct(rates, "currency"))
    for code, n in sorted(foreign.items()):
        if code not in with_rate:
            found.warnings.append(
                f"crm/Opportunity.csv: {n:,} deal(s) in {code}, and {FILE} has no {code} "
                "rate: they would be quarantined"
            )


def _stages_covered(deals: pa.Table, stages: pa.Table, found: Findings) -> None:
    """Every stage the deals carry is a MasterLabel or ApiName of the stage export."""
    known = set(_distinct(stages, "master_label")) | set(_distinct(stages, "api_name"))
    unknown = {s: n for s, n in _distinct(deals, "stage_name").items() if s not in known}
    if unknown:
        listed = ", ".join(f"{s!r} ({n:,} deals)" for s, n in sorted(unknown.items()))
        found.problems.append(
            "crm/Opportunity.csv, field StageName: stage(s) not in crm/OpportunityStage.csv "
            f"(MasterLabel or ApiName): {listed}"
        )


def check_crm(landing: Path, all_rows: bool, corporate: str) -> Findings:
    """Salesforce's export: required users and deals, optional objects, stages, currencies."""
    from ingestion.sources.crm.contract import OBJECTS

    found = Findings()
    tables: dict[str, pa.Table] = {}
    for obj in OBJECTS:
        if not obj.required and not (landing / obj.file).is_file():
            continue
        table = _read_csv(
            landing, obj.file, obj.spec, found, rows_required=obj.required, unique=False
        )
        if table is not None:
            tables[obj.object_name] = _live(table)
    deals = tables.get("Opportunity")
    if deals is None:
        return found
    stages = tables.get("OpportunityStage")
    if stages is not None and stages.num_rows:
        _stages_covered(deals, stages, found)
    _deal_currencies(landing, deals, corporate, found)
    return found


def check_crm_export(landing: Path, all_rows: bool, corporate: str) -> Findings:
    """A CRM's CSV export with a mapping file, checked by its own source package."""
    found = Findings()
    try:
        module = importlib.import_module("ingestion.sources.crm_export.check")
    except ModuleNotFoundError:
        found.problems.append(
            f"{CRM_EXPORT_FOLDER}/: this installation has no crm_export source to read it"
        )
        return found
    found.problems.extend(module.check_crm_export(landing / CRM_EXPORT_FOLDER))
    if not found.problems:
        found.warnings.extend(module.crm_export_warnings(landing / CRM_EXPORT_FOLDER))
    found.files += 1
    return found


def _sample(files: list[LandingFile], all_rows: bool) -> list[LandingFile]:
    if all_rows or len(files) <= 2:
        return files
    return [files[0], files[-1]]


def check_sales_analytics(landing: Path, all_rows: bool, corporate: str) -> Findings:
    """Day files: folder names are days; the first and last day (or every day) are read."""
    from ingestion.sources.sales_analytics.contract import DAY_FILE_PATTERN, FOLDER
    from ingestion.sources.sales_analytics.source import _day_table

    found = Findings()
    files = landing_files(landing, FOLDER, DAY_FILE_PATTERN)
    for file in _sample(files, all_rows):
        try:
            _day_table(file)
        except LandingFileError as exc:
            found.problems.append(str(exc))
            break
    found.files = len(files)
    if not files:
        found.warnings.append(f"{FOLDER}/: no day file YYYY/MM/DD/activities.jsonl yet")
    return found


def check_revenue_intelligence(landing: Path, all_rows: bool, corporate: str) -> Findings:
    from ingestion.sources.revenue_intelligence.contract import FILE, FORECAST_SUBMISSIONS

    found = Findings()
    _read_csv(landing, FILE, FORECAST_SUBMISSIONS, found, rows_required=False)
    return found


def check_compensation(landing: Path, all_rows: bool, corporate: str) -> Findings:
    """Every file is optional; the quota workbooks and ICM exports present are read whole."""
    from ingestion.sources.compensation.contract import CSV_FILES, FOLDER, QUOTA_FILE_GLOB
    from ingestion.sources.compensation.quotas import read_quota_workbook

    found = Findings()
    for file in landing_files(landing, FOLDER, QUOTA_FILE_GLOB):
        try:
            read_quota_workbook(file)
        except LandingFileError as exc:
            found.problems.append(str(exc))
            continue
        found.files += 1
    for name, spec in CSV_FILES.items():
        if (landing / FOLDER / name).is_file():
            _read_csv(landing, f"{FOLDER}/{name}", spec, found, rows_required=False)
    return found


def check_finance(landing: Path, all_rows: bool, corporate: str) -> Findings:
    from ingestion.sources.finance.contract import FILE, FX_RATES

    found = Findings()
    _read_csv(landing, FILE, FX_RATES, found, rows_required=False)
    return found


SYSTEM_CHECKS: dict[str, SystemCheck] = {
    "crm": check_crm,
    CRM_EXPORT_FOLDER: check_crm_export,
    "sales_analytics": check_sales_analytics,
    "revenue_intelligence": check_revenue_intelligence,
    "compensation": check_compensation,
    "finance": check_finance,
}
"""One check per landing folder; a source adds its own here."""


def _verdict(
    system: str, landing: Path, all_rows: bool, corporate: str, work_db: Path | None
) -> Verdict:
    if not system_present(landing, system):
        if system == CRM_EXPORT_FOLDER:
            return Verdict(system, "skip", detail="absent")
        try:
            reason = absent_reason(system, landing, work_db or landing / "no-warehouse")
        except IngestionError as exc:
            return Verdict(system, "fail", problems=(str(exc),))
        if system == "crm":
            return Verdict(
                system, "skip", detail=f"absent: the CRM comes from {CRM_EXPORT_FOLDER}/"
            )
        return Verdict(system, "skip", detail=reason.removeprefix("skipped: "))
    try:
        found = SYSTEM_CHECKS[system](landing, all_rows, corporate)
    except IngestionError as exc:
        found = Findings(problems=[str(exc)])
    action = "fail" if found.problems else "load"
    return Verdict(
        system,
        action,
        tuple(found.problems),
        tuple(found.warnings),
        detail=f"{found.files} file(s) read",
    )


def check_landing(
    landing_dir: Path,
    *,
    all_rows: bool = False,
    corporate_currency: str = "USD",
    work_db: Path | None = None,
) -> list[Verdict]:
    """A verdict per system (and for `crm_export/`), in load order.

    With `work_db`, an absent system whose raw tables hold rows from earlier loads fails
    (it vanished), as the load would.
    """
    landing = Path(landing_dir)
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder {landing} does not exist")
    systems = [SYSTEMS[0], CRM_EXPORT_FOLDER, *SYSTEMS[1:]]
    return [_verdict(s, landing, all_rows, corporate_currency, work_db) for s in systems]


def would_load(verdicts: list[Verdict]) -> bool:
    return not any(v.action == "fail" for v in verdicts)


def format_verdicts(landing_dir: Path, verdicts: list[Verdict]) -> str:
    """The report `spm check-landing` prints."""
    lines = [f"Landing folder {Path(landing_dir)}:"]
    for verdict in verdicts:
        if verdict.system == CRM_EXPORT_FOLDER and verdict.action == "skip":
            continue  # the usual case; crm/ says where the CRM comes from
        lines.append(f"  {verdict.system:<22} {verdict.action:<5} {verdict.detail}".rstrip())
        lines.extend(f"      problem: {p}" for p in verdict.problems)
        lines.extend(f"      warning: {w}" for w in verdict.warnings)
    missing = missing_datasets(landing_dir)
    if missing:
        lines.append("Not in the folder (a run goes on without them):")
        lines.extend(f"  {d.missing_sentence()}" for d in missing)
    if would_load(verdicts):
        lines.append("A run would load this folder.")
    else:
        failed = ", ".join(v.system for v in verdicts if v.action == "fail")
        lines.append(f"A run would FAIL ({failed}): fix the problems above.")
    return "\n".join(lines)
