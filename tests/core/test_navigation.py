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


# The menu is rendered once per language and set of roles and kept in each
# process (templates/_navbar.html, the "fragments" cache): it must never carry
# one person's name or token to another, and must follow what it depends on.


def test_cached_menu_carries_each_persons_own_name_and_token(client):
    from tests.factories import MemberFactory

    first = MemberFactory(display_name="Quiet Heron", language="en")
    second = MemberFactory(display_name="Calm Otter", language="en")
    client.force_login(first)
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Quiet Heron" in page
    client.force_login(second)
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Calm Otter" in page and "Quiet Heron" not in page
    # The sign-out form's token is masked anew on each page, never cached.
    again = client.get(reverse("core:privacy")).content.decode()
    assert _first_token(page) != _first_token(again)


def _first_token(page: str) -> str:
    import re

    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_cached_menu_follows_language_roles_and_badge(client):
    from members import services
    from tests.factories import APPLICATION_DATA, MemberFactory, give_role

    member = MemberFactory(language="en")
    client.force_login(member)
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Vouch requests" in page and "Vetting" not in page
    member.language = "ru"
    member.save(update_fields=["language"])
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Запросы поручительства" in page
    give_role(member, "vetter")
    page = client.get(reverse("core:privacy")).content.decode()
    assert f'href="{reverse("members:vetting-queue")}"' in page
    applicant = UserFactory()
    services.application_submit(
        applicant=applicant,
        display_name=applicant.display_name,
        data=APPLICATION_DATA,
        voucher_refs=[member.display_name],
    )
    page = client.get(reverse("core:privacy")).content.decode()
    assert '<span class="badge text-bg-primary">1<span' in page
