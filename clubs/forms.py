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
