from django.contrib import admin

from units.models import Deadline, Delegation, Membership, Region, Staffing, Unit

admin.site.site_header = "perfeval 绩效自评 · 管理后台"
admin.site.site_title = "perfeval 管理后台"
admin.site.index_title = "数据管理"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "report_layout"]
    list_filter = ["level", "report_layout"]
    search_fields = ["code", "name"]


class StaffingInline(admin.TabularInline):
    model = Staffing
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "region", "contact_person", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "region"]
    inlines = [StaffingInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "parent", "region", "is_active"]}),
        ("联系方式", {"fields": ["contact_person", "contact_phone"]}),
        ("职能与机构", {"fields": ["functions", "internal_structure"]}),
    ]


@admin.register(Staffing)
class StaffingAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "staff_quota", "staff_actual", "staff_agency", "veteran_retirees", "retirees"]
    list_filter = ["year"]
    search_fields = ["unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "title"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "due"]
    list_filter = ["year"]
    autocomplete_fields = ["region"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["delegate", "delegator", "unit", "role", "starts", "ends"]
    list_filter = ["role"]
    autocomplete_fields = ["delegator", "delegate", "unit"]
