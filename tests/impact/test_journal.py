from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core import crypto
from members import journal, services
from members.models import JournalEntry, JournalPerson, Story
from tests.factories import ClubFactory, MemberFactory, join, make_admin, make_organizer

pytestmark = pytest.mark.django_db
NOTE = "Canary journal note: she cried about cousin Pavel"


def _entry(person, owner, day, before, after, notes=NOTE):
    return journal.entry_save(
        person=person,
        owner=owner,
        data={
            "date": day,
            "channel": "call",
            "topics": ["war"],
            "approaches": ["listening"],
            "stance_before": before,
            "stance_after": after,
            "feeling": 3,
            "notes": notes,
        },
    )


@pytest.fixture
def owner():
    return MemberFactory(language="en")


@pytest.fixture
def person(owner):
    return journal.person_create(
        owner=owner,
        label="aunt-canary-label",
        relationship="partner_relative",
        region="Perm",
    )


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_free_text_is_encrypted_at_rest(person, owner):
    entry = _entry(person, owner, date.today(), 2, 3)
    raw_note = _raw("members_journalentry", "notes", entry.pk)
    raw_label = _raw("members_journalperson", "label", person.pk)
    assert raw_note.startswith("enc1:") and "Pavel" not in raw_note
    assert "canary" not in raw_label and "Perm" not in _raw(
        "members_journalperson", "region", person.pk
    )
    assert JournalEntry.objects.get(pk=entry.pk).notes == NOTE


def test_key_rotation(person, owner, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.JOURNAL_ENCRYPTION_KEYS = [old]
    crypto._fernet.cache_clear()
    entry = _entry(person, owner, date.today(), 2, 3)
    person.save()  # label and region under the old key too
    before = _raw("members_journalentry", "notes", entry.pk)
    settings.JOURNAL_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_journal_keys")
    after = _raw("members_journalentry", "notes", entry.pk)
    assert after != before
    settings.JOURNAL_ENCRYPTION_KEYS = [new]  # the old key is gone
    assert JournalEntry.objects.get(pk=entry.pk).notes == NOTE
    assert JournalPerson.objects.get(pk=person.pk).label == "aunt-canary-label"


def test_journal_pages_are_404_for_everyone_else(client, person, owner):
    entry = _entry(person, owner, date.today(), 2, 3)
    club = ClubFactory()
    join(club, owner)
    urls = [
        reverse("members:journal-person", args=[person.pk]),
        reverse("members:journal-entry-edit", args=[entry.pk]),
    ]
    for other in (MemberFactory(), make_organizer(club), make_admin()):
        client.force_login(other)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404
            assert "Pavel" not in response.content.decode()
        assert (
            client.post(
                reverse("members:journal-entry-delete", args=[entry.pk])
            ).status_code
            == 404
        )
        assert "aunt-canary-label" not in client.get(reverse("members:journal")).text
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_journal_is_not_in_the_django_admin():
    from django.contrib import admin

    registered = {model.__name__ for model in admin.site._registry}
    assert not registered & {"JournalPerson", "JournalEntry"}


def test_owner_logs_conversations_and_sees_trend(client, owner, person):
    client.force_login(owner)
    for offset, (before, after) in enumerate([(2, 2), (2, 3), (3, 3), (3, 4)]):
        response = client.post(
            reverse("members:journal-person", args=[person.pk]),
            {
                "date": (date.today() - timedelta(days=90 - offset * 30)).isoformat(),
                "channel": "call",
                "topics": ["war"],
                "approaches": ["questions"],
                "stance_before": before,
                "stance_after": after,
                "feeling": 3,
                "notes": "ok",
            },
        )
        assert response.status_code == 302
    page = client.get(reverse("members:journal-person", args=[person.pk]))
    assert "There is movement" in page.text
    assert page.text.count("<circle") == 8
    future = client.post(
        reverse("members:journal-person", args=[person.pk]),
        {
            "date": (date.today() + timedelta(days=2)).isoformat(),
            "channel": "call",
            "stance_before": 1,
            "stance_after": 1,
            "feeling": 1,
        },
    )
    assert future.status_code == 200
    assert "cannot be in the future" in future.text


def test_journal_in_export_and_gone_with_the_account(person, owner):
    _entry(person, owner, date.today(), 2, 3)
    data = services.user_export_data(user=owner)
    assert data["journal"][0]["label"] == "aunt-canary-label"
    assert data["journal"][0]["conversations"][0]["notes"] == NOTE
    services.user_delete(user=owner)
    assert not JournalPerson.objects.exists() and not JournalEntry.objects.exists()


# --- Stories ------------------------------------------------------------------------


def test_story_needs_approval_and_stays_in_its_club(client):
    club, other_club = ClubFactory(), ClubFactory()
    author = join(club, MemberFactory())
    neighbour = join(club, MemberFactory())
    stranger = join(other_club, MemberFactory())
    organizer = make_organizer(club)
    story = journal.story_share(
        author=author,
        title="First real talk",
        body="It worked",
        audience="club",
        club=club,
    )
    client.force_login(neighbour)
    assert "First real talk" not in client.get(reverse("members:story-list")).text
    client.force_login(make_organizer(other_club))
    assert (
        client.post(
            reverse("members:story-decide", args=[story.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    client.force_login(organizer)
    client.post(
        reverse("members:story-decide", args=[story.pk]), {"decision": "approve"}
    )
    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED
    client.force_login(neighbour)
    page = client.get(reverse("members:story-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "First real talk" in page.text
    assert author.display_name not in page.text  # anonymous by default
    client.post(reverse("members:story-react", args=[story.pk]))
    client.post(reverse("members:story-react", args=[story.pk]))
    assert story.reactions.count() == 1
    client.force_login(stranger)
    assert "First real talk" not in client.get(reverse("members:story-list")).text
    assert (
        client.post(reverse("members:story-react", args=[story.pk])).status_code == 404
    )


def test_story_for_all_members(client):
    club = ClubFactory()
    author = join(club, MemberFactory())
    story = journal.story_share(
        author=author,
        title="For everyone",
        body="Text",
        audience="all",
        club=club,
        anonymous=False,
    )
    journal.story_decide(story=story, actor=make_organizer(club), approve=True)
    client.force_login(join(ClubFactory(), MemberFactory()))
    page = client.get(reverse("members:story-list"))
    assert "For everyone" in page.text and author.display_name in page.text


def test_story_only_for_own_club():
    from core.exceptions import DomainError

    with pytest.raises(DomainError):
        journal.story_share(
            author=MemberFactory(),
            title="t",
            body="b",
            audience="club",
            club=ClubFactory(),
        )


def test_turn_a_conversation_into_a_story_draft(client, owner, person):
    entry = _entry(person, owner, date.today(), 2, 4)
    client.force_login(owner)
    page = client.get(
        reverse("members:story-list") + f"?from_entry={entry.pk}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "moved from 2 to 4" in page.text
    assert "Pavel" not in page.text  # the private notes are not copied
    client.force_login(MemberFactory())
    assert (
        client.get(
            reverse("members:story-list") + f"?from_entry={entry.pk}"
        ).status_code
        == 404
    )
