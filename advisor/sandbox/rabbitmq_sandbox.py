"""A RabbitMQ node of its own (not the system service) with the management plugin, on loopback;
for the TLS mode a second node with an amqps listener that asks for client certificates."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import ssl
import subprocess
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import tr
from advisor.sandbox import certs, checks, layout, prereqs, process
from advisor.sandbox.models import Broker, Mode

NAME = "rabbitmq"
READY_TIMEOUT_S = 90.0
HEALTH_PATH = "/api/health/checks/alarms"


class RabbitNodeSpec(BaseModel):
    """One RabbitMQ node of the sandbox: its name, Erlang node name and ports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(title="Name", description="Process and state folder name.")
    node_name: str = Field(title="Erlang node name")
    amqp_port: int | None = Field(default=None, title="AMQP port (plain text)")
    amqps_port: int | None = Field(default=None, title="AMQPS port (TLS)")
    management_port: int = Field(title="Management HTTP port")
    dist_port: int = Field(title="Erlang distribution port")
    fail_if_no_peer_cert: bool = Field(
        default=True,
        title="Require a client certificate",
        description="ssl_options.fail_if_no_peer_cert (verify_peer is always on with TLS).",
    )
    modes: tuple[Mode, ...] = Field(default=(), title="Production modes it serves")

    @property
    def port(self) -> int:
        """The AMQP port clients use: amqps when the node has no plain listener."""
        port = self.amqp_port if self.amqp_port is not None else self.amqps_port
        assert port is not None
        return port

    @property
    def ports(self) -> list[int]:
        found = [self.amqp_port, self.amqps_port, self.management_port, self.dist_port]
        return [p for p in found if p is not None]


BASE = RabbitNodeSpec(
    name=NAME,
    node_name=layout.RABBITMQ_NODE_NAME,
    amqp_port=layout.RABBITMQ_PORT,
    management_port=layout.RABBITMQ_MANAGEMENT_PORT,
    dist_port=layout.RABBITMQ_DIST_PORT,
)
TLS = RabbitNodeSpec(
    name=layout.RABBITMQ_TLS_NAME,
    node_name=layout.RABBITMQ_TLS_NODE_NAME,
    amqps_port=layout.RABBITMQ_AMQPS_PORT,
    management_port=layout.RABBITMQ_TLS_MANAGEMENT_PORT,
    dist_port=layout.RABBITMQ_TLS_DIST_PORT,
    fail_if_no_peer_cert=layout.RABBITMQ_TLS_FAIL_IF_NO_PEER_CERT,
    modes=(Mode.TLS,),
)


