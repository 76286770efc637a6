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
    TLS schemes take ?ssl_ca_certs=ca.pem (the CA to trust; kafka-python's ssl_cafile too) and,
    for mutual TLS, ?ssl_certfile=client.pem&ssl_keyfile=client.key (redis-py's names)

`parse_target(text)` raises `TargetError` (a ValueError whose message names the problem and shows
the URL with its password redacted; `.field` says which part is wrong). `targets_from_env()` reads
REDIS_URL, CELERY_BROKER_URL (';'-separated failover lists included) or AMQP_URL, and
KAFKA_BOOTSTRAP_SERVERS (a host:port list, optionally with listener prefixes: PLAINTEXT://,
SSL://, SASL_SSL://, SASL_PLAINTEXT://).

Secrets, for any text the user typed, valid URL or not (no scheme, 'redis//', unknown schemes,
'@', '/', '?', '#' pasted unencoded in a password): `redact(text)` shows a target with `***` for
its passwords, `redact_text(text)` does so for every target in free text, `without_secrets(text)`
leaves the passwords out (for saving), and `split_credentials(text)` moves them out (for a
masked field). The password is everything from the first ':' after the user name to the last
'@' before the host, plus the value of every password-like query parameter (`is_secret_key`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, unquote, unquote_plus, urlencode

from advisor.i18n import tr
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
# Query keys whose value is the target's password (moved to the app's password field).
PASSWORD_QUERY_KEYS = ("password", "sasl_password", "sasl_plain_password", "pass")
USERNAME_QUERY_KEYS = ("username", "sasl_plain_username")
# Any key ending so is taken for a secret too (ssl_keyfile_password, api_token, auth_pwd...).
_SECRET_KEY_ENDINGS = ("password", "passwd", "pwd", "_pass", "secret", "token", "jaas.config")

# Kafka listener security protocols (as in KAFKA_BOOTSTRAP_SERVERS=SASL_SSL://host:9092)
KAFKA_PROTOCOL_SCHEMES = {
    "PLAINTEXT": "kafka",
    "SSL": "kafka+ssl",
    "SASL_SSL": "kafka+sasl_ssl",
    "SASL_PLAINTEXT": "kafka+sasl_plaintext",
}
_KNOWN_SCHEMES = frozenset(
    {*SCHEMES, *(p.lower() for p in KAFKA_PROTOCOL_SCHEMES), "http", "https"}
)
# ';' between URLs (kombu's failover and Sentinel lists); a ';' inside a password stays
_URL_LIST_RE = re.compile(r";(?=\s*[A-Za-z][A-Za-z0-9+._\-]*://)")
_REDACT_SPLIT_RE = re.compile(r"([;,])(?=\s*[A-Za-z][A-Za-z0-9+._\-]*://)")

_URL_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+._\-]*)://(?P<rest>.*)$", re.DOTALL)
# TLS file options -> the ProbeTarget field they fill (aliases as other clients spell them).
TLS_FILE_KEYS = {
    "ssl_ca_certs": "ssl_ca_certs",
    "ssl_cafile": "ssl_ca_certs",
    "ssl_certfile": "ssl_certfile",
    "ssl_keyfile": "ssl_keyfile",
}
_SASL_MECHANISMS = frozenset({"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"})


class TargetField(StrEnum):
    """The part of a target a TargetError is about, so a form can show it beside that field."""

    URL = "url"
    SCHEME = "scheme"
    USERINFO = "userinfo"
    HOST = "host"
    PORT = "port"
    PATH = "path"
    QUERY = "query"
    MANAGEMENT_URL = "management_url"


class TargetError(ValueError):
    """A target URL that cannot be probed; the message says what is wrong (no passwords).

    `field` names the part of the target that is wrong; match on it, never on the message.
    """

    def __init__(self, message: str, field: TargetField = TargetField.URL) -> None:
        super().__init__(message)
        self.field = field


class EnvTargetError(TargetError):
    """A malformed environment variable: which one, its (redacted) value, the likely broker."""

    def __init__(
        self,
        variable: str,
        value: str,
        broker: Broker,
        message: str,
        field: TargetField = TargetField.URL,
    ) -> None:
        super().__init__(f"{variable}: {message}", field)
        self.variable = variable
        self.shown = redact(value)
        self.broker = broker


# -- finding secrets in any text the user typed -------------------------------------------------
# A host list as it may end a well-formed authority: host[:port], IPv6 in brackets, ','-separated.
_HOST = r"(?:\[[0-9A-Za-z:.%]*\]|[A-Za-z0-9._\-%]+)(?::[0-9]*)?"
_CLEAN_AUTHORITY_RE = re.compile(rf"(?:[^/?#@]*@)?{_HOST}(?:,{_HOST})*")
_MALFORMED_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+._\-]*:?/{2,3}")
_ENV_PREFIX_RE = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_]*(?:\[\d+\])?)=(?=\S)")
# 'key=' after '?', '&' or ';', and anywhere a key starts in prose ("(password=...").
_PARAM_RE = re.compile(r"(?<![A-Za-z0-9_.\-])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=")
_NEXT_PARAM_RE = re.compile(r"[&;]\s*[A-Za-z_][A-Za-z0-9_.\-]*\s*=")
# Query keys whose value may hold a raw '@' in an otherwise well-formed URL (user names are
# often e-mail addresses); any other '@' after the host is taken for the end of a password.
_AT_KEYS = SECRET_QUERY_KEYS | {*USERNAME_QUERY_KEYS, "sentinel_username"}


