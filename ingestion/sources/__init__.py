"""One dlt source per source system; each package is usable without Dagster."""
