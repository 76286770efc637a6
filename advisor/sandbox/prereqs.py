"""Checks that the programs each sandbox broker needs are installed, with a fix to suggest."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import N_, tr
from advisor.sandbox import layout
from advisor.sandbox.models import Broker

MIN_JAVA = 17
INSTALL_SCRIPT = "scripts/install-brokers.sh"


class MissingPrerequisite(BaseModel):
    """One program the sandbox needs and cannot find."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    program: str = Field(title="Program", description="What is missing, as the user would name it.")
    broker: Broker = Field(title="Needed for")
    package: str = Field(title="Debian package", description="Package that provides it.")
    reason: str = Field(default=N_("not found on PATH"), title="Reason")


class MissingPrerequisitesError(RuntimeError):
    """Raised before anything starts when some required program is missing."""

    def __init__(self, missing: list[MissingPrerequisite]) -> None:
        self.missing = missing
        super().__init__(self.message())

    def message(self) -> str:
        lines = [tr("The sandbox cannot start; missing prerequisites:")]
        lines += [
            "  - "
            + tr(
                "{program} (for {broker}): {reason}",
                program=m.program,
                broker=m.broker.value,
                reason=tr(m.reason),
            )
            for m in self.missing
        ]
        packages = " ".join(dict.fromkeys(m.package for m in self.missing))
        lines += [
            tr("Install them with:"),
            f"  sudo apt-get install -y {packages}",
            tr("or run: {command}", command=f"bash {INSTALL_SCRIPT}"),
        ]
        return "\n".join(lines)


def which(program: str) -> str | None:
    """Like shutil.which, also looking in sbin directories Debian leaves off a user's PATH."""
    found = shutil.which(program)
    if found:
        return found
    if "PATH" in os.environ:
        # Respect an explicit PATH (tests simulate a missing binary that way); only add sbin
        # directories when they sit beside bin directories already on it.
        extra = [
            p.replace("/bin", "/sbin")
            for p in os.environ["PATH"].split(os.pathsep)
            if p.endswith("/bin")
        ]
        return shutil.which(program, path=os.pathsep.join(extra))
    return None


def rabbitmq_tool(name: str) -> str | None:
    """Path of a RabbitMQ script, bypassing Debian's /usr/sbin wrapper.

    The wrapper re-runs the command as the `rabbitmq` user with that user's cookie and directories,
    which is exactly what a sandbox node of its own must avoid.
    """
    wrapper = which(name)
    if wrapper is None:
        return None
    direct = Path("/usr/lib/rabbitmq/bin") / name
    return str(direct) if direct.exists() else wrapper


def java_executable() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    return which("java")


def java_major_version(java: str) -> int | None:
    """Major version from `java -version` ("17.0.15" -> 17, old "1.8.0" -> 8)."""
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def kafka_jars_cached(lib_dir: Path) -> bool:
    return (lib_dir / ".complete").exists()


def find_missing(brokers: list[Broker], kafka_lib_dir: Path) -> list[MissingPrerequisite]:
    """Everything missing for the selected brokers; Maven only matters while jars are not cached."""
    missing: list[MissingPrerequisite] = []
    if Broker.REDIS in brokers and which("redis-server") is None:
        missing.append(
            MissingPrerequisite(program="redis-server", broker=Broker.REDIS, package="redis-server")
        )
    if Broker.RABBITMQ in brokers and rabbitmq_tool("rabbitmq-server") is None:
        missing.append(
            MissingPrerequisite(
                program="rabbitmq-server", broker=Broker.RABBITMQ, package="rabbitmq-server"
            )
        )
    if Broker.KAFKA in brokers:
        java = java_executable()
        if java is None:
            missing.append(
                MissingPrerequisite(
                    program=f"java >= {MIN_JAVA}",
                    broker=Broker.KAFKA,
                    package="openjdk-17-jre-headless",
                )
            )
        else:
            major = java_major_version(java)
            if major is None or major < MIN_JAVA:
                missing.append(
                    MissingPrerequisite(
                        program=f"java >= {MIN_JAVA}",
                        broker=Broker.KAFKA,
                        package="openjdk-17-jre-headless",
                        reason=tr(
                            "{program} is version {version}",
                            program=java,
                            version=major if major is not None else tr("unknown"),
                        ),
                    )
                )
        if not kafka_jars_cached(kafka_lib_dir) and which("mvn") is None:
            missing.append(
                MissingPrerequisite(
                    program="mvn",
                    broker=Broker.KAFKA,
                    package="maven",
                    reason=tr(
                        "not found on PATH, and the Kafka {version} jars are not cached yet",
                        version=layout.KAFKA_VERSION,
                    ),
                )
            )
    return missing


def require(brokers: list[Broker], kafka_lib_dir: Path) -> None:
    missing = find_missing(brokers, kafka_lib_dir)
    if missing:
        raise MissingPrerequisitesError(missing)
