from django.urls import path

from . import views

app_name = "clubs"

urlpatterns = [
    path("", views.club_list, name="club-list"),
    path("new/", views.club_create, name="club-create"),
    path("impact/", views.impact_page, name="impact"),
    path("impact/export.csv", views.impact_csv, name="impact-csv"),
    path("propose/", views.proposal_create, name="proposal-create"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("<slug:slug>/", views.club_detail, name="club-detail"),
    path("<slug:slug>/calendar.ics", views.club_calendar, name="club-calendar"),
    path("<slug:slug>/join/", views.club_join, name="club-join"),
    path("<slug:slug>/leave/", views.club_leave, name="club-leave"),
    path("<slug:slug>/members/", views.club_members, name="club-members"),
    path(
        "<slug:slug>/members/<int:pk>/decide/",
        views.membership_decide,
        name="membership-decide",
    ),
    path("<slug:slug>/organizers/add/", views.organizer_add, name="organizer-add"),
    path(
        "<slug:slug>/organizers/<int:user_id>/remove/",
        views.organizer_remove,
        name="organizer-remove",
    ),
    path("<slug:slug>/dashboard/", views.club_dashboard, name="club-dashboard"),
    path("<slug:slug>/health/", views.club_health, name="club-health"),
    path("<slug:slug>/playbook/", views.playbook_create, name="playbook-create"),
]
