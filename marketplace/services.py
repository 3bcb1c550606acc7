"""Writes about parties: registration, approval and memberships. One function per action."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError, NotPermitted, check_transition
from marketplace.models import (
    ORGANISATION_TRANSITIONS,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
)
from marketplace.selectors import is_platform_operator, membership_of

SELF_REGISTERED_KINDS = frozenset(OrganisationKind) - {OrganisationKind.PLATFORM}


def user_register(*, username: str, email: str, password: str, **profile: str) -> User:
    """Create a person who can sign in. Raises DomainError naming the field that is wrong."""
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict.for_field("username", _("This username is taken."))
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict.for_field("email", _("An account with this email exists."))
    user = User(username=username, email=email.lower(), **profile)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(
            _("The password is too weak."), fields={"password": error.messages}
        ) from None
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        # Two registrations raced past the checks above; the unique constraints decided.
        raise Conflict(_("This username or email is taken.")) from None
    return user


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organisation"
    slug, suffix = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


@transaction.atomic
def organisation_register(*, owner: User, name: str, kind: str, **details: str) -> Organisation:
    """A business joins as pending with `owner` as its first member; a platform user approves it."""
    if kind not in SELF_REGISTERED_KINDS:
        raise DomainError.for_field(
            "kind", _("'%(kind)s' organisations cannot register themselves.") % {"kind": kind}
        )
    organisation = Organisation.objects.create(
        name=name, slug=_unique_slug(name), kind=kind, **details
    )
    Membership.objects.create(user=owner, organisation=organisation, role=MembershipRole.OWNER)
    return organisation


def _organisation_status_change(
    *, organisation: Organisation, by: User, to_status: str
) -> Organisation:
    if not is_platform_operator(by):
        raise NotPermitted(_("Only the platform operator approves or suspends organisations."))
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        check_transition(
            ORGANISATION_TRANSITIONS,
            entity="organisation",
            from_status=locked.status,
            to_status=to_status,
        )
        locked.status = to_status
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        locked.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return locked


def organisation_approve(*, organisation: Organisation, by: User) -> Organisation:
    return _organisation_status_change(
        organisation=organisation, by=by, to_status=OrganisationStatus.APPROVED
    )


def organisation_suspend(*, organisation: Organisation, by: User) -> Organisation:
    return _organisation_status_change(
        organisation=organisation, by=by, to_status=OrganisationStatus.SUSPENDED
    )


def _require_owner(organisation: Organisation, by: User) -> None:
    membership = membership_of(by, organisation)
    if membership is None or membership.role != MembershipRole.OWNER:
        raise NotPermitted(_("Only an owner of the organisation manages its members."))


def membership_add(
    *, organisation: Organisation, by: User, email: str, role: str = MembershipRole.STAFF
) -> Membership:
    """An owner adds an existing user, found by email, to the organisation."""
    _require_owner(organisation, by)
    if role not in MembershipRole.values:
        raise DomainError.for_field("role", _("'%(role)s' is not a role.") % {"role": role})
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise DomainError.for_field("email", _("No user has this email."))
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created:
        raise Conflict.for_field("email", _("This user is already a member."))
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """An owner removes a member; the last owner cannot leave the organisation ownerless."""
    _require_owner(membership.organisation, by)
    owners = Membership.objects.select_for_update().filter(
        organisation=membership.organisation, role=MembershipRole.OWNER
    )
    if membership.role == MembershipRole.OWNER and len(owners) == 1:
        raise Conflict(_("An organisation keeps at least one owner."))
    membership.delete()
