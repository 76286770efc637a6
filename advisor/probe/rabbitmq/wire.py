"""RabbitMQ wire code: pika connection parameters, the watchdog, the management API client, errors.

pika runs with connection_attempts=1 and socket/stack/blocked-connection timeouts and heartbeat
taken from the runner's stage timeout. Its BlockingConnection waits for replies and confirms with
no timeout at all, so every check that uses the connection runs under a `Watchdog`: when
nothing arrives from the broker for a stage timeout (the broker's heartbeats keep a healthy idle
connection busy), or the probe is cancelled or out of budget while a call waits, it shuts the
socket down; the blocked call then fails and the check reports a timeout. Reply codes the broker
closes a connection or channel with are entries of `advisor.probe.classify.REPLY_CODES`.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pika
import pika.exceptions as pex
from pika.adapters.blocking_connection import BlockingChannel

from advisor.i18n import N_, tr
from advisor.probe import preflight
from advisor.probe.classify import (
    ErrorCause,
    Failure,
    classify_os_error,
    describe,
    error_cause,
    reply_code,
    walk_exception,
)
from advisor.probe.models import Endpoint, FailureClass
from advisor.probe.runner import CheckRecorder, ProbeContext
from advisor.workload import Broker

AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
_WATCH_S = 0.05
_STOPPING_IDLE_S = 0.25  # once cancelled or out of budget, a wait this long is given up


_MGMT_MAX_BYTES = 4 * 1024 * 1024  # the largest management API answer read (nodes, overview)


# 401 replies whose reason says the login worked but the user's tags do not allow the request.
_MGMT_TAG_NEEDED = {
    "Not management user": N_(
        "The user has no management tag: give it 'monitoring' "
        "(rabbitmqctl set_user_tags USER monitoring) to let the probe read nodes and health."
    ),
    "Not monitor user": N_(
        "The user has the 'management' tag only: nodes and alarms need "
        "'monitoring' (rabbitmqctl set_user_tags USER monitoring)."
    ),
}


# pika's errors that name a cause (pika's str() of them is often empty), tried in order.
ERROR_CAUSES: tuple[ErrorCause, ...] = (
    ErrorCause(
        (pex.ProbableAuthenticationError, pex.AuthenticationError),
        FailureClass.AUTH,
        N_("login refused"),
        N_(
            "Wrong user name or password (ACCESS_REFUSED); note that 'guest' may only "
            "log in from localhost."
        ),
    ),
    ErrorCause(
        (pex.ProbableAccessDeniedError,),
        FailureClass.AUTHORISATION,
        N_("vhost access denied"),
        N_(
            "The vhost does not exist or this user has no permissions on it: check "
            "the URL path (%2F is the default vhost '/') and rabbitmqctl "
            "list_permissions."
        ),
    ),
    ErrorCause(
        (pex.IncompatibleProtocolError,),
        FailureClass.WRONG_PROTOCOL,
        N_("not an AMQP 0-9-1 server"),
        N_("Something other than RabbitMQ listens here (or it expects TLS: amqps://)."),
    ),
    ErrorCause(
        (pex.ConnectionBlockedTimeout,),
        FailureClass.DEGRADED,
        N_("the broker blocked publishing"),
        N_("A memory or disk alarm is active: free resources on the node."),
    ),
    ErrorCause(
        (pex.AMQPHeartbeatTimeout,),
        FailureClass.TIMEOUT,
        N_("the broker stopped answering"),
        N_("The node is paused, overloaded or the network dropped."),
    ),
    ErrorCause(
        (pex.NackError, pex.UnroutableError),
        FailureClass.DEGRADED,
        N_("publish not confirmed"),
        N_("The broker nacked or returned the message: check queue limits and alarms."),
    ),
)


def classify(exc: BaseException, where: str = "") -> Failure | None:
    """Name pika errors (which often have an empty str()) and the broker's reply codes."""
    for item in walk_exception(exc):
        found = _classify_one(item, where)
        if found is not None:
            return found
    return None


class StalledError(Exception):
    """The broker sent nothing while a pika call waited (the watchdog ended the wait)."""


class NotManagementApiError(Exception):
    """The management URL answered, but not as RabbitMQ's management API (HTTP and JSON)."""


