from django.core.cache import cache


def test_cache_calls_share_one_redis_client():
    cache.set("shared-client", 1)
    assert cache.get("shared-client") == 1
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("another-key", write=True) is client
