"""Write the CRM's Data Export: one CSV per object, header = Salesforce API field names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingestion.demo import next_steps, stages
from ingestion.demo.accounts import Accounts
from ingestion.demo.crm import CURRENCY_CODES, CrmOpportunities
from ingestion.demo.deals import LEAD_SOURCES, TYPES
from ingestion.demo.faults import Faults
from ingestion.demo.ids import id_offset, sf_ids
from ingestion.demo.names import INACTIVE_PRODUCTS, INDUSTRIES, OPPORTUNITY_LABELS, PRODUCTS
from ingestion.demo.org import Org
from ingestion.demo.textio import (
    Reordered,
    col_bool,
    col_bytes,
    col_cents,
    col_const,
    col_date,
    col_int,
    col_lookup,
    col_ts,
    csv_text,
    s_array,
    write_csv,
)

HEADERS = {
    "User": [
        "Id",
        "Name",
        "Email",
        "Title",
        "UserRoleId",
        "ManagerId",
        "IsActive",
        "CreatedDate",
        "SystemModstamp",
    ],
    "UserRole": ["Id", "Name", "ParentRoleId", "SystemModstamp"],
    "Account": [
        "Id",
        "Name",
        "Industry",
        "BillingCountry",
        "OwnerId",
        "CreatedDate",
        "IsDeleted",
        "SystemModstamp",
    ],
    "Product2": ["Id", "Name", "Family", "IsActive", "SystemModstamp"],
    "Opportunity": [
        "Id",
        "Name",
        "AccountId",
        "OwnerId",
        "Amount",
        "CurrencyIsoCode",
        "StageName",
        "Probability",
        "ForecastCategoryName",
        "CloseDate",
        "CreatedDate",
        "IsClosed",
        "IsWon",
        "Type",
        "LeadSource",
        "IsDeleted",
        "LastModifiedDate",
        "SystemModstamp",
        "NextStep",
    ],
    "OpportunityHistory": [
        "Id",
        "OpportunityId",
        "StageName",
        "Amount",
        "CloseDate",
        "Probability",
        "ForecastCategory",
        "CreatedDate",
        "IsDeleted",
        "SystemModstamp",
    ],
    "OpportunityLineItem": [
        "Id",
        "OpportunityId",
        "Product2Id",
        "Quantity",
        "UnitPrice",
        "TotalPrice",
        "IsDeleted",
        "SystemModstamp",
    ],
    "OpportunitySplit": [
        "Id",
        "OpportunityId",
        "SplitOwnerId",
        "SplitPercentage",
        "SplitTypeId",
        "IsDeleted",
        "SystemModstamp",
    ],
    "OpportunitySplitType": [
        "Id",
        "DeveloperName",
        "MasterLabel",
        "IsTotalValidated",
        "IsActive",
        "SystemModstamp",
    ],
    "OpportunityStage": [
        "Id",
        "MasterLabel",
        "ApiName",
        "IsActive",
        "SortOrder",
        "IsClosed",
        "IsWon",
        "DefaultProbability",
        "ForecastCategoryName",
        "SystemModstamp",
    ],
}
TITLES = {
    "cro": "Chief Revenue Officer",
    "vp": "Regional Vice President",
    "manager": "Sales Manager",
    "specialist": "Overlay Specialist",
}


@dataclass
class CrmIds:
    users: np.ndarray  # people, then ghost users (in no User row)
    roles: np.ndarray
    accounts: np.ndarray
    products: np.ndarray
    opportunities: np.ndarray
    history: np.ndarray  # per history row, in file order
    history_order: np.ndarray
    line_items: np.ndarray
    splits: np.ndarray
    split_types: np.ndarray


def make_ids(
    org: Org, accounts: Accounts, opps: CrmOpportunities, faults: Faults, rng: np.random.Generator
) -> CrmIds:
    h = opps.history
    history_order = np.lexsort((h.deal, h.t))
    n_items = 0 if opps.line_items is None else len(opps.line_items)
    return CrmIds(
        users=sf_ids("User", np.arange(len(org.people) + faults.ghosts), id_offset(rng)),
        roles=sf_ids("UserRole", np.arange(len(org.roles)), id_offset(rng)),
        accounts=sf_ids("Account", np.arange(len(accounts)), id_offset(rng)),
        products=sf_ids("Product2", np.arange(len(PRODUCTS)), id_offset(rng)),
        opportunities=sf_ids("Opportunity", np.arange(len(opps)), id_offset(rng)),
        history=sf_ids("OpportunityHistory", np.arange(len(h)), id_offset(rng)),
        history_order=history_order,
        line_items=sf_ids("OpportunityLineItem", np.arange(n_items), id_offset(rng)),
        splits=sf_ids("OpportunitySplit", np.arange(len(opps.splits)), id_offset(rng)),
        split_types=sf_ids("OpportunitySplitType", np.arange(2), id_offset(rng)),
    )


def _texts(values: list[str]) -> np.ndarray:
    return s_array([csv_text(v) for v in values])


def user_manager(org: Org) -> list[int]:
    """ManagerId of each person: a rep's team manager, a manager's VP, a VP's CRO."""
    _, rep_last = org.rep_interval()
    vp = {p.region: i for i, p in enumerate(org.people) if p.kind == "vp"}
    cro = next(i for i, p in enumerate(org.people) if p.kind == "cro")
    out = []
    for i, p in enumerate(org.people):
        if p.kind == "cro":
            out.append(-1)
        elif p.kind in ("vp",):
            out.append(cro)
        elif p.kind in ("specialist", "manager"):
            out.append(vp[p.region])
        else:
            day = min(int(rep_last[i]), org.as_of)
            team = int(org.role_on(np.array([i]), np.array([day]))[0])
            m = org.manager_of_role_on(team, day)
            if m < 0:
                m = org.manager_of_role_on(team, day + 1)
            out.append(m if m >= 0 else vp[org.roles[team].region])
    return out


