"""Live snippet tests: render each snippet for the versions the sandbox runs, load it as a module,
and give each test uniquely named resources (vhosts, queues, keys, topics) that it removes."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
import types
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from advisor import engine, paths
from advisor.report import snippets
from advisor.sandbox import SandboxState
from advisor.workload import Broker, Workload, load_workload

HTTP_TIMEOUT_S = 5


def unique(kind: str = "") -> str:
    """A name no other test or run uses: ba-snippet-<uuid8>[-kind]."""
    return f"ba-snippet-{uuid.uuid4().hex[:8]}" + (f"-{kind}" if kind else "")


def management(url: str, method: str, path: str, body: Any = None) -> Any:
    """Call the RabbitMQ management API as guest (the sandbox's loopback administrator)."""
    parts = urllib.parse.urlsplit(url)
    request = urllib.request.Request(
        f"{parts.scheme}://{parts.netloc}/api/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    user, password = parts.username or "guest", parts.password or "guest"
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, f"{parts.scheme}://{parts.netloc}/", user, password)
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(manager))
    with opener.open(request, timeout=HTTP_TIMEOUT_S) as response:
        text = response.read()
    return json.loads(text) if text else None


@pytest.fixture(scope="session")
def sandbox_versions(
    sandbox_state: SandboxState, redis_url: str, rabbitmq_management_url: str
) -> dict[Broker, str]:
    """The versions the sandbox brokers run, read from the servers themselves."""
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        redis_version = str(client.info("server")["redis_version"])
    finally:
        client.close()
    overview = management(rabbitmq_management_url, "GET", "overview")
    return {
        Broker.REDIS: redis_version,
        Broker.RABBITMQ: str(overview["rabbitmq_version"]),
        Broker.KAFKA: sandbox_state.kafka_version,
    }


class Render:
    """Renders a preset's (or a workload's) snippet for the sandbox's versions."""

    def __init__(self, versions: dict[Broker, str]) -> None:
        self.versions = versions

    def __call__(self, workload: Workload | str, broker: Broker, snippet_id: str) -> str:
        if isinstance(workload, str):
            workload = load_workload(paths.presets_dir() / f"{workload}.yaml")
        workload = workload.model_copy(update={"versions": dict(self.versions)})
        recommendation = engine.recommend(workload, what_if=False)
        found = {s.id: s for s in snippets.snippets_for(workload, recommendation, broker)}
        assert snippet_id in found, f"{workload.name} gets no {snippet_id} snippet: {list(found)}"
        return found[snippet_id].code


@pytest.fixture(scope="session")
def render(sandbox_versions: dict[Broker, str]) -> Render:
    return Render(sandbox_versions)


def load_module(code: str, folder: Path, name: str) -> types.ModuleType:
    """Import a rendered snippet as a module from a file, as a user's project would."""
    path = folder / f"{name}.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@pytest.fixture
def snippet_module(tmp_path: Path) -> Iterator[Any]:
    """load(code, name): the snippet as an imported module; unloaded after the test."""
    loaded: list[str] = []

    def load(code: str, name: str | None = None) -> types.ModuleType:
        module_name = name or f"snippet_{uuid.uuid4().hex[:8]}"
        loaded.append(module_name)
        return load_module(code, tmp_path, module_name)

    yield load
    for name in loaded:
        sys.modules.pop(name, None)


@contextlib.contextmanager
def own_vhost(amqp_url: str, rabbitmq_management_url: str) -> Iterator[str]:
    """A RabbitMQ virtual host of our own (guest may use it), deleted with everything in it
    afterwards; yields its AMQP URL. Celery's native delayed delivery declares fixed names
    (celery_delayed_*), so they too stay inside it."""
    name = unique("vhost")
    quoted = urllib.parse.quote(name, safe="")
    management(rabbitmq_management_url, "PUT", f"vhosts/{quoted}", {})
    try:
        management(
            rabbitmq_management_url,
            "PUT",
            f"permissions/{quoted}/guest",
            {"configure": ".*", "write": ".*", "read": ".*"},
        )
        parts = urllib.parse.urlsplit(amqp_url)
        yield urllib.parse.urlunsplit(parts._replace(path="/" + quoted))
    finally:
        management(rabbitmq_management_url, "DELETE", f"vhosts/{quoted}")


@pytest.fixture
def vhost(amqp_url: str, rabbitmq_management_url: str) -> Iterator[str]:
    with own_vhost(amqp_url, rabbitmq_management_url) as url:
        yield url
