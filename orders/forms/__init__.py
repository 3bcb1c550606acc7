"""Forms of the ordering pages, one module per party. They only check the shape of what is typed;
the services decide, and their refusals are shown next to the field they name."""

from django import forms

from marketplace.errors import DomainError


def show_refusal(form: forms.Form, error: DomainError, *, default_field: str) -> None:
    """Put a service's refusal next to the fields it names (or the one the form is about)."""
    named = {field: reasons for field, reasons in error.fields.items() if field in form.fields}
    if not named:
        form.add_error(default_field, error.message)
    for field, reasons in named.items():
        for reason in reasons:
            form.add_error(field, reason)
