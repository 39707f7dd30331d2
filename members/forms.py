from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGE_CHOICES, TIMEZONE_CHOICES, User


def _clean_display_name(value: str, *, exclude_pk=None) -> str:
    value = " ".join(value.split())
    if len(value) < 2:
        raise forms.ValidationError(_("Use at least 2 characters."))
    if "@" in value:
        raise forms.ValidationError(
            _("A display name cannot contain “@”: it must not be an email address.")
        )
    taken = User.objects.filter(display_name__iexact=value)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(
            _("This display name is already taken. Please choose another one.")
        )
    return value


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_(
            "Shown to other members. Use a pseudonym if you prefer: no real name "
            "is needed anywhere."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIMEZONE_CHOICES,
        initial="UTC",
        help_text=_("Meeting times are shown in this zone. You can change it later."),
        widget=forms.Select(attrs={"data-detect-timezone": "1"}),
    )

    def clean_display_name(self):
        return _clean_display_name(self.cleaned_data["display_name"])

    def signup(self, request, user):
        # The adapter's save_user already stored these; allauth calls this hook too.
        pass


class AccountForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    class Meta:
        model = User
        fields = ["display_name", "language", "timezone"]
        labels = {"display_name": _("Display name"), "timezone": _("Time zone")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].help_text = _(
            "Used for the pages and for every message we send you."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))

    def clean_display_name(self):
        return _clean_display_name(
            self.cleaned_data["display_name"], exclude_pk=self.instance.pk
        )
