"""Replica of the Salesforce REST API, serving `<landing>/crm/*.csv` as an org's records.

Documented shapes only: `POST /services/oauth2/token` (client-credentials and refresh-token
grants), `GET /services/data/vXX.X/query` and `queryAll` with `q=<SOQL>`, answered as
`{"totalSize", "done", "nextRecordsUrl", "records": [{"attributes": {...}, <fields>}]}`,
the next page at `nextRecordsUrl`, `Sforce-Limit-Info: api-usage=n/15000` on every answer,
and errors as `[{"message", "errorCode"}]`. SOQL is understood only as far as the source
writes it: `SELECT f, ... FROM Object [WHERE SystemModstamp >= <datetime>]`.

Faults are scripted per data request number (1 = first query request): `expire` (the token
in use expires: 401 INVALID_SESSION_ID), `429` (with `Retry-After`), `500`, `503`.
`missing_fields` are fields the org does not have (INVALID_FIELD); `reject_all_tokens`
answers every data request 401.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replicas.server import Reply, Request

API_VERSION = "62.0"
DAILY_LIMIT = 15000
_NUMBERS = {
    "Amount",
    "Probability",
    "Quantity",
    "UnitPrice",
    "TotalPrice",
    "SplitPercentage",
    "DefaultProbability",
}
_INTEGERS = {"SortOrder"}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_SOQL = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<object>\w+)"
    r"(?: WHERE SystemModstamp >= (?P<since>\S+))?$",
    re.IGNORECASE,
)
_DATA_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d)/(?P<rest>.+)$")


def json_value(header: str, text: str) -> Any:
    """A Data Export cell as the REST API returns the field (bool, number, ISO text)."""
    if text == "":
        return None
    if header.startswith("Is"):
        return text == "true"
    if header in _INTEGERS:
        return int(float(text))
    if header in _NUMBERS:
        return float(text)
    if _DATETIME.match(text):
        # the REST API writes datetimes with a numeric offset, not `Z`
        return text[:-1] + ("+0000" if "." in text else ".000+0000")
    return text


def _stamp(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))


def read_org(landing_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The org's records per object from `<landing>/crm/*.csv`: one record per Id, the row
    with the latest SystemModstamp (an export may repeat a record modified while it ran)."""
    org: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted((Path(landing_dir) / "crm").glob("*.csv")):
        records: dict[str, dict[str, Any]] = {}
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                record = {h: json_value(h, v) for h, v in row.items()}
                known = records.get(record["Id"])
                if known is None or _stamp(record["SystemModstamp"]) >= _stamp(
                    known["SystemModstamp"]
                ):
                    records[record["Id"]] = record
        org[path.stem] = records
    return org


