from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import LANGUAGE_OPTIONS, TIMEZONE_CHOICES, User

from .models import Club


def _member_by_reference(reference: str) -> User:
    reference = reference.strip()
    field = "email__iexact" if "@" in reference else "display_name__iexact"
    user = User.objects.filter(**{field: reference}, status=User.Status.MEMBER).first()
    if user is None:
        raise forms.ValidationError(_("No member with this display name or email."))
    return user


class ClubForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_OPTIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES)

    class Meta:
        model = Club
        fields = [
            "name",
            "slug",
            "city",
            "country",
            "is_online",
            "timezone",
            "languages",
            "description",
            "rhythm",
            "join_policy",
        ]


class ClubCreateForm(ClubForm):
    organizer = forms.CharField(
        label=_("First organizer"),
        max_length=254,
        help_text=_("Display name or email of an admitted member."),
    )

    def clean_organizer(self):
        return _member_by_reference(self.cleaned_data["organizer"])


class ClubFilterForm(forms.Form):
    country = forms.CharField(label=_("Country"), required=False, max_length=80)
    city = forms.CharField(label=_("City"), required=False, max_length=80)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *LANGUAGE_OPTIONS]
    )
    online = forms.BooleanField(label=_("Meets online"), required=False)


class OrganizerAddForm(forms.Form):
    member = forms.CharField(
        label=_("Member"),
        max_length=254,
        help_text=_("Display name or email of an admitted member."),
    )

    def clean_member(self):
        return _member_by_reference(self.cleaned_data["member"])


class ImpactFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    club = forms.ModelChoiceField(
        label=_("Club"),
        required=False,
        queryset=None,
        empty_label=_("All clubs"),
        to_field_name="slug",
    )

    def __init__(self, *args, clubs, allow_all: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["club"].queryset = clubs
        self.fields["club"].required = not allow_all

    def clean(self):
        data = super().clean()
        # Bounded: a period from year 1 to 9999 overflowed the month arithmetic
        # (a 500) and kept a worker busy for seconds per request.
        for name in ("start", "end"):
            value = data.get(name)
            if value and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                self.add_error(name, self.fields[name].error_messages["invalid"])
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class ProposalForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_OPTIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES)

    class Meta:
        from .models import ClubProposal

        model = ClubProposal
        fields = ["city", "country", "timezone", "languages", "playbook", "motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Approve and create the club")),
            ("reject", _("Decline")),
        ],
    )
    name = forms.CharField(label=_("Club name"), max_length=120, required=False)
    slug = forms.SlugField(label=_("Short name (in the address)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not (
            data.get("name") and data.get("slug")
        ):
            self.add_error("slug", _("A new club needs a name and a short name."))
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Please give a reason."))
        return data


class PlaybookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    meeting_format = forms.CharField(
        label=_("Meeting format"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    resources = forms.ModelMultipleChoiceField(
        label=_("First meeting plans"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        queryset=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from trainings.models import Resource

        self.fields["resources"].queryset = Resource.objects.filter(
            published=True, kind=Resource.Kind.SESSION_PLAN
        )
