"""Reads about parties that every app uses to scope what a caller may see."""

from django.db.models import QuerySet

from marketplace.models import Membership, Organisation, OrganisationKind, User


def organisation_ids_for(user: User) -> frozenset[int]:
    """Ids of the organisations `user` belongs to, remembered on the user object per request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_organisation_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
        user._organisation_ids = cached
    return cached


def is_platform_operator(user: User) -> bool:
    """Django superusers and members of an approved platform organisation run the marketplace."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user,
        organisation__kind=OrganisationKind.PLATFORM,
        organisation__status="approved",
    ).exists()


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    if is_platform_operator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(id__in=organisation_ids_for(user))


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation_id__in=organisation_ids_for(user)).select_related(
        "user", "organisation"
    )


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()
