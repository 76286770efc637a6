"""Tests of the load test (advisor.loadtest)."""
