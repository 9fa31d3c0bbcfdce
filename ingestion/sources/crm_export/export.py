"""Turn a mapped CRM CSV export into the rows of the Salesforce-shaped raw CRM tables.

The result has the same tables, columns and types as the Salesforce export path
(`ingestion/sources/crm`), so staging and every mart read it unchanged:
- owners and managers become `user` rows with stable ids derived from their key (name, email
  or id), so a re-export with the same people keeps the same ids;
- each manager's reps form a team role named after the manager, under their region role
  (or "No region"), under one company role; owners the people file does not place go to an
  "Unassigned" team and are reported;
- stages become `opportunity_stage` rows, deals `opportunity` rows (closed/won from the
  stage's status), accounts and products are made from their names when mapped (a product
  becomes the deal's one line item, as Salesforce would hold it).

A cell that does not parse (a date not in `date_format`, an amount that is not a number, a
blank id, owner or stage) does not stop the load: the deal is set aside as reject rows
(file, row, field, value, reason) that the dbt quarantine shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pyarrow as pa

from ingestion.fields import Field, TableSpec, bigint, boolean, key, percent, text, timestamp
from ingestion.readers import read_csv_text
from ingestion.sources.crm.contract import OBJECTS
from ingestion.sources.crm_export.contract import (
    MAPPING_FILE,
    CrmExportError,
    Mapping,
    StageRule,
    read_mapping,
)

log = logging.getLogger(__name__)

UNASSIGNED_TEAM = "Unassigned"
NO_REGION = "No region"
REP_TITLE = "Account Executive"
MANAGER_TITLE = "Sales Manager"

# the Salesforce stage object, as the CRM contract declares it when it does (same columns)
_OPPORTUNITY_STAGE = TableSpec(
    "opportunity_stage",
    (
        key("Id"),
        text("MasterLabel", nullable=False),
        text("ApiName"),
        boolean("IsActive"),
        bigint("SortOrder"),
        boolean("IsClosed", nullable=False),
        boolean("IsWon", nullable=False),
        percent("DefaultProbability"),
        text("ForecastCategoryName"),
        timestamp("SystemModstamp", nullable=False),
    ),
    ("id",),
)

REJECTS = TableSpec(
    "crm_export_rejects",
    (
        key("FileName"),
        Field("FileRow", "bigint", nullable=False),
        text("FieldName"),
        text("CellValue"),
        text("Reason", nullable=False),
        text("DealId"),
    ),
    ("file_name", "file_row", "field_name"),
)
"""One row per cell of the export that could not be read; its deal is not loaded."""


def crm_spec(table: str) -> TableSpec:
    """The raw table's contract as the Salesforce path declares it (one place for types)."""
    for obj in OBJECTS:
        if obj.table == table:
            return obj.spec
    if table == "opportunity_stage":
        return _OPPORTUNITY_STAGE
    raise KeyError(table)


# raw tables this source fills; the Salesforce path's other objects stay empty
FILLED_TABLES: tuple[str, ...] = (
    "user",
    "user_role",
    "account",
    "product2",
    "opportunity",
    "opportunity_line_item",
    "opportunity_stage",
)


def stable_id(prefix: str, *parts: str) -> str:
    """An 18-character Salesforce-shaped id derived from the parts (same parts, same id)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest().upper()
    return prefix + digest[:15]


def normalized_key(kind: str, value: str) -> str:
    """How a person's key is compared: names by words and case, emails by case."""
    if kind == "name":
        return " ".join(value.split()).casefold()
    if kind == "email":
        return value.strip().lower()
    return value.strip()


def user_id(kind: str, value: str) -> str:
    return stable_id("005", kind, normalized_key(kind, value))


_AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_CURRENCY_SIGNS = "$€£¥ "


