"""How TLS failures are named: a server that wants a client certificate, or refuses the one sent."""

from __future__ import annotations

import ssl

import pytest

from advisor.probe import classify
from advisor.probe.models import FailureClass


@pytest.mark.parametrize(
    ("text", "client_cert", "words", "hint_words"),
    [
        (
            "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required",
            None,
            "requires a client certificate and none was sent",
            "ssl_certfile",
        ),
        (
            "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate",
            False,
            "requires a client certificate and none was sent",
            "ssl_keyfile",
        ),
        (
            "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca",
            True,
            "refused the client certificate",
            "signed by a CA the server trusts",
        ),
        (
            "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure",
            False,
            "TLS handshake with",
            "client certificate (mutual TLS)",
        ),
        (
            "[SSL: WRONG_VERSION_NUMBER] wrong version number",
            False,
            "TLS handshake with",
            "plain text",
        ),
    ],
)
def test_tls_alerts_about_the_client_certificate_are_named(
    text: str, client_cert: bool | None, words: str, hint_words: str
) -> None:
    failure = classify.tls_failure(ssl.SSLError(1, text), "h:1", client_cert=client_cert)
    assert failure.failure_class is FailureClass.TLS
    assert words in failure.details
    assert hint_words in failure.hint
    assert "cipher" not in failure.hint or "client certificate" in failure.hint


@pytest.mark.parametrize(
    ("text", "sent", "hinted"),
    [
        # What redis-py and pika make of a TLS 1.3 server that wanted a certificate: the end.
        (
            "ConnectionError: Error 8 while writing to socket. EOF occurred in violation of "
            "protocol (_ssl.c:2427)",
            False,
            True,
        ),
        (
            "SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required",
            False,
            True,
        ),
        ("SSLError: sslv3 alert handshake failure", False, True),
        # A certificate was sent: the hint would mislead; an unrelated error gets none.
        ("EOF occurred in violation of protocol", True, False),
        ("ConnectionRefusedError: [Errno 111] Connection refused", False, False),
    ],
)
def test_client_cert_hint_from_any_library_text(text: str, sent: bool, hinted: bool) -> None:
    hint = classify.client_cert_hint(text, sent=sent)
    assert (hint is not None) is hinted
    if hint:
        assert "ssl_certfile" in hint
