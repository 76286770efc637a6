"""Parse broker URLs into ProbeTargets, read them from the environment, and redact passwords.

Accepted forms (default ports in brackets)::

    redis://[user:password@]host[:6379][/db]          rediss://...  (TLS)
    redis+sentinel://[user:password@]host[:26379][,host:port...]/master_name[/db]
    rediss+sentinel://...                             (TLS to Sentinels and master)
        the userinfo password is the master's; the Sentinels' own: ?sentinel_password=...
        (and ?sentinel_username=...), as Celery's sentinel_kwargs={'password': ...}
    sentinel://[user:password@]host[:26379][;sentinel://host:port...][/db]
        Celery/kombu's form; the master name is ?master_name=NAME (Celery keeps it in
        broker_transport_options), else the one master the Sentinel monitors
    amqp://[user:password@]host[:5672][/vhost]        amqps://...  [:5671] (vhost URL-encoded,
                                                      %2F is '/', no path means '/')
        pyamqp:// and librabbitmq:// (Celery's transport names) mean amqp://
    kafka://host[:9092][,host:port...]                kafka+ssl://, kafka+sasl_ssl://,
        kafka+sasl_plaintext://; SASL via userinfo or ?sasl_mechanism=PLAIN&username=u&password=p
        confluentkafka:// (kombu's Kafka transport) means kafka://

`parse_target(text)` raises `TargetError` (a ValueError whose message names the problem and shows
the URL with its password redacted). `targets_from_env()` reads REDIS_URL, CELERY_BROKER_URL
(';'-separated failover lists included) or AMQP_URL, and KAFKA_BOOTSTRAP_SERVERS (a host:port
list, optionally with listener prefixes: PLAINTEXT://, SSL://, SASL_SSL://, SASL_PLAINTEXT://).
`redact(url)` replaces passwords (userinfo and password-like query parameters) with `***`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, unquote, urlencode

from advisor.probe.models import Endpoint, ProbeTarget
from advisor.workload import Broker

REDACTED = "***"

# scheme -> (broker, tls, default port)
SCHEMES: dict[str, tuple[Broker, bool, int]] = {
    "redis": (Broker.REDIS, False, 6379),
    "rediss": (Broker.REDIS, True, 6379),
    "redis+sentinel": (Broker.REDIS, False, 26379),
    "rediss+sentinel": (Broker.REDIS, True, 26379),
    "amqp": (Broker.RABBITMQ, False, 5672),
    "amqps": (Broker.RABBITMQ, True, 5671),
    "kafka": (Broker.KAFKA, False, 9092),
    "kafka+ssl": (Broker.KAFKA, True, 9092),
    "kafka+sasl_ssl": (Broker.KAFKA, True, 9092),
    "kafka+sasl_plaintext": (Broker.KAFKA, False, 9092),
    # Celery / kombu transport names
    "pyamqp": (Broker.RABBITMQ, False, 5672),
    "librabbitmq": (Broker.RABBITMQ, False, 5672),
    "sentinel": (Broker.REDIS, False, 26379),
    "confluentkafka": (Broker.KAFKA, False, 9092),
}

SECRET_QUERY_KEYS = frozenset(
    {
        "password",
        "sasl_password",
        "sasl_plain_password",
        "pass",
        "secret",
        "token",
        "ssl_password",
        "sentinel_password",
    }
)

# Kafka listener security protocols (as in KAFKA_BOOTSTRAP_SERVERS=SASL_SSL://host:9092)
KAFKA_PROTOCOL_SCHEMES = {
    "PLAINTEXT": "kafka",
    "SSL": "kafka+ssl",
    "SASL_SSL": "kafka+sasl_ssl",
    "SASL_PLAINTEXT": "kafka+sasl_plaintext",
}
# ';' between URLs (kombu's failover and Sentinel lists); a ';' inside a password stays
_URL_LIST_RE = re.compile(r";(?=\s*[A-Za-z][A-Za-z0-9+._\-]*://)")
_REDACT_SPLIT_RE = re.compile(r"([;,])(?=\s*[A-Za-z][A-Za-z0-9+._\-]*://)")

_URL_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+._\-]*)://(?P<rest>.*)$", re.DOTALL)
_SASL_MECHANISMS = frozenset({"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"})


class TargetError(ValueError):
    """A target URL that cannot be probed; the message says what is wrong (no passwords)."""


class EnvTargetError(TargetError):
    """A malformed environment variable: which one, its (redacted) value, the likely broker."""

    def __init__(self, variable: str, value: str, broker: Broker, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable
        self.shown = redact(value)
        self.broker = broker


_HOSTLIST_RE = re.compile(r"[A-Za-z0-9.\-_\[\]:,%]+(?=$|[/?#])")


def _raw_userinfo(rest: str) -> tuple[str, str] | None:
    """Userinfo holding an unencoded '/', '?' or '#' (which ends the authority in a URL).

    Users paste such passwords raw; they must be found so they are never shown. The last '@'
    followed by something shaped like a host list splits them off, unless what precedes it is
    a query (``?username=a@b``).
    """
    for index in range(len(rest) - 1, -1, -1):
        if rest[index] != "@":
            continue
        before, after = rest[:index], rest[index + 1 :]
        if "=" in before or not _HOSTLIST_RE.match(after):
            continue
        return before, after
    return None


def _split(url: str) -> tuple[str, str, str, str, str]:
    """Split into scheme, userinfo, hostlist, path, query without validating hosts."""
    scheme, userinfo, hostlist, path, query, _raw = _split_raw(url)
    return scheme, userinfo, hostlist, path, query


def _split_raw(url: str) -> tuple[str, str, str, str, str, bool]:
    """Like _split, and whether the userinfo held characters it should have percent-encoded."""
    match = _URL_RE.match(url.strip())
    if not match:
        raise TargetError(
            f"{redact(url)!r}: missing scheme; expected e.g. redis://host:6379, "
            "amqp://host:5672/vhost or kafka://host:9092"
        )
    scheme, whole = match["scheme"].lower(), match["rest"]
    rest, _, _fragment = whole.partition("#")
    rest, _, query = rest.partition("?")
    netloc, slash, path = rest.partition("/")
    userinfo, at, hostlist = netloc.rpartition("@")
    if at:
        return scheme, userinfo, hostlist, slash + path, query, False
    raw = _raw_userinfo(whole)
    if raw is not None:
        userinfo, after = raw
        after, _, _fragment = after.partition("#")
        after, _, query = after.partition("?")
        hostlist, slash, path = after.partition("/")
        return scheme, userinfo, hostlist, slash + path, query, True
    return scheme, "", netloc, slash + path, query, False


def redact(url: str) -> str:
    """The URL with the userinfo password and password-like query values replaced by ***.

    Lists of URLs (';' or ',' before each 'scheme://', as in failover lists or listener-prefixed
    KAFKA_BOOTSTRAP_SERVERS) are redacted one URL at a time.
    """
    parts = _REDACT_SPLIT_RE.split(url.strip())
    if len(parts) > 1:  # [url, separator, url, separator, url...]
        return "".join(
            part if index % 2 else redact(part.strip()) for index, part in enumerate(parts)
        )
    match = _URL_RE.match(url.strip())
    if not match:
        return url
    scheme, userinfo, hostlist, path, query = _split(url)
    netloc = hostlist
    if userinfo:
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:{REDACTED}@{hostlist}" if colon else f"{user}@{hostlist}"
    if query:
        pairs = [
            (k, REDACTED if k.lower() in SECRET_QUERY_KEYS else v)
            for k, v in parse_qsl(query, keep_blank_values=True)
        ]
        query = urlencode(pairs, safe="*")
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _parse_endpoints(hostlist: str, default_port: int, shown: str) -> tuple[Endpoint, ...]:
    if not hostlist.strip():
        raise TargetError(f"{shown!r}: no host given")
    endpoints = []
    for raw in hostlist.split(","):
        item = raw.strip()
        if not item:
            raise TargetError(f"{shown!r}: empty host in the host list")
        if item.startswith("["):
            host, bracket, tail = item[1:].partition("]")
            if not bracket or (tail and not tail.startswith(":")):
                raise TargetError(f"{shown!r}: malformed IPv6 address {item!r}")
            port_text = tail[1:] if tail else ""
        elif item.count(":") > 1:
            raise TargetError(
                f"{shown!r}: IPv6 address {item!r} must be in brackets, e.g. [::1]:6379"
            )
        else:
            host, _, port_text = item.partition(":")
        if not host:
            raise TargetError(f"{shown!r}: empty host name in {item!r}")
        if not re.fullmatch(r"[A-Za-z0-9._\-:%]+", host):
            raise TargetError(f"{shown!r}: invalid host name {host!r}")
        if port_text == "":
            port = default_port
        elif not port_text.isdigit():
            raise TargetError(f"{shown!r}: port {port_text!r} is not a number")
        else:
            port = int(port_text)
            if not 1 <= port <= 65535:
                raise TargetError(f"{shown!r}: port {port} is out of range 1-65535")
        endpoints.append(Endpoint(host=host, port=port))
    return tuple(endpoints)


def _split_list(url: str, shown: str) -> tuple[str, str, str, str, str, bool]:
    """Split a URL, or kombu's 'sentinel://a:26379;sentinel://b:26380/0' list into one."""
    parts = [p.strip() for p in _URL_LIST_RE.split(url)]
    if len(parts) == 1:
        return _split_raw(url)
    pieces = [_split_raw(part) for part in parts]
    if any(piece[0] != "sentinel" for piece in pieces):
        raise TargetError(
            f"{shown!r}: several URLs separated by ';' (a failover list): give them one at a "
            "time; only sentinel://...;sentinel://... lists name one target"
        )
    userinfo = next((p[1] for p in pieces if p[1]), "")
    path = next((p[3] for p in pieces if p[3].strip("/")), "")
    query = "&".join(p[4] for p in pieces if p[4])
    hostlist = ",".join(p[2] for p in pieces)
    return "sentinel", userinfo, hostlist, path, query, any(p[5] for p in pieces)


