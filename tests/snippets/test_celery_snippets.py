"""Celery snippets with a real worker: on RabbitMQ a countdown does not hold up other tasks, and a
failing task is retried with back-off and then parked in the dead-letter queue; on Redis a task
runs with the visibility timeout set where Celery reads it."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from advisor.workload import Broker, Workload
from tests.snippets.conftest import Render, load_module, own_vhost, unique

pytestmark = pytest.mark.integration
pytest.importorskip("celery")
pika = pytest.importorskip("pika")

READY_TIMEOUT_S = 25
STOP_TIMEOUT_S = 10
COUNTDOWN_S = 10

APP_MODULE = '''
"""The test's Celery app: the snippet's settings, tasks that report to a Redis list."""
import json
import os
import time

import redis
from celery import Celery

import {settings} as settings
{tasks_import}

app = Celery("ba_snippet")
app.config_from_object(settings, namespace={namespace!r})
{extra_config}
side = redis.Redis.from_url(os.environ["SIDE_REDIS_URL"], socket_timeout=5)
SIDE_KEY = os.environ["SIDE_KEY"]


def report(**fields):
    side.rpush(SIDE_KEY, json.dumps({{**fields, "at": time.time()}}))


@app.task(name="ba.quick")
def quick(tag):
    report(tag=tag)
    return tag
{failing}
'''

FAILING = """

# The snippet's retry policy with fewer, shorter retries (the test stays short) and no jitter
# (the back-off can be measured).
TEST_RETRYING = {**RETRYING, "max_retries": 2, "retry_backoff": 1, "retry_jitter": False}


@app.task(name="ba.failing", bind=True, **TEST_RETRYING)
def failing(self, tag):
    report(tag=tag, attempt=self.request.retries)
    raise RuntimeError("this task always fails")
"""


@dataclass
class Worker:
    """A running worker and the test's handle on the same app."""

    app: Any
    module: Any
    settings: Any
    log: Path
    side: redis.Redis
    side_key: str

    def next_report(self, timeout_s: float) -> dict[str, Any] | None:
        item = self.side.blpop([self.side_key], timeout=max(1, round(timeout_s)))
        return None if item is None else json.loads(item[1])

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)


