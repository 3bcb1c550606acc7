"""A seller's choice to include a warranty plan in a listing's price.

The buyer of such a listing gets the plan's policy whatever they choose at checkout, and the
premium comes out of the seller's net (`orders` reads the choice through
`certification.offers.warranty_offers`, where an included plan is the listing's only offer).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Listing
from catalog.services import Seller
from certification.models import IncludedWarranty, WarrantyPlan
from certification.selectors_warranty import certificate_covering
from marketplace.errors import DomainError, NotPermitted


def _check_plan_fits(listing: Listing, plan: WarrantyPlan) -> None:
    if not plan.active:
        raise DomainError.for_field("plan", _("This warranty plan is not offered."))
    if plan.currency != listing.currency:
        raise DomainError.for_field(
            "plan",
            _("The plan covers sales in %(plan_currency)s, not %(listing_currency)s.")
            % {"plan_currency": plan.currency, "listing_currency": listing.currency},
        )
    today = timezone.localdate()
    if certificate_covering(listing=listing, scheme_id=plan.scheme_id, on=today) is None:
        raise DomainError.for_field(
            "plan",
            _(
                "No valid certificate of the plan's scheme covers this listing (itself, its "
                "product line or its seller)."
            ),
            code="not_eligible",
        )


@transaction.atomic
def included_warranty_set(
    *, listing: Listing, seller: Seller, plan: WarrantyPlan | None
) -> IncludedWarranty | None:
    """Include `plan` in `listing`'s price, replacing any plan included before; None stops
    including one. Returns the choice (None when removed). Removing what is not there is
    no error, so a repeated call changes nothing.

    The plan must be active, insure sales in the listing's currency, and be one the listing is
    eligible for today: a valid certificate of its scheme covers the listing. If that
    certificate is later revoked, the choice stays but no offer or policy follows from it
    (`warranty_offers` and `policy_issue_for_sale` check the certificate again).

    Raises NotPermitted unless `seller` owns the listing; DomainError (`plan`) otherwise.
    """
    if not seller.owns(listing):
        raise NotPermitted(_("Only the listing's seller may include a warranty in its price."))
    # The listing's lock serialises two changes of the choice for one listing.
    locked = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
    if plan is None:
        IncludedWarranty.objects.filter(listing=locked).delete()
        return None
    _check_plan_fits(locked, plan)
    included, _created = IncludedWarranty.objects.update_or_create(
        listing=locked, defaults={"plan": plan}
    )
    return included
