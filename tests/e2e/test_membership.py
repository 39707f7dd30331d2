"""The whole admission path in a real browser: sign up, apply naming a voucher,
the voucher confirms, two vetters (with two-factor codes) approve, and the new
member lands on the member home."""

import re

import pytest
from django.core import mail

from members.models import Application, User
from tests.e2e.helpers import sign_in  # noqa: E402
from tests.factories import MemberFactory, make_vetter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _approve(page, email, reason, *, tab):
    sign_in(page, email, mfa=True)
    page.get_by_role("link", name="Vetting").click()
    page.get_by_role("link", name=re.compile(tab)).click()
    page.get_by_role("link", name="Quiet Heron").click()
    page.get_by_label("Approve").check()
    page.get_by_label("Reason").fill(reason)
    page.get_by_label("Then open the next application").uncheck()
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Your decision has been recorded.").is_visible()


def test_sign_up_apply_vouch_vet_and_land_as_member(page_factory):
    MemberFactory(display_name="Trusted Friend", email="friend@example.org")
    make_vetter(email="vetter1@example.org", display_name="Vetter One")
    make_vetter(email="vetter2@example.org", display_name="Vetter Two")

    # 1. Sign up and verify the email address.
    applicant = page_factory(locale="en-US")
    applicant.goto("/accounts/signup/")
    applicant.get_by_label("Email").fill("heron@example.org")
    applicant.get_by_label("Display name").fill("Quiet Heron")
    applicant.locator("#id_password1").fill("a-long-enough-password-42")
    applicant.locator("#id_password2").fill("a-long-enough-password-42")
    applicant.locator("main form").get_by_role("button", name="Sign Up").click()
    applicant.wait_for_url("**/confirm-email/")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    applicant.goto(link.group(0))
    applicant.get_by_role("button", name="Confirm").click()

    # 2. Apply, naming a member who knows them.
    applicant.goto("/apply/")
    applicant.get_by_label("Country of residence").fill("Georgia")
    applicant.get_by_label("City of residence").fill("Tbilisi")
    applicant.get_by_label("Russian").check()
    applicant.get_by_label("Your position on the war").fill("I condemn the war openly.")
    applicant.get_by_label("What you hope to get from a club").fill("Talk with my dad.")
    applicant.get_by_label("How you heard of the clubs").fill("From a friend")
    applicant.get_by_label("A member who can vouch for you").fill("Trusted Friend")
    applicant.get_by_role("button", name="Send application").click()
    assert applicant.get_by_text("Your application has been sent").is_visible()
    assert applicant.get_by_text("not confirmed yet").is_visible()

    # 3. The voucher confirms.
    voucher = page_factory(locale="en-US")
    sign_in(voucher, "friend@example.org")
    voucher.get_by_role("link", name=re.compile("Vouch requests")).click()
    voucher.get_by_label("A short comment for the vetters").fill("Known for years")
    voucher.get_by_role("button", name="I know this person: confirm").click()
    assert voucher.get_by_text("your answer has been recorded").is_visible()

    # 4. Two vetters approve.
    _approve(
        page_factory(locale="en-US"),
        "vetter1@example.org",
        "Vouched, clear.",
        tab="New",
    )
    _approve(
        page_factory(locale="en-US"),
        "vetter2@example.org",
        "Agree.",
        tab="further approval",
    )
    application = Application.objects.get(applicant__email="heron@example.org")
    assert application.status == Application.Status.APPROVED

    # 5. The new member lands on the member home.
    applicant.goto("/")
    assert applicant.get_by_role("heading", name="Welcome, Quiet Heron").is_visible()
    assert applicant.get_by_text("Your clubs and next meetings").is_visible()
    assert User.objects.get(email="heron@example.org").is_member
    kinds = [m.subject for m in mail.outbox]
    assert "A request is waiting for you" not in kinds  # outbox, not sent inline

    for page in (applicant, voucher):
        assert page.request_log.foreign() == []
