import pytest
from django.core.cache import cache

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    # The test Redis database (15) is ours alone: rate limits must not leak
    # from one test into the next.
    cache.clear()
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
