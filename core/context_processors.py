from django.conf import settings
from django.urls import get_script_prefix, reverse

# The links in the navigation of every page (templates/_navbar.html), reversed
# once per process and script prefix instead of with a url tag per link on
# every request (each one walks the URL resolver).
NAV_URL_NAMES = (
    "account_login",
    "account_logout",
    "account_signup",
    "admin:index",
    "clubs:club-create",
    "clubs:club-list",
    "clubs:impact",
    "clubs:proposal-create",
    "clubs:proposal-list",
    "core:home",
    "core:language-set",
    "core:notification-list",
    "members:account",
    "members:application",
    "members:audit-log",
    "members:journal",
    "members:role-list",
    "members:story-list",
    "members:vetting-queue",
    "members:vouch-list",
    "trainings:programme-list",
    "trainings:resource-list",
)
_nav_urls: dict[str, dict[str, str]] = {}


def _nav_url_map() -> dict[str, str]:
    prefix = get_script_prefix()
    urls = _nav_urls.get(prefix)
    if urls is None:
        urls = {
            name.replace(":", "_").replace("-", "_"): reverse(name)
            for name in NAV_URL_NAMES
        }
        _nav_urls[prefix] = urls
    return urls


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "NAV_URLS": _nav_url_map()}
