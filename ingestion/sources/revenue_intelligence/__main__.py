"""Load this system alone, without Dagster.

python -m ingestion.sources.revenue_intelligence --landing DIR --warehouse DIR
"""

from ingestion.cli import main

raise SystemExit(main(system="revenue_intelligence"))
