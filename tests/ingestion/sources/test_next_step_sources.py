"""The optional next step of a deal through every CRM path: present, blank, absent.

A CRM that keeps next steps lands each deal's text, and a blank one as empty text (known:
the deal has none); a CRM without the field (an export without the column, an org that hides
it, a portal without the property, a mapping that does not name it) loads exactly as before,
with the raw value null (unknown), so the coaching lists never blame a rep for a field their
CRM does not have.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from ingestion.pipeline import load_system
from ingestion.rowids import version_hash
from ingestion.sources.crm.contract import OBJECTS
from ingestion.tables import for_dlt
from replicas.connect import crm_replica
from tests.support.ingestion.crm_export_landing import DEALS_HEADER, write_crm_export
from tests.support.ingestion.tiny_landing import O1, O2, O3, O4, Raw, TinyLanding

OPPORTUNITY = next(obj for obj in OBJECTS if obj.object_name == "Opportunity")


def _drop_next_step(csv_path: Path) -> None:
    """Rewrite an Opportunity export without its NextStep column, as an older export is."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = [name for name in rows[0] if name != "NextStep"]
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _crm_only(landing: Path, dest: Path, *, next_step: bool) -> Path:
    """A landing folder holding only `landing`'s CRM export, with or without NextStep."""
    shutil.copytree(landing / "crm", dest / "crm")
    if not next_step:
        _drop_next_step(dest / "crm" / "Opportunity.csv")
    return dest


# -- Salesforce export files ---------------------------------------------------------------


def test_an_export_with_next_steps_lands_the_text_and_a_blank_as_empty(loaded_template) -> None:
    rows = loaded_template.raw.query("select id, next_step from raw_crm.opportunity order by id")
    assert rows == [(O1, ""), (O2, ""), (O3, "Send the renewal quote"), (O4, "")]


def test_an_export_without_the_column_loads_with_the_next_step_unknown(
    landing: TinyLanding, warehouse: Path, raw: Raw
) -> None:
    _drop_next_step(landing.root / "crm" / "Opportunity.csv")
    result = load_system("crm", landing.root, warehouse)
    assert raw.query("select count(*), count(next_step) from raw_crm.opportunity") == [(4, 0)]
    assert result["opportunity"] == 4
    assert "opportunity" not in result.warnings


def test_a_next_step_column_in_the_file_is_never_a_new_column(
    landing: TinyLanding, warehouse: Path
) -> None:
    result = load_system("crm", landing.root, warehouse)
    assert not any("next_step" in note for notes in result.warnings.values() for note in notes)


def test_an_absent_optional_column_leaves_the_row_versions_as_they_were() -> None:
    """A company without the field keeps the scd2 versions it had before the column joined
    the contract: a version that changed would make every deal look edited."""
    spec = OPPORTUNITY.spec
    values = {field.name: pa.array([None, None], field.arrow_type) for field in spec.fields}
    values["id"] = pa.array(["006A", "006B"])
    values["name"] = pa.array(["One", "Two"])
    table = pa.table(values)
    before = [name for name in table.column_names if name != "next_step"]
    absent = for_dlt(table, spec, scd2_version_of=table.column_names)
    assert absent["_dlt_id"].to_pylist() == version_hash(table, before).to_pylist()

    known = table.set_column(
        table.column_names.index("next_step"), "next_step", pa.array(["", "Call"])
    )
    present = for_dlt(known, spec, scd2_version_of=known.column_names)
    assert present["_dlt_id"].to_pylist() == (version_hash(known, known.column_names).to_pylist())
    assert present["_dlt_id"].to_pylist() != absent["_dlt_id"].to_pylist()


# -- Salesforce REST API -------------------------------------------------------------------


@pytest.mark.slow
def test_the_api_lands_next_steps_as_the_export_does(small_landing: Path, tmp_path: Path) -> None:
    landing = _crm_only(small_landing, tmp_path / "landing", next_step=True)
    with crm_replica("salesforce-api", landing) as replica:
        load_system("crm", landing, tmp_path / "wh", connection="api")
    written = {
        record["Id"]: record.get("NextStep") or "" for record in replica.org["Opportunity"].values()
    }
    raw = Raw(tmp_path / "wh")
    landed = dict(raw.query("select id, next_step from raw_crm.opportunity"))
    assert landed == written
    assert "" in landed.values() and any(landed.values())
    assert any("NextStep" in q for q in replica.queries if "FROM Opportunity" in q)


