"""The pure pipeline: sniff, read, validate, load. Nothing here imports Dagster."""
