from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import LANGUAGE_OPTIONS

from .models import Eligibility, EventFormat, EventKind, Series
from .recurrence import local_to_utc


class EventForm(forms.Form):
    """Times are entered in the club's time zone and stored in UTC."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in EventKind.choices if c[0] != EventKind.TRAINING],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_OPTIONS)
    speaker = forms.CharField(label=_("Speaker"), max_length=120, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices)
    venue_address = forms.CharField(
        label=_("Venue address"),
        max_length=300,
        required=False,
        help_text=_("Shown only to confirmed registrants, shortly before the start."),
    )
    online_link = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty to create a private video room automatically."),
    )
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_(
            "Leave empty for no limit. When full, members join a waiting list."
        ),
    )
    registration_opens = forms.DateTimeField(
        label=_("Registration opens"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Optional. Registration closes when the event starts."),
    )
    eligibility = forms.ChoiceField(
        label=_("Who may register"), choices=Eligibility.choices
    )

    def __init__(self, *args, club, **kwargs):
        self.club = club
        super().__init__(*args, **kwargs)
        self.fields["date"].help_text = _(
            "Times are in the club's time zone: %(zone)s."
        ) % {"zone": club.timezone}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start_local = datetime.combine(data["date"], data["start_time"])
        end_local = datetime.combine(data["date"], data["end_time"])
        if end_local <= start_local:
            self.add_error("end_time", _("The end must be after the start."))
            return data
        fmt = data.get("format")
        if fmt in (EventFormat.OFFLINE, EventFormat.HYBRID) and not data.get(
            "venue_address"
        ):
            self.add_error(
                "venue_address", _("An in-person meeting needs a venue address.")
            )
        data["starts_at"] = local_to_utc(start_local, self.club.timezone)
        data["ends_at"] = local_to_utc(end_local, self.club.timezone)
        opens = data.get("registration_opens")
        data["registration_opens_at"] = (
            local_to_utc(opens.replace(tzinfo=None), self.club.timezone)
            if opens
            else None
        )
        if (
            data["registration_opens_at"]
            and data["registration_opens_at"] >= data["starts_at"]
        ):
            self.add_error(
                "registration_opens", _("Registration must open before the start.")
            )
        return data

    def event_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "language": data["language"],
            "speaker": data["speaker"],
            "format": data["format"],
            "venue_address": data["venue_address"],
            "online_link": data["online_link"],
            "capacity": data["capacity"],
            "eligibility": data["eligibility"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "registration_opens_at": data["registration_opens_at"],
        }


REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    (Series.Frequency.WEEKLY, _("Every week or every N weeks")),
    (Series.Frequency.MONTHLY_WEEKDAY, _("Monthly on the same weekday")),
]
WEEK_OF_MONTH = [
    (1, _("first")),
    (2, _("second")),
    (3, _("third")),
    (4, _("fourth")),
    (-1, _("last")),
]


class EventCreateForm(EventForm):
    repeat = forms.ChoiceField(
        label=_("Repeat"), choices=REPEAT_CHOICES, required=False
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks"),
        min_value=1,
        max_value=8,
        initial=1,
        required=False,
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Which weekday of the month"),
        choices=WEEK_OF_MONTH,
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For monthly meetings: e.g. the third Wednesday."),
    )
    until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("repeat") and data.get("until") and data.get("date"):
            if data["until"] < data["date"]:
                self.add_error(
                    "until", _("The end of the series must be after its start.")
                )
        return data


class EventEditForm(EventForm):
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[
            ("one", _("This meeting only")),
            ("following", _("This and all later meetings")),
        ],
        initial="one",
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, has_series=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_series:
            del self.fields["scope"]


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Notes after the event"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
