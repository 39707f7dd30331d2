"""Access to programmes, applications and strategies (404 for what one may not see)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from members.access import has_role, is_admin
from members.models import Role

from .models import Programme, Strategy, TrainingApplication


def is_trainer_of(user, programme: Programme) -> bool:
    if not user.is_authenticated or not user.is_member:
        return False
    if is_admin(user):
        return True
    return (
        has_role(user, Role.TRAINER) and programme.trainers.filter(pk=user.pk).exists()
    )


def get_programme_for_trainer(user, pk: int) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("club"), pk=pk)
    if not is_trainer_of(user, programme):
        raise Http404
    return programme


def get_application_for_trainer(user, pk: int) -> TrainingApplication:
    application = get_object_or_404(
        TrainingApplication.objects.select_related("programme__club", "member"), pk=pk
    )
    if not is_trainer_of(user, application.programme):
        raise Http404
    return application


def get_trainee_for_user(user, pk: int) -> TrainingApplication:
    """The trainee themself, the programme's trainers and admins; else 404."""
    application = get_object_or_404(
        TrainingApplication.objects.select_related("programme__club", "member"),
        pk=pk,
        status=TrainingApplication.Status.ACCEPTED,
    )
    if application.member_id == user.pk or is_trainer_of(user, application.programme):
        return application
    raise Http404


def get_strategy_for_user(user, trainee_pk: int) -> Strategy:
    application = get_trainee_for_user(user, trainee_pk)
    strategy, _ = Strategy.objects.get_or_create(trainee=application)
    return strategy
