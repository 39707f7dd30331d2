import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ClubFactory, EventFactory, MemberFactory, join

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def _token(response) -> str:
    return re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    ).group(1)


def test_public_page_is_rendered_once_for_visitors(client, django_assert_num_queries):
    club = ClubFactory()
    EventFactory(club=club, title="Open evening")
    first = client.get(club.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Open evening" in first.text
    with django_assert_num_queries(0):
        second = Client().get(club.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 200
    assert "Open evening" in second.text


def test_each_visitor_gets_their_own_working_csrf_token():
    ClubFactory()
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(reverse("clubs:club-list"))
        token = _token(page)
        assert "placeholder" not in token
        response = visitor.post(
            reverse("core:language-set"),
            {"language": "en", "csrfmiddlewaretoken": token, "next": "/clubs/"},
        )
        assert response.status_code == 302
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_signed_in_member_gets_a_fresh_page(client):
    club = ClubFactory()
    # A visitor fills the cache.
    Client().get(club.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    member = join(club, MemberFactory(display_name="Signed In Member"))
    client.force_login(member)
    page = client.get(club.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Signed In Member" in page.text
    assert reverse("clubs:club-leave", args=[club.slug]) in page.text


def test_visitor_with_a_message_gets_a_fresh_page(client):
    # A visitor fills the cache.
    Client().get(reverse("clubs:club-list"), HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(MemberFactory())
    client.post(reverse("account_logout"))  # leaves a "signed out" message
    page = client.get(reverse("clubs:club-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="messages"' in page.text


def test_filtered_directory_is_not_cached(client):
    ClubFactory(country="Germany")
    url = reverse("clubs:club-list") + "?country=germany"
    client.get(url)
    response = Client().get(url)
    assert [c.country for c in response.context["clubs"]] == ["Germany"]


def test_unknown_club_stays_404(client):
    assert client.get("/clubs/nope/").status_code == 404
    assert Client().get("/clubs/nope/").status_code == 404
