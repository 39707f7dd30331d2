from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from events import calendars
from events import selectors as event_selectors
from members.access import member_required, role_required
from members.models import Role, RoleAssignment

from . import access, services
from .forms import ClubCreateForm, ClubFilterForm, OrganizerAddForm
from .models import Club, ClubMembership


def club_list(request):
    form = ClubFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    clubs = event_selectors.club_directory(filters=filters)
    return render(request, "clubs/club_list.html", {"form": form, "clubs": clubs})


def club_detail(request, slug):
    club = get_object_or_404(Club, slug=slug)
    membership = None
    if request.user.is_authenticated:
        membership = ClubMembership.objects.filter(club=club, user=request.user).first()
    return render(
        request,
        "clubs/club_detail.html",
        {
            "club": club,
            "events": event_selectors.club_public_events(club=club),
            "member_count": club.memberships.filter(status="active").count(),
            "membership": membership,
            "is_organizer": access.is_organizer(request.user, club),
        },
    )


def club_calendar(request, slug):
    """The club's public feed: when it meets. No places, links or attendees."""
    club = get_object_or_404(Club, slug=slug)
    body = calendars.render(
        event_selectors.club_feed_events(club=club),
        name=club.name,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{club.slug}.ics"'
    return response


@member_required
@require_POST
def club_join(request, slug):
    club = get_object_or_404(Club, slug=slug)
    try:
        membership = services.club_join(club=club, member=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(club)
    if membership.status == ClubMembership.Status.ACTIVE:
        messages.success(request, _("You joined the club."))
    else:
        messages.info(request, _("Your request was sent to the organizers."))
    return redirect(club)


@member_required
@require_POST
def club_leave(request, slug):
    club = get_object_or_404(Club, slug=slug)
    services.club_leave(club=club, member=request.user)
    messages.success(request, _("You left the club."))
    return redirect(club)


@role_required(Role.ORGANIZER)
def club_members(request, slug):
    club = access.get_club_for_organizer(request.user, slug)
    services.club_members_viewed(club=club, viewer=request.user)
    organizer_ids = set(
        RoleAssignment.objects.filter(role=Role.ORGANIZER, club=club).values_list(
            "user_id", flat=True
        )
    )
    return render(
        request,
        "clubs/club_members.html",
        {
            "club": club,
            "memberships": event_selectors.club_members(club=club),
            "organizer_ids": organizer_ids,
            "form": OrganizerAddForm(),
        },
    )


@role_required(Role.ORGANIZER)
@require_POST
def membership_decide(request, slug, pk):
    club = access.get_club_for_organizer(request.user, slug)
    membership = get_object_or_404(ClubMembership, pk=pk, club=club)
    try:
        services.membership_decide(
            membership=membership,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
        )
        messages.success(request, _("Done."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clubs:club-members", slug=club.slug)


@role_required(Role.ORGANIZER)
@require_POST
def organizer_add(request, slug):
    club = access.get_club_for_organizer(request.user, slug)
    form = OrganizerAddForm(request.POST)
    if form.is_valid():
        try:
            services.organizer_add(
                club=club, user=form.cleaned_data["member"], actor=request.user
            )
            messages.success(request, _("The member now co-organizes the club."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, " ".join(form.errors["member"]))
    return redirect("clubs:club-members", slug=club.slug)


@role_required(Role.ORGANIZER)
@require_POST
def organizer_remove(request, slug, user_id):
    club = access.get_club_for_organizer(request.user, slug)
    assignment = (
        RoleAssignment.objects.filter(role=Role.ORGANIZER, club=club, user_id=user_id)
        .select_related("user")
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        services.organizer_remove(club=club, user=assignment.user, actor=request.user)
        messages.success(request, _("The organizer was removed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clubs:club-members", slug=club.slug)


@role_required(Role.ADMIN)
def club_create(request):
    form = ClubCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organizer"}
        try:
            club = services.club_create(
                actor=request.user,
                data=data,
                organizers=[form.cleaned_data["organizer"]],
            )
            messages.success(request, _("The club was created."))
            return redirect(club)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(request, "clubs/club_form.html", {"form": form})


@role_required(Role.ORGANIZER)
def club_dashboard(request, slug):
    club = access.get_club_for_organizer(request.user, slug)
    return render(
        request,
        "clubs/club_dashboard.html",
        {"club": club, **event_selectors.organizer_dashboard(club=club)},
    )
