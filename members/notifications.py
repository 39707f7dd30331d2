from django.utils.translation import gettext_lazy as _

from core.notifications import register


@register("welcome", label=_("Welcome message"))
def build_welcome(notification):
    return {}