def parse_target(text: str, *, management_url: str | None = None) -> ProbeTarget:
    """Parse a broker URL; raise TargetError naming what is wrong."""
    url = text.strip()
    shown = redact(url)
    scheme, userinfo, hostlist, path, query, raw = _split_list(url, shown)
    if raw:
        raise TargetError(
            f"{shown!r}: the user name or password holds '/', '?' or '#', which end the host "
            "part of a URL; percent-encode them (%2F, %3F, %23) as every client expects"
        )
    if scheme not in SCHEMES:
        known = ", ".join(f"{s}://" for s in SCHEMES)
        raise TargetError(f"{shown!r}: unknown scheme {scheme!r}; expected one of {known}")
    broker, tls, default_port = SCHEMES[scheme]
    if broker is not Broker.KAFKA and "," in hostlist and "sentinel" not in scheme:
        raise TargetError(
            f"{shown!r}: several hosts are only allowed for redis+sentinel:// and kafka://"
        )
    endpoints = _parse_endpoints(hostlist, default_port, shown)

    username: str | None = None
    password: str | None = None
    if userinfo:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if colon else None
    options: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        options[key] = value

    database: int | None = None
    sentinel_master: str | None = None
    sentinel_password: str | None = None
    vhost: str | None = None
    sasl_mechanism: str | None = None
    segments = [s for s in path.split("/")[1:]]
    if broker is Broker.REDIS:
        if "sentinel" in scheme:
            sentinel_password = options.pop("sentinel_password", None)
            if scheme == "sentinel":  # kombu: the path is the database, the master an option
                sentinel_master = options.pop("master_name", None) or None
            elif not segments or not segments[0]:
                raise TargetError(
                    f"{shown!r}: Sentinel URL needs the master name as its path, "
                    "e.g. redis+sentinel://host:26379/mymaster"
                )
            else:
                sentinel_master = unquote(segments[0])
                segments = segments[1:]
        db_text = segments[0] if segments else ""
        if len([s for s in segments if s]) > 1:
            raise TargetError(
                f"{shown!r}: unexpected path {path!r}; only a database number may follow the host"
            )
        if db_text:
            if not db_text.isdigit():
                raise TargetError(f"{shown!r}: database {db_text!r} is not a number")
            database = int(db_text)
        elif "db" in options:
            if not options["db"].isdigit():
                raise TargetError(f"{shown!r}: database {options['db']!r} is not a number")
            database = int(options.pop("db"))
    elif broker is Broker.RABBITMQ:
        raw_vhost = path[1:]
        if raw_vhost == "/":  # Celery's amqp://host// spelling of the default vhost
            raw_vhost = "%2F"
        if "/" in raw_vhost:
            raise TargetError(
                f"{shown!r}: the vhost must be one path segment; write '/' inside it as %2F"
            )
        vhost = unquote(raw_vhost) or "/"
    else:
        if path.strip("/"):
            raise TargetError(f"{shown!r}: kafka URLs take no path (got {path!r})")
        query_user = options.pop("username", None) or options.pop("sasl_plain_username", None)
        query_password = None
        for key in ("password", "sasl_password", "sasl_plain_password"):
            query_password = options.pop(key, None) or query_password
        username = username or query_user
        password = password or query_password
        mechanism = options.pop("sasl_mechanism", None)
        if mechanism is None and (username or password):
            mechanism = "PLAIN"
        if mechanism is not None:
            mechanism = mechanism.upper()
            if mechanism not in _SASL_MECHANISMS:
                raise TargetError(
                    f"{shown!r}: unknown sasl_mechanism {mechanism!r}; expected "
                    f"one of {', '.join(sorted(_SASL_MECHANISMS))}"
                )
            if mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512") and not (
                username and password
            ):
                raise TargetError(
                    f"{shown!r}: sasl_mechanism {mechanism} needs both a username and a password"
                )
        sasl_mechanism = mechanism
    for key in list(options):
        if key.lower() in SECRET_QUERY_KEYS:
            raise TargetError(
                f"{shown!r}: put the password in the userinfo "
                f"(user:password@host), not in the query parameter {key!r}"
            )
    if management_url is not None:
        if broker is not Broker.RABBITMQ:
            raise TargetError(f"{shown!r}: a management URL only applies to RabbitMQ targets")
        if not re.match(r"^https?://[^/\s]+", management_url.strip()):
            raise TargetError(
                f"{redact(management_url)!r}: the management URL must be http(s)://host:port"
            )
    return ProbeTarget(
        broker=broker,
        url=url,
        display_url=shown,
        scheme=scheme,
        endpoints=endpoints,
        tls=tls,
        username=username,
        password=password,
        database=database,
        sentinel_master=sentinel_master,
        sentinel_password=sentinel_password,
        vhost=vhost,
        sasl_mechanism=sasl_mechanism,
        management_url=management_url.strip() if management_url else None,
        options=options,
    )


