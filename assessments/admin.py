from django.contrib import admin

from assessments.models import Assessment


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "kind", "status", "updated_at"]
    list_filter = ["year", "status", "unit__region"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