@dataclass
class SalesforceReplica:
    """An org of one company; counts the records it served per object."""

    landing_dir: Path
    client_id: str = "replica-client-id"
    client_secret: str = "replica-client-secret"
    refresh_token: str = "replica-refresh-token"
    faults: dict[int, str] = field(default_factory=dict)
    retry_after: int = 1
    missing_fields: dict[str, set[str]] = field(default_factory=dict)
    reject_all_tokens: bool = False
    org: dict[str, dict[str, dict[str, Any]]] = field(init=False)
    tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    data_requests: int = 0
    served: dict[str, int] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)
    _cursors: dict[str, tuple[str, list[dict[str, Any]], int]] = field(default_factory=dict)
    _cursor_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.org = read_org(self.landing_dir)

    # -- changes, as users make them in the org -------------------------------------------
    def update(self, object_name: str, record_id: str, at: dt.datetime, **values: Any) -> None:
        """Change a record (or create it) and stamp it `at`, as a user's edit would."""
        record = self.org[object_name].setdefault(record_id, {"Id": record_id})
        record.update(values)
        stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        record["SystemModstamp"] = stamp
        if "LastModifiedDate" in record:
            record["LastModifiedDate"] = stamp

    @property
    def records_served(self) -> int:
        return sum(self.served.values())

    def reset_counts(self) -> None:
        self.served = {}
        self.queries = []

    # -- HTTP -----------------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if request.method == "POST" and request.path == "/services/oauth2/token":
            return self._token(request.form())
        match = _DATA_PATH.match(request.path)
        if request.method != "GET" or match is None:
            return Reply(
                404,
                [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}],
            )
        self.data_requests += 1
        headers = {"Sforce-Limit-Info": f"api-usage={self.data_requests}/{DAILY_LIMIT}"}
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        fault = self.faults.get(self.data_requests)
        if fault == "expire":
            self.tokens.discard(token)
        if self.reject_all_tokens or token not in self.tokens:
            return Reply(
                401,
                [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
                headers,
            )
        if fault in ("429", "500", "503"):
            return self._fault(int(fault), headers)
        rest = match.group("rest")
        if rest in ("query", "queryAll"):
            reply = self._query(request, include_deleted=rest == "queryAll")
        elif rest.startswith(("query/", "queryAll/")):
            reply = self._next_page(rest.split("/", 1)[1])
        else:
            reply = Reply(404, [{"message": f"unknown resource {rest}", "errorCode": "NOT_FOUND"}])
        reply.headers.update(headers)
        return reply

    def _fault(self, status: int, headers: dict[str, str]) -> Reply:
        if status == 429:
            headers = {**headers, "Retry-After": str(self.retry_after)}
            return Reply(
                429,
                [{"message": "Too many requests", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                headers,
            )
        if status == 503:
            return Reply(
                503, [{"message": "Server Unavailable", "errorCode": "SERVER_UNAVAILABLE"}], headers
            )
        return Reply(
            500,
            [{"message": "An unexpected error occurred", "errorCode": "UNKNOWN_EXCEPTION"}],
            headers,
        )

    def _token(self, form: dict[str, str]) -> Reply:
        grant = form.get("grant_type")
        if form.get("client_id") != self.client_id:
            return Reply(
                400,
                {"error": "invalid_client_id", "error_description": "client identifier invalid"},
            )
        if grant == "client_credentials":
            if form.get("client_secret") != self.client_secret:
                return Reply(
                    400,
                    {"error": "invalid_client", "error_description": "invalid client credentials"},
                )
        elif grant == "refresh_token":
            if form.get("refresh_token") != self.refresh_token:
                return Reply(
                    400,
                    {"error": "invalid_grant", "error_description": "expired access/refresh token"},
                )
        else:
            return Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
        token = "00Dreplica!" + secrets.token_hex(16)
        self.tokens.add(token)
        self.tokens_issued += 1
        return Reply(
            200,
            {
                "access_token": token,
                "instance_url": "",
                "id": f"/id/00Dreplica/{self.client_id}",
                "token_type": "Bearer",
                "issued_at": str(int(dt.datetime.now(dt.UTC).timestamp() * 1000)),
                "signature": "replica",
            },
        )

    def _query(self, request: Request, *, include_deleted: bool) -> Reply:
        soql = " ".join(request.query.get("q", "").split())
        self.queries.append(soql)
        match = _SOQL.match(soql)
        if match is None:
            return Reply(
                400, [{"message": f"unexpected token: {soql[:40]}", "errorCode": "MALFORMED_QUERY"}]
            )
        object_name = match.group("object")
        records = self.org.get(object_name)
        if records is None:
            return Reply(
                400,
                [
                    {
                        "message": f"sObject type '{object_name}' is not supported.",
                        "errorCode": "INVALID_TYPE",
                    }
                ],
            )
        fields = [f.strip() for f in match.group("fields").split(",")]
        known = set(next(iter(records.values()), {}).keys()) or {"Id"}
        for name in fields:
            if name not in known or name in self.missing_fields.get(object_name, set()):
                return _invalid_field(soql, name, object_name)
        since = _stamp(match.group("since")) if match.group("since") else None
        chosen = [
            {
                "attributes": {
                    "type": object_name,
                    "url": f"/services/data/v{API_VERSION}/sobjects/{object_name}/{r['Id']}",
                },
                **{name: r.get(name) for name in fields},
            }
            for r in records.values()
            if (include_deleted or not r.get("IsDeleted"))
            and (since is None or _stamp(r["SystemModstamp"]) >= since)
        ]
        batch = _batch_size(request.headers.get("sforce-query-options", ""))
        cursor = f"01gRE{next(self._cursor_ids):010d}"
        self._cursors[cursor] = (object_name, chosen, batch)
        return self._page(cursor, 0, "queryAll" if include_deleted else "query")

    def _next_page(self, locator: str) -> Reply:
        cursor, _, offset = locator.rpartition("-")
        if cursor not in self._cursors or not offset.isdigit():
            return Reply(
                400, [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]
            )
        return self._page(cursor, int(offset), "query")

    def _page(self, cursor: str, offset: int, endpoint: str) -> Reply:
        object_name, chosen, batch = self._cursors[cursor]
        page = chosen[offset : offset + batch]
        self.served[object_name] = self.served.get(object_name, 0) + len(page)
        done = offset + batch >= len(chosen)
        body: dict[str, Any] = {"totalSize": len(chosen), "done": done, "records": page}
        if not done:
            body["nextRecordsUrl"] = (
                f"/services/data/v{API_VERSION}/{endpoint}/{cursor}-{offset + batch}"
            )
        else:
            del self._cursors[cursor]
        return Reply(200, body)


def _batch_size(options: str) -> int:
    match = re.search(r"batchSize=(\d+)", options)
    size = int(match.group(1)) if match else 2000
    return max(200, min(size, 2000))


def _invalid_field(soql: str, name: str, object_name: str) -> Reply:
    column = soql.index(name) + 1
    message = (
        f"\n{soql}\n{' ' * (column - 1)}^\nERROR at Row:1:Column:{column}\n"
        f"No such column '{name}' on entity '{object_name}'. If you are attempting to use a "
        "custom field, be sure to append the '__c' after the custom field name. Please "
        "reference your WSDL or the describe call for the appropriate names."
    )
    return Reply(400, [{"message": message, "errorCode": "INVALID_FIELD"}])
