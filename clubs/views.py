from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.pagecache import render_public
from events import calendars
from events import selectors as event_selectors
from members.access import is_admin, member_required, role_required
from members.models import Role, RoleAssignment

from . import access, services
from .forms import ClubCreateForm, ClubFilterForm, OrganizerAddForm
from .models import Club, ClubMembership


def club_list(request):
    def context():
        form = ClubFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        return {"form": form, "clubs": event_selectors.club_directory(filters=filters)}

    return render_public(request, "clubs/club_list.html", context)


def club_detail(request, slug):
    def context():
        club = get_object_or_404(Club, slug=slug)
        membership = None
        if request.user.is_authenticated:
            membership = ClubMembership.objects.filter(
                club=club, user=request.user
            ).first()
        return {
            "club": club,
            "events": event_selectors.club_public_events(club=club),
            "member_count": club.memberships.filter(status="active").count(),
            "membership": membership,
            "is_organizer": access.is_organizer(request.user, club),
            "is_admin": request.user.is_authenticated
            and request.user.is_member
            and is_admin(request.user),
        }

    # Visitors who are not signed in get a page rendered once (core/pagecache.py).
    return render_public(request, "clubs/club_detail.html", context)


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


# --- Impact, health, proposals, playbooks ----------

from core.audit import audit_record  # noqa: E402

from . import impact  # noqa: E402
from .forms import (  # noqa: E402
    ImpactFilterForm,
    PlaybookForm,
    ProposalDecisionForm,
    ProposalForm,
)
from .models import ClubProposal  # noqa: E402


def _impact_data(request):
    """Admins: the platform or any club; organizers: only their clubs."""
    admin = is_admin(request.user)
    clubs = (
        Club.objects.all()
        if admin
        else Club.objects.filter(pk__in=access.organized_club_ids(request.user))
    )
    form = ImpactFilterForm(request.GET or None, clubs=clubs, allow_all=admin)
    period = impact.default_period()
    club = None if admin else clubs.first()
    if form.is_valid():
        period = impact.Period(
            start=form.cleaned_data.get("start") or period.start,
            end=form.cleaned_data.get("end") or period.end,
        )
        club = form.cleaned_data.get("club") or club
    elif request.GET.get("club"):
        raise Http404
    if club is None and not admin:
        raise Http404
    return form, impact.figures(period=period, club=club)


@role_required(Role.ADMIN, Role.ORGANIZER)
def impact_page(request):
    form, data = _impact_data(request)
    query = request.GET.urlencode()
    from django.conf import settings

    return render(
        request,
        "clubs/impact.html",
        {
            "form": form,
            "data": data,
            "query": query,
            "MIN_GROUP": settings.IMPACT_MIN_GROUP_SIZE,
        },
    )


@role_required(Role.ADMIN, Role.ORGANIZER)
def impact_csv(request):
    form, data = _impact_data(request)
    audit_record(
        actor=request.user,
        action="impact.csv_exported",
        target_type="club" if data["club"] else "platform",
        target_id=data["club"].pk if data["club"] else None,
    )
    response = HttpResponse(
        impact.csv_export(data), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="impact.csv"'
    return response


@role_required(Role.ORGANIZER)
def club_health(request, slug):
    club = access.get_club_for_organizer(request.user, slug)
    return render(
        request,
        "clubs/club_health.html",
        {"club": club, "data": impact.club_health(club=club)},
    )


@member_required
def proposal_create(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(proposer=request.user, data=form.cleaned_data)
            messages.success(
                request,
                _(
                    "Thank you. Administrators will look at your "
                    "proposal and write to you."
                ),
            )
            return redirect("clubs:club-list")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "clubs/proposal_form.html",
        {
            "form": form,
            "mine": ClubProposal.objects.filter(proposer=request.user)[:10],
        },
    )


@role_required(Role.ADMIN)
def proposal_list(request):
    proposals = ClubProposal.objects.select_related("proposer", "playbook", "club")
    return render(
        request,
        "clubs/proposal_list.html",
        {
            "proposals": proposals[:100],
            "form": ProposalDecisionForm(),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(ClubProposal.objects.select_related("playbook"), pk=pk)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("clubs:proposal-list")
    data = form.cleaned_data
    try:
        club = services.proposal_decide(
            proposal=proposal,
            actor=request.user,
            approve=data["decision"] == "approve",
            reason=data.get("reason", ""),
            name=data.get("name", ""),
            slug=data.get("slug", ""),
        )
        messages.success(request, _("Done."))
        if club is not None:
            return redirect(club)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clubs:proposal-list")


@role_required(Role.ADMIN)
def playbook_create(request, slug):
    club = get_object_or_404(Club, slug=slug)
    form = PlaybookForm(request.POST or None, initial={"name": club.name})
    if request.method == "POST" and form.is_valid():
        services.playbook_from_club(
            club=club,
            actor=request.user,
            name=form.cleaned_data["name"],
            meeting_format=form.cleaned_data["meeting_format"],
            resources=form.cleaned_data["resources"],
        )
        messages.success(
            request, _("The playbook was saved: new clubs can start from it.")
        )
        return redirect(club)
    return render(request, "clubs/playbook_form.html", {"form": form, "club": club})
