"""The priorities check on the sandbox broker, judged by version: on 3.x quorum queues ignore
priorities, so a workload needing priorities and a node loss gets a warning, not a pass."""

from __future__ import annotations

import pytest

from advisor import versions
from advisor.probe import runner, verdicts
from advisor.probe.models import CheckStatus
from advisor.probe.targets import parse_target
from advisor.workload import parse_workload
from tests.advisor.probe.conftest import rabbitmq_leftovers

pytestmark = pytest.mark.integration


def test_priorities_are_measured_and_judged_by_version(
    amqp_url: str, rabbitmq_management_url: str
) -> None:
    result = runner.probe(
        parse_target(amqp_url, management_url=rabbitmq_management_url),
        budget_s=8.0,
        stage_timeout_s=2.0,
    )
    check = result.check("rabbitmq.priorities")
    assert check is not None and check.status is CheckStatus.PASS, check
    assert check.figures["classic_priorities"]
    version = versions.Version.parse(result.summary.version or "0")
    quorum_has_priorities = bool(check.figures["quorum_priorities"])
    if version < versions.Version.parse("4.0"):
        assert not quorum_has_priorities
        assert "priorities need 4.0+" in check.details
    else:
        assert quorum_has_priorities
    judged = {
        failures: {
            v.requirement: v
            for v in verdicts.judge(
                result,
                parse_workload({"needs_priorities": True, "tolerated_node_failures": failures}),
            )
        }["priorities"]
        for failures in (0, 1)
    }
    assert judged[0].status is CheckStatus.PASS
    expected = CheckStatus.PASS if quorum_has_priorities else CheckStatus.WARN
    assert judged[1].status is expected
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []
