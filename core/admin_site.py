from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class MostyAdminSite(admin.AdminSite):
    """The Django admin, closed to staff who have not enrolled two-factor
    authentication (they are sent to enrol first, like every staff page).
    Its login goes through allauth (config/urls.py): same rate limits and MFA."""

    site_header = "Mosty"
    site_title = "Mosty"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            user = request.user
            from allauth.mfa.utils import is_mfa_enabled

            if user.is_authenticated and user.is_staff and not is_mfa_enabled(user):
                from members.access import mfa_redirect

                return mfa_redirect(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)


class MostyAdminConfig(AdminConfig):
    default_site = "core.admin_site.MostyAdminSite"