def write_crm(
    root: Path,
    org: Org,
    accounts: Accounts,
    opps: CrmOpportunities,
    faults: Faults,
    ids: CrmIds,
    names: list[str],
    account_names: list[str],
    rng: np.random.Generator,
) -> dict[str, int]:
    """Write the CRM export, one file per object; returns the rows written per file.

    Only the accounts draw from `rng` (their created dates); they are written after the users,
    as ever, so a seed gives the same files.
    """
    crm = root / "crm"
    hs = org.history_start
    return {
        "crm/UserRole.csv": _write_user_roles(crm, org, ids),
        "crm/User.csv": _write_users(crm, org, faults, ids, names),
        "crm/Account.csv": _write_accounts(
            crm, org, accounts, opps, faults, ids, account_names, rng
        ),
        "crm/Product2.csv": _write_products(crm, ids, hs),
        "crm/Opportunity.csv": _write_opportunities(crm, org, opps, ids, account_names),
        "crm/OpportunityHistory.csv": _write_opportunity_history(crm, opps, ids),
        "crm/OpportunityLineItem.csv": _write_line_items(crm, org, opps, ids),
        "crm/OpportunitySplit.csv": _write_splits(crm, opps, ids),
        "crm/OpportunitySplitType.csv": _write_split_types(crm, ids, hs),
        "crm/OpportunityStage.csv": write_stages(crm, hs),
    }


def _write_user_roles(crm: Path, org: Org, ids: CrmIds) -> int:
    """The role tree: company, regions, teams."""
    hs = org.history_start
    role_stamp = np.full(len(org.roles), (hs - 400) * 86400 + 8 * 3600, dtype=np.int64)
    parent = np.array([r.parent for r in org.roles])
    return write_csv(
        crm / "UserRole.csv",
        HEADERS["UserRole"],
        [
            col_bytes(ids.roles),
            col_bytes(_texts([r.name for r in org.roles])),
            col_lookup(ids.roles, parent),
            col_ts(role_stamp),
        ],
        len(org.roles),
    )


def _write_users(crm: Path, org: Org, faults: Faults, ids: CrmIds, names: list[str]) -> int:
    """Every person as the CRM shows them today: their last role, title, manager, status."""
    ao = org.as_of
    people = org.people
    n_people = len(people)
    last_role = np.full(n_people, -1)
    last_change = np.array([p.hire for p in people], dtype=np.int64)
    for s in org.segments:
        last_role[s.person] = s.role  # segments are sorted by (person, start)
        last_change[s.person] = max(last_change[s.person], s.start)
    for i, p in enumerate(people):
        if p.kind == "specialist":
            last_role[i] = 1 + p.region
        if p.term is not None:
            last_change[i] = max(last_change[i], p.term)
    emails = [faults.mixed_case_emails.get(i, p.email) for i, p in enumerate(people)]
    titles = []
    for p in people:
        if p.kind == "rep":
            titles.append(
                "Senior Account Executive" if p.hire <= ao - 3 * 365 else "Account Executive"
            )
        else:
            titles.append(TITLES[p.kind])
    hire = np.array([p.hire for p in people], dtype=np.int64)
    return write_csv(
        crm / "User.csv",
        HEADERS["User"],
        [
            col_bytes(ids.users[:n_people]),
            col_bytes(_texts(names)),
            col_bytes(_texts(emails)),
            col_bytes(_texts(titles)),
            col_lookup(ids.roles, last_role),
            col_lookup(ids.users, np.array(user_manager(org))),
            col_bool(np.array([p.term is None for p in people])),
            col_ts(hire * 86400 + 9 * 3600),
            col_ts(np.minimum(last_change, ao) * 86400 + 10 * 3600),
        ],
        n_people,
    )


