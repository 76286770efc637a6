"""Redis load: a Stream with one consumer group per receiver (XADD, XREADGROUP, XACK), or
Pub/Sub for a fan-out that may lose messages. redis-py on the hiredis parser, pipelined."""

from __future__ import annotations

import contextlib
import select
import ssl
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

import hiredis
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from advisor import i18n
from advisor.loadtest import latency
from advisor.loadtest.drivers.base import (
    Connection,
    DriverSpec,
    ProducerBase,
    Sample,
    describe,
    intended_ns,
)

CLIENT_NAME = "broker-advisor-loadtest"
READ_COUNT = 512
FIELD = b"p"
_NO_RETRY = Retry(NoBackoff(), 0)  # redis-py 8 retries 10 times by default
# Replies a producer may owe before it waits for some (bounds its memory and the server's).
MAX_OUTSTANDING = 10_000


def client(connection: Connection, timeout_s: float | None = None) -> redis.Redis:
    """A redis-py client with bounded timeouts and no retries (a stall must surface)."""
    timeout = timeout_s or connection.timeout_s
    kwargs: dict[str, Any] = {}
    if connection.tls:
        kwargs = {
            "ssl": True,
            "ssl_ca_certs": connection.ca_file,
            "ssl_certfile": connection.cert_file,
            "ssl_keyfile": connection.key_file,
        }
    made = redis.Redis(
        host=connection.host,
        port=connection.port,
        db=connection.database,
        username=connection.username,
        password=connection.password,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=_NO_RETRY,
        retry_on_error=[],
        health_check_interval=0,
        client_name=CLIENT_NAME,
        decode_responses=False,
        protocol=2,
        **kwargs,
    )
    # Raw replies: the load path parses entries itself (no dict per entry).
    for command in ("XREADGROUP", "XADD", "XACK"):
        made.set_response_callback(command, lambda response, **_: response)
    return made


def _readable(sock: Any, timeout_s: float) -> bool:
    """Whether sock has data within timeout_s. select() waits to the microsecond, where poll()
    and epoll round a wait up to whole milliseconds (a paced producer would wake late)."""
    try:
        return bool(select.select([sock], [], [], timeout_s)[0])
    except ValueError:  # a descriptor beyond select()'s limit
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(max(1, int(timeout_s * 1000))))


def _cmd(conn: Any, *args: Any) -> Any:
    """execute_command on a client or pipeline (redis-py leaves it untyped)."""
    return conn.execute_command(*args)