def parse_amount(value: str) -> Decimal | None:
    """`1234.5`, `1,234.50`, `$1,234` -> Decimal (two decimals); None when not a number."""
    cleaned = value.strip().strip(_CURRENCY_SIGNS)
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-").strip(_CURRENCY_SIGNS)
    cleaned = ("-" if negative else "") + cleaned
    if not _AMOUNT.match(cleaned):
        return None
    try:
        number = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None
    if abs(number) >= Decimal(10) ** 16:
        return None
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Reject:
    file_name: str
    file_row: int
    field_name: str | None
    cell_value: str | None
    reason: str
    deal_id: str | None


@dataclass
class ExportTables:
    """The raw tables' rows built from one export, and what the build noticed."""

    tables: dict[str, pa.Table]
    rejects: pa.Table
    unassigned_owners: list[str] = field(default_factory=list)
    repeated_deal_ids: list[str] = field(default_factory=list)
    files: tuple[str, ...] = ()


def _table(spec: TableSpec, rows: list[dict[str, object]]) -> pa.Table:
    arrays = [pa.array([row.get(f.name) for row in rows], f.arrow_type) for f in spec.fields]
    schema = pa.schema([pa.field(f.name, f.arrow_type, nullable=f.nullable) for f in spec.fields])
    return pa.Table.from_arrays(arrays, schema=schema)


def _column(table: pa.Table, name: str | None) -> list[str | None]:
    if name is None:
        return [None] * table.num_rows
    return table.column(name).to_pylist()


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


class _Dates:
    """Dates in the mapping's format, each distinct text parsed once."""

    def __init__(self, date_format: str) -> None:
        self.date_format = date_format
        self.cache: dict[str, dt.date | None] = {}

    def parse(self, value: str) -> dt.date | None:
        if value not in self.cache:
            try:
                self.cache[value] = dt.datetime.strptime(value.strip(), self.date_format).date()
            except ValueError:
                self.cache[value] = None
        return self.cache[value]


@dataclass
class _Deal:
    row: int
    deal_id: str
    owner: str
    stage: StageRule
    amount: Decimal | None
    close_date: dt.date | None
    created_date: dt.date | None
    account: str | None
    product: str | None
    name: str | None
    currency: str | None
    next_step: str | None  # None: not mapped (unknown); "": blank in the export


def _stage_coverage(mapping: Mapping, stages: list[str | None]) -> None:
    """Stage values the mapping does not cover: one error listing each with its row count."""
    missing = Counter(v for v in stages if not _blank(v) and v not in mapping.stages)
    if not missing:
        return
    column = mapping.deal_columns["stage"]
    listed = ", ".join(f"'{value}' ({count} rows)" for value, count in sorted(missing.items()))
    raise CrmExportError(
        [
            f"{MAPPING_FILE}: stages does not cover {len(missing)} value(s) of column"
            f" '{column}' in {Path(mapping.deals_file).name}: {listed}; add each under stages"
            " with its status (open, won or lost)"
        ]
    )


