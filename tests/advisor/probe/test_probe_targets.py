"""Target parsing, environment targets and password redaction."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.probe import targets
from advisor.probe.models import Endpoint
from advisor.workload import Broker


@pytest.mark.parametrize(
    ("url", "broker", "endpoints", "tls", "extra"),
    [
        ("redis://localhost", Broker.REDIS, [("localhost", 6379)], False, {"database": None}),
        ("redis://:pw@h:1234/3", Broker.REDIS, [("h", 1234)], False, {"database": 3}),
        ("rediss://u:pw@h", Broker.REDIS, [("h", 6379)], True, {"username": "u"}),
        (
            "redis+sentinel://a:26380,b/mymaster",
            Broker.REDIS,
            [("a", 26380), ("b", 26379)],
            False,
            {"sentinel_master": "mymaster"},
        ),
        ("redis://[::1]:7000", Broker.REDIS, [("::1", 7000)], False, {}),
        ("amqp://guest:guest@h", Broker.RABBITMQ, [("h", 5672)], False, {"vhost": "/"}),
        ("amqp://h/%2F", Broker.RABBITMQ, [("h", 5672)], False, {"vhost": "/"}),
        ("amqp://h//", Broker.RABBITMQ, [("h", 5672)], False, {"vhost": "/"}),
        ("amqps://h/prod%2Fa", Broker.RABBITMQ, [("h", 5671)], True, {"vhost": "prod/a"}),
        (
            "kafka://k1:9092,k2:9093",
            Broker.KAFKA,
            [("k1", 9092), ("k2", 9093)],
            False,
            {"sasl_mechanism": None},
        ),
        ("kafka+ssl://u:p@k", Broker.KAFKA, [("k", 9092)], True, {"sasl_mechanism": "PLAIN"}),
        (
            "kafka://k?sasl_mechanism=scram-sha-256&username=u&password=p",
            Broker.KAFKA,
            [("k", 9092)],
            False,
            {"sasl_mechanism": "SCRAM-SHA-256", "username": "u"},
        ),
        # Celery / kombu transport names
        ("pyamqp://g:p@q//", Broker.RABBITMQ, [("q", 5672)], False, {"vhost": "/"}),
        ("librabbitmq://q/prod", Broker.RABBITMQ, [("q", 5672)], False, {"vhost": "prod"}),
        ("confluentkafka://k1:9092", Broker.KAFKA, [("k1", 9092)], False, {}),
        (
            "sentinel://:pw@s1:26379;sentinel://s2:26380/2?master_name=mymaster",
            Broker.REDIS,
            [("s1", 26379), ("s2", 26380)],
            False,
            {"sentinel_master": "mymaster", "database": 2, "password": "pw"},
        ),
        (
            "sentinel://s1",
            Broker.REDIS,
            [("s1", 26379)],
            False,
            {"sentinel_master": None},  # asked of the Sentinel
        ),
        (
            "redis+sentinel://:master-pw@s1/mymaster?sentinel_password=s-pw&sentinel_username=u",
            Broker.REDIS,
            [("s1", 26379)],
            False,
            {
                "sentinel_master": "mymaster",
                "password": "master-pw",
                "sentinel_password": "s-pw",
                "options": {"sentinel_username": "u"},
            },
        ),
    ],
)
def test_parse_target(
    url: str, broker: Broker, endpoints: list[tuple[str, int]], tls: bool, extra: dict[str, object]
) -> None:
    target = targets.parse_target(url)
    assert target.broker is broker
    assert list(target.endpoints) == [Endpoint(host=h, port=p) for h, p in endpoints]
    assert target.tls is tls
    for name, value in extra.items():
        assert getattr(target, name) == value


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("localhost:6379", "missing scheme"),
        ("mysql://h", "unknown scheme 'mysql'"),
        ("redis://h:abc", "port 'abc' is not a number"),
        ("redis://h:70000", "out of range"),
        ("redis://", "no host"),
        ("redis://h/x", "database 'x' is not a number"),
        ("redis://a,b", "several hosts"),
        ("redis+sentinel://h:26379", "master name"),
        ("redis://::1", "must be in brackets"),
        ("amqp://h/a/b", "one path segment"),
        ("kafka://k/topic", "no path"),
        ("kafka://k?sasl_mechanism=PLAIN", "needs both a username and a password"),
        ("kafka://k?sasl_mechanism=MAGIC&username=u&password=p", "unknown sasl_mechanism"),
        ("redis://h?password=x", "userinfo"),
        ("redis://h?sentinel_password=x", "userinfo"),  # only Sentinel URLs take one
        ("amqp://h1//;amqp://h2//", "one at a time"),
    ],
)
def test_malformed_targets_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(targets.TargetError, match=message):
        targets.parse_target(url)


def test_error_messages_do_not_show_the_password() -> None:
    with pytest.raises(targets.TargetError) as info:
        targets.parse_target("redis://:hunter2secret@h:abc")
    assert "hunter2secret" not in str(info.value)


def test_targets_from_env() -> None:
    env = {
        "REDIS_URL": "redis://:x@r:6379/0",
        "CELERY_BROKER_URL": "amqp://g:p@q//",
        "KAFKA_BOOTSTRAP_SERVERS": "k1:9092, k2:9092",
        "RABBITMQ_MANAGEMENT_URL": "http://g:p@q:15672",
    }
    found = targets.targets_from_env(env)
    assert [t.broker for t in found] == [Broker.REDIS, Broker.RABBITMQ, Broker.KAFKA]
    assert found[1].vhost == "/"
    assert found[1].management_url == "http://g:p@q:15672"
    assert [str(e) for e in found[2].endpoints] == ["k1:9092", "k2:9092"]
    assert targets.targets_from_env({}) == []


def test_targets_from_env_names_the_bad_variable() -> None:
    with pytest.raises(targets.TargetError, match=r"^AMQP_URL: "):
        targets.targets_from_env({"AMQP_URL": "amqp://h/a/b"})


def test_one_bad_variable_does_not_stop_the_others() -> None:
    errors: list[targets.EnvTargetError] = []
    found = targets.targets_from_env(
        {
            "REDIS_URL": "redis://:pw-secret@r:notaport/0",
            "CELERY_BROKER_URL": "pyamqp://g:p@q//",
            "KAFKA_BOOTSTRAP_SERVERS": "PLAINTEXT://k1:9092,SSL://k2:9093",
        },
        errors=errors,
    )
    assert [t.broker for t in found] == [Broker.RABBITMQ]
    assert [(e.variable, e.broker) for e in errors] == [
        ("REDIS_URL", Broker.REDIS),
        ("KAFKA_BOOTSTRAP_SERVERS", Broker.KAFKA),
    ]
    assert "mix security protocols" in str(errors[1])
    assert all("pw-secret" not in str(e) + e.shown for e in errors)


def test_celery_failover_list_gives_one_target_per_url() -> None:
    found = targets.targets_from_env({"CELERY_BROKER_URL": "amqp://g:p@q1//;amqp://g:p@q2//"})
    assert [str(t.endpoint) for t in found] == ["q1:5672", "q2:5672"]
    sentinels = targets.targets_from_env(
        {"CELERY_BROKER_URL": "sentinel://s1:26379;sentinel://s2:26379"}
    )
    assert len(sentinels) == 1 and len(sentinels[0].endpoints) == 2


@pytest.mark.parametrize(
    ("servers", "url"),
    [
        ("k1:9092, k2:9092", "kafka://k1:9092,k2:9092"),
        ("PLAINTEXT://k1:9092", "kafka://k1:9092"),
        ("SSL://k1:9093,SSL://k2:9093", "kafka+ssl://k1:9093,k2:9093"),
        ("SASL_SSL://k1:9094", "kafka+sasl_ssl://k1:9094"),
        ("sasl_plaintext://k1:9095,k2:9095", "kafka+sasl_plaintext://k1:9095,k2:9095"),
        ("kafka+ssl://k1:9093,k2:9093", "kafka+ssl://k1:9093,k2:9093"),
        (
            "SASL_SSL://u:pw@k1:9094,SASL_SSL://u:pw@k2:9094",
            "kafka+sasl_ssl://u:pw@k1:9094,k2:9094",
        ),
    ],
)
def test_kafka_bootstrap_servers_with_listener_prefixes(servers: str, url: str) -> None:
    assert targets.kafka_url_from_bootstrap(servers) == url
    target = targets.targets_from_env({"KAFKA_BOOTSTRAP_SERVERS": servers})[0]
    assert target.broker is Broker.KAFKA and target.url == url


@pytest.mark.parametrize(
    ("servers", "message"),
    [
        ("PLAINTEXT://k1:9092,SSL://k2:9093", "mix security protocols"),
        ("HTTP://k1:9092", "unknown listener protocol"),
        ("SASL_SSL://u:pw-one@k1:9094,SASL_SSL://v:pw-two@k2:9094", "different credentials"),
        ("SASL_SSL://u:pw-one@k1:9094,SSL://u:pw-two@k2:9093", "mix security protocols"),
    ],
)
def test_kafka_bootstrap_servers_that_cannot_work(servers: str, message: str) -> None:
    with pytest.raises(targets.TargetError, match=message) as info:
        targets.kafka_url_from_bootstrap(servers)
    assert "pw-one" not in str(info.value) and "pw-two" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("redis://:pw@h:1/0", "redis://:***@h:1/0"),
        ("amqp://user:pw@h/%2F", "amqp://user:***@h/%2F"),
        ("amqp://user@h", "amqp://user@h"),
        ("kafka://k?username=u&password=pw", "kafka://k?username=u&password=***"),
        ("no scheme", "no scheme"),
        # Pasted unencoded: '/', '?' and '#' would otherwise end the host part early.
        ("redis://:pa/ss@h:6379/0", "redis://:***@h:6379/0"),
        ("amqp://guest:gu?est@h:5672/", "amqp://guest:***@h:5672/"),
        ("redis://:p#w@h", "redis://:***@h"),
        ("kafka://k?username=a@b&password=pw", "kafka://k?username=a%40b&password=***"),
        (
            "sentinel://:pw@s1:26379;sentinel://:pw@s2:26379?sentinel_password=spw",
            "sentinel://:***@s1:26379;sentinel://:***@s2:26379?sentinel_password=***",
        ),
        (
            "SASL_SSL://u:pw@k1:9094,SASL_SSL://u:pw@k2:9094",
            "sasl_ssl://u:***@k1:9094,sasl_ssl://u:***@k2:9094",
        ),
    ],
)
def test_redact(url: str, redacted: str) -> None:
    assert targets.redact(url) == redacted


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("redis://:my/secret@h:6379/0", "my/secret"),
        ("amqp://u:se?cret@h/", "se?cret"),
        ("redis://:sec#ret@h", "sec#ret"),
    ],
)
def test_unencoded_password_is_refused_without_showing_it(url: str, password: str) -> None:
    with pytest.raises(targets.TargetError, match="percent-encode") as info:
        targets.parse_target(url)
    assert password not in str(info.value) and "***" in str(info.value)


def test_target_dump_excludes_secrets_unless_asked() -> None:
    target = targets.parse_target(
        "amqp://u:s3cr3tpw@h/%2F", management_url="http://u:m4nagepw@h:15672"
    )
    dumped = target.model_dump_json()
    assert "s3cr3tpw" not in dumped and "m4nagepw" not in dumped
    assert "s3cr3tpw" not in repr(target) and "s3cr3tpw" not in str(target)
    assert target.dump_with_secrets()["password"] == "s3cr3tpw"
    sentinel = targets.parse_target("redis+sentinel://s/m?sentinel_password=s3ntinelpw")
    for text in (sentinel.model_dump_json(), repr(sentinel), str(sentinel)):
        assert "s3ntinelpw" not in text
    assert sentinel.dump_with_secrets()["sentinel_password"] == "s3ntinelpw"


_SECRET = st.text(
    alphabet=string.ascii_letters + string.digits + "!$%&*+-.:;=@[]^_~/?#", min_size=8, max_size=24
).map(lambda s: "Zq9" + s)


@settings(max_examples=200, deadline=None)
@given(
    password=_SECRET,
    user=st.sampled_from(["", "alice", "svc-user"]),
    scheme=st.sampled_from(["redis", "rediss", "amqp", "amqps", "kafka", "kafka+ssl"]),
)
def test_password_never_in_dump_str_or_repr(password: str, user: str, scheme: str) -> None:
    url = f"{scheme}://{targets.userinfo(user or 'u', password)}broker.example:1234"
    target = targets.parse_target(url)
    assert target.password == password
    for text in (
        target.model_dump_json(),
        str(target),
        repr(target),
        target.display_url,
        targets.redact(url),
    ):
        assert password not in text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "rediss://h:6380/0?ssl_ca_certs=/ca.pem&ssl_certfile=/c.pem&ssl_keyfile=/k.pem",
            ("/ca.pem", "/c.pem", "/k.pem"),
        ),
        ("amqps://h/%2F?ssl_certfile=/both.pem", (None, "/both.pem", None)),
        ("kafka+sasl_ssl://u:p@h:9093?ssl_cafile=/ca.pem", ("/ca.pem", None, None)),
        ("kafka+ssl://h:9093?SSL_CERTFILE=/c.pem&ssl_keyfile=/k.pem", (None, "/c.pem", "/k.pem")),
    ],
)
def test_tls_file_options_become_fields(
    url: str, expected: tuple[str | None, str | None, str | None]
) -> None:
    target = targets.parse_target(url)
    assert (target.ssl_ca_certs, target.ssl_certfile, target.ssl_keyfile) == expected
    assert not {k.lower() for k in target.options} & set(targets.TLS_FILE_KEYS)


@pytest.mark.parametrize(
    ("url", "field", "words"),
    [
        ("redis://h/0?ssl_certfile=/c.pem", targets.TargetField.SCHEME, "rediss://"),
        ("amqp://h/?ssl_ca_certs=/ca.pem", targets.TargetField.SCHEME, "amqps://"),
        ("kafka://h?ssl_certfile=/c.pem", targets.TargetField.SCHEME, "kafka+ssl"),
        ("rediss://h/0?ssl_keyfile=/k.pem", targets.TargetField.QUERY, "without ssl_certfile"),
        ("rediss://h/0?ssl_certfile=", targets.TargetField.QUERY, "empty"),
        (
            "rediss://h/0?ssl_certfile=/c&ssl_keyfile=/k&ssl_keyfile_password=pw",
            targets.TargetField.QUERY,
            "encrypted client keys",
        ),
    ],
)
def test_tls_file_options_that_cannot_work_are_named(
    url: str, field: targets.TargetField, words: str
) -> None:
    with pytest.raises(targets.TargetError) as caught:
        targets.parse_target(url)
    assert caught.value.field is field
    assert words in str(caught.value)
