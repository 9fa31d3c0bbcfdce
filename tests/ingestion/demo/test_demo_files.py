"""The demo company's landing files against LANDING_CONTRACT.md: present, exact headers,
formats, counts, ids, determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.support.ingestion.demo_landing import Company

# Headers exactly as LANDING_CONTRACT.md lists them (copied here on purpose: a change to the
# contract must be a deliberate change to this test too).
CSV_HEADERS = {
    "crm/User.csv": "Id,Name,Email,Title,UserRoleId,ManagerId,IsActive,CreatedDate,SystemModstamp",
    "crm/UserRole.csv": "Id,Name,ParentRoleId,SystemModstamp",
    "crm/Account.csv": "Id,Name,Industry,BillingCountry,OwnerId,CreatedDate,IsDeleted,"
    "SystemModstamp",
    "crm/Product2.csv": "Id,Name,Family,IsActive,SystemModstamp",
    "crm/Opportunity.csv": "Id,Name,AccountId,OwnerId,Amount,CurrencyIsoCode,StageName,"
    "Probability,ForecastCategoryName,CloseDate,CreatedDate,IsClosed,IsWon,Type,LeadSource,"
    "IsDeleted,LastModifiedDate,SystemModstamp,NextStep",
    "crm/OpportunityHistory.csv": "Id,OpportunityId,StageName,Amount,CloseDate,Probability,"
    "ForecastCategory,CreatedDate,IsDeleted,SystemModstamp",
    "crm/OpportunityLineItem.csv": "Id,OpportunityId,Product2Id,Quantity,UnitPrice,TotalPrice,"
    "IsDeleted,SystemModstamp",
    "crm/OpportunitySplit.csv": "Id,OpportunityId,SplitOwnerId,SplitPercentage,SplitTypeId,"
    "IsDeleted,SystemModstamp",
    "crm/OpportunitySplitType.csv": "Id,DeveloperName,MasterLabel,IsTotalValidated,IsActive,"
    "SystemModstamp",
    "crm/OpportunityStage.csv": "Id,MasterLabel,ApiName,IsActive,SortOrder,IsClosed,IsWon,"
    "DefaultProbability,ForecastCategoryName,SystemModstamp",
    "revenue_intelligence/forecast_submissions.csv": "SubmissionId,SubmitterId,SubmitterRole,"
    "FiscalPeriod,ForecastCategory,Amount,Currency,SubmittedAt",
    "compensation/assignments.csv": "Email,UserId,TeamRoleId,Role,EffectiveFrom,EffectiveTo,"
    "HireDate,TerminationDate",
    "compensation/comp_plans.csv": "PlanId,Email,UserId,FiscalYear,EffectiveFrom,EffectiveTo,"
    "Currency,BaseSalary,TargetVariable,OTE,AnnualQuota",
    "compensation/comp_plan_tiers.csv": "PlanId,Tier,AttainmentFrom,AttainmentTo,CommissionRate",
    "compensation/payouts.csv": "PayoutId,Email,UserId,PlanId,PayMonth,Currency,CommissionAmount",
    "finance/fx_rates.csv": "date,currency,rate",
}
ACTIVITY_FIELDS = [
    "id", "type", "user_id", "opportunity_id", "account_id", "timestamp", "duration_seconds",
    "direction", "outcome",
]  # fmt: skip
PREFIXES = {
    "User": "005", "UserRole": "00E", "Account": "001", "Product2": "01t", "Opportunity": "006",
    "OpportunityHistory": "008", "OpportunityLineItem": "00k", "OpportunitySplit": "04A",
    "OpportunitySplitType": "04B", "OpportunityStage": "01J",
}  # fmt: skip
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


def _file_hashes(company: Company) -> dict[str, str]:
    return {
        str(p.relative_to(company.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(company.root.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_byte_identical_files(company: Company, company_again: Company):
    first, second = _file_hashes(company), _file_hashes(company_again)
    assert len(first) > 100
    assert first == second


def test_next_steps_come_from_a_stream_of_their_own(
    company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Without next steps (all blank), every file but Opportunity.csv is byte for byte the
    same, and Opportunity.csv differs only in its last column: the column added nothing to,
    and took nothing from, the draws of the rest of the company."""
    import ingestion.demo.generator as generator

    monkeypatch.setattr(
        generator, "plan_next_steps", lambda stage, rng: np.full(len(stage), -1, np.int64)
    )
    as_of = dt.date.fromisoformat(company.manifest["as_of"])
    generator.generate(tmp_path / "blank", scale="small", seed=42, as_of=as_of)
    blank = Company(tmp_path / "blank", {}, 1)
    ours, theirs = _file_hashes(company), _file_hashes(blank)
    different = {rel for rel in ours if ours[rel] != theirs.get(rel)}
    assert different == {"crm/Opportunity.csv"}
    header, rows = company.csv_rows("crm/Opportunity.csv")
    blank_header, blank_rows = blank.csv_rows("crm/Opportunity.csv")
    assert header == blank_header and header[-1] == "NextStep"
    assert [row[:-1] for row in rows] == [row[:-1] for row in blank_rows]
    assert {row[-1] for row in blank_rows} == {""}


