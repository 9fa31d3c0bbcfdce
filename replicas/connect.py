"""Start a CRM replica and point the API sources at it, for `spm demo --crm ...` and tests.

The sources read their settings from dlt's providers; here they come from environment
variables (`SOURCES__SALESFORCE_API__*`, `SOURCES__HUBSPOT_API__*`) set for the duration of
the block and restored afterwards, exactly as a user would set them for a real org.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingestion.process_environment import environ_set
from replicas.salesforce import SalesforceReplica
from replicas.server import ReplicaServer

CRM_REPLICAS: tuple[str, ...] = ("salesforce-api", "hubspot-api")


def salesforce_env(url: str, replica: SalesforceReplica) -> dict[str, str]:
    """The settings a real org would need, pointing at the replica."""
    return {
        "SOURCES__SALESFORCE_API__INSTANCE_URL": url,
        "SOURCES__SALESFORCE_API__TOKEN_URL": f"{url}/services/oauth2/token",
        "SOURCES__SALESFORCE_API__CLIENT_ID": replica.client_id,
        "SOURCES__SALESFORCE_API__CLIENT_SECRET": replica.client_secret,
        "SOURCES__SALESFORCE_API__FLOW": "client_credentials",
    }


@contextmanager
def crm_replica(kind: str, landing_dir: Path, **options: Any) -> Iterator[Any]:
    """Serve `<landing_dir>`'s CRM through the replica `kind` on 127.0.0.1; yield the replica.

    The API source's settings point at it until the block ends, then the server stops.
    """
    if kind == "salesforce-api":
        replica: Any = SalesforceReplica(Path(landing_dir), **options)
        make_env: Any = salesforce_env
    elif kind == "hubspot-api":
        from replicas.hubspot import HubSpotReplica, hubspot_env

        replica = HubSpotReplica(Path(landing_dir), **options)
        make_env = hubspot_env
    else:
        raise ValueError(f"unknown CRM replica {kind!r}; expected one of {', '.join(CRM_REPLICAS)}")
    with ReplicaServer(replica) as server, environ_set(make_env(server.url, replica)):
        yield replica
