"""Closes the socket of a failed kafka-python connect.

kafka-python 3.0 (checked up to 3.0.12) raises from `KafkaNetSocket.sock_connect` when a connect
is refused or times out, without closing the socket it made: every refused reconnect to a broker
that is down leaks a file descriptor until garbage collection finds it. `install()` wraps the
method once so the socket is closed before the error goes on; the probe installs it on import.
"""

from __future__ import annotations

import functools
from typing import Any

from kafka.net.inet import KafkaNetSocket

_MARK = "_broker_advisor_closes_failed_sockets"


def install() -> None:
    """Wrap `KafkaNetSocket.sock_connect` (idempotent)."""
    original = KafkaNetSocket.sock_connect
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    async def sock_connect(self: Any, net: Any, sock: Any, sockaddr: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, net, sock, sockaddr, **kwargs)
        except BaseException:
            sock.close()
            raise

    setattr(sock_connect, _MARK, True)
    KafkaNetSocket.sock_connect = sock_connect