def _read_deals(
    mapping: Mapping, landing_dir: Path, rejects: list[Reject]
) -> tuple[list[_Deal], list[str]]:
    relative = mapping.deals_file
    raw = read_csv_text(Path(landing_dir) / relative, relative)
    columns = mapping.deal_columns
    values = {name: _column(raw, columns.get(name)) for name in (*columns, "currency")}
    values["currency"] = _column(raw, mapping.currency_column)
    _stage_coverage(mapping, values["stage"])
    dates = _Dates(mapping.date_format)
    by_id: dict[str, _Deal] = {}
    repeated: list[str] = []
    for index in range(raw.num_rows):
        row = index + 2  # as a spreadsheet shows the file: the header is row 1
        cell = {name: values[name][index] for name in values}
        deal_id = None if _blank(cell["id"]) else str(cell["id"]).strip()
        problems: list[tuple[str, str | None, str]] = []
        for name in ("id", "owner", "stage"):
            if _blank(cell[name]):
                problems.append((columns[name], cell[name], f"{name} is blank"))
        amount = None
        if not _blank(cell["amount"]):
            amount = parse_amount(str(cell["amount"]))
            if amount is None:
                problems.append((columns["amount"], cell["amount"], "amount is not a number"))
        parsed_dates: dict[str, dt.date | None] = {}
        for name in ("close_date", "created_date"):
            text_value = cell.get(name)
            parsed_dates[name] = None
            if name in columns and not _blank(text_value):
                parsed_dates[name] = dates.parse(str(text_value))
                if parsed_dates[name] is None:
                    problems.append(
                        (
                            columns[name],
                            text_value,
                            f"{name} is not a date in the format {mapping.date_format}",
                        )
                    )
        if problems:
            rejects.extend(
                Reject(relative, row, column, value, reason, deal_id)
                for column, value, reason in problems
            )
            continue
        assert deal_id is not None
        if deal_id in by_id:
            repeated.append(deal_id)
        by_id[deal_id] = _Deal(
            row=row,
            deal_id=deal_id,
            owner=" ".join(str(cell["owner"]).split()),
            stage=mapping.stages[str(cell["stage"])],
            amount=amount,
            close_date=parsed_dates["close_date"],
            created_date=parsed_dates["created_date"],
            account=None if _blank(cell.get("account")) else str(cell["account"]).strip(),
            product=None if _blank(cell.get("product")) else str(cell["product"]).strip(),
            name=None if _blank(cell.get("name")) else str(cell["name"]).strip(),
            currency=None if _blank(cell["currency"]) else str(cell["currency"]).strip().upper(),
            next_step=_next_step(cell.get("next_step")) if "next_step" in columns else None,
        )
    return list(by_id.values()), sorted(set(repeated))


def _next_step(value: str | None) -> str:
    """A mapped next step: the text, or empty text when the cell is blank (known, none)."""
    return "" if _blank(value) else " ".join(str(value).split())


@dataclass
class _Person:
    user_id: str
    name: str
    email: str | None
    manager: str | None = None  # the manager's display name
    region: str | None = None
    is_manager: bool = False


@dataclass
class _Org:
    people: dict[str, _Person]  # by user id
    unassigned: list[str]


def _person_email(mapping: Mapping, owner: str, email: str | None) -> str | None:
    if mapping.owner_key == "email":
        return owner
    return email


def _build_org(mapping: Mapping, landing_dir: Path, owners: Iterable[str]) -> _Org:
    """People from the deals' owners and the people file; managers are people too."""
    kind = mapping.owner_key
    people: dict[str, _Person] = {}
    placed: set[str] = set()
    if mapping.people is not None:
        relative = mapping.people.file
        raw = read_csv_text(Path(landing_dir) / relative, relative)
        cols = mapping.people.columns
        owner_values = _column(raw, cols["owner"])
        managers = _column(raw, cols["manager"])
        regions = _column(raw, cols.get("region"))
        emails = _column(raw, cols.get("email"))
        names = _column(raw, cols.get("name"))
        for owner, manager, region, email, name in zip(
            owner_values, managers, regions, emails, names, strict=True
        ):
            if _blank(owner):
                continue
            owner = " ".join(str(owner).split())
            uid = user_id(kind, owner)
            people[uid] = _Person(
                user_id=uid,
                name=(name or owner).strip(),
                email=_person_email(mapping, owner, email),
                manager=None if _blank(manager) else " ".join(str(manager).split()),
                region=None if _blank(region) else str(region).strip(),
            )
            if people[uid].manager is not None:
                placed.add(uid)
        for person in list(people.values()):
            if person.manager is None:
                continue
            manager_uid = user_id("name", person.manager)
            if manager_uid not in people:
                people[manager_uid] = _Person(manager_uid, person.manager, None)
            people[manager_uid].is_manager = True
    unassigned: list[str] = []
    for owner in owners:
        uid = user_id(kind, owner)
        if uid not in people:
            people[uid] = _Person(uid, owner, _person_email(mapping, owner, None))
        if uid not in placed and not people[uid].is_manager and owner not in unassigned:
            unassigned.append(owner)
    return _Org(people, sorted(unassigned))


