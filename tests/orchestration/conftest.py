"""Fixtures of the orchestration tests: a throwaway PostgreSQL cluster for the publication."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres_cluster import Cluster, ClusterUnavailable, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One cluster per test session (per xdist worker), stopped and deleted at the end."""
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        pytest.skip(f"no PostgreSQL for the publication tests: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A fresh, empty database of the session's cluster (as its superuser)."""
    return pg_cluster.create_database()
