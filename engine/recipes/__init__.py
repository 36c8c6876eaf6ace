"""One module per method: load what the method needs, define its loss, hand both to the loop.

Each module exposes `run(spec, events, cancel) -> RunResult`, named in engine.registry.
"""
