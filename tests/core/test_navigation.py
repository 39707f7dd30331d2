"""The navigation's links are reversed once (core/context_processors.py):
each one still points where the URL configuration says."""

import pytest
from django.urls import reverse

from core.context_processors import NAV_URL_NAMES
from tests.factories import UserFactory, make_admin

pytestmark = pytest.mark.django_db


def test_every_navigation_link_is_its_reversed_url(client):
    admin = make_admin()
    client.force_login(admin)
    html = client.get(reverse("core:privacy")).content.decode()
    for name in NAV_URL_NAMES:
        if name in ("account_login", "account_signup", "members:application"):
            continue  # shown to visitors and applicants only
        assert (
            f'href="{reverse(name)}' in html or f'action="{reverse(name)}"' in html
        ), name


def test_visitors_see_sign_in_and_sign_up(client):
    html = client.get(reverse("core:privacy")).content.decode()
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html


def test_applicants_see_their_application(client):
    client.force_login(UserFactory())
    html = client.get(reverse("core:privacy")).content.decode()
    assert f'href="{reverse("members:application")}"' in html