@contextlib.contextmanager
def celery_worker(
    folder: Path,
    settings_code: str,
    *,
    django: bool,
    queues: str,
    env: dict[str, str],
    tasks_code: str | None = None,
    extra_config: str = "",
) -> Iterator[Worker]:
    """Write the snippet and an app around it, start `celery worker` on it as a subprocess
    (threads, one slot), wait until it is ready, and stop it (TERM, then KILL) afterwards."""
    tag = uuid.uuid4().hex[:8]
    settings_name, tasks_name, app_name = f"settings_{tag}", f"tasks_{tag}", f"app_{tag}"
    (folder / f"{settings_name}.py").write_text(settings_code, encoding="utf-8")
    tasks_import = ""
    if tasks_code is not None:
        (folder / f"{tasks_name}.py").write_text(tasks_code, encoding="utf-8")
        tasks_import = f"from {tasks_name} import RETRYING"
    (folder / f"{app_name}.py").write_text(
        APP_MODULE.format(
            settings=settings_name,
            tasks_import=tasks_import,
            namespace="CELERY" if django else None,
            extra_config=extra_config,
            failing=FAILING if tasks_code is not None else "",
        ),
        encoding="utf-8",
    )
    full_env = {**os.environ, **env, "PYTHONPATH": str(folder)}
    os.environ.update(env)  # the test process publishes with the same settings
    sys.path.insert(0, str(folder))
    log = folder / "worker.log"
    process: subprocess.Popen[bytes] | None = None
    module: Any = None
    side = redis.Redis.from_url(env["SIDE_REDIS_URL"], socket_timeout=30)
    try:
        module = load_module((folder / f"{app_name}.py").read_text(), folder, app_name)
        settings = sys.modules[settings_name]
        if hasattr(settings, "declare_dead_letters"):
            settings.declare_dead_letters(env["CELERY_BROKER_URL"])
        command = [
            sys.executable, "-m", "celery", "-A", app_name, "worker",
            "--pool=threads", "--concurrency=1",  # one slot: a held countdown would block it
            "--without-mingle", "--without-gossip", "--without-heartbeat",
            "-Q", queues, "--loglevel=INFO",
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=folder,
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
        yield Worker(module.app, module, settings, log, side, env["SIDE_KEY"])
    finally:
        if process is not None:
            _stop(process)
        if module is not None:
            module.app.close()  # the test process's own broker connections
            module.side.close()
        side.delete(env["SIDE_KEY"])
        side.close()
        sys.path.remove(str(folder))
        for key in env:
            os.environ.pop(key, None)
        for name in (settings_name, tasks_name, app_name):
            sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def rabbitmq_worker(
    render: Render,
    amqp_url: str,
    rabbitmq_management_url: str,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Worker]:
    """A worker on the celery-background-jobs preset's RabbitMQ snippets, in a vhost of its own."""
    settings_code = render("celery-background-jobs", Broker.RABBITMQ, "rabbitmq-celery")
    tasks_code = render("celery-background-jobs", Broker.RABBITMQ, "rabbitmq-celery-tasks")
    folder = tmp_path_factory.mktemp("celery-rabbitmq")
    with own_vhost(amqp_url, rabbitmq_management_url) as url:
        env = {
            "CELERY_BROKER_URL": url,
            "SIDE_REDIS_URL": redis_url,
            "SIDE_KEY": unique("reports"),
        }
        with celery_worker(
            folder, settings_code, django=True, queues="tasks", env=env, tasks_code=tasks_code
        ) as worker:
            yield worker


def test_rabbitmq_countdown_does_not_block_other_tasks(rabbitmq_worker: Worker) -> None:
    """With one worker slot, a task due in 10 s waits in the broker (native delayed delivery
    through a topic exchange), so a task sent after it runs at once. Through a direct exchange
    the worker would hold the countdown task in its only slot for 10 s."""
    quick = rabbitmq_worker.module.quick
    sent = time.monotonic()
    quick.apply_async(args=["delayed"], countdown=COUNTDOWN_S)
    quick.delay("now")
    first = rabbitmq_worker.next_report(timeout_s=6)
    assert first is not None and first["tag"] == "now", rabbitmq_worker.log_text()[-3000:]
    assert time.monotonic() - sent < 6
    second = rabbitmq_worker.next_report(timeout_s=COUNTDOWN_S + 6)
    assert second is not None and second["tag"] == "delayed"
    assert time.monotonic() - sent >= COUNTDOWN_S - 1  # it waited, and was not lost
    log = rabbitmq_worker.log_text()
    assert "direct exchange" not in log.lower()


def test_rabbitmq_failing_task_retries_with_backoff_then_parks(rabbitmq_worker: Worker) -> None:
    """A task that always fails runs three times with growing gaps (retry_backoff), then the
    worker rejects it and RabbitMQ dead-letters it to the parking queue: kept, not acked away."""
    settings = rabbitmq_worker.settings
    result = rabbitmq_worker.module.failing.delay("doomed")
    attempts = []
    for _ in range(3):
        report = rabbitmq_worker.next_report(timeout_s=8)
        assert report is not None, rabbitmq_worker.log_text()[-3000:]
        attempts.append(report)
    assert [a["attempt"] for a in attempts] == [0, 1, 2]
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.8 and gaps[1] >= 1.8 and gaps[1] > gaps[0], gaps  # 1 s, then 2 s

    parameters = pika.URLParameters(os.environ["CELERY_BROKER_URL"])
    parameters.socket_timeout = 5
    connection = pika.BlockingConnection(parameters)
    try:
        channel = connection.channel()
        deadline = time.monotonic() + 10
        while True:
            method, properties, _body = channel.basic_get(settings.PARKING_QUEUE, auto_ack=False)
            if method is not None or time.monotonic() > deadline:
                break
            connection.sleep(0.2)
        assert method is not None, "the failed task was not parked in " + settings.PARKING_QUEUE
        assert properties.headers["id"] == result.id
        assert properties.headers["x-death"][0]["reason"] == "rejected"
        channel.basic_nack(method.delivery_tag, requeue=True)
    finally:
        connection.close()


def test_redis_celery_task_runs_with_one_visibility_timeout(
    render: Render, redis_url: str, tmp_path: Path
) -> None:
    """The Redis snippet for Celery: a real worker runs a task, and the visibility timeout is
    the same in the three places Celery reads it."""
    workload = Workload(
        name="jobs on redis", uses_celery=True, uses_django=False, max_task_duration_s=600
    )
    settings_code = render(workload, Broker.REDIS, "redis-celery")
    prefix = unique("celery") + ":"
    queue = unique("queue")
    env = {
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "SIDE_REDIS_URL": redis_url,
        "SIDE_KEY": unique("reports"),
    }
    # Every key of this test under one prefix (kombu's global_keyprefix), its own queue.
    extra = (
        "app.conf.broker_transport_options = {**app.conf.broker_transport_options, "
        f"'global_keyprefix': {prefix!r}}}\n"
        f"app.conf.task_default_queue = {queue!r}\n"
    )
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        with celery_worker(
            tmp_path, settings_code, django=False, queues=queue, env=env, extra_config=extra
        ) as worker:
            conf = worker.app.conf
            timeout = conf.broker_transport_options["visibility_timeout"]
            assert timeout >= 2 * 600  # above the longest task
            assert conf.result_backend_transport_options["visibility_timeout"] == timeout
            assert conf.visibility_timeout == timeout
            assert conf.task_acks_late and conf.task_reject_on_worker_lost
            result = worker.module.quick.delay("on redis")
            assert result.get(timeout=10) == "on redis"
            result.forget()
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
