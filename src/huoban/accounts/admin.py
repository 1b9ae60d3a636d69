from django.contrib import admin

from huoban.accounts.models import ApiToken, Invitation, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"
    raw_id_fields = ["region", "site", "organisation"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_mobile", "is_active", "is_staff", "date_joined"]
    search_fields = ["name", "mobile"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "expires_at", "accepted_at"]
    exclude = ["token_hash"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
