"""The conversation journal and shared stories (writes).

The journal is its author's alone: every function takes the owner and every
read in selectors filters on it; nothing here is ever shown to organizers or
admins, and the Django admin does not register these models.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from .models import JournalEntry, JournalPerson, Story, StoryReaction, User

ENTRY_FIELDS = (
    "date",
    "channel",
    "topics",
    "approaches",
    "stance_before",
    "stance_after",
    "feeling",
    "notes",
)


def person_create(
    *, owner: User, label: str, relationship: str, region: str = ""
) -> JournalPerson:
    label = (label or "").strip()
    if not label:
        raise DomainError(_("Give the person a label, for example “mother-in-law”."))
    return JournalPerson.objects.create(
        owner=owner,
        label=label,
        relationship=relationship,
        region=(region or "").strip(),
    )


def person_update(
    *,
    person: JournalPerson,
    owner: User,
    label: str,
    relationship: str,
    region: str = "",
) -> JournalPerson:
    if person.owner_id != owner.pk:
        raise DomainError(_("This is not your journal."))
    person.label, person.relationship, person.region = (
        label.strip(),
        relationship,
        region,
    )
    person.save(update_fields=["label", "relationship", "region"])
    return person


def person_delete(*, person: JournalPerson, owner: User) -> None:
    if person.owner_id != owner.pk:
        raise DomainError(_("This is not your journal."))
    person.delete()


def entry_save(
    *, person: JournalPerson, owner: User, data: dict, entry: JournalEntry | None = None
) -> JournalEntry:
    if person.owner_id != owner.pk or (
        entry is not None and entry.owner_id != owner.pk
    ):
        raise DomainError(_("This is not your journal."))
    if entry is None:
        entry = JournalEntry(person=person, owner=owner)
    for field in ENTRY_FIELDS:
        setattr(entry, field, data[field])
    entry.save()
    return entry


def entry_delete(*, entry: JournalEntry, owner: User) -> None:
    if entry.owner_id != owner.pk:
        raise DomainError(_("This is not your journal."))
    entry.delete()


def story_share(
    *,
    author: User,
    title: str,
    body: str,
    audience: str,
    club=None,
    anonymous: bool = True,
) -> Story:
    """Share experience with a club (or all members). Organizers approve first."""
    if audience == Story.Audience.CLUB and club is None:
        raise DomainError(_("Choose the club to share with."))
    if (
        club is not None
        and not club.memberships.filter(user=author, status="active").exists()
    ):
        raise DomainError(_("You can share only with a club you belong to."))
    if not body.strip() or not title.strip():
        raise DomainError(_("Give the story a title and some text."))
    return Story.objects.create(
        author=author,
        title=title.strip(),
        body=body.strip(),
        audience=audience,
        club=club if audience == Story.Audience.CLUB else club,
        anonymous=anonymous,
    )


def story_decide(*, story: Story, actor: User, approve: bool) -> Story:
    updated = Story.objects.filter(pk=story.pk, status=Story.Status.PENDING).update(
        status=Story.Status.APPROVED if approve else Story.Status.REJECTED,
        decided_by_id=actor.pk,
    )
    if not updated:
        raise DomainError(_("This story has already been reviewed."))
    story.refresh_from_db()
    return story


def story_react(*, story: Story, member: User) -> bool:
    """'This helped me'. Returns False if the member had already reacted."""
    if story.status != Story.Status.APPROVED:
        raise DomainError(_("This story is not published."))
    try:
        with transaction.atomic():
            StoryReaction.objects.create(story=story, member=member)
    except IntegrityError:
        return False
    return True


def story_draft_from(*, entry: JournalEntry) -> str:
    """A starting text for a story from one conversation: what was tried and how
    the stance moved. No label or notes: the member writes the rest."""
    approaches = ", ".join(
        str(dict(entry._meta.get_field("approaches").base_field.choices).get(a, a))
        for a in entry.approaches
    )
    return _(
        "A conversation by %(channel)s. What I tried: %(approaches)s. "
        "Their stance moved from %(before)d to %(after)d."
    ) % {
        "channel": entry.get_channel_display().lower(),
        "approaches": approaches or "—",
        "before": entry.stance_before,
        "after": entry.stance_after,
    }