class StreamProducer(ProducerBase):
    """XADD (or PUBLISH) without waiting for the reply: each batch goes out when the schedule
    says, on one connection, and the replies (the acknowledgements) are read as they arrive.

    A reply that is slow to come does not hold back the next send, so a message's latency is
    the broker's answer to that message, not the queue behind the previous one's round trip.
    Replies come back in the order of the sends, so each is matched to the oldest outstanding
    message. A connection that gives no reply for `timeout_s` is dropped and what it owed fails.
    """

    def __init__(self, spec: DriverSpec) -> None:
        super().__init__()
        self.key = spec.layout.name.encode()
        self.pubsub = spec.layout.redis_mode == "pubsub"
        words = (
            [b"PUBLISH", self.key]
            if self.pubsub
            else [b"XADD", self.key, b"NOMKSTREAM", b"*", FIELD]
        )
        # RESP: an array of len(words) + 1 bulk strings, the payload last.
        self.head = b"*%d\r\n" % (len(words) + 1) + b"".join(
            b"$%d\r\n%s\r\n" % (len(w), w) for w in words
        )
        self.timeout_ns = int(spec.connection.timeout_s * 1e9)
        self.conn = client(spec.connection)
        link: Any = self.conn.connection_pool.get_connection()
        link.send_command("PING", check_health=False)
        link.read_response()
        self.link = link
        # The replies are read off the socket here, not through redis-py: its reading path
        # (a poll, a timeout set and a receive per reply, in layers of Python) costs more than
        # the reply itself takes to come back. redis-py still connects (TLS, AUTH, SELECT).
        self.sock: Any = None
        self.reader = hiredis.Reader(replyError=redis.ResponseError)
        self.buffer = bytearray(65_536)
        self._attach()
        # (seq, intended ns, sent ns) of every message whose reply has not been read, oldest first
        self.outstanding: deque[tuple[int, int, int]] = deque()

    def _attach(self) -> None:
        """Use the connection redis-py has made (again, after a drop): a non-blocking socket."""
        if self.link._sock is None:
            self.link.connect()
        self.sock = self.link._sock
        self.sock.setblocking(False)
        self.reader = hiredis.Reader(replyError=redis.ResponseError)

    def send(self, messages: Sequence[tuple[int, int, bytes]]) -> None:
        self._make_room(len(messages))
        # The commands in the protocol's own form, written here: all but the payload is the
        # same for every message (redis-py's packer costs several times more per command).
        head = self.head
        packed = b"".join(b"%s$%d\r\n%s\r\n" % (head, len(m[2]), m[2]) for m in messages)
        try:
            if self.sock is None:
                self._attach()
            self._send_all(packed)
        except (redis.RedisError, OSError) as error:
            self._drop(describe(error))  # what the connection still owed is lost with it
            raise
        sent = time.monotonic_ns()
        self.outstanding.extend((m[0], intended_ns(m[2]), sent) for m in messages)
        # No read here: the replies cannot be in yet, and the schedule's loop reads them
        # (poll and wait) while it waits for the next send.

    def _send_all(self, data: bytes) -> None:
        """Write all of data to the non-blocking socket, reading replies while it is full (a
        broker that stops reading would otherwise never let the write finish)."""
        view = memoryview(data)
        deadline = time.monotonic_ns() + self.timeout_ns
        while view:
            try:
                view = view[self.sock.send(view) :]
            except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                if time.monotonic_ns() > deadline:
                    raise TimeoutError(
                        i18n.tr(
                            "Redis took no data for {seconds:g} s", seconds=self.timeout_ns / 1e9
                        )
                    ) from None
                with contextlib.suppress(ValueError):  # beyond select()'s limit: just retry
                    select.select([], [self.sock], [], 0.01)

    def _make_room(self, count: int) -> None:
        """Wait for replies while too many are owed (a slow broker slows the sending)."""
        while self.outstanding and len(self.outstanding) + count > MAX_OUTSTANDING:
            self._read(0.05)
            if self.sock is None:
                break  # dropped: what it owed has failed

    def _receive(self, timeout_s: float) -> bool:
        """Feed what the socket has to the reader, waiting up to timeout_s; whether any came."""
        sock = self.sock
        pending = getattr(sock, "pending", None)  # TLS: bytes already decrypted
        if timeout_s > 0 and not (pending and pending()) and not _readable(sock, timeout_s):
            return False
        try:
            got = sock.recv_into(self.buffer)
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return False
        if got == 0:
            raise ConnectionError(i18n.tr("Redis closed the connection"))
        self.reader.feed(self.buffer, 0, got)  # type: ignore[arg-type]  # as redis-py does
        return True

    def _read(self, timeout_s: float) -> None:
        """Read the replies that have arrived, waiting up to timeout_s for the first."""
        outstanding = self.outstanding
        if self.sock is None or not outstanding:
            return
        record = self.ack_latency.record_value
        highest = latency.HIGHEST_US
        reader = self.reader
        failed: list[int] = []
        error_text = ""
        try:
            reply = reader.gets()
            if reply is False and self._receive(timeout_s):
                reply = reader.gets()
            while reply is not False and outstanding:
                now = time.monotonic_ns()
                seq, intended, _sent = outstanding.popleft()
                if isinstance(reply, Exception) or reply is None:
                    failed.append(seq)
                    error_text = (
                        describe(reply) if reply is not None else i18n.tr("the stream is missing")
                    )
                else:
                    record(min(highest, max(1, (now - intended) // 1000)))
                    self.acked += 1
                reply = reader.gets()
                if reply is False and outstanding and self._receive(0):
                    reply = reader.gets()
        except (redis.RedisError, OSError, hiredis.ProtocolError) as error:
            self._drop(describe(error))
        if failed:
            self.fail(failed, error_text)
        if outstanding and time.monotonic_ns() - outstanding[0][2] > self.timeout_ns:
            self._drop(
                i18n.tr("no reply from Redis within {seconds:g} s", seconds=self.timeout_ns / 1e9)
            )

    def _drop(self, error: str) -> None:
        """Disconnect (the next send reconnects); the replies still owed count as failed."""
        self.sock = None
        with contextlib.suppress(Exception):
            self.link.disconnect()
        if self.outstanding:
            self.fail([m[0] for m in self.outstanding], error)
            self.outstanding.clear()

    def poll(self) -> None:
        if self.outstanding:
            self._read(0.0)

    def wait(self, seconds: float) -> None:
        if self.outstanding:
            self._read(seconds)  # wakes as soon as a reply arrives
        else:
            time.sleep(seconds)

    def flush(self, timeout_s: float) -> None:
        end = time.monotonic() + timeout_s
        while self.outstanding and time.monotonic() < end:
            self._read(min(0.05, max(0.0, end - time.monotonic())))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.link.disconnect()
        with contextlib.suppress(Exception):
            self.conn.close()


class StreamConsumer:
    """XREADGROUP from its group; the previous batch is XACKed in the same round trip."""

    def __init__(self, spec: DriverSpec, group: int, index: int) -> None:
        self.errors = 0
        self.last_error = ""
        layout = spec.layout
        self.key = layout.name.encode()
        self.group = layout.group_name(group).encode()
        self.me = f"c{index}".encode()
        self.noack = not layout.consumer_acks
        self.conn = client(spec.connection)
        self.pending: list[bytes] = []

    def ready(self) -> bool:
        return True  # the group exists before the first message (set-up creates it at '0')

    def receive(self, max_wait_s: float) -> list[bytes]:
        block_ms = max(1, int(max_wait_s * 1000))
        read: list[Any] = ["XREADGROUP", "GROUP", self.group, self.me, "COUNT", READ_COUNT]
        read += ["BLOCK", block_ms]
        if self.noack:
            read.append("NOACK")
        read += ["STREAMS", self.key, ">"]
        try:
            if self.pending:
                pipe = self.conn.pipeline(transaction=False)
                _cmd(pipe, "XACK", self.key, self.group, *self.pending)
                _cmd(pipe, *read)
                reply = pipe.execute()[1]
                self.pending = []
            else:
                reply = _cmd(self.conn, *read)
        except (redis.RedisError, OSError) as error:
            self.errors += 1
            self.last_error = describe(error)
            with contextlib.suppress(Exception):
                self.conn.connection_pool.disconnect()
            time.sleep(min(0.1, max_wait_s))
            return []
        if not reply:
            return []
        entries = reply[0][1]
        out: list[bytes] = []
        for entry_id, fields in entries:
            if not self.noack:
                self.pending.append(entry_id)
            if fields and len(fields) >= 2:
                out.append(fields[1])
        return out

    def close(self) -> None:
        if self.pending:
            with contextlib.suppress(Exception):
                _cmd(self.conn, "XACK", self.key, self.group, *self.pending)
        with contextlib.suppress(Exception):
            self.conn.close()


class PubSubConsumer:
    """A Pub/Sub subscriber: sees what is published while it is subscribed, nothing else."""

    def __init__(self, spec: DriverSpec, group: int, index: int) -> None:
        self.errors = 0
        self.last_error = ""
        self.conn = client(spec.connection)
        self.pubsub: Any = self.conn.pubsub(ignore_subscribe_messages=False)  # type: ignore[no-untyped-call]
        self.pubsub.subscribe(spec.layout.name)
        self.subscribed = False

    def ready(self) -> bool:
        if not self.subscribed:
            self.receive(0.05)
        return self.subscribed

    def receive(self, max_wait_s: float) -> list[bytes]:
        out: list[bytes] = []
        wait = max_wait_s
        try:
            while len(out) < READ_COUNT:
                message = self.pubsub.get_message(timeout=wait)
                if message is None:
                    break
                wait = 0.0
                kind = message.get("type")
                if kind in (b"subscribe", "subscribe"):
                    self.subscribed = True
                elif kind in (b"message", "message"):
                    out.append(message["data"])
        except (redis.RedisError, OSError) as error:
            self.errors += 1
            self.last_error = describe(error)
            time.sleep(min(0.1, max_wait_s))
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.pubsub.close()
        with contextlib.suppress(Exception):
            self.conn.close()


def open_producer(spec: DriverSpec, index: int) -> StreamProducer:
    return StreamProducer(spec)


def open_consumer(spec: DriverSpec, group: int, index: int) -> StreamConsumer | PubSubConsumer:
    if spec.layout.redis_mode == "pubsub":
        return PubSubConsumer(spec, group, index)
    return StreamConsumer(spec, group, index)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _pairs(reply: Any) -> dict[str, Any]:
    if isinstance(reply, dict):
        return {_text(k): v for k, v in reply.items()}
    items = list(reply or [])
    return {_text(items[i]): items[i + 1] for i in range(0, len(items) - 1, 2)}


class Admin:
    """Set-up, samples and cleanup in the runner's process."""

    def __init__(self, spec: DriverSpec) -> None:
        self.spec = spec
        self.layout = spec.layout
        self.conn = client(spec.connection)
        self.created: list[str] = []

    def advertised_hosts(self) -> list[str]:
        return []

    def check(self) -> None:
        """Answers, accepts the login, and takes writes (a replica is read-only)."""
        _cmd(self.conn, "PING")
        try:
            role = _cmd(self.conn, "ROLE")
        except redis.ResponseError:
            return  # ROLE not allowed to this user: the first write will tell
        if role and _text(role[0]) == "sentinel":
            names = ", ".join(_text(n) for n in (role[1] if len(role) > 1 else []) or [])
            raise redis.ResponseError(
                i18n.tr(
                    "this is a Redis Sentinel, which keeps no data: give "
                    "redis+sentinel://host:port/MASTER (it watches: {names})",
                    names=names or i18n.tr("no master"),
                )
            )
        if role and _text(role[0]) in ("slave", "replica"):
            master = (
                i18n.tr(" (its master: {address})", address=f"{_text(role[1])}:{role[2]}")
                if len(role) > 2
                else ""
            )
            raise redis.ReadOnlyError(
                i18n.tr(
                    "this Redis is a read-only replica{master}: give the master's address",
                    master=master,
                )
            )

    def server_info(self) -> dict[str, str]:
        info = self.conn.info("server")
        persistence = self.conn.info("persistence")
        aof = bool(persistence.get("aof_enabled"))
        fsync = ""
        with contextlib.suppress(redis.RedisError):
            fsync = _text(self.conn.config_get("appendfsync").get("appendfsync", ""))
        shown = f"AOF on (appendfsync {fsync})" if aof and fsync else "AOF on" if aof else "AOF off"
        return {
            "product": "Redis",
            "version": str(info.get("redis_version", "")),
            "persistence": shown,
        }

    def setup(self) -> None:
        layout = self.layout
        if layout.redis_mode == "pubsub":
            return
        self.created.append(layout.name)
        for group in range(layout.groups):
            _cmd(
                self.conn,
                "XGROUP",
                "CREATE",
                layout.name,
                layout.group_name(group),
                "0",
                "MKSTREAM",
            )
        # A run that is killed leaves nothing for long: the stream expires on its own.
        _cmd(self.conn, "EXPIRE", layout.name, layout.expires_s)

    def sample(self) -> Sample:
        out: Sample = {}
        memory = self.conn.info("memory")
        out["redis_used_memory_bytes"] = int(memory.get("used_memory", 0))
        if self.layout.redis_mode == "pubsub":
            return out
        out["stream_length"] = int(_cmd(self.conn, "XLEN", self.layout.name) or 0)
        backlog = 0
        for group in _cmd(self.conn, "XINFO", "GROUPS", self.layout.name) or []:
            fields = _pairs(group)
            lag = fields.get("lag")
            backlog = max(backlog, int(lag) if lag is not None else 0)
        out["backlog_messages"] = backlog
        return out

    def housekeeping(self) -> None:
        """Trim what every group has read, so the stream holds only the backlog."""
        if self.layout.redis_mode == "pubsub":
            return
        groups = [_pairs(g) for g in _cmd(self.conn, "XINFO", "GROUPS", self.layout.name) or []]
        ids = [_text(g.get("last-delivered-id", "0-0")) for g in groups]
        if len(ids) != self.layout.groups:
            return
        oldest = min(ids, key=lambda i: tuple(int(x) for x in i.split("-")))
        _cmd(self.conn, "XTRIM", self.layout.name, "MINID", "~", oldest)

    def cleanup(self) -> list[str]:
        problems: list[str] = []
        for key in list(self.created):
            try:
                _cmd(self.conn, "DEL", key)
                self.created.remove(key)
            except (redis.RedisError, OSError) as error:
                problems.append(f"stream {key}: {describe(error)}")
        return problems

    def leftovers(self) -> list[str]:
        return [
            f"key {_text(k)}" for k in self.conn.scan_iter(match=f"{self.layout.name}*", count=1000)
        ]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
