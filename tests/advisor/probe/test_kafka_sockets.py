"""kafka-python against a broker that is down: no socket is left to the garbage collector.

kafka-python 3.0 leaks the socket of every refused connect (`advisor.probe.kafka.sockets`) and the I/O thread
and wake-up sockets of a client whose constructor fails (`advisor.probe.kafka.wire.build_client`).
"""

from __future__ import annotations

import gc
import socket
import warnings

from kafka import KafkaProducer
from kafka.errors import KafkaTimeoutError

from advisor.probe.kafka import sockets as kafka_sockets
from advisor.probe.kafka import wire as kafka_wire


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_refused_connects_leave_no_socket_behind() -> None:
    kafka_sockets.install()
    kafka_sockets.install()  # idempotent: a second call must not wrap twice
    port = _refused_port()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        config = {
            "bootstrap_servers": f"127.0.0.1:{port}",
            "bootstrap_timeout_ms": 800,
            "reconnect_backoff_ms": 50,
            "reconnect_backoff_max_ms": 100,
        }
        failed = False
        try:
            kafka_wire.build_client(KafkaProducer, config)
        except KafkaTimeoutError:
            failed = True  # no reference to the error is kept: its frames hold the sockets
        assert failed
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == []
