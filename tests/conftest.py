"""Shared test set-up: the broker sandbox fixtures are a plugin of their own."""

pytest_plugins = ["tests.brokers"]
