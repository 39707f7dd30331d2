import pytest
from django.core.cache import cache

from tests.factories import UserFactory
from tests.private_redis import private_redis  # noqa: F401 - a fixture for every test


def _clear_own_cache_keys():
    from django.conf import settings

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    try:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception:  # noqa: BLE001 - Redis stopped by a fault test: nothing to clear
        pass


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate limits and cached sessions must not leak from one test into the next;
    # only this run's keys are removed (other runs may share the Redis database).
    _clear_own_cache_keys()
    yield


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Services raise translated messages; tests read them in English. Requests
    # still pick their own language (LocaleMiddleware / the account's choice).
    from django.utils import translation

    with translation.override("en"):
        yield
