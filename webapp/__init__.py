"""Distillery's Django project: settings, URLs and the apps (accounts, registry, runs)."""
