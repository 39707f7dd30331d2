"""A vetter adds a security key (WebAuthn) and signs in with it instead of a
code: in Debian's Chromium with its virtual authenticator (DevTools protocol),
so the allauth pages, their scripts under our CSP and the server's checks of
origin and relying party all take part."""

from allauth.mfa.models import Authenticator

from tests.e2e.helpers import sign_in
from tests.factories import PASSWORD, make_vetter


def _virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    return cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]


def test_vetter_adds_a_security_key_and_signs_in_with_it(page_factory):
    vetter = make_vetter(email="keys@example.org", display_name="Key Holder")
    page = page_factory()
    _virtual_authenticator(page)
    sign_in(page, vetter.email, mfa=True)

    page.goto("/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # allauth asks for the password again
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/webauthn/add/" in url)
    page.locator("input[name=name]").fill("Office key")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    keys = Authenticator.objects.filter(user=vetter, type=Authenticator.Type.WEBAUTHN)
    assert keys.count() == 1
    assert keys.get().last_used_at is None

    # Signed out, then in again: the password, then the key instead of a code.
    page.locator("form[action$='/accounts/logout/'] button").first.click()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(vetter.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert keys.get().last_used_at is not None  # the key, not a code, let them in
    page.goto("/vetting/")
    assert page.locator("h1").inner_text() == "Vetting"
    assert page.request_log.foreign() == []
