"""What every page needs to know about the caller: the kinds of organisation they act in, so the
navigation shows the pages that are theirs."""

from marketplace.models import SELLER_KINDS, Membership


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": frozenset()}
    kinds = frozenset(
        Membership.objects.filter(user=user).values_list("organisation__kind", flat=True)
    )
    # An individual sells their own parts too (C2C).
    sells = bool(kinds & SELLER_KINDS) or not kinds
    return {"roles": kinds | ({"seller"} if sells else set())}
