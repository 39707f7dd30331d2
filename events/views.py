from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clubs.access import get_club_for_organizer
from core.exceptions import DomainError
from members.access import member_required, role_required
from members.models import Role

from . import calendars, selectors, services
from .access import (
    can_manage,
    get_event_for_user,
    get_registration_for_member,
    private_details_from,
    private_details_visible,
)
from .forms import EventCreateForm, EventEditForm, SummaryForm
from .models import CalendarFeed, Event


@member_required
def event_detail(request, pk):
    # The seat count comes with the event: one query less per view.
    event = get_event_for_user(
        request.user, pk, queryset=Event.objects.with_seat_counts(waitlist=False)
    )
    registration = selectors.my_registration(event=event, user=request.user)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "position": services.waitlist_position(registration=registration)
            if registration
            else None,
            "show_private": private_details_visible(
                event=event, user=request.user, registration=registration
            ),
            "private_from": private_details_from(event),
            "can_register": services.can_register(event=event, member=request.user),
            "is_organizer": can_manage(request.user, event),
            "confirmed": event.confirmed_count,
            "now": timezone.now(),
        },
    )


@member_required
@require_POST
def event_register(request, pk):
    event = get_event_for_user(request.user, pk)
    try:
        registration = services.registration_register(event=event, member=request.user)
        if registration.status == "confirmed":
            messages.success(request, _("You are registered."))
        else:
            messages.info(
                request, _("The meeting is full: you are on the waiting list.")
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(event)


@member_required
@require_POST
def registration_cancel(request, pk):
    registration = get_registration_for_member(request.user, pk)
    try:
        services.registration_cancel(registration=registration, member=request.user)
        messages.success(request, _("Your registration is cancelled."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(registration.event)


@member_required
def event_ics(request, pk):
    event = get_event_for_user(request.user, pk)
    body = calendars.render(
        [event],
        name=event.club.name,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def member_feed(request, token):
    """The member's private feed: the address is the secret (revocable)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active or not feed.user.is_member:
        return HttpResponse(status=404)
    body = calendars.render(
        selectors.feed_events_for_member(user=feed.user),
        name="Mosty",
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
def calendar_settings(request):
    if request.method == "POST":
        feed = services.calendar_feed_reset(user=request.user)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return redirect("events:calendar-settings")
    feed = services.calendar_feed_for(user=request.user)
    url = request.build_absolute_uri(f"/calendar/{feed.token}.ics")
    return render(request, "events/calendar_settings.html", {"feed_url": url})


# --- Organizers ----------


@role_required(Role.ORGANIZER)
def event_create(request, slug):
    club = get_club_for_organizer(request.user, slug)
    form = EventCreateForm(request.POST or None, club=club)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("repeat"):
                series = services.series_create(
                    club=club,
                    actor=request.user,
                    data=form.event_data(),
                    frequency=data["repeat"],
                    interval=data.get("interval") or 1,
                    week_of_month=data.get("week_of_month"),
                    until=data.get("until"),
                )
                event = series.events.order_by("starts_at").first()
                messages.success(request, _("The recurring meeting was scheduled."))
            else:
                event = services.event_create(
                    club=club, actor=request.user, data=form.event_data()
                )
                messages.success(request, _("The event was scheduled."))
            return redirect(event)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(request, "events/event_form.html", {"form": form, "club": club})


def _initial(event: Event) -> dict:
    tz = ZoneInfo(event.club.timezone)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    opens = (
        event.registration_opens_at.astimezone(tz).replace(tzinfo=None)
        if event.registration_opens_at
        else None
    )
    return {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "language": event.language,
        "speaker": event.speaker,
        "format": event.format,
        "venue_address": event.venue_address,
        "online_link": event.online_link,
        "date": start.date(),
        "start_time": start.time().replace(second=0),
        "end_time": end.time().replace(second=0),
        "capacity": event.capacity,
        "registration_opens": opens,
        "eligibility": event.eligibility,
        "scope": "one",
    }


@role_required(Role.ORGANIZER, Role.TRAINER)
def event_edit(request, pk):
    event = get_event_for_user(request.user, pk, write=True)
    form = EventEditForm(
        request.POST or None,
        club=event.club,
        has_series=event.series_id is not None,
        initial=_initial(event),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("scope") == "following":
                services.series_update_from(
                    event=event, actor=request.user, data=form.event_data()
                )
            else:
                services.event_update(
                    event=event, actor=request.user, data=form.event_data()
                )
            messages.success(request, _("The changes were saved."))
            return redirect(event)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "club": event.club, "event": event},
    )


@role_required(Role.ORGANIZER, Role.TRAINER)
@require_POST
def event_cancel(request, pk):
    event = get_event_for_user(request.user, pk, write=True)
    if request.POST.get("scope") == "following":
        count = services.series_cancel_from(event=event, actor=request.user)
        messages.success(request, _("%(n)d meetings were cancelled.") % {"n": count})
    else:
        services.event_cancel(event=event, actor=request.user)
        messages.success(request, _("The event was cancelled."))
    return redirect(event)


@role_required(Role.ORGANIZER, Role.TRAINER)
def event_checkin(request, pk):
    """Attendance on a phone: the attendee list (viewing it is audited)."""
    event = get_event_for_user(request.user, pk, write=True)
    if request.method == "POST":
        try:
            services.attendance_mark(
                event=event,
                registration_id=int(request.POST.get("registration", 0)),
                actor=request.user,
                attended=request.POST.get("attended") == "1",
            )
        except (DomainError, ValueError) as error:
            messages.error(
                request, getattr(error, "message", _("Unknown registration."))
            )
        return redirect("events:event-checkin", pk=event.pk)
    services.attendees_viewed(event=event, viewer=request.user)
    return render(
        request,
        "events/event_checkin.html",
        {
            "event": event,
            "attendees": selectors.attendee_list(event=event),
            "summary_form": SummaryForm(initial={"summary": event.summary}),
        },
    )


@role_required(Role.ORGANIZER, Role.TRAINER)
@require_POST
def event_summary(request, pk):
    event = get_event_for_user(request.user, pk, write=True)
    form = SummaryForm(request.POST)
    if form.is_valid():
        services.event_save_summary(
            event=event, actor=request.user, summary=form.cleaned_data["summary"]
        )
        messages.success(request, _("The notes were saved."))
    else:
        messages.error(request, _("The notes are too long."))
    return redirect("events:event-checkin", pk=event.pk)