def _write_accounts(
    crm: Path,
    org: Org,
    accounts: Accounts,
    opps: CrmOpportunities,
    faults: Faults,
    ids: CrmIds,
    account_names: list[str],
    rng: np.random.Generator,
) -> int:
    """Accounts, created before their first deal; sets `accounts.created_day` and `.deleted`
    (the soft-deleted ones) for the files written after the CRM."""
    hs, ao = org.history_start, org.as_of
    n_acc = len(accounts)
    first_deal = np.full(n_acc, np.iinfo(np.int64).max)
    np.minimum.at(first_deal, opps.account, opps.created_s // 86400)
    unused = first_deal == np.iinfo(np.int64).max
    created = np.where(
        unused, hs - rng.integers(30, 700, n_acc), first_deal - rng.integers(5, 300, n_acc)
    )
    created_s = created * 86400 + rng.integers(8 * 3600, 18 * 3600, n_acc)
    modstamp = np.maximum(
        created_s, np.minimum(ao, created + rng.integers(0, 400, n_acc)) * 86400 + 12 * 3600
    )
    deleted = np.zeros(n_acc, bool)
    deleted[faults.soft_deleted_accounts] = True
    modstamp = np.where(deleted, np.maximum(modstamp, (ao - 3) * 86400 + 11 * 3600), modstamp)
    accounts.created_day, accounts.deleted = created, deleted
    countries = sorted(set(accounts.country))
    country_idx = np.array([countries.index(c) for c in accounts.country])
    return write_csv(
        crm / "Account.csv",
        HEADERS["Account"],
        [
            col_bytes(ids.accounts),
            col_bytes(_texts(account_names)),
            col_lookup(_texts(list(INDUSTRIES)), accounts.industry),
            col_lookup(_texts(countries), country_idx),
            col_lookup(ids.users, accounts.owner),
            col_ts(created_s),
            col_bool(deleted),
            col_ts(modstamp),
        ],
        n_acc,
    )


def _write_products(crm: Path, ids: CrmIds, hs: int) -> int:
    n_prod = len(PRODUCTS)
    return write_csv(
        crm / "Product2.csv",
        HEADERS["Product2"],
        [
            col_bytes(ids.products),
            col_bytes(_texts([p[0] for p in PRODUCTS])),
            col_bytes(_texts([p[1] for p in PRODUCTS])),
            col_bool(np.array([p[0] not in INACTIVE_PRODUCTS for p in PRODUCTS])),
            col_ts(np.full(n_prod, (hs - 500) * 86400 + 8 * 3600)),
        ],
        n_prod,
    )


def _opportunity_stamps(org: Org, opps: CrmOpportunities) -> np.ndarray:
    """SystemModstamp per deal: a deleted deal was touched (deleted) in the last days."""
    return np.where(
        opps.is_deleted,
        np.maximum(opps.last_modified_s, (org.as_of - 2) * 86400 + 15 * 3600),
        opps.last_modified_s,
    )


def _write_opportunities(
    crm: Path, org: Org, opps: CrmOpportunities, ids: CrmIds, account_names: list[str]
) -> int:
    """The deals, named `<account> - <label>`, plus the stale duplicate rows at the end (an
    export glitch)."""
    labels = [(t, lab) for t in TYPES for lab in OPPORTUNITY_LABELS[t]]
    label_start = np.cumsum([0] + [len(OPPORTUNITY_LABELS[t]) for t in TYPES])
    label_idx = label_start[opps.type] + opps.label
    needs_quote = np.array([csv_text(a) != a for a in account_names])
    opener = s_array(
        [
            ('"' + a.replace('"', '""')) if q else a
            for a, q in zip(account_names, needs_quote, strict=True)
        ]
    )
    closer = np.array([b'"' if q else b"" for q in needs_quote], dtype="S1")
    label_text = s_array([f" - {lab}" for _, lab in labels])
    n_opp = len(opps)
    deleted_opp = opps.is_deleted
    stamp = _opportunity_stamps(org, opps)
    rows = np.r_[np.arange(n_opp), opps.dup_deal]
    amount = np.r_[opps.amount_cents, opps.dup_amount_cents]
    stamp_all = np.r_[stamp, opps.dup_modstamp_s]
    stage = opps.stage[rows]

    def name_col(sl: slice) -> list:
        acc = opps.account[rows[sl]]
        return [opener[acc], label_text[label_idx[rows[sl]]], closer[acc]]

    return write_csv(
        crm / "Opportunity.csv",
        HEADERS["Opportunity"],
        [
            col_bytes(ids.opportunities[rows]),
            name_col,
            col_bytes(ids.accounts[opps.account[rows]]),
            col_bytes(ids.users[opps.owner[rows]]),
            col_cents(amount),
            col_lookup(s_array(list(CURRENCY_CODES)), opps.currency[rows]),
            col_lookup(_texts(list(stages.STAGES)), stage),
            col_int(opps.probability[rows]),
            col_lookup(_texts(list(stages.CATEGORIES)), opps.category[rows]),
            col_date(opps.close_day[rows]),
            col_ts(opps.created_s[rows]),
            col_bool(stage >= stages.WON),
            col_bool(stage == stages.WON),
            col_lookup(_texts(list(TYPES)), opps.type[rows]),
            col_lookup(_texts(list(LEAD_SOURCES)), opps.lead_source[rows]),
            col_bool(deleted_opp[rows]),
            col_ts(stamp_all),
            col_ts(stamp_all),
            col_lookup(_texts(list(next_steps.TEXTS)), opps.next_step[rows]),
        ],
        len(rows),
    )


def _write_opportunity_history(crm: Path, opps: CrmOpportunities, ids: CrmIds) -> int:
    h = opps.history
    o = ids.history_order
    deal = Reordered(h.deal, o)
    return write_csv(
        crm / "OpportunityHistory.csv",
        HEADERS["OpportunityHistory"],
        [
            col_bytes(ids.history),
            col_bytes(Reordered(ids.opportunities, deal)),
            col_lookup(_texts(list(stages.STAGES)), Reordered(h.stage, o)),
            col_cents(Reordered(h.amount_cents, o)),
            col_date(Reordered(h.close_day, o)),
            col_int(Reordered(h.probability, o)),
            col_lookup(_texts(list(stages.CATEGORIES)), Reordered(h.category, o)),
            col_ts(Reordered(h.t, o)),
            col_bool(Reordered(opps.is_deleted, deal)),
            col_ts(Reordered(h.t, o)),
        ],
        len(o),
    )


def _write_line_items(crm: Path, org: Org, opps: CrmOpportunities, ids: CrmIds) -> int:
    li = opps.line_items
    assert li is not None
    stamp = _opportunity_stamps(org, opps)
    return write_csv(
        crm / "OpportunityLineItem.csv",
        HEADERS["OpportunityLineItem"],
        [
            col_bytes(ids.line_items),
            col_bytes(ids.opportunities[li.deal]),
            col_bytes(ids.products[li.product]),
            col_int(li.quantity),
            col_cents(li.unit_cents),
            col_cents(li.total_cents),
            col_bool(opps.is_deleted[li.deal]),
            col_ts(stamp[li.deal]),
        ],
        len(li),
    )


def _write_splits(crm: Path, opps: CrmOpportunities, ids: CrmIds) -> int:
    sp = opps.splits
    return write_csv(
        crm / "OpportunitySplit.csv",
        HEADERS["OpportunitySplit"],
        [
            col_bytes(ids.splits),
            col_bytes(ids.opportunities[sp.deal]),
            col_bytes(ids.users[sp.person]),
            col_cents(sp.pct * 100),
            col_lookup(ids.split_types, np.where(sp.is_revenue, 0, 1)),
            col_bool(sp.is_deleted | opps.is_deleted[sp.deal]),
            col_ts(opps.created_s[sp.deal] + 86400),
        ],
        len(sp),
    )


def _write_split_types(crm: Path, ids: CrmIds, hs: int) -> int:
    return write_csv(
        crm / "OpportunitySplitType.csv",
        HEADERS["OpportunitySplitType"],
        [
            col_bytes(ids.split_types),
            col_bytes(s_array(["Revenue", "Overlay"])),
            col_bytes(s_array(["Revenue", "Overlay"])),
            col_bool(np.array([True, False])),
            col_const("true"),
            col_ts(np.full(2, (hs - 500) * 86400 + 8 * 3600)),
        ],
        2,
    )


STAGE_ID_OFFSET = 62**6 + 4_200
"""Stage ids start at a fixed number: drawing it from the generator's random stream would
change every record generated after it."""


def write_stages(crm: Path, history_start: int) -> int:
    """The stage setup (Setup > Opportunity Stages): the demo's stages in their sales order."""
    n = len(stages.STAGES)
    index = np.arange(n)
    return write_csv(
        crm / "OpportunityStage.csv",
        HEADERS["OpportunityStage"],
        [
            col_bytes(sf_ids("OpportunityStage", index, STAGE_ID_OFFSET)),
            col_bytes(_texts(list(stages.STAGES))),
            col_bytes(_texts(list(stages.STAGES))),
            col_const("true"),
            col_int(index + 1),
            col_bool(index >= stages.WON),
            col_bool(index == stages.WON),
            col_int(stages.PROBABILITY),
            col_lookup(_texts(list(stages.CATEGORIES)), stages.DEFAULT_CATEGORY),
            col_ts(np.full(n, (history_start - 600) * 86400 + 8 * 3600)),
        ],
        n,
    )
