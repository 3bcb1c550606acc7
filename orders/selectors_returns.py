"""Reads of cores owed and returns, scoped to one party (another party's case is a 404).

Each queryset selects what its representation prints, so a list costs the same number of
queries whatever its length.
"""

from django.db.models import Q, QuerySet

from marketplace.models import Organisation, User
from orders.models import CoreObligation, ReturnCase
from orders.parties import Buyer
from orders.selectors import _buyer_scope, _seller_scope

CASE_RELATIONS = (
    "order_line",
    "seller_organisation",
    "seller_user",
    "buyer_organisation",
    "buyer_user",
    "drop_off_location",
    "core",
)


def cores_of_buyer(buyer: Buyer) -> QuerySet[CoreObligation]:
    """The cores a buyer owes or owed: to whom, how much, by when."""
    return CoreObligation.objects.filter(_buyer_scope(buyer)).select_related(
        "order_line", "seller_organisation", "seller_user", "return_case"
    )


def _cases(scope: Q) -> QuerySet[ReturnCase]:
    return (
        ReturnCase.objects.filter(scope)
        .select_related(*CASE_RELATIONS)
        .prefetch_related("photos", "events")
    )


def returns_of_buyer(buyer: Buyer) -> QuerySet[ReturnCase]:
    return _cases(_buyer_scope(buyer))


def returns_of_seller(user: User, organisation: Organisation | None) -> QuerySet[ReturnCase]:
    return _cases(_seller_scope(user, organisation))


def returns_at_outlet(organisation: Organisation) -> QuerySet[ReturnCase]:
    """Returns dropped off at one of the outlet's counters."""
    return _cases(Q(drop_off_location__organisation=organisation))
