from django.db import models
from django.utils.translation import gettext_lazy as _


class Club(models.Model):
    """A club. The clubs-and-events issue extends it; organizers are roles
    (members.RoleAssignment with this club), the same mechanism as platform roles."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        ordering = ["name"]
        verbose_name = _("club")
        verbose_name_plural = _("clubs")

    def __str__(self):
        return self.name
