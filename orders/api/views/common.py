"""What every orders API view shares: who the caller is, and validated input."""

from rest_framework.permissions import IsAuthenticated

from marketplace.api.permissions import acting_organisation, acts_for
from marketplace.models import OrganisationKind
from orders.parties import Buyer

OUTLET_STAFF = [IsAuthenticated, acts_for(OrganisationKind.OUTLET)]


def buyer_for(request) -> Buyer:
    """The caller as a buyer: for the organisation they act for, or as an individual."""
    return Buyer(user=request.user, organisation=acting_organisation(request))


def validated(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def is_schema_generation(view) -> bool:
    """drf-spectacular asks list views for their queryset without a real caller."""
    return getattr(view, "swagger_fake_view", False)
