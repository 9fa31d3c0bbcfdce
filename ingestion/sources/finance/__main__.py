"""Load this system alone, without Dagster.

python -m ingestion.sources.finance --landing DIR --warehouse DIR
"""

from ingestion.cli import main

raise SystemExit(main(system="finance"))
