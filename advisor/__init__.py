"""Broker Advisor core: workload model, rules engine, guide, probes and reports (no Qt)."""

__version__ = "0.1.0"
