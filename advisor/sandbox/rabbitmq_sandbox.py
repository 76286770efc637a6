"""A RabbitMQ node of its own (not the system service) with the management plugin, on loopback."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
from pathlib import Path

from advisor.sandbox import checks, layout, prereqs, process
from advisor.sandbox.models import Broker

NAME = "rabbitmq"
READY_TIMEOUT_S = 90.0
HEALTH_PATH = "/api/health/checks/alarms"


def _dir(lay: layout.Layout) -> Path:
    return lay.process_dir(NAME)


def _home(lay: layout.Layout) -> Path:
    return _dir(lay) / "home"


def _marker(lay: layout.Layout) -> str:
    # The node name is not on beam.smp's command line, but erl's "-home <HOME>" is, and this HOME
    # belongs to the sandbox alone; a reused pid will not carry it.
    return f"-home {_home(lay)}"


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
            raise process.StateFileError(path, f"cannot read the password ({error})") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def _ensure_cookie(lay: layout.Layout) -> None:
    """A private Erlang cookie in the node's own HOME: root's or rabbitmq's cookie never matter."""
    cookie = _home(lay) / ".erlang.cookie"
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


def _write_config(lay: layout.Layout) -> dict[str, str]:
    """Write rabbitmq.conf, enabled_plugins and definitions; return the node's environment."""
    base = _dir(lay)
    for sub in ("mnesia", "log", "home"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    _ensure_cookie(lay)
    definitions = base / "definitions.json"
    definitions.write_text(json.dumps(_definitions(lay), indent=2))
    definitions.chmod(0o600)
    (base / "rabbitmq.conf").write_text(
        "\n".join(
            [
                f"listeners.tcp.default = {layout.HOST}:{layout.RABBITMQ_PORT}",
                f"management.tcp.ip = {layout.HOST}",
                f"management.tcp.port = {layout.RABBITMQ_MANAGEMENT_PORT}",
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
            "HOME": str(_home(lay)),
            "RABBITMQ_CONF_ENV_FILE": str(env_file),
            "RABBITMQ_NODENAME": layout.RABBITMQ_NODE_NAME,
            "RABBITMQ_USE_LONGNAME": "false",
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_PID_FILE": str(lay.pid_file(NAME)),
            "RABBITMQ_DIST_PORT": str(layout.RABBITMQ_DIST_PORT),
            # Keep the Erlang distribution listener and a freshly started epmd on loopback too.
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_ADDRESS": layout.HOST,
        }
    )
    return env


def cli_env(lay: layout.Layout) -> dict[str, str]:
    """Environment for rabbitmqctl / rabbitmq-diagnostics aimed at the sandbox node."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")}
    env["HOME"] = str(_home(lay))
    return env


def running_pid(lay: layout.Layout) -> int | None:
    return process.running_pid(lay.pid_file(NAME), _marker(lay))


def start(lay: layout.Layout) -> int:
    """Start the node unless it runs; return the Erlang VM's pid once AMQP and management answer."""
    pid = running_pid(lay)
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
    checks.require_free_ports(
        [layout.RABBITMQ_PORT, layout.RABBITMQ_MANAGEMENT_PORT, layout.RABBITMQ_DIST_PORT],
        f"RabbitMQ node {layout.RABBITMQ_NODE_NAME}",
    )
    env = _write_config(lay)
    log = lay.log_file(NAME)
    lay.pid_file(NAME).unlink(missing_ok=True)
    launcher_pid = process.spawn_detached([server], cwd=_dir(lay), log_path=log, env=env)

    def vm_pid() -> int | None:
        # rabbitmq-server is a shell wrapper that forwards SIGTERM; the VM writes its own pid file.
        return process.running_pid(lay.pid_file(NAME), _marker(lay))

    def ready() -> bool:
        if not process.is_alive(launcher_pid) and vm_pid() is None:
            return True  # died: stop waiting, reported below
        return check(lay).ok

    process.wait_until(ready, READY_TIMEOUT_S, interval_s=0.5)
    pid = vm_pid()
    if pid is None or not check(lay).ok:
        raise process.SpawnError(
            f"RabbitMQ node {layout.RABBITMQ_NODE_NAME} did not become ready on ports "
            f"{layout.RABBITMQ_PORT}/{layout.RABBITMQ_MANAGEMENT_PORT} "
            f"within {READY_TIMEOUT_S:.0f} s; "
            f"last lines of {log}:\n{process.tail(log)}\n"
            f"node log: {_dir(lay) / 'log'}"
        )
    return pid


def check(lay: layout.Layout) -> checks.CheckResult:
    amqp = checks.amqp_handshake(layout.RABBITMQ_PORT)
    if not amqp.ok:
        return checks.CheckResult(ok=False, detail=f"AMQP: {amqp.detail}")
    mgmt = checks.http_get(
        f"http://{layout.HOST}:{layout.RABBITMQ_MANAGEMENT_PORT}{HEALTH_PATH}", "guest", "guest"
    )
    if not mgmt.ok:
        return checks.CheckResult(ok=False, detail=f"management: {mgmt.detail}")
    return checks.CheckResult(ok=True, detail=f"AMQP and management ({HEALTH_PATH}) answer")


def cli_command(tool: str, lay: layout.Layout) -> list[str]:
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
    return [path, "-n", layout.RABBITMQ_NODE_NAME]


def run_cli(
    tool: str, args: list[str], lay: layout.Layout, timeout_s: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run e.g. `rabbitmqctl list_queues` against the sandbox node with its private cookie."""
    return subprocess.run(
        [*cli_command(tool, lay), *args],
        env=cli_env(lay),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def cli_hint(lay: layout.Layout) -> str:
    """Shell line for humans: the cookie lives in the sandbox HOME, not in root's."""
    return f"HOME={_home(lay)} /usr/lib/rabbitmq/bin/rabbitmqctl -n {layout.RABBITMQ_NODE_NAME}"
