from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from events.forms import EventForm
from members.models import LANGUAGE_OPTIONS, Role, User

from .models import AUDIENCES, CheckIn, Programme, TrainingApplication


class ProgrammeForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_OPTIONS)
    club = forms.ModelChoiceField(
        label=_("Host club"),
        queryset=Club.objects.all(),
        help_text=_("Its city (or online) and time zone."),
    )

    class Meta:
        model = Programme
        fields = [
            "title",
            "description",
            "language",
            "club",
            "cohort_size",
            "applications_open_at",
            "applications_close_at",
            "min_meetings_attended",
            "completion_share",
            "requires_strategy",
        ]
        widgets = {
            "applications_open_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}
            ),
            "applications_close_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}
            ),
        }

    def clean(self):
        data = super().clean()
        opens, closes = (
            data.get("applications_open_at"),
            data.get("applications_close_at"),
        )
        if opens and closes and closes <= opens:
            self.add_error(
                "applications_close_at", _("Applications must close after they open.")
            )
        share = data.get("completion_share")
        if share is not None and share > 100:
            self.add_error("completion_share", _("At most 100%."))
        return data


class SessionForm(EventForm):
    """A training session: the event form without kind, eligibility and seats."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "eligibility", "capacity"):
            del self.fields[name]

    def event_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "language": data["language"],
            "speaker": data["speaker"],
            "format": data["format"],
            "venue_address": data["venue_address"],
            "online_link": data["online_link"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "registration_opens_at": data["registration_opens_at"],
        }


class TrainersForm(forms.Form):
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"),
        widget=forms.CheckboxSelectMultiple,
        queryset=User.objects.filter(roles__role=Role.TRAINER)
        .distinct()
        .order_by("display_name"),
    )


class TrainingApplicationForm(forms.ModelForm):
    class Meta:
        model = TrainingApplication
        fields = ["motivation", "hours_per_week", "experience", "audience"]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "experience": forms.Textarea(attrs={"rows": 4}),
            "audience": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_hours_per_week(self):
        hours = self.cleaned_data["hours_per_week"]
        if hours < 1 or hours > 60:
            raise forms.ValidationError(_("Between 1 and 60 hours, please."))
        return hours


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept")),
            ("waitlist", _("Put on the waiting list")),
            ("decline", _("Decline")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline."),
    )


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *TrainingApplication.Status.choices],
    )


class StrategyForm(forms.Form):
    goal = forms.CharField(
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
    )
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        choices=AUDIENCES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    planned_reach = forms.IntegerField(
        label=_("Planned reach (people)"), min_value=0, max_value=10_000_000, initial=0
    )
    channels = forms.CharField(
        label=_("Channels"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    key_messages = forms.CharField(
        label=_("Key messages and approaches"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("due_date"):
            self.add_error("due_date", _("Give the milestone a date."))
        return data


MilestoneFormSet = formset_factory(MilestoneForm, extra=2, max_num=20)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class CheckInForm(forms.ModelForm):
    class Meta:
        model = CheckIn
        fields = ["people_reached", "conversations", "worked", "hard", "wants_help"]
        widgets = {
            "worked": forms.Textarea(attrs={"rows": 3}),
            "hard": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people_reached"].required = True
        self.fields["conversations"].required = True


class ResourceForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_OPTIONS)

    class Meta:
        from .models import Resource

        model = Resource
        fields = ["title", "kind", "language", "summary", "body", "published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class ResourceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *LANGUAGE_OPTIONS]
    )
