from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.services import user_set_language

from . import health, selectors
from .notifications import kind_label


def home(request):
    context = {}
    if request.user.is_authenticated and request.user.is_member:
        from events.selectors import member_home

        context["home"] = member_home(user=request.user)
    return render(request, "core/home.html", context)


def privacy(request):
    return render(request, "core/privacy.html")


@never_cache
@require_GET
def healthz(request):
    checks = {"database": health.database_ok(), "redis": health.redis_ok()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "unavailable"}
    body.update({name: "ok" if up else "down" for name, up in checks.items()})
    return JsonResponse(body, status=200 if ok else 503)


@require_POST
def set_language(request):
    """Switch the interface language; for a signed-in user, store it too."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in ("ru", "en") and check_for_language(language):
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@login_required
def notification_list(request):
    page = Paginator(selectors.notification_list_for_user(user=request.user), 25)
    page_obj = page.get_page(request.GET.get("page"))
    rows = [(n, kind_label(n.kind)) for n in page_obj]
    return render(
        request, "core/notification_list.html", {"page_obj": page_obj, "rows": rows}
    )
