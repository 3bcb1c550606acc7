"""Pages of the marketplace's parties: opening an account (signing in is Django's own view)."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from marketplace import services
from marketplace.errors import DomainError
from marketplace.forms import SignUpForm, show_refusal

# The services' argument names that the sign-up form asks under another name.
SERVICE_NAMES = {"name": "organisation_name", "kind": "account_kind"}


@sensitive_post_parameters("password", "password_again")
def sign_up(request):
    """Open an account, and the business it is for (pending approval), then sign in."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = services.user_register(**form.user_fields())
                organisation_fields = form.organisation_fields()
                if organisation_fields:
                    services.organisation_register(owner=user, **organisation_fields)
        except DomainError as error:
            show_refusal(form, error, default_field=None, field_names=SERVICE_NAMES)
        else:
            login(request, user)
            if organisation_fields:
                messages.success(
                    request,
                    _("Welcome. %(name)s is waiting for the marketplace's approval.")
                    % {"name": organisation_fields["name"]},
                )
            else:
                messages.success(request, _("Welcome. You can buy and sell parts now."))
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "registration/sign_up.html", {"form": form}, status=status)
