"""Shared steps of the browser tests."""

from core import services as outbox
from tests.factories import PASSWORD, totp_code


def sign_in(page, email, *, mfa=False, password=PASSWORD, secret=None):
    """Sign in through allauth's pages (and the TOTP step for staff)."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").first.click()
    if mfa:
        page.locator("#id_code").fill(totp_code(secret) if secret else totp_code())
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/" not in url)


def deliver_due():
    """What beat and the workers do, inline: claim due outbox rows and send them."""
    for notification_id in outbox.notifications_claim_due():
        outbox.notification_send(notification_id=notification_id)
