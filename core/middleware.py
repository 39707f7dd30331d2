import zoneinfo

from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Apply a signed-in user's language and time zone to every request.

    Runs after AuthenticationMiddleware and LocaleMiddleware: the account's
    stored language wins over the browser's, so the choice follows the user
    from device to device and from the moment they sign in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class CsrfViewMiddleware(DjangoCsrfViewMiddleware):
    """Django's CSRF check, made to work with ``Referrer-Policy: no-referrer``.

    Under no-referrer, Chromium sends ``Origin: null`` and no Referer on a
    same-origin form POST, which Django rejects. Browsers also send
    ``Sec-Fetch-Site``, a header page scripts cannot set; when it says
    ``same-origin`` we accept the withheld Origin/Referer. The CSRF token is
    still checked on every unsafe request.
    """

    @staticmethod
    def _browser_says_same_origin(request) -> bool:
        return request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null" and self._browser_says_same_origin(
            request
        ):
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request):
        if "HTTP_REFERER" not in request.META and self._browser_says_same_origin(
            request
        ):
            return
        return super()._check_referer(request)
