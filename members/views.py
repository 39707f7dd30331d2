import json

from allauth.account.decorators import reauthentication_required
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError

from . import selectors, services
from .access import (
    get_application_for_vetter,
    get_vouch_for_voucher,
    is_admin,
    role_required,
)
from .forms import (
    AccountForm,
    ApplicationForm,
    AuditFilterForm,
    DecisionForm,
    DeleteAccountForm,
    RoleGrantForm,
    RoleRevokeForm,
    VouchResponseForm,
)
from .models import Application, Role, RoleAssignment

# --- The member's own account --------------------------------------------------


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings have been saved."))
        return redirect("members:account")
    return render(request, "members/account.html", {"form": form})


@login_required
@require_POST
def account_export(request):
    data = services.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="mosty-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@reauthentication_required
def account_delete(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(
            request, _("Your account and personal data have been deleted.")
        )
        return redirect("core:home")
    return render(request, "members/account_delete.html", {"form": form})


# --- Applying ----------


def _application_initial(user, application):
    initial = {"display_name": user.display_name}
    if application is not None:
        initial.update(
            {
                f: getattr(application, f)
                for f in (
                    "country",
                    "city",
                    "languages",
                    "statement",
                    "motivation",
                    "heard_from",
                )
            }
        )
        for i, vouch in enumerate(application.vouches.all(), start=1):
            initial[f"voucher_{i}"] = vouch.voucher.display_name
        initial["reply"] = application.applicant_reply
    return initial


@login_required
def application(request):
    user = request.user
    current = selectors.application_current(user=user)
    if user.is_member:
        return render(
            request, "members/application_status.html", {"application": current}
        )
    editable = current if current is not None and current.is_editable else None
    can_start = current is None or current.status == Application.Status.REJECTED
    reapply_date = (
        services.application_reapply_date(applicant=user) if can_start else None
    )
    if not (editable or (can_start and reapply_date is None)):
        return render(
            request,
            "members/application_status.html",
            {"application": current, "reapply_date": reapply_date},
        )
    form = ApplicationForm(
        request.POST or None,
        user=user,
        application=editable,
        initial=_application_initial(user, editable),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if editable is None:
                services.application_submit(
                    applicant=user,
                    display_name=data["display_name"],
                    data=data,
                    voucher_refs=form.voucher_refs,
                )
                messages.success(
                    request, _("Thank you. Your application has been sent.")
                )
            else:
                services.application_update(
                    application=editable,
                    applicant=user,
                    display_name=data["display_name"],
                    data=data,
                    voucher_refs=form.voucher_refs,
                    reply=data.get("reply", ""),
                )
                messages.success(request, _("Your application has been updated."))
            return redirect("members:application")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "members/application_form.html",
        {"form": form, "application": editable},
    )


# --- Vouching ----------


@login_required
def vouch_list(request):
    if not request.user.is_member:
        raise Http404
    vouches = selectors.vouch_requests(user=request.user)
    return render(
        request,
        "members/vouch_list.html",
        {"vouches": vouches, "form": VouchResponseForm()},
    )


@login_required
@require_POST
def vouch_respond(request, pk):
    vouch = get_vouch_for_voucher(request.user, pk)
    form = VouchResponseForm(request.POST)
    confirm = request.POST.get("answer") == "confirm"
    if form.is_valid():
        try:
            services.vouch_respond(
                vouch=vouch,
                voucher=request.user,
                confirm=confirm,
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you, your answer has been recorded."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Your comment is too long."))
    return redirect("members:vouch-list")


# --- Vetting ----------


@role_required(Role.VETTER)
def vetting_queue(request):
    state = request.GET.get("state", "new")
    if state not in selectors.QUEUE_STATES:
        state = "new"
    counts = selectors.vetting_queue_counts()
    paginator = Paginator(selectors.vetting_queue(state=state), 50)
    # The tab counts already hold this state's total: no second COUNT query.
    paginator.count = counts[state]
    page = paginator.get_page(request.GET.get("page"))
    # One label lookup per row instead of get_status_display(), which rebuilds
    # (and hashes) the field's choices on every call.
    labels = dict(Application.Status.choices)
    for application in page.object_list:
        application.status_label = labels.get(application.status, application.status)
    return render(
        request,
        "members/vetting_queue.html",
        {"state": state, "page_obj": page, "counts": counts},
    )


