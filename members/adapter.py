from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from . import services


class AccountAdapter(DefaultAccountAdapter):
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
