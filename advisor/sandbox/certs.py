"""A local certificate authority for the TLS modes: CA, server and client certificates (openssl)."""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import tr
from advisor.sandbox import layout, prereqs, process
from advisor.sandbox.models import Broker

OPENSSL_TIMEOUT_S = 60.0
CA_DAYS = 3650
LEAF_DAYS = 825  # the longest validity clients accept for a leaf certificate
KEY_BITS = 2048
# Every broker's client verifies the host name: the servers are reached as both.
SERVER_NAMES = "DNS:localhost,IP:127.0.0.1"
CLIENT_NAME = "broker-advisor-client"


class TlsFiles(BaseModel):
    """Paths of the local CA and the certificates it signed, all PEM."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ca_cert: Path = Field(title="CA certificate")
    ca_key: Path = Field(title="CA private key")
    server_cert: Path = Field(title="Server certificate", description="localhost, 127.0.0.1.")
    server_key: Path = Field(title="Server private key", description="PKCS#8, unencrypted.")
    server_bundle: Path = Field(
        title="Server key and certificate", description="One PEM file, for Kafka's PEM keystore."
    )
    client_cert: Path = Field(title="Client certificate", description="For mutual TLS.")
    client_key: Path = Field(title="Client private key")

    def all(self) -> list[Path]:
        return [
            self.ca_cert,
            self.ca_key,
            self.server_cert,
            self.server_key,
            self.server_bundle,
            self.client_cert,
            self.client_key,
        ]


def files(lay: layout.Layout) -> TlsFiles:
    base = lay.tls_dir
    return TlsFiles(
        ca_cert=base / "ca.pem",
        ca_key=base / "ca.key",
        server_cert=base / "server.pem",
        server_key=base / "server.key",
        server_bundle=base / "server-bundle.pem",
        client_cert=base / "client.pem",
        client_key=base / "client.key",
    )


def _openssl() -> str:
    found = prereqs.which("openssl")
    if found is None:
        raise prereqs.MissingPrerequisitesError(
            [prereqs.MissingPrerequisite(program="openssl", broker=Broker.REDIS, package="openssl")]
        )
    return found


def _run(argv: list[str], cwd: Path) -> None:
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=OPENSSL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise process.SpawnError(
            tr(
                "{program} did not finish within {seconds} s",
                program="openssl",
                seconds=f"{OPENSSL_TIMEOUT_S:.0f}",
            )
        ) from exc
    if result.returncode != 0:
        raise process.SpawnError(
            tr(
                "{command} failed (exit {code}): {output}",
                command=f"openssl {argv[1]}",
                code=result.returncode,
                output=result.stderr.strip()[-800:],
            )
        )


def _leaf(
    openssl: str, work: Path, tls: TlsFiles, cert: Path, key: Path, subject: str, ext: str
) -> None:
    """A key and a certificate for it signed by the local CA, with the given extensions."""
    csr = work / f"{cert.stem}.csr"
    extfile = work / f"{cert.stem}.ext"
    extfile.write_text(ext)
    _run(
        [
            *(openssl, "req", "-new", "-newkey", f"rsa:{KEY_BITS}", "-nodes"),
            *("-keyout", str(key), "-out", str(csr), "-subj", subject),
        ],
        work,
    )
    _run(
        [
            *(openssl, "x509", "-req", "-in", str(csr), "-CA", str(tls.ca_cert)),
            *("-CAkey", str(tls.ca_key), "-set_serial", f"0x{secrets.token_hex(16)}"),
            *("-days", str(LEAF_DAYS), "-sha256", "-extfile", str(extfile), "-out", str(cert)),
        ],
        work,
    )


def ensure(lay: layout.Layout) -> TlsFiles:
    """The CA and its certificates, made once (never in git: under the sandbox state dir)."""
    tls = files(lay)
    if all(path.exists() for path in tls.all()):
        return tls
    openssl = _openssl()
    lay.tls_dir.mkdir(parents=True, exist_ok=True)
    lay.tls_dir.chmod(0o700)
    # A half-made set (an interrupted run) is made again as a whole: leaves need their CA.
    for path in tls.all():
        path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(dir=lay.tls_dir) as scratch:
        work = Path(scratch)
        _run(
            [
                *(openssl, "req", "-x509", "-new", "-newkey", f"rsa:{KEY_BITS}", "-nodes"),
                *("-keyout", str(tls.ca_key), "-out", str(tls.ca_cert), "-days", str(CA_DAYS)),
                *("-sha256", "-subj", "/CN=Broker Advisor sandbox CA"),
                *("-addext", "basicConstraints=critical,CA:TRUE"),
                *("-addext", "keyUsage=critical,keyCertSign,cRLSign"),
            ],
            work,
        )
        _leaf(
            openssl,
            work,
            tls,
            tls.server_cert,
            tls.server_key,
            "/CN=localhost",
            f"subjectAltName={SERVER_NAMES}\nbasicConstraints=CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            # clientAuth too: a Kafka broker presents it when it dials its own TLS listeners.
            "extendedKeyUsage=serverAuth,clientAuth\n",
        )
        _leaf(
            openssl,
            work,
            tls,
            tls.client_cert,
            tls.client_key,
            f"/CN={CLIENT_NAME}",
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=clientAuth\n",
        )
    tls.server_bundle.write_bytes(tls.server_key.read_bytes() + tls.server_cert.read_bytes())
    for path in tls.all():
        os.chmod(path, 0o600)
    return tls
