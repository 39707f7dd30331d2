"""Whole-page cache for what visitors who are not signed in see.

A public page (the club directory, a club's page) is the same for every such
visitor except for the CSRF token of the language switcher. It is rendered
once per language and address with a placeholder token, kept for
PUBLIC_PAGE_CACHE_SECONDS, and each visitor gets their own token put in on the
way out. Signed-in users, visitors with a message waiting, addresses with a
query string (filters: unbounded keys) and anything but GET/HEAD always get a
fresh render. Only what anonymous visitors may see is ever stored.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

# Stands in for the CSRF token in a stored page; never a valid token itself.
CSRF_PLACEHOLDER = "public-page-csrf-token-placeholder"


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def render_public(
    request: HttpRequest, template_name: str, get_context: Callable[[], dict]
) -> HttpResponse:
    """``render``, served from the cache to visitors who are not signed in.

    ``get_context`` is only called on a miss (or for a fresh render), so a hit
    costs no query. A 404 raised by it is never stored.
    """
    if not _cacheable(request):
        return render(request, template_name, get_context())
    digest = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    key = f"public-page:{get_language()}:{digest}"
    page = cache.get(key)
    if page is None:
        context = {**get_context(), "csrf_token": CSRF_PLACEHOLDER}
        page = render_to_string(template_name, context, request)
        cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))
