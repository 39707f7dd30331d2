from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/register/", views.event_register, name="event-register"),
    path("events/<int:pk>/event.ics", views.event_ics, name="event-ics"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path("events/<int:pk>/check-in/", views.event_checkin, name="event-checkin"),
    path("events/<int:pk>/summary/", views.event_summary, name="event-summary"),
    path(
        "registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    path("clubs/<slug:slug>/events/new/", views.event_create, name="event-create"),
    path("calendar/<str:token>.ics", views.member_feed, name="member-feed"),
    path("account/calendar/", views.calendar_settings, name="calendar-settings"),
]
