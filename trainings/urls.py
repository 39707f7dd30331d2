from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("new/", views.programme_create, name="programme-create"),
    path("<int:pk>/", views.programme_detail, name="programme-detail"),
    path("<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("<int:pk>/trainers/", views.programme_trainers, name="programme-trainers"),
    path("<int:pk>/apply/", views.programme_apply, name="programme-apply"),
    path("<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("<int:pk>/applications/", views.application_list, name="application-list"),
    path("<int:pk>/trainees/", views.trainee_list, name="trainee-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path("trainees/<int:pk>/strategy/", views.strategy, name="strategy"),
    path(
        "trainees/<int:pk>/strategy/comment/",
        views.strategy_comment,
        name="strategy-comment",
    ),
    path("trainees/<int:pk>/certificate.svg", views.certificate, name="certificate"),
    path("checkins/<int:pk>/", views.checkin, name="checkin"),
    path("library/", views.resource_list, name="resource-list"),
    path("library/new/", views.resource_edit, name="resource-create"),
    path("library/<int:pk>/", views.resource_detail, name="resource-detail"),
    path("library/<int:pk>/edit/", views.resource_edit, name="resource-edit"),
]
