"""The CRM part of the landing contract: one Salesforce Data Export CSV per object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingestion.fields import (
    Field,
    TableSpec,
    amount,
    bigint,
    boolean,
    date,
    key,
    optional_text,
    percent,
    text,
    timestamp,
)

Disposition = Literal["scd2", "merge"]


@dataclass(frozen=True)
class CrmObject:
    """A Salesforce object: its export file, raw table and how it is written.

    `required`: the export must hold the file, with at least one row. Only users and
    opportunities are: every other object may be absent or header-only, and its raw table
    is then created empty (a company with no splits credits each deal to its owner).
    """

    object_name: str
    spec: TableSpec
    disposition: Disposition
    required: bool = False

    @property
    def file(self) -> str:
        return f"crm/{self.object_name}.csv"

    @property
    def table(self) -> str:
        return self.spec.table


def _object(
    name: str, table: str, disposition: Disposition, *fields: object, required: bool = False
) -> CrmObject:
    spec = TableSpec(
        table,
        (key("Id"), *fields, timestamp("SystemModstamp", nullable=False)),  # type: ignore[arg-type]
        ("id",),
    )
    return CrmObject(name, spec, disposition, required)


OBJECTS: tuple[CrmObject, ...] = (
    _object(
        "User",
        "user",
        "scd2",
        text("Name"),
        text("Email"),
        text("Title"),
        text("UserRoleId"),
        text("ManagerId"),
        boolean("IsActive"),
        timestamp("CreatedDate"),
        required=True,
    ),
    _object("UserRole", "user_role", "merge", text("Name"), text("ParentRoleId")),
    _object(
        "Account",
        "account",
        "merge",
        text("Name"),
        text("Industry"),
        text("BillingCountry"),
        text("OwnerId"),
        timestamp("CreatedDate"),
        boolean("IsDeleted"),
    ),
    _object("Product2", "product2", "merge", text("Name"), text("Family"), boolean("IsActive")),
    _object(
        "Opportunity",
        "opportunity",
        "scd2",
        text("Name"),
        text("AccountId"),
        text("OwnerId"),
        amount("Amount"),
        text("CurrencyIsoCode"),
        text("StageName"),
        percent("Probability"),
        text("ForecastCategoryName"),
        date("CloseDate"),
        timestamp("CreatedDate"),
        boolean("IsClosed"),
        boolean("IsWon"),
        text("Type"),
        text("LeadSource"),
        boolean("IsDeleted"),
        timestamp("LastModifiedDate"),
        # the rep's next step on the deal; an export or org without the field still loads
        # (null: unknown), a blank one lands as empty text (the deal has no next step)
        optional_text("NextStep"),
        required=True,
    ),
    _object(
        "OpportunityHistory",
        "opportunity_history",
        "merge",
        text("OpportunityId"),
        text("StageName"),
        amount("Amount"),
        date("CloseDate"),
        percent("Probability"),
        text("ForecastCategory"),
        timestamp("CreatedDate"),
        boolean("IsDeleted"),
    ),
    _object(
        "OpportunityLineItem",
        "opportunity_line_item",
        "merge",
        text("OpportunityId"),
        text("Product2Id"),
        # Salesforce Quantity is a number with decimals (half a licence year), not a count
        Field("Quantity", "decimal", 18, 2),
        amount("UnitPrice"),
        amount("TotalPrice"),
        boolean("IsDeleted"),
    ),
    _object(
        "OpportunitySplit",
        "opportunity_split",
        "merge",
        text("OpportunityId"),
        text("SplitOwnerId"),
        percent("SplitPercentage"),
        text("SplitTypeId"),
        boolean("IsDeleted"),
    ),
    _object(
        "OpportunitySplitType",
        "opportunity_split_type",
        "merge",
        text("DeveloperName"),
        text("MasterLabel"),
        boolean("IsTotalValidated"),
        boolean("IsActive"),
    ),
    # the company's own sales stages (Setup > Opportunity Stages): their order, whether a
    # stage is closed or won, default probability and forecast category
    _object(
        "OpportunityStage",
        "opportunity_stage",
        "merge",
        text("MasterLabel", nullable=False),
        text("ApiName"),
        boolean("IsActive"),
        bigint("SortOrder"),
        boolean("IsClosed", nullable=False),
        boolean("IsWon", nullable=False),
        percent("DefaultProbability"),
        text("ForecastCategoryName"),
    ),
)

REQUIRED_FILES: tuple[str, ...] = tuple(obj.file for obj in OBJECTS if obj.required)
"""The CRM files every run needs: `crm/User.csv` and `crm/Opportunity.csv`."""
