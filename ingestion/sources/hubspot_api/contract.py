"""The raw tables of the HubSpot CRM v3 source (`raw_hubspot`): one `TableSpec` each.

Field headers are the API's property names (or the flattened attribute of an owner, team or
stage), so the raw column is dlt's snake_case of it, as for every other source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingestion.fields import (
    Field,
    TableSpec,
    amount,
    bigint,
    boolean,
    key,
    optional_text,
    percent,
    text,
    timestamp,
)

Disposition = Literal["scd2", "merge"]


@dataclass(frozen=True)
class HubSpotTable:
    """A raw table: its typed columns and how it is written.

    A `merge` table is written delete-insert on its primary key; with `merge_key` too, every
    stored row whose merge key comes in the load is replaced (the new rows are the whole set
    for that key), and a row whose `hard_delete` column is true deletes that set and is not
    stored itself.
    """

    spec: TableSpec
    disposition: Disposition
    merge_key: str | None = None
    hard_delete: str | None = None

    @property
    def table(self) -> str:
        return self.spec.table


OWNERS = HubSpotTable(
    TableSpec(
        "owners",
        (
            key("id"),
            text("email"),
            text("firstName"),
            text("lastName"),
            text("userId"),
            text("primaryTeamId"),
            timestamp("createdAt"),
            timestamp("updatedAt", nullable=False),
            boolean("archived", nullable=False),
        ),
        ("id",),
    ),
    "merge",
)

TEAMS = HubSpotTable(TableSpec("teams", (key("id"), text("name")), ("id",)), "merge")

DEAL_STAGES = HubSpotTable(
    TableSpec(
        "deal_stages",
        (
            key("stageId"),
            key("pipelineId"),
            text("pipelineLabel"),
            bigint("pipelineDisplayOrder"),
            text("label"),
            bigint("displayOrder"),
            boolean("isClosed"),
            # HubSpot's stage probability is a fraction, 0.0-1.0
            percent("probability"),
            boolean("archived"),
        ),
        ("pipeline_id", "stage_id"),
    ),
    "merge",
)

DEAL_PROPERTIES: tuple[str, ...] = (
    "dealname",
    "amount",
    "deal_currency_code",
    "closedate",
    "createdate",
    "pipeline",
    "dealstage",
    "hubspot_owner_id",
    "hs_forecast_category",
    "hs_deal_stage_probability",
    "dealtype",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_lastmodifieddate",
    "hs_next_step",
)

OPTIONAL_DEAL_PROPERTIES: frozenset[str] = frozenset({"hs_next_step"})
"""Deal properties a portal may not have: HubSpot leaves a property the portal lacks out of
the response, so the raw column is null (unknown); a property it has with no value comes back
null and lands as empty text."""

DEALS = HubSpotTable(
    TableSpec(
        "deals",
        (
            key("id"),
            text("dealname"),
            amount("amount"),
            text("deal_currency_code"),
            timestamp("closedate"),
            timestamp("createdate"),
            text("pipeline"),
            text("dealstage"),
            text("hubspot_owner_id"),
            text("hs_forecast_category"),
            percent("hs_deal_stage_probability"),
            text("dealtype"),
            boolean("hs_is_closed"),
            boolean("hs_is_closed_won"),
            timestamp("hs_lastmodifieddate", nullable=False),
            optional_text("hs_next_step"),
            boolean("archived", nullable=False),
            timestamp("archivedAt"),
        ),
        ("id",),
    ),
    "scd2",
)

HISTORY_PROPERTIES: tuple[str, ...] = ("dealstage", "amount", "closedate")

DEAL_PROPERTY_HISTORY = HubSpotTable(
    TableSpec(
        "deal_property_history",
        (
            key("id"),
            key("dealId"),
            key("property"),
            text("value"),
            timestamp("timestamp", nullable=False),
            text("sourceType"),
        ),
        ("id",),
    ),
    "merge",
)

# Deal Splits API (Sales Hub Enterprise): the current split set of each deal read. A load
# replaces the whole set of every deal it reads splits for (merge key `deal_id`), so a split
# removed in HubSpot leaves the table; a deal that has no splits any more comes as one row
# with `deal_splits_removed` = true, which deletes its old rows and is not stored.
DEAL_SPLITS = HubSpotTable(
    TableSpec(
        "deal_splits",
        (
            key("id"),
            key("dealId"),
            text("hubspot_owner_id"),
            # the share of the deal, a fraction (0.6 = 60%); 8 decimals keep thirds summing to 1
            Field("hs_deal_split_percentage", "decimal", 18, 8),
            timestamp("createdAt"),
            timestamp("updatedAt"),
            boolean("dealSplitsRemoved", nullable=False),
        ),
        ("id",),
    ),
    "merge",
    merge_key="deal_id",
    hard_delete="deal_splits_removed",
)

TABLES: tuple[HubSpotTable, ...] = (
    OWNERS,
    TEAMS,
    DEAL_STAGES,
    DEALS,
    DEAL_PROPERTY_HISTORY,
    DEAL_SPLITS,
)
