"""OAuth 2.0 for the Salesforce API: client-credentials or refresh-token flow.

A token is fetched on the first request and again when the API answers 401 (the session
calls `refresh`). Salesforce returns no expiry with its tokens, so "expired" is learned from
the 401, as Salesforce's own documentation advises.
"""

from __future__ import annotations

import logging

import requests

from ingestion.api_session import ApiAuthError
from ingestion.sources.salesforce_api.config import SalesforceConfig

log = logging.getLogger(__name__)


class SalesforceAuth(requests.auth.AuthBase):
    """Bearer token of a connected app; `refresh()` asks the token endpoint for a new one."""

    api_name = "Salesforce"

    def __init__(self, config: SalesforceConfig, *, timeout: float = 60.0) -> None:
        self.config = config
        self.timeout = timeout
        self.access_token: str | None = None
        self.tokens_issued = 0

    def _grant(self) -> dict[str, str]:
        config = self.config
        data = {"grant_type": config.flow, "client_id": config.client_id}
        if config.client_secret:
            data["client_secret"] = config.client_secret
        if config.flow == "refresh_token":
            assert config.refresh_token is not None
            data["refresh_token"] = config.refresh_token
        elif not config.client_secret:
            raise ApiAuthError(
                "sources.salesforce_api.client_secret is not set (the client-credentials flow "
                "needs the connected app's consumer secret): put it in .dlt/secrets.toml or "
                "set SOURCES__SALESFORCE_API__CLIENT_SECRET"
            )
        return data

    def refresh(self) -> None:
        """Fetch a new access token; a refusal names the token URL and Salesforce's reason."""
        try:
            response = requests.post(
                self.config.token_url, data=self._grant(), timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise ApiAuthError(
                f"Salesforce token endpoint {self.config.token_url} is unreachable: {exc}"
            ) from exc
        if response.status_code != 200:
            try:
                body = response.json()
                reason = f"{body.get('error')}: {body.get('error_description')}"
            except ValueError:
                reason = response.text[:200]
            raise ApiAuthError(
                f"Salesforce token endpoint {self.config.token_url} refused the "
                f"{self.config.flow} grant ({response.status_code} {reason}); check the "
                "connected app's consumer key and secret (and the refresh token) in "
                "[sources.salesforce_api] of .dlt/secrets.toml"
            )
        token = response.json().get("access_token")
        if not token:
            raise ApiAuthError(
                f"Salesforce token endpoint {self.config.token_url} answered without an "
                "access_token"
            )
        self.access_token = str(token)
        self.tokens_issued += 1
        log.info("Salesforce: access token issued (%s flow)", self.config.flow)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.access_token is None:
            self.refresh()
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        return request
