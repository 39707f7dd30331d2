from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", views.set_language, name="language-set"),
    path("notifications/", views.notification_list, name="notification-list"),
]
