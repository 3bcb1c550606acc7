"""One error shape for the whole API: `{"error": {"code", "message", "fields"}}`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.errors import DomainError


def error_response(
    *, status_code: int, code: str, message: str, fields: dict | None = None
) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status_code
    )


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as {"field" or "field.sub" or "items.0.price": [reasons]}."""
    flat: dict[str, list[str]] = {}

    def walk(node, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(node, list) and node and not all(isinstance(i, str) for i in node):
            for index, value in enumerate(node):
                walk(value, f"{prefix}.{index}" if prefix else str(index))
        else:
            reasons = node if isinstance(node, list) else [node]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(r) for r in reasons)

    walk(detail, "")
    return flat


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return error_response(
            status_code=exc.status, code=exc.code, message=exc.message, fields=exc.fields
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            code="invalid",
            message=_("The request has invalid fields."),
            fields=_flatten(exc.detail),
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = detail.code if hasattr(detail, "code") else "error"
    fixed = error_response(status_code=response.status_code, code=code, message=str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            fixed[header] = response[header]
    return fixed
