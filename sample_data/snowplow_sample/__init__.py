"""Deterministic, realistic Snowplow enriched web events, for the loader and the models."""

from snowplow_sample.awkward import Awkwardness
from snowplow_sample.generate import GenerationStats, generate, generate_many

__all__ = ["Awkwardness", "GenerationStats", "generate", "generate_many"]
