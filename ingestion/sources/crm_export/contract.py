"""The mapping file of a CRM CSV export (`crm_export/mapping.yml`), read and checked.

The mapping says which column of the export holds each field the warehouse needs, how dates
are written, which currency the amounts are in and what each stage value means. Every problem
found is worded for the person who edits the mapping: it names the key, what it names, and
what the file actually has, so the fix is obvious without opening a debugger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from ingestion.errors import LandingFileError
from ingestion.readers import read_csv_header

FOLDER = "crm_export"
MAPPING_FILE = f"{FOLDER}/mapping.yml"

OwnerKey = Literal["name", "email", "id"]
Status = Literal["open", "won", "lost"]

OWNER_KEYS: tuple[str, ...] = ("name", "email", "id")
STATUSES: tuple[str, ...] = ("open", "won", "lost")
DEAL_FIELDS_REQUIRED: tuple[str, ...] = ("id", "owner", "amount", "stage", "close_date")
DEAL_FIELDS_OPTIONAL: tuple[str, ...] = (
    "created_date",
    "account",
    "product",
    "name",
    "next_step",
)
PEOPLE_FIELDS_REQUIRED: tuple[str, ...] = ("owner", "manager")
PEOPLE_FIELDS_OPTIONAL: tuple[str, ...] = ("region", "email", "name")

# what a stage status means when the mapping gives no probability or forecast category
DEFAULT_PROBABILITY: dict[str, float | None] = {"open": None, "won": 100.0, "lost": 0.0}
DEFAULT_FORECAST_CATEGORY: dict[str, str] = {
    "open": "Pipeline",
    "won": "Closed",
    "lost": "Omitted",
}


class CrmExportError(LandingFileError):
    """The mapping and the export do not fit together: every problem found, one per line.

    A `LandingFileError` so the pipeline reports it as bad landing input (nothing written);
    `problems` are complete sentences, each starting with the file it is about.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(MAPPING_FILE, None, None, "\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)

    def __reduce__(self) -> tuple[object, ...]:
        return (CrmExportError, (self.problems,))


@dataclass(frozen=True)
class StageRule:
    """What one stage value of the export means."""

    value: str
    status: Status
    order: int | None
    probability: float | None  # 0-100, as Salesforce's Probability
    forecast_category: str


@dataclass(frozen=True)
class PeopleMapping:
    """Who reports to whom: the optional people file and its columns."""

    file: str  # relative to the landing root
    columns: dict[str, str]


@dataclass(frozen=True)
class Mapping:
    """A checked mapping: every file and column it names exists."""

    currency: str | None
    currency_column: str | None
    date_format: str
    company: str
    deals_file: str  # relative to the landing root
    owner_key: OwnerKey
    deal_columns: dict[str, str]
    stages: dict[str, StageRule]
    people: PeopleMapping | None = None
    files: tuple[str, ...] = field(default=())

    def column(self, deal_field: str) -> str | None:
        return self.deal_columns.get(deal_field)


def _listed(names: list[str]) -> str:
    return ", ".join(names) if names else "(nothing)"


def _read_yaml(landing_dir: Path) -> dict[str, Any]:
    path = Path(landing_dir) / MAPPING_FILE
    if not path.is_file():
        raise CrmExportError(
            [
                f"{MAPPING_FILE}: file not found; a crm_export/ folder needs a mapping.yml"
                " (write a first one with `spm init-mapping <deals.csv>`)"
            ]
        )
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CrmExportError([f"{MAPPING_FILE}: is not valid YAML: {exc}"]) from exc
    if not isinstance(loaded, dict):
        raise CrmExportError([f"{MAPPING_FILE}: expected keys (version, deals, stages, ...)"])
    return loaded


def _folder_files(landing_dir: Path) -> list[str]:
    folder = Path(landing_dir) / FOLDER
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _file_header(
    landing_dir: Path, key: str, name: object, problems: list[str]
) -> tuple[str, list[str]] | None:
    """The file a `<section>.file` key names and its header, or None with a problem noted."""
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{MAPPING_FILE}: {key} is missing; name the export file, e.g. deals.csv")
        return None
    relative = f"{FOLDER}/{name.strip()}"
    path = Path(landing_dir) / relative
    if not path.is_file():
        problems.append(
            f"{MAPPING_FILE}: {key} names '{name}', but {FOLDER}/ has: "
            f"{_listed(_folder_files(landing_dir))}"
        )
        return None
    try:
        return relative, read_csv_header(path, relative)
    except LandingFileError as exc:
        problems.append(str(exc))
        return None


def _columns(
    section: str,
    raw: object,
    file_name: str,
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[str],
) -> dict[str, str]:
    """`<section>.columns`: each field to an existing column of the file."""
    key = f"{section}.columns"
    if not isinstance(raw, dict):
        problems.append(
            f"{MAPPING_FILE}: {key} is missing; map each field ({', '.join(required)}) to a"
            f" column of {file_name}, which has: {_listed(header)}"
        )
        return {}
    columns: dict[str, str] = {}
    for name, column in raw.items():
        if name not in required and name not in optional:
            problems.append(
                f"{MAPPING_FILE}: {key}.{name} is not a field; fields are: "
                f"{', '.join(required + optional)}"
            )
            continue
        if column is None or str(column).strip() == "":
            if name in required:
                problems.append(
                    f"{MAPPING_FILE}: {key}.{name} is blank; name the column of {file_name}"
                    f" that holds it; {file_name} has: {_listed(header)}"
                )
            continue
        if str(column) not in header:
            problems.append(
                f"{MAPPING_FILE}: {key}.{name} names column '{column}', but {file_name} has: "
                f"{_listed(header)}"
            )
            continue
        columns[str(name)] = str(column)
    for name in required:
        if name not in raw:
            problems.append(
                f"{MAPPING_FILE}: {key} leaves out required field '{name}'; name the column of"
                f" {file_name} that holds it; {file_name} has: {_listed(header)}"
            )
    return columns


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(str(value).strip().rstrip("%"))
    except ValueError:
        return None


def _stage_rule(value: str, raw: object, problems: list[str]) -> StageRule | None:
    key = f"stages.{value}"
    if isinstance(raw, str):
        raw = {"status": raw}
    if not isinstance(raw, dict):
        problems.append(f"{MAPPING_FILE}: {key} needs a status: open, won or lost")
        return None
    status = str(raw.get("status", "")).strip().lower()
    if status not in STATUSES:
        problems.append(
            f"{MAPPING_FILE}: {key}.status is '{raw.get('status', '')}', expected open, won or lost"
        )
        return None
    order = raw.get("order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        problems.append(f"{MAPPING_FILE}: {key}.order is '{order}', expected a whole number")
        return None
    probability = DEFAULT_PROBABILITY[status]
    if raw.get("probability") is not None:
        given = _number(raw["probability"])
        if given is None or not 0 <= given <= 100:
            problems.append(
                f"{MAPPING_FILE}: {key}.probability is '{raw['probability']}', expected a"
                " fraction 0-1 (0.25) or a percentage 0-100 (25)"
            )
            return None
        # a fraction (0.25) or a percentage (25); Salesforce keeps 0-100
        probability = given * 100 if given <= 1 else given
    category = str(raw.get("forecast_category") or DEFAULT_FORECAST_CATEGORY[status])
    return StageRule(value, status, order, probability, category)  # type: ignore[arg-type]


def _stages(raw: object, problems: list[str]) -> dict[str, StageRule]:
    if not isinstance(raw, dict) or not raw:
        problems.append(
            f"{MAPPING_FILE}: stages is missing; list every stage value of the export with"
            " its status (open, won or lost)"
        )
        return {}
    rules = {}
    for value, rule in raw.items():
        parsed = _stage_rule(str(value), rule, problems)
        if parsed is not None:
            rules[str(value)] = parsed
    return rules


def _people(landing_dir: Path, raw: object, problems: list[str]) -> PeopleMapping | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{MAPPING_FILE}: people needs file and columns (owner, manager)")
        return None
    found = _file_header(landing_dir, "people.file", raw.get("file"), problems)
    if found is None:
        return None
    relative, header = found
    columns = _columns(
        "people",
        raw.get("columns"),
        Path(relative).name,
        header,
        PEOPLE_FIELDS_REQUIRED,
        PEOPLE_FIELDS_OPTIONAL,
        problems,
    )
    return PeopleMapping(relative, columns)


def mapping_problems(landing_dir: Path) -> tuple[Mapping | None, list[str]]:
    """Read `crm_export/mapping.yml` against the files it names; every problem found.

    Returns the mapping (None when it cannot be used) and the problems, each a sentence that
    starts with the file it is about. Only headers are read: the stage values are checked
    against the rows by `ingestion.sources.crm_export.export`.
    """
    landing_dir = Path(landing_dir)
    try:
        raw = _read_yaml(landing_dir)
    except CrmExportError as exc:
        return None, exc.problems
    problems: list[str] = []
    version = raw.get("version", 1)
    if version != 1:
        problems.append(f"{MAPPING_FILE}: version is {version!r}; this product reads version 1")
    currency = raw.get("currency")
    currency_column = raw.get("currency_column")
    if currency and currency_column:
        problems.append(
            f"{MAPPING_FILE}: give currency (one currency for every amount) or currency_column,"
            " not both"
        )
    elif not currency and not currency_column:
        problems.append(
            f"{MAPPING_FILE}: currency is missing; give the ISO 4217 code of the amounts"
            " (currency: USD) or the column that holds it (currency_column: <column>)"
        )
    elif currency and not (len(str(currency)) == 3 and str(currency).isalpha()):
        problems.append(f"{MAPPING_FILE}: currency is '{currency}', expected an ISO code like USD")
    date_format = str(raw.get("date_format") or "%Y-%m-%d")
    if "%" not in date_format:
        problems.append(
            f"{MAPPING_FILE}: date_format is '{date_format}', expected a strptime format such"
            " as %Y-%m-%d or %m/%d/%Y"
        )
    deals = raw.get("deals")
    deal_columns: dict[str, str] = {}
    deals_file = ""
    owner_key = "name"
    if not isinstance(deals, dict):
        problems.append(f"{MAPPING_FILE}: deals is missing; it names the deals file and columns")
    else:
        owner_key = str(deals.get("owner_key", "name"))
        if owner_key not in OWNER_KEYS:
            problems.append(
                f"{MAPPING_FILE}: deals.owner_key is '{owner_key}', expected name, email or id"
            )
        found = _file_header(landing_dir, "deals.file", deals.get("file"), problems)
        if found is not None:
            deals_file, header = found
            deal_columns = _columns(
                "deals",
                deals.get("columns"),
                Path(deals_file).name,
                header,
                DEAL_FIELDS_REQUIRED,
                DEAL_FIELDS_OPTIONAL,
                problems,
            )
            if currency_column and str(currency_column) not in header:
                problems.append(
                    f"{MAPPING_FILE}: currency_column names column '{currency_column}', but"
                    f" {Path(deals_file).name} has: {_listed(header)}"
                )
    stages = _stages(raw.get("stages"), problems)
    people = _people(landing_dir, raw.get("people"), problems)
    if problems:
        return None, problems
    files = [MAPPING_FILE, deals_file] + ([people.file] if people else [])
    mapping = Mapping(
        currency=str(currency).upper() if currency else None,
        currency_column=str(currency_column) if currency_column else None,
        date_format=date_format,
        company=str(raw.get("company") or "Company"),
        deals_file=deals_file,
        owner_key=owner_key,  # type: ignore[arg-type]
        deal_columns=deal_columns,
        stages=stages,
        people=people,
        files=tuple(files),
    )
    return mapping, []


def read_mapping(landing_dir: Path) -> Mapping:
    """The checked mapping, or `CrmExportError` listing every problem."""
    mapping, problems = mapping_problems(landing_dir)
    if mapping is None:
        raise CrmExportError(problems)
    return mapping
