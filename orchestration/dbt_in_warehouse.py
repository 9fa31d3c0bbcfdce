"""dbt, started in the warehouse's folder (`spm-dbt`: every dbt the pipeline runs).

dbt saves its parse of the project with a hash of the profile's values, and the profile names
the warehouse file and DuckDB's spill folder. Named by absolute paths, every warehouse had a
profile of its own, so the first run of each one parsed the whole project again (4-9 s of a
small company's run, and every test's warehouse is a new one). Started in the warehouse's
folder, the profile names them relatively (`work.duckdb`, `duckdb_tmp`: `Settings.
dbt_profile_env`), is the same for every warehouse of one deployment, and a new warehouse
starts from a parse that another one saved (`orchestration.dbt_parse_state`).

Everything else dbt is given is absolute (project, profiles, target and log folders), so the
working folder changes nothing but where those two relative names point.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

WORKING_DIR_VARIABLE = "SPM_DBT_WORKING_DIR"


def main() -> None:
    """Run dbt's own command line in `SPM_DBT_WORKING_DIR` (when set), with this argv."""
    folder = os.environ.get(WORKING_DIR_VARIABLE)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        os.chdir(folder)
    from dbt.cli.main import cli

    sys.exit(cli())