@role_required(Role.VETTER)
def vetting_dossier(request, pk):
    application = get_application_for_vetter(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decide(
                application_id=application.pk,
                vetter=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Your decision has been recorded."))
            following = selectors.next_in_queue(after=application)
            if following is not None and request.POST.get("next") == "1":
                return redirect("members:vetting-dossier", pk=following.pk)
            return redirect("members:vetting-queue")
        except DomainError as error:
            form.add_error(None, error.message)
    services.dossier_record_view(application=application, viewer=request.user)
    return render(
        request,
        "members/vetting_dossier.html",
        {
            "application": selectors.dossier(application=application),
            "previous": selectors.previous_applications(application=application),
            "form": form,
        },
    )


# --- Administration: roles and the audit log ----------


@role_required(Role.ADMIN)
def role_list(request):
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                user=form.cleaned_data["member"],
                role=form.cleaned_data["role"],
                club=form.cleaned_data["club"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The role has been given."))
            return redirect("members:role-list")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "members/role_list.html",
        {
            "form": form,
            "assignments": selectors.role_assignments(),
            "revoke_form": RoleRevokeForm(),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def role_revoke(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user"), pk=pk)
    form = RoleRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("members:role-list")
    try:
        services.role_revoke(
            assignment=assignment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The role has been removed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("members:role-list")


@role_required(Role.ADMIN)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.audit_entries(filters=filters), 50).get_page(
        request.GET.get("page")
    )
    names = selectors.display_names(
        user_ids=[e.actor_id for e in page]
        + [e.target_id for e in page if e.target_type == "user"]
    )
    rows = [
        (
            entry,
            names.get(entry.actor_id),
            names.get(entry.target_id) if entry.target_type == "user" else None,
        )
        for entry in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "query": query.urlencode(),
            "is_admin": is_admin(request.user),
        },
    )


# --- Journal (the member's own; nobody else can open these pages) -------------

from django.http import Http404 as _Http404  # noqa: E402

from . import journal  # noqa: E402
from .access import member_required, mfa_redirect  # noqa: E402
from .forms import JournalEntryForm, JournalPersonForm, StoryForm  # noqa: E402
from .models import JournalEntry, JournalPerson, Story  # noqa: E402


def _own_person(request, pk):
    return get_object_or_404(JournalPerson, pk=pk, owner=request.user)


@member_required
def journal_home(request):
    form = JournalPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = journal.person_create(owner=request.user, **form.cleaned_data)
            return redirect("members:journal-person", pk=person.pk)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "members/journal_home.html",
        {
            "people": selectors.journal_people(owner=request.user),
            "form": form,
        },
    )


@member_required
def journal_person(request, pk):
    person = _own_person(request, pk)
    form = JournalEntryForm(
        request.POST or None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        journal.entry_save(person=person, owner=request.user, data=form.cleaned_data)
        messages.success(request, _("The conversation was added to your journal."))
        return redirect("members:journal-person", pk=person.pk)
    return render(
        request,
        "members/journal_person.html",
        {
            "person": person,
            "form": form,
            "trend": selectors.journal_trend(person=person),
        },
    )


@member_required
def journal_entry_edit(request, pk):
    entry = get_object_or_404(
        JournalEntry.objects.select_related("person"), pk=pk, owner=request.user
    )
    form = JournalEntryForm(
        request.POST or None,
        initial={f: getattr(entry, f) for f in journal.ENTRY_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        journal.entry_save(
            person=entry.person, owner=request.user, data=form.cleaned_data, entry=entry
        )
        messages.success(request, _("Saved."))
        return redirect("members:journal-person", pk=entry.person_id)
    return render(
        request, "members/journal_entry_form.html", {"entry": entry, "form": form}
    )


@member_required
@require_POST
def journal_entry_delete(request, pk):
    entry = get_object_or_404(JournalEntry, pk=pk, owner=request.user)
    journal.entry_delete(entry=entry, owner=request.user)
    messages.success(request, _("The entry was deleted."))
    return redirect("members:journal-person", pk=entry.person_id)


@member_required
@require_POST
def journal_person_delete(request, pk):
    person = _own_person(request, pk)
    journal.person_delete(person=person, owner=request.user)
    messages.success(request, _("The person and their conversations were deleted."))
    return redirect("members:journal")


# --- Shared stories ----------


@member_required
def story_list(request):
    initial = {}
    entry_id = request.GET.get("from_entry", "")
    if entry_id.isdigit():
        # Turn one of the member's own conversations into a story draft.
        entry = get_object_or_404(JournalEntry, pk=int(entry_id), owner=request.user)
        initial["body"] = journal.story_draft_from(entry=entry)
    form = StoryForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            journal.story_share(author=request.user, **form.cleaned_data)
            messages.success(
                request,
                _(
                    "Thank you. Your story will appear once an "
                    "organizer has approved it."
                ),
            )
            return redirect("members:story-list")
        except DomainError as error:
            form.add_error(None, error.message)
    from clubs.access import organized_club_ids

    organized = organized_club_ids(request.user)
    return render(
        request,
        "members/story_list.html",
        {
            "stories": selectors.stories_for_member(user=request.user)[:50],
            "mine": Story.objects.filter(author=request.user)[:20],
            "to_review": selectors.stories_to_review(club_ids=organized)
            if organized
            else [],
            "form": form,
        },
    )


@member_required
@require_POST
def story_react(request, pk):
    story = get_object_or_404(selectors.stories_for_member(user=request.user), pk=pk)
    journal.story_react(story=story, member=request.user)
    return redirect("members:story-list")


@member_required
@require_POST
def story_decide(request, pk):
    from clubs.access import organized_club_ids

    story = get_object_or_404(Story, pk=pk)
    if story.club_id not in organized_club_ids(request.user):
        raise _Http404
    if not is_mfa_enabled(request.user):
        return mfa_redirect(request)  # deciding is a staff action
    try:
        journal.story_decide(
            story=story,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
        )
        messages.success(request, _("Done."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("members:story-list")
