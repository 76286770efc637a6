"""Fixtures for load-test tests: a private redis-server (the probe tests' OwnRedis) that a test
may pause, and workload files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.advisor.probe.conftest import OwnRedis


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def own_redis_with_password(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path, password="Lt-9f3Kq7-zz")
    yield server
    server.stop()
