"""Admin of warranty plans, policies and claims.

Plans and their premium rates are editable by the platform operator (a correction, or a plan
set up on an insurer's behalf). Policies, claims and payouts are records of what happened: they
change only through `certification.services.warranty`, so here they are read-only.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from certification.models import (
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimPayout,
    PremiumRate,
    WarrantyPlan,
    WarrantyPolicy,
)
from marketplace.models import Organisation, OrganisationKind


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class PremiumRateInline(admin.TabularInline):
    model = PremiumRate
    extra = 0
    fields = ["condition", "grade", "part_type", "rate"]


@admin.register(WarrantyPlan)
class WarrantyPlanAdmin(admin.ModelAdmin):
    list_display = [
        "name", "insurer", "scheme", "currency", "cover_months", "cover_km",
        "max_payout_per_claim", "max_payout_total", "excess", "active",
    ]  # fmt: skip
    list_filter = ["active", "labour_covered", "currency"]
    search_fields = ["name", "insurer__name", "scheme__name"]
    list_select_related = ["insurer", "scheme"]
    inlines = [PremiumRateInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "insurer":
            kwargs["queryset"] = Organisation.objects.filter(kind=OrganisationKind.INSURER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "number", "plan", "holder", "listing", "unit", "sale_reference", "starts_on", "ends_on",
        "covered_value", "premium", "currency",
    ]  # fmt: skip
    list_filter = ["plan", "included_by_seller"]
    search_fields = ["number", "sale_reference", "holder__email", "holder_email"]
    list_select_related = ["plan", "holder", "listing"]
    date_hierarchy = "issued_at"


class ClaimEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimEvent
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClaimEvent]:
        return super().get_queryset(request).select_related("actor")


class ClaimDocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimDocument
    fields = ["file", "description", "uploaded_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id", "policy", "status", "failed_on", "parts_amount", "approved_amount", "created_at",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["policy__number", "failure"]
    list_select_related = ["policy"]
    inlines = [ClaimEventInline, ClaimDocumentInline]


@admin.register(ClaimPayout)
class ClaimPayoutAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["claim", "amount", "currency", "status", "settlement_reference", "settled_at"]
    list_filter = ["status", "currency"]
    search_fields = ["settlement_reference", "claim__policy__number"]
    list_select_related = ["claim"]
