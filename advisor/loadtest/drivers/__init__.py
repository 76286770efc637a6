"""One load driver per broker; adding a broker is one module and one line in `DRIVERS`."""

from __future__ import annotations

import importlib
from types import ModuleType

DRIVERS: dict[str, str] = {
    "redis": "advisor.loadtest.drivers.redis_driver",
    "rabbitmq": "advisor.loadtest.drivers.rabbitmq_driver",
    "kafka": "advisor.loadtest.drivers.kafka_driver",
}


def load(broker: str) -> ModuleType:
    """The driver module of a broker ('redis', 'rabbitmq', 'kafka')."""
    return importlib.import_module(DRIVERS[broker])
