from django.contrib import admin

from huoban.people.models import Elder


@admin.register(Elder)
class ElderAdmin(admin.ModelAdmin):
    """Read-only and masked: elders are registered and changed through the workspace, whose
    services validate, de-duplicate and audit; numbers in full are revealed there, audited."""

    list_display = ["name", "masked_mobile", "birth_year", "home_site", "created_at"]
    search_fields = ["name", "search_text", "mobile_last4"]
    list_select_related = ["home_site"]
    fields = [
        "public_id",
        "name",
        "masked_mobile",
        "masked_id_number",
        "birth_year",
        "street",
        "home_site",
        "region_path",
        "consent_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
