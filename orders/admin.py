"""The platform operator's admin for ordering.

Orders, payments and payouts are read here, never edited: a status only changes through its
service (which checks the transition table, records the event and settles the money), so the
admin's actions call those services and report each refusal. Commission rates, invoice terms
and payout accounts are the operator's own settings and are edited freely.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace.errors import DomainError
from orders.models import (
    CommissionRate,
    CoreObligation,
    InvoiceTerms,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Payout,
    PayoutAccount,
    Refund,
    ReturnCase,
    ReturnEvent,
    SellerReturnPolicy,
)
from orders.services import orders as order_services
from orders.services import payments, payouts


def _apply_each(modeladmin, request, queryset, *, service: Callable, verb: str) -> None:
    """Call `service` on each selected row; one refusal does not stop the others."""
    selected = list(queryset.order_by("pk"))
    done = 0
    for obj in selected:
        try:
            service(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, f"{verb} {done} of {len(selected)} selected.", messages.SUCCESS
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["listing", "title", "seller_sku", "quantity", "unit_price", "core_charge"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "placed_at", "channel", "status", "payment_method", "total", "currency",
        "seller_organisation", "seller_user", "buyer_organisation", "buyer_user",
    ]  # fmt: skip
    list_filter = ["status", "channel", "payment_method", "delivery_kind"]
    list_select_related = ["seller_organisation", "seller_user", "buyer_organisation", "buyer_user"]
    search_fields = ["=id", "=checkout__id", "po_number", "tracking_number"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["cancel"]

    @admin.action(description="Cancel the selected orders (stock returned, payment settled)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        def cancel_one(order: Order) -> Order:
            return order_services.order_cancel(
                order=order, actor=request.user, reason="Cancelled by the platform operator."
            )

        _apply_each(self, request, queryset, service=cancel_one, verb="Cancelled")


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["created_at", "amount", "reason", "stripe_refund_id"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "method", "status", "amount", "refunded_amount", "due_at"]
    list_filter = ["method", "status"]
    search_fields = ["=id", "=order__id", "stripe_payment_intent_id"]
    inlines = [RefundInline]
    actions = ["mark_invoice_paid"]

    @admin.action(description="Mark the selected invoices paid")
    def mark_invoice_paid(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        def mark_paid(payment: Payment) -> Payment:
            return payments.invoice_mark_paid(payment=payment)

        _apply_each(self, request, queryset, service=mark_paid, verb="Marked paid")


@admin.register(CommissionRate)
class CommissionRateAdmin(admin.ModelAdmin):
    list_display = ["channel", "rate", "seller_organisation", "seller_user"]
    list_filter = ["channel"]
    list_select_related = ["seller_organisation", "seller_user"]
    autocomplete_fields = ["seller_organisation", "seller_user"]


@admin.register(InvoiceTerms)
class InvoiceTermsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "credit_limit", "currency", "net_days"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "organisation__slug"]
    autocomplete_fields = ["organisation"]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["stripe_account_id", "seller_organisation", "seller_user"]
    list_select_related = ["seller_organisation", "seller_user"]
    search_fields = ["stripe_account_id", "seller_organisation__name", "seller_user__username"]
    autocomplete_fields = ["seller_organisation", "seller_user"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "period_start", "period_end", "amount", "currency", "status",
        "seller_organisation", "seller_user", "paid_at",
    ]  # fmt: skip
    list_filter = ["status", "currency"]
    list_select_related = ["seller_organisation", "seller_user"]
    actions = ["pay"]

    @admin.action(description="Pay the selected payouts by Stripe transfer")
    def pay(self, request: HttpRequest, queryset: QuerySet[Payout]) -> None:
        def pay_one(payout: Payout) -> Payout:
            return payouts.payout_pay(payout=payout)

        _apply_each(self, request, queryset, service=pay_one, verb="Paid")


# The credit ledger: append-only, so the admin only reads it (the database refuses changes too).


class LedgerEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ["account", "amount", "currency", "balance_after"]
    readonly_fields = fields


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "currency", "balance", "organisation", "user", "created_at"]
    list_filter = ["kind", "currency"]
    list_select_related = ["organisation", "user"]
    search_fields = ["organisation__name", "organisation__slug", "user__username"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "idempotency_key", "description"]
    list_filter = ["kind"]
    search_fields = ["=idempotency_key", "description"]
    date_hierarchy = "created_at"
    inlines = [LedgerEntryInline]


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    fields = ["from_status", "to_status", "reason", "actor", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReturnCase)
class ReturnCaseAdmin(admin.ModelAdmin):
    """Returns move only through their services (codes, drop-offs, inspections, refunds)."""

    list_display = ["id", "kind", "status", "order_line", "quantity", "payout_amount", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "order_line__seller_sku", "order_line__title"]
    list_select_related = ["order_line"]
    readonly_fields = [field.name for field in ReturnCase._meta.fields]
    inlines = [ReturnEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CoreObligation)
class CoreObligationAdmin(admin.ModelAdmin):
    list_display = ["id", "order_line", "unit", "deposit", "currency", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["order_line"]
    readonly_fields = [field.name for field in CoreObligation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SellerReturnPolicy)
class SellerReturnPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "seller_organisation", "seller_user", "return_window_days", "restocking_fee_rate",
        "outlets_inspect_cores",
    ]  # fmt: skip
    autocomplete_fields = ["seller_organisation", "seller_user"]
