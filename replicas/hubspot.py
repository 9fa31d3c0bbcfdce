"""Replica of HubSpot CRM v3, serving `<landing>/crm/*.csv` as a portal's records.

Documented shapes only: `GET /crm/v3/owners` and `GET /crm/v3/objects/deals` (`limit`,
`after`, `archived`, `properties`; `{"results": [...], "paging": {"next": {"after"}}}`),
`POST /crm/v3/objects/deals/search` (one `hs_lastmodifieddate GTE` filter, ascending sort,
`after` in the body), `POST /crm/v3/objects/deals/batch/read` with `propertiesWithHistory`,
`GET /crm/v3/pipelines/deals`, `GET /settings/v3/users/teams`,
`POST /crm/v3/objects/deals/splits/batch/read` (Sales Hub Enterprise deal splits); errors as
`{"status": "error", "message", "category", "correlationId"}`.

The export becomes a portal this way: a user is an owner (an inactive user an archived one)
whose primary team is its role; every role with members is a team (HubSpot's stable teams API
has no hierarchy); opportunities are deals of one pipeline `default` whose stages are the
stage names; a soft-deleted opportunity is an archived deal; OpportunityHistory becomes the
history of `dealstage`, `amount` and `closedate`; the Revenue rows of OpportunitySplit are
the deals' splits (share = SplitPercentage / 100). HubSpot has one kind of split, credit
that sums to 100% of the deal: Overlay splits have no HubSpot counterpart and are not
served, so a company on HubSpot has no overlay credit. Ids are kept as they are in the export, so
the other systems of the demo company still join (HubSpot's own ids are numeric strings;
the source treats every id as text).

Faults are scripted per data request number (1 = first request): `429` (with Retry-After),
`500`, `503`; `wrong_token` makes every request 401. `splits_unavailable=403` (or 404) makes
the portal one without deal splits (not Enterprise, or splits turned off): the splits batch
read answers 403 MISSING_SCOPES (404 not found), as HubSpot does.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from replicas.server import Reply, Request

ACCESS_TOKEN = "pat-na1-replica-0000"
FORECAST = {
    "Pipeline": "PIPELINE",
    "Best Case": "BEST_CASE",
    "Commit": "COMMIT",
    "Closed": "CLOSED",
    "Omitted": "OMIT",
}


def stage_id(name: str) -> str:
    """HubSpot-style internal stage id: `Closed Won` -> `closedwon`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _rows(landing: Path, name: str) -> list[dict[str, str]]:
    path = landing / "crm" / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _latest(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    latest: dict[str, dict[str, str]] = {}
    for row in rows:
        known = latest.get(row["Id"])
        if known is None or row["SystemModstamp"] >= known["SystemModstamp"]:
            latest[row["Id"]] = row
    return latest


def _iso_date(day: str) -> str | None:
    return f"{day}T00:00:00Z" if day else None


@dataclass
class HubSpotReplica:
    """A portal of one company; counts the deals it served and the requests it answered."""

    landing_dir: Path
    access_token: str = ACCESS_TOKEN
    faults: dict[int, str] = field(default_factory=dict)
    retry_after: int = 1
    owners: list[dict[str, Any]] = field(init=False)
    teams: list[dict[str, Any]] = field(init=False)
    pipelines: list[dict[str, Any]] = field(init=False)
    deals: dict[str, dict[str, Any]] = field(init=False)
    history: dict[str, dict[str, list[dict[str, Any]]]] = field(init=False)
    splits: dict[str, list[dict[str, Any]]] = field(init=False)
    splits_unavailable: int | None = None
    requests: int = 0
    deals_served: int = 0
    searches: list[dict[str, Any]] = field(default_factory=list)
    # the deal ids of every splits batch read answered, in order
    split_reads: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        landing = Path(self.landing_dir)
        users = _latest(_rows(landing, "User"))
        roles = _latest(_rows(landing, "UserRole"))
        opportunities = _latest(_rows(landing, "Opportunity"))
        self.owners = [self._owner(n, u, roles) for n, u in enumerate(users.values(), 1)]
        members: dict[str, list[str]] = {}
        for user in users.values():
            members.setdefault(user["UserRoleId"], []).append(user["Id"])
        self.teams = [
            {"id": rid, "name": role["Name"], "userIds": members[rid], "secondaryUserIds": []}
            for rid, role in roles.items()
            if rid in members
        ]
        self.pipelines = [self._pipeline(opportunities.values())]
        self.deals = {oid: self._deal(o) for oid, o in opportunities.items()}
        self.history = self._history(_rows(landing, "OpportunityHistory"))
        self.splits = self._splits(
            _latest(_rows(landing, "OpportunitySplit")),
            _latest(_rows(landing, "OpportunitySplitType")),
        )

    # -- the portal, from the export -------------------------------------------------------
    @staticmethod
    def _owner(number: int, user: dict[str, str], roles: dict[str, Any]) -> dict[str, Any]:
        first, _, last = user["Name"].partition(" ")
        role = roles.get(user["UserRoleId"])
        return {
            "id": user["Id"],
            "email": user["Email"],
            "type": "PERSON",
            "firstName": first,
            "lastName": last,
            "userId": 9000000 + number,
            "createdAt": user["CreatedDate"] or None,
            "updatedAt": user["SystemModstamp"],
            "archived": user["IsActive"] != "true",
            "teams": (
                [{"id": user["UserRoleId"], "name": role["Name"], "primary": True}] if role else []
            ),
        }

    @staticmethod
    def _pipeline(opportunities: Any) -> dict[str, Any]:
        by_stage: dict[str, list[dict[str, str]]] = {}
        for opp in opportunities:
            by_stage.setdefault(opp["StageName"], []).append(opp)

        def order(name: str) -> tuple[int, float, str]:
            sample = by_stage[name][0]
            if sample["IsClosed"] == "true":
                return (1 if sample["IsWon"] == "true" else 2, 0.0, name)
            return (
                0,
                statistics.mode(float(o["Probability"] or 0) for o in by_stage[name]),
                name,
            )

        stages = []
        for number, name in enumerate(sorted(by_stage, key=order)):
            opps = by_stage[name]
            probability = statistics.mode(float(o["Probability"] or 0) for o in opps) / 100
            stages.append(
                {
                    "id": stage_id(name),
                    "label": name,
                    "displayOrder": number,
                    "metadata": {
                        "isClosed": opps[0]["IsClosed"],
                        "probability": str(probability),
                    },
                    "archived": False,
                    "createdAt": "2018-01-01T00:00:00Z",
                    "updatedAt": "2018-01-01T00:00:00Z",
                }
            )
        return {
            "id": "default",
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "stages": stages,
            "archived": False,
        }

    @staticmethod
    def _deal(opp: dict[str, str]) -> dict[str, Any]:
        probability = float(opp["Probability"]) / 100 if opp["Probability"] else None
        properties = {
            "dealname": opp["Name"],
            "amount": opp["Amount"] or None,
            "deal_currency_code": opp["CurrencyIsoCode"] or None,
            "closedate": _iso_date(opp["CloseDate"]),
            "createdate": opp["CreatedDate"] or None,
            "pipeline": "default",
            "dealstage": stage_id(opp["StageName"]),
            "hubspot_owner_id": opp["OwnerId"] or None,
            "hs_forecast_category": FORECAST.get(opp["ForecastCategoryName"]),
            "hs_deal_stage_probability": None if probability is None else str(probability),
            "dealtype": opp["Type"] or None,
            "hs_is_closed": opp["IsClosed"],
            "hs_is_closed_won": opp["IsWon"],
            "hs_lastmodifieddate": opp["SystemModstamp"],
            "hs_object_id": opp["Id"],
        }
        if "NextStep" in opp:
            # a portal has the property when the company's export has the field
            properties["hs_next_step"] = opp["NextStep"] or None
        return {
            "id": opp["Id"],
            "properties": properties,
            "createdAt": opp["CreatedDate"],
            "updatedAt": opp["SystemModstamp"],
            "archived": opp["IsDeleted"] == "true",
            **({"archivedAt": opp["SystemModstamp"]} if opp["IsDeleted"] == "true" else {}),
        }

    @staticmethod
    def _history(rows: list[dict[str, str]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Per deal and property, the values it took, newest first (as HubSpot lists them)."""
        per_deal: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            if row["IsDeleted"] != "true":
                per_deal.setdefault(row["OpportunityId"], []).append(row)
        history: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for deal_id, changes in per_deal.items():
            changes.sort(key=lambda r: (r["CreatedDate"], r["Id"]))
            values: dict[str, list[dict[str, Any]]] = {}
            for row in changes:
                state = {
                    "dealstage": stage_id(row["StageName"]),
                    "amount": row["Amount"] or None,
                    "closedate": _iso_date(row["CloseDate"]),
                }
                for name, value in state.items():
                    seen = values.setdefault(name, [])
                    if not seen or seen[-1]["value"] != value:
                        seen.append(
                            {
                                "value": value,
                                "timestamp": row["CreatedDate"],
                                "sourceType": "CRM_UI",
                                "sourceId": "userId:replica",
                            }
                        )
            history[deal_id] = {name: list(reversed(seen)) for name, seen in values.items()}
        return history

    def _splits(
        self, rows: dict[str, dict[str, str]], types: dict[str, dict[str, str]]
    ) -> dict[str, list[dict[str, Any]]]:
        """Per deal, its Revenue splits in HubSpot's shape (Overlay splits have no equivalent)."""
        revenue = {tid for tid, t in types.items() if t["DeveloperName"].lower() == "revenue"}
        splits: dict[str, list[dict[str, Any]]] = {}
        for row in rows.values():
            if row["IsDeleted"] == "true" or row["SplitTypeId"] not in revenue:
                continue
            if row["OpportunityId"] not in self.deals:
                continue
            share = Decimal(row["SplitPercentage"]) / 100
            splits.setdefault(row["OpportunityId"], []).append(
                _split(row["Id"], row["SplitOwnerId"], share, row["SystemModstamp"])
            )
        return splits

    @property
    def records_served(self) -> int:
        return self.deals_served

    # -- changes, as users make them in the portal -----------------------------------------
    def update_deal(self, deal_id: str, at: dt.datetime, **properties: Any) -> None:
        deal = self.deals[deal_id]
        stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        deal["properties"].update(properties, hs_lastmodifieddate=stamp)
        deal["updatedAt"] = stamp
        for name in ("dealstage", "amount", "closedate"):
            if name in properties:
                self.history.setdefault(deal_id, {}).setdefault(name, []).insert(
                    0, {"value": properties[name], "timestamp": stamp, "sourceType": "CRM_UI"}
                )

    def set_splits(self, deal_id: str, at: dt.datetime, shares: list[tuple[str, Decimal]]) -> None:
        """Replace a deal's splits (owner id, share) as HubSpot's upsert does: new split ids;
        an empty list removes them. The deal's own properties are left alone."""
        stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.splits[deal_id] = [
            _split(f"{deal_id}-{stamp}-{number}", owner, share, stamp)
            for number, (owner, share) in enumerate(shares)
        ]

    def archive_deal(self, deal_id: str, at: dt.datetime) -> None:
        """Archive (delete) a deal; like HubSpot, this leaves hs_lastmodifieddate alone."""
        deal = self.deals[deal_id]
        deal["archived"] = True
        deal["archivedAt"] = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    # -- HTTP -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        self.requests += 1
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return _error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
        fault = self.faults.get(self.requests)
        if fault == "429":
            reply = _error(429, "RATE_LIMITS", "You have reached your secondly limit.")
            reply.headers["Retry-After"] = str(self.retry_after)
            return reply
        if fault in ("500", "503"):
            return _error(int(fault), "INTERNAL_ERROR", "internal error")
        route = (request.method, request.path)
        if route == ("GET", "/crm/v3/owners"):
            archived = request.query.get("archived") == "true"
            return self._list([o for o in self.owners if o["archived"] == archived], request)
        if route == ("GET", "/settings/v3/users/teams"):
            return Reply(200, {"results": self.teams})
        if route == ("GET", "/crm/v3/pipelines/deals"):
            return Reply(200, {"results": self.pipelines})
        if route == ("GET", "/crm/v3/objects/deals"):
            archived = request.query.get("archived") == "true"
            chosen = [d for d in self.deals.values() if d["archived"] == archived]
            names = (request.query.get("properties") or "").split(",")
            return self._list(chosen, request, deals=True, shape=lambda d: _select(d, names))
        if route == ("POST", "/crm/v3/objects/deals/search"):
            return self._search(request.json())
        if route == ("POST", "/crm/v3/objects/deals/batch/read"):
            return self._batch_read(request.json())
        if route == ("POST", "/crm/v3/objects/deals/splits/batch/read"):
            return self._splits_read(request.json())
        return _error(404, "OBJECT_NOT_FOUND", f"no route {request.method} {request.path}")

    def _list(
        self,
        items: list[Any],
        request: Request,
        *,
        deals: bool = False,
        shape: Callable[[Any], Any] | None = None,
    ) -> Reply:
        """One page of `items`; `shape` is applied to the page's items only."""
        limit = min(int(request.query.get("limit") or 10), 100)
        start = int(request.query.get("after") or 0)
        page = items[start : start + limit]
        if shape is not None:
            page = [shape(item) for item in page]
        if deals:
            self.deals_served += len(page)
        body: dict[str, Any] = {"results": page}
        if start + limit < len(items):
            body["paging"] = {"next": {"after": str(start + limit), "link": "?after="}}
        return Reply(200, body)

    def _search(self, body: dict[str, Any]) -> Reply:
        self.searches.append(body)
        (flt,) = body["filterGroups"][0]["filters"]
        since = dt.datetime.fromtimestamp(int(flt["value"]) / 1000, dt.UTC)
        chosen = sorted(
            (
                d
                for d in self.deals.values()
                if not d["archived"] and _when(d["properties"]["hs_lastmodifieddate"]) >= since
            ),
            key=lambda d: d["properties"]["hs_lastmodifieddate"],
        )
        limit = min(int(body.get("limit") or 10), 200)
        start = int(body.get("after") or 0)
        if start >= 10_000:
            return _error(400, "VALIDATION_ERROR", "paging beyond 10000 results is not allowed")
        page = [_select(d, body.get("properties") or []) for d in chosen[start : start + limit]]
        self.deals_served += len(page)
        answer: dict[str, Any] = {"total": len(chosen), "results": page}
        if start + limit < len(chosen):
            answer["paging"] = {"next": {"after": str(start + limit)}}
        return Reply(200, answer)

    def _batch_read(self, body: dict[str, Any]) -> Reply:
        names = body.get("propertiesWithHistory") or []
        results = []
        for item in body.get("inputs") or []:
            deal = self.deals.get(item["id"])
            if deal is None:
                continue
            history = self.history.get(item["id"], {})
            results.append(
                {
                    **_select(deal, body.get("properties") or []),
                    "propertiesWithHistory": {n: history.get(n, []) for n in names},
                }
            )
        now = dt.datetime.now(dt.UTC).isoformat()
        return Reply(
            200,
            {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now},
        )

    def _splits_read(self, body: dict[str, Any]) -> Reply:
        if self.splits_unavailable == 403:
            reply = _error(
                403,
                "MISSING_SCOPES",
                "This app hasn't been granted all required scopes to make this call.",
            )
            reply.body["errors"] = [
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": ["crm.dealsplits.read_write"]},
                }
            ]
            return reply
        if self.splits_unavailable == 404:
            return _error(404, "OBJECT_NOT_FOUND", "Deal splits are not enabled for this portal")
        inputs = [str(item["id"]) for item in body.get("inputs") or []]
        if len(inputs) > 100:
            return _error(400, "VALIDATION_ERROR", "a batch read takes at most 100 inputs")
        self.split_reads.append(inputs)
        results = [
            {"id": deal_id, "splits": self.splits.get(deal_id, [])}
            for deal_id in inputs
            if deal_id in self.deals
        ]
        now = dt.datetime.now(dt.UTC).isoformat()
        return Reply(
            200,
            {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now},
        )


def _split(split_id: str, owner_id: str, share: Decimal, stamp: str) -> dict[str, Any]:
    return {
        "id": split_id,
        "properties": {
            "hs_deal_split_percentage": str(share.normalize()),
            "hubspot_owner_id": owner_id,
        },
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
    }


def _select(deal: dict[str, Any], names: list[str]) -> dict[str, Any]:
    wanted = [n for n in names if n] or ["dealname", "amount", "closedate", "createdate"]
    # HubSpot leaves a property the portal does not have out of the response
    properties = {n: deal["properties"][n] for n in wanted if n in deal["properties"]}
    properties["hs_object_id"] = deal["id"]
    return {**deal, "properties": properties}


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _error(status: int, category: str, message: str) -> Reply:
    return Reply(
        status,
        {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
        },
    )


def hubspot_env(url: str, replica: HubSpotReplica) -> dict[str, str]:
    """The settings a real portal would need, pointing at the replica."""
    return {
        "SOURCES__HUBSPOT_API__BASE_URL": url,
        "SOURCES__HUBSPOT_API__ACCESS_TOKEN": replica.access_token,
    }
