"""Read an API source's settings from dlt's configuration: `.dlt/config.toml`,
`.dlt/secrets.toml` or environment variables (`SOURCES__<SECTION>__<KEY>`).

Secrets (client secrets, refresh tokens, private-app tokens) are read only through
`dlt.secrets`, so they never sit in the repository or in `Settings`.
"""

from __future__ import annotations

import json
from typing import Any

import dlt

from ingestion.api_session import ApiConfigError


def config_value(section: str, key: str, default: Any = None) -> Any:
    """`sources.<section>.<key>` from dlt's config providers, or `default`."""
    value = dlt.config.get(f"sources.{section}.{key}")
    return default if value is None or value == "" else value


def secret_value(section: str, key: str) -> str | None:
    """`sources.<section>.<key>` from dlt's secret providers (secrets.toml or environment)."""
    value = dlt.secrets.get(f"sources.{section}.{key}")
    return str(value) if value not in (None, "") else None


def required_secret(section: str, key: str, why: str) -> str:
    """A secret the chosen auth flow needs; its absence names where to put it."""
    value = secret_value(section, key)
    if value is None:
        raise ApiConfigError(
            f"sources.{section}.{key} is not set ({why}): put it in .dlt/secrets.toml under "
            f"[sources.{section}] or set SOURCES__{section.upper()}__{key.upper()}"
        )
    return value


def string_list(value: Any) -> tuple[str, ...]:
    """A list setting given as TOML list, JSON text or comma-separated text."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        text = value.strip()
        value = json.loads(text) if text.startswith("[") else text.split(",")
    return tuple(str(v).strip() for v in value if str(v).strip())
