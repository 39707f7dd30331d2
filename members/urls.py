from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/export/", views.account_export, name="account-export"),
    path("account/delete/", views.account_delete, name="account-delete"),
    path("apply/", views.application, name="application"),
    path("vouches/", views.vouch_list, name="vouch-list"),
    path("vouches/<int:pk>/respond/", views.vouch_respond, name="vouch-respond"),
    path("vetting/", views.vetting_queue, name="vetting-queue"),
    path("vetting/<int:pk>/", views.vetting_dossier, name="vetting-dossier"),
    path("staff/roles/", views.role_list, name="role-list"),
    path("staff/roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("staff/audit/", views.audit_log, name="audit-log"),
    path("journal/", views.journal_home, name="journal"),
    path("journal/people/<int:pk>/", views.journal_person, name="journal-person"),
    path(
        "journal/people/<int:pk>/delete/",
        views.journal_person_delete,
        name="journal-person-delete",
    ),
    path(
        "journal/entries/<int:pk>/", views.journal_entry_edit, name="journal-entry-edit"
    ),
    path(
        "journal/entries/<int:pk>/delete/",
        views.journal_entry_delete,
        name="journal-entry-delete",
    ),
    path("stories/", views.story_list, name="story-list"),
    path("stories/<int:pk>/react/", views.story_react, name="story-react"),
    path("stories/<int:pk>/decide/", views.story_decide, name="story-decide"),
]
