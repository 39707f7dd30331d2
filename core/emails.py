"""One helper renders every email, in the recipient's language and time zone."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(
    template: str, context: dict, *, language: str, time_zone: str
) -> RenderedEmail:
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    with translation.override(language), timezone.override(time_zone):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)