def _dir(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> Path:
    return lay.process_dir(spec.name)


def _home(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> Path:
    return _dir(lay, spec) / "home"


def _marker(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> str:
    # The node name is not on beam.smp's command line, but erl's "-home <HOME>" is, and this HOME
    # belongs to the sandbox alone; a reused pid will not carry it.
    return f"-home {_home(lay, spec)}"


def _password_hash(password: str) -> str:
    """rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)) with a 4-byte salt."""
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def advisor_password(lay: layout.Layout) -> str:
    """The `advisor` user's password, generated once and kept in a 0600 file."""
    path = lay.rabbitmq_password_file
    if path.exists():
        try:
            return path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise process.StateFileError(
                path, tr("cannot read the password ({error})", error=error)
            ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def _ensure_cookie(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> None:
    """A private Erlang cookie in the node's own HOME: root's or rabbitmq's cookie never matter."""
    cookie = _home(lay, spec) / ".erlang.cookie"
    if cookie.exists():
        return
    cookie.parent.mkdir(parents=True, exist_ok=True)
    # Erlang refuses a cookie file that group or others can read.
    fd = os.open(cookie, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(16).upper())


def _definitions(lay: layout.Layout) -> dict[str, object]:
    tag_admin = ["administrator"]
    users = [
        ("guest", "guest", tag_admin),
        (layout.RABBITMQ_USER, advisor_password(lay), ["monitoring"]),
    ]
    vhosts = ["/", layout.RABBITMQ_VHOST]
    return {
        "users": [
            {
                "name": name,
                "password_hash": _password_hash(password),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": tags,
            }
            for name, password, tags in users
        ],
        "vhosts": [{"name": vhost} for vhost in vhosts],
        "permissions": [
            {"user": name, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}
            for name, _password, _tags in users
            for vhost in vhosts
        ],
    }


def _listener_lines(lay: layout.Layout, spec: RabbitNodeSpec) -> list[str]:
    lines = []
    if spec.amqp_port is not None:
        lines.append(f"listeners.tcp.default = {layout.HOST}:{spec.amqp_port}")
    else:
        lines.append("listeners.tcp = none")
    if spec.amqps_port is not None:
        tls = certs.ensure(lay)
        peer = "true" if spec.fail_if_no_peer_cert else "false"
        lines += [
            f"listeners.ssl.default = {layout.HOST}:{spec.amqps_port}",
            f"ssl_options.cacertfile = {tls.ca_cert}",
            f"ssl_options.certfile = {tls.server_cert}",
            f"ssl_options.keyfile = {tls.server_key}",
            "ssl_options.verify = verify_peer",
            f"ssl_options.fail_if_no_peer_cert = {peer}",
        ]
    return lines


def _write_config(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> dict[str, str]:
    """Write rabbitmq.conf, enabled_plugins and definitions; return the node's environment."""
    base = _dir(lay, spec)
    for sub in ("mnesia", "log", "home"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    _ensure_cookie(lay, spec)
    definitions = base / "definitions.json"
    definitions.write_text(json.dumps(_definitions(lay), indent=2))
    definitions.chmod(0o600)
    (base / "rabbitmq.conf").write_text(
        "\n".join(
            [
                *_listener_lines(lay, spec),
                f"management.tcp.ip = {layout.HOST}",
                f"management.tcp.port = {spec.management_port}",
                # guest/guest stays usable, only from loopback (RabbitMQ's default, made explicit).
                "loopback_users.guest = true",
                # Definitions create users and vhosts on every boot: no slow rabbitmqctl calls.
                "definitions.import_backend = local_filesystem",
                f"definitions.local.path = {definitions}",
                "log.console = false",
                "log.file.level = info",
                "",
            ]
        )
    )
    (base / "enabled_plugins").write_text("[rabbitmq_management].\n")
    # An empty env file so /etc/rabbitmq/rabbitmq-env.conf cannot rename or move this node.
    env_file = base / "rabbitmq-env.conf"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")}
    env.update(
        {
            "HOME": str(_home(lay, spec)),
            "RABBITMQ_CONF_ENV_FILE": str(env_file),
            "RABBITMQ_NODENAME": spec.node_name,
            "RABBITMQ_USE_LONGNAME": "false",
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_PID_FILE": str(lay.pid_file(spec.name)),
            "RABBITMQ_DIST_PORT": str(spec.dist_port),
            # Keep the Erlang distribution listener and a freshly started epmd on loopback too.
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_ADDRESS": layout.HOST,
        }
    )
    return env


def cli_env(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> dict[str, str]:
    """Environment for rabbitmqctl / rabbitmq-diagnostics aimed at the sandbox node."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")}
    env["HOME"] = str(_home(lay, spec))
    return env


def running_pid(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> int | None:
    return process.running_pid(lay.pid_file(spec.name), _marker(lay, spec))


def start(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> int:
    """Start the node unless it runs; return the Erlang VM's pid once AMQP and management answer."""
    pid = running_pid(lay, spec)
    if pid is not None:
        return pid
    server = prereqs.rabbitmq_tool("rabbitmq-server")
    if server is None:
        raise prereqs.MissingPrerequisitesError(
            [
                prereqs.MissingPrerequisite(
                    program="rabbitmq-server", broker=Broker.RABBITMQ, package="rabbitmq-server"
                )
            ]
        )
    checks.require_free_ports(spec.ports, f"RabbitMQ node {spec.node_name}")
    env = _write_config(lay, spec)
    log = lay.log_file(spec.name)
    lay.pid_file(spec.name).unlink(missing_ok=True)
    launcher_pid = process.spawn_detached([server], cwd=_dir(lay, spec), log_path=log, env=env)

    def vm_pid() -> int | None:
        # rabbitmq-server is a shell wrapper that forwards SIGTERM; the VM writes its own pid file.
        return process.running_pid(lay.pid_file(spec.name), _marker(lay, spec))

    def ready() -> bool:
        if not process.is_alive(launcher_pid) and vm_pid() is None:
            return True  # died: stop waiting, reported below
        return check(lay, spec).ok

    process.wait_until(ready, READY_TIMEOUT_S, interval_s=0.5)
    pid = vm_pid()
    if pid is None or not check(lay, spec).ok:
        ports = "/".join(str(port) for port in (spec.port, spec.management_port))
        raise process.SpawnError(
            tr(
                "RabbitMQ node {node} did not become ready on ports {ports} within {seconds} s; "
                "last lines of {log}:\n{tail}\nnode log: {node_log}",
                node=spec.node_name,
                ports=ports,
                seconds=f"{READY_TIMEOUT_S:.0f}",
                log=log,
                tail=process.tail(log),
                node_log=_dir(lay, spec) / "log",
            )
        )
    return pid


def _client_tls(lay: layout.Layout) -> ssl.SSLContext:
    tls = certs.files(lay)
    return checks.client_tls(tls.ca_cert, tls.client_cert, tls.client_key)


def check(lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> checks.CheckResult:
    if spec.amqp_port is not None:
        amqp = checks.amqp_handshake(spec.amqp_port)
    else:
        assert spec.amqps_port is not None
        amqp = checks.amqp_handshake(spec.amqps_port, tls=_client_tls(lay))
    if not amqp.ok:
        return checks.CheckResult(ok=False, detail=f"AMQP: {amqp.detail}")
    mgmt = checks.http_get(
        f"http://{layout.HOST}:{spec.management_port}{HEALTH_PATH}", "guest", "guest"
    )
    if not mgmt.ok:
        return checks.CheckResult(ok=False, detail=f"management: {mgmt.detail}")
    protocol = "AMQP" if spec.amqp_port is not None else "AMQPS (client certificate)"
    return checks.CheckResult(ok=True, detail=f"{protocol} and management ({HEALTH_PATH}) answer")


def cli_command(tool: str, lay: layout.Layout, spec: RabbitNodeSpec = BASE) -> list[str]:
    """argv prefix for a RabbitMQ CLI tool (rabbitmqctl, rabbitmq-diagnostics...) on the node."""
    path = prereqs.rabbitmq_tool(tool)
    if path is None:
        raise prereqs.MissingPrerequisitesError(
            [
                prereqs.MissingPrerequisite(
                    program=tool, broker=Broker.RABBITMQ, package="rabbitmq-server"
                )
            ]
        )
    return [path, "-n", spec.node_name]


def run_cli(
    tool: str,
    args: list[str],
    lay: layout.Layout,
    timeout_s: float = 60.0,
    spec: RabbitNodeSpec = BASE,
) -> subprocess.CompletedProcess[str]:
    """Run e.g. `rabbitmqctl list_queues` against the sandbox node with its private cookie."""
    return subprocess.run(
        [*cli_command(tool, lay, spec), *args],
        env=cli_env(lay, spec),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def cli_hint(lay: layout.Layout) -> str:
    """Shell line for humans: the cookie lives in the sandbox HOME, not in root's."""
    return f"HOME={_home(lay)} /usr/lib/rabbitmq/bin/rabbitmqctl -n {layout.RABBITMQ_NODE_NAME}"
