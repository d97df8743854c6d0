from django.contrib import admin
from django.db.models import F
from django.utils import timezone

from assessments.models import Assessment, AuditEvent, Facts, SignOff, Snapshot


class FinalReadOnly:
    """A finalised assessment (or anything under it) is shown read-only: the admin offers no way to change it."""

    def _final(self, obj) -> bool:
        assessment = obj if isinstance(obj, Assessment) else getattr(obj, "assessment", None)
        return assessment is not None and assessment.status == Assessment.Status.FINAL

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._final(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._final(obj))


class SignOffInline(admin.TabularInline):
    model = SignOff
    fields = ["step", "signer_name", "role_label", "opinion", "signed_at", "voided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(FinalReadOnly, admin.ModelAdmin):
    list_display = ["unit", "year", "kind", "status", "current_step", "updated_at"]
    list_filter = ["year", "status", "unit__region"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    # The workflow changes these, through its services only.
    readonly_fields = ["status", "current_step", "returned", "lock_version", "framework_version"]
    inlines = [SignOffInline]


@admin.register(Facts)
class FactsAdmin(FinalReadOnly, admin.ModelAdmin):
    list_display = ["assessment"]
    search_fields = ["assessment__unit__name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new version of the assessment, as a save on its screens is: a preparer's page opened before it is then
        # refused as stale, and the stored summaries and cached reports that depend on the version are made again.
        Assessment.objects.filter(pk=obj.assessment_id).update(
            lock_version=F("lock_version") + 1, updated_at=timezone.now(), updated_by=request.user
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "assessment", "user_name", "action_label"]
    list_filter = ["action"]
    search_fields = ["assessment__unit__name", "user_name", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["assessment", "created_at", "created_by", "sha256"]
    readonly_fields = ["assessment", "created_at", "created_by", "sha256", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