def is_secret_key(key: str) -> bool:
    """Whether a query parameter carries a secret (password=, pass=, sasl_password=, token=...)."""
    name = key.strip().lower()
    return name in SECRET_QUERY_KEYS or name.endswith(_SECRET_KEY_ENDINGS)


def _delimiter(rest: str) -> int:
    """Where the authority ends: the first '/', '?' or '#' (or the end)."""
    found = [i for i in (rest.find(c) for c in "/?#") if i >= 0]
    return min(found, default=len(rest))


def _in_query_value(rest: str, end: int, index: int) -> bool:
    """Whether rest[index] lies in the value of a user-name or password query parameter."""
    question = rest.find("?", end)
    if question < 0 or question > index or re.search(r"[:@#]", rest[end:question]):
        return False
    item = re.split(r"[&;]", rest[question + 1 : index])[-1]
    key, equals, _value = item.partition("=")
    return bool(equals) and key.strip().lower() in _AT_KEYS


def _separator(rest: str) -> int:
    """Index in rest (the text after 'scheme://') of the '@' that ends the userinfo, or -1.

    The LAST '@' wins: a password may hold '@', and '/', '?' or '#' pasted unencoded, so the
    first '/', '?' or '#' does not end the userinfo. The only '@' passed over are those inside a
    user-name or password query value of an otherwise well-formed URL (``?username=a@b``).
    """
    ats = [i for i, ch in enumerate(rest) if ch == "@"]
    if not ats:
        return -1
    end = _delimiter(rest)
    if _CLEAN_AUTHORITY_RE.fullmatch(rest[:end]):
        ats = [i for i in ats if i < end or not _in_query_value(rest, end, i)]
    return ats[-1] if ats else -1


@dataclass(frozen=True)
class _Userinfo:
    start: int  # its first character
    colon: int  # the ':' before the password; -1 when there is none
    at: int  # the '@' after it


@dataclass(frozen=True)
class _Param:
    lead: int  # the character before the key ('?', '&' or ';' in a query); -1 at the start
    key: str
    value: int  # the value's first character
    end: int  # one past its last


@dataclass(frozen=True)
class _Secrets:
    """Where the secrets of one URL (or URL-like text) are."""

    userinfo: _Userinfo | None
    params: tuple[_Param, ...]
    guessed: tuple[int, int] | None = None  # 'user://pw@host': maybe 'user:' + '//pw'