def _classify_one(exc: BaseException, where: str) -> Failure | None:
    text = describe(exc)
    where = where or tr("the server")
    if isinstance(exc, NotManagementApiError):
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            tr("{where} is not RabbitMQ's management API: {error}", where=where, error=str(exc)),
            tr(
                "Point the management URL at the management plugin's HTTP port (15672, or 15671 "
                "for HTTPS), not at the AMQP port or another service."
            ),
        )
    if isinstance(exc, StalledError):
        return Failure(
            FailureClass.TIMEOUT,
            tr("{where} stopped answering: {error}", where=where, error=text),
            tr(
                "The broker (or a proxy or load balancer in front of it) accepted the connection "
                "and then went silent: it may be paused, overloaded or blocked by an alarm, or "
                "the network drops packets."
            ),
        )
    found = error_cause(ERROR_CAUSES, exc)
    if found is not None:
        return found
    if isinstance(exc, pex.ConnectionClosedByBroker):
        return reply_code(Broker.RABBITMQ, "connection", exc.reply_code, text) or Failure(
            FailureClass.OTHER, f"{tr('the broker closed the connection')}: {text}"
        )
    if isinstance(exc, pex.ChannelClosedByBroker):
        return reply_code(Broker.RABBITMQ, "channel", exc.reply_code, text) or Failure(
            FailureClass.OTHER, tr("channel closed by the broker: {error}", error=text)
        )
    if isinstance(exc, pex.StreamLostError):
        cause = classify_os_error(exc, where)
        if cause is not None:
            return cause
        return Failure(
            FailureClass.CONNECTION_LOST,
            tr("connection lost: {error}", error=text),
            tr("The broker was stopped or restarted, or the network dropped."),
        )
    if isinstance(exc, pex.AMQPConnectionError) and "timed out" in text.lower():
        return Failure(
            FailureClass.TIMEOUT,
            tr("AMQP handshake timed out: {error}", error=text),
            tr("The broker is paused or overloaded, or the listener is not AMQP."),
        )
    return None


def parameters(
    ctx: ProbeContext, endpoint: Endpoint, timeout_s: float
) -> pika.ConnectionParameters:
    target = ctx.target
    ssl_options = None
    if target.tls:
        ssl_options = pika.SSLOptions(preflight.tls_context(target), server_hostname=endpoint.host)
    return pika.ConnectionParameters(
        host=endpoint.host,
        port=endpoint.port,
        virtual_host=target.vhost or "/",
        credentials=pika.PlainCredentials(
            target.username or "guest", target.password if target.password is not None else "guest"
        ),
        ssl_options=ssl_options,
        connection_attempts=1,
        retry_delay=0,
        socket_timeout=timeout_s,
        stack_timeout=timeout_s,
        blocked_connection_timeout=timeout_s,
        heartbeat=max(1, round(timeout_s)),
        client_properties={"connection_name": f"broker-advisor-probe-{ctx.run_id}"},
    )


