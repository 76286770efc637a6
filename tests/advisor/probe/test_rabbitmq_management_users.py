"""Management API users whose tags fall short are an authorisation problem, not bad credentials.

Users are created on the sandbox broker for the test (through the management API, as the
administrator the sandbox provides) and deleted afterwards.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator

import pytest

from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck
from advisor.probe.targets import parse_target

pytestmark = pytest.mark.integration


def _admin_call(management_url: str, method: str, path: str, body: object = None) -> None:
    parts = urllib.parse.urlsplit(management_url)
    user, password = parts.username or "guest", parts.password or "guest"
    root = f"{parts.scheme}://{parts.hostname}:{parts.port}"
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(
        root + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Basic {token}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


MakeUser = Callable[[str], tuple[str, str]]


@pytest.fixture
def user_with_tags(rabbitmq_management_url: str) -> Iterator[MakeUser]:
    made: list[str] = []

    def make(tags: str) -> tuple[str, str]:
        name = f"broker-advisor-test-{uuid.uuid4().hex[:8]}"
        _admin_call(
            rabbitmq_management_url, "PUT", f"/api/users/{name}", {"password": "pw-1", "tags": tags}
        )
        _admin_call(
            rabbitmq_management_url,
            "PUT",
            f"/api/permissions/%2F/{name}",
            {"configure": ".*", "write": ".*", "read": ".*"},
        )
        made.append(name)
        return name, "pw-1"

    yield make
    for name in made:
        _admin_call(rabbitmq_management_url, "DELETE", f"/api/users/{name}")


def _management_check(
    amqp_url: str, management_url: str, user: str, password: str
) -> dict[str, ProbeCheck]:
    parts = urllib.parse.urlsplit(management_url)
    mgmt = f"{parts.scheme}://{user}:{password}@{parts.hostname}:{parts.port}"
    amqp = urllib.parse.urlsplit(amqp_url)
    target = f"amqp://{user}:{password}@{amqp.hostname}:{amqp.port}/%2F"
    result = runner.probe(
        parse_target(target, management_url=mgmt), budget_s=8.0, stage_timeout_s=2.0
    )
    return {c.id: c for c in result.checks}


@pytest.mark.parametrize(
    ("tags", "failing", "words"),
    [
        ("", "rabbitmq.mgmt_overview", "no management tag"),
        ("management", "rabbitmq.mgmt_nodes", "'management' tag only"),
    ],
)
def test_a_user_without_the_monitoring_tag_is_an_authorisation_problem(
    amqp_url: str,
    rabbitmq_management_url: str,
    user_with_tags: MakeUser,
    tags: str,
    failing: str,
    words: str,
) -> None:
    user, password = user_with_tags(tags)
    checks = _management_check(amqp_url, rabbitmq_management_url, user, password)
    check = checks[failing]
    assert check.status is CheckStatus.FAIL
    assert check.failure_class is FailureClass.AUTHORISATION
    assert words in check.hint and "monitoring" in check.hint
    assert "refused the credentials" not in check.details


@pytest.mark.parametrize("service", ["amqp", "redis"])
def test_a_management_url_at_another_service_is_named(
    amqp_url: str, redis_url: str, service: str
) -> None:
    amqp = urllib.parse.urlsplit(amqp_url)
    port = amqp.port if service == "amqp" else urllib.parse.urlsplit(redis_url).port
    result = runner.probe(
        parse_target(amqp_url, management_url=f"http://127.0.0.1:{port}"),
        budget_s=8.0,
        stage_timeout_s=2.0,
    )
    check = result.check("rabbitmq.mgmt_overview")
    assert check is not None and check.status is CheckStatus.FAIL
    assert check.failure_class is FailureClass.WRONG_PROTOCOL
    assert "not RabbitMQ's management API" in check.details and "15672" in check.hint
