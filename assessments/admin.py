from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import redirect
from django.utils import timezone

from assessments import frameworks
from assessments.models import (
    Assessment,
    AuditEvent,
    Facts,
    FrameworkAssignment,
    RectificationItem,
    SignOff,
    Snapshot,
)
from units.models import Region


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


class ReadOnly:
    """Shown in the admin, changed only where perfeval records who changed what (its own pages and services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "assessment", "user_name", "action_label"]
    list_filter = ["action"]
    search_fields = ["assessment__unit__name", "user_name", "detail"]


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["assessment", "created_at", "created_by", "sha256"]
    readonly_fields = ["assessment", "created_at", "created_by", "sha256", "data"]


@admin.register(RectificationItem)
class RectificationItemAdmin(ReadOnly, admin.ModelAdmin):
    """整改事项 to look up across units; the unit updates them on its 整改跟踪 page, where every change is audited."""

    list_display = ["assessment", "problem_short", "responsible", "due_date", "status", "updated_at"]
    list_filter = ["status", "source", "assessment__year"]
    search_fields = ["assessment__unit__name", "problem", "measure", "responsible"]
    list_select_related = ["assessment__unit"]

    @admin.display(description="存在问题")
    def problem_short(self, item):
        return str(item)


class FrameworkAssignmentForm(forms.ModelForm):
    """Refuses a change to a region-year whose units have started submitting, in Chinese, on the form."""

    class Meta:
        model = FrameworkAssignment
        fields = ["region", "year", "form", "framework_version", "note"]

    def clean(self):
        cleaned = super().clean()
        region, year, form = cleaned.get("region"), cleaned.get("year"), cleaned.get("form")
        version = cleaned.get("framework_version")
        if region is None or year is None or not form:
            return cleaned
        if version is not None:
            frameworks.check_year(version, year)
        before = self.instance
        if before.pk and (before.region_id, before.year, before.form) != (region.pk, year, form):
            frameworks.check_switch_allowed(before.region, before.year, before.form)
        frameworks.check_switch_allowed(region, year, form)
        return cleaned


@admin.register(FrameworkAssignment)
class FrameworkAssignmentAdmin(admin.ModelAdmin):
    form = FrameworkAssignmentForm
    list_display = ["region", "year", "form", "framework_version", "note", "updated_at", "updated_by"]
    list_filter = ["year", "form"]
    search_fields = ["region__name", "framework_version__name", "note"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        before = FrameworkAssignment.objects.filter(pk=obj.pk).values("region_id", "year", "form").first()
        obj.updated_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            frameworks.follow_assignment(obj.region, obj.year, obj.form)
            if before and (before["region_id"], before["year"], before["form"]) != (obj.region_id, obj.year, obj.form):
                old_region = Region.objects.get(pk=before["region_id"])
                frameworks.follow_assignment(old_region, before["year"], before["form"])

    def delete_model(self, request, obj):
        with transaction.atomic():
            frameworks.assignment_delete(assignment=obj)

    def get_actions(self, request):
        # Deleted one at a time (delete_view), where a refusal is shown on the page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "POST":
            try:
                frameworks.check_switch_allowed(obj.region, obj.year, obj.form)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
                return redirect("admin:assessments_frameworkassignment_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)
