from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import views as course_views

from . import views

handler403 = "academy.views.permission_denied"
handler404 = "academy.views.page_not_found"

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", views.set_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("learning/", include("courses.learning_urls")),  # name "my_learning"
    path("trainer/", views.trainer_console, name="trainer_console"),
    path("dashboard/", include("insights.dashboard_urls")),  # name "team_dashboard"
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/announce/", views.announcement_create, name="announcement_create"),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("roleplay.urls")),
    path("", include("insights.urls")),
    # Wagtail serves the course pages last, under its own prefix, in both locales; a lesson's
    # URL (Wagtail's own pattern for two segments) is routed in one query first.
    re_path(r"^learn/(?P<course>[\w\-]+)/(?P<lesson>[\w\-]+)/$", course_views.lesson_route, name="lesson_route"),
    path("learn/", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
