from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from clubs.models import Club

from .models import (
    LANGUAGE_CHOICES,
    LANGUAGE_OPTIONS,
    TIMEZONE_CHOICES,
    Application,
    Decision,
    Role,
    User,
)


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
        fields = [
            "display_name",
            "language",
            "timezone",
            "reminders_enabled",
            "journal_in_aggregates",
        ]
        labels = {
            "display_name": _("Display name"),
            "timezone": _("Time zone"),
            "reminders_enabled": _("Send me reminders before meetings"),
        }

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


class ApplicationForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_("How other members will know you. It need not be your real name."),
    )
    country = forms.CharField(
        label=_("Country of residence"),
        max_length=80,
        required=False,
        help_text=_("Optional. A country is enough."),
    )
    city = forms.CharField(
        label=_("City of residence"),
        max_length=80,
        required=False,
        help_text=_("Optional. Only the city, never an address."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_OPTIONS,
        widget=forms.CheckboxSelectMultiple,
    )
    statement = forms.CharField(
        label=_("Your position on the war"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "In your own words. Vetters read it; it is deleted after a decision."
        ),
    )
    motivation = forms.CharField(
        label=_("What you hope to get from a club"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )
    heard_from = forms.CharField(label=_("How you heard of the clubs"), max_length=300)
    voucher_1 = forms.CharField(
        label=_("A member who can vouch for you"),
        max_length=254,
        required=False,
        help_text=_("Their display name or email. Up to three members, optional."),
    )
    voucher_2 = forms.CharField(
        label=_("A second member (optional)"), max_length=254, required=False
    )
    voucher_3 = forms.CharField(
        label=_("A third member (optional)"), max_length=254, required=False
    )
    reply = forms.CharField(
        label=_("Your answer to the vetters"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, user: User, application: Application | None = None, **kw):
        self.user = user
        self.application = application
        super().__init__(*args, **kw)
        if (
            application is None
            or application.status != Application.Status.INFO_REQUESTED
        ):
            del self.fields["reply"]
        else:
            self.fields["reply"].required = True
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("save", _("Send application") if application is None else _("Save"))
        )

    def clean_display_name(self):
        return _clean_display_name(
            self.cleaned_data["display_name"], exclude_pk=self.user.pk
        )

    @property
    def voucher_refs(self) -> list[str]:
        return [
            self.cleaned_data.get(f"voucher_{i}", "")
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"voucher_{i}")
        ]


class VouchResponseForm(forms.Form):
    comment = forms.CharField(
        label=_("A short comment for the vetters"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("How you know this person. Only vetters read it."),
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text=_(
            "Required. For “ask for more information”, this is the question the "
            "applicant will see."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("decide", _("Record decision")))


class RoleGrantForm(forms.Form):
    member = forms.CharField(
        label=_("Member"),
        max_length=254,
        help_text=_("Display name or email of an admitted member."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    club = forms.ModelChoiceField(
        label=_("Club (for organizers only)"),
        queryset=Club.objects.all(),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("grant", _("Give role")))

    def clean_member(self):
        reference = self.cleaned_data["member"].strip()
        field = "email__iexact" if "@" in reference else "display_name__iexact"
        user = User.objects.filter(**{field: reference}).first()
        if user is None:
            raise forms.ValidationError(
                _("No account with this display name or email.")
            )
        return user


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    actor = forms.IntegerField(label=_("Actor id"), required=False, min_value=1)
    target_type = forms.CharField(label=_("Target type"), required=False, max_length=64)
    target_id = forms.IntegerField(label=_("Target id"), required=False, min_value=1)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data are deleted at once."),
        required=True,
    )


# --- Journal and stories ----------

from .models import (  # noqa: E402
    APPROACHES,
    CHANNELS,
    FEELINGS,
    RELATIONSHIPS,
    STANCE,
    TOPICS,
    Story,
)


class JournalPersonForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=80,
        help_text=_("Your own word for them, e.g. “mother-in-law”. Not a name."),
    )
    relationship = forms.ChoiceField(label=_("Relationship"), choices=RELATIONSHIPS)
    region = forms.CharField(
        label=_("Region (optional, coarse)"), max_length=80, required=False
    )


class JournalEntryForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS)
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=TOPICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    approaches = forms.MultipleChoiceField(
        label=_("Approaches tried"),
        choices=APPROACHES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stance_before = forms.TypedChoiceField(
        label=_("Their stance before"), choices=STANCE, coerce=int
    )
    stance_after = forms.TypedChoiceField(
        label=_("Their stance after"), choices=STANCE, coerce=int
    )
    feeling = forms.TypedChoiceField(
        label=_("How it felt"), choices=FEELINGS, coerce=int
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Encrypted; only you can read them."),
    )

    def clean_date(self):
        from django.utils import timezone

        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Story"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Leave out names, places and anything that could "
            "identify you or the other person."
        ),
    )
    club = forms.ModelChoiceField(label=_("Your club"), queryset=None)
    audience = forms.ChoiceField(label=_("Share with"), choices=Story.Audience.choices)
    anonymous = forms.BooleanField(
        label=_("Share anonymously"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from clubs.models import Club

        self.fields["club"].queryset = Club.objects.filter(
            memberships__user=user, memberships__status="active"
        )
