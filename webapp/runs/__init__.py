"""Runs: their lifecycle, metrics, logs, artifacts, and the workers that execute them."""
