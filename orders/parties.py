"""Who buys and who sells, as the ordering rules see them."""

from dataclasses import dataclass

from marketplace.models import Organisation, OrganisationKind, User


@dataclass(frozen=True)
class Buyer:
    """A user buying for an organisation (a business), or for themself (an individual)."""

    user: User
    organisation: Organisation | None = None

    @property
    def is_business(self) -> bool:
        return self.organisation is not None

    def owns(self, obj) -> bool:
        """Whether a cart, checkout or order with buyer_organisation/buyer_user is this buyer's."""
        if self.organisation is not None:
            return obj.buyer_organisation_id == self.organisation.pk
        return obj.buyer_organisation_id is None and obj.buyer_user_id == self.user.pk


def seller_is_business(*, seller_organisation: Organisation | None) -> bool:
    return seller_organisation is not None and seller_organisation.kind != OrganisationKind.OUTLET