@pytest.mark.slow
def test_an_org_without_next_step_loads_it_as_unknown_with_a_warning(
    small_landing: Path, tmp_path: Path
) -> None:
    landing = _crm_only(small_landing, tmp_path / "landing", next_step=True)
    missing = {"Opportunity": {"NextStep"}}
    with crm_replica("salesforce-api", landing, missing_fields=missing) as replica:
        result = load_system("crm", landing, tmp_path / "wh", connection="api")
    raw = Raw(tmp_path / "wh")
    [(rows, known)] = raw.query("select count(*), count(next_step) from raw_crm.opportunity")
    assert rows == len(replica.org["Opportunity"]) and known == 0
    [warning] = result.warnings["opportunity"]
    assert "Opportunity.NextStep is not available" in warning
    assert "unknown, not blank" in warning


@pytest.mark.slow
def test_an_excluded_next_step_is_unknown_not_blank(small_landing: Path, tmp_path: Path) -> None:
    from ingestion.pipeline import make_pipeline
    from ingestion.sources.salesforce_api import salesforce_api_source
    from replicas.salesforce import SalesforceReplica
    from replicas.server import ReplicaServer
    from tests.support.ingestion.salesforce_api_helpers import replica_config

    landing = _crm_only(small_landing, tmp_path / "landing", next_step=True)
    replica = SalesforceReplica(landing)
    with ReplicaServer(replica) as server:
        config = replica_config(server, replica, exclude_fields=("Opportunity.NextStep",))
        source = salesforce_api_source(config).with_resources("opportunity")
        make_pipeline("crm", tmp_path / "wh").run(source)
    raw = Raw(tmp_path / "wh")
    [(rows, known)] = raw.query("select count(*), count(next_step) from raw_crm.opportunity")
    assert rows == len(replica.org["Opportunity"]) and known == 0
    assert all("NextStep" not in q for q in replica.queries)


# -- HubSpot API ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("has_field", [True, False], ids=["portal_has_it", "portal_lacks_it"])
def test_hubspot_next_step_is_text_blank_or_unknown(
    small_landing: Path, tmp_path: Path, has_field: bool
) -> None:
    landing = _crm_only(small_landing, tmp_path / "landing", next_step=has_field)
    with crm_replica("hubspot-api", landing) as replica:
        load_system("hubspot", landing, tmp_path / "wh", connection="api")
    raw = Raw(tmp_path / "wh")
    landed = dict(
        raw.query("select id, hs_next_step from raw_hubspot.deals where _dlt_valid_to is null")
    )
    assert set(landed) == set(replica.deals)
    if has_field:
        written = {
            deal_id: deal["properties"]["hs_next_step"] or ""
            for deal_id, deal in replica.deals.items()
        }
        assert landed == written
        assert "" in landed.values() and any(landed.values())
    else:
        assert set(landed.values()) == {None}


# -- a mapped CSV export -------------------------------------------------------------------


def _export_with_next_steps(root: Path) -> tuple[Path, dict[str, str]]:
    export = write_crm_export(root, dt.date(2026, 11, 28), deals=40)
    steps = {}
    rows = []
    for index, deal in enumerate(export.deals):
        step = "" if index % 3 == 0 else f"  Call {deal['sales_agent']}  "
        steps[deal["opportunity_id"]] = " ".join(step.split())
        rows.append({**deal, "next_action": step})
    with export.deals_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*DEALS_HEADER, "next_action"])
        writer.writeheader()
        writer.writerows(rows)
    return export.mapping, steps


def test_a_mapped_next_step_lands_trimmed_and_a_blank_as_empty(tmp_path: Path) -> None:
    mapping, steps = _export_with_next_steps(tmp_path / "landing")
    text = mapping.read_text()
    mapping.write_text(
        text.replace("    product: product\n", "    product: product\n    next_step: next_action\n")
    )
    load_system("crm", tmp_path / "landing", tmp_path / "wh")
    landed = dict(Raw(tmp_path / "wh").query("select id, next_step from raw_crm.opportunity"))
    assert len(landed) > 30
    assert landed == {deal_id: steps[deal_id] for deal_id in landed}
    assert "" in landed.values() and any(landed.values())


def test_an_unmapped_next_step_column_leaves_the_next_step_unknown(tmp_path: Path) -> None:
    _export_with_next_steps(tmp_path / "landing")
    load_system("crm", tmp_path / "landing", tmp_path / "wh")
    rows = Raw(tmp_path / "wh").query("select count(*), count(next_step) from raw_crm.opportunity")
    assert rows[0][0] > 0 and rows[0][1] == 0
