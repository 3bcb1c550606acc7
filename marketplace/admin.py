"""The platform operator's admin for parties: users, organisations and memberships.

An organisation's status is read-only here. Approval and suspension are business actions with a
transition table, a permission check and an audit trail (who, when), all held by
`marketplace.services`; the admin actions below call those services instead of saving the field.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace import services
from marketplace.errors import DomainError
from marketplace.models import Membership, Organisation, User


class MembershipOfUserInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ["organisation", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["organisation"]
    extra = 0


class MembershipOfOrganisationInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [MembershipOfUserInline]


def _organisations_change_status(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Organisation],
    *,
    change: Callable[..., Organisation],
    verb: str,
) -> None:
    """Apply one status service to each selected organisation and report each refusal."""
    changed = 0
    for organisation in queryset.order_by("pk"):
        try:
            change(organisation=organisation, by=request.user)
        except DomainError as error:
            modeladmin.message_user(request, f"{organisation}: {error.message}", messages.ERROR)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{verb} {changed} organisation(s).", messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "status", "email", "country", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "slug", "email"]
    readonly_fields = ["status", "status_changed_at", "status_changed_by", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipOfOrganisationInline]
    actions = ["approve", "suspend"]

    @admin.action(description="Approve the selected organisations")
    def approve(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        _organisations_change_status(
            self, request, queryset, change=services.organisation_approve, verb="Approved"
        )

    @admin.action(description="Suspend the selected organisations")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        _organisations_change_status(
            self, request, queryset, change=services.organisation_suspend, verb="Suspended"
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__email", "organisation__name", "organisation__slug"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]
