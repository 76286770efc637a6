"""Latency is measured from the intended send time: a stall must show in p99 and max.

The producer and consumer loops run in threads over an in-memory broker whose send stalls once
for 300 ms in the middle of a 1,000 msg/s phase. Measured from the intended send time, the
messages scheduled during the stall wait up to 300 ms (15 % of them are late, so p99 is near
300 ms); measured from the moment they were actually sent, as a closed-loop tool would, the
stall would vanish. Both are computed here, so the test shows the difference it guards.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from typing import Any

from advisor.loadtest import latency, schedule, worker
from advisor.loadtest.drivers.base import ProducerBase

STALL_AT_S = 0.8
STALL_S = 0.3


class StallingProducer(ProducerBase):
    def __init__(self, wire: queue.Queue[tuple[int, bytes]], start: float) -> None:
        super().__init__()
        self.wire = wire
        self.start = start
        self.stalled = False

    def send(self, messages: Sequence[tuple[int, int, bytes]]) -> None:
        if not self.stalled and time.monotonic() - self.start >= STALL_AT_S:
            self.stalled = True
            time.sleep(STALL_S)  # the broker stops answering for a while
        for _seq, _key, payload in messages:
            self.wire.put((time.monotonic_ns(), payload))
        self.acked += len(messages)

    def poll(self) -> None:
        return None

    def flush(self, timeout_s: float) -> None:
        return None

    def close(self) -> None:
        return None


class WireConsumer:
    def __init__(self, wire: queue.Queue[tuple[int, bytes]]) -> None:
        self.wire = wire
        self.errors = 0
        self.last_error = ""
        self.naive = latency.new()  # from the actual send time: what closed-loop tools report

    def ready(self) -> bool:
        return True

    def receive(self, max_wait_s: float) -> list[bytes]:
        out = []
        try:
            sent, payload = self.wire.get(timeout=max_wait_s)
        except queue.Empty:
            return out
        while True:
            latency.record_ns(self.naive, time.monotonic_ns() - sent)
            out.append(payload)
            try:
                sent, payload = self.wire.get_nowait()
            except queue.Empty:
                return out

    def close(self) -> None:
        return None


def test_a_stalled_send_shows_in_p99_and_max() -> None:
    wire: queue.Queue[tuple[int, bytes]] = queue.Queue()
    reports: queue.Queue[Any] = queue.Queue()
    commands: queue.Queue[Any] = queue.Queue()
    cancel, stop = threading.Event(), threading.Event()
    start_ns = time.monotonic_ns() + 20_000_000
    share = schedule.ProducerShare(1000.0, start_ns, 2000)
    producer = StallingProducer(wire, start_ns / 1e9)
    consumer = WireConsumer(wire)
    mix = schedule.size_mix(256, 256)
    commands.put(worker.phase_command(1, share, start_ns + 4 * 10**9, mix, keyed=False))
    commands.put("stop")
    threads = [
        threading.Thread(target=worker.run_producer, args=(producer, 0, commands, reports, cancel)),
        threading.Thread(target=worker.run_consumer, args=(consumer, 0, 0, reports, stop)),
    ]
    for thread in threads:
        thread.start()
    threads[0].join(10)
    deadline = time.monotonic() + 5
    while wire.qsize() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    stop.set()
    threads[1].join(10)
    assert not any(t.is_alive() for t in threads)

    measured = latency.new()
    received = 0
    while not reports.empty():
        item = reports.get()
        if item[0] == "tick" and item[1] == "consumer":
            received += item[3]["received"].get(1, 0)
            if 1 in item[3]["hist"]:
                latency.merge_into(measured, item[3]["hist"][1])
    assert producer.stalled
    assert received == 2000
    corrected = latency.summary_ms(measured)
    naive = latency.summary_ms(consumer.naive)
    assert corrected["max"] >= STALL_S * 1000 * 0.95, corrected
    assert corrected["p99"] >= STALL_S * 1000 * 0.8, corrected
    assert corrected["p90"] >= STALL_S * 1000 * 0.3, corrected  # 15 % of messages were late
    # The same messages timed from when they were really sent hide the stall.
    assert naive["p99"] < STALL_S * 1000 * 0.3, naive