def _find_secrets(text: str) -> _Secrets:
    """The userinfo and secret query parameters of one URL, well-formed or not.

    Handles 'scheme://', a scheme that lost its ':' ('redis//:pw@host') and no scheme at all
    ('user:pw@host'): the password is everything from the first ':' after the user name to the
    '@' `_separator` picks.
    """
    url = _URL_RE.match(text)
    if url is not None:
        start = url.start("rest")
    else:
        malformed = _MALFORMED_SCHEME_RE.match(text)
        start = malformed.end() if malformed else 0
    rest = text[start:]
    at = _separator(rest)
    userinfo: _Userinfo | None = None
    guessed: tuple[int, int] | None = None
    if at >= 0:
        colon = rest.find(":", 0, at)
        userinfo = _Userinfo(start, start + colon if colon >= 0 else -1, start + at)
        if colon < 0 and url is not None and url["scheme"].lower() not in _KNOWN_SCHEMES:
            guessed = (url.end("scheme") + 1, start + at)
    hidden_until = userinfo.at if userinfo is not None and userinfo.colon >= 0 else start
    return _Secrets(userinfo, tuple(_find_params(text, hidden_until, is_secret_key)), guessed)


def _find_params(text: str, start: int, wanted: Callable[[str], bool]) -> list[_Param]:
    """The 'key=value' parameters from start on whose key is wanted.

    A value runs to the next '&key=' or ';key=' (or the end): a password's own '&', '#' or '?'
    stay in it, and a 'key=' inside a wanted value is part of that value.
    """
    found: list[_Param] = []
    for match in _PARAM_RE.finditer(text, start):
        if not wanted(match["key"]) or (found and match.start() < found[-1].end):
            continue
        following = _NEXT_PARAM_RE.search(text, match.end())
        end = following.start() if following else len(text)
        found.append(_Param(match.start() - 1, match["key"], match.end(), end))
    return found


def _pieces(text: str) -> list[tuple[str, str]]:
    """(what comes before it, one URL) for each URL in a target text.

    An environment-style 'NAME=' prefix and the ';' or ',' before each 'scheme://' of a list
    (failover lists, listener-prefixed KAFKA_BOOTSTRAP_SERVERS) come before a piece.
    """
    text = text.strip()
    prefix = ""
    env = _ENV_PREFIX_RE.match(text)
    if env is not None and not is_secret_key(env["name"]):
        prefix, text = env.group(0), text[env.end() :]
    parts = _REDACT_SPLIT_RE.split(text)
    pieces = [(prefix, parts[0].strip())]
    pieces += [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]
    return pieces


