"""Fault tests: real processes, with a fault injected (a cut network, a restarted broker, ...)."""
