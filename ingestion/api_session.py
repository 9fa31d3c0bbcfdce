"""HTTP session of the API sources: bounded, jittered retries and one token refresh.

dlt's `RESTClient` sends every request through a `requests.Session`; this one adds what a
CRM API needs and the landing files never did:

- 429 (rate limited) and 500/502/503/504 (transient) are retried up to `max_attempts`, waiting
  what `Retry-After` asks for, or else an exponential back-off with full jitter, never longer
  than `max_delay` seconds. A `Retry-After` beyond that bound fails at once: waiting hours
  inside a pipeline run helps nobody.
- A refused connection or a timeout is retried the same way (a network blip is transient too).
- 401 (token expired or revoked) makes the auth object fetch a new token once and resends; a
  second 401 fails with `ApiAuthError`, naming the API and what it said.

The response hooks of the request (dlt's raise-for-status, or the source's own error check)
run once, on the final response, so a retried response is never reported as an error.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from typing import Any, Protocol

import requests
from requests.hooks import default_hooks, dispatch_hook

from ingestion.errors import IngestionError

log = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class ApiError(IngestionError):
    """An API refused a request in a way a retry cannot fix; the message says what to do."""


class ApiConfigError(ApiError):
    """A setting of an API source is missing or wrong; the message names the key and where."""


class ApiAuthError(ApiError):
    """The API rejected the credentials, or a fresh token was rejected too."""


class RefreshableAuth(Protocol):
    """An auth object that can fetch a new token when the API says the current one expired."""

    api_name: str

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest: ...

    def refresh(self) -> None: ...


def retry_after_seconds(response: requests.Response) -> float | None:
    """`Retry-After` as seconds (it may be a number of seconds or an HTTP date)."""
    raw = response.headers.get("Retry-After")
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


class ResilientSession(requests.Session):
    """A `requests.Session` that retries transient failures and refreshes an expired token."""

    def __init__(
        self,
        api_name: str,
        *,
        auth: RefreshableAuth | None = None,
        max_attempts: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.api_name = api_name
        self.refreshable_auth = auth
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.sleep = sleep
        self.requests_sent = 0
        self.waits: list[float] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        hooks = request.hooks
        request.hooks = default_hooks()
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self._send_resilient(request, **kwargs)
        finally:
            request.hooks = hooks
        return dispatch_hook("response", hooks, response, **kwargs)  # type: ignore[no-any-return]

    def _send_resilient(
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        refreshed = False
        attempt = 1
        while True:
            self.requests_sent += 1
            try:
                response = super().send(request, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.max_attempts:
                    raise ApiError(
                        f"{self.api_name}: {_path(request)} unreachable after {attempt} "
                        f"attempts ({type(exc).__name__}: {exc}); check the URL in the "
                        "configuration and the network, then run again."
                    ) from exc
                delay = self._backoff(attempt)
                log.warning(
                    "%s: %s on %s, attempt %s of %s, retrying in %.1fs",
                    self.api_name,
                    type(exc).__name__,
                    _path(request),
                    attempt,
                    self.max_attempts,
                    delay,
                )
                self.waits.append(delay)
                self.sleep(delay)
                attempt += 1
                continue
            if response.status_code == 401 and self.refreshable_auth is not None:
                if refreshed:
                    raise ApiAuthError(
                        f"{self.api_name}: a freshly issued access token was rejected too "
                        f"(401 on {_path(request)}): {_said(response)}. Check that the "
                        "integration user is active and allowed to use the API."
                    )
                log.info("%s: access token expired (401), fetching a new one", self.api_name)
                self.refreshable_auth.refresh()
                request = self.refreshable_auth(request)
                refreshed = True
                continue
            if response.status_code not in RETRIED_STATUSES:
                return response
            if attempt >= self.max_attempts:
                raise ApiError(
                    f"{self.api_name}: {response.status_code} on {_path(request)} after "
                    f"{attempt} attempts: {_said(response)}. The API is unavailable or rate "
                    "limited; run again later."
                )
            delay = self._delay(response, attempt, request)
            log.warning(
                "%s: %s on %s, attempt %s of %s, retrying in %.1fs",
                self.api_name,
                response.status_code,
                _path(request),
                attempt,
                self.max_attempts,
                delay,
            )
            self.waits.append(delay)
            self.sleep(delay)
            attempt += 1

    def _delay(
        self, response: requests.Response, attempt: int, request: requests.PreparedRequest
    ) -> float:
        asked = retry_after_seconds(response)
        if asked is not None:
            if asked > self.max_delay:
                raise ApiError(
                    f"{self.api_name}: {response.status_code} on {_path(request)} asks to wait "
                    f"{asked:.0f}s (Retry-After), more than the {self.max_delay:.0f}s this load "
                    "waits: the API limit is used up for now; run again later."
                )
            # honour the server's wait, plus a little jitter so parallel clients spread out
            return asked + random.uniform(0, min(1.0, self.max_delay - asked))
        return self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        """Exponential back-off with jitter: drawn from the upper half of base x 2^(n-1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


def _path(request: requests.PreparedRequest) -> str:
    url = request.url or ""
    return url.split("?", 1)[0]


def _said(response: requests.Response, limit: int = 300) -> str:
    text = (response.text or "").strip().replace("\n", " ")
    return text[:limit] if text else response.reason or "no message"
