"""The public API the orchestration builds on: names, keys, dispositions, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.pipeline import SYSTEMS, LoadResult, load_all, make_pipeline, make_source

ROOT = Path(__file__).resolve().parents[2]


def test_systems_are_the_five_of_the_design():
    assert SYSTEMS == ("crm", "sales_analytics", "revenue_intelligence", "compensation", "finance")


def test_a_pipeline_writes_to_the_work_warehouse_of_its_folder(tmp_path):
    pipeline = make_pipeline("crm", tmp_path / "wh")

    assert pipeline.pipeline_name == "spm_crm"
    assert pipeline.dataset_name == "raw_crm"
    assert pipeline.destination.destination_name == "duckdb"
    assert Path(pipeline.pipelines_dir) == tmp_path / "wh" / "dlt_pipelines"
    with pipeline.destination_client() as client:
        assert Path(client.config.credentials.database) == tmp_path / "wh" / "work.duckdb"


def test_making_a_source_reads_nothing_so_definitions_load_before_files_land():
    source = make_source("crm", Path("/no/such/landing"))
    assert source.name == "crm"
    assert list(source.resources) == [
        "user",
        "user_role",
        "account",
        "product2",
        "opportunity",
        "opportunity_history",
        "opportunity_line_item",
        "opportunity_split",
        "opportunity_split_type",
        "opportunity_stage",
        "crm_export_rejects",
    ]


def _hints(system: str, resource: str) -> dict:
    table = make_source(system, Path("/no/such/landing")).resources[resource].compute_table_schema()
    columns = table["columns"]
    return {
        "disposition": table["write_disposition"],
        "strategy": table.get("x-merge-strategy"),
        "primary_key": [c for c, v in columns.items() if v.get("primary_key")],
        "merge_key": [c for c, v in columns.items() if v.get("merge_key")],
        "cursor": [c for c, v in columns.items() if v.get("incremental")],
    }


@pytest.mark.parametrize(
    ("system", "resource", "expected"),
    [
        ("crm", "opportunity", ("merge", "scd2", ["id"], ["id"], ["system_modstamp"])),
        ("crm", "user", ("merge", "scd2", ["id"], ["id"], ["system_modstamp"])),
        ("crm", "account", ("merge", "delete-insert", ["id"], [], ["system_modstamp"])),
        ("crm", "opportunity_history", ("merge", "delete-insert", ["id"], [], ["system_modstamp"])),
        ("sales_analytics", "activities", ("append", None, ["id"], [], [])),
        (
            "revenue_intelligence",
            "forecast_submissions",
            ("merge", "delete-insert", ["submission_id"], [], ["submitted_at"]),
        ),
        ("compensation", "quotas", ("merge", "scd2", ["email", "month"], ["fiscal_year"], [])),
        (
            "compensation",
            "assignments",
            ("merge", "delete-insert", ["user_id", "effective_from"], [], []),
        ),
        ("compensation", "payouts", ("merge", "delete-insert", ["payout_id"], [], [])),
        ("finance", "fx_rates", ("merge", "delete-insert", ["date", "currency"], [], [])),
    ],
)
def test_each_resource_has_its_key_disposition_and_cursor(system, resource, expected):
    hints = _hints(system, resource)
    assert (
        hints["disposition"],
        hints["strategy"],
        hints["primary_key"],
        hints["merge_key"],
        hints["cursor"],
    ) == expected


def test_an_unknown_system_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown source system 'erp'"):
        make_source("erp", tmp_path)
    with pytest.raises(ValueError, match="unknown source system 'erp'"):
        load_all(tmp_path, tmp_path, systems=["finance", "erp"])


def _write_rates(landing: Path, rows: str) -> None:
    (landing / "finance").mkdir(parents=True, exist_ok=True)
    (landing / "finance" / "fx_rates.csv").write_text("date,currency,rate\n" + rows)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def test_a_source_runs_from_the_command_line_without_dagster(tmp_path):
    _write_rates(tmp_path / "landing", "2026-03-05,EUR,1.05\n2026-03-05,GBP,1.27\n")
    args = ["--landing", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "wh")]

    done = _run("-m", "ingestion.sources.finance", *args)

    assert done.returncode == 0, done.stderr
    assert "raw_finance.fx_rates: 2 rows loaded" in done.stdout
    check = _run("-c", "import ingestion.cli, sys; print('dagster' in sys.modules)")
    assert check.stdout.strip() == "False"


def test_the_command_line_names_the_bad_file_and_exits_1(tmp_path):
    _write_rates(tmp_path / "landing", "2026-03-05,EUR,1.05\n2026-03-32,GBP,1.27\n")

    done = _run(
        "-m",
        "ingestion.sources.finance",
        "--landing",
        str(tmp_path / "landing"),
        "--warehouse",
        str(tmp_path / "wh"),
    )

    assert done.returncode == 1
    assert (
        "finance/fx_rates.csv, row 3, field date: '2026-03-32' is not a date YYYY-MM-DD"
        in done.stderr
    )


def test_load_all_returns_rows_per_table_and_what_it_noticed(tmp_path):
    _write_rates(tmp_path / "landing", "2026-03-05,EUR,1.05\n")

    results = load_all(tmp_path / "landing", tmp_path / "wh", systems=["finance"])

    assert list(results) == ["finance"]
    result = results["finance"]
    assert isinstance(result, LoadResult)
    assert result == {"fx_rates": 1}
    assert result.files_read == {"fx_rates": ["finance/fx_rates.csv"]}
    assert result.new_columns == {}
    assert result.load_info is not None