def test_most_open_deals_have_a_next_step_and_closed_ones_none(company: Company):
    header, rows = company.csv_rows("crm/Opportunity.csv")
    closed, step = header.index("IsClosed"), header.index("NextStep")
    open_steps = [row[step] for row in rows if row[closed] == "false"]
    assert not any(row[step] for row in rows if row[closed] == "true")
    blank = open_steps.count("") / len(open_steps)
    assert 0.05 < blank < 0.35, blank
    assert len(set(open_steps)) > 5


def test_every_contract_file_is_present_with_its_exact_header(any_company: Company):
    for rel, header in CSV_HEADERS.items():
        raw = (any_company.root / rel).read_bytes()
        assert raw.split(b"\n", 1)[0].decode() == header, rel
        assert b"\r" not in raw, f"{rel} must use LF line endings"
    assert (any_company.root / "_manifest.json").exists()
    books = any_company.workbooks()
    assert books, "no quota workbook"
    for name, (sheets, rows) in books.items():
        fy = name.removeprefix("quotas_").removesuffix(".xlsx")
        assert sheets == [fy]
        assert rows[0][:2] == ("Email", "Name")
        assert len(rows[0]) == 14
        assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in rows[0][2:])
    files = any_company.activity_files()
    assert files
    for path in files[:: max(1, len(files) // 20)]:
        day = "-".join(path.parts[-4:-1])
        for line in path.read_text().splitlines():
            obj = json.loads(line)
            assert list(obj) == ACTIVITY_FIELDS
            assert obj["timestamp"][:10] == day and TS.match(obj["timestamp"])
            assert re.fullmatch(r"act_[0-9a-f]{16}", obj["id"])


def test_values_use_the_contract_formats(company: Company):
    _, opps = company.csv_rows("crm/Opportunity.csv")
    for row in opps:
        assert AMOUNT.match(row[4]) and DATE.match(row[9]) and TS.match(row[10]), row
        assert row[11] in ("true", "false") and row[15] in ("true", "false")
        assert TS.match(row[16]) and TS.match(row[17])
    _, fx = company.csv_rows("finance/fx_rates.csv")
    assert all(DATE.match(r[0]) and re.fullmatch(r"\d+\.\d+", r[2]) for r in fx)
    _, subs = company.csv_rows("revenue_intelligence/forecast_submissions.csv")
    assert {r[4] for r in subs} == {"Commit", "Best Case", "Pipeline"}
    assert {r[2] for r in subs} == {"rep", "manager"}
    assert all(re.fullmatch(r"fs_[0-9a-f]{12}", r[0]) and TS.match(r[7]) for r in subs)
    assert len({r[0] for r in subs}) == len(subs)


def test_manifest_counts_equal_the_rows_in_the_files(any_company: Company):
    counts = dict(any_company.manifest["counts"])
    activities = counts.pop("activities")
    for rel in CSV_HEADERS:
        _, rows = any_company.csv_rows(rel)
        assert counts.pop(rel) == len(rows), rel
    for name, (_, rows) in any_company.workbooks().items():
        assert counts.pop(f"compensation/{name}") == len(rows) - 1, name
    assert counts == {}, f"counts for files the test does not know: {counts}"
    per_day = {}
    for path in any_company.activity_files():
        per_day["-".join(path.parts[-4:-1])] = len(path.read_text().splitlines())
    assert activities["per_day"] == per_day
    assert activities["total"] == sum(per_day.values())


def _checksum_ok(sf_id: str) -> bool:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for chunk in (sf_id[0:5], sf_id[5:10], sf_id[10:15]):
        bits = sum(1 << i for i, c in enumerate(chunk) if "A" <= c <= "Z")
        suffix += alphabet[bits]
    return sf_id[15:] == suffix


def test_ids_are_valid_salesforce_ids_with_the_right_prefixes(company: Company):
    columns = {
        "User": {"Id": "User", "UserRoleId": "UserRole", "ManagerId": "User"},
        "UserRole": {"Id": "UserRole", "ParentRoleId": "UserRole"},
        "Account": {"Id": "Account", "OwnerId": "User"},
        "Product2": {"Id": "Product2"},
        "Opportunity": {"Id": "Opportunity", "AccountId": "Account", "OwnerId": "User"},
        "OpportunityHistory": {"Id": "OpportunityHistory", "OpportunityId": "Opportunity"},
        "OpportunityLineItem": {"Id": "OpportunityLineItem", "OpportunityId": "Opportunity",
                                "Product2Id": "Product2"},
        "OpportunitySplit": {"Id": "OpportunitySplit", "OpportunityId": "Opportunity",
                             "SplitOwnerId": "User", "SplitTypeId": "OpportunitySplitType"},
        "OpportunitySplitType": {"Id": "OpportunitySplitType"},
        "OpportunityStage": {"Id": "OpportunityStage"},
    }  # fmt: skip
    for obj, cols in columns.items():
        df = company.frame(f"crm/{obj}.csv")
        for col, target in cols.items():
            values = [v for v in df[col] if v]
            assert values, f"{obj}.{col} is empty"
            for v in values:
                assert re.fullmatch(r"[0-9A-Za-z]{18}", v), (obj, col, v)
                assert v.startswith(PREFIXES[target]), (obj, col, v)
                assert _checksum_ok(v), (obj, col, v)
        ids = df["Id"]
        if obj == "Opportunity":
            dup = set(company.manifest["faults"]["duplicate_opportunities"])
            assert set(ids[ids.duplicated()]) == dup
        else:
            assert ids.is_unique, obj
    acts = company.activities()
    users = set(company.frame("crm/User.csv")["Id"])
    assert set(acts["user_id"]) <= users
    opps = set(company.frame("crm/Opportunity.csv")["Id"])
    assert set(acts["opportunity_id"].dropna()) <= opps
    assert acts["id"].is_unique


def test_bad_arguments_are_refused_with_a_clear_error(tmp_path):
    import datetime as dt

    import pytest

    from ingestion.demo import SCALES, generate

    assert list(SCALES) == ["small", "medium", "large", "xl"]
    with pytest.raises(ValueError, match="scale 'huge' is not one of small, medium, large, xl"):
        generate(tmp_path, scale="huge", as_of=dt.date(2026, 11, 28))
    with pytest.raises(ValueError, match="fiscal_year_start_month 13"):
        generate(tmp_path, fiscal_year_start_month=13, as_of=dt.date(2026, 11, 28))
    with pytest.raises(TypeError, match="as_of '2026-11-28' must be a datetime.date"):
        generate(tmp_path, as_of="2026-11-28")  # type: ignore[arg-type]
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "User.csv").write_text("keep me")
    with pytest.raises(FileExistsError, match="already holds a landing folder"):
        generate(tmp_path, as_of=dt.date(2026, 11, 28))
    assert (tmp_path / "crm" / "User.csv").read_text() == "keep me"


def test_stage_export_covers_every_stage_the_deals_carry(company: Company):
    """The demo writes Salesforce's OpportunityStage setup for its own stages, in order."""
    stages = company.frame("crm/OpportunityStage.csv")
    assert list(stages["MasterLabel"]) == [
        "Prospecting", "Qualification", "Discovery", "Proposal", "Negotiation",
        "Closed Won", "Closed Lost",
    ]  # fmt: skip
    assert list(stages["SortOrder"]) == ["1", "2", "3", "4", "5", "6", "7"]
    assert list(stages["IsWon"]) == ["false"] * 5 + ["true", "false"]
    assert list(stages["IsClosed"]) == ["false"] * 5 + ["true", "true"]
    assert list(stages["DefaultProbability"]) == ["10", "20", "40", "60", "80", "100", "0"]
    deals = company.frame("crm/Opportunity.csv")
    assert set(deals["StageName"]) <= set(stages["MasterLabel"])
