"""Typed domain errors shared by every app.

Services raise these; `marketplace.api.errors.exception_handler` turns them into responses of one
shape: `{"error": {"code", "message", "fields"}}`. Each class names the HTTP family it belongs to
so the handler needs no table of its own, and services never import DRF.
"""

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the request. `fields` maps input names to reasons."""

    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code

    @classmethod
    def for_field(cls, field: str, reason: str, *, code: str | None = None) -> "DomainError":
        return cls(reason, fields={field: [reason]}, code=code)


class NotPermitted(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class TransitionNotAllowed(Conflict):
    """A status change that the transition table does not allow; nothing was changed."""

    code = "transition_not_allowed"

    def __init__(self, *, entity: str, from_status: Any, to_status: Any):
        super().__init__(
            _("A %(entity)s cannot go from '%(from_status)s' to '%(to_status)s'.")
            % {"entity": entity, "from_status": from_status, "to_status": to_status}
        )
        self.entity = entity
        self.from_status = from_status
        self.to_status = to_status


def check_transition(
    transitions: dict[Any, set[Any]], *, entity: str, from_status: Any, to_status: Any
) -> None:
    """Raise TransitionNotAllowed unless `transitions` allows from_status -> to_status."""
    if to_status not in transitions.get(from_status, set()):
        raise TransitionNotAllowed(entity=entity, from_status=from_status, to_status=to_status)
