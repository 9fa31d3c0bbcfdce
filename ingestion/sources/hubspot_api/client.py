"""HubSpot CRM v3 over dlt's `RESTClient`: `after` cursor pages, search, batch reads.

Private-app token auth (`Authorization: Bearer pat-...`). A private-app token does not expire,
so a 401 is not retried: it fails at once with what HubSpot said. 429 (HubSpot's per-second
and daily limits) and 5xx are retried by `ResilientSession`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from ingestion.api_session import ApiAuthError, ApiError, ResilientSession
from ingestion.sources.hubspot_api.config import HubSpotConfig

log = logging.getLogger(__name__)

SEARCH_WINDOW = 10_000
"""HubSpot's search returns at most this many results per query; later ones need a new query."""


class FeatureUnavailable(ApiError):
    """The portal has no such feature for this app: 403 (a scope or a paid tier it lacks) or
    404 on an endpoint of an optional feature, such as deal splits (Sales Hub Enterprise)."""

    def __init__(self, path: str, status: int, category: str, message: str) -> None:
        super().__init__(f"HubSpot {path}: {status} {category}: {message}")
        self.path = path
        self.status = status
        self.category = category
        self.said = message


class HubSpotClient:
    """Requests against one portal; settings are read on first use, not at definition time."""

    def __init__(
        self, config: HubSpotConfig | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._config = config
        self._sleep = sleep
        self._rest: RESTClient | None = None
        self.session: ResilientSession | None = None

    @property
    def config(self) -> HubSpotConfig:
        if self._config is None:
            self._config = HubSpotConfig.from_dlt()
        return self._config

    @property
    def rest(self) -> RESTClient:
        if self._rest is None:
            config = self.config
            self.session = ResilientSession(
                "HubSpot",
                max_attempts=config.max_attempts,
                max_delay=config.max_delay_seconds,
                sleep=self._sleep,
            )
            self._rest = RESTClient(
                base_url=config.base_url + "/",
                auth=BearerTokenAuth(config.access_token),
                session=self.session,
            )
        return self._rest

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[list[Any]]:
        """GET pages of `results`, following `paging.next.after`."""
        yield from self._paginate(
            path,
            params={"limit": self.config.page_size, **(params or {})},
            paginator=JSONResponseCursorPaginator(
                cursor_path="paging.next.after", cursor_param="after"
            ),
        )

    def search(self, path: str, body: dict[str, Any]) -> Iterator[list[Any]]:
        """POST search pages, `after` in the body; stops at HubSpot's 10,000-result window."""
        yield from self._paginate(
            path,
            method="POST",
            json={"limit": self.config.page_size, **body},
            paginator=JSONResponseCursorPaginator(
                cursor_path="paging.next.after", cursor_body_path="after"
            ),
        )

    def post(
        self, path: str, body: dict[str, Any], *, optional_feature: bool = False
    ) -> dict[str, Any]:
        """POST and return the JSON answer. With `optional_feature`, a 403 or 404 raises
        `FeatureUnavailable` (the caller loads without the feature) instead of failing."""
        check = _check(path, optional_feature=optional_feature)
        response = self.rest.post(path, json=body, hooks={"response": [check]})
        return response.json()  # type: ignore[no-any-return]

    def _paginate(self, path: str, **kwargs: Any) -> Iterator[list[Any]]:
        for page in self.rest.paginate(
            path, data_selector="results", hooks={"response": [_check(path)]}, **kwargs
        ):
            yield list(page)


def _check(path: str, *, optional_feature: bool = False) -> Callable[..., None]:
    def check(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = {}
        message = body.get("message", response.text[:300]) if isinstance(body, dict) else ""
        category = body.get("category", "") if isinstance(body, dict) else ""
        if response.status_code == 401:
            raise ApiAuthError(
                f"HubSpot refused the private app token on {path} (401 {category}: {message}). "
                "Check sources.hubspot_api.access_token in .dlt/secrets.toml "
                "(SOURCES__HUBSPOT_API__ACCESS_TOKEN)."
            )
        if optional_feature and response.status_code in (403, 404):
            raise FeatureUnavailable(path, response.status_code, category, message)
        if response.status_code == 403:
            raise ApiAuthError(
                f"HubSpot: the private app may not read {path} (403 {category}: {message}). "
                "Give it the scopes listed in ingestion/sources/hubspot_api/README.md."
            )
        raise ApiError(f"HubSpot {path}: {response.status_code} {category}: {message}")

    return check
