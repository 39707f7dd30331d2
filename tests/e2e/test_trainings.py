"""A trainer creates a three-session programme in the browser; three members
apply; the trainer accepts two for a cohort of two (the third waits); the
sessions are attended; a strategy is written and commented; the trainee
completes, downloads the certificate, and answers the 7-day follow-up."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.e2e.helpers import deliver_due, sign_in  # noqa: E402
from tests.factories import (
    ClubFactory,
    MemberFactory,
    make_trainer,
)
from trainings.models import CheckIn, Programme, TrainingApplication

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_programme_from_applications_to_follow_up(page_factory):
    club = ClubFactory(name="Berlin club", slug="berlin", timezone="Europe/Berlin")
    make_trainer(email="trainer@example.org", display_name="Trainer T", language="en")
    applicants = [
        MemberFactory(
            email=f"a{i}@example.org", display_name=f"Applicant {i}", language="en"
        )
        for i in (1, 2, 3)
    ]
    berlin = ZoneInfo("Europe/Berlin")
    now = timezone.now().astimezone(berlin)

    trainer = page_factory(locale="en-US")
    sign_in(trainer, "trainer@example.org", mfa=True)
    trainer.goto("/trainings/new/")
    trainer.get_by_label("Title").fill("Communicators")
    trainer.get_by_label("Host club").select_option(str(club.pk))
    trainer.get_by_label("Cohort size").fill("2")
    trainer.get_by_label("Applications open").fill(
        (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    trainer.get_by_label("Applications close").fill(
        (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    )
    trainer.get_by_role("button", name="Save").click()
    programme = Programme.objects.get()
    for day in (1, 2, 3):
        trainer.goto(f"/trainings/{programme.pk}/sessions/new/")
        trainer.get_by_label("Title").fill(f"Session {day}")
        trainer.get_by_label("Venue address").fill("Training room")
        trainer.get_by_label("Date").fill(
            (now + timedelta(days=day)).date().isoformat()
        )
        trainer.get_by_label("Starts at").fill("10:00")
        trainer.get_by_label("Ends at").fill("12:00")
        trainer.get_by_role("button", name="Add the session").click()
    assert programme.sessions.count() == 3

    pages = {}
    for applicant in applicants:
        page = page_factory(locale="en-US")
        sign_in(page, applicant.email)
        page.goto(f"/trainings/{programme.pk}/apply/")
        page.get_by_label("Why you want to take part").fill("To reach my town")
        page.get_by_label("Hours per week you can give").fill("4")
        page.get_by_label("Your experience of such conversations").fill("Family talks")
        page.get_by_label("Whom you want to reach").fill("Former colleagues")
        page.get_by_role("button", name="Send application").click()
        pages[applicant.email] = page

    def decide(name, decision):
        trainer.goto(f"/trainings/{programme.pk}/applications/")
        trainer.get_by_role("link", name=name).click()
        trainer.get_by_label(decision).check()
        trainer.get_by_role("button", name="Record decision").click()

    decide("Applicant 1", "Accept")
    decide("Applicant 2", "Accept")
    decide("Applicant 3", "Accept")
    assert trainer.get_by_text("The cohort is full").is_visible()
    trainer.get_by_label("Put on the waiting list").check()
    trainer.get_by_role("button", name="Record decision").click()
    statuses = dict(TrainingApplication.objects.values_list("member__email", "status"))
    assert statuses == {
        "a1@example.org": "accepted",
        "a2@example.org": "accepted",
        "a3@example.org": "waitlisted",
    }

    # Sessions are attended (marked on each session's check-in page).
    for session in programme.sessions.order_by("starts_at"):
        trainer.goto(f"/events/{session.pk}/check-in/")
        trainer.get_by_role("button", name="Applicant 1 attended").click()

    # The trainee writes and submits a strategy; the trainer comments.
    trainee = pages["a1@example.org"]
    trainee.goto("/trainings/")
    trainee.get_by_role("link", name="My strategy").click()
    trainee.get_by_label("Goal").fill("Reach 30 former colleagues")
    trainee.get_by_label("Colleagues").check()
    trainee.get_by_label("Planned reach (people)").fill("30")
    trainee.get_by_role("button", name="Save and submit").click()
    assert trainee.get_by_text("Your strategy has been saved.").is_visible()
    application = TrainingApplication.objects.get(member__email="a1@example.org")
    trainer.goto(f"/trainings/trainees/{application.pk}/strategy/")
    trainer.get_by_role("textbox", name="Comment").fill("Add a first milestone")
    trainer.get_by_role("button", name="Add comment").click()

    trainer.goto(f"/trainings/{programme.pk}/trainees/")
    trainer.get_by_role(
        "button", name="Mark everyone who meets the rule complete"
    ).click()
    assert trainer.get_by_text("1 trainees marked complete.").is_visible()

    trainee.goto("/trainings/")
    with trainee.expect_download() as download:
        trainee.get_by_role("link", name="Download my certificate").click()
    assert download.value.suggested_filename.endswith(".svg")

    # Seven days later the follow-up arrives and is answered.
    application.refresh_from_db()
    with time_machine.travel(application.completed_at + timedelta(days=7, minutes=5)):
        deliver_due()
        followups = [
            m
            for m in mail.outbox
            if m.to == ["a1@example.org"] and m.subject == "A short check-in"
        ]
        assert len(followups) == 1
        trainee.goto("/trainings/")
        trainee.get_by_role("link", name=re.compile("Check-in after 7 days")).click()
        trainee.get_by_label("People reached so far").fill("6")
        trainee.get_by_label("Conversations held").fill("4")
        trainee.get_by_label("What worked").fill("Personal stories")
        trainee.get_by_role("button", name="Send").click()
    checkin = CheckIn.objects.get(trainee=application, day=7)
    assert checkin.submitted_at and checkin.people_reached == 6

    for page in [trainer, *pages.values()]:
        assert page.request_log.foreign() == []
