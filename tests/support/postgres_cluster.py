"""A throwaway PostgreSQL cluster for tests: `initdb` in a temp folder, a free 127.0.0.1 port.

PostgreSQL refuses to run as root, so under root the server runs as `nobody` (`runuser`), in
a folder `nobody` owns. Trust authentication on 127.0.0.1 only: any role may log in without a
password, which is what the tests of roles need (they connect as a login role and are refused
by grants, not by passwords).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

RUN_AS = "nobody"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why (tests skip with it)."""


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: `apt-get install postgresql` "
        "(make test does it when run as root)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running cluster: `url(dbname, user)` for connections, `create_database()` for a test."""

    root: Path
    port: int
    bin_dir: Path
    prefix: list[str]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        """A fresh database; returns its URL (as the superuser)."""
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [
                *self.prefix,
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb + pg_ctl start; raises ClusterUnavailable with the reason when it cannot."""
    bin_dir = _bin_dir()
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="spm-pg-"))
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            raise ClusterUnavailable("running as root and runuser is missing")
        prefix = ["runuser", "-u", RUN_AS, "--"]
        shutil.chown(root, user=RUN_AS)
    cluster = Cluster(root, _free_port(), bin_dir, prefix)
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    init = subprocess.run(
        [
            *prefix,
            str(bin_dir / "initdb"),
            "-D",
            str(cluster.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise ClusterUnavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
    options = f"-p {cluster.port} -h 127.0.0.1 -k '' -c fsync=off -c full_page_writes=off"
    start = subprocess.run(
        [
            *prefix,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(cluster.data_dir),
            "-l",
            str(root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if start.returncode != 0:
        log = (root / "server.log").read_text(errors="replace")[-1000:]
        shutil.rmtree(root, ignore_errors=True)
        raise ClusterUnavailable(f"pg_ctl start failed: {start.stderr.strip()} {log}")
    return cluster
