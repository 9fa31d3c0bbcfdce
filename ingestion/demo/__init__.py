"""The demo company generator: a synthetic but realistic sales organisation, written into a
landing folder in the formats of ingestion/LANDING_CONTRACT.md. See README.md beside this file."""

from ingestion.demo.generator import GENERATOR_VERSION, generate
from ingestion.demo.scales import SCALES, Scale

__all__ = ["GENERATOR_VERSION", "SCALES", "Scale", "generate"]
