"""Notifications whose body is rendered when each attempt is made, not when the row is
written: account emails carry a sign-in credential (a verification or password-reset
link), which must not sit in the outbox where staff can read it (the admin shows the
row). The owning app registers a renderer per kind at start-up; `notifications` never
imports it (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable

from notifications.models import Notification

Renderer = Callable[[Notification], tuple[str, str]]
_renderers: dict[str, Renderer] = {}

# What the row shows instead of the body (admin, history).
NOT_STORED = "(Written when sent: it holds a personal link, which is not stored.)"


def render_when_sent(*kinds: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of `kinds`: it gets the row and
    returns (subject, body) for this attempt, in the row's language."""

    def register(renderer: Renderer) -> Renderer:
        for kind in kinds:
            _renderers[kind] = renderer
        return renderer

    return register


def is_rendered_when_sent(kind: str) -> bool:
    return kind in _renderers


def content(notification: Notification) -> tuple[str, str]:
    """(subject, body) of `notification` for the attempt being made now."""
    renderer = _renderers.get(notification.kind)
    if renderer is not None:
        return renderer(notification)
    if notification.body == NOT_STORED:
        # Sending the placeholder would tell the resident nothing: fail the row instead.
        raise LookupError(f"No renderer registered for {notification.kind!r} notifications.")
    return notification.subject, notification.body
