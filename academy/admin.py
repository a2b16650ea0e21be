from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Announcement, Membership, Team, User
from .services import trainer_group_sync


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(User)
class AcademyUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_superuser"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        # Memberships edited here bypass membership_add, so keep the trainers' group in step.
        touched = {m.user for m in formset.queryset} | {f.instance.user for f in formset.forms if f.instance.user_id}
        super().save_formset(request, form, formset, change)
        for user in touched:
            trainer_group_sync(user)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["team", "author", "text", "created_at"]
    list_filter = ["team"]
