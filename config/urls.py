from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

# The admin login goes through allauth: same rate limits, same MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("events.urls")),
    path("clubs/", include("clubs.urls")),
    path("trainings/", include("trainings.urls")),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
]

if settings.MOSTY_BENCH:
    from bench.views import floor

    urlpatterns.insert(0, path("bench/floor", floor))