def _cut(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Text with each (start, end) span replaced by its string; spans in any order, may overlap."""
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(spans):
        if end <= position:
            continue
        out.append(text[position : max(start, position)] + replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def _normalise(url: str) -> str:
    """A redacted URL as parsing reads it: scheme in lower case, query re-encoded, no fragment."""
    if not _URL_RE.match(url):
        return url
    scheme, userinfo, hostlist, path, query, _raw = _split_raw(url)
    netloc = hostlist
    if userinfo:
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:{REDACTED}@{hostlist}" if colon else f"{user}@{hostlist}"
    if query:
        pairs = [
            (k, REDACTED if is_secret_key(k) else v)
            for k, v in parse_qsl(query, keep_blank_values=True)
        ]
        query = urlencode(pairs, safe="*")
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _redact_one(url: str) -> str:
    found = _find_secrets(url)
    spans = [(p.value, p.end, REDACTED) for p in found.params]
    if found.userinfo is not None and found.userinfo.colon >= 0:
        spans.append((found.userinfo.colon + 1, found.userinfo.at, REDACTED))
    elif found.guessed is not None:
        spans.append((*found.guessed, REDACTED))
    return _normalise(_cut(url, spans))


def redact(text: str) -> str:
    """Any target text (a URL, a list of them, a broken one, NAME=value) with secrets as ***.

    Hidden: the userinfo password (from the first ':' after the user name to the last '@'
    before the host, whatever it holds; with or without 'scheme://', or with a malformed
    scheme), and the value of every password-like query parameter (`is_secret_key`). Text
    that cannot be told apart errs on the side of hiding. A well-formed URL comes back as
    parsing reads it (scheme in lower case, query re-encoded).
    """
    return "".join(sep + _redact_one(piece) for sep, piece in _pieces(text))


def without_secrets(text: str) -> str:
    """The target text with every password left out (kept on disk when passwords are not).

    'redis://u:pw@h' -> 'redis://u@h', 'redis://:pw@h' -> 'redis://h', '?password=pw&x=1' ->
    '?x=1'; the same secrets `redact` hides.
    """
    out = []
    for sep, piece in _pieces(text):
        found = _find_secrets(piece)
        spans = _param_cuts(piece, found.params)
        if found.userinfo is not None and found.userinfo.colon >= 0:
            spans.append(_password_cut(found.userinfo, take_user=False))
        elif found.guessed is not None:
            spans.append((*found.guessed, ""))
        out.append(sep + _cut(piece, spans).removesuffix("?"))
    return "".join(out)


class Credentials(NamedTuple):
    """A target text with its password moved out (and its user name, when asked)."""

    bare: str
    username: str
    password: str


def split_credentials(text: str, *, take_user: bool = False) -> Credentials:
    """Move the password (userinfo, or ?password=, ?pass=, ?sasl_password=) out of target text.

    Values are percent-decoded. With `take_user` the user name (userinfo, or ?username=) comes
    out too. Works on the same broken forms as `redact` ('user:pw@host', 'redis//:pw@host',
    unencoded '@', '/', '?', '#' in a password); in a list, the first URL's credentials are
    given and every URL loses its own.
    """
    username = password = ""
    out = []
    for sep, piece in _pieces(text):
        found = _find_secrets(piece)
        spans: list[tuple[int, int, str]] = []
        info = found.userinfo
        if info is not None and info.colon >= 0:
            username = username or unquote(piece[info.start : info.colon])
            password = password or unquote(piece[info.colon + 1 : info.at])
            spans.append(_password_cut(info, take_user=take_user))
        elif info is not None and take_user:
            username = username or unquote(piece[info.start : info.at])
            spans.append((info.start, info.at + 1, ""))
        moved = [p for p in found.params if p.key.lower() in PASSWORD_QUERY_KEYS]
        for param in moved:
            password = password or unquote_plus(piece[param.value : param.end])
        if take_user:
            users = _find_params(piece, 0, lambda key: key.lower() in USERNAME_QUERY_KEYS)
            for param in users:
                username = username or unquote_plus(piece[param.value : param.end])
            moved += users
        spans += _param_cuts(piece, moved)
        out.append(sep + _cut(piece, spans).removesuffix("?"))
    return Credentials("".join(out), username, password)


def _password_cut(info: _Userinfo, *, take_user: bool) -> tuple[int, int, str]:
    """The span that leaves the password out: ':pw' of 'u:pw@', all of ':pw@' or 'u:pw@'."""
    if take_user or info.colon == info.start:
        return info.start, info.at + 1, ""
    return info.colon, info.at, ""


def _param_cuts(text: str, params: Iterable[_Param]) -> list[tuple[int, int, str]]:
    """Spans that leave these query parameters out, keeping the '?' and '&' of the others."""
    spans = []
    for param in params:
        if param.lead >= 0 and text[param.lead] in "&;":
            spans.append((param.lead, param.end, ""))
        else:  # the first parameter: its '&' goes with it, the '?' stays for the next one
            end = param.end + 1 if text[param.end : param.end + 1] in ("&", ";") else param.end
            spans.append((param.lead + 1, end, ""))
    return spans


_WORD_RE = re.compile(r"[^\s'\"<>]+")
_WORD_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+._\-]*:?//")


def redact_text(text: str) -> str:
    """Free text (error messages, check details, figures) with every target's secrets as ***.

    Each word (whitespace, quotes and angle brackets end one) that holds a URL, 'user:pw@host'
    or a password-like parameter is redacted as a target; a password with a space in it is only
    hidden inside a target field (`redact`), not inside prose.
    """
    return _WORD_RE.sub(_redact_word, text)


def _redact_word(match: re.Match[str]) -> str:
    word = match.group(0)
    url = _WORD_URL_RE.search(word)
    if url is not None:
        return word[: url.start()] + redact(word[url.start() :])
    if "@" in word or "=" in word:
        return redact(word)
    return word


def _split_raw(url: str) -> tuple[str, str, str, str, str, bool]:
    """Scheme, userinfo, hostlist, path, query (hosts not validated), and whether the userinfo
    held characters it should have percent-encoded."""
    match = _URL_RE.match(url.strip())
    if not match:
        raise TargetError(
            tr(
                "{url}: missing scheme; expected e.g. redis://host:6379, "
                "amqp://host:5672/vhost or kafka://host:9092",
                url=repr(redact(url)),
            ),
            TargetField.SCHEME,
        )
    scheme, whole = match["scheme"].lower(), match["rest"]
    at = _separator(whole)
    userinfo, after = (whole[:at], whole[at + 1 :]) if at >= 0 else ("", whole)
    after, _, _fragment = after.partition("#")
    after, _, query = after.partition("?")
    hostlist, slash, path = after.partition("/")
    raw = any(ch in userinfo for ch in "/?#")
    return scheme, userinfo, hostlist, slash + path, query, raw


def _parse_endpoints(hostlist: str, default_port: int, shown: str) -> tuple[Endpoint, ...]:
    if not hostlist.strip():
        raise TargetError(tr("{url}: no host given", url=repr(shown)), TargetField.HOST)
    endpoints = []
    for raw in hostlist.split(","):
        item = raw.strip()
        if not item:
            raise TargetError(
                tr("{url}: empty host in the host list", url=repr(shown)), TargetField.HOST
            )
        if item.startswith("["):
            host, bracket, tail = item[1:].partition("]")
            if not bracket or (tail and not tail.startswith(":")):
                raise TargetError(
                    tr("{url}: malformed IPv6 address {item}", url=repr(shown), item=repr(item)),
                    TargetField.HOST,
                )
            port_text = tail[1:] if tail else ""
        elif item.count(":") > 1:
            raise TargetError(
                tr(
                    "{url}: IPv6 address {item} must be in brackets, e.g. [::1]:6379",
                    url=repr(shown),
                    item=repr(item),
                ),
                TargetField.HOST,
            )
        else:
            host, _, port_text = item.partition(":")
        if not host:
            raise TargetError(
                tr("{url}: empty host name in {item}", url=repr(shown), item=repr(item)),
                TargetField.HOST,
            )
        if not re.fullmatch(r"[A-Za-z0-9._\-:%]+", host):
            raise TargetError(
                tr("{url}: invalid host name {host}", url=repr(shown), host=repr(host)),
                TargetField.HOST,
            )
        if port_text == "":
            port = default_port
        elif not port_text.isdigit():
            raise TargetError(
                tr("{url}: port {port} is not a number", url=repr(shown), port=repr(port_text)),
                TargetField.PORT,
            )
        else:
            port = int(port_text)
            if not 1 <= port <= 65535:
                raise TargetError(
                    tr("{url}: port {port} is out of range 1-65535", url=repr(shown), port=port),
                    TargetField.PORT,
                )
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
            tr(
                "{url}: several URLs separated by ';' (a failover list): give them one at a "
                "time; only sentinel://...;sentinel://... lists name one target",
                url=repr(shown),
            ),
            TargetField.URL,
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
            tr(
                "{url}: the user name or password holds '/', '?' or '#', which end the host "
                "part of a URL; percent-encode them (%2F, %3F, %23, and %40 for '@') as every "
                "client expects",
                url=repr(shown),
            ),
            TargetField.USERINFO,
        )
    if scheme not in SCHEMES:
        known = ", ".join(f"{s}://" for s in SCHEMES)
        raise TargetError(
            tr(
                "{url}: unknown scheme {scheme}; expected one of {known}",
                url=repr(shown),
                scheme=repr(scheme),
                known=known,
            ),
            TargetField.SCHEME,
        )
    broker, tls, default_port = SCHEMES[scheme]
    if broker is not Broker.KAFKA and "," in hostlist and "sentinel" not in scheme:
        raise TargetError(
            tr(
                "{url}: several hosts are only allowed for redis+sentinel:// and kafka://",
                url=repr(shown),
            ),
            TargetField.HOST,
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
                    tr(
                        "{url}: Sentinel URL needs the master name as its path, "
                        "e.g. redis+sentinel://host:26379/mymaster",
                        url=repr(shown),
                    ),
                    TargetField.PATH,
                )
            else:
                sentinel_master = unquote(segments[0])
                segments = segments[1:]
        db_text = segments[0] if segments else ""
        if len([s for s in segments if s]) > 1:
            raise TargetError(
                tr(
                    "{url}: unexpected path {path}; only a database number may follow the host",
                    url=repr(shown),
                    path=repr(path),
                ),
                TargetField.PATH,
            )
        if db_text:
            if not db_text.isdigit():
                raise TargetError(
                    tr("{url}: database {db} is not a number", url=repr(shown), db=repr(db_text)),
                    TargetField.PATH,
                )
            database = int(db_text)
        elif "db" in options:
            if not options["db"].isdigit():
                raise TargetError(
                    tr(
                        "{url}: database {db} is not a number",
                        url=repr(shown),
                        db=repr(options["db"]),
                    ),
                    TargetField.QUERY,
                )
            database = int(options.pop("db"))
    elif broker is Broker.RABBITMQ:
        raw_vhost = path[1:]
        if raw_vhost == "/":  # Celery's amqp://host// spelling of the default vhost
            raw_vhost = "%2F"
        if "/" in raw_vhost:
            raise TargetError(
                tr(
                    "{url}: the vhost must be one path segment; write '/' inside it as %2F",
                    url=repr(shown),
                ),
                TargetField.PATH,
            )
        vhost = unquote(raw_vhost) or "/"
    else:
        if path.strip("/"):
            raise TargetError(
                tr("{url}: kafka URLs take no path (got {path})", url=repr(shown), path=repr(path)),
                TargetField.PATH,
            )
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
                    tr(
                        "{url}: unknown sasl_mechanism {mechanism}; expected one of {known}",
                        url=repr(shown),
                        mechanism=repr(mechanism),
                        known=", ".join(sorted(_SASL_MECHANISMS)),
                    ),
                    TargetField.QUERY,
                )
            if mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512") and not (
                username and password
            ):
                raise TargetError(
                    tr(
                        "{url}: sasl_mechanism {mechanism} needs both a username and a password",
                        url=repr(shown),
                        mechanism=mechanism,
                    ),
                    TargetField.USERINFO,
                )
        sasl_mechanism = mechanism
    tls_files = _tls_files(options, tls, scheme, shown)
    for key in list(options):
        if key.lower() == "ssl_keyfile_password":
            raise TargetError(
                tr(
                    "{url}: encrypted client keys are not supported; give an unencrypted key "
                    "(openssl pkey -in key.pem -out plain.pem) in a file only you can read",
                    url=repr(shown),
                ),
                TargetField.QUERY,
            )
        if is_secret_key(key):
            raise TargetError(
                tr(
                    "{url}: put the password in the userinfo "
                    "(user:password@host), not in the query parameter {key}",
                    url=repr(shown),
                    key=repr(key),
                ),
                TargetField.QUERY,
            )
    if management_url is not None:
        if broker is not Broker.RABBITMQ:
            raise TargetError(
                tr("{url}: a management URL only applies to RabbitMQ targets", url=repr(shown)),
                TargetField.MANAGEMENT_URL,
            )
        if not re.match(r"^https?://[^/\s]+", management_url.strip()):
            raise TargetError(
                tr(
                    "{url}: the management URL must be http(s)://host:port",
                    url=repr(redact(management_url)),
                ),
                TargetField.MANAGEMENT_URL,
            )
        rest = management_url.strip().partition("://")[2]
        at = _separator(rest)
        if at >= 0 and any(ch in rest[:at] for ch in "/?#"):
            raise TargetError(
                tr(
                    "{url}: the user name or password holds '/', '?' or '#'; "
                    "percent-encode them (%2F, %3F, %23, and %40 for '@')",
                    url=repr(redact(management_url)),
                ),
                TargetField.MANAGEMENT_URL,
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
        **tls_files,
    )


def _tls_files(options: dict[str, str], tls: bool, scheme: str, shown: str) -> dict[str, str]:
    """Take the CA, client certificate and key options out of `options`, checked."""
    found: dict[str, str] = {}
    for key in [k for k in options if k.lower() in TLS_FILE_KEYS]:
        value = options.pop(key).strip()
        field = TLS_FILE_KEYS[key.lower()]
        if not value:
            raise TargetError(
                tr("{url}: {key} is empty; give a file path", url=repr(shown), key=key),
                TargetField.QUERY,
            )
        if field in found and found[field] != value:
            raise TargetError(
                tr("{url}: two different files for {field}", url=repr(shown), field=field),
                TargetField.QUERY,
            )
        found[field] = value
    if found and not tls:
        secure = {"redis": "rediss", "redis+sentinel": "rediss+sentinel", "amqp": "amqps"}.get(
            scheme,
            tr("kafka+ssl or kafka+sasl_ssl") if scheme.startswith("kafka") else tr("a TLS scheme"),
        )
        raise TargetError(
            tr(
                "{url}: {options} only apply to TLS, and {scheme}:// does not use it: "
                "write {secure}://",
                url=repr(shown),
                options=", ".join(sorted(found)),
                scheme=scheme,
                secure=secure,
            ),
            TargetField.SCHEME,
        )
    if "ssl_keyfile" in found and "ssl_certfile" not in found:
        raise TargetError(
            tr(
                "{url}: ssl_keyfile without ssl_certfile: give the client certificate too",
                url=repr(shown),
            ),
            TargetField.QUERY,
        )
    return found


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
                tr(
                    "{url}: unknown listener protocol {protocol}; expected "
                    "host:port or one of {known}",
                    url=repr(redact(item)),
                    protocol=repr(match["scheme"]),
                    known=known,
                ),
                TargetField.SCHEME,
            )
        if protocol not in protocols:
            protocols.append(protocol)
        userinfo, at, host = match["rest"].rstrip("/").rpartition("@")
        if at and userinfo not in credentials:
            credentials.append(userinfo)
        hosts.append(host)
    if len(protocols) > 1:
        raise TargetError(
            tr(
                "{url}: the bootstrap servers mix security protocols "
                "({protocols}); a client uses one: list one listener per broker",
                url=repr(redact(servers)),
                protocols=", ".join(protocols),
            ),
            TargetField.SCHEME,
        )
    if len(credentials) > 1:
        raise TargetError(
            tr(
                "{url}: the bootstrap servers carry different credentials; "
                "a client logs in as one user",
                url=repr(redact(servers)),
            ),
            TargetField.USERINFO,
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
            broker = _guess_broker(name.split("[")[0], value)
            bad = EnvTargetError(name, value, broker, str(error), error.field)
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
