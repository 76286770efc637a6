"""Bring the whole sandbox up or down, report its status, and inject faults into it."""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import functools
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator

from advisor.i18n import tr
from advisor.sandbox import (
    checks,
    kafka_sandbox,
    layout,
    modes,
    prereqs,
    process,
    rabbitmq_sandbox,
    redis_sandbox,
)
from advisor.sandbox.models import (
    Broker,
    Health,
    Mode,
    ProcessStatus,
    SandboxState,
    SandboxTargets,
)

Reporter = Callable[[str], None]
STOP_TIMEOUT_S = 30.0


def _quiet(_message: str) -> None:
    pass


def parse_brokers(only: Iterable[Broker | str] | None) -> list[Broker]:
    """Broker families from names like 'redis'; all of them when `only` is None or empty."""
    if only is None:
        return list(Broker)
    chosen: list[Broker] = []
    for item in only:
        try:
            broker = Broker(item.strip().lower() if isinstance(item, str) else item)
        except ValueError:
            valid = ", ".join(b.value for b in Broker)
            raise ValueError(
                tr("unknown broker {name}; choose from {choices}", name=repr(item), choices=valid)
            ) from None
        if broker not in chosen:
            chosen.append(broker)
    return chosen or list(Broker)


@contextlib.contextmanager
def _locked(lay: layout.Layout) -> Iterator[None]:
    """Serialise up/down across processes (two test sessions starting the sandbox at once)."""
    lay.state_dir.mkdir(parents=True, exist_ok=True)
    with (lay.state_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _kafka_nodes(lay: layout.Layout) -> int:
    cluster = kafka_sandbox.load_cluster(lay)
    return cluster.nodes if cluster is not None else 1


def _timed(report: Reporter, label: str, running: bool, start: Callable[[], object]) -> None:
    if running:
        report(tr("{process}: already running", process=label))
        return
    began = time.monotonic()
    start()
    report(
        tr(
            "{process}: ready in {seconds} s",
            process=label,
            seconds=f"{time.monotonic() - began:.1f}",
        )
    )


def up(
    only: Iterable[Broker | str] | None = None,
    kafka_nodes: int | None = None,
    *,
    production: Iterable[Mode | str] | None = None,
    lay: layout.Layout | None = None,
    report: Reporter = _quiet,
) -> SandboxState:
    """Start whatever of the selected brokers is not running; running ones are reused.

    `kafka_nodes` None keeps the size of an existing Kafka cluster (1 for a new one); a different
    size stops that cluster, wipes its data and formats a new one. `production` adds the
    processes of production modes (tls, auth, redis-cluster) of the selected broker families,
    beside the plain brokers and without touching them.
    """
    lay = lay or layout.default_layout()
    brokers = parse_brokers(only)
    wanted_modes = modes.parse_modes(production)
    if kafka_nodes is not None and kafka_nodes < 1:
        raise ValueError(tr("{option} must be at least 1", option="kafka_nodes"))
    prereqs.require(brokers, lay.kafka_lib_dir())
    with _locked(lay):
        running_before = _running_names(lay)
        if wanted_modes:
            modes.record(lay, modes.add(modes.recorded(lay), wanted_modes, brokers))
        mode_names = {proc.name for proc in modes.needed(wanted_modes, brokers)}
        mode_units = [unit for unit in modes.units() if set(unit.names) & mode_names]
        if mode_units:
            modes.prepare(lay)
        if Broker.REDIS in brokers:
            for spec in redis_sandbox.SPECS:
                _timed(
                    report,
                    spec.name,
                    redis_sandbox.running_pid(spec, lay) is not None,
                    functools.partial(redis_sandbox.start, spec, lay),
                )
        # RabbitMQ and Kafka spend their start-up mostly waiting on their VMs, the Redis Cluster
        # on its replicas' first sync: overlap them all.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2 + len(mode_units)) as pool:
            jobs = []
            if Broker.RABBITMQ in brokers:
                jobs.append(
                    pool.submit(
                        _timed,
                        report,
                        "rabbitmq",
                        rabbitmq_sandbox.running_pid(lay) is not None,
                        functools.partial(rabbitmq_sandbox.start, lay),
                    )
                )
            if Broker.KAFKA in brokers:
                nodes = kafka_nodes if kafka_nodes is not None else _kafka_nodes(lay)
                if not prereqs.kafka_jars_cached(lay.kafka_lib_dir()):
                    report(
                        tr(
                            "{process}: fetching Kafka {version} jars with Maven (once)",
                            process="kafka",
                            version=layout.KAFKA_VERSION,
                        )
                    )
                    # Fetch before the secure node's start needs them too: one Maven run.
                    kafka_sandbox.ensure_jars(lay)
                cluster = kafka_sandbox.load_cluster(lay)
                all_running = (
                    cluster is not None
                    and cluster.nodes == nodes
                    and all(
                        kafka_sandbox.running_pid(lay, n) is not None for n in range(1, nodes + 1)
                    )
                )
                jobs.append(
                    pool.submit(
                        _timed,
                        report,
                        f"kafka ({nodes} node{'s' if nodes > 1 else ''})",
                        all_running,
                        functools.partial(kafka_sandbox.start, lay, nodes),
                    )
                )
            for unit in mode_units:
                jobs.append(
                    pool.submit(
                        _timed,
                        report,
                        unit.label,
                        _unit_running(unit, lay),
                        functools.partial(unit.start, lay),
                    )
                )
            # result() re-raises the first failure (MissingPrerequisites, SpawnError...) here.
            for job in jobs:
                job.result()
        started = sorted({name.split("@")[0] for name in _running_names(lay) - running_before})
    return status(lay=lay).model_copy(update={"started": started})


def _unit_running(unit: modes.StartUnit, lay: layout.Layout) -> bool:
    found = [modes.by_name(name) for name in unit.names]
    return all(proc is not None and proc.pid(lay) is not None for proc in found)


def down(
    only: Iterable[Broker | str] | None = None,
    *,
    production: Iterable[Mode | str] | None = None,
    names: Iterable[str] | None = None,
    purge: bool = False,
    lay: layout.Layout | None = None,
    report: Reporter = _quiet,
) -> SandboxState:
    """Stop the selected brokers (SIGTERM, then SIGKILL); `purge` also deletes their data.

    With neither `only` nor `production`, everything stops (production modes included). With
    `production`, only those modes' processes stop (of the `only` families, if given), except
    what a mode still asked for needs: never a plain broker. With `only` alone, the plain
    brokers of those families.
    `names` stops exactly the processes named (what an `up` reported as `started`).
    """
    lay = lay or layout.default_layout()
    with _locked(lay):
        stop, asked = plan_down(only, production=production, names=names, lay=lay, report=report)
        running = {name: pid for name in stop if (pid := _pid_of(name, lay)) is not None}
        # Everything at once: faster, and Kafka nodes stopped one by one would lose their quorum
        # and stall in controlled shutdown.
        killed = process.terminate_many(list(running.values()), STOP_TIMEOUT_S)
        for name, pid in running.items():
            report(
                tr("{process}: stopped (needed {signal})", process=name, signal="SIGKILL")
                if pid in killed
                else tr("{process}: stopped", process=name)
            )
        for name in stop:
            lay.pid_file(name).unlink(missing_ok=True)
        if names is None:
            modes.record(lay, asked)
        if purge:
            base_kafka = {kafka_sandbox.node_name(n) for n in range(1, _kafka_nodes(lay) + 1)}
            if base_kafka <= set(stop):
                kafka_sandbox.wipe(lay)
            for name in stop:
                if name not in base_kafka:
                    shutil.rmtree(lay.process_dir(name), ignore_errors=True)
        if purge and names is None and only is None and production is None:
            # Logs and configs too; the Kafka jar cache lives outside the state dir and stays.
            for child in lay.state_dir.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                elif child.name != ".lock":
                    child.unlink()
    return status(lay=lay)


def plan_down(
    only: Iterable[Broker | str] | None = None,
    *,
    production: Iterable[Mode | str] | None = None,
    names: Iterable[str] | None = None,
    lay: layout.Layout,
    report: Reporter = _quiet,
) -> tuple[list[str], modes.Asked]:
    """What `down` would stop, and the modes still asked for afterwards (see `down`)."""
    brokers = parse_brokers(only)
    chosen_modes = modes.parse_modes(production)
    asked = modes.recorded(lay)
    if names is not None:
        stop = list(dict.fromkeys(names))
        for name in stop:
            _pid_of(name, lay)  # KeyError for a name the sandbox does not know
        return stop, asked
    stop = []
    if production is None:
        # No mode named: the plain brokers of the families (and, with no family named
        # either, every mode too). Naming a mode never stops a plain broker.
        if only is None:
            chosen_modes = list(Mode)
        if Broker.REDIS in brokers:
            stop += [spec.name for spec in redis_sandbox.SPECS]
        if Broker.RABBITMQ in brokers:
            stop.append(rabbitmq_sandbox.NAME)
        if Broker.KAFKA in brokers:
            stop += [kafka_sandbox.node_name(n) for n in range(1, _kafka_nodes(lay) + 1)]
    asked = modes.remove(asked, chosen_modes, brokers)
    still_needed = {proc.name for proc in modes.needed_by(asked)}
    for proc in modes.needed(chosen_modes, brokers):
        if proc.name in still_needed:
            kept = [f"--{mode.value}" for mode in proc.modes if mode in asked]
            report(tr("{process}: kept for {flags}", process=proc.name, flags=" ".join(kept)))
        else:
            stop.append(proc.name)
    return stop, asked


def _process_status(
    name: str,
    *,
    broker: Broker,
    pid: int | None,
    port: int,
    check: Callable[[], checks.CheckResult],
    lay: layout.Layout,
    extra_ports: list[int] | None = None,
    production: list[Mode] | None = None,
) -> ProcessStatus:
    if pid is None:
        health, detail = Health.STOPPED, "not running"
    elif process.is_paused(pid):
        # A stopped (SIGSTOP) process would only time the protocol check out.
        health, detail = Health.PAUSED, "process is stopped by a signal (SIGSTOP)"
    else:
        result = check()
        health = Health.HEALTHY if result.ok else Health.UNHEALTHY
        detail = result.detail
        if not result.ok and process.is_paused(pid):
            # Stopped while the check ran: report the cause, not the timeout.
            health, detail = Health.PAUSED, "process is stopped by a signal (SIGSTOP)"
    return ProcessStatus(
        name=name,
        broker=broker,
        pid=pid,
        port=port,
        extra_ports=extra_ports or [],
        health=health,
        detail=detail,
        log_path=lay.log_file(name),
        modes=production or [],
    )


def status(*, lay: layout.Layout | None = None) -> SandboxState:
    """Every sandbox process with its pid and a live protocol check, plus the connection targets."""
    lay = lay or layout.default_layout()
    procs = [
        _process_status(
            spec.name,
            broker=Broker.REDIS,
            pid=redis_sandbox.running_pid(spec, lay),
            port=spec.port,
            check=functools.partial(redis_sandbox.check, spec, lay),
            lay=lay,
        )
        for spec in redis_sandbox.SPECS
    ]
    procs.append(
        _process_status(
            rabbitmq_sandbox.NAME,
            broker=Broker.RABBITMQ,
            pid=rabbitmq_sandbox.running_pid(lay),
            port=layout.RABBITMQ_PORT,
            check=functools.partial(rabbitmq_sandbox.check, lay),
            lay=lay,
            extra_ports=[layout.RABBITMQ_MANAGEMENT_PORT],
        )
    )
    nodes = _kafka_nodes(lay)
    for node_id in range(1, nodes + 1):
        ports = layout.kafka_node_ports(node_id)
        procs.append(
            _process_status(
                kafka_sandbox.node_name(node_id),
                broker=Broker.KAFKA,
                pid=kafka_sandbox.running_pid(lay, node_id),
                port=ports.broker_port,
                check=functools.partial(kafka_sandbox.check, node_id),
                lay=lay,
                extra_ports=[ports.controller_port],
            )
        )
    asked = modes.recorded(lay)
    listed = {proc.name for proc in modes.needed_by(asked)}
    for proc in modes.processes():
        pid = proc.pid(lay)
        if pid is None and proc.name not in listed:
            continue
        procs.append(
            _process_status(
                proc.name,
                broker=proc.broker,
                pid=pid,
                port=proc.port,
                check=functools.partial(proc.check, lay),
                lay=lay,
                extra_ports=list(proc.extra_ports),
                production=[mode for mode in proc.modes if mode in asked] or list(proc.modes),
            )
        )
    bootstrap = ",".join(
        f"{layout.HOST}:{layout.kafka_node_ports(n).broker_port}" for n in range(1, nodes + 1)
    )
    return SandboxState(
        state_dir=lay.state_dir,
        kafka_version=layout.KAFKA_VERSION,
        kafka_nodes=nodes,
        rabbitmq_advisor_password_file=lay.rabbitmq_password_file,
        processes=procs,
        targets=SandboxTargets(kafka_bootstrap=bootstrap, kafka_url=f"kafka://{bootstrap}"),
        modes=[mode for mode in Mode if mode in asked],
        production=modes.targets(lay) if asked else None,
    )


# --- fault injection ----------------------------------------------------------------------------


def _all_names(lay: layout.Layout) -> list[str]:
    names = [spec.name for spec in redis_sandbox.SPECS] + [rabbitmq_sandbox.NAME]
    names += [kafka_sandbox.node_name(n) for n in range(1, _kafka_nodes(lay) + 1)]
    return names + [proc.name for proc in modes.processes()]


def _running_names(lay: layout.Layout) -> set[str]:
    """Processes with a live pid; a Kafka node of a replaced cluster counts as a new one."""
    cluster = kafka_sandbox.load_cluster(lay)
    tag = f"@{cluster.cluster_id}" if cluster is not None else ""
    return {
        name + (tag if name.startswith("kafka-") else "")
        for name in _all_names(lay)
        if _pid_of(name, lay) is not None
    }


def _pid_of(name: str, lay: layout.Layout) -> int | None:
    for spec in redis_sandbox.SPECS:
        if spec.name == name:
            return redis_sandbox.running_pid(spec, lay)
    if name == rabbitmq_sandbox.NAME:
        return rabbitmq_sandbox.running_pid(lay)
    for node_id in range(1, _kafka_nodes(lay) + 1):
        if name == kafka_sandbox.node_name(node_id):
            return kafka_sandbox.running_pid(lay, node_id)
    found = modes.by_name(name)
    if found is not None:
        return found.pid(lay)
    raise KeyError(tr("no sandbox process named {name}", name=repr(name)))


def _signal(name: str, sig: signal.Signals, lay: layout.Layout | None) -> int:
    lay = lay or layout.default_layout()
    pid = _pid_of(name, lay)
    if pid is None:
        raise RuntimeError(tr("sandbox process {name} is not running", name=repr(name)))
    process.send_signal(pid, sig)
    # Delivery is asynchronous; return once the process is really in the requested state.
    if sig == signal.SIGSTOP:
        process.wait_until(lambda: process.is_paused(pid), 5.0, interval_s=0.02)
    elif sig == signal.SIGCONT:
        process.wait_until(lambda: not process.is_paused(pid), 5.0, interval_s=0.02)
    return pid


def pause(name: str, *, lay: layout.Layout | None = None) -> int:
    """SIGSTOP one process ('redis', 'rabbitmq', 'kafka-2'...): sockets open, never answered."""
    return _signal(name, signal.SIGSTOP, lay)


def resume(name: str, *, lay: layout.Layout | None = None) -> int:
    """SIGCONT a process paused with `pause`."""
    return _signal(name, signal.SIGCONT, lay)


@contextlib.contextmanager
def paused(name: str, *, lay: layout.Layout | None = None) -> Iterator[int]:
    """Keep one process SIGSTOPped for the duration of a `with` block; resumed even on error."""
    pid = pause(name, lay=lay)
    try:
        yield pid
    finally:
        resume(name, lay=lay)


@contextlib.contextmanager
def kafka_node_stopped(node_id: int, *, lay: layout.Layout | None = None) -> Iterator[None]:
    """Stop one Kafka node for the duration of a `with` block and start it again afterwards."""
    stop_kafka_node(node_id, lay=lay)
    try:
        yield
    finally:
        start_kafka_node(node_id, lay=lay)


def stop_kafka_node(node_id: int, *, lay: layout.Layout | None = None) -> bool:
    """Stop one Kafka node (SIGTERM, controlled shutdown); True when it stopped without SIGKILL."""
    lay = lay or layout.default_layout()
    with _locked(lay):
        return kafka_sandbox.stop_node(lay, node_id)


def start_kafka_node(node_id: int, *, lay: layout.Layout | None = None) -> int:
    """Start one stopped Kafka node again and wait until it serves; return its pid."""
    lay = lay or layout.default_layout()
    with _locked(lay):
        return kafka_sandbox.start_node(lay, node_id)
