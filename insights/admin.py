"""Operators' views of the outbox (what reached the LRS, what keeps failing) and of surveys.
Readiness rules are edited by managers on the team's readiness page, not here."""

from django.contrib import admin

from .models import EnvironmentSurvey, XapiStatement


@admin.register(XapiStatement)
class XapiStatementAdmin(admin.ModelAdmin):
    list_display = ["statement_id", "kind", "object_pk", "learner", "status", "tries", "next_try_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["statement_id", "last_error"]
    readonly_fields = [f.name for f in XapiStatement._meta.fields]
    actions = ["retry"]

    @admin.action(description="Send again")
    def retry(self, request, queryset):
        from django.utils import timezone

        queryset.update(status=XapiStatement.Status.PENDING, tries=0, next_try_at=timezone.now())

    def has_add_permission(self, request):
        return False


@admin.register(EnvironmentSurvey)
class EnvironmentSurveyAdmin(admin.ModelAdmin):
    list_display = ["team", "opened_by", "opened_at", "closed_at"]
    list_filter = ["team"]