def kafka_url_from_bootstrap(servers: str) -> str:
    """Turn a bootstrap list (KAFKA_BOOTSTRAP_SERVERS) into a kafka:// URL.

    Plain 'host:port,host:port' lists and listener-prefixed ones ('SASL_SSL://h1:9093,
    SASL_SSL://h2:9093') are both accepted; the prefix picks the scheme (PLAINTEXT -> kafka,
    SSL -> kafka+ssl, SASL_SSL -> kafka+sasl_ssl, SASL_PLAINTEXT -> kafka+sasl_plaintext).
    A kafka:// URL is returned as it is. Raises TargetError for mixed or unknown prefixes.
    """
    items = [s.strip() for s in servers.split(",") if s.strip()]
    first = _URL_RE.match(items[0]) if items else None
    if first is not None and first["scheme"].lower() in SCHEMES:
        return ",".join(items)
    protocols: list[str] = []
    hosts: list[str] = []
    credentials: list[str] = []
    for item in items:
        match = _URL_RE.match(item)
        if match is None:
            hosts.append(item)
            continue
        protocol = match["scheme"].upper()
        if protocol not in KAFKA_PROTOCOL_SCHEMES:
            known = ", ".join(f"{p}://" for p in KAFKA_PROTOCOL_SCHEMES)
            raise TargetError(
                f"{redact(item)!r}: unknown listener protocol {match['scheme']!r}; expected "
                f"host:port or one of {known}"
            )
        if protocol not in protocols:
            protocols.append(protocol)
        userinfo, at, host = match["rest"].rstrip("/").rpartition("@")
        if at and userinfo not in credentials:
            credentials.append(userinfo)
        hosts.append(host)
    if len(protocols) > 1:
        raise TargetError(
            f"{redact(servers)!r}: the bootstrap servers mix security protocols "
            f"({', '.join(protocols)}); a client uses one: list one listener per broker"
        )
    if len(credentials) > 1:
        raise TargetError(
            f"{redact(servers)!r}: the bootstrap servers carry different credentials; "
            "a client logs in as one user"
        )
    scheme = KAFKA_PROTOCOL_SCHEMES[protocols[0]] if protocols else "kafka"
    login = f"{credentials[0]}@" if credentials else ""
    return f"{scheme}://{login}{','.join(hosts)}"


