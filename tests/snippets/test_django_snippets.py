"""Django snippets through Django itself: cache and cached_db sessions land in the sandbox's
Redis (and a session survives losing its cache entry, as the report's advice says), and the
Channels layer fans a notification out to a group."""

from __future__ import annotations

import asyncio
import os
import types
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from advisor import engine, paths
from advisor.workload import Broker, load_workload
from tests.snippets.conftest import Render, unique

pytestmark = pytest.mark.integration
django = pytest.importorskip("django")
pytest.importorskip("django_redis")

WAIT_S = 5
CACHE_KEY = "ba-snippet-value"


def write_view(request: Any) -> Any:
    from django.core.cache import cache
    from django.http import HttpResponse

    request.session["cart"] = request.GET["value"]
    cache.set(CACHE_KEY, request.GET["value"])
    return HttpResponse("written")


def read_view(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse(request.session.get("cart", "<logged out>"))


def _urlpatterns() -> list[Any]:
    from django.urls import path

    return [path("write/", write_view), path("read/", read_view)]


def __getattr__(name: str) -> Any:  # ROOT_URLCONF: the URL patterns, built once Django is set up
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


@pytest.fixture(scope="module")
def django_site(
    render: Render, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, Any], str]]:
    """Django configured with the django-cache-sessions preset's snippet (executed as written,
    with the sandbox's Redis in REDIS_CACHE_URL and a key prefix of the test's own), an
    in-memory SQLite database with the sessions table; yields the snippet's names and the prefix."""
    from django.conf import settings

    if settings.configured:
        pytest.skip("Django was configured by another test in this process")
    code = render("django-cache-sessions", Broker.REDIS, "redis-django-cache")
    os.environ["REDIS_CACHE_URL"] = redis_url
    namespace: dict[str, Any] = {}
    try:
        exec(compile(code, "settings.py", "exec"), namespace)
    finally:
        del os.environ["REDIS_CACHE_URL"]
    prefix = unique("django")
    caches = {alias: {**cfg, "KEY_PREFIX": prefix} for alias, cfg in namespace["CACHES"].items()}
    settings.configure(
        SECRET_KEY=uuid.uuid4().hex,
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.sessions"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES=caches,
        SESSION_ENGINE=namespace["SESSION_ENGINE"],
        SESSION_CACHE_ALIAS=namespace["SESSION_CACHE_ALIAS"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
        ROOT_URLCONF=__name__,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        yield namespace, prefix
    finally:
        from django.core.cache import caches as django_caches

        django_caches.close_all()
        stale = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if stale:
            client.delete(*stale)
        client.close()


def test_cache_and_cached_db_sessions_land_in_redis(
    django_site: tuple[dict[str, Any], str], redis_url: str
) -> None:
    from django.contrib.sessions.models import Session
    from django.test import Client

    _namespace, prefix = django_site
    browser = Client()
    assert browser.get("/write/", {"value": "3 books"}).content == b"written"
    session_key = browser.cookies["sessionid"].value
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        assert client.exists(f"{prefix}:1:{CACHE_KEY}")
        session_cache_key = f"{prefix}:1:django.contrib.sessions.cached_db{session_key}"
        assert client.exists(session_cache_key), "the session is not cached in Redis"
        assert Session.objects.filter(session_key=session_key).exists()  # and kept in the DB
        assert browser.get("/read/").content == b"3 books"
        # Redis evicts the session (allkeys-lru, a restart): the user stays logged in.
        client.delete(session_cache_key)
        assert browser.get("/read/").content == b"3 books"
        assert client.exists(session_cache_key)  # read from the database, cached again
    finally:
        client.close()


def test_session_snippet_agrees_with_the_advice(django_site: tuple[dict[str, Any], str]) -> None:
    """The report's advice for this preset and its snippet name the same session engine."""
    namespace, _prefix = django_site
    workload = load_workload(paths.presets_dir() / "django-cache-sessions.yaml")
    advice = engine.recommend(workload, what_if=False).assessment(Broker.REDIS).advice
    advised = {a.value for a in advice if a.setting == "SESSION_ENGINE"}
    assert advised == {namespace["SESSION_ENGINE"]}


def test_channels_layer_fans_out_a_notification(
    render: Render, redis_url: str, snippet_module: Callable[..., types.ModuleType]
) -> None:
    """live-notifications: the Channels layer from the snippet delivers a group_send to a
    channel in the group, through the sandbox's Redis."""
    pytest.importorskip("channels_redis")
    from channels_redis.core import RedisChannelLayer

    os.environ["REDIS_CHANNELS_URL"] = redis_url
    try:
        module = snippet_module(render("live-notifications", Broker.REDIS, "redis-channels"))
    finally:
        del os.environ["REDIS_CHANNELS_URL"]
    layer_settings = module.CHANNEL_LAYERS["default"]
    assert layer_settings["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    prefix = unique("channels")

    async def exchange() -> dict[str, Any]:
        layer = RedisChannelLayer(**layer_settings["CONFIG"], prefix=prefix)
        try:
            channel = await layer.new_channel()
            await layer.group_add("user.42", channel)
            await layer.group_send("user.42", {"type": "notification.message", "text": "hi"})
            return await asyncio.wait_for(layer.receive(channel), WAIT_S)
        finally:
            await layer.flush()  # deletes every key under the prefix
            await layer.close_pools()

    assert asyncio.run(exchange()) == {"type": "notification.message", "text": "hi"}
