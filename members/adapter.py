import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext

from . import services

logger = logging.getLogger(__name__)

# Marks the message, so that the pages that would say "we have sent you an
# email" say that it could not be sent (templates/account/, the `has_tag` filter).
MAIL_NOT_SENT_TAG = "mail-not-sent"
SENT_MESSAGES = {
    "account/messages/email_confirmation_sent.txt",
    "account/messages/login_code_sent.txt",
}


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """The account's own emails (address confirmation, password reset,
        sign-in code) carry a secret link or code, so they are sent at once,
        not through the outbox, whose rows hold ids only. If the mail server
        is down or refuses, the person gets a clear message instead of an
        error page, and nothing they entered is lost: the account exists and
        any of these emails can be asked for again.

        Known and unknown addresses fail alike only because allauth writes to
        unknown ones too (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS) and sign-in codes
        cannot be re-sent (ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND, whose resend
        skips unknown addresses): both pinned in config/settings.py."""
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as exc:
            # An error, not a warning: a down or misconfigured mail server
            # stops sign-ups. The kind of email and the error class only, no
            # address (privacy rule 8).
            logger.error(
                "account email %s not sent: %s", template_prefix, type(exc).__name__
            )
            request = allauth_context.request
            if request is not None:
                request.mosty_mail_failed = True
                messages.error(
                    request,
                    gettext(
                        "We could not send you an email just now. Please try "
                        "again in a few minutes."
                    ),
                    extra_tags=MAIL_NOT_SENT_TAG,
                )

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # "A confirmation email / a code was sent to ...": not when it was not.
        if (
            getattr(request, "mosty_mail_failed", False)
            and message_template in SENT_MESSAGES
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data.get("display_name") or user.display_name
        user.timezone = data.get("timezone") or "UTC"
        language = translation.get_language() or "ru"
        user.language = "en" if language.startswith("en") else "ru"
        if commit:
            user.save()
        return user

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.user_welcome(user=email_address.user)
        return confirmed
