"""SOQL over the Salesforce REST API: `query` / `queryAll`, following `nextRecordsUrl`.

Built on dlt's `RESTClient` with `ResilientSession` (retries, token refresh). Each response's
`Sforce-Limit-Info` header (`api-usage=used/allowed` of the org's rolling 24-hour limit) is
kept and logged after every object, with a warning once 80% of the day's calls are used.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from ingestion.api_session import ApiError, ResilientSession
from ingestion.sources.salesforce_api.auth import SalesforceAuth
from ingestion.sources.salesforce_api.config import SalesforceConfig

log = logging.getLogger(__name__)

_NO_SUCH_COLUMN = re.compile(r"No such column '([^']+)' on entity '([^']+)'")
_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


class SalesforceQueryError(ApiError):
    """Salesforce rejected a query (a field or object the org does not have, or hides)."""


class SalesforceFieldUnavailable(SalesforceQueryError):
    """The org has no such field on the object, or hides it from the user (INVALID_FIELD)."""

    def __init__(self, message: str, field_name: str) -> None:
        super().__init__(message)
        self.field_name = field_name


class SalesforceObjectUnavailable(SalesforceQueryError):
    """The org has no such object, or hides it from the user (INVALID_TYPE)."""


class SalesforceClient:
    """Runs SOQL queries against one org and yields pages of records."""

    def __init__(
        self,
        config: SalesforceConfig | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._config = config
        self._sleep = sleep
        self._rest: RESTClient | None = None
        self.session: ResilientSession | None = None
        self.auth: SalesforceAuth | None = None
        self.api_usage: str | None = None

    @property
    def config(self) -> SalesforceConfig:
        """The settings, read from dlt's providers on first use (not at definition time)."""
        if self._config is None:
            self._config = SalesforceConfig.from_dlt()
        return self._config

    @property
    def rest(self) -> RESTClient:
        if self._rest is None:
            config = self.config
            self.auth = SalesforceAuth(config)
            self.session = ResilientSession(
                "Salesforce",
                auth=self.auth,
                max_attempts=config.max_attempts,
                max_delay=config.max_delay_seconds,
                sleep=self._sleep,
            )
            self._rest = RESTClient(
                base_url=f"{config.instance_url}/services/data/v{config.api_version}/",
                headers={"Sforce-Query-Options": f"batchSize={config.batch_size}"},
                auth=self.auth,
                session=self.session,
                data_selector="records",
            )
        return self._rest

    def query(self, object_name: str, soql: str, *, include_deleted: bool) -> Iterator[list[Any]]:
        """Pages of records of one SOQL query; `include_deleted` uses `queryAll`."""
        endpoint = "queryAll" if include_deleted else "query"
        pages = self.rest.paginate(
            endpoint,
            params={"q": soql},
            paginator=JSONLinkPaginator(next_url_path="nextRecordsUrl"),
            hooks={"response": [self._checker(object_name)]},
        )
        for page in pages:
            yield list(page)
        self._log_usage(object_name)

    def _checker(self, object_name: str) -> Callable[..., None]:
        def check(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            limit_info = response.headers.get("Sforce-Limit-Info")
            if limit_info:
                self.api_usage = limit_info
            if response.status_code >= 400:
                raise query_error(object_name, response)

        return check

    def _log_usage(self, object_name: str) -> None:
        if not self.api_usage:
            return
        match = _USAGE.search(self.api_usage)
        if match and int(match.group(2)) and int(match.group(1)) >= 0.8 * int(match.group(2)):
            log.warning(
                "Salesforce daily API limit nearly used up after %s: %s",
                object_name,
                self.api_usage,
            )
        else:
            log.info("Salesforce API usage after %s: %s", object_name, self.api_usage)


def query_error(object_name: str, response: requests.Response) -> ApiError:
    """The error of a refused query, worded with the object, field and the fix."""
    try:
        errors = response.json()
    except ValueError:
        errors = []
    first = errors[0] if isinstance(errors, list) and errors else {}
    code = str(first.get("errorCode", response.status_code)) if isinstance(first, dict) else ""
    message = str(first.get("message", response.text[:300])) if isinstance(first, dict) else ""
    if code == "INVALID_FIELD":
        match = _NO_SUCH_COLUMN.search(message)
        field = match.group(1) if match else "?"
        entity = match.group(2) if match else object_name
        return SalesforceFieldUnavailable(
            f"Salesforce {entity}: field {field} does not exist in this org or the integration "
            f"user cannot read it (INVALID_FIELD). Grant the user read access to "
            f"{entity}.{field}, or, if the org does not use it, drop it from the load with "
            f'exclude_fields = ["{entity}.{field}"] under [sources.salesforce_api] in '
            f".dlt/config.toml (or SOURCES__SALESFORCE_API__EXCLUDE_FIELDS="
            f"'[\"{entity}.{field}\"]'): the raw column is kept, empty.",
            field,
        )
    if code == "INVALID_TYPE":
        return SalesforceObjectUnavailable(
            f"Salesforce {object_name}: the object is not available to the integration user "
            f"(INVALID_TYPE: {message.strip()}). Enable it in the org or grant the user read "
            "access to it."
        )
    return ApiError(
        f"Salesforce {object_name}: query refused ({response.status_code} {code}: "
        f"{message.strip()})"
    )
