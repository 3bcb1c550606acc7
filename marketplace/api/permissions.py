"""The permission layer shared by every app's API.

Scoping does the main work: each view's `get_queryset` returns only what the caller's
organisations own, so another organisation's object is a 404. These classes add the rules
that depend on who the caller acts for.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from marketplace.errors import DomainError, NotPermitted
from marketplace.models import Membership, Organisation
from marketplace.selectors import is_platform_operator, organisation_ids_for

ORGANISATION_HEADER = "X-Organisation"


def acting_organisation(request) -> Organisation | None:
    """The organisation the caller acts for: named by the X-Organisation header (its slug), or
    the caller's only organisation. None means the caller acts as an individual.

    Raises DomainError when the header names an organisation the caller does not belong to, or
    when the caller belongs to several and did not say which.
    """
    if hasattr(request, "_acting_organisation"):
        return request._acting_organisation
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    slug = request.headers.get(ORGANISATION_HEADER)
    if slug:
        chosen = [m.organisation for m in memberships if m.organisation.slug == slug]
        if not chosen:
            raise NotPermitted(
                _("You are not a member of organisation '%(slug)s'.") % {"slug": slug}
            )
        organisation = chosen[0]
    elif len(memberships) > 1:
        raise DomainError(
            _("You belong to several organisations: name one in the %(header)s header.")
            % {"header": ORGANISATION_HEADER},
            code="organisation_required",
        )
    else:
        organisation = memberships[0].organisation if memberships else None
    request._acting_organisation = organisation
    return organisation


def _kinds_message(kinds: tuple[str, ...]) -> str:
    return _("Only members of an approved %(kinds)s may do this.") % {"kinds": " or ".join(kinds)}


# Built when a view module is imported, read per request: translated in the request's language.
_acts_for_message = lazy(_kinds_message, str)


def acts_for(*kinds: str, approved: bool = True) -> type[BasePermission]:
    """A permission class: the caller acts for an organisation of one of `kinds`."""

    class ActsFor(BasePermission):
        message = _acts_for_message(kinds)

        def has_permission(self, request, view) -> bool:
            if not request.user.is_authenticated:
                return False
            organisation = acting_organisation(request)
            return (
                organisation is not None
                and organisation.kind in kinds
                and (organisation.is_approved or not approved)
            )

    ActsFor.__name__ = f"ActsFor{''.join(k.title() for k in kinds)}"
    return ActsFor


class IsPlatformOperator(BasePermission):
    message = gettext_lazy("Only the platform operator may do this.")

    def has_permission(self, request, view) -> bool:
        return is_platform_operator(request.user)


class IsMemberOfOwner(BasePermission):
    """Object level: the caller is a member of the organisation that owns the object, or is the
    individual who owns it. Objects say who owns them through `owner_organisation_id` and
    `owner_user_id`."""

    def has_object_permission(self, request, view, obj) -> bool:
        organisation_id = getattr(obj, "owner_organisation_id", None)
        if organisation_id is not None:
            return organisation_id in organisation_ids_for(request.user)
        return getattr(obj, "owner_user_id", None) == request.user.id
