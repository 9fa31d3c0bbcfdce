"""Dagster's SQLite storage, with the event log writing through kept connections.

Dagster's stock SQLite event log creates a SQLAlchemy engine, opens a connection, commits
with a full fsync and disposes of the engine for every event it stores, often several times
per event (the run's own file, then the cross-run index). A `spm run` stores about 2,200
events (each dbt model and test, each check, their planned events): measured on the small
company, that was 36 s of a 97 s run, more than the dbt build itself.

This storage keeps one engine per database file (a small pool, so a connection is reused
event after event) and opens every connection in WAL mode with `synchronous=NORMAL`: a
commit survives the process being killed (the write-ahead log is on disk), and only a power
cut can lose the last commits, which for a run's event history is the run's last lines.
Everything else (file layout, schema, migrations, what the webserver and daemon read) is
Dagster's own: a `DAGSTER_HOME` written by this storage opens with the stock one and back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._config import StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine

# the run files a process writes or reads at once: the index, the current run, a few the UI
# shows; more are closed, least recently used first
_KEPT_ENGINES = 8


def _fast_commits(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class KeptConnectionsEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose connections outlive one event (see the module)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        # tables once found stay (migrations only add them): asked before every check event
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                pool_size=1,
                max_overflow=4,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _fast_commits)
            self._engines[shard] = engine
            while len(self._engines) > _KEPT_ENGINES:
                _, oldest = self._engines.popitem(last=False)
                oldest.dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        if table_name in self._tables_found:
            return True
        engine = self._engine(INDEX_SHARD_NAME)
        with engine.connect() as conn:
            found = bool(engine.dialect.has_table(conn, table_name))
        if found:
            self._tables_found.add(table_name)
        return found

    def delete_events(self, run_id: str) -> None:
        self._forget(run_id)
        super().delete_events(run_id)

    def wipe(self) -> None:
        for shard in list(self._engines):
            self._forget(shard)
        super().wipe()

    def _forget(self, shard: str) -> None:
        with self._engines_lock:
            engine = self._engines.pop(shard, None)
        if engine is not None:
            engine.dispose()

    def dispose(self) -> None:
        for shard in list(self._engines):
            self._forget(shard)
        super().dispose()


class SpmSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, schedules) with the event log of this module."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = KeptConnectionsEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def config_type(cls) -> Mapping[str, Any]:
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> SpmSqliteStorage:
        return cls(inst_data=inst_data, **config_value)