def text_of(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Watchdog:
    """Ends pika waits that get no answer: BlockingConnection calls have no timeout of their own.

    A helper thread watches the connection's received-byte count while a check runs (`guard`);
    after `idle_s` without a byte (0.25 s once the probe is cancelled or out of budget) it shuts
    the socket down, so the blocked call fails; `guard` turns that into StalledError (or the
    runner's cancellation). The broker's heartbeats keep an idle but healthy connection busy.
    """

    def __init__(self, ctx: ProbeContext, connection: pika.BlockingConnection, idle_s: float):
        self.ctx = ctx
        self.connection = connection
        self.idle_s = idle_s
        self.fired = ""
        self.fired_stopping = False
        self._limit = idle_s
        self._label = ""
        self._cleanup = False
        self._armed = False
        self._last = 0
        self._last_change = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, daemon=True, name=f"rabbitmq-watchdog-{ctx.run_id}"
        )
        self._thread.start()

    @contextlib.contextmanager
    def guard(
        self, label: str, idle_s: float | None = None, *, cleanup: bool = False
    ) -> Iterator[None]:
        """Watch the connection while the body runs; a wait it ended raises StalledError.

        cleanup: the body is the cleanup, which runs after cancellation by design, so only
        silence for idle_s ends it.
        """
        self._label, self._limit = label, idle_s if idle_s is not None else self.idle_s
        self._cleanup = cleanup
        self._last, self._last_change = self._received(), time.monotonic()
        self._armed = True
        try:
            yield
        except Exception as error:
            if self.fired_stopping:
                self.ctx.checkpoint()  # ProbeAbortError: cancelled or out of budget
            if self.fired:
                raise StalledError(self.fired) from error
            raise
        finally:
            self._armed = False

    def _received(self) -> int:
        value = getattr(getattr(self.connection, "_impl", None), "bytes_received", 0)
        return int(value) if isinstance(value, int) else 0

    def _watch(self) -> None:
        while not self._stop.wait(_WATCH_S):
            if not self._armed or self.fired:
                continue
            now = time.monotonic()
            received = self._received()
            if received != self._last:
                self._last, self._last_change = received, now
                continue
            stopping = self.ctx.stopping and not self._cleanup
            limit = min(self._limit, _STOPPING_IDLE_S) if stopping else self._limit
            idle = now - self._last_change
            if idle >= limit:
                self.fired_stopping = stopping
                self.fired = tr(
                    "nothing came back for {seconds} s while {call} waited for a reply",
                    seconds=f"{idle:.1f}",
                    call=self._label,
                )
                self._shutdown()

    def _shutdown(self) -> None:
        transport = getattr(getattr(self.connection, "_impl", None), "_transport", None)
        sock = getattr(transport, "_sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1.0)


def open_channel(ctx: ProbeContext, connection: pika.BlockingConnection) -> BlockingChannel:
    ctx.checkpoint()
    channel = connection.channel()
    channel.confirm_delivery()
    return channel


def close_channel(channel: BlockingChannel | None) -> None:
    if channel is not None and channel.is_open:
        with contextlib.suppress(Exception):
            channel.close()


class Management:
    """RabbitMQ's management HTTP API at the target's management URL, with its credentials."""

    def __init__(self, ctx: ProbeContext, base: str) -> None:
        self.ctx = ctx
        parsed = urllib.parse.urlsplit(base)
        user = urllib.parse.unquote(parsed.username or "") or ctx.target.username or "guest"
        password = (
            urllib.parse.unquote(parsed.password)
            if parsed.password is not None
            else ctx.target.password
            if ctx.target.password is not None
            else "guest"
        )
        host = parsed.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parsed.port:
            netloc += f":{parsed.port}"
        self.root = f"{parsed.scheme}://{netloc}{parsed.path.rstrip('/')}"
        self._auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.where = (
            netloc if parsed.port else f"{netloc}:{443 if parsed.scheme == 'https' else 80}"
        )

    def get(self, path: str) -> tuple[int, Any]:
        """(HTTP status, JSON body) of a GET; NotManagementApiError when it is not the API."""
        request = urllib.request.Request(
            self.root + path, headers={"Authorization": f"Basic {self._auth}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.ctx.timeout()) as response:
                raw = response.read(_MGMT_MAX_BYTES)
                try:
                    return int(response.status), json.loads(raw or b"null")
                except ValueError:
                    raise NotManagementApiError(
                        tr("HTTP {status} with a body that is not JSON", status=response.status)
                    ) from None
        except (http.client.BadStatusLine, http.client.RemoteDisconnected) as error:
            # An AMQP port answers an HTTP request with its protocol header, then hangs up.
            raise NotManagementApiError(
                tr("no HTTP reply ({error})", error=describe(error))
            ) from None
        except ConnectionResetError as error:
            raise NotManagementApiError(
                tr("the connection was reset ({error})", error=describe(error))
            ) from None
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body or b"null")
            except ValueError:
                return error.code, body.decode("utf-8", "replace")


def http_failure(check: CheckRecorder, status: int, body: Any) -> None:
    """Record a management API answer other than 200 on the check."""
    reason = str(body.get("reason", "")) if isinstance(body, dict) else ""
    if status == 401 and reason in _MGMT_TAG_NEEDED:
        # The credentials are right; the user lacks the tag this endpoint needs.
        check.fail(
            FailureClass.AUTHORISATION,
            tr(
                "the management API accepted the login but refused this request ({reason})",
                reason=reason,
            ),
            tr(_MGMT_TAG_NEEDED[reason]),
        )
    elif status == 401:
        check.fail(
            FailureClass.AUTH,
            tr("the management API refused the credentials (401)"),
            tr("Give credentials in the management URL (http://user:pass@host:15672)."),
        )
    elif status == 403:
        check.fail(
            FailureClass.AUTHORISATION,
            tr("the management API user lacks permission"),
            tr("The user needs the 'monitoring' (or administrator) tag."),
        )
    else:
        check.fail(FailureClass.OTHER, f"HTTP {status}: {str(body)[:200]}")
