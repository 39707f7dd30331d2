"""A Redis cache that fails open.

When Redis is unreachable the site keeps serving: reads miss, writes are
dropped, and a warning is logged (no keys or values, which may be personal).
Rate limits therefore relax while Redis is down instead of locking everyone out.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


def _fail_open(default_factory):
    def decorator(method):
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _ERRORS as exc:
                logger.warning("cache unavailable: %s", type(exc).__name__)
                return default_factory(*args, **kwargs)

        return wrapper

    return decorator


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new ``redis.Redis`` (with its ~170 response callbacks)
    for every cache call: a measurable share of a cached page. One client per
    connection pool is enough; clients are thread-safe and share the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    @_fail_open(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fail_open(lambda *a, **k: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    # True: allauth's rate-limit lock spins on add(); pretend we got it.
    @_fail_open(lambda *a, **k: True)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_fail_open(lambda *a, **k: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @_fail_open(lambda *a, **k: False)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @_fail_open(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_open(lambda *a, **k: [])
    def set_many(self, *args, **kwargs):
        return super().set_many(*args, **kwargs)

    @_fail_open(lambda *a, **k: None)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @_fail_open(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_open(lambda key, delta=1, version=None: delta)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fail_open(lambda *a, **k: None)
    def clear(self):
        return super().clear()
