"""`spm init-mapping` proposes a mapping.yml for a CRM export nobody here wrote.

The user points it at their deals file (and people file); the proposal must name the right
columns, the date format and what the owner column holds, list every stage value of the file
with a status guessed from its words, and be a mapping the load accepts as it stands.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml

from ingestion.pipeline import load_system
from orchestration.cli import main
from tests.support.ingestion.crm_export_landing import write_crm_export

AS_OF = dt.date(2026, 11, 28)


def test_init_mapping_proposes_the_columns_formats_and_every_stage(tmp_path: Path, capsys) -> None:
    export = write_crm_export(tmp_path / "landing", AS_OF)
    export.mapping.unlink()
    code = main(["init-mapping", str(export.deals_csv), "--people", str(export.people_csv)])
    assert code == 0
    assert str(export.mapping) in capsys.readouterr().out
    proposal = yaml.safe_load(export.mapping.read_text())
    assert proposal["deals"]["file"] == "deals.csv"
    assert proposal["deals"]["owner_key"] == "name"
    assert proposal["date_format"] == "%m/%d/%Y"
    assert proposal["currency"] == "USD"
    assert proposal["deals"]["columns"] == {
        "id": "opportunity_id",
        "owner": "sales_agent",
        "amount": "close_value",
        "stage": "deal_stage",
        "close_date": "close_date",
        "created_date": "engage_date",
        "account": "account",
        "product": "product",
    }
    stages = Counter(d["deal_stage"] for d in export.deals)
    assert set(proposal["stages"]) == set(stages)
    assert {value: rule["status"] for value, rule in proposal["stages"].items()} == {
        "Won": "won",
        "Lost": "lost",
        "Engaging": "open",
        "Prospecting": "open",
    }
    for value, count in stages.items():
        assert f"# {count} rows" in next(
            line
            for line in export.mapping.read_text().splitlines()
            if line.startswith(f'  "{value}"')
        )
    assert proposal["people"] == {
        "file": "teams.csv",
        "columns": {
            "owner": "sales_agent",
            "manager": "manager",
            "region": "regional_office",
        },
    }
    # the proposal loads as it stands
    result = load_system("crm", export.root, tmp_path / "warehouse")
    assert result["opportunity"] == len(export.deals)


def test_init_mapping_guesses_statuses_and_owner_emails(tmp_path: Path) -> None:
    deals = tmp_path / "opps.csv"
    deals.write_text(
        "Deal ID,Owner Email,Deal Value,Status,Expected Close,Currency\n"
        "D-1,ann@example.com,100.50,Closed Won,2026-03-01,EUR\n"
        'D-2,bob@example.com,"1,200",Closed Lost,2026-03-02,EUR\n'
        "D-3,ann@example.com,,Qualified,,EUR\n"
        "D-4,bob@example.com,50,Demo Scheduled,2026-05-02,USD\n",
        encoding="utf-8",
    )
    out = tmp_path / "proposal" / "mapping.yml"
    assert main(["init-mapping", str(deals), "--out", str(out)]) == 0
    proposal = yaml.safe_load(out.read_text())
    assert proposal["deals"]["file"] == "../opps.csv"
    assert proposal["deals"]["owner_key"] == "email"
    assert proposal["date_format"] == "%Y-%m-%d"
    assert proposal["currency_column"] == "Currency"
    assert proposal["deals"]["columns"] == {
        "id": "Deal ID",
        "owner": "Owner Email",
        "amount": "Deal Value",
        "stage": "Status",
        "close_date": "Expected Close",
    }
    assert {value: rule["status"] for value, rule in proposal["stages"].items()} == {
        "Closed Won": "won",
        "Closed Lost": "lost",
        "Qualified": "open",
        "Demo Scheduled": "open",
    }


def test_init_mapping_refuses_to_overwrite_a_mapping(tmp_path: Path, capsys) -> None:
    export = write_crm_export(tmp_path / "landing", AS_OF)
    assert main(["init-mapping", str(export.deals_csv)]) == 2
    assert "exists; pass --force to replace it" in capsys.readouterr().err
    assert main(["init-mapping", str(export.deals_csv), "--force"]) == 0