# variable -> the broker it names when its value is too broken to tell
ENV_VARIABLES: dict[str, Broker] = {
    "REDIS_URL": Broker.REDIS,
    "CELERY_BROKER_URL": Broker.RABBITMQ,
    "AMQP_URL": Broker.RABBITMQ,
    "KAFKA_BOOTSTRAP_SERVERS": Broker.KAFKA,
}


def _guess_broker(variable: str, value: str) -> Broker:
    match = _URL_RE.match(value.strip())
    scheme = match["scheme"].lower() if match else ""
    if scheme in SCHEMES:
        return SCHEMES[scheme][0]
    if scheme.startswith("redis") or scheme == "sentinel":
        return Broker.REDIS
    return ENV_VARIABLES.get(variable, Broker.RABBITMQ)


def targets_from_env(
    env: Mapping[str, str] | None = None, *, errors: list[EnvTargetError] | None = None
) -> list[ProbeTarget]:
    """Targets named by REDIS_URL, CELERY_BROKER_URL / AMQP_URL and KAFKA_BOOTSTRAP_SERVERS.

    RABBITMQ_MANAGEMENT_URL, when set, is attached to the RabbitMQ target. A malformed variable
    raises EnvTargetError (a TargetError naming the variable) unless `errors` is given: then
    each bad variable is appended there and the others are still returned. Returns [] when none
    is set. CELERY_BROKER_URL may be a ';'-separated failover list: one target per URL.
    """
    environ = os.environ if env is None else env
    management = environ.get("RABBITMQ_MANAGEMENT_URL") or None
    found: list[tuple[str, str, str]] = []  # (variable, value as given, URL to parse)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "AMQP_URL"):
        value = environ.get(name, "").strip()
        if not value:
            continue
        parts = [p.strip() for p in _URL_LIST_RE.split(value) if p.strip()]
        sentinels = all(p.lower().startswith("sentinel://") for p in parts)
        if name == "CELERY_BROKER_URL" and len(parts) > 1 and not sentinels:
            found += [(f"{name}[{i}]", part, part) for i, part in enumerate(parts, start=1)]
        else:
            found.append((name, value, value))
    servers = environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if servers:
        found.append(("KAFKA_BOOTSTRAP_SERVERS", servers, servers))
    targets: list[ProbeTarget] = []
    seen: set[str] = set()
    for name, value, given in found:
        try:
            url = kafka_url_from_bootstrap(given) if name == "KAFKA_BOOTSTRAP_SERVERS" else given
            if url in seen:
                continue
            seen.add(url)
            target = parse_target(url)
            if target.broker is Broker.RABBITMQ and management:
                target = parse_target(url, management_url=management)
        except TargetError as error:
            bad = EnvTargetError(name, value, _guess_broker(name.split("[")[0], value), str(error))
            if errors is None:
                raise bad from None
            errors.append(bad)
            continue
        targets.append(target)
    return targets


def userinfo(username: str | None, password: str | None) -> str:
    """Percent-encoded 'user:password@' for building URLs (tests and tools)."""
    if username is None and password is None:
        return ""
    user = quote(username or "", safe="")
    return f"{user}:{quote(password, safe='')}@" if password is not None else f"{user}@"
