"""Distillery's training engine: a library and CLI (python -m engine) that runs distillation,
alignment and continual-learning methods and reports through an event stream.

docs/ENGINE_CONTRACT.md is the interface with the rest of the project. engine.spec and
engine.registry never import torch, so the web tier can validate run configs with them.
"""