def _most_common(values: Iterable[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _roles_and_users(
    mapping: Mapping, org: _Org, first_dates: dict[str, dt.date], stamp: dt.datetime
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    company_id = stable_id("00E", "company")
    roles: dict[str, dict[str, object]] = {
        company_id: {"id": company_id, "name": mapping.company, "parent_role_id": None}
    }

    def region_role(region: str | None) -> str:
        name = region or NO_REGION
        role = stable_id("00E", "region", name.casefold())
        roles.setdefault(role, {"id": role, "name": name, "parent_role_id": company_id})
        return role

    def team_role(team: str, team_key: str, region: str | None) -> str:
        role = stable_id("00E", "team", team_key)
        roles.setdefault(role, {"id": role, "name": team, "parent_role_id": region_role(region)})
        return role

    people = org.people
    reps_of: dict[str, list[_Person]] = {}
    for person in people.values():
        if person.manager is not None:
            reps_of.setdefault(user_id("name", person.manager), []).append(person)
    users: list[dict[str, object]] = []
    for person in sorted(people.values(), key=lambda p: p.user_id):
        manager_id = None
        if person.is_manager:
            reps = reps_of.get(person.user_id, [])
            region = _most_common(r.region for r in reps) or person.region
            role = team_role(person.name, normalized_key("name", person.name), region)
            if person.manager is not None:
                manager_id = user_id("name", person.manager)
        elif person.manager is not None:
            manager = user_id("name", person.manager)
            manager_person = people[manager]
            region = _most_common(r.region for r in reps_of.get(manager, []))
            role = team_role(
                manager_person.name, normalized_key("name", manager_person.name), region
            )
            manager_id = manager
        else:
            role = team_role(UNASSIGNED_TEAM, "\x00unassigned", None)
        first = first_dates.get(person.user_id)
        if person.is_manager:
            team_firsts = [
                first_dates[r.user_id]
                for r in reps_of.get(person.user_id, [])
                if r.user_id in first_dates
            ]
            first = min([d for d in (first, *team_firsts) if d is not None], default=None)
        users.append(
            {
                "id": person.user_id,
                "name": person.name,
                "email": person.email,
                "title": MANAGER_TITLE if person.is_manager else REP_TITLE,
                "user_role_id": role,
                "manager_id": manager_id,
                "is_active": True,
                "created_date": _midnight(first),
                "system_modstamp": stamp,
            }
        )
    role_rows = [{**role, "system_modstamp": stamp} for role in roles.values()]
    return role_rows, users


def _midnight(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _stage_rows(mapping: Mapping, stamp: dt.datetime) -> list[dict[str, object]]:
    """One row per mapped stage; stages without `order` follow the ordered ones."""
    given = [rule.order for rule in mapping.stages.values() if rule.order is not None]
    next_order = max(given, default=0) + 1
    rows = []
    rank = {"open": 0, "won": 1, "lost": 2}
    unordered = sorted(
        (rule for rule in mapping.stages.values() if rule.order is None),
        key=lambda r: rank[r.status],
    )
    orders = {rule.value: rule.order for rule in mapping.stages.values() if rule.order is not None}
    for rule in unordered:
        orders[rule.value] = next_order
        next_order += 1
    for rule in mapping.stages.values():
        rows.append(
            {
                "id": stable_id("01J", "stage", rule.value),
                "master_label": rule.value,
                "api_name": rule.value,
                "is_active": True,
                "sort_order": orders[rule.value],
                "is_closed": rule.status != "open",
                "is_won": rule.status == "won",
                "default_probability": _percent(rule.probability),
                "forecast_category_name": rule.forecast_category,
                "system_modstamp": stamp,
            }
        )
    return rows


def _percent(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _deal_name(deal: _Deal) -> str:
    if deal.name:
        return deal.name
    if deal.account and deal.product:
        return f"{deal.account} - {deal.product}"
    return deal.account or deal.deal_id


def _rejects_table(rejects: list[Reject]) -> pa.Table:
    return _table(REJECTS, [vars(r) for r in rejects])


def build_export(landing_dir: Path, stamp: dt.datetime) -> ExportTables:
    """Every raw CRM table's rows from `<landing_dir>/crm_export/`, stamped `stamp`.

    Raises `CrmExportError` when the mapping and the export do not fit (a missing file,
    column or required field, stage values the mapping does not cover).
    """
    landing_dir = Path(landing_dir)
    mapping = read_mapping(landing_dir)
    rejects: list[Reject] = []
    deals, repeated = _read_deals(mapping, landing_dir, rejects)
    owners = list(dict.fromkeys(deal.owner for deal in deals))
    org = _build_org(mapping, landing_dir, owners)
    kind = mapping.owner_key
    first_dates: dict[str, dt.date] = {}
    for deal in deals:
        day = deal.created_date or deal.close_date
        uid = user_id(kind, deal.owner)
        if day is not None and (uid not in first_dates or day < first_dates[uid]):
            first_dates[uid] = day
    roles, users = _roles_and_users(mapping, org, first_dates, stamp)
    accounts = {deal.account.casefold(): deal.account for deal in deals if deal.account is not None}
    products = {deal.product.casefold(): deal.product for deal in deals if deal.product is not None}
    account_rows = [
        {
            "id": stable_id("001", "account", folded),
            "name": name,
            "is_deleted": False,
            "system_modstamp": stamp,
        }
        for folded, name in sorted(accounts.items())
    ]
    product_rows = [
        {
            "id": stable_id("01t", "product", folded),
            "name": name,
            "is_active": True,
            "system_modstamp": stamp,
        }
        for folded, name in sorted(products.items())
    ]
    opportunity_rows = []
    line_item_rows = []
    for deal in deals:
        rule = deal.stage
        opportunity_rows.append(
            {
                "id": deal.deal_id,
                "name": _deal_name(deal),
                "account_id": (
                    stable_id("001", "account", deal.account.casefold()) if deal.account else None
                ),
                "owner_id": user_id(kind, deal.owner),
                "amount": deal.amount,
                "currency_iso_code": deal.currency or mapping.currency,
                "stage_name": rule.value,
                "probability": _percent(rule.probability),
                "forecast_category_name": rule.forecast_category,
                "close_date": deal.close_date,
                "created_date": _midnight(deal.created_date),
                "is_closed": rule.status != "open",
                "is_won": rule.status == "won",
                "is_deleted": False,
                "next_step": deal.next_step,
                "system_modstamp": stamp,
            }
        )
        if deal.product is not None:
            line_item_rows.append(
                {
                    "id": stable_id("00k", "line_item", deal.deal_id),
                    "opportunity_id": deal.deal_id,
                    "product2_id": stable_id("01t", "product", deal.product.casefold()),
                    "quantity": Decimal("1.00"),
                    "unit_price": deal.amount,
                    "total_price": deal.amount,
                    "is_deleted": False,
                    "system_modstamp": stamp,
                }
            )
    rows = {
        "user": users,
        "user_role": roles,
        "account": account_rows,
        "product2": product_rows,
        "opportunity": opportunity_rows,
        "opportunity_line_item": line_item_rows,
        "opportunity_stage": _stage_rows(mapping, stamp),
    }
    tables = {name: _table(crm_spec(name), table_rows) for name, table_rows in rows.items()}
    if repeated:
        log.warning(
            "%s repeats %d deal id(s); kept the row further down the file: %s",
            mapping.deals_file,
            len(repeated),
            ", ".join(repeated[:10]),
        )
    return ExportTables(
        tables=tables,
        rejects=_rejects_table(rejects),
        unassigned_owners=org.unassigned,
        repeated_deal_ids=repeated,
        files=mapping.files,
    )


def empty_table(spec: TableSpec) -> pa.Table:
    """A raw table's contract columns with no row (objects an export does not carry)."""
    return _table(spec, [])


def empty_rejects() -> pa.Table:
    """The rejects table with no row (the Salesforce path has no mapped export)."""
    return _rejects_table([])
