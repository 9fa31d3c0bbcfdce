"""Which column keys each published table in PostgreSQL (its primary key there): a mart's
contract constraint, or the column a model's dbt tests hold unique and not null."""

from __future__ import annotations

import json

from orchestration.publish_postgres import keys_from_manifest
from tests.support.dbt.dbt_helpers import DBT_PROJECT


def _manifest() -> dict:
    return json.loads((DBT_PROJECT / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_every_quarantine_table_is_keyed_by_its_column_rules() -> None:
    """The quarantine tables have no contract: their key is the `unique:` column of their
    `column_rules` test, which is also in its `not_null:` list."""
    keys = keys_from_manifest(_manifest())
    quarantine = {table: key for table, key in keys.items() if table.startswith("quarantine.")}
    assert quarantine == {
        "quarantine.opportunities": "quarantine_id",
        "quarantine.quotas": "quarantine_id",
        "quarantine.crm_export": "quarantine_id",
    }


def test_marts_are_keyed_by_their_contracts_and_facts_by_their_tests() -> None:
    keys = keys_from_manifest(_manifest())
    assert keys["marts.rep_performance"] == "rep_period_id"
    assert keys["marts.fct_activities"] == "activity_id"


def test_a_key_needs_both_rules() -> None:
    columns = {"quarantine_id": {}, "rule": {}}
    model = {"resource_type": "model", "schema": "quarantine", "name": "q", "columns": columns}
    only_unique = {
        "resource_type": "test",
        "attached_node": "model.spm.q",
        "test_metadata": {"name": "column_rules", "kwargs": {"unique": "quarantine_id"}},
    }
    manifest = {"nodes": {"model.spm.q": model, "test.spm.r": only_unique}}
    assert keys_from_manifest(manifest) == {}
    both = {
        **only_unique,
        "test_metadata": {
            "name": "column_rules",
            "kwargs": {"unique": ["quarantine_id"], "not_null": ["quarantine_id", "rule"]},
        },
    }
    manifest["nodes"]["test.spm.r"] = both
    assert keys_from_manifest(manifest) == {"quarantine.q": "quarantine_id"}
