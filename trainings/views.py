from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from members.access import member_required, mfa_redirect, role_required
from members.models import Role

from . import selectors, services
from .access import (
    get_application_for_trainer,
    get_programme_for_trainer,
    get_strategy_for_user,
    get_trainee_for_user,
    is_trainer_of,
)
from .forms import (
    ApplicationFilterForm,
    CheckInForm,
    CommentForm,
    DecisionForm,
    MilestoneFormSet,
    ProgrammeForm,
    SessionForm,
    StrategyForm,
    TrainersForm,
    TrainingApplicationForm,
)
from .models import CheckIn, Programme, TrainingApplication

# --- Members ----------


@member_required
def programme_list(request):
    return render(
        request,
        "trainings/programme_list.html",
        {
            "programmes": selectors.programmes_for_members(),
            "mine": selectors.my_training(user=request.user),
            "now": timezone.now(),
        },
    )


@member_required
def programme_detail(request, pk):
    programme = get_object_or_404(Programme.objects.select_related("club"), pk=pk)
    application = TrainingApplication.objects.filter(
        programme=programme, member=request.user
    ).first()
    return render(
        request,
        "trainings/programme_detail.html",
        {
            "programme": programme,
            "sessions": selectors.programme_sessions(programme=programme),
            "application": application,
            "unmet": services.prerequisites_unmet(
                programme=programme, member=request.user
            ),
            "is_trainer": is_trainer_of(request.user, programme),
            "trainers": programme.trainers.all(),
        },
    )


@member_required
def programme_apply(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = TrainingApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_apply(
                programme=programme, member=request.user, data=form.cleaned_data
            )
            messages.success(
                request, _("Your application has been sent to the trainers.")
            )
            return redirect(programme)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "trainings/programme_apply.html",
        {
            "programme": programme,
            "form": form,
            "unmet": services.prerequisites_unmet(
                programme=programme, member=request.user
            ),
        },
    )


