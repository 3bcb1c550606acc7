"""Admin of schemes and certificates.

Schemes are editable by the platform operator (a correction on a certifier's behalf; their
slug and subject stay as certificates carry them). Certificates, their events and evidence are
records of what a certifier did: they change only through
`certification.services.certificates`, so here they are read-only.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from certification.models import Certificate, CertificateEvent, EvidenceDocument, Scheme
from marketplace.models import Organisation, OrganisationKind


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "certifier", "subject", "default_validity_days", "active"]
    list_filter = ["subject", "active"]
    search_fields = ["name", "slug", "certifier__name"]
    list_select_related = ["certifier"]
    autocomplete_fields = ["certifier"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["slug", "subject", "certifier"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "certifier":
            kwargs["queryset"] = Organisation.objects.filter(kind=OrganisationKind.CERTIFIER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CertificateEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CertificateEvent
    extra = 0
    fields = ["created_at", "from_status", "to_status", "reason", "actor"]
    readonly_fields = fields


class EvidenceDocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvidenceDocument
    extra = 0
    fields = ["file", "description", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "scheme", "subject", "issued_on", "expires_on", "status"]
    list_filter = ["status", "subject"]
    search_fields = ["=number", "scheme__name", "scheme__slug"]
    list_select_related = ["scheme"]
    inlines = [CertificateEventInline, EvidenceDocumentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Certificate]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "scheme__certifier", "listing", "product_line", "seller_organisation", "issued_by"
            )
        )
