"""`spm check`: every check (dbt tests and Great Expectations suites) on the work warehouse."""

from __future__ import annotations

import json
import subprocess

from orchestration.dbt_manifest import dbt_command, ensure_manifest
from orchestration.settings import Settings


def dbt_test_results(settings: Settings) -> list[dict[str, object]]:
    """Run `dbt test` and read its run_results.json into check rows."""
    ensure_manifest(settings)
    target = settings.dbt_target_dir("check")
    cmd, env = dbt_command(settings, ["test", "--quiet"], target)
    subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    results_path = target / "run_results.json"
    if not results_path.exists():
        raise RuntimeError("dbt test produced no run_results.json")
    manifest = json.loads((target / "manifest.json").read_text())
    rows = []
    for result in json.loads(results_path.read_text())["results"]:
        node = manifest["nodes"].get(result["unique_id"], {})
        severity = (node.get("config", {}).get("severity") or "ERROR").lower()
        attached = node.get("attached_node") or ""
        rows.append(
            {
                "check": node.get("name", result["unique_id"]),
                "asset": attached.split(".")[-1] if attached else "(singular)",
                "severity": "error" if severity == "error" else "warning",
                "passed": result["status"] == "pass",
                "failing_rows": int(result.get("failures") or 0),
                "sample": "",
            }
        )
    return rows


def run_all_checks(settings: Settings) -> tuple[str, bool]:
    from data_quality import format_check_table, run_checks

    gx = run_checks(
        settings.work_db,
        settings.as_of,
        settings.warehouse_dir / "quality_state",
        config=settings.quality_config(),
    )
    dbt_rows = dbt_test_results(settings)
    table = format_check_table(gx)
    lines = [table, "", "dbt tests:"]
    header = f"  {'check':<60} {'asset':<32} {'severity':<8} {'result':<6} {'failing':>8}"
    lines.append(header)
    for row in dbt_rows:
        lines.append(
            f"  {str(row['check'])[:60]:<60} {str(row['asset'])[:32]:<32} {row['severity']:<8} "
            f"{'pass' if row['passed'] else 'FAIL':<6} {row['failing_rows']:>8}"
        )
    failed = any(not r.passed and r.severity == "error" for r in gx) or any(
        not r["passed"] and r["severity"] == "error" for r in dbt_rows
    )
    return "\n".join(lines), failed