@member_required
@require_POST
def application_withdraw(request, pk):
    application = get_object_or_404(TrainingApplication, pk=pk, member=request.user)
    try:
        services.training_withdraw(application=application, member=request.user)
        messages.success(request, _("You have withdrawn."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("trainings:programme-detail", pk=application.programme_id)


@member_required
def strategy(request, pk):
    strategy = get_strategy_for_user(request.user, pk)
    trainee = strategy.trainee
    is_owner = trainee.member_id == request.user.pk
    if not is_owner and not is_mfa_enabled(request.user):
        return mfa_redirect(request)  # a trainer reads it as staff
    initial_milestones = [
        {"title": m.title, "due_date": m.due_date} for m in strategy.milestones.all()
    ]
    form = StrategyForm(
        request.POST or None,
        initial={
            "goal": strategy.goal,
            "audiences": strategy.audiences,
            "planned_reach": strategy.planned_reach,
            "channels": strategy.channels,
            "key_messages": strategy.key_messages,
        },
    )
    formset = MilestoneFormSet(
        request.POST or None, initial=initial_milestones, prefix="milestones"
    )
    if request.method == "POST" and is_owner:
        if form.is_valid() and formset.is_valid():
            milestones = [
                f.cleaned_data for f in formset if f.cleaned_data.get("title")
            ]
            try:
                services.strategy_save(
                    strategy=strategy,
                    trainee=request.user,
                    data=form.cleaned_data,
                    submit="submit" in request.POST,
                    milestones=milestones,
                )
                messages.success(request, _("Your strategy has been saved."))
                return redirect("trainings:strategy", pk=trainee.pk)
            except DomainError as error:
                form.add_error(None, error.message)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "trainings/strategy.html",
        {
            "strategy": strategy,
            "trainee": trainee,
            "form": form,
            "formset": formset,
            "is_owner": is_owner,
            "comment_form": CommentForm(),
            "comments": strategy.comments.select_related("author"),
            "versions": strategy.versions.all()[:10],
            "status": services.completion_status(application=trainee),
        },
    )


@member_required
@require_POST
def strategy_comment(request, pk):
    strategy = get_strategy_for_user(request.user, pk)
    if not is_trainer_of(request.user, strategy.trainee.programme):
        raise Http404
    if not is_mfa_enabled(request.user):
        return mfa_redirect(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.strategy_comment(
            strategy=strategy, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Your comment was added."))
    else:
        messages.error(request, _("The comment is empty or too long."))
    return redirect("trainings:strategy", pk=pk)


@member_required
def certificate(request, pk):
    trainee = get_trainee_for_user(request.user, pk)
    if trainee.member_id != request.user.pk or trainee.completed_at is None:
        raise Http404
    sessions = selectors.programme_sessions(programme=trainee.programme)
    first = sessions.first()
    svg = render_to_string(
        "trainings/certificate.svg",
        {
            "trainee": trainee,
            "first": first,
            "last": sessions.last(),
        },
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{trainee.pk}.svg"'
    )
    return response


@member_required
def checkin(request, pk):
    checkin = get_object_or_404(
        CheckIn.objects.select_related("trainee__programme"),
        pk=pk,
        trainee__member=request.user,
    )
    form = CheckInForm(request.POST or None, instance=checkin)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_submit(
                checkin=checkin, trainee=request.user, data=form.cleaned_data
            )
            messages.success(request, _("Thank you for your check-in."))
            return redirect("trainings:programme-list")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(request, "trainings/checkin.html", {"checkin": checkin, "form": form})


# --- Trainers ----------


@role_required(Role.TRAINER)
def programme_create(request):
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                trainer=request.user, data=form.cleaned_data
            )
            messages.success(
                request, _("The programme was created. Now add its sessions.")
            )
            return redirect(programme)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(request, "trainings/programme_form.html", {"form": form})


@role_required(Role.TRAINER)
def programme_edit(request, pk):
    programme = get_programme_for_trainer(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        services.programme_update(
            programme=programme, actor=request.user, data=form.cleaned_data
        )
        messages.success(request, _("The changes were saved."))
        return redirect(programme)
    return render(
        request, "trainings/programme_form.html", {"form": form, "programme": programme}
    )


@role_required(Role.ADMIN)
def programme_trainers(request, pk):
    programme = get_object_or_404(Programme, pk=pk)
    form = TrainersForm(
        request.POST or None, initial={"trainers": programme.trainers.all()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_set_trainers(
                programme=programme,
                actor=request.user,
                trainers=list(form.cleaned_data["trainers"]),
            )
            messages.success(request, _("The trainers were saved."))
            return redirect(programme)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "trainings/programme_trainers.html",
        {"form": form, "programme": programme},
    )


@role_required(Role.TRAINER)
def session_create(request, pk):
    programme = get_programme_for_trainer(request.user, pk)
    form = SessionForm(request.POST or None, club=programme.club)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(
                programme=programme, actor=request.user, data=form.event_data()
            )
            messages.success(
                request, _("The session was added; trainees are registered.")
            )
            return redirect(programme)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "trainings/session_form.html",
        {"form": form, "programme": programme, "club": programme.club},
    )


@role_required(Role.TRAINER)
def application_list(request, pk):
    programme = get_programme_for_trainer(request.user, pk)
    form = ApplicationFilterForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else None
    return render(
        request,
        "trainings/application_list.html",
        {
            "programme": programme,
            "form": form,
            "applications": selectors.applications(programme=programme, status=status),
            "accepted": programme.applications.filter(status="accepted").count(),
        },
    )


@role_required(Role.TRAINER)
def application_detail(request, pk):
    application = get_application_for_trainer(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_decide(
                application=application,
                trainer=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Your decision has been recorded."))
            return redirect("trainings:application-list", pk=application.programme_id)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "trainings/application_detail.html",
        {
            "application": application,
            "form": form,
            "meetings_attended": services.meetings_attended(member=application.member),
        },
    )


@role_required(Role.TRAINER)
def trainee_list(request, pk):
    programme = get_programme_for_trainer(request.user, pk)
    if request.method == "POST":
        count = services.trainees_complete(programme=programme, trainer=request.user)
        messages.success(request, _("%(n)d trainees marked complete.") % {"n": count})
        return redirect("trainings:trainee-list", pk=programme.pk)
    services.trainees_viewed(programme=programme, viewer=request.user)
    return render(
        request,
        "trainings/trainee_list.html",
        {
            "programme": programme,
            "rows": selectors.trainee_overview(programme=programme),
        },
    )


# --- Library ------------------------------------------------------------------------

from django.db.models import Q  # noqa: E402

from .forms import ResourceForm, ResourceSearchForm  # noqa: E402
from .models import Resource  # noqa: E402


@member_required
def resource_list(request):
    form = ResourceSearchForm(request.GET or None)
    resources = Resource.objects.filter(published=True).only(
        "id", "title", "kind", "language", "summary"
    )
    if form.is_valid():
        if form.cleaned_data.get("q"):
            q = form.cleaned_data["q"]
            resources = resources.filter(
                Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q)
            )
        if form.cleaned_data.get("language"):
            resources = resources.filter(language=form.cleaned_data["language"])
    return render(
        request,
        "trainings/resource_list.html",
        {"form": form, "resources": resources[:100]},
    )


@member_required
def resource_detail(request, pk):
    resource = get_object_or_404(Resource, pk=pk, published=True)
    return render(request, "trainings/resource_detail.html", {"resource": resource})


@role_required(Role.TRAINER, Role.ORGANIZER)
def resource_edit(request, pk=None):
    resource = get_object_or_404(Resource, pk=pk) if pk else None
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        saved = services.resource_save(
            author=request.user, data=form.cleaned_data, resource=resource
        )
        messages.success(request, _("Saved."))
        return (
            redirect(saved) if saved.published else redirect("trainings:resource-list")
        )
    return render(
        request, "trainings/resource_form.html", {"form": form, "resource": resource}
    )
