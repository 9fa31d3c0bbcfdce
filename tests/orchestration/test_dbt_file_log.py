"""dbt's own file log is off in the pipeline's dbt commands unless the user asks for it."""

from __future__ import annotations

import pytest

from orchestration.dbt_manifest import dbt_file_log_arguments


def test_the_file_log_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    assert dbt_file_log_arguments() == ["--log-level-file", "none"]


def test_dbt_log_level_file_brings_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # dbt reads the variable itself; passing `none` on the command line would override it
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    assert dbt_file_log_arguments() == []
